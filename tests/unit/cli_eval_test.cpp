// eval, eval-compare, index, search and mine-negatives run as a user would, with the
// model-free hashing encoder on files written here (and ../shared data where present).

#include "support/fake_hub_server.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <set>

using namespace synthembed::test;

namespace {
std::vector<std::string> envFor(const TempDir& dir) { return {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()}; }

void writeSts(const std::filesystem::path& p) {
    writeFile(p, R"({"sentence1": "a cat sits on the mat", "sentence2": "a cat is sitting on a mat", "score": 4.8}
{"sentence1": "a man plays guitar", "sentence2": "a man is playing a guitar", "score": 4.5}
{"sentence1": "the stock market fell", "sentence2": "a dog runs in the park", "score": 0.2}
{"sentence1": "children play football", "sentence2": "kids are playing soccer", "score": 3.9}
{"sentence1": "rain is expected tomorrow", "sentence2": "a woman cuts onions", "score": 0.0}
)");
}
} // namespace

TEST(CliEval, StsWritesResultsAndStoresThem) {
    TempDir dir;
    const auto db = (dir / "p.db").string();
    ASSERT_EQ(runCli({"init", "--db", db}).exitCode, 0);
    writeSts(dir / "sts.jsonl");
    const auto out = (dir / "r.json").string();
    auto r = runCli({"eval", "--db", db, "--model", "hash:64", "--task-type", "sts", "--data", (dir / "sts.jsonl").string(),
                     "--output", out, "--cache", (dir / "c.sqlite").string()},
                    envFor(dir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(readFile(out));
    EXPECT_EQ(j["task"], "sts");
    EXPECT_TRUE(j["metrics"].contains("cosine_spearman"));
    EXPECT_EQ(j["main_score"], j["metrics"]["cosine_spearman"]);
    EXPECT_GT(j["main_score"].get<double>(), 0.5); // word overlap tracks the gold order
    EXPECT_EQ(j["instruction"], "Retrieve semantically similar text.");
    // rerun: bit-identical score, every text from the cache
    auto again = runCli({"eval", "--db", db, "--model", "hash:64", "--task-type", "sts", "--data",
                         (dir / "sts.jsonl").string(), "--json", "--cache", (dir / "c.sqlite").string()},
                        envFor(dir));
    ASSERT_EQ(again.exitCode, 0) << again.err;
    auto k = nlohmann::json::parse(again.out);
    EXPECT_EQ(k["main_score"], j["main_score"]);
    EXPECT_EQ(k["counts"]["cache_misses"], 0.0);
    EXPECT_EQ(k["counts"]["cache_hits"], 10.0);
    // both runs stored; compare by id shows a zero delta with a CI
    auto list = runCli({"eval-results", "--db", db, "--json"}, envFor(dir));
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto rows = nlohmann::json::parse(list.out);
    ASSERT_EQ(rows.size(), 2u);
    auto cmp = runCli({"eval-compare", "--db", db, "db:1", out, "--json"}, envFor(dir));
    ASSERT_EQ(cmp.exitCode, 0) << cmp.err;
    auto c = nlohmann::json::parse(cmp.out);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0]["delta"], 0.0);
    EXPECT_TRUE(c[0].contains("ci95"));
}

// eval --task NAME: an MTEB task from a loopback hub serving mteb/stsbenchmark-sts as the real repo
// is laid out (test.jsonl.gz), into the Hugging Face cache; --list-tasks says what is cached.
TEST(CliEval, MtebTaskByNameIsDownloadedOnceAndListed) {
    TempDir dir;
    const std::string revision = "b0fddb56ed78048fa8b90373c8a3cfc37b684831"; // what mteb pins
    const auto repo = dir / "server" / "datasets" / "mteb" / "stsbenchmark-sts";
    std::filesystem::create_directories(repo);
    const std::string jsonl = R"({"sentence1": "a cat sits on the mat", "sentence2": "a cat is sitting on a mat", "score": 4.8}
{"sentence1": "a man plays guitar", "sentence2": "a man is playing a guitar", "score": 4.5}
{"sentence1": "the stock market fell", "sentence2": "a dog runs in the park", "score": 0.2}
{"sentence1": "children play football", "sentence2": "kids are playing soccer", "score": 3.9}
)";
    gzFile f = gzopen((repo / "test.jsonl.gz").string().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, jsonl.data(), unsigned(jsonl.size())), int(jsonl.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
    FakeHubServer hub(dir / "server", {{"repos", {{"datasets/mteb/stsbenchmark-sts", {{"commit", revision}}}}}});
    auto env = envFor(dir);
    env.push_back("HF_HUB_CACHE=" + (dir / "hf").string());
    env.push_back("HF_ENDPOINT=" + hub.endpoint());
    env.push_back("HF_HUB_OFFLINE=0");

    auto list = runCli({"eval", "--list-tasks"}, env);
    ASSERT_EQ(list.exitCode, 0) << list.err;
    for (const char* name : {"STSBenchmark", "SICK-R", "SciFact", "Banking77Classification"})
        EXPECT_NE(list.out.find(name), std::string::npos) << list.out;

    auto offline = runCli({"eval", "--model", "hash:64", "--task", "STSBenchmark", "--offline", "--no-store"}, env);
    EXPECT_NE(offline.exitCode, 0);
    EXPECT_NE(offline.err.find("[offline]"), std::string::npos) << offline.err;
    EXPECT_TRUE(hub.requests().empty());

    const auto out = (dir / "r.json").string();
    auto r = runCli({"eval", "--model", "hash:64", "--task", "stsbenchmark", "--no-store", "--output", out}, env);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(readFile(out));
    EXPECT_EQ(j["dataset"], "STSBenchmark");
    EXPECT_EQ(j["split"], "test");
    EXPECT_EQ(j["main_metric"], "cosine_spearman");
    EXPECT_TRUE(std::filesystem::exists(dir / "hf" / "datasets--mteb--stsbenchmark-sts" / "snapshots" / revision / "test.jsonl.gz"));

    hub.reset();
    auto cached = runCli({"eval", "--model", "hash:64", "--task", "STSBenchmark", "--offline", "--no-store", "--json"}, env);
    ASSERT_EQ(cached.exitCode, 0) << cached.err;
    EXPECT_EQ(nlohmann::json::parse(cached.out)["main_score"], j["main_score"]);
    EXPECT_TRUE(hub.requests().empty());
    auto listed = nlohmann::json::parse(runCli({"--json", "eval", "--list-tasks"}, env).out);
    for (auto& t : listed)
        EXPECT_EQ(t["cached"].get<bool>(), t["name"] == "STSBenchmark") << t.dump();

    auto both = runCli({"eval", "--model", "hash:64", "--task", "SciFact", "--data", "x"}, env);
    EXPECT_EQ(both.exitCode, 2);
    EXPECT_NE(both.err.find("leave out --task-type and --data"), std::string::npos) << both.err;
}

TEST(CliEval, ErrorsAreOneLine) {
    TempDir dir;
    auto missing = runCli({"eval", "--no-store", "--model", "hash:8", "--task-type", "sts", "--data",
                           (dir / "nope.jsonl").string(), "--no-cache"},
                          envFor(dir));
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_EQ(missing.err.rfind("error: ", 0), 0u) << missing.err;
    EXPECT_NE(missing.err.find("nope.jsonl"), std::string::npos) << missing.err;
    auto badType = runCli({"eval", "--no-store", "--model", "hash:8", "--task-type", "poetry", "--data", "x"}, envFor(dir));
    EXPECT_NE(badType.exitCode, 0);
    auto badModel = runCli({"eval", "--no-store", "--model", (dir / "no-model").string(), "--task-type", "sts", "--data",
                            "x", "--no-cache"},
                           envFor(dir));
    EXPECT_NE(badModel.exitCode, 0);
    EXPECT_NE(badModel.err.find("no-model"), std::string::npos) << badModel.err;
}

TEST(CliEval, OutputRefusesExistingFileWithoutForceAndNeverTheProject) {
    TempDir dir;
    const auto db = (dir / "p.db").string();
    ASSERT_EQ(runCli({"init", "--db", db}).exitCode, 0);
    writeSts(dir / "sts.jsonl");
    const auto out = (dir / "r.json").string();
    writeFile(out, "keep me\n");
    std::vector<std::string> base = {"eval", "--db", db, "--model", "hash:64", "--task-type", "sts", "--data",
                                     (dir / "sts.jsonl").string(), "--no-cache"};
    auto with = [&](std::vector<std::string> extra) {
        auto args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args, envFor(dir));
    };
    auto refused = with({"-o", out});
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_EQ(refused.err.rfind("error: ", 0), 0u) << refused.err;
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(readFile(out), "keep me\n");
    // refused before any work: nothing was stored either
    auto list = runCli({"eval-results", "--db", db, "--json"}, envFor(dir));
    ASSERT_EQ(list.exitCode, 0) << list.err;
    EXPECT_EQ(nlohmann::json::parse(list.out).size(), 0u);
    // the project file (and its companions) is refused even with --force
    const auto dbBefore = readFile(db);
    for (const std::string& target : {db, db + "-wal"}) {
        auto p = with({"-o", target, "--force"});
        EXPECT_NE(p.exitCode, 0) << target;
        EXPECT_NE(p.err.find("project file"), std::string::npos) << p.err;
    }
    EXPECT_EQ(readFile(db), dbBefore);
    EXPECT_FALSE(std::filesystem::exists(db + "-wal"));
    // --force replaces the file with the result
    auto forced = with({"-o", out, "--force"});
    ASSERT_EQ(forced.exitCode, 0) << forced.err;
    EXPECT_EQ(nlohmann::json::parse(readFile(out))["task"], "sts");
}

TEST(CliEval, RetrievalOnSciFactQuick) {
    SYNTHEMBED_REQUIRE_SHARED(scifact, "data/scifact");
    TempDir dir;
    auto r = runCli({"eval", "--no-store", "--model", "hash:64", "--task-type", "retrieval", "--data", scifact.string(),
                     "--quick", "50", "--json", "--no-cache"},
                    envFor(dir));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["counts"]["queries"], 50.0);
    EXPECT_GE(j["counts"]["documents"], 1000.0);
    EXPECT_GT(j["metrics"]["ndcg_at_10"].get<double>(), 0.05);
    EXPECT_EQ(j["instruction"], "Given a scientific claim, retrieve documents that support or refute the claim");
}

TEST(CliIndex, BuildSearchFilterRemoveAndMine) {
    TempDir dir;
    const auto db = (dir / "p.db").string();
    ASSERT_EQ(runCli({"init", "--db", db}).exitCode, 0);
    writeFile(dir / "docs.jsonl", R"({"id": 1, "text": "how to reset my bank card pin", "family": "retrieval", "language": "en"}
{"id": 2, "text": "the cat sat on the mat", "family": "sts", "language": "en"}
{"id": 3, "text": "reset a forgotten card pin at the bank", "family": "retrieval", "language": "de"}
{"id": 4, "text": "weather forecast for tomorrow", "family": "retrieval", "language": "en"}
)");
    for (std::string backend : {"exact", "hnsw"}) {
        auto b = runCli({"index", "build", "--db", db, "--name", "docs-" + backend, "--model", "hash:64", "--input",
                         (dir / "docs.jsonl").string(), "--backend", backend, "--no-cache"},
                        envFor(dir));
        ASSERT_EQ(b.exitCode, 0) << b.err;
        auto s = runCli({"search", "--db", db, "--index", "docs-" + backend, "--query", "reset card pin", "--k", "2", "--json"},
                        envFor(dir));
        ASSERT_EQ(s.exitCode, 0) << s.err;
        auto hits = nlohmann::json::parse(s.out);
        ASSERT_EQ(hits.size(), 2u);
        std::set<int> top{hits[0]["id"].get<int>(), hits[1]["id"].get<int>()};
        EXPECT_EQ(top, (std::set<int>{1, 3})) << s.out;
        auto f = runCli({"index", "search", "--db", db, "--name", "docs-" + backend, "--query", "reset card pin",
                         "--language", "en", "--family", "retrieval", "--json"},
                        envFor(dir));
        ASSERT_EQ(f.exitCode, 0) << f.err;
        for (auto& h : nlohmann::json::parse(f.out)) {
            EXPECT_EQ(h["language"], "en");
            EXPECT_NE(h["id"], 3);
        }
        auto rm = runCli({"index", "remove", "--db", db, "--name", "docs-" + backend, "--ids", "1", "--json"}, envFor(dir));
        ASSERT_EQ(rm.exitCode, 0) << rm.err;
        EXPECT_EQ(nlohmann::json::parse(rm.out)["count"], 3);
        writeFile(dir / "more.jsonl", "{\"id\": 9, \"text\": \"pin reset for cards\"}\n");
        auto add = runCli({"index", "add", "--db", db, "--name", "docs-" + backend, "--input", (dir / "more.jsonl").string(),
                           "--no-cache", "--json"},
                          envFor(dir));
        ASSERT_EQ(add.exitCode, 0) << add.err;
        EXPECT_EQ(nlohmann::json::parse(add.out)["count"], 4);
        auto again = runCli({"index", "add", "--db", db, "--name", "docs-" + backend, "--input", (dir / "more.jsonl").string(),
                             "--no-cache"},
                            envFor(dir));
        EXPECT_NE(again.exitCode, 0); // id 9 exists
    }
    auto ls = runCli({"index", "list", "--db", db, "--json"}, envFor(dir));
    ASSERT_EQ(ls.exitCode, 0) << ls.err;
    EXPECT_EQ(nlohmann::json::parse(ls.out).size(), 2u);

    writeFile(dir / "pairs.jsonl", R"({"query": "reset card pin", "positive": "how to reset my bank card pin", "instruction": "Find answers", "family": "retrieval", "language": "en"}
{"query": "cat on a mat", "positive": "the cat sat on the mat", "instruction": "", "family": "sts", "language": "en"}
)");
    auto mine = runCli({"mine-negatives", "--model", "hash:64", "--input", (dir / "pairs.jsonl").string(), "--corpus",
                        (dir / "docs.jsonl").string(), "-o", (dir / "mined.jsonl").string(), "--rank-from", "1",
                        "--rank-to", "4", "--margin", "0", "--no-cache", "--json"},
                       envFor(dir));
    ASSERT_EQ(mine.exitCode, 0) << mine.err;
    auto lines = readFile(dir / "mined.jsonl");
    ASSERT_FALSE(lines.empty());
    auto first = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
    for (auto key : {"query", "positive", "negative", "instruction", "family", "language"}) EXPECT_TRUE(first.contains(key)) << key;
    EXPECT_NE(first["negative"], first["positive"]);
}
