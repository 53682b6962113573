#include "core/model/packed_attention.h"
#include "core/model/sgemm.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cblas.h>
#include <vector>

namespace synthembed::model {

namespace {

/// One small row-major product C = alpha op(A) op(B) inside a parallel region, in the calling
/// thread: oneDNN's sgemm (inside a region it runs on its caller). Not the system BLAS: OpenBLAS
/// hands products of this size (S x S x D = 2^20 at S 128, D 64: above its 2^18 threshold) to its
/// own thread pool, from both OpenMP threads at once; measured on a 64 x 128 x (4 x 64) layer,
/// forward + backward: 0.24 s CPU through OpenBLAS vs 0.045 s through oneDNN (load 3.7). The BLAS
/// is the fallback when oneDNN is absent.
void product(bool transA, bool transB, std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const float* A,
             std::int64_t lda, const float* B, std::int64_t ldb, float* C, std::int64_t ldc) {
    if (oneDnnSgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, 0.0f, C, ldc)) return;
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), alpha, A, static_cast<int>(lda), B,
                static_cast<int>(ldb), 0.0f, C, static_cast<int>(ldc));
}

/// dS = scale P (dP - sum_j P dP) row by row, in place of dP ([S, S] blocks).
void softmaxBackward(const float* __restrict p, float* __restrict g, std::int64_t rows, std::int64_t cols,
                     float scale) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* pr = p + r * cols;
        float* gr = g + r * cols;
        float acc[8] = {};
        std::int64_t j = 0;
        for (; j + 8 <= cols; j += 8)
            for (int k = 0; k < 8; ++k)
                acc[k] += pr[j + k] * gr[j + k];
        float dot = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for (; j < cols; ++j)
            dot += pr[j] * gr[j];
        for (std::int64_t c = 0; c < cols; ++c)
            gr[c] = scale * pr[c] * (gr[c] - dot);
    }
}

class PackedAttention : public torch::autograd::Function<PackedAttention> {
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& qkv, std::int64_t nHead,
                                 double scale, const torch::Tensor& keyMask) {
        auto P = qkv.contiguous();
        const auto B = P.size(0), S = P.size(1), H3 = P.size(2), H = H3 / 3, D = H / nHead;
        torch::Tensor M;
        if (keyMask.numel() > 0) M = keyMask.reshape({B, S}).contiguous();
        auto out = torch::empty({B, S, H}, P.options());
        auto probs = torch::empty({B * nHead, S, S}, P.options());
        const float* p = P.data_ptr<float>();
        const float* m = M.defined() ? M.data_ptr<float>() : nullptr;
        float* c = out.data_ptr<float>();
        float* pr = probs.data_ptr<float>();
        const auto alpha = static_cast<float>(scale);
        // Heads per softmax call: enough to amortise the op's dispatch, few enough that the score
        // blocks stay in the core's cache.
        const std::int64_t G = std::max<std::int64_t>(1, std::min<std::int64_t>(16, (256 * 1024) / (S * S * 4)));
        at::parallel_for(0, B * nHead, 1, [&](std::int64_t begin, std::int64_t end) {
            auto scores = torch::empty({std::min(G, end - begin), S, S}, P.options());
            float* sc = scores.data_ptr<float>();
            for (auto g0 = begin; g0 < end; g0 += G) {
                const auto n = std::min(G, end - g0);
                for (auto i = g0; i < g0 + n; ++i) {
                    const auto b = i / nHead, h = i % nHead;
                    const float* q = p + b * S * H3 + h * D;
                    float* s = sc + (i - g0) * S * S;
                    product(false, true, S, S, D, alpha, q, H3, q + H, H3, s, S);
                    if (m)
                        for (std::int64_t r = 0; r < S; ++r)
                            for (std::int64_t j = 0; j < S; ++j)
                                s[r * S + j] += m[b * S + j];
                }
                auto sOut = probs.narrow(0, g0, n);
                at::_softmax_out(sOut, scores.narrow(0, 0, n), -1, false);
                for (auto i = g0; i < g0 + n; ++i) {
                    const auto b = i / nHead, h = i % nHead;
                    product(false, false, S, D, S, 1.0f, pr + i * S * S, S, p + b * S * H3 + 2 * H + h * D, H3,
                            c + b * S * H + h * D, H);
                }
            }
        });
        ctx->save_for_backward({P, probs});
        ctx->saved_data["nHead"] = nHead;
        ctx->saved_data["scale"] = scale;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto saved = ctx->get_saved_variables();
        const auto& P = saved[0];
        const auto& probs = saved[1];
        const auto nHead = ctx->saved_data["nHead"].toInt();
        const auto alpha = static_cast<float>(ctx->saved_data["scale"].toDouble());
        const auto B = P.size(0), S = P.size(1), H3 = P.size(2), H = H3 / 3, D = H / nHead;
        auto gc = grads[0].contiguous();
        auto gqkv = torch::empty({B, S, H3}, P.options()); // every element is written below
        const float* p = P.data_ptr<float>();
        const float* pr = probs.data_ptr<float>();
        const float* dc = gc.data_ptr<float>();
        float* g = gqkv.data_ptr<float>();
        at::parallel_for(0, B * nHead, 1, [&](std::int64_t begin, std::int64_t end) {
            std::vector<float> dp(static_cast<std::size_t>(S * S));
            for (auto i = begin; i < end; ++i) {
                const auto b = i / nHead, h = i % nHead;
                const float* q = p + b * S * H3 + h * D;
                const float* k = q + H;
                const float* v = q + 2 * H;
                const float* pi = pr + i * S * S;
                const float* dci = dc + b * S * H + h * D;
                float* gq = g + b * S * H3 + h * D;
                float* gk = gq + H;
                float* gv = gq + 2 * H;
                product(true, false, S, D, S, 1.0f, pi, S, dci, H, gv, H3);           // dV = P^T dC
                product(false, true, S, S, D, 1.0f, dci, H, v, H3, dp.data(), S);     // dP = dC V^T
                softmaxBackward(pi, dp.data(), S, S, alpha);                          // dS (scaled)
                product(false, false, S, D, S, 1.0f, dp.data(), S, k, H3, gq, H3);    // dQ = dS K
                product(true, false, S, D, S, 1.0f, dp.data(), S, q, H3, gk, H3);     // dK = dS^T Q
            }
        });
        return {gqkv, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor packedSelfAttentionTrain(const torch::Tensor& qkv, std::int64_t nHead, double scale,
                                       const torch::Tensor& keyMask) {
    if (!qkv.device().is_cpu() || qkv.scalar_type() != torch::kFloat32 || qkv.dim() != 3 || nHead <= 0 ||
        qkv.size(2) % (3 * nHead) != 0 || qkv.size(1) == 0)
        return {};
    if (keyMask.defined() && (!keyMask.device().is_cpu() || keyMask.scalar_type() != torch::kFloat32 ||
                              keyMask.numel() != qkv.size(0) * qkv.size(1) || keyMask.requires_grad()))
        return {};
    return PackedAttention::apply(qkv, nHead, scale,
                                  keyMask.defined() ? keyMask.detach() : torch::empty({0}, qkv.options()));
}

} // namespace synthembed::model
