// Brainstorm diversity (issue 13): a brainstorm template with pool placeholders draws them per
// brainstorm request from the job's seed and the request's index, so the brainstorms of one job ask
// different questions (a temperature-0 server then still gives different task lists), and the same
// seed asks the same questions again. The real CLI against the fake HTTP server; the prompts are read
// back from the project file, as sent.

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/store/sqlite.h"

#include <set>

using namespace synthembed;
using namespace synthembed::test;
namespace fs = std::filesystem;

namespace {

fs::path shippedPrompts() {
    const char* env = std::getenv("SYNTHEMBED_PROMPTS_DIR");
    return env && *env ? fs::path(env) : fs::path(SYNTHEMBED_TEST_SOURCE_DIR) / ".." / "prompts";
}

// The shipped prompts, with short-long's brainstorm asking about one domain and one audience drawn
// from two pools (the shipped brainstorm templates have no placeholder: they are the paper's text).
fs::path promptsWithBrainstormPools(const fs::path& dir) {
    fs::copy(shippedPrompts(), dir, fs::copy_options::recursive);
    writeFile(dir / "pools" / "brainstorm_domain.pool",
              "name: brainstorm_domain\n---\nmedicine\nlaw\ncooking\nastronomy\nfinance\nsports\n"
              "software engineering\nhistory\nagriculture\nmusic\n");
    writeFile(dir / "pools" / "brainstorm_audience.pool",
              "name: brainstorm_audience\n---\nchildren\nstudents\nexperts\nretirees\njournalists\n");
    writeFile(dir / "templates" / "short-long.brainstorm.prompt",
              "name: short-long.brainstorm\nfamily: short-long\nstep: brainstorm\n"
              "placeholders: domain=brainstorm_domain, audience=brainstorm_audience\n---\n"
              "Think up a list of text retrieval tasks about {domain} that {audience} would find useful.\n"
              "Answer with a Python list of strings and nothing else: about 20 elements.\n");
    return dir;
}

std::vector<std::string> generateArgs(const std::string& db, const FakeLlmServer& server, std::uint64_t seed,
                                      const std::vector<std::string>& more) {
    std::vector<std::string> a{"generate", "--db",       db,     "--endpoint", server.baseUrl(), "--llm-model",
                               "fake-model", "--family", "short-long", "--count", "60", "--concurrency", "2",
                               "--examples-per-task", "1", "--backoff", "0.02", "--seed", std::to_string(seed)};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

struct Brainstorm {
    std::string prompt;
    std::string values;
};

// The job's brainstorm requests in the order they were planned (one row per request index).
std::vector<Brainstorm> brainstorms(const std::string& path) {
    db::Database d(path, db::OpenMode::ReadOnly);
    auto q = d.prepare("SELECT prompt, sampled_values FROM requests WHERE kind = 'brainstorm' ORDER BY id");
    std::vector<Brainstorm> out;
    while (q.step()) out.push_back({q.getText(0), q.getText(1)});
    return out;
}

} // namespace

TEST(GenBrainstormSeed, BrainstormPlaceholdersVaryPerRequestAndRepeatPerSeed) {
    FakeLlmServer server;
    TempDir dir;
    auto prompts = promptsWithBrainstormPools(dir / "prompts");

    auto run = [&](const std::string& name, std::uint64_t seed, bool stored) {
        auto db = (dir / name).string();
        if (stored) {
            // The project's stored templates (pinned by the job), imported from the folder.
            auto init = runCli({"init", "--db", db});
            EXPECT_EQ(init.exitCode, 0) << init.err;
            auto imp = runCli({"prompts", "import", "--db", db, "--input", prompts.string()});
            EXPECT_EQ(imp.exitCode, 0) << imp.err;
        }
        auto r = runCli(generateArgs(db, server, seed,
                                     stored ? std::vector<std::string>{} : std::vector<std::string>{"--prompts",
                                                                                                    prompts.string()}));
        EXPECT_EQ(r.exitCode, 0) << r.err << r.out;
        return brainstorms(db);
    };

    auto a = run("a.synthembed", 7, false);
    // 60 examples, one per task, ~20 tasks per brainstorm: at least three brainstorms.
    ASSERT_GE(a.size(), 3u);
    std::set<std::string> prompts_a, values_a;
    for (auto& b : a) {
        prompts_a.insert(b.prompt);
        values_a.insert(b.values);
        EXPECT_EQ(b.prompt.find('{'), std::string::npos) << "every placeholder filled: " << b.prompt;
        EXPECT_NE(b.values.find("\"domain\""), std::string::npos) << b.values;
        EXPECT_NE(b.values.find("\"audience\""), std::string::npos) << b.values;
    }
    // 50 combinations: the first brainstorms of a job ask different questions (all equal would mean
    // every request drew from the same stream).
    EXPECT_GE(prompts_a.size(), a.size() - 1) << "brainstorm prompts repeat within one job";
    EXPECT_EQ(prompts_a.size(), values_a.size());

    // Same seed, new project: the same questions, request by request.
    auto b = run("b.synthembed", 7, false);
    ASSERT_GE(b.size(), 3u);
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) EXPECT_EQ(a[i].prompt, b[i].prompt) << i;

    // The project's stored templates (what the GUI and a plain `generate` use) give the same.
    auto s = run("s.synthembed", 7, true);
    ASSERT_GE(s.size(), 3u);
    for (std::size_t i = 0; i < std::min(a.size(), s.size()); ++i) EXPECT_EQ(a[i].prompt, s[i].prompt) << i;

    // Another seed asks other questions.
    auto c = run("c.synthembed", 8, false);
    ASSERT_GE(c.size(), 3u);
    std::size_t same = 0;
    for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i) same += a[i].prompt == c[i].prompt;
    EXPECT_LT(same, std::min(a.size(), c.size()));
}

// A brainstorm template without placeholders (the shipped ones: the paper's text) sends the same
// prompt every time: diversity then comes from sampling (temperature 1.0) and task reuse.
TEST(GenBrainstormSeed, ShippedBrainstormPromptIsFixedText) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = runCli(generateArgs(db, server, 7, {}));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto all = brainstorms(db);
    ASSERT_GE(all.size(), 2u);
    for (auto& b : all) {
        EXPECT_EQ(b.prompt, all.front().prompt);
        EXPECT_EQ(b.values, "{}");
    }
}
