// Batching must not change embeddings: the same text gives the same vector (within 1e-5) at every
// batch size, in any input order, padded left or right, whether the decoder runs its packed
// inference path (real tokens only) or the general padded path with the [B, 1, 1, S, S] mask.
// Also: progress counts texts up to the total and cancellation stops the worker threads.

#include "core/embed/embedder.h"
#include "core/model/backbone.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

using namespace synthembed;

namespace {

/// Texts from 1 to ~60 words (a few hundred characters), in a scrambled length order.
std::vector<std::string> mixedTexts(std::size_t n) {
    const std::vector<std::string> words = {"card",   "arrived", "my",      "transfer", "pending", "why",
                                            "is",     "the",     "account", "top-up",   "failed",  "once",
                                            "upon",   "a",       "time",    "little",   "girl",    "Lily"};
    std::mt19937 rng(7);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t len = 1 + (i * 37) % 60;
        std::string t;
        for (std::size_t w = 0; w < len; ++w)
            t += (w ? " " : "") + words[rng() % words.size()];
        out.push_back(t + (i % 3 == 0 ? "?" : "."));
    }
    return out;
}

double maxDiff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = 0; j < a[i].size(); ++j)
            d = std::max(d, static_cast<double>(std::fabs(a[i][j] - b[i][j])));
    return d;
}

} // namespace

TEST(EmbedBatching, SameVectorsAtEveryBatchSizeAndOrder) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto e = embed::Embedder::load(dir);
    ASSERT_TRUE(e.ok()) << e.error().message;
    const auto texts = mixedTexts(120);
    for (auto pooling : {embed::Pooling::Last, embed::Pooling::Mean}) {
        for (auto padding : {embed::Padding::Left, embed::Padding::Right}) {
            embed::EmbedOptions o;
            o.pooling = pooling;
            o.padding = padding;
            o.batchSize = 1; // no padding at all: the reference
            auto ref = (*e)->embed(texts, o);
            ASSERT_TRUE(ref.ok()) << ref.error().message;
            ASSERT_EQ(ref->size(), texts.size());
            for (int batch : {3, 8, 32, 256}) {
                o.batchSize = batch;
                auto v = (*e)->embed(texts, o);
                ASSERT_TRUE(v.ok()) << v.error().message;
                EXPECT_LE(maxDiff(*ref, *v), 1e-5) << "batch " << batch << " pooling " << embed::poolingName(pooling);
            }
            // Shuffled input: each vector still comes back at its text's position.
            std::vector<std::size_t> perm(texts.size());
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), std::mt19937(3));
            std::vector<std::string> shuffled;
            for (auto i : perm)
                shuffled.push_back(texts[i]);
            o.batchSize = 64;
            auto v = (*e)->embed(shuffled, o);
            ASSERT_TRUE(v.ok()) << v.error().message;
            std::vector<std::vector<float>> back(texts.size());
            for (std::size_t k = 0; k < perm.size(); ++k)
                back[perm[k]] = v->at(k);
            EXPECT_LE(maxDiff(*ref, back), 1e-5);
        }
    }
}

namespace {

// The real model, and random Mistral-style models with a sliding window of 3 tokens (so the
// window, not only causality, limits what a token sees). With autograd on, heads of 8 take the
// fused training attention (smallHeadCausalTraining) and heads of 64 the additive-mask path.
std::vector<std::shared_ptr<model::Backbone>> decoderModels(const std::filesystem::path& stories,
                                                            const std::filesystem::path& tmp) {
    auto write = [](const std::filesystem::path& dir, std::int64_t hidden, std::int64_t heads, std::int64_t kv) {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "config.json") << nlohmann::json{{"model_type", "mistral"},
                                                             {"vocab_size", 512},
                                                             {"hidden_size", hidden},
                                                             {"intermediate_size", 96},
                                                             {"num_hidden_layers", 2},
                                                             {"num_attention_heads", heads},
                                                             {"num_key_value_heads", kv},
                                                             {"sliding_window", 3},
                                                             {"max_position_embeddings", 256}}
                                                                 .dump();
        return dir / "config.json";
    };
    return {model::loadBackbone(stories), model::randomBackbone(write(tmp / "small", 64, 8, 2)),
            model::randomBackbone(write(tmp / "wide", 128, 2, 1))};
}

// ids and mask [B, S] with rows of the given lengths, padded on the left or on the right.
std::pair<torch::Tensor, torch::Tensor> paddedBatch(const std::vector<std::int64_t>& lens, std::int64_t S, bool left) {
    const auto B = static_cast<std::int64_t>(lens.size());
    auto ids = torch::zeros({B, S}, torch::kInt64);
    auto mask = torch::zeros({B, S}, torch::kInt64);
    for (std::int64_t b = 0; b < B; ++b)
        for (std::int64_t t = 0; t < lens[b]; ++t) {
            const auto pos = left ? S - lens[b] + t : t;
            ids[b][pos] = 3 + (b * 31 + t * 7) % 500;
            mask[b][pos] = 1;
        }
    return {ids, mask};
}

} // namespace

TEST(EmbedBatching, PackedDecoderPathMatchesPaddedPath) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    test::TempDir tmp;
    // Rows longer than the attention's 64-row blocks, and shorter ones.
    const std::vector<std::int64_t> lens = {150, 1, 70, 150, 2, 64, 65};
    const std::int64_t S = 150;
    for (auto& m : decoderModels(dir, tmp.path())) {
        for (bool left : {true, false}) {
            auto [ids, mask] = paddedBatch(lens, S, left);
            torch::Tensor packed, padded;
            {
                torch::NoGradGuard noGrad; // inference: the packed path
                packed = m->forward(ids, mask);
            }
            padded = m->forward(ids, mask).detach(); // autograd on: the training path
            ASSERT_EQ(packed.sizes(), padded.sizes());
            auto real = mask.to(torch::kBool);
            // Hidden states, not unit vectors: float rounding relative to their size.
            const double scale = std::max(1.0, padded.index({real}).abs().max().item<double>());
            const double diff = (packed.index({real}) - padded.index({real})).abs().max().item<double>() / scale;
            EXPECT_LE(diff, 1e-5) << m->spec().modelType << (left ? " left" : " right") << " padding, scale " << scale;
            // Padded positions hold zeros on both paths.
            EXPECT_EQ(packed.index({real.logical_not()}).abs().sum().item<double>(), 0.0);
            EXPECT_EQ(padded.index({real.logical_not()}).abs().sum().item<double>(), 0.0);
        }
    }
}

// Training over a padded batch computes its tokens only (LlamaModel::forwardTrainingPacked, and
// BERT's layers outside the attention): its hidden
// states and every parameter's gradient equal those of each sequence run alone, unpadded, with
// the gradients summed; with gradient checkpointing too.
TEST(EmbedBatching, TrainingOnAPaddedBatchEqualsEachSequenceAlone) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    test::TempDir tmp;
    const std::vector<std::int64_t> lens = {40, 1, 70, 3, 65};
    const std::int64_t S = 70;
    torch::manual_seed(11);
    auto models = decoderModels(dir, tmp.path());
    std::ofstream(tmp / "bert.json") << nlohmann::json{{"model_type", "bert"},       {"vocab_size", 512},
                                                       {"hidden_size", 64},          {"intermediate_size", 96},
                                                       {"num_hidden_layers", 2},     {"num_attention_heads", 4},
                                                       {"max_position_embeddings", 128}}
                                                          .dump();
    models.push_back(model::randomBackbone(tmp / "bert.json"));
    for (auto& m : models) {
        auto params = m->module().parameters();
        for (auto& p : params)
            p.set_requires_grad(true);
        const auto H = m->forward(torch::ones({1, 1}, torch::kInt64), torch::Tensor()).size(-1);
        auto weights = torch::randn({static_cast<std::int64_t>(lens.size()), S, H});
        auto grads = [&]() {
            std::vector<torch::Tensor> g;
            for (auto& p : params) {
                g.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
                if (p.grad().defined()) p.mutable_grad().zero_();
            }
            return g;
        };
        for (bool checkpointing : {false, true})
            for (bool left : {true, false}) {
                m->setGradientCheckpointing(checkpointing);
                auto [ids, mask] = paddedBatch(lens, S, left);
                auto real = mask.to(torch::kBool);
                auto out = m->forward(ids, mask);
                (out * weights * real.unsqueeze(-1)).sum().backward();
                auto batchGrads = grads();
                const auto label = m->spec().modelType + (left ? " left" : " right") +
                                   (checkpointing ? " padding, checkpointing" : " padding");
                EXPECT_EQ(out.detach().index({real.logical_not()}).abs().sum().item<double>(), 0.0) << label;
                for (std::int64_t b = 0; b < static_cast<std::int64_t>(lens.size()); ++b) {
                    auto cols = real[b].nonzero().squeeze(1);
                    auto alone = m->forward(ids[b].index_select(0, cols).unsqueeze(0), torch::Tensor());
                    (alone[0] * weights[b].index_select(0, cols)).sum().backward();
                    auto mine = out.detach()[b].index_select(0, cols);
                    const double scale = std::max(1.0, alone.detach().abs().max().item<double>());
                    EXPECT_LE((mine - alone.detach()[0]).abs().max().item<double>() / scale, 1e-5)
                        << label << ", sequence " << b;
                }
                auto aloneGrads = grads();
                for (std::size_t i = 0; i < params.size(); ++i) {
                    const double scale = std::max(1e-3, aloneGrads[i].abs().max().item<double>());
                    EXPECT_LE((batchGrads[i] - aloneGrads[i]).abs().max().item<double>() / scale, 1e-4)
                        << label << ", parameter " << i;
                }
            }
        m->setGradientCheckpointing(false);
        // No mask (no padding): every row is its own sequence.
        auto ids = torch::randint(3, 500, {3, 9}, torch::kInt64);
        auto all = m->forward(ids, torch::Tensor()).detach();
        for (std::int64_t b = 0; b < 3; ++b) {
            auto alone = m->forward(ids[b].unsqueeze(0), torch::Tensor()).detach()[0];
            EXPECT_LE((all[b] - alone).abs().max().item<double>() / std::max(1.0, alone.abs().max().item<double>()), 1e-5)
                << m->spec().modelType << ", unpadded row " << b;
        }
    }
}

TEST(EmbedBatching, ProgressCountsTextsAndCancellationStops) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto e = embed::Embedder::load(dir);
    ASSERT_TRUE(e.ok()) << e.error().message;
    const auto texts = mixedTexts(200);
    embed::EmbedOptions o;
    o.batchSize = 8;
    std::vector<std::int64_t> done;
    ProgressHooks hooks;
    hooks.progress = [&](std::int64_t d, std::int64_t total, const std::string& stage) {
        EXPECT_EQ(total, 200);
        EXPECT_EQ(stage, "embedding");
        done.push_back(d);
    };
    auto v = (*e)->embed(texts, o, hooks);
    ASSERT_TRUE(v.ok()) << v.error().message;
    ASSERT_FALSE(done.empty());
    EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
    EXPECT_EQ(done.back(), 200);

    // Stop once the first batches are reported: the call ends as cancelled, before the rest.
    const auto many = mixedTexts(3000);
    std::atomic<bool> seen{false};
    std::atomic<std::int64_t> last{0};
    hooks.progress = [&](std::int64_t d, std::int64_t, const std::string&) {
        seen = true;
        last = d;
    };
    hooks.shouldStop = [&] { return seen.load(); };
    auto stopped = (*e)->embed(many, o, hooks);
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(stopped.error().code, "cancelled");
    EXPECT_LT(last.load(), 3000);
    // The workers are free again afterwards.
    hooks.shouldStop = {};
    hooks.progress = {};
    auto again = (*e)->embed(texts, o, hooks);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_LE(maxDiff(*v, *again), 1e-6);
}
