// `synthembed-cli embed` end to end on the real stories260K model: JSONL and .npy outputs agree
// with each other and with the reference embeddings; bad input gives a one-line error.

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

using namespace synthembed;
using nlohmann::json;

TEST(CliEmbed, JsonlAndNpyMatchReference) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    std::ifstream rin(dir / "reference_embeddings.json");
    auto ref = json::parse(rin);
    test::TempDir tmp;
    std::string input;
    for (int i = 0; i < 5; ++i)
        input += json{{"text", ref["items"][i]["text"]}}.dump() + "\n";
    test::writeFile(tmp / "in.jsonl", input + "\n");
    auto r = test::runCli({"embed", "--model", dir.string(), "--input", (tmp / "in.jsonl").string(),
                           "--output", (tmp / "out.jsonl").string(), "--batch-size", "2", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto summary = json::parse(r.out);
    EXPECT_EQ(summary["texts"], 5);
    EXPECT_EQ(summary["pooling"], "last");
    std::ifstream out(tmp / "out.jsonl");
    std::string line;
    std::vector<std::vector<float>> rows;
    while (std::getline(out, line))
        rows.push_back(json::parse(line)["embedding"].get<std::vector<float>>());
    ASSERT_EQ(rows.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        auto e = ref["items"][i]["emb_last_token_eos"].get<std::vector<double>>();
        double d = 0, n = 0;
        for (int k = 0; k < 64; ++k) {
            d += rows[i][k] * e[k];
            n += rows[i][k] * rows[i][k];
        }
        EXPECT_GE(d / std::sqrt(n), 0.99999) << i; // reference vectors are unit length
    }
    r = test::runCli({"embed", "--model", dir.string(), "--input", (tmp / "in.jsonl").string(), "--output",
                      (tmp / "out.npy").string(), "--pooling", "mean", "-q"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::string npy = test::readFile(tmp / "out.npy");
    ASSERT_EQ(npy.substr(0, 6), "\x93NUMPY");
    std::size_t hl = static_cast<unsigned char>(npy[8]) | (static_cast<unsigned char>(npy[9]) << 8);
    EXPECT_EQ((10 + hl) % 64, 0u);
    EXPECT_NE(npy.find("'shape': (5, 64)"), std::string::npos);
    ASSERT_EQ(npy.size(), 10 + hl + 5 * 64 * 4);
    std::vector<float> v(64);
    std::memcpy(v.data(), npy.data() + 10 + hl + 64 * 4, 64 * 4); // row 1
    auto e = ref["items"][1]["emb_mean"].get<std::vector<double>>();
    double d = 0;
    for (int k = 0; k < 64; ++k)
        d += v[k] * e[k];
    EXPECT_GE(d, 0.99999);
}

TEST(CliEmbed, BadInputIsOneLineError) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    test::TempDir tmp;
    test::writeFile(tmp / "in.jsonl", "{\"text\": \"ok\"}\n{\"txt\": 1}\n");
    auto r = test::runCli({"embed", "--model", dir.string(), "--input", (tmp / "in.jsonl").string(),
                           "--output", (tmp / "out.jsonl").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("in.jsonl:2"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(tmp / "out.jsonl"));
    // A folder without a model.
    test::writeFile(tmp / "in.jsonl", "{\"text\": \"ok\"}\n");
    r = test::runCli({"embed", "--model", tmp.path().string(), "--input", (tmp / "in.jsonl").string(),
                      "--output", (tmp / "out.jsonl").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << r.err;
}

TEST(CliEmbed, OutputRefusesExistingFileWithoutForceAndNeverTheProject) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    test::TempDir tmp;
    test::writeFile(tmp / "in.jsonl", "{\"text\": \"a story\"}\n");
    test::writeFile(tmp / "out.npy", "keep me");
    auto embed = [&](const std::filesystem::path& out, std::vector<std::string> extra) {
        std::vector<std::string> args = {"embed", "--model", dir.string(), "--input", (tmp / "in.jsonl").string(),
                                         "--output", out.string(), "-q"};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::runCli(args);
    };
    auto r = embed(tmp / "out.npy", {});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(tmp / "out.npy"), "keep me");
    // The project file named by --db is refused even with --force.
    const auto db = tmp / "p.db";
    ASSERT_EQ(test::runCli({"init", "--db", db.string()}).exitCode, 0);
    const auto before = test::readFile(db);
    r = embed(db, {"--force", "--db", db.string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("project file"), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(db), before);
    // --force replaces the file.
    r = embed(tmp / "out.npy", {"--force"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::readFile(tmp / "out.npy").substr(0, 6), "\x93NUMPY");
}

// A folder with sentence-transformers' prompts (config_sentence_transformers.json): --prompt-name
// prepends the named prompt, default_prompt_name applies when none is named, --prompt gives the
// text itself, an unknown name is an error listing the folder's prompts.
TEST(CliEmbed, PromptsOfTheModelFolder) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    namespace fs = std::filesystem;
    test::TempDir tmp;
    const auto model = tmp / "model";
    fs::create_directories(model);
    for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer.model",
                          "tokenizer_config.json", "special_tokens_map.json"})
        fs::copy_file(dir / f, model / f);
    const std::string queryPrompt = "Instruct: Retrieve stories about the same thing\nQuery: ";
    auto writeConfig = [&](const json& defaultName) {
        test::writeFile(model / "config_sentence_transformers.json",
                        json{{"prompts", {{"query", queryPrompt}, {"document", ""}}},
                             {"default_prompt_name", defaultName},
                             {"similarity_fn_name", "cosine"}}
                            .dump(2));
    };
    writeConfig(nullptr);
    test::writeFile(tmp / "in.jsonl", "{\"text\": \"Lily saw a big red ball.\"}\n{\"text\": \"The sun is hot.\"}\n");
    int n = 0;
    auto embed = [&](std::vector<std::string> extra, json* summary = nullptr) {
        const auto out = tmp / ("out" + std::to_string(n++) + ".jsonl");
        std::vector<std::string> args = {"embed", "--model", model.string(), "--input", (tmp / "in.jsonl").string(),
                                         "--output", out.string(), "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        if (summary && r.exitCode == 0) *summary = json::parse(r.out);
        std::vector<std::vector<float>> rows;
        std::ifstream in(out);
        for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line)["embedding"].get<std::vector<float>>());
        EXPECT_EQ(rows.size(), 2u);
        return rows;
    };
    auto same = [](const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
        if (a.size() != b.size() || a.empty()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            for (std::size_t k = 0; k < a[i].size(); ++k)
                if (std::fabs(a[i][k] - b[i][k]) > 1e-6f) return false;
        return true;
    };
    json s;
    const auto plain = embed({}, &s);
    EXPECT_EQ(s["prompt"], "");
    const auto named = embed({"--prompt-name", "query"}, &s);
    EXPECT_EQ(s["prompt"], queryPrompt);
    EXPECT_FALSE(same(plain, named)); // the prompt changes the vectors
    // The query prompt is the e5 instruction format: same tokens as --instruction.
    EXPECT_TRUE(same(named, embed({"--instruction", "Retrieve stories about the same thing"})));
    EXPECT_TRUE(same(named, embed({"--prompt", queryPrompt})));
    EXPECT_TRUE(same(plain, embed({"--prompt-name", "document"}))); // an empty prompt
    // Unknown name: a clear error with the folder's names, and no output.
    auto r = test::runCli({"embed", "--model", model.string(), "--input", (tmp / "in.jsonl").string(), "--output",
                      (tmp / "bad2.jsonl").string(), "--prompt-name", "passage"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("prompt 'passage'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("config_sentence_transformers.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("document, query"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "bad2.jsonl"));
    // default_prompt_name applies when no name is given; --prompt "" overrides it.
    writeConfig("query");
    EXPECT_TRUE(same(named, embed({}, &s)));
    EXPECT_EQ(s["prompt"], queryPrompt);
    EXPECT_TRUE(same(plain, embed({"--prompt", ""})));
    // A default that names no prompt is a load error naming the file.
    writeConfig("passage");
    r = test::runCli({"embed", "--model", model.string(), "--input", (tmp / "in.jsonl").string(), "--output",
                      (tmp / "bad3.jsonl").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("default_prompt_name 'passage'"), std::string::npos) << r.err;
}
