#pragma once
/// Exact k-nearest-neighbour search by inner product. For cosine, normalise both sides first.
///
/// Two paths give the same hits. The float path multiplies the queries with the base in chunks
/// (sgemm into one reused buffer) and keeps each query's top k in a small heap that rejects most
/// scores with one comparison. The screened path (exact_int8.cpp; the default where oneDNN's int8
/// gemm is there and passes its self-check) multiplies int8 copies of both sides (about twice the
/// sgemm rate), bounds every true score from the int8 product and the quantisation residuals, keeps
/// only the rows whose upper bound reaches the k-th best lower bound and rescores those exactly.

#include "core/search/matrix.h"
#include "core/util/progress.h"

#include <cstdint>
#include <vector>

namespace synthembed::search {

struct Hit {
    std::int64_t row = -1; ///< row of the base matrix (or the caller's id once mapped)
    float score = 0;
};

/// An int8 companion of a float matrix for the screened path: per row x, scale s = max|x_j| / 127,
/// codes xq = round(x / s), and upper bounds (computed in double, rounded up) of ||x||,
/// ||x - s xq|| and ||s xq||. Build it once per base (n * d bytes + 5 floats a row) and pass it in
/// ExactSearchOptions::quantized to skip the per-call quantisation.
struct QuantizedRows {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::int8_t> codes; ///< rows * cols
    std::vector<float> scale;       ///< s per row
    std::vector<float> norm;        ///< >= ||x||
    std::vector<float> residual;    ///< >= ||x - s xq||
    std::vector<float> codeNorm;    ///< >= ||s xq||
    std::vector<float> slack;       ///< >= residual plus the rounding margin (see exact_int8.cpp)
    bool usable = false; ///< every value finite and each row's largest |x_j| 0 or within [1e-15, 1e15]
};

/// Quantises n rows of d floats (threads: 0 = hardware concurrency).
QuantizedRows quantizeRows(const float* x, std::size_t n, std::size_t d, int threads = 0);
inline QuantizedRows quantizeRows(const Matrix& m, int threads = 0) {
    return quantizeRows(m.data.data(), m.rows, m.cols, threads);
}

/// True when oneDNN's dnnl_gemm_s8s8s32 was found and computed a self-check (extreme and random
/// codes) exactly; the screened path needs exact int32 products (no intermediate saturation).
bool int8ScreeningAvailable();

enum class ExactPath {
    Auto,  ///< screened where available and worth it (a companion given, or enough queries), else float
    Float, ///< always the float path (the reference)
    Int8,  ///< screened whenever available and the data allow it (finite, moderate magnitudes)
};

/// What a search did (for tests and benchmarks).
struct ExactSearchStats {
    bool screened = false;        ///< the int8 screened path ran
    std::size_t candidates = 0;   ///< rows rescored exactly, summed over the queries
    double quantizeSeconds = 0;   ///< time spent quantising the base in this call (no companion given)
};

struct ExactSearchOptions {
    std::size_t k = 10;
    std::size_t baseChunk = 8192;   ///< base rows per matrix product
    std::size_t queryBlock = 1024;  ///< query rows per matrix product
    int threads = 0;                ///< top-k scanning threads; 0 = hardware concurrency
    /// Optional mask over base rows (size = base rows): rows with 0 are never returned.
    const std::vector<std::uint8_t>* allow = nullptr;
    ExactPath path = ExactPath::Auto;
    /// The base's companion from quantizeRows (same rows and columns), or nullptr.
    const QuantizedRows* quantized = nullptr;
    /// Auto without a companion: quantise the base in the call from this many queries on.
    std::size_t screenMinQueries = 256;
    ExactSearchStats* stats = nullptr; ///< filled when given
};

/// For each query row, up to k hits sorted by score descending (ties: lower row first).
std::vector<std::vector<Hit>> exactSearch(const Matrix& base, const Matrix& queries, const ExactSearchOptions& options,
                                          const ProgressHooks& hooks = {});

/// Same, on raw pointers (base: n x d row-major), for callers that keep vectors elsewhere.
std::vector<std::vector<Hit>> exactSearch(const float* base, std::size_t n, const float* queries, std::size_t nq,
                                          std::size_t d, const ExactSearchOptions& options,
                                          const ProgressHooks& hooks = {});

} // namespace synthembed::search
