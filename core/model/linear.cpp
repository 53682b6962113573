#include "core/model/linear.h"

#include "core/model/gemm.h"

namespace synthembed::model {

LinearImpl::LinearImpl(const LinearOptions& options) : m_options(options) {
    weight = register_parameter(
        "weight", torch::empty({options.out_features(), options.in_features()}, options.tensor_options()));
    if (options.bias())
        bias = register_parameter("bias", torch::empty({options.out_features()}, options.tensor_options()));
}

torch::Tensor LinearImpl::forwardBase(const torch::Tensor& x) {
    return gemmLinear(x, weight, bias);
}

torch::Tensor LinearAdapterImpl::project(const torch::Tensor& x, const torch::Tensor& weight,
                                         const torch::Tensor& bias) {
    return forward(x, gemmLinear(x, weight, bias));
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
    if (m_adapter) return m_adapter->project(x, weight, bias);
    return forwardBase(x);
}

void LinearImpl::setAdapter(std::shared_ptr<LinearAdapterImpl> adapter) {
    if (m_adapter) unregister_module("adapter");
    m_adapter = std::move(adapter);
    if (m_adapter) register_module("adapter", m_adapter);
}

void forEachLinear(torch::nn::Module& root, const std::function<void(const std::string&, LinearImpl&)>& fn) {
    for (const auto& item : root.named_modules("", /*include_self=*/true))
        if (auto* lin = dynamic_cast<LinearImpl*>(item.value().get())) fn(item.key(), *lin);
}

} // namespace synthembed::model
