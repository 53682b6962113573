#pragma once
// Private to core: the few libtorch runtime calls, kept out of every other translation unit.
#include <string>

namespace synthembed::detail {
void setTorchThreads(int threads);
int torchThreads();
std::string torchVersion();
int cudaDevices();
} // namespace synthembed::detail
