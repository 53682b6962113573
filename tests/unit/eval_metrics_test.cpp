// Evaluation metrics and learners on small cases computed by hand (values in the comments).

#include "core/eval/learners.h"
#include "core/eval/metrics.h"
#include "core/search/projection.h"
#include "core/util/result.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace synthembed;
using namespace synthembed::eval;

TEST(EvalMetrics, RanksAverageTies) {
    EXPECT_EQ(rankAverage({10, 20, 20, 30}), (std::vector<double>{1, 2.5, 2.5, 4}));
    EXPECT_EQ(rankAverage({3, 1, 2}), (std::vector<double>{3, 1, 2}));
}

TEST(EvalMetrics, SpearmanAndPearsonByHand) {
    // ranks differ by one swap: rho = 1 - 6*2/(4*15) = 0.8
    EXPECT_NEAR(spearman({1, 2, 3, 4}, {1, 3, 2, 4}), 0.8, 1e-12);
    EXPECT_NEAR(spearman({1, 2, 3}, {30, 20, 10}), -1.0, 1e-12);
    // x = 1,2,3 y = 2,4,7: cov = 5/... r = 5 / sqrt(2 * 12.6667) = 0.99339927
    EXPECT_NEAR(pearson({1, 2, 3}, {2, 4, 7}), 0.9933992677987828, 1e-12);
    EXPECT_EQ(pearson({1, 1, 1}, {1, 2, 3}), 0.0); // constant side: defined as 0
}

TEST(EvalMetrics, AveragePrecisionLikeSklearn) {
    // ranks: + - + -  -> (1/1 + 2/3) / 2
    EXPECT_NEAR(averagePrecision({1, 0, 1, 0}, {0.9, 0.8, 0.7, 0.6}), (1.0 + 2.0 / 3.0) / 2, 1e-12);
    // a tie between a positive and a negative counts as one threshold: precision 1/2
    EXPECT_NEAR(averagePrecision({1, 0}, {0.5, 0.5}), 0.5, 1e-12);
    EXPECT_NEAR(averagePrecision({0, 1}, {0.9, 0.1}), 0.5, 1e-12);
}

TEST(EvalMetrics, BestThresholdAccuracyAndF1) {
    // sorted: 0.9(+) 0.8(+) 0.4(-) 0.3(+) 0.1(-): cut after 2 -> acc (2 + 2)/5 = 0.8 at 0.6
    std::vector<int> y{1, 1, 0, 1, 0};
    std::vector<double> s{0.9, 0.8, 0.4, 0.3, 0.1};
    auto acc = bestAccuracy(y, s);
    EXPECT_NEAR(acc.value, 0.8, 1e-12);
    EXPECT_NEAR(acc.threshold, 0.6, 1e-12);
    // cut after 4: p = 3/4, r = 1 -> f1 = 6/7 at 0.2
    auto f1 = bestF1(y, s);
    EXPECT_NEAR(f1.f1, 6.0 / 7.0, 1e-12);
    EXPECT_NEAR(f1.threshold, 0.2, 1e-12);
}

TEST(EvalMetrics, F1MacroAndVMeasure) {
    // class 0: f1 = 2/3, class 1: f1 = 4/5
    EXPECT_NEAR(f1Macro({0, 0, 1, 1}, {0, 1, 1, 1}), (2.0 / 3 + 0.8) / 2, 1e-12);
    // sklearn's documented example: homogeneity 1, completeness 2/3 -> v = 0.8
    auto v = vMeasure({0, 0, 1, 1}, {0, 0, 1, 2});
    EXPECT_NEAR(v.homogeneity, 1.0, 1e-12);
    EXPECT_NEAR(v.vMeasure, 0.8, 1e-12);
    EXPECT_NEAR(vMeasure({0, 0, 1, 1}, {5, 5, 3, 3}).vMeasure, 1.0, 1e-12); // permuted labels
    EXPECT_NEAR(vMeasure({0, 1, 0, 1}, {0, 0, 1, 1}).vMeasure, 0.0, 1e-12); // independent
}

TEST(EvalMetrics, RetrievalTrecSemantics) {
    Qrels q{{"a", 1}, {"b", 1}};
    auto m = retrievalMetrics(q, {{"a", 0.9}, {"c", 0.8}, {"b", 0.7}}, {1, 3, 10});
    // DCG@3 = 1 + 1/log2(4) = 1.5; IDCG@3 = 1 + 1/log2(3)
    EXPECT_NEAR(m["ndcg_at_3"], 1.5 / (1 + 1 / std::log2(3.0)), 1e-12);
    EXPECT_NEAR(m["ndcg_at_1"], 1.0, 1e-12);
    EXPECT_NEAR(m["map_at_3"], (1.0 + 2.0 / 3) / 2, 1e-12);
    EXPECT_NEAR(m["recall_at_1"], 0.5, 1e-12);
    EXPECT_NEAR(m["precision_at_3"], 2.0 / 3, 1e-12);
    EXPECT_NEAR(m["precision_at_10"], 0.2, 1e-12); // divided by k even with 3 retrieved
    EXPECT_NEAR(m["mrr_at_10"], 1.0, 1e-12);
    // equal scores: trec_eval puts the larger document id first -> "b" (irrelevant) at rank 1
    auto t = retrievalMetrics({{"a", 1}}, {{"a", 0.5}, {"b", 0.5}}, {1, 2});
    EXPECT_EQ(t["ndcg_at_1"], 0.0);
    EXPECT_NEAR(t["mrr_at_2"], 0.5, 1e-12);
    // graded relevance: gain is the grade (linear), ideal over all judged documents
    auto g = retrievalMetrics({{"a", 2}, {"b", 1}, {"z", 1}}, {{"b", 0.9}, {"a", 0.8}}, {2});
    const double dcg = 1 + 2 / std::log2(3.0), idcg = 2 + 1 / std::log2(3.0);
    EXPECT_NEAR(g["ndcg_at_2"], dcg / idcg, 1e-12);
    EXPECT_NEAR(g["recall_at_2"], 2.0 / 3, 1e-12);
}

TEST(EvalMetrics, PairedBootstrap) {
    std::vector<double> a{0.1, 0.5, 0.9, 0.3}, b = a;
    auto same = pairedBootstrap(a, b, 200, 0.05, 1);
    EXPECT_EQ(same.meanDiff, 0.0);
    EXPECT_EQ(same.low, 0.0);
    EXPECT_EQ(same.high, 0.0);
    for (auto& x : b) x -= 0.25;
    auto shift = pairedBootstrap(a, b, 200, 0.05, 1);
    EXPECT_NEAR(shift.low, 0.25, 1e-12);
    EXPECT_NEAR(shift.high, 0.25, 1e-12);
    EXPECT_EQ(shift.pValue, 0.0);
    EXPECT_THROW(pairedBootstrap({1}, {1, 2}), synthembed::Failure);
}

namespace {
// n points per class around well-separated centres in d dimensions.
Matrix blobs(int classes, int perClass, int d, std::vector<int>& labels, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0, 0.1f);
    Matrix x(std::size_t(classes * perClass), std::size_t(d));
    labels.clear();
    for (int c = 0; c < classes; ++c)
        for (int i = 0; i < perClass; ++i) {
            float* r = x.row(std::size_t(c * perClass + i));
            for (int j = 0; j < d; ++j) r[j] = noise(rng) + (j % classes == c ? 3.0f : 0.0f);
            labels.push_back(c);
        }
    return x;
}
} // namespace

TEST(EvalLearners, LogisticRegressionSeparatesBlobs) {
    std::vector<int> y;
    Matrix x = blobs(4, 20, 8, y, 3);
    LogisticRegression lr;
    lr.fit(x, y, 4);
    EXPECT_EQ(lr.predict(x), y);
    EXPECT_GT(lr.iterations(), 0);
    EXPECT_LE(lr.iterations(), 100);
}

TEST(EvalLearners, LogisticRegressionMatchesClosedFormOptimum) {
    // Two points, one feature, x = +1 (class 1) and -1 (class 0), C = 1, n = 2. By symmetry the
    // class weights are +-w/2 and the intercepts equal, so the objective is
    // log(1 + e^-w) + w^2/8 (mean cross-entropy + ||W||^2 / (2 C n)), minimal where
    // w/4 = 1/(1 + e^w); solved here by bisection.
    Matrix x(2, 1);
    x.data = {1.0f, -1.0f};
    LogisticRegression lr;
    LogisticRegressionOptions o;
    o.tolerance = 1e-10;
    lr.fit(x, {1, 0}, 2, o);
    EXPECT_EQ(lr.predict(x), (std::vector<int>{1, 0}));
    double lo = 0, hi = 4;
    for (int i = 0; i < 100; ++i) {
        const double mid = (lo + hi) / 2;
        (mid / 4 < 1 / (1 + std::exp(mid)) ? lo : hi) = mid;
    }
    const double w = lo;
    // 1e-7: the cross-entropy is summed in float32, as scikit-learn does for float32 inputs (what
    // mteb fits on), so the objective carries float32 rounding (relative 6e-8).
    EXPECT_NEAR(lr.objective(), std::log1p(std::exp(-w)) + w * w / 8, 1e-7);
}

TEST(EvalLearners, MiniBatchKMeansFindsBlobs) {
    std::vector<int> y;
    Matrix x = blobs(3, 50, 6, y, 5);
    KMeansOptions o;
    o.k = 3;
    o.batchSize = 32;
    auto pred = miniBatchKMeans(x, o);
    EXPECT_NEAR(vMeasure(y, pred).vMeasure, 1.0, 1e-12);
    EXPECT_EQ(miniBatchKMeans(x, o), pred); // seeded: deterministic
}

TEST(SearchProjection, PcaFindsTheMainAxis) {
    // points on the line t * (3, 4) / 5 plus tiny noise in a third dimension
    Matrix x(200, 3);
    std::mt19937_64 rng(1);
    std::normal_distribution<float> n(0, 1), tiny(0, 0.01f);
    for (std::size_t i = 0; i < x.rows; ++i) {
        const float t = n(rng);
        x.row(i)[0] = 0.6f * t + 1.0f;
        x.row(i)[1] = 0.8f * t - 2.0f;
        x.row(i)[2] = tiny(rng);
    }
    auto p = search::pca(x, 2);
    EXPECT_NEAR(std::abs(p.components.row(0)[0]), 0.6, 1e-3);
    EXPECT_NEAR(std::abs(p.components.row(0)[1]), 0.8, 1e-3);
    EXPECT_GT(p.explainedVariance[0] / p.totalVariance, 0.999);
    EXPECT_EQ(p.points.rows, 200u);
    // projecting the same rows again gives the same coordinates
    auto again = search::project(p, x);
    for (std::size_t i = 0; i < 10; ++i) EXPECT_NEAR(again.row(i)[0], p.points.row(i)[0], 1e-5);
}
