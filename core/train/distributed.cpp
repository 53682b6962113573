#include "core/train/distributed.h"

#include "core/util/log.h"
#include "core/util/result.h"

#if !defined(SYNTHEMBED_NO_GLOO) && __has_include(<gloo/config.h>) && \
    __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include "core/train/c10d_group.h"
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
    if (*end != '\0') throw Failure("train_dist", std::string("environment variable ") + name + "='" + v + "' is not an integer");
    return x;
}
} // namespace

std::optional<DistributedOptions> distributedFromEnvironment() {
    auto world = envInt("WORLD_SIZE");
    if (!world || *world <= 1) return std::nullopt;
    DistributedOptions o;
    o.worldSize = static_cast<int>(*world);
    auto rank = envInt("RANK");
    if (!rank) throw Failure("train_dist", "WORLD_SIZE is " + std::to_string(*world) + " but RANK is not set");
    o.rank = static_cast<int>(*rank);
    if (o.rank < 0 || o.rank >= o.worldSize)
        throw Failure("train_dist", "RANK " + std::to_string(o.rank) + " is outside [0, WORLD_SIZE=" + std::to_string(o.worldSize) + ")");
    o.localRank = static_cast<int>(envInt("LOCAL_RANK").value_or(0));
    if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.masterAddr = a;
    else throw Failure("train_dist", "WORLD_SIZE is set but MASTER_ADDR is not");
    auto port = envInt("MASTER_PORT");
    if (!port) throw Failure("train_dist", "WORLD_SIZE is set but MASTER_PORT is not");
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
std::unique_ptr<Distributed> Distributed::connect(const DistributedOptions& options) {
    if (options.cuda) return connectNccl(options);
    try {
        auto store = c10d_group::openStore(options);
        auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(options.timeoutSeconds));
        // Bind to the interface that reaches the master: its own hostname may not resolve.
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
            options.masterAddr == "127.0.0.1" || options.masterAddr == "localhost" ? "127.0.0.1" : options.masterAddr));
        auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, options.rank, options.worldSize, opts);
        log::info("distributed: rank ", options.rank, "/", options.worldSize, " joined ", options.masterAddr, ":",
                  options.masterPort, " (gloo)");
        return std::make_unique<c10d_group::GroupDistributed<c10d::ProcessGroupGloo>>(options, store, pg,
                                                                                        torch::Device(torch::kCPU));
    } catch (const std::exception& e) {
        throw Failure("train_dist", "cannot join the process group at " + options.masterAddr + ":" +
                                        std::to_string(options.masterPort) + " as rank " + std::to_string(options.rank) +
                                        "/" + std::to_string(options.worldSize) + " (gloo): " + e.what());
    }
}
#else
std::unique_ptr<Distributed> Distributed::connect(const DistributedOptions& options) {
    if (options.cuda) return connectNccl(options);
    throw Failure("train_dist", "this build has no multi-process support: libtorch's c10d Gloo headers "
                                "(<gloo/config.h>, Debian package libgloo-dev) were not found at build time");
}
#endif

} // namespace synthembed::train
