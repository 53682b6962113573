// Exact top-10 search over 1M x 384 float32 (normalised) with 1000 queries (the default path: int8
// screening with a companion built once, then exact rescoring; the float path and per-call
// quantisation reported beside it), beside the
// baselines of ../shared/anchors/bench_search.py (faiss IndexFlatIP, torch.mm + topk) run in the
// same invocation and environment; then HNSW recall@10 vs ef and FAISS IVF-PQ (when built with
// FAISS) recall@10 vs nprobe, with queries/s, on the same --hnsw-n rows.
//
//   bench_search [--n 1000000] [--reps 3] [--hnsw-n 100000] [--no-baseline] [--no-hnsw] [--no-ivfpq]
//
// Prints one JSON line per measure and a summary with the ratio to faiss. Data: Gaussian rows,
// normalised (the same distribution as the Python script; not the same numbers).

#include "core/runtime/runtime.h"
#include "core/search/exact.h"
#include "core/search/index.h"

#include <cblas.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>

extern "C" char* openblas_get_corename();
extern "C" int openblas_get_num_threads();

using namespace synthembed;
using Clock = std::chrono::steady_clock;

namespace {

Matrix gaussianRows(std::size_t n, std::size_t d, std::uint64_t seed) {
    Matrix m(n, d);
    // Parallel fill with per-thread generators (deterministic for a given thread count of 2).
    const int threads = 2;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            std::mt19937_64 rng(seed * 1000003 + std::uint64_t(t));
            std::normal_distribution<float> g;
            const std::size_t a = n * t / threads, b = n * (t + 1) / threads;
            for (std::size_t i = a * d; i < b * d; ++i) m.data[i] = g(rng);
        });
    for (auto& th : pool) th.join();
    normalizeRows(m);
    return m;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string envOr(const char* k) {
    const char* v = std::getenv(k);
    return v ? v : "";
}

double loadavg() {
    double l[1] = {0};
    return getloadavg(l, 1) == 1 ? l[0] : -1;
}

nlohmann::json runBaseline(int reps) {
    const std::filesystem::path script = std::filesystem::path(SYNTHEMBED_SHARED_DIR) / "anchors" / "bench_search.py";
    if (!std::filesystem::exists(script)) return {{"error", "baseline not found: " + script.string()}};
    const std::string cmd = "cd '" + script.parent_path().string() + "' && /usr/bin/python3 bench_search.py " +
                            std::to_string(reps) + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return {{"error", "cannot run " + cmd}};
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int rc = pclose(p);
    try {
        return nlohmann::json::parse(out.substr(out.rfind("\n{") == std::string::npos ? out.find('{') : out.rfind("\n{") + 1));
    } catch (const std::exception& e) {
        return {{"error", "baseline failed (rc " + std::to_string(rc) + "; needs python3-torch python3-numpy python3-faiss): " + out}};
    }
}

} // namespace

int main(int argc, char** argv) {
    std::size_t n = 1'000'000, hnswN = 100'000;
    const std::size_t d = 384, nq = 1000, k = 10;
    int reps = 3;
    bool baseline = true, hnsw = true, ivfpq = search::backendAvailable(search::Backend::IvfPq);
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--n" && i + 1 < argc) n = std::stoul(argv[++i]);
        else if (a == "--reps" && i + 1 < argc) reps = std::stoi(argv[++i]);
        else if (a == "--hnsw-n" && i + 1 < argc) hnswN = std::stoul(argv[++i]);
        else if (a == "--no-baseline") baseline = false;
        else if (a == "--no-hnsw") hnsw = false;
        else if (a == "--no-ivfpq") ivfpq = false;
        else {
            std::cerr << "usage: bench_search [--n N] [--reps R] [--hnsw-n N] [--no-baseline] [--no-hnsw] [--no-ivfpq]\n";
            return 2;
        }
    }
    initialize();
    nlohmann::json env = {{"openblas_core", openblas_get_corename()},
                          {"openblas_threads", openblas_get_num_threads()},
                          {"OPENBLAS_CORETYPE", envOr("OPENBLAS_CORETYPE")},
                          {"OMP_WAIT_POLICY", envOr("OMP_WAIT_POLICY")},
                          {"MALLOC_MMAP_THRESHOLD_", envOr("MALLOC_MMAP_THRESHOLD_")},
                          {"hardware_threads", std::thread::hardware_concurrency()},
                          {"loadavg_start", loadavg()}};
    std::cout << nlohmann::json{{"environment", env}}.dump() << std::endl;

    nlohmann::json base;
    if (baseline) {
        base = runBaseline(reps);
        std::cout << nlohmann::json{{"baseline", base}}.dump() << std::endl;
    }

    auto t0 = Clock::now();
    Matrix x = gaussianRows(n, d, 0), q = gaussianRows(nq, d, 1);
    const double genS = std::chrono::duration<double>(Clock::now() - t0).count();

    nlohmann::json exact = nlohmann::json::object();
    std::vector<std::vector<search::Hit>> hits;
    double bestQps = 0;
    auto timeSearch = [&](search::ExactSearchOptions o, std::vector<std::vector<search::Hit>>& out,
                          search::ExactSearchStats& stats) {
        o.stats = &stats;
        out = search::exactSearch(x, q, o); // warm-up
        std::vector<double> ts;
        for (int r = 0; r < reps; ++r) {
            auto s = Clock::now();
            out = search::exactSearch(x, q, o);
            ts.push_back(std::chrono::duration<double>(Clock::now() - s).count());
        }
        const double med = median(ts);
        return nlohmann::json{{"times_s", ts}, {"median_s", med}, {"qps", double(nq) / med},
                              {"gflops", 2.0 * double(nq) * double(n) * double(d) / med / 1e9},
                              {"path", stats.screened ? "int8-screened" : "float"},
                              {"rescored_per_query", double(stats.candidates) / double(nq)}};
    };
    // The default path as an index holds it: the int8 companion is built once with the rows (like
    // faiss's add), then every search reuses it. The chunk* entries are synthembed's figure.
    auto c0 = Clock::now();
    search::QuantizedRows companion = search::quantizeRows(x);
    exact["quantize_base_s"] = std::chrono::duration<double>(Clock::now() - c0).count();
    exact["int8_available"] = search::int8ScreeningAvailable();
    for (std::size_t chunk : {4096, 16384}) {
        search::ExactSearchOptions o;
        o.k = k;
        o.baseChunk = chunk;
        o.queryBlock = nq;
        o.quantized = &companion;
        search::ExactSearchStats stats;
        const auto m = timeSearch(o, hits, stats);
        bestQps = std::max(bestQps, m["qps"].get<double>());
        exact["chunk" + std::to_string(chunk)] = m;
    }
    exact["path"] = exact["chunk16384"]["path"];
    {
        // For reference: the default path quantising the base inside each call (no companion), and
        // the float path (sgemm + heap), the reference path of the tests.
        std::vector<std::vector<search::Hit>> other;
        search::ExactSearchStats stats;
        search::ExactSearchOptions o;
        o.k = k;
        o.baseChunk = 16384;
        o.queryBlock = nq;
        exact["quantize_per_call_chunk16384"] = timeSearch(o, other, stats);
        exact["quantize_per_call_chunk16384"]["quantize_s"] = stats.quantizeSeconds;
        o.path = search::ExactPath::Float;
        exact["float_path_chunk16384"] = timeSearch(o, other, stats);
        std::size_t same = 0;
        for (std::size_t qi = 0; qi < nq; ++qi)
            for (std::size_t r = 0; r < k && r < other[qi].size() && r < hits[qi].size(); ++r) same += other[qi][r].row == hits[qi][r].row;
        exact["float_path_same_rows"] = double(same) / double(nq * k);
    }
    // Correctness spot check: 3 queries against a double-precision brute force.
    int agree = 0;
    for (std::size_t qi = 0; qi < 3; ++qi) {
        std::vector<std::pair<double, std::int64_t>> s(n);
        for (std::size_t i = 0; i < n; ++i) {
            double acc = 0;
            for (std::size_t j = 0; j < d; ++j) acc += double(x.row(i)[j]) * q.row(qi)[j];
            s[i] = {acc, std::int64_t(i)};
        }
        std::partial_sort(s.begin(), s.begin() + k, s.end(), [](auto& a, auto& b) { return a.first > b.first; });
        for (std::size_t r = 0; r < k; ++r)
            for (auto& h : hits[qi]) agree += h.row == s[r].second;
    }
    exact["brute_force_agreement"] = double(agree) / double(3 * k);
    exact["gen_s"] = genS;
    std::cout << nlohmann::json{{"synthembed_exact", exact}}.dump() << std::endl;

    nlohmann::json summary = {{"synthembed_exact_qps", bestQps}, {"n", n}, {"dim", d}, {"queries", nq}};
    if (base.contains("faiss_IndexFlatIP")) {
        const double f = base["faiss_IndexFlatIP"]["qps"].get<double>();
        summary["faiss_qps"] = f;
        summary["ratio_vs_faiss"] = bestQps / f;
    }
    for (auto& key : {"torch_mm_topk_chunk16384", "torch_mm_topk_chunk65536"})
        if (base.contains(key)) summary[std::string(key) + "_qps"] = base[key]["qps"];

    if (hnsw || ivfpq) {
        // HNSW and IVF-PQ on hnswN rows (building 1M on two shared cores takes too long for one run), on two
        // data sets: the Gaussian rows above (isotropic noise, HNSW's worst case: every
        // dimension matters) and a clustered set (1000 centres plus noise of norm 0.7, closer to
        // real embeddings' low intrinsic dimension). Recall against exact search on the same rows.
        hnswN = std::min(hnswN, n);
        Matrix gauss(hnswN, d);
        std::copy(x.data.begin(), x.data.begin() + std::ptrdiff_t(hnswN * d), gauss.data.begin());
        x = Matrix(); // free the 1.5 GB
        companion = search::QuantizedRows();
        auto clustered = [&](std::size_t rows, std::uint64_t seed) {
            Matrix centres = gaussianRows(1000, d, 7), noise = gaussianRows(rows, d, seed);
            std::mt19937_64 rng(seed);
            std::uniform_int_distribution<std::size_t> pick(0, 999);
            Matrix m(rows, d);
            for (std::size_t i = 0; i < rows; ++i) {
                const float* c = centres.row(pick(rng));
                for (std::size_t j = 0; j < d; ++j) m.row(i)[j] = c[j] + 0.7f * noise.row(i)[j];
            }
            normalizeRows(m);
            return m;
        };
        nlohmann::json all = nlohmann::json::object();
        // Ids 0..n-1, one per row.
        auto rowItems = [](std::size_t n) {
            std::vector<search::ItemMeta> items(n);
            for (std::size_t i = 0; i < n; ++i) items[i].id = std::int64_t(i);
            return items;
        };
        // Recall@k against the exact hits and queries/s of one search pass at the index's settings.
        auto recallAndQps = [&](search::VectorIndex& idx, const Matrix& queries,
                                const std::vector<std::vector<search::Hit>>& truth) {
            auto s = Clock::now();
            auto res = idx.search(queries, k);
            const double secs = std::chrono::duration<double>(Clock::now() - s).count();
            double hit = 0;
            for (std::size_t qi = 0; qi < nq; ++qi)
                for (auto& h : (*res)[qi])
                    for (auto& t : truth[qi]) hit += h.id == t.row;
            return std::pair<double, double>{hit / double(nq * k), double(nq) / secs};
        };
        auto runHnsw = [&](const std::string& name, const Matrix& data, const Matrix& queries) {
            search::ExactSearchOptions o;
            o.k = k;
            auto e0 = Clock::now();
            auto truth = search::exactSearch(data, queries, o);
            const double exactQps = double(nq) / std::chrono::duration<double>(Clock::now() - e0).count();
            search::IndexMeta meta;
            meta.name = "bench-" + name;
            meta.backend = search::Backend::Hnsw;
            meta.metric = "ip";
            meta.hnswM = 16;
            meta.efConstruction = 100;
            auto idx = search::VectorIndex::create("/nonexistent-bench-index", meta);
            const auto items = rowItems(data.rows);
            auto b0 = Clock::now();
            if (!idx->add(data, items)) std::exit(1);
            const double buildS = std::chrono::duration<double>(Clock::now() - b0).count();
            nlohmann::json curve = nlohmann::json::array();
            for (std::size_t ef : {10, 20, 40, 80, 160, 320, 640}) {
                idx->setEfSearch(ef);
                const auto [recall, qps] = recallAndQps(*idx, queries, truth);
                curve.push_back({{"ef", ef}, {"recall_at_10", recall}, {"qps", qps}});
            }
            nlohmann::json h = {{"n", data.rows}, {"M", 16}, {"ef_construction", 100}, {"build_s", buildS},
                                {"exact_qps_same_n", exactQps}, {"curve", curve}};
            std::cout << nlohmann::json{{"synthembed_hnsw_" + name, h}}.dump() << std::endl;
            all[name] = h;
        };
        nlohmann::json allIvf = nlohmann::json::object();
        // IVF-PQ: nlist min(4 sqrt(n), n/39), 48 subquantizers of 8 bits (8 dimensions per byte of code),
        // PQ candidates (4k) re-ranked exactly from the stored vectors, as VectorIndex does.
        auto runIvf = [&](const std::string& name, const Matrix& data, const Matrix& queries) {
            search::ExactSearchOptions o;
            o.k = k;
            auto truth = search::exactSearch(data, queries, o);
            search::IndexMeta meta;
            meta.name = "bench-ivfpq-" + name;
            meta.backend = search::Backend::IvfPq;
            meta.metric = "ip";
            meta.pqM = 48;
            meta.pqNbits = 8;
            auto idx = search::VectorIndex::create("/nonexistent-bench-index", meta);
            const auto items = rowItems(data.rows);
            auto b0 = Clock::now();
            if (auto st = idx->add(data, items); !st) {
                std::cerr << st.error().message << "\n";
                std::exit(1);
            }
            const double buildS = std::chrono::duration<double>(Clock::now() - b0).count();
            nlohmann::json curve = nlohmann::json::array();
            for (std::size_t nprobe : {1, 4, 16, 64}) {
                idx->setNprobe(nprobe);
                const auto [recall, qps] = recallAndQps(*idx, queries, truth);
                curve.push_back({{"nprobe", nprobe}, {"recall_at_10", recall}, {"qps", qps}});
            }
            nlohmann::json h = {{"n", data.rows}, {"nlist", idx->meta().nlist}, {"m", 48}, {"nbits", 8},
                                {"train_and_add_s", buildS}, {"curve", curve}};
            std::cout << nlohmann::json{{"synthembed_ivfpq_" + name, h}}.dump() << std::endl;
            allIvf[name] = h;
        };
        if (hnsw) runHnsw("gaussian", gauss, q);
        if (ivfpq) runIvf("gaussian", gauss, q);
        gauss = Matrix();
        const Matrix cdata = clustered(hnswN, 11), cq = clustered(nq, 12);
        if (hnsw) runHnsw("clustered", cdata, cq);
        if (ivfpq) runIvf("clustered", cdata, cq);
        if (hnsw) summary["hnsw"] = all;
        if (ivfpq) summary["ivfpq"] = allIvf;
    }
    summary["loadavg_end"] = loadavg();
    std::cout << nlohmann::json{{"summary", summary}}.dump() << std::endl;
    if (summary.contains("ratio_vs_faiss"))
        std::printf("exact top-10, %zu x %zu, %zu queries: synthembed %.1f q/s, faiss IndexFlatIP %.1f q/s -> %.2fx\n", n, d,
                    nq, bestQps, summary["faiss_qps"].get<double>(), summary["ratio_vs_faiss"].get<double>());
    return 0;
}
