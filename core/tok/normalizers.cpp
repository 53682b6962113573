// Normalizers with HF alignment semantics: every output char carries the original range of the
// char it came from (expansions and insertions copy it, removals drop it, compositions keep the
// starter's range).

#include "core/tok/components.h"
#include "core/tok/unicode.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace synthembed::tok::detail {
namespace {

using nlohmann::json;

bool isChineseChar(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) ||
           (c >= 0x2B820 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Canonical decomposition with canonical ordering of combining marks.
void nfd(CharVec& io, CharVec& tmp) {
    bool trivial = true;
    for (const auto& ch : io)
        if (ch.c >= 0xC0) {
            trivial = false;
            break;
        }
    if (trivial) return;
    tmp.clear();
    std::u32string d;
    for (const auto& ch : io) {
        d.clear();
        if (ch.c >= 0xC0 && ucd::decompose(ch.c, d)) {
            for (char32_t x : d)
                tmp.push_back({x, ch.s, ch.e});
        } else {
            tmp.push_back(ch);
        }
    }
    // Canonical ordering: stable sort of each run of non-starters by combining class.
    for (size_t i = 0; i < tmp.size();) {
        if (tmp[i].c < 0x300 || ucd::combiningClass(tmp[i].c) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < tmp.size() && tmp[j].c >= 0x300 && ucd::combiningClass(tmp[j].c) != 0)
            ++j;
        if (j - i > 1)
            std::stable_sort(tmp.begin() + i, tmp.begin() + j, [](const Char& a, const Char& b) {
                return ucd::combiningClass(a.c) < ucd::combiningClass(b.c);
            });
        i = j;
    }
    io.swap(tmp);
}

void nfc(CharVec& io, CharVec& tmp) {
    bool trivial = true;
    for (const auto& ch : io)
        if (ch.c >= 0x300) {
            trivial = false;
            break;
        }
    if (trivial) return;
    nfd(io, tmp);
    tmp.clear();
    long starter = -1;
    int lastCcc = -1;
    for (const auto& ch : io) {
        int ccc = ucd::combiningClass(ch.c);
        if (starter >= 0) {
            bool adjacent = static_cast<long>(tmp.size()) - 1 == starter;
            bool blocked = !adjacent && (lastCcc == 0 || lastCcc >= ccc);
            if (!blocked) {
                char32_t comp = ucd::compose(tmp[starter].c, ch.c);
                if (comp) {
                    tmp[starter].c = comp;
                    continue;
                }
            }
        }
        if (ccc == 0) starter = static_cast<long>(tmp.size());
        lastCcc = ccc;
        tmp.push_back(ch);
    }
    io.swap(tmp);
}

void lowercase(CharVec& io, CharVec& tmp) {
    bool simple = true;
    for (auto& ch : io) {
        if (ch.c < 0x80) {
            if (ch.c >= 'A' && ch.c <= 'Z') ch.c += 32;
        } else {
            simple = false;
        }
    }
    if (simple) return;
    tmp.clear();
    for (const auto& ch : io) {
        if (ch.c < 0x80) {
            tmp.push_back(ch);
            continue;
        }
        const char32_t* m = nullptr;
        size_t n = ucd::lowerOf(ch.c, &m);
        if (n == 0)
            tmp.push_back(ch);
        else
            for (size_t k = 0; k < n; ++k)
                tmp.push_back({m[k], ch.s, ch.e});
    }
    io.swap(tmp);
}

void stripMarks(CharVec& io) {
    io.erase(std::remove_if(io.begin(), io.end(),
                            [](const Char& ch) { return ch.c >= 0x300 && ucd::category(ch.c) == ucd::Mn; }),
             io.end());
}

class BertNormalizer final : public Normalizer {
  public:
    BertNormalizer(bool clean, bool chinese, bool strip, bool lower)
        : m_clean(clean), m_chinese(chinese), m_strip(strip), m_lower(lower) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        if (m_clean || m_chinese) {
            bool needChinese = false;
            size_t w = 0;
            for (size_t i = 0; i < io.size(); ++i) {
                Char ch = io[i];
                char32_t c = ch.c;
                if (m_clean) {
                    if (c < 0x80) {
                        if (c < 0x20 || c == 0x7F) {
                            if (c == '\t' || c == '\n' || c == '\r')
                                ch.c = ' ';
                            else
                                continue; // control (incl. \0)
                        }
                    } else {
                        if (c == 0xFFFD) continue;
                        auto k = ucd::category(c);
                        // HF counts Cc, Cf and Co as control (unicode_categories' is_other); unassigned chars stay.
                        if (k == ucd::Cc || k == ucd::Cf || k == ucd::Co) continue;
                        if (ucd::isWhiteSpace(c)) ch.c = ' ';
                    }
                }
                if (m_chinese && c >= 0x3400 && isChineseChar(c)) needChinese = true;
                io[w++] = ch;
            }
            io.resize(w);
            if (needChinese) {
                tmp.clear();
                for (const auto& ch : io) {
                    if (ch.c >= 0x3400 && isChineseChar(ch.c)) {
                        tmp.push_back({' ', ch.s, ch.e});
                        tmp.push_back(ch);
                        tmp.push_back({' ', ch.s, ch.e});
                    } else {
                        tmp.push_back(ch);
                    }
                }
                io.swap(tmp);
            }
        }
        if (m_strip) {
            nfd(io, tmp);
            stripMarks(io);
        }
        if (m_lower) lowercase(io, tmp);
    }

  private:
    bool m_clean, m_chinese, m_strip, m_lower;
};

class FnNormalizer final : public Normalizer {
  public:
    enum Kind { Nfd, Nfc, Lower, StripAccents };
    explicit FnNormalizer(Kind k) : m_kind(k) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        switch (m_kind) {
        case Nfd:
            nfd(io, tmp);
            break;
        case Nfc:
            nfc(io, tmp);
            break;
        case Lower:
            lowercase(io, tmp);
            break;
        case StripAccents:
            stripMarks(io);
            break;
        }
    }

  private:
    Kind m_kind;
};

class PrependNormalizer final : public Normalizer {
  public:
    explicit PrependNormalizer(std::u32string s) : m_s(std::move(s)) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        if (io.empty() || m_s.empty()) return;
        tmp.clear();
        for (char32_t c : m_s)
            tmp.push_back({c, io[0].s, io[0].e});
        tmp.insert(tmp.end(), io.begin(), io.end());
        io.swap(tmp);
    }

  private:
    std::u32string m_s;
};

class ReplaceNormalizer final : public Normalizer {
  public:
    ReplaceNormalizer(std::u32string pattern, std::u32string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        if (m_pattern.empty()) return;
        if (m_pattern.size() == 1 && m_content.size() == 1) {
            for (auto& ch : io)
                if (ch.c == m_pattern[0]) ch.c = m_content[0];
            return;
        }
        tmp.clear();
        size_t n = io.size(), m = m_pattern.size();
        for (size_t i = 0; i < n;) {
            bool hit = i + m <= n;
            for (size_t k = 0; hit && k < m; ++k)
                hit = io[i + k].c == m_pattern[k];
            if (hit) {
                // HF inserts the replacement with the alignment of the last replaced char.
                const Char& last = io[i + m - 1];
                for (char32_t c : m_content)
                    tmp.push_back({c, last.s, last.e});
                i += m;
            } else {
                tmp.push_back(io[i++]);
            }
        }
        io.swap(tmp);
    }

  private:
    std::u32string m_pattern, m_content;
};

class StripNormalizer final : public Normalizer {
  public:
    StripNormalizer(bool left, bool right) : m_left(left), m_right(right) {}
    void apply(CharVec& io, CharVec&) const override {
        size_t b = 0, e = io.size();
        if (m_right)
            while (e > b && ucd::isWhiteSpace(io[e - 1].c))
                --e;
        if (m_left)
            while (b < e && ucd::isWhiteSpace(io[b].c))
                ++b;
        io.erase(io.begin() + e, io.end());
        io.erase(io.begin(), io.begin() + b);
    }

  private:
    bool m_left, m_right;
};

// SentencePiece's own normalizer for a tokenizer.model without tokenizer.json (identity charsmap):
// optional whitespace squeezing, spaces to U+2581, dummy prefix.
class SentencePieceNormalizer final : public Normalizer {
  public:
    SentencePieceNormalizer(bool prefix, bool squeeze) : m_prefix(prefix), m_squeeze(squeeze) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        if (m_squeeze) {
            tmp.clear();
            bool prevSpace = true;
            for (const auto& ch : io) {
                bool sp = ch.c == ' ';
                if (sp && prevSpace) continue;
                tmp.push_back(ch);
                prevSpace = sp;
            }
            while (!tmp.empty() && tmp.back().c == ' ')
                tmp.pop_back();
            io.swap(tmp);
        }
        for (auto& ch : io)
            if (ch.c == ' ') ch.c = 0x2581;
        if (m_prefix && !io.empty()) {
            tmp.clear();
            tmp.push_back({0x2581, io[0].s, io[0].e});
            tmp.insert(tmp.end(), io.begin(), io.end());
            io.swap(tmp);
        }
    }

  private:
    bool m_prefix, m_squeeze;
};

class SequenceNormalizer final : public Normalizer {
  public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : m_parts(std::move(parts)) {}
    void apply(CharVec& io, CharVec& tmp) const override {
        for (const auto& p : m_parts)
            p->apply(io, tmp);
    }

  private:
    std::vector<std::unique_ptr<Normalizer>> m_parts;
};

std::u32string u32(const json& j) {
    return utf8::decode(j.get<std::string>());
}

} // namespace

std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool chineseChars,
                                               std::optional<bool> stripAccents, bool lowercase) {
    return std::make_unique<BertNormalizer>(cleanText, chineseChars, stripAccents.value_or(lowercase),
                                            lowercase);
}

std::unique_ptr<Normalizer> makeSentencePieceNormalizer(bool addDummyPrefix, bool removeExtraWhitespace) {
    return std::make_unique<SentencePieceNormalizer>(addDummyPrefix, removeExtraWhitespace);
}

std::unique_ptr<Normalizer> makeNormalizer(const json& j) {
    if (j.is_null()) return nullptr;
    std::string type = j.value("type", "");
    if (type == "BertNormalizer") {
        std::optional<bool> strip;
        if (j.contains("strip_accents") && !j["strip_accents"].is_null())
            strip = j["strip_accents"].get<bool>();
        return makeBertNormalizer(j.value("clean_text", true), j.value("handle_chinese_chars", true), strip,
                                  j.value("lowercase", true));
    }
    if (type == "NFD") return std::make_unique<FnNormalizer>(FnNormalizer::Nfd);
    if (type == "NFC") return std::make_unique<FnNormalizer>(FnNormalizer::Nfc);
    if (type == "Lowercase") return std::make_unique<FnNormalizer>(FnNormalizer::Lower);
    if (type == "StripAccents") return std::make_unique<FnNormalizer>(FnNormalizer::StripAccents);
    if (type == "Prepend") return std::make_unique<PrependNormalizer>(u32(j.at("prepend")));
    if (type == "Strip")
        return std::make_unique<StripNormalizer>(j.value("strip_left", true), j.value("strip_right", true));
    if (type == "Replace") {
        const auto& p = j.at("pattern");
        if (!p.contains("String"))
            throw Failure("tokenizer", "normalizer Replace: only String patterns are supported");
        return std::make_unique<ReplaceNormalizer>(u32(p["String"]), u32(j.at("content")));
    }
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Normalizer>> parts;
        for (const auto& n : j.at("normalizers"))
            if (auto p = makeNormalizer(n)) parts.push_back(std::move(p));
        return std::make_unique<SequenceNormalizer>(std::move(parts));
    }
    if (type == "Precompiled") {
        // SentencePiece's precompiled charsmap; an empty one is the identity.
        if (!j.contains("precompiled_charsmap") || j["precompiled_charsmap"].is_null() ||
            j["precompiled_charsmap"].get<std::string>().empty())
            return nullptr;
    }
    throw Failure("tokenizer", "normalizer type '" + type + "' is not supported");
}

} // namespace synthembed::tok::detail
