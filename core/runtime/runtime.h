#pragma once
/// Process-wide start-up shared by the GUI and the CLI.

#include <string>
#include <vector>
#include <utility>

namespace synthembed {

struct RuntimeOptions {
    int threads = 0; ///< compute threads for libtorch; 0 = all cores of the machine
};

/// Call once at the start of main(): sets libtorch's thread count from the machine (it defaults
/// to 1 on some builds), keeps large freed blocks in the allocator (fresh pages cost ~11 us each
/// on VMs), and registers what a new project is seeded with.
void initialize(const RuntimeOptions& options = {});

/// The start-up settings of the threading runtimes in effect (OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT)
/// and who set them. Any program that links initialize() sets them itself: when one is unset, the
/// program re-executes itself once at start-up, before libgomp and OpenBLAS load, with the missing
/// ones added (values the user set win; SYNTHEMBED_NO_SELF_TUNING=1 turns this off). Linux/glibc.
std::string runtimeTuning();

/// Compute threads in effect.
int computeThreads();

/// Applies the configured compute threads to the calling thread. libtorch's OpenMP pool size is
/// per thread, so long jobs that run on worker threads (GUI jobs, thread pools) call this first.
void useComputeThreads();

/// Library versions for About dialogs and `version --json`: synthembed, SQLite, libcurl, libtorch.
std::vector<std::pair<std::string, std::string>> versionInfo();

/// Whether libtorch sees a CUDA device, and how many.
int cudaDeviceCount();

} // namespace synthembed
