// Crash injection, the way SQLite tests its commits: the real CLI runs with SYNTHEMBED_CRASH_AT=N and
// stops dead (std::_Exit, nothing flushed, like kill -9) at the N-th durable-write step
// (core/util/durable.h); after every stop the artefact must open and equal the old or the new
// state, never a mix. N goes up until the command completes, so every step is tried.

#include "support/test_support.h"

#include "core/search/index.h"
#include "core/util/durable.h"

#include <nlohmann/json.hpp>

using namespace synthembed;
using namespace synthembed::test;
namespace fs = std::filesystem;

namespace {

struct IndexState {
    std::vector<std::pair<std::int64_t, std::string>> items;
    std::vector<float> vectors;
    bool operator==(const IndexState&) const = default;
};

IndexState stateOf(const search::VectorIndex& idx) {
    IndexState s;
    for (const auto& it : idx.items())
        s.items.emplace_back(it.id, it.text);
    s.vectors = idx.vectors().data;
    return s;
}

void copyTree(const fs::path& from, const fs::path& to) {
    fs::remove_all(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

std::string items(int first, int n) {
    std::string out;
    for (int i = first; i < first + n; ++i)
        out += nlohmann::json{{"text", "document number " + std::to_string(i) + " about topic " +
                                           std::to_string(i % 3)}}
                   .dump() +
               "\n";
    return out;
}

} // namespace

TEST(CrashInjection, IndexAddLeavesTheOldOrTheNewIndex) {
    TempDir dir;
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    const std::string db = (dir / "p.synthembed").string();
    ASSERT_EQ(runCli({"init", "--db", db}, env).exitCode, 0);
    writeFile(dir / "a.jsonl", items(0, 6));
    writeFile(dir / "b.jsonl", items(6, 3));
    auto built = runCli({"index", "build", "--db", db, "--name", "docs", "--dir", (dir / "idx").string(),
                         "--backend", "hnsw", "--model", "hash:16", "--input", (dir / "a.jsonl").string()},
                        env);
    ASSERT_EQ(built.exitCode, 0) << built.err;
    copyTree(dir / "idx", dir / "pristine");
    auto oldIdx = search::VectorIndex::open(dir / "idx");
    ASSERT_TRUE(oldIdx) << oldIdx.error().message;
    const IndexState oldState = stateOf(*oldIdx);
    ASSERT_EQ(oldState.items.size(), 6u);

    const std::vector<std::string> add = {
        "index", "add", "--db", db, "--name", (dir / "idx").string(), "--input", (dir / "b.jsonl").string()};
    std::optional<IndexState> newState;
    std::vector<std::pair<int, IndexState>> notOld;
    int killPoints = 0, sawOld = 0, sawNew = 0;
    for (int n = 1; n <= 60; ++n) {
        copyTree(dir / "pristine", dir / "idx");
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = runCli(add, envN);
        auto opened = search::VectorIndex::open(dir / "idx");
        ASSERT_TRUE(opened) << "after a stop at point " << n << ": " << opened.error().message << "\n"
                            << r.err;
        const IndexState now = stateOf(*opened);
        if (r.exitCode == 0) { // ran to the end: n is past the last kill point
            newState = now;
            break;
        }
        ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << r.err;
        ++killPoints;
        if (now == oldState) {
            ++sawOld;
        } else {
            notOld.emplace_back(n, now); // must be the whole new state (compared after the loop)
            ++sawNew;
        }
        // Nothing needs repair by hand: after a stop that kept the old index, the add runs again.
        if (now == oldState) {
            auto again = runCli(add, env);
            EXPECT_EQ(again.exitCode, 0) << "point " << n << ": " << again.err;
        }
    }
    ASSERT_TRUE(newState.has_value()) << "the command never completed";
    EXPECT_EQ(newState->items.size(), 9u);
    // Every stop that did not find the old state found exactly the new one.
    for (const auto& [n, s] : notOld)
        EXPECT_TRUE(s == *newState) << "point " << n << ": a mix of old and new";
    std::cout << "index add: " << killPoints << " kill points tried (" << sawOld << " found the old index, "
              << sawNew << " the new one)\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 8); // version folder, 4 files, folder complete, CURRENT written/synced/renamed
    EXPECT_GE(sawOld, 1);
    EXPECT_GE(sawNew, 1);
    // Only one version is left after a clean save, and no temporary files.
    int versions = 0;
    for (auto& e : fs::directory_iterator(dir / "idx")) {
        const auto name = e.path().filename().string();
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
        if (e.is_directory()) ++versions;
    }
    EXPECT_EQ(versions, 1);
}

TEST(CrashInjection, ExportLeavesTheOldOrTheNewFile) {
    TempDir dir;
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    const std::string db = (dir / "p.synthembed").string();
    ASSERT_EQ(runCli({"init", "--db", db}, env).exitCode, 0);
    writeFile(dir / "in.jsonl",
              "{\"query\": \"q1\", \"positive\": \"p1\"}\n{\"query\": \"q2\", \"positive\": \"p2\"}\n");
    ASSERT_EQ(runCli({"import", "--db", db, "-i", (dir / "in.jsonl").string()}, env).exitCode, 0);
    ASSERT_EQ(runCli({"export", "--db", db, "-o", (dir / "clean.jsonl").string()}, env).exitCode, 0);
    const std::string newText = readFile(dir / "clean.jsonl");
    ASSERT_NE(newText.find("\"q2\""), std::string::npos);
    const std::string oldText = "the previous export\n";
    const auto out = dir / "out.jsonl";
    int killPoints = 0;
    bool completed = false;
    for (int n = 1; n <= 30 && !completed; ++n) {
        writeFile(out, oldText);
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = runCli({"export", "--db", db, "-o", out.string(), "--force"}, envN);
        const std::string now = readFile(out);
        EXPECT_TRUE(now == oldText || now == newText) << "point " << n << ": " << now;
        if (r.exitCode == 0) {
            EXPECT_EQ(now, newText);
            completed = true;
        } else {
            ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << r.err;
            ++killPoints;
        }
    }
    EXPECT_TRUE(completed);
    std::cout << "export: " << killPoints << " kill points tried\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 3); // written, synced, renamed
}
