#pragma once
/// Line diff of two template versions (for the version history view and `prompts diff`).

#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

struct DiffLine {
    enum class Op { Same, Removed, Added };
    Op op = Op::Same;
    std::string text;
    int oldLine = 0; ///< 1-based line in the old text (0 for Added)
    int newLine = 0; ///< 1-based line in the new text (0 for Removed)
};

/// Longest-common-subsequence line diff; removals are listed before additions at each change.
/// Inputs above 4000 lines each fall back to "all removed, all added".
std::vector<DiffLine> diffLines(std::string_view oldText, std::string_view newText);

/// Unified-style text: "  same", "- removed", "+ added", one line each.
std::string formatDiff(const std::vector<DiffLine>& diff);

} // namespace synthembed::prompts
