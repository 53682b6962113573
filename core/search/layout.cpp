#include "core/search/layout.h"

#include "core/search/exact.h"
#include "core/search/index.h"
#include "core/search/projection.h"
#include "core/util/durable.h"
#include "core/util/paths.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

namespace synthembed::search {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int threadCount(int requested) {
    return requested > 0 ? requested : int(std::max(1u, std::thread::hardware_concurrency()));
}

/// fn(i) for i in [0, n) on `threads` threads, in blocks taken from a shared counter. The first
/// exception stops the rest and is rethrown.
void parallelFor(std::size_t n, int threads, std::size_t block, const std::function<void(std::size_t, std::size_t)>& fn) {
    const std::size_t blocks = (n + block - 1) / block;
    threads = std::max(1, std::min<int>(threads, int(blocks)));
    if (threads <= 1) {
        for (std::size_t b = 0; b < blocks; ++b) fn(b * block, std::min(n, (b + 1) * block));
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex mu;
    auto worker = [&] {
        for (std::size_t b; (b = next.fetch_add(1)) < blocks;) {
            try {
                fn(b * block, std::min(n, (b + 1) * block));
            } catch (...) {
                std::lock_guard lock(mu);
                if (!error) error = std::current_exception();
                next = blocks;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
}

void checkStop(const ProgressHooks& hooks) {
    if (hooks.stopRequested()) throw Failure("cancelled", "layout cancelled");
}

std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/// A small fast generator (xorshift64*), one per point and epoch.
struct Rng {
    std::uint64_t s;
    explicit Rng(std::uint64_t seed) : s(splitmix(seed) | 1) {}
    std::uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545f4914f6cdd1dull;
    }
    std::size_t below(std::size_t n) { return std::size_t((unsigned __int128)(next()) * n >> 64); }
};

// log2 and exp2 to about 1e-5 relative error (least-squares polynomials on [1, 2) and [0, 1)):
// the SGD spends most of its time in pow(d2, b).
inline float fastLog2(float x) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const float e = float(int((bits >> 23) & 0xff) - 127);
    const float t = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f800000u) - 1.0f; // mantissa - 1, [0, 1)
    return e + (1.4354106e-05f + t * (1.4415927f + t * (-0.70725636f + t * (0.41156681f + t * (-0.18983641f + t * 0.04392957f)))));
}

inline float fastExp2(float x) {
    x = x < -126.0f ? -126.0f : x > 126.0f ? 126.0f : x;
    int i = int(x);
    if (float(i) > x) --i; // floor without a library call
    const float f = x - float(i);
    const float p = 1.0000036f + f * (0.69296962f + f * (0.24162116f + f * (0.05171783f + f * 0.01368400f)));
    return std::bit_cast<float>(std::uint32_t(i + 127) << 23) * p;
}

inline float fastPow(float x, float y) { return fastExp2(y * fastLog2(x)); }

inline float clip4(float v) { return v > 4.0f ? 4.0f : v < -4.0f ? -4.0f : v; }

Matrix normalizedCopy(const Matrix& x) {
    Matrix v = x;
    normalizeRows(v);
    return v;
}

/// Puts the row itself first (distance 0) and keeps k entries.
void selfFirst(std::size_t i, std::vector<std::pair<std::int32_t, float>>& hits, std::size_t k) {
    auto self = std::find_if(hits.begin(), hits.end(), [&](auto& h) { return h.first == std::int32_t(i); });
    if (self != hits.end()) hits.erase(self);
    hits.insert(hits.begin(), {std::int32_t(i), 0.0f});
    // A row with fewer hits than k (tiny sets) repeats its last neighbour: a zero-weight duplicate.
    while (hits.size() < k) hits.push_back(hits.back());
    hits.resize(k);
}

float cosDistance(float score) { return std::sqrt(std::max(0.0f, 2.0f - 2.0f * score)); }

/// Symmetric sparse graph in CSR form.
struct Graph {
    std::vector<std::size_t> start; // n + 1
    std::vector<std::int32_t> col;
    std::vector<float> weight;
};

/// umap-learn's smooth_knn_dist + compute_membership_strengths + fuzzy union (set_op_mix_ratio 1).
Graph fuzzyGraph(const KnnGraph& knn, int threads) {
    const std::size_t n = knn.n, k = knn.k;
    const double target = std::log2(double(k));
    double meanAll = 0;
    for (float d : knn.distance) meanAll += d;
    meanAll /= double(std::max<std::size_t>(1, knn.distance.size()));
    std::vector<float> membership(n * k, 0.0f);
    parallelFor(n, threads, 1024, [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            const float* d = knn.distance.data() + i * k;
            const std::int32_t* idx = knn.index.data() + i * k;
            // rho: the distance to the nearest other point (local_connectivity = 1).
            double rho = 0, mean = 0;
            for (std::size_t j = 1; j < k; ++j) {
                mean += d[j];
                if (rho == 0 && d[j] > 0 && idx[j] != std::int32_t(i)) rho = d[j];
            }
            mean /= double(std::max<std::size_t>(1, k - 1));
            double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1;
            for (int it = 0; it < 64; ++it) {
                double psum = 0;
                for (std::size_t j = 1; j < k; ++j) {
                    const double dd = d[j] - rho;
                    psum += dd > 0 ? std::exp(-dd / mid) : 1.0;
                }
                if (std::abs(psum - target) < 1e-5) break;
                if (psum > target) {
                    hi = mid;
                    mid = (lo + hi) / 2;
                } else {
                    lo = mid;
                    mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
                }
            }
            double sigma = mid;
            sigma = std::max(sigma, 1e-3 * (rho > 0 ? mean : meanAll));
            for (std::size_t j = 1; j < k; ++j) {
                if (idx[j] == std::int32_t(i) || idx[j] < 0) continue;
                if (j > 1 && idx[j] == idx[j - 1]) continue; // padding of tiny sets
                const double dd = d[j] - rho;
                membership[i * k + j] = float(dd <= 0 ? 1.0 : std::exp(-dd / sigma));
            }
        }
    });
    // Fuzzy union w = a + b - ab over the unordered pairs.
    struct Entry {
        std::uint64_t key; // (min << 32) | max
        float value;
        bool forward;      // stored in the row of min
    };
    std::vector<Entry> entries;
    entries.reserve(n * k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 1; j < k; ++j) {
            const float w = membership[i * k + j];
            if (w <= 0) continue;
            const std::uint64_t a = i, b = std::uint64_t(knn.index[i * k + j]);
            entries.push_back({(std::min(a, b) << 32) | std::max(a, b), w, a < b});
        }
    std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) { return x.key < y.key; });
    std::vector<std::pair<std::uint64_t, float>> pairs;
    for (std::size_t e = 0; e < entries.size();) {
        float fwd = 0, bwd = 0;
        std::size_t f = e;
        for (; f < entries.size() && entries[f].key == entries[e].key; ++f)
            (entries[f].forward ? fwd : bwd) = std::max(entries[f].forward ? fwd : bwd, entries[f].value);
        pairs.push_back({entries[e].key, fwd + bwd - fwd * bwd});
        e = f;
    }
    Graph g;
    g.start.assign(n + 1, 0);
    for (auto& [key, w] : pairs) {
        ++g.start[(key >> 32) + 1];
        ++g.start[(key & 0xffffffffu) + 1];
    }
    for (std::size_t i = 0; i < n; ++i) g.start[i + 1] += g.start[i];
    g.col.resize(g.start[n]);
    g.weight.resize(g.start[n]);
    std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
    for (auto& [key, w] : pairs) {
        const std::size_t a = key >> 32, b = key & 0xffffffffu;
        g.col[fill[a]] = std::int32_t(b), g.weight[fill[a]++] = w;
        g.col[fill[b]] = std::int32_t(a), g.weight[fill[b]++] = w;
    }
    return g;
}

/// PCA of the rows, scaled into [0, 10] per axis as umap-learn scales its initial layout.
Matrix initialLayout(const Matrix& x, std::uint64_t seed) {
    Projection p = pca(x, 2, 8, seed);
    Matrix y(x.rows, 2);
    for (std::size_t c = 0; c < 2; ++c) {
        float lo = std::numeric_limits<float>::max(), hi = -lo;
        for (std::size_t i = 0; i < x.rows; ++i) {
            const float v = c < p.points.cols ? p.points.row(i)[c] : 0.0f;
            lo = std::min(lo, v), hi = std::max(hi, v);
        }
        const float span = hi > lo ? hi - lo : 1.0f;
        Rng rng(seed ^ (0xabcdefull + c));
        for (std::size_t i = 0; i < x.rows; ++i) {
            const float v = c < p.points.cols ? p.points.row(i)[c] : 0.0f;
            // A little jitter separates identical rows.
            const float jitter = float(double(rng.next() >> 11) * 0x1.0p-53 - 0.5) * 1e-4f;
            y.row(i)[c] = 10.0f * (v - lo) / span + jitter;
        }
    }
    return y;
}

/// All-pairs k-NN by cells: spherical k-means (assignment by exactSearch against the centroids),
/// then for every cell an exact search of the points that probe it among the cell's members.
/// `store(i, hits)` receives each point's best k (row, distance) once all its cells are searched.
void clusteredKnn(const Matrix& v, std::size_t k, const LayoutOptions& o, const ProgressHooks& hooks,
                  const std::function<void(std::size_t, std::vector<std::pair<std::int32_t, float>>&)>& store) {
    const std::size_t n = v.rows, d = v.cols;
    const std::size_t cells = std::clamp<std::size_t>(o.cells > 0 ? o.cells : std::size_t(std::sqrt(double(n))), 1, n);
    const std::size_t probes = std::clamp<std::size_t>(o.probes, 1, cells);
    std::mt19937_64 rng(o.seed ^ 0x5eedull);
    std::vector<std::size_t> pick(n);
    std::iota(pick.begin(), pick.end(), 0);
    std::shuffle(pick.begin(), pick.end(), rng);
    pick.resize(cells);
    Matrix centroids = v.gather(pick);
    ExactSearchOptions co;
    co.threads = o.threads;
    const int iterations = std::max(1, o.kmeansIterations);
    const std::int64_t total = iterations + 1 + std::int64_t(cells);
    std::vector<std::vector<Hit>> nearest;
    for (int it = 0; it <= iterations; ++it) {
        checkStop(hooks);
        hooks.report(it, total, "neighbours");
        co.k = it == iterations ? probes : 1;
        nearest = exactSearch(centroids, v, co);
        if (it == iterations) break;
        Matrix sums(cells, d);
        std::vector<std::size_t> count(cells, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = std::size_t(nearest[i][0].row);
            ++count[c];
            float* s = sums.row(c);
            const float* x = v.row(i);
            for (std::size_t j = 0; j < d; ++j) s[j] += x[j];
        }
        for (std::size_t c = 0; c < cells; ++c) {
            if (count[c] == 0) { // an empty cell restarts at a random point
                std::memcpy(sums.row(c), v.row(std::size_t(rng() % n)), d * sizeof(float));
            }
        }
        normalizeRows(sums);
        centroids = std::move(sums);
    }
    // members[c]: the points whose nearest centroid is c; probers[c]: the points that search c.
    std::vector<std::vector<std::size_t>> members(cells), probers(cells);
    for (std::size_t i = 0; i < n; ++i) {
        members[std::size_t(nearest[i][0].row)].push_back(i);
        for (auto& h : nearest[i]) probers[std::size_t(h.row)].push_back(i);
    }
    // Best k per point so far, as a max-heap on distance (score ascending = worst first).
    std::vector<std::vector<std::pair<float, std::int32_t>>> best(n);
    ExactSearchOptions eo;
    eo.threads = o.threads;
    for (std::size_t c = 0; c < cells; ++c) {
        if (c % 8 == 0) {
            checkStop(hooks);
            hooks.report(iterations + 1 + std::int64_t(c), total, "neighbours");
        }
        if (members[c].empty() || probers[c].empty()) continue;
        const Matrix base = v.gather(members[c]);
        const Matrix queries = v.gather(probers[c]);
        eo.k = std::min(base.rows, k);
        const auto found = exactSearch(base, queries, eo);
        for (std::size_t q = 0; q < found.size(); ++q) {
            auto& heap = best[probers[c][q]];
            for (auto& h : found[q]) {
                // min-heap on score: front is the worst kept neighbour
                const std::pair<float, std::int32_t> e{h.score, std::int32_t(members[c][std::size_t(h.row)])};
                if (heap.size() < k) {
                    heap.push_back(e);
                    std::push_heap(heap.begin(), heap.end(), std::greater<>());
                } else if (e.first > heap.front().first) {
                    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
                    heap.back() = e;
                    std::push_heap(heap.begin(), heap.end(), std::greater<>());
                }
            }
        }
    }
    std::vector<std::pair<std::int32_t, float>> hits;
    for (std::size_t i = 0; i < n; ++i) {
        auto& heap = best[i];
        std::sort(heap.begin(), heap.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
        hits.clear();
        for (auto& [score, row] : heap) hits.push_back({row, cosDistance(score)});
        std::vector<std::pair<float, std::int32_t>>().swap(heap);
        store(i, hits);
    }
}

} // namespace

std::pair<double, double> fitAB(double spread, double minDist) {
    // Least squares of 1 / (1 + a x^(2b)) against umap-learn's target curve on 300 points in
    // [0, 3 spread], by Levenberg-Marquardt from a = b = 1.
    std::vector<double> xs, ys;
    for (int i = 0; i < 300; ++i) {
        const double x = spread * 3.0 * i / 299.0;
        xs.push_back(x);
        ys.push_back(x < minDist ? 1.0 : std::exp(-(x - minDist) / spread));
    }
    double a = 1, b = 1, lambda = 1e-3;
    auto cost = [&](double ca, double cb) {
        double s = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const double f = 1.0 / (1.0 + ca * std::pow(xs[i], 2 * cb));
            s += (f - ys[i]) * (f - ys[i]);
        }
        return s;
    };
    double c = cost(a, b);
    for (int it = 0; it < 200; ++it) {
        double jtj[3] = {0, 0, 0}, jtr[2] = {0, 0}; // [aa, ab, bb]
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (xs[i] <= 0) continue;
            const double p = std::pow(xs[i], 2 * b), den = 1 + a * p, f = 1 / den, r = f - ys[i];
            const double da = -p / (den * den), db = -a * p * 2 * std::log(xs[i]) / (den * den);
            jtj[0] += da * da, jtj[1] += da * db, jtj[2] += db * db;
            jtr[0] += da * r, jtr[1] += db * r;
        }
        bool improved = false;
        for (int tries = 0; tries < 20 && !improved; ++tries) {
            const double m00 = jtj[0] * (1 + lambda), m11 = jtj[2] * (1 + lambda), m01 = jtj[1];
            const double det = m00 * m11 - m01 * m01;
            if (std::abs(det) < 1e-300) break;
            const double sa = -(m11 * jtr[0] - m01 * jtr[1]) / det, sb = -(m00 * jtr[1] - m01 * jtr[0]) / det;
            const double nc = cost(a + sa, b + sb);
            if (nc < c && a + sa > 0 && b + sb > 0) {
                a += sa, b += sb, c = nc, lambda *= 0.3, improved = true;
            } else {
                lambda *= 10;
            }
        }
        if (!improved) break;
    }
    return {a, b};
}

Result<KnnGraph> knnGraph(const Matrix& x, std::size_t k, const LayoutOptions& o, const ProgressHooks& hooks) {
    return guarded([&] {
        const std::size_t n = x.rows;
        if (n == 0) throw Failure("usage", "knnGraph: no rows");
        k = std::max<std::size_t>(2, k);
        const Matrix v = normalizedCopy(x);
        KnnGraph g;
        g.n = n, g.k = k;
        g.index.resize(n * k);
        g.distance.resize(n * k);
        const KnnMethod method = o.knn != KnnMethod::Auto ? o.knn : n <= o.exactUpTo ? KnnMethod::Exact : KnnMethod::Clustered;
        const bool exact = method == KnnMethod::Exact;
        const std::size_t chunk = 4096;
        auto store = [&](std::size_t i, std::vector<std::pair<std::int32_t, float>>& hits) {
            selfFirst(i, hits, k);
            for (std::size_t j = 0; j < k; ++j) {
                g.index[i * k + j] = hits[j].first;
                g.distance[i * k + j] = hits[j].second;
            }
        };
        if (exact) {
            ExactSearchOptions eo;
            eo.k = std::min(n, k + 1);
            eo.threads = o.threads;
            for (std::size_t from = 0; from < n; from += chunk) {
                checkStop(hooks);
                hooks.report(std::int64_t(from), std::int64_t(n), "neighbours");
                const std::size_t to = std::min(n, from + chunk);
                const auto found = exactSearch(v.data.data(), n, v.row(from), to - from, v.cols, eo);
                for (std::size_t q = 0; q < found.size(); ++q) {
                    std::vector<std::pair<std::int32_t, float>> hits;
                    for (auto& h : found[q]) hits.push_back({std::int32_t(h.row), cosDistance(h.score)});
                    store(from + q, hits);
                }
            }
            hooks.report(std::int64_t(n), std::int64_t(n), "neighbours");
            return g;
        }
        if (method == KnnMethod::Clustered) {
            clusteredKnn(v, k, o, hooks, store);
            hooks.report(std::int64_t(n), std::int64_t(n), "neighbours");
            return g;
        }
        // HNSW through the project's VectorIndex, kept in memory (never saved).
        IndexMeta meta;
        meta.name = "layout";
        meta.backend = Backend::Hnsw;
        meta.metric = "ip"; // rows are unit already
        meta.hnswM = o.hnswM;
        meta.efConstruction = o.hnswEfConstruction;
        meta.efSearch = std::max(o.hnswEf, k + 1);
        auto index = VectorIndex::create(std::filesystem::temp_directory_path() / "synthembed-layout-unsaved", meta).take();
        // Two passes of equal weight for progress: adding (building the graph), then searching.
        for (std::size_t from = 0; from < n; from += chunk) {
            checkStop(hooks);
            hooks.report(std::int64_t(from), std::int64_t(2 * n), "neighbours");
            const std::size_t to = std::min(n, from + chunk);
            Matrix part(to - from, v.cols);
            std::memcpy(part.data.data(), v.row(from), part.data.size() * sizeof(float));
            std::vector<ItemMeta> items(to - from);
            for (std::size_t i = from; i < to; ++i) items[i - from].id = std::int64_t(i);
            index.add(part, items).take();
        }
        for (std::size_t from = 0; from < n; from += chunk) {
            checkStop(hooks);
            hooks.report(std::int64_t(n + from), std::int64_t(2 * n), "neighbours");
            const std::size_t to = std::min(n, from + chunk);
            Matrix part(to - from, v.cols);
            std::memcpy(part.data.data(), v.row(from), part.data.size() * sizeof(float));
            const auto found = index.search(part, std::min(n, k + 1)).take();
            for (std::size_t q = 0; q < found.size(); ++q) {
                std::vector<std::pair<std::int32_t, float>> hits;
                for (auto& h : found[q]) hits.push_back({std::int32_t(h.id), cosDistance(h.score)});
                store(from + q, hits);
            }
        }
        hooks.report(std::int64_t(2 * n), std::int64_t(2 * n), "neighbours");
        return g;
    }, "internal");
}

Result<Layout> umapLayout(const Matrix& x, const LayoutOptions& o, const ProgressHooks& hooks) {
    return guarded([&] {
        const std::size_t n = x.rows;
        if (n < 3) throw Failure("usage", "a layout needs at least 3 points, got " + std::to_string(n));
        if (n >= std::size_t(std::numeric_limits<std::int32_t>::max()))
            throw Failure("usage", "a layout takes at most 2^31 points");
        const int threads = threadCount(o.threads);
        Layout out;
        auto t = Clock::now();
        const std::size_t k = std::min<std::size_t>(std::max(2, o.neighbors), n);
        LayoutOptions ko = o;
        ko.threads = threads;
        const KnnGraph knn = knnGraph(x, k, ko, hooks).take();
        const KnnMethod method = o.knn != KnnMethod::Auto ? o.knn : n <= o.exactUpTo ? KnnMethod::Exact : KnnMethod::Clustered;
        out.knnMethod = method == KnnMethod::Exact ? "exact" : method == KnnMethod::Clustered ? "clustered" : "hnsw";
        out.knnSeconds = secondsSince(t);
        checkStop(hooks);

        t = Clock::now();
        hooks.report(0, 1, "graph");
        Graph g = fuzzyGraph(knn, threads);
        const int epochs = o.epochs > 0 ? o.epochs : (n <= 10000 ? 500 : 200);
        // Pruning as umap-learn: weights below max / epochs would never be sampled.
        float wmax = 0;
        for (float w : g.weight) wmax = std::max(wmax, w);
        std::vector<float> perSample(g.col.size()), nextSample(g.col.size()), perNegative(g.col.size()), nextNegative(g.col.size());
        for (std::size_t e = 0; e < g.col.size(); ++e) {
            const float w = g.weight[e];
            if (w < wmax / float(epochs)) {
                perSample[e] = -1; // never
                continue;
            }
            ++out.edges;
            perSample[e] = wmax / w;
            nextSample[e] = perSample[e];
            perNegative[e] = perSample[e] / float(std::max(1, o.negativeRate));
            nextNegative[e] = perNegative[e];
        }
        out.graphSeconds = secondsSince(t);
        checkStop(hooks);

        t = Clock::now();
        Matrix y = initialLayout(x, o.seed);
        out.initSeconds = secondsSince(t);

        t = Clock::now();
        const auto [a, b] = fitAB(o.spread, o.minDist);
        const float fa = float(a), fb = float(b), gamma = o.repulsion;
        std::vector<float> snapshot(y.data.size());
        for (int epoch = 0; epoch < epochs; ++epoch) {
            checkStop(hooks);
            if (epoch % 5 == 0) hooks.report(epoch, epochs, "layout");
            const float alpha = o.learningRate * (1.0f - float(epoch) / float(epochs));
            const float fe = float(epoch);
            std::memcpy(snapshot.data(), y.data.data(), y.data.size() * sizeof(float));
            parallelFor(n, threads, 2048, [&](std::size_t from, std::size_t to) {
                for (std::size_t i = from; i < to; ++i) {
                    Rng rng((o.seed * 0x100000001b3ull) ^ (std::uint64_t(epoch) << 40) ^ std::uint64_t(i));
                    float yi0 = y.row(i)[0], yi1 = y.row(i)[1];
                    for (std::size_t e = g.start[i]; e < g.start[i + 1]; ++e) {
                        if (perSample[e] < 0 || nextSample[e] > fe) continue;
                        const std::size_t j = std::size_t(g.col[e]);
                        // Attraction. umap-learn moves both ends of an edge and samples each
                        // direction, so every end is pulled twice per sample of the pair; here each
                        // point moves only itself, pulled with twice the step. The attraction and the
                        // negative samples of one edge sample are all computed from the point's
                        // position before them, then applied together: the repulsions are
                        // independent of each other, which keeps the CPU's pipelines full.
                        float gx = 0, gy = 0;
                        {
                            const float dx = yi0 - snapshot[2 * j], dy = yi1 - snapshot[2 * j + 1];
                            const float d2 = dx * dx + dy * dy;
                            if (d2 > 0) {
                                const float pb1 = fastPow(d2, fb - 1.0f);
                                const float coeff = -2.0f * fa * fb * pb1 / (fa * pb1 * d2 + 1.0f);
                                gx += 2.0f * clip4(coeff * dx);
                                gy += 2.0f * clip4(coeff * dy);
                            }
                        }
                        nextSample[e] += perSample[e];
                        const int negatives = int((fe - nextNegative[e]) / perNegative[e]);
                        for (int s = 0; s < negatives; ++s) {
                            const std::size_t m = rng.below(n);
                            const float dx = yi0 - snapshot[2 * m], dy = yi1 - snapshot[2 * m + 1];
                            const float d2 = dx * dx + dy * dy;
                            if (m == i) continue;
                            if (d2 > 0) {
                                const float coeff = 2.0f * gamma * fb / ((0.001f + d2) * (fa * fastPow(d2, fb) + 1.0f));
                                gx += clip4(coeff * dx);
                                gy += clip4(coeff * dy);
                            } else {
                                gx += 4.0f;
                                gy += 4.0f;
                            }
                        }
                        yi0 += gx * alpha;
                        yi1 += gy * alpha;
                        nextNegative[e] += float(negatives) * perNegative[e];
                    }
                    y.row(i)[0] = yi0;
                    y.row(i)[1] = yi1;
                }
            });
        }
        hooks.report(epochs, epochs, "layout");
        out.optimizeSeconds = secondsSince(t);
        out.points = std::move(y);
        return out;
    }, "internal");
}

std::vector<double> trustworthiness(const Matrix& x, const std::vector<const Matrix*>& embeddings, std::size_t k,
                                    std::size_t sampleQueries, std::uint64_t seed, int threads, const ProgressHooks& hooks) {
    const std::size_t n = x.rows, d = x.cols;
    threads = threadCount(threads);
    if (n < 2 * k + 2) throw Failure("usage", "trustworthiness: needs more than 2k + 1 rows");
    for (auto* e : embeddings)
        if (!e || e->rows != n) throw Failure("usage", "trustworthiness: an embedding has a different row count");
    std::vector<std::size_t> queries(n);
    std::iota(queries.begin(), queries.end(), 0);
    if (sampleQueries > 0 && sampleQueries < n) {
        std::mt19937_64 rng(seed);
        std::shuffle(queries.begin(), queries.end(), rng);
        queries.resize(sampleQueries);
        std::sort(queries.begin(), queries.end());
    }
    const std::size_t nq = queries.size();
    // The k nearest neighbours of every query in each embedding (brute force, exact).
    std::vector<std::vector<std::int32_t>> embNn(embeddings.size(), std::vector<std::int32_t>(nq * k));
    for (std::size_t e = 0; e < embeddings.size(); ++e) {
        const Matrix& y = *embeddings[e];
        const std::size_t dy = y.cols;
        parallelFor(nq, threads, 64, [&](std::size_t from, std::size_t to) {
            std::vector<float> dist(n);
            std::vector<std::pair<float, std::int32_t>> heap;
            for (std::size_t q = from; q < to; ++q) {
                const std::size_t i = queries[q];
                const float* yi = y.row(i);
                for (std::size_t m = 0; m < n; ++m) {
                    const float* ym = y.row(m);
                    float s = 0;
                    for (std::size_t c = 0; c < dy; ++c) s += (yi[c] - ym[c]) * (yi[c] - ym[c]);
                    dist[m] = s;
                }
                dist[i] = std::numeric_limits<float>::infinity();
                heap.clear();
                for (std::size_t m = 0; m < n; ++m) {
                    if (heap.size() < k) {
                        heap.push_back({dist[m], std::int32_t(m)});
                        std::push_heap(heap.begin(), heap.end());
                    } else if (dist[m] < heap.front().first) {
                        std::pop_heap(heap.begin(), heap.end());
                        heap.back() = {dist[m], std::int32_t(m)};
                        std::push_heap(heap.begin(), heap.end());
                    }
                }
                for (std::size_t j = 0; j < k; ++j) embNn[e][q * k + j] = heap[j].second;
            }
        });
    }
    // Original-space squared distances (up to a per-row constant) block by block through sgemm;
    // the rank of an embedding neighbour j of i is 1 + the number of rows closer to i than j.
    std::vector<float> norms(n);
    for (std::size_t m = 0; m < n; ++m) norms[m] = dot(x.row(m), x.row(m), d);
    std::vector<double> penalty(embeddings.size(), 0.0);
    std::mutex mu;
    const std::size_t block = 256;
    std::vector<float> qrows(block * d), scores(block * n);
    for (std::size_t from = 0; from < nq; from += block) {
        if (hooks.stopRequested()) throw Failure("cancelled", "trustworthiness cancelled");
        hooks.report(std::int64_t(from), std::int64_t(nq), "trustworthiness");
        const std::size_t to = std::min(nq, from + block), nb = to - from;
        for (std::size_t q = from; q < to; ++q) std::memcpy(qrows.data() + (q - from) * d, x.row(queries[q]), d * sizeof(float));
        gemmABt(qrows.data(), nb, x.data.data(), n, d, scores.data());
        parallelFor(nb, threads, 8, [&](std::size_t f, std::size_t t) {
            std::vector<double> local(embeddings.size(), 0.0);
            std::vector<std::pair<float, std::int32_t>> candidates;
            for (std::size_t b = f; b < t; ++b) {
                const std::size_t i = queries[from + b];
                float* row = scores.data() + b * n;
                for (std::size_t m = 0; m < n; ++m) row[m] = norms[m] - 2.0f * row[m];
                row[i] = std::numeric_limits<float>::infinity();
                // Rows no farther than the farthest embedding neighbour: usually a few hundred.
                float maxThr = -std::numeric_limits<float>::infinity();
                for (std::size_t e = 0; e < embeddings.size(); ++e)
                    for (std::size_t j = 0; j < k; ++j) maxThr = std::max(maxThr, row[embNn[e][(from + b) * k + j]]);
                candidates.clear();
                for (std::size_t m = 0; m < n; ++m)
                    if (row[m] <= maxThr) candidates.push_back({row[m], std::int32_t(m)});
                for (std::size_t e = 0; e < embeddings.size(); ++e)
                    for (std::size_t j = 0; j < k; ++j) {
                        const std::int32_t nb = embNn[e][(from + b) * k + j];
                        const float thr = row[nb];
                        std::size_t closer = 0;
                        // Ties: rows at the same distance with a lower index rank first (argsort).
                        for (auto& [v, m] : candidates) closer += v < thr || (v == thr && m < nb);
                        const std::size_t rank = closer + 1;
                        if (rank > k) local[e] += double(rank - k);
                    }
            }
            std::lock_guard lock(mu);
            for (std::size_t e = 0; e < local.size(); ++e) penalty[e] += local[e];
        });
    }
    hooks.report(std::int64_t(nq), std::int64_t(nq), "trustworthiness");
    std::vector<double> out;
    const double scale = double(n) / double(nq);
    for (double p : penalty)
        out.push_back(1.0 - p * scale * (2.0 / (double(n) * double(k) * (2.0 * double(n) - 3.0 * double(k) - 1.0))));
    return out;
}

std::filesystem::path defaultLayoutCacheDir() { return paths::dataDir() / "layout_cache"; }

std::string layoutCacheKey(const Matrix& x, const LayoutOptions& o) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](std::uint64_t v) { h = splitmix(h ^ v); };
    mix(x.rows), mix(x.cols);
    const std::size_t words = x.data.size() * sizeof(float) / 8;
    const auto* p = reinterpret_cast<const unsigned char*>(x.data.data());
    // Four independent lanes, combined at the end.
    std::uint64_t lane[4] = {1, 2, 3, 4};
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t v;
        std::memcpy(&v, p + 8 * w, 8);
        lane[w & 3] = (lane[w & 3] ^ v) * 0x100000001b3ull + (lane[w & 3] >> 29);
    }
    for (std::size_t r = words * 8; r < x.data.size() * sizeof(float); ++r) mix(p[r]);
    for (auto l : lane) mix(l);
    mix(std::uint64_t(o.neighbors)), mix(std::bit_cast<std::uint32_t>(o.minDist)), mix(std::bit_cast<std::uint32_t>(o.spread));
    mix(std::uint64_t(o.epochs)), mix(std::uint64_t(o.negativeRate)), mix(std::bit_cast<std::uint32_t>(o.learningRate));
    mix(std::bit_cast<std::uint32_t>(o.repulsion)), mix(std::uint64_t(o.knn)), mix(o.exactUpTo), mix(o.hnswM);
    mix(o.hnswEfConstruction), mix(o.hnswEf), mix(o.seed), mix(o.cells), mix(o.probes), mix(std::uint64_t(o.kmeansIterations));
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return "umap-" + std::string(buf);
}

namespace {
constexpr char kMagic[8] = {'S', 'E', 'L', 'A', 'Y', 'O', 'U', '1'};
}

Matrix loadCachedLayout(const std::filesystem::path& dir, const std::string& key, std::size_t rows) {
    std::ifstream in(dir / (key + ".layout"), std::ios::binary);
    if (!in) return {};
    char magic[8];
    std::uint64_t r = 0, c = 0;
    in.read(magic, 8);
    in.read(reinterpret_cast<char*>(&r), 8);
    in.read(reinterpret_cast<char*>(&c), 8);
    if (!in || std::memcmp(magic, kMagic, 8) != 0 || r != rows || c != 2) return {};
    Matrix m(rows, 2);
    in.read(reinterpret_cast<char*>(m.data.data()), std::streamsize(m.data.size() * sizeof(float)));
    if (!in || in.gcount() != std::streamsize(m.data.size() * sizeof(float))) return {};
    for (float v : m.data)
        if (!std::isfinite(v)) return {};
    return m;
}

Status saveCachedLayout(const std::filesystem::path& dir, const std::string& key, const Matrix& points) {
    return guarded([&] {
        std::filesystem::create_directories(dir);
        std::string bytes(kMagic, 8);
        const std::uint64_t r = points.rows, c = points.cols;
        bytes.append(reinterpret_cast<const char*>(&r), 8);
        bytes.append(reinterpret_cast<const char*>(&c), 8);
        bytes.append(reinterpret_cast<const char*>(points.data.data()), points.data.size() * sizeof(float));
        durable::writeFile(dir / (key + ".layout"), bytes);
    }, "io");
}

} // namespace synthembed::search
