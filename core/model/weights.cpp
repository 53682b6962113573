#include "core/model/weights.h"

#include "core/platform/platform.h"
#include "core/util/log.h"

#include <algorithm>
#include <cstdint>
#include <set>

namespace synthembed::model {

torch::Tensor viewOf(const TensorView& t) {
    torch::ScalarType st;
    switch (t.dtype) {
    case DType::F64:
        st = torch::kFloat64;
        break;
    case DType::F32:
        st = torch::kFloat32;
        break;
    case DType::F16:
        st = torch::kFloat16;
        break;
    case DType::BF16:
        st = torch::kBFloat16;
        break;
    case DType::I64:
        st = torch::kInt64;
        break;
    case DType::I32:
        st = torch::kInt32;
        break;
    case DType::I16:
        st = torch::kInt16;
        break;
    case DType::I8:
        st = torch::kInt8;
        break;
    case DType::U8:
        st = torch::kUInt8;
        break;
    case DType::Bool:
        st = torch::kBool;
        break;
    default:
        throw Failure("model", t.file.string() + ": tensor '" + t.name + "' has an unsupported dtype");
    }
    return torch::from_blob(const_cast<std::byte*>(t.data), t.shape, torch::TensorOptions().dtype(st));
}

namespace {

/// Reads one byte of every page of [data, data + n) so the file mapping's pages are resident.
void touchPages(const std::byte* data, std::size_t n) {
    constexpr std::size_t kPage = 4096;
    unsigned sum = 0;
    for (std::size_t i = 0; i < n; i += kPage)
        sum += static_cast<unsigned>(*reinterpret_cast<const volatile unsigned char*>(data + i));
    static volatile unsigned sink;
    sink = sum;
}

} // namespace

namespace {

/// Whether the parameter can take the mapped bytes as its storage: same dtype, on the CPU, a
/// contiguous parameter, bytes aligned for the element type (safetensors does not promise it) and a
/// mapping that may be written privately.
bool canUseInPlace(const TensorView& src, const torch::Tensor& view, const torch::Tensor& dst) {
    if (!src.mapping || !src.mapping->writableData() || !dst.device().is_cpu()) return false;
    if (view.scalar_type() != dst.scalar_type() || !dst.is_contiguous()) return false;
    const auto align = static_cast<std::uintptr_t>(dtypeSize(src.dtype));
    return reinterpret_cast<std::uintptr_t>(src.data) % align == 0;
}

} // namespace

std::size_t loadWeights(torch::nn::Module& module, const Checkpoint& ckpt, const NameCandidates& candidates,
                        const ProgressHooks& hooks) {
    torch::NoGradGuard noGrad;
    std::size_t loaded = 0;
    std::size_t inPlaceBytes = 0, copiedBytes = 0;
    std::set<const std::byte*> usedInPlace; // a tensor loaded into two parameters is copied the second time
    // First every source is found and checked (a wrong checkpoint fails before any byte moves, and
    // the progress has its total), then the bytes are placed.
    std::vector<std::pair<const TensorView*, torch::Tensor*>> plan;
    std::int64_t totalBytes = 0;
    auto findOne = [&](const std::string& name, torch::Tensor& dst) {
        const TensorView* src = nullptr;
        auto names = candidates(name);
        for (const auto& n : names)
            if ((src = ckpt.find(n))) break;
        if (!src)
            throw Failure("model", ckpt.source().string() + ": tensor '" + names.front() + "' (shape " +
                                         shapeString(dst.sizes().vec()) + ") is missing from the checkpoint");
        if (src->shape != dst.sizes().vec())
            throw Failure("model", src->file.string() + ": tensor '" + src->name + "' has shape " +
                                         src->shapeString() + ", config says " +
                                         shapeString(dst.sizes().vec()));
        switch (src->dtype) {
        case DType::F64:
        case DType::F32:
        case DType::F16:
        case DType::BF16:
            break;
        default:
            throw Failure("model", src->file.string() + ": tensor '" + src->name + "' has dtype " +
                                         dtypeName(src->dtype) + ", expected a floating-point type");
        }
        plan.emplace_back(src, &dst);
        totalBytes += static_cast<std::int64_t>(src->nbytes);
    };
    auto params = module.named_parameters(/*recurse=*/true);
    auto buffers = module.named_buffers(/*recurse=*/true);
    for (auto& p : params)
        findOne(p.key(), p.value());
    for (auto& b : buffers)
        findOne(b.key(), b.value());
    std::int64_t doneBytes = 0;
    hooks.report(0, totalBytes, std::string());
    for (auto [src, dstPtr] : plan) {
        if (hooks.stopRequested()) throw Failure("cancelled", ckpt.source().string() + ": loading cancelled");
        torch::Tensor& dst = *dstPtr;
        auto view = viewOf(*src);
        if (canUseInPlace(*src, view, dst) && usedInPlace.insert(src->data).second) {
            // The file's bytes become the parameter's storage: no copy, and the memory is the page
            // cache's (shared, dropped under pressure, reused by the next run). The deleter keeps the
            // mapping alive; it is copy-on-write, so training may still update the weights.
            auto owner = src->mapping;
            auto storageOf = torch::from_blob(const_cast<std::byte*>(src->data), dst.sizes(),
                                              [owner](void*) {}, dst.options().requires_grad(false));
            dst.set_(storageOf.storage(), 0, dst.sizes(), dst.strides());
            // Read the pages in now (every forward reads every weight anyway): the time a large
            // model takes to come from the disk is spent here, where the progress shows it, not
            // silently in the first batch.
            touchPages(src->data, src->nbytes);
            inPlaceBytes += src->nbytes;
        } else {
            dst.copy_(view);
            copiedBytes += src->nbytes;
        }
        ++loaded;
        doneBytes += static_cast<std::int64_t>(src->nbytes);
        hooks.report(doneBytes, totalBytes, src->name);
    }
    if (loaded < ckpt.tensors().size())
        log::debug(ckpt.source().string(), ": ", ckpt.tensors().size() - loaded,
                   " checkpoint tensors not used by the model");
    constexpr double kMb = 1024.0 * 1024.0;
    log::debug(ckpt.source().string(), ": weights used in place from the file mapping: ",
               static_cast<long long>(inPlaceBytes / kMb), " MiB; converted or copied: ",
               static_cast<long long>(copiedBytes / kMb), " MiB");
    return loaded;
}

NameCandidates prefixCandidates(std::vector<std::string> prefixes) {
    return [prefixes = std::move(prefixes)](const std::string& name) {
        std::vector<std::string> out{name};
        for (const auto& p : prefixes) {
            out.push_back(p + name);
            if (name.rfind(p, 0) == 0) out.push_back(name.substr(p.size()));
        }
        return out;
    };
}

} // namespace synthembed::model
