#include "core/model/llama.h"

#include "core/model/architectures.h"
#include "core/model/gemm.h"
#include "core/model/recompute.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <cmath>

namespace synthembed::model {

LlamaConfig LlamaConfig::fromJson(const ConfigJson& cfg) {
    LlamaConfig c;
    c.modelType = cfg.getString("model_type", "llama");
    if (const auto* arch = architectureFor(c.modelType); !arch || arch->name != "llama")
        cfg.fail("model_type", "= '" + c.modelType + "' is not one the llama module implements");
    c.vocabSize = cfg.requireInt("vocab_size");
    c.hiddenSize = cfg.requireInt("hidden_size");
    c.intermediateSize = cfg.requireInt("intermediate_size");
    c.nLayer = cfg.requireInt("num_hidden_layers");
    c.nHead = cfg.requireInt("num_attention_heads");
    c.nKvHead = cfg.getInt("num_key_value_heads", c.nHead);
    if (c.nHead <= 0 || c.nKvHead <= 0 || c.nHead % c.nKvHead != 0)
        cfg.fail("num_key_value_heads", "= " + std::to_string(c.nKvHead) +
                                            " must divide num_attention_heads = " + std::to_string(c.nHead));
    c.headDim = cfg.getInt("head_dim", c.hiddenSize / c.nHead);
    if (c.headDim <= 0 || c.headDim % 2) cfg.fail("head_dim", "must be a positive even number");
    c.rmsNormEps = cfg.getDouble("rms_norm_eps", 1e-6);
    c.ropeTheta = cfg.getDouble("rope_theta", 10000.0);
    // transformers >= 5 writes `rope_parameters: {"rope_type": "default", "rope_theta": ...}` instead of
    // a top-level rope_theta (and folds rope_scaling into it).
    if (cfg.has("rope_parameters")) {
        const auto& rp = cfg.json()["rope_parameters"];
        if (!rp.is_object()) cfg.fail("rope_parameters", "must be an object");
        if (rp.contains("rope_theta")) {
            if (!rp["rope_theta"].is_number()) cfg.fail("rope_parameters.rope_theta", "must be a number");
            c.ropeTheta = rp["rope_theta"].get<double>();
        }
        const auto type = rp.value("rope_type", std::string("default"));
        if (type != "default")
            log::warn(cfg.source(), ": rope_parameters ", rp.dump(),
                      " (rope_type '", type, "') is not supported and is ignored (exact only within the original context length)");
    }
    if (!(c.ropeTheta > 0)) cfg.fail("rope_theta", "must be a positive number");
    if (cfg.has("rope_scaling"))
        log::warn(cfg.source(), ": rope_scaling ", cfg.json()["rope_scaling"].dump(),
                  " is not supported and is ignored (exact only within the original context length)");
    if (c.modelType == "qwen2") {
        c.qkvBias = true; // Qwen2Attention hard-codes bias=True for q/k/v, False for o
        c.oBias = false;
    } else {
        c.qkvBias = c.oBias = cfg.getBool("attention_bias", false);
    }
    c.mlpBias = cfg.getBool("mlp_bias", false);
    c.tieWordEmbeddings = cfg.getBool("tie_word_embeddings", false);
    bool useWindow =
        c.modelType == "mistral" || (c.modelType == "qwen2" && cfg.getBool("use_sliding_window", false));
    if (useWindow && cfg.has("sliding_window")) c.slidingWindow = cfg.requireInt("sliding_window");
    c.maxPositions = cfg.getInt("max_position_embeddings", 2048);
    c.bosTokenId = cfg.getIdOrFirst("bos_token_id");
    c.eosTokenId = cfg.getIdOrFirst("eos_token_id");
    c.padTokenId = cfg.getIdOrFirst("pad_token_id");
    c.act = parseActivation(cfg.getString("hidden_act", "silu"), cfg.source());
    return c;
}

std::pair<torch::Tensor, torch::Tensor> ropeTables(const torch::Tensor& positions, std::int64_t headDim,
                                                   double theta, torch::ScalarType dtype) {
    // HF: inv_freq = 1 / theta^(arange(0, D, 2) / D) in fp32; angles = position * inv_freq.
    auto fopts = torch::TensorOptions().dtype(torch::kFloat32).device(positions.device());
    auto invFreq =
        1.0 / torch::pow(theta, torch::arange(0, headDim, 2, fopts.dtype(torch::kInt64)).to(torch::kFloat32) /
                                    headDim);
    auto angles = positions.to(torch::kFloat32).unsqueeze(-1) * invFreq; // [B, S, D/2]
    return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor applyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
    const auto half = x.size(-1) / 2;
    auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
    return torch::cat({x1 * cos - x2 * sin, x2 * cos + x1 * sin}, -1);
}

// ---------------------------------------------------------------------------------------------

LlamaAttentionImpl::LlamaAttentionImpl(const LlamaConfig& c, const torch::TensorOptions& o)
    : m_nHead(c.nHead), m_nKvHead(c.nKvHead), m_headDim(c.headDim), m_window(c.slidingWindow) {
    q_proj = register_module(
        "q_proj", Linear(LinearOptions(c.hiddenSize, c.nHead * c.headDim).bias(c.qkvBias).tensor_options(o)));
    k_proj = register_module(
        "k_proj",
        Linear(LinearOptions(c.hiddenSize, c.nKvHead * c.headDim).bias(c.qkvBias).tensor_options(o)));
    v_proj = register_module(
        "v_proj",
        Linear(LinearOptions(c.hiddenSize, c.nKvHead * c.headDim).bias(c.qkvBias).tensor_options(o)));
    o_proj = register_module(
        "o_proj", Linear(LinearOptions(c.nHead * c.headDim, c.hiddenSize).bias(c.oBias).tensor_options(o)));
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, const torch::Tensor& mask,
                                          const torch::Tensor& spans, const torch::Tensor& rows) {
    const auto B = x.size(0), S = x.size(1), D = m_headDim;
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    if (rows.defined()) {
        // Packed tokens [1, T, H] (training): the projections run over the T tokens only; the
        // attention itself over the padded batch of the mask [B, 1, 1, S', S'], its inputs scattered
        // to their rows (zeros between) and its context gathered back.
        const auto Bp = mask.size(0), Sp = mask.size(-1);
        auto ctx = attendPadded(unpackRows(q_proj(x), rows, Bp, Sp), unpackRows(k_proj(x), rows, Bp, Sp),
                                unpackRows(v_proj(x), rows, Bp, Sp), cos, sin, mask);
        return o_proj(packRows(ctx, rows));
    }
    if (spans.defined()) { // training with small heads: fused rotation and attention in row layout
        auto qr = ropeRows(q_proj(x).view({B, S, m_nHead, D}), cos * scale, sin * scale);
        auto kr = ropeRows(k_proj(x).view({B, S, m_nKvHead, D}), cos, sin);
        auto ctx = qr.defined() && kr.defined()
                       ? smallHeadCausalTraining(qr, kr, v_proj(x).view({B, S, m_nKvHead, D}), spans, m_window)
                       : torch::Tensor();
        if (!ctx.defined())
            throw Failure("internal", "fused attention needs CPU float32 tensors and heads of at most 32");
        return o_proj(ctx);
    }
    return o_proj(attendPadded(q_proj(x), k_proj(x), v_proj(x), cos, sin, mask));
}

torch::Tensor LlamaAttentionImpl::attendPadded(const torch::Tensor& qp, const torch::Tensor& kp,
                                               const torch::Tensor& vp, const torch::Tensor& cos,
                                               const torch::Tensor& sin, const torch::Tensor& mask) const {
    const auto B = qp.size(0), S = qp.size(1), rep = m_nHead / m_nKvHead, D = m_headDim;
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    // Query head h uses KV head h / rep (HF repeat_kv), so group the query heads by KV head.
    auto q = qp.view({B, S, m_nKvHead, rep, D}).permute({0, 2, 3, 1, 4}); // [B, nKv, rep, S, D]
    auto k = kp.view({B, S, m_nKvHead, D}).permute({0, 2, 1, 3});         // [B, nKv, S, D]
    auto v = vp.view({B, S, m_nKvHead, D}).permute({0, 2, 1, 3});
    auto c4 = cos.unsqueeze(1), s4 = sin.unsqueeze(1);                      // [B, 1, S, D/2]
    q = applyRope(q, (c4 * scale).unsqueeze(1), (s4 * scale).unsqueeze(1)); // scale folded into the rotation
    k = applyRope(k, c4, s4);
    return groupedAttention(q, k, v.contiguous(), mask);
}

torch::Tensor LlamaAttentionImpl::forwardPacked(const torch::Tensor& x, const torch::Tensor& cos,
                                                const torch::Tensor& sin, const std::vector<std::int64_t>& offsets,
                                                std::int64_t window) {
    const auto T = x.size(0), rep = m_nHead / m_nKvHead, D = m_headDim;
    auto q = q_proj(x).view({T, m_nKvHead, rep, D}).permute({1, 2, 0, 3}); // [nKv, rep, T, D]
    auto k = k_proj(x).view({T, m_nKvHead, D}).permute({1, 0, 2});         // [nKv, T, D]
    auto v = v_proj(x).view({T, m_nKvHead, D}).permute({1, 0, 2}).contiguous();
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    q = applyRope(q, cos * scale, sin * scale); // [T, D/2] broadcasts over the leading dims
    k = applyRope(k, cos, sin);
    auto ctx = varlenCausalAttention(q, k, v, offsets, window);
    if (!ctx.defined()) throw Failure("internal", "packed attention needs CPU float32 inference tensors");
    return o_proj(ctx);
}

LlamaMlpImpl::LlamaMlpImpl(const LlamaConfig& c, const torch::TensorOptions& o) : m_act(c.act) {
    gate_proj = register_module(
        "gate_proj",
        Linear(LinearOptions(c.hiddenSize, c.intermediateSize).bias(c.mlpBias).tensor_options(o)));
    up_proj = register_module(
        "up_proj", Linear(LinearOptions(c.hiddenSize, c.intermediateSize).bias(c.mlpBias).tensor_options(o)));
    down_proj = register_module(
        "down_proj",
        Linear(LinearOptions(c.intermediateSize, c.hiddenSize).bias(c.mlpBias).tensor_options(o)));
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
    auto g = activate(m_act, gate_proj(x));
    auto u = up_proj(x);
    return down_proj(torch::GradMode::is_enabled() ? g * u : g.mul_(u));
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const LlamaConfig& c, const torch::TensorOptions& o) {
    self_attn = register_module("self_attn", LlamaAttention(c, o));
    mlp = register_module("mlp", LlamaMlp(c, o));
    input_layernorm = register_module("input_layernorm", RmsNorm(c.hiddenSize, c.rmsNormEps, o));
    post_attention_layernorm =
        register_module("post_attention_layernorm", RmsNorm(c.hiddenSize, c.rmsNormEps, o));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                             const torch::Tensor& sin, const torch::Tensor& mask,
                                             const torch::Tensor& spans, const torch::Tensor& rows) {
    auto h = x + self_attn(input_layernorm(x), cos, sin, mask, spans, rows);
    auto m = mlp(post_attention_layernorm(h));
    return torch::GradMode::is_enabled() ? h + m : h.add_(m);
}

torch::Tensor LlamaDecoderLayerImpl::forwardPacked(const torch::Tensor& x, const torch::Tensor& cos,
                                                    const torch::Tensor& sin, const std::vector<std::int64_t>& offsets,
                                                    std::int64_t window) {
    auto h = x + self_attn->forwardPacked(input_layernorm(x), cos, sin, offsets, window);
    return h.add_(mlp(post_attention_layernorm(h)));
}

LlamaModelImpl::LlamaModelImpl(const LlamaConfig& c, const torch::TensorOptions& o) : m_config(c) {
    embed_tokens = register_module("embed_tokens", Embedding(c.vocabSize, c.hiddenSize, o));
    layers = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < c.nLayer; ++i)
        layers->push_back(LlamaDecoderLayer(c, o));
    norm = register_module("norm", RmsNorm(c.hiddenSize, c.rmsNormEps, o));
}

torch::Tensor LlamaModelImpl::attentionMask(const torch::Tensor& mask, std::int64_t B, std::int64_t S,
                                            torch::ScalarType dtype) const {
    auto dev = embed_tokens->weight.device();
    auto idx = torch::arange(S, torch::TensorOptions().dtype(torch::kInt64).device(dev));
    auto rel = idx.unsqueeze(1) - idx.unsqueeze(0); // i - j
    auto allowed = rel.ge(0);
    // HF Mistral: key j is visible from query i when i - j < sliding_window.
    if (m_config.slidingWindow > 0) allowed = allowed.logical_and(rel.lt(m_config.slidingWindow));
    auto allowed5 = allowed.view({1, 1, 1, S, S});
    if (mask.defined()) allowed5 = allowed5.logical_and(mask.to(torch::kBool).view({B, 1, 1, 1, S}));
    auto add = torch::zeros(allowed5.sizes(), torch::TensorOptions().dtype(dtype).device(dev));
    return add.masked_fill_(allowed5.logical_not(), maskMin(dtype));
}

torch::Tensor LlamaModelImpl::forwardPacked(const torch::Tensor& ids, const torch::Tensor& mask) {
    const auto& w = embed_tokens->weight;
    if (torch::GradMode::is_enabled() || !mask.defined() || ids.dim() != 2 || mask.sizes() != ids.sizes() ||
        !w.device().is_cpu() || w.scalar_type() != torch::kFloat32)
        return {};
    const auto B = ids.size(0), S = ids.size(1);
    // Rows whose tokens are not one run (holes) or empty rows: the padded path defines what they get.
    auto pack = packTokens(mask, B, S);
    if (!pack.rows.defined()) return {};
    std::vector<std::int64_t> offsets{0};
    const std::int64_t* sp = pack.spans.data_ptr<std::int64_t>();
    for (std::int64_t b = 0; b < B; ++b)
        offsets.push_back(offsets.back() + sp[2 * b + 1]);
    auto x = embed_tokens(ids.to(torch::kCPU).reshape({-1}).index_select(0, pack.rows)); // [T, H]
    auto [cos, sin] = ropeTables(pack.positions, m_config.headDim, m_config.ropeTheta, x.scalar_type()); // [T, D/2]
    for (const auto& layer : *layers)
        x = layer->as<LlamaDecoderLayerImpl>()->forwardPacked(x, cos, sin, offsets, m_config.slidingWindow);
    return unpackRows(norm(x), pack.rows, B, S);
}

torch::Tensor LlamaModelImpl::forwardTrainingPacked(const torch::Tensor& ids, const torch::Tensor& mask) {
    const auto B = ids.size(0), S = ids.size(1);
    auto pack = packTokens(mask, B, S);
    if (!pack.rows.defined() || pack.rows.size(0) == B * S) return {}; // holes or empty rows; or no padding
    const auto dev = embed_tokens->weight.device();
    auto rows = pack.rows.to(dev);
    auto x = embed_tokens(ids.reshape({-1}).index_select(0, rows).unsqueeze(0)); // [1, T, H]
    torch::Tensor cos, sin, add, spans, scatter;
    if (smallHeadTrainingApplies(x, m_config.headDim)) { // the fused attention reads the packed rows
        std::tie(cos, sin) = ropeTables(pack.positions.to(dev).unsqueeze(0), m_config.headDim, m_config.ropeTheta,
                                        x.scalar_type()); // [1, T, D/2]
        spans = pack.spans;
    } else { // the attention over the padded batch, the rest over the tokens
        auto positions = (mask.to(dev).to(torch::kInt64).cumsum(1) - 1).clamp_min(0);
        std::tie(cos, sin) = ropeTables(positions, m_config.headDim, m_config.ropeTheta, x.scalar_type());
        add = attentionMask(mask.to(dev), B, S, x.scalar_type());
        scatter = rows;
    }
    return unpackRows(norm(runLayers(x, cos, sin, add, spans, scatter)), rows, B, S);
}

torch::Tensor LlamaModelImpl::runLayers(torch::Tensor x, const torch::Tensor& cos, const torch::Tensor& sin,
                                        const torch::Tensor& add, const torch::Tensor& spans,
                                        const torch::Tensor& rows) {
    const bool recompute = shouldRecompute(m_checkpointing, *this);
    for (const auto& layer : *layers) {
        auto* block = layer->as<LlamaDecoderLayerImpl>();
        if (recompute)
            x = recomputed(
                *block,
                [block](const std::vector<torch::Tensor>& in) {
                    return block->forward(in[0], in[1], in[2], in[3], in[4], in[5]);
                },
                {x, cos, sin, add, spans, rows});
        else
            x = block->forward(x, cos, sin, add, spans, rows);
    }
    return x;
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
    if (auto packed = forwardPacked(ids, mask); packed.defined()) return packed;
    if (torch::GradMode::is_enabled() && mask.defined())
        if (auto packed = forwardTrainingPacked(ids, mask); packed.defined()) return packed;
    const auto B = ids.size(0), S = ids.size(1);
    auto x = embed_tokens(ids);
    torch::Tensor positions;
    if (mask.defined())
        positions = (mask.to(torch::kInt64).cumsum(1) - 1).clamp_min(0);
    else
        positions = torch::arange(S, ids.options().dtype(torch::kInt64)).unsqueeze(0).expand({B, S});
    auto [cos, sin] = ropeTables(positions, m_config.headDim, m_config.ropeTheta, x.scalar_type());
    // Training with small heads: the fused attention over each sequence's run of tokens (no
    // [B, 1, 1, S, S] mask); otherwise, or when a sequence has gaps, the additive mask.
    torch::Tensor add, spans;
    if (torch::GradMode::is_enabled() && smallHeadTrainingApplies(x, m_config.headDim))
        spans = tokenSpans(mask, B, S);
    if (!spans.defined()) add = attentionMask(mask, B, S, x.scalar_type());
    return norm(runLayers(x, cos, sin, add, spans, {}));
}

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const LlamaConfig& c, const torch::TensorOptions& o) {
    model = register_module("model", LlamaModel(c, o));
    if (!c.tieWordEmbeddings)
        lm_head =
            register_module("lm_head", Linear(LinearOptions(c.hiddenSize, c.vocabSize).tensor_options(o)));
}

torch::Tensor LlamaForCausalLMImpl::logitsFromHidden(const torch::Tensor& hidden) {
    return lm_head ? lm_head(hidden) : torch::linear(hidden, model->embed_tokens->weight);
}

torch::Tensor LlamaForCausalLMImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
    return logitsFromHidden(model(ids, mask));
}

std::vector<std::int64_t> greedyDecode(LlamaForCausalLMImpl& lm, const std::vector<std::int64_t>& prompt,
                                       int maxNewTokens, std::int64_t stopId) {
    torch::NoGradGuard noGrad;
    std::vector<std::int64_t> ids = prompt;
    auto dev = lm.model->embed_tokens->weight.device();
    for (int step = 0; step < maxNewTokens; ++step) {
        auto t = torch::tensor(ids, torch::TensorOptions().dtype(torch::kInt64)).to(dev).unsqueeze(0);
        auto hidden = lm.model(t);
        auto logits = lm.logitsFromHidden(hidden.select(1, hidden.size(1) - 1));
        std::int64_t next = logits.argmax(-1).item<std::int64_t>();
        ids.push_back(next);
        if (next == stopId) break;
    }
    return ids;
}

} // namespace synthembed::model
