#include "core/runtime/torch_runtime.h"

#include "core/platform/platform.h"

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

void setThisThreadOnly(int threads) {
    using SetFn = void (*)(int);
    static SetFn set = [] {
        // The OpenMP runtime libtorch was built with, already loaded by libtorch_cpu.
        for (const char* lib : {"libgomp.so.1", "libomp.so", "libiomp5.so", "libomp.dylib", "libiomp5.dylib",
                                "libiomp5md.dll", "vcomp140.dll"})
            if (void* h = platform::openLibrary(lib))
                if (auto f = reinterpret_cast<SetFn>(platform::librarySymbol(h, "omp_set_num_threads"))) return f;
        return SetFn(nullptr);
    }();
    // libtorch sets a thread's OpenMP team size to its process-wide count on the thread's first
    // parallel call (lazy_init_num_threads); let that happen now, not after the setting below.
    (void)at::get_num_threads();
    if (set)
        set(threads);
    else
        at::set_num_threads(threads);
}

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
