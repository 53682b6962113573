// BERT-, Qwen2- and Mistral-shaped models with random weights written by the test, checked against
// an independent float64 forward written here from the architecture definitions (per-head loops,
// explicit RoPE and masks; nothing from the code under test), plus batched == single with left and
// right padding, and clear errors for missing / misshaped tensors.

#include "core/embed/embedder.h"
#include "core/model/backbone.h"
#include "core/model/safetensors.h"
#include "core/util/result.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <random>

using namespace synthembed;
using nlohmann::json;
using torch::Tensor;

namespace {

using Weights = std::map<std::string, Tensor>; // float64, already rounded to fp32

struct Rng {
    std::mt19937_64 gen{1234};
    Tensor normal(std::vector<std::int64_t> shape, double std = 0.1) {
        std::normal_distribution<float> d(0.0f, static_cast<float>(std));
        std::int64_t n = 1;
        for (auto s : shape)
            n *= s;
        std::vector<float> v(static_cast<std::size_t>(n));
        for (auto& x : v)
            x = d(gen);
        return torch::tensor(v, torch::kFloat32).view(shape).to(torch::kFloat64);
    }
};

void writeModel(const std::filesystem::path& dir, const json& config, const Weights& w) {
    test::writeFile(dir / "config.json", config.dump(2));
    std::vector<std::vector<float>> store;
    std::vector<model::TensorData> tensors;
    store.reserve(w.size());
    for (const auto& [name, t] : w) {
        auto f = t.to(torch::kFloat32).contiguous();
        store.emplace_back(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        tensors.push_back(model::f32Tensor(name, t.sizes().vec(), store.back()));
    }
    auto st = model::writeSafetensors(dir / "model.safetensors", tensors);
    ASSERT_TRUE(st.ok()) << st.error().message;
}

Tensor layerNorm(const Tensor& x, const Tensor& w, const Tensor& b, double eps) {
    auto mu = x.mean(-1, true);
    auto var = (x - mu).pow(2).mean(-1, true);
    return (x - mu) / torch::sqrt(var + eps) * w + b;
}
Tensor rmsNorm(const Tensor& x, const Tensor& w, double eps) {
    return x / torch::sqrt(x.pow(2).mean(-1, true) + eps) * w;
}
Tensor lin(const Tensor& x, const Weights& w, const std::string& name, bool bias) {
    auto y = torch::mm(x, w.at(name + ".weight").t());
    return bias ? y + w.at(name + ".bias") : y;
}
Tensor softmaxRows(const Tensor& s) {
    auto e = torch::exp(s - std::get<0>(s.max(-1, true)));
    return e / e.sum(-1, true);
}

// ---- BERT -----------------------------------------------------------------------------------

json bertConfig() {
    return {{"model_type", "bert"},    {"architectures", {"BertModel"}}, {"vocab_size", 50},
            {"hidden_size", 32},       {"num_hidden_layers", 2},         {"num_attention_heads", 4},
            {"intermediate_size", 64}, {"max_position_embeddings", 40},  {"type_vocab_size", 2},
            {"layer_norm_eps", 1e-12}, {"hidden_act", "gelu"},           {"pad_token_id", 0}};
}

Weights bertWeights(const json& c, Rng& rng) {
    const std::int64_t H = c["hidden_size"], I = c["intermediate_size"];
    Weights w;
    w["embeddings.word_embeddings.weight"] = rng.normal({c["vocab_size"], H}, 0.5);
    w["embeddings.position_embeddings.weight"] = rng.normal({c["max_position_embeddings"], H}, 0.5);
    w["embeddings.token_type_embeddings.weight"] = rng.normal({2, H}, 0.5);
    w["embeddings.LayerNorm.weight"] = 1 + rng.normal({H});
    w["embeddings.LayerNorm.bias"] = rng.normal({H});
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        std::string p = "encoder.layer." + std::to_string(l) + ".";
        for (const char* n : {"attention.self.query", "attention.self.key", "attention.self.value",
                              "attention.output.dense"}) {
            w[p + n + ".weight"] = rng.normal({H, H}, 0.2);
            w[p + n + ".bias"] = rng.normal({H});
        }
        w[p + "intermediate.dense.weight"] = rng.normal({I, H}, 0.2);
        w[p + "intermediate.dense.bias"] = rng.normal({I});
        w[p + "output.dense.weight"] = rng.normal({H, I}, 0.2);
        w[p + "output.dense.bias"] = rng.normal({H});
        for (const char* n : {"attention.output.LayerNorm", "output.LayerNorm"}) {
            w[p + n + ".weight"] = 1 + rng.normal({H});
            w[p + n + ".bias"] = rng.normal({H});
        }
    }
    w["pooler.dense.weight"] = rng.normal({H, H}); // present in real checkpoints, unused
    w["pooler.dense.bias"] = rng.normal({H});
    return w;
}

/// BertModel.last_hidden_state for one unpadded sequence, float64.
Tensor bertReference(const json& c, const Weights& w, const std::vector<std::int32_t>& ids) {
    const std::int64_t S = static_cast<std::int64_t>(ids.size()), H = c["hidden_size"],
                       nH = c["num_attention_heads"];
    const std::int64_t D = H / nH;
    const double eps = c["layer_norm_eps"];
    auto x = torch::zeros({S, H}, torch::kFloat64);
    for (std::int64_t t = 0; t < S; ++t)
        x[t] = w.at("embeddings.word_embeddings.weight")[ids[t]] +
               w.at("embeddings.position_embeddings.weight")[t] +
               w.at("embeddings.token_type_embeddings.weight")[0];
    x = layerNorm(x, w.at("embeddings.LayerNorm.weight"), w.at("embeddings.LayerNorm.bias"), eps);
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        std::string p = "encoder.layer." + std::to_string(l) + ".";
        auto q = lin(x, w, p + "attention.self.query", true), k = lin(x, w, p + "attention.self.key", true),
             v = lin(x, w, p + "attention.self.value", true);
        auto ctx = torch::zeros({S, H}, torch::kFloat64);
        for (std::int64_t h = 0; h < nH; ++h) {
            auto qh = q.narrow(1, h * D, D), kh = k.narrow(1, h * D, D), vh = v.narrow(1, h * D, D);
            auto pr = softmaxRows(torch::mm(qh, kh.t()) / std::sqrt(static_cast<double>(D)));
            ctx.narrow(1, h * D, D).copy_(torch::mm(pr, vh));
        }
        auto a = layerNorm(x + lin(ctx, w, p + "attention.output.dense", true),
                           w.at(p + "attention.output.LayerNorm.weight"),
                           w.at(p + "attention.output.LayerNorm.bias"), eps);
        auto i = lin(a, w, p + "intermediate.dense", true);
        i = 0.5 * i * (1 + torch::erf(i / std::sqrt(2.0))); // exact GELU
        x = layerNorm(a + lin(i, w, p + "output.dense", true), w.at(p + "output.LayerNorm.weight"),
                      w.at(p + "output.LayerNorm.bias"), eps);
    }
    return x;
}

// ---- Llama family ---------------------------------------------------------------------------

json decoderConfig(const std::string& type) {
    json c = {{"model_type", type},       {"vocab_size", 60},
              {"hidden_size", 32},        {"intermediate_size", 48},
              {"num_hidden_layers", 2},   {"num_attention_heads", 4},
              {"num_key_value_heads", 2}, {"max_position_embeddings", 64},
              {"rms_norm_eps", 1e-6},     {"hidden_act", "silu"},
              {"bos_token_id", 1},        {"eos_token_id", 2}};
    if (type == "qwen2") {
        c["rope_theta"] = 1000000.0;
        c["tie_word_embeddings"] = true;
        c["use_sliding_window"] = false;
        c["sliding_window"] = 4; // ignored without use_sliding_window
    } else {
        c["rope_theta"] = 10000.0;
        c["tie_word_embeddings"] = false;
        c["sliding_window"] = 4;
    }
    return c;
}

Weights decoderWeights(const json& c, Rng& rng) {
    const std::int64_t H = c["hidden_size"], I = c["intermediate_size"], nH = c["num_attention_heads"],
                       nKv = c["num_key_value_heads"], D = H / nH, V = c["vocab_size"];
    const bool qwen = c["model_type"] == "qwen2";
    Weights w;
    w["model.embed_tokens.weight"] = rng.normal({V, H}, 0.5);
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        std::string p = "model.layers." + std::to_string(l) + ".";
        w[p + "self_attn.q_proj.weight"] = rng.normal({nH * D, H}, 0.3);
        w[p + "self_attn.k_proj.weight"] = rng.normal({nKv * D, H}, 0.3);
        w[p + "self_attn.v_proj.weight"] = rng.normal({nKv * D, H}, 0.3);
        w[p + "self_attn.o_proj.weight"] = rng.normal({H, nH * D}, 0.3);
        if (qwen) {
            w[p + "self_attn.q_proj.bias"] = rng.normal({nH * D}, 0.3);
            w[p + "self_attn.k_proj.bias"] = rng.normal({nKv * D}, 0.3);
            w[p + "self_attn.v_proj.bias"] = rng.normal({nKv * D}, 0.3);
        }
        w[p + "mlp.gate_proj.weight"] = rng.normal({I, H}, 0.3);
        w[p + "mlp.up_proj.weight"] = rng.normal({I, H}, 0.3);
        w[p + "mlp.down_proj.weight"] = rng.normal({H, I}, 0.3);
        w[p + "input_layernorm.weight"] = 1 + rng.normal({H});
        w[p + "post_attention_layernorm.weight"] = 1 + rng.normal({H});
    }
    w["model.norm.weight"] = 1 + rng.normal({H});
    if (!c["tie_word_embeddings"].get<bool>()) w["lm_head.weight"] = rng.normal({V, H}, 0.3);
    return w;
}

/// Final-norm hidden states (and logits) for one unpadded sequence, float64.
std::pair<Tensor, Tensor> decoderReference(const json& c, const Weights& w,
                                           const std::vector<std::int32_t>& ids) {
    const std::int64_t S = static_cast<std::int64_t>(ids.size()), H = c["hidden_size"],
                       nH = c["num_attention_heads"], nKv = c["num_key_value_heads"], D = H / nH;
    const double eps = c["rms_norm_eps"], theta = c["rope_theta"];
    const bool qwen = c["model_type"] == "qwen2";
    const std::int64_t window = qwen ? 0 : c["sliding_window"].get<std::int64_t>();
    auto x = torch::zeros({S, H}, torch::kFloat64);
    for (std::int64_t t = 0; t < S; ++t)
        x[t] = w.at("model.embed_tokens.weight")[ids[t]];
    auto rope = [&](Tensor m) { // m [S, D], rotate pairs (i, i + D/2) by position * theta^(-2i/D)
        auto out = m.clone();
        for (std::int64_t t = 0; t < S; ++t)
            for (std::int64_t i = 0; i < D / 2; ++i) {
                double ang = static_cast<double>(t) *
                             std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(D));
                double a = m[t][i].item<double>(), b = m[t][i + D / 2].item<double>();
                out[t][i] = a * std::cos(ang) - b * std::sin(ang);
                out[t][i + D / 2] = b * std::cos(ang) + a * std::sin(ang);
            }
        return out;
    };
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        std::string p = "model.layers." + std::to_string(l) + ".";
        auto h = rmsNorm(x, w.at(p + "input_layernorm.weight"), eps);
        auto q = lin(h, w, p + "self_attn.q_proj", qwen), k = lin(h, w, p + "self_attn.k_proj", qwen),
             v = lin(h, w, p + "self_attn.v_proj", qwen);
        auto ctx = torch::zeros({S, nH * D}, torch::kFloat64);
        for (std::int64_t hd = 0; hd < nH; ++hd) {
            std::int64_t g = hd / (nH / nKv); // the KV head this query head shares
            auto qh = rope(q.narrow(1, hd * D, D)), kh = rope(k.narrow(1, g * D, D)),
                 vh = v.narrow(1, g * D, D);
            auto s = torch::mm(qh, kh.t()) / std::sqrt(static_cast<double>(D));
            for (std::int64_t i = 0; i < S; ++i)
                for (std::int64_t j = 0; j < S; ++j)
                    if (j > i || (window > 0 && i - j >= window)) s[i][j] = -INFINITY;
            ctx.narrow(1, hd * D, D).copy_(torch::mm(softmaxRows(s), vh));
        }
        x = x + lin(ctx, w, p + "self_attn.o_proj", false);
        auto h2 = rmsNorm(x, w.at(p + "post_attention_layernorm.weight"), eps);
        auto g = lin(h2, w, p + "mlp.gate_proj", false);
        x = x +
            lin(g * torch::sigmoid(g) * lin(h2, w, p + "mlp.up_proj", false), w, p + "mlp.down_proj", false);
    }
    x = rmsNorm(x, w.at("model.norm.weight"), eps);
    auto head = w.count("lm_head.weight") ? w.at("lm_head.weight") : w.at("model.embed_tokens.weight");
    return {x, torch::mm(x, head.t())};
}

std::vector<std::vector<std::int32_t>> randomSequences(int n, int vocab, int minLen, int maxLen,
                                                       std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::vector<std::vector<std::int32_t>> out;
    for (int i = 0; i < n; ++i) {
        int len = minLen + static_cast<int>(g() % static_cast<std::uint64_t>(maxLen - minLen + 1));
        std::vector<std::int32_t> s;
        for (int t = 0; t < len; ++t)
            s.push_back(3 + static_cast<std::int32_t>(g() % static_cast<std::uint64_t>(vocab - 3)));
        out.push_back(s);
    }
    return out;
}

Tensor runSingle(model::Backbone& b, const std::vector<std::int32_t>& ids) {
    torch::NoGradGuard ng;
    auto t = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), torch::kInt64).unsqueeze(0);
    return b.forward(t, torch::ones_like(t)).squeeze(0).to(torch::kFloat64);
}

double maxDiff(const std::vector<float>& a, const std::vector<float>& b) {
    EXPECT_EQ(a.size(), b.size());
    double m = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
    return m;
}

/// embedIds over a shuffled-length batch equals one-by-one, for both paddings and every pooling.
void checkBatchedEqualsSingle(const std::filesystem::path& dir, const std::vector<embed::Pooling>& poolings) {
    auto e = embed::Embedder::load(dir);
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto seqs = randomSequences(9, 40, 1, 23, 99);
    for (auto pooling : poolings)
        for (auto padding : {embed::Padding::Left, embed::Padding::Right}) {
            embed::EmbedOptions o;
            o.pooling = pooling;
            o.padding = padding;
            o.batchSize = 4;
            auto batched = (*e)->embedIds(seqs, o);
            ASSERT_TRUE(batched.ok()) << batched.error().message;
            o.batchSize = 1;
            for (std::size_t i = 0; i < seqs.size(); ++i) {
                auto single = (*e)->embedIds({seqs[i]}, o);
                ASSERT_TRUE(single.ok()) << single.error().message;
                EXPECT_LT(maxDiff(batched->at(i), single->at(0)), 2e-6)
                    << "pooling " << embed::poolingName(pooling) << " padding " << static_cast<int>(padding)
                    << " text " << i;
            }
        }
}

} // namespace

TEST(RandomBert, ForwardMatchesFloat64Reference) {
    test::TempDir dir;
    Rng rng;
    auto cfg = bertConfig();
    auto w = bertWeights(cfg, rng);
    writeModel(dir.path(), cfg, w);
    auto b = model::loadBackbone(dir.path());
    EXPECT_FALSE(b->spec().decoder);
    for (const auto& ids : randomSequences(4, 50, 1, 40, 7)) {
        auto got = runSingle(*b, ids);
        auto ref = bertReference(cfg, w, ids);
        EXPECT_LT((got - ref).abs().max().item<double>(), 1e-4) << "length " << ids.size();
    }
}

TEST(RandomBert, OneTokenForwardLeavesTheModelUnchanged) {
    // A one-row linear with a bias once accumulated into the bias tensor itself (rawLinear's
    // expand().contiguous() is the bias for M == 1): every later output was wrong.
    test::TempDir dir;
    Rng rng;
    auto cfg = bertConfig();
    auto w = bertWeights(cfg, rng);
    writeModel(dir.path(), cfg, w);
    auto b = model::loadBackbone(dir.path());
    std::vector<std::int32_t> ids{2, 7, 11, 5, 3};
    auto ref = bertReference(cfg, w, ids);
    for (int i = 0; i < 3; ++i)
        runSingle(*b, {7}); // length-1 sequences, alone
    EXPECT_LT((runSingle(*b, ids) - ref).abs().max().item<double>(), 1e-4);
    EXPECT_LT((runSingle(*b, {7}) - bertReference(cfg, w, {7})).abs().max().item<double>(), 1e-4);
}

TEST(RandomBert, BatchedEqualsSingleBothPaddings) {
    test::TempDir dir;
    Rng rng;
    auto cfg = bertConfig();
    writeModel(dir.path(), cfg, bertWeights(cfg, rng));
    checkBatchedEqualsSingle(dir.path(), {embed::Pooling::Cls, embed::Pooling::Mean, embed::Pooling::Last});
}

TEST(RandomBert, PrefixedAndLegacyNamesLoad) {
    test::TempDir dir;
    Rng rng;
    auto cfg = bertConfig();
    auto w = bertWeights(cfg, rng);
    Weights renamed;
    for (auto& [n, t] : w) {
        std::string m = "bert." + n;
        if (m.size() > 16 && m.compare(m.size() - 16, 16, "LayerNorm.weight") == 0)
            m = m.substr(0, m.size() - 6) + "gamma";
        else if (m.size() > 14 && m.compare(m.size() - 14, 14, "LayerNorm.bias") == 0)
            m = m.substr(0, m.size() - 4) + "beta";
        renamed[m] = t;
    }
    writeModel(dir.path(), cfg, renamed);
    auto b = model::loadBackbone(dir.path());
    std::vector<std::int32_t> ids{5, 9, 11, 3};
    EXPECT_LT((runSingle(*b, ids) - bertReference(cfg, w, ids)).abs().max().item<double>(), 1e-4);
}

TEST(RandomBert, MissingAndMisshapedTensorsNameThemselves) {
    test::TempDir dir;
    Rng rng;
    auto cfg = bertConfig();
    auto w = bertWeights(cfg, rng);
    w.erase("encoder.layer.1.attention.self.key.bias");
    writeModel(dir.path(), cfg, w);
    try {
        model::loadBackbone(dir.path());
        FAIL() << "expected an error";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "model");
        EXPECT_NE(std::string(f.what()).find("encoder.layer.1.attention.self.key.bias"), std::string::npos)
            << f.what();
    }
    w = bertWeights(cfg, rng);
    w["encoder.layer.0.intermediate.dense.weight"] = rng.normal({60, 32});
    writeModel(dir.path(), cfg, w);
    auto e = embed::Embedder::load(dir.path()); // the public API reports it as a value
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("encoder.layer.0.intermediate.dense.weight"), std::string::npos)
        << e.error().message;
    EXPECT_NE(e.error().message.find("[60, 32]"), std::string::npos) << e.error().message;
    EXPECT_NE(e.error().message.find("[64, 32]"), std::string::npos) << e.error().message;
    // A config field of the wrong type names the field.
    cfg["hidden_size"] = "32";
    test::writeFile(dir / "config.json", cfg.dump());
    e = embed::Embedder::load(dir.path());
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("hidden_size"), std::string::npos) << e.error().message;
}

class RandomDecoder : public ::testing::TestWithParam<std::string> {};

TEST_P(RandomDecoder, ForwardAndLogitsMatchFloat64Reference) {
    test::TempDir dir;
    Rng rng;
    auto cfg = decoderConfig(GetParam());
    auto w = decoderWeights(cfg, rng);
    writeModel(dir.path(), cfg, w);
    auto b = model::loadBackbone(dir.path(), {.lmHead = true});
    EXPECT_TRUE(b->spec().decoder);
    for (const auto& ids : randomSequences(3, 60, 9, 20, 3)) { // longer than Mistral's window of 4
        auto [refH, refLogits] = decoderReference(cfg, w, ids);
        EXPECT_LT((runSingle(*b, ids) - refH).abs().max().item<double>(), 1e-4);
        torch::NoGradGuard ng;
        auto t = torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), torch::kInt64).unsqueeze(0);
        auto logits = b->logits(t, torch::ones_like(t)).squeeze(0).to(torch::kFloat64);
        EXPECT_LT((logits - refLogits).abs().max().item<double>(), 1e-4);
    }
}

TEST_P(RandomDecoder, BatchedEqualsSingleBothPaddings) {
    test::TempDir dir;
    Rng rng;
    auto cfg = decoderConfig(GetParam());
    writeModel(dir.path(), cfg, decoderWeights(cfg, rng));
    checkBatchedEqualsSingle(dir.path(), {embed::Pooling::Last, embed::Pooling::Mean});
}

TEST_P(RandomDecoder, MisshapedTensorShowsBothShapes) {
    test::TempDir dir;
    Rng rng;
    auto cfg = decoderConfig(GetParam());
    auto w = decoderWeights(cfg, rng);
    w["model.layers.1.self_attn.k_proj.weight"] = rng.normal({32, 32});
    writeModel(dir.path(), cfg, w);
    try {
        model::loadBackbone(dir.path());
        FAIL() << "expected an error";
    } catch (const Failure& f) {
        std::string m = f.what();
        EXPECT_NE(m.find("model.layers.1.self_attn.k_proj.weight"), std::string::npos) << m;
        EXPECT_NE(m.find("[32, 32]"), std::string::npos) << m;
        EXPECT_NE(m.find("[16, 32]"), std::string::npos) << m;
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, RandomDecoder, ::testing::Values("qwen2", "mistral"));

TEST(RandomDecoderSliding, WindowChangesTheResult) {
    // Guards the reference itself: Mistral's window must matter for sequences longer than it.
    test::TempDir a, b;
    Rng rng;
    auto cfg = decoderConfig("mistral");
    auto w = decoderWeights(cfg, rng);
    writeModel(a.path(), cfg, w);
    cfg["sliding_window"] = nullptr;
    writeModel(b.path(), cfg, w);
    std::vector<std::int32_t> ids{5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    auto ha = runSingle(*model::loadBackbone(a.path()), ids),
         hb = runSingle(*model::loadBackbone(b.path()), ids);
    EXPECT_LT((ha[3] - hb[3]).abs().max().item<double>(), 1e-6); // inside the window: identical
    EXPECT_GT((ha[9] - hb[9]).abs().max().item<double>(), 1e-3);
}

TEST(RandomDecoderRope, Transformers5RopeParametersAreRead) {
    // transformers >= 5 writes rope_theta inside rope_parameters; the float64 reference uses the same theta.
    test::TempDir dir;
    Rng rng;
    auto cfg = decoderConfig("qwen2"); // theta 1e6, far from the 1e4 default
    auto w = decoderWeights(cfg, rng);
    auto saved = cfg;
    saved.erase("rope_theta");
    saved["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", cfg["rope_theta"]}};
    writeModel(dir.path(), saved, w);
    std::vector<std::int32_t> ids{5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    auto [refH, refLogits] = decoderReference(cfg, w, ids);
    EXPECT_LT((runSingle(*model::loadBackbone(dir.path()), ids) - refH).abs().max().item<double>(), 1e-4);
    // and the default theta would differ visibly (the test can fail)
    auto other = cfg;
    other["rope_theta"] = 10000.0;
    auto [otherH, otherLogits] = decoderReference(other, w, ids);
    EXPECT_GT((otherH - refH).abs().max().item<double>(), 1e-3);

    saved["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", "big"}};
    writeModel(dir.path(), saved, w);
    try {
        model::loadBackbone(dir.path());
        FAIL() << "expected an error";
    } catch (const Failure& f) {
        EXPECT_NE(std::string(f.what()).find("rope_parameters.rope_theta"), std::string::npos) << f.what();
    }
}
