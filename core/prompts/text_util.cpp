#include "core/prompts/text_util.h"

namespace synthembed::prompts::detail {

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n\f\v";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

bool isIdentifier(std::string_view s) {
    if (s.empty()) return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(s[0])) return false;
    for (char c : s)
        if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
    return true;
}

Diagnostic makeDiagnostic(std::string_view text, std::size_t offset, std::size_t length, std::string code,
                          std::string message, Diagnostic::Severity severity) {
    Diagnostic d;
    d.severity = severity;
    d.code = std::move(code);
    d.message = std::move(message);
    d.pos = positionAt(text, offset);
    d.length = static_cast<int>(length);
    return d;
}

std::string oneLine(std::string_view s) {
    std::string out;
    for (char c : trim(s)) out += (c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

SplitFile splitFile(std::string_view text, std::vector<Diagnostic>& diagnostics) {
    SplitFile f;
    std::size_t pos = 0;
    std::vector<HeaderLine> lines;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
        std::string_view line = text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
        std::string_view t = trim(line);
        if (t == "---") {
            f.hasSeparator = true;
            f.bodyOffset = next;
            break;
        }
        if (!t.empty() && t[0] != '#') {
            auto colon = line.find(':');
            std::size_t lead = line.find_first_not_of(" \t");
            if (colon == std::string_view::npos) {
                diagnostics.push_back(makeDiagnostic(text, pos + lead, t.size(), "bad_header",
                                                     "header line is not `key: value` (end the header with a "
                                                     "line `---`)"));
            } else {
                HeaderLine h;
                h.key = std::string(trim(line.substr(0, colon)));
                h.keyOffset = pos + lead;
                std::string_view raw = line.substr(colon + 1);
                std::string_view v = trim(raw);
                h.value = std::string(v);
                h.valueOffset = pos + colon + 1 + (v.empty() ? 0 : raw.find(v.front()));
                lines.push_back(std::move(h));
            }
        }
        pos = next;
    }
    if (!f.hasSeparator) {
        // No separator: the file is all body, which then lacks family/step (reported by the caller).
        diagnostics.push_back(makeDiagnostic(text, 0, 0, "bad_header",
                                             "no `---` line separating the header from the body"));
        f.bodyOffset = 0;
        f.body = text;
    } else {
        f.header = std::move(lines);
        f.body = text.substr(f.bodyOffset);
    }
    // Trailing blank lines and spaces are not part of the body (files end with a newline).
    auto end = f.body.find_last_not_of(" \t\r\n");
    f.body = end == std::string_view::npos ? std::string_view() : f.body.substr(0, end + 1);
    return f;
}

std::vector<ListItem> splitList(std::string_view value, std::size_t valueOffset) {
    std::vector<ListItem> items;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        auto end = comma == std::string_view::npos ? value.size() : comma;
        std::string_view raw = value.substr(start, end - start);
        std::string_view t = trim(raw);
        if (!t.empty()) items.push_back({std::string(t), valueOffset + start + raw.find(t.front())});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return items;
}

} // namespace synthembed::prompts::detail
