#pragma once
/// Opens a TextEncoder from what a user types: "hash" / "hash:DIM" for the model-free hashing
/// encoder, or a Hugging Face model folder (config.json, safetensors, tokenizer) through
/// core/embed's Embedder, or a Hugging Face repo id (ORG/NAME[@revision]) already in the Hugging
/// Face cache (core/hub; never downloaded here: "not_cached" says how to get it).

#include "core/eval/encoder.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <memory>
#include <string>

namespace synthembed::eval {

struct EncoderSpec {
    std::string model;        ///< "hash[:DIM]" or a model folder
    std::string pooling;      ///< "last", "mean", "cls"; empty = the model's default
    int maxLength = 512;      ///< tokens per text (truncation)
    std::size_t batchSize = 0; ///< 0 = the encoder's default
    std::string device = "cpu"; ///< "cpu", "cuda", "cuda:N" (model folders)
    /// While the model's weights load: progress(bytes loaded, bytes in all, tensor name);
    /// shouldStop cancels the load.
    ProgressHooks loadHooks;
};

Result<std::unique_ptr<TextEncoder>> openEncoder(const EncoderSpec& spec);

} // namespace synthembed::eval
