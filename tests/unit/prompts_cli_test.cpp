// `synthembed-cli prompts ...` run as a user would.

#include "support/test_support.h"

#include <nlohmann/json.hpp>

using namespace synthembed::test;

namespace {
struct Project {
    TempDir dir;
    std::string db = (dir / "p.synthembed").string();
    Project() {
        auto r = runCli({"init", "--db", db});
        EXPECT_EQ(r.exitCode, 0) << r.err;
    }
};
} // namespace

TEST(PromptsCli, RenderJsonIsDeterministic) {
    Project p;
    auto r = runCli({"prompts", "render", "--db", p.db, "--family", "short-long", "--seed", "5", "--count", "3", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 3u);
    for (const auto& item : j) {
        EXPECT_EQ(item.size(), 4u) << item.dump();
        EXPECT_EQ(item["family"], "short-long");
        EXPECT_EQ(item["step"], "generate");
        const std::string prompt = item["prompt"];
        EXPECT_EQ(prompt.find('{'), std::string::npos);
        // Every sampled placeholder is recorded, and its value is in the prompt.
        EXPECT_EQ(item["values"].size(), 7u) << item["values"].dump();
        for (auto& [k, v] : item["values"].items())
            EXPECT_NE(prompt.find(v.get<std::string>()), std::string::npos) << k;
        EXPECT_EQ(prompt.rfind("Here is a text retrieval task: Given a question about a home-cooking", 0), 0u);
    }
    // Same seed, same bytes; the shipped files give the same prompts as a fresh project.
    auto again = runCli({"prompts", "render", "--db", p.db, "--family", "short-long", "--seed", "5", "--count", "3",
                         "--json"});
    EXPECT_EQ(again.out, r.out);
    auto shipped = runCli({"prompts", "render", "--shipped", "--family", "short-long", "--seed", "5", "--count", "3",
                           "--json"});
    EXPECT_EQ(shipped.out, r.out);
    auto other = runCli({"prompts", "render", "--db", p.db, "--family", "short-long", "--seed", "6", "--count", "3",
                         "--json"});
    EXPECT_NE(other.out, r.out);
}

TEST(PromptsCli, RenderStepsTasksAndErrors) {
    Project p;
    auto b = runCli({"prompts", "render", "--db", p.db, "--family", "long-short", "--step", "brainstorm", "--seed",
                     "1", "--count", "1", "--json"});
    ASSERT_EQ(b.exitCode, 0) << b.err;
    auto jb = nlohmann::json::parse(b.out);
    EXPECT_EQ(jb[0]["step"], "brainstorm");
    EXPECT_TRUE(jb[0]["values"].empty());
    auto t = runCli({"prompts", "render", "--db", p.db, "--family", "long-long", "--task", "Match two legal contracts.",
                     "--seed", "1", "--count", "2", "--json"});
    ASSERT_EQ(t.exitCode, 0) << t.err;
    auto jt = nlohmann::json::parse(t.out);
    EXPECT_EQ(jt[1]["values"]["task"], "Match two legal contracts.");
    auto bitext = runCli({"prompts", "render", "--db", p.db, "--family", "bitext", "--seed", "2", "--count", "1", "--json"});
    auto jbt = nlohmann::json::parse(bitext.out);
    EXPECT_NE(jbt[0]["values"]["src_lang"], jbt[0]["values"]["tgt_lang"]);

    auto text = runCli({"prompts", "render", "--db", p.db, "--family", "sts", "--seed", "1", "--count", "2"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("### 2/2  sts generate"), std::string::npos) << text.out;

    auto badFamily = runCli({"prompts", "render", "--db", p.db, "--family", "medium", "--seed", "1", "--count", "1"});
    EXPECT_NE(badFamily.exitCode, 0);
    EXPECT_EQ(badFamily.err.rfind("error: unknown family 'medium'", 0), 0u) << badFamily.err;
    auto stsBrainstorm = runCli({"prompts", "render", "--db", p.db, "--family", "sts", "--step", "brainstorm", "--seed",
                                 "1", "--count", "1"});
    EXPECT_NE(stsBrainstorm.exitCode, 0);
    auto taskOnSts = runCli({"prompts", "render", "--db", p.db, "--family", "sts", "--task", "x", "--seed", "1",
                             "--count", "1"});
    EXPECT_NE(taskOnSts.exitCode, 0);
    auto noSeed = runCli({"prompts", "render", "--db", p.db, "--family", "sts", "--count", "1"});
    EXPECT_NE(noSeed.exitCode, 0);
}

TEST(PromptsCli, ListShowValidate) {
    Project p;
    auto list = runCli({"prompts", "list", "--db", p.db, "--json"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto jl = nlohmann::json::parse(list.out);
    EXPECT_EQ(jl["templates"].size(), 10u);
    EXPECT_EQ(jl["pools"].size(), 12u);

    auto show = runCli({"prompts", "show", "--db", p.db, "bitext"});
    ASSERT_EQ(show.exitCode, 0) << show.err;
    EXPECT_NE(show.out.find("family: bitext"), std::string::npos);
    EXPECT_NE(show.out.find("{low_score} <- pool low_score_bitext: 1.5, 2, 2.5"), std::string::npos) << show.out;
    auto showJson = runCli({"prompts", "show", "--db", p.db, "short-long.brainstorm", "--json"});
    ASSERT_EQ(showJson.exitCode, 0) << showJson.err;
    auto js = nlohmann::json::parse(showJson.out);
    EXPECT_EQ(js["step"], "brainstorm");
    EXPECT_EQ(js["version"], 1);
    EXPECT_TRUE(js["diagnostics"].empty());

    auto ok = runCli({"prompts", "validate", "--db", p.db});
    EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("20 templates checked: 0 errors"), std::string::npos) << ok.out;

    // Break a stored template: export, edit, import -> validate fails naming the version and position.
    ASSERT_EQ(runCli({"prompts", "export", "--db", p.db, "--output", (p.dir / "x").string()}).exitCode, 0);
    auto file = p.dir / "x" / "templates" / "sts.generate.prompt";
    std::string text = readFile(file);
    text.replace(text.find("{high_score}"), 12, "{high_scor}");
    writeFile(file, text);
    auto imp = runCli({"prompts", "import", "--db", p.db, "--input", (p.dir / "x").string(), "--json"});
    ASSERT_EQ(imp.exitCode, 0) << imp.err;
    EXPECT_EQ(nlohmann::json::parse(imp.out)["templates_added"], 1);
    auto bad = runCli({"prompts", "validate", "--db", p.db});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.out.find("db:sts.generate@v2:"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("error: unknown placeholder {high_scor}"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("unused_pool"), std::string::npos) << bad.out;
    // A single file can be checked too.
    auto one = runCli({"prompts", "validate", file.string(), "--json"});
    EXPECT_NE(one.exitCode, 0);
    auto jo = nlohmann::json::parse(one.out);
    EXPECT_EQ(jo["errors"], 2);
    auto versions = runCli({"prompts", "list", "--versions", "--db", p.db, "--json"});
    int stsVersions = 0;
    const auto jv = nlohmann::json::parse(versions.out);
    for (const auto& t : jv["templates"]) stsVersions += t["name"] == "sts.generate";
    EXPECT_EQ(stsVersions, 2);
    auto showV1 = runCli({"prompts", "show", "--db", p.db, "sts", "--version", "1", "--json"});
    EXPECT_NE(nlohmann::json::parse(showV1.out)["body"].get<std::string>().find("{high_score}"), std::string::npos);
}

TEST(PromptsCli, CoverageJson) {
    auto r = runCli({"prompts", "coverage", "--shipped", "--family", "sts", "--family", "bitext", "--count", "500",
                     "--seed", "1", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["prompts"], 1000);
    EXPECT_GT(j["estimated_prompt_tokens"].get<long>(), 1000 * 100);
    EXPECT_TRUE(j["language_mix"].contains("English"));
}
