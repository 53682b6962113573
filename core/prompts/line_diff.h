#pragma once
/// A line diff of two texts (what changed between two template versions).
///
/// Longest-common-subsequence over lines after trimming the common prefix and suffix, so the
/// result is minimal (fewest removed + added lines). Within a change block removed lines come
/// before added ones, like `diff -u`.
///
///     auto d = lineDiff("a\nb\nc\n", "a\nB\nc\n");
///     // Same "a", Removed "b", Added "B", Same "c"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::prompts {

struct DiffLine {
    enum class Op { Same, Removed, Added };
    Op op = Op::Same;
    std::string text; ///< the line without its newline
    int oldLine = 0;  ///< 1-based line in the old text (0 for Added)
    int newLine = 0;  ///< 1-based line in the new text (0 for Removed)
};

/// Splits a text into lines; a final newline does not start an extra empty line, "\r\n" counts
/// as one line break.
std::vector<std::string> splitLines(std::string_view text);

/// The line diff of `oldText` -> `newText`.
///
/// Time and memory are O(n*m) in the lines left after trimming the common prefix and suffix
/// (templates are a few dozen lines). Beyond `kMaxDiffCells` cells the middle is reported as
/// removed-then-added instead of being matched, which is still a correct (if not minimal) diff.
std::vector<DiffLine> lineDiff(std::string_view oldText, std::string_view newText);

inline constexpr std::size_t kMaxDiffCells = 16u * 1024u * 1024u;

struct DiffStats {
    int same = 0;
    int removed = 0;
    int added = 0;
};
DiffStats diffStats(const std::vector<DiffLine>& diff);

} // namespace synthembed::prompts
