#include "core/model/bert.h"

#include "core/model/gemm.h"
#include "core/model/recompute.h"
#include "core/util/result.h"

#include <cmath>

namespace synthembed::model {

BertConfig BertConfig::fromJson(const ConfigJson& cfg) {
    BertConfig c;
    c.modelType = cfg.getString("model_type", "bert");
    c.vocabSize = cfg.requireInt("vocab_size");
    c.hiddenSize = cfg.requireInt("hidden_size");
    c.nLayer = cfg.requireInt("num_hidden_layers");
    c.nHead = cfg.requireInt("num_attention_heads");
    if (c.nHead <= 0 || c.hiddenSize % c.nHead)
        cfg.fail("num_attention_heads", "= " + std::to_string(c.nHead) +
                                            " must divide hidden_size = " + std::to_string(c.hiddenSize));
    c.intermediateSize = cfg.requireInt("intermediate_size");
    c.maxPositions = cfg.getInt("max_position_embeddings", 512);
    c.typeVocabSize = cfg.getInt("type_vocab_size", 2);
    c.layerNormEps = cfg.getDouble("layer_norm_eps", 1e-12);
    c.act = parseActivation(cfg.getString("hidden_act", "gelu"), cfg.source());
    c.padTokenId = cfg.getIdOrFirst("pad_token_id");
    auto pet = cfg.getString("position_embedding_type", "absolute");
    if (pet != "absolute")
        cfg.fail("position_embedding_type", "= '" + pet + "' is not supported (absolute only)");
    return c;
}

BertEmbeddingsImpl::BertEmbeddingsImpl(const BertConfig& c, const torch::TensorOptions& o) {
    word_embeddings = register_module("word_embeddings", Embedding(c.vocabSize, c.hiddenSize, o));
    position_embeddings = register_module("position_embeddings", Embedding(c.maxPositions, c.hiddenSize, o));
    token_type_embeddings =
        register_module("token_type_embeddings", Embedding(c.typeVocabSize, c.hiddenSize, o));
    LayerNorm_ = register_module("LayerNorm", LayerNorm(c.hiddenSize, c.layerNormEps, o));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& ids, const torch::Tensor& tokenTypes,
                                          const torch::Tensor& mask) {
    const auto S = ids.size(1);
    torch::Tensor x;
    if (mask.defined()) {
        // Positions count real tokens (as HF's arange for right padding, and correct for left padding).
        auto positions = (mask.to(torch::kInt64).cumsum(1) - 1).clamp_min(0);
        if (positions.max().item<std::int64_t>() >= position_embeddings->weight.size(0))
            throw Failure("invalid", "sequence of " + std::to_string(positions.max().item<std::int64_t>() + 1) +
                                       " tokens exceeds max_position_embeddings = " +
                                       std::to_string(position_embeddings->weight.size(0)));
        x = word_embeddings(ids) + position_embeddings(positions);
    } else {
        if (S > position_embeddings->weight.size(0))
            throw Failure("invalid", "sequence of " + std::to_string(S) +
                                       " tokens exceeds max_position_embeddings = " +
                                       std::to_string(position_embeddings->weight.size(0)));
        x = word_embeddings(ids) + position_embeddings->weight.narrow(0, 0, S).unsqueeze(0);
    }
    if (tokenTypes.defined())
        x = x + token_type_embeddings(tokenTypes);
    else
        x = x + token_type_embeddings->weight[0];
    return LayerNorm_(x);
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertConfig& c, const torch::TensorOptions& o)
    : m_nHead(c.nHead), m_headDim(c.hiddenSize / c.nHead) {
    query = register_module("query",
                            Linear(LinearOptions(c.hiddenSize, c.hiddenSize).bias(true).tensor_options(o)));
    key = register_module("key",
                          Linear(LinearOptions(c.hiddenSize, c.hiddenSize).bias(true).tensor_options(o)));
    value = register_module("value",
                            Linear(LinearOptions(c.hiddenSize, c.hiddenSize).bias(true).tensor_options(o)));
}

namespace {

/// Inference on the CPU in fp32 with no autograd and no training-mode behaviour: the fused paths
/// (packed q|k|v, in-place attention, residual accumulated by the product) apply.
bool fusedInference(const torch::nn::Module& m, const torch::Tensor& x) {
    return !m.is_training() && !torch::GradMode::is_enabled() && x.device().is_cpu() &&
           x.scalar_type() == torch::kFloat32 && fastGemmAvailable();
}

} // namespace

bool BertSelfAttentionImpl::packedProjection(torch::Tensor& weight, torch::Tensor& bias) {
    if (query->adapter() || key->adapter() || value->adapter()) return false;
    if (!query->bias.defined() || !key->bias.defined() || !value->bias.defined()) return false;
    std::vector<std::int64_t> k;
    for (const auto* l : {&query, &key, &value})
        for (const auto* t : {&(*l)->weight, &(*l)->bias}) {
            k.push_back(reinterpret_cast<std::int64_t>(t->data_ptr()));
            k.push_back(static_cast<std::int64_t>(t->_version()));
        }
    if (k != m_qkvKey || !m_qkvWeight.defined()) {
        m_qkvWeight = torch::cat({query->weight, key->weight, value->weight}, 0).contiguous();
        m_qkvBias = torch::cat({query->bias, key->bias, value->bias}, 0).contiguous();
        m_qkvKey = std::move(k);
    }
    weight = m_qkvWeight;
    bias = m_qkvBias;
    return true;
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                             const torch::Tensor& rows) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(m_headDim));
    if (rows.defined()) { // packed tokens [1, T, H]: attention over the padded batch of the mask
        const auto B = mask.size(0), S = mask.size(-1);
        return packRows(attend(unpackRows(query(x) * scale, rows, B, S), unpackRows(key(x), rows, B, S),
                               unpackRows(value(x), rows, B, S), mask),
                        rows);
    }
    const auto B = x.size(0), S = x.size(1);
    torch::Tensor w, b;
    if (fusedInference(*this, x) && packedProjection(w, b)) {
        auto ctx = packedSelfAttention(gemmLinear(x, w, b), m_nHead, scale,
                                       mask.defined() ? mask.reshape({B, S}) : mask);
        if (ctx.defined()) return ctx;
    }
    return attend(query(x) * scale, key(x), value(x), mask);
}

torch::Tensor BertSelfAttentionImpl::attend(const torch::Tensor& qp, const torch::Tensor& kp, const torch::Tensor& vp,
                                            const torch::Tensor& mask) const {
    const auto B = qp.size(0), S = qp.size(1), D = m_headDim;
    auto q = qp.view({B, S, m_nHead, 1, D}).permute({0, 2, 3, 1, 4}); // [B, nH, 1, S, D]
    auto k = kp.view({B, S, m_nHead, D}).permute({0, 2, 1, 3});
    auto v = vp.view({B, S, m_nHead, D}).permute({0, 2, 1, 3});
    return groupedAttention(q, k, v, mask);
}

BertResidualOutputImpl::BertResidualOutputImpl(std::int64_t in, std::int64_t out, double eps,
                                               const torch::TensorOptions& o) {
    dense = register_module("dense", Linear(LinearOptions(in, out).bias(true).tensor_options(o)));
    LayerNorm_ = register_module("LayerNorm", LayerNorm(out, eps, o));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
    if (fusedInference(*this, x) && !dense->adapter())
        return LayerNorm_(gemmLinearResidual(x, dense->weight, dense->bias, residual));
    auto y = dense(x);
    return LayerNorm_(torch::GradMode::is_enabled() ? y + residual : y.add_(residual));
}

BertAttentionImpl::BertAttentionImpl(const BertConfig& c, const torch::TensorOptions& o) {
    self = register_module("self", BertSelfAttention(c, o));
    output = register_module("output", BertResidualOutput(c.hiddenSize, c.hiddenSize, c.layerNormEps, o));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& rows) {
    return output(self(x, mask, rows), x);
}

BertIntermediateImpl::BertIntermediateImpl(const BertConfig& c, const torch::TensorOptions& o)
    : m_act(c.act) {
    dense = register_module(
        "dense", Linear(LinearOptions(c.hiddenSize, c.intermediateSize).bias(true).tensor_options(o)));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& x) {
    auto y = dense(x);
    if (!torch::GradMode::is_enabled()) return activateInPlace(m_act, y);
    return activate(m_act, y);
}

BertLayerImpl::BertLayerImpl(const BertConfig& c, const torch::TensorOptions& o) {
    attention = register_module("attention", BertAttention(c, o));
    intermediate = register_module("intermediate", BertIntermediate(c, o));
    output =
        register_module("output", BertResidualOutput(c.intermediateSize, c.hiddenSize, c.layerNormEps, o));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& rows) {
    auto a = attention(x, mask, rows);
    return output(intermediate(a), a);
}

BertModelImpl::BertModelImpl(const BertConfig& c, const torch::TensorOptions& o) : m_config(c) {
    embeddings = register_module("embeddings", BertEmbeddings(c, o));
    auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>("BertEncoder"));
    layer = encoder->register_module("layer", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < c.nLayer; ++i)
        layer->push_back(BertLayer(c, o));
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask,
                                     const torch::Tensor& tokenTypes) {
    const auto B = ids.size(0), S = ids.size(1);
    auto x = embeddings(ids, tokenTypes, mask);
    // Training over a padded batch: the layers compute its T tokens only (attention aside).
    torch::Tensor rows;
    if (torch::GradMode::is_enabled() && mask.defined() && mask.dim() == 2)
        if (auto pack = packTokens(mask, B, S); pack.rows.defined() && pack.rows.size(0) < B * S) {
            rows = pack.rows.to(x.device());
            x = packRows(x, rows);
        }
    torch::Tensor add;
    // An all-ones mask adds nothing: skip the additive mask (one pass over every score block).
    if (mask.defined() && !mask.to(torch::kBool).all().item<bool>()) {
        // HF: (1 - mask) * finfo.min over the key axis.
        add = torch::zeros({B, 1, 1, 1, S}, x.options());
        add.masked_fill_(mask.to(torch::kBool).logical_not().view({B, 1, 1, 1, S}), maskMin(x.scalar_type()));
    }
    const bool recompute = shouldRecompute(m_checkpointing, *this);
    for (const auto& l : *layer) {
        auto* block = l->as<BertLayerImpl>();
        if (recompute)
            x = recomputed(
                *block, [block](const std::vector<torch::Tensor>& in) { return block->forward(in[0], in[1], in[2]); },
                {x, add, rows});
        else
            x = block->forward(x, add, rows);
    }
    return rows.defined() ? unpackRows(x, rows, B, S) : x;
}

std::vector<std::string> bertNameCandidates(const std::string& name) {
    std::vector<std::string> base{name, "bert." + name};
    std::vector<std::string> out = base;
    auto swapSuffix = [&](const std::string& from, const std::string& to) {
        if (name.size() >= from.size() && name.compare(name.size() - from.size(), from.size(), from) == 0)
            for (const auto& b : base)
                out.push_back(b.substr(0, b.size() - from.size()) + to);
    };
    swapSuffix("LayerNorm.weight", "LayerNorm.gamma");
    swapSuffix("LayerNorm.bias", "LayerNorm.beta");
    return out;
}

} // namespace synthembed::model
