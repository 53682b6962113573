#pragma once
// Internal pipeline pieces of the tokenizer (private to core/tok): normalizers, pre-tokenizers,
// models, decoders, in the shapes of Hugging Face tokenizers' components.

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace synthembed::tok::detail {

/// One normalized character and the original character range [s, e) it came from (HF alignments,
/// in code points of the original text).
struct Char {
    char32_t c;
    uint32_t s, e;
};
using CharVec = std::vector<Char>;

/// A piece of the pre-tokenized buffer: [b, e) indices into a CharVec.
struct Piece {
    uint32_t b, e;
};

/// A model output token; b/e are char indices relative to the piece start.
struct TokOut {
    int32_t id;
    uint32_t b, e;
};

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

// ---------------------------------------------------------------------------------------------
class Normalizer {
  public:
    virtual ~Normalizer() = default;
    /// Transforms `io`; `tmp` is scratch space.
    virtual void apply(CharVec& io, CharVec& tmp) const = 0;
};
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& j);
std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool chineseChars,
                                               std::optional<bool> stripAccents, bool lowercase);
std::unique_ptr<Normalizer> makeSentencePieceNormalizer(bool addDummyPrefix, bool removeExtraWhitespace);

// ---------------------------------------------------------------------------------------------
struct PreTokState {
    CharVec buf;
    std::vector<Piece> pieces;
    CharVec tmpBuf;
    std::vector<Piece> tmpPieces;
};

class PreTokenizer {
  public:
    virtual ~PreTokenizer() = default;
    virtual void apply(PreTokState& st) const = 0;
};
std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json& j);
std::unique_ptr<PreTokenizer> makeBertPreTokenizer();

/// GPT-2 byte <-> printable char table.
const char32_t* byteToChar();
int charToByte(char32_t c); // -1 if not a byte char

// ---------------------------------------------------------------------------------------------
class Model {
  public:
    virtual ~Model() = default;
    virtual void tokenize(const Char* chars, size_t n, std::vector<TokOut>& out) const = 0;
    virtual std::optional<int32_t> tokenToId(std::string_view token) const = 0;
    virtual const std::string* idToToken(int32_t id) const = 0;
    virtual size_t vocabSize() const = 0;
    virtual std::optional<int32_t> unkId() const { return std::nullopt; }
};

struct BpeOptions {
    std::optional<std::string> unkToken;
    std::string continuingSubwordPrefix;
    std::string endOfWordSuffix;
    bool fuseUnk = false;
    bool byteFallback = false;
    bool ignoreMerges = false;
};
std::unique_ptr<Model> makeWordPiece(Vocab vocab, std::string unkToken, std::string prefix, size_t maxChars);
std::unique_ptr<Model> makeBpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                               const BpeOptions& options);
std::unique_ptr<Model> makeModel(const nlohmann::json& j);

// ---------------------------------------------------------------------------------------------
class Decoder {
  public:
    virtual ~Decoder() = default;
    virtual void decodeChain(std::vector<std::string>& tokens) const = 0;
};
std::unique_ptr<Decoder> makeDecoder(const nlohmann::json& j);
std::unique_ptr<Decoder> makeWordPieceDecoder(std::string prefix, bool cleanup);
std::unique_ptr<Decoder> makeSentencePieceDecoder(bool addDummyPrefix);

// ---------------------------------------------------------------------------------------------
/// SentencePiece tokenizer.model, read without protobuf.
struct SentencePieceModel {
    struct Piece {
        std::string piece;
        float score = 0;
        int type = 1; // 1 normal, 2 unknown, 3 control, 4 user defined, 5 unused, 6 byte
    };
    std::vector<Piece> pieces;
    int modelType = 1; // 1 unigram, 2 bpe, 3 word, 4 char
    bool byteFallback = false;
    bool addDummyPrefix = true;
    bool removeExtraWhitespaces = true;
    std::string normalizerName;
    int unkId = 0, bosId = 1, eosId = 2, padId = -1;
};
SentencePieceModel readSentencePieceModel(const std::string& path);

} // namespace synthembed::tok::detail
