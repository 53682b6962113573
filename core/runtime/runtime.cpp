#include "core/runtime/runtime.h"

#include "core/cuda/cuda.h"
#include "core/prompts/prompt_store.h"
#include "core/runtime/torch_runtime.h"
#include "core/store/sqlite.h"

#include <curl/curl.h>

#include <atomic>
#include <cstdio>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#ifndef SYNTHEMBED_VERSION
#define SYNTHEMBED_VERSION "0.0.0"
#endif

namespace synthembed {

namespace {
std::atomic<int> g_threads{0};
}

void initialize(const RuntimeOptions& options) {
#if defined(__GLIBC__)
    // glibc returns blocks above 32 MiB to the OS on free; every reallocation then pays the page
    // faults again. Keep them (see shared/anchors/README.md, fact 2).
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    g_threads = threads > 0 ? threads : 1;
    detail::setTorchThreads(g_threads);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    prompts::registerProjectSeeder();
}

int computeThreads() { return detail::torchThreads(); }

void useComputeThreads() {
    if (int n = g_threads.load(); n > 0 && detail::torchThreads() != n) detail::setTorchThreadsHere(n);
}

std::vector<std::pair<std::string, std::string>> versionInfo() {
    std::vector<std::pair<std::string, std::string>> v = {
        {"synthembed", SYNTHEMBED_VERSION},
        {"SQLite", db::sqliteVersion()},
        {"libcurl", curl_version_info(CURLVERSION_NOW)->version},
        {"libtorch", detail::torchVersion()},
        {"CUDA", cuda::compiledIn() ? "built with CUDA " + cuda::runtimeVersion()
                                    : "not built with CUDA (CPU-only libtorch)"},
        {"CUDA devices", std::to_string(detail::cudaDevices())},
    };
    for (const auto& d : cuda::devices()) {
        char mem[32];
        std::snprintf(mem, sizeof mem, "%.0f GiB", static_cast<double>(d.totalMemory) / (1024.0 * 1024.0 * 1024.0));
        v.emplace_back("CUDA device " + std::to_string(d.index),
                       d.name + ", " + mem + ", sm_" + std::to_string(d.major) + std::to_string(d.minor));
    }
    return v;
}

int cudaDeviceCount() { return detail::cudaDevices(); }

} // namespace synthembed
