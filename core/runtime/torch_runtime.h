#pragma once
// Private to core: the few libtorch runtime calls, kept out of every other translation unit.
#include <string>

namespace synthembed::detail {
void setTorchThreads(int threads);
/// Only the calling thread's pool size (no inter-op set-up).
void setTorchThreadsHere(int threads);
/// The calling thread's OpenMP team size only (omp_set_num_threads, a per-thread setting), leaving
/// libtorch's process-wide thread count alone; falls back to setTorchThreadsHere where no OpenMP
/// runtime is found. For worker threads that each run their own small products.
void setThisThreadOnly(int threads);
int torchThreads();
std::string torchVersion();
int cudaDevices();
} // namespace synthembed::detail
