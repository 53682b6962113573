#pragma once
/// Plain C++ (no torch types): oneDNN's row-major sgemm as libtorch ships it, for code outside
/// the models that multiplies large float matrices (exact search). See gemm.h for why oneDNN.

#include <cstdint>

namespace synthembed::model {

/// C = alpha op(A) op(B) + beta C, row-major, op = transpose when the flag is 'T'. Returns false
/// (and computes nothing) when oneDNN is not available or SYNTHEMBED_GEMM=torch turned it off;
/// the caller then uses its BLAS.
bool oneDnnSgemm(char transA, char transB, std::int64_t M, std::int64_t N, std::int64_t K, float alpha, const float* A,
                 std::int64_t lda, const float* B, std::int64_t ldb, float beta, float* C, std::int64_t ldc);

} // namespace synthembed::model
