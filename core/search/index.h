#pragma once
/// A persisted vector index over texts with metadata (id, text, family, language, label): exact
/// (chunked matrix product) or approximate (hnswlib HNSW, or FAISS IVF-PQ when built with FAISS).
/// Files: meta.json, vectors.f32 (rows of float32), items.jsonl, plus hnsw.bin for the HNSW backend or
/// ivfpq.faiss (faiss::write_index) for the IVF-PQ backend, in a version folder DIR/v000001 named
/// by DIR/CURRENT. save() writes a new version and switches CURRENT atomically, so the index on disk
/// is always one whole version (see index.cpp).
/// The project database keeps a registry row per index (search_indexes).

#include "core/search/exact.h"
#include "core/search/matrix.h"
#include "core/store/project.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::search {

enum class Backend { Exact, Hnsw, IvfPq };
std::string toString(Backend b);
std::optional<Backend> parseBackend(const std::string& s);
/// False for IvfPq in a build without FAISS (creating or opening such an index then fails with
/// "... built without FAISS ...").
bool backendAvailable(Backend b);

struct IndexMeta {
    std::string name;
    Backend backend = Backend::Exact;
    std::string metric = "cosine";  ///< "cosine" (vectors normalised on add and query) or "ip"
    std::string model;               ///< model the vectors came from (path or encoder spec)
    std::string fingerprint;         ///< that model's fingerprint (checked when querying)
    std::string pooling;
    std::string instruction;         ///< query-side instruction to use when searching
    std::size_t dim = 0;
    std::size_t count = 0;
    // HNSW parameters (hnswlib's M, ef_construction, ef)
    std::size_t hnswM = 16;
    std::size_t efConstruction = 200;
    std::size_t efSearch = 64;
    // IVF-PQ parameters (FAISS IndexIVFPQ): inverted lists, PQ subquantizers (must divide dim), bits
    // per code, lists probed per query. nlist = 0 and pqM = 0 pick defaults when the index is trained
    // (on its first add): nlist = min(4 sqrt(n), n / 39), pqM = the largest divisor of dim <= dim / 4.
    std::size_t nlist = 0;
    std::size_t pqM = 0;
    std::size_t pqNbits = 8;
    std::size_t nprobe = 16;
};

struct ItemMeta {
    std::int64_t id = -1;
    std::string text, family, language, label;
    std::string key; ///< the source's own id when it is not a number (e.g. a BEIR _id)
};

/// Empty fields match everything.
struct SearchFilter {
    std::string family, language, label;
    bool empty() const { return family.empty() && language.empty() && label.empty(); }
    bool matches(const ItemMeta& m) const {
        return (family.empty() || m.family == family) && (language.empty() || m.language == language) &&
               (label.empty() || m.label == label);
    }
};

struct SearchHit {
    std::int64_t id = -1;
    float score = 0;
    const ItemMeta* item = nullptr; ///< valid while the index lives and is not modified
};

class VectorIndex {
public:
    /// A new empty index (in memory until save()).
    static Result<VectorIndex> create(const std::filesystem::path& dir, IndexMeta meta);
    /// Loads an index folder written by save().
    static Result<VectorIndex> open(const std::filesystem::path& dir);

    VectorIndex(VectorIndex&&) noexcept;
    VectorIndex& operator=(VectorIndex&&) noexcept;
    ~VectorIndex();

    const IndexMeta& meta() const;
    const std::filesystem::path& dir() const;
    std::size_t size() const;

    /// Adds rows with their items; ids must be new (an id present already is an error).
    Status add(const Matrix& vectors, const std::vector<ItemMeta>& items, const ProgressHooks& hooks = {});
    /// Removes ids; returns how many were present.
    Result<std::size_t> remove(const std::vector<std::int64_t>& ids);
    /// Top-k per query row, best first, restricted by the filter.
    Result<std::vector<std::vector<SearchHit>>> search(const Matrix& queries, std::size_t k,
                                                       const SearchFilter& filter = {}, const ProgressHooks& hooks = {}) const;
    /// HNSW search breadth (ignored by the other backends).
    void setEfSearch(std::size_t ef);
    /// IVF-PQ lists probed per query (ignored by the other backends).
    void setNprobe(std::size_t nprobe);

    /// Writes all files as a new version folder (each file fsync'ed), then replaces DIR/CURRENT
    /// atomically and removes older versions: after a crash at any point open() finds the old or
    /// the new index.
    Status save() const;

    /// The stored vectors (normalised for cosine) and items, row-aligned (for maps, export).
    const Matrix& vectors() const;
    const std::vector<ItemMeta>& items() const;
    const ItemMeta* item(std::int64_t id) const;

private:
    VectorIndex();
    static Result<VectorIndex> load(const std::filesystem::path& dir, const std::filesystem::path& data);
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// Whether DIR holds a saved index (either layout).
bool isIndexFolder(const std::filesystem::path& dir);

/// Registers (or updates) an index in the project's search_indexes table.
Status registerIndex(const store::Project& project, const VectorIndex& index);
/// Folder of a registered index by name.
Result<std::filesystem::path> findIndex(const store::Project& project, const std::string& name);
struct RegisteredIndex {
    std::string name, backend, path, model, pooling, instruction, createdAt;
    std::int64_t dim = 0, count = 0;
};
Result<std::vector<RegisteredIndex>> listIndexes(const store::Project& project);

/// The project's accepted or edited samples as index items (id, text, family, language), by id;
/// `field` names the text: "positive" or "query" (anything else fails with code "usage").
/// Samples whose field is empty are left out.
Result<std::vector<ItemMeta>> projectSampleItems(const store::Project& project, const std::string& field);

} // namespace synthembed::search
