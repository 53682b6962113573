#pragma once
// Core-internal (torch): training checkpoints. Layout of one checkpoint:
//   <root>/step-00000123/state.pt      trainable parameters, optimiser state (torch archive)
//   <root>/step-00000123/rng-rank<R>.pt RNG state of each process
//   <root>/step-00000123/state.json    step, data position, wall time, config summary
// Written into step-XXXXXXXX.tmp and renamed when complete, so a crash never leaves a
// checkpoint that looks whole; only complete ones (state.json present, no .tmp) are loaded.

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
    nlohmann::json extra;         ///< config summary etc.
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Saves atomically; with `dist` every rank writes its RNG file and rank 0 the rest. Returns the
/// final folder. Keeps the newest `keep` checkpoints (keep <= 0: all).
std::filesystem::path saveCheckpoint(const std::filesystem::path& root, const CheckpointMeta& meta,
                                     const NamedTensors& params, torch::optim::Optimizer& optimizer,
                                     const RngState& rng, Distributed* dist, int keep);

/// The newest complete checkpoint under root, if any.
std::optional<std::filesystem::path> latestCheckpoint(const std::filesystem::path& root);

/// Loads into existing tensors (names and shapes must match; errors name the tensor) and the
/// optimiser; returns the metadata and sets `rng` to this rank's state.
CheckpointMeta loadCheckpoint(const std::filesystem::path& dir, const NamedTensors& params,
                              torch::optim::Optimizer& optimizer, RngState& rng, int rank);

} // namespace synthembed::train
