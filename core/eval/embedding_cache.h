#pragma once
/// Embedding cache: vectors keyed by (model fingerprint, pooling, instruction, text hash) in a
/// SQLite file (default <dataDir>/embedding_cache.sqlite), so re-evaluating a model or trying
/// another query instruction does not re-embed an unchanged corpus.

#include "core/eval/encoder.h"

#include <filesystem>
#include <memory>
#include <optional>

namespace synthembed::eval {

class EmbeddingCache {
public:
    /// Opens or creates the cache file; throws Failure{"cache"} naming the path on failure.
    explicit EmbeddingCache(const std::filesystem::path& path);
    ~EmbeddingCache();
    EmbeddingCache(EmbeddingCache&&) noexcept;
    EmbeddingCache& operator=(EmbeddingCache&&) noexcept;

    static std::filesystem::path defaultPath();

    struct Stats {
        std::int64_t hits = 0, misses = 0;
    };
    const Stats& stats() const { return m_stats; }
    const std::filesystem::path& path() const;
    /// Number of stored vectors (all models).
    std::int64_t size() const;
    /// Deletes the vectors of one model fingerprint; returns how many.
    std::int64_t purgeModel(const std::string& fingerprint);

    /// Cached vectors for the keys (nullopt where absent).
    std::vector<std::optional<std::vector<float>>> lookup(const std::string& fingerprint, const std::string& pooling,
                                                          const std::string& instruction,
                                                          const std::vector<std::string>& textHashes);
    void store(const std::string& fingerprint, const std::string& pooling, const std::string& instruction,
               const std::vector<std::string>& textHashes, const Matrix& vectors);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
    Stats m_stats;
};

/// Embeds texts with the instruction applied to each (empty = none), reading what the cache has
/// and embedding only the misses, in the encoder's batch size. cache may be null.
Matrix embedTexts(TextEncoder& encoder, EmbeddingCache* cache, const std::vector<std::string>& texts,
                  const std::string& instruction, const ProgressHooks& hooks = {});
/// Same with `prompt` prepended as is to each text (a sentence-transformers prompt, see
/// TextEncoder::prompts); cached apart from instructions. An empty prompt is no prefix.
Matrix embedPrompted(TextEncoder& encoder, EmbeddingCache* cache, const std::vector<std::string>& texts,
                     const std::string& prompt, const ProgressHooks& hooks = {});

} // namespace synthembed::eval
