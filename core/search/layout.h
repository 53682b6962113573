#pragma once
/// A UMAP-style 2-D layout of an embedding set (McInnes, Healy & Melville 2018, as umap-learn does
/// it): the k nearest neighbours of every point from the project's own index (exact search for small
/// sets, the HNSW VectorIndex for large ones), a fuzzy neighbour graph with UMAP's per-point rho/sigma
/// calibration and fuzzy-union symmetrisation, a PCA start, then stochastic gradient descent with
/// negative sampling on UMAP's cross-entropy. Multithreaded, and still deterministic for a seed
/// whatever the thread count: in each epoch a thread moves only its own points and reads the others'
/// positions as they were when the epoch began; every point draws its negative samples from its own
/// generator (seed, epoch, point).
///
/// Also: trustworthiness (Venna & Kaski 2001, computed as sklearn.manifold.trustworthiness does) with
/// exact neighbours, and a small on-disk cache of finished layouts keyed by the vectors and options.

#include "core/search/matrix.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::search {

/// Exact: every pair through sgemm (core/search/exact). Clustered: spherical k-means cells, then
/// exact search of each point among the cells of its `probes` nearest centroids (an IVF-flat
/// all-pairs search through the same exact kernel). Hnsw: the HNSW VectorIndex.
enum class KnnMethod { Auto, Exact, Clustered, Hnsw };

struct LayoutOptions {
    int neighbors = 15;         ///< umap-learn's n_neighbors (the point itself counts as the first)
    float minDist = 0.1f;       ///< umap-learn's min_dist
    float spread = 1.0f;        ///< umap-learn's spread
    int epochs = 0;             ///< 0: 500 up to 10,000 points, 200 above (umap-learn's default)
    int negativeRate = 5;       ///< negative samples per positive sample
    float learningRate = 1.0f;
    float repulsion = 1.0f;     ///< umap-learn's repulsion_strength (gamma)
    KnnMethod knn = KnnMethod::Auto;
    std::size_t exactUpTo = 20000; ///< Auto: exact neighbours up to this many points, Clustered above
    std::size_t cells = 0;      ///< Clustered: k-means cells (0: about sqrt(n))
    std::size_t probes = 5;     ///< Clustered: cells searched per point
    int kmeansIterations = 4;
    std::size_t hnswM = 16;
    std::size_t hnswEfConstruction = 64;
    std::size_t hnswEf = 48;
    std::uint64_t seed = 0;
    int threads = 0;            ///< 0 = hardware concurrency
};

/// The k nearest neighbours of every row, the row itself first: n x k indexes and Euclidean
/// distances between the unit-normalised rows (so neighbours by cosine).
struct KnnGraph {
    std::size_t n = 0, k = 0;
    std::vector<std::int32_t> index;
    std::vector<float> distance;
};

struct Layout {
    Matrix points;             ///< n x 2
    std::string knnMethod;     ///< "exact", "clustered" or "hnsw"
    double knnSeconds = 0, graphSeconds = 0, initSeconds = 0, optimizeSeconds = 0;
    std::size_t edges = 0;     ///< directed edges of the fuzzy graph after pruning
};

/// k-NN of the rows (normalised internally). Cancellable through hooks (error code "cancelled").
Result<KnnGraph> knnGraph(const Matrix& x, std::size_t k, const LayoutOptions& options = {}, const ProgressHooks& hooks = {});

/// The 2-D layout of the rows. Progress stages: "neighbours", "graph", "layout" (epochs done of
/// all). A stop request ends it with error code "cancelled". Fewer than 3 rows: error "usage".
Result<Layout> umapLayout(const Matrix& x, const LayoutOptions& options = {}, const ProgressHooks& hooks = {});

/// The curve 1 / (1 + a d^(2b)) that umap-learn fits to min_dist and spread (find_ab_params).
std::pair<double, double> fitAB(double spread, double minDist);

/// Trustworthiness at k of each embedding of x (Euclidean, exact ranks over all rows), as
/// sklearn.manifold.trustworthiness computes it; the original-space distances are computed once
/// for all embeddings. sampleQueries > 0 averages over that many rows drawn with `seed` (still
/// ranked among all rows) instead of every row.
std::vector<double> trustworthiness(const Matrix& x, const std::vector<const Matrix*>& embeddings, std::size_t k,
                                    std::size_t sampleQueries = 0, std::uint64_t seed = 0, int threads = 0,
                                    const ProgressHooks& hooks = {});

/// Finished layouts on disk, one file per (vectors, options): KEY.layout in `dir`.
std::filesystem::path defaultLayoutCacheDir(); ///< <data dir>/layout_cache, beside the embedding cache
/// A key over the vectors' values and the options that change the result (not the thread count).
std::string layoutCacheKey(const Matrix& x, const LayoutOptions& options);
/// The cached layout, or an empty matrix when there is none (or it does not have `rows` rows).
Matrix loadCachedLayout(const std::filesystem::path& dir, const std::string& key, std::size_t rows);
/// Writes the layout durably (temporary file, fsync, rename).
Status saveCachedLayout(const std::filesystem::path& dir, const std::string& key, const Matrix& points);

} // namespace synthembed::search
