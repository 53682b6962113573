// Packed causal attention (varlenCausalAttention) against a plain float64 softmax(QK^T)V built from
// torch ops: the fused small-head kernel (head sizes up to 32, vectors of 16 with masked tails) and
// the GEMM path above it, with grouped KV heads, sliding windows and sequence lengths on both sides
// of every vector and block boundary.

#include "core/model/gemm.h"
#include "core/model/small_attention.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace synthembed;

namespace {

// q [nKv, rep, T, D] (scaled), k and v [nKv, T, D]; returns [T, nKv * rep * D] like the kernel.
torch::Tensor reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const std::vector<std::int64_t>& offsets, std::int64_t window) {
    const auto nKv = q.size(0), rep = q.size(1), T = q.size(2), D = q.size(3);
    auto out = torch::zeros({T, nKv * rep * D}, torch::kFloat64);
    for (std::size_t s = 0; s + 1 < offsets.size(); ++s) {
        const auto off = offsets[s], n = offsets[s + 1] - off;
        if (n == 0) continue;
        auto i = torch::arange(n).unsqueeze(1), j = torch::arange(n).unsqueeze(0);
        auto allowed = j <= i;
        if (window > 0) allowed = allowed & (j > i - window);
        for (std::int64_t kv = 0; kv < nKv; ++kv)
            for (std::int64_t r = 0; r < rep; ++r) {
                auto qs = q[kv][r].narrow(0, off, n).to(torch::kFloat64);
                auto ks = k[kv].narrow(0, off, n).to(torch::kFloat64);
                auto vs = v[kv].narrow(0, off, n).to(torch::kFloat64);
                auto scores = qs.matmul(ks.t()).masked_fill(allowed.logical_not(), -INFINITY);
                auto ctx = torch::softmax(scores, -1).matmul(vs);
                const auto h = kv * rep + r;
                out.narrow(0, off, n).narrow(1, h * D, D).copy_(ctx);
            }
    }
    return out;
}

void check(std::int64_t D, std::int64_t nKv, std::int64_t rep, const std::vector<std::int64_t>& lengths,
           std::int64_t window, double scoreScale) {
    torch::NoGradGuard ng;
    std::vector<std::int64_t> offsets{0};
    for (auto n : lengths)
        offsets.push_back(offsets.back() + n);
    const auto T = offsets.back();
    torch::manual_seed(static_cast<std::uint64_t>(D * 1000 + T + window));
    auto q = torch::randn({nKv, rep, T, D}) * scoreScale / std::sqrt(static_cast<double>(D));
    auto k = torch::randn({nKv, T, D});
    auto v = torch::randn({nKv, T, D});
    auto got = model::varlenCausalAttention(q, k, v, offsets, window);
    ASSERT_TRUE(got.defined());
    auto want = reference(q, k, v, offsets, window);
    const double err = (got.to(torch::kFloat64) - want).abs().max().item<double>();
    // float32 scores: their rounding grows with their size, and the softmax passes it on.
    EXPECT_LT(err, 2e-5 * std::max(1.0, scoreScale / 4)) << "D " << D << " kv heads " << nKv << " x" << rep << " window " << window << " T " << T
                         << " scale " << scoreScale;
}

} // namespace

TEST(SmallAttention, MatchesSoftmaxReferenceAcrossLengthsAndHeadSizes) {
    // Lengths around the kernel's vector (16) and four-vector (64) boundaries, and the GEMM path's
    // 64-row blocks; one empty sequence.
    const std::vector<std::int64_t> lengths{1, 2, 15, 16, 17, 0, 63, 64, 65, 127, 129, 200};
    for (std::int64_t D : {8, 12, 16, 32, 40, 64}) {
        SCOPED_TRACE(D);
        check(D, 2, 2, lengths, 0, 1.0);
    }
    static_assert(model::detail::kSmallHeadMax >= 32);
}

TEST(SmallAttention, SlidingWindowAndGroupedHeads) {
    const std::vector<std::int64_t> lengths{5, 31, 100, 33};
    for (std::int64_t D : {8, 16, 64})
        for (std::int64_t window : {1, 7, 16, 40}) {
            check(D, 1, 4, lengths, window, 1.0);
            check(D, 3, 1, lengths, window, 1.0);
        }
}

TEST(SmallAttention, LargeScoresStayExact) {
    // Scores of +-50 and more: the shift by the row maximum must come from the keys a query sees
    // only (later keys with larger scores must not underflow the visible ones).
    const std::vector<std::int64_t> lengths{17, 70, 130};
    for (std::int64_t D : {8, 16, 32}) {
        check(D, 2, 1, lengths, 0, 40.0);
        check(D, 2, 1, lengths, 9, 40.0);
    }
}

namespace {

// Training: smallHeadCausalTraining's output and its gradients for q, k and v against the same
// attention composed from float64 torch ops with autograd, over a padded batch (left padding,
// right padding, a full row and an empty row), so every token attends to its own sequence only.
void checkTraining(std::int64_t D, std::int64_t nKv, std::int64_t rep, std::int64_t window) {
    const std::int64_t B = 4, S = 37;
    auto mask = torch::zeros({B, S}, torch::kLong);
    mask[0].slice(0, 9).fill_(1);      // left padding
    mask[1].slice(0, 0, 20).fill_(1);  // right padding
    mask[2].fill_(1);                  // no padding
    // row 3: no token at all
    auto spans = model::tokenSpans(mask, B, S);
    ASSERT_TRUE(spans.defined());
    torch::manual_seed(static_cast<std::uint64_t>(D * 100 + window));
    const auto nHead = nKv * rep;
    auto q0 = torch::randn({B, S, nHead, D}) / std::sqrt(static_cast<double>(D)); // the projections' rows
    auto k0 = torch::randn({B, S, nKv, D}), v0 = torch::randn({B, S, nKv, D});
    auto go = torch::randn({B, S, nHead * D}) * mask.unsqueeze(-1).to(torch::kFloat32);
    auto q = q0.clone().requires_grad_(true), k = k0.clone().requires_grad_(true), v = v0.clone().requires_grad_(true);
    auto out = model::smallHeadCausalTraining(q, k, v, spans, window);
    ASSERT_TRUE(out.defined());
    (out * go).sum().backward();

    auto rq = q0.to(torch::kFloat64).requires_grad_(true), rk = k0.to(torch::kFloat64).requires_grad_(true),
         rv = v0.to(torch::kFloat64).requires_grad_(true);
    std::vector<torch::Tensor> rows;
    for (std::int64_t b = 0; b < B; ++b) {
        const auto s0 = spans[b][0].item<std::int64_t>() - b * S, n = spans[b][1].item<std::int64_t>(); // flat rows
        auto i = torch::arange(S).unsqueeze(1), j = torch::arange(S).unsqueeze(0);
        auto allowed = (j <= i) & (j >= s0) & (j < s0 + n) & (i >= s0) & (i < s0 + n);
        if (window > 0) allowed = allowed & (j > i - window);
        auto valid = allowed.any(1, true); // query rows with a key: the sequence's tokens
        auto qb = rq[b].view({S, nKv, rep, D}).permute({1, 2, 0, 3}); // [nKv, rep, S, D]
        auto kb = rk[b].permute({1, 0, 2}).unsqueeze(1), vb = rv[b].permute({1, 0, 2}).unsqueeze(1);
        auto scores = qb.matmul(kb.transpose(-1, -2)).masked_fill(allowed.logical_not(), -1e300);
        auto ctx = torch::softmax(scores, -1).matmul(vb) * valid.to(torch::kFloat64);
        rows.push_back(ctx.permute({2, 0, 1, 3}).reshape({S, nHead * D}));
    }
    auto want = torch::stack(rows);
    (want * go.to(torch::kFloat64)).sum().backward();
    auto err = [](const torch::Tensor& a, const torch::Tensor& b) {
        return (a.to(torch::kFloat64) - b).abs().max().item<double>();
    };
    EXPECT_LT(err(out, want), 2e-5);
    EXPECT_LT(err(q.grad(), rq.grad()), 5e-5);
    EXPECT_LT(err(k.grad(), rk.grad()), 5e-5);
    EXPECT_LT(err(v.grad(), rv.grad()), 5e-5);
    if (window != 1) { // with one key per query the softmax is constant: keys get no gradient
        EXPECT_GT(k.grad().abs().max().item<double>(), 0.01);
    }
}

} // namespace

TEST(SmallAttentionTraining, GradientsMatchComposedOpsWithPaddingOnBothSides) {
    for (std::int64_t D : {8, 12, 16, 32}) {
        SCOPED_TRACE(D);
        checkTraining(D, 2, 2, 0);
    }
}

TEST(SmallAttentionTraining, SlidingWindowAndGroupedHeads) {
    for (std::int64_t window : {1, 5, 16, 30}) {
        SCOPED_TRACE(window);
        checkTraining(8, 1, 4, window);
        checkTraining(16, 3, 1, window);
    }
}

TEST(SmallAttentionTraining, TokenSpansNeedOneRunOfTokensPerSequence) {
    auto mask = torch::tensor({0, 0, 1, 1, 1, 0}, torch::kLong).view({1, 6});
    auto spans = model::tokenSpans(mask, 1, 6);
    ASSERT_TRUE(spans.defined());
    EXPECT_EQ(spans[0][0].item<std::int64_t>(), 2);
    EXPECT_EQ(spans[0][1].item<std::int64_t>(), 3);
    EXPECT_FALSE(model::tokenSpans(torch::tensor({1, 0, 1}, torch::kLong).view({1, 3}), 1, 3).defined());
    auto all = model::tokenSpans(torch::Tensor(), 2, 5);
    EXPECT_EQ(all[1][0].item<std::int64_t>(), 5) << "rows count over the flattened batch: b S + t";
    EXPECT_EQ(all[1][1].item<std::int64_t>(), 5);
    EXPECT_FALSE(model::smallHeadCausalTraining(torch::randn({1, 4, 1, 64}), torch::randn({1, 4, 1, 64}),
                                                torch::randn({1, 4, 1, 64}), all.slice(0, 0, 1), 0)
                     .defined())
        << "heads above 32 take the general path";
}

TEST(SmallAttentionTraining, PackTokensListsEachSequencesRowsAndPositions) {
    // Left padding, right padding and a full row: rows in order, positions from 0 per sequence,
    // spans in the packed layout.
    auto mask = torch::tensor({0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1}, torch::kLong).view({3, 4});
    auto p = model::packTokens(mask, 3, 4);
    ASSERT_TRUE(p.rows.defined());
    auto vec = [](const torch::Tensor& t) { return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel()); };
    EXPECT_EQ(vec(p.rows), (std::vector<std::int64_t>{1, 2, 3, 4, 8, 9, 10, 11}));
    EXPECT_EQ(vec(p.positions), (std::vector<std::int64_t>{0, 1, 2, 0, 0, 1, 2, 3}));
    EXPECT_EQ(vec(p.spans), (std::vector<std::int64_t>{0, 3, 3, 1, 4, 4}));
    // A hole inside a sequence, or a sequence with no token: no packing.
    EXPECT_FALSE(model::packTokens(torch::tensor({1, 0, 1, 1}, torch::kLong).view({1, 4}), 1, 4).rows.defined());
    EXPECT_FALSE(model::packTokens(torch::tensor({1, 1, 0, 0}, torch::kLong).view({2, 2}), 2, 2).rows.defined());
}

TEST(SmallAttentionTraining, RotaryRowsEqualTheComposedRotation) {
    // ropeRows (one node) against applyRope's composed ops on the same rows: values and gradients.
    torch::manual_seed(5);
    const std::int64_t B = 3, S = 11, heads = 5, D = 8;
    auto x0 = torch::randn({B, S, heads, D});
    auto cos = torch::randn({B, S, D / 2}), sin = torch::randn({B, S, D / 2});
    auto x = x0.clone().requires_grad_(true), rx = x0.clone().requires_grad_(true);
    auto y = model::ropeRows(x, cos, sin);
    ASSERT_TRUE(y.defined());
    auto half = D / 2;
    auto x1 = rx.narrow(-1, 0, half), x2 = rx.narrow(-1, half, half);
    auto c = cos.unsqueeze(2), s = sin.unsqueeze(2);
    auto want = torch::cat({x1 * c - x2 * s, x2 * c + x1 * s}, -1);
    EXPECT_TRUE(torch::allclose(y, want, 1e-6, 1e-6));
    auto g = torch::randn_like(want);
    (y * g).sum().backward();
    (want * g).sum().backward();
    EXPECT_TRUE(torch::allclose(x.grad(), rx.grad(), 1e-6, 1e-6));
}
