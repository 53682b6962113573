// core/hub against a real HTTP server on loopback that speaks the Hugging Face Hub's download API
// (tests/support/fake_hub_server.py): the cache layout huggingface_hub uses, CDN redirects, ETags,
// resumed downloads, sha256 checks, gated repos, offline mode, sharded checkpoints.

#include "support/fake_hub_server.h"
#include "support/test_support.h"

#include "core/hub/digest.h"
#include "core/hub/hub.h"
#include "core/model/safetensors.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string sha256Of(const std::string& s) {
    hub::Sha256 h;
    h.update(s);
    return h.hexDigest();
}

/// test::writeFile, creating the folders first.
void put(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    test::writeFile(path, content);
}

/// A small model repo: real safetensors weights (about 160 KB), config and tokenizer files, files
/// synthembed does not fetch (README, .bin, ONNX) and a sentence-transformers module folder.
void writeTinyRepo(const fs::path& dir, int seed = 1) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n;
    std::vector<float> a(40000), b(300);
    for (auto& v : a) v = n(rng);
    for (auto& v : b) v = n(rng);
    fs::create_directories(dir);
    ASSERT_TRUE(model::writeSafetensors(dir / "model.safetensors",
                                        {model::f32Tensor("embed.weight", {400, 100}, a),
                                         model::f32Tensor("norm.weight", {300}, b)}));
    put(dir / "config.json", R"({"model_type": "llama", "hidden_size": 100, "seed": )" + std::to_string(seed) + "}\n");
    put(dir / "tokenizer.json", R"({"version": "1.0", "model": {"type": "BPE"}})");
    put(dir / "tokenizer_config.json", "{}");
    put(dir / "README.md", "# tiny\n");
    put(dir / "pytorch_model.bin", std::string(5000, 'x'));
    put(dir / "onnx" / "model.onnx", std::string(3000, 'o'));
    put(dir / "modules.json", R"([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}])");
    put(dir / "1_Pooling" / "config.json", R"({"pooling_mode_mean_tokens": true})");
}

struct HubFixture : ::testing::Test {
    test::TempDir tmp;
    fs::path serverRoot, cache;
    std::unique_ptr<test::FakeHubServer> server;
    const std::string repo = "synth-org/tiny-model";
    const std::string commit = "0123456789abcdef0123456789abcdef01234567";

    void SetUp() override {
        serverRoot = tmp / "server";
        cache = tmp / "cache";
        writeTinyRepo(serverRoot / repo);
        server = std::make_unique<test::FakeHubServer>(serverRoot, config());
    }
    json config(json faults = json::array(), json extra = json::object()) const {
        json r = {{"commit", commit}, {"refs", {"main", "v1"}}};
        r.update(extra);
        return {{"repos", {{repo, r}}}, {"faults", faults}};
    }
    hub::PullParams params() const { return server->pullParams(cache); }
    fs::path repoDir() const { return cache / "models--synth-org--tiny-model"; }
    /// Bytes of the files synthembed pulls from the tiny repo.
    std::int64_t snapshotBytes() const {
        std::int64_t n = 0;
        for (const char* f : {"1_Pooling/config.json", "config.json", "model.safetensors", "modules.json", "tokenizer.json",
                              "tokenizer_config.json"})
            n += std::int64_t(fs::file_size(serverRoot / repo / f));
        return n;
    }
    fs::path snapshot() const { return repoDir() / "snapshots" / commit; }
    std::string source(const std::string& f) const { return test::readFile(serverRoot / repo / f); }
    /// Requests whose path contains `part`.
    std::vector<json> requestsTo(const std::string& part) const {
        std::vector<json> out;
        for (const auto& r : server->requests())
            if (r["path"].get<std::string>().find(part) != std::string::npos) out.push_back(r);
        return out;
    }
};

} // namespace

TEST(HubDigest, Sha256KnownVectors) {
    EXPECT_EQ(sha256Of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // Fed in odd pieces across block boundaries: the same digest as in one piece.
    std::string million(1000000, 'a');
    hub::Sha256 h;
    for (std::size_t i = 0; i < million.size();) {
        std::size_t n = std::min<std::size_t>(1 + i % 97, million.size() - i);
        h.update(million.data() + i, n);
        i += n;
    }
    EXPECT_EQ(h.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(HubRef, ParsesRepoIdsAndRevisions) {
    auto r = hub::parseRepoRef("intfloat/e5-mistral-7b-instruct");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->repo, "intfloat/e5-mistral-7b-instruct");
    EXPECT_EQ(r->revision, "main");
    r = hub::parseRepoRef("BAAI/bge-small-en-v1.5@refs/pr/3");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->repo, "BAAI/bge-small-en-v1.5");
    EXPECT_EQ(r->revision, "refs/pr/3");
    EXPECT_EQ(r->text(), "BAAI/bge-small-en-v1.5@refs/pr/3");
    for (const char* bad : {"hash:64", "models", "/abs/path", "./rel/x", "a/b/c", "a//b", "org/..", "org/na--me",
                            "-org/name", "org/name@", "org/name@../x", "org/name@a//b", "org/na me", "../x"})
        EXPECT_FALSE(hub::parseRepoRef(bad)) << bad;
}

TEST(HubSettingsEnv, ReadsTheHuggingFaceVariables) {
    test::TempDir tmp;
    put(tmp / "hfhome" / "token", "hf_from_file\n");
    setenv("HF_HOME", (tmp / "hfhome").c_str(), 1);
    unsetenv("HF_HUB_CACHE");
    unsetenv("HUGGINGFACE_HUB_CACHE");
    unsetenv("HF_TOKEN");
    unsetenv("HUGGING_FACE_HUB_TOKEN");
    unsetenv("HF_TOKEN_PATH");
    setenv("HF_ENDPOINT", "http://mirror.example:8080/", 1);
    setenv("HF_HUB_OFFLINE", "1", 1);
    auto s = hub::HubSettings::fromEnvironment();
    EXPECT_EQ(s.cacheDir, tmp / "hfhome" / "hub");
    EXPECT_EQ(s.endpoint, "http://mirror.example:8080");
    EXPECT_EQ(s.token, "hf_from_file");
    EXPECT_TRUE(s.offline);
    setenv("HF_HUB_CACHE", (tmp / "elsewhere").c_str(), 1);
    setenv("HF_TOKEN", "hf_from_env", 1);
    setenv("HF_HUB_OFFLINE", "0", 1);
    s = hub::HubSettings::fromEnvironment();
    EXPECT_EQ(s.cacheDir, tmp / "elsewhere");
    EXPECT_EQ(s.token, "hf_from_env");
    EXPECT_FALSE(s.offline);
    for (const char* v : {"HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE"}) unsetenv(v);
}

TEST_F(HubFixture, PullWritesTheHuggingFaceCacheLayout) {
    auto p = params();
    std::int64_t lastDone = -1, lastTotal = -1;
    p.hooks.progress = [&](std::int64_t d, std::int64_t t, const std::string&) {
        EXPECT_LE(d, t);
        lastDone = d;
        lastTotal = t;
    };
    auto snap = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_EQ(snap->commit, commit);
    EXPECT_EQ(snap->path, snapshot());
    EXPECT_EQ(test::readFile(repoDir() / "refs" / "main"), commit);
    std::vector<std::string> expected = {"1_Pooling/config.json", "config.json", "model.safetensors", "modules.json",
                                         "tokenizer.json", "tokenizer_config.json"};
    EXPECT_EQ(snap->files, expected);
    std::int64_t bytes = 0;
    for (const auto& f : expected) {
        fs::path link = snapshot() / f;
        ASSERT_TRUE(fs::is_symlink(link)) << f;
        EXPECT_EQ(test::readFile(link), source(f)) << f;
        bytes += std::int64_t(source(f).size());
        // Relative links into ../../blobs, as huggingface_hub makes them.
        std::string target = fs::read_symlink(link).string();
        EXPECT_EQ(target.rfind(f.find('/') != std::string::npos ? "../../../blobs/" : "../../blobs/", 0), 0u) << target;
    }
    EXPECT_EQ(snap->bytesDownloaded, bytes);
    EXPECT_EQ(lastDone, bytes);
    EXPECT_EQ(lastTotal, bytes);
    // The LFS blob is named by its sha256; a regular file by its git blob id (the hub's ETag).
    EXPECT_EQ(fs::read_symlink(snapshot() / "model.safetensors").filename().string(), sha256Of(source("model.safetensors")));
    EXPECT_EQ(fs::read_symlink(snapshot() / "config.json").filename().string().size(), 40u);
    for (const char* skipped : {"README.md", "pytorch_model.bin", "onnx/model.onnx"})
        EXPECT_FALSE(fs::exists(snapshot() / skipped)) << skipped;
    // The weights came from the CDN the resolve answer redirected to.
    auto cdn = requestsTo("/cdn/");
    ASSERT_EQ(cdn.size(), 1u);
    EXPECT_EQ(cdn[0]["method"], "GET");
    for (const auto& e : fs::directory_iterator(repoDir() / "blobs"))
        EXPECT_NE(e.path().extension(), ".incomplete");

    // Pulled again: the hub is asked for the commit, nothing is downloaded.
    server->reset();
    auto again = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->bytesDownloaded, 0);
    EXPECT_TRUE(requestsTo("/resolve/").empty());
    EXPECT_EQ(requestsTo("/api/models/").size(), 1u);
}

TEST_F(HubFixture, RevisionsWriteTheirRefAndACommitNeedsNone) {
    auto snap = hub::pull(*hub::parseRepoRef(repo + "@v1"), params());
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_EQ(test::readFile(repoDir() / "refs" / "v1"), commit);
    EXPECT_FALSE(fs::exists(repoDir() / "refs" / "main"));
    auto byCommit = hub::resolveModel(repo + "@" + commit, params());
    ASSERT_TRUE(byCommit) << byCommit.error().message;
    EXPECT_EQ(*byCommit, snapshot());
    auto missing = hub::pull(*hub::parseRepoRef(repo + "@no-such-branch"), params());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "not_found");
    EXPECT_NE(missing.error().message.find("404"), std::string::npos) << missing.error().message;
}

TEST_F(HubFixture, GatedRepoNeedsTheToken) {
    const std::string token = "hf_SecretTokenValue123";
    server->setConfig(config(json::array(), {{"gated_token", token}}));
    std::vector<std::string> logged;
    std::mutex mu;
    int sink = log::addSink([&](log::Level, const std::string& m) {
        std::lock_guard<std::mutex> lock(mu);
        logged.push_back(m);
    });
    auto before = log::minLevel();
    log::setMinLevel(log::Level::Debug);

    auto denied = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, "auth");
    EXPECT_NE(denied.error().message.find("gated or private"), std::string::npos) << denied.error().message;
    EXPECT_NE(denied.error().message.find("set HF_TOKEN"), std::string::npos) << denied.error().message;
    EXPECT_NE(denied.error().message.find("401"), std::string::npos);
    EXPECT_FALSE(fs::exists(snapshot() / "config.json"));

    auto p = params();
    p.settings.token = "hf_wrong";
    auto wrong = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "auth");
    EXPECT_NE(wrong.error().message.find("HF_TOKEN has no access"), std::string::npos) << wrong.error().message;
    EXPECT_EQ(wrong.error().message.find("hf_wrong"), std::string::npos);

    // The CDN is another origin (localhost instead of 127.0.0.1): the token must not follow the redirect.
    auto cfg = config(json::array(), {{"gated_token", token}});
    cfg["cdn_host_name"] = "localhost";
    server->setConfig(cfg);
    server->reset();
    p.settings.token = token;
    auto ok = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
    for (const auto& r : requestsTo("/resolve/")) EXPECT_TRUE(r["auth"].get<bool>()) << r.dump();
    auto cdn = requestsTo("/cdn/");
    ASSERT_FALSE(cdn.empty());
    for (const auto& r : cdn) EXPECT_FALSE(r["auth"].get<bool>()) << r.dump();

    log::setMinLevel(before);
    log::removeSink(sink);
    EXPECT_FALSE(logged.empty());
    for (const auto& m : logged) EXPECT_EQ(m.find(token), std::string::npos) << m;
    // Nothing written to the cache carries the token either.
    for (const auto& e : fs::recursive_directory_iterator(cache))
        if (fs::is_regular_file(e.path())) {
            EXPECT_EQ(test::readFile(e.path()).find(token), std::string::npos) << e.path();
        }
}

TEST_F(HubFixture, DroppedConnectionLeavesAPartThatTheNextPullResumes) {
    const std::int64_t cut = 100000;
    server->setConfig(config({{{"file", "model.safetensors"}, {"mode", "drop"}, {"after", cut}, {"times", 1}}}));
    auto p = params();
    p.retries = 0;
    auto first = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, "network");
    EXPECT_NE(first.error().message.find("run again to resume"), std::string::npos) << first.error().message;
    std::string sha = sha256Of(source("model.safetensors"));
    fs::path part = repoDir() / "blobs" / (sha + ".incomplete");
    ASSERT_TRUE(fs::exists(part));
    EXPECT_EQ(std::int64_t(fs::file_size(part)), cut);
    EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors"));
    EXPECT_FALSE(fs::exists(repoDir() / "blobs" / sha));

    std::int64_t rest = -cut;
    for (const char* f : {"1_Pooling/config.json", "config.json", "model.safetensors", "modules.json", "tokenizer.json",
                          "tokenizer_config.json"})
        if (!fs::exists(snapshot() / f)) rest += std::int64_t(source(f).size());
    server->reset();
    auto second = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_TRUE(second) << second.error().message;
    auto cdn = requestsTo("/cdn/");
    ASSERT_EQ(cdn.size(), 1u);
    EXPECT_EQ(cdn[0]["range"], "bytes=" + std::to_string(cut) + "-");
    EXPECT_EQ(second->bytesDownloaded, rest);
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
    EXPECT_FALSE(fs::exists(part));
    // And the checkpoint opens from the snapshot.
    auto ck = model::Checkpoint::open(snapshot());
    ASSERT_TRUE(ck) << ck.error().message;
    EXPECT_NE(ck->find("embed.weight"), nullptr);
}

TEST_F(HubFixture, DroppedConnectionIsResumedWithinOnePull) {
    server->setConfig(config({{{"file", "model.safetensors"}, {"mode", "drop"}, {"after", 50000}, {"times", 2}}}));
    auto snap = hub::pull(*hub::parseRepoRef(repo), params()); // default: 3 retries
    ASSERT_TRUE(snap) << snap.error().message;
    auto cdn = requestsTo("/cdn/");
    ASSERT_EQ(cdn.size(), 3u);
    EXPECT_EQ(cdn[0]["range"], "");
    EXPECT_EQ(cdn[1]["range"], "bytes=50000-");
    EXPECT_EQ(cdn[2]["range"], "bytes=50000-"); // the second drop sent nothing new
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
}

TEST_F(HubFixture, ServerIgnoringTheRangeRestartsTheFile) {
    server->setConfig(config({{{"file", "model.safetensors"}, {"mode", "drop"}, {"after", 70000}, {"times", 1}},
                              {{"file", "model.safetensors"}, {"mode", "ignore_range"}, {"times", 1}}}));
    auto snap = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
}

TEST_F(HubFixture, CorruptBodyFailsTheSha256AndLeavesNothing) {
    server->setConfig(config({{{"file", "model.safetensors"}, {"mode", "corrupt"}, {"times", 1}}}));
    auto bad = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "corrupt");
    std::string sha = sha256Of(source("model.safetensors"));
    EXPECT_NE(bad.error().message.find("sha256 mismatch (expected " + sha), std::string::npos) << bad.error().message;
    EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors"));
    EXPECT_FALSE(fs::exists(repoDir() / "blobs" / sha));
    EXPECT_FALSE(fs::exists(repoDir() / "blobs" / (sha + ".incomplete")));
    EXPECT_FALSE(fs::exists(repoDir() / "refs" / "main")); // the snapshot never became a revision
    auto cached = hub::findCached(*hub::parseRepoRef(repo), params().settings);
    EXPECT_FALSE(cached);
    // The next pull (a clean answer) completes.
    auto good = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
}

TEST_F(HubFixture, OfflineUsesTheCacheOnly) {
    auto p = params();
    p.settings.offline = true;
    auto none = hub::resolveModel(repo, p);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, "offline");
    EXPECT_NE(none.error().message.find("HF_HUB_OFFLINE"), std::string::npos) << none.error().message;
    EXPECT_NE(none.error().message.find(repoDir().string()), std::string::npos) << none.error().message;
    auto pulledOffline = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_FALSE(pulledOffline);
    EXPECT_EQ(pulledOffline.error().code, "offline");
    EXPECT_TRUE(server->requests().empty());

    ASSERT_TRUE(hub::pull(*hub::parseRepoRef(repo), params()));
    server->reset();
    auto dir = hub::resolveModel(repo, p);
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(*dir, snapshot());
    auto snap = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_EQ(snap->path, snapshot());
    EXPECT_TRUE(server->requests().empty());
}

TEST_F(HubFixture, ReusesACacheThatTransformersMade) {
    // The layout huggingface_hub writes, built by hand: blobs named by sha256 / git id, relative
    // symlinks, refs/main. No tokenizer file in it (transformers fetched the model only).
    fs::path blobs = repoDir() / "blobs";
    fs::create_directories(blobs);
    fs::create_directories(snapshot());
    fs::create_directories(repoDir() / "refs");
    std::string weights = source("model.safetensors");
    std::string sha = sha256Of(weights);
    put(blobs / sha, weights);
    put(blobs / "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", source("config.json"));
    fs::create_symlink("../../blobs/" + sha, snapshot() / "model.safetensors");
    fs::create_symlink("../../blobs/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", snapshot() / "config.json");
    put(repoDir() / "refs" / "main", commit);

    auto dir = hub::resolveModel(repo, params());
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(*dir, snapshot());
    EXPECT_TRUE(server->requests().empty()) << "a complete cached snapshot must not touch the network";

    // An explicit pull fetches what synthembed also wants (tokenizer, modules) but not the weights again.
    auto snap = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_TRUE(snap) << snap.error().message;
    EXPECT_TRUE(requestsTo("/cdn/").empty());
    EXPECT_TRUE(requestsTo("model.safetensors").empty());
    EXPECT_FALSE(requestsTo("tokenizer.json").empty());
    EXPECT_EQ(test::readFile(snapshot() / "tokenizer.json"), source("tokenizer.json"));
    EXPECT_EQ(fs::read_symlink(snapshot() / "model.safetensors").string(), "../../blobs/" + sha);

    // A dangling link (a blob deleted by hand) makes the snapshot incomplete, and resolving repairs it.
    fs::remove(blobs / sha);
    auto cached = hub::findCached(*hub::parseRepoRef(repo), params().settings);
    ASSERT_FALSE(cached);
    EXPECT_EQ(cached.error().code, "incomplete");
}

TEST_F(HubFixture, ShardedCheckpointsFetchEveryShard) {
    const std::string sharded = "synth-org/sharded";
    fs::path dir = serverRoot / sharded;
    fs::create_directories(dir);
    std::vector<float> a(20000, 0.5f), b(30000, -0.25f);
    ASSERT_TRUE(model::writeSafetensors(dir / "model-00001-of-00002.safetensors", {model::f32Tensor("a.weight", {200, 100}, a)}));
    ASSERT_TRUE(model::writeSafetensors(dir / "model-00002-of-00002.safetensors", {model::f32Tensor("b.weight", {300, 100}, b)}));
    // A consolidated copy beside the shards must not be downloaded too.
    ASSERT_TRUE(model::writeSafetensors(dir / "consolidated.safetensors",
                                        {model::f32Tensor("a.weight", {200, 100}, a), model::f32Tensor("b.weight", {300, 100}, b)}));
    put(dir / "model.safetensors.index.json",
                    json{{"metadata", {{"total_size", 200000}}},
                         {"weight_map", {{"a.weight", "model-00001-of-00002.safetensors"}, {"b.weight", "model-00002-of-00002.safetensors"}}}}
                        .dump());
    put(dir / "config.json", R"({"model_type": "llama"})");
    auto snap = hub::pull(*hub::parseRepoRef(sharded), params());
    ASSERT_TRUE(snap) << snap.error().message;
    std::vector<std::string> expected = {"config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                         "model.safetensors.index.json"};
    EXPECT_EQ(snap->files, expected);
    EXPECT_FALSE(fs::exists(snap->path / "consolidated.safetensors"));
    EXPECT_EQ(hub::modelFolderProblem(snap->path), "");
    auto ck = model::Checkpoint::open(snap->path);
    ASSERT_TRUE(ck) << ck.error().message;
    ASSERT_NE(ck->find("b.weight"), nullptr);
    // A shard gone from the cache is named.
    fs::remove(fs::canonical(snap->path / "model-00002-of-00002.safetensors"));
    EXPECT_NE(hub::modelFolderProblem(snap->path).find("model-00002-of-00002.safetensors"), std::string::npos);
}

TEST_F(HubFixture, CancelKeepsThePartForLater) {
    auto p = params();
    bool stop = false;
    p.hooks.progress = [&](std::int64_t d, std::int64_t, const std::string& file) {
        if (file == "model.safetensors" && d > 0) stop = true;
    };
    p.hooks.shouldStop = [&] { return stop; };
    auto r = hub::pull(*hub::parseRepoRef(repo), p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "cancelled");
    EXPECT_NE(r.error().message.find("cancelled"), std::string::npos);
    EXPECT_FALSE(fs::exists(repoDir() / "refs" / "main")); // not a revision until complete
    auto rest = hub::pull(*hub::parseRepoRef(repo), params());
    ASSERT_TRUE(rest) << rest.error().message;
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
}

TEST_F(HubFixture, RepoWithoutSafetensorsIsRefusedByName) {
    const std::string binOnly = "synth-org/bin-only";
    put(serverRoot / binOnly / "config.json", "{}");
    put(serverRoot / binOnly / "pytorch_model.bin", std::string(100, 'b'));
    auto r = hub::pull(*hub::parseRepoRef(binOnly), params());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "unsupported");
    EXPECT_NE(r.error().message.find("pytorch_model.bin"), std::string::npos) << r.error().message;
    auto p = params();
    p.allFiles = true;
    auto all = hub::pull(*hub::parseRepoRef(binOnly), p);
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_EQ(all->files.size(), 2u);
}

TEST_F(HubFixture, UnknownRepoAndUnreachableEndpoint) {
    auto r = hub::resolveModel("synth-org/nothing-here", params());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "not_found");
    auto p = params();
    p.settings.endpoint = "http://127.0.0.1:1"; // nothing listens there
    r = hub::resolveModel(repo, p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "network");
    EXPECT_NE(r.error().message.find("HF_HUB_OFFLINE"), std::string::npos) << r.error().message;
    auto notARef = hub::resolveModel("no/such/folder", params());
    ASSERT_FALSE(notARef);
    EXPECT_NE(notARef.error().message.find("ORG/NAME"), std::string::npos);
    // A folder stays a folder.
    auto folder = hub::resolveModel((serverRoot / repo).string(), params());
    ASSERT_TRUE(folder);
    EXPECT_EQ(*folder, serverRoot / repo);
}

TEST_F(HubFixture, ConcurrentPullsDownloadEachBlobOnce) {
    // Two pulls at once (as torchrun's ranks resolving one --model): the blob lock makes the second
    // wait and find the blob, so the weights come over the network once and are intact.
    server->setConfig(config({{{"file", "model.safetensors"}, {"mode", "drop"}, {"after", 80000}, {"times", 1}}}));
    Result<hub::Snapshot> a = Error{}, b = Error{};
    std::thread t1([&] { a = hub::pull(*hub::parseRepoRef(repo), params()); });
    std::thread t2([&] { b = hub::pull(*hub::parseRepoRef(repo), params()); });
    t1.join();
    t2.join();
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(test::readFile(snapshot() / "model.safetensors"), source("model.safetensors"));
    auto cdn = requestsTo("/cdn/");
    ASSERT_EQ(cdn.size(), 2u); // the first attempt dropped, one resume: nobody downloaded it twice
    EXPECT_EQ(cdn[1]["range"], "bytes=80000-");
    EXPECT_EQ(a->bytesDownloaded + b->bytesDownloaded, snapshotBytes());
    EXPECT_TRUE(fs::exists(cache / ".locks" / "models--synth-org--tiny-model"));
}

TEST_F(HubFixture, LocateModelFindsFoldersAndCachedReposWithoutTheNetwork) {
    const auto settings = params().settings;
    // A repo id the cache lacks: NotCached, naming the cache folder; no request made.
    auto m = hub::locateModel(repo, settings);
    EXPECT_EQ(m.kind, hub::LocalModel::Kind::NotCached);
    EXPECT_FALSE(m.loadable());
    ASSERT_TRUE(m.repo);
    EXPECT_EQ(m.repo->repo, repo);
    EXPECT_NE(m.message.find(repoDir().string()), std::string::npos) << m.message;

    // After a pull: the snapshot folder and its commit, for the id, the id@main and the id@commit.
    ASSERT_TRUE(hub::pull(*hub::parseRepoRef(repo), params()));
    server->reset();
    for (const std::string& text : {repo, repo + "@main", repo + "@" + commit, "  " + repo + "\n"}) {
        m = hub::locateModel(text, settings);
        EXPECT_EQ(m.kind, hub::LocalModel::Kind::CachedRepo) << text << ": " << m.message;
        EXPECT_EQ(m.path, snapshot()) << text;
        EXPECT_EQ(m.commit, commit) << text;
        EXPECT_TRUE(m.loadable());
    }
    // A revision that was never fetched (the tag v1 names the same commit on the hub) is not cached.
    m = hub::locateModel(repo + "@v1", settings);
    EXPECT_EQ(m.kind, hub::LocalModel::Kind::NotCached);
    EXPECT_NE(m.message.find("no revision 'v1'"), std::string::npos) << m.message;

    // A missing shard of the weights: Incomplete (downloading again completes it).
    fs::remove(snapshot() / "model.safetensors");
    m = hub::locateModel(repo, settings);
    EXPECT_EQ(m.kind, hub::LocalModel::Kind::Incomplete);
    EXPECT_NE(m.message.find("incomplete"), std::string::npos) << m.message;

    // An existing folder is itself, even when its name looks like a repo id.
    const fs::path local = tmp / "org" / "name";
    fs::create_directories(local);
    m = hub::locateModel(local.string(), settings);
    EXPECT_EQ(m.kind, hub::LocalModel::Kind::Folder);
    EXPECT_EQ(m.path, local);
    EXPECT_FALSE(m.repo);

    // Neither: Invalid with a message naming both forms; empty text too.
    for (const std::string& text : {std::string("hash:64"), std::string("no such folder"), std::string("  ")}) {
        m = hub::locateModel(text, settings);
        EXPECT_EQ(m.kind, hub::LocalModel::Kind::Invalid) << text;
        EXPECT_NE(m.message.find("ORG/NAME"), std::string::npos) << m.message;
    }
    EXPECT_TRUE(server->requests().empty()) << "locateModel must never touch the network";
}

// Dataset repos: the same download code under /api/datasets and /datasets/.../resolve, cached in
// datasets--ORG--NAME; without a file list every file comes, with one exactly those files.
TEST_F(HubFixture, DatasetReposUseTheirOwnRoutesAndCacheFolder) {
    const std::string data = "synth-org/tiny-set";
    put(serverRoot / "datasets" / data / "test.jsonl", "{\"text\": \"a\"}\n");
    put(serverRoot / "datasets" / data / "qrels" / "test.tsv", "q1\td1\t1\n");
    put(serverRoot / "datasets" / data / "corpus.jsonl.gz", std::string(3000, 'z'));
    hub::RepoRef ref = *hub::parseRepoRef(data);
    ref.type = hub::RepoType::Dataset;
    EXPECT_EQ(ref.text(), "datasets/synth-org/tiny-set");
    const fs::path dir = hub::repoCacheDir(params().settings, data, hub::RepoType::Dataset);
    EXPECT_EQ(dir, cache / "datasets--synth-org--tiny-set");

    auto p = params();
    p.files = {"test.jsonl", "qrels/test.tsv"};
    auto some = hub::pull(ref, p);
    ASSERT_TRUE(some) << some.error().message;
    EXPECT_EQ(some->files, (std::vector<std::string>{"qrels/test.tsv", "test.jsonl"}));
    EXPECT_EQ(test::readFile(some->path / "qrels" / "test.tsv"), "q1\td1\t1\n");
    EXPECT_FALSE(fs::exists(some->path / "corpus.jsonl.gz"));
    EXPECT_EQ(some->path.parent_path().parent_path(), dir);
    EXPECT_EQ(test::readFile(dir / "refs" / "main"), some->commit);
    for (const auto& r : server->requests()) {
        const std::string path = r["path"];
        EXPECT_TRUE(path.rfind("/api/datasets/" + data + "/", 0) == 0 || path.rfind("/datasets/" + data + "/resolve/", 0) == 0 ||
                    path.rfind("/cdn/", 0) == 0)
            << path;
    }
    EXPECT_TRUE(hub::findCached(ref, params().settings, p.files));
    auto lacking = hub::findCached(ref, params().settings, {"corpus.jsonl.gz"});
    ASSERT_FALSE(lacking);
    EXPECT_EQ(lacking.error().code, "incomplete");
    EXPECT_NE(lacking.error().message.find("corpus.jsonl.gz"), std::string::npos) << lacking.error().message;

    auto all = hub::pull(ref, params()); // no list: every file of a dataset repo
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_EQ(all->files.size(), 3u);
    EXPECT_EQ(test::readFile(all->path / "corpus.jsonl.gz"), std::string(3000, 'z')); // through the LFS path

    p.files = {"train.jsonl"};
    auto missing = hub::pull(ref, p);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "not_found");
    EXPECT_NE(missing.error().message.find("'train.jsonl'"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("test.jsonl"), std::string::npos) << missing.error().message; // what it has

    // The model of the same name is another cache folder.
    EXPECT_FALSE(fs::exists(cache / "models--synth-org--tiny-set"));
}
