#include "core/model/layers.h"

#include "core/model/gemm.h"
#include "core/util/result.h"

#include <limits>

namespace synthembed::model {

EmbeddingImpl::EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options) {
    weight = register_parameter("weight", torch::empty({count, dim}, options));
}

LayerNormImpl::LayerNormImpl(std::int64_t dim, double eps_, const torch::TensorOptions& options) : eps(eps_) {
    weight = register_parameter("weight", torch::ones({dim}, options));
    bias = register_parameter("bias", torch::zeros({dim}, options));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) {
    return torch::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

RmsNormImpl::RmsNormImpl(std::int64_t dim, double eps_, const torch::TensorOptions& options) : eps(eps_) {
    weight = register_parameter("weight", torch::ones({dim}, options));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
    if (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64) {
        auto inv = torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true).add_(eps));
        return weight * (x * inv);
    }
    auto xf = x.to(torch::kFloat32);
    auto inv = torch::rsqrt(xf.pow(2).mean(-1, true).add_(eps));
    return weight * (xf * inv).to(x.scalar_type());
}

Activation parseActivation(const std::string& name, const std::string& source) {
    if (name == "gelu") return Activation::Gelu;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::GeluTanh;
    if (name == "relu") return Activation::Relu;
    if (name == "silu" || name == "swish") return Activation::Silu;
    throw Failure("model", source + ": field 'hidden_act' = '" + name +
                                "' is not supported (gelu, gelu_new, relu, silu)");
}

torch::Tensor activate(Activation act, const torch::Tensor& x) {
    switch (act) {
    case Activation::Gelu:
        return torch::gelu(x);
    case Activation::GeluTanh:
        return torch::gelu(x, "tanh");
    case Activation::Relu:
        return torch::relu(x);
    case Activation::Silu:
        return torch::silu(x);
    }
    return x;
}

torch::Tensor& activateInPlace(Activation act, torch::Tensor& x) {
    switch (act) {
    case Activation::Gelu:
        return torch::gelu_(x);
    case Activation::GeluTanh:
        return torch::gelu_(x, "tanh");
    case Activation::Relu:
        return torch::relu_(x);
    case Activation::Silu:
        return torch::silu_(x);
    }
    return x;
}

double maskMin(torch::ScalarType dtype) {
    switch (dtype) {
    case torch::kFloat16:
        return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
    case torch::kBFloat16:
        return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    case torch::kFloat64:
        return std::numeric_limits<double>::lowest();
    default:
        return std::numeric_limits<float>::lowest();
    }
}

torch::Tensor groupedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask) {
    const auto B = q.size(0), nKv = q.size(1), rep = q.size(2), S = q.size(3), D = q.size(4);
    const auto Sk = k.size(2);
    auto k3 = k.reshape({B * nKv, Sk, D});
    auto scores =
        gemmBatched(q.reshape({B * nKv, rep * S, D}), k3.transpose(1, 2)).view({B, nKv, rep, S, Sk});
    if (mask.defined()) scores = torch::GradMode::is_enabled() ? scores + mask : scores.add_(mask);
    torch::Tensor probs = scores.scalar_type() == torch::kFloat32 || scores.scalar_type() == torch::kFloat64
                              ? torch::softmax(scores, -1)
                              : torch::softmax(scores, -1, torch::kFloat32).to(scores.scalar_type());
    auto ctx =
        gemmBatched(probs.view({B * nKv, rep * S, Sk}), v.reshape({B * nKv, Sk, D})); // [B*nKv, rep*S, D]
    return ctx.view({B, nKv, rep, S, D}).permute({0, 3, 1, 2, 4}).reshape({B, S, nKv * rep * D});
}

} // namespace synthembed::model
