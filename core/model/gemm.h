#pragma once
/// Core-internal (torch types): the matrix products of inference, routed to oneDNN's sgemm when
/// it is present (libtorch links it) and the call needs no autograd.
///
/// Why: libtorch's CPU GEMMs go to the system BLAS. On these machines OpenBLAS runs its own
/// thread pool that fights libtorch's OpenMP pool (see shared/anchors/README.md, fact 3) and
/// honours OPENBLAS_CORETYPE overrides that halve its speed. oneDNN runs on the OpenMP pool
/// libtorch already uses, so one pool does all the work. Everything else (training, CUDA,
/// half types) uses the torch op unchanged. SYNTHEMBED_GEMM=torch turns the fast path off.

#include <torch/torch.h>

namespace synthembed::model {

/// Whether the oneDNN path is available and enabled.
bool fastGemmAvailable();

/// x [..., in] times weight [out, in]^T plus bias [out] (undefined = none): torch::linear.
torch::Tensor gemmLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

/// LoRA projection: x W^T + b + scale (dropout(x) A^T) B^T, with A [r, in] and B [out, r], as one
/// autograd node: the base products on oneDNN (the one OpenMP pool), the adapter's dropout and
/// thin products in one parallel region per direction over cache-sized blocks of rows (no
/// [M, in] dropped-input tensor, no [M, out] delta, no [out, in] B A), and gradients only for
/// inputs that require them (a frozen base weight gets none). The dropout mask comes from one 64-bit seed
/// drawn from the default CPU generator and a counter-based stream (loraDropoutNoise gives the
/// same mask), is never stored (backward recomputes it from the seed) and does not depend on the
/// thread count; restoring the generator (GradCache, checkpointing) replays it. dropout = the
/// probability in effect (0 when not training). Returns an undefined
/// tensor when the fast path does not apply (no oneDNN, not CPU float32): the caller then
/// composes the torch ops.
torch::Tensor gemmLoraLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                             const torch::Tensor& A, const torch::Tensor& B, double scale, double dropout);

/// The dropout noise gemmLoraLinear would apply to an input shaped like `like` from the generator's
/// current state (float32, 0 or 1 / (1 - p), kept with probability 1 - p rounded to a multiple of
/// 2^-16); it draws the same one
/// seed, so calling it in place of gemmLoraLinear advances the generator the same way.
torch::Tensor loraDropoutNoise(const torch::Tensor& like, double p);

/// a [B, M, K] times b [B, K, N] (b may be a transposed view of [B, N, K]): torch::bmm. Inference:
/// one small product per thread; training (autograd): forward and both gradients split over items
/// and row blocks in one parallel region each (libtorch 1.13's CPU bmm runs the items one by one).
torch::Tensor gemmBatched(const torch::Tensor& a, const torch::Tensor& b);

/// residual + x weight^T + bias, written in one pass over the output (the product accumulates
/// into residual + bias instead of adding the residual afterwards). Inference only; anything
/// the fast path cannot take goes through torch::linear + add.
torch::Tensor gemmLinearResidual(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& residual);

/// Self-attention straight from a packed projection qkv [B, S, 3 H] (queries | keys | values,
/// head h at columns h D .. h D + D of each third): softmax(scale q k^T + keyMask) v per head,
/// returned as context [B, S, H]. keyMask is additive [B, S] or undefined. The products read the
/// heads in place through strides and write the context in place, and each thread keeps its
/// score block in cache, so no [B, heads, S, S] tensor and no head permute copies exist.
/// Returns an undefined tensor when the fast path is unavailable (the caller then uses the
/// general path).
torch::Tensor packedSelfAttention(const torch::Tensor& qkv, std::int64_t nHead, double scale,
                                  const torch::Tensor& keyMask);

/// Causal (optionally sliding-window) grouped-query attention over packed sequences, for
/// inference: q [nKv, rep, T, D], k and v [nKv, T, D] (contiguous, T tokens of all sequences one
/// after another, the scale already folded into q); sequence s holds tokens offsets[s] ..
/// offsets[s+1]-1 and sees only its own tokens. Query token i of a sequence attends to keys
/// j <= i (and i - j < window when window > 0). Returns the context [T, nKv rep D] with head
/// h = g rep + r at columns h D .. h D + D (HF's repeat_kv order). No padding is computed and
/// no [B, heads, S, S] tensor exists: each thread keeps one sequence's score block. Returns an
/// undefined tensor when the fast path does not apply (not CPU float32, or autograd needed).
torch::Tensor varlenCausalAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                    const std::vector<std::int64_t>& offsets, std::int64_t window);

/// Whether smallHeadCausalTraining applies to tensors like `like` with head size D: CPU float32,
/// D within the fused kernel's range (detail::kSmallHeadMax).
bool smallHeadTrainingApplies(const torch::Tensor& like, std::int64_t D);

/// Each sequence's run of tokens from an attention mask [B, S] (nonzero = token): [B, 2] int64 on
/// the CPU, (first row, count), rows counted over the flattened [B S] rows (row b S + t is token
/// t of sequence b); every position when mask is undefined. Undefined when some sequence's tokens
/// are not one contiguous run (left or right padding always is).
torch::Tensor tokenSpans(const torch::Tensor& mask, std::int64_t B, std::int64_t S);

/// A padded batch's tokens packed one sequence after another (training computes them only, not
/// B x longest rows): rows [T] int64, the flat row b S + t of each token in order; positions [T]
/// int64, each token's place in its own sequence (0 at its first token, left padding or right);
/// spans [B, 2] int64, (first packed row, count) per sequence, as tokenSpans gives for the packed
/// layout [1, T]. All on the CPU. Undefined (rows) when a sequence's tokens are not one
/// contiguous run or a sequence has none.
struct TokenPacking {
    torch::Tensor rows, positions, spans;
};
TokenPacking packTokens(const torch::Tensor& mask, std::int64_t B, std::int64_t S);
/// Packed rows x [1, T, N] (or [T, N]) put back at their flat rows of a padded batch: [B, S, N],
/// zeros between (with autograd; rows on x's device).
torch::Tensor unpackRows(const torch::Tensor& x, const torch::Tensor& rows, std::int64_t B, std::int64_t S);
/// The packed rows [1, T, N] of a padded batch x [B, S, N] (with autograd).
torch::Tensor packRows(const torch::Tensor& x, const torch::Tensor& rows);

/// Training: causal (window > 0: sliding-window) grouped-query attention for small heads with
/// autograd, in the projections' row layout: q [B, S, nHead, D] (scale folded in), k and v
/// [B, S, nKv, D] (query head h uses KV head h / (nHead / nKv), HF's repeat_kv), spans [N, 2]
/// (first flat row, count) from tokenSpans, or packTokens for packed sequences ([1, T, ...]).
/// Each sequence's tokens attend to its own earlier tokens only (HF's causal mask with
/// the padding mask), as varlenCausalAttention does for inference. Forward keeps one query row's
/// scores in L1 and saves only the row's log-sum-exp; backward recomputes the softmax from it
/// (FlashAttention-2's scheme): no [B, heads, S, S] scores, probabilities or mask exist, and no
/// head permute copies. Returns the context [B, S, nHead D]; rows of padding are zero (HF gives
/// them an average of all values, which no token's output reads). Undefined when it does not apply.
torch::Tensor smallHeadCausalTraining(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                      const torch::Tensor& spans, std::int64_t window);

/// Training: rotary position embedding (HF's rotate-half) of x [B, S, heads, D] with cos and sin
/// [B, S, D / 2], as one autograd node that writes a contiguous [B, S, heads, D] (composed ops on
/// the head views cost four products, a concatenation and their backward, each over rows of
/// D / 2 floats). Undefined when not CPU float32.
torch::Tensor ropeRows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

} // namespace synthembed::model
