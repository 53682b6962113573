#pragma once
/// PCA projection for 2-D maps of embedding sets (100k points and more): randomized subspace
/// iteration on the centred data through sgemm, never forming the d x d covariance.

#include "core/search/matrix.h"

#include <cstdint>
#include <vector>

namespace synthembed::search {

struct Projection {
    Matrix points;                         ///< n x components
    std::vector<double> explainedVariance; ///< per component (variance along it)
    double totalVariance = 0;              ///< sum of the variances of all input dimensions
    Matrix components;                     ///< components x d (unit rows), to project new points
    std::vector<float> mean;               ///< d
};

/// Principal-component projection; deterministic for a seed (signs fixed: each component's
/// largest coordinate is positive).
Projection pca(const Matrix& x, int components = 2, int iterations = 12, std::uint64_t seed = 0);

/// Projects new rows with an existing projection (e.g. a query onto the map).
Matrix project(const Projection& p, const Matrix& x);

} // namespace synthembed::search
