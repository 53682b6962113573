#include "core/model/gemm.h"
#include "core/model/small_attention.h"
#include "core/model/sgemm.h"

#include "core/platform/platform.h"
#include "core/util/log.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>


namespace synthembed::model {

namespace {

// oneDNN's C API (dnnl.h): row-major sgemm, C = alpha * op(A) op(B) + beta * C.
using SgemmFn = int (*)(char transa, char transb, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                        const float* A, std::int64_t lda, const float* B, std::int64_t ldb, float beta,
                        float* C, std::int64_t ldc);

SgemmFn resolveSgemm() {
    const char* lib = nullptr;
    auto f = reinterpret_cast<SgemmFn>(platform::oneDnnSymbol("dnnl_sgemm", &lib));
    if (f) log::debug("matrix products: oneDNN sgemm from ", lib);
    return f;
}

SgemmFn sgemm() {
    static SgemmFn f = resolveSgemm();
    return f;
}

bool eligible(const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 &&
           !(torch::GradMode::is_enabled() && t.requires_grad());
}

/// One small row-major product inside a parallel region, through the BLAS's cblas_sgemm.
/// Why not oneDNN here: called from inside an OpenMP region, dnnl_sgemm costs ~3x its work
/// with OMP_WAIT_POLICY=PASSIVE (measured per attention head: 49 ms vs 15 ms per BERT-base
/// layer at 32 x 128), while OpenBLAS runs such sizes in the calling thread.
void smallGemm(bool transB, std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const float* A,
               std::int64_t lda, const float* B, std::int64_t ldb, float* C, std::int64_t ldc) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, static_cast<int>(M),
                static_cast<int>(N), static_cast<int>(K), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb),
                0.0f, C, static_cast<int>(ldc));
}

} // namespace

bool oneDnnSgemm(char transA, char transB, std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const float* A,
                 std::int64_t lda, const float* B, std::int64_t ldb, float beta, float* C, std::int64_t ldc) {
    auto f = sgemm();
    if (!f) return false;
    f(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return true;
}

bool fastGemmAvailable() {
    return sgemm() != nullptr;
}

namespace {

bool cpuFloat(const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat32;
}

/// x W^T + b through oneDNN on raw data (no autograd).
torch::Tensor rawLinear(SgemmFn f, const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
    auto x2 = x.reshape({-1, x.size(-1)}).contiguous();
    auto w = weight.contiguous();
    const auto M = x2.size(0), K = x2.size(1), N = w.size(0);
    auto out_sizes = x.sizes().vec();
    out_sizes.back() = N;
    torch::Tensor y;
    float beta = 0.0f;
    if (bias.defined()) {
        // A copy, always: for M == 1 the expanded view is already contiguous, and contiguous()
        // would hand back the bias itself for the product to accumulate into.
        y = torch::empty({M, N}, x.options());
        y.copy_(bias.unsqueeze(0).expand({M, N}));
        beta = 1.0f;
    } else {
        y = torch::empty({M, N}, x.options());
    }
    if (M > 0 && N > 0)
        f('N', 'T', M, N, K, 1.0f, x2.data_ptr<float>(), K, w.data_ptr<float>(), K, beta, y.data_ptr<float>(), N);
    return y.view(out_sizes);
}

/// Training: the linear projection with its three backward products on oneDNN too, so that
/// forward and backward run on the one OpenMP pool instead of alternating with OpenBLAS's own
/// threads (which spin and yield against it: shared/anchors/README.md, fact 3).
class OneDnnLinear : public torch::autograd::Function<OneDnnLinear> {
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias) {
        ctx->save_for_backward({x, weight});
        // No bias arrives as an empty tensor (autograd functions take no undefined inputs).
        const bool hasBias = bias.numel() > 0;
        ctx->saved_data["bias"] = hasBias;
        return rawLinear(sgemm(), x, weight, hasBias ? bias : torch::Tensor());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto f = sgemm();
        auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        auto w = saved[1].contiguous();
        const auto K = x.size(-1), N = w.size(0);
        auto gy = grads[0].reshape({-1, N}).contiguous();
        const auto M = gy.size(0);
        torch::Tensor gx, gw, gb;
        if (ctx->needs_input_grad(0)) {
            gx = torch::empty({M, K}, gy.options());
            if (M > 0 && K > 0)
                f('N', 'N', M, K, N, 1.0f, gy.data_ptr<float>(), N, w.data_ptr<float>(), K, 0.0f,
                  gx.data_ptr<float>(), K);
            gx = gx.view(x.sizes());
        }
        if (ctx->needs_input_grad(1)) {
            auto x2 = x.reshape({-1, K}).contiguous();
            gw = torch::empty({N, K}, gy.options());
            if (N > 0 && K > 0) {
                if (M > 0)
                    f('T', 'N', N, K, M, 1.0f, gy.data_ptr<float>(), N, x2.data_ptr<float>(), K, 0.0f,
                      gw.data_ptr<float>(), K);
                else
                    gw.zero_();
            }
        }
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2)) gb = gy.sum(0);
        return {gx, gw, gb};
    }
};

/// The LoRA dropout's keep decisions: a counter-based stream, element i's 16-bit draw a hash of
/// i and the seed (two rounds of a 32-bit integer mixer, the seed's halves xored in before each),
/// so any element's mask bit is recomputed from the seed alone, the same in forward and backward
/// and whatever the thread count. The keep probability is rounded to a multiple of 2^-16; the
/// element index is taken modulo 2^32. One loop of 32-bit integer and float operations that the
/// compiler vectorises: a per-element generator call (torch's bernoulli_) made the mask cost a
/// third of a stories260K LoRA step.
inline std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SYNTHEMBED_DROPOUT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SYNTHEMBED_DROPOUT_CLONES
#endif

constexpr std::int64_t kDropoutBlock = 1024;
/// The elementwise loops run over chunks of this many floats with a constant trip count: at -O2
/// (RelWithDebInfo, what quickstart builds) GCC vectorises only loops that need no remainder
/// loop and no runtime alias check, so a plain `for (i < n) a[i] * b[i]` stayed scalar.
constexpr std::int64_t kVecChunk = 64;

/// dst[i] (+)= src[i] * noise(base + i) for i < chunks * kVecChunk: constant-trip inner loops,
/// vectorised at -O2, with AVX2 / AVX-512 clones picked at load time (native 32-bit multiplies
/// for the mixer).
SYNTHEMBED_DROPOUT_CLONES void dropoutChunks(const float* __restrict src, float* __restrict dst, std::uint32_t base,
                                             std::int64_t chunks, std::uint32_t lo, std::uint32_t hi,
                                             std::uint32_t thr, float s, bool accumulate) {
    for (std::int64_t c = 0; c < chunks; ++c, src += kVecChunk, dst += kVecChunk, base += kVecChunk) {
        if (accumulate) {
            for (std::int64_t i = 0; i < kVecChunk; ++i) {
                const std::uint32_t draw = mix32(mix32((base + static_cast<std::uint32_t>(i)) ^ lo) ^ hi) >> 16;
                dst[i] += src[i] * (draw < thr ? s : 0.0f);
            }
        } else {
            for (std::int64_t i = 0; i < kVecChunk; ++i) {
                const std::uint32_t draw = mix32(mix32((base + static_cast<std::uint32_t>(i)) ^ lo) ^ hi) >> 16;
                dst[i] = src[i] * (draw < thr ? s : 0.0f);
            }
        }
    }
}

/// out[i] (+)= a[i] * b[i] for i < chunks * kVecChunk (vectorised as dropoutChunks).
SYNTHEMBED_DROPOUT_CLONES void mulChunks(const float* __restrict a, const float* __restrict b, float* __restrict out,
                                         std::int64_t chunks, bool accumulate) {
    for (std::int64_t c = 0; c < chunks; ++c, a += kVecChunk, b += kVecChunk, out += kVecChunk) {
        if (accumulate) {
            for (std::int64_t i = 0; i < kVecChunk; ++i) out[i] += a[i] * b[i];
        } else {
            for (std::int64_t i = 0; i < kVecChunk; ++i) out[i] = a[i] * b[i];
        }
    }
}

/// out[i] (+)= a[i] * b[i] for i < n: whole chunks vectorised, the rest in a short scalar loop.
void multiply(const float* a, const float* b, float* out, std::int64_t n, bool accumulate) {
    const std::int64_t chunks = n / kVecChunk, done = chunks * kVecChunk;
    mulChunks(a, b, out, chunks, accumulate);
    for (std::int64_t i = done; i < n; ++i) out[i] = (accumulate ? out[i] : 0.0f) + a[i] * b[i];
}

struct DropoutStream {
    std::uint32_t seedLo, seedHi;
    std::uint32_t threshold; ///< keep when the 16-bit draw is below it: round((1 - p) 2^16)
    float keepScale;         ///< 1 / (1 - p)

    DropoutStream(std::uint64_t s, double p)
        : seedLo(static_cast<std::uint32_t>(s)), seedHi(static_cast<std::uint32_t>(s >> 32)),
          threshold(static_cast<std::uint32_t>(std::lround(std::ldexp(1.0 - p, 16)))),
          keepScale(static_cast<float>(1.0 / (1.0 - p))) {}

    /// out[i] = a[i] * noise(i) (Accumulate: out[i] += ...) for i in [0, n), in parallel.
    template <bool Accumulate> void apply(const float* a, float* out, std::int64_t n) const {
        constexpr std::int64_t kBlock = kDropoutBlock;
        const std::int64_t blocks = (n + kBlock - 1) / kBlock;
        at::parallel_for(0, blocks, 32, [&](std::int64_t begin, std::int64_t end) {
            const std::int64_t i0 = begin * kBlock, i1 = std::min(n, end * kBlock);
            span<Accumulate>(a + i0, out + i0, i0, i1 - i0);
        });
    }

    /// out[i] = a[i] * noise(first + i) (Accumulate: out[i] += ...) for i in [0, n), in the calling
    /// thread: the same stream as apply() (an element's draw depends on its global index only),
    /// for one block of rows.
    template <bool Accumulate> void span(const float* a, float* out, std::int64_t first, std::int64_t n) const {
        const std::int64_t chunks = n / kVecChunk, done = chunks * kVecChunk;
        dropoutChunks(a, out, static_cast<std::uint32_t>(first), chunks, seedLo, seedHi, threshold, keepScale,
                      Accumulate);
        run<Accumulate>(a + done, out + done, static_cast<std::uint32_t>(first + done), n - done);
    }

    template <bool Accumulate>
    inline void run(const float* __restrict src, float* __restrict dst, std::uint32_t base, std::int64_t m) const {
        const std::uint32_t lo = seedLo, hi = seedHi, thr = threshold;
        const float s = keepScale;
        for (std::int64_t i = 0; i < m; ++i) {
            const std::uint32_t draw = mix32(mix32((base + static_cast<std::uint32_t>(i)) ^ lo) ^ hi) >> 16;
            const float k = draw < thr ? s : 0.0f;
            if constexpr (Accumulate)
                dst[i] += src[i] * k;
            else
                dst[i] = src[i] * k;
        }
    }
};

/// One product of a row block inside a parallel region (C = alpha op(A) op(B) + beta C, row-major),
/// through the BLAS in the calling thread (see smallGemm for why not oneDNN there). The LoRA
/// kernels keep every such product at or below kBlockWork multiply-adds, where OpenBLAS stays in
/// the calling thread (above 4 x 65536 it wakes its own threads, which then yield against the
/// OpenMP team: with 2^20 a stories260K LoRA step spent 0.08-0.2 s/step in system time).
void blockGemm(bool transA, bool transB, std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const float* A,
               std::int64_t lda, const float* B, std::int64_t ldb, float beta, float* C, std::int64_t ldc) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), alpha, A, static_cast<int>(lda), B,
                static_cast<int>(ldb), beta, C, static_cast<int>(ldc));
}

constexpr std::int64_t kBlockWork = 1 << 18;

/// Rows per block of the LoRA kernels: at most 512 (a multiple of 8 from 8 on), with every thin
/// product of a block (rows x r x max(in, out)) within kBlockWork.
std::int64_t loraBlockRows(std::int64_t r, std::int64_t K, std::int64_t N) {
    const std::int64_t widest = std::max<std::int64_t>(1, r * std::max(K, N));
    const std::int64_t rows = kBlockWork / widest;
    return std::clamp<std::int64_t>(rows >= 8 ? rows / 8 * 8 : rows, 1, 512);
}

/// out[i] = scale * (parts[0][i] + parts[1][i] + ...) for i < n, the chunks added in order.
void sumChunks(const float* __restrict parts, std::int64_t chunks, std::int64_t n, float scale,
               float* __restrict out) {
    std::int64_t i = 0;
    for (; i + kVecChunk <= n; i += kVecChunk) { // constant-trip inner loops: vectorised at -O2
        float acc[kVecChunk] = {};
        for (std::int64_t c = 0; c < chunks; ++c)
            for (std::int64_t j = 0; j < kVecChunk; ++j)
                acc[j] += parts[c * n + i + j];
        for (std::int64_t j = 0; j < kVecChunk; ++j)
            out[i + j] = acc[j] * scale;
    }
    for (; i < n; ++i) {
        float acc = 0.0f;
        for (std::int64_t c = 0; c < chunks; ++c)
            acc += parts[c * n + i];
        out[i] = acc * scale;
    }
}

/// One 64-bit seed from the default CPU generator (under its lock): the dropout's only draw, so
/// restoring the generator's state (GradCache, gradient checkpointing) replays the same mask.
std::uint64_t dropoutSeed() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
}

/// The LoRA projection (see gemmLoraLinear). Inputs: x, weight, bias (empty = none), A, B, then
/// scale and dropout probability.
///
/// The base products (x W^T forward, gy W backward) are single oneDNN calls. Everything of the
/// adapter runs in one parallel region per direction, over blocks of rows whose operands stay in
/// the core's cache: the block's dropped-out input is drawn into a per-thread buffer (never a
/// [tokens, in] tensor), and its thin products go through blockGemm. Forward: h = dropout(x),
/// t = h A^T (kept for backward), y += scale t B^T. Backward: u = gy B, gx += scale (u A) * noise,
/// and the partial sums gy^T t and u^T h of fixed chunks of rows (the same chunks whatever the
/// thread count, added in order afterwards, so the gradients do not depend on it). Before, the
/// adapter's term was eight separate whole-tensor passes and products per projection: a LoRA
/// step of stories260K cost 1.1x its full fine-tuning step.
class OneDnnLoraLinear : public torch::autograd::Function<OneDnnLoraLinear> {
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& A,
                                 const torch::Tensor& B, double scale, double dropout) {
        auto f = sgemm();
        const auto K = x.size(-1), N = weight.size(0), r = A.size(0);
        auto x2 = x.reshape({-1, K}).contiguous();
        auto w = weight.contiguous(), a = A.contiguous(), b = B.contiguous();
        const auto M = x2.size(0);
        // Dropout on the adapter's input only, from a counter-based stream (DropoutStream): no mask
        // is stored, backward recomputes it from the seed.
        std::uint64_t seed = 0;
        if (dropout > 0) seed = dropoutSeed();
        auto t = torch::empty({M, r}, x2.options()); // h A^T: the thin intermediate, kept for backward
        if (N <= 0 || K <= 0) t.zero_();
        const bool hasBias = bias.numel() > 0;
        auto y = torch::empty({M, N}, x2.options());
        if (hasBias) y.copy_(bias.unsqueeze(0).expand({M, N}));
        if (M > 0 && N > 0) {
            f('N', 'T', M, N, K, 1.0f, x2.data_ptr<float>(), K, w.data_ptr<float>(), K, hasBias ? 1.0f : 0.0f,
              y.data_ptr<float>(), N);
            if (r > 0 && K > 0) {
                const DropoutStream noise(seed, dropout > 0 ? dropout : 0.5);
                const auto rows = loraBlockRows(r, K, N);
                const float* px = x2.data_ptr<float>();
                const float* pa = a.data_ptr<float>();
                const float* pb = b.data_ptr<float>();
                float* pt = t.data_ptr<float>();
                float* py = y.data_ptr<float>();
                const auto alpha = static_cast<float>(scale);
                at::parallel_for(0, (M + rows - 1) / rows, 1, [&](std::int64_t begin, std::int64_t end) {
                    std::vector<float> hbuf(dropout > 0 ? static_cast<std::size_t>(rows * K) : 0);
                    for (auto blk = begin; blk < end; ++blk) {
                        const auto r0 = blk * rows, m = std::min(rows, M - r0);
                        const float* h = px + r0 * K;
                        if (dropout > 0) {
                            noise.span<false>(h, hbuf.data(), r0 * K, m * K);
                            h = hbuf.data();
                        }
                        blockGemm(false, true, m, r, K, 1.0f, h, K, pa, K, 0.0f, pt + r0 * r, r);
                        blockGemm(false, true, m, N, r, alpha, pt + r0 * r, r, pb, r, 1.0f, py + r0 * N, N);
                    }
                });
            }
        }
        ctx->saved_data["bias"] = hasBias;
        ctx->saved_data["x_sizes"] = x.sizes().vec();
        ctx->saved_data["scale"] = scale;
        ctx->saved_data["dropout"] = dropout;
        ctx->saved_data["seed"] = static_cast<std::int64_t>(seed);
        ctx->save_for_backward({x2, w, a, b, t});
        auto sizes = x.sizes().vec();
        sizes.back() = N;
        return y.view(sizes);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto f = sgemm();
        auto saved = ctx->get_saved_variables();
        const auto& x2 = saved[0];
        const auto& w = saved[1];
        const auto& a = saved[2];
        const auto& b = saved[3];
        const auto& t = saved[4];
        const double p = ctx->saved_data["dropout"].toDouble();
        const DropoutStream noise(static_cast<std::uint64_t>(ctx->saved_data["seed"].toInt()), p > 0 ? p : 0.5);
        const auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
        const auto M = x2.size(0), K = x2.size(1), N = w.size(0), r = a.size(0);
        auto gy = grads[0].reshape({-1, N}).contiguous();
        const float* pgy = gy.data_ptr<float>();
        const bool needX = ctx->needs_input_grad(0), needW = ctx->needs_input_grad(1),
                   needA = ctx->needs_input_grad(3), needB = ctx->needs_input_grad(4);
        torch::Tensor gx, gw, gb, ga, gB;
        if (needX) { // gy W, the adapter's term added below
            gx = torch::empty({M, K}, gy.options());
            if (M > 0 && K > 0) {
                if (N > 0)
                    f('N', 'N', M, K, N, 1.0f, pgy, N, w.data_ptr<float>(), K, 0.0f, gx.data_ptr<float>(), K);
                else
                    gx.zero_();
            }
        }
        if (needA) ga = torch::zeros({r, K}, gy.options());
        if (needB) gB = torch::zeros({N, r}, gy.options());
        if ((needX || needA || needB) && M > 0 && K > 0 && N > 0 && r > 0) {
            const auto rows = loraBlockRows(r, K, N);
            // Fixed chunks of whole blocks (at most 64 chunks), each with its own partial sums of the
            // adapter's gradients.
            const auto blocks = (M + rows - 1) / rows;
            const auto perChunk = (blocks + 63) / 64;
            const auto chunks = (blocks + perChunk - 1) / perChunk;
            torch::Tensor gaPart = needA ? torch::zeros({chunks, r, K}, gy.options()) : torch::Tensor();
            torch::Tensor gBPart = needB ? torch::zeros({chunks, N, r}, gy.options()) : torch::Tensor();
            const float* px = x2.data_ptr<float>();
            const float* pa = a.data_ptr<float>();
            const float* pb = b.data_ptr<float>();
            const float* pt = t.data_ptr<float>();
            float* pgx = needX ? gx.data_ptr<float>() : nullptr;
            float* pga = needA ? gaPart.data_ptr<float>() : nullptr;
            float* pgB = needB ? gBPart.data_ptr<float>() : nullptr;
            at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
                const auto cap = static_cast<std::size_t>(rows * K);
                // With dropout: the block's noise drawn once (from ones), then applied to x (for
                // grad A) and to u A (for grad x).
                std::vector<float> ubuf(static_cast<std::size_t>(rows * r)), nbuf(p > 0 ? cap : 0),
                    ones(p > 0 ? cap : 0, 1.0f), hbuf(p > 0 && needA ? cap : 0), vbuf(p > 0 && needX ? cap : 0);
                for (auto c = begin; c < end; ++c)
                    for (auto blk = c * perChunk; blk < std::min(blocks, (c + 1) * perChunk); ++blk) {
                        const auto r0 = blk * rows, m = std::min(rows, M - r0);
                        const float* gyb = pgy + r0 * N;
                        if (needB) // gy^T t [N, r]
                            blockGemm(true, false, N, r, m, 1.0f, gyb, N, pt + r0 * r, r, 1.0f, pgB + c * N * r, r);
                        if (!needX && !needA) continue;
                        float* u = ubuf.data(); // gy B [m, r]
                        blockGemm(false, false, m, r, N, 1.0f, gyb, N, pb, r, 0.0f, u, r);
                        const float* nz = nbuf.data();
                        if (p > 0) noise.span<false>(ones.data(), nbuf.data(), r0 * K, m * K);
                        if (needA) { // u^T h [r, K], h = the block's dropped-out input
                            const float* h = px + r0 * K;
                            if (p > 0) {
                                float* hb = hbuf.data();
                                multiply(h, nz, hb, m * K, false);
                                h = hb;
                            }
                            blockGemm(true, false, r, K, m, 1.0f, u, r, h, K, 1.0f, pga + c * r * K, K);
                        }
                        if (needX) { // gx += scale (u A) * noise
                            float* gxb = pgx + r0 * K;
                            if (p > 0) {
                                float* v = vbuf.data();
                                blockGemm(false, false, m, K, r, scale, u, r, pa, K, 0.0f, v, K);
                                multiply(v, nz, gxb, m * K, true);
                            } else {
                                blockGemm(false, false, m, K, r, scale, u, r, pa, K, 1.0f, gxb, K);
                            }
                        }
                    }
            });
            // In chunk order (independent of the thread count), in one loop: a tensor add per chunk
            // cost ~4,500 dispatcher calls per stories260K step.
            if (needA) sumChunks(gaPart.data_ptr<float>(), chunks, r * K, scale, ga.data_ptr<float>());
            if (needB) sumChunks(gBPart.data_ptr<float>(), chunks, N * r, scale, gB.data_ptr<float>());
        }
        if (needX) gx = gx.view(ctx->saved_data["x_sizes"].toIntVector());
        if (needW) { // gy^T x [N, K]
            gw = torch::zeros({N, K}, gy.options());
            if (M > 0 && N > 0 && K > 0)
                f('T', 'N', N, K, M, 1.0f, pgy, N, x2.data_ptr<float>(), K, 0.0f, gw.data_ptr<float>(), K);
        }
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2)) gb = gy.sum(0);
        return {gx, gw, gb, ga, gB, torch::Tensor(), torch::Tensor()};
    }
};

/// C[i] = op(A[i]) op(B[i]) for i < batch (row-major items, item strides sa, sb, sc), in one
/// parallel region over items and blocks of C's rows, each block's product within kBlockWork
/// multiply-adds so that OpenBLAS stays in the calling thread.
void batchedGemm(std::int64_t batch, bool ta, bool tb, std::int64_t M, std::int64_t N, std::int64_t K,
                 const float* A, std::int64_t lda, std::int64_t sa, const float* B, std::int64_t ldb,
                 std::int64_t sb, float* C, std::int64_t ldc, std::int64_t sc) {
    if (batch <= 0 || M <= 0 || N <= 0) return;
    if (K <= 0) {
        for (std::int64_t i = 0; i < batch; ++i)
            for (std::int64_t r = 0; r < M; ++r) std::fill_n(C + i * sc + r * ldc, N, 0.0f);
        return;
    }
    const std::int64_t rows = std::clamp<std::int64_t>(kBlockWork / std::max<std::int64_t>(1, N * K), 1, M);
    const std::int64_t perItem = (M + rows - 1) / rows;
    at::parallel_for(0, batch * perItem, 1, [&](std::int64_t begin, std::int64_t end) {
        for (auto task = begin; task < end; ++task) {
            const auto i = task / perItem, r0 = task % perItem * rows, m = std::min(rows, M - r0);
            const float* a = A + i * sa + (ta ? r0 : r0 * lda); // op(A)'s rows r0..: columns of a stored A^T
            blockGemm(ta, tb, m, N, K, 1.0f, a, lda, B + i * sb, ldb, 0.0f, C + i * sc + r0 * ldc, ldc);
        }
    });
}

/// A [B, M, K] operand of a batched product as stored: contiguous, or the transpose of a
/// contiguous [B, K, M] (then t is set and ld = M).
struct BatchOperand {
    torch::Tensor data;
    bool t = false;
    std::int64_t ld = 0;
};

BatchOperand batchOperand(const torch::Tensor& x) {
    if (x.is_contiguous()) return {x, false, x.size(2)};
    auto xt = x.transpose(1, 2);
    if (xt.is_contiguous()) return {xt, true, x.size(1)};
    return {x.contiguous(), false, x.size(2)};
}

/// Training: a [B, M, K] times b [B, K, N] with autograd, every product (forward and both
/// gradients) split over items and row blocks in one OpenMP region. libtorch 1.13's CPU bmm runs
/// the items one after another on one thread (a select and a BLAS call per item: ~50,000
/// dispatcher calls per stories260K training step), leaving the other cores idle.
class BatchedProduct : public torch::autograd::Function<BatchedProduct> {
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                                 const torch::Tensor& b) {
        const auto B = a.size(0), M = a.size(1), K = a.size(2), N = b.size(2);
        auto oa = batchOperand(a), ob = batchOperand(b);
        auto c = torch::empty({B, M, N}, a.options());
        batchedGemm(B, oa.t, ob.t, M, N, K, oa.data.data_ptr<float>(), oa.ld, M * K, ob.data.data_ptr<float>(),
                    ob.ld, K * N, c.data_ptr<float>(), N, M * N);
        ctx->save_for_backward({oa.data, ob.data});
        ctx->saved_data["ta"] = oa.t;
        ctx->saved_data["tb"] = ob.t;
        return c;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto saved = ctx->get_saved_variables();
        const auto& A = saved[0];
        const auto& Bm = saved[1];
        const bool ta = ctx->saved_data["ta"].toBool(), tb = ctx->saved_data["tb"].toBool();
        auto gc = grads[0].contiguous();
        const auto B = gc.size(0), M = gc.size(1), N = gc.size(2);
        const auto K = ta ? A.size(1) : A.size(2);
        const float* pg = gc.data_ptr<float>();
        torch::Tensor ga, gb;
        if (ctx->needs_input_grad(0)) {
            // a = gc b^T, written in a's stored layout: [B, M, K], or its transpose [B, K, M] = b gc^T.
            if (!ta) {
                ga = torch::empty({B, M, K}, gc.options());
                batchedGemm(B, false, !tb, M, K, N, pg, N, M * N, Bm.data_ptr<float>(), tb ? K : N, K * N,
                            ga.data_ptr<float>(), K, M * K);
            } else {
                ga = torch::empty({B, K, M}, gc.options());
                batchedGemm(B, tb, true, K, M, N, Bm.data_ptr<float>(), tb ? K : N, K * N, pg, N, M * N,
                            ga.data_ptr<float>(), M, M * K);
                ga = ga.transpose(1, 2);
            }
        }
        if (ctx->needs_input_grad(1)) {
            // b = a^T gc, written in b's stored layout: [B, K, N], or its transpose [B, N, K] = gc^T a.
            if (!tb) {
                gb = torch::empty({B, K, N}, gc.options());
                batchedGemm(B, !ta, false, K, N, M, A.data_ptr<float>(), ta ? M : K, M * K, pg, N, M * N,
                            gb.data_ptr<float>(), N, K * N);
            } else {
                gb = torch::empty({B, N, K}, gc.options());
                batchedGemm(B, true, ta, N, K, M, pg, N, M * N, A.data_ptr<float>(), ta ? M : K, M * K,
                            gb.data_ptr<float>(), K, K * N);
                gb = gb.transpose(1, 2);
            }
        }
        return {ga, gb};
    }
};

/// See smallHeadCausalTraining. One task per sequence and KV head: its keys and values
/// transposed once, then each of its query heads; backward accumulates the keys' and values'
/// gradients of all the group's query heads in the task's own transposed blocks. Every operand is
/// read and written in the projections' own row layout [B, S, heads, D] (strided rows), so no
/// head permute copies exist either.
class SmallHeadCausalAttention : public torch::autograd::Function<SmallHeadCausalAttention> {
    /// fn(g, row0, n, buf) for every sequence with tokens at flat rows row0 .. row0 + n - 1 and
    /// every KV head g, in one parallel region; buf is the thread's scratch vector.
    template <class Fn> static void perSequenceAndKvHead(const torch::Tensor& spans, std::int64_t nKv, const Fn& fn) {
        const std::int64_t* sp = spans.data_ptr<std::int64_t>();
        at::parallel_for(0, spans.size(0) * nKv, 1, [&](std::int64_t begin, std::int64_t end) {
            std::vector<float> buf;
            for (auto task = begin; task < end; ++task) {
                const auto b = task / nKv, n = sp[2 * b + 1];
                if (n > 0) fn(task % nKv, sp[2 * b], n, buf);
            }
        });
    }

  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q,
                                 const torch::Tensor& k, const torch::Tensor& v, const torch::Tensor& spans,
                                 std::int64_t window) {
        auto Q = q.contiguous(), K = k.contiguous(), V = v.contiguous();
        const auto B = Q.size(0), S = Q.size(1), nHead = Q.size(2), D = Q.size(3), nKv = K.size(2);
        const auto rep = nHead / nKv, Hq = nHead * D, Hk = nKv * D, rows = B * S;
        auto out = torch::zeros({B, S, Hq}, Q.options());
        auto lse = torch::zeros({nHead, rows}, Q.options());
        const float* pq = Q.data_ptr<float>();
        const float* pk = K.data_ptr<float>();
        const float* pv = V.data_ptr<float>();
        float* po = out.data_ptr<float>();
        float* pl = lse.data_ptr<float>();
        perSequenceAndKvHead(spans, nKv, [&](std::int64_t g, std::int64_t row0, std::int64_t n, std::vector<float>& buf) {
            const auto P = detail::paddedLength(n);
            buf.resize(static_cast<std::size_t>((2 * D + 1) * P));
            float* kt = buf.data();
            float* vt = kt + D * P;
            const auto kvAt = row0 * Hk + g * D;
            detail::transposeKv(pk + kvAt, Hk, pv + kvAt, Hk, n, D, kt, vt);
            for (std::int64_t r = 0; r < rep; ++r) {
                const auto h = g * rep + r, at = row0 * Hq + h * D;
                detail::smallHeadCausal(pq + at, Hq, {kt, vt, P}, n, D, window, po + at, Hq, vt + D * P,
                                        pl + h * rows + row0);
            }
        });
        ctx->save_for_backward({Q, K, V, out, lse, spans});
        ctx->saved_data["window"] = window;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto saved = ctx->get_saved_variables();
        const auto &Q = saved[0], &K = saved[1], &V = saved[2], &out = saved[3], &lse = saved[4],
                   &spans = saved[5];
        const auto window = ctx->saved_data["window"].toInt();
        auto go = grads[0].contiguous();
        const auto rows = Q.size(0) * Q.size(1), nHead = Q.size(2), D = Q.size(3), nKv = K.size(2);
        const auto rep = nHead / nKv, Hq = nHead * D, Hk = nKv * D;
        auto dQ = torch::zeros_like(Q), dK = torch::zeros_like(K), dV = torch::zeros_like(V);
        const float* pq = Q.data_ptr<float>();
        const float* pk = K.data_ptr<float>();
        const float* pv = V.data_ptr<float>();
        const float* po = out.data_ptr<float>();
        const float* pl = lse.data_ptr<float>();
        const float* pg = go.data_ptr<float>();
        float* pdq = dQ.data_ptr<float>();
        float* pdk = dK.data_ptr<float>();
        float* pdv = dV.data_ptr<float>();
        perSequenceAndKvHead(spans, nKv, [&](std::int64_t g, std::int64_t row0, std::int64_t n, std::vector<float>& buf) {
            const auto P = detail::paddedLength(n);
            buf.assign(static_cast<std::size_t>(4 * D * P), 0.0f);
            float* kt = buf.data();
            float* vt = kt + D * P;
            float* dkt = vt + D * P;
            float* dvt = dkt + D * P;
            const auto kvAt = row0 * Hk + g * D;
            detail::transposeKv(pk + kvAt, Hk, pv + kvAt, Hk, n, D, kt, vt);
            for (std::int64_t r = 0; r < rep; ++r) {
                const auto h = g * rep + r, at = row0 * Hq + h * D;
                detail::smallHeadCausalBackward(pq + at, Hq, {kt, vt, P}, n, D, window, pl + h * rows + row0,
                                                po + at, Hq, pg + at, Hq, pdq + at, Hq, dkt, dvt);
            }
            for (std::int64_t j = 0; j < n; ++j)
                for (std::int64_t d = 0; d < D; ++d) {
                    pdk[kvAt + j * Hk + d] = dkt[d * P + j];
                    pdv[kvAt + j * Hk + d] = dvt[d * P + j];
                }
        });
        return {dQ, dK, dV, torch::Tensor(), torch::Tensor()};
    }
};

/// See ropeRows: y1 = x1 c - x2 s, y2 = x2 c + x1 s over each head's halves; backward rotates the
/// gradient back (g1 c + g2 s, g2 c - g1 s). cos and sin get no gradient.
class RopeRows : public torch::autograd::Function<RopeRows> {
  public:
    static void rotate(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin, float sign,
                       torch::Tensor& y) {
        const auto rows = x.size(0) * x.size(1), heads = x.size(2), D = x.size(3), half = D / 2;
        const float* px = x.data_ptr<float>();
        const float* pc = cos.data_ptr<float>();
        const float* ps = sin.data_ptr<float>();
        float* py = y.data_ptr<float>();
        at::parallel_for(0, rows, 64, [&](std::int64_t begin, std::int64_t end) {
            for (auto r = begin; r < end; ++r) {
                const float* c = pc + r * half;
                const float* sn = ps + r * half;
                for (std::int64_t h = 0; h < heads; ++h) {
                    const float* a = px + (r * heads + h) * D;
                    float* o = py + (r * heads + h) * D;
                    for (std::int64_t i = 0; i < half; ++i) {
                        const float x1 = a[i], x2 = a[i + half], si = sign * sn[i];
                        o[i] = x1 * c[i] - x2 * si;
                        o[i + half] = x2 * c[i] + x1 * si;
                    }
                }
            }
        });
    }

    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& cos, const torch::Tensor& sin) {
        auto X = x.contiguous(), C = cos.contiguous(), Sn = sin.contiguous();
        auto y = torch::empty_like(X);
        rotate(X, C, Sn, 1.0f, y);
        ctx->save_for_backward({C, Sn});
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto saved = ctx->get_saved_variables();
        auto g = grads[0].contiguous();
        auto gx = torch::empty_like(g);
        rotate(g, saved[0], saved[1], -1.0f, gx);
        return {gx, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor gemmLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
    auto f = sgemm();
    const bool fp32 = f && cpuFloat(x) && cpuFloat(weight) && (!bias.defined() || cpuFloat(bias));
    if (fp32 && eligible(x) && eligible(weight) && (!bias.defined() || eligible(bias)) && weight.is_contiguous())
        return rawLinear(f, x, weight, bias);
    if (fp32 && torch::GradMode::is_enabled() && x.dim() >= 1 && x.size(-1) == weight.size(1))
        return OneDnnLinear::apply(x, weight, bias.defined() ? bias : torch::empty({0}, x.options()));
    return bias.defined() ? torch::linear(x, weight, bias) : torch::linear(x, weight);
}

torch::Tensor loraDropoutNoise(const torch::Tensor& like, double p) {
    auto ones = torch::ones(like.sizes(), torch::TensorOptions().dtype(torch::kFloat32));
    if (p <= 0) return ones;
    auto out = torch::empty_like(ones);
    DropoutStream(dropoutSeed(), p).apply<false>(ones.data_ptr<float>(), out.data_ptr<float>(), ones.numel());
    return out;
}

torch::Tensor gemmLoraLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                             const torch::Tensor& A, const torch::Tensor& B, double scale, double dropout) {
    if (!sgemm() || !cpuFloat(x) || !cpuFloat(weight) || !cpuFloat(A) || !cpuFloat(B) ||
        (bias.defined() && !cpuFloat(bias)) || x.dim() < 1 || x.size(-1) != weight.size(1) ||
        A.dim() != 2 || B.dim() != 2 || A.size(1) != weight.size(1) || B.size(0) != weight.size(0) ||
        B.size(1) != A.size(0))
        return {};
    return OneDnnLoraLinear::apply(x, weight, bias.defined() ? bias : torch::empty({0}, x.options()), A, B, scale,
                                   dropout);
}

torch::Tensor gemmBatched(const torch::Tensor& a, const torch::Tensor& b) {
    auto f = sgemm();
    if (!f || !eligible(a) || !eligible(b)) {
        if (f && torch::GradMode::is_enabled() && cpuFloat(a) && cpuFloat(b) && a.dim() == 3 && b.dim() == 3 &&
            a.size(0) == b.size(0) && a.size(2) == b.size(1))
            return BatchedProduct::apply(a, b);
        return torch::bmm(a, b);
    }
    auto A = a.contiguous();
    const auto B = A.size(0), M = A.size(1), K = A.size(2), N = b.size(2);
    // b is either contiguous [B, K, N] or the transpose of a contiguous [B, N, K].
    char tb = 'N';
    torch::Tensor Bm;
    std::int64_t ldb = N;
    if (b.is_contiguous()) {
        Bm = b;
    } else if (b.transpose(1, 2).is_contiguous()) {
        Bm = b.transpose(1, 2);
        tb = 'T';
        ldb = K;
    } else {
        Bm = b.contiguous();
    }
    auto C = torch::empty({B, M, N}, a.options());
    const float* pa = A.data_ptr<float>();
    const float* pb = Bm.data_ptr<float>();
    float* pc = C.data_ptr<float>();
    // One small product per thread.
    at::parallel_for(0, B, 1, [&](std::int64_t begin, std::int64_t end) {
        for (auto i = begin; i < end; ++i)
            smallGemm(tb == 'T', M, N, K, 1.0f, pa + i * M * K, K, pb + i * K * N, ldb, pc + i * M * N, N);
    });
    return C;
}

torch::Tensor gemmLinearResidual(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& residual) {
    auto f = sgemm();
    const bool fast = f && eligible(x) && eligible(weight) && eligible(residual) &&
                      (!bias.defined() || eligible(bias)) && weight.is_contiguous() &&
                      residual.size(-1) == weight.size(0) && residual.numel() / residual.size(-1) == x.numel() / x.size(-1);
    if (!fast) {
        auto y = bias.defined() ? torch::linear(x, weight, bias) : torch::linear(x, weight);
        return y + residual;
    }
    auto x2 = x.reshape({-1, x.size(-1)}).contiguous();
    const auto M = x2.size(0), K = x2.size(1), N = weight.size(0);
    auto out_sizes = x.sizes().vec();
    out_sizes.back() = N;
    auto r2 = residual.reshape({M, N});
    torch::Tensor y = bias.defined() ? torch::add(r2, bias) : r2.clone(at::MemoryFormat::Contiguous);
    if (M > 0 && N > 0)
        f('N', 'T', M, N, K, 1.0f, x2.data_ptr<float>(), K, weight.data_ptr<float>(), K, 1.0f, y.data_ptr<float>(),
          N);
    return y.view(out_sizes);
}

torch::Tensor packedSelfAttention(const torch::Tensor& qkv, std::int64_t nHead, double scale,
                                  const torch::Tensor& keyMask) {
    auto f = sgemm();
    if (!f || !eligible(qkv) || qkv.dim() != 3 || qkv.size(2) % (3 * nHead) != 0 ||
        (keyMask.defined() && !eligible(keyMask)))
        return {};
    auto P = qkv.contiguous();
    const auto B = P.size(0), S = P.size(1), H3 = P.size(2), H = H3 / 3, D = H / nHead;
    torch::Tensor M;
    if (keyMask.defined()) M = keyMask.reshape({B, S}).contiguous();
    auto ctx = torch::empty({B, S, H}, P.options());
    const float* p = P.data_ptr<float>();
    const float* m = M.defined() ? M.data_ptr<float>() : nullptr;
    float* c = ctx.data_ptr<float>();
    const auto alpha = static_cast<float>(scale);
    // Heads per softmax call: enough to amortise the op's dispatch, few enough that the score
    // blocks (G S^2 floats, twice) stay in the core's cache.
    const std::int64_t G = std::max<std::int64_t>(1, std::min<std::int64_t>(16, (256 * 1024) / (S * S * 4)));
    at::parallel_for(0, B * nHead, 1, [&](std::int64_t begin, std::int64_t end) {
        const auto n0 = std::min(G, end - begin);
        auto scores = torch::empty({n0, S, S}, P.options());
        auto probs = torch::empty({n0, S, S}, P.options());
        for (auto g0 = begin; g0 < end; g0 += G) {
            const auto n = std::min(G, end - g0);
            float* sc = scores.data_ptr<float>();
            for (auto i = g0; i < g0 + n; ++i) {
                const auto b = i / nHead, h = i % nHead;
                const float* q = p + b * S * H3 + h * D;
                float* out = sc + (i - g0) * S * S;
                smallGemm(true, S, S, D, alpha, q, H3, q + H, H3, out, S);
                if (m)
                    for (std::int64_t r = 0; r < S; ++r) {
                        float* row = out + r * S;
                        const float* mb = m + b * S;
                        for (std::int64_t j = 0; j < S; ++j)
                            row[j] += mb[j];
                    }
            }
            auto sIn = scores.narrow(0, 0, n), sOut = probs.narrow(0, 0, n);
            at::_softmax_out(sOut, sIn, -1, false);
            const float* pr = probs.data_ptr<float>();
            for (auto i = g0; i < g0 + n; ++i) {
                const auto b = i / nHead, h = i % nHead;
                const float* v = p + b * S * H3 + 2 * H + h * D;
                smallGemm(false, S, D, S, 1.0f, pr + (i - g0) * S * S, S, v, H3, c + b * S * H + h * D, H);
            }
        }
    });
    return ctx;
}

torch::Tensor varlenCausalAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                    const std::vector<std::int64_t>& offsets, std::int64_t window) {
    if (!eligible(q) || !eligible(k) || !eligible(v) || q.dim() != 4 || k.dim() != 3 || v.dim() != 3 ||
        offsets.size() < 2)
        return {};
    const auto nKv = q.size(0), rep = q.size(1), T = q.size(2), D = q.size(3);
    if (k.size(0) != nKv || k.size(1) != T || k.size(2) != D || v.sizes() != k.sizes() || offsets.back() != T ||
        offsets.front() != 0)
        return {};
    auto Q = q.contiguous(), K = k.contiguous(), V = v.contiguous();
    const auto nHead = nKv * rep, H = nHead * D;
    auto ctx = torch::empty({T, H}, q.options());
    const float* pq = Q.data_ptr<float>();
    const float* pk = K.data_ptr<float>();
    const float* pv = V.data_ptr<float>();
    float* pc = ctx.data_ptr<float>();
    const auto nSeq = static_cast<std::int64_t>(offsets.size()) - 1;
    const float ninf = -std::numeric_limits<float>::infinity();
    // Products of long sequences (n x n x D) are large enough for OpenBLAS to start its own
    // threads, which then fight every other thread (69% of the time in exec_blas_async seen with
    // two embedding workers on SciFact). A caller outside any parallel region (an embedding
    // worker with one compute thread) uses oneDNN, which stays on the caller's OpenMP team; inside
    // this function's own parallel region the BLAS gets only small blocks, as in packedSelfAttention.
    const bool serialCaller = !at::in_parallel_region() && at::get_num_threads() == 1;
    auto product = [&](bool transB, std::int64_t M, std::int64_t N, std::int64_t K, const float* A,
                       std::int64_t lda, const float* Bm, std::int64_t ldb, float* C, std::int64_t ldc) {
        if (serialCaller && oneDnnSgemm('N', transB ? 'T' : 'N', M, N, K, 1.0f, A, lda, Bm, ldb, 0.0f, C, ldc)) return;
        smallGemm(transB, M, N, K, 1.0f, A, lda, Bm, ldb, C, ldc);
    };
    if (D <= detail::kSmallHeadMax) {
        // Small heads: the fused kernel (scores, exponentials and the value sum of a query row in L1).
        at::parallel_for(0, nSeq, 1, [&](std::int64_t begin, std::int64_t end) {
            std::vector<float> buf;
            for (auto s = begin; s < end; ++s) {
                const auto off = offsets[s], n = offsets[s + 1] - off;
                if (n <= 0) continue;
                const auto P = detail::paddedLength(n);
                buf.resize(static_cast<std::size_t>((2 * D + 1) * P));
                float* kt = buf.data();
                float* vt = kt + D * P;
                float* scratch = vt + D * P;
                for (std::int64_t kv = 0; kv < nKv; ++kv) {
                    detail::transposeKv(pk + (kv * T + off) * D, D, pv + (kv * T + off) * D, D, n, D, kt, vt);
                    for (std::int64_t r = 0; r < rep; ++r) {
                        const auto h = kv * rep + r;
                        detail::smallHeadCausal(pq + (h * T + off) * D, D, {kt, vt, P}, n, D, window,
                                                pc + off * H + h * D, H, scratch);
                    }
                }
            }
        });
        return ctx;
    }
    // One task per sequence. Within it, query rows in blocks of kRows: a block's queries see keys
    // lo .. r1-1 only (causal, window), so scores, exponentials and the value product cover about
    // half of the n x n square. Heads in groups whose blocks stay in the core's cache, one softmax
    // call per group and row block.
    constexpr std::int64_t kRows = 64;
    at::parallel_for(0, nSeq, 1, [&](std::int64_t begin, std::int64_t end) {
        torch::Tensor scores, probs;
        for (auto s = begin; s < end; ++s) {
            const auto off = offsets[s], n = offsets[s + 1] - off;
            if (n <= 0) continue;
            const auto blk = std::min(kRows, n);
            const std::int64_t G =
                std::max<std::int64_t>(1, std::min<std::int64_t>(nHead, (256 * 1024) / (blk * n * 4)));
            if (!scores.defined() || scores.numel() < G * blk * n) {
                scores = torch::empty({G * blk * n}, q.options());
                probs = torch::empty({G * blk * n}, q.options());
            }
            for (std::int64_t r0 = 0; r0 < n; r0 += blk) {
                const auto r1 = std::min(n, r0 + blk), rows = r1 - r0;
                const auto lo = window > 0 ? std::max<std::int64_t>(0, r0 - window + 1) : 0;
                const auto cols = r1 - lo;
                for (std::int64_t h0 = 0; h0 < nHead; h0 += G) {
                    const auto g = std::min(G, nHead - h0);
                    float* sc = scores.data_ptr<float>();
                    for (auto h = h0; h < h0 + g; ++h) {
                        const auto kv = h / rep;
                        float* out = sc + (h - h0) * rows * cols;
                        product(true, rows, cols, D, pq + (h * T + off + r0) * D, D, pk + (kv * T + off + lo) * D, D,
                                out, cols);
                        for (std::int64_t i = 0; i < rows; ++i) {
                            const auto qi = r0 + i;
                            float* row = out + i * cols;
                            for (std::int64_t j = qi + 1 - lo; j < cols; ++j) // later keys
                                row[j] = ninf;
                            if (window > 0)
                                for (std::int64_t j = 0; j <= qi - window - lo; ++j) // outside the window
                                    row[j] = ninf;
                        }
                    }
                    auto sIn = scores.narrow(0, 0, g * rows * cols).view({g * rows, cols});
                    auto sOut = probs.narrow(0, 0, g * rows * cols).view({g * rows, cols});
                    at::_softmax_out(sOut, sIn, -1, false);
                    const float* pr = probs.data_ptr<float>();
                    for (auto h = h0; h < h0 + g; ++h) {
                        const auto kv = h / rep;
                        product(false, rows, D, cols, pr + (h - h0) * rows * cols, cols, pv + (kv * T + off + lo) * D,
                                D, pc + (off + r0) * H + h * D, H);
                    }
                }
            }
        }
    });
    return ctx;
}

bool smallHeadTrainingApplies(const torch::Tensor& like, std::int64_t D) {
    return cpuFloat(like) && D > 0 && D <= detail::kSmallHeadMax;
}

torch::Tensor tokenSpans(const torch::Tensor& mask, std::int64_t B, std::int64_t S) {
    auto spans = torch::empty({B, 2}, torch::TensorOptions().dtype(torch::kInt64));
    auto* sp = spans.data_ptr<std::int64_t>();
    if (!mask.defined()) {
        for (std::int64_t b = 0; b < B; ++b)
            sp[2 * b] = b * S, sp[2 * b + 1] = S;
        return spans;
    }
    if (mask.dim() != 2 || mask.size(0) != B || mask.size(1) != S) return {};
    auto m = mask.to(torch::kCPU).to(torch::kBool).contiguous();
    const bool* pm = m.data_ptr<bool>();
    for (std::int64_t b = 0; b < B; ++b) {
        const bool* row = pm + b * S;
        std::int64_t first = 0;
        while (first < S && !row[first]) ++first;
        std::int64_t last = first;
        while (last < S && row[last]) ++last;
        for (std::int64_t j = last; j < S; ++j)
            if (row[j]) return {}; // a gap inside the sequence
        sp[2 * b] = b * S + (first == S ? 0 : first);
        sp[2 * b + 1] = last - first;
    }
    return spans;
}

TokenPacking packTokens(const torch::Tensor& mask, std::int64_t B, std::int64_t S) {
    auto spans = tokenSpans(mask, B, S);
    if (!spans.defined()) return {};
    const std::int64_t* sp = spans.data_ptr<std::int64_t>();
    std::int64_t T = 0;
    for (std::int64_t b = 0; b < B; ++b) {
        if (sp[2 * b + 1] == 0) return {}; // an empty sequence: the padded path defines what it gets
        T += sp[2 * b + 1];
    }
    TokenPacking p;
    const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
    p.rows = torch::empty({T}, i64);
    p.positions = torch::empty({T}, i64);
    p.spans = torch::empty({B, 2}, i64);
    auto* rows = p.rows.data_ptr<std::int64_t>();
    auto* pos = p.positions.data_ptr<std::int64_t>();
    auto* out = p.spans.data_ptr<std::int64_t>();
    std::int64_t at = 0;
    for (std::int64_t b = 0; b < B; ++b) {
        const auto first = sp[2 * b], n = sp[2 * b + 1];
        out[2 * b] = at;
        out[2 * b + 1] = n;
        for (std::int64_t t = 0; t < n; ++t, ++at) {
            rows[at] = first + t;
            pos[at] = t;
        }
    }
    return p;
}

torch::Tensor unpackRows(const torch::Tensor& x, const torch::Tensor& rows, std::int64_t B, std::int64_t S) {
    const auto T = rows.size(0), N = x.size(-1);
    return torch::zeros({B * S, N}, x.options()).index_copy(0, rows, x.reshape({T, N})).view({B, S, N});
}

torch::Tensor packRows(const torch::Tensor& x, const torch::Tensor& rows) {
    return x.reshape({-1, x.size(-1)}).index_select(0, rows).unsqueeze(0);
}

torch::Tensor smallHeadCausalTraining(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                      const torch::Tensor& spans, std::int64_t window) {
    if (q.dim() != 4 || k.dim() != 4 || v.sizes() != k.sizes() || !spans.defined() || spans.dim() != 2 ||
        spans.size(1) != 2 || spans.scalar_type() != torch::kInt64 || !spans.device().is_cpu())
        return {};
    const auto B = q.size(0), S = q.size(1), nHead = q.size(2), D = q.size(3), nKv = k.size(2);
    if (!smallHeadTrainingApplies(q, D) || !cpuFloat(k) || !cpuFloat(v) || k.size(0) != B || k.size(1) != S ||
        k.size(3) != D || nKv <= 0 || nHead % nKv != 0)
        return {};
    auto sc = spans.contiguous();
    const std::int64_t* sp = sc.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < sc.size(0); ++i) // runs of flat rows inside the batch
        if (sp[2 * i] < 0 || sp[2 * i + 1] < 0 || sp[2 * i] + sp[2 * i + 1] > B * S) return {};
    return SmallHeadCausalAttention::apply(q, k, v, sc, window);
}

torch::Tensor ropeRows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
    if (x.dim() != 4 || !cpuFloat(x) || !cpuFloat(cos) || !cpuFloat(sin) || x.size(3) % 2 != 0 || cos.dim() != 3 ||
        cos.size(0) != x.size(0) || cos.size(1) != x.size(1) || cos.size(2) != x.size(3) / 2 ||
        sin.sizes() != cos.sizes())
        return {};
    return RopeRows::apply(x, cos, sin);
}

} // namespace synthembed::model
