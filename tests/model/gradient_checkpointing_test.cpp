// Gradient checkpointing (core/model/recompute.*) on random BERT and Qwen2-shaped models: the loss
// and every parameter gradient (full fine-tune with adapters, LoRA only) equal those without
// checkpointing, with LoRA dropout active (so the recomputation must replay the same masks), with
// and without GradCache; and activation memory kept for backward actually shrinks.

#include "core/model/backbone.h"
#include "core/train/gradcache.h"
#include "core/train/lora.h"
#include "core/train/loss.h"

#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <malloc.h>

using namespace synthembed;
using nlohmann::json;

namespace {

json bertConfig(int layers = 2, int hidden = 32) {
    return {{"model_type", "bert"},          {"vocab_size", 50},         {"hidden_size", hidden},
            {"num_hidden_layers", layers},   {"num_attention_heads", 4}, {"intermediate_size", 2 * hidden},
            {"max_position_embeddings", 80}, {"type_vocab_size", 2},     {"layer_norm_eps", 1e-12},
            {"hidden_act", "gelu"},          {"pad_token_id", 0}};
}

json qwen2Config(int layers = 2, int hidden = 32) {
    return {{"model_type", "qwen2"},
            {"vocab_size", 50},
            {"hidden_size", hidden},
            {"intermediate_size", 2 * hidden},
            {"num_hidden_layers", layers},
            {"num_attention_heads", 4},
            {"num_key_value_heads", 2},
            {"rms_norm_eps", 1e-6},
            {"rope_theta", 10000.0},
            {"max_position_embeddings", 80},
            {"tie_word_embeddings", true},
            {"hidden_act", "silu"},
            {"eos_token_id", 2}};
}

std::shared_ptr<model::Backbone> makeModel(const test::TempDir& dir, const json& config) {
    test::writeFile(dir / "config.json", config.dump());
    return model::randomBackbone(dir / "config.json", {}, 3);
}

enum class Mode { Full, Lora };

struct Fixture {
    std::shared_ptr<model::Backbone> bb;
    train::LoraSet lora{nullptr};
    std::vector<std::pair<std::string, torch::Tensor>> trainable;
    train::ContrastiveBatch batch;
    train::Pooling pooling;

    Fixture(const test::TempDir& dir, const json& config, Mode mode) {
        bb = makeModel(dir, config);
        pooling = bb->spec().decoder ? train::Pooling::LastToken : train::Pooling::Mean;
        // Freeze or unfreeze the backbone before adapters exist (they register under its Linears).
        for (auto& p : bb->module().named_parameters()) {
            p.value().set_requires_grad(mode == Mode::Full);
            if (mode == Mode::Full) trainable.emplace_back(p.key(), p.value());
        }
        train::LoraOptions o;
        o.rank = 4;
        o.alpha = 8;
        o.dropout = 0.3; // the backbones' only dropout: the recomputation must replay its masks
        torch::manual_seed(11);
        lora = train::LoraSet(bb->module(), o);
        {
            torch::NoGradGuard ng;
            for (auto& p : lora->parameters())
                p.normal_(0, 0.2); // B != 0: every weight gets a gradient
        }
        for (auto& p : lora->named_parameters())
            trainable.emplace_back("lora." + p.key(), p.value());
        // 4 queries, 6 documents; ragged lengths, so padding and the mask matter (right padding).
        auto mk = [&](int n, int seed) {
            torch::manual_seed(seed);
            auto ids = torch::randint(3, 50, {n, 9}, torch::kLong);
            auto mask = torch::ones({n, 9}, torch::kLong);
            for (int i = 0; i < n; ++i)
                mask[i].slice(0, 4 + i % 5).zero_();
            return train::TokenBatch{ids * mask, mask};
        };
        batch.queries = mk(4, 21);
        batch.documents = mk(6, 22);
        batch.positiveIndex = torch::arange(4, torch::kLong);
    }

    struct Result {
        double loss;
        std::vector<torch::Tensor> grads;
    };

    Result step(bool checkpointing, int miniBatch, std::uint64_t seed = 5) {
        bb->setGradientCheckpointing(checkpointing);
        bb->module().train();
        lora->train();
        for (auto& [n, t] : trainable)
            t.mutable_grad() = torch::Tensor();
        torch::manual_seed(seed);
        auto encode = [&](const train::TokenBatch& b) {
            return train::poolHidden(bb->forward(b.ids, b.mask), b.mask, pooling);
        };
        auto s = train::contrastiveBackward(encode, batch, {0.05, true}, miniBatch, nullptr);
        Result r{s.loss, {}};
        for (auto& [n, t] : trainable)
            r.grads.push_back(t.grad().defined() ? t.grad().clone() : torch::Tensor());
        return r;
    }

    void expectSame(int miniBatch) {
        auto plain = step(false, miniBatch);
        auto ckpt = step(true, miniBatch);
        EXPECT_NEAR(plain.loss, ckpt.loss, 1e-6);
        ASSERT_EQ(plain.grads.size(), ckpt.grads.size());
        int nonzero = 0;
        for (std::size_t i = 0; i < plain.grads.size(); ++i) {
            const auto& name = trainable[i].first;
            ASSERT_TRUE(plain.grads[i].defined()) << name << " got no gradient without checkpointing";
            ASSERT_TRUE(ckpt.grads[i].defined()) << name << " got no gradient with checkpointing";
            const double diff = (plain.grads[i] - ckpt.grads[i]).abs().max().item<double>();
            EXPECT_LE(diff, 1e-6) << name;
            if (plain.grads[i].abs().max().item<double>() > 0) ++nonzero;
        }
        EXPECT_GT(nonzero, static_cast<int>(plain.grads.size()) / 2);
        // Dropout is really active: another seed gives another loss (so the equality above needed
        // the recomputation to replay the masks).
        auto other = step(true, miniBatch, 99);
        EXPECT_GT(std::abs(other.loss - ckpt.loss), 1e-7);
        bb->setGradientCheckpointing(false);
    }
};

} // namespace

TEST(GradientCheckpointing, BertFullFineTuneSameLossAndGradients) {
    test::TempDir dir;
    Fixture s(dir, bertConfig(), Mode::Full);
    s.expectSame(0);
}

TEST(GradientCheckpointing, BertLoraSameLossAndGradients) {
    test::TempDir dir;
    Fixture s(dir, bertConfig(), Mode::Lora);
    s.expectSame(0);
}

TEST(GradientCheckpointing, BertWithGradCache) {
    test::TempDir dir;
    Fixture full(dir, bertConfig(), Mode::Full);
    full.expectSame(3);
    Fixture lora(dir, bertConfig(), Mode::Lora);
    lora.expectSame(3);
}

TEST(GradientCheckpointing, Qwen2FullFineTuneSameLossAndGradients) {
    test::TempDir dir;
    Fixture s(dir, qwen2Config(), Mode::Full);
    s.expectSame(0);
}

TEST(GradientCheckpointing, Qwen2LoraSameLossAndGradients) {
    test::TempDir dir;
    Fixture s(dir, qwen2Config(), Mode::Lora);
    s.expectSame(0);
}

TEST(GradientCheckpointing, Qwen2WithGradCache) {
    test::TempDir dir;
    Fixture full(dir, qwen2Config(), Mode::Full);
    full.expectSame(3);
    Fixture lora(dir, qwen2Config(), Mode::Lora);
    lora.expectSame(3);
}

TEST(GradientCheckpointing, OnlyWhenTrainingWithGrad) {
    test::TempDir dir;
    auto bb = makeModel(dir, qwen2Config());
    for (auto& p : bb->module().parameters())
        p.set_requires_grad(true);
    bb->setGradientCheckpointing(true);
    auto ids = torch::randint(3, 50, {2, 5}, torch::kLong);
    auto mask = torch::ones({2, 5}, torch::kLong);
    bb->module().eval(); // evaluation: the plain path, same numbers
    auto evalOut = bb->forward(ids, mask);
    bb->module().train();
    auto trainOut = bb->forward(ids, mask);
    EXPECT_TRUE(torch::allclose(evalOut, trainOut, 1e-6, 1e-6)); // no dropout without adapters
    {
        torch::NoGradGuard ng;
        EXPECT_FALSE(bb->forward(ids, mask).requires_grad());
    }
    trainOut.sum().backward();
    for (auto& p : bb->module().named_parameters())
        EXPECT_TRUE(p.value().grad().defined()) << p.key();
}

namespace {
// Bytes in use on the heap (tensors this thread allocates: main arena + mmapped blocks).
std::int64_t heapInUse() {
    auto mi = mallinfo2();
    return static_cast<std::int64_t>(mi.uordblks + mi.hblkhd);
}

std::int64_t graphBytes(model::Backbone& bb, bool checkpointing) {
    bb.setGradientCheckpointing(checkpointing);
    torch::manual_seed(1);
    auto ids = torch::randint(3, 50, {8, 64}, torch::kLong);
    auto mask = torch::ones({8, 64}, torch::kLong);
    const auto before = heapInUse();
    auto out = bb.forward(ids, mask); // the graph (and what it saves) lives as long as `out`
    const auto held = heapInUse() - before;
    out.sum().backward();
    return held;
}
} // namespace

TEST(GradientCheckpointing, KeepsLessActivationMemory) {
    // Counted with glibc's heap statistics: exact for this single-threaded allocation pattern.
    test::TempDir dir;
    for (const auto& cfg : {bertConfig(4, 64), qwen2Config(4, 64)}) {
        auto bb = makeModel(dir, cfg);
        for (auto& p : bb->module().parameters())
            p.set_requires_grad(true);
        bb->module().train();
        graphBytes(*bb, false); // warm up (allocator caches, thread pools)
        const auto plain = graphBytes(*bb, false);
        const auto ckpt = graphBytes(*bb, true);
        std::printf("%s: graph holds %.2f MB without, %.2f MB with checkpointing\n",
                    cfg["model_type"].get<std::string>().c_str(), plain / 1048576.0, ckpt / 1048576.0);
        EXPECT_GT(plain, 0);
        EXPECT_LT(ckpt, plain / 3) << cfg["model_type"];
    }
}
