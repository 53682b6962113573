#pragma once
// Private to core: the few libtorch runtime calls, kept out of every other translation unit.
#include <string>

namespace synthembed::detail {
void setTorchThreads(int threads);
/// Only the calling thread's pool size (no inter-op set-up).
void setTorchThreadsHere(int threads);
int torchThreads();
std::string torchVersion();
int cudaDevices();
} // namespace synthembed::detail
