#include "core/eval/learners.h"

#include "core/util/result.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <random>

namespace synthembed::eval {

namespace {

// Objective and gradient of multinomial logistic regression with L2 (sklearn's scaling:
// mean cross-entropy + ||W||^2 / (2 C n)). w: nClasses x (d+1), the last column the intercept.
// xd: the inputs as doubles (n x d); logits and probabilities through dgemm.
double lossAndGrad(const std::vector<double>& xd, std::size_t n, std::size_t d, const std::vector<int>& y, int nc,
                   double c, const std::vector<double>& w, std::vector<double>& g, std::vector<double>& z) {
    const std::size_t stride = d + 1;
    // z = X W^T + b  (n x nc)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), nc, int(d), 1.0, xd.data(), int(d), w.data(), int(stride),
                0.0, z.data(), nc);
    double loss = 0;
    std::vector<double> gb(nc, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double* zi = &z[i * nc];
        double mx = -std::numeric_limits<double>::infinity();
        for (int k = 0; k < nc; ++k) {
            zi[k] += w[k * stride + d];
            mx = std::max(mx, zi[k]);
        }
        double sum = 0;
        for (int k = 0; k < nc; ++k) sum += std::exp(zi[k] - mx);
        const double lz = mx + std::log(sum);
        loss += lz - zi[y[i]];
        for (int k = 0; k < nc; ++k) {
            zi[k] = std::exp(zi[k] - lz) - (k == y[i] ? 1.0 : 0.0); // dLoss/dlogit
            gb[k] += zi[k];
        }
    }
    // G = (P - Y)^T X  (nc x d), written into the strided gradient
    std::vector<double> gw(std::size_t(nc) * d);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nc, int(d), int(n), 1.0, z.data(), nc, xd.data(), int(d), 0.0,
                gw.data(), int(d));
    const double invN = 1.0 / double(n);
    double reg = 0;
    for (int k = 0; k < nc; ++k) {
        for (std::size_t j = 0; j < d; ++j) {
            const double wv = w[k * stride + j];
            reg += wv * wv;
            g[k * stride + j] = gw[k * d + j] * invN + wv / (c * double(n));
        }
        g[k * stride + d] = gb[k] * invN;
    }
    return loss * invN + reg / (2.0 * c * double(n));
}

double dotv(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

} // namespace

void LogisticRegression::fit(const Matrix& x, const std::vector<int>& labels, int nClasses,
                             const LogisticRegressionOptions& o) {
    if (x.rows != labels.size() || x.rows == 0) throw Failure("internal", "LogisticRegression::fit: bad shapes");
    m_classes = nClasses;
    m_dim = x.cols;
    const std::size_t nParams = std::size_t(nClasses) * (m_dim + 1);
    m_w.assign(nParams, 0.0);
    std::vector<double> g(nParams), gNew(nParams), wNew(nParams), dir(nParams);
    const std::vector<double> xd(x.data.begin(), x.data.end());
    std::vector<double> z(x.rows * std::size_t(nClasses));
    auto evaluate = [&](const std::vector<double>& w, std::vector<double>& grad) {
        return lossAndGrad(xd, x.rows, m_dim, labels, nClasses, o.c, w, grad, z);
    };
    double f = evaluate(m_w, g);
    std::deque<std::vector<double>> sHist, yHist;
    std::deque<double> rhoHist;
    m_iterations = 0;
    for (int it = 0; it < o.maxIterations; ++it) {
        double gmax = 0;
        for (double v : g) gmax = std::max(gmax, std::abs(v));
        if (gmax <= o.tolerance) break;
        // two-loop recursion
        std::vector<double> q = g;
        std::vector<double> alpha(sHist.size());
        for (int i = int(sHist.size()) - 1; i >= 0; --i) {
            alpha[i] = rhoHist[i] * dotv(sHist[i], q);
            for (std::size_t j = 0; j < nParams; ++j) q[j] -= alpha[i] * yHist[i][j];
        }
        double gamma = 1.0;
        if (!sHist.empty()) gamma = dotv(sHist.back(), yHist.back()) / dotv(yHist.back(), yHist.back());
        for (auto& v : q) v *= gamma;
        for (std::size_t i = 0; i < sHist.size(); ++i) {
            const double beta = rhoHist[i] * dotv(yHist[i], q);
            for (std::size_t j = 0; j < nParams; ++j) q[j] += sHist[i][j] * (alpha[i] - beta);
        }
        for (std::size_t j = 0; j < nParams; ++j) dir[j] = -q[j];
        double slope = dotv(g, dir);
        if (slope >= 0) { // not a descent direction: restart from steepest descent
            sHist.clear(); yHist.clear(); rhoHist.clear();
            for (std::size_t j = 0; j < nParams; ++j) dir[j] = -g[j];
            slope = dotv(g, dir);
        }
        double step = sHist.empty() ? std::min(1.0, 1.0 / std::sqrt(dotv(g, g))) : 1.0;
        double fNew = f;
        bool accepted = false;
        for (int ls = 0; ls < 50; ++ls) { // backtracking with the Armijo condition
            for (std::size_t j = 0; j < nParams; ++j) wNew[j] = m_w[j] + step * dir[j];
            fNew = evaluate(wNew, gNew);
            if (fNew <= f + 1e-4 * step * slope) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if (!accepted) break;
        std::vector<double> s(nParams), yv(nParams);
        for (std::size_t j = 0; j < nParams; ++j) {
            s[j] = wNew[j] - m_w[j];
            yv[j] = gNew[j] - g[j];
        }
        const double sy = dotv(s, yv);
        if (sy > 1e-10) {
            sHist.push_back(std::move(s));
            yHist.push_back(std::move(yv));
            rhoHist.push_back(1.0 / sy);
            if (int(sHist.size()) > o.memory) {
                sHist.pop_front(); yHist.pop_front(); rhoHist.pop_front();
            }
        }
        const double fOld = f;
        m_w.swap(wNew);
        g.swap(gNew);
        f = fNew;
        m_iterations = it + 1;
        if ((fOld - f) / std::max({std::abs(fOld), std::abs(f), 1.0}) <= 64 * std::numeric_limits<double>::epsilon())
            break;
    }
    m_objective = f;
}

std::vector<int> LogisticRegression::predict(const Matrix& x) const {
    if (x.cols != m_dim) throw Failure("dimension", "LogisticRegression::predict: dimension mismatch");
    std::vector<int> out(x.rows);
    const std::size_t stride = m_dim + 1;
    for (std::size_t i = 0; i < x.rows; ++i) {
        const float* xi = x.row(i);
        int best = 0;
        double bestScore = -std::numeric_limits<double>::infinity();
        for (int k = 0; k < m_classes; ++k) {
            const double* wk = &m_w[k * stride];
            double s = wk[m_dim];
            for (std::size_t j = 0; j < m_dim; ++j) s += wk[j] * xi[j];
            if (s > bestScore) {
                bestScore = s;
                best = k;
            }
        }
        out[i] = best;
    }
    return out;
}

namespace {
double sqDist(const float* a, const float* b, std::size_t d) {
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
        const double t = double(a[j]) - b[j];
        s += t * t;
    }
    return s;
}
std::pair<int, double> nearest(const Matrix& centres, const float* x) {
    int best = 0;
    double bd = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < centres.rows; ++c) {
        const double dd = sqDist(centres.row(c), x, centres.cols);
        if (dd < bd) {
            bd = dd;
            best = int(c);
        }
    }
    return {best, bd};
}
} // namespace

std::vector<int> miniBatchKMeans(const Matrix& x, const KMeansOptions& o) {
    const std::size_t n = x.rows, d = x.cols;
    if (n == 0) return {};
    const int k = std::max(1, std::min<int>(o.k, int(n)));
    std::mt19937_64 rng(o.seed);
    // k-means++ on an initial subset of 3 * batch (at least 3k) points, like sklearn's init_size
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t initSize = std::min(n, std::max<std::size_t>(3 * o.batchSize, 3 * std::size_t(k)));
    Matrix centres(k, d);
    std::vector<double> minD(initSize, std::numeric_limits<double>::infinity());
    std::size_t first = order[std::uniform_int_distribution<std::size_t>(0, initSize - 1)(rng)];
    std::copy(x.row(first), x.row(first) + d, centres.row(0));
    for (int c = 1; c < k; ++c) {
        double total = 0;
        for (std::size_t i = 0; i < initSize; ++i) {
            minD[i] = std::min(minD[i], sqDist(x.row(order[i]), centres.row(c - 1), d));
            total += minD[i];
        }
        std::size_t pick = 0;
        if (total > 0) {
            double r = std::uniform_real_distribution<double>(0, total)(rng);
            for (; pick + 1 < initSize; ++pick) {
                r -= minD[pick];
                if (r <= 0) break;
            }
        } else {
            pick = std::size_t(c) % initSize;
        }
        std::copy(x.row(order[pick]), x.row(order[pick]) + d, centres.row(c));
    }
    std::vector<double> counts(k, 0.0);
    const std::size_t batch = std::min(n, o.batchSize);
    const std::size_t stepsPerEpoch = (n + batch - 1) / batch;
    const std::size_t maxSteps = std::size_t(o.maxEpochs) * stepsPerEpoch;
    double ewa = -1, bestEwa = std::numeric_limits<double>::infinity();
    int noImprovement = 0;
    std::uniform_int_distribution<std::size_t> pickRow(0, n - 1);
    std::vector<std::size_t> idx(batch);
    std::vector<int> assign(batch);
    for (std::size_t step = 0; step < maxSteps; ++step) {
        double inertia = 0;
        for (std::size_t b = 0; b < batch; ++b) {
            idx[b] = pickRow(rng);
            auto [c, dd] = nearest(centres, x.row(idx[b]));
            assign[b] = c;
            inertia += dd;
        }
        for (std::size_t b = 0; b < batch; ++b) {
            const int c = assign[b];
            counts[c] += 1;
            const double eta = 1.0 / counts[c];
            float* cc = centres.row(c);
            const float* xr = x.row(idx[b]);
            for (std::size_t j = 0; j < d; ++j) cc[j] += float(eta * (double(xr[j]) - cc[j]));
        }
        inertia /= double(batch);
        const double alpha = std::min(1.0, 2.0 * double(batch) / double(n + 1));
        ewa = ewa < 0 ? inertia : ewa * (1 - alpha) + inertia * alpha;
        if (ewa < bestEwa) {
            bestEwa = ewa;
            noImprovement = 0;
        } else if (++noImprovement >= o.maxNoImprovement) {
            break;
        }
    }
    std::vector<int> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = nearest(centres, x.row(i)).first;
    return out;
}

} // namespace synthembed::eval
