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

json toJson(const TrainConfig& c) {
    return {{"model", c.modelDir},
            {"output", c.outputDir},
            {"name", c.name},
            {"data", c.dataJsonl},
            {"project", c.projectDb},
            {"families", c.filter.families},
            {"languages", c.filter.languages},
            {"statuses", c.filter.statuses},
            {"mix", c.mix == BatchMix::SameFamily ? "family" : "random"},
            {"max_length", c.maxLength},
            {"full", c.fullFineTune},
            {"lora_rank", c.lora.rank},
            {"lora_alpha", c.lora.alpha},
            {"lora_dropout", c.lora.dropout},
            {"lora_targets", c.lora.targetModules},
            {"pooling", poolingName(c.pooling)},
            {"gradient_checkpointing", c.gradientCheckpointing},
            {"temperature", c.temperature},
            {"symmetric", c.symmetric},
            {"batch_size", c.batchSize},
            {"mini_batch", c.miniBatch},
            {"accumulation", c.accumulation},
            {"lr", c.lr},
            {"weight_decay", c.weightDecay},
            {"beta1", c.beta1},
            {"beta2", c.beta2},
            {"eps", c.eps},
            {"warmup", c.warmupSteps},
            {"steps", c.steps},
            {"epochs", c.epochs},
            {"clip", c.clipNorm},
            {"linear_decay", c.linearDecay},
            {"seed", c.seed},
            {"device", c.device},
            {"bf16", c.bf16},
            {"checkpoint_every", c.checkpointEvery},
            {"keep_checkpoints", c.keepCheckpoints},
            {"dev_every", c.devEvery},
            {"dev_fraction", c.devFraction},
            {"log_every", c.logEvery},
            {"save_merged", c.saveMerged},
            {"save_adapter", c.saveAdapter}};
}

std::string absolute(const std::string& p) {
    if (p.empty()) return p;
    std::error_code ec;
    auto a = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return ec ? p : a.lexically_normal().string();
}

// One key of `from` into `c` (the inverse of toJson).
void setKey(TrainConfig& c, const std::string& key, const json& v) {
    auto get = [&](auto& out) { out = v.get<std::decay_t<decltype(out)>>(); };
    if (key == "model")
        get(c.modelDir);
    else if (key == "output")
        get(c.outputDir);
    else if (key == "name")
        get(c.name);
    else if (key == "data")
        get(c.dataJsonl);
    else if (key == "project")
        get(c.projectDb);
    else if (key == "families")
        get(c.filter.families);
    else if (key == "languages")
        get(c.filter.languages);
    else if (key == "statuses")
        get(c.filter.statuses);
    else if (key == "mix") {
        auto m = v.get<std::string>();
        if (m != "family" && m != "random")
            throw std::invalid_argument("unknown mix '" + m + "' (random, family)");
        c.mix = m == "family" ? BatchMix::SameFamily : BatchMix::Random;
    } else if (key == "max_length")
        get(c.maxLength);
    else if (key == "full")
        get(c.fullFineTune);
    else if (key == "lora_rank")
        get(c.lora.rank);
    else if (key == "lora_alpha")
        get(c.lora.alpha);
    else if (key == "lora_dropout")
        get(c.lora.dropout);
    else if (key == "lora_targets")
        get(c.lora.targetModules);
    else if (key == "pooling") {
        if (!parsePooling(v.get<std::string>(), c.pooling))
            throw std::invalid_argument("unknown pooling '" + v.get<std::string>() + "' (last, mean, cls)");
    } else if (key == "gradient_checkpointing")
        get(c.gradientCheckpointing);
    else if (key == "temperature")
        get(c.temperature);
    else if (key == "symmetric")
        get(c.symmetric);
    else if (key == "batch_size")
        get(c.batchSize);
    else if (key == "mini_batch")
        get(c.miniBatch);
    else if (key == "accumulation")
        get(c.accumulation);
    else if (key == "lr")
        get(c.lr);
    else if (key == "weight_decay")
        get(c.weightDecay);
    else if (key == "beta1")
        get(c.beta1);
    else if (key == "beta2")
        get(c.beta2);
    else if (key == "eps")
        get(c.eps);
    else if (key == "warmup")
        get(c.warmupSteps);
    else if (key == "steps")
        get(c.steps);
    else if (key == "epochs")
        get(c.epochs);
    else if (key == "clip")
        get(c.clipNorm);
    else if (key == "linear_decay")
        get(c.linearDecay);
    else if (key == "seed")
        get(c.seed);
    else if (key == "device")
        get(c.device);
    else if (key == "bf16")
        get(c.bf16);
    else if (key == "checkpoint_every")
        get(c.checkpointEvery);
    else if (key == "keep_checkpoints")
        get(c.keepCheckpoints);
    else if (key == "dev_every")
        get(c.devEvery);
    else if (key == "dev_fraction")
        get(c.devFraction);
    else if (key == "log_every")
        get(c.logEvery);
    else if (key == "save_merged")
        get(c.saveMerged);
    else if (key == "save_adapter")
        get(c.saveAdapter);
}

std::string shown(const json& v) {
    auto s = v.dump();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

TrainConfig fromJsonObject(const json& j, TrainConfig c, const std::string& source) {
    if (!j.is_object()) throw Failure("train.settings", source + ": run settings are not a JSON object");
    for (const auto& key : runSettingKeys()) {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) continue;
        try {
            setKey(c, key, *it);
        } catch (const json::exception& e) {
            throw Failure("train.settings",
                          source + ": setting '" + key + "' = " + shown(*it) + ": " + e.what());
        } catch (const std::invalid_argument& e) {
            throw Failure("train.settings", source + ": setting '" + key + "': " + e.what());
        }
    }
    return c;
}

} // namespace

const std::vector<std::string>& runSettingKeys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k;
        // nlohmann::json sorts object keys; the documented order is toJson's initializer order.
        for (const char* name : {"model",
                                 "output",
                                 "name",
                                 "data",
                                 "project",
                                 "families",
                                 "languages",
                                 "statuses",
                                 "mix",
                                 "max_length",
                                 "full",
                                 "lora_rank",
                                 "lora_alpha",
                                 "lora_dropout",
                                 "lora_targets",
                                 "pooling",
                                 "gradient_checkpointing",
                                 "temperature",
                                 "symmetric",
                                 "batch_size",
                                 "mini_batch",
                                 "accumulation",
                                 "lr",
                                 "weight_decay",
                                 "beta1",
                                 "beta2",
                                 "eps",
                                 "warmup",
                                 "steps",
                                 "epochs",
                                 "clip",
                                 "linear_decay",
                                 "seed",
                                 "device",
                                 "bf16",
                                 "checkpoint_every",
                                 "keep_checkpoints",
                                 "dev_every",
                                 "dev_fraction",
                                 "log_every",
                                 "save_merged",
                                 "save_adapter"})
            k.emplace_back(name);
        return k;
    }();
    return keys;
}

std::string runSettingsJson(const TrainConfig& config) {
    return toJson(config).dump();
}

Result<TrainConfig> runSettingsFromJson(const std::string& text, TrainConfig base) {
    return guarded(
        [&] {
            auto j = json::parse(text, nullptr, false);
            if (j.is_discarded()) throw Failure("train.settings", "run settings: not valid JSON");
            return fromJsonObject(j, std::move(base), "run settings");
        },
        "train.settings");
}

bool resumeMayChange(const std::string& key) {
    static const std::vector<std::string> free = {"name",
                                                  "device",
                                                  "gradient_checkpointing",
                                                  "checkpoint_every",
                                                  "keep_checkpoints",
                                                  "dev_every",
                                                  "log_every",
                                                  "save_merged",
                                                  "save_adapter"};
    return std::find(free.begin(), free.end(), key) != free.end();
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
            if (j.is_discarded()) throw Failure("train.checkpoint", file.string() + ": not valid JSON");
            auto it = j.find("extra");
            if (it == j.end() || !it->is_object() || !it->contains("settings")) return std::nullopt;
            return fromJsonObject(it->at("settings"), TrainConfig{}, file.string());
        },
        "train.checkpoint");
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
                    "train.resume",
                    "resume takes the run's settings from its checkpoint, and these differ: " + conflicts +
                        ". Leave them out to continue the run, or train into a new output folder");
            c.resume = true;
            return c;
        },
        "train.resume");
}

} // namespace synthembed::train
