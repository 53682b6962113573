#pragma once
/// The one table of supported architectures: which config.json model_type values each accepts,
/// whether it is a causal decoder, its default pooling, how its config is parsed and its backbone
/// built, and how module parameter names map to checkpoint tensor names (loading and export).
/// Training (train::checkBaseModel), export, the embedder and the GUI's model checks ask this
/// table; adding an architecture is one entry in architectures.cpp (plus its module files).
/// Plain C++ (no torch): the builder's types are only declared here.

#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace synthembed::model {

class Backbone;
class ConfigJson;
struct BackboneOptions;

struct Architecture {
    std::string name;                    ///< "bert", "llama": the module family that implements it
    std::vector<std::string> modelTypes; ///< config.json model_type values it accepts
    bool decoder = false;                ///< causal decoder: last-token pooling, EOS appended, left padding
    std::string defaultPooling;          ///< "last" | "cls" | "mean" when the folder names none
    /// Checkpoint tensor names to try for a module parameter name, best first (loading and export:
    /// export writes under the first name the base checkpoint holds, else the first candidate).
    std::vector<std::string> (*checkpointNames)(const std::string& moduleName) = nullptr;
    /// Parses config.json and builds the backbone (Failure "config" naming file and field).
    std::shared_ptr<Backbone> (*build)(const ConfigJson& config, const BackboneOptions& options) = nullptr;
};

/// Every supported architecture, in the order listed to users.
const std::vector<Architecture>& architectures();
/// The architecture accepting `modelType`, else nullptr.
const Architecture* architectureFor(const std::string& modelType);
/// "bert, llama, mistral, qwen2": every accepted model_type, for messages.
std::string supportedModelTypes();

/// What a model folder's config.json says, read without building anything.
struct ModelConfigInfo {
    std::string modelType;
    const Architecture* architecture = nullptr; ///< never null in a successful result
    std::int64_t hiddenSize = 0;
};
/// Reads `configJson` (a config.json path). Failure "config" naming the file: missing, not JSON,
/// or a model_type no architecture accepts (the message lists the supported ones).
Result<ModelConfigInfo> readModelConfig(const std::filesystem::path& configJson);

} // namespace synthembed::model
