#include "core/prompts/line_diff.h"

#include <algorithm>
#include <cstdint>

namespace synthembed::prompts {

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        std::size_t end = eol == std::string_view::npos ? text.size() : eol;
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    return lines;
}

std::vector<DiffLine> lineDiff(std::string_view oldText, std::string_view newText) {
    const auto a = splitLines(oldText);
    const auto b = splitLines(newText);
    std::vector<DiffLine> out;
    out.reserve(a.size() + b.size());

    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;

    auto same = [&](std::size_t i, std::size_t j) {
        out.push_back({DiffLine::Op::Same, a[i], static_cast<int>(i + 1), static_cast<int>(j + 1)});
    };
    auto removed = [&](std::size_t i) { out.push_back({DiffLine::Op::Removed, a[i], static_cast<int>(i + 1), 0}); };
    auto added = [&](std::size_t j) { out.push_back({DiffLine::Op::Added, b[j], 0, static_cast<int>(j + 1)}); };

    for (std::size_t i = 0; i < prefix; ++i) same(i, i);

    // The middle: a[a0, a1) against b[b0, b1).
    const std::size_t a0 = prefix, a1 = a.size() - suffix, b0 = prefix, b1 = b.size() - suffix;
    const std::size_t n = a1 - a0, m = b1 - b0;
    if (n > 0 && m > 0 && (n + 1) * (m + 1) <= kMaxDiffCells) {
        // lcs[i][j] = LCS length of a[a0+i..a1) and b[b0+j..b1) (suffix form, so the walk below
        // goes forwards and emits removals before additions within a change).
        const std::size_t w = m + 1;
        std::vector<std::uint32_t> lcs((n + 1) * w, 0);
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                lcs[i * w + j] = a[a0 + i] == b[b0 + j] ? lcs[(i + 1) * w + j + 1] + 1
                                                        : std::max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
        std::size_t i = 0, j = 0;
        while (i < n && j < m) {
            if (a[a0 + i] == b[b0 + j]) {
                same(a0 + i++, b0 + j++);
            } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                removed(a0 + i++);
            } else {
                added(b0 + j++);
            }
        }
        while (i < n) removed(a0 + i++);
        while (j < m) added(b0 + j++);
    } else {
        for (std::size_t i = a0; i < a1; ++i) removed(i);
        for (std::size_t j = b0; j < b1; ++j) added(j);
    }

    for (std::size_t k = 0; k < suffix; ++k) same(a1 + k, b1 + k);
    return out;
}

DiffStats diffStats(const std::vector<DiffLine>& diff) {
    DiffStats s;
    for (const auto& d : diff) {
        switch (d.op) {
        case DiffLine::Op::Same: ++s.same; break;
        case DiffLine::Op::Removed: ++s.removed; break;
        case DiffLine::Op::Added: ++s.added; break;
        }
    }
    return s;
}

} // namespace synthembed::prompts
