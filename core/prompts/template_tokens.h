#pragma once
/// The pieces of a template file an editor colours: header keys and values, comments, the `---`
/// separator, placeholders (known or unknown to the header), brace escapes and bad braces.
/// Computed with the same rules as parseTemplateFile, so what is coloured is what is parsed.

#include "core/prompts/template.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

enum class TokenKind {
    HeaderKey,          ///< `family` in `family: short-long`
    HeaderValue,        ///< `short-long`
    Comment,            ///< a header line starting with '#'
    Separator,          ///< the `---` line
    Placeholder,        ///< `{language}` mapped to a pool or listed as an input
    UnknownPlaceholder, ///< `{bogus}`: neither mapped nor an input
    Escape,             ///< `{{` or `}}`
    BadBrace,           ///< an unbalanced brace or a `{not a name}`
};

struct TemplateToken {
    TokenKind kind = TokenKind::HeaderKey;
    std::size_t offset = 0; ///< byte offset in the file text
    std::size_t length = 0; ///< bytes
};

/// Tokens of a whole template file, sorted by offset and not overlapping; bytes not covered are
/// plain text.
std::vector<TemplateToken> tokenizeTemplate(std::string_view fileText);

/// The placeholder names a template's body may use (pool placeholders, then inputs, in header
/// order, without duplicates): what an editor offers after `{`.
std::vector<std::string> placeholderCompletions(const TemplateMeta& meta);

} // namespace synthembed::prompts
