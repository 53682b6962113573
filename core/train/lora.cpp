#include "core/train/lora.h"

#include "core/model/gemm.h"
#include "core/util/result.h"

#include <cmath>

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
    return train::project(x, weight, bias, this);
}

torch::Tensor project(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                      LoraAdapterImpl* adapter) {
    if (!adapter) return model::gemmLinear(x, weight, bias);
    // The torch ops of delta() went to the system BLAS, whose own thread pool fought libtorch's
    // OpenMP pool (shared/anchors/README.md, fact 3): 1.9 s per stories260K step instead of 0.5,
    // two thirds of it spinning and sched_yield system time.
    auto y = model::gemmLoraLinear(x, weight, bias, adapter->A, adapter->B, adapter->scale(), adapter->activeDropout());
    if (y.defined()) return y;
    y = model::gemmLinear(x, weight, bias);
    return y + adapter->delta(x);
}

std::vector<ProjectionRef> linearProjections(torch::nn::Module& root) {
    std::vector<ProjectionRef> out;
    model::forEachLinear(root, [&](const std::string& name, model::LinearImpl& lin) {
        model::LinearImpl* p = &lin;
        out.push_back({name, lin.weight, [p](LoraAdapter a) {
                           p->setAdapter(a.is_empty() ? nullptr : std::static_pointer_cast<model::LinearAdapterImpl>(a.ptr()));
                       }});
    });
    return out;
}

bool isLoraTarget(const std::string& name, const LoraOptions& options) {
    if (options.targetModules.empty()) return true;
    auto dot = name.rfind('.');
    std::string last = dot == std::string::npos ? name : name.substr(dot + 1);
    for (const auto& t : options.targetModules)
        if (t == last || t == name) return true;
    return false;
}

LoraSetImpl::LoraSetImpl(const std::vector<ProjectionRef>& projections, const LoraOptions& options)
    : m_options(options) {
    for (const auto& p : projections) {
        if (!isLoraTarget(p.name, options)) continue;
        LoraAdapter a(p.weight.size(1), p.weight.size(0), options);
        a->to(p.weight.device());
        std::string key = p.name;
        for (auto& c : key)
            if (c == '.') c = '_';
        register_module(key, a);
        m_adapters.emplace_back(p.name, a);
        p.attach(a);
    }
    if (m_adapters.empty()) {
        std::string names;
        for (const auto& t : options.targetModules) names += (names.empty() ? "" : ", ") + t;
        throw Failure("train_lora", "LoRA: no linear layer of the model matches the target modules [" + names + "]");
    }
}

void LoraSetImpl::mergeInto(const std::vector<ProjectionRef>& projections) {
    torch::NoGradGuard ng;
    for (const auto& [name, a] : m_adapters)
        for (const auto& p : projections)
            if (p.name == name) p.weight.add_(a->mergedDelta().to(p.weight.dtype()));
}

void LoraSetImpl::detach(const std::vector<ProjectionRef>& projections) {
    for (const auto& p : projections) p.attach(LoraAdapter(nullptr));
}

} // namespace synthembed::train
