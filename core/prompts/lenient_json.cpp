#include "core/prompts/lenient_json.h"

#include <algorithm>
#include <cstdint>

namespace synthembed::prompts {

const JsonValue* JsonValue::member(std::string_view key) const {
    for (const auto& [k, v] : members)
        if (k == key) return &v;
    return nullptr;
}

namespace {

// Quote characters: ASCII and the typographic ones models and word processors produce.
enum class Quote { None, Double, Single, LeftDouble, RightDouble, LeftSingle, RightSingle };

struct ParseError {
    std::string message;
};

class Parser {
public:
    Parser(std::string_view text, std::size_t pos) : m_t(text), m_p(pos) {}

    JsonValue parseValue(int depth) {
        if (depth > 64) fail("nesting deeper than 64 levels");
        skipSpace();
        if (m_p >= m_t.size()) fail("answer ends where a value was expected (truncated?)");
        const char c = m_t[m_p];
        if (c == '{') return parseObject(depth);
        if (c == '[') return parseArray(depth);
        std::size_t qlen = 0;
        if (quoteAt(m_p, qlen) != Quote::None) return stringValue(parseString());
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return parseNumber();
        if (isIdentStart(c)) {
            std::string word = identifier();
            JsonValue v;
            if (word == "true" || word == "false") {
                v.kind = JsonValue::Kind::Bool;
                v.text = word;
            } else if (word == "True" || word == "False") {
                note("Python literal");
                v.kind = JsonValue::Kind::Bool;
                v.text = word == "True" ? "true" : "false";
            } else if (word == "null" || word == "None") {
                if (word == "None") note("Python literal");
                v.kind = JsonValue::Kind::Null;
            } else {
                fail("unquoted text '" + word + "' where a value was expected");
            }
            return v;
        }
        fail(std::string("unexpected character '") + c + "' where a value was expected");
    }

    std::size_t pos() const { return m_p; }
    std::vector<std::string>& repairs() { return m_repairs; }

private:
    [[noreturn]] void fail(const std::string& message) {
        throw ParseError{message + " (at byte " + std::to_string(m_p) + ")"};
    }

    void note(const char* repair) {
        if (std::find(m_repairs.begin(), m_repairs.end(), repair) == m_repairs.end()) m_repairs.emplace_back(repair);
    }

    static bool isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    }
    static bool isIdentChar(char c) { return isIdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }

    std::string identifier() {
        std::size_t b = m_p;
        while (m_p < m_t.size() && isIdentChar(m_t[m_p])) ++m_p;
        return std::string(m_t.substr(b, m_p - b));
    }

    Quote quoteAt(std::size_t p, std::size_t& len) const {
        if (p >= m_t.size()) return Quote::None;
        len = 1;
        if (m_t[p] == '"') return Quote::Double;
        if (m_t[p] == '\'') return Quote::Single;
        if (p + 2 < m_t.size() + 0 && static_cast<unsigned char>(m_t[p]) == 0xE2 &&
            static_cast<unsigned char>(m_t[p + 1]) == 0x80) {
            len = 3;
            switch (static_cast<unsigned char>(m_t[p + 2])) {
            case 0x9C: return Quote::LeftDouble;
            case 0x9D: return Quote::RightDouble;
            case 0x98: return Quote::LeftSingle;
            case 0x99: return Quote::RightSingle;
            default: break;
            }
        }
        len = 0;
        return Quote::None;
    }

    static bool isDoubleFamily(Quote q) { return q == Quote::Double || q == Quote::LeftDouble || q == Quote::RightDouble; }

    // Whitespace and comments (// and /* */), which some models add.
    bool skipSpace() {
        bool newline = false;
        while (m_p < m_t.size()) {
            const char c = m_t[m_p];
            if (c == '\n') {
                newline = true;
                ++m_p;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                ++m_p;
            } else if (c == '/' && m_p + 1 < m_t.size() && m_t[m_p + 1] == '/') {
                note("comment");
                while (m_p < m_t.size() && m_t[m_p] != '\n') ++m_p;
            } else if (c == '/' && m_p + 1 < m_t.size() && m_t[m_p + 1] == '*') {
                note("comment");
                auto e = m_t.find("*/", m_p + 2);
                m_p = e == std::string_view::npos ? m_t.size() : e + 2;
            } else {
                break;
            }
        }
        return newline;
    }

    // Whether a quote at `p` (of `len` bytes) really ends the string: in valid JSON it always
    // does; in broken JSON an inner unescaped quote is followed by more prose, a real closing
    // quote by a delimiter, the end, or (a member on the next line without comma) another quote.
    bool closesString(std::size_t p, std::size_t len) const {
        std::size_t q = p + len;
        bool newline = false;
        while (q < m_t.size() && (m_t[q] == ' ' || m_t[q] == '\t' || m_t[q] == '\r' || m_t[q] == '\n')) {
            newline = newline || m_t[q] == '\n';
            ++q;
        }
        if (q >= m_t.size()) return true;
        const char c = m_t[q];
        if (c == ',') return startsValueOrKey(q + 1);
        if (c == '}' || c == ']' || c == ':') return true;
        if (newline) {
            std::size_t l = 0;
            return quoteAt(q, l) != Quote::None || c == '`' || isIdentStart(c);
        }
        return false;
    }

    // After a comma: does JSON continue here (a key, a value or a closing bracket)? Used to tell
    // `"a", "b"` from prose such as `"yes", then left` inside a string with unescaped quotes.
    bool startsValueOrKey(std::size_t q) const {
        while (q < m_t.size() && (m_t[q] == ' ' || m_t[q] == '\t' || m_t[q] == '\r' || m_t[q] == '\n')) ++q;
        if (q >= m_t.size()) return true;
        const char c = m_t[q];
        std::size_t l = 0;
        if (quoteAt(q, l) != Quote::None) return true;
        if (c == '{' || c == '[' || c == '}' || c == ']' || c == '-' || (c >= '0' && c <= '9')) return true;
        if (c == '/' && q + 1 < m_t.size() && (m_t[q + 1] == '/' || m_t[q + 1] == '*')) return true; // comment
        if (!isIdentStart(c)) return false;
        std::size_t e = q;
        while (e < m_t.size() && isIdentChar(m_t[e])) ++e;
        const std::string_view word = m_t.substr(q, e - q);
        if (word == "true" || word == "false" || word == "null" || word == "True" || word == "False" || word == "None")
            return true;
        while (e < m_t.size() && (m_t[e] == ' ' || m_t[e] == '\t')) ++e;
        return e < m_t.size() && m_t[e] == ':'; // an unquoted key
    }

    static void appendUtf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool hex4(std::size_t p, std::uint32_t& v) const {
        if (p + 4 > m_t.size()) return false;
        v = 0;
        for (std::size_t i = p; i < p + 4; ++i) {
            char c = m_t[i];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else return false;
        }
        return true;
    }

    static JsonValue stringValue(std::string s) {
        JsonValue v;
        v.kind = JsonValue::Kind::String;
        v.text = std::move(s);
        return v;
    }

    std::string parseString() {
        std::size_t qlen = 0;
        const Quote open = quoteAt(m_p, qlen);
        if (open == Quote::Single || open == Quote::LeftSingle || open == Quote::RightSingle) note("single-quoted string");
        if (open != Quote::Double && open != Quote::Single) note("typographic quotes");
        const bool doubleFamily = isDoubleFamily(open);
        m_p += qlen;
        std::string out;
        while (true) {
            if (m_p >= m_t.size()) fail("answer ends inside a string (truncated?)");
            std::size_t len = 0;
            const Quote q = quoteAt(m_p, len);
            const bool sameFamily = q != Quote::None && q != Quote::LeftDouble && q != Quote::LeftSingle &&
                                    (isDoubleFamily(q) == doubleFamily);
            if (sameFamily && closesString(m_p, len)) {
                m_p += len;
                return out;
            }
            if (q != Quote::None) {
                if (q == Quote::Double && doubleFamily) note("unescaped quote in string");
                out.append(m_t.substr(m_p, len));
                m_p += len;
                continue;
            }
            const char c = m_t[m_p];
            if (c == '\\') {
                if (m_p + 1 >= m_t.size()) fail("answer ends inside a string (truncated?)");
                const char e = m_t[m_p + 1];
                m_p += 2;
                switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case '/': out += '/'; break;
                case '\\': out += '\\'; break;
                case '"': out += '"'; break;
                case '\'': out += '\''; break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(m_p, cp)) {
                        note("invalid escape");
                        out += "\\u";
                        break;
                    }
                    m_p += 4;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        std::uint32_t lo = 0;
                        if (m_p + 6 <= m_t.size() && m_t[m_p] == '\\' && m_t[m_p + 1] == 'u' && hex4(m_p + 2, lo) &&
                            lo >= 0xDC00 && lo <= 0xDFFF) {
                            m_p += 6;
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            cp = 0xFFFD;
                        }
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    note("invalid escape");
                    out += '\\';
                    out += e;
                }
                continue;
            }
            if (c == '\n' || c == '\t' || c == '\r') note("raw control character in string");
            out += c;
            ++m_p;
        }
    }

    JsonValue parseNumber() {
        std::size_t b = m_p;
        while (m_p < m_t.size()) {
            char c = m_t[m_p];
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') ++m_p;
            else break;
        }
        JsonValue v;
        v.kind = JsonValue::Kind::Number;
        v.text = std::string(m_t.substr(b, m_p - b));
        if (v.text[0] == '+') v.text.erase(0, 1);
        return v;
    }

    JsonValue parseObject(int depth) {
        ++m_p; // '{'
        JsonValue obj;
        obj.kind = JsonValue::Kind::Object;
        bool afterComma = false;
        while (true) {
            skipSpace();
            if (m_p >= m_t.size()) fail("answer ends before the JSON object is closed (truncated?)");
            if (m_t[m_p] == '}') {
                if (afterComma) note("trailing comma");
                ++m_p;
                return obj;
            }
            if (m_t[m_p] == ',') { // ",," or "{,"
                note("extra comma");
                ++m_p;
                continue;
            }
            std::string key;
            std::size_t qlen = 0;
            if (quoteAt(m_p, qlen) != Quote::None) {
                key = parseString();
            } else if (isIdentStart(m_t[m_p])) {
                note("unquoted key");
                key = identifier();
            } else {
                fail(std::string("unexpected character '") + m_t[m_p] + "' where an object key was expected");
            }
            skipSpace();
            if (m_p >= m_t.size()) fail("answer ends before the JSON object is closed (truncated?)");
            if (m_t[m_p] != ':') {
                if (m_t[m_p] == '=') note("'=' instead of ':'");
                else fail("expected ':' after key \"" + key + "\"");
            }
            ++m_p;
            JsonValue v = parseValue(depth + 1);
            auto it = std::find_if(obj.members.begin(), obj.members.end(), [&](auto& m) { return m.first == key; });
            if (it != obj.members.end()) {
                note("duplicate key");
                it->second = std::move(v);
            } else {
                obj.members.emplace_back(std::move(key), std::move(v));
            }
            bool newline = skipSpace();
            if (m_p >= m_t.size()) fail("answer ends before the JSON object is closed (truncated?)");
            const char c = m_t[m_p];
            if (c == ',') {
                ++m_p;
                afterComma = true;
            } else if (c == '}') {
                ++m_p;
                return obj;
            } else if (newline && (quoteAt(m_p, qlen) != Quote::None || isIdentStart(c))) {
                note("missing comma");
                afterComma = false;
            } else {
                fail(std::string("expected ',' or '}' but found '") + c + "'");
            }
        }
    }

    JsonValue parseArray(int depth) {
        ++m_p; // '['
        JsonValue arr;
        arr.kind = JsonValue::Kind::Array;
        bool afterComma = false;
        while (true) {
            skipSpace();
            if (m_p >= m_t.size()) fail("answer ends before the list is closed (truncated?)");
            if (m_t[m_p] == ']') {
                if (afterComma) note("trailing comma");
                ++m_p;
                return arr;
            }
            if (m_t[m_p] == ',') {
                note("extra comma");
                ++m_p;
                continue;
            }
            arr.items.push_back(parseValue(depth + 1));
            bool newline = skipSpace();
            if (m_p >= m_t.size()) fail("answer ends before the list is closed (truncated?)");
            const char c = m_t[m_p];
            std::size_t qlen = 0;
            if (c == ',') {
                ++m_p;
                afterComma = true;
            } else if (c == ']') {
                ++m_p;
                return arr;
            } else if (newline && (quoteAt(m_p, qlen) != Quote::None || c == '{' || c == '[')) {
                note("missing comma");
                afterComma = false;
            } else {
                fail(std::string("expected ',' or ']' but found '") + c + "'");
            }
        }
    }

    std::string_view m_t;
    std::size_t m_p;
    std::vector<std::string> m_repairs;
};

} // namespace

std::optional<LenientJson> parseLenientJsonAt(std::string_view text, std::size_t start, std::string& error,
                                              std::size_t* end) {
    Parser p(text, start);
    try {
        LenientJson out;
        out.value = p.parseValue(0);
        out.repairs = std::move(p.repairs());
        if (end) *end = p.pos();
        return out;
    } catch (const ParseError& e) {
        error = e.message;
        return std::nullopt;
    }
}

std::vector<std::string_view> fencedBlocks(std::string_view text) {
    std::vector<std::string_view> blocks;
    std::size_t pos = 0;
    while (true) {
        auto open = text.find("```", pos);
        if (open == std::string_view::npos) break;
        auto eol = text.find('\n', open);
        if (eol == std::string_view::npos) break; // "```" on the last line: nothing inside
        auto close = text.find("```", eol + 1);
        if (close == std::string_view::npos) {
            blocks.push_back(text.substr(eol + 1));
            break;
        }
        blocks.push_back(text.substr(eol + 1, close - eol - 1));
        pos = close + 3;
    }
    return blocks;
}

std::vector<LenientJson> findJsonValues(std::string_view answer, JsonValue::Kind kind, std::string* firstError) {
    const char opener = kind == JsonValue::Kind::Array ? '[' : '{';
    std::vector<LenientJson> out;
    std::vector<std::pair<std::size_t, std::size_t>> fenced; // [begin, end) offsets of fence contents
    for (auto b : fencedBlocks(answer)) {
        std::size_t off = static_cast<std::size_t>(b.data() - answer.data());
        fenced.emplace_back(off, off + b.size());
    }
    auto scan = [&](std::size_t begin, std::size_t end, bool skipFenced) {
        int attempts = 0;
        std::size_t p = begin;
        while (p < end && attempts < 64) {
            p = answer.find(opener, p);
            if (p == std::string_view::npos || p >= end) break;
            if (skipFenced) {
                auto in = std::find_if(fenced.begin(), fenced.end(),
                                       [&](auto& r) { return p >= r.first && p < r.second; });
                if (in != fenced.end()) {
                    p = in->second;
                    continue;
                }
            }
            ++attempts;
            std::string err;
            std::size_t stop = 0;
            // Parse within the fence only, so a closing ``` is not read as part of a string.
            auto v = parseLenientJsonAt(answer.substr(0, end), p, err, &stop);
            if (v && v->value.kind == kind) {
                out.push_back(std::move(*v));
                p = stop;
            } else {
                if (!v && firstError && firstError->empty()) *firstError = err;
                ++p;
            }
        }
    };
    for (auto& [b, e] : fenced) scan(b, e, false);
    scan(0, answer.size(), true);
    return out;
}

} // namespace synthembed::prompts
