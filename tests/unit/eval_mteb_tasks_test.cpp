// MTEB tasks by name (core/eval/mteb_tasks): the catalogue against the installed mteb package's task
// metadata, and downloads of dataset repos laid out like the real mteb repos (small synthetic files
// written here) from a loopback server speaking the hub's API (tests/support/fake_hub_server.py):
// the hub cache layout, cache reuse without a request, resume after a dropped transfer, errors
// naming the file, and a downloaded task scoring exactly as the same data in a folder.

#include "support/fake_hub_server.h"
#include "support/test_support.h"

#include "core/eval/datasets.h"
#include "core/eval/encoder.h"
#include "core/eval/mteb_tasks.h"
#include "core/eval/suite.h"
#include "core/eval/tasks.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    test::writeFile(path, content);
}

void putGz(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    gzFile f = gzopen(path.string().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, content.data(), unsigned(content.size())), int(content.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
}

const std::vector<std::string> kWords = {"cat", "dog", "mat", "park", "guitar", "man", "woman", "plays", "sits",
                                         "runs", "market", "stock", "rain", "sun", "onion", "cuts", "kids", "ball"};

std::string sentence(std::size_t seed, std::size_t len) {
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s += (i ? " " : "") + kWords[(seed * 7 + i * 13 + i * i) % kWords.size()];
    return s;
}

/// STS pairs: the second sentence keeps `score` of the first's five words.
struct Pair {
    std::string a, b;
    double score;
};
std::vector<Pair> stsPairs(std::size_t n) {
    std::vector<Pair> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string a = sentence(i, 5), b;
        const std::size_t keep = i % 6;
        std::istringstream in(a);
        std::string w;
        for (std::size_t k = 0; in >> w; ++k) b += (k ? " " : "") + (k < keep ? w : kWords[(i + k * 5) % kWords.size()]);
        out.push_back({a, b, double(keep)});
    }
    return out;
}

struct MtebFixture : ::testing::Test {
    test::TempDir tmp;
    fs::path serverRoot, cache;
    std::unique_ptr<test::FakeHubServer> server;
    const eval::MtebTask* sts = eval::findMtebTask("STSBenchmark");
    const eval::MtebTask* scifact = eval::findMtebTask("SciFact");
    const eval::MtebTask* banking = eval::findMtebTask("Banking77Classification");
    const eval::MtebTask* arguana = eval::findMtebTask("ArguAna");
    std::vector<Pair> pairs = stsPairs(60);

    void SetUp() override {
        ASSERT_TRUE(sts && scifact && banking && arguana);
        serverRoot = tmp / "server";
        cache = tmp / "cache";
        // mteb/stsbenchmark-sts: test.jsonl.gz with sentence1, sentence2, score.
        std::string jsonl;
        for (auto& p : pairs) jsonl += json{{"split", "test"}, {"sentence1", p.a}, {"sentence2", p.b}, {"score", p.score}}.dump() + "\n";
        putGz(repoFolder(*sts) / "test.jsonl.gz", jsonl);
        put(repoFolder(*sts) / "README.md", "# stsbenchmark-sts\n");
        // The same data as a dataset folder of the kind ../shared/data/stsbenchmark is.
        std::string csv;
        for (auto& p : pairs) csv += p.a + "," + p.b + "," + std::to_string(p.score) + "\n";
        put(tmp / "folders" / "sts" / "stsb-en-test.csv", csv);
        // mteb/scifact and mteb/arguana: BEIR layout (ArguAna's qrels as JSON lines).
        for (const auto* t : {scifact, arguana}) writeBeir(repoFolder(*t), t == arguana);
        writeBeir(tmp / "folders" / "beir", false);
        // mteb/banking77: train.jsonl and test.jsonl with text, label, label_text.
        for (const char* split : {"train", "test"}) {
            std::string rows;
            for (std::size_t i = 0; i < (split[1] == 'r' ? 80u : 40u); ++i) {
                const std::size_t label = i % 4;
                rows += json{{"text", sentence(label * 3 + (i % 3), 4) + " " + kWords[label]},
                             {"label", label},
                             {"label_text", "intent_" + std::to_string(label)}}
                            .dump() +
                        "\n";
            }
            put(repoFolder(*banking) / (std::string(split) + ".jsonl"), rows);
            put(tmp / "folders" / "banking" / (std::string(split) + ".jsonl"), rows);
        }
        server = std::make_unique<test::FakeHubServer>(serverRoot, config());
    }
    /// Every catalogue repo at its pinned commit, and the faults to inject.
    static json config(json faults = json::array()) {
        json repos = json::object();
        for (const auto& t : eval::mtebTasks()) repos["datasets/" + t.repo] = {{"commit", t.revision}, {"refs", {"main"}}};
        return {{"repos", repos}, {"faults", faults}};
    }
    fs::path repoFolder(const eval::MtebTask& t) const { return serverRoot / "datasets" / t.repo; }
    void writeBeir(const fs::path& dir, bool jsonQrels) {
        std::string corpus, queries, qrels = jsonQrels ? "" : "query-id\tcorpus-id\tscore\n";
        for (std::size_t d = 0; d < 30; ++d)
            corpus += json{{"_id", "d" + std::to_string(d)}, {"title", kWords[d % kWords.size()]}, {"text", sentence(d, 8)}}.dump() + "\n";
        for (std::size_t q = 0; q < 12; ++q) {
            queries += json{{"_id", "q" + std::to_string(q)}, {"text", sentence(q * 2, 4)}}.dump() + "\n";
            const std::string doc = "d" + std::to_string(q * 2);
            qrels += jsonQrels ? json{{"query-id", "q" + std::to_string(q)}, {"corpus-id", doc}, {"score", 1}}.dump() + "\n"
                               : "q" + std::to_string(q) + "\t" + doc + "\t1\n";
        }
        put(dir / "corpus.jsonl", corpus);
        put(dir / "queries.jsonl", queries);
        put(dir / "qrels" / (jsonQrels ? "test.jsonl" : "test.tsv"), qrels);
    }
    hub::PullParams params() const { return server->pullParams(cache); }
    fs::path snapshot(const eval::MtebTask& t) const {
        std::string name = "datasets--" + t.repo;
        name.replace(name.find('/'), 1, "--");
        return cache / name / "snapshots" / t.revision;
    }
    double score(const eval::DatasetEntry& d) const {
        eval::HashEncoder enc(128);
        auto r = eval::runEval(enc, nullptr, eval::suiteOptions(d, eval::SuiteMode::Full));
        EXPECT_TRUE(r) << r.error().message;
        return r ? r->mainScore : -1;
    }
};

} // namespace

TEST(MtebCatalogue, NamesLookupAndPins) {
    ASSERT_GE(eval::mtebTasks().size(), 4u);
    for (const char* n : {"STSBenchmark", "SICK-R", "SciFact", "Banking77Classification"})
        EXPECT_NE(eval::findMtebTask(n), nullptr) << n;
    EXPECT_EQ(eval::findMtebTask("stsbenchmark")->name, "STSBenchmark"); // case-insensitive
    EXPECT_EQ(eval::findMtebTask("banking77")->name, "Banking77Classification"); // a unique prefix
    EXPECT_EQ(eval::findMtebTask("S"), nullptr); // several start with it
    EXPECT_EQ(eval::findMtebTask("NoSuchTask"), nullptr);
    for (const auto& t : eval::mtebTasks()) {
        EXPECT_EQ(t.repo.rfind("mteb/", 0), 0u) << t.name;
        EXPECT_EQ(t.revision.size(), 40u) << t.name;
        EXPECT_FALSE(t.files.empty()) << t.name;
        EXPECT_EQ(t.split, "test") << t.name;
        EXPECT_NE(eval::mtebTaskNames().find(t.name), std::string::npos);
    }
}

// The repo ids, revisions and main scores are the installed mteb package's (the peers' venv).
TEST(MtebCatalogue, MatchesTheInstalledMtebPackage) {
    // The venv tests/peers/setup.sh makes: SYNTHEMBED_PEERS_VENV, else ~/.cache/synthembed-peers/venv.
    const char* env = std::getenv("SYNTHEMBED_PEERS_VENV");
    const char* home = std::getenv("HOME");
    const fs::path venv = env && *env ? fs::path(env) : fs::path(home ? home : "") / ".cache/synthembed-peers/venv";
    fs::path tasksDir;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(venv / "lib", ec))
        if (fs::is_directory(e.path() / "site-packages" / "mteb" / "tasks")) tasksDir = e.path() / "site-packages" / "mteb" / "tasks";
    if (tasksDir.empty()) GTEST_SKIP() << "mteb is not installed in " << venv.string() << " (tests/peers/setup.sh)";
    std::string all;
    for (auto it = fs::recursive_directory_iterator(tasksDir); it != fs::recursive_directory_iterator(); ++it)
        if (it->path().extension() == ".py") all += test::readFile(it->path()) + "\n";
    for (const auto& t : eval::mtebTasks()) {
        const std::string key = "name=\"" + t.name + "\"";
        const auto at = all.find(key);
        ASSERT_NE(at, std::string::npos) << t.name << " is not an mteb task name";
        const std::string meta = all.substr(at, 1500);
        EXPECT_NE(meta.find("\"path\": \"" + t.repo + "\""), std::string::npos) << t.name;
        EXPECT_NE(meta.find("\"revision\": \"" + t.revision + "\""), std::string::npos) << t.name;
        EXPECT_NE(meta.find("main_score=\"" + t.mainMetric + "\""), std::string::npos) << t.name;
        EXPECT_NE(meta.find("eval_splits=[\"" + t.split + "\"]"), std::string::npos) << t.name;
    }
}

TEST_F(MtebFixture, DownloadsIntoTheHubCacheAndScoresLikeAFolder) {
    EXPECT_FALSE(eval::locateMtebTask(*sts, params().settings).cached);
    std::vector<std::string> progressFiles;
    auto p = params();
    p.hooks.progress = [&](std::int64_t, std::int64_t, const std::string& f) { progressFiles.push_back(f); };
    auto entry = eval::fetchMtebTask(*sts, p);
    ASSERT_TRUE(entry) << entry.error().message;
    EXPECT_EQ(entry->data, snapshot(*sts));
    EXPECT_EQ(entry->name, "STSBenchmark");
    EXPECT_EQ(entry->mainMetric, "cosine_spearman");
    EXPECT_EQ(entry->items, pairs.size());
    EXPECT_TRUE(fs::is_symlink(snapshot(*sts) / "test.jsonl.gz")); // into ../../blobs, as huggingface_hub links
    EXPECT_FALSE(fs::exists(snapshot(*sts) / "README.md"));         // only the task's files
    EXPECT_NE(std::find(progressFiles.begin(), progressFiles.end(), "test.jsonl.gz"), progressFiles.end());
    bool listed = false, resolved = false;
    for (const auto& r : server->requests()) {
        const std::string path = r["path"];
        listed |= path == "/api/datasets/mteb/stsbenchmark-sts/revision/" + sts->revision;
        resolved |= path.rfind("/datasets/mteb/stsbenchmark-sts/resolve/" + sts->revision + "/test.jsonl.gz", 0) == 0;
    }
    EXPECT_TRUE(listed && resolved) << server->requests().dump();
    auto state = eval::locateMtebTask(*sts, params().settings);
    EXPECT_TRUE(state.cached) << state.message;

    // The same pairs as a CSV folder: the same score to the last bit.
    auto folder = eval::detectDataset(tmp / "folders" / "sts");
    ASSERT_TRUE(folder) << folder.error().message;
    const double viaHub = score(*entry), viaFolder = score(*folder);
    EXPECT_EQ(viaHub, viaFolder);
    EXPECT_GT(viaHub, 0.3); // word overlap tracks the gold order: the data was read, not defaults

    // A result names the task and reports mteb's main metric.
    eval::HashEncoder enc(128);
    auto r = eval::runEval(enc, nullptr, eval::suiteOptions(*entry, eval::SuiteMode::Quick, 20));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->dataset, "STSBenchmark");
    EXPECT_EQ(r->mainMetric, "cosine_spearman");
    EXPECT_EQ(r->counts.at("pairs"), 20);
}

TEST_F(MtebFixture, RetrievalAndClassificationTasksScoreLikeTheirFolders) {
    auto sf = eval::fetchMtebTask(*scifact, params());
    ASSERT_TRUE(sf) << sf.error().message;
    EXPECT_EQ(sf->items, 12u);
    auto beirFolder = eval::detectDataset(tmp / "folders" / "beir");
    ASSERT_TRUE(beirFolder) << beirFolder.error().message;
    beirFolder->name = "SciFact"; // the same instruction as the task
    EXPECT_EQ(score(*sf), score(*beirFolder));
    EXPECT_GT(score(*sf), 0.1);

    // ArguAna's qrels come as JSON lines: the same judgements as the TSV.
    auto ag = eval::fetchMtebTask(*arguana, params());
    ASSERT_TRUE(ag) << ag.error().message;
    EXPECT_TRUE(fs::exists(ag->data / "qrels" / "test.jsonl"));
    EXPECT_EQ(ag->items, 12u);

    auto bk = eval::fetchMtebTask(*banking, params());
    ASSERT_TRUE(bk) << bk.error().message;
    EXPECT_EQ(bk->items, 40u);
    EXPECT_EQ(bk->type, eval::TaskType::Classification);
    eval::DatasetEntry bkFolder = *bk;
    bkFolder.data = bkFolder.folder = tmp / "folders" / "banking";
    EXPECT_EQ(score(*bk), score(bkFolder));
}

TEST_F(MtebFixture, CachedTaskIsUsedWithoutARequestAndOfflineNeedsTheCache) {
    auto offline = params();
    offline.settings.offline = true;
    auto refused = eval::fetchMtebTask(*sts, offline);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "offline");
    EXPECT_NE(refused.error().message.find("STSBenchmark"), std::string::npos) << refused.error().message;
    EXPECT_TRUE(server->requests().empty());

    ASSERT_TRUE(eval::fetchMtebTask(*sts, params()));
    server->reset();
    auto again = eval::fetchMtebTask(*sts, params());
    ASSERT_TRUE(again) << again.error().message;
    auto cachedOffline = eval::fetchMtebTask(*sts, offline);
    ASSERT_TRUE(cachedOffline) << cachedOffline.error().message;
    EXPECT_EQ(cachedOffline->data, again->data);
    EXPECT_TRUE(server->requests().empty()) << server->requests().dump();
}

TEST_F(MtebFixture, DroppedTransferResumesOnTheNextFetch) {
    const auto size = std::int64_t(fs::file_size(repoFolder(*sts) / "test.jsonl.gz"));
    const std::int64_t cut = size / 2;
    ASSERT_GT(cut, 100);
    server->setConfig(config({{{"file", "test.jsonl.gz"}, {"mode", "drop"}, {"after", cut}, {"times", 1}}}));
    auto p = params();
    p.retries = 0;
    auto first = eval::fetchMtebTask(*sts, p);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, "network");
    EXPECT_NE(first.error().message.find("test.jsonl.gz"), std::string::npos) << first.error().message;
    EXPECT_FALSE(eval::locateMtebTask(*sts, params().settings).cached);
    server->reset();
    auto second = eval::fetchMtebTask(*sts, p);
    ASSERT_TRUE(second) << second.error().message;
    int ranged = 0;
    for (const auto& r : server->requests())
        if (r["method"] == "GET" && r["range"] == "bytes=" + std::to_string(cut) + "-") ++ranged;
    EXPECT_EQ(ranged, 1) << server->requests().dump();
    EXPECT_EQ(second->items, pairs.size());
}

TEST_F(MtebFixture, MissingAndBadFilesAreErrorsNamingTheFile) {
    // The revision lacks a file the task needs: named, with what the revision has.
    fs::remove(repoFolder(*scifact) / "qrels" / "test.tsv");
    put(repoFolder(*scifact) / "data" / "test-00000-of-00001.parquet", std::string(64, 'p'));
    auto missing = eval::fetchMtebTask(*scifact, params());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "not_found");
    EXPECT_NE(missing.error().message.find("'qrels/test.tsv'"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("parquet"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("SciFact"), std::string::npos) << missing.error().message;

    // A body altered in transit fails its sha256 (.gz files come through the LFS path).
    server->setConfig(config({{{"file", "test.jsonl.gz"}, {"mode", "corrupt"}, {"times", 1}}}));
    auto corrupt = eval::fetchMtebTask(*sts, params());
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().code, "corrupt");
    EXPECT_NE(corrupt.error().message.find("test.jsonl.gz"), std::string::npos) << corrupt.error().message;

    // A file that arrives intact but is not what the readers expect: the error names it and the line.
    put(repoFolder(*banking) / "test.jsonl", "{\"text\": \"ok\", \"label\": 1}\nnot json\n");
    auto bad = eval::fetchMtebTask(*banking, params());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "parse");
    EXPECT_NE(bad.error().message.find("test.jsonl:2"), std::string::npos) << bad.error().message;
}

// The snapshot folder of a downloaded task is also a dataset folder "Add dataset folder..." recognises.
TEST_F(MtebFixture, SnapshotFolderIsDetectedAsADatasetFolder) {
    auto entry = eval::fetchMtebTask(*sts, params());
    ASSERT_TRUE(entry) << entry.error().message;
    auto detected = eval::detectDataset(entry->data);
    ASSERT_TRUE(detected) << detected.error().message;
    EXPECT_EQ(detected->type, eval::TaskType::Sts);
    EXPECT_EQ(detected->items, pairs.size());
}
