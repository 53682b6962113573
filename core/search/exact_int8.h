#pragma once
/// Private to core/search: the screened (int8) path of exactSearch.

#include "core/search/exact.h"
#include "core/util/result.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace synthembed::search::detail {

// Runs work(a, b) over [0, n) split across up to `threads` threads (the caller's thread takes the first
// part).
template <class F> void parallelFor(std::size_t n, int threads, F&& work) {
    const int nt = int(std::min<std::size_t>(std::size_t(std::max(1, threads)), n));
    if (nt <= 1) {
        if (n) work(std::size_t(0), n);
        return;
    }
    std::vector<std::thread> pool;
    const std::size_t per = (n + std::size_t(nt) - 1) / std::size_t(nt);
    for (int t = 1; t < nt; ++t) {
        const std::size_t a = std::min(n, per * std::size_t(t)), b = std::min(n, per * std::size_t(t + 1));
        if (a < b) pool.emplace_back([&work, a, b] { work(a, b); });
    }
    work(std::size_t(0), std::min(n, per));
    for (auto& th : pool)
        th.join();
}

/// Both paths' outer loop: query blocks by base chunks, fn(q0, qn, b0, bn) for each, with
/// cancellation and progress between them.
template <class F>
void forEachBlock(std::size_t nq, std::size_t qBlock, std::size_t n, std::size_t chunk,
                  const ProgressHooks& hooks, F&& fn) {
    const std::size_t totalSteps = ((nq + qBlock - 1) / qBlock) * ((n + chunk - 1) / chunk);
    std::size_t step = 0;
    for (std::size_t q0 = 0; q0 < nq; q0 += qBlock)
        for (std::size_t b0 = 0; b0 < n; b0 += chunk) {
            if (hooks.stopRequested()) throw Failure("cancelled", "search cancelled");
            fn(q0, std::min(qBlock, nq - q0), b0, std::min(chunk, n - b0));
            hooks.report(std::int64_t(++step), std::int64_t(totalSteps), "searching");
        }
}

/// Runs the screened path into out (nq entries) and returns true, or returns false having computed
/// nothing when it does not apply (no exact int8 gemm, options.path/screenMinQueries say no, d over
/// 65536, or values too large, too small or not finite); the caller then runs the float path.
bool screenedSearch(const float* base, std::size_t n, const float* queries, std::size_t nq, std::size_t d,
                    const ExactSearchOptions& options, const ProgressHooks& hooks,
                    std::vector<std::vector<Hit>>& out);

} // namespace synthembed::search::detail
