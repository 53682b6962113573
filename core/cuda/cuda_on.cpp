// Built when the libtorch has CUDA: device facts, the caching allocator's statistics, and the NCCL
// process group for multi-GPU / multi-node training.
#include "core/cuda/cuda.h"

#include "core/train/c10d_group.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>

#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

namespace synthembed::cuda {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;
constexpr auto kAggregate = 0; // StatType::AGGREGATE
} // namespace

bool compiledIn() {
    return true;
}

std::string runtimeVersion() {
    int v = 0;
    if (cudaRuntimeGetVersion(&v) != cudaSuccess) return "unknown";
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::vector<Device> devices() {
    std::vector<Device> out;
    int n = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
    for (int i = 0; i < n; ++i) {
        const cudaDeviceProp* p = at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(i));
        out.push_back({i, p->name, static_cast<std::uint64_t>(p->totalGlobalMem), p->major, p->minor});
    }
    return out;
}

Memory memory(int device) {
    if (!torch::cuda::is_available()) return {};
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
    Memory m;
    m.allocatedMb = static_cast<double>(stats.allocated_bytes[kAggregate].current) / kMiB;
    m.reservedMb = static_cast<double>(stats.reserved_bytes[kAggregate].current) / kMiB;
    m.peakAllocatedMb = static_cast<double>(stats.allocated_bytes[kAggregate].peak) / kMiB;
    return m;
}

void resetPeak(int device) {
    if (torch::cuda::is_available())
        c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
}

} // namespace synthembed::cuda

namespace synthembed::train {

std::unique_ptr<Distributed> connectNccl(const DistributedOptions& options) {
    try {
        int n = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
        if (options.localRank >= n)
            throw Failure("train_dist", "LOCAL_RANK " + std::to_string(options.localRank) + " needs GPU " +
                                            std::to_string(options.localRank) + " but this machine shows " +
                                            std::to_string(n) + " CUDA device(s)");
        c10::cuda::set_device(static_cast<c10::DeviceIndex>(options.localRank));
        auto store = c10d_group::openStore(options);
        auto opts = c10d::ProcessGroupNCCL::Options::create();
        opts->timeout = std::chrono::milliseconds(options.timeoutSeconds * 1000LL);
        auto pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, options.rank, options.worldSize, opts);
        log::info("distributed: rank ", options.rank, "/", options.worldSize, " joined ", options.masterAddr,
                  ":", options.masterPort, " (nccl, cuda:", options.localRank, ")");
        return std::make_unique<c10d_group::GroupDistributed<c10d::ProcessGroupNCCL>>(
            options, store, pg,
            torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.localRank)));
    } catch (const Failure&) {
        throw;
    } catch (const std::exception& e) {
        throw Failure("train_dist", "cannot join the NCCL process group at " + options.masterAddr + ":" +
                                        std::to_string(options.masterPort) + " as rank " +
                                        std::to_string(options.rank) + "/" +
                                        std::to_string(options.worldSize) + ": " + e.what());
    }
}

} // namespace synthembed::train
