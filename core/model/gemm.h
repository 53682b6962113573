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

/// a [B, M, K] times b [B, K, N] (b may be a transposed view of [B, N, K]): torch::bmm.
torch::Tensor gemmBatched(const torch::Tensor& a, const torch::Tensor& b);

} // namespace synthembed::model
