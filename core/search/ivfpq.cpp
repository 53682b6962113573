#include "core/search/ivfpq.h"

#include "core/util/result.h"

#ifdef SYNTHEMBED_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <omp.h>
#endif

#include <algorithm>
#include <string>

namespace synthembed::search::detail {

#ifdef SYNTHEMBED_HAVE_FAISS

namespace {
using FaissId = decltype(faiss::Index::ntotal);
static_assert(sizeof(FaissId) == sizeof(std::int64_t));

// FAISS parallelises with OpenMP. On small inputs a thread team costs more than it saves, and on a
// busy machine a spinning team waits for descheduled members: training 4000 x 32 vectors took 9 s
// with 2 threads on 2 cores under load 4, 0.6 s with one. Below this much work (floats touched)
// FAISS runs on the calling thread only; the setting is per thread and restored afterwards.
constexpr std::size_t kParallelWork = std::size_t(1) << 24;
class OmpLimit {
public:
    explicit OmpLimit(std::size_t work) : m_saved(omp_get_max_threads()) {
        if (work < kParallelWork) omp_set_num_threads(1);
    }
    ~OmpLimit() { omp_set_num_threads(m_saved); }
    OmpLimit(const OmpLimit&) = delete;
    OmpLimit& operator=(const OmpLimit&) = delete;

private:
    int m_saved;
};

template <class Fn>
auto callFaiss(const std::string& what, Fn&& fn) {
    try {
        return fn();
    } catch (const faiss::FaissException& e) {
        throw Failure("index", "ivfpq: " + what + ": " + e.msg);
    }
}
} // namespace

struct IvfPq::Impl {
    std::unique_ptr<faiss::IndexIVFPQ> index;
};

bool faissAvailable() { return true; }

IvfPq::IvfPq(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
IvfPq::~IvfPq() = default;

std::unique_ptr<IvfPq> IvfPq::train(std::size_t dim, const IvfPqParams& p, const float* x, std::size_t n) {
    if (dim == 0) throw Failure("usage", "ivfpq: the dimension is 0");
    if (p.nlist == 0) throw Failure("usage", "ivfpq: --nlist must be at least 1");
    if (p.m == 0 || dim % p.m != 0)
        throw Failure("usage", "ivfpq: --m " + std::to_string(p.m) + " must divide the dimension " + std::to_string(dim) +
                                   " (each subquantizer codes dim/m components)");
    if (p.nbits < 1 || p.nbits > 16) throw Failure("usage", "ivfpq: --nbits must be between 1 and 16, not " + std::to_string(p.nbits));
    if (p.nprobe == 0) throw Failure("usage", "ivfpq: --nprobe must be at least 1");
    const std::size_t codes = std::size_t(1) << p.nbits;
    const std::size_t need = std::max(p.nlist, codes);
    if (n < need)
        throw Failure("usage", "ivfpq: training needs at least " + std::to_string(need) + " vectors (nlist " +
                                   std::to_string(p.nlist) + ", 2^nbits " + std::to_string(codes) + " PQ centroids), got " +
                                   std::to_string(n) + "; add more vectors in the first batch or lower --nlist/--nbits");
    auto impl = std::make_unique<Impl>();
    const OmpLimit limit(n * dim);
    callFaiss("train", [&] {
        auto* quantizer = new faiss::IndexFlatIP(FaissId(dim));
        impl->index = std::make_unique<faiss::IndexIVFPQ>(quantizer, FaissId(dim), p.nlist, p.m, p.nbits,
                                                          faiss::METRIC_INNER_PRODUCT);
        impl->index->own_fields = true; // the IVF index deletes its quantizer
        impl->index->nprobe = p.nprobe;
        impl->index->train(FaissId(n), x);
    });
    return std::unique_ptr<IvfPq>(new IvfPq(std::move(impl)));
}

std::unique_ptr<IvfPq> IvfPq::load(const std::filesystem::path& path, std::size_t nprobe) {
    auto impl = std::make_unique<Impl>();
    std::unique_ptr<faiss::Index> any;
    try {
        any.reset(faiss::read_index(path.string().c_str()));
    } catch (const faiss::FaissException& e) {
        throw Failure("corrupt", path.string() + ": " + e.msg);
    }
    auto* ivf = dynamic_cast<faiss::IndexIVFPQ*>(any.get());
    if (!ivf) throw Failure("corrupt", path.string() + ": not a FAISS IndexIVFPQ");
    any.release();
    impl->index.reset(ivf);
    impl->index->nprobe = std::max<std::size_t>(1, nprobe);
    return std::unique_ptr<IvfPq>(new IvfPq(std::move(impl)));
}

void IvfPq::add(const float* x, const std::int64_t* ids, std::size_t n) {
    const OmpLimit limit(n * std::size_t(m->index->d));
    callFaiss("add", [&] { m->index->add_with_ids(FaissId(n), x, reinterpret_cast<const FaissId*>(ids)); });
}

std::size_t IvfPq::remove(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return 0;
    return callFaiss("remove", [&] {
        faiss::IDSelectorBatch sel(ids.size(), reinterpret_cast<const FaissId*>(ids.data()));
        return std::size_t(m->index->remove_ids(sel));
    });
}

std::vector<std::int64_t> IvfPq::search(const float* q, std::size_t nq, std::size_t fetch) const {
    std::vector<std::int64_t> labels(nq * fetch, -1);
    if (nq == 0 || fetch == 0) return labels;
    std::vector<float> dist(nq * fetch);
    const auto& ivf = *m->index;
    const std::size_t perList = std::size_t(ivf.ntotal) / std::max<std::size_t>(1, ivf.nlist) + 1;
    const OmpLimit limit(nq * std::min(ivf.nprobe, ivf.nlist) * perList * ivf.pq.M);
    callFaiss("search", [&] {
        m->index->search(FaissId(nq), q, FaissId(fetch), dist.data(), reinterpret_cast<FaissId*>(labels.data()));
    });
    return labels;
}

void IvfPq::setNprobe(std::size_t nprobe) { m->index->nprobe = std::max<std::size_t>(1, nprobe); }
std::size_t IvfPq::size() const { return std::size_t(m->index->ntotal); }

void IvfPq::save(const std::filesystem::path& path) const {
    try {
        faiss::write_index(m->index.get(), path.string().c_str());
    } catch (const faiss::FaissException& e) {
        throw Failure("io", path.string() + ": " + e.msg);
    }
}

#else // !SYNTHEMBED_HAVE_FAISS

struct IvfPq::Impl {};

namespace {
[[noreturn]] void noFaiss() {
    throw Failure("unsupported", "the ivfpq backend is not available: synthembed was built without FAISS "
                                 "(install libfaiss-dev and reconfigure)");
}
} // namespace

bool faissAvailable() { return false; }
IvfPq::IvfPq(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
IvfPq::~IvfPq() = default;
std::unique_ptr<IvfPq> IvfPq::train(std::size_t, const IvfPqParams&, const float*, std::size_t) { noFaiss(); }
std::unique_ptr<IvfPq> IvfPq::load(const std::filesystem::path&, std::size_t) { noFaiss(); }
void IvfPq::add(const float*, const std::int64_t*, std::size_t) { noFaiss(); }
std::size_t IvfPq::remove(const std::vector<std::int64_t>&) { noFaiss(); }
std::vector<std::int64_t> IvfPq::search(const float*, std::size_t, std::size_t) const { noFaiss(); }
void IvfPq::setNprobe(std::size_t) {}
std::size_t IvfPq::size() const { return 0; }
void IvfPq::save(const std::filesystem::path&) const { noFaiss(); }

#endif

} // namespace synthembed::search::detail
