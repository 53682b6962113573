#include "core/search/projection.h"

#include "core/util/result.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace synthembed::search {

namespace {

// Orthonormalises the columns of q (d x b, row-major) with Gram-Schmidt in double, two passes
// ("twice is enough"). A column that is numerically inside the span of the previous ones (the
// data has fewer directions than b) is replaced by a basis vector and orthogonalised again.
void orthonormalize(std::vector<float>& qf, std::size_t d, std::size_t b) {
    std::vector<double> q(qf.begin(), qf.end());
    auto column = [&](std::size_t j, double* out) {
        for (std::size_t r = 0; r < d; ++r) out[r] = q[r * b + j];
    };
    std::vector<double> v(d), u(d);
    for (std::size_t j = 0; j < b; ++j) {
        column(j, v.data());
        double before = 0;
        for (double x : v) before += x * x;
        for (int attempt = 0; attempt <= int(d); ++attempt) {
            for (int pass = 0; pass < 2; ++pass)
                for (std::size_t i = 0; i < j; ++i) {
                    column(i, u.data());
                    double dp = 0;
                    for (std::size_t r = 0; r < d; ++r) dp += u[r] * v[r];
                    for (std::size_t r = 0; r < d; ++r) v[r] -= dp * u[r];
                }
            double nrm = 0;
            for (double x : v) nrm += x * x;
            if (nrm > 1e-20 * std::max(before, 1e-300) && nrm > 0) {
                nrm = std::sqrt(nrm);
                for (std::size_t r = 0; r < d; ++r) q[r * b + j] = v[r] / nrm;
                break;
            }
            std::fill(v.begin(), v.end(), 0.0);
            v[(j + std::size_t(attempt)) % d] = 1.0;
            before = 1.0;
        }
    }
    for (std::size_t i = 0; i < q.size(); ++i) qf[i] = float(q[i]);
}

// Eigen-decomposition of a small symmetric matrix (cyclic Jacobi); returns eigenvalues and
// eigenvectors as columns of v.
void jacobi(std::vector<double> a, std::size_t n, std::vector<double>& evals, std::vector<double>& v) {
    v.assign(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = i + 1; j < n; ++j) off += a[i * n + j] * a[i * n + j];
        if (off < 1e-22) break;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) {
                if (std::abs(a[p * n + q]) < 1e-300) continue;
                const double theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q]);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (std::size_t k = 0; k < n; ++k) {
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    evals.resize(n);
    for (std::size_t i = 0; i < n; ++i) evals[i] = a[i * n + i];
}

} // namespace

Projection pca(const Matrix& x, int components, int iterations, std::uint64_t seed) {
    Projection p;
    const std::size_t n = x.rows, d = x.cols;
    if (n == 0 || d == 0) return p;
    const std::size_t c = std::min<std::size_t>(std::size_t(std::max(1, components)), d);
    const std::size_t b = std::min<std::size_t>(d, c + 8); // oversampling
    p.mean.assign(d, 0.0f);
    std::vector<double> meanD(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) meanD[j] += x.row(i)[j];
    for (std::size_t j = 0; j < d; ++j) p.mean[j] = float(meanD[j] / double(n));
    Matrix xc = x;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) xc.row(i)[j] -= p.mean[j];
    for (float v : xc.data) p.totalVariance += double(v) * v;
    p.totalVariance /= double(std::max<std::size_t>(1, n - 1));

    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss;
    std::vector<float> q(d * b), z(n * b);
    for (auto& v : q) v = gauss(rng);
    orthonormalize(q, d, b);
    const int N = int(n), D = int(d), B = int(b);
    for (int it = 0; it < iterations; ++it) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, B, D, 1.0f, xc.data.data(), D, q.data(), B, 0.0f, z.data(), B);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, B, N, 1.0f, xc.data.data(), D, z.data(), B, 0.0f, q.data(), B);
        orthonormalize(q, d, b);
    }
    // Rayleigh-Ritz: small = (Xc Q)^T (Xc Q) / (n - 1)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, B, D, 1.0f, xc.data.data(), D, q.data(), B, 0.0f, z.data(), B);
    std::vector<double> small(b * b, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t a = 0; a < b; ++a)
            for (std::size_t e = a; e < b; ++e) small[a * b + e] += double(z[i * b + a]) * z[i * b + e];
    for (std::size_t a = 0; a < b; ++a)
        for (std::size_t e = a; e < b; ++e) {
            small[a * b + e] /= double(std::max<std::size_t>(1, n - 1));
            small[e * b + a] = small[a * b + e];
        }
    std::vector<double> evals, evecs;
    jacobi(small, b, evals, evecs);
    std::vector<std::size_t> order(b);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return evals[i] > evals[j]; });
    p.components = Matrix(c, d);
    for (std::size_t k = 0; k < c; ++k) {
        const std::size_t col = order[k];
        p.explainedVariance.push_back(evals[col]);
        float* comp = p.components.row(k);
        for (std::size_t r = 0; r < d; ++r) {
            double s = 0;
            for (std::size_t a = 0; a < b; ++a) s += double(q[r * b + a]) * evecs[a * b + col];
            comp[r] = float(s);
        }
        std::size_t arg = 0;
        for (std::size_t r = 1; r < d; ++r)
            if (std::abs(comp[r]) > std::abs(comp[arg])) arg = r;
        if (comp[arg] < 0)
            for (std::size_t r = 0; r < d; ++r) comp[r] = -comp[r];
    }
    p.points = Matrix(n, c);
    gemmABt(xc.data.data(), n, p.components.data.data(), c, d, p.points.data.data());
    return p;
}

Matrix project(const Projection& p, const Matrix& x) {
    if (x.cols != p.mean.size()) throw Failure("index", "project: dimension differs from the projection's");
    Matrix xc = x;
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) xc.row(i)[j] -= p.mean[j];
    Matrix out(x.rows, p.components.rows);
    gemmABt(xc.data.data(), x.rows, p.components.data.data(), p.components.rows, x.cols, out.data.data());
    return out;
}

} // namespace synthembed::search
