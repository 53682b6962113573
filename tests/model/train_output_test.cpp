// Output folders of training runs: a new run never loses its checkpoints to (or deletes those of)
// another run in the same folder. Each checkpoint carries its run id; pruning only touches its own
// run; a new run refuses a folder holding another run unless it continues it (--resume) or moves it
// aside (--overwrite).

#include "core/store/project.h"
#include "core/train/checkpoint.h"
#include "core/train/run_store.h"
#include "core/train/trainer.h"
#include "support/test_support.h"
#include "tiny_model.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace synthembed;
using namespace synthembed::train;
namespace fs = std::filesystem;

namespace {

TrainConfig tinyConfig(const fs::path& out, std::int64_t steps) {
    TrainConfig c;
    c.outputDir = out.string();
    c.batchSize = 4;
    c.steps = steps;
    c.warmupSteps = 1;
    c.lr = 5e-2;
    c.temperature = 0.1;
    c.maxLength = 24;
    c.lora.rank = 4;
    c.checkpointEvery = 3;
    c.keepCheckpoints = 2;
    c.seed = 3;
    return c;
}

TrainOutcome trainRun(const TrainConfig& c, std::int64_t stopAt = 0) {
    torch::manual_seed(99);
    Trainer t(test::tinyModel(64, 16, 0.0), test::byteTokenizer(), c, test::toyExamples(24), {}, nullptr);
    TrainCallbacks cb;
    std::int64_t last = 0;
    cb.onStep = [&](const StepMetrics& s) { last = s.step; };
    cb.hooks.shouldStop = [&] { return stopAt && last >= stopAt; };
    return t.run(cb);
}

std::vector<std::string> checkpoints(const fs::path& out) {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(out / "checkpoints", ec))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST(TrainOutput, ANewRunRefusesAFolderHoldingAnotherRun) {
    test::TempDir dir;
    const auto out = dir / "out";
    trainRun(tinyConfig(out, 8)); // periodic checkpoints at 3 and 6 (the end writes the model)
    const auto before = checkpoints(out);
    ASSERT_EQ(before, (std::vector<std::string>{"step-00000003", "step-00000006"}));
    const std::string firstRun = checkpointRunId(out / "checkpoints" / "step-00000006");
    EXPECT_FALSE(firstRun.empty());

    // The old code trained here, replacing the old step-3 with its own and pruning by step number
    // across both runs; --resume then continued whichever run had the highest step.
    try {
        trainRun(tinyConfig(out, 4));
        FAIL() << "a new run must refuse a folder holding another run";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_output");
        EXPECT_NE(std::string(f.what()).find("--resume"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("--overwrite"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find(firstRun), std::string::npos) << f.what();
    }
    EXPECT_EQ(checkpoints(out), before); // untouched

    // --overwrite moves the whole previous run aside and says where.
    auto c = tinyConfig(out, 8);
    c.checkpointEvery = 2;
    c.overwrite = true;
    auto second = trainRun(c);
    EXPECT_EQ(second.steps, 8);
    EXPECT_EQ(checkpoints(dir / "out.previous-1"), before);
    EXPECT_EQ(checkpointRunId(dir / "out.previous-1" / "checkpoints" / "step-00000006"), firstRun);
    EXPECT_EQ(checkpoints(out), (std::vector<std::string>{"step-00000004", "step-00000006"}));
    const std::string secondRun = checkpointRunId(out / "checkpoints" / "step-00000006");
    EXPECT_FALSE(secondRun.empty());
    EXPECT_NE(secondRun, firstRun);
    EXPECT_EQ(checkpointRunId(out / "checkpoints" / "step-00000004"), secondRun);
}

TEST(TrainOutput, PruningOnlyRemovesTheWritingRunsOwnCheckpoints) {
    test::TempDir dir;
    const auto out = dir / "out";
    auto c = tinyConfig(out, 8);
    c.checkpointEvery = 2;
    auto first = trainRun(c, 2); // stopped at 2: checkpoint step-2
    ASSERT_TRUE(first.stopped);
    const std::string runId = checkpointRunId(out / "checkpoints" / "step-00000002");
    // A foreign checkpoint with a low step number (another run's, e.g. copied in by hand).
    fs::copy(out / "checkpoints" / "step-00000002", out / "checkpoints" / "step-00000001",
             fs::copy_options::recursive);
    {
        auto j = nlohmann::json::parse(test::readFile(out / "checkpoints" / "step-00000001" / "state.json"));
        j["run_id"] = "someone-else";
        test::writeFile(out / "checkpoints" / "step-00000001" / "state.json", j.dump());
    }
    // Resume continues this run (newest checkpoint) and prunes only its own: 2, 4, 6 -> 4, 6; the
    // old code deleted the lowest steps whoever wrote them (step-1 here).
    c.resume = true;
    auto resumed = trainRun(c);
    EXPECT_EQ(resumed.steps, 8);
    EXPECT_EQ(checkpoints(out),
              (std::vector<std::string>{"step-00000001", "step-00000004", "step-00000006"}));
    EXPECT_EQ(checkpointRunId(out / "checkpoints" / "step-00000006"), runId); // the resumed run kept its id
    EXPECT_EQ(latestCheckpoint(out / "checkpoints", "someone-else"), out / "checkpoints" / "step-00000001");
}

// Output folders written before run ids existed: checkpoints whose state.json has no run_id, or a
// model exported without one, are another run like any other: a new run refuses the folder (it
// does not adopt or prune them), --resume continues such checkpoints, --overwrite moves them aside.
TEST(TrainOutput, FoldersFromBeforeRunIdsCountAsAnotherRun) {
    test::TempDir dir;
    const auto out = dir / "out";
    trainRun(tinyConfig(out, 8));
    const auto before = checkpoints(out);
    ASSERT_EQ(before, (std::vector<std::string>{"step-00000003", "step-00000006"}));
    for (const auto& name : before) { // as the versions before run ids wrote them
        const auto state = out / "checkpoints" / name / "state.json";
        auto j = nlohmann::json::parse(test::readFile(state));
        ASSERT_TRUE(j.contains("run_id"));
        j.erase("run_id");
        test::writeFile(state, j.dump());
        ASSERT_EQ(checkpointRunId(out / "checkpoints" / name), "");
    }
    auto found = inspectOutputFolder(out.string());
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->runId, "");
    EXPECT_EQ((*found)->step, 6);
    EXPECT_EQ(fs::path((*found)->lastCheckpoint).filename(), "step-00000006");
    EXPECT_EQ((*found)->asideTo, (dir / "out.previous-1").string());
    EXPECT_NE((*found)->describe().find("without id"), std::string::npos) << (*found)->describe();

    try {
        trainRun(tinyConfig(out, 4));
        FAIL() << "a new run must refuse a folder holding checkpoints without run id";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_output");
        EXPECT_NE(std::string(f.what()).find("without id"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("--resume"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("--overwrite"), std::string::npos) << f.what();
    }
    EXPECT_EQ(checkpoints(out), before);

    // --resume continues the old run from step 6 and keeps it without id.
    auto c = tinyConfig(out, 8);
    c.resume = true;
    auto resumed = trainRun(c);
    EXPECT_EQ(resumed.steps, 8);
    EXPECT_EQ(resumed.checkpointRunId, "");
    EXPECT_EQ(checkpoints(out), before); // no checkpoint due after 6; nothing pruned

    // --overwrite moves it aside and says where.
    c = tinyConfig(out, 4);
    c.overwrite = true;
    auto fresh = trainRun(c);
    EXPECT_EQ(fresh.previousMovedTo, (dir / "out.previous-1").string());
    EXPECT_EQ(checkpoints(dir / "out.previous-1"), before);
    EXPECT_FALSE(fresh.checkpointRunId.empty());
}

TEST(TrainOutput, AnExportedModelWithoutCheckpointsIsAnotherRun) {
    test::TempDir dir;
    const auto out = dir / "out";
    fs::create_directories(out);
    // A model exported by a version before run ids (or a run with its checkpoints deleted).
    test::writeFile(out / "synthembed_train.json", R"({"pooling": "last", "base_model": "/models/base"})");
    test::writeFile(out / "model.safetensors", "weights");
    auto found = inspectOutputFolder(out.string());
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_TRUE((*found)->exportedModel);
    EXPECT_TRUE((*found)->lastCheckpoint.empty());
    try {
        trainRun(tinyConfig(out, 4));
        FAIL() << "a new run must refuse a folder holding another run's model";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_output");
        EXPECT_NE(std::string(f.what()).find("exported model"), std::string::npos) << f.what();
        EXPECT_EQ(std::string(f.what()).find("--resume"), std::string::npos) << f.what(); // nothing to resume
        EXPECT_NE(std::string(f.what()).find("--overwrite"), std::string::npos) << f.what();
    }
    EXPECT_EQ(test::readFile(out / "model.safetensors"), "weights");
    auto c = tinyConfig(out, 4);
    c.overwrite = true;
    auto fresh = trainRun(c);
    EXPECT_EQ(fresh.previousMovedTo, (dir / "out.previous-1").string());
    EXPECT_EQ(test::readFile(dir / "out.previous-1" / "model.safetensors"), "weights");
    EXPECT_FALSE(fs::exists(out / "synthembed_train.json"));

    // An empty folder, or one with unrelated files, is free.
    fs::create_directories(dir / "free");
    test::writeFile(dir / "free" / "notes.txt", "x");
    auto none = inspectOutputFolder((dir / "free").string());
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
}

TEST(TrainOutput, RunStartedReportsTheRunIdStoredInTheProject) {
    // runTraining on the real stories260K with a project: onRunStarted names the training_runs row
    // before the first step, the same id the outcome and the runs table carry; a resume reports
    // the row it continues.
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    const auto projectPath = dir / "p.synthembed";
    ASSERT_TRUE(store::Project::create(projectPath));
    std::string pairs;
    for (int i = 0; i < 16; ++i)
        pairs += nlohmann::json{{"query", "Lily saw a ball " + std::to_string(i)},
                                {"positive", "Once, Lily played with ball " + std::to_string(i)}}
                     .dump() +
                 "\n";
    test::writeFile(dir / "pairs.jsonl", pairs);
    TrainConfig c;
    c.modelDir = model.string();
    c.dataJsonl = (dir / "pairs.jsonl").string();
    c.outputDir = (dir / "out").string();
    c.projectDb = projectPath.string();
    c.batchSize = 4;
    c.steps = 3;
    c.maxLength = 32;
    c.lora.rank = 4;

    struct Seen {
        std::vector<std::int64_t> ids;
        std::vector<std::string> dirs;
        std::int64_t stepsBeforeStart = -1;
    };
    auto callbacks = [](Seen& seen, std::int64_t stopAfter) {
        TrainCallbacks cb;
        auto steps = std::make_shared<std::int64_t>(0);
        cb.onRunStarted = [&seen, steps](std::int64_t id, const std::string& out) {
            seen.ids.push_back(id);
            seen.dirs.push_back(out);
            seen.stepsBeforeStart = *steps;
        };
        cb.onStep = [steps](const StepMetrics& m) { *steps = m.step; };
        cb.hooks.shouldStop = [steps, stopAfter] { return stopAfter && *steps >= stopAfter; };
        return cb;
    };
    auto runs = [&] {
        auto p = store::Project::open(projectPath);
        EXPECT_TRUE(p);
        return p ? listRuns(p->db()).take() : std::vector<RunSummary>{};
    };

    Seen first;
    auto stopped = runTraining(c, callbacks(first, 1));
    ASSERT_TRUE(stopped) << stopped.error().message;
    EXPECT_TRUE(stopped->stopped);
    ASSERT_EQ(first.ids.size(), 1u);
    EXPECT_EQ(first.stepsBeforeStart, 0); // before the first step
    EXPECT_EQ(first.dirs[0], c.outputDir);
    auto rows = runs();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_GT(first.ids[0], 0);
    EXPECT_EQ(first.ids[0], rows[0].id);
    EXPECT_EQ(first.ids[0], stopped->runId);
    EXPECT_EQ(rows[0].state, "stopped");

    Seen resumed;
    c.resume = true;
    auto done = runTraining(c, callbacks(resumed, 0));
    ASSERT_TRUE(done) << done.error().message;
    ASSERT_EQ(resumed.ids.size(), 1u);
    EXPECT_EQ(resumed.ids[0], first.ids[0]); // the same row continues
    EXPECT_EQ(done->runId, first.ids[0]);
    rows = runs();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].state, "done");

    // A second project run gets its own row, reported as such.
    Seen other;
    c.resume = false;
    c.outputDir = (dir / "out2").string();
    auto second = runTraining(c, callbacks(other, 0));
    ASSERT_TRUE(second) << second.error().message;
    ASSERT_EQ(other.ids.size(), 1u);
    EXPECT_NE(other.ids[0], first.ids[0]);
    rows = runs();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, other.ids[0]); // newest first
    EXPECT_EQ(rows[0].outputDir, c.outputDir);
}
