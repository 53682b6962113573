#pragma once
/// A forgiving JSON reader for LLM answers. It accepts what models actually write: fenced code
/// blocks, prose around the object, trailing commas, raw newlines inside strings, single quotes,
/// “smart” quotes, unquoted keys, Python True/False/None, unescaped inner quotes, missing commas
/// between members on separate lines. Pure functions, no state.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::prompts {

struct JsonValue {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    std::string text; ///< string contents, number/bool literal text
    std::vector<JsonValue> items;
    std::vector<std::pair<std::string, JsonValue>> members;

    const JsonValue* member(std::string_view key) const;
    bool isScalar() const { return kind != Kind::Array && kind != Kind::Object; }
};

struct LenientJson {
    JsonValue value;
    /// What had to be forgiven, e.g. "trailing comma", "single-quoted string" (one entry per kind).
    std::vector<std::string> repairs;
};

/// Parses one JSON value starting at the first non-space byte at/after `start`; nullopt with a
/// reason in `error` if no value can be read there.
std::optional<LenientJson> parseLenientJsonAt(std::string_view text, std::size_t start, std::string& error,
                                              std::size_t* end = nullptr);

/// The contents of ``` fenced blocks, in order (an unterminated last fence runs to the end).
std::vector<std::string_view> fencedBlocks(std::string_view text);

/// Every value of kind `kind` (Object or Array) that can be read from the answer: fenced blocks
/// first, then each '{' / '[' in the text in order. Values nested in an earlier hit are skipped.
std::vector<LenientJson> findJsonValues(std::string_view answer, JsonValue::Kind kind, std::string* firstError = nullptr);

} // namespace synthembed::prompts
