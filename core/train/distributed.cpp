#include "core/train/distributed.h"

#include "core/util/log.h"
#include "core/util/result.h"

#if __has_include(<gloo/config.h>) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#define SYNTHEMBED_HAVE_GLOO 1
#else
#define SYNTHEMBED_HAVE_GLOO 0
#endif

#include <chrono>
#include <cstdlib>

namespace synthembed::train {

namespace {
std::optional<long> envInt(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long x = std::strtol(v, &end, 10);
    if (*end != '\0') throw Failure("train.dist", std::string("environment variable ") + name + "='" + v + "' is not an integer");
    return x;
}
} // namespace

std::optional<DistributedOptions> distributedFromEnvironment() {
    auto world = envInt("WORLD_SIZE");
    if (!world || *world <= 1) return std::nullopt;
    DistributedOptions o;
    o.worldSize = static_cast<int>(*world);
    auto rank = envInt("RANK");
    if (!rank) throw Failure("train.dist", "WORLD_SIZE is " + std::to_string(*world) + " but RANK is not set");
    o.rank = static_cast<int>(*rank);
    if (o.rank < 0 || o.rank >= o.worldSize)
        throw Failure("train.dist", "RANK " + std::to_string(o.rank) + " is outside [0, WORLD_SIZE=" + std::to_string(o.worldSize) + ")");
    o.localRank = static_cast<int>(envInt("LOCAL_RANK").value_or(0));
    if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.masterAddr = a;
    else throw Failure("train.dist", "WORLD_SIZE is set but MASTER_ADDR is not");
    auto port = envInt("MASTER_PORT");
    if (!port) throw Failure("train.dist", "WORLD_SIZE is set but MASTER_PORT is not");
    o.masterPort = static_cast<int>(*port);
    return o;
}

bool distributedAvailable() { return SYNTHEMBED_HAVE_GLOO != 0; }

std::pair<torch::Tensor, std::int64_t> Distributed::gatherKeepLocalGrad(const torch::Tensor& local) {
    auto counts = gatherCounts(local.size(0));
    auto all = allGatherRows(local.detach());
    std::int64_t offset = 0;
    for (int r = 0; r < rank(); ++r) offset += counts[r];
    std::vector<torch::Tensor> parts;
    if (offset > 0) parts.push_back(all.slice(0, 0, offset));
    parts.push_back(local);
    if (offset + local.size(0) < all.size(0)) parts.push_back(all.slice(0, offset + local.size(0)));
    return {torch::cat(parts, 0), offset};
}

std::int64_t Distributed::sumInt(std::int64_t value) {
    auto t = torch::full({1}, value, torch::kLong);
    allReduceSum({t});
    return t.item<std::int64_t>();
}

std::vector<std::int64_t> Distributed::gatherCounts(std::int64_t count) {
    auto t = torch::full({1, 1}, count, torch::kLong);
    auto all = allGatherRows(t).view(-1);
    return std::vector<std::int64_t>(all.data_ptr<std::int64_t>(), all.data_ptr<std::int64_t>() + all.numel());
}

#if SYNTHEMBED_HAVE_GLOO
namespace {
// libtorch 2.x's TCPStoreOptions has useLibUV (default true from 2.4), 1.13's has not; builds without
// libuv (Debian's) refuse it with "use_libuv was requested but PyTorch was build without libuv support".
template <class O>
auto setLibuv(O& o, bool on, int) -> decltype(o.useLibUV = on, true) {
    o.useLibUV = on;
    return true;
}
template <class O>
bool setLibuv(O&, bool, long) {
    return false;
}

c10::intrusive_ptr<c10d::TCPStore> openStore(const std::string& host, c10d::TCPStoreOptions so) {
    try {
        return c10::make_intrusive<c10d::TCPStore>(host, so);
    } catch (const std::exception& e) {
        // Retry without libuv only when that is what failed (the message names it).
        if (std::string(e.what()).find("libuv") == std::string::npos || !setLibuv(so, false, 0)) throw;
        log::debug("distributed: this libtorch has no libuv; using the classic TCPStore");
        return c10::make_intrusive<c10d::TCPStore>(host, so);
    }
}

class GlooDistributed final : public Distributed {
public:
    explicit GlooDistributed(const DistributedOptions& o) : m_o(o) {
        c10d::TCPStoreOptions so;
        so.port = static_cast<std::uint16_t>(o.masterPort);
        so.isServer = o.rank == 0;
        so.numWorkers = o.worldSize;
        so.waitWorkers = true;
        so.timeout = std::chrono::seconds(o.timeoutSeconds);
        m_store = openStore(o.masterAddr, so);
        auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(o.timeoutSeconds));
        // Bind to the interface that reaches the master: its own hostname may not resolve.
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
            o.masterAddr == "127.0.0.1" || o.masterAddr == "localhost" ? "127.0.0.1" : o.masterAddr));
        m_pg = c10::make_intrusive<c10d::ProcessGroupGloo>(m_store, o.rank, o.worldSize, opts);
        log::info("distributed: rank ", o.rank, "/", o.worldSize, " joined ", o.masterAddr, ":", o.masterPort, " (gloo)");
    }
    int rank() const override { return m_o.rank; }
    int worldSize() const override { return m_o.worldSize; }
    int localRank() const override { return m_o.localRank; }

    torch::Tensor allGatherRows(const torch::Tensor& local) override {
        auto src = local.detach().contiguous().cpu();
        // Gloo's allgather wants equal shapes: pad to the largest row count.
        auto cnt = torch::full({1}, src.size(0), torch::kLong);
        std::vector<std::vector<at::Tensor>> outC(1);
        for (int r = 0; r < worldSize(); ++r) outC[0].push_back(torch::empty_like(cnt));
        std::vector<at::Tensor> inC{cnt};
        m_pg->allgather(outC, inC)->wait();
        std::vector<std::int64_t> counts;
        std::int64_t maxRows = 0;
        for (auto& c : outC[0]) {
            counts.push_back(c.item<std::int64_t>());
            maxRows = std::max(maxRows, counts.back());
        }
        auto shape = src.sizes().vec();
        shape[0] = maxRows;
        auto padded = torch::zeros(shape, src.options());
        if (src.size(0) > 0) padded.slice(0, 0, src.size(0)).copy_(src);
        std::vector<std::vector<at::Tensor>> out(1);
        for (int r = 0; r < worldSize(); ++r) out[0].push_back(torch::empty(shape, src.options()));
        std::vector<at::Tensor> in{padded};
        m_pg->allgather(out, in)->wait();
        std::vector<torch::Tensor> parts;
        for (int r = 0; r < worldSize(); ++r) parts.push_back(out[0][r].slice(0, 0, counts[r]));
        return torch::cat(parts, 0).to(local.device());
    }

    void allReduceSum(const std::vector<torch::Tensor>& tensors) override {
        if (tensors.empty()) return;
        // One flat buffer per dtype: one collective instead of hundreds.
        std::map<c10::ScalarType, std::vector<torch::Tensor>> byType;
        for (const auto& t : tensors) byType[t.scalar_type()].push_back(t);
        for (auto& [type, list] : byType) {
            std::vector<torch::Tensor> flat;
            for (const auto& t : list) flat.push_back(t.detach().reshape(-1).cpu());
            std::vector<at::Tensor> buf{torch::cat(flat)};
            m_pg->allreduce(buf)->wait();
            std::int64_t off = 0;
            for (const auto& t : list) {
                auto n = t.numel();
                torch::NoGradGuard ng;
                t.copy_(buf[0].slice(0, off, off + n).view(t.sizes()));
                off += n;
            }
        }
    }

    void broadcast(const std::vector<torch::Tensor>& tensors) override {
        for (const auto& t : tensors) {
            std::vector<at::Tensor> buf{t.detach().contiguous().cpu()};
            m_pg->broadcast(buf)->wait();
            torch::NoGradGuard ng;
            t.copy_(buf[0]);
        }
    }

    void barrier() override { m_pg->barrier()->wait(); }

private:
    DistributedOptions m_o;
    c10::intrusive_ptr<c10d::Store> m_store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> m_pg;
};
} // namespace

std::unique_ptr<Distributed> Distributed::connect(const DistributedOptions& options) {
    try {
        return std::make_unique<GlooDistributed>(options);
    } catch (const std::exception& e) {
        throw Failure("train.dist", "cannot join the process group at " + options.masterAddr + ":" +
                                        std::to_string(options.masterPort) + " as rank " + std::to_string(options.rank) +
                                        "/" + std::to_string(options.worldSize) + ": " + e.what());
    }
}
#else
std::unique_ptr<Distributed> Distributed::connect(const DistributedOptions&) {
    throw Failure("train.dist", "this build has no multi-process support: libtorch's c10d Gloo headers "
                                "(<gloo/config.h>, Debian package libgloo-dev) were not found at build time");
}
#endif

} // namespace synthembed::train
