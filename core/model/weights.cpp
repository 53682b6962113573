#include "core/model/weights.h"

#include "core/util/log.h"

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
        throw Failure("checkpoint", t.file.string() + ": tensor '" + t.name + "' has an unsupported dtype");
    }
    return torch::from_blob(const_cast<std::byte*>(t.data), t.shape, torch::TensorOptions().dtype(st));
}

std::size_t loadWeights(torch::nn::Module& module, const Checkpoint& ckpt, const NameCandidates& candidates) {
    torch::NoGradGuard noGrad;
    std::size_t loaded = 0;
    auto loadOne = [&](const std::string& name, torch::Tensor& dst) {
        const TensorView* src = nullptr;
        auto names = candidates(name);
        for (const auto& n : names)
            if ((src = ckpt.find(n))) break;
        if (!src)
            throw Failure("weights", ckpt.source().string() + ": tensor '" + names.front() + "' (shape " +
                                         shapeString(dst.sizes().vec()) + ") is missing from the checkpoint");
        if (src->shape != dst.sizes().vec())
            throw Failure("weights", src->file.string() + ": tensor '" + src->name + "' has shape " +
                                         src->shapeString() + ", config says " +
                                         shapeString(dst.sizes().vec()));
        switch (src->dtype) {
        case DType::F64:
        case DType::F32:
        case DType::F16:
        case DType::BF16:
            break;
        default:
            throw Failure("weights", src->file.string() + ": tensor '" + src->name + "' has dtype " +
                                         dtypeName(src->dtype) + ", expected a floating-point type");
        }
        dst.copy_(viewOf(*src));
        ++loaded;
    };
    for (auto& p : module.named_parameters(/*recurse=*/true))
        loadOne(p.key(), p.value());
    for (auto& b : module.named_buffers(/*recurse=*/true))
        loadOne(b.key(), b.value());
    if (loaded < ckpt.tensors().size())
        log::debug(ckpt.source().string(), ": ", ckpt.tensors().size() - loaded,
                   " checkpoint tensors not used by the model");
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
