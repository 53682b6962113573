#include "core/model/small_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

// GCC's vector extensions: eight floats at a time, lowered to SSE pairs on a plain x86-64 build and
// to AVX2/AVX-512 in the clones below (picked once at load time by the CPU's features).
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__))
#define SYNTHEMBED_VEC8 1
#endif
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SYNTHEMBED_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SYNTHEMBED_CLONES
#endif

namespace synthembed::model::detail {

namespace {
constexpr std::int64_t kW = 16; ///< floats per vector below
}

namespace {
/// The first key query i sees: 0, or with a sliding window the oldest of its last `window` tokens.
inline std::int64_t firstKey(std::int64_t i, std::int64_t window) {
    return window > 0 ? std::max<std::int64_t>(0, i - window + 1) : 0;
}
} // namespace

std::int64_t paddedLength(std::int64_t n) {
    // A row's last block of kW may start at its last key: room for kW - 1 more floats.
    return (n + 2 * kW - 2) / kW * kW;
}

void transposeKv(const float* k, std::int64_t ldk, const float* v, std::int64_t ldv, std::int64_t n, std::int64_t D,
                 float* kt, float* vt) {
    const auto P = paddedLength(n);
    for (std::int64_t j = 0; j < n; ++j) {
        const float* kr = k + j * ldk;
        const float* vr = v + j * ldv;
        for (std::int64_t d = 0; d < D; ++d) {
            kt[d * P + j] = kr[d];
            vt[d * P + j] = vr[d];
        }
    }
    for (std::int64_t d = 0; d < D; ++d) {
        std::fill(kt + d * P + n, kt + (d + 1) * P, 0.0f);
        std::fill(vt + d * P + n, vt + (d + 1) * P, 0.0f);
    }
}

#ifdef SYNTHEMBED_VEC8
namespace {

typedef float f8 __attribute__((vector_size(4 * kW)));
typedef std::int32_t i8 __attribute__((vector_size(4 * kW)));

inline __attribute__((always_inline)) f8 load8(const float* p) {
    f8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline __attribute__((always_inline)) void store8(float* p, f8 v) { std::memcpy(p, &v, sizeof v); }
inline __attribute__((always_inline)) f8 splat(float x) { return f8{} + x; }
/// 0, 1, ..., kW - 1 (for masks: lanes() < k selects the first k lanes).
inline __attribute__((always_inline)) i8 lanes() {
    i8 v{};
    for (int k = 0; k < kW; ++k)
        v[k] = k;
    return v;
}
inline __attribute__((always_inline)) float hsum(f8 v) {
    float s = 0;
    for (int k = 0; k < kW; ++k)
        s += v[k];
    return s;
}
inline __attribute__((always_inline)) float hmax(f8 v) {
    float m = v[0];
    for (int k = 1; k < kW; ++k)
        m = std::max(m, v[k]);
    return m;
}

// exp(x) for x <= 0 (a softmax's shifted scores), Cephes' expf: x = n ln2 + r, |r| <= ln2 / 2,
// exp(r) by a degree-7 polynomial, 2^n from the exponent bits. Below -87.3 it returns ~1e-38.
inline __attribute__((always_inline)) f8 exp8(f8 x) {
    const f8 floor = splat(-87.3f);
    x = x < floor ? floor : x;
    const i8 n = __builtin_convertvector(x * 1.44269504088896341f - 0.5f, i8); // round (x <= 0)
    const f8 fn = __builtin_convertvector(n, f8);
    f8 r = x - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    f8 p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const i8 bits = (n + 127) << 23;
    return p * (f8)bits; // the same bits read as floats
}

// One query row after another. Two passes over the row's keys: scores (and their maximum) into s;
// then exponentials, their sum and the value sums together (DC accumulators, DC = D when it is a
// compile-time size, else 0 and the accumulators live in a small array).
template <int DC>
inline __attribute__((always_inline)) void causalRows(const float* q, std::int64_t ldq, const TransposedKv& kv,
                                                      std::int64_t n, std::int64_t Drt, std::int64_t window,
                                                      float* out, std::int64_t ldo, float* s, float* lse) {
    const std::int64_t D = DC > 0 ? DC : Drt;
    const auto P = kv.stride;
    const float ninf = -std::numeric_limits<float>::infinity();
    constexpr int kAcc = DC > 0 ? DC : 32;
    f8 acc[kAcc]{}; // zeroed once per call: keeps -Wmaybe-uninitialized quiet when D is a runtime size
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t lo = firstKey(i, window);
        const std::int64_t len = i + 1 - lo, lenP = (len + kW - 1) / kW * kW;
        const float* qi = q + i * ldq;
        const float* kt = kv.kt + lo;
        const float* vt = kv.vt + lo;
        // Scores, four vectors of keys at a time (independent sums hide the multiply-add latency).
        f8 m8 = splat(ninf);
        const std::int64_t full = len / kW * kW; // keys in whole vectors; the rest is masked below
        std::int64_t j = 0;
        for (; j + 4 * kW <= full; j += 4 * kW) {
            f8 a0 = qi[0] * load8(kt + j), a1 = qi[0] * load8(kt + j + kW), a2 = qi[0] * load8(kt + j + 2 * kW),
               a3 = qi[0] * load8(kt + j + 3 * kW);
#pragma GCC unroll 32
            for (std::int64_t d = 1; d < D; ++d) {
                const float* kd = kt + d * P + j;
                const float qd = qi[d];
                a0 += qd * load8(kd);
                a1 += qd * load8(kd + kW);
                a2 += qd * load8(kd + 2 * kW);
                a3 += qd * load8(kd + 3 * kW);
            }
            store8(s + j, a0);
            store8(s + j + kW, a1);
            store8(s + j + 2 * kW, a2);
            store8(s + j + 3 * kW, a3);
            const f8 m01 = a0 > a1 ? a0 : a1, m23 = a2 > a3 ? a2 : a3, m = m01 > m23 ? m01 : m23;
            m8 = m > m8 ? m : m8;
        }
        for (; j < lenP; j += kW) {
            f8 a = qi[0] * load8(kt + j);
            for (std::int64_t d = 1; d < D; ++d)
                a += qi[d] * load8(kt + d * P + j);
            if (j + kW > len) // the last vector: keys after i (or past the sequence) take no part
                a = lanes() < static_cast<std::int32_t>(len - j) ? a : splat(ninf);
            store8(s + j, a);
            m8 = a > m8 ? a : m8;
        }
        const f8 mv = splat(hmax(m8));
#pragma GCC unroll 32
        for (std::int64_t d = 0; d < D; ++d)
            acc[d] = f8{};
        f8 sum8 = f8{};
        for (std::int64_t jj = 0; jj < lenP; jj += kW) {
            f8 e = exp8(load8(s + jj) - mv);
            if (jj + kW > len) e = lanes() < static_cast<std::int32_t>(len - jj) ? e : f8{};
            sum8 += e;
#pragma GCC unroll 32
            for (std::int64_t d = 0; d < D; ++d)
                acc[d] += e * load8(vt + d * P + jj);
        }
        const float total = hsum(sum8);
        if (lse) lse[i] = mv[0] + std::log(total);
        const float inv = 1.0f / total;
        float* o = out + i * ldo;
#pragma GCC unroll 32
        for (std::int64_t d = 0; d < D; ++d)
            o[d] = hsum(acc[d]) * inv;
    }
}

} // namespace

SYNTHEMBED_CLONES
void smallHeadCausal(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n, std::int64_t D,
                     std::int64_t window, float* out, std::int64_t ldo, float* s, float* lse) {
    switch (D) {
    case 8: causalRows<8>(q, ldq, kv, n, D, window, out, ldo, s, lse); break;
    case 16: causalRows<16>(q, ldq, kv, n, D, window, out, ldo, s, lse); break;
    default: causalRows<0>(q, ldq, kv, n, D, window, out, ldo, s, lse); break;
    }
}

namespace {

// One query row after another, one pass over its keys, 16 keys at a time: the scores again, their
// probabilities p = exp(s - lse), dp = go . v, ds = p (dp - go . o); dq += ds k (DC accumulators),
// dk += ds q and dv += p go straight into the transposed gradient blocks.
template <int DC>
inline __attribute__((always_inline)) void causalRowsBackward(const float* q, std::int64_t ldq,
                                                              const TransposedKv& kv, std::int64_t n,
                                                              std::int64_t Drt, std::int64_t window,
                                                              const float* lse, const float* o, std::int64_t ldo,
                                                              const float* go, std::int64_t ldg, float* dq,
                                                              std::int64_t lddq, float* dkt, float* dvt) {
    const std::int64_t D = DC > 0 ? DC : Drt;
    const auto P = kv.stride;
    constexpr int kAcc = DC > 0 ? DC : 32;
    f8 acc[kAcc]{}; // zeroed once per call: keeps -Wmaybe-uninitialized quiet when D is a runtime size
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t lo = firstKey(i, window);
        const std::int64_t len = i + 1 - lo, lenP = (len + kW - 1) / kW * kW;
        const float* qi = q + i * ldq;
        const float* oi = o + i * ldo;
        const float* gi = go + i * ldg;
        float di = 0;
        for (std::int64_t d = 0; d < D; ++d)
            di += gi[d] * oi[d];
        const f8 di8 = splat(di), lse8 = splat(lse[i]);
#pragma GCC unroll 32
        for (std::int64_t d = 0; d < D; ++d)
            acc[d] = f8{};
        for (std::int64_t j = lo; j < lo + lenP; j += kW) {
            f8 s = qi[0] * load8(kv.kt + j), dp = gi[0] * load8(kv.vt + j);
#pragma GCC unroll 32
            for (std::int64_t d = 1; d < D; ++d) {
                s += qi[d] * load8(kv.kt + d * P + j);
                dp += gi[d] * load8(kv.vt + d * P + j);
            }
            f8 p = exp8(s - lse8);
            if (j + kW > lo + len) // keys after i (or past the sequence) take no part
                p = lanes() < static_cast<std::int32_t>(lo + len - j) ? p : f8{};
            const f8 ds = p * (dp - di8);
#pragma GCC unroll 32
            for (std::int64_t d = 0; d < D; ++d) {
                const f8 kd = load8(kv.kt + d * P + j);
                acc[d] += ds * kd;
                store8(dkt + d * P + j, load8(dkt + d * P + j) + ds * qi[d]);
                store8(dvt + d * P + j, load8(dvt + d * P + j) + p * gi[d]);
            }
        }
        float* dqi = dq + i * lddq;
#pragma GCC unroll 32
        for (std::int64_t d = 0; d < D; ++d)
            dqi[d] = hsum(acc[d]);
    }
}

} // namespace

SYNTHEMBED_CLONES
void smallHeadCausalBackward(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n,
                             std::int64_t D, std::int64_t window, const float* lse, const float* o,
                             std::int64_t ldo, const float* go, std::int64_t ldg, float* dq, std::int64_t lddq,
                             float* dkt, float* dvt) {
    switch (D) {
    case 8: causalRowsBackward<8>(q, ldq, kv, n, D, window, lse, o, ldo, go, ldg, dq, lddq, dkt, dvt); break;
    case 16: causalRowsBackward<16>(q, ldq, kv, n, D, window, lse, o, ldo, go, ldg, dq, lddq, dkt, dvt); break;
    default: causalRowsBackward<0>(q, ldq, kv, n, D, window, lse, o, ldo, go, ldg, dq, lddq, dkt, dvt); break;
    }
}

#else // portable fallback: the same loops, one float at a time

void smallHeadCausal(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n, std::int64_t D,
                     std::int64_t window, float* out, std::int64_t ldo, float* s, float* lse) {
    const auto P = kv.stride;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t lo = firstKey(i, window);
        const std::int64_t len = i + 1 - lo;
        const float* qi = q + i * ldq;
        float m = -std::numeric_limits<float>::infinity();
        for (std::int64_t j = 0; j < len; ++j) {
            float acc = 0;
            for (std::int64_t d = 0; d < D; ++d)
                acc += qi[d] * kv.kt[d * P + lo + j];
            s[j] = acc;
            m = std::max(m, acc);
        }
        float sum = 0;
        for (std::int64_t j = 0; j < len; ++j)
            sum += (s[j] = std::exp(s[j] - m));
        if (lse) lse[i] = m + std::log(sum);
        for (std::int64_t d = 0; d < D; ++d) {
            float acc = 0;
            for (std::int64_t j = 0; j < len; ++j)
                acc += s[j] * kv.vt[d * P + lo + j];
            out[i * ldo + d] = acc / sum;
        }
    }
}

void smallHeadCausalBackward(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n,
                             std::int64_t D, std::int64_t window, const float* lse, const float* o,
                             std::int64_t ldo, const float* go, std::int64_t ldg, float* dq, std::int64_t lddq,
                             float* dkt, float* dvt) {
    const auto P = kv.stride;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t lo = firstKey(i, window);
        const float* qi = q + i * ldq;
        const float* gi = go + i * ldg;
        float di = 0;
        for (std::int64_t d = 0; d < D; ++d)
            di += gi[d] * o[i * ldo + d];
        for (std::int64_t d = 0; d < D; ++d)
            dq[i * lddq + d] = 0;
        for (std::int64_t j = lo; j <= i; ++j) {
            float s = 0, dp = 0;
            for (std::int64_t d = 0; d < D; ++d) {
                s += qi[d] * kv.kt[d * P + j];
                dp += gi[d] * kv.vt[d * P + j];
            }
            const float p = std::exp(s - lse[i]), ds = p * (dp - di);
            for (std::int64_t d = 0; d < D; ++d) {
                dq[i * lddq + d] += ds * kv.kt[d * P + j];
                dkt[d * P + j] += ds * qi[d];
                dvt[d * P + j] += p * gi[d];
            }
        }
    }
}

#endif

} // namespace synthembed::model::detail
