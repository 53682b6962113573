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

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
    torch::Tensor y = forwardBase(x);
    if (m_adapter) y = m_adapter->forward(x, y);
    return y;
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
