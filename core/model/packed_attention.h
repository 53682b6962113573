#pragma once
/// Core-internal (torch types): bidirectional self-attention over a packed projection as one
/// autograd node, for training (BERT).
///
/// Why: composed from torch ops, attention's forward and backward are a dozen passes over
/// [B, heads, S, S] blocks plus head permute copies, and its batched products go to the system
/// BLAS's own thread pool, which spins and yields against libtorch's OpenMP pool. Here each
/// OpenMP thread takes whole (sequence, head) pairs: the products read the heads in place from
/// the packed q|k|v rows through strides, the context and the q|k|v gradient are written in place,
/// and the softmax's backward is one loop per block.

#include <torch/torch.h>

namespace synthembed::model {

/// softmax(scale q k^T + keyMask) v per head, from qkv [B, S, 3 H] (queries | keys | values, head
/// h at columns h D .. h D + D of each third), as context [B, S, H]; differentiable in qkv (the
/// backward writes the gradient of all three thirds in one pass). keyMask is additive [B, S]
/// (no gradient) or undefined. Saves qkv and the probabilities [B heads, S, S] for backward.
/// Returns an undefined tensor when it does not apply (not CPU float32, bad shapes): the caller
/// then composes the torch ops.
torch::Tensor packedSelfAttentionTrain(const torch::Tensor& qkv, std::int64_t nHead, double scale,
                                       const torch::Tensor& keyMask);

} // namespace synthembed::model
