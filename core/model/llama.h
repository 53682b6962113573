#pragma once
/// Core-internal (torch types): the Llama-family decoder covering Llama, Mistral (sliding window)
/// and Qwen2 (q/k/v biases): RMSNorm, RoPE, grouped-query attention, SwiGLU, tied embeddings,
/// optional LM head. Module names equal Hugging Face checkpoint names ("layers.3.self_attn.q_proj").

#include "core/model/config_json.h"
#include "core/model/layers.h"
#include "core/model/linear.h"

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace synthembed::model {

struct LlamaConfig {
    std::string modelType = "llama";       ///< model_type: llama | mistral | qwen2
    std::int64_t vocabSize = 32000;        ///< vocab_size
    std::int64_t hiddenSize = 4096;        ///< hidden_size
    std::int64_t intermediateSize = 11008; ///< intermediate_size
    std::int64_t nLayer = 32;              ///< num_hidden_layers
    std::int64_t nHead = 32;               ///< num_attention_heads
    std::int64_t nKvHead = 32;             ///< num_key_value_heads (default: num_attention_heads)
    std::int64_t headDim = 128;            ///< head_dim (default: hidden_size / num_attention_heads)
    double rmsNormEps = 1e-6;              ///< rms_norm_eps
    double ropeTheta = 10000.0;            ///< rope_theta
    bool qkvBias = false;                  ///< attention_bias (Llama/Mistral); always true for Qwen2
    bool oBias = false;                    ///< attention_bias (Llama only; Qwen2's o_proj has none)
    bool mlpBias = false;                  ///< mlp_bias
    bool tieWordEmbeddings = false;        ///< tie_word_embeddings
    std::int64_t slidingWindow =
        0; ///< sliding_window (Mistral; Qwen2 only with use_sliding_window); 0 = none
    std::int64_t maxPositions = 2048;       ///< max_position_embeddings
    std::optional<std::int64_t> bosTokenId; ///< bos_token_id
    std::optional<std::int64_t> eosTokenId; ///< eos_token_id (first when a list)
    std::optional<std::int64_t> padTokenId; ///< pad_token_id
    Activation act = Activation::Silu;      ///< hidden_act

    static LlamaConfig fromJson(const ConfigJson& cfg);
};

/// RoPE tables for given positions: cos and sin [B, S, headDim/2] (the halves of HF's cat(f, f)).
std::pair<torch::Tensor, torch::Tensor> ropeTables(const torch::Tensor& positions, std::int64_t headDim,
                                                   double theta, torch::ScalarType dtype);
/// HF's x * cos + rotate_half(x) * sin with half-width tables broadcastable to x[..., :D/2].
torch::Tensor applyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

class LlamaAttentionImpl : public torch::nn::Module {
  public:
    LlamaAttentionImpl(const LlamaConfig& c, const torch::TensorOptions& options);
    /// x [B, S, H]; cos/sin [B, S, D/2]; mask additive [B, 1, 1, S, S]. Training with small heads
    /// passes spans (tokenSpans, or packTokens' with x packed [1, T, H]) instead of mask: the fused
    /// attention (smallHeadCausalTraining). Training over packed tokens with larger heads passes x
    /// [1, T, H], rows (packTokens' flat rows of the tokens; never with spans), and cos/sin and mask
    /// of the padded batch: the attention runs padded, every projection over the T tokens only.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          const torch::Tensor& mask, const torch::Tensor& spans = {}, const torch::Tensor& rows = {});
    /// Inference over packed sequences (no padding): x [T, H]; cos/sin [T, D/2]; sequence s holds
    /// tokens offsets[s] .. offsets[s+1]-1 (see varlenCausalAttention). CPU float32 only.
    torch::Tensor forwardPacked(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                const std::vector<std::int64_t>& offsets, std::int64_t window);
    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

  private:
    /// Rotary embedding and masked attention of the projections [B, S, heads D]: the context [B, S, nHead D].
    torch::Tensor attendPadded(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& mask) const;
    std::int64_t m_nHead, m_nKvHead, m_headDim, m_window;
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
  public:
    LlamaMlpImpl(const LlamaConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};

  private:
    Activation m_act;
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl : public torch::nn::Module {
  public:
    LlamaDecoderLayerImpl(const LlamaConfig& c, const torch::TensorOptions& options);
    /// See LlamaAttentionImpl::forward.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          const torch::Tensor& mask, const torch::Tensor& spans = {}, const torch::Tensor& rows = {});
    /// See LlamaAttentionImpl::forwardPacked.
    torch::Tensor forwardPacked(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                const std::vector<std::int64_t>& offsets, std::int64_t window);
    LlamaAttention self_attn{nullptr};
    LlamaMlp mlp{nullptr};
    RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

/// The decoder stack (HF LlamaModel / MistralModel / Qwen2Model): tensors "embed_tokens.weight",
/// "layers.N.*", "norm.weight".
class LlamaModelImpl : public torch::nn::Module {
  public:
    LlamaModelImpl(const LlamaConfig& c, const torch::TensorOptions& options = {});
    /// ids [B, S] int64; mask [B, S] (1 = token, 0 = padding; left or right padding; undefined =
    /// no padding). Positions count real tokens only (cumsum of the mask), so a left-padded row
    /// sees the same positions as the unpadded text. Returns the final-norm hidden states [B, S, H].
    /// Inference on CPU float32 with a mask whose rows are one run of tokens each (left or right
    /// padding) computes the real tokens only (forwardPacked): padded positions then hold zeros.
    /// So does training (autograd on) on any device (forwardTrainingPacked).
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask = {});
    /// The real tokens of each row packed into one sequence of T tokens, each row attending to
    /// its own tokens only: work and memory grow with the real tokens, not with B x longest, and
    /// no [B, heads, S, S] mask or score tensor exists. Returns [B, S, H] with zeros at padded
    /// positions, or an undefined tensor when it does not apply (autograd on, not CPU float32, a
    /// row whose tokens are not one contiguous run, or an empty row).
    torch::Tensor forwardPacked(const torch::Tensor& ids, const torch::Tensor& mask);
    /// Training over a padded batch whose rows are one run of tokens each: embeddings, norms,
    /// projections and MLPs run over the T real tokens only (packTokens), not B x longest; the
    /// attention is the fused one over the packed rows (small heads, CPU float32) or the masked
    /// one over the padded batch. Returns [B, S, H] with zeros at padded positions, or an
    /// undefined tensor when the batch has no padding, holes or an empty row.
    torch::Tensor forwardTrainingPacked(const torch::Tensor& ids, const torch::Tensor& mask);
    /// The additive attention mask [B, 1, 1, S, S]: causal, padding keys, sliding window.
    torch::Tensor attentionMask(const torch::Tensor& mask, std::int64_t B, std::int64_t S,
                                torch::ScalarType dtype) const;

    const LlamaConfig& config() const { return m_config; }
    /// Recompute each decoder layer's activations in backward instead of keeping them (training only).
    void setGradientCheckpointing(bool on) { m_checkpointing = on; }
    bool gradientCheckpointing() const { return m_checkpointing; }
    Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RmsNorm norm{nullptr};

  private:
    torch::Tensor runLayers(torch::Tensor x, const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& add,
                            const torch::Tensor& spans, const torch::Tensor& rows);
    LlamaConfig m_config;
    bool m_checkpointing = false;
};
TORCH_MODULE(LlamaModel);

/// Decoder with the LM head (HF LlamaForCausalLM): "model.*" and "lm_head.weight"; with tied
/// embeddings the head reuses model.embed_tokens.weight and no lm_head tensor is needed.
class LlamaForCausalLMImpl : public torch::nn::Module {
  public:
    LlamaForCausalLMImpl(const LlamaConfig& c, const torch::TensorOptions& options = {});
    /// Logits [B, S, V].
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask = {});
    torch::Tensor logitsFromHidden(const torch::Tensor& hidden);

    LlamaModel model{nullptr};
    Linear lm_head{nullptr}; ///< null with tied embeddings
};
TORCH_MODULE(LlamaForCausalLM);

/// Greedy decoding (argmax each step) from `prompt`, recomputing the full sequence each step.
/// Returns prompt + generated ids; stops after maxNewTokens or at stopId (included) when >= 0.
std::vector<std::int64_t> greedyDecode(LlamaForCausalLMImpl& lm, const std::vector<std::int64_t>& prompt,
                                       int maxNewTokens, std::int64_t stopId = -1);

} // namespace synthembed::model
