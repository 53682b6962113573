#include "core/model/backbone.h"

#include "core/model/bert.h"
#include "core/model/config_json.h"
#include "core/model/footprint.h"
#include "core/model/llama.h"
#include "core/model/weights.h"
#include "core/platform/platform.h"
#include "core/util/durable.h"
#include "core/util/log.h"
#include "core/util/result.h"

namespace synthembed::model {

namespace fs = std::filesystem;

torch::Tensor Backbone::logits(const torch::Tensor&, const torch::Tensor&) {
    throw Failure("model", "this model was loaded without an LM head");
}

torch::Device parseDevice(const std::string& device) {
    if (device.empty() || device == "cpu") return torch::kCPU;
    if (device.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Failure("device",
                          "device '" + device + "' requested but this libtorch sees no CUDA device");
        try {
            return torch::Device(device);
        } catch (const std::exception&) {
            throw Failure("device", "invalid device '" + device + "' (cpu, cuda, cuda:N)");
        }
    }
    throw Failure("device", "unknown device '" + device + "' (cpu, cuda, cuda:N)");
}

torch::ScalarType parseDtype(const std::string& dtype, const torch::Device& device) {
    if (dtype == "auto" || dtype.empty()) {
        // CPU: fp32 (bf16 GEMMs are slow there). CUDA: bf16 (pass float16 for pre-Ampere GPUs).
        return device.is_cpu() ? torch::kFloat32 : torch::kBFloat16;
    }
    if (dtype == "float32" || dtype == "fp32") return torch::kFloat32;
    if (dtype == "bfloat16" || dtype == "bf16") return torch::kBFloat16;
    if (dtype == "float16" || dtype == "fp16") {
        // libtorch's CPU kernels lack fp16 matrix products (addmm_impl_cpu_ "not implemented for 'Half'").
        if (device.is_cpu())
            throw Failure("dtype", "float16 is not supported on CPU; use float32 or bfloat16");
        return torch::kFloat16;
    }
    throw Failure("dtype", "unknown dtype '" + dtype + "' (auto, float32, bfloat16, float16)");
}

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

bool isEncoderType(const std::string& t) {
    return t == "bert" || t == "roberta" || t == "xlm-roberta" || t == "distilbert" || t == "electra";
}

std::shared_ptr<Backbone> build(const ConfigJson& cfg, const BackboneOptions& options) {
    auto dev = parseDevice(options.device);
    auto dt = parseDtype(options.dtype, dev);
    auto type = cfg.getString("model_type", "");
    if (type == "bert") return std::make_shared<EncoderBackbone>(BertConfig::fromJson(cfg), dev, dt);
    if (type == "llama" || type == "mistral" || type == "qwen2")
        return std::make_shared<DecoderBackbone>(LlamaConfig::fromJson(cfg), dev, dt, options.lmHead);
    if (isEncoderType(type))
        cfg.fail("model_type", "= '" + type + "' is not supported yet (bert only among encoders)");
    cfg.fail("model_type", "= '" + type + "' is not supported (bert, llama, mistral, qwen2)");
}

NameCandidates candidatesFor(const Backbone& b) {
    if (!b.spec().decoder) return bertNameCandidates;
    return prefixCandidates({"model."});
}

} // namespace

std::shared_ptr<Backbone> loadBackbone(const fs::path& dir, const BackboneOptions& options) {
    // A folder `train` wrote: finish an interrupted model swap, check the files against the manifest.
    durable::settleFolder(dir, durable::kModelManifestName);
    auto cfg = ConfigJson::load(dir / "config.json");
    auto ckpt = Checkpoint::open(dir);
    if (!ckpt) throw Failure(ckpt.error().code, ckpt.error().message);
    BackboneOptions chosen = options;
    if (parseDevice(options.device).is_cpu()) {
        // Before anything is allocated: the dtype that fits this machine, or one line saying what would.
        std::string why;
        chosen.dtype = chooseCpuDtype(options.dtype, footprint(*ckpt, options.lmHead),
                                      platform::physicalMemoryBytes(), dir.string(), &why);
        if (!why.empty()) log::info(why);
    }
    auto backbone = build(cfg, chosen);
    loadWeights(backbone->module(), *ckpt, candidatesFor(*backbone), options.loadHooks);
    backbone->module().eval();
    return backbone;
}

std::shared_ptr<Backbone> randomBackbone(const fs::path& configJson, const BackboneOptions& options,
                                         std::uint64_t seed) {
    auto cfg = ConfigJson::load(configJson);
    auto backbone = build(cfg, options);
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    for (auto& p : backbone->module().named_parameters()) {
        auto& t = p.value();
        const auto& name = p.key();
        bool isNorm = name.find("norm") != std::string::npos || name.find("LayerNorm") != std::string::npos;
        if (isNorm)
            t.fill_(name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0 ? 0.0 : 1.0);
        else
            t.copy_(at::normal(0.0, 0.02, t.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32)));
    }
    backbone->module().eval();
    return backbone;
}

} // namespace synthembed::model
