// Training self-attention as one autograd node (model::packedSelfAttentionTrain) and BERT's
// training path through it: output and gradients against the same attention composed from torch
// ops in float64 on the same tensors, with and without a key mask (padding).

#include "core/model/bert.h"
#include "core/model/gemm.h"
#include "core/model/packed_attention.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

using namespace synthembed;

namespace {

// softmax(scale q k^T + mask) v per head from packed qkv [B, S, 3 H] -> [B, S, H], torch ops.
torch::Tensor composed(const torch::Tensor& qkv, std::int64_t nHead, double scale, const torch::Tensor& mask) {
    const auto B = qkv.size(0), S = qkv.size(1), H = qkv.size(2) / 3, D = H / nHead;
    auto split = [&](std::int64_t i) { return qkv.narrow(2, i * H, H).reshape({B, S, nHead, D}).permute({0, 2, 1, 3}); };
    auto scores = torch::matmul(split(0), split(1).transpose(-1, -2)) * scale;
    if (mask.defined()) scores = scores + mask.reshape({B, 1, 1, S});
    return torch::matmul(torch::softmax(scores, -1), split(2)).permute({0, 2, 1, 3}).reshape({B, S, H});
}

torch::Tensor keyMask(std::int64_t B, std::int64_t S, torch::ScalarType t) {
    // Sequence b has its last b tokens padded (left padding would mask the first: the same keys
    // are masked either way as far as attention is concerned).
    auto m = torch::zeros({B, S}, torch::TensorOptions().dtype(t));
    for (std::int64_t b = 0; b < B; ++b)
        if (b > 0) m[b].narrow(0, S - b, b).fill_(std::numeric_limits<float>::lowest());
    return m;
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

} // namespace

TEST(PackedAttentionTrain, OutputAndGradientEqualTheComposedOps) {
    for (bool masked : {false, true})
        for (auto [B, S, nHead, D] : {std::tuple<int, int, int, int>{3, 17, 2, 8}, {2, 128, 4, 64}}) {
            SCOPED_TRACE((masked ? "masked, S " : "no mask, S ") + std::to_string(S) + ", D " + std::to_string(D));
            torch::manual_seed(S + D);
            const auto H = nHead * D;
            const double scale = 1.0 / std::sqrt(static_cast<double>(D));
            auto x0 = torch::randn({B, S, 3 * H}) * 1.5;
            auto gy = torch::randn({B, S, H});
            auto m = masked ? keyMask(B, S, torch::kFloat32) : torch::Tensor();

            auto x = x0.clone().requires_grad_(true);
            auto y = model::packedSelfAttentionTrain(x, nHead, scale, m);
            ASSERT_TRUE(y.defined());
            y.backward(gy);

            auto x64 = x0.to(torch::kFloat64).requires_grad_(true);
            auto m64 = masked ? keyMask(B, S, torch::kFloat64) : torch::Tensor();
            auto want = composed(x64, nHead, scale, m64);
            want.backward(gy.to(torch::kFloat64));

            EXPECT_LT(maxDiff(y.detach(), want.detach()), 2e-5);
            ASSERT_TRUE(x.grad().defined());
            const double gmax = x64.grad().abs().max().item<double>();
            EXPECT_GT(gmax, 0.1);
            EXPECT_LT(maxDiff(x.grad(), x64.grad()), 2e-5 * gmax) << "q|k|v gradient";
            if (masked) {
                // A padded key gets no attention, so neither its key nor its value gets a gradient.
                const auto last = x.grad()[B - 1][S - 1];
                EXPECT_EQ(last.narrow(0, H, 2 * H).abs().max().item<float>(), 0.0f);
            }
        }
}

TEST(PackedAttentionTrain, BertSelfAttentionTrainingGradientsEqualTheComposedOps) {
    if (!model::fastGemmAvailable()) GTEST_SKIP() << "oneDNN sgemm not available: BERT trains on the composed path";
    model::BertConfig c;
    c.hiddenSize = 32;
    c.nHead = 4;
    const std::int64_t B = 3, S = 11, H = c.hiddenSize, D = H / c.nHead;
    torch::manual_seed(5);
    model::BertSelfAttention att(c, torch::TensorOptions());
    for (auto& p : att->parameters()) {
        torch::NoGradGuard ng;
        p.normal_(0, 0.3);
    }
    att->train();
    auto x0 = torch::randn({B, S, H});
    auto gy = torch::randn({B, S, H});
    for (bool masked : {false, true}) {
        SCOPED_TRACE(masked ? "masked" : "no mask");
        auto m = masked ? keyMask(B, S, torch::kFloat32).view({B, 1, 1, 1, S}) : torch::Tensor();
        for (auto& p : att->parameters())
            if (p.grad().defined()) p.grad().zero_();
        auto x = x0.clone().requires_grad_(true);
        auto y = att(x, m);
        y.backward(gy);

        // The same layer from torch ops in float64 on copies of its parameters.
        auto cp = [](const torch::Tensor& t) { return t.detach().to(torch::kFloat64).requires_grad_(true); };
        auto wq = cp(att->query->weight), wk = cp(att->key->weight), wv = cp(att->value->weight);
        auto bq = cp(att->query->bias), bk = cp(att->key->bias), bv = cp(att->value->bias);
        auto x64 = cp(x0);
        auto qkv = torch::cat({torch::linear(x64, wq, bq), torch::linear(x64, wk, bk), torch::linear(x64, wv, bv)}, -1);
        auto want = composed(qkv, c.nHead, 1.0 / std::sqrt(static_cast<double>(D)),
                             masked ? keyMask(B, S, torch::kFloat64) : torch::Tensor());
        want.backward(gy.to(torch::kFloat64));

        EXPECT_LT(maxDiff(y.detach(), want.detach()), 1e-5);
        const std::pair<torch::Tensor, torch::Tensor> pairs[] = {
            {x.grad(), x64.grad()},
            {att->query->weight.grad(), wq.grad()}, {att->key->weight.grad(), wk.grad()},
            {att->value->weight.grad(), wv.grad()}, {att->query->bias.grad(), bq.grad()},
            {att->key->bias.grad(), bk.grad()},     {att->value->bias.grad(), bv.grad()}};
        const char* names[] = {"x", "query.weight", "key.weight", "value.weight", "query.bias", "key.bias", "value.bias"};
        for (std::size_t i = 0; i < std::size(pairs); ++i) {
            ASSERT_TRUE(pairs[i].first.defined()) << names[i];
            const double scaleOf = pairs[i].second.abs().max().item<double>();
            // (key.bias's gradient is zero: it shifts a query's scores by one constant.)
            if (i != 5) {
                EXPECT_GT(scaleOf, 0) << names[i];
            }
            EXPECT_LT(maxDiff(pairs[i].first, pairs[i].second), 1e-5 * std::max(1.0, scaleOf)) << names[i];
        }
    }
}

