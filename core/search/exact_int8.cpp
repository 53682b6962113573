// The screened path of exactSearch: an int8 matrix product bounds every score, and only the rows
// that can still reach a query's top k are rescored exactly.
//
// Why it is exact. Write each row x = s xq + rx (s its scale, xq its int8 codes, rx the residual)
// and each query q = t qq + rq alike. Then q.x = t s (qq.xq) + rq.(s xq) + q.rx, so with
// S = qq.xq (exact in int32: |S| <= 127^2 d < 2^31 for d <= 65536)
//     |q.x - t s S| <= ||rq|| ||s xq|| + ||q|| ||rx||                                       (1)
// by Cauchy-Schwarz. QuantizedRows stores upper bounds of ||x||, ||rx||, ||s xq|| (sums in double,
// rounded up to float), so e = ||q|| slack_x + ||rq|| ||s xq|| bounds the gap, where
// slack_x = ||rx|| + 2^-15 (||x|| + ||s xq||) adds a margin for rounding:
//   - a = (t s) S in float carries at most 3 roundings (float(S), t s, the product): |a - t s S| <=
//     3.1u |t s S| <= 3.1u ||t qq|| ||s xq||, u = 2^-24; and ||t qq|| <= ||q|| + ||rq|| <= 2 ||q||
//     since |rq_j| <= t/2 <= max|q|/254 makes ||rq|| <= ||q|| sqrt(d)/254 <= ||q|| for d <= 65536;
//   - e and a +- e in float carry a few more roundings, each within u of values <= 3 ||q|| (||x|| +
//     ||s xq||);
//   - the exact rescoring is a dot product in double: within d 2^-53 ||q|| ||x||, far below u.
//   Together well under 30u ||q|| (||x|| + ||s xq||), and the margin is 2^-15 ||q|| (||x|| + ||s xq||)
//   = 512u ||q|| (...). Rows and queries whose largest |value| lies outside [1e-15, 1e15] (other than
//   zero rows) or that hold a non-finite value are not screened (no underflow or overflow above).
// So lower = a - e <= score <= a + e = upper for the double-precision score of every row. Per query
// the path keeps T, a value that k distinct allowed rows' scores reach: the k-th best lower bound,
// or (once candidates were rescored) the k-th best exact score rounded down. A row with upper < T
// has a score below k other rows' scores and cannot be in the top k, whatever the tie rule; every
// other row is rescored in double. The top k of the rescored rows (score descending, lower row
// first on ties) is then the top k of all rows by double-precision score.

#include "core/search/exact_int8.h"

#include "core/platform/platform.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SYNTHEMBED_X86 1
#endif

// GCC 12 warns that the _mm512_undefined_* operands inside its own AVX-512 intrinsics "may be used
// uninitialized" or "is used uninitialized" (GCC bug 105593); nothing of ours is.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace synthembed::search {

namespace {

// oneDNN's C API (dnnl.h), row-major: C = alpha op(A) op(B) + beta C (+ offsets), int32 results.
using GemmS8Fn = int (*)(char transa, char transb, char offsetc, std::int64_t M, std::int64_t N,
                         std::int64_t K, float alpha, const std::int8_t* A, std::int64_t lda, std::int8_t ao,
                         const std::int8_t* B, std::int64_t ldb, std::int8_t bo, float beta, std::int32_t* C,
                         std::int64_t ldc, const std::int32_t* co);

constexpr std::size_t kMaxDim = 65536;
constexpr double kMargin = 1.0 / 32768.0; // 2^-15, see the top of the file

void gemmS8(GemmS8Fn f, const std::int8_t* a, std::size_t m, const std::int8_t* b, std::size_t n,
            std::size_t d, std::int32_t* c) {
    const std::int32_t zero = 0;
    f('N', 'T', 'F', std::int64_t(m), std::int64_t(n), std::int64_t(d), 1.0f, a, std::int64_t(d), 0, b,
      std::int64_t(d), 0, 0.0f, c, std::int64_t(n), &zero);
}

// Exact int32 products are the premise of the bounds: on CPUs without VNNI oneDNN may saturate
// 16-bit intermediates. Check codes at the extremes (+-127 everywhere, alternating) and random ones.
bool selfCheck(GemmS8Fn f) {
    const std::size_t m = 5, n = 37, d = 389;
    std::vector<std::int8_t> a(m * d), b(n * d);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> code(-127, 127);
    for (std::size_t j = 0; j < d; ++j) {
        a[0 * d + j] = 127;
        a[1 * d + j] = -127;
        a[2 * d + j] = std::int8_t(j % 2 ? 127 : -127);
        b[0 * d + j] = 127;
        b[1 * d + j] = -127;
        b[2 * d + j] = std::int8_t(j % 2 ? -127 : 127);
    }
    for (std::size_t i = 3 * d; i < m * d; ++i)
        a[i] = std::int8_t(code(rng));
    for (std::size_t i = 3 * d; i < n * d; ++i)
        b[i] = std::int8_t(code(rng));
    std::vector<std::int32_t> c(m * n, -1);
    gemmS8(f, a.data(), m, b.data(), n, d, c.data());
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            std::int64_t s = 0;
            for (std::size_t t = 0; t < d; ++t)
                s += std::int64_t(a[i * d + t]) * b[j * d + t];
            if (s != c[i * n + j]) return false;
        }
    return true;
}

GemmS8Fn resolveGemmS8() {
    const char* lib = nullptr;
    auto f = reinterpret_cast<GemmS8Fn>(platform::oneDnnSymbol("dnnl_gemm_s8s8s32", &lib));
    if (!f) return nullptr;
    if (selfCheck(f)) {
        log::debug("exact search: int8 screening with oneDNN from ", lib);
        return f;
    }
    log::debug("exact search: oneDNN's int8 gemm from ", lib, " is not exact here; float path only");
    return nullptr;
}

GemmS8Fn gemmS8Fn() {
    static GemmS8Fn f = resolveGemmS8();
    return f;
}

float roundUp(double v) {
    const float f = static_cast<float>(v * (1.0 + 1e-10));
    return std::nextafter(f, std::numeric_limits<float>::infinity());
}

/// One row's quantisation: codes, scale and the three sums of squares (in double).
struct RowSums {
    float scale = 0;
    float maxAbs = 0;
    double norm2 = 0, residual2 = 0, code2 = 0;
};

// Sets the scale from maxAbs and norm2; false (codes zeroed, scale 0) when the row gets no codes.
bool setScale(RowSums& out, std::int8_t* c, std::size_t d) {
    out.scale = out.maxAbs / 127.0f;
    if (out.scale > 0 && std::isfinite(out.norm2)) return true;
    std::memset(c, 0, d);
    out.scale = 0;
    return false;
}

RowSums quantizeRowScalar(const float* r, std::size_t d, std::int8_t* c) {
    RowSums out;
    for (std::size_t j = 0; j < d; ++j)
        out.maxAbs = std::max(out.maxAbs, std::fabs(r[j]));
    for (std::size_t j = 0; j < d; ++j)
        out.norm2 += double(r[j]) * r[j];
    if (!setScale(out, c, d)) return out;
    const float s = out.scale;
    // Any rounding of r / s would do (the residual is measured from the codes kept).
    const float inv = 1.0f / s;
    for (std::size_t j = 0; j < d; ++j) {
        const float v = std::clamp(r[j] * inv, -127.0f, 127.0f);
        c[j] = std::int8_t(int(v + (v >= 0 ? 0.5f : -0.5f)));
    }
    for (std::size_t j = 0; j < d; ++j) {
        const double sc = double(s) * c[j]; // exact: 24 by 8 bits
        const double rr = double(r[j]) - sc;
        out.residual2 += rr * rr;
        out.code2 += sc * sc;
    }
    return out;
}

#if SYNTHEMBED_X86
// The same, 16 values at a time (the sums in double, 8 lanes each).
__attribute__((target("avx512f,avx512bw"))) RowSums quantizeRowAvx512(const float* r, std::size_t d,
                                                                      std::int8_t* c) {
    RowSums out;
    __m512 mx = _mm512_setzero_ps();
    __m512d n2 = _mm512_setzero_pd();
    for (std::size_t j = 0; j < d; j += 16) {
        const __mmask16 m = d - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (d - j)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(m, r + j);
        mx = _mm512_max_ps(mx, _mm512_abs_ps(v));
        const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
        const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
        n2 = _mm512_fmadd_pd(lo, lo, _mm512_fmadd_pd(hi, hi, n2));
    }
    out.norm2 = _mm512_reduce_add_pd(n2);
    out.maxAbs = _mm512_reduce_max_ps(mx);
    if (!setScale(out, c, d)) return out;
    const float s = out.scale;
    const __m512 inv = _mm512_set1_ps(1.0f / s), lim = _mm512_set1_ps(127.0f), nlim = _mm512_set1_ps(-127.0f);
    const __m512d sd = _mm512_set1_pd(double(s));
    __m512d r2 = _mm512_setzero_pd(), c2 = _mm512_setzero_pd();
    for (std::size_t j = 0; j < d; j += 16) {
        const __mmask16 m = d - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (d - j)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(m, r + j);
        const __m512i code =
            _mm512_cvtps_epi32(_mm512_min_ps(lim, _mm512_max_ps(nlim, _mm512_mul_ps(v, inv))));
        _mm512_mask_cvtepi32_storeu_epi8(c + j, m, code);
        for (int half = 0; half < 2; ++half) {
            const __m256i ci = half ? _mm512_extracti64x4_epi64(code, 1) : _mm512_castsi512_si256(code);
            const __m256 vf = half ? _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))
                                   : _mm512_castps512_ps256(v);
            const __m512d sc = _mm512_mul_pd(sd, _mm512_cvtepi32_pd(ci)); // exact
            const __m512d rr = _mm512_sub_pd(_mm512_cvtps_pd(vf), sc);
            r2 = _mm512_fmadd_pd(rr, rr, r2);
            c2 = _mm512_fmadd_pd(sc, sc, c2);
        }
    }
    out.residual2 = _mm512_reduce_add_pd(r2);
    out.code2 = _mm512_reduce_add_pd(c2);
    return out;
}
#endif

// Rows [a, b) of x into q; returns false when a row is not screenable. The sums in double carry
// at most d 2^-53 relative error, covered by roundUp's 1e-10 for d <= 65536.
bool quantizeRange(const float* x, std::size_t d, std::size_t a, std::size_t b, QuantizedRows& q,
                   bool avx512) {
    bool ok = true;
    for (std::size_t i = a; i < b; ++i) {
        const float* r = x + i * d;
        std::int8_t* c = q.codes.data() + i * d;
#if SYNTHEMBED_X86
        const RowSums rs = avx512 ? quantizeRowAvx512(r, d, c) : quantizeRowScalar(r, d, c);
#else
        (void)avx512;
        const RowSums rs = quantizeRowScalar(r, d, c);
#endif
        const bool finite = std::isfinite(rs.norm2) && rs.maxAbs <= std::numeric_limits<float>::max();
        if (!finite || (rs.maxAbs != 0 && (rs.maxAbs < 1e-15f || rs.maxAbs > 1e15f))) ok = false;
        q.scale[i] = rs.scale;
        q.norm[i] = roundUp(std::sqrt(rs.norm2));
        q.residual[i] = roundUp(std::sqrt(rs.residual2));
        q.codeNorm[i] = roundUp(std::sqrt(rs.code2));
        q.slack[i] = roundUp(double(q.residual[i]) + kMargin * (double(q.norm[i]) + double(q.codeNorm[i])));
    }
    return ok;
}

int threadCount(int requested) {
    return requested > 0 ? requested : int(std::max(1u, std::thread::hardware_concurrency()));
}

// The exact score: a dot product in double (8 running sums, so that the additions do not wait on
// each other: the rescoring cost a fifth of the search with one). Not inlined into the vector
// scans, so it keeps one instruction set and gives one result for a row wherever it is called.
__attribute__((noinline)) double dotDouble(const float* q, const float* x, std::size_t d) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t j = 0;
    for (; j + 8 <= d; j += 8)
        for (std::size_t l = 0; l < 8; ++l)
            acc[l] += double(q[j + l]) * x[j + l];
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; j < d; ++j)
        s += double(q[j]) * x[j];
    return s;
}

struct Candidate {
    std::int64_t row;
    float upper;
};

struct Scored {
    double score;
    std::int64_t row;
};

// Better first: higher score, then lower row.
bool better(const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.row < b.row;
}

/// One query's screening state.
struct Screen {
    std::vector<float> lower;       // min-heap of the k best lower bounds
    std::vector<Candidate> pending; // rows to rescore
    std::vector<Scored> top;        // heap (worst on top) of the k best rescored rows
    float threshold = -std::numeric_limits<float>::infinity();
    std::size_t rescored = 0;
};

/// The base's per-row bounds over one chunk and the query's own.
struct ChunkCols {
    const float* scale;
    const float* slack;
    const float* codeNorm;
    std::int64_t rowOffset;
    const std::uint8_t* allow; // indexed by absolute row, or nullptr
};

struct QueryBound {
    float scale, norm, residual;
};

struct Rescorer {
    const float* base;
    std::size_t d;
    std::size_t k;
    std::size_t pendingCap;

    // Scores the pending rows in double, keeps the k best, raises the threshold to the k-th best score.
    void flush(Screen& st, const float* q) const {
        for (const Candidate& c : st.pending) {
            if (!(c.upper >= st.threshold)) continue;
            const double s = dotDouble(q, base + std::size_t(c.row) * d, d);
            ++st.rescored;
            const Scored sc{s, c.row};
            if (st.top.size() < k) {
                st.top.push_back(sc);
                std::push_heap(st.top.begin(), st.top.end(), better);
            } else if (better(sc, st.top.front())) {
                std::pop_heap(st.top.begin(), st.top.end(), better);
                st.top.back() = sc;
                std::push_heap(st.top.begin(), st.top.end(), better);
            }
        }
        st.pending.clear();
        if (st.top.size() == k) {
            // Rounded down: k rows score at least this much.
            float t = static_cast<float>(st.top.front().score);
            if (double(t) > st.top.front().score)
                t = std::nextafter(t, -std::numeric_limits<float>::infinity());
            st.threshold = std::max(st.threshold, t);
        }
    }

    // Column j of the chunk for query state st (scores: the query's int32 row).
    void consider(Screen& st, const std::int32_t* scores, std::size_t j, const ChunkCols& c, QueryBound qb,
                  const float* q) const {
        const float a = (qb.scale * c.scale[j]) * float(scores[j]);
        const float e = qb.norm * c.slack[j] + qb.residual * c.codeNorm[j];
        const float up = a + e;
        if (!(up >= st.threshold)) return;
        const std::int64_t row = c.rowOffset + std::int64_t(j);
        if (c.allow && !c.allow[row]) return;
        st.pending.push_back({row, up});
        const float lo = a - e;
        if (st.lower.size() < k) {
            st.lower.push_back(lo);
            std::push_heap(st.lower.begin(), st.lower.end(), std::greater<float>());
            if (st.lower.size() == k) st.threshold = std::max(st.threshold, st.lower.front());
        } else if (lo > st.lower.front()) {
            std::pop_heap(st.lower.begin(), st.lower.end(), std::greater<float>());
            st.lower.back() = lo;
            std::push_heap(st.lower.begin(), st.lower.end(), std::greater<float>());
            st.threshold = std::max(st.threshold, st.lower.front());
        }
        if (st.pending.size() >= pendingCap) flush(st, q);
    }

    void scanScalar(Screen& st, const std::int32_t* s, std::size_t cols, const ChunkCols& c, QueryBound qb,
                    const float* q) const {
        for (std::size_t j = 0; j < cols; ++j)
            consider(st, s, j, c, qb, q);
    }

#if SYNTHEMBED_X86
    // 16 columns at a time: the bounds in registers, single columns only where an upper bound reaches
    // the threshold (a few per thousand once the threshold has settled).
    __attribute__((target("avx512f"))) void scanAvx512(Screen& st, const std::int32_t* s, std::size_t cols,
                                                       const ChunkCols& c, QueryBound qb,
                                                       const float* q) const {
        const __m512 vs = _mm512_set1_ps(qb.scale), vn = _mm512_set1_ps(qb.norm),
                     vr = _mm512_set1_ps(qb.residual);
        std::size_t j = 0;
        for (; j + 16 <= cols; j += 16) {
            const __m512 sf = _mm512_maskz_cvtepi32_ps(0xFFFF, _mm512_loadu_si512(s + j));
            const __m512 a = _mm512_mul_ps(_mm512_mul_ps(vs, _mm512_loadu_ps(c.scale + j)), sf);
            const __m512 e = _mm512_fmadd_ps(vn, _mm512_loadu_ps(c.slack + j),
                                             _mm512_mul_ps(vr, _mm512_loadu_ps(c.codeNorm + j)));
            unsigned m = _mm512_cmp_ps_mask(_mm512_add_ps(a, e), _mm512_set1_ps(st.threshold), _CMP_GE_OQ);
            while (m) {
                consider(st, s, j + unsigned(__builtin_ctz(m)), c, qb, q);
                m &= m - 1;
            }
        }
        for (; j < cols; ++j)
            consider(st, s, j, c, qb, q);
    }

    __attribute__((target("avx2,fma"))) void scanAvx2(Screen& st, const std::int32_t* s, std::size_t cols,
                                                      const ChunkCols& c, QueryBound qb,
                                                      const float* q) const {
        const __m256 vs = _mm256_set1_ps(qb.scale), vn = _mm256_set1_ps(qb.norm),
                     vr = _mm256_set1_ps(qb.residual);
        std::size_t j = 0;
        for (; j + 8 <= cols; j += 8) {
            const __m256 sf = _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + j)));
            const __m256 a = _mm256_mul_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(c.scale + j)), sf);
            const __m256 e = _mm256_fmadd_ps(vn, _mm256_loadu_ps(c.slack + j),
                                             _mm256_mul_ps(vr, _mm256_loadu_ps(c.codeNorm + j)));
            unsigned m = unsigned(_mm256_movemask_ps(
                _mm256_cmp_ps(_mm256_add_ps(a, e), _mm256_set1_ps(st.threshold), _CMP_GE_OQ)));
            while (m) {
                consider(st, s, j + unsigned(__builtin_ctz(m)), c, qb, q);
                m &= m - 1;
            }
        }
        for (; j < cols; ++j)
            consider(st, s, j, c, qb, q);
    }
#endif
};

enum class Isa { Scalar, Avx2, Avx512 };

Isa detectIsa() {
#if SYNTHEMBED_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
    return Isa::Scalar;
}

// The int32 score buffer, kept between searches (fresh pages are expensive on VMs); a search that
// finds it taken uses its own.
struct ScoreBuffer {
    std::mutex mutex;
    std::vector<std::int32_t> data;
};
ScoreBuffer& sharedScores() {
    static ScoreBuffer b;
    return b;
}

} // namespace

bool int8ScreeningAvailable() {
    return gemmS8Fn() != nullptr;
}

namespace {

bool haveAvx512() {
#if SYNTHEMBED_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return false;
#endif
}

// Quantises into q, reusing its storage (no fresh pages when it already held as many rows).
void quantizeInto(QuantizedRows& q, const float* x, std::size_t n, std::size_t d, int threads) {
    static const bool avx512 = haveAvx512();
    q.rows = n;
    q.cols = d;
    q.codes.resize(n * d);
    for (auto* v : {&q.scale, &q.norm, &q.residual, &q.codeNorm, &q.slack})
        v->resize(n);
    const int nt =
        int(std::min<std::size_t>(std::size_t(threadCount(threads)), std::max<std::size_t>(1, n / 64)));
    std::vector<char> ok(std::size_t(std::max(nt, 1)), 1);
    std::size_t part = 0;
    std::mutex partMutex;
    detail::parallelFor(n, nt, [&](std::size_t a, std::size_t b) {
        std::size_t slot;
        {
            std::lock_guard<std::mutex> lock(partMutex);
            slot = part++;
        }
        ok[slot] = quantizeRange(x, d, a, b, q, avx512);
    });
    q.usable = d <= kMaxDim && std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
}

// The companion quantised inside a call (no companion given), kept for the next call's storage.
struct CompanionBuffer {
    std::mutex mutex;
    QuantizedRows rows;
};
CompanionBuffer& sharedCompanion() {
    static CompanionBuffer b;
    return b;
}

} // namespace

QuantizedRows quantizeRows(const float* x, std::size_t n, std::size_t d, int threads) {
    QuantizedRows q;
    quantizeInto(q, x, n, d, threads);
    return q;
}

namespace detail {

bool screenedSearch(const float* base, std::size_t n, const float* queries, std::size_t nq, std::size_t d,
                    const ExactSearchOptions& o, const ProgressHooks& hooks,
                    std::vector<std::vector<Hit>>& out) {
    if (o.path == ExactPath::Float || d == 0 || d > kMaxDim) return false;
    const GemmS8Fn gemm = gemmS8Fn();
    if (!gemm) return false;
    if (o.quantized && (o.quantized->rows != n || o.quantized->cols != d))
        throw Failure("internal", "exactSearch: the quantised companion (" +
                                      std::to_string(o.quantized->rows) + " x " +
                                      std::to_string(o.quantized->cols) + ") does not match the base (" +
                                      std::to_string(n) + " x " + std::to_string(d) + ")");
    if (o.path == ExactPath::Auto && !o.quantized && nq < o.screenMinQueries) return false;
    if (o.quantized && !o.quantized->usable) return false;

    const int threads = threadCount(o.threads);
    const QuantizedRows qq = quantizeRows(queries, nq, d, threads);
    if (!qq.usable) return false;
    const QuantizedRows* bq = o.quantized;
    CompanionBuffer& sharedOwn = sharedCompanion();
    std::unique_lock<std::mutex> ownLock(sharedOwn.mutex, std::defer_lock);
    QuantizedRows privateOwn;
    if (!bq) {
        const auto t0 = std::chrono::steady_clock::now();
        QuantizedRows& own = ownLock.try_lock() ? sharedOwn.rows : privateOwn;
        quantizeInto(own, base, n, d, threads);
        if (o.stats)
            o.stats->quantizeSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!own.usable) return false;
        bq = &own;
    }

    const std::size_t k = std::min(o.k, n);
    const std::size_t chunk = std::max<std::size_t>(1, std::min(o.baseChunk, n));
    const std::size_t qBlock = std::max<std::size_t>(1, std::min(o.queryBlock, nq));
    const std::uint8_t* allow = o.allow ? o.allow->data() : nullptr;
    static const Isa isa = detectIsa();

    std::vector<Screen> screens(nq);
    for (auto& s : screens) {
        s.lower.reserve(k);
        s.top.reserve(k);
    }
    // Rows are rescored in batches of up to 2048 a query (by then the lower bounds have raised the
    // threshold past most of them: 92 rows a query instead of 151 with batches of 256, 200k x 384).
    const Rescorer rs{base, d, k, std::max<std::size_t>(2048, 4 * k)};

    ScoreBuffer& shared = sharedScores();
    std::unique_lock<std::mutex> lock(shared.mutex, std::try_to_lock);
    std::vector<std::int32_t> ownScores;
    std::vector<std::int32_t>& scores = lock.owns_lock() ? shared.data : ownScores;
    if (scores.size() < qBlock * chunk) {
        scores.clear();
        scores.shrink_to_fit();
        scores.resize(qBlock * chunk);
    }

    forEachBlock(
        nq, qBlock, n, chunk, hooks, [&](std::size_t q0, std::size_t qn, std::size_t b0, std::size_t bn) {
            gemmS8(gemm, qq.codes.data() + q0 * d, qn, bq->codes.data() + b0 * d, bn, d, scores.data());
            const ChunkCols cols{bq->scale.data() + b0, bq->slack.data() + b0, bq->codeNorm.data() + b0,
                                 std::int64_t(b0), allow};
            detail::parallelFor(qn, threads, [&](std::size_t a, std::size_t b) {
                for (std::size_t i = a; i < b; ++i) {
                    const std::size_t qi = q0 + i;
                    const QueryBound qb{qq.scale[qi], qq.norm[qi], qq.residual[qi]};
                    const std::int32_t* srow = scores.data() + i * bn;
                    const float* qv = queries + qi * d;
                    switch (isa) {
#if SYNTHEMBED_X86
                    case Isa::Avx512:
                        rs.scanAvx512(screens[qi], srow, bn, cols, qb, qv);
                        break;
                    case Isa::Avx2:
                        rs.scanAvx2(screens[qi], srow, bn, cols, qb, qv);
                        break;
#endif
                    default:
                        rs.scanScalar(screens[qi], srow, bn, cols, qb, qv);
                        break;
                    }
                }
            });
        });
    std::vector<std::size_t> rescored(nq, 0);
    detail::parallelFor(nq, threads, [&](std::size_t a, std::size_t b) {
        for (std::size_t qi = a; qi < b; ++qi) {
            Screen& st = screens[qi];
            rs.flush(st, queries + qi * d);
            std::sort(st.top.begin(), st.top.end(), better);
            out[qi].clear();
            for (const Scored& s : st.top)
                out[qi].push_back({s.row, static_cast<float>(s.score)});
            rescored[qi] = st.rescored;
        }
    });
    // Keep the per-call companion's storage for the next call only up to 512 MiB (1.3M rows of 384).
    if (ownLock.owns_lock() && sharedOwn.rows.codes.capacity() > (std::size_t(512) << 20))
        sharedOwn.rows = QuantizedRows();
    if (o.stats) {
        o.stats->screened = true;
        o.stats->candidates = 0;
        for (std::size_t r : rescored)
            o.stats->candidates += r;
    }
    return true;
}

} // namespace detail

} // namespace synthembed::search
