#include "core/prompts/library.h"

#include "core/prompts/text_util.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace synthembed::prompts {

namespace {
Diagnostic headerDiag(const Template& t, std::string_view field, std::string code, std::string message,
                      Diagnostic::Severity severity = Diagnostic::Severity::Error) {
    Diagnostic d;
    d.severity = severity;
    d.code = std::move(code);
    d.message = std::move(message);
    auto f = t.headerField(field);
    d.pos = f.pos;
    d.length = static_cast<int>(f.length);
    return d;
}

Diagnostic bodyDiag(const Template& t, const Segment& s, std::string code, std::string message) {
    Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.bodyOffset = s.bodyOffset;
    d.bodyPos = positionAt(t.body, s.bodyOffset);
    d.pos = d.bodyPos;
    d.pos.line += t.bodyStartLine - 1;
    d.pos.offset += t.bodyStartOffset;
    d.length = static_cast<int>(s.sourceLength);
    return d;
}

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Failure("io", p.string() + ": cannot read file");
    std::ostringstream ss;
    ss << in.rdbuf();
    // CRLF files (a Windows checkout, an editor) must render the same bytes as LF files.
    std::string text = ss.str();
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
    return out;
}

std::vector<fs::path> filesWithExtension(const fs::path& dir, const char* ext) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ext) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}
} // namespace

std::string SourceDiagnostic::toString() const { return source + ":" + formatDiagnostic(diagnostic); }

const Template* Library::find(std::string_view family, Step step) const {
    for (const auto& t : templates)
        if (t.meta.family == family && t.meta.step == step) return &t;
    return nullptr;
}

const Template* Library::byName(std::string_view name) const {
    for (const auto& t : templates)
        if (t.meta.name == name) return &t;
    return nullptr;
}

bool Library::hasErrors() const {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const SourceDiagnostic& d) { return d.diagnostic.isError(); });
}

std::vector<Diagnostic> validateTemplate(const Template& t, const PoolSet& pools) {
    std::vector<Diagnostic> out;
    const auto& m = t.meta;
    using Sev = Diagnostic::Severity;
    if (m.step == Step::Brainstorm && isFamily(m.family) && !hasBrainstormStep(m.family))
        out.push_back(headerDiag(t, "step", "bad_step", "family '" + m.family + "' has no brainstorm step"));

    for (const auto& s : t.segments) {
        if (s.kind != Segment::Kind::Placeholder) continue;
        if (m.isInput(s.text) || m.sourceOf(s.text)) continue;
        out.push_back(bodyDiag(t, s, "unknown_placeholder",
                               "unknown placeholder {" + s.text + "}: map it to a pool under `placeholders:` or "
                               "list it under `inputs:`"));
    }
    const auto used = t.placeholdersUsed();
    auto isUsed = [&](const std::string& n) { return std::find(used.begin(), used.end(), n) != used.end(); };
    for (const auto& p : m.placeholders) {
        const std::string field = "placeholders:" + p.placeholder;
        if (m.isInput(p.placeholder))
            out.push_back(headerDiag(t, field, "input_with_pool",
                                     "placeholder '" + p.placeholder + "' is both an input and mapped to a pool"));
        const Pool* pool = pools.find(p.pool);
        if (!pool)
            out.push_back(headerDiag(t, field, "missing_pool",
                                     "placeholder {" + p.placeholder + "} draws from pool '" + p.pool +
                                         "', which does not exist"));
        else if (pool->values.empty() || pool->totalWeight() == 0)
            out.push_back(headerDiag(t, field, "empty_pool",
                                     "pool '" + p.pool + "' of placeholder {" + p.placeholder + "} has no values "
                                     "with a weight above 0"));
        if (!isUsed(p.placeholder))
            out.push_back(headerDiag(t, field, "unused_pool",
                                     "placeholder '" + p.placeholder + "' is mapped to pool '" + p.pool +
                                         "' but the body never uses {" + p.placeholder + "}"));
    }
    for (const auto& in : m.inputs)
        if (!isUsed(in))
            out.push_back(headerDiag(t, "inputs:" + in, "unused_input",
                                     "input '" + in + "' is never used in the body", Sev::Warning));
    for (const auto& d : m.distinct)
        if (!m.sourceOf(d))
            out.push_back(headerDiag(t, "distinct:" + d, "bad_distinct",
                                     "distinct placeholder '" + d + "' is not mapped to a pool"));

    if (m.step == Step::Generate && isFamily(m.family)) {
        for (Role r : requiredRoles(m.family))
            if (!m.keyFor(r))
                out.push_back(headerDiag(t, "keys", "missing_key",
                                         "family '" + m.family + "' needs an answer key with role '" + roleName(r) +
                                             "' under `keys:`"));
        for (const auto& k : m.keys)
            if (t.body.find(k.name) == std::string::npos)
                out.push_back(headerDiag(t, "keys:" + k.name, "key_not_in_body",
                                         "the body never mentions the answer key \"" + k.name + "\"", Sev::Warning));
        if (hasBrainstormStep(m.family)) {
            if (!m.isInput("task"))
                out.push_back(headerDiag(t, "inputs", "missing_input",
                                         "generate prompts of family '" + m.family +
                                             "' take the brainstormed task: list `inputs: task` and use {task}"));
            if (m.exampleTask.empty())
                out.push_back(headerDiag(t, "family", "missing_example_task",
                                         "no `example_task:` for previews", Sev::Warning));
        } else if (m.instruction.empty()) {
            out.push_back(headerDiag(t, "family", "missing_instruction",
                                     "family '" + m.family + "' needs a fixed `instruction:` for training"));
        }
    }
    if (m.step == Step::Brainstorm && !m.keys.empty())
        out.push_back(headerDiag(t, "keys", "keys_in_brainstorm",
                                 "brainstorm prompts are answered with a list: `keys:` is ignored", Sev::Warning));
    std::stable_sort(out.begin(), out.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.pos.offset < b.pos.offset; });
    return out;
}

std::vector<Diagnostic> validateTemplateText(std::string_view fileText, const PoolSet& pools) {
    auto parsed = parseTemplateFile(fileText);
    auto out = parsed.diagnostics;
    auto more = validateTemplate(parsed.tpl, pools);
    out.insert(out.end(), more.begin(), more.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.pos.offset < b.pos.offset; });
    return out;
}

std::vector<SourceDiagnostic> checkCompleteness(const Library& lib) {
    std::vector<SourceDiagnostic> out;
    auto add = [&](std::string code, std::string message) {
        Diagnostic d;
        d.code = std::move(code);
        d.message = std::move(message);
        out.push_back({"library", std::move(d)});
    };
    for (const char* f : kFamilies) {
        if (!lib.find(f, Step::Generate))
            add("missing_template", std::string("no generate template for family '") + f + "'");
        if (hasBrainstormStep(f) && !lib.find(f, Step::Brainstorm))
            add("missing_template", std::string("no brainstorm template for family '") + f + "'");
    }
    std::vector<std::string> names;
    for (const auto& t : lib.templates) {
        if (std::find(names.begin(), names.end(), t.meta.name) != names.end())
            add("duplicate_template", "two templates are named '" + t.meta.name + "'");
        names.push_back(t.meta.name);
    }
    return out;
}

Result<Library> loadLibrary(const fs::path& dir) {
    return guarded([&]() -> Library {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw Failure("not_found", dir.string() + ": prompts directory not found");
        Library lib;
        for (const auto& p : filesWithExtension(dir / "pools", ".pool")) {
            auto parsed = parsePoolFile(readText(p));
            for (auto& d : parsed.diagnostics) lib.diagnostics.push_back({p.string(), d});
            if (!parsed.pool.name.empty()) lib.pools.add(std::move(parsed.pool));
        }
        for (const auto& p : filesWithExtension(dir / "templates", ".prompt")) {
            auto text = readText(p);
            auto parsed = parseTemplateFile(text);
            for (auto& d : parsed.diagnostics) lib.diagnostics.push_back({p.string(), d});
            for (auto& d : validateTemplate(parsed.tpl, lib.pools)) lib.diagnostics.push_back({p.string(), d});
            lib.templates.push_back(std::move(parsed.tpl));
        }
        auto more = checkCompleteness(lib);
        lib.diagnostics.insert(lib.diagnostics.end(), more.begin(), more.end());
        return lib;
    }, "io");
}

} // namespace synthembed::prompts
