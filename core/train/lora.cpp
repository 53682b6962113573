#include "core/train/lora.h"

#include "core/model/gemm.h"
#include "core/util/result.h"

#include <cmath>
#include <map>

namespace synthembed::train {

LoraAdapterImpl::LoraAdapterImpl(std::int64_t inFeatures, std::int64_t outFeatures, const LoraOptions& options)
    : m_scale(options.alpha / static_cast<double>(options.rank)), m_dropout(options.dropout) {
    if (options.rank <= 0) throw Failure("train_lora", "LoRA rank must be > 0 (got " + std::to_string(options.rank) + ")");
    // Submodules so the parameter names read lora_A.weight / lora_B.weight as in PEFT.
    auto a = register_module("lora_A", std::make_shared<torch::nn::Module>());
    auto b = register_module("lora_B", std::make_shared<torch::nn::Module>());
    A = a->register_parameter("weight", torch::empty({options.rank, inFeatures}));
    B = b->register_parameter("weight", torch::zeros({outFeatures, options.rank}));
    torch::NoGradGuard ng;
    torch::nn::init::kaiming_uniform_(A, std::sqrt(5.0)); // as PEFT / nn.Linear
}

torch::Tensor LoraAdapterImpl::delta(const torch::Tensor& x) {
    auto h = (m_dropout > 0 && is_training()) ? torch::dropout(x, m_dropout, true) : x;
    return torch::matmul(torch::matmul(h, A.t().to(h.dtype())), B.t().to(h.dtype())) * m_scale;
}

torch::Tensor LoraAdapterImpl::mergedDelta() const { return torch::matmul(B, A) * m_scale; }

torch::Tensor LoraAdapterImpl::project(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
    // The torch ops of delta() went to the system BLAS, whose own thread pool fought libtorch's
    // OpenMP pool (shared/anchors/README.md, fact 3): 1.9 s per stories260K step instead of 0.5,
    // two thirds of it spinning and sched_yield system time.
    auto y = model::gemmLoraLinear(x, weight, bias, A, B, m_scale, activeDropout());
    if (y.defined()) return y;
    return model::gemmLinear(x, weight, bias) + delta(x);
}

bool isLoraTarget(const std::string& name, const LoraOptions& options) {
    if (options.targetModules.empty()) return true;
    auto dot = name.rfind('.');
    std::string last = dot == std::string::npos ? name : name.substr(dot + 1);
    for (const auto& t : options.targetModules)
        if (t == last || t == name) return true;
    return false;
}

LoraSetImpl::LoraSetImpl(torch::nn::Module& root, const LoraOptions& options) : m_options(options) {
    model::forEachLinear(root, [&](const std::string& name, model::LinearImpl& lin) {
        if (!isLoraTarget(name, options)) return;
        LoraAdapter a(lin.inFeatures(), lin.outFeatures(), options);
        a->to(lin.weight.device());
        std::string key = name;
        for (auto& c : key)
            if (c == '.') c = '_';
        register_module(key, a);
        m_adapters.emplace_back(name, a);
        lin.setAdapter(a.ptr());
    });
    if (m_adapters.empty()) {
        std::string names;
        for (const auto& t : options.targetModules) names += (names.empty() ? "" : ", ") + t;
        throw Failure("train_lora", "LoRA: no linear layer of the model matches the target modules [" + names + "]");
    }
}

void LoraSetImpl::mergeInto(torch::nn::Module& root) {
    torch::NoGradGuard ng;
    std::map<std::string, const LoraAdapterImpl*> byName;
    for (const auto& [name, a] : m_adapters) byName[name] = a.get();
    model::forEachLinear(root, [&](const std::string& name, model::LinearImpl& lin) {
        auto it = byName.find(name);
        if (it != byName.end()) lin.weight.add_(it->second->mergedDelta().to(lin.weight.dtype()));
    });
}

void LoraSetImpl::detach(torch::nn::Module& root) {
    model::forEachLinear(root, [](const std::string&, model::LinearImpl& lin) { lin.setAdapter(nullptr); });
}

} // namespace synthembed::train
