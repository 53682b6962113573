#pragma once
/// CUDA facts and statistics in plain types. Implemented by cuda_on.cpp when core is built against a
/// CUDA libtorch (PyPI's torch wheel, pytorch.org's CUDA archive) and by cuda_off.cpp otherwise
/// (Debian's CPU-only libtorch); core/CMakeLists.txt picks one, so every CUDA code path is compiled
/// whenever the libtorch has CUDA.

#include <cstdint>
#include <string>
#include <vector>

namespace synthembed::cuda {

/// Whether this build links a CUDA libtorch (libtorch_cuda, c10_cuda, NCCL).
bool compiledIn();

/// CUDA runtime version this build runs on ("13.0"), empty without CUDA.
std::string runtimeVersion();

struct Device {
    int index = 0;
    std::string name;              ///< "NVIDIA H200"
    std::uint64_t totalMemory = 0; ///< bytes
    int major = 0, minor = 0;      ///< compute capability
};

/// The GPUs libtorch sees (empty without CUDA or without a GPU).
std::vector<Device> devices();

struct Memory {
    double allocatedMb = 0;     ///< tensors alive now
    double reservedMb = 0;      ///< held by the caching allocator
    double peakAllocatedMb = 0; ///< since the last resetPeak
};

/// The caching allocator's statistics for one GPU (zeros without CUDA).
Memory memory(int device);
void resetPeak(int device);

} // namespace synthembed::cuda
