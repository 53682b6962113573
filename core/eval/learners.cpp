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

// numpy's pairwise summation of a contiguous float32 array (np.sum): 8 partial sums over blocks of
// up to 128, halves above that.
float pairwiseSum(const float* a, std::size_t n) {
    if (n < 8) {
        float r = 0.0f;
        for (std::size_t i = 0; i < n; ++i) r += a[i];
        return r;
    }
    if (n <= 128) {
        float r[8];
        for (int j = 0; j < 8; ++j) r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; ++j) r[j] += a[i + j];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSum(a, n2) + pairwiseSum(a + n2, n - n2);
}

// Objective and gradient of multinomial logistic regression with L2, computed the way
// scikit-learn's LinearModelLoss / HalfMultinomialLoss do for float32 inputs (mteb's embeddings):
// the weights cast to float32, logits and the per-sample losses and gradients in float32 (sgemm,
// then max / sum of exps in double, stored as float), the mean loss as numpy's float32 pairwise
// sum divided by n, the gradient (P - Y) / n in float32 through sgemm; the L2 term
// ||W||^2 / (2 C n) and its gradient in double. w: nClasses x (d+1), the last column the intercept.
struct LossBuffers {
    std::vector<float> w32, b32, raw, gp, lossOut, gx, p;
};
double lossAndGrad(const Matrix& x, const std::vector<int>& y, int nc, double c, const std::vector<double>& w,
                   std::vector<double>& g, LossBuffers& b) {
    const std::size_t n = x.rows, d = x.cols, stride = d + 1;
    b.w32.resize(std::size_t(nc) * d);
    b.b32.resize(nc);
    b.raw.resize(n * nc);
    b.gp.resize(n * nc);
    b.lossOut.resize(n);
    b.gx.resize(std::size_t(nc) * d);
    b.p.resize(nc);
    for (int k = 0; k < nc; ++k) {
        for (std::size_t j = 0; j < d; ++j) b.w32[k * d + j] = float(w[k * stride + j]);
        b.b32[k] = float(w[k * stride + d]);
    }
    // raw = X W^T + b  (n x nc), float32
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), nc, int(d), 1.0f, x.data.data(), int(d), b.w32.data(),
                int(d), 0.0f, b.raw.data(), nc);
    for (std::size_t i = 0; i < n; ++i)
        for (int k = 0; k < nc; ++k) b.raw[i * nc + k] = b.raw[i * nc + k] + b.b32[k];
    for (std::size_t i = 0; i < n; ++i) {
        const float* ri = &b.raw[i * nc];
        double mx = ri[0];
        for (int k = 1; k < nc; ++k)
            if (mx < ri[k]) mx = ri[k];
        double se = 0;
        for (int k = 0; k < nc; ++k) {
            b.p[k] = float(std::exp(double(ri[k]) - mx));
            se += b.p[k];
        }
        const float maxValue = float(mx), sumExps = float(se);
        float lo = float(std::log(double(sumExps)) + double(maxValue));
        for (int k = 0; k < nc; ++k) {
            if (y[i] == k) lo -= ri[k];
            b.p[k] /= sumExps;
            b.gp[i * nc + k] = b.p[k] - (y[i] == k ? 1.0f : 0.0f);
        }
        b.lossOut[i] = lo;
    }
    const float sw = float(n);
    double loss = double(pairwiseSum(b.lossOut.data(), n) / sw);
    for (auto& v : b.gp) v /= sw;
    // (P - Y)^T X / n  (nc x d), float32
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nc, int(d), int(n), 1.0f, b.gp.data(), nc, x.data.data(), int(d),
                0.0f, b.gx.data(), int(d));
    const double l2 = 1.0 / (c * double(n));
    double reg = 0;
    for (int k = 0; k < nc; ++k) {
        float gb = b.gp[k];
        for (std::size_t i = 1; i < n; ++i) gb += b.gp[i * nc + k]; // np.sum(axis=0): row after row
        for (std::size_t j = 0; j < d; ++j) {
            const double wv = w[k * stride + j];
            reg += wv * wv;
            g[k * stride + j] = double(b.gx[k * d + j]) + l2 * wv;
        }
        g[k * stride + d] = double(gb);
    }
    return loss + 0.5 * l2 * reg;
}

double dotv(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// MINPACK-2's dcstep (Moré and Thuente), as L-BFGS-B (scipy's optimizer for scikit-learn's lbfgs
// solver) uses it: a safeguarded step inside the interval of uncertainty.
void dcstep(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy, double& stp, double fp, double dp,
            bool& brackt, double stpmin, double stpmax) {
    const double sgnd = dp * (dx / std::abs(dx));
    double stpf;
    if (fp > fx) {
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
        if (stp < stx) gamma = -gamma;
        const double p = (gamma - dx) + theta;
        const double q = ((gamma - dx) + gamma) + dp;
        const double r = p / q;
        const double stpc = stx + r * (stp - stx);
        const double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        stpf = std::abs(stpc - stx) < std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
        brackt = true;
    } else if (sgnd < 0.0) {
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
        if (stp > stx) gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = ((gamma - dp) + gamma) + dx;
        const double r = p / q;
        const double stpc = stp + r * (stx - stp);
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
        brackt = true;
    } else if (std::abs(dp) < std::abs(dx)) {
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx) gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = (gamma + (dx - dp)) + gamma;
        const double r = p / q;
        double stpc;
        if (r < 0.0 && gamma != 0.0) stpc = stp + r * (stx - stp);
        else if (stp > stx) stpc = stpmax;
        else stpc = stpmin;
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if (brackt) {
            stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
            if (stp > stx) stpf = std::min(stp + 0.66 * (sty - stp), stpf);
            else stpf = std::max(stp + 0.66 * (sty - stp), stpf);
        } else {
            stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
            stpf = std::min(stpmax, stpf);
            stpf = std::max(stpmin, stpf);
        }
    } else {
        if (brackt) {
            const double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
            const double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
            double gamma = s * std::sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
            if (stp > sty) gamma = -gamma;
            const double p = (gamma - dp) + theta;
            const double q = ((gamma - dp) + gamma) + dy;
            const double r = p / q;
            stpf = stp + r * (sty - stp);
        } else if (stp > stx) {
            stpf = stpmax;
        } else {
            stpf = stpmin;
        }
    }
    if (fp > fx) {
        sty = stp;
        fy = fp;
        dy = dp;
    } else {
        if (sgnd < 0.0) {
            sty = stx;
            fy = fx;
            dy = dx;
        }
        stx = stp;
        fx = fp;
        dx = dp;
    }
    stp = stpf;
}

// MINPACK-2's dcsrch: a line search for a step satisfying the strong Wolfe conditions (ftol 1e-3,
// gtol 0.9, xtol 0.1: L-BFGS-B's settings). Call start() with f(0), f'(0) and the first step, then
// next() with f and f' at each trial step; it returns Fg for another evaluation at `stp`, or the
// outcome (a converged step or a warning, both ending the search at the current step).
class MoreThuente {
public:
    enum class Task { Fg, Converged, Warning };
    double stp = 0;
    MoreThuente(double stpmin, double stpmax) : m_stpmin(stpmin), m_stpmax(stpmax) {}
    void start(double f, double g, double step) {
        stp = step;
        m_brackt = false;
        m_stage = 1;
        m_finit = f;
        m_ginit = g;
        m_gtest = kFtol * m_ginit;
        m_width = m_stpmax - m_stpmin;
        m_width1 = m_width / 0.5;
        m_stx = 0;
        m_fx = m_finit;
        m_gx = m_ginit;
        m_sty = 0;
        m_fy = m_finit;
        m_gy = m_ginit;
        m_stmin = 0;
        m_stmax = stp + 4.0 * stp;
    }
    Task next(double f, double g) {
        const double ftest = m_finit + stp * m_gtest;
        if (m_stage == 1 && f <= ftest && g >= 0) m_stage = 2;
        bool warn = false;
        if (m_brackt && (stp <= m_stmin || stp >= m_stmax)) warn = true;
        if (m_brackt && m_stmax - m_stmin <= kXtol * m_stmax) warn = true;
        if (stp == m_stpmax && f <= ftest && g <= m_gtest) warn = true;
        if (stp == m_stpmin && (f > ftest || g >= m_gtest)) warn = true;
        if (f <= ftest && std::abs(g) <= kGtol * (-m_ginit)) return Task::Converged;
        if (warn) return Task::Warning;
        if (m_stage == 1 && f <= m_fx && f > ftest) {
            double fm = f - stp * m_gtest, fxm = m_fx - m_stx * m_gtest, fym = m_fy - m_sty * m_gtest;
            double gm = g - m_gtest, gxm = m_gx - m_gtest, gym = m_gy - m_gtest;
            dcstep(m_stx, fxm, gxm, m_sty, fym, gym, stp, fm, gm, m_brackt, m_stmin, m_stmax);
            m_fx = fxm + m_stx * m_gtest;
            m_fy = fym + m_sty * m_gtest;
            m_gx = gxm + m_gtest;
            m_gy = gym + m_gtest;
        } else {
            dcstep(m_stx, m_fx, m_gx, m_sty, m_fy, m_gy, stp, f, g, m_brackt, m_stmin, m_stmax);
        }
        if (m_brackt) {
            if (std::abs(m_sty - m_stx) >= 0.66 * m_width1) stp = m_stx + 0.5 * (m_sty - m_stx);
            m_width1 = m_width;
            m_width = std::abs(m_sty - m_stx);
            m_stmin = std::min(m_stx, m_sty);
            m_stmax = std::max(m_stx, m_sty);
        } else {
            m_stmin = stp + 1.1 * (stp - m_stx);
            m_stmax = stp + 4.0 * (stp - m_stx);
        }
        stp = std::max(stp, m_stpmin);
        stp = std::min(stp, m_stpmax);
        if ((m_brackt && (stp <= m_stmin || stp >= m_stmax)) || (m_brackt && m_stmax - m_stmin <= kXtol * m_stmax))
            stp = m_stx;
        return Task::Fg;
    }

private:
    static constexpr double kFtol = 1e-3, kGtol = 0.9, kXtol = 0.1;
    double m_stpmin, m_stpmax;
    bool m_brackt = false;
    int m_stage = 1;
    double m_finit = 0, m_ginit = 0, m_gtest = 0, m_width = 0, m_width1 = 0;
    double m_stx = 0, m_fx = 0, m_gx = 0, m_sty = 0, m_fy = 0, m_gy = 0, m_stmin = 0, m_stmax = 0;
};

} // namespace

// L-BFGS-B without bounds, step for step as scipy.optimize.minimize(method="L-BFGS-B") runs it
// for scikit-learn's LogisticRegression (maxiter = max_iter, maxls 50, gtol = tol, ftol = 64 eps,
// 10 correction pairs), so that a fit stopped after 100 iterations stops at the same weights:
// - the first direction is -g with the step 1/||g||, later ones -H g with H the limited-memory
//   inverse Hessian (H0 = s'y / y'y of the newest pair), the step 1 tried first;
// - Moré-Thuente line search (strong Wolfe, ftol 1e-3, gtol 0.9); after 50 trials or a failed
//   search the memory is dropped and the search restarts from -g (it stops when that fails too);
// - a pair is kept only when s'y > eps * (-g'd) * step;
// - it stops when max |g| <= tol, when (f_old - f) / max(|f_old|, |f|, 1) <= 64 eps, or after
//   maxIterations accepted steps.
void LogisticRegression::fit(const Matrix& x, const std::vector<int>& labels, int nClasses,
                             const LogisticRegressionOptions& o) {
    if (x.rows != labels.size() || x.rows == 0) throw Failure("internal", "LogisticRegression::fit: bad shapes");
    m_classes = nClasses;
    m_dim = x.cols;
    const std::size_t nParams = std::size_t(nClasses) * (m_dim + 1);
    m_w.assign(nParams, 0.0);
    std::vector<double> g(nParams), gOld(nParams), wOld(nParams), dir(nParams);
    LossBuffers buffers;
    auto evaluate = [&](const std::vector<double>& w, std::vector<double>& grad) {
        return lossAndGrad(x, labels, nClasses, o.c, w, grad, buffers);
    };
    constexpr double kEps = std::numeric_limits<double>::epsilon();
    constexpr double kStepMax = 1e10; // L-BFGS-B's "big" for a problem without bounds
    constexpr int kMaxLineSearch = 50;
    auto gmaxOf = [](const std::vector<double>& v) {
        double m = 0;
        for (double e : v) m = std::max(m, std::abs(e));
        return m;
    };
    double f = evaluate(m_w, g);
    m_iterations = 0;
    m_objective = f;
    if (gmaxOf(g) <= o.tolerance) return;
    std::deque<std::vector<double>> sHist, yHist;
    std::deque<double> rhoHist;
    double theta = 1.0; // y'y / s'y of the newest pair
    while (true) {
        // direction: -g without memory, else the two-loop recursion with H0 = 1 / theta
        std::vector<double> q = g;
        std::vector<double> alpha(sHist.size());
        for (int i = int(sHist.size()) - 1; i >= 0; --i) {
            alpha[i] = rhoHist[i] * dotv(sHist[i], q);
            for (std::size_t j = 0; j < nParams; ++j) q[j] -= alpha[i] * yHist[i][j];
        }
        const double h0 = sHist.empty() ? 1.0 : 1.0 / theta;
        for (auto& v : q) v *= h0;
        for (std::size_t i = 0; i < sHist.size(); ++i) {
            const double beta = rhoHist[i] * dotv(yHist[i], q);
            for (std::size_t j = 0; j < nParams; ++j) q[j] += sHist[i][j] * (alpha[i] - beta);
        }
        for (std::size_t j = 0; j < nParams; ++j) dir[j] = -q[j];
        // line search from (w, f, g) along dir
        const double dnorm = std::sqrt(dotv(dir, dir));
        double step = m_iterations == 0 ? std::min(1.0 / dnorm, kStepMax) : 1.0;
        wOld = m_w;
        gOld = g;
        const double fOld = f;
        const double gdOld = dotv(g, dir);
        bool failed = gdOld >= 0;
        double gd = gdOld;
        if (!failed) {
            MoreThuente ls(0.0, kStepMax);
            ls.start(f, gdOld, step);
            for (int trial = 0;; ++trial) {
                if (trial >= kMaxLineSearch) {
                    failed = true;
                    break;
                }
                step = ls.stp;
                for (std::size_t j = 0; j < nParams; ++j) m_w[j] = wOld[j] + step * dir[j];
                f = evaluate(m_w, g);
                gd = dotv(g, dir);
                if (ls.next(f, gd) != MoreThuente::Task::Fg) break;
            }
        }
        if (failed) {
            m_w = wOld;
            g = gOld;
            f = fOld;
            if (sHist.empty()) break; // no progress from steepest descent either
            sHist.clear();
            yHist.clear();
            rhoHist.clear();
            theta = 1.0;
            continue;
        }
        ++m_iterations;
        if (m_iterations >= o.maxIterations) break;
        if (gmaxOf(g) <= o.tolerance) break;
        if (fOld - f <= 64 * kEps * std::max({std::abs(fOld), std::abs(f), 1.0})) break;
        std::vector<double> s(nParams), yv(nParams);
        for (std::size_t j = 0; j < nParams; ++j) {
            s[j] = step * dir[j];
            yv[j] = g[j] - gOld[j];
        }
        const double sy = (gd - gdOld) * step;
        if (sy <= kEps * (-gdOld * step)) continue; // skip the update, keep the memory
        theta = dotv(yv, yv) / sy;
        sHist.push_back(std::move(s));
        yHist.push_back(std::move(yv));
        rhoHist.push_back(1.0 / sy);
        if (int(sHist.size()) > o.memory) {
            sHist.pop_front();
            yHist.pop_front();
            rhoHist.pop_front();
        }
    }
    m_objective = f;
}

std::vector<int> LogisticRegression::predict(const Matrix& x) const {
    if (x.cols != m_dim) throw Failure("index", "LogisticRegression::predict: dimension mismatch");
    // scikit-learn keeps coef_ / intercept_ in the inputs' float32 and predicts with float32 BLAS
    // (X coef_^T + intercept_, the first largest class).
    const std::size_t stride = m_dim + 1, nc = std::size_t(m_classes);
    std::vector<float> w32(nc * m_dim), b32(nc), z(x.rows * nc);
    for (std::size_t k = 0; k < nc; ++k) {
        for (std::size_t j = 0; j < m_dim; ++j) w32[k * m_dim + j] = float(m_w[k * stride + j]);
        b32[k] = float(m_w[k * stride + m_dim]);
    }
    std::vector<int> out(x.rows);
    if (x.rows == 0) return out;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(x.rows), int(nc), int(m_dim), 1.0f, x.data.data(),
                int(m_dim), w32.data(), int(m_dim), 0.0f, z.data(), int(nc));
    for (std::size_t i = 0; i < x.rows; ++i) {
        int best = 0;
        float bestScore = -std::numeric_limits<float>::infinity();
        for (std::size_t k = 0; k < nc; ++k) {
            const float s = z[i * nc + k] + b32[k];
            if (s > bestScore) {
                bestScore = s;
                best = int(k);
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
    // Greedy k-means++ like scikit-learn's: each new centre is the best (lowest potential) of
    // 2 + ln(k) candidates drawn with probability proportional to the squared distance.
    Matrix centres(k, d);
    std::vector<double> minD(initSize), candD(initSize), bestD(initSize);
    const int localTrials = 2 + int(std::log(double(k)));
    std::size_t first = order[std::uniform_int_distribution<std::size_t>(0, initSize - 1)(rng)];
    std::copy(x.row(first), x.row(first) + d, centres.row(0));
    double potential = 0;
    for (std::size_t i = 0; i < initSize; ++i) potential += (minD[i] = sqDist(x.row(order[i]), centres.row(0), d));
    for (int c = 1; c < k; ++c) {
        std::size_t bestPick = std::size_t(c) % initSize;
        double bestPotential = std::numeric_limits<double>::infinity();
        for (int t = 0; t < localTrials; ++t) {
            std::size_t pick = std::size_t(c + t) % initSize;
            if (potential > 0) {
                double r = std::uniform_real_distribution<double>(0, potential)(rng);
                for (pick = 0; pick + 1 < initSize; ++pick) {
                    r -= minD[pick];
                    if (r <= 0) break;
                }
            }
            double pot = 0;
            for (std::size_t i = 0; i < initSize; ++i)
                pot += (candD[i] = std::min(minD[i], sqDist(x.row(order[i]), x.row(order[pick]), d)));
            if (pot < bestPotential) {
                bestPotential = pot;
                bestPick = pick;
                bestD.swap(candD);
            }
        }
        std::copy(x.row(order[bestPick]), x.row(order[bestPick]) + d, centres.row(c));
        minD.swap(bestD);
        potential = bestPotential;
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
