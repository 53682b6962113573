#include "core/runtime/torch_runtime.h"

#include <torch/torch.h>

namespace synthembed::detail {

void setTorchThreads(int threads) {
    at::set_num_threads(threads);
    // Inter-op parallelism is only used by the JIT; one thread avoids a second pool spinning.
    try {
        at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
        // Already set (initialize called twice): harmless.
    }
}

void setTorchThreadsHere(int threads) { at::set_num_threads(threads); }

int torchThreads() { return at::get_num_threads(); }

std::string torchVersion() {
#ifdef TORCH_VERSION
    return TORCH_VERSION;
#else
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
#endif
}

int cudaDevices() { return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0; }

} // namespace synthembed::detail
