#pragma once
/// Core-internal (torch types): a loaded model folder as one object, whatever its architecture.
/// Used by core/embed (inference) and core/train (fine-tuning: LoRA through model::forEachLinear
/// on module(), gradients through forward()). Only core .cpp files include this header.

#include "core/model/linear.h"
#include "core/util/progress.h"

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace synthembed::model {

/// What callers need to know about a model, in plain types.
struct BackboneSpec {
    std::string modelType; ///< config.json model_type ("bert", "llama", "mistral", "qwen2")
    bool decoder = false;  ///< causal decoder (last-token pooling, left padding) or encoder
    std::int64_t hiddenSize = 0;
    std::int64_t vocabSize = 0;
    std::int64_t maxPositions = 0; ///< max_position_embeddings
    std::optional<std::int64_t> bosTokenId, eosTokenId, padTokenId;
};

struct BackboneOptions {
    std::string device = "cpu"; ///< "cpu", "cuda", "cuda:1"
    /// "auto" (fp32 on CPU, bf16 on CUDA when supported else fp16), "float32", "bfloat16", "float16".
    std::string dtype = "auto";
    bool lmHead = false; ///< decoders: also build (and load) the LM head for logits()
    /// While the weights load: progress(bytes loaded, bytes in all, tensor name); shouldStop
    /// cancels the load (Failure "cancelled").
    ProgressHooks loadHooks;
};

class Backbone {
  public:
    virtual ~Backbone() = default;

    const BackboneSpec& spec() const { return m_spec; }
    torch::Device device() const { return m_device; }
    torch::ScalarType dtype() const { return m_dtype; }

    /// ids, mask: [B, S] int64 on any device (moved to the model's). mask: 1 = token, 0 = padding;
    /// left or right padding (positions count real tokens). Returns the last
    /// layer's hidden states [B, S, H] in the model dtype (after the final norm for decoders).
    /// Differentiable unless called under torch::NoGradGuard / InferenceMode.
    virtual torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) = 0;
    /// Decoders loaded with lmHead: logits [B, S, V]. Failure otherwise.
    virtual torch::Tensor logits(const torch::Tensor& ids, const torch::Tensor& mask);
    /// The torch module (parameters, train()/eval(), forEachLinear for adapters).
    virtual torch::nn::Module& module() = 0;
    /// Per-layer activation recomputation in backward (training with grad only): less memory for
    /// about one more forward pass of compute. Same loss and gradients (dropout masks replayed).
    virtual void setGradientCheckpointing(bool on) = 0;

  protected:
    BackboneSpec m_spec;
    torch::Device m_device{torch::kCPU};
    torch::ScalarType m_dtype = torch::kFloat32;
};

/// Loads a Hugging Face model folder: config.json + safetensors (single or sharded). Failure
/// ("config", "checkpoint", "weights") with a message naming the file/field/tensor.
std::shared_ptr<Backbone> loadBackbone(const std::filesystem::path& dir, const BackboneOptions& options = {});

/// A model from a config.json with random weights (normal(0, 0.02), norms 1): benchmarks and tests.
std::shared_ptr<Backbone> randomBackbone(const std::filesystem::path& configJson,
                                         const BackboneOptions& options = {}, std::uint64_t seed = 0);

/// Parses "cpu" / "cuda" / "cuda:N" and the dtype option; Failure when CUDA is asked for but absent.
torch::Device parseDevice(const std::string& device);
torch::ScalarType parseDtype(const std::string& dtype, const torch::Device& device);

} // namespace synthembed::model
