#include "core/search/index.h"

#include "core/search/ivfpq.h"
#include "core/platform/platform.h"
#include "core/util/durable.h"
#include "core/util/log.h"

// hnswlib 0.6.2 prefetches "the next neighbour" inside its neighbour loops by reading
// *(datal + j + 1) even when j is the last entry (HierarchicalNSW::searchBaseLayer, hnswalg.h:214,
// and the greedy descent in repairConnectionsForUpdate). For an element's top layer whose link list
// is full (M entries) that read lands 4 bytes past the malloc(size_links_per_element_ * level + 1)
// block from addPoint, so AddressSanitizer reports a heap-buffer-overflow during any insertion
// (serial or parallel; our vectors and pointers are not involved). The value only feeds
// _mm_prefetch, which never faults, and the 4 bytes lie inside the allocator's usable size
// (requests are 4j + 1 bytes, glibc/macOS/Windows round up to a multiple of 8 or 16), so release
// builds keep hnswlib's SSE path: its prefetches are worth about 14% of query throughput (10k x 384 vectors). Under
// AddressSanitizer we compile hnswlib without manual vectorisation, which removes the prefetch
// reads (and its SIMD distances fall back to the scalar loop that computes the same inner
// product). hnswlib must only be included from this file: the macro changes its inline code.
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace synthembed::search {

namespace {
using nlohmann::json;

void runParallel(std::size_t n, int threads, const std::function<void(std::size_t)>& fn) {
    threads = std::max(1, std::min<int>(threads, int(n)));
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex mu;
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) {
            try {
                fn(i);
            } catch (...) {
                std::lock_guard lock(mu);
                if (!error) error = std::current_exception();
                next = n;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
}

int hardwareThreads() { return int(std::max(1u, std::thread::hardware_concurrency())); }
} // namespace

std::string toString(Backend b) {
    switch (b) {
    case Backend::Exact: return "exact";
    case Backend::Hnsw: return "hnsw";
    case Backend::IvfPq: return "ivfpq";
    }
    return "exact";
}
std::optional<Backend> parseBackend(const std::string& s) {
    if (s == "exact" || s == "flat") return Backend::Exact;
    if (s == "hnsw") return Backend::Hnsw;
    if (s == "ivfpq" || s == "faiss") return Backend::IvfPq;
    return std::nullopt;
}
bool backendAvailable(Backend b) { return b != Backend::IvfPq || detail::faissAvailable(); }

namespace {
// IVF-PQ: the PQ codes only pick candidates; they are re-ranked with exact inner products of the
// stored vectors (as faiss's IndexRefineFlat does), so scores match the other backends. This many
// candidates per wanted hit (more when a filter rejects candidates).
constexpr std::size_t kIvfRefine = 4;

void requireBackend(Backend b) {
    if (!backendAvailable(b))
        throw Failure("unsupported", "the " + toString(b) +
                                         " backend is not available: synthembed was built without FAISS (install "
                                         "libfaiss-dev and reconfigure)");
}

detail::IvfPqParams resolveIvfPq(IndexMeta& meta, std::size_t n) {
    if (meta.nlist == 0) {
        // ~4 sqrt(n) cells, but no fewer than 39 training points per cell (faiss's own minimum).
        meta.nlist = std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(4 * std::sqrt(double(n))), n / 39));
    }
    if (meta.pqM == 0) {
        meta.pqM = 1;
        for (std::size_t m = std::max<std::size_t>(1, meta.dim / 4); m >= 1; --m)
            if (meta.dim % m == 0) {
                meta.pqM = m;
                break;
            }
    }
    return {meta.nlist, meta.pqM, meta.pqNbits, meta.nprobe};
}
} // namespace

struct VectorIndex::Impl {
    std::filesystem::path dir;
    IndexMeta meta;
    Matrix vectors;
    std::vector<ItemMeta> items;
    std::unordered_map<std::int64_t, std::size_t> rowOf;
    std::unique_ptr<hnswlib::InnerProductSpace> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
    std::unique_ptr<detail::IvfPq> ivf;
    // The int8 companion of `vectors` for exact search (exact.h): built at the second exact search
    // or at the first with many queries, kept until the vectors change.
    mutable std::mutex companionMutex;
    mutable std::shared_ptr<const QuantizedRows> companion;
    mutable std::size_t exactSearches = 0;

    void vectorsChanged() {
        std::lock_guard<std::mutex> lock(companionMutex);
        companion.reset();
    }

    std::shared_ptr<const QuantizedRows> companionFor(std::size_t queries) const {
        std::lock_guard<std::mutex> lock(companionMutex);
        ++exactSearches;
        if (!companion && int8ScreeningAvailable() && (queries >= 64 || exactSearches >= 2))
            companion = std::make_shared<const QuantizedRows>(quantizeRows(vectors));
        return companion;
    }

    void makeHnsw(std::size_t capacity) {
        space = std::make_unique<hnswlib::InnerProductSpace>(meta.dim);
        hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(space.get(), std::max<std::size_t>(capacity, 16), meta.hnswM,
                                                                 meta.efConstruction, 100);
        hnsw->setEf(meta.efSearch);
    }
};

VectorIndex::VectorIndex() : m(std::make_unique<Impl>()) {}
VectorIndex::VectorIndex(VectorIndex&&) noexcept = default;
VectorIndex& VectorIndex::operator=(VectorIndex&&) noexcept = default;
VectorIndex::~VectorIndex() = default;

const IndexMeta& VectorIndex::meta() const { return m->meta; }
const std::filesystem::path& VectorIndex::dir() const { return m->dir; }
std::size_t VectorIndex::size() const { return m->items.size(); }
const Matrix& VectorIndex::vectors() const { return m->vectors; }
const std::vector<ItemMeta>& VectorIndex::items() const { return m->items; }
const ItemMeta* VectorIndex::item(std::int64_t id) const {
    auto it = m->rowOf.find(id);
    return it == m->rowOf.end() ? nullptr : &m->items[it->second];
}
void VectorIndex::setEfSearch(std::size_t ef) {
    m->meta.efSearch = ef;
    if (m->hnsw) m->hnsw->setEf(ef);
}
void VectorIndex::setNprobe(std::size_t nprobe) {
    m->meta.nprobe = std::max<std::size_t>(1, nprobe);
    if (m->ivf) m->ivf->setNprobe(m->meta.nprobe);
}

Result<VectorIndex> VectorIndex::create(const std::filesystem::path& dir, IndexMeta meta) {
    return guarded([&] {
        if (meta.metric != "cosine" && meta.metric != "ip")
            throw Failure("usage", "index metric must be cosine or ip, not '" + meta.metric + "'");
        requireBackend(meta.backend);
        if (meta.backend == Backend::IvfPq && meta.nprobe == 0) throw Failure("usage", "ivfpq: --nprobe must be at least 1");
        VectorIndex idx;
        idx.m->dir = dir;
        meta.count = 0;
        idx.m->meta = std::move(meta);
        if (idx.m->meta.name.empty()) idx.m->meta.name = dir.filename().string();
        return idx;
    }, "index");
}

namespace {

// On-disk layout (format 2): DIR/CURRENT names the version folder (DIR/v000007) that holds
// meta.json, vectors.f32, items.jsonl and hnsw.bin or ivfpq.faiss. save() writes a complete new
// version folder, flushes it, then replaces CURRENT atomically: a reader (or a process that was
// killed at any point) sees the old version or the new one, never a mix. Older versions are then
// removed. A folder without CURRENT is read in the format-1 layout (the files directly in DIR).
constexpr const char* kCurrent = "CURRENT";
const char* const kDataFiles[] = {"meta.json", "vectors.f32", "items.jsonl", "hnsw.bin", "ivfpq.faiss"};

/// The version number of a folder name "v000007" ('v' and 6 or more digits; nullopt for anything
/// else, such as a user's own "v2" in a folder chosen with --dir).
std::optional<std::uint64_t> versionOf(const std::string& name) {
    if (name.size() < 7 || name[0] != 'v' || name.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return std::nullopt;
        v = v * 10 + std::uint64_t(name[i] - '0');
    }
    return v;
}

std::string versionName(std::uint64_t v) {
    std::string digits = std::to_string(v);
    return "v" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

/// The folder holding the current files: DIR/<CURRENT> (format 2) or DIR itself (format 1).
std::filesystem::path currentDataDir(const std::filesystem::path& dir) {
    const auto pointer = dir / kCurrent;
    std::error_code ec;
    if (!std::filesystem::exists(pointer, ec)) return dir;
    std::ifstream in(pointer, std::ios::binary);
    std::string name;
    std::getline(in, name);
    if (!name.empty() && name.back() == '\r') name.pop_back();
    if (!in && !in.eof()) throw Failure("io", pointer.string() + ": cannot read");
    if (!versionOf(name)) throw Failure("corrupt", pointer.string() + ": '" + name + "' is not a version folder name");
    return dir / name;
}

} // namespace

bool isIndexFolder(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::exists(dir / kCurrent, ec) || std::filesystem::exists(dir / "meta.json", ec);
}

Result<VectorIndex> VectorIndex::open(const std::filesystem::path& dir) {
    for (int attempt = 0;; ++attempt) {
        auto data = guarded([&] { return currentDataDir(dir); }, "index");
        if (!data) return data.error();
        auto r = load(dir, *data);
        std::error_code ec;
        // A concurrent save() may have removed the version we were reading: read CURRENT again.
        if (r || attempt >= 2 || *data == dir || std::filesystem::exists(*data, ec)) return r;
    }
}

Result<VectorIndex> VectorIndex::load(const std::filesystem::path& dir, const std::filesystem::path& base) {
    return guarded([&] {
        VectorIndex idx;
        auto& s = *idx.m;
        s.dir = dir;
        const auto metaPath = base / "meta.json";
        std::ifstream in(metaPath);
        if (!in) throw Failure("io", metaPath.string() + ": cannot open (not an index folder?)");
        json j;
        try {
            j = json::parse(in);
            s.meta.name = j.at("name");
            s.meta.backend = parseBackend(j.at("backend").get<std::string>()).value();
            s.meta.metric = j.value("metric", "cosine");
            s.meta.model = j.value("model", "");
            s.meta.fingerprint = j.value("fingerprint", "");
            s.meta.pooling = j.value("pooling", "");
            s.meta.instruction = j.value("instruction", "");
            s.meta.dim = j.at("dim");
            s.meta.count = j.at("count");
            s.meta.hnswM = j.value("hnsw_m", std::size_t(16));
            s.meta.efConstruction = j.value("ef_construction", std::size_t(200));
            s.meta.efSearch = j.value("ef_search", std::size_t(64));
            s.meta.nlist = j.value("nlist", std::size_t(0));
            s.meta.pqM = j.value("pq_m", std::size_t(0));
            s.meta.pqNbits = j.value("pq_nbits", std::size_t(8));
            s.meta.nprobe = j.value("nprobe", std::size_t(16));
        } catch (const std::exception& e) {
            throw Failure("parse", metaPath.string() + ": " + e.what());
        }
        const auto vecPath = base / "vectors.f32";
        const auto bytes = std::filesystem::file_size(vecPath);
        // Sizes from meta.json are checked against the file before anything is allocated (a
        // crafted count * dim must not wrap around to the file's size).
        const bool fits = s.meta.dim == 0 ? bytes == 0 : s.meta.count <= bytes / sizeof(float) / s.meta.dim;
        if (!fits || bytes != s.meta.count * s.meta.dim * sizeof(float))
            throw Failure("corrupt", vecPath.string() + ": " + std::to_string(bytes) + " bytes, meta.json says " +
                                         std::to_string(s.meta.count) + " x " + std::to_string(s.meta.dim) + " floats");
        s.vectors = Matrix(s.meta.count, s.meta.dim);
        std::ifstream vin(vecPath, std::ios::binary);
        vin.read(reinterpret_cast<char*>(s.vectors.data.data()), std::streamsize(bytes));
        s.vectorsChanged();
        if (!vin) throw Failure("io", vecPath.string() + ": read failed");
        const auto itemsPath = base / "items.jsonl";
        std::ifstream iin(itemsPath);
        if (!iin) throw Failure("io", itemsPath.string() + ": cannot open");
        std::string line;
        std::size_t n = 0;
        while (std::getline(iin, line)) {
            ++n;
            if (line.empty()) continue;
            try {
                auto x = json::parse(line);
                ItemMeta it{x.at("id").get<std::int64_t>(), x.value("text", ""), x.value("family", ""),
                            x.value("language", ""), x.value("label", ""), x.value("key", "")};
                s.rowOf[it.id] = s.items.size();
                s.items.push_back(std::move(it));
            } catch (const std::exception& e) {
                throw Failure("parse", itemsPath.string() + ":" + std::to_string(n) + ": " + e.what());
            }
        }
        if (s.items.size() != s.meta.count)
            throw Failure("corrupt", itemsPath.string() + ": " + std::to_string(s.items.size()) + " items, meta.json says " +
                                         std::to_string(s.meta.count));
        if (s.meta.backend == Backend::Hnsw) {
            const auto hPath = base / "hnsw.bin";
            if (!std::filesystem::exists(hPath)) throw Failure("io", hPath.string() + ": missing");
            s.space = std::make_unique<hnswlib::InnerProductSpace>(s.meta.dim);
            try {
                s.hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(s.space.get(), hPath.string());
            } catch (const std::exception& e) {
                throw Failure("corrupt", hPath.string() + ": " + e.what());
            }
            s.hnsw->setEf(s.meta.efSearch);
        }
        if (s.meta.backend == Backend::IvfPq) {
            requireBackend(s.meta.backend);
            const auto fPath = base / "ivfpq.faiss";
            if (s.meta.count > 0 || std::filesystem::exists(fPath)) {
                if (!std::filesystem::exists(fPath)) throw Failure("io", fPath.string() + ": missing");
                s.ivf = detail::IvfPq::load(fPath, s.meta.nprobe);
                if (s.ivf->size() != s.meta.count)
                    throw Failure("corrupt", fPath.string() + ": " + std::to_string(s.ivf->size()) + " vectors, meta.json says " +
                                                 std::to_string(s.meta.count));
            }
        }
        return idx;
    }, "index");
}

Status VectorIndex::add(const Matrix& vectors, const std::vector<ItemMeta>& items, const ProgressHooks& hooks) {
    return guarded([&] {
        auto& s = *m;
        if (vectors.rows != items.size()) throw Failure("usage", "add: vectors and items differ in count");
        if (vectors.rows == 0) return;
        if (s.meta.dim == 0) s.meta.dim = vectors.cols;
        if (vectors.cols != s.meta.dim)
            throw Failure("index", "index " + s.meta.name + " holds dimension " + std::to_string(s.meta.dim) +
                                           ", the new vectors have " + std::to_string(vectors.cols));
        std::unordered_map<std::int64_t, int> seen;
        for (auto& it : items)
            if (s.rowOf.count(it.id) || seen[it.id]++)
                throw Failure("index", "index " + s.meta.name + ": id " + std::to_string(it.id) + " is already present");
        Matrix v = vectors;
        if (s.meta.metric == "cosine") normalizeRows(v);
        const std::size_t start = s.items.size();
        if (s.meta.backend == Backend::Hnsw) {
            if (!s.hnsw) s.makeHnsw(start + v.rows);
            else if (s.hnsw->max_elements_ < std::size_t(s.hnsw->cur_element_count) + v.rows)
                s.hnsw->resizeIndex(std::max(std::size_t(s.hnsw->cur_element_count) + v.rows, s.hnsw->max_elements_ * 2));
            std::atomic<std::size_t> done{0};
            runParallel(v.rows, hardwareThreads(), [&](std::size_t i) {
                s.hnsw->addPoint(v.row(i), static_cast<hnswlib::labeltype>(items[i].id));
                const auto d = ++done;
                if (d % 4096 == 0) hooks.report(std::int64_t(d), std::int64_t(v.rows), "indexing");
            });
        }
        if (s.meta.backend == Backend::IvfPq) {
            requireBackend(s.meta.backend);
            if (!s.ivf) {
                // Trained once, on the first batch; later batches are encoded with those centroids.
                IndexMeta resolved = s.meta;
                const auto params = resolveIvfPq(resolved, v.rows);
                hooks.report(0, std::int64_t(v.rows), "training ivfpq");
                s.ivf = detail::IvfPq::train(s.meta.dim, params, v.data.data(), v.rows);
                s.meta = resolved;
            }
            std::vector<std::int64_t> ids(items.size());
            for (std::size_t i = 0; i < items.size(); ++i) ids[i] = items[i].id;
            s.ivf->add(v.data.data(), ids.data(), v.rows);
        }
        s.vectors.append(v);
        s.vectorsChanged();
        for (std::size_t i = 0; i < items.size(); ++i) {
            s.rowOf[items[i].id] = start + i;
            s.items.push_back(items[i]);
        }
        s.meta.count = s.items.size();
    }, "index");
}

Result<std::size_t> VectorIndex::remove(const std::vector<std::int64_t>& ids) {
    return guarded([&] {
        auto& s = *m;
        std::vector<std::uint8_t> drop(s.items.size(), 0);
        std::size_t removed = 0;
        for (auto id : ids) {
            auto it = s.rowOf.find(id);
            if (it == s.rowOf.end() || drop[it->second]) continue;
            drop[it->second] = 1;
            ++removed;
            if (s.hnsw) s.hnsw->markDelete(static_cast<hnswlib::labeltype>(id));
        }
        if (!removed) return removed;
        if (s.ivf) {
            std::vector<std::int64_t> gone;
            for (std::size_t i = 0; i < s.items.size(); ++i)
                if (drop[i]) gone.push_back(s.items[i].id);
            s.ivf->remove(gone);
        }
        Matrix kept;
        kept.cols = s.vectors.cols;
        std::vector<ItemMeta> keptItems;
        for (std::size_t i = 0; i < s.items.size(); ++i) {
            if (drop[i]) continue;
            kept.data.insert(kept.data.end(), s.vectors.row(i), s.vectors.row(i) + s.vectors.cols);
            ++kept.rows;
            keptItems.push_back(std::move(s.items[i]));
        }
        s.vectors = std::move(kept);
        s.vectorsChanged();
        s.items = std::move(keptItems);
        s.rowOf.clear();
        for (std::size_t i = 0; i < s.items.size(); ++i) s.rowOf[s.items[i].id] = i;
        s.meta.count = s.items.size();
        return removed;
    }, "index");
}

Result<std::vector<std::vector<SearchHit>>> VectorIndex::search(const Matrix& queries, std::size_t k,
                                                                const SearchFilter& filter,
                                                                const ProgressHooks& hooks) const {
    return guarded([&] {
        const auto& s = *m;
        std::vector<std::vector<SearchHit>> out(queries.rows);
        if (s.items.empty() || queries.rows == 0 || k == 0) return out;
        if (queries.cols != s.meta.dim)
            throw Failure("index", "query dimension " + std::to_string(queries.cols) + " differs from index " +
                                           s.meta.name + " (" + std::to_string(s.meta.dim) + ")");
        Matrix q = queries;
        if (s.meta.metric == "cosine") normalizeRows(q);
        std::vector<std::uint8_t> allow;
        std::size_t allowed = s.items.size();
        if (!filter.empty()) {
            allow.resize(s.items.size());
            allowed = 0;
            for (std::size_t i = 0; i < s.items.size(); ++i) allowed += allow[i] = filter.matches(s.items[i]);
            if (allowed == 0) return out;
        }
        // The approximate index unless the filter keeps so few items that an exact scan of them is
        // cheaper and exact.
        const bool useAnn = (s.hnsw || s.ivf) && (allow.empty() || allowed * 10 >= s.items.size());
        if (!useAnn) {
            ExactSearchOptions o;
            o.k = k;
            o.allow = allow.empty() ? nullptr : &allow;
            const auto companion = s.companionFor(q.rows);
            if (companion && companion->usable) o.quantized = companion.get();
            auto hits = exactSearch(s.vectors, q, o, hooks);
            for (std::size_t i = 0; i < hits.size(); ++i)
                for (auto& h : hits[i]) {
                    const auto& it = s.items[std::size_t(h.row)];
                    out[i].push_back({it.id, h.score, &it});
                }
            return out;
        }
        if (s.ivf) {
            // Batched over the queries still short of k hits; each round fetches 4x more candidates.
            std::vector<std::size_t> pending(q.rows);
            for (std::size_t i = 0; i < q.rows; ++i) pending[i] = i;
            const std::size_t n = s.items.size();
            std::size_t fetch = std::min(n, k * kIvfRefine);
            while (!pending.empty()) {
                const Matrix sub = q.gather(pending);
                const auto labels = s.ivf->search(sub.data.data(), sub.rows, fetch);
                std::vector<std::size_t> again;
                for (std::size_t j = 0; j < pending.size(); ++j) {
                    const std::size_t i = pending[j];
                    std::vector<SearchHit> hits;
                    std::size_t found = 0;
                    for (std::size_t r = 0; r < fetch; ++r) {
                        const auto label = labels[j * fetch + r];
                        if (label < 0) continue;
                        ++found;
                        const auto row = s.rowOf.find(label);
                        if (row == s.rowOf.end()) continue;
                        if (!allow.empty() && !allow[row->second]) continue;
                        hits.push_back({label, dot(q.row(i), s.vectors.row(row->second), q.cols), &s.items[row->second]});
                    }
                    std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
                        return a.score != b.score ? a.score > b.score : a.id < b.id;
                    });
                    // Done when there are k hits, or the probed lists hold no more candidates.
                    if (hits.size() >= k || found < fetch || fetch >= n) {
                        if (hits.size() > k) hits.resize(k);
                        out[i] = std::move(hits);
                    } else {
                        again.push_back(i);
                    }
                }
                pending = std::move(again);
                fetch = std::min(n, fetch * 4);
            }
            return out;
        }
        runParallel(q.rows, hardwareThreads(), [&](std::size_t i) {
            std::size_t fetch = allow.empty() ? k : std::min(s.items.size(), k * 4);
            while (true) {
                auto pq = s.hnsw->searchKnn(q.row(i), std::min(fetch, s.items.size()));
                std::vector<SearchHit> hits;
                while (!pq.empty()) {
                    auto [dist, label] = pq.top();
                    pq.pop();
                    const auto r = s.rowOf.find(std::int64_t(label));
                    if (r == s.rowOf.end()) continue;
                    if (!allow.empty() && !allow[r->second]) continue;
                    hits.push_back({std::int64_t(label), 1.0f - dist, &s.items[r->second]});
                }
                std::reverse(hits.begin(), hits.end());
                if (hits.size() >= k || fetch >= s.items.size()) {
                    if (hits.size() > k) hits.resize(k);
                    out[i] = std::move(hits);
                    break;
                }
                fetch *= 4;
            }
        });
        return out;
    }, "index");
}

Status VectorIndex::save() const {
    return guarded([&] {
        namespace fs = std::filesystem;
        const auto& s = *m;
        fs::create_directories(s.dir);
        // The next version: one past every version folder present (a folder left by a killed save
        // included, so it is never reused half-written).
        std::uint64_t next = 1;
        for (const auto& e : fs::directory_iterator(s.dir))
            if (auto v = versionOf(e.path().filename().string())) next = std::max(next, *v + 1);
        const std::string version = versionName(next);
        const fs::path vdir = s.dir / version;
        fs::create_directory(vdir);
        durable::crashPoint("index: version folder created");
        // Plain writes inside the new folder: nothing refers to it until CURRENT does.
        auto writeData = [&](const char* name, const std::function<void(const fs::path&)>& writer) {
            const fs::path p = vdir / name;
            writer(p);
            platform::syncFile(p);
            durable::crashPoint(name);
        };
        writeData("vectors.f32", [&](const fs::path& p) {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(s.vectors.data.data()), std::streamsize(s.vectors.data.size() * sizeof(float)));
            out.close();
            if (!out) throw Failure("io", p.string() + ": write failed");
        });
        writeData("items.jsonl", [&](const fs::path& p) {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            for (auto& it : s.items)
                out << json{{"id", it.id}, {"text", it.text}, {"family", it.family}, {"language", it.language}, {"label", it.label}, {"key", it.key}}
                           .dump(-1, ' ', false, json::error_handler_t::replace)
                    << "\n";
            out.close();
            if (!out) throw Failure("io", p.string() + ": write failed");
        });
        if (s.hnsw) writeData("hnsw.bin", [&](const fs::path& p) { s.hnsw->saveIndex(p.string()); });
        if (s.ivf) writeData("ivfpq.faiss", [&](const fs::path& p) { s.ivf->save(p); });
        writeData("meta.json", [&](const fs::path& p) {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            out << json{{"name", s.meta.name},
                        {"backend", toString(s.meta.backend)},
                        {"metric", s.meta.metric},
                        {"model", s.meta.model},
                        {"fingerprint", s.meta.fingerprint},
                        {"pooling", s.meta.pooling},
                        {"instruction", s.meta.instruction},
                        {"dim", s.meta.dim},
                        {"count", s.meta.count},
                        {"hnsw_m", s.meta.hnswM},
                        {"ef_construction", s.meta.efConstruction},
                        {"ef_search", s.meta.efSearch},
                        {"nlist", s.meta.nlist},
                        {"pq_m", s.meta.pqM},
                        {"pq_nbits", s.meta.pqNbits},
                        {"nprobe", s.meta.nprobe}}
                       .dump(2)
                << "\n";
            out.close();
            if (!out) throw Failure("io", p.string() + ": write failed");
        });
        platform::syncDirectory(vdir);
        platform::syncDirectory(s.dir);
        durable::crashPoint("index: version complete");
        // The one step that switches versions.
        durable::writeFile(s.dir / kCurrent, version + "\n");
        durable::crashPoint("index: current replaced");
        // Clean up: older versions, format-1 files, temporary files of killed saves. A failure here
        // leaves garbage, never a wrong index.
        std::error_code ec;
        std::vector<fs::path> stale;
        for (const auto& e : fs::directory_iterator(s.dir, ec)) {
            const std::string name = e.path().filename().string();
            if (name == version || name == kCurrent) continue;
            // Only names this code writes (the folder may be one the user chose with --dir).
            const bool oldVersion = versionOf(name).has_value();
            bool ours = name.rfind(std::string(kCurrent) + ".tmp", 0) == 0;
            for (const char* f : kDataFiles)
                ours = ours || name == f || name.rfind(std::string(f) + ".tmp", 0) == 0;
            if (oldVersion || ours) stale.push_back(e.path());
        }
        for (const auto& p : stale) {
            fs::remove_all(p, ec);
            if (ec) log::warn("index ", s.dir.string(), ": cannot remove ", p.string(), ": ", ec.message());
        }
        if (!stale.empty()) platform::syncDirectory(s.dir);
    }, "io");
}

Status registerIndex(const store::Project& project, const VectorIndex& index) {
    return guarded([&] {
        const auto& meta = index.meta();
        auto st = project.db().prepare(
            "INSERT INTO search_indexes(name, backend, path, model, pooling, instruction, dim, count) VALUES (?,?,?,?,?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET backend=excluded.backend, path=excluded.path, model=excluded.model, "
            "pooling=excluded.pooling, instruction=excluded.instruction, dim=excluded.dim, count=excluded.count");
        // The registry's CHECK constraint (schema v1) names FAISS-backed indexes "faiss".
        const std::string backend = meta.backend == Backend::IvfPq ? "faiss" : toString(meta.backend);
        st.bindAll(meta.name, backend, std::filesystem::absolute(index.dir()).string(), meta.model,
                   meta.pooling, meta.instruction, std::int64_t(meta.dim), std::int64_t(meta.count));
        st.run();
    }, "db");
}

Result<std::filesystem::path> findIndex(const store::Project& project, const std::string& name) {
    return guarded([&] {
        auto st = project.db().prepare("SELECT path FROM search_indexes WHERE name = ?");
        st.bind(1, name);
        if (!st.step()) throw Failure("not_found", project.path().string() + ": no index named '" + name + "'");
        return std::filesystem::path(st.getText(0));
    }, "db");
}

Result<std::vector<RegisteredIndex>> listIndexes(const store::Project& project) {
    return guarded([&] {
        auto st = project.db().prepare(
            "SELECT name, backend, path, model, pooling, instruction, dim, count, created_at FROM search_indexes ORDER BY name");
        std::vector<RegisteredIndex> out;
        while (st.step())
            out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4), st.getText(5),
                           st.getText(8), st.getInt(6), st.getInt(7)});
        return out;
    }, "db");
}

Result<std::vector<ItemMeta>> projectSampleItems(const store::Project& project, const std::string& field) {
    return guarded([&] {
        // One fixed statement per field (no column name is spliced into SQL).
        static constexpr const char* kPositive =
            "SELECT id, positive, family, language FROM samples WHERE status IN ('accepted','edited') AND "
            "positive IS NOT NULL AND positive <> '' ORDER BY id";
        static constexpr const char* kQuery =
            "SELECT id, query, family, language FROM samples WHERE status IN ('accepted','edited') AND "
            "query IS NOT NULL AND query <> '' ORDER BY id";
        if (field != "positive" && field != "query")
            throw Failure("usage", "sample field must be positive or query, not '" + field + "'");
        auto st = project.db().prepare(field == "positive" ? kPositive : kQuery);
        std::vector<ItemMeta> out;
        while (st.step()) out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), "", ""});
        return out;
    }, "db");
}

} // namespace synthembed::search
