#pragma once
/// A dense row-major float matrix: the one type embeddings travel in between core areas.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace synthembed {

struct Matrix {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<float> data; ///< rows * cols values, row-major

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c, 0.0f) {}

    float* row(std::size_t i) { return data.data() + i * cols; }
    const float* row(std::size_t i) const { return data.data() + i * cols; }
    std::span<const float> rowSpan(std::size_t i) const { return {row(i), cols}; }
    bool empty() const { return rows == 0; }

    /// Rows picked by index, in the given order.
    Matrix gather(const std::vector<std::size_t>& idx) const;
    /// Appends the rows of another matrix with the same number of columns.
    void append(const Matrix& other);
};

/// Scales every row to unit L2 norm (zero rows stay zero).
void normalizeRows(Matrix& m);
/// Dot product of two equal-length vectors.
float dot(const float* a, const float* b, std::size_t n);
/// Cosine similarity (0 when either vector is zero).
double cosine(const float* a, const float* b, std::size_t n);

/// C = A * B^T (A: m x d, B: n x d, C: m x n), through OpenBLAS sgemm.
void gemmABt(const float* a, std::size_t m, const float* b, std::size_t n, std::size_t d, float* c);

} // namespace synthembed
