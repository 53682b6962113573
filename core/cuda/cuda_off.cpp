// Built when the libtorch has no CUDA (Debian's): the same interface, saying so.
#include "core/cuda/cuda.h"
#include "core/train/distributed.h"
#include "core/util/result.h"

namespace synthembed::cuda {
bool compiledIn() {
    return false;
}
std::string runtimeVersion() {
    return {};
}
std::vector<Device> devices() {
    return {};
}
Memory memory(int) {
    return {};
}
void resetPeak(int) {}
} // namespace synthembed::cuda

namespace synthembed::train {
std::unique_ptr<Distributed> connectNccl(const DistributedOptions&) {
    throw Failure("train_dist", "multi-GPU training (NCCL) needs a build against a CUDA libtorch; this one "
                                "uses a CPU-only libtorch (see the README's GPU section)");
}
} // namespace synthembed::train
