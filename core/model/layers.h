#pragma once
/// Core-internal (torch types): building blocks shared by the architectures.

#include <torch/torch.h>

#include <string>

namespace synthembed::model {

/// Token (or position / type) embedding table: parameter "weight" [count, dim].
class EmbeddingImpl : public torch::nn::Module {
  public:
    EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options = {});
    torch::Tensor forward(const torch::Tensor& ids) { return torch::embedding(weight, ids); }
    torch::Tensor weight;
};
TORCH_MODULE(Embedding);

/// LayerNorm over the last dimension with "weight" and "bias" (BERT).
class LayerNormImpl : public torch::nn::Module {
  public:
    LayerNormImpl(std::int64_t dim, double eps, const torch::TensorOptions& options = {});
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    double eps;
};
TORCH_MODULE(LayerNorm);

/// RMSNorm (Llama): weight * x / sqrt(mean(x^2) + eps), computed in fp32 for half inputs as
/// Hugging Face does.
class RmsNormImpl : public torch::nn::Module {
  public:
    RmsNormImpl(std::int64_t dim, double eps, const torch::TensorOptions& options = {});
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;
    double eps;
};
TORCH_MODULE(RmsNorm);

/// Activation by its Hugging Face `hidden_act` name: gelu (erf), gelu_new / gelu_pytorch_tanh /
/// gelu_fast (tanh approximation), relu, silu / swish. Failure for anything else.
enum class Activation { Gelu, GeluTanh, Relu, Silu };
Activation parseActivation(const std::string& name, const std::string& source);
torch::Tensor activate(Activation act, const torch::Tensor& x);
/// The same activation in place (inference: saves the output allocation and one pass).
torch::Tensor& activateInPlace(Activation act, torch::Tensor& x);

/// The additive mask value for a dtype (finite, so fully masked rows give a uniform softmax, not NaN).
double maskMin(torch::ScalarType dtype);

/// Scaled dot-product attention with grouped heads, without copying K/V per query head:
/// q [B, nKv, rep, S, D] (already scaled), k and v [B, nKv, S, D], mask additive, broadcastable
/// to [B, 1, 1, S, S]. Returns the context as [B, S, nKv * rep * D].
torch::Tensor groupedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask);

} // namespace synthembed::model
