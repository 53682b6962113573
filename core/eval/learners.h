#pragma once
/// The two small learners MTEB's protocol needs, in plain C++: multinomial logistic regression
/// (scikit-learn's LogisticRegression defaults: L2 with C = 1, L-BFGS-B, max 100 iterations, with
/// scikit-learn's float32 arithmetic for float32 inputs, so fits stop where mteb's do) and
/// mini-batch k-means (k-means++ initialisation, per-centre learning rates).

#include "core/search/matrix.h"

#include <cstdint>
#include <vector>

namespace synthembed::eval {

struct LogisticRegressionOptions {
    double c = 1.0;          ///< inverse L2 strength (sklearn C); the intercept is not penalised
    int maxIterations = 100; ///< L-BFGS iterations (sklearn max_iter)
    double tolerance = 1e-4; ///< stop when the largest gradient component is below this (sklearn tol)
    int memory = 10;         ///< L-BFGS history (scipy's default m)
};

class LogisticRegression {
public:
    /// labels in [0, nClasses).
    void fit(const Matrix& x, const std::vector<int>& labels, int nClasses, const LogisticRegressionOptions& options = {});
    std::vector<int> predict(const Matrix& x) const;
    int iterations() const { return m_iterations; }
    /// nClasses x (dim + 1) row-major, the last column the intercept.
    const std::vector<double>& weights() const { return m_w; }
    /// The training objective at the solution (mean cross-entropy + L2 term / n).
    double objective() const { return m_objective; }

private:
    int m_classes = 0;
    std::size_t m_dim = 0;
    std::vector<double> m_w; ///< nClasses x (dim + 1), last column the intercept
    int m_iterations = 0;
    double m_objective = 0;
};

struct KMeansOptions {
    int k = 8;
    std::size_t batchSize = 500; ///< sklearn MiniBatchKMeans default for MTEB
    int maxEpochs = 100;
    int maxNoImprovement = 10;
    std::uint64_t seed = 42;
};

/// Mini-batch k-means; returns the cluster of each row (nearest final centre).
std::vector<int> miniBatchKMeans(const Matrix& x, const KMeansOptions& options);

} // namespace synthembed::eval
