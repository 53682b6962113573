#include "core/model/footprint.h"

#include "core/model/safetensors.h"

#include <cstdio>
#include <map>

namespace synthembed::model {

namespace {

std::uint64_t elementSize(const std::string& dtype) {
    if (dtype == "float32" || dtype == "fp32") return 4;
    if (dtype == "float64") return 8;
    return 2; // bfloat16, float16
}

const char* optionName(DType d) {
    switch (d) {
    case DType::F64:
        return "float64";
    case DType::F32:
        return "float32";
    case DType::F16:
        return "float16";
    case DType::BF16:
        return "bfloat16";
    default:
        return "";
    }
}

bool isFloat(DType d) { return d == DType::F64 || d == DType::F32 || d == DType::F16 || d == DType::BF16; }

} // namespace

std::uint64_t Footprint::weightBytes(const std::string& dtype) const { return parameters * elementSize(dtype); }

Result<Footprint> footprint(const std::filesystem::path& modelDir, bool lmHead) {
    auto ckpt = Checkpoint::open(modelDir);
    if (!ckpt) return ckpt.error();
    return footprint(*ckpt, lmHead);
}

Footprint footprint(const Checkpoint& checkpoint, bool lmHead) {
    const Checkpoint* ckpt = &checkpoint;
    Footprint fp;
    std::map<std::string, std::uint64_t> bytesByDtype;
    for (const auto& t : ckpt->tensors()) {
        if (!isFloat(t.dtype)) continue;
        if (!lmHead && t.name.rfind("lm_head.", 0) == 0) continue;
        fp.parameters += static_cast<std::uint64_t>(t.numel());
        fp.fileBytes += t.nbytes;
        bytesByDtype[optionName(t.dtype)] += t.nbytes;
    }
    std::uint64_t best = 0;
    for (const auto& [name, bytes] : bytesByDtype)
        if (bytes > best) best = bytes, fp.fileDtype = name;
    return fp;
}

std::string formatGigabytes(std::uint64_t bytes) {
    char buf[32];
    if (bytes >= 1'000'000'000 || bytes == 0)
        std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(bytes) / 1e9);
    else // a small model: "16.0 MB", not "0.0 GB"
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

std::string chooseCpuDtype(const std::string& requested, const Footprint& fp, std::uint64_t physicalBytes,
                           const std::string& modelName, std::string* why) {
    auto need = [&](const std::string& d) { return fp.weightBytes(d) + kRuntimeReserveBytes; };
    auto fits = [&](const std::string& d) { return physicalBytes == 0 || need(d) <= physicalBytes; };
    const bool sixteenBit = fp.fileDtype == "bfloat16" || fp.fileDtype == "float16";
    std::string chosen = requested;
    if (requested.empty() || requested == "auto") {
        chosen = "float32";
        if (sixteenBit && !fits("float32")) {
            chosen = "bfloat16";
            if (why)
                *why = modelName + ": --dtype auto chose bfloat16: the weights are " + fp.fileDtype +
                       " and need " + formatGigabytes(fp.weightBytes("float32")) +
                       " in float32, more than this machine's " + formatGigabytes(physicalBytes);
        }
    } else if (requested == "fp32") {
        chosen = "float32";
    } else if (requested == "bf16") {
        chosen = "bfloat16";
    } else if (requested == "fp16") {
        chosen = "float16";
    }
    if (!fits(chosen)) {
        std::string msg = modelName + ": the weights need " + formatGigabytes(fp.weightBytes(chosen)) + " in " +
                          chosen + " (plus about " + formatGigabytes(kRuntimeReserveBytes) +
                          " to run), this machine has " + formatGigabytes(physicalBytes);
        if (chosen == "float32" && fits("bfloat16"))
            msg += "; --dtype bfloat16 would need " + formatGigabytes(need("bfloat16"));
        else
            msg += "; no dtype fits here (bfloat16 would need " + formatGigabytes(need("bfloat16")) +
                   "): use a machine with more memory or a GPU";
        throw Failure("memory", msg);
    }
    return chosen;
}

std::uint64_t cpuTrainingBytes(const Footprint& fp, bool fullFineTune) {
    return fp.parameters * (fullFineTune ? 16u : 4u);
}

void checkCpuTrainingFits(const Footprint& fp, bool fullFineTune, std::uint64_t physicalBytes,
                          const std::string& modelName) {
    const auto need = cpuTrainingBytes(fp, fullFineTune);
    if (physicalBytes == 0 || need + kRuntimeReserveBytes <= physicalBytes) return;
    char params[32];
    if (fp.parameters >= 1'000'000'000)
        std::snprintf(params, sizeof params, "%.2f B", static_cast<double>(fp.parameters) / 1e9);
    else
        std::snprintf(params, sizeof params, "%.2f M", static_cast<double>(fp.parameters) / 1e6);
    throw Failure("memory",
                  modelName + ": training on the CPU needs about " + formatGigabytes(need) + " before activations (" +
                      (fullFineTune ? "full fine-tuning: float32 weights, gradients and AdamW moments, 16 bytes"
                                    : "LoRA: the float32 base weights, 4 bytes") +
                      " per parameter x " + params + "), this machine has " + formatGigabytes(physicalBytes) +
                      "; a model this size trains on a GPU (--device cuda)");
}

} // namespace synthembed::model
