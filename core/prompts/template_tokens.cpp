#include "core/prompts/template_tokens.h"

#include "core/prompts/text_util.h"

#include <algorithm>

namespace synthembed::prompts {

std::vector<TemplateToken> tokenizeTemplate(std::string_view text) {
    std::vector<TemplateToken> tokens;
    std::vector<Diagnostic> diags;
    const auto split = detail::splitFile(text, diags);
    const auto parsed = parseTemplateFile(text);
    const auto& meta = parsed.tpl.meta;

    if (split.hasSeparator) {
        // Header: walk the lines before the body; key/value offsets come from splitFile.
        std::size_t pos = 0;
        std::size_t next = 0;
        auto header = split.header.begin();
        while (pos < split.bodyOffset) {
            std::size_t eol = text.find('\n', pos);
            next = eol == std::string_view::npos ? text.size() : eol + 1;
            std::string_view line = text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
            std::string_view t = detail::trim(line);
            const std::size_t lead = line.find_first_not_of(" \t");
            if (next >= split.bodyOffset && t == "---") {
                tokens.push_back({TokenKind::Separator, pos + lead, t.size()});
            } else if (!t.empty() && t[0] == '#') {
                tokens.push_back({TokenKind::Comment, pos + lead, t.size()});
            } else if (header != split.header.end() && header->keyOffset >= pos && header->keyOffset < next) {
                tokens.push_back({TokenKind::HeaderKey, header->keyOffset, header->key.size()});
                if (!header->value.empty())
                    tokens.push_back({TokenKind::HeaderValue, header->valueOffset, header->value.size()});
                ++header;
            }
            pos = next;
        }
    }

    // Body: placeholders from the parser; problem spans from its diagnostics; escapes in what is left.
    const std::size_t base = parsed.tpl.bodyStartOffset;
    const std::string_view body = parsed.tpl.body;
    std::vector<TemplateToken> bodyTokens;
    for (const auto& s : parsed.tpl.segments) {
        if (s.kind != Segment::Kind::Placeholder) continue;
        const bool known = meta.sourceOf(s.text) || meta.isInput(s.text);
        bodyTokens.push_back({known ? TokenKind::Placeholder : TokenKind::UnknownPlaceholder, base + s.bodyOffset,
                              s.sourceLength});
    }
    for (const auto& d : parsed.diagnostics) {
        if (d.bodyOffset == std::string::npos) continue;
        if (d.code != "unbalanced_brace" && d.code != "bad_placeholder") continue;
        bodyTokens.push_back({TokenKind::BadBrace, base + d.bodyOffset, static_cast<std::size_t>(d.length)});
    }
    std::sort(bodyTokens.begin(), bodyTokens.end(),
              [](const TemplateToken& a, const TemplateToken& b) { return a.offset < b.offset; });
    // Escapes: scan the gaps between the tokens above with the parser's left-to-right rule.
    std::vector<TemplateToken> escapes;
    std::size_t i = 0;
    std::size_t k = 0;
    while (i < body.size()) {
        if (k < bodyTokens.size() && base + i >= bodyTokens[k].offset) {
            i = std::max(i, bodyTokens[k].offset + bodyTokens[k].length - base);
            ++k;
            continue;
        }
        const std::size_t limit = k < bodyTokens.size() ? bodyTokens[k].offset - base : body.size();
        if (i + 1 < limit && ((body[i] == '{' && body[i + 1] == '{') || (body[i] == '}' && body[i + 1] == '}'))) {
            escapes.push_back({TokenKind::Escape, base + i, 2});
            i += 2;
        } else {
            ++i;
        }
    }
    tokens.insert(tokens.end(), bodyTokens.begin(), bodyTokens.end());
    tokens.insert(tokens.end(), escapes.begin(), escapes.end());
    std::stable_sort(tokens.begin(), tokens.end(),
                     [](const TemplateToken& a, const TemplateToken& b) { return a.offset < b.offset; });
    return tokens;
}

std::vector<std::string> placeholderCompletions(const TemplateMeta& meta) {
    std::vector<std::string> out;
    auto add = [&](const std::string& n) {
        if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    };
    for (const auto& p : meta.placeholders) add(p.placeholder);
    for (const auto& in : meta.inputs) add(in);
    return out;
}

} // namespace synthembed::prompts
