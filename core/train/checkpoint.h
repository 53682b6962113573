#pragma once
// Core-internal (torch): training checkpoints. Layout of one checkpoint:
//   <root>/step-00000123/state.pt      trainable parameters, optimiser state (torch archive)
//   <root>/step-00000123/rng-rank<R>.pt RNG state of each process
//   <root>/step-00000123/state.json    step, data position, wall time, config summary
// Written into step-XXXXXXXX.tmp (every file fsync'ed) and renamed when complete, so a crash never
// leaves a checkpoint that looks whole; only complete ones (state.json present, no .tmp) are loaded.
// state.json carries the run id: pruning only ever removes the checkpoints of the run that writes,
// and a new run refuses a folder that holds another run's (see prepareRunFolder).

#include "core/train/gradcache.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::train {

class Distributed;

struct CheckpointMeta {
    std::int64_t step = 0;        ///< optimiser steps completed
    std::int64_t batchCursor = 0; ///< global batches consumed (data position)
    double wallTime = 0;
    nlohmann::json extra; ///< config summary etc.
    std::string runId;    ///< the run that wrote it ("" in checkpoints older than run ids)
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Saves atomically; with `dist` every rank writes its RNG file and rank 0 the rest. Returns the
/// final folder. Keeps the newest `keep` checkpoints of meta.runId (keep <= 0: all); checkpoints
/// of other runs are never removed.
std::filesystem::path saveCheckpoint(const std::filesystem::path& root, const CheckpointMeta& meta,
                                     const NamedTensors& params, torch::optim::Optimizer& optimizer,
                                     const RngState& rng, Distributed* dist, int keep);

/// The newest complete checkpoint under root (of run `runId` when it is not empty), if any.
std::optional<std::filesystem::path> latestCheckpoint(const std::filesystem::path& root,
                                                      const std::string& runId = {});

/// The run id stored in a checkpoint folder ("" when it has none).
std::string checkpointRunId(const std::filesystem::path& dir);

/// A new run id: UTC time and random bits, e.g. "20261205T034512-9f3a61c2".
std::string newRunId();

struct RunFolder {
    std::string runId;                     ///< the id this run writes its checkpoints with
    std::filesystem::path previousMovedTo; ///< where --overwrite moved the previous run (or empty)
};

/// Decides who owns OUTPUT before a run writes there (rank 0, before the first checkpoint).
/// resume: the newest checkpoint's run continues (its id is kept). A new run: OUTPUT/checkpoints
/// must hold no complete checkpoint, else Failure("train_output") naming the run found, unless
/// `overwrite`, which renames OUTPUT to OUTPUT.previous-N (the whole previous run: checkpoints and
/// model files) and starts an empty OUTPUT.
RunFolder prepareRunFolder(const std::filesystem::path& outputDir, bool resume, bool overwrite);

/// Loads into existing tensors (names and shapes must match; errors name the tensor) and the
/// optimiser; returns the metadata and sets `rng` to this rank's state.
CheckpointMeta loadCheckpoint(const std::filesystem::path& dir, const NamedTensors& params,
                              torch::optim::Optimizer& optimizer, RngState& rng, int rank);

} // namespace synthembed::train
