#pragma once
/// Core-internal (torch types): BERT-style encoder with Hugging Face BertModel semantics:
/// absolute learned positions, token types, post-LayerNorm residual blocks, GELU. Module names
/// equal checkpoint names ("encoder.layer.3.attention.self.query.weight"); "bert." prefixes and
/// legacy LayerNorm gamma/beta names are accepted when loading.

#include "core/model/config_json.h"
#include "core/model/layers.h"
#include "core/model/linear.h"

#include <torch/torch.h>

#include <optional>
#include <string>

namespace synthembed::model {

struct BertConfig {
    std::string modelType = "bert";         ///< model_type
    std::int64_t vocabSize = 30522;         ///< vocab_size
    std::int64_t hiddenSize = 768;          ///< hidden_size
    std::int64_t nLayer = 12;               ///< num_hidden_layers
    std::int64_t nHead = 12;                ///< num_attention_heads
    std::int64_t intermediateSize = 3072;   ///< intermediate_size
    std::int64_t maxPositions = 512;        ///< max_position_embeddings
    std::int64_t typeVocabSize = 2;         ///< type_vocab_size
    double layerNormEps = 1e-12;            ///< layer_norm_eps
    Activation act = Activation::Gelu;      ///< hidden_act
    std::optional<std::int64_t> padTokenId; ///< pad_token_id

    static BertConfig fromJson(const ConfigJson& cfg);
};

class BertEmbeddingsImpl : public torch::nn::Module {
  public:
    BertEmbeddingsImpl(const BertConfig& c, const torch::TensorOptions& o);
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& tokenTypes,
                          const torch::Tensor& mask);
    Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
    LayerNorm LayerNorm_{nullptr}; ///< registered as "LayerNorm"
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Module {
  public:
    BertSelfAttentionImpl(const BertConfig& c, const torch::TensorOptions& o);
    /// x [B, S, H], mask additive [B, 1, 1, 1, S] -> context [B, S, H]. Training over packed
    /// tokens passes x [1, T, H] and rows (packTokens' flat rows of the tokens in the padded batch
    /// of the mask): the projections run over the T tokens, the attention over the padded batch.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& rows = {});
    Linear query{nullptr}, key{nullptr}, value{nullptr};

  private:
    /// Inference: q | k | v weights packed into one [3 H, H] projection (one product instead
    /// of three), rebuilt whenever a weight changes (tracked by tensor version counters).
    bool packedProjection(torch::Tensor& weight, torch::Tensor& bias);
    /// Attention of the projections [B, S, H] (queries already scaled): the context [B, S, H].
    torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         const torch::Tensor& mask) const;

    std::int64_t m_nHead, m_headDim;
    torch::Tensor m_qkvWeight, m_qkvBias;
    std::vector<std::int64_t> m_qkvKey;
};
TORCH_MODULE(BertSelfAttention);

/// dense + residual + LayerNorm (HF BertSelfOutput and BertOutput have this same shape).
class BertResidualOutputImpl : public torch::nn::Module {
  public:
    BertResidualOutputImpl(std::int64_t in, std::int64_t out, double eps, const torch::TensorOptions& o);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);
    Linear dense{nullptr};
    LayerNorm LayerNorm_{nullptr};
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
  public:
    BertAttentionImpl(const BertConfig& c, const torch::TensorOptions& o);
    /// See BertSelfAttentionImpl::forward.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& rows = {});
    BertSelfAttention self{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
  public:
    BertIntermediateImpl(const BertConfig& c, const torch::TensorOptions& o);
    torch::Tensor forward(const torch::Tensor& x);
    Linear dense{nullptr};

  private:
    Activation m_act;
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Module {
  public:
    BertLayerImpl(const BertConfig& c, const torch::TensorOptions& o);
    /// See BertSelfAttentionImpl::forward.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& rows = {});
    BertAttention attention{nullptr};
    BertIntermediate intermediate{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

/// HF BertModel without the pooler: "embeddings.*", "encoder.layer.N.*".
class BertModelImpl : public torch::nn::Module {
  public:
    BertModelImpl(const BertConfig& c, const torch::TensorOptions& o = {});
    /// ids [B, S] int64; mask [B, S] (1 = token; right or left padding: positions count real
    /// tokens, as HF's arange does for right padding); tokenTypes [B, S] or undefined
    /// (all 0). Returns last_hidden_state [B, S, H]. Training (autograd on) over a padded batch
    /// whose rows are one run of tokens each computes the real tokens only, except inside the
    /// attention (packTokens); padded positions then hold zeros.
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask = {},
                          const torch::Tensor& tokenTypes = {});

    const BertConfig& config() const { return m_config; }
    /// Recompute each layer's activations in backward instead of keeping them (training only).
    void setGradientCheckpointing(bool on) { m_checkpointing = on; }
    bool gradientCheckpointing() const { return m_checkpointing; }
    BertEmbeddings embeddings{nullptr};
    torch::nn::ModuleList layer{nullptr}; ///< registered under a container "encoder"

  private:
    BertConfig m_config;
    bool m_checkpointing = false;
};
TORCH_MODULE(BertModel);

/// Checkpoint names to try for a BertModel parameter: as is, "bert."-prefixed, gamma/beta.
std::vector<std::string> bertNameCandidates(const std::string& name);

} // namespace synthembed::model
