#pragma once
// Core-internal (torch): LoRA adapters, attached to the model's own projections (model::Linear).

#include "core/model/linear.h"
#include "core/train/config.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace synthembed::train {

/// delta(x) = scale * B(A(dropout(x))), A [r, in] Kaiming-uniform, B [out, r] zeros (so training
/// starts from the base model exactly), scale = alpha / r. Parameter names follow PEFT
/// (lora_A.weight, lora_B.weight). Plugs into model::Linear (the models' one projection place).
class LoraAdapterImpl : public model::LinearAdapterImpl {
public:
    LoraAdapterImpl(std::int64_t inFeatures, std::int64_t outFeatures, const LoraOptions& options);
    torch::Tensor delta(const torch::Tensor& x);
    /// model::Linear's hook: base + delta(x).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& base) override { return base + delta(x); }
    /// model::Linear's projection: y = x W^T + b + delta(x). On CPU float32 the adapter's term is
    /// fused into the base product (model::gemmLoraLinear: two thin products accumulated into the
    /// output, never B A, backward on thin [tokens, r] products); elsewhere (CUDA, autocast) the
    /// torch ops are composed.
    torch::Tensor project(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) override;
    /// The dropout probability in effect (0 in eval mode).
    double activeDropout() const { return is_training() ? m_dropout : 0.0; }
    /// scale * B A, shaped like the base weight [out, in].
    torch::Tensor mergedDelta() const;
    double scale() const { return m_scale; }
    torch::Tensor A, B;

private:
    double m_scale;
    double m_dropout;
};
TORCH_MODULE(LoraAdapter);

/// Whether `name` is targeted: empty targets = all; else its last path component (or the full
/// name) equals one of them.
bool isLoraTarget(const std::string& name, const LoraOptions& options);

/// Holds the adapters of one model, registered under their projection names (dots replaced) so
/// its parameters() are exactly the trainable ones. `root` is the model's module (e.g.
/// model::Backbone::module()); its projections are every model::Linear under it, named as
/// model::forEachLinear names them ("model.layers.0.self_attn.q_proj").
class LoraSetImpl : public torch::nn::Module {
public:
    /// Creates and attaches one adapter per targeted projection; fails when none matches.
    LoraSetImpl(torch::nn::Module& root, const LoraOptions& options);
    const std::vector<std::pair<std::string, LoraAdapter>>& adapters() const { return m_adapters; }
    /// Adds scale*B*A into every adapted base weight under root (in place; call after training).
    void mergeInto(torch::nn::Module& root);
    /// Detaches every adapter from the projections under root.
    void detach(torch::nn::Module& root);
    const LoraOptions& options() const { return m_options; }

private:
    LoraOptions m_options;
    std::vector<std::pair<std::string, LoraAdapter>> m_adapters;
};
TORCH_MODULE(LoraSet);

} // namespace synthembed::train
