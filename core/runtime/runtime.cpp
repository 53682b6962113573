#include "core/runtime/runtime.h"

#include "core/cuda/cuda.h"
#include "core/prompts/prompt_store.h"
#include "core/runtime/torch_runtime.h"
#include "core/store/sqlite.h"

#include <curl/curl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#ifndef SYNTHEMBED_VERSION
#define SYNTHEMBED_VERSION "0.0.0"
#endif

#if defined(__linux__) && defined(__GLIBC__)
#include <cstring>
#include <unistd.h>
#define SYNTHEMBED_SELF_TUNING 1
#endif

namespace synthembed {

namespace {
std::atomic<int> g_threads{0};

#ifdef SYNTHEMBED_SELF_TUNING
// Start-up settings of the threading runtimes that they read only while they load, before main():
// libgomp (libtorch's OpenMP) and OpenBLAS. Spinning OpenMP workers and OpenBLAS threads that
// spin ~0.1 s after every call fight over the cores (shared/anchors/README.md, fact 3): BERT-base
// forward ran 28% slower without them on a quiet 2-core machine, 2x slower on a busy one.
constexpr const char* kStartupEnv[] = {"OMP_WAIT_POLICY=PASSIVE", "OPENBLAS_THREAD_TIMEOUT=4"};
constexpr const char kTunedMarker[] = "SYNTHEMBED_SELF_TUNED=1";
constexpr const char kOptOut[] = "SYNTHEMBED_NO_SELF_TUNING";

bool hasVariable(char** envp, const char* assignment) {
    const char* eq = std::strchr(assignment, '=');
    const std::size_t n = eq ? static_cast<std::size_t>(eq - assignment) : std::strlen(assignment);
    for (char** e = envp; *e; ++e)
        if (std::strncmp(*e, assignment, n) == 0 && (*e)[n] == '=') return true;
    return false;
}

// Runs from the executable's .preinit_array: before any shared library's constructor, so before
// libgomp and OpenBLAS read their variables. Setting them in this process is too late (and
// setenv here does not survive libc's own start-up), so when one is missing the program
// re-executes itself once with them added; variables the user set are kept as they are. Only
// the loader's relocations are paid twice (~0.1 s): no constructor of the first image has run.
// No allocation and no libc state are used here: libc is not initialised yet.
void tuneBeforeLibrariesStart(int, char** argv, char** envp) {
    if (!argv || !argv[0] || !envp || hasVariable(envp, kOptOut) || hasVariable(envp, kTunedMarker)) return;
    for (char** e = envp; *e; ++e) // valgrind's /proc/self/exe is the tool, not the program
        if (std::strncmp(*e, "LD_PRELOAD=", 11) == 0 && std::strstr(*e, "vgpreload")) return;
    static char* env[1024];
    constexpr std::size_t kAdded = sizeof kStartupEnv / sizeof kStartupEnv[0] + 2; // + marker, + null
    std::size_t n = 0;
    for (char** e = envp; *e; ++e) {
        if (n + kAdded >= sizeof env / sizeof env[0]) return; // an environment this large is left alone
        env[n++] = *e;
    }
    bool missing = false;
    for (const char* v : kStartupEnv)
        if (!hasVariable(envp, v)) env[n++] = const_cast<char*>(v), missing = true;
    if (!missing) return;
    env[n++] = const_cast<char*>(kTunedMarker);
    env[n] = nullptr;
    ::execve("/proc/self/exe", argv, env);
    // Only returns on failure (no /proc): run as the environment is.
}

__attribute__((section(".preinit_array"), used)) void (*const g_tuneAtStart)(int, char**, char**) =
    tuneBeforeLibrariesStart;
#endif
} // namespace

std::string runtimeTuning() {
#ifdef SYNTHEMBED_SELF_TUNING
    std::string out;
    for (const char* v : kStartupEnv) {
        std::string name(v, std::strchr(v, '=') - v);
        const char* value = std::getenv(name.c_str());
        out += (out.empty() ? "" : " ") + name + "=" + (value ? value : "(unset)");
    }
    if (std::getenv(kOptOut)) out += " (self-tuning off: " + std::string(kOptOut) + " is set)";
    else if (std::getenv("SYNTHEMBED_SELF_TUNED")) out += " (set by synthembed at start-up)";
    return out;
#else
    return "not applied on this platform";
#endif
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
