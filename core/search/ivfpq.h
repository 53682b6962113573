#pragma once
/// The FAISS IVF-PQ backend of VectorIndex (internal to core/search; public headers never see FAISS).
/// Built only when CMake finds FAISS (SYNTHEMBED_HAVE_FAISS); otherwise every constructor and
/// loader throws Failure("unsupported", "... built without FAISS ...").

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace synthembed::search::detail {

/// Whether this build carries the FAISS backend.
bool faissAvailable();

struct IvfPqParams {
    std::size_t nlist = 0;  ///< inverted lists (k-means cells)
    std::size_t m = 0;      ///< PQ subquantizers (must divide the dimension)
    std::size_t nbits = 8;  ///< bits per subquantizer code
    std::size_t nprobe = 16; ///< lists scanned per query
};

/// An IndexIVFPQ with an inner-product flat quantizer; ids are the caller's (add_with_ids).
class IvfPq {
public:
    /// Trains a new index on n x dim row-major vectors (throws Failure with a clear message when the
    /// parameters do not fit the dimension or there are too few vectors to train).
    static std::unique_ptr<IvfPq> train(std::size_t dim, const IvfPqParams& params, const float* x, std::size_t n);
    /// Reads a file written by save() (throws Failure naming the file).
    static std::unique_ptr<IvfPq> load(const std::filesystem::path& path, std::size_t nprobe);
    ~IvfPq();

    void add(const float* x, const std::int64_t* ids, std::size_t n);
    std::size_t remove(const std::vector<std::int64_t>& ids);
    /// Top-`fetch` ids per query (-1 where fewer were found), best first by approximate inner product.
    std::vector<std::int64_t> search(const float* q, std::size_t nq, std::size_t fetch) const;
    void setNprobe(std::size_t nprobe);
    std::size_t size() const;
    void save(const std::filesystem::path& path) const;

    struct Impl;
private:
    explicit IvfPq(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

} // namespace synthembed::search::detail
