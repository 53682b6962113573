#include "core/train/model_manifest.h"

#include "core/util/durable.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace synthembed::train {

namespace fs = std::filesystem;

Result<std::optional<TrainedModelInfo>> readTrainedModelInfo(const fs::path& folder) {
    std::error_code ec;
    const fs::path file = folder / durable::kModelManifestName;
    if (folder.empty() || !fs::is_directory(folder, ec) || !fs::exists(file, ec)) return std::optional<TrainedModelInfo>{};
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{"io", file.string() + ": cannot open for reading"};
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Error{"model", file.string() + ": not a JSON object"};
    TrainedModelInfo info;
    auto str = [&](const char* key, std::string& out) -> Status {
        if (!j.contains(key) || j[key].is_null()) return {};
        if (!j[key].is_string()) return Error{"model", file.string() + ": field \"" + key + "\" is not a string"};
        out = j[key].get<std::string>();
        return {};
    };
    if (auto s = str("run_name", info.runName); !s) return s.error();
    if (auto s = str("run_id", info.runId); !s) return s.error();
    if (auto s = str("base_model", info.baseModel); !s) return s.error();
    if (j.contains("step") && !j["step"].is_null()) {
        if (!j["step"].is_number_integer()) return Error{"model", file.string() + ": field \"step\" is not an integer"};
        info.step = j["step"].get<std::int64_t>();
    }
    return std::optional<TrainedModelInfo>{std::move(info)};
}

std::string describeTrainedModel(const TrainedModelInfo& info) {
    std::string out;
    const std::string& run = info.runName.empty() ? info.runId : info.runName;
    if (!run.empty()) out = "run " + run;
    if (info.step >= 0) out += (out.empty() ? "" : " · ") + std::string("step ") + std::to_string(info.step);
    return out;
}

} // namespace synthembed::train
