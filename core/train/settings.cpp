#include "core/train/settings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace synthembed::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The JSON value of one field, and its inverse (throws json::exception or std::invalid_argument).
template <class T>
json toValue(const T& v) {
    return v;
}
json toValue(BatchMix m) { return mixName(m); }
json toValue(Pooling p) { return poolingName(p); }

template <class T>
void fromValue(const json& v, T& out) {
    out = v.get<T>();
}
void fromValue(const json& v, BatchMix& out) {
    const auto m = v.get<std::string>();
    if (!parseMix(m, out)) throw std::invalid_argument("unknown mix '" + m + "' (random, family)");
}
void fromValue(const json& v, Pooling& out) {
    const auto p = v.get<std::string>();
    if (!parsePooling(p, out)) throw std::invalid_argument("unknown pooling '" + p + "' (last, mean, cls)");
}

json toJson(const TrainConfig& c) {
    json j = json::object();
    visitRunSettings(c, [&](const RunSetting& s, const auto& field) { j[s.key] = toValue(field); });
    return j;
}

std::string absolute(const std::string& p) {
    if (p.empty()) return p;
    std::error_code ec;
    auto a = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return ec ? p : a.lexically_normal().string();
}

// One key of `from` into `c` (the inverse of toJson); unknown keys are ignored.
void setKey(TrainConfig& c, const std::string& key, const json& v) {
    visitRunSettings(c, [&](const RunSetting& s, auto& field) {
        if (key == s.key) fromValue(v, field);
    });
}

std::string shown(const json& v) {
    auto s = v.dump();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

TrainConfig fromJsonObject(const json& j, TrainConfig c, const std::string& source) {
    if (!j.is_object()) throw Failure("train_settings", source + ": run settings are not a JSON object");
    for (const auto& key : runSettingKeys()) {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) continue;
        try {
            setKey(c, key, *it);
        } catch (const json::exception& e) {
            throw Failure("train_settings",
                          source + ": setting '" + key + "' = " + shown(*it) + ": " + e.what());
        } catch (const std::invalid_argument& e) {
            throw Failure("train_settings", source + ": setting '" + key + "': " + e.what());
        }
    }
    return c;
}

} // namespace

const std::vector<std::string>& runSettingKeys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k;
        const TrainConfig defaults;
        visitRunSettings(defaults, [&](const RunSetting& s, const auto&) { k.emplace_back(s.key); });
        return k;
    }();
    return keys;
}

const char* mixName(BatchMix mix) { return mix == BatchMix::SameFamily ? "family" : "random"; }

bool parseMix(const std::string& name, BatchMix& out) {
    if (name == "family") out = BatchMix::SameFamily;
    else if (name == "random") out = BatchMix::Random;
    else return false;
    return true;
}

std::string runSettingsJson(const TrainConfig& config) {
    return toJson(config).dump();
}

Result<TrainConfig> runSettingsFromJson(const std::string& text, TrainConfig base) {
    return guarded(
        [&] {
            auto j = json::parse(text, nullptr, false);
            if (j.is_discarded()) throw Failure("train_settings", "run settings: not valid JSON");
            return fromJsonObject(j, std::move(base), "run settings");
        },
        "train_settings");
}

std::optional<RunSetting> findRunSetting(const std::string& key) {
    std::optional<RunSetting> row;
    const TrainConfig defaults;
    visitRunSettings(defaults, [&](const RunSetting& s, const auto&) {
        if (key == s.key) row = s;
    });
    return row;
}

bool resumeMayChange(const std::string& key) {
    const auto row = findRunSetting(key);
    return row && row->mayChangeOnResume;
}

std::vector<std::string> differingSettings(const TrainConfig& a, const TrainConfig& b) {
    const auto ja = toJson(withAbsolutePaths(a)), jb = toJson(withAbsolutePaths(b));
    std::vector<std::string> out;
    for (const auto& k : runSettingKeys())
        if (ja.at(k) != jb.at(k)) out.push_back(k);
    return out;
}

TrainConfig withAbsolutePaths(TrainConfig c) {
    c.modelDir = absolute(c.modelDir);
    c.outputDir = absolute(c.outputDir);
    c.dataJsonl = absolute(c.dataJsonl);
    c.projectDb = absolute(c.projectDb);
    return c;
}

Result<std::optional<TrainConfig>> checkpointSettings(const std::string& outputDir) {
    return guarded(
        [&]() -> std::optional<TrainConfig> {
            // The newest complete checkpoint (see checkpoint.h: step-XXXXXXXX folders with state.json).
            const auto root = fs::path(outputDir) / "checkpoints";
            std::error_code ec;
            if (!fs::is_directory(root, ec)) return std::nullopt;
            std::optional<std::pair<long long, fs::path>> best;
            for (const auto& e : fs::directory_iterator(root, ec)) {
                const auto name = e.path().filename().string();
                if (!e.is_directory() || name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos)
                    continue;
                if (!fs::exists(e.path() / "state.json") || !fs::exists(e.path() / "state.pt")) continue;
                long long step = 0;
                try {
                    step = std::stoll(name.substr(5));
                } catch (...) {
                    continue;
                }
                if (!best || step > best->first) best = std::make_pair(step, e.path());
            }
            if (!best) return std::nullopt;
            const auto file = best->second / "state.json";
            std::ifstream in(file);
            auto j = json::parse(in, nullptr, false);
            if (j.is_discarded()) throw Failure("train_checkpoint", file.string() + ": not valid JSON");
            auto it = j.find("extra");
            if (it == j.end() || !it->is_object() || !it->contains("settings")) return std::nullopt;
            return fromJsonObject(it->at("settings"), TrainConfig{}, file.string());
        },
        "train_checkpoint");
}

Result<TrainConfig> resumeConfig(const TrainConfig& stored, const TrainConfig& requested,
                                 const std::vector<std::string>& chosen) {
    return guarded(
        [&] {
            const auto js = toJson(withAbsolutePaths(stored)), jr = toJson(withAbsolutePaths(requested));
            TrainConfig c = stored;
            std::string conflicts;
            for (const auto& k : chosen) {
                if (!js.contains(k)) continue;
                if (js.at(k) == jr.at(k)) continue;
                if (resumeMayChange(k)) {
                    setKey(c, k, toJson(requested).at(k));
                    continue;
                }
                conflicts += (conflicts.empty() ? "" : "; ") + k + " " + shown(jr.at(k)) + " (the run has " +
                             shown(js.at(k)) + ")";
            }
            if (!conflicts.empty())
                throw Failure(
                    "train_resume",
                    "resume takes the run's settings from its checkpoint, and these differ: " + conflicts +
                        ". Leave them out to continue the run, or train into a new output folder");
            c.resume = true;
            return c;
        },
        "train_resume");
}

} // namespace synthembed::train
