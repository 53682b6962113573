#pragma once
/// The one vocabulary of error codes (Error::code, Failure::code): what each means, what the user
/// can do, and the CLI's exit status for it. Every code thrown or returned in core/, app/ and ui/
/// is listed here (tests/unit/error_codes_test.cpp reads the sources and fails on a code that is
/// not); docs/guide.md prints the table. Codes are snake_case; a feature's own codes share its
/// prefix (train_..., llm_...).

#include <span>
#include <string_view>

namespace synthembed::errors {

struct CodeInfo {
    std::string_view code;
    std::string_view meaning;  ///< one line: what went wrong
    std::string_view remedy;   ///< one line: what the user can do
    int exitStatus;            ///< synthembed-cli's exit status for it
};

/// Every code, grouped (general, files, data and models, generation, training, hub).
std::span<const CodeInfo> all();

/// The entry of a code; nullptr for a code that is not in the vocabulary.
const CodeInfo* find(std::string_view code);

/// The CLI's exit status for a code: its entry's, 1 for an unknown code.
int exitStatus(std::string_view code);

} // namespace synthembed::errors
