#include "core/search/exact.h"
#include "core/search/exact_int8.h"

#include "core/util/result.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace synthembed::search {

namespace {

// Min-heap on score (the worst kept hit on top); among equal scores the higher row is "worse"
// so that ties keep the lower row, like a stable sort would.
struct Worse {
    bool operator()(const Hit& a, const Hit& b) const {
        if (a.score != b.score) return a.score > b.score;
        return a.row < b.row;
    }
};

struct TopK {
    std::vector<Hit> heap;
    float threshold = -std::numeric_limits<float>::infinity();
    std::size_t k = 0;

    void push(std::int64_t row, float score) {
        if (heap.size() < k) {
            heap.push_back({row, score});
            std::push_heap(heap.begin(), heap.end(), Worse{});
            if (heap.size() == k) threshold = heap.front().score;
        } else {
            // equal scores arrive in increasing row order, so an equal score never wins
            std::pop_heap(heap.begin(), heap.end(), Worse{});
            heap.back() = {row, score};
            std::push_heap(heap.begin(), heap.end(), Worse{});
            threshold = heap.front().score;
        }
    }
};

void scanRows(const float* scores, std::size_t ldScores, std::size_t qBegin, std::size_t qEnd, std::size_t nCols,
              std::int64_t rowOffset, TopK* tops, const std::uint8_t* allow) {
    for (std::size_t q = qBegin; q < qEnd; ++q) {
        const float* s = scores + q * ldScores;
        TopK& t = tops[q];
        float thr = t.threshold;
        const bool full = t.heap.size() >= t.k;
        if (!full || allow) {
            for (std::size_t j = 0; j < nCols; ++j) {
                if (allow && !allow[rowOffset + j]) continue;
                if (t.heap.size() < t.k || s[j] > t.threshold) t.push(rowOffset + std::int64_t(j), s[j]);
            }
            continue;
        }
        std::size_t j = 0;
#if defined(__SSE2__)
        // Once the heap is full almost no score beats the threshold: test 16 at a time with
        // SIMD maxima and look at single scores only in the rare blocks that have a winner.
        for (; j + 16 <= nCols; j += 16) {
            const __m128 m = _mm_max_ps(_mm_max_ps(_mm_loadu_ps(s + j), _mm_loadu_ps(s + j + 4)),
                                        _mm_max_ps(_mm_loadu_ps(s + j + 8), _mm_loadu_ps(s + j + 12)));
            if (!_mm_movemask_ps(_mm_cmpgt_ps(m, _mm_set1_ps(thr)))) continue;
            for (std::size_t e = j; e < j + 16; ++e)
                if (s[e] > thr) {
                    t.push(rowOffset + std::int64_t(e), s[e]);
                    thr = t.threshold;
                }
        }
#endif
        for (; j < nCols; ++j) {
            if (s[j] > thr) {
                t.push(rowOffset + std::int64_t(j), s[j]);
                thr = t.threshold;
            }
        }
    }
}

} // namespace

std::vector<std::vector<Hit>> exactSearch(const float* base, std::size_t n, const float* queries, std::size_t nq,
                                          std::size_t d, const ExactSearchOptions& o, const ProgressHooks& hooks) {
    std::vector<std::vector<Hit>> out(nq);
    if (nq == 0 || n == 0 || o.k == 0) return out;
    const std::size_t k = std::min(o.k, n);
    const std::size_t chunk = std::max<std::size_t>(1, std::min(o.baseChunk, n));
    const std::size_t qBlock = std::max<std::size_t>(1, std::min(o.queryBlock, nq));
    int threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const std::uint8_t* allow = o.allow ? o.allow->data() : nullptr;
    if (o.allow && o.allow->size() != n) throw Failure("internal", "exactSearch: allow mask size differs from base rows");
    if (o.stats) *o.stats = {};
    if (detail::screenedSearch(base, n, queries, nq, d, o, hooks, out)) return out;

    std::vector<TopK> tops(nq);
    for (auto& t : tops) {
        t.k = k;
        t.heap.reserve(k);
    }
    // One score buffer for the whole search: fresh pages are expensive on VMs.
    std::unique_ptr<float[]> scores(new float[qBlock * chunk]);
    detail::forEachBlock(
        nq, qBlock, n, chunk, hooks, [&](std::size_t q0, std::size_t qn, std::size_t b0, std::size_t bn) {
            gemmABt(queries + q0 * d, qn, base + b0 * d, bn, d, scores.get());
            detail::parallelFor(qn, threads, [&](std::size_t a, std::size_t b) {
                scanRows(scores.get(), bn, a, b, bn, std::int64_t(b0), tops.data() + q0, allow);
            });
        });
    for (std::size_t q = 0; q < nq; ++q) {
        auto& h = tops[q].heap;
        std::sort(h.begin(), h.end(), [](const Hit& a, const Hit& b) {
            if (a.score != b.score) return a.score > b.score;
            return a.row < b.row;
        });
        out[q] = std::move(h);
    }
    return out;
}

std::vector<std::vector<Hit>> exactSearch(const Matrix& base, const Matrix& queries, const ExactSearchOptions& o,
                                          const ProgressHooks& hooks) {
    if (!base.empty() && !queries.empty() && base.cols != queries.cols)
        throw Failure("index", "query dimension " + std::to_string(queries.cols) + " differs from index dimension " +
                                       std::to_string(base.cols));
    return exactSearch(base.data.data(), base.rows, queries.data.data(), queries.rows, base.cols, o, hooks);
}

} // namespace synthembed::search
