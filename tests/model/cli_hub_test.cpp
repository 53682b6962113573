// `--model ORG/NAME` end to end: synthembed-cli downloads the real stories260K model from a loopback
// server that speaks the Hugging Face Hub's API (HF_ENDPOINT) into a Hugging Face cache, and embeds
// exactly as from the folder; `models pull` prints the snapshot; offline mode uses the cache only;
// and (when huggingface_hub is installed) the cache is shared with huggingface_hub both ways.

#include "support/fake_hub_server.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kFiles[] = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer.model",
                        "tokenizer_config.json", "special_tokens_map.json"};

struct CliHub : ::testing::Test {
    test::TempDir tmp;
    fs::path modelDir;
    std::unique_ptr<test::FakeHubServer> server;
    const std::string repo = "synth-org/stories260K";

    void SetUp() override {
        fs::path shared = test::sharedDir() / "oracles/models/stories260K";
        if (test::sharedDir().empty() || !fs::exists(shared / "model.safetensors"))
            GTEST_SKIP() << "shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED)";
        modelDir = shared;
        fs::path repoDir = tmp / "server" / repo;
        fs::create_directories(repoDir);
        for (const char* f : kFiles) fs::copy_file(shared / f, repoDir / f);
        server = std::make_unique<test::FakeHubServer>(tmp / "server");
        test::writeFile(tmp / "in.jsonl", "{\"text\": \"Once upon a time\"}\n{\"text\": \"The little dog ran home.\"}\n"
                                          "{\"text\": \"Lily liked to play in the park with her friends.\"}\n");
    }
    /// The environment of a user with an empty Hugging Face cache in tmp, reaching the fake hub.
    std::vector<std::string> env(bool offline = false) const {
        return {"HF_HOME=" + (tmp / "hfhome").string(), "HF_HUB_CACHE=" + (tmp / "hfcache").string(),
                "HF_ENDPOINT=" + server->endpoint(), "HF_TOKEN=", std::string("HF_HUB_OFFLINE=") + (offline ? "1" : "0")};
    }
    test::CommandResult embed(const std::string& model, const std::string& out, bool offline = false) const {
        return test::runCli({"embed", "--model", model, "--input", (tmp / "in.jsonl").string(), "--output",
                             (tmp / out).string(), "-q"},
                            env(offline));
    }
};

} // namespace

TEST_F(CliHub, EmbedWithARepoIdEqualsEmbedWithTheFolder) {
    auto fromFolder = embed(modelDir.string(), "folder.jsonl");
    ASSERT_EQ(fromFolder.exitCode, 0) << fromFolder.err;
    auto fromHub = embed(repo, "hub.jsonl");
    ASSERT_EQ(fromHub.exitCode, 0) << fromHub.err;
    std::string a = test::readFile(tmp / "folder.jsonl"), b = test::readFile(tmp / "hub.jsonl");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    fs::path repoCache = tmp / "hfcache" / "models--synth-org--stories260K";
    std::string commit = test::readFile(repoCache / "refs" / "main");
    ASSERT_EQ(commit.size(), 40u);
    for (const char* f : kFiles) {
        fs::path link = repoCache / "snapshots" / commit / f;
        EXPECT_TRUE(fs::is_symlink(link)) << f;
        EXPECT_EQ(test::readFile(link), test::readFile(modelDir / f)) << f;
    }

    // Again: from the cache, without a request to the hub.
    server->reset();
    auto cached = embed(repo, "hub2.jsonl");
    ASSERT_EQ(cached.exitCode, 0) << cached.err;
    EXPECT_EQ(test::readFile(tmp / "hub2.jsonl"), a);
    EXPECT_TRUE(server->requests().empty()) << server->requests().dump();

    // models pull asks the hub for the commit, downloads nothing new and prints the snapshot folder.
    auto pull = test::runCli({"models", "pull", repo}, env());
    ASSERT_EQ(pull.exitCode, 0) << pull.err;
    EXPECT_EQ(pull.out, (repoCache / "snapshots" / commit).string() + "\n");
    auto pullJson = test::runCli({"models", "pull", repo + "@" + commit, "--json"}, env());
    ASSERT_EQ(pullJson.exitCode, 0) << pullJson.err;
    auto j = json::parse(pullJson.out);
    EXPECT_EQ(j["commit"], commit);
    EXPECT_EQ(j["bytes_downloaded"], 0);
    EXPECT_EQ(j["files"].size(), std::size(kFiles));

    // Offline: the cached model works, an uncached one fails with one line naming the setting.
    server->reset();
    auto offline = embed(repo, "offline.jsonl", true);
    ASSERT_EQ(offline.exitCode, 0) << offline.err;
    EXPECT_EQ(test::readFile(tmp / "offline.jsonl"), a);
    auto missing = embed("synth-org/not-cached", "x.jsonl", true);
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("HF_HUB_OFFLINE"), std::string::npos) << missing.err;
    EXPECT_TRUE(server->requests().empty());
    auto bad = embed("not a model", "x.jsonl");
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("ORG/NAME"), std::string::npos) << bad.err;
}

TEST_F(CliHub, ModelsPullFromAGatedRepoNeedsHfToken) {
    server->setConfig({{"repos", {{repo, {{"gated_token", "hf_e2e_Secret"}}}}}, {"faults", json::array()}});
    auto denied = test::runCli({"models", "pull", repo}, env());
    EXPECT_NE(denied.exitCode, 0);
    EXPECT_NE(denied.err.find("gated or private"), std::string::npos) << denied.err;
    auto e = env();
    e.push_back("HF_TOKEN=hf_e2e_Secret");
    auto ok = test::runCli({"models", "pull", repo, "-v"}, e);
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_EQ(ok.err.find("hf_e2e_Secret"), std::string::npos) << ok.err;
    EXPECT_TRUE(fs::exists(fs::path(ok.out.substr(0, ok.out.size() - 1)) / "model.safetensors"));
}

/// huggingface_hub (the library transformers and sentence-transformers download with) finds what
/// synthembed pulled, and synthembed finds what huggingface_hub downloaded from the same hub.
TEST_F(CliHub, SharesTheCacheWithHuggingfaceHub) {
    if (test::runCommand({"/usr/bin/env", "python3", "-c", "import huggingface_hub"}).exitCode != 0)
        GTEST_SKIP() << "python3 -m pip install huggingface_hub to run this check";
    // As on the hub, LFS files redirect to a CDN on another host (huggingface_hub follows same-host
    // redirects as repo renames).
    server->setConfig({{"repos", json::object()}, {"faults", json::array()}, {"cdn_host_name", "localhost"}});
    auto pull = test::runCli({"models", "pull", repo}, env());
    ASSERT_EQ(pull.exitCode, 0) << pull.err;
    std::string snapshot = pull.out.substr(0, pull.out.size() - 1);
    // Theirs, offline, over our cache.
    auto theirs = test::runCommand(
        {"/usr/bin/env", "python3", "-c",
         "import sys; from huggingface_hub import hf_hub_download, snapshot_download\n"
         "print(hf_hub_download(sys.argv[1], 'model.safetensors'))\n"
         "print(snapshot_download(sys.argv[1]))",
         repo},
        env(true));
    ASSERT_EQ(theirs.exitCode, 0) << theirs.err;
    EXPECT_EQ(theirs.out, snapshot + "/model.safetensors\n" + snapshot + "\n");

    // Ours, offline, over a cache huggingface_hub filled from the fake hub.
    auto e = env();
    e.push_back("HF_HUB_CACHE=" + (tmp / "theirs").string());
    auto fill = test::runCommand({"/usr/bin/env", "python3", "-c",
                                  "import sys; from huggingface_hub import snapshot_download\n"
                                  "print(snapshot_download(sys.argv[1], allow_patterns=['*.json', '*.safetensors', '*.model']))",
                                  repo},
                                 e);
    ASSERT_EQ(fill.exitCode, 0) << fill.err;
    server->reset();
    e.push_back("HF_HUB_OFFLINE=1");
    auto ours = test::runCli({"embed", "--model", repo, "--input", (tmp / "in.jsonl").string(), "--output",
                              (tmp / "theirs.jsonl").string(), "-q"},
                             e);
    ASSERT_EQ(ours.exitCode, 0) << ours.err;
    EXPECT_TRUE(server->requests().empty());
    auto folder = embed(modelDir.string(), "folder.jsonl");
    ASSERT_EQ(folder.exitCode, 0) << folder.err;
    EXPECT_EQ(test::readFile(tmp / "theirs.jsonl"), test::readFile(tmp / "folder.jsonl"));
}
