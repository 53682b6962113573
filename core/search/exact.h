#pragma once
/// Exact k-nearest-neighbour search by inner product: the queries are multiplied with the base
/// in chunks (OpenBLAS sgemm into one reused buffer) and each row's top k is kept in a small
/// heap that rejects most scores with one comparison. For cosine, normalise both sides first.

#include "core/search/matrix.h"
#include "core/util/progress.h"

#include <cstdint>
#include <vector>

namespace synthembed::search {

struct Hit {
    std::int64_t row = -1; ///< row of the base matrix (or the caller's id once mapped)
    float score = 0;
};

struct ExactSearchOptions {
    std::size_t k = 10;
    std::size_t baseChunk = 8192;   ///< base rows per matrix product
    std::size_t queryBlock = 1024;  ///< query rows per matrix product
    int threads = 0;                ///< top-k scanning threads; 0 = hardware concurrency
    /// Optional mask over base rows (size = base rows): rows with 0 are never returned.
    const std::vector<std::uint8_t>* allow = nullptr;
};

/// For each query row, up to k hits sorted by score descending (ties: lower row first).
std::vector<std::vector<Hit>> exactSearch(const Matrix& base, const Matrix& queries, const ExactSearchOptions& options,
                                          const ProgressHooks& hooks = {});

/// Same, on raw pointers (base: n x d row-major), for callers that keep vectors elsewhere.
std::vector<std::vector<Hit>> exactSearch(const float* base, std::size_t n, const float* queries, std::size_t nq,
                                          std::size_t d, const ExactSearchOptions& options,
                                          const ProgressHooks& hooks = {});

} // namespace synthembed::search
