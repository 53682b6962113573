// The Explorer's UMAP-style layout (core/search/layout) against umap-learn on the same points.
// Driven by run_layout_bench.sh, which runs the three steps:
//
//   bench_layout data  --out X.f32 [--n 100000] [--d 384] [--seed 1]
//       writes clustered test data: a two-level Gaussian mixture (topics of sub-topics, each with
//       its own 12-dimensional spread plus isotropic noise, cluster sizes falling off like 1/rank^0.7),
//       rows normalised, as raw float32 (n x d, row-major).
//   (umap_learn_layout.py X.f32 n d UMAP.f32 runs umap-learn and writes its 2-D points)
//   bench_layout run --data X.f32 --n N --d D [--umap UMAP.f32] [--k 10] [--trust-sample 0]
//                    [--subset-out SUB.json]
//       times our layout, then computes trustworthiness@k of ours, umap-learn's and PCA's with exact
//       neighbours in one pass (every row unless --trust-sample), and prints one JSON line.
//       --probes P, --kmeans-iters I, --epochs E, --threads T, --seed S: layout options.
//       --subset-check M: also the trustworthiness of umap-learn's points on the first M rows alone
//       (for the cross-check against sklearn.manifold.trustworthiness in the script).

#include "core/search/layout.h"
#include "core/search/projection.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>

using namespace synthembed;
using Clock = std::chrono::steady_clock;

namespace {

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 2; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return fallback;
}

Matrix clusteredData(std::size_t n, std::size_t d, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g;
    const std::size_t topics = 50, subs = 4, rank = 12;
    const std::size_t clusters = topics * subs;
    const float s = 1.0f / std::sqrt(float(d));
    Matrix topic(topics, d), centre(clusters, d);
    for (auto& v : topic.data) v = g(rng) * s;
    for (std::size_t c = 0; c < clusters; ++c)
        for (std::size_t j = 0; j < d; ++j) centre.row(c)[j] = topic.row(c / subs)[j] + 0.55f * g(rng) * s;
    std::vector<Matrix> basis(clusters, Matrix(rank, d));
    for (auto& b : basis)
        for (auto& v : b.data) v = 0.30f * g(rng) * s;
    std::vector<double> weight(clusters);
    for (std::size_t c = 0; c < clusters; ++c) weight[c] = 1.0 / std::pow(double(c + 1), 0.7);
    std::discrete_distribution<std::size_t> pick(weight.begin(), weight.end());
    Matrix x(n, d);
    std::vector<float> z(rank);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = pick(rng);
        for (auto& v : z) v = g(rng);
        float* row = x.row(i);
        for (std::size_t j = 0; j < d; ++j) row[j] = centre.row(c)[j] + 0.25f * g(rng) * s;
        for (std::size_t r = 0; r < rank; ++r)
            for (std::size_t j = 0; j < d; ++j) row[j] += z[r] * basis[c].row(r)[j];
    }
    normalizeRows(x);
    return x;
}

Matrix readF32(const std::string& path, std::size_t n, std::size_t d) {
    Matrix m(n, d);
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(m.data.data()), std::streamsize(m.data.size() * sizeof(float)));
    if (!in) {
        std::cerr << "error: " << path << ": expected " << n << " x " << d << " float32 values\n";
        std::exit(1);
    }
    return m;
}

double seconds(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench_layout data|run ... (see the comment at the top of bench_layout.cpp)\n";
        return 2;
    }
    const std::string mode = argv[1];
    const std::size_t n = std::stoul(arg(argc, argv, "--n", "100000"));
    const std::size_t d = std::stoul(arg(argc, argv, "--d", "384"));
    if (mode == "data") {
        const Matrix x = clusteredData(n, d, std::stoull(arg(argc, argv, "--seed", "1")));
        std::ofstream out(arg(argc, argv, "--out", "layout_data.f32"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(x.data.data()), std::streamsize(x.data.size() * sizeof(float)));
        return out ? 0 : 1;
    }
    if (mode != "run") {
        std::cerr << "unknown mode " << mode << "\n";
        return 2;
    }
    const Matrix x = readF32(arg(argc, argv, "--data", "layout_data.f32"), n, d);
    const std::size_t k = std::stoul(arg(argc, argv, "--k", "10"));
    const std::size_t sample = std::stoul(arg(argc, argv, "--trust-sample", "0"));
    const std::string umapPath = arg(argc, argv, "--umap", "");
    const std::size_t subset = std::stoul(arg(argc, argv, "--subset-check", "0"));

    search::LayoutOptions o;
    o.seed = std::stoull(arg(argc, argv, "--seed", "0"));
    o.threads = std::stoi(arg(argc, argv, "--threads", "0"));
    o.probes = std::stoul(arg(argc, argv, "--probes", std::to_string(o.probes)));
    o.kmeansIterations = std::stoi(arg(argc, argv, "--kmeans-iters", std::to_string(o.kmeansIterations)));
    o.epochs = std::stoi(arg(argc, argv, "--epochs", "0"));
    auto t = Clock::now();
    auto layout = search::umapLayout(x, o);
    const double ours = seconds(t);
    if (!layout) {
        std::cerr << "layout failed: " << layout.error().message << "\n";
        return 1;
    }
    nlohmann::json j;
    j["n"] = n, j["d"] = d, j["k"] = k, j["threads"] = o.threads > 0 ? o.threads : int(std::thread::hardware_concurrency());
    j["ours_seconds"] = ours;
    j["ours_stages"] = {{"knn", layout->knnSeconds}, {"graph", layout->graphSeconds}, {"init", layout->initSeconds},
                        {"optimize", layout->optimizeSeconds}, {"knn_method", layout->knnMethod}, {"edges", layout->edges}};
    t = Clock::now();
    const Matrix pcaPoints = search::pca(x, 2).points;
    j["pca_seconds"] = seconds(t);
    std::vector<const Matrix*> maps{&layout->points, &pcaPoints};
    Matrix umap;
    if (!umapPath.empty()) {
        umap = readF32(umapPath, n, 2);
        maps.push_back(&umap);
    }
    t = Clock::now();
    const auto trust = search::trustworthiness(x, maps, k, sample, 7);
    j["trust_seconds"] = seconds(t);
    j["trust_queries"] = sample > 0 && sample < n ? sample : n;
    j["trust_ours"] = trust[0];
    j["trust_pca"] = trust[1];
    if (!umapPath.empty()) j["trust_umap"] = trust[2];
    if (!umapPath.empty() && subset > 0 && subset < n) {
        Matrix xs(subset, d), ys(subset, 2);
        std::memcpy(xs.data.data(), x.data.data(), xs.data.size() * sizeof(float));
        std::memcpy(ys.data.data(), umap.data.data(), ys.data.size() * sizeof(float));
        j["subset_rows"] = subset;
        j["subset_trust_umap"] = search::trustworthiness(xs, {&ys}, k)[0];
    }
    std::cout << j.dump() << std::endl;
    return 0;
}
