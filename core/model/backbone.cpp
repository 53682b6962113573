#include "core/model/backbone.h"

#include "core/model/architectures.h"
#include "core/model/config_json.h"
#include "core/model/footprint.h"
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
            throw Failure("unsupported", "float16 is not supported on CPU; use float32 or bfloat16");
        return torch::kFloat16;
    }
    throw Failure("unsupported", "unknown dtype '" + dtype + "' (auto, float32, bfloat16, float16)");
}

namespace {

/// The architecture table's builder for config.json's model_type.
std::shared_ptr<Backbone> build(const ConfigJson& cfg, const BackboneOptions& options) {
    auto type = cfg.getString("model_type", "");
    if (const auto* arch = architectureFor(type)) return arch->build(cfg, options);
    cfg.fail("model_type", "= '" + type + "' is not supported (" + supportedModelTypes() + ")");
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
    loadWeights(backbone->module(), *ckpt, architectureFor(backbone->spec().modelType)->checkpointNames,
                options.loadHooks);
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
