#pragma once
// A tiny torch backbone for the trainer's tests: embeddings, a causal running mean (so positions
// interact), a two-layer MLP through train::project (so LoRA applies) with dropout, a norm.

#include "core/train/engine.h"
#include "core/train/lora.h"

#include <torch/torch.h>

namespace synthembed::test {

struct TinyModelImpl : torch::nn::Module {
    TinyModelImpl(int vocab = 64, int hidden = 16, double dropout = 0.0) : p(dropout) {
        embed = register_parameter("embed_weight", torch::randn({vocab, hidden}) * 0.5);
        w1 = register_parameter("up_weight", torch::randn({2 * hidden, hidden}) * 0.3);
        b1 = register_parameter("up_bias", torch::randn({2 * hidden}) * 0.1);
        w2 = register_parameter("down_weight", torch::randn({hidden, 2 * hidden}) * 0.3);
        b2 = register_parameter("down_bias", torch::zeros({hidden}));
        norm = register_parameter("norm_weight", torch::ones({hidden}));
    }
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) {
        auto x = embed.index_select(0, ids.reshape(-1)).view({ids.size(0), ids.size(1), -1});
        x = x * mask.unsqueeze(-1).to(x.dtype());
        auto n = torch::arange(1, ids.size(1) + 1, x.options()).view({1, -1, 1});
        auto cs = x.cumsum(1) / n;
        auto h = torch::gelu(train::project(cs, w1, b1, up.is_empty() ? nullptr : up.get()));
        if (p > 0) h = torch::dropout(h, p, is_training());
        h = train::project(h, w2, b2, down.is_empty() ? nullptr : down.get()) + cs;
        return h * norm;
    }
    std::vector<train::ProjectionRef> projections() {
        return {{"mlp.up", w1, [this](train::LoraAdapter a) { up = a; }},
                {"mlp.down", w2, [this](train::LoraAdapter a) { down = a; }}};
    }
    torch::Tensor embed, w1, b1, w2, b2, norm;
    train::LoraAdapter up{nullptr}, down{nullptr};
    double p;
    bool poison = false; ///< forward returns NaN (to test the non-finite stop)
};
TORCH_MODULE(TinyModel);

inline train::Backbone tinyBackbone(TinyModel m) {
    train::Backbone b;
    b.module = m.ptr();
    b.forward = [m](const torch::Tensor& ids, const torch::Tensor& mask) mutable {
        auto h = m->forward(ids, mask);
        return m->poison ? h * std::numeric_limits<float>::quiet_NaN() : h;
    };
    b.projections = [m]() mutable { return m->projections(); };
    return b;
}

/// Bytes of the text folded into [3, vocab): a deterministic toy tokenizer with BOS=1, EOS=2.
inline train::TokenizerFns byteTokenizer(int vocab = 64) {
    train::TokenizerFns t;
    t.encode = [vocab](const std::string& s) {
        std::vector<std::int32_t> ids{1};
        for (unsigned char ch : s) ids.push_back(3 + static_cast<int>(ch) % (vocab - 3));
        return ids;
    };
    t.eosId = 2;
    t.padId = 0;
    return t;
}

inline std::vector<train::TrainExample> toyExamples(int n) {
    std::vector<train::TrainExample> out;
    const char* words[] = {"apple", "river", "stone", "cloud", "music", "tiger", "paper", "light", "green", "ocean"};
    for (int i = 0; i < n; ++i) {
        train::TrainExample e;
        e.family = i % 3 == 0 ? "sts" : "retrieval";
        e.instruction = i % 2 ? "find the matching text" : "";
        e.query = std::string(words[i % 10]) + " " + words[(i * 7 + 3) % 10] + " " + std::to_string(i);
        e.positive = "about " + e.query + " and " + words[(i + 1) % 10];
        if (i % 3 != 0) e.negatives.push_back("not " + std::string(words[(i + 5) % 10]) + " " + std::to_string(i * 3));
        if (i % 4 == 1) e.negatives.push_back("other " + std::string(words[(i + 2) % 10]));
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace synthembed::test
