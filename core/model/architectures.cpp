#include "core/model/architectures.h"

#include "core/model/backbone.h"
#include "core/model/bert.h"
#include "core/model/config_json.h"
#include "core/model/llama.h"

#include <fstream>

namespace synthembed::model {

namespace fs = std::filesystem;

namespace {

class DecoderBackbone : public Backbone {
  public:
    DecoderBackbone(const LlamaConfig& c, const torch::Device& dev, torch::ScalarType dt, bool lmHead) {
        m_device = dev;
        m_dtype = dt;
        m_spec = {c.modelType,    true,         c.hiddenSize, c.vocabSize,
                  c.maxPositions, c.bosTokenId, c.eosTokenId, c.padTokenId};
        auto o = torch::TensorOptions().dtype(dt).device(dev);
        if (lmHead)
            m_lm = LlamaForCausalLM(c, o);
        else
            m_model = LlamaModel(c, o);
    }
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) override {
        return stack()(ids.to(m_device), mask.defined() ? mask.to(m_device) : mask);
    }
    torch::Tensor logits(const torch::Tensor& ids, const torch::Tensor& mask) override {
        if (!m_lm) return Backbone::logits(ids, mask);
        return m_lm(ids.to(m_device), mask.defined() ? mask.to(m_device) : mask);
    }
    torch::nn::Module& module() override { return m_lm ? static_cast<torch::nn::Module&>(*m_lm) : *m_model; }
    LlamaModel& stack() { return m_lm ? m_lm->model : m_model; }
    void setGradientCheckpointing(bool on) override { stack()->setGradientCheckpointing(on); }

    LlamaModel m_model{nullptr};
    LlamaForCausalLM m_lm{nullptr};
};

class EncoderBackbone : public Backbone {
  public:
    EncoderBackbone(const BertConfig& c, const torch::Device& dev, torch::ScalarType dt) {
        m_device = dev;
        m_dtype = dt;
        m_spec = {c.modelType,    false,        c.hiddenSize, c.vocabSize,
                  c.maxPositions, std::nullopt, std::nullopt, c.padTokenId};
        m_model = BertModel(c, torch::TensorOptions().dtype(dt).device(dev));
    }
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) override {
        return m_model(ids.to(m_device), mask.defined() ? mask.to(m_device) : mask);
    }
    torch::nn::Module& module() override { return *m_model; }
    void setGradientCheckpointing(bool on) override { m_model->setGradientCheckpointing(on); }

    BertModel m_model{nullptr};
};

std::shared_ptr<Backbone> buildBert(const ConfigJson& cfg, const BackboneOptions& options) {
    auto dev = parseDevice(options.device);
    return std::make_shared<EncoderBackbone>(BertConfig::fromJson(cfg), dev, parseDtype(options.dtype, dev));
}

std::shared_ptr<Backbone> buildLlama(const ConfigJson& cfg, const BackboneOptions& options) {
    auto dev = parseDevice(options.device);
    return std::make_shared<DecoderBackbone>(LlamaConfig::fromJson(cfg), dev, parseDtype(options.dtype, dev),
                                             options.lmHead);
}

/// Hugging Face decoders keep the stack under "model." (LlamaModel inside LlamaForCausalLM); the
/// LM head sits at the top level.
std::vector<std::string> llamaNames(const std::string& name) {
    if (name.rfind("lm_head", 0) == 0) return {name, "model." + name};
    std::vector<std::string> out{"model." + name, name};
    if (name.rfind("model.", 0) == 0) out.push_back(name.substr(6));
    return out;
}

} // namespace

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> table = {
        {"bert", {"bert"}, false, "cls", &bertNameCandidates, &buildBert},
        {"llama", {"llama", "mistral", "qwen2"}, true, "last", &llamaNames, &buildLlama},
    };
    return table;
}

const Architecture* architectureFor(const std::string& modelType) {
    for (const auto& a : architectures())
        for (const auto& t : a.modelTypes)
            if (t == modelType) return &a;
    return nullptr;
}

std::string supportedModelTypes() {
    std::string out;
    for (const auto& a : architectures())
        for (const auto& t : a.modelTypes) out += (out.empty() ? "" : ", ") + t;
    return out;
}

Result<ModelConfigInfo> readModelConfig(const fs::path& configJson) {
    return guarded([&] {
        auto cfg = ConfigJson::load(configJson);
        ModelConfigInfo info;
        info.modelType = cfg.getString("model_type", "");
        info.architecture = architectureFor(info.modelType);
        if (!info.architecture)
            cfg.fail("model_type", "= '" + info.modelType + "' is not supported (" + supportedModelTypes() + ")");
        info.hiddenSize = cfg.getInt("hidden_size", 0);
        return info;
    }, "model");
}

} // namespace synthembed::model
