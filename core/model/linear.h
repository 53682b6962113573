#pragma once
/// Core-internal (torch types): the single linear projection every model projection goes through.
/// LoRA and other adapters hook in here, once, never per architecture (llama.cpp's build_lora_mm).
///
/// Adding an adapter to every projection of a model:
///   model::forEachLinear(backbone->module(), [&](const std::string& name, model::LinearImpl& lin) {
///       lin.setAdapter(std::make_shared<MyLora>(lin.inFeatures(), lin.outFeatures(), rank));
///   });

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>

namespace synthembed::model {

/// A term added to a projection: forward gets the projection's input and its base output
/// (x W^T + b) and returns the adapted output. Registered as submodule "adapter" of the Linear
/// it decorates, so its parameters are named "<projection>.adapter.*".
class LinearAdapterImpl : public torch::nn::Module {
  public:
    virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& base) = 0;
    /// The whole adapted projection, called by Linear::forward. The default computes the base
    /// output and hands it to forward(); an adapter may fuse its term into the base product
    /// instead (LoRA does: train::LoraAdapterImpl::project).
    virtual torch::Tensor project(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
};

struct LinearOptions {
    LinearOptions(std::int64_t inFeatures, std::int64_t outFeatures)
        : in_features_(inFeatures), out_features_(outFeatures) {}
    TORCH_ARG(std::int64_t, in_features);
    TORCH_ARG(std::int64_t, out_features);
    TORCH_ARG(bool, bias) = false;
    TORCH_ARG(torch::TensorOptions, tensor_options) = torch::TensorOptions();
};

/// y = x W^T + b (+ adapter). Parameters "weight" [out, in] and optional "bias" [out], as in
/// torch.nn.Linear and Hugging Face checkpoints. Weights start uninitialised: models are loaded.
class LinearImpl : public torch::nn::Module {
  public:
    explicit LinearImpl(const LinearOptions& options);

    torch::Tensor forward(const torch::Tensor& x);
    /// x W^T + b without the adapter (for fused inference paths that add it themselves).
    torch::Tensor forwardBase(const torch::Tensor& x);

    /// Attaches (or with nullptr removes) the adapter.
    void setAdapter(std::shared_ptr<LinearAdapterImpl> adapter);
    const std::shared_ptr<LinearAdapterImpl>& adapter() const { return m_adapter; }

    std::int64_t inFeatures() const { return m_options.in_features(); }
    std::int64_t outFeatures() const { return m_options.out_features(); }
    const LinearOptions& options() const { return m_options; }

    torch::Tensor weight;
    torch::Tensor bias; ///< undefined when the projection has none

  private:
    LinearOptions m_options;
    std::shared_ptr<LinearAdapterImpl> m_adapter;
};
TORCH_MODULE(Linear);

/// Calls fn for every Linear under root, with its dotted name ("model.layers.0.self_attn.q_proj").
void forEachLinear(torch::nn::Module& root,
                   const std::function<void(const std::string& name, LinearImpl& linear)>& fn);

} // namespace synthembed::model
