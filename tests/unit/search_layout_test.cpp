// The UMAP-style layout: umap-learn's a/b curve, the same result for a seed whatever the thread
// count, well-separated clusters kept apart, trustworthiness above a bound (and the trustworthiness
// itself against a brute-force argsort of the sklearn formula), HNSW neighbours close to exact ones,
// cancellation, and the layout cache on disk.

#include "core/search/layout.h"
#include "core/search/projection.h"

#include "support/test_support.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <set>

using namespace synthembed;
using namespace synthembed::search;
using synthembed::test::TempDir;

namespace {

/// `clusters` Gaussian blobs of `per` points in d dimensions; centres `separation` apart on
/// average, unit noise per coordinate scaled by `noise`. Labels in `label`.
Matrix blobs(std::size_t clusters, std::size_t per, std::size_t d, float separation, float noise, std::uint64_t seed,
             std::vector<int>& label) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g;
    Matrix centres(clusters, d);
    for (auto& v : centres.data) v = g(rng) * separation / std::sqrt(2.0f * float(d));
    Matrix x(clusters * per, d);
    label.assign(x.rows, 0);
    for (std::size_t i = 0; i < x.rows; ++i) {
        const std::size_t c = i % clusters;
        label[i] = int(c);
        for (std::size_t j = 0; j < d; ++j) x.row(i)[j] = centres.row(c)[j] + noise * g(rng) / std::sqrt(float(d));
    }
    return x;
}

// sklearn.manifold.trustworthiness written out literally: full argsort of the original distances
// (self last), the k nearest in the embedding, ranks from the inverted index.
double referenceTrust(const Matrix& x, const Matrix& y, std::size_t k) {
    const std::size_t n = x.rows;
    auto dist = [](const Matrix& m, std::size_t a, std::size_t b) {
        double s = 0;
        for (std::size_t c = 0; c < m.cols; ++c) s += double(m.row(a)[c] - m.row(b)[c]) * double(m.row(a)[c] - m.row(b)[c]);
        return s;
    };
    double t = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> ord(n);
        std::iota(ord.begin(), ord.end(), 0);
        std::vector<double> dx(n);
        for (std::size_t m = 0; m < n; ++m) dx[m] = m == i ? 1e300 : dist(x, i, m);
        std::stable_sort(ord.begin(), ord.end(), [&](std::size_t a, std::size_t b) { return dx[a] < dx[b]; });
        std::vector<std::size_t> rank(n);
        for (std::size_t r = 0; r < n; ++r) rank[ord[r]] = r + 1;
        std::vector<std::size_t> oy(n);
        std::iota(oy.begin(), oy.end(), 0);
        std::vector<double> dy(n);
        for (std::size_t m = 0; m < n; ++m) dy[m] = m == i ? 1e300 : dist(y, i, m);
        std::stable_sort(oy.begin(), oy.end(), [&](std::size_t a, std::size_t b) { return dy[a] < dy[b]; });
        for (std::size_t j = 0; j < k; ++j)
            if (rank[oy[j]] > k) t += double(rank[oy[j]] - k);
    }
    return 1.0 - t * 2.0 / (double(n) * double(k) * (2.0 * double(n) - 3.0 * double(k) - 1.0));
}

} // namespace

TEST(SearchLayout, FitsUmapLearnsCurve) {
    // umap-learn 0.5: find_ab_params(1.0, 0.1) = (1.5769, 0.8951); (1.0, 0.5) = (0.5830, 1.3342).
    auto [a, b] = fitAB(1.0, 0.1);
    EXPECT_NEAR(a, 1.577, 0.01);
    EXPECT_NEAR(b, 0.895, 0.005);
    std::tie(a, b) = fitAB(1.0, 0.5);
    EXPECT_NEAR(a, 0.583, 0.01);
    EXPECT_NEAR(b, 1.334, 0.005);
}

TEST(SearchLayout, TrustworthinessMatchesTheSklearnFormula) {
    std::vector<int> label;
    Matrix x = blobs(4, 60, 16, 3.0f, 1.0f, 11, label);
    // A PCA embedding, a random one, and x itself (trust 1).
    Matrix pcaY = pca(x, 2).points;
    Matrix randomY(x.rows, 2);
    std::mt19937 rng(5);
    std::normal_distribution<float> g;
    for (auto& v : randomY.data) v = g(rng);
    const auto got = trustworthiness(x, {&pcaY, &randomY, &x}, 7);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NEAR(got[0], referenceTrust(x, pcaY, 7), 1e-9);
    EXPECT_NEAR(got[1], referenceTrust(x, randomY, 7), 1e-9);
    EXPECT_NEAR(got[2], 1.0, 1e-12);
    EXPECT_LT(got[1], got[0]);
    EXPECT_LT(got[1], 0.65); // a random map is about 0.5
    // Sampled queries estimate the same value.
    const auto sampled = trustworthiness(x, {&pcaY}, 7, 120, 3);
    EXPECT_NEAR(sampled[0], got[0], 0.03);
}

TEST(SearchLayout, SameSeedSameLayoutWhateverTheThreads) {
    std::vector<int> label;
    Matrix x = blobs(3, 150, 24, 4.0f, 1.0f, 3, label);
    LayoutOptions o;
    o.seed = 42;
    o.epochs = 120;
    o.threads = 1;
    auto one = umapLayout(x, o);
    ASSERT_TRUE(one) << one.error().message;
    o.threads = 3;
    auto three = umapLayout(x, o);
    ASSERT_TRUE(three);
    EXPECT_EQ(one->points.data, three->points.data);
    EXPECT_EQ(one->knnMethod, "exact");
    o.seed = 43;
    auto other = umapLayout(x, o);
    ASSERT_TRUE(other);
    EXPECT_NE(one->points.data, other->points.data);
    for (float v : one->points.data) EXPECT_TRUE(std::isfinite(v));
}

TEST(SearchLayout, SeparatesWellSeparatedClusters) {
    std::vector<int> label;
    const std::size_t clusters = 6;
    Matrix x = blobs(clusters, 250, 48, 8.0f, 1.0f, 7, label);
    LayoutOptions o;
    o.seed = 1;
    auto r = umapLayout(x, o);
    ASSERT_TRUE(r) << r.error().message;
    const Matrix& y = r->points;
    ASSERT_EQ(y.rows, x.rows);
    ASSERT_EQ(y.cols, 2u);
    // Cluster centres and radii (90th percentile distance to the centre) on the map.
    std::vector<double> cx(clusters), cy(clusters), radius(clusters);
    std::vector<std::size_t> count(clusters);
    for (std::size_t i = 0; i < y.rows; ++i) {
        cx[std::size_t(label[i])] += y.row(i)[0], cy[std::size_t(label[i])] += y.row(i)[1];
        ++count[std::size_t(label[i])];
    }
    for (std::size_t c = 0; c < clusters; ++c) cx[c] /= double(count[c]), cy[c] /= double(count[c]);
    for (std::size_t c = 0; c < clusters; ++c) {
        std::vector<double> d;
        for (std::size_t i = 0; i < y.rows; ++i)
            if (std::size_t(label[i]) == c) d.push_back(std::hypot(y.row(i)[0] - cx[c], y.row(i)[1] - cy[c]));
        std::sort(d.begin(), d.end());
        radius[c] = d[d.size() * 9 / 10];
    }
    for (std::size_t a = 0; a < clusters; ++a)
        for (std::size_t b = a + 1; b < clusters; ++b)
            EXPECT_GT(std::hypot(cx[a] - cx[b], cy[a] - cy[b]), 1.5 * (radius[a] + radius[b])) << a << " vs " << b;
    // Every point's nearest map neighbour is from its own cluster.
    std::size_t same = 0;
    for (std::size_t i = 0; i < y.rows; ++i) {
        double best = 1e300;
        std::size_t arg = i;
        for (std::size_t m = 0; m < y.rows; ++m) {
            if (m == i) continue;
            const double d = std::hypot(y.row(i)[0] - y.row(m)[0], y.row(i)[1] - y.row(m)[1]);
            if (d < best) best = d, arg = m;
        }
        same += label[arg] == label[i];
    }
    EXPECT_EQ(same, y.rows);
}

TEST(SearchLayout, TrustworthinessAboveBoundAndAbovePca) {
    // Overlapping blobs with inner structure, where PCA squashes neighbourhoods together.
    std::vector<int> label;
    Matrix x = blobs(30, 80, 64, 3.0f, 1.0f, 21, label);
    normalizeRows(x); // the layout ranks by cosine; trustworthiness by Euclidean: the same on unit rows
    LayoutOptions o;
    o.seed = 5;
    auto r = umapLayout(x, o);
    ASSERT_TRUE(r) << r.error().message;
    Matrix p = pca(x, 2).points;
    const auto t = trustworthiness(x, {&r->points, &p}, 10);
    std::printf("trustworthiness@10: layout %.4f, PCA %.4f\n", t[0], t[1]);
    EXPECT_GT(t[0], 0.95);
    EXPECT_GT(t[0], t[1] + 0.08);
}

class ApproximateNeighbours : public ::testing::TestWithParam<KnnMethod> {};

TEST_P(ApproximateNeighbours, CloseToExact) {
    std::vector<int> label;
    Matrix x = blobs(10, 300, 32, 3.0f, 1.0f, 9, label);
    LayoutOptions o;
    o.knn = KnnMethod::Exact;
    auto exact = knnGraph(x, 10, o);
    ASSERT_TRUE(exact) << exact.error().message;
    o.knn = GetParam();
    auto approx = knnGraph(x, 10, o);
    ASSERT_TRUE(approx) << approx.error().message;
    std::size_t found = 0;
    for (std::size_t i = 0; i < x.rows; ++i) {
        EXPECT_EQ(exact->index[i * 10], std::int32_t(i)); // the row itself first
        EXPECT_EQ(approx->index[i * 10], std::int32_t(i));
        EXPECT_EQ(exact->distance[i * 10], 0.0f);
        std::set<std::int32_t> truth(exact->index.begin() + std::ptrdiff_t(i * 10), exact->index.begin() + std::ptrdiff_t(i * 10 + 10));
        for (std::size_t j = 0; j < 10; ++j) found += truth.count(approx->index[i * 10 + j]);
        for (std::size_t j = 1; j < 10; ++j) EXPECT_LE(exact->distance[i * 10 + j - 1], exact->distance[i * 10 + j] + 1e-6f);
    }
    const double recall = double(found) / double(x.rows * 10);
    std::printf("recall@10: %.4f\n", recall);
    EXPECT_GT(recall, 0.95);
    // The layout takes that path when asked, and the clustered one by itself above exactUpTo.
    LayoutOptions lo;
    lo.epochs = 20;
    lo.knn = GetParam();
    auto r = umapLayout(x, lo);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->knnMethod, GetParam() == KnnMethod::Hnsw ? "hnsw" : "clustered");
    lo.knn = KnnMethod::Auto;
    lo.exactUpTo = 100;
    r = umapLayout(x, lo);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->knnMethod, "clustered");
}

INSTANTIATE_TEST_SUITE_P(SearchLayout, ApproximateNeighbours, ::testing::Values(KnnMethod::Clustered, KnnMethod::Hnsw),
                         [](const auto& info) { return std::string(info.param == KnnMethod::Hnsw ? "Hnsw" : "Clustered"); });

TEST(SearchLayout, StopsWhenCancelled) {
    std::vector<int> label;
    Matrix x = blobs(5, 400, 32, 4.0f, 1.0f, 2, label);
    std::atomic<int> epochsSeen{0};
    std::atomic<bool> stop{false};
    ProgressHooks hooks;
    std::vector<std::string> stages;
    hooks.progress = [&](std::int64_t done, std::int64_t, const std::string& stage) {
        if (stages.empty() || stages.back() != stage) stages.push_back(stage);
        if (stage == "layout" && done >= 20) stop = true;
        if (stage == "layout") epochsSeen = int(done);
    };
    hooks.shouldStop = [&] { return stop.load(); };
    LayoutOptions o;
    o.epochs = 1000;
    auto r = umapLayout(x, o, hooks);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "cancelled");
    EXPECT_LT(epochsSeen.load(), 30);
    EXPECT_EQ(stages, (std::vector<std::string>{"neighbours", "graph", "layout"}));
    // Stopped before it starts: cancelled in the neighbour search.
    stop = true;
    auto early = umapLayout(x, o, hooks);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "cancelled");
    // Too few points is a usage error.
    Matrix tiny(2, 4);
    auto bad = umapLayout(tiny);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "usage");
}

TEST(SearchLayout, CacheRoundTrip) {
    TempDir dir;
    std::vector<int> label;
    Matrix x = blobs(2, 20, 8, 3.0f, 1.0f, 4, label);
    LayoutOptions o;
    const std::string key = layoutCacheKey(x, o);
    EXPECT_EQ(key, layoutCacheKey(x, o));
    LayoutOptions other = o;
    other.seed = 9;
    EXPECT_NE(key, layoutCacheKey(x, other));
    LayoutOptions threads = o;
    threads.threads = 7; // does not change the result, so not the key
    EXPECT_EQ(key, layoutCacheKey(x, threads));
    Matrix x2 = x;
    x2.row(3)[2] += 1e-3f;
    EXPECT_NE(key, layoutCacheKey(x2, o));

    EXPECT_TRUE(loadCachedLayout(dir.path(), key, x.rows).empty());
    Matrix y(x.rows, 2);
    for (std::size_t i = 0; i < y.data.size(); ++i) y.data[i] = float(i) * 0.5f;
    ASSERT_TRUE(saveCachedLayout(dir.path(), key, y));
    EXPECT_EQ(loadCachedLayout(dir.path(), key, x.rows).data, y.data);
    EXPECT_TRUE(loadCachedLayout(dir.path(), key, x.rows + 1).empty()); // another set size
    // A truncated file is no layout.
    const auto file = dir.path() / (key + ".layout");
    const auto size = std::filesystem::file_size(file);
    std::filesystem::resize_file(file, size - 4);
    EXPECT_TRUE(loadCachedLayout(dir.path(), key, x.rows).empty());
}
