#pragma once
/// Fused causal attention for small head sizes (private to core/model; no torch).
///
/// With a head size of 8-32 (small embedders and tiny test models such as stories260K, D = 8) the
/// two products of attention have an inner dimension too small for a GEMM to pay: the score block
/// is written, read by the softmax, written again and read by the value product, and most of the
/// time goes to that traffic and to a general-purpose exp. Here each query row's scores stay in one
/// small buffer in L1 and are read once more for their exponentials, sum and value sums together;
/// keys and values are read from a transposed copy (every inner loop runs along the sequence, 16
/// floats at a time: AVX-512, AVX2 or SSE clones picked by the CPU at load time on Linux/GCC), and
/// the exponential is a short polynomial (Cephes' expf, about 1 ulp on the softmax's range).

#include <cstdint>

namespace synthembed::model::detail {

/// Largest head size the fused kernel takes (beyond it the GEMM path is faster).
constexpr std::int64_t kSmallHeadMax = 32;

/// Keys and values of one sequence and one KV head, transposed to [D][stride] (stride =
/// paddedLength(n), zeros past n): what smallHeadCausal reads.
struct TransposedKv {
    const float* kt = nullptr;
    const float* vt = nullptr;
    std::int64_t stride = 0;
};

/// The stride transposeKv uses for a sequence of n tokens.
std::int64_t paddedLength(std::int64_t n);

/// Writes keys k[j * ldk + d] and values v[j * ldv + d] (j < n, d < D) transposed into kt and vt,
/// each D x paddedLength(n) floats, zero-filled past n.
void transposeKv(const float* k, std::int64_t ldk, const float* v, std::int64_t ldv, std::int64_t n, std::int64_t D,
                 float* kt, float* vt);

/// out[i * ldo + d] = sum_j softmax_j(q_i . k_j) v_j[d] over the keys j a query i sees (lo(i) <= j <=
/// i, lo(i) = max(0, i - window + 1) when window > 0, else 0). q rows are already scaled. scratch
/// holds paddedLength(n) floats.
/// When lse is given, lse[i] receives row i's log-sum-exp of its scores (what the backward pass
/// recomputes the softmax from).
void smallHeadCausal(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n, std::int64_t D,
                     std::int64_t window, float* out, std::int64_t ldo, float* scratch, float* lse = nullptr);

/// Gradients of smallHeadCausal for one query head (FlashAttention-2's backward, one query row at
/// a time): given q, kv, lse as in the forward pass, the output rows o (ldo) and their gradients
/// go (ldg), writes dq rows (lddq) and adds the keys' and values' gradients into dkt and dvt, laid
/// out as kv.kt / kv.vt ([D][kv.stride], accumulated over the query heads that share them). The
/// softmax is recomputed from lse; no score block is stored.
void smallHeadCausalBackward(const float* q, std::int64_t ldq, const TransposedKv& kv, std::int64_t n,
                             std::int64_t D, std::int64_t window, const float* lse, const float* o,
                             std::int64_t ldo, const float* go, std::int64_t ldg, float* dq, std::int64_t lddq,
                             float* dkt, float* dvt);

} // namespace synthembed::model::detail
