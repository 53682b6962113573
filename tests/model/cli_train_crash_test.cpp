// Crash injection into checkpoint saves (see tests/unit/crash_test.cpp for the harness idea): the
// real `train` stops dead (SYNTHEMBED_CRASH_AT=N, like kill -9) at each durable-write step of its
// checkpoints; afterwards every checkpoint that looks complete loads, and --resume finishes the run.

#include "core/util/durable.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {
void writePairs(const fs::path& p, int n) {
    std::string s;
    const char* a[] = {"The cat sat on the mat.", "A dog runs in the park.", "Lily likes to play.",
                       "The sun is hot."};
    for (int i = 0; i < n; ++i)
        s += nlohmann::json{{"query", std::string(a[i % 4]) + " " + std::to_string(i)},
                            {"positive", std::string("Once, ") + a[i % 4]}}
                 .dump() +
             "\n";
    test::writeFile(p, s);
}

/// Complete-looking checkpoints (step-N folders without a dot, as latestCheckpoint sees them).
std::vector<fs::path> completeCheckpoints(const fs::path& out) {
    std::vector<fs::path> v;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(out / "checkpoints", ec)) {
        auto name = e.path().filename().string();
        if (name.rfind("step-", 0) == 0 && name.find('.') == std::string::npos &&
            fs::exists(e.path() / "state.json"))
            v.push_back(e.path());
    }
    return v;
}
} // namespace

TEST(CliTrainCrash, EveryStopInACheckpointSaveLeavesLoadableCheckpoints) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 32);
    const auto out = dir / "out";
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    const std::vector<std::string> args{"train",
                                        "--model",
                                        model.string(),
                                        "--data",
                                        (dir / "pairs.jsonl").string(),
                                        "--output",
                                        out.string(),
                                        "--batch-size",
                                        "8",
                                        "--steps",
                                        "6",
                                        "--max-length",
                                        "32",
                                        "--lora-rank",
                                        "4",
                                        "--warmup",
                                        "1",
                                        "--lr",
                                        "1e-3",
                                        "--checkpoint-every",
                                        "2",
                                        "--keep-checkpoints",
                                        "2",
                                        "--stop-after",
                                        "4"};
    int killPoints = 0, resumed = 0;
    bool completed = false;
    for (int n = 1; n <= 40 && !completed; ++n) {
        fs::remove_all(out);
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = test::runCli(args, envN);
        if (r.exitCode == 0) {
            completed = true; // past the last kill point: checkpoints at 2 and 4
            EXPECT_EQ(completeCheckpoints(out).size(), 2u);
            break;
        }
        ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << "point " << n << ": " << r.err;
        ++killPoints;
        auto complete = completeCheckpoints(out);
        for (const auto& c : complete) {
            auto j = nlohmann::json::parse(test::readFile(c / "state.json"), nullptr, false);
            ASSERT_FALSE(j.is_discarded()) << c;
            EXPECT_TRUE(fs::exists(c / "state.pt")) << c;
            EXPECT_FALSE(j.value("run_id", std::string()).empty()) << c;
        }
        if (!complete.empty()) {
            // The newest whole checkpoint continues the run to its end.
            auto res = test::runCli({"train", "--output", out.string(), "--resume"}, env);
            EXPECT_EQ(res.exitCode, 0) << "point " << n << ": " << res.err;
            EXPECT_TRUE(fs::exists(out / "model.safetensors")) << "point " << n;
            ++resumed;
        }
    }
    EXPECT_TRUE(completed);
    std::cout << "checkpoint save: " << killPoints << " kill points tried, " << resumed << " resumed\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 8); // per checkpoint: state.json written/synced/renamed, folder complete, renamed
    EXPECT_GE(resumed, 4);
}

// A model export is many files; synthembed_train.json is removed first and written last, so after a
// stop at any point a folder that carries it is byte for byte the complete export.
TEST(CliTrainCrash, AnInterruptedModelExportNeverLooksComplete) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 16);
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    auto args = [&](const fs::path& out) {
        return std::vector<std::string>{"train",
                                        "--model",
                                        model.string(),
                                        "--data",
                                        (dir / "pairs.jsonl").string(),
                                        "--output",
                                        out.string(),
                                        "--batch-size",
                                        "8",
                                        "--steps",
                                        "1",
                                        "--max-length",
                                        "32",
                                        "--lora-rank",
                                        "4",
                                        "--checkpoint-every",
                                        "0"};
    };
    auto clean = test::runCli(args(dir / "clean"), env);
    ASSERT_EQ(clean.exitCode, 0) << clean.err;
    std::map<std::string, std::string> files; // relative path -> content of the complete export
    for (auto& e : fs::recursive_directory_iterator(dir / "clean"))
        if (e.is_regular_file() && e.path().string().find("checkpoints") == std::string::npos)
            files[fs::relative(e.path(), dir / "clean").string()] = test::readFile(e.path());
    ASSERT_TRUE(files.count("synthembed_train.json"));
    ASSERT_TRUE(files.count("model.safetensors"));

    int killPoints = 0, marked = 0;
    bool completed = false;
    for (int n = 1; n <= 80 && !completed; ++n) {
        const auto out = dir / "out";
        fs::remove_all(out);
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = test::runCli(args(out), envN);
        if (r.exitCode == 0) {
            completed = true;
        } else {
            ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << "point " << n << ": " << r.err;
            ++killPoints;
        }
        if (!fs::exists(out / "synthembed_train.json")) continue; // visibly incomplete
        ++marked;
        for (const auto& [rel, content] : files)
            if (rel != "synthembed_train.json") // it holds absolute paths of this run's base model only
                EXPECT_TRUE(fs::exists(out / rel) && test::readFile(out / rel) == content)
                    << "point " << n << ": " << rel << " differs from the complete export";
    }
    EXPECT_TRUE(completed);
    std::cout << "model export: " << killPoints << " kill points tried, " << marked
              << " found marked complete\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 20);
}
