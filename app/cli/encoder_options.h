#pragma once
// Options shared by commands that embed text (eval, index, search, mine-negatives).

#include "command.h"
#include "model_ref.h"

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder_factory.h"

#include <memory>
#include <optional>
#include <string>

namespace synthembed::cli {

struct EncoderOptions {
    std::string model;
    std::string pooling;
    int maxLength = 512;
    std::size_t batchSize = 0;
    std::string device = "cpu";
    std::string cachePath;
    bool noCache = false;

    void add(CLI::App* cmd, bool modelRequired = true) {
        auto* m = cmd->add_option("--model", model, "Model folder, Hugging Face repo id ORG/NAME[@REV], or hash:DIM for the model-free hashing encoder");
        if (modelRequired) m->required();
        cmd->add_option("--pooling", pooling, "Pooling: last, mean or cls (default: the model's)")
            ->check(CLI::IsMember({"last", "mean", "cls"}));
        cmd->add_option("--max-length", maxLength, "Tokens per text (longer texts are truncated)")->check(CLI::Range(1, 1 << 20));
        cmd->add_option("--batch-size", batchSize, "Texts per forward pass (default: 32)");
        cmd->add_option("--device", device, "cpu, cuda or cuda:N")->capture_default_str();
        cmd->add_option("--cache", cachePath, "Embedding cache file (default: <data dir>/embedding_cache.sqlite)");
        cmd->add_flag("--no-cache", noCache, "Do not read or write the embedding cache");
    }

    std::unique_ptr<eval::TextEncoder> open() const {
        auto r = eval::openEncoder({resolveModelArg(model), pooling, maxLength, batchSize, device});
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        return std::move(r).take();
    }
    std::unique_ptr<eval::EmbeddingCache> openCache() const {
        if (noCache) return nullptr;
        try {
            return std::make_unique<eval::EmbeddingCache>(cachePath.empty() ? eval::EmbeddingCache::defaultPath()
                                                                            : std::filesystem::path(cachePath));
        } catch (const Failure& f) {
            throw CliError{f.what(), 0, f.code()};
        }
    }
};

} // namespace synthembed::cli
