// Losses, pooling, LoRA, GradCache and optimiser pieces of the trainer, on hand-computed values
// and a tiny torch model.

#include "core/model/gemm.h"
#include "core/train/gradcache.h"
#include "core/train/loss.h"
#include "core/train/lora.h"
#include "core/train/optim.h"
#include "tiny_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

using namespace synthembed;
using namespace synthembed::train;

TEST(InfoNce, MatchesHandComputedExample) {
    // q0=(1,0), q1=(0,1); documents d0=(1,0) [pos of q0], d1=(1,1) [pos of q1], d2=(0,-1) [hard negative].
    auto q = torch::tensor({1.f, 0.f, 0.f, 1.f}).view({2, 2});
    auto d = torch::tensor({1.f, 0.f, 1.f, 1.f, 0.f, -1.f}).view({3, 2});
    auto pos = torch::tensor({0, 1}, torch::kLong);
    const double t = 0.5, r2 = std::sqrt(2.0), s = 1 / r2; // cos(q0,d1) = cos(q1,d1) = 1/sqrt2
    // Row 0 logits: [1, s, 0]/t; row 1: [0, s, -1]/t.
    const double l0 = -1 / t + std::log(std::exp(1 / t) + std::exp(s / t) + std::exp(0.0));
    const double l1 = -s / t + std::log(std::exp(0.0) + std::exp(s / t) + std::exp(-1 / t));
    auto r = infoNce(q, d, pos, t);
    EXPECT_NEAR(r.loss.item<double>(), (l0 + l1) / 2, 1e-6);
    EXPECT_DOUBLE_EQ(r.accuracy, 1.0);
    EXPECT_NEAR(r.posCos, (1 + s) / 2, 1e-6);
    EXPECT_NEAR(r.negCos, (s + 0 + 0 - 1) / 4, 1e-6);
    // Symmetric: d0 against queries [1, 0]/t (label 0); d1 against [s, s]/t (label 1) = log 2.
    const double s0 = -1 / t + std::log(std::exp(1 / t) + 1.0), s1 = std::log(2.0);
    auto rs = infoNce(q, d, pos, t, true);
    EXPECT_NEAR(rs.loss.item<double>(), 0.5 * ((l0 + l1) / 2 + (s0 + s1) / 2), 1e-6);
    // Cosine: scaling an embedding changes nothing.
    auto r3 = infoNce(q * 3.0, d * torch::tensor({2.f, 5.f, 0.5f}).view({3, 1}), pos, t);
    EXPECT_NEAR(r3.loss.item<double>(), r.loss.item<double>(), 1e-6);
    // Default temperature 0.02 gives the same loss as logits scaled by 50 by hand.
    auto cos = torch::nn::functional::normalize(q, torch::nn::functional::NormalizeFuncOptions().dim(1))
                   .matmul(torch::nn::functional::normalize(d, torch::nn::functional::NormalizeFuncOptions().dim(1)).t());
    auto ce = torch::nn::functional::cross_entropy(cos * 50.0, pos);
    EXPECT_NEAR(infoNce(q, d, pos, TrainConfig{}.temperature).loss.item<double>(), ce.item<double>(), 1e-5);
}

TEST(InfoNce, GradientFlowsToQueriesAndDocuments) {
    auto q = torch::randn({4, 8}, torch::requires_grad());
    auto d = torch::randn({6, 8}, torch::requires_grad());
    infoNce(q, d, torch::tensor({0, 1, 2, 3}, torch::kLong), 0.02).loss.backward();
    EXPECT_GT(q.grad().abs().sum().item<double>(), 0);
    EXPECT_GT(d.grad().abs().sum().item<double>(), 0);
}

TEST(Pooling, LastMeanClsWithBothPaddings) {
    auto h = torch::arange(2 * 4 * 1, torch::kFloat).view({2, 4, 1}); // values = position index + 4*row
    auto right = torch::tensor({1, 1, 1, 0, 1, 1, 0, 0}, torch::kLong).view({2, 4});
    auto left = torch::tensor({0, 1, 1, 1, 0, 0, 1, 1}, torch::kLong).view({2, 4});
    auto lr = poolHidden(h, right, Pooling::LastToken).view(-1);
    EXPECT_FLOAT_EQ(lr[0].item<float>(), 2);
    EXPECT_FLOAT_EQ(lr[1].item<float>(), 5);
    auto ll = poolHidden(h, left, Pooling::LastToken).view(-1);
    EXPECT_FLOAT_EQ(ll[0].item<float>(), 3);
    EXPECT_FLOAT_EQ(ll[1].item<float>(), 7);
    auto mr = poolHidden(h, right, Pooling::Mean).view(-1);
    EXPECT_FLOAT_EQ(mr[0].item<float>(), 1);
    EXPECT_FLOAT_EQ(mr[1].item<float>(), 4.5);
    EXPECT_FLOAT_EQ(poolHidden(h, right, Pooling::Cls).view(-1)[1].item<float>(), 4);
    Pooling p;
    EXPECT_TRUE(parsePooling("mean", p));
    EXPECT_EQ(p, Pooling::Mean);
    EXPECT_FALSE(parsePooling("max", p));
}

TEST(Lora, StartsAtBaseModelMergesExactlyAndTargetsByName) {
    torch::manual_seed(1);
    auto m = test::tinyModel(32, 8, 0.0);
    auto ids = torch::randint(3, 32, {3, 5}, torch::kLong);
    auto mask = torch::ones({3, 5}, torch::kLong);
    m->module().eval();
    auto base = m->forward(ids, mask).detach();
    LoraOptions opt;
    opt.rank = 4;
    opt.alpha = 8;
    opt.dropout = 0.0;
    LoraSet set(m->module(), opt);
    ASSERT_EQ(set->adapters().size(), 2u);
    EXPECT_EQ(set->named_parameters().size(), 4u); // A and B of two projections
    EXPECT_TRUE(torch::allclose(m->forward(ids, mask), base)); // B = 0
    {
        torch::NoGradGuard ng;
        for (auto& p : set->parameters()) p.normal_(0, 0.2);
    }
    auto adapted = m->forward(ids, mask).detach();
    EXPECT_GT((adapted - base).abs().max().item<double>(), 1e-3);
    EXPECT_DOUBLE_EQ(set->adapters()[0].second->scale(), 2.0);
    set->mergeInto(m->module());
    set->detach(m->module());
    EXPECT_TRUE(torch::allclose(m->forward(ids, mask), adapted, 1e-5, 1e-5));

    LoraOptions only;
    only.targetModules = {"down"};
    auto m2 = test::tinyModel(32, 8);
    LoraSet s2(m2->module(), only);
    ASSERT_EQ(s2->adapters().size(), 1u);
    EXPECT_EQ(s2->adapters()[0].first, "mlp.down");
    only.targetModules = {"q_proj"};
    auto m3 = test::tinyModel(32, 8);
    EXPECT_THROW(LoraSet(m3->module(), only), Failure);
}

TEST(Lora, FusedProjectionEqualsTheComposedOpsWithAndWithoutDropout) {
    // LoRA's projection fuses the adapter into the base product (core/model/gemm.cpp); its output
    // and every gradient must equal the torch ops composed as PEFT composes them, with the same
    // dropout mask (model::loraDropoutNoise from the same generator state).
    // The second shape spans many row blocks of the fused kernels (32 x 512 products: 16 rows a
    // block, 281 blocks, the last one partial) and 57 chunks of partial gradient sums.
    if (!model::fastGemmAvailable()) GTEST_SKIP() << "oneDNN sgemm not available: the composed path is the only one";
    struct Shape {
        std::int64_t batch, seq, in, out, rank;
    };
    for (const Shape sh : {Shape{3, 7, 24, 40, 5}, Shape{7, 641, 512, 512, 32}})
    for (double p : {0.0, 0.3}) {
        for (bool withBias : {true, false}) {
            if (sh.seq > 7 && withBias) continue; // the bias path does not depend on the shape
            SCOPED_TRACE("dropout " + std::to_string(p) + (withBias ? ", bias" : ", no bias") + ", " +
                         std::to_string(sh.batch * sh.seq) + " rows");
            torch::manual_seed(3);
            LoraOptions o;
            o.rank = sh.rank;
            o.alpha = 2.0 * sh.rank;
            o.dropout = p;
            LoraAdapter a(sh.in, sh.out, o);
            a->train();
            auto x0 = torch::randn({sh.batch, sh.seq, sh.in});
            auto w0 = torch::randn({sh.out, sh.in}) * 0.2;
            auto b0 = withBias ? torch::randn({sh.out}) : torch::Tensor();
            {
                torch::NoGradGuard ng;
                a->B.normal_(0, 0.3); // B = 0 at start would hide B's part of the gradients
            }
            auto gy = torch::randn({sh.batch, sh.seq, sh.out});
            auto run = [&](bool fused) {
                auto x = x0.clone().requires_grad_(true);
                auto w = w0.clone().requires_grad_(true);
                auto b = withBias ? b0.clone().requires_grad_(true) : torch::Tensor();
                for (auto& t : a->parameters())
                    if (t.grad().defined()) t.grad().zero_();
                torch::manual_seed(99);
                torch::Tensor y;
                if (fused) {
                    y = a->project(x, w, b);
                } else {
                    auto base = withBias ? torch::linear(x, w, b) : torch::linear(x, w);
                    auto h = p > 0 ? x * model::loraDropoutNoise(x, p) : x;
                    y = base + torch::matmul(torch::matmul(h, a->A.t()), a->B.t()) * a->scale();
                }
                y.backward(gy);
                std::vector<torch::Tensor> out{y.detach(), x.grad(), w.grad(), a->A.grad().clone(), a->B.grad().clone()};
                if (withBias) out.push_back(b.grad());
                return out;
            };
            auto fused = run(true), composed = run(false);
            ASSERT_EQ(fused.size(), composed.size());
            const char* names[] = {"output", "grad x", "grad W", "grad A", "grad B", "grad bias"};
            for (std::size_t i = 0; i < fused.size(); ++i) {
                ASSERT_TRUE(fused[i].defined()) << names[i];
                EXPECT_GT(composed[i].abs().max().item<double>(), 0) << names[i];
                // Sums over 4487 rows in another order: relative to the gradient's own size.
                const double tol = 1e-5 * std::max(1.0, composed[i].abs().max().item<double>());
                EXPECT_TRUE(torch::allclose(fused[i], composed[i], 1e-5, tol))
                    << names[i] << " max diff " << (fused[i] - composed[i]).abs().max().item<double>();
            }
            // The adapter's gradients are sums over fixed chunks of rows: the same bits whatever
            // the thread count.
            const int threads = at::get_num_threads();
            at::set_num_threads(1);
            auto serial = run(true);
            at::set_num_threads(threads);
            EXPECT_TRUE(torch::equal(serial[3], fused[3])) << "grad A depends on the thread count";
            EXPECT_TRUE(torch::equal(serial[4], fused[4])) << "grad B depends on the thread count";
            // The generator advanced as loraDropoutNoise advances it (one seed), so the state a
            // replay restores gives the same mask.
            torch::manual_seed(99);
            (void)a->project(x0, w0, b0);
            auto afterFused = torch::rand({3});
            torch::manual_seed(99);
            if (p > 0) (void)model::loraDropoutNoise(x0, p);
            EXPECT_TRUE(torch::equal(afterFused, torch::rand({3})));
        }
    }
    // A frozen base (LoRA training) gets no gradient, and eval mode applies no dropout.
    LoraOptions o;
    o.dropout = 0.5;
    LoraAdapter a(8, 8, o);
    a->eval();
    auto x = torch::randn({4, 8});
    auto w = torch::randn({8, 8});
    auto y1 = a->project(x, w, torch::Tensor()), y2 = a->project(x, w, torch::Tensor());
    EXPECT_TRUE(torch::equal(y1, y2));
    y1.sum().backward();
    EXPECT_FALSE(w.grad().defined());
    EXPECT_TRUE(a->A.grad().defined());
}

TEST(Lora, DropoutInTheFusedProjectionIsPeftsPerModuleAndPerStep) {
    // Adapters whose term is exactly the dropped-out input (A = B = I, scale 1, base W = 0), fed
    // with ones: the output is the noise the fused projection applied. PEFT's semantics: each
    // element kept with probability 1 - p and scaled 1/(1 - p), a fresh mask per module and per
    // call, the same masks again from the same seed, and backward using forward's mask.
    if (!model::fastGemmAvailable()) GTEST_SKIP() << "oneDNN sgemm not available: LoRA dropout is torch::dropout";
    const std::int64_t width = 64, rows = 4096; // 262144 elements: share's standard deviation 4.3e-4
    const double p = 0.05;                      // the default, as PEFT's
    LoraOptions o;
    o.rank = width;
    o.alpha = width;
    o.dropout = p;
    LoraAdapter q(width, width, o), k(width, width, o);
    for (auto* a : {&q, &k}) {
        torch::NoGradGuard ng;
        (*a)->A.copy_(torch::eye(width));
        (*a)->B.copy_(torch::eye(width));
        (*a)->train();
    }
    const auto w = torch::zeros({width, width});
    auto noiseOf = [&](LoraAdapter& a) {
        auto x = torch::ones({2, rows / 2, width}).requires_grad_(true);
        auto y = a->project(x, w, torch::Tensor());
        y.backward(torch::ones_like(y));
        // d y / d x = the mask too: backward recomputed forward's noise.
        EXPECT_TRUE(torch::equal(x.grad(), y.detach())) << "backward used another mask than forward";
        return y.detach().reshape({-1});
    };
    torch::manual_seed(21);
    auto q1 = noiseOf(q), k1 = noiseOf(k), q2 = noiseOf(q);
    const float keep = static_cast<float>(1 / (1 - p));
    for (const auto& n : {q1, k1, q2}) {
        auto dropped = n.eq(0);
        EXPECT_NEAR(dropped.to(torch::kDouble).mean().item<double>(), p, 0.003);
        EXPECT_TRUE(torch::allclose(n.masked_select(~dropped), torch::full({1}, keep), 0, 1e-6))
            << "kept elements are not scaled by 1/(1-p)";
    }
    auto bothDropped = [](const torch::Tensor& a, const torch::Tensor& b) {
        return (a.eq(0) & b.eq(0)).to(torch::kDouble).mean().item<double>();
    };
    // Independent masks drop an element in both with probability p^2 (0.0025), equal ones with p.
    EXPECT_NEAR(bothDropped(q1, k1), p * p, 0.001) << "two modules share a mask";
    EXPECT_NEAR(bothDropped(q1, q2), p * p, 0.001) << "two steps share a mask";
    torch::manual_seed(21);
    EXPECT_TRUE(torch::equal(noiseOf(q), q1)) << "the same seed gave another mask";
    EXPECT_TRUE(torch::equal(noiseOf(k), k1));
}

TEST(Lora, DropoutNoiseIsBernoulliScaledAndIndependentOfThreads) {
    if (!model::fastGemmAvailable()) GTEST_SKIP() << "oneDNN sgemm not available: LoRA dropout is torch::dropout";
    const double p = 0.3;
    auto like = torch::empty({1001, 999}); // odd sizes: the last element pair is half used
    const int threads = at::get_num_threads();
    torch::manual_seed(4);
    auto a = model::loraDropoutNoise(like, p);
    at::set_num_threads(1);
    torch::manual_seed(4);
    auto one = model::loraDropoutNoise(like, p);
    at::set_num_threads(threads);
    EXPECT_TRUE(torch::equal(a, one)) << "the mask depends on the thread count";
    auto kept = a.gt(0);
    const double keptShare = kept.to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(keptShare, 1 - p, 0.003); // ~1e6 draws: standard deviation 4.6e-4
    EXPECT_TRUE(torch::allclose(a.masked_select(kept), torch::full({1}, 1 / (1 - p)), 0, 1e-6));
    // Neighbouring elements are not correlated (each element its own 16-bit draw).
    auto k = kept.to(torch::kDouble).view(-1);
    const double both = (k.slice(0, 0, -1) * k.slice(0, 1)).mean().item<double>();
    EXPECT_NEAR(both, (1 - p) * (1 - p), 0.004);
    auto b = model::loraDropoutNoise(like, p); // the generator moved on: another, independent mask
    const double bothMasks = (kept & b.gt(0)).to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(bothMasks, (1 - p) * (1 - p), 0.004);
    EXPECT_TRUE(torch::equal(model::loraDropoutNoise(like, 0.0), torch::ones({1001, 999})));
}

TEST(BatchedProduct, TrainingGradientsEqualBmmInEveryOperandLayout) {
    // Attention's two products in training (core/model/gemm.cpp, BatchedProduct): forward and both
    // gradients against torch::bmm's, with each operand contiguous or a transposed view, sizes that
    // split items into several row blocks, and an operand that needs no gradient.
    if (!model::fastGemmAvailable()) GTEST_SKIP() << "oneDNN sgemm not available: training uses torch::bmm";
    torch::manual_seed(3);
    const std::int64_t B = 5, M = 300, K = 24, N = 130; // M N K > 2^18: rows split into blocks
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (bool aNeedsGrad : {true, false}) {
                SCOPED_TRACE(std::string("a ") + (ta ? "transposed" : "contiguous") + ", b " +
                             (tb ? "transposed" : "contiguous") + (aNeedsGrad ? "" : ", a frozen"));
                auto a0 = ta ? torch::randn({B, K, M}) : torch::randn({B, M, K});
                auto b0 = tb ? torch::randn({B, N, K}) : torch::randn({B, K, N});
                auto a = a0.clone().requires_grad_(aNeedsGrad), b = b0.clone().requires_grad_(true);
                auto ra = a0.clone().requires_grad_(aNeedsGrad), rb = b0.clone().requires_grad_(true);
                auto av = ta ? a.transpose(1, 2) : a, bv = tb ? b.transpose(1, 2) : b;
                auto rav = ta ? ra.transpose(1, 2) : ra, rbv = tb ? rb.transpose(1, 2) : rb;
                auto c = model::gemmBatched(av, bv);
                auto rc = torch::bmm(rav, rbv);
                ASSERT_EQ(c.sizes(), rc.sizes());
                EXPECT_TRUE(torch::allclose(c, rc, 1e-5, 1e-4)) << (c - rc).abs().max().item<double>();
                auto g = torch::randn_like(rc);
                c.backward(g);
                rc.backward(g);
                if (aNeedsGrad) {
                    EXPECT_TRUE(torch::allclose(a.grad(), ra.grad(), 1e-5, 1e-4))
                        << (a.grad() - ra.grad()).abs().max().item<double>();
                } else {
                    EXPECT_FALSE(a.grad().defined());
                }
                EXPECT_TRUE(torch::allclose(b.grad(), rb.grad(), 1e-5, 1e-4))
                    << (b.grad() - rb.grad()).abs().max().item<double>();
            }
}

namespace {
struct GradFixture {
    std::shared_ptr<test::TinyModel> model;
    LoraSet lora{nullptr};
    ContrastiveBatch batch;
    std::vector<torch::Tensor> params;

    explicit GradFixture(double dropout) {
        torch::manual_seed(7);
        model = test::tinyModel(64, 16, dropout);
        LoraOptions o;
        o.rank = 4;
        o.dropout = dropout;
        lora = LoraSet(model->module(), o);
        torch::NoGradGuard ng;
        for (auto& p : lora->parameters()) p.normal_(0, 0.1); // B != 0 so every weight gets a gradient
        for (auto& p : model->module().parameters()) params.push_back(p);
        for (auto& p : lora->parameters()) params.push_back(p);
        // 6 queries, 9 documents (6 positives + 3 hard negatives) of ragged lengths.
        auto mk = [](int n, int seed) {
            torch::manual_seed(seed);
            auto ids = torch::randint(3, 64, {n, 7}, torch::kLong);
            auto mask = torch::ones({n, 7}, torch::kLong);
            for (int i = 0; i < n; ++i) mask[i].slice(0, 3 + i % 4).zero_();
            return TokenBatch{ids * mask, mask};
        };
        batch.queries = mk(6, 11);
        batch.documents = mk(9, 12);
        batch.positiveIndex = torch::arange(6, torch::kLong);
    }
    EncodeFn encoder() {
        return [this](const TokenBatch& b) { return poolHidden(model->forward(b.ids, b.mask), b.mask, Pooling::LastToken); };
    }
    std::vector<torch::Tensor> grads(int miniBatch, std::uint64_t seed) {
        for (auto& p : params)
            if (p.grad().defined()) p.grad().zero_();
        torch::manual_seed(seed);
        contrastiveBackward(encoder(), batch, {0.05, true}, miniBatch, nullptr);
        std::vector<torch::Tensor> g;
        for (auto& p : params) g.push_back(p.grad().clone());
        return g;
    }
};

void expectSame(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b, double tol) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_GT(a[i].abs().max().item<double>(), 0) << "parameter " << i << " got no gradient";
        EXPECT_TRUE(torch::allclose(a[i], b[i], tol, tol)) << "parameter " << i << " max diff "
                                                           << (a[i] - b[i]).abs().max().item<double>();
    }
}
} // namespace

TEST(GradCache, SubBatchesGiveTheFullBatchGradients) {
    GradFixture f(0.0);
    f.model->module().train();
    auto full = f.grads(0, 1);
    for (int b : {1, 2, 4}) {
        SCOPED_TRACE("mini-batch " + std::to_string(b));
        expectSame(f.grads(b, 1), full, 1e-5);
    }
}

TEST(GradCache, ReplaysDropoutMasks) {
    // With dropout on, GradCache must equal one graph over the same sub-batches in the same order
    // from the same RNG state: only true if pass 2 reuses pass 1's masks.
    GradFixture f(0.3);
    f.model->module().train();
    f.lora->train();
    auto cached = f.grads(2, 5);
    for (auto& p : f.params) p.grad().zero_();
    torch::manual_seed(5);
    std::vector<torch::Tensor> q, d;
    for (int i = 0; i < 6; i += 2) q.push_back(f.encoder()(f.batch.queries.slice(i, i + 2)));
    for (int i = 0; i < 9; i += 2) d.push_back(f.encoder()(f.batch.documents.slice(i, std::min(i + 2, 9))));
    infoNce(torch::cat(q), torch::cat(d), f.batch.positiveIndex, 0.05, true).loss.backward();
    std::vector<torch::Tensor> reference;
    for (auto& p : f.params) reference.push_back(p.grad().clone());
    expectSame(cached, reference, 1e-5);
    // And the RNG continues as after one pass (the replay leaves no trace).
    f.grads(2, 5);
    auto after1 = torch::rand({4});
    torch::manual_seed(5);
    for (int i = 0; i < 6; i += 2) f.encoder()(f.batch.queries.slice(i, i + 2));
    for (int i = 0; i < 9; i += 2) f.encoder()(f.batch.documents.slice(i, std::min(i + 2, 9)));
    EXPECT_TRUE(torch::equal(after1, torch::rand({4})));
}

TEST(Optimizer, DecayGroupsScheduleAndClipping) {
    auto m = test::tinyModel(16, 4);
    std::vector<std::pair<std::string, torch::Tensor>> named;
    for (auto& p : m->module().named_parameters()) named.emplace_back(p.key(), p.value());
    TrainConfig c;
    auto opt = makeAdamW(named, c);
    ASSERT_EQ(opt->param_groups().size(), 2u);
    auto& g0 = opt->param_groups()[0];
    auto& g1 = opt->param_groups()[1];
    EXPECT_DOUBLE_EQ(static_cast<torch::optim::AdamWOptions&>(g0.options()).weight_decay(), 0.1);
    EXPECT_DOUBLE_EQ(static_cast<torch::optim::AdamWOptions&>(g1.options()).weight_decay(), 0.0);
    EXPECT_EQ(g0.params().size(), 3u); // embed, up, down weights
    EXPECT_EQ(g1.params().size(), 3u); // two biases and the norm
    EXPECT_TRUE(exemptFromWeightDecay("model.layers.0.input_layernorm.weight", torch::ones({4, 4})));
    EXPECT_FALSE(exemptFromWeightDecay("model.layers.0.mlp.up_proj.weight", torch::ones({4, 4})));

    c.lr = 1e-4;
    c.warmupSteps = 100;
    EXPECT_NEAR(learningRate(c, 0, 1000), 1e-6, 1e-12);
    EXPECT_NEAR(learningRate(c, 99, 1000), 1e-4, 1e-12);
    EXPECT_NEAR(learningRate(c, 100, 1000), 1e-4, 1e-12);
    EXPECT_NEAR(learningRate(c, 550, 1000), 0.5e-4, 1e-12);
    EXPECT_NEAR(learningRate(c, 1000, 1000), 0.0, 1e-12);
    c.linearDecay = false;
    EXPECT_NEAR(learningRate(c, 900, 1000), 1e-4, 1e-12);
    setLearningRate(*opt, 3e-3);
    EXPECT_DOUBLE_EQ(static_cast<torch::optim::AdamWOptions&>(g1.options()).lr(), 3e-3);

    auto a = torch::zeros({2}, torch::requires_grad());
    auto b = torch::zeros({1}, torch::requires_grad());
    a.mutable_grad() = torch::tensor({3.f, 0.f});
    b.mutable_grad() = torch::tensor({4.f});
    EXPECT_NEAR(clipGradNorm({a, b}, 1.0), 5.0, 1e-6);
    EXPECT_NEAR(a.grad()[0].item<double>(), 0.6, 1e-5);
    EXPECT_NEAR(b.grad()[0].item<double>(), 0.8, 1e-5);
    EXPECT_NEAR(clipGradNorm({a, b}, 10.0), 1.0, 1e-5);
    EXPECT_NEAR(a.grad()[0].item<double>(), 0.6, 1e-5); // below the limit: untouched
}
