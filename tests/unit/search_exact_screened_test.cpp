// The screened (int8) path of exactSearch against the float path and a double-precision brute force:
// random rows, adversarial data (duplicates, near-ties, one huge coordinate, zero rows, mixed
// magnitudes, negative scores, odd dimensions, n < k, large k, chunk edges), the allow mask, and a
// check that screening really prunes.

#include "core/search/exact.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace synthembed;
using namespace synthembed::search;

namespace {

#define REQUIRE_INT8()                                                                                       \
    if (!int8ScreeningAvailable())                                                                           \
    GTEST_SKIP() << "oneDNN's dnnl_gemm_s8s8s32 (libdnnl.so.2/.3) is not available or not exact on this CPU"

Matrix gaussian(std::size_t n, std::size_t d, std::uint64_t seed, bool normalize = true) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g;
    Matrix m(n, d);
    for (auto& v : m.data)
        v = g(rng);
    if (normalize) normalizeRows(m);
    return m;
}

double dotD(const float* a, const float* b, std::size_t d) {
    double s = 0;
    for (std::size_t j = 0; j < d; ++j)
        s += double(a[j]) * b[j];
    return s;
}

// Top k by double score, lower row first on ties (the screened path's order exactly).
std::vector<std::vector<std::int64_t>> brute(const Matrix& base, const Matrix& q, std::size_t k,
                                             const std::vector<std::uint8_t>* allow = nullptr) {
    std::vector<std::vector<std::int64_t>> out(q.rows);
    for (std::size_t i = 0; i < q.rows; ++i) {
        std::vector<std::pair<double, std::int64_t>> s;
        for (std::size_t r = 0; r < base.rows; ++r)
            if (!allow || (*allow)[r])
                s.emplace_back(dotD(base.row(r), q.row(i), base.cols), std::int64_t(r));
        std::stable_sort(s.begin(), s.end(), [](auto& a, auto& b) { return a.first > b.first; });
        for (std::size_t r = 0; r < k && r < s.size(); ++r)
            out[i].push_back(s[r].second);
    }
    return out;
}

std::vector<std::vector<Hit>> run(const Matrix& base, const Matrix& q, ExactSearchOptions o, ExactPath path,
                                  ExactSearchStats* stats = nullptr) {
    o.path = path;
    o.stats = stats;
    return exactSearch(base, q, o);
}

// Screened hits equal the brute force row for row (same double scores, same tie rule), and the
// float path's hits wherever two rows' scores differ by more than float rounding.
void expectAgree(const Matrix& base, const Matrix& q, const ExactSearchOptions& o, const std::string& what,
                 std::size_t* candidates = nullptr) {
    ExactSearchStats stats;
    const auto fast = run(base, q, o, ExactPath::Int8, &stats);
    ASSERT_TRUE(stats.screened) << what << ": the screened path did not run";
    if (candidates) *candidates = stats.candidates;
    const auto slow = run(base, q, o, ExactPath::Float);
    const auto ref = brute(base, q, o.k, o.allow);
    ASSERT_EQ(fast.size(), q.rows);
    for (std::size_t i = 0; i < q.rows; ++i) {
        ASSERT_EQ(fast[i].size(), ref[i].size()) << what << " query " << i;
        ASSERT_EQ(slow[i].size(), ref[i].size()) << what << " query " << i;
        for (std::size_t r = 0; r < ref[i].size(); ++r) {
            EXPECT_EQ(fast[i][r].row, ref[i][r]) << what << " query " << i << " rank " << r;
            const double exact = dotD(base.row(std::size_t(fast[i][r].row)), q.row(i), q.cols);
            // The score is the double dot product (summed in another order) rounded to float.
            EXPECT_NEAR(fast[i][r].score, exact, 1.2e-7 * std::fabs(exact) + 1e-30)
                << what << " query " << i << " rank " << r;
            if (slow[i][r].row != fast[i][r].row) {
                // Only a tie within float rounding may order the float path differently.
                const double other = dotD(base.row(std::size_t(slow[i][r].row)), q.row(i), q.cols);
                double scale = 0;
                for (std::size_t j = 0; j < q.cols; ++j)
                    scale += std::fabs(double(q.row(i)[j])) *
                             std::max(std::fabs(double(base.row(std::size_t(slow[i][r].row))[j])),
                                      std::fabs(double(base.row(std::size_t(fast[i][r].row))[j])));
                EXPECT_LE(std::fabs(other - exact), 1e-5 * scale + 1e-30)
                    << what << " query " << i << " rank " << r << ": float path row " << slow[i][r].row
                    << ", screened row " << fast[i][r].row;
            }
        }
    }
}

ExactSearchOptions opts(std::size_t k, std::size_t chunk = 8192, std::size_t qBlock = 1024) {
    ExactSearchOptions o;
    o.k = k;
    o.baseChunk = chunk;
    o.queryBlock = qBlock;
    o.threads = 2;
    return o;
}

} // namespace

TEST(ExactScreened, RandomNormalisedRows) {
    REQUIRE_INT8();
    const Matrix base = gaussian(5000, 100, 1), q = gaussian(60, 100, 2);
    expectAgree(base, q, opts(10, 1024, 25), "random");
}

TEST(ExactScreened, DuplicatesAndNearTies) {
    REQUIRE_INT8();
    const std::size_t d = 48;
    const Matrix distinct = gaussian(150, d, 3);
    Matrix base(0, d);
    std::mt19937_64 rng(4);
    for (std::size_t i = 0; i < 1500; ++i) {
        Matrix one = distinct.gather({i % distinct.rows});
        if (i % 3 == 1) one.row(0)[i % d] = std::nextafter(one.row(0)[i % d], 1.0f); // one ulp away
        if (i % 7 == 2) one.row(0)[0] = std::nextafter(one.row(0)[0], -1.0f);
        base.append(one);
    }
    // Queries: base rows themselves (their duplicates tie exactly) and fresh ones.
    Matrix q = base.gather({0, 1, 2, 150, 151, 300, 777, 1499});
    q.append(gaussian(8, d, 5));
    expectAgree(base, q, opts(10, 256, 5), "duplicates");
    expectAgree(base, q, opts(100, 500, 16), "duplicates k=100");
}

// Residuals aligned with the query make the bound (1) of exact_int8.cpp tight: row A's int8 score
// is 0 but its residual carries its whole (winning) score, while k rows B have high int8 scores
// and residuals against the query. Any bound less than (1) (either term) drops row A.
TEST(ExactScreened, AlignedResidualsMakeTheBoundTight) {
    REQUIRE_INT8();
    const std::size_t d = 32, k = 5;
    const float s = 1.0f / 127.0f;
    // Base residuals: coordinate 0 (1 in every row) fixes the scale at 1/127, the query ignores it.
    Matrix base(0, d);
    auto addRow = [&](auto value) {
        Matrix r(1, d);
        r.row(0)[0] = 1.0f;
        for (std::size_t j = 1; j < d; ++j)
            r.row(0)[j] = value(j);
        base.append(r);
    };
    std::mt19937_64 rng(30);
    std::uniform_real_distribution<float> small(-0.3f, 0.3f);
    for (int i = 0; i < 50; ++i)
        addRow([&](std::size_t) { return small(rng) * s; }); // filler, int8 score 0
    for (std::size_t i = 0; i < k + 3; ++i) // B: code 1 on 20 coordinates, all residuals -0.45
        addRow([&](std::size_t j) { return ((j + i) % 31 < 20 ? 0.55f : -0.45f) * s; });
    addRow([&](std::size_t) { return 0.45f * s; }); // A: code 0, residuals +0.45 everywhere
    for (int i = 0; i < 50; ++i)
        addRow([&](std::size_t) { return small(rng) * s; });
    Matrix q(1, d);
    for (std::size_t j = 1; j < d; ++j)
        q.row(0)[j] = 1.0f;
    ASSERT_EQ(brute(base, q, k)[0][0], 58) << "the construction should make row A the best";
    expectAgree(base, q, opts(k, 16, 1), "aligned base residuals");

    // Query residuals: the query is 1 at coordinate 0 and +0.45/127 elsewhere (int8 codes 0), rows on the
    // grid.
    Matrix base2(0, d);
    for (int i = 0; i < 40; ++i) {
        Matrix r(1, d);
        r.row(0)[0] = 0.15f; // int8 score ~0.15, true score 0.15 - 31 * 0.45 / 127 = 0.04
        for (std::size_t j = 1; j < d; ++j)
            r.row(0)[j] = -1.0f;
        base2.append(r);
    }
    Matrix a(1, d); // int8 score 0, true score 31 * 0.45 / 127 = 0.11
    for (std::size_t j = 1; j < d; ++j)
        a.row(0)[j] = 1.0f;
    base2.append(a);
    Matrix q2(1, d);
    q2.row(0)[0] = 1.0f;
    for (std::size_t j = 1; j < d; ++j)
        q2.row(0)[j] = 0.45f * s;
    ASSERT_EQ(brute(base2, q2, k)[0][0], 40) << "the construction should make the last row the best";
    expectAgree(base2, q2, opts(k, 16, 1), "aligned query residuals");
}

TEST(ExactScreened, HugeCoordinateZeroRowsMixedMagnitudes) {
    REQUIRE_INT8();
    const std::size_t d = 37; // not a multiple of 4, 16 or 64
    Matrix base = gaussian(3000, d, 6, false);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<float> u(-3, 3);
    for (std::size_t i = 0; i < base.rows; ++i) {
        float* r = base.row(i);
        const float mag = std::pow(10.0f, u(rng));
        for (std::size_t j = 0; j < d; ++j)
            r[j] *= mag;
        if (i % 11 == 0) r[i % d] = 1e4f * mag; // one huge coordinate: a coarse int8 scale for the rest
        if (i % 13 == 0) std::fill(r, r + d, 0.0f);
    }
    Matrix q = gaussian(20, d, 8, false);
    q.row(3)[5] = 500.0f;
    std::fill(q.row(4), q.row(4) + d, 0.0f); // a zero query: every score ties at 0, lower rows win
    expectAgree(base, q, opts(10, 700, 6), "mixed magnitudes");
    expectAgree(base, q, opts(100, 3000, 20), "mixed magnitudes k=100");
}

TEST(ExactScreened, NegativeScoresEverywhere) {
    REQUIRE_INT8();
    const std::size_t d = 70;
    Matrix base = gaussian(2000, d, 9, false), q = gaussian(15, d, 10, false);
    for (auto& v : base.data)
        v = std::fabs(v) + 0.01f;
    for (auto& v : q.data)
        v = -std::fabs(v) - 0.01f;
    normalizeRows(base);
    expectAgree(base, q, opts(10, 512, 4), "negative scores");
    for (const auto& hits : run(base, q, opts(10), ExactPath::Int8))
        for (const auto& h : hits)
            EXPECT_LT(h.score, 0.0f);
}

TEST(ExactScreened, FewerRowsThanK) {
    REQUIRE_INT8();
    const Matrix base = gaussian(5, 19, 11), q = gaussian(4, 19, 12);
    expectAgree(base, q, opts(10), "n < k");
    EXPECT_EQ(run(base, q, opts(10), ExactPath::Int8)[0].size(), 5u);
}

TEST(ExactScreened, AllowMask) {
    REQUIRE_INT8();
    const Matrix base = gaussian(4000, 64, 13), q = gaussian(30, 64, 14);
    std::vector<std::uint8_t> allow(base.rows);
    std::mt19937_64 rng(15);
    for (auto& a : allow)
        a = rng() % 10 < 3;
    auto o = opts(10, 1000, 30);
    o.allow = &allow;
    expectAgree(base, q, o, "allow mask");
    for (const auto& hits : run(base, q, o, ExactPath::Int8))
        for (const auto& h : hits)
            EXPECT_TRUE(allow[std::size_t(h.row)]) << "row " << h.row;
    // Fewer allowed rows than k.
    std::fill(allow.begin(), allow.end(), 0);
    allow[17] = allow[3999] = 1;
    expectAgree(base, q, o, "allow 2 rows");
}

TEST(ExactScreened, PrunesOnNormalisedData) {
    REQUIRE_INT8();
    const Matrix base = gaussian(20000, 64, 16), q = gaussian(64, 64, 17);
    std::size_t candidates = 0;
    expectAgree(base, q, opts(10, 4096, 64), "pruning", &candidates);
    // Without pruning every query would rescore 20,000 rows.
    EXPECT_LT(candidates, q.rows * base.rows / 20)
        << candidates << " rows rescored for " << q.rows << " queries";
    EXPECT_GE(candidates, q.rows * 10);
}

TEST(ExactScreened, CompanionReuseAndAutoChoice) {
    REQUIRE_INT8();
    const Matrix base = gaussian(3000, 40, 18), q = gaussian(12, 40, 19);
    const QuantizedRows companion = quantizeRows(base);
    ASSERT_TRUE(companion.usable);
    auto o = opts(10, 1000, 12);
    ExactSearchStats stats;
    // Auto: few queries and no companion -> float path; with the companion -> screened.
    const auto plain = run(base, q, o, ExactPath::Auto, &stats);
    EXPECT_FALSE(stats.screened);
    o.quantized = &companion;
    const auto withCompanion = run(base, q, o, ExactPath::Auto, &stats);
    EXPECT_TRUE(stats.screened);
    EXPECT_EQ(stats.quantizeSeconds, 0.0);
    const auto ref = brute(base, q, 10);
    for (std::size_t i = 0; i < q.rows; ++i)
        for (std::size_t r = 0; r < 10; ++r)
            EXPECT_EQ(withCompanion[i][r].row, ref[i][r]);
    // Auto with enough queries quantises the base itself.
    o.quantized = nullptr;
    o.screenMinQueries = 4;
    run(base, q, o, ExactPath::Auto, &stats);
    EXPECT_TRUE(stats.screened);
    // A companion of another shape is refused.
    const QuantizedRows other = quantizeRows(q);
    o.quantized = &other;
    EXPECT_ANY_THROW(run(base, q, o, ExactPath::Auto));
}

TEST(ExactScreened, UnscreenableValuesFallBack) {
    REQUIRE_INT8();
    Matrix base = gaussian(500, 16, 20), q = gaussian(5, 16, 21);
    base.row(42)[3] = 1e20f; // beyond the screened path's range
    EXPECT_FALSE(quantizeRows(base).usable);
    ExactSearchStats stats;
    const auto hits = run(base, q, opts(10), ExactPath::Int8, &stats);
    EXPECT_FALSE(stats.screened);
    const auto ref = run(base, q, opts(10), ExactPath::Float);
    for (std::size_t i = 0; i < q.rows; ++i)
        for (std::size_t r = 0; r < 10; ++r)
            EXPECT_EQ(hits[i][r].row, ref[i][r].row);
}
