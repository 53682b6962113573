#pragma once
// Core-internal (torch, c10d): the collectives of train::Distributed over any c10d process group
// (Gloo on CPU in distributed.cpp, NCCL on CUDA in core/cuda/cuda_on.cpp), and the torchrun-style
// TCPStore rendezvous both use. Include only where the c10d headers of that group are available.

#include "core/train/distributed.h"
#include "core/util/log.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace synthembed::train::c10d_group {

// libtorch 2.x's TCPStoreOptions has useLibUV (default true from 2.4), 1.13's has not; builds without
// libuv (Debian's) refuse it with "use_libuv was requested but PyTorch was build without libuv support".
template <class O> auto setLibuv(O& o, bool on, int) -> decltype(o.useLibUV = on, true) {
    o.useLibUV = on;
    return true;
}
template <class O> bool setLibuv(O&, bool, long) {
    return false;
}

/// The rendezvous: rank 0 serves the store at MASTER_ADDR:MASTER_PORT, every rank connects.
inline c10::intrusive_ptr<c10d::TCPStore> openStore(const DistributedOptions& o) {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.masterPort);
    so.isServer = o.rank == 0;
    so.numWorkers = o.worldSize;
    so.waitWorkers = true;
    so.timeout = std::chrono::seconds(o.timeoutSeconds);
    try {
        return c10::make_intrusive<c10d::TCPStore>(o.masterAddr, so);
    } catch (const std::exception& e) {
        // Retry without libuv only when that is what failed (the message names it).
        if (std::string(e.what()).find("libuv") == std::string::npos || !setLibuv(so, false, 0)) throw;
        log::debug("distributed: this libtorch has no libuv; using the classic TCPStore");
        return c10::make_intrusive<c10d::TCPStore>(o.masterAddr, so);
    }
}

/// Distributed over one c10d process group whose collectives take tensors on `device` (CPU for
/// Gloo, the rank's GPU for NCCL).
template <class Group> class GroupDistributed final : public Distributed {
  public:
    GroupDistributed(const DistributedOptions& o, c10::intrusive_ptr<c10d::Store> store,
                     c10::intrusive_ptr<Group> group, torch::Device device)
        : m_o(o), m_store(std::move(store)), m_pg(std::move(group)), m_device(device) {}
    int rank() const override { return m_o.rank; }
    int worldSize() const override { return m_o.worldSize; }
    int localRank() const override { return m_o.localRank; }

    torch::Tensor allGatherRows(const torch::Tensor& local) override {
        auto src = local.detach().contiguous().to(m_device);
        // allgather wants equal shapes: pad to the largest row count.
        auto cnt = torch::full({1}, src.size(0), torch::TensorOptions(torch::kLong).device(m_device));
        std::vector<std::vector<at::Tensor>> outC(1);
        for (int r = 0; r < worldSize(); ++r)
            outC[0].push_back(torch::empty_like(cnt));
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
        for (int r = 0; r < worldSize(); ++r)
            out[0].push_back(torch::empty(shape, src.options()));
        std::vector<at::Tensor> in{padded};
        m_pg->allgather(out, in)->wait();
        std::vector<torch::Tensor> parts;
        for (int r = 0; r < worldSize(); ++r)
            parts.push_back(out[0][r].slice(0, 0, counts[r]));
        return torch::cat(parts, 0).to(local.device());
    }

    void allReduceSum(const std::vector<torch::Tensor>& tensors) override {
        if (tensors.empty()) return;
        // One flat buffer per dtype: one collective instead of hundreds.
        std::map<c10::ScalarType, std::vector<torch::Tensor>> byType;
        for (const auto& t : tensors)
            byType[t.scalar_type()].push_back(t);
        for (auto& [type, list] : byType) {
            std::vector<torch::Tensor> flat;
            for (const auto& t : list)
                flat.push_back(t.detach().reshape(-1).to(m_device));
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
            std::vector<at::Tensor> buf{t.detach().contiguous().to(m_device)};
            m_pg->broadcast(buf)->wait();
            torch::NoGradGuard ng;
            t.copy_(buf[0]);
        }
    }

    void barrier() override { m_pg->barrier()->wait(); }

  private:
    DistributedOptions m_o;
    c10::intrusive_ptr<c10d::Store> m_store;
    c10::intrusive_ptr<Group> m_pg;
    torch::Device m_device;
};

} // namespace synthembed::train::c10d_group
