#include "core/prompts/template.h"

#include "core/prompts/text_util.h"

#include <algorithm>
#include <set>

namespace synthembed::prompts {

using detail::makeDiagnostic;
using detail::trim;

bool isFamily(std::string_view name) {
    return std::any_of(std::begin(kFamilies), std::end(kFamilies), [&](const char* f) { return name == f; });
}

bool hasBrainstormStep(std::string_view family) {
    return family == "short-long" || family == "long-short" || family == "short-short" || family == "long-long";
}

const char* stepName(Step step) { return step == Step::Brainstorm ? "brainstorm" : "generate"; }

std::optional<Step> parseStep(std::string_view name) {
    if (name == "brainstorm") return Step::Brainstorm;
    if (name == "generate") return Step::Generate;
    return std::nullopt;
}

const char* roleName(Role role) {
    switch (role) {
    case Role::Query: return "query";
    case Role::Positive: return "positive";
    case Role::Negative: return "negative";
    }
    return "query";
}

std::optional<Role> parseRole(std::string_view name) {
    if (name == "query") return Role::Query;
    if (name == "positive") return Role::Positive;
    if (name == "negative") return Role::Negative;
    return std::nullopt;
}

std::vector<Role> requiredRoles(std::string_view family) {
    if (family == "short-short" || family == "long-long") return {Role::Query, Role::Positive};
    return {Role::Query, Role::Positive, Role::Negative};
}

std::string formatDiagnostic(const Diagnostic& d) {
    return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
           (d.isError() ? "error" : "warning") + ": " + d.message + " [" + d.code + "]";
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.isError(); });
}

TextPos positionAt(std::string_view text, std::size_t offset) {
    TextPos p;
    offset = std::min(offset, text.size());
    p.offset = offset;
    for (std::size_t i = 0; i < offset; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) { // count code points, not UTF-8 continuation bytes
            ++p.column;
        }
    }
    return p;
}

const AnswerKey* TemplateMeta::keyFor(Role role) const {
    for (const auto& k : keys)
        if (k.role == role) return &k;
    return nullptr;
}

const PlaceholderSource* TemplateMeta::sourceOf(std::string_view placeholder) const {
    for (const auto& p : placeholders)
        if (p.placeholder == placeholder) return &p;
    return nullptr;
}

bool TemplateMeta::isInput(std::string_view placeholder) const {
    return std::find(inputs.begin(), inputs.end(), placeholder) != inputs.end();
}

std::vector<std::string> Template::placeholdersUsed() const {
    std::vector<std::string> out;
    for (const auto& s : segments)
        if (s.kind == Segment::Kind::Placeholder && std::find(out.begin(), out.end(), s.text) == out.end())
            out.push_back(s.text);
    return out;
}

HeaderField Template::headerField(std::string_view key) const {
    for (const auto& f : headerFields)
        if (f.key == key) return f;
    // Fall back to the whole entry for "keys:NAME" style keys, then to the file start.
    if (auto colon = key.find(':'); colon != std::string_view::npos) return headerField(key.substr(0, colon));
    return HeaderField{std::string(key), TextPos{}, 0};
}

std::vector<Segment> parseBody(std::string_view body, std::vector<Diagnostic>& diagnostics, int firstLine,
                               std::size_t firstOffset) {
    std::vector<Segment> segments;
    std::string literal;
    std::size_t literalStart = 0;
    auto flush = [&](std::size_t end) {
        if (!literal.empty())
            segments.push_back({Segment::Kind::Text, std::move(literal), literalStart, end - literalStart});
        literal.clear();
    };
    auto diag = [&](std::size_t at, std::size_t len, const char* code, std::string msg) {
        Diagnostic d = makeDiagnostic(body, at, len, code, std::move(msg));
        d.bodyOffset = at;
        d.bodyPos = d.pos;
        d.pos.line += firstLine - 1;
        d.pos.offset += firstOffset;
        diagnostics.push_back(std::move(d));
    };
    std::size_t i = 0;
    while (i < body.size()) {
        const char c = body[i];
        if (c == '{' && i + 1 < body.size() && body[i + 1] == '{') {
            if (literal.empty()) literalStart = i;
            literal += '{';
            i += 2;
        } else if (c == '}' && i + 1 < body.size() && body[i + 1] == '}') {
            if (literal.empty()) literalStart = i;
            literal += '}';
            i += 2;
        } else if (c == '{') {
            // A placeholder ends at the next '}' on the same line, before any other '{'.
            std::size_t j = i + 1;
            while (j < body.size() && body[j] != '}' && body[j] != '{' && body[j] != '\n') ++j;
            if (j >= body.size() || body[j] != '}') {
                diag(i, 1, "unbalanced_brace", "'{' is not closed on this line (write '{{' for a literal brace)");
                if (literal.empty()) literalStart = i;
                literal += '{';
                ++i;
                continue;
            }
            std::string_view name = body.substr(i + 1, j - i - 1);
            if (!detail::isIdentifier(name)) {
                diag(i, j - i + 1, "bad_placeholder",
                     "'{" + std::string(name) +
                         "}' is not a placeholder name (letters, digits and '_'; write '{{' and '}}' for literal "
                         "braces)");
                if (literal.empty()) literalStart = i;
                literal.append(body.substr(i, j - i + 1));
                i = j + 1;
                continue;
            }
            flush(i);
            segments.push_back({Segment::Kind::Placeholder, std::string(name), i, j - i + 1});
            i = j + 1;
        } else if (c == '}') {
            diag(i, 1, "unbalanced_brace", "'}' without a matching '{' (write '}}' for a literal brace)");
            if (literal.empty()) literalStart = i;
            literal += '}';
            ++i;
        } else {
            if (literal.empty()) literalStart = i;
            literal += c;
            ++i;
        }
    }
    flush(body.size());
    return segments;
}

ParsedTemplate parseTemplateFile(std::string_view text) {
    ParsedTemplate out;
    Template& t = out.tpl;
    auto& diags = out.diagnostics;
    auto split = detail::splitFile(text, diags);
    auto field = [&](std::string key, std::size_t offset, std::size_t length) {
        t.headerFields.push_back({std::move(key), positionAt(text, offset), length});
    };
    std::set<std::string> seen;
    bool haveStep = false;
    for (const auto& h : split.header) {
        if (!seen.insert(h.key).second) {
            diags.push_back(makeDiagnostic(text, h.keyOffset, h.key.size(), "duplicate_header",
                                           "header key '" + h.key + "' appears twice"));
            continue;
        }
        field(h.key, h.keyOffset, h.key.size());
        if (h.key == "name") {
            t.meta.name = h.value;
        } else if (h.key == "family") {
            t.meta.family = h.value;
            if (!isFamily(h.value))
                diags.push_back(makeDiagnostic(text, h.valueOffset, h.value.size(), "bad_family",
                                               "unknown family '" + h.value +
                                                   "' (short-long, long-short, short-short, long-long, sts, "
                                                   "bitext)"));
        } else if (h.key == "step") {
            haveStep = true;
            if (auto s = parseStep(h.value))
                t.meta.step = *s;
            else
                diags.push_back(makeDiagnostic(text, h.valueOffset, h.value.size(), "bad_step",
                                               "unknown step '" + h.value + "' (brainstorm or generate)"));
        } else if (h.key == "description") {
            t.meta.description = h.value;
        } else if (h.key == "instruction") {
            t.meta.instruction = h.value;
        } else if (h.key == "example_task") {
            t.meta.exampleTask = h.value;
        } else if (h.key == "keys" || h.key == "placeholders") {
            const bool isKeys = h.key == "keys";
            for (const auto& item : detail::splitList(h.value, h.valueOffset)) {
                auto eq = item.text.find('=');
                std::string name(trim(std::string_view(item.text).substr(0, eq)));
                std::string rhs = eq == std::string::npos ? "" : std::string(trim(item.text.substr(eq + 1)));
                const char* what = isKeys ? "keys entry" : "placeholders entry";
                if (eq == std::string::npos || name.empty() || rhs.empty()) {
                    diags.push_back(makeDiagnostic(text, item.offset, item.text.size(), "bad_header",
                                                   std::string(what) + " '" + item.text + "' is not NAME=" +
                                                       (isKeys ? "ROLE" : "POOL")));
                    continue;
                }
                field(h.key + ":" + name, item.offset, item.text.size());
                if (isKeys) {
                    auto role = parseRole(rhs);
                    if (!role) {
                        diags.push_back(makeDiagnostic(text, item.offset, item.text.size(), "bad_role",
                                                       "key '" + name + "' has unknown role '" + rhs +
                                                           "' (query, positive or negative)"));
                        continue;
                    }
                    if (t.meta.keyFor(*role)) {
                        diags.push_back(makeDiagnostic(text, item.offset, item.text.size(), "duplicate_role",
                                                       "role '" + rhs + "' is given to two keys"));
                        continue;
                    }
                    t.meta.keys.push_back({name, *role});
                } else {
                    if (!detail::isIdentifier(name)) {
                        diags.push_back(makeDiagnostic(text, item.offset, item.text.size(), "bad_placeholder",
                                                       "'" + name + "' is not a placeholder name"));
                        continue;
                    }
                    if (t.meta.sourceOf(name)) {
                        diags.push_back(makeDiagnostic(text, item.offset, item.text.size(),
                                                       "duplicate_placeholder",
                                                       "placeholder '" + name + "' is mapped twice"));
                        continue;
                    }
                    t.meta.placeholders.push_back({name, rhs});
                }
            }
        } else if (h.key == "inputs" || h.key == "distinct") {
            auto& list = h.key == "inputs" ? t.meta.inputs : t.meta.distinct;
            for (const auto& item : detail::splitList(h.value, h.valueOffset)) {
                if (!detail::isIdentifier(item.text)) {
                    diags.push_back(makeDiagnostic(text, item.offset, item.text.size(), "bad_placeholder",
                                                   "'" + item.text + "' is not a placeholder name"));
                    continue;
                }
                field(h.key + ":" + item.text, item.offset, item.text.size());
                list.push_back(item.text);
            }
        } else {
            diags.push_back(makeDiagnostic(text, h.keyOffset, h.key.size(), "unknown_header",
                                           "unknown header key '" + h.key + "'", Diagnostic::Severity::Warning));
        }
    }
    if (t.meta.family.empty() && split.hasSeparator)
        diags.push_back(makeDiagnostic(text, 0, 0, "bad_family", "header has no `family:` line"));
    if (!haveStep && split.hasSeparator)
        diags.push_back(makeDiagnostic(text, 0, 0, "bad_step", "header has no `step:` line"));
    if (t.meta.name.empty() && !t.meta.family.empty()) t.meta.name = t.meta.family + "." + stepName(t.meta.step);

    t.body = std::string(split.body);
    t.bodyStartOffset = split.bodyOffset;
    t.bodyStartLine = positionAt(text, split.bodyOffset).line;
    t.segments = parseBody(t.body, diags, t.bodyStartLine, t.bodyStartOffset);
    return out;
}

std::string formatTemplateFile(const TemplateMeta& meta, std::string_view body) {
    using detail::oneLine;
    std::string s;
    auto line = [&](const char* key, const std::string& value) {
        if (!value.empty()) s += std::string(key) + ": " + oneLine(value) + "\n";
    };
    line("name", meta.name);
    line("family", meta.family);
    s += std::string("step: ") + stepName(meta.step) + "\n";
    line("description", meta.description);
    auto join = [](const auto& items, auto fn) {
        std::string out;
        for (const auto& it : items) out += (out.empty() ? "" : ", ") + fn(it);
        return out;
    };
    line("keys", join(meta.keys, [](const AnswerKey& k) { return k.name + "=" + roleName(k.role); }));
    line("placeholders",
         join(meta.placeholders, [](const PlaceholderSource& p) { return p.placeholder + "=" + p.pool; }));
    line("inputs", join(meta.inputs, [](const std::string& x) { return x; }));
    line("distinct", join(meta.distinct, [](const std::string& x) { return x; }));
    line("instruction", meta.instruction);
    line("example_task", meta.exampleTask);
    s += "---\n";
    s += std::string(body);
    if (!body.empty() && body.back() != '\n') s += "\n";
    return s;
}

} // namespace synthembed::prompts
