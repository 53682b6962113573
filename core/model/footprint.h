#pragma once
/// What a model folder will cost in memory, known before anything is loaded: parameter count, the
/// checkpoint's own dtype, the bytes its weights take in each dtype, and whether that fits the machine.
/// Plain C++ (reads the safetensors headers only): the CLI, the GUI's model pickers and the loader use it.
///
/// Example:
///   auto fp = model::footprint("models/e5-mistral-7b");
///   if (!fp) return fp.error();
///   std::printf("%.1f B parameters, %s, %.1f GB in bfloat16\n", fp->parameters / 1e9,
///               fp->fileDtype.c_str(), fp->weightBytes("bfloat16") / 1e9);

#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace synthembed::model {

struct Footprint {
    std::uint64_t parameters = 0;    ///< floating-point elements the model loads (LM head excluded unless asked)
    std::uint64_t fileBytes = 0;     ///< bytes of those tensors in the file(s)
    std::string fileDtype;           ///< dominant dtype by bytes, as the --dtype option names it ("bfloat16")
    /// Bytes of the weights held as `dtype` ("float32", "bfloat16", "float16").
    std::uint64_t weightBytes(const std::string& dtype) const;
};

/// Reads the checkpoint headers of a model folder (or one .safetensors file). `lmHead`: count
/// lm_head.* too (decoders loaded for generation).
Result<Footprint> footprint(const std::filesystem::path& modelDir, bool lmHead = false);
class Checkpoint;
Footprint footprint(const Checkpoint& checkpoint, bool lmHead = false);

/// Memory kept free for the runtime, activations and the rest of the process when deciding whether a
/// model fits (1 GiB).
inline constexpr std::uint64_t kRuntimeReserveBytes = 1ull << 30;

/// The CPU dtype for `requested` ("auto", "float32", ...) given the checkpoint and the machine's memory
/// (`physicalBytes`, 0 = unknown): auto is float32 unless the checkpoint is 16-bit and its float32
/// weights would not fit, then bfloat16 (`why` says so). Throws Failure("memory") naming what is
/// needed and which --dtype would fit when the chosen dtype cannot fit at all.
std::string chooseCpuDtype(const std::string& requested, const Footprint& fp, std::uint64_t physicalBytes,
                           const std::string& modelName, std::string* why = nullptr);

/// Memory a CPU training run needs before activations: full fine-tuning holds float32 weights,
/// gradients and AdamW's two moments (16 bytes per parameter); LoRA holds the float32 base weights
/// (4 bytes per parameter; adapters and their optimizer state are small).
std::uint64_t cpuTrainingBytes(const Footprint& fp, bool fullFineTune);

/// Throws Failure("memory") with the estimate when a CPU training run cannot fit this machine
/// (`physicalBytes`, 0 = unknown: no check): one line with the estimate, what it is made of, and that
/// such a model trains on a GPU.
void checkCpuTrainingFits(const Footprint& fp, bool fullFineTune, std::uint64_t physicalBytes,
                          const std::string& modelName);

/// "14.2 GB" (from 1 GB), "16.0 MB" below
std::string formatGigabytes(std::uint64_t bytes);

} // namespace synthembed::model
