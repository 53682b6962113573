#pragma once
/// What a model folder written by `train` says about itself: its manifest synthembed_train.json
/// (train::exportModel) names the run that trained it and the optimiser step of its weights.
/// For pickers and result names ("ft1 · run stsb-lora · step 400"). Plain C++, no torch.

#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace synthembed::train {

struct TrainedModelInfo {
    std::string runName;   ///< the run's name ("" when the run had none, or older manifests)
    std::string runId;     ///< the run's checkpoint id ("" in manifests older than run ids)
    std::int64_t step = -1; ///< optimiser steps the weights have seen (-1: not recorded)
    std::string baseModel; ///< the folder it was trained from
};

/// Reads `folder`/synthembed_train.json. nullopt when the folder has none (a base model, a
/// hashing spec, a path that is no folder); an Error naming the file and field when it is
/// unreadable or malformed.
Result<std::optional<TrainedModelInfo>> readTrainedModelInfo(const std::filesystem::path& folder);

/// "run NAME · step N" (the run id when it has no name; parts that are unknown left out; "" for
/// nothing known), for logs and the CLI. The GUI formats the same fields in the user's language.
std::string describeTrainedModel(const TrainedModelInfo& info);

} // namespace synthembed::train
