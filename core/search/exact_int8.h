#pragma once
/// Private to core/search: the screened (int8) path of exactSearch.

#include "core/search/exact.h"

namespace synthembed::search::detail {

/// Runs the screened path into out (nq entries) and returns true, or returns false having computed
/// nothing when it does not apply (no exact int8 gemm, options.path/screenMinQueries say no, d over
/// 65536, or values too large, too small or not finite); the caller then runs the float path.
bool screenedSearch(const float* base, std::size_t n, const float* queries, std::size_t nq, std::size_t d,
                    const ExactSearchOptions& options, const ProgressHooks& hooks,
                    std::vector<std::vector<Hit>>& out);

} // namespace synthembed::search::detail
