#include "core/train/export.h"

#include "core/model/architectures.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"
#include "core/platform/platform.h"
#include "core/util/durable.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

namespace synthembed::train {
namespace fs = std::filesystem;

namespace {

void writeJson(const fs::path& path, const nlohmann::json& j) { durable::writeFile(path, j.dump(2) + "\n"); }

/// Last-token pooling reads EOS's hidden state, and Llama-style tokenizer.json templates add only
/// BOS (transformers 5 ignores tokenizer_config's add_eos_token): writes `from` to `to` with EOS
/// (tokenizer_config's eos_token) appended to the template, so sentence-transformers and
/// transformers tokenize as synthembed embeds. Unchanged copy when there is nothing to do.
void writeTokenizerWithEos(const fs::path& from, const fs::path& to, const nlohmann::json& tokenizerConfig) {
    std::ifstream in(from);
    auto t = nlohmann::json::parse(in, nullptr, false);
    std::string eos;
    if (tokenizerConfig.contains("eos_token")) {
        const auto& e = tokenizerConfig["eos_token"];
        if (e.is_string()) eos = e.get<std::string>();
        else if (e.is_object() && e.contains("content") && e["content"].is_string()) eos = e["content"].get<std::string>();
    }
    if (t.is_discarded() || eos.empty() || !t.contains("post_processor") || !t["post_processor"].is_object() ||
        t["post_processor"].value("type", "") != "TemplateProcessing")
        return;
    nlohmann::json id;
    if (t.contains("added_tokens") && t["added_tokens"].is_array())
        for (const auto& a : t["added_tokens"])
            if (a.is_object() && a.value("content", "") == eos && a.contains("id")) id = a["id"];
    if (id.is_null() && t.contains("model") && t["model"].contains("vocab") && t["model"]["vocab"].is_object() &&
        t["model"]["vocab"].contains(eos))
        id = t["model"]["vocab"][eos];
    if (!id.is_number_integer()) return;
    auto& pp = t["post_processor"];
    auto endsWithEos = [&eos](const nlohmann::json& seq) {
        return !seq.empty() && seq.back().is_object() && seq.back().contains("SpecialToken") &&
               seq.back()["SpecialToken"].value("id", "") == eos;
    };
    bool changed = false;
    for (const auto& [key, typeId] : {std::pair<const char*, int>{"single", 0}, {"pair", 1}})
        if (pp.contains(key) && pp[key].is_array() && !endsWithEos(pp[key])) {
            pp[key].push_back({{"SpecialToken", {{"id", eos}, {"type_id", typeId}}}});
            changed = true;
        }
    if (!changed) return;
    pp["special_tokens"][eos] = {{"id", eos}, {"ids", {id}}, {"tokens", {eos}}};
    writeJson(to, t);
}

void copyAtomic(const fs::path& from, const fs::path& to) {
    durable::writeFileWith(to, [&](const fs::path& tmp) { fs::copy_file(from, tmp, fs::copy_options::overwrite_existing); });
}

model::DType toDType(torch::ScalarType t) {
    switch (t) {
    case torch::kBFloat16: return model::DType::BF16;
    case torch::kHalf: return model::DType::F16;
    case torch::kDouble: return model::DType::F64;
    default: return model::DType::F32;
    }
}

torch::ScalarType fromDType(model::DType d) {
    switch (d) {
    case model::DType::BF16: return torch::kBFloat16;
    case model::DType::F16: return torch::kHalf;
    case model::DType::F64: return torch::kDouble;
    default: return torch::kFloat;
    }
}

// Owns the CPU tensors whose bytes the TensorData spans point into.
struct TensorSet {
    std::vector<torch::Tensor> keep;
    std::vector<model::TensorData> data;
    void add(const std::string& name, const torch::Tensor& t, torch::ScalarType dtype) {
        auto c = t.detach().to(torch::kCPU, dtype).contiguous();
        keep.push_back(c);
        model::TensorData d;
        d.name = name;
        d.dtype = toDType(dtype);
        d.shape = c.sizes().vec();
        d.bytes = std::span<const std::byte>(static_cast<const std::byte*>(c.data_ptr()), c.nbytes());
        data.push_back(std::move(d));
    }
};

void writeTensors(const fs::path& path, const TensorSet& set, const std::map<std::string, std::string>& meta) {
    auto st = model::writeSafetensors(path, set.data, meta);
    if (!st) throw Failure(st.error().code, st.error().message);
}

} // namespace

std::string queryPrompt(const std::string& instruction) {
    return "Instruct: " + (instruction.empty() ? std::string("Given a query, retrieve relevant passages") : instruction) +
           "\nQuery: ";
}

void exportModel(const ExportInfo& info, const TrainConfig& config, torch::nn::Module& module, LoraSet lora,
                 const NamedTensors& trainable) {
    const fs::path base(info.baseModelDir);
    // The model files are swapped as one unit (durable::FolderUpdate): written into a stage inside
    // the output folder, then moved into place once synthembed_train.json, their manifest, is
    // committed; loaders settle the folder first, so they see the previous model or this one.
    durable::FolderUpdate update(info.outputDir, durable::kModelManifestName);
    auto at = [&update](const fs::path& rel) { return update.stagePath(rel); };

    // 1. LoRA adapter alone (PEFT: base_model.model.<module path>.lora_A.weight, A [r, in], B [out, r]).
    // Beside merged weights it goes into adapter/: transformers (and so sentence-transformers) finding
    // adapter_config.json next to model.safetensors loads the merged weights and applies the adapter
    // again. Without merged weights the folder itself is the adapter (PEFT, sentence-transformers).
    const fs::path adapterDir = config.saveMerged ? fs::path(kAdapterFolder) : fs::path();
    if (lora && config.saveAdapter) {
        TensorSet s;
        std::set<std::string> targets;
        for (const auto& [name, a] : lora->adapters()) {
            s.add("base_model.model." + name + ".lora_A.weight", a->A, torch::kFloat);
            s.add("base_model.model." + name + ".lora_B.weight", a->B, torch::kFloat);
            auto dot = name.rfind('.');
            targets.insert(dot == std::string::npos ? name : name.substr(dot + 1));
        }
        writeTensors(at(adapterDir / "adapter_model.safetensors"), s, {{"format", "pt"}});
        const auto& o = lora->options();
        writeJson(at(adapterDir / "adapter_config.json"),
                  {{"peft_type", "LORA"},
                   {"task_type", "FEATURE_EXTRACTION"},
                   {"base_model_name_or_path", fs::absolute(base).string()},
                   {"r", o.rank},
                   {"lora_alpha", o.alpha},
                   {"lora_dropout", o.dropout},
                   {"target_modules", std::vector<std::string>(targets.begin(), targets.end())},
                   {"bias", "none"},
                   {"fan_in_fan_out", false},
                   {"inference_mode", true},
                   {"init_lora_weights", true},
                   {"modules_to_save", nullptr}});
    }

    // 2. Merged weights under the base checkpoint's names and dtypes.
    if (!lora || config.saveMerged) {
        if (lora) {
            lora->mergeInto(module);
            lora->detach(module);
        }
        auto ckpt = model::Checkpoint::open(base);
        const auto* arch = model::architectureFor(info.modelType);
        if (!arch) throw Failure("train_export", "model_type '" + info.modelType + "' is not supported (" +
                                                     model::supportedModelTypes() + ")");
        auto candidates = arch->checkpointNames;
        TensorSet s;
        std::set<std::string> written;
        std::map<std::string, torch::Tensor> params;
        for (auto& p : module.named_parameters()) params[p.key()] = p.value();
        for (auto& [name, t] : params) {
            std::string outName;
            torch::ScalarType dtype = torch::kFloat;
            if (ckpt) {
                for (const auto& c : candidates(name))
                    if (const auto* v = ckpt->find(c)) {
                        outName = c;
                        dtype = fromDType(v->dtype);
                        break;
                    }
                if (outName.empty()) continue; // e.g. a tied head the base file does not hold
            } else {
                outName = candidates(name).front(); // the architecture's own naming
            }
            if (written.insert(outName).second) s.add(outName, t, dtype);
        }
        // Base tensors the module does not hold (buffers, unused heads) are copied unchanged.
        if (ckpt)
            for (const auto& v : ckpt->tensors())
                if (!written.count(v.name)) {
                    auto t = model::viewOf(v);
                    s.add(v.name, t, t.scalar_type());
                    written.insert(v.name);
                }
        writeTensors(at("model.safetensors"), s, {{"format", "pt"}});
        copyAtomic(base / "config.json", at("config.json"));
        for (const char* f : {"tokenizer.json", "tokenizer.model", "special_tokens_map.json", "vocab.txt", "vocab.json",
                              "merges.txt", "added_tokens.json"})
            if (fs::exists(base / f)) copyAtomic(base / f, at(f));
        if (fs::exists(base / "tokenizer_config.json")) {
            std::ifstream in(base / "tokenizer_config.json");
            auto tc = nlohmann::json::parse(in, nullptr, false);
            // Last-token pooling needs EOS at the end; Llama-style tokenizers add it on request.
            if (!tc.is_discarded() && info.decoder && config.pooling == Pooling::LastToken && tc.contains("add_eos_token"))
                tc["add_eos_token"] = true;
            // sentence-transformers pads every batch of more than one text, which fails on a
            // tokenizer without a pad token (Llama's): padding is masked, so its UNK (else EOS) serves.
            if (!tc.is_discarded() && (!tc.contains("pad_token") || tc["pad_token"].is_null())) {
                if (tc.contains("unk_token") && !tc["unk_token"].is_null()) tc["pad_token"] = tc["unk_token"];
                else if (tc.contains("eos_token") && !tc["eos_token"].is_null()) tc["pad_token"] = tc["eos_token"];
            }
            if (!tc.is_discarded() && info.decoder && config.pooling == Pooling::LastToken &&
                fs::exists(base / "tokenizer.json"))
                writeTokenizerWithEos(base / "tokenizer.json", at("tokenizer.json"), tc);
            if (tc.is_discarded()) copyAtomic(base / "tokenizer_config.json", at("tokenizer_config.json"));
            else writeJson(at("tokenizer_config.json"), tc);
        }
    }

    // 3. sentence-transformers description of the pipeline.
    writeJson(at("modules.json"),
              nlohmann::json::array({{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
                                     {{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}},
                                     {{"idx", 2}, {"name", "2"}, {"path", "2_Normalize"}, {"type", "sentence_transformers.models.Normalize"}}}));
    writeJson(at("sentence_bert_config.json"), {{"max_seq_length", config.maxLength}, {"do_lower_case", false}});
    writeJson(at("1_Pooling/config.json"),
              {{"word_embedding_dimension", info.hiddenSize},
               {"pooling_mode_cls_token", config.pooling == Pooling::Cls},
               {"pooling_mode_mean_tokens", config.pooling == Pooling::Mean},
               {"pooling_mode_max_tokens", false},
               {"pooling_mode_mean_sqrt_len_tokens", false},
               {"pooling_mode_weightedmean_tokens", false},
               {"pooling_mode_lasttoken", config.pooling == Pooling::LastToken},
               {"include_prompt", true}});
    update.stagePath("2_Normalize/config.json"); // creates the (empty) module folder sentence-transformers expects
    writeJson(at("config_sentence_transformers.json"),
              {{"__version__", {{"sentence_transformers", "3.0.0"}}},
               {"prompts", {{"query", queryPrompt(info.instruction)}, {"document", ""}}},
               {"default_prompt_name", nullptr},
               {"similarity_fn_name", "cosine"}});
    nlohmann::json meta = {{"pooling", poolingName(config.pooling)},
                           {"append_eos", info.decoder},
                           {"query_prefix_format", "Instruct: {task}\nQuery: {query}"},
                           {"temperature", config.temperature},
                           {"base_model", fs::absolute(base).string()},
                           {"run_id", info.runId},
                           {"run_name", config.name},
                           {"step", info.step},
                           {"lora", lora ? nlohmann::json{{"r", lora->options().rank}, {"alpha", lora->options().alpha}}
                                         : nlohmann::json(nullptr)}};
    update.commit(meta.dump(2));
    log::info("model written to ", info.outputDir);
}

} // namespace synthembed::train
