// Decoders: HF's decode_chain semantics (each decoder maps the token list to a new list; the
// final string is their concatenation).

#include "core/tok/components.h"
#include "core/tok/unicode.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

namespace synthembed::tok::detail {
namespace {

using nlohmann::json;

void replaceAll(std::string& s, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out.append(to);
        pos = hit + from.size();
    }
    if (pos == 0) return;
    out.append(s, pos, std::string::npos);
    s.swap(out);
}

class WordPieceDecoder final : public Decoder {
  public:
    WordPieceDecoder(std::string prefix, bool cleanup) : m_prefix(std::move(prefix)), m_cleanup(cleanup) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i) {
            auto& t = tokens[i];
            if (i != 0) {
                if (t.compare(0, m_prefix.size(), m_prefix) == 0)
                    t.erase(0, m_prefix.size());
                else
                    t.insert(t.begin(), ' ');
            }
            if (m_cleanup) {
                replaceAll(t, " .", ".");
                replaceAll(t, " ?", "?");
                replaceAll(t, " !", "!");
                replaceAll(t, " ,", ",");
                replaceAll(t, " ' ", "'");
                replaceAll(t, " n't", "n't");
                replaceAll(t, " 'm", "'m");
                replaceAll(t, " do not", " don't");
                replaceAll(t, " 's", "'s");
                replaceAll(t, " 've", "'ve");
                replaceAll(t, " 're", "'re");
            }
        }
    }

  private:
    std::string m_prefix;
    bool m_cleanup;
};

class ByteLevelDecoder final : public Decoder {
  public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::string bytes;
        for (const auto& t : tokens) {
            size_t mark = bytes.size();
            bool ok = true;
            for (size_t i = 0; i < t.size();) {
                int b = charToByte(utf8::next(t, i));
                if (b < 0) {
                    ok = false;
                    break;
                }
                bytes.push_back(static_cast<char>(b));
            }
            if (!ok) {
                bytes.resize(mark);
                bytes += t;
            }
        }
        tokens.assign(1, utf8::fromBytesLossy(bytes));
    }
};

class MetaspaceDecoder final : public Decoder {
  public:
    MetaspaceDecoder(char32_t rep, bool stripFirst) : m_rep(rep), m_stripFirst(stripFirst) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (size_t k = 0; k < tokens.size(); ++k) {
            const std::string& t = tokens[k];
            std::string out;
            for (size_t i = 0; i < t.size();) {
                char32_t c = utf8::next(t, i);
                if (c == m_rep) {
                    if (k == 0 && m_stripFirst) continue;
                    out.push_back(' ');
                } else {
                    utf8::append(out, c);
                }
            }
            tokens[k].swap(out);
        }
    }

  private:
    char32_t m_rep;
    bool m_stripFirst;
};

class ReplaceDecoder final : public Decoder {
  public:
    ReplaceDecoder(std::string from, std::string to) : m_from(std::move(from)), m_to(std::move(to)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (auto& t : tokens)
            replaceAll(t, m_from, m_to);
    }

  private:
    std::string m_from, m_to;
};

class ByteFallbackDecoder final : public Decoder {
  public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string pending;
        auto flush = [&] {
            if (pending.empty()) return;
            if (utf8::valid(pending))
                out.push_back(pending);
            else
                for (size_t i = 0; i < pending.size(); ++i)
                    out.emplace_back("\xEF\xBF\xBD");
            pending.clear();
        };
        for (auto& t : tokens) {
            int byte = -1;
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
                auto hex = [](char c) -> int {
                    if (c >= '0' && c <= '9') return c - '0';
                    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
                    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
                    return -1;
                };
                int h = hex(t[3]), l = hex(t[4]);
                if (h >= 0 && l >= 0) byte = h * 16 + l;
            }
            if (byte >= 0) {
                pending.push_back(static_cast<char>(byte));
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDecoder final : public Decoder {
  public:
    void decodeChain(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const auto& t : tokens)
            all += t;
        tokens.assign(1, std::move(all));
    }
};

class StripDecoder final : public Decoder {
  public:
    StripDecoder(char32_t content, size_t start, size_t stop)
        : m_content(content), m_start(start), m_stop(stop) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (auto& t : tokens) {
            std::u32string cs = utf8::decode(t);
            size_t startCut = 0;
            for (size_t i = 0; i < m_start && i < cs.size(); ++i) {
                if (cs[i] == m_content)
                    startCut = i + 1;
                else
                    break;
            }
            size_t stopCut = cs.size();
            for (size_t i = 0; i < m_stop && i < cs.size(); ++i) {
                size_t idx = cs.size() - i - 1;
                if (cs[idx] == m_content)
                    stopCut = idx;
                else
                    break;
            }
            t = startCut < stopCut
                    ? utf8::encode(std::u32string_view(cs).substr(startCut, stopCut - startCut))
                    : std::string();
        }
    }

  private:
    char32_t m_content;
    size_t m_start, m_stop;
};

class BpeSuffixDecoder final : public Decoder {
  public:
    explicit BpeSuffixDecoder(std::string suffix) : m_suffix(std::move(suffix)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i)
            replaceAll(tokens[i], m_suffix, i + 1 == tokens.size() ? "" : " ");
    }

  private:
    std::string m_suffix;
};

class SequenceDecoder final : public Decoder {
  public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : m_parts(std::move(parts)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (const auto& p : m_parts)
            p->decodeChain(tokens);
    }

  private:
    std::vector<std::unique_ptr<Decoder>> m_parts;
};

} // namespace

std::unique_ptr<Decoder> makeWordPieceDecoder(std::string prefix, bool cleanup) {
    return std::make_unique<WordPieceDecoder>(std::move(prefix), cleanup);
}

std::unique_ptr<Decoder> makeSentencePieceDecoder(bool addDummyPrefix) {
    std::vector<std::unique_ptr<Decoder>> parts;
    parts.push_back(std::make_unique<ReplaceDecoder>("\xE2\x96\x81", " "));
    parts.push_back(std::make_unique<ByteFallbackDecoder>());
    parts.push_back(std::make_unique<FuseDecoder>());
    if (addDummyPrefix) parts.push_back(std::make_unique<StripDecoder>(' ', 1, 0));
    return std::make_unique<SequenceDecoder>(std::move(parts));
}

std::unique_ptr<Decoder> makeDecoder(const json& j) {
    if (j.is_null()) return nullptr;
    std::string type = j.value("type", "");
    if (type == "WordPiece") return makeWordPieceDecoder(j.value("prefix", "##"), j.value("cleanup", true));
    if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
    if (type == "Metaspace") {
        std::u32string rep = utf8::decode(j.value("replacement", "\xE2\x96\x81"));
        bool strip = true;
        if (j.contains("prepend_scheme"))
            strip = j["prepend_scheme"].get<std::string>() != "never";
        else if (j.contains("add_prefix_space"))
            strip = j["add_prefix_space"].get<bool>();
        return std::make_unique<MetaspaceDecoder>(rep.empty() ? 0x2581 : rep[0], strip);
    }
    if (type == "Replace") {
        const auto& p = j.at("pattern");
        if (!p.contains("String"))
            throw Failure("tokenizer", "decoder Replace: only String patterns are supported");
        return std::make_unique<ReplaceDecoder>(p["String"].get<std::string>(),
                                                j.at("content").get<std::string>());
    }
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse") return std::make_unique<FuseDecoder>();
    if (type == "Strip") {
        std::u32string c = utf8::decode(j.value("content", " "));
        return std::make_unique<StripDecoder>(c.empty() ? U' ' : c[0], j.value("start", 0),
                                              j.value("stop", 0));
    }
    if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(j.value("suffix", "</w>"));
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Decoder>> parts;
        for (const auto& d : j.at("decoders"))
            if (auto p = makeDecoder(d)) parts.push_back(std::move(p));
        return std::make_unique<SequenceDecoder>(std::move(parts));
    }
    throw Failure("tokenizer", "decoder type '" + type + "' is not supported");
}

} // namespace synthembed::tok::detail
