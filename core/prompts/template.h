#pragma once
/// Prompt templates: the file format, `{placeholder}` parsing and validation with positions.
///
/// A template file is a header of `key: value` lines, a line `---`, then the body (see
/// prompts/README.md). In the body `{name}` is a placeholder, `{{` and `}}` are literal braces.
///
///     family: short-long
///     step: generate
///     keys: user_query=query, positive_document=positive, hard_negative_document=negative
///     placeholders: language=language, num_words=num_words_retrieval
///     inputs: task
///     ---
///     You have been given a retrieval task: {task} ...

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::prompts {

/// The six task families, in the paper's order. Names are used in files, the DB and the CLI.
inline constexpr const char* kFamilies[] = {"short-long", "long-short", "short-short", "long-long", "sts", "bitext"};
bool isFamily(std::string_view name);
/// Families that have a brainstorm step (the asymmetric ones).
bool hasBrainstormStep(std::string_view family);

enum class Step { Brainstorm, Generate };
const char* stepName(Step step);
std::optional<Step> parseStep(std::string_view name);

/// What an answer key becomes in the training triple.
enum class Role { Query, Positive, Negative };
const char* roleName(Role role);
std::optional<Role> parseRole(std::string_view name);
/// Roles a generate template of this family must declare among its keys
/// (query + positive always; negative for short-long, long-short, sts, bitext).
std::vector<Role> requiredRoles(std::string_view family);

struct AnswerKey {
    std::string name; ///< JSON key the LLM must write, e.g. "user_query"
    Role role = Role::Query;
};

struct PlaceholderSource {
    std::string placeholder; ///< name used in the body
    std::string pool;        ///< pool it draws from
};

/// A position in the text a diagnostic refers to: 1-based line, 1-based column counted in
/// Unicode code points, and the byte offset into that same text.
struct TextPos {
    int line = 1;
    int column = 1;
    std::size_t offset = 0;
};

struct Diagnostic {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    /// Stable code: unknown_placeholder, missing_pool, unused_pool, unbalanced_brace,
    /// bad_placeholder, missing_key, bad_header, bad_family, bad_step, key_not_in_body, ...
    std::string code;
    std::string message;
    /// Position in the whole file text (header or body).
    TextPos pos;
    /// Byte offset into the body when the diagnostic is about the body, else npos; an editor that
    /// shows only the body uses this (and bodyPos) instead of pos.
    std::size_t bodyOffset = std::string::npos;
    TextPos bodyPos;
    int length = 0; ///< bytes of the offending text (for underlining), 0 if unknown

    bool isError() const { return severity == Severity::Error; }
};

/// "LINE:COL: error: message" (file-relative position).
std::string formatDiagnostic(const Diagnostic& d);
bool hasErrors(const std::vector<Diagnostic>& diagnostics);

/// One piece of a parsed body: literal text (escapes already resolved) or a placeholder.
struct Segment {
    enum class Kind { Text, Placeholder };
    Kind kind = Kind::Text;
    std::string text;         ///< literal text, or the placeholder name
    std::size_t bodyOffset = 0; ///< where the piece starts in the body source
    std::size_t sourceLength = 0; ///< bytes it spans in the body source (e.g. `{task}` = 6)
};

/// Everything the header says about a template.
struct TemplateMeta {
    std::string name;   ///< unique name, e.g. "short-long.generate" (default: family.step)
    std::string family; ///< one of kFamilies
    Step step = Step::Generate;
    std::string description;
    std::vector<AnswerKey> keys;                  ///< generate step: JSON keys of the answer
    std::vector<PlaceholderSource> placeholders;  ///< placeholder -> pool
    std::vector<std::string> inputs;              ///< placeholders supplied by the plan (e.g. task)
    std::vector<std::string> distinct;            ///< placeholders that must get different values
    std::string instruction;  ///< fixed training instruction (sts, bitext); empty = the task
    std::string exampleTask;  ///< task used by previews/`prompts render` when none is given

    const AnswerKey* keyFor(Role role) const;
    const PlaceholderSource* sourceOf(std::string_view placeholder) const;
    bool isInput(std::string_view placeholder) const;
};

/// Where a header entry sits in the file, for diagnostics about it. `key` is the header key
/// ("family"), or "keys:NAME" / "placeholders:NAME" / "inputs:NAME" / "distinct:NAME" for one item.
struct HeaderField {
    std::string key;
    TextPos pos;
    std::size_t length = 0;
};

struct Template {
    TemplateMeta meta;
    std::vector<HeaderField> headerFields;
    std::string body;              ///< body source, escapes unresolved
    std::vector<Segment> segments; ///< parsed body
    int bodyStartLine = 1;         ///< file line of the body's first line
    std::size_t bodyStartOffset = 0; ///< file byte offset of the body
    int version = 0;               ///< DB version (0 = not stored)
    std::int64_t id = 0;           ///< DB row id (0 = not stored)

    /// Placeholder names in order of first appearance in the body.
    std::vector<std::string> placeholdersUsed() const;
    /// Position of a header entry (line 1 when absent).
    HeaderField headerField(std::string_view key) const;
};

struct ParsedTemplate {
    Template tpl;
    std::vector<Diagnostic> diagnostics; ///< syntax problems (header and body)
};

/// Parses a whole template file. Never fails: problems are diagnostics; `tpl` holds whatever
/// could be read.
ParsedTemplate parseTemplateFile(std::string_view text);

/// Parses a body alone (for an editor that shows only the body): positions are body-relative.
std::vector<Segment> parseBody(std::string_view body, std::vector<Diagnostic>& diagnostics,
                               int firstLine = 1, std::size_t firstOffset = 0);

/// Writes a template back to its file form (header + `---` + body); parseTemplateFile of the
/// result gives the same template.
std::string formatTemplateFile(const TemplateMeta& meta, std::string_view body);

/// The position of byte `offset` in `text`.
TextPos positionAt(std::string_view text, std::size_t offset);

} // namespace synthembed::prompts
