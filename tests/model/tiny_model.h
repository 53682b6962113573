#pragma once
// A tiny model::Backbone for the trainer's tests: embeddings, a causal running mean (so positions
// interact), a two-layer MLP through model::Linear (so LoRA attaches as to every real model) with
// dropout, a norm.

#include "core/model/backbone.h"
#include "core/model/linear.h"
#include "core/train/trainer.h"

#include <torch/torch.h>

#include <limits>
#include <memory>

namespace synthembed::test {

struct TinyModule : torch::nn::Module {
    TinyModule(int vocab, int hidden, double dropout) : p(dropout) {
        embed = register_parameter("embed_weight", torch::randn({vocab, hidden}) * 0.5);
        // "mlp.up" / "mlp.down", as model::forEachLinear (and so LoRA's target names) see them.
        auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
        up = mlp->register_module("up", model::Linear(model::LinearOptions(hidden, 2 * hidden).bias(true)));
        down = mlp->register_module("down", model::Linear(model::LinearOptions(2 * hidden, hidden).bias(true)));
        torch::NoGradGuard ng;
        up->weight.copy_(torch::randn({2 * hidden, hidden}) * 0.3);
        up->bias.copy_(torch::randn({2 * hidden}) * 0.1);
        down->weight.copy_(torch::randn({hidden, 2 * hidden}) * 0.3);
        down->bias.zero_();
        norm = register_parameter("norm_weight", torch::ones({hidden}));
    }
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) {
        auto x = embed.index_select(0, ids.reshape(-1)).view({ids.size(0), ids.size(1), -1});
        x = x * mask.unsqueeze(-1).to(x.dtype());
        auto n = torch::arange(1, ids.size(1) + 1, x.options()).view({1, -1, 1});
        auto cs = x.cumsum(1) / n;
        auto h = torch::gelu(up(cs));
        if (p > 0) h = torch::dropout(h, p, is_training());
        h = down(h) + cs;
        return h * norm;
    }
    torch::Tensor embed, norm;
    model::Linear up{nullptr}, down{nullptr};
    double p;
};

class TinyModel : public model::Backbone {
  public:
    TinyModel(int vocab, int hidden, double dropout) : net(std::make_shared<TinyModule>(vocab, hidden, dropout)) {
        m_spec.modelType = "tiny";
        m_spec.decoder = true;
        m_spec.hiddenSize = hidden;
        m_spec.vocabSize = vocab;
        m_spec.bosTokenId = 1;
        m_spec.eosTokenId = 2;
        m_spec.padTokenId = 0;
    }
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) override {
        auto h = net->forward(ids, mask);
        return poison ? h * std::numeric_limits<float>::quiet_NaN() : h;
    }
    torch::nn::Module& module() override { return *net; }
    /// Nothing worth recomputing in a model this small: only remembered.
    void setGradientCheckpointing(bool on) override { gradientCheckpointing = on; }

    std::shared_ptr<TinyModule> net;
    bool poison = false; ///< forward returns NaN (to test the non-finite stop)
    bool gradientCheckpointing = false;
};

inline std::shared_ptr<TinyModel> tinyModel(int vocab = 64, int hidden = 16, double dropout = 0.0) {
    return std::make_shared<TinyModel>(vocab, hidden, dropout);
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
