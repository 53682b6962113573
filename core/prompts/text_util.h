#pragma once
// Internal helpers shared by the prompts sources (not part of the public API).

#include "core/prompts/template.h"

#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts::detail {

std::string_view trim(std::string_view s);
bool isIdentifier(std::string_view s);

/// One `key: value` line of a header.
struct HeaderLine {
    std::string key;
    std::string value;
    std::size_t keyOffset = 0;   ///< file offset of the key
    std::size_t valueOffset = 0; ///< file offset of the (trimmed) value
};

/// A file split at its `---` line.
struct SplitFile {
    std::vector<HeaderLine> header;
    bool hasSeparator = false;
    std::size_t bodyOffset = 0; ///< offset of the first body byte
    std::string_view body;      ///< body with trailing blank lines and spaces removed
};

/// Splits header and body; malformed header lines become diagnostics.
SplitFile splitFile(std::string_view text, std::vector<Diagnostic>& diagnostics);

/// A comma-separated list item with its file offset.
struct ListItem {
    std::string text;
    std::size_t offset = 0;
};
std::vector<ListItem> splitList(std::string_view value, std::size_t valueOffset);

Diagnostic makeDiagnostic(std::string_view text, std::size_t offset, std::size_t length, std::string code,
                          std::string message, Diagnostic::Severity severity = Diagnostic::Severity::Error);

/// Header values are one line: newlines become spaces.
std::string oneLine(std::string_view s);

} // namespace synthembed::prompts::detail
