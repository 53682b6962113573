#include "core/eval/encoder_factory.h"

#include <filesystem>

namespace synthembed::eval {

Result<std::unique_ptr<TextEncoder>> openEncoder(const EncoderSpec& spec) {
    return guarded([&]() -> std::unique_ptr<TextEncoder> {
        if (spec.model == "hash" || spec.model.rfind("hash:", 0) == 0) {
            std::size_t dim = 256;
            if (spec.model.size() > 5) {
                try {
                    dim = std::stoul(spec.model.substr(5));
                } catch (const std::exception&) {
                    throw Failure("usage", "model '" + spec.model + "': expected hash:DIM with DIM a number");
                }
            }
            if (dim == 0 || dim > 65536) throw Failure("usage", "model '" + spec.model + "': DIM must be 1..65536");
            return std::make_unique<HashEncoder>(dim);
        }
        std::error_code ec;
        if (!std::filesystem::is_directory(spec.model, ec))
            throw Failure("io", spec.model + ": no such model folder (or use hash:DIM for the hashing encoder)");
        throw Failure("unsupported", spec.model + ": model inference is not built into this binary yet");
    }, "model");
}

} // namespace synthembed::eval
