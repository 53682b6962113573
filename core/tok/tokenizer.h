#pragma once
/// Hugging Face-exact tokenizers in plain C++: WordPiece (BERT), SentencePiece-style BPE with byte
/// fallback (Llama/Mistral), byte-level BPE (GPT-2/Qwen2/Llama-3), driven by tokenizer.json (or
/// tokenizer.model / vocab.txt) plus tokenizer_config.json, never by model names.
///
/// Example:
///   auto tok = tok::Tokenizer::load("models/bge-small");   // folder or a tokenizer file
///   if (!tok) { log::warn(tok.error().message); return; }
///   tok::Encoding e = (*tok)->encode("Hello world");      // ids, typeIds, tokens, offsets
///   std::string back = (*tok)->decode(e.ids);
///
/// A Tokenizer is immutable after load; encode/decode may be called from several threads at once.

#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::tok {

/// Which end loses tokens when a sequence is truncated (HF `truncation_side`).
enum class TruncationSide { Right, Left };

/// What to compute besides ids (skipping tokens/offsets makes encoding faster).
struct EncodeOptions {
    bool addSpecialTokens = true; ///< apply the post-processor (CLS/SEP, BOS/EOS, ...)
    size_t maxLength = 0; ///< 0 = no truncation; otherwise total length incl. specials (HF longest_first)
    TruncationSide truncationSide = TruncationSide::Right;
    bool withTokens = true;  ///< fill Encoding::tokens
    bool withOffsets = true; ///< fill Encoding::offsets
};

/// One encoded sequence (or pair), as HF's `Encoding`.
struct Encoding {
    std::vector<int32_t> ids;
    std::vector<int32_t> typeIds;    ///< segment ids (0 for the first text, 1 for the second of a pair)
    std::vector<std::string> tokens; ///< token strings as in the vocabulary (empty if !withTokens)
    /// [start, end) in Unicode code points (characters, not bytes) of the text the token came from,
    /// as HF reports them; special tokens added by the post-processor get {0, 0}.
    std::vector<std::pair<uint32_t, uint32_t>> offsets;
    std::vector<uint8_t> specialTokensMask; ///< 1 for tokens added by the post-processor
    std::vector<uint8_t> sequenceIds;       ///< 0/1 = which input the token came from, 255 = added special
    size_t size() const { return ids.size(); }
};

/// Ids of the usual special tokens (from tokenizer_config.json, falling back to tokenizer.json).
struct SpecialTokenIds {
    std::optional<int32_t> bos, eos, pad, unk, cls, sep, mask;
};

/// Which algorithm the model uses (informative).
enum class ModelKind { WordPiece, Bpe, ByteLevelBpe };

class Tokenizer {
  public:
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    /// Loads from a folder (prefers tokenizer.json, then tokenizer.model, then vocab.txt; reads
    /// tokenizer_config.json / special_tokens_map.json beside it) or from one of those files.
    static Result<std::unique_ptr<Tokenizer>> load(const std::filesystem::path& pathOrDir);
    /// Loads from the text of a tokenizer.json (config may be empty).
    static Result<std::unique_ptr<Tokenizer>> fromJson(std::string_view tokenizerJson,
                                                       std::string_view tokenizerConfigJson = {});

    /// Encodes one text (HF `encode(text, add_special_tokens=...)`).
    Encoding encode(std::string_view text, const EncodeOptions& options = {}) const;
    /// Encodes a pair (HF `encode(a, b)`): type ids 0 for a, 1 for b; truncation longest_first.
    Encoding encodePair(std::string_view a, std::string_view b, const EncodeOptions& options = {}) const;
    /// Fast path: ids only.
    std::vector<int32_t> encodeIds(std::string_view text, bool addSpecialTokens = true,
                                   size_t maxLength = 0) const;
    /// Many texts, each as encode(); threads = 0 uses the machine's cores.
    std::vector<Encoding> encodeBatch(std::span<const std::string> texts, const EncodeOptions& options = {},
                                      unsigned threads = 1) const;

    /// HF `decode(ids, skip_special_tokens=...)`. Unknown ids are skipped.
    std::string decode(std::span<const int32_t> ids, bool skipSpecialTokens = true) const;

    std::optional<int32_t> tokenToId(std::string_view token) const;
    /// Empty string for an unknown id.
    std::string idToToken(int32_t id) const;
    /// Vocabulary size including added tokens (HF `get_vocab_size(with_added_tokens=True)`):
    /// one more than the largest id.
    size_t vocabSize() const;
    bool isSpecial(int32_t id) const;
    const SpecialTokenIds& specialTokenIds() const;
    /// Number of tokens the post-processor adds to one text (pair = true: to a pair).
    size_t numSpecialTokensToAdd(bool pair = false) const;
    /// Whether encode(text) with specials appends EOS (HF add_eos_token / template ends with EOS).
    bool addsEos() const;
    ModelKind modelKind() const;
    /// model_max_length from tokenizer_config.json, if given and sensible (< 1e9).
    std::optional<size_t> modelMaxLength() const;

    struct Impl;

  private:
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace synthembed::tok
