// Pre-tokenizers. The regex splitters of GPT-2 and Llama-3/Qwen2 are hand-written matchers that
// follow Oniguruma's leftmost-alternative semantics for those exact patterns (no regex engine).

#include "core/tok/components.h"
#include "core/tok/unicode.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <array>

namespace synthembed::tok::detail {
namespace {

using nlohmann::json;

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parseBehavior(const std::string& s) {
    if (s == "Removed") return Behavior::Removed;
    if (s == "Isolated") return Behavior::Isolated;
    if (s == "MergedWithPrevious") return Behavior::MergedWithPrevious;
    if (s == "MergedWithNext") return Behavior::MergedWithNext;
    if (s == "Contiguous") return Behavior::Contiguous;
    throw Failure("tokenizer", "split behavior '" + s + "' is not supported");
}

struct Span {
    uint32_t b, e;
    bool match;
};

// Applies HF's SplitDelimiterBehavior to a list of spans covering one piece, appending pieces.
void applyBehavior(const std::vector<Span>& spans, Behavior beh, std::vector<Piece>& out) {
    switch (beh) {
    case Behavior::Removed:
        for (const auto& s : spans)
            if (!s.match) out.push_back({s.b, s.e});
        break;
    case Behavior::Isolated:
        for (const auto& s : spans)
            out.push_back({s.b, s.e});
        break;
    case Behavior::Contiguous: {
        bool prevMatch = false;
        size_t first = out.size();
        for (const auto& s : spans) {
            if (s.match && prevMatch && out.size() > first)
                out.back().e = s.e;
            else
                out.push_back({s.b, s.e});
            prevMatch = s.match;
        }
        break;
    }
    case Behavior::MergedWithPrevious: {
        bool prevMatch = false;
        size_t first = out.size();
        for (const auto& s : spans) {
            if (s.match && !prevMatch && out.size() > first)
                out.back().e = s.e;
            else
                out.push_back({s.b, s.e});
            prevMatch = s.match;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        // HF folds from the right: a match joins the piece that follows it.
        std::vector<Piece> rev;
        bool prevMatch = false;
        for (size_t k = spans.size(); k-- > 0;) {
            const auto& s = spans[k];
            if (s.match && !prevMatch && !rev.empty())
                rev.back().b = s.b;
            else
                rev.push_back({s.b, s.e});
            prevMatch = s.match;
        }
        out.insert(out.end(), rev.rbegin(), rev.rend());
        break;
    }
    }
}

// Base class for splitters: find matches in each piece, then apply the behavior.
class MatchSplitter : public PreTokenizer {
  public:
    MatchSplitter(Behavior beh, bool invert) : m_beh(beh), m_invert(invert) {}
    void apply(PreTokState& st) const override {
        st.tmpPieces.clear();
        std::vector<Span>& spans = m_spans();
        for (const auto& p : st.pieces) {
            spans.clear();
            const Char* c = st.buf.data() + p.b;
            uint32_t n = p.e - p.b;
            uint32_t gap = 0;
            for (uint32_t i = 0; i < n;) {
                uint32_t m = matchAt(c, i, n);
                if (m > i) {
                    if (gap < i) spans.push_back({p.b + gap, p.b + i, m_invert});
                    spans.push_back({p.b + i, p.b + m, !m_invert});
                    i = m;
                    gap = m;
                } else {
                    ++i;
                }
            }
            if (gap < n) spans.push_back({p.b + gap, p.b + n, m_invert});
            applyBehavior(spans, m_beh, st.tmpPieces);
        }
        st.pieces.swap(st.tmpPieces);
    }

  protected:
    /// End of the match starting exactly at i, or i when none.
    virtual uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const = 0;

  private:
    static std::vector<Span>& m_spans() {
        thread_local std::vector<Span> spans;
        return spans;
    }
    Behavior m_beh;
    bool m_invert;
};

inline bool isL(char32_t c) {
    return ucd::isLetter(c);
}
inline bool isN(char32_t c) {
    return ucd::isNumber(c);
}
inline bool isS(char32_t c) {
    return ucd::isWhiteSpace(c);
}
inline bool isOther(char32_t c) {
    return !isS(c) && !isL(c) && !isN(c);
}

// 's 't 're 've 'm 'll 'd; caseless also matches upper case (and U+017F for s, as Oniguruma folds it).
uint32_t contraction(const Char* c, uint32_t i, uint32_t n, bool caseless) {
    if (c[i].c != '\'' || i + 1 >= n) return i;
    auto low = [&](char32_t x) -> char32_t {
        if (!caseless) return x;
        if (x >= 'A' && x <= 'Z') return x + 32;
        if (x == 0x17F) return 's';
        return x;
    };
    char32_t a = low(c[i + 1].c);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
    if (i + 2 < n) {
        char32_t b = low(c[i + 2].c);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
    }
    return i;
}

// \s+(?!\S) then \s+
uint32_t whitespaceTail(const Char* c, uint32_t i, uint32_t n) {
    uint32_t k = i;
    while (k < n && isS(c[k].c))
        ++k;
    if (k == i) return i;
    if (k == n) return k;
    if (k - 1 > i) return k - 1;
    return k; // \s+ alone
}

/// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
class Gpt2Splitter final : public MatchSplitter {
  public:
    using MatchSplitter::MatchSplitter;

  protected:
    uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const override {
        uint32_t m = contraction(c, i, n, false);
        if (m > i) return m;
        uint32_t j = i;
        if (c[j].c == ' ' && j + 1 < n) ++j;
        char32_t x = c[j].c;
        if (isL(x)) {
            while (j < n && isL(c[j].c))
                ++j;
            return j;
        }
        if (isN(x)) {
            while (j < n && isN(c[j].c))
                ++j;
            return j;
        }
        if (isOther(x)) {
            while (j < n && isOther(c[j].c))
                ++j;
            return j;
        }
        return whitespaceTail(c, i, n);
    }
};

/// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,D}|
/// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
class Llama3Splitter final : public MatchSplitter {
  public:
    Llama3Splitter(Behavior beh, bool invert, uint32_t maxDigits)
        : MatchSplitter(beh, invert), m_maxDigits(maxDigits) {}

  protected:
    uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const override {
        uint32_t m = contraction(c, i, n, true);
        if (m > i) return m;
        char32_t x = c[i].c;
        if (isL(x)) {
            uint32_t j = i + 1;
            while (j < n && isL(c[j].c))
                ++j;
            return j;
        }
        if (x != '\r' && x != '\n' && !isN(x) && i + 1 < n && isL(c[i + 1].c)) {
            uint32_t j = i + 2;
            while (j < n && isL(c[j].c))
                ++j;
            return j;
        }
        if (isN(x)) {
            uint32_t j = i + 1;
            while (j < n && j - i < m_maxDigits && isN(c[j].c))
                ++j;
            return j;
        }
        {
            uint32_t j = i;
            if (x == ' ' && j + 1 < n && isOther(c[j + 1].c)) ++j;
            if (isOther(c[j].c)) {
                while (j < n && isOther(c[j].c))
                    ++j;
                while (j < n && (c[j].c == '\r' || c[j].c == '\n'))
                    ++j;
                return j;
            }
        }
        if (!isS(x)) return i;
        uint32_t k = i;
        long lastNl = -1;
        while (k < n && isS(c[k].c)) {
            if (c[k].c == '\r' || c[k].c == '\n') lastNl = k;
            ++k;
        }
        if (lastNl >= 0) return static_cast<uint32_t>(lastNl) + 1;
        return whitespaceTail(c, i, n);
    }

  private:
    uint32_t m_maxDigits;
};

inline bool isWordChar(char32_t c) {
    if (c < 0x80) return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_';
    auto k = ucd::category(c);
    return k <= ucd::Me || k == ucd::Nd || k == ucd::Nl || k == ucd::Pc || c == 0x200C || c == 0x200D;
}

/// \w+|[^\w\s]+ (HF Whitespace pre-tokenizer, gaps removed)
class WordSplitter final : public MatchSplitter {
  public:
    WordSplitter() : MatchSplitter(Behavior::Removed, false) {}

  protected:
    uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const override {
        uint32_t j = i;
        if (isWordChar(c[i].c)) {
            while (j < n && isWordChar(c[j].c))
                ++j;
        } else if (!isS(c[i].c)) {
            while (j < n && !isWordChar(c[j].c) && !isS(c[j].c))
                ++j;
        }
        return j;
    }
};

/// Splits on a literal string.
class StringSplitter final : public MatchSplitter {
  public:
    StringSplitter(std::u32string s, Behavior beh, bool invert)
        : MatchSplitter(beh, invert), m_s(std::move(s)) {}

  protected:
    uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const override {
        if (m_s.empty() || i + m_s.size() > n) return i;
        for (size_t k = 0; k < m_s.size(); ++k)
            if (c[i + k].c != m_s[k]) return i;
        return i + static_cast<uint32_t>(m_s.size());
    }

  private:
    std::u32string m_s;
};

/// One char class per match (Punctuation, Digits, WhitespaceSplit, Bert).
class CharClassSplitter final : public MatchSplitter {
  public:
    enum Kind { Punct, Digit, Digits, Space };
    CharClassSplitter(Kind k, Behavior beh) : MatchSplitter(beh, false), m_kind(k) {}

  protected:
    uint32_t matchAt(const Char* c, uint32_t i, uint32_t n) const override {
        switch (m_kind) {
        case Punct:
            return isBertPunct(c[i].c) ? i + 1 : i;
        case Digit:
            return isN(c[i].c) ? i + 1 : i;
        case Digits: {
            uint32_t j = i;
            while (j < n && isN(c[j].c))
                ++j;
            return j;
        }
        case Space:
            return isS(c[i].c) ? i + 1 : i;
        }
        return i;
    }

  public:
    static bool isBertPunct(char32_t c) {
        if (c < 0x80)
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
                   (c >= 123 && c <= 126);
        return ucd::isPunctuation(c);
    }

  private:
    Kind m_kind;
};

// BERT: whitespace removed, each punctuation char isolated. Hand-fused for speed.
class BertPreTokenizer final : public PreTokenizer {
  public:
    void apply(PreTokState& st) const override {
        st.tmpPieces.clear();
        for (const auto& p : st.pieces) {
            uint32_t start = p.b;
            for (uint32_t i = p.b; i < p.e; ++i) {
                char32_t c = st.buf[i].c;
                bool space, punct;
                if (c < 0x80) {
                    space = c == ' ' || (c >= 0x09 && c <= 0x0D);
                    punct = !space && CharClassSplitter::isBertPunct(c);
                } else {
                    space = ucd::isWhiteSpace(c);
                    punct = !space && ucd::isPunctuation(c);
                }
                if (space || punct) {
                    if (start < i) st.tmpPieces.push_back({start, i});
                    if (punct) st.tmpPieces.push_back({i, i + 1});
                    start = i + 1;
                }
            }
            if (start < p.e) st.tmpPieces.push_back({start, p.e});
        }
        st.pieces.swap(st.tmpPieces);
    }
};

class WhitespaceSplit final : public PreTokenizer {
  public:
    void apply(PreTokState& st) const override {
        st.tmpPieces.clear();
        for (const auto& p : st.pieces) {
            uint32_t start = p.b;
            for (uint32_t i = p.b; i < p.e; ++i) {
                if (isS(st.buf[i].c)) {
                    if (start < i) st.tmpPieces.push_back({start, i});
                    start = i + 1;
                }
            }
            if (start < p.e) st.tmpPieces.push_back({start, p.e});
        }
        st.pieces.swap(st.tmpPieces);
    }
};

struct ByteTable {
    std::array<char32_t, 256> toChar{};
    std::array<int16_t, 512> toByte{};
    ByteTable() {
        toByte.fill(-1);
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            toChar[b] = printable ? char32_t(b) : char32_t(256 + n++);
            toByte[toChar[b]] = static_cast<int16_t>(b);
        }
    }
};
const ByteTable& byteTable() {
    static const ByteTable t;
    return t;
}

// ByteLevel: optional prefix space, optional GPT-2 split, then each char becomes its UTF-8 bytes as
// printable byte-chars carrying the char's alignment.
class ByteLevelPreTokenizer final : public PreTokenizer {
  public:
    ByteLevelPreTokenizer(bool prefixSpace, bool useRegex)
        : m_prefixSpace(prefixSpace),
          m_split(useRegex ? std::make_unique<Gpt2Splitter>(Behavior::Isolated, false) : nullptr) {}
    void apply(PreTokState& st) const override {
        if (m_prefixSpace) {
            st.tmpBuf.clear();
            st.tmpPieces.clear();
            for (const auto& p : st.pieces) {
                uint32_t b = static_cast<uint32_t>(st.tmpBuf.size());
                if (p.e > p.b && st.buf[p.b].c != ' ')
                    st.tmpBuf.push_back({' ', st.buf[p.b].s, st.buf[p.b].e});
                st.tmpBuf.insert(st.tmpBuf.end(), st.buf.begin() + p.b, st.buf.begin() + p.e);
                st.tmpPieces.push_back({b, static_cast<uint32_t>(st.tmpBuf.size())});
            }
            st.buf.swap(st.tmpBuf);
            st.pieces.swap(st.tmpPieces);
        }
        if (m_split) m_split->apply(st);
        const auto& t = byteTable().toChar;
        st.tmpBuf.clear();
        st.tmpPieces.clear();
        for (const auto& p : st.pieces) {
            uint32_t b = static_cast<uint32_t>(st.tmpBuf.size());
            for (uint32_t i = p.b; i < p.e; ++i) {
                const Char& ch = st.buf[i];
                char32_t c = ch.c;
                if (c < 0x80) {
                    st.tmpBuf.push_back({t[c], ch.s, ch.e});
                } else {
                    char tmp[4];
                    int n;
                    if (c < 0x800) {
                        tmp[0] = char(0xC0 | (c >> 6)), tmp[1] = char(0x80 | (c & 0x3F)), n = 2;
                    } else if (c < 0x10000) {
                        tmp[0] = char(0xE0 | (c >> 12)), tmp[1] = char(0x80 | ((c >> 6) & 0x3F)),
                        tmp[2] = char(0x80 | (c & 0x3F)), n = 3;
                    } else {
                        tmp[0] = char(0xF0 | (c >> 18)), tmp[1] = char(0x80 | ((c >> 12) & 0x3F)),
                        tmp[2] = char(0x80 | ((c >> 6) & 0x3F)), tmp[3] = char(0x80 | (c & 0x3F)), n = 4;
                    }
                    for (int k = 0; k < n; ++k)
                        st.tmpBuf.push_back({t[static_cast<unsigned char>(tmp[k])], ch.s, ch.e});
                }
            }
            st.tmpPieces.push_back({b, static_cast<uint32_t>(st.tmpBuf.size())});
        }
        st.buf.swap(st.tmpBuf);
        st.pieces.swap(st.tmpPieces);
    }

  private:
    bool m_prefixSpace;
    std::unique_ptr<Gpt2Splitter> m_split;
};

class MetaspacePreTokenizer final : public PreTokenizer {
  public:
    enum Prepend { Always, First, Never };
    MetaspacePreTokenizer(char32_t rep, Prepend prepend, bool split)
        : m_rep(rep), m_prepend(prepend),
          m_split(split ? std::make_unique<StringSplitter>(std::u32string(1, rep), Behavior::MergedWithNext,
                                                           false)
                        : nullptr) {}
    void apply(PreTokState& st) const override {
        st.tmpBuf.clear();
        st.tmpPieces.clear();
        for (const auto& p : st.pieces) {
            uint32_t b = static_cast<uint32_t>(st.tmpBuf.size());
            if (p.e > p.b) {
                const Char& first = st.buf[p.b];
                bool startsRep = first.c == ' ' || first.c == m_rep;
                bool add = !startsRep && (m_prepend == Always || (m_prepend == First && first.s == 0));
                if (add) st.tmpBuf.push_back({m_rep, first.s, first.e});
            }
            for (uint32_t i = p.b; i < p.e; ++i) {
                Char ch = st.buf[i];
                if (ch.c == ' ') ch.c = m_rep;
                st.tmpBuf.push_back(ch);
            }
            st.tmpPieces.push_back({b, static_cast<uint32_t>(st.tmpBuf.size())});
        }
        st.buf.swap(st.tmpBuf);
        st.pieces.swap(st.tmpPieces);
        if (m_split) m_split->apply(st);
    }

  private:
    char32_t m_rep;
    Prepend m_prepend;
    std::unique_ptr<StringSplitter> m_split;
};

class SequencePreTokenizer final : public PreTokenizer {
  public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts)
        : m_parts(std::move(parts)) {}
    void apply(PreTokState& st) const override {
        for (const auto& p : m_parts)
            p->apply(st);
    }

  private:
    std::vector<std::unique_ptr<PreTokenizer>> m_parts;
};

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* const kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

} // namespace

const char32_t* byteToChar() {
    return byteTable().toChar.data();
}
int charToByte(char32_t c) {
    return c < 512 ? byteTable().toByte[c] : -1;
}

std::unique_ptr<PreTokenizer> makeBertPreTokenizer() {
    return std::make_unique<BertPreTokenizer>();
}

std::unique_ptr<PreTokenizer> makePreTokenizer(const json& j) {
    if (j.is_null()) return nullptr;
    std::string type = j.value("type", "");
    if (type == "BertPreTokenizer") return makeBertPreTokenizer();
    if (type == "Whitespace") return std::make_unique<WordSplitter>();
    if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplit>();
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelPreTokenizer>(j.value("add_prefix_space", true),
                                                       j.value("use_regex", true));
    if (type == "Metaspace") {
        std::u32string rep = utf8::decode(j.value("replacement", "\xE2\x96\x81"));
        MetaspacePreTokenizer::Prepend prepend = MetaspacePreTokenizer::Always;
        if (j.contains("prepend_scheme")) {
            std::string s = j["prepend_scheme"].get<std::string>();
            prepend = s == "first"   ? MetaspacePreTokenizer::First
                      : s == "never" ? MetaspacePreTokenizer::Never
                                     : MetaspacePreTokenizer::Always;
        } else if (j.contains("add_prefix_space")) {
            prepend = j["add_prefix_space"].get<bool>() ? MetaspacePreTokenizer::Always
                                                        : MetaspacePreTokenizer::Never;
        }
        return std::make_unique<MetaspacePreTokenizer>(rep.empty() ? 0x2581 : rep[0], prepend,
                                                       j.value("split", true));
    }
    if (type == "Split") {
        Behavior beh = parseBehavior(j.value("behavior", "Isolated"));
        bool invert = j.value("invert", false);
        const auto& p = j.at("pattern");
        if (p.contains("String"))
            return std::make_unique<StringSplitter>(utf8::decode(p["String"].get<std::string>()), beh,
                                                    invert);
        std::string re = p.at("Regex").get<std::string>();
        if (re == kGpt2Pattern) return std::make_unique<Gpt2Splitter>(beh, invert);
        if (re == kLlama3Pattern) return std::make_unique<Llama3Splitter>(beh, invert, 3);
        if (re == kQwen2Pattern) return std::make_unique<Llama3Splitter>(beh, invert, 1);
        if (re == R"(\s+)") return std::make_unique<CharClassSplitter>(CharClassSplitter::Space, beh);
        throw Failure("tokenizer", "pre-tokenizer Split: regex pattern not supported: " + re);
    }
    if (type == "Punctuation")
        return std::make_unique<CharClassSplitter>(CharClassSplitter::Punct,
                                                   parseBehavior(j.value("behavior", "Isolated")));
    if (type == "Digits")
        return std::make_unique<CharClassSplitter>(
            j.value("individual_digits", false) ? CharClassSplitter::Digit : CharClassSplitter::Digits,
            Behavior::Isolated);
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PreTokenizer>> parts;
        for (const auto& n : j.at("pretokenizers"))
            if (auto p = makePreTokenizer(n)) parts.push_back(std::move(p));
        return std::make_unique<SequencePreTokenizer>(std::move(parts));
    }
    throw Failure("tokenizer", "pre-tokenizer type '" + type + "' is not supported");
}

} // namespace synthembed::tok::detail
