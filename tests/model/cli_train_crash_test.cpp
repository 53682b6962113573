// Crash injection into checkpoint saves (see tests/unit/crash_test.cpp for the harness idea): the
// real `train` stops dead (SYNTHEMBED_CRASH_AT=N, like kill -9) at each durable-write step of its
// checkpoints; afterwards every checkpoint that looks complete loads, and --resume finishes the run.

#include "core/embed/embedder.h"
#include "core/util/durable.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <iostream>
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

// A model export is many files, swapped as one unit (durable::FolderUpdate): written into a stage,
// committed by its manifest (synthembed_train.json), then moved into place. After a stop at any
// point, opening the folder (Embedder::load settles it first) finds the previous model or the new
// one, byte for byte, never a mix.
namespace {
/// The model files of a training output folder: everything but checkpoints/ and the update stage.
std::map<std::string, std::string> modelFiles(const fs::path& out) {
    std::map<std::string, std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(out, ec); it != fs::recursive_directory_iterator(); ++it) {
        const auto rel = fs::relative(it->path(), out).generic_string();
        if (rel == "checkpoints" || rel == durable::kUpdateStageName) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) files[rel] = test::readFile(it->path());
    }
    return files;
}

/// synthembed_train.json without its run id (each run has its own).
std::map<std::string, std::string> withoutRunId(std::map<std::string, std::string> files) {
    auto it = files.find("synthembed_train.json");
    if (it != files.end()) {
        auto j = nlohmann::json::parse(it->second);
        j.erase("run_id");
        it->second = j.dump();
    }
    return files;
}

std::vector<std::string> trainArgs(const fs::path& model, const fs::path& data, const fs::path& out) {
    return {"train", "--model", model.string(), "--data", data.string(), "--output", out.string(), "--batch-size", "8",
            "--steps", "2", "--max-length", "32", "--lora-rank", "4", "--checkpoint-every", "0"};
}
} // namespace

TEST(CliTrainCrash, AnInterruptedModelExportLeavesNoModelOrTheWholeModel) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 16);
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    auto clean = test::runCli(trainArgs(model, dir / "pairs.jsonl", dir / "clean"), env);
    ASSERT_EQ(clean.exitCode, 0) << clean.err;
    const auto complete = withoutRunId(modelFiles(dir / "clean"));
    ASSERT_TRUE(complete.count("synthembed_train.json"));
    ASSERT_TRUE(complete.count("model.safetensors"));
    ASSERT_TRUE(complete.count("adapter/adapter_model.safetensors"));
    ASSERT_TRUE(fs::is_directory(dir / "clean" / "2_Normalize"));
    ASSERT_FALSE(fs::exists(dir / "clean" / durable::kUpdateStageName));
    EXPECT_TRUE(nlohmann::json::parse(complete.at("synthembed_train.json"))["files"].is_array());

    int killPoints = 0, none = 0, whole = 0;
    bool completed = false;
    for (int n = 1; n <= 200 && !completed; ++n) {
        const auto out = dir / "out";
        fs::remove_all(out);
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = test::runCli(trainArgs(model, dir / "pairs.jsonl", out), envN);
        if (r.exitCode == 0) {
            completed = true;
        } else {
            ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << "point " << n << ": " << r.err;
            ++killPoints;
        }
        // Open it as every reader does; then it holds no model file at all, or the whole export.
        auto loaded = embed::Embedder::load(out);
        const auto files = withoutRunId(modelFiles(out));
        if (files.empty()) {
            EXPECT_FALSE(loaded) << "point " << n;
            ++none;
        } else {
            EXPECT_TRUE(loaded) << "point " << n << ": " << loaded.error().message;
            EXPECT_EQ(files, complete) << "point " << n << ": a mix of files";
            ++whole;
        }
    }
    EXPECT_TRUE(completed);
    std::cout << "model export into an empty folder: " << killPoints << " kill points tried, " << none
              << " left no model, " << whole << " the whole model\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 30);
    EXPECT_GT(whole, 1); // stops after the commit point were finished by the reader
}

// The same over an existing export: resuming a finished run with --no-adapter writes the model again
// without the adapter files. After a stop anywhere, the folder opens as the old export (with the
// adapter) or the new one (without), never weights of one beside files of the other.
TEST(CliTrainCrash, AnInterruptedReExportLeavesTheOldOrTheNewModel) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 16);
    const std::vector<std::string> env = {"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    const auto out = dir / "out", backup = dir / "backup";
    auto args = trainArgs(model, dir / "pairs.jsonl", out);
    args.back() = "1"; // --checkpoint-every 1: the finished run keeps a checkpoint to resume
    auto first = test::runCli(args, env);
    ASSERT_EQ(first.exitCode, 0) << first.err;
    const auto before = modelFiles(out);
    ASSERT_TRUE(before.count("adapter/adapter_model.safetensors"));
    fs::copy(out, backup, fs::copy_options::recursive);
    auto restore = [&] {
        fs::remove_all(out);
        fs::copy(backup, out, fs::copy_options::recursive);
    };
    const std::vector<std::string> again = {"train", "--output", out.string(), "--resume", "--no-adapter"};
    auto redo = test::runCli(again, env);
    ASSERT_EQ(redo.exitCode, 0) << redo.err;
    const auto after = modelFiles(out);
    ASSERT_FALSE(after.count("adapter/adapter_model.safetensors"));
    ASSERT_FALSE(after.count("adapter/adapter_config.json"));
    ASSERT_FALSE(fs::exists(out / "adapter"));
    ASSERT_EQ(after.at("model.safetensors"), before.at("model.safetensors"));

    int killPoints = 0, old = 0, fresh = 0;
    bool completed = false;
    for (int n = 1; n <= 200 && !completed; ++n) {
        restore();
        auto envN = env;
        envN.push_back("SYNTHEMBED_CRASH_AT=" + std::to_string(n));
        auto r = test::runCli(again, envN);
        if (r.exitCode == 0) {
            completed = true;
        } else {
            ASSERT_EQ(r.exitCode, durable::kCrashExitCode) << "point " << n << ": " << r.err;
            ++killPoints;
        }
        auto loaded = embed::Embedder::load(out);
        EXPECT_TRUE(loaded) << "point " << n << ": " << loaded.error().message;
        const auto files = modelFiles(out);
        if (files == before) ++old;
        else if (files == after) ++fresh;
        else ADD_FAILURE() << "point " << n << ": neither the old nor the new export";
    }
    EXPECT_TRUE(completed);
    std::cout << "model re-export over an old one: " << killPoints << " kill points tried, " << old
              << " found the old model, " << fresh << " the new one\n";
    RecordProperty("kill_points", killPoints);
    EXPECT_GE(killPoints, 30);
    EXPECT_GT(old, 1);
    EXPECT_GT(fresh, 1);
}
