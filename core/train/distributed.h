#pragma once
// Core-internal (torch): data-parallel collectives over libtorch's c10d (Gloo on CPU, NCCL on
// CUDA when the libtorch has it), rendezvous through a TCPStore configured like torchrun:
// MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::train {

struct DistributedOptions {
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int timeoutSeconds = 300;
    bool cuda = false; ///< NCCL over the rank's GPU (cuda:LOCAL_RANK) instead of Gloo on the CPU
};

/// The environment's settings, or nullopt when WORLD_SIZE is unset or 1 (single process).
/// Throws Failure naming the variable when one is malformed or missing.
std::optional<DistributedOptions> distributedFromEnvironment();

/// Whether this build can run multi-process on the CPU (c10d with Gloo compiled in).
bool distributedAvailable();

class Distributed {
public:
    /// Joins the process group (blocks until every rank has joined or the timeout passes): NCCL
    /// when options.cuda, else Gloo. Throws Failure("train_dist") naming the master and rank.
    static std::unique_ptr<Distributed> connect(const DistributedOptions& options);
    virtual ~Distributed() = default;

    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    virtual int localRank() const = 0;

    /// Concatenates every rank's rows (row counts may differ between ranks); no gradient.
    virtual torch::Tensor allGatherRows(const torch::Tensor& local) = 0;
    /// In-place sum over ranks of every tensor (flattened into one buffer per dtype).
    virtual void allReduceSum(const std::vector<torch::Tensor>& tensors) = 0;
    /// Rank 0's values into every rank's tensors (in place).
    virtual void broadcast(const std::vector<torch::Tensor>& tensors) = 0;
    virtual void barrier() = 0;

    /// Rows of every rank with this rank's slice replaced by `local` itself, so the result is
    /// differentiable with respect to the local rows only. Returns the gathered tensor and the
    /// row offset of the local slice.
    std::pair<torch::Tensor, std::int64_t> gatherKeepLocalGrad(const torch::Tensor& local);
    /// Sum of an int over ranks.
    std::int64_t sumInt(std::int64_t value);
    /// Every rank's row count (all-gathered).
    std::vector<std::int64_t> gatherCounts(std::int64_t count);
};

/// NCCL over cuda:LOCAL_RANK (defined in core/cuda/: cuda_on.cpp in CUDA builds; cuda_off.cpp
/// throws Failure("train_dist") saying that this build has no CUDA).
std::unique_ptr<Distributed> connectNccl(const DistributedOptions& options);

} // namespace synthembed::train
