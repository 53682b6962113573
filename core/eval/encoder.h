#pragma once
/// What evaluation and search need from an embedding model, in plain types: a stable identity
/// (for caches and result rows) and "texts in, one row per text out". A model adapter, the
/// hashing encoder below, or a test's function can stand behind it.

#include "core/search/matrix.h"
#include "core/util/progress.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::eval {

/// What a model folder held when it was evaluated, so that a stored result can tell later whether
/// the files it describes are still there (see eval::stampModelFiles / eval::checkModelFiles).
struct ModelFiles {
    struct File {
        std::string name;          ///< relative to the folder
        std::int64_t size = 0;     ///< bytes
        std::int64_t mtimeNs = 0;  ///< last write time, ns since the file clock's epoch
    };
    std::string folder;            ///< absolute path of the model folder
    std::string runId;             ///< training run id from synthembed_train.json ("" for a base model)
    std::int64_t step = -1;        ///< checkpoint step the export was made at (-1: unknown)
    std::vector<File> files;       ///< weights, config and tokenizer files, sorted by name
    std::string digest;            ///< content digest of those files (sampled for big ones)
};

class TextEncoder {
public:
    virtual ~TextEncoder() = default;
    /// Identity of the weights and every setting that changes the output (max length, ...).
    virtual std::string fingerprint() const = 0;
    /// Pooling name ("last", "mean", "cls", or "hash" for the hashing encoder).
    virtual std::string pooling() const = 0;
    /// One row per text, in order. Texts arrive already formatted (instruction applied).
    virtual Matrix encode(const std::vector<std::string>& texts, const ProgressHooks& hooks) = 0;
    /// Preferred number of texts per call (the cache embeds misses in batches of this size).
    virtual std::size_t batchSize() const { return 64; }
    /// The model folder's files as they were when the encoder was opened (none for models
    /// without files, such as the hashing encoder).
    virtual std::optional<ModelFiles> modelFiles() const { return std::nullopt; }
    /// The model folder's sentence-transformers prompts (config_sentence_transformers.json, name ->
    /// text prepended to each input, e.g. "query", "document"); none for other encoders.
    virtual std::map<std::string, std::string> prompts() const { return {}; }
};

/// Wraps a plain function (tests, or a model adapter written as a lambda).
class FunctionEncoder : public TextEncoder {
public:
    using Fn = std::function<Matrix(const std::vector<std::string>&)>;
    FunctionEncoder(std::string fingerprint, std::string pooling, Fn fn)
        : m_fingerprint(std::move(fingerprint)), m_pooling(std::move(pooling)), m_fn(std::move(fn)) {}
    std::string fingerprint() const override { return m_fingerprint; }
    std::string pooling() const override { return m_pooling; }
    Matrix encode(const std::vector<std::string>& texts, const ProgressHooks&) override { return m_fn(texts); }

private:
    std::string m_fingerprint, m_pooling;
    Fn m_fn;
};

/// A model-free encoder: signed feature hashing of lower-cased word unigrams and bigrams
/// (like scikit-learn's HashingVectorizer) into `dim` buckets, L2-normalised. Deterministic
/// on every platform; used as a baseline and to test the pipeline without weights.
class HashEncoder : public TextEncoder {
public:
    explicit HashEncoder(std::size_t dim = 256, std::uint64_t seed = 0) : m_dim(dim), m_seed(seed) {}
    std::string fingerprint() const override;
    std::string pooling() const override { return "hash"; }
    Matrix encode(const std::vector<std::string>& texts, const ProgressHooks& hooks) override;
    std::size_t batchSize() const override { return 4096; }

private:
    std::size_t m_dim;
    std::uint64_t m_seed;
};

/// e5-style query formatting: "Instruct: {instruction}\nQuery: {text}"; text unchanged when the
/// instruction is empty. Documents never get an instruction.
std::string formatQuery(const std::string& instruction, const std::string& text);

/// 128-bit content hash as 32 hex digits (two independent 64-bit hashes); stable across runs
/// and platforms (cache keys, fingerprints).
std::string contentHash(const std::string& data);
/// 64-bit FNV-1a with a seed mixed in.
std::uint64_t hash64(const std::string& data, std::uint64_t seed = 0);

} // namespace synthembed::eval
