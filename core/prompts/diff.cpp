#include "core/prompts/diff.h"

#include <algorithm>
#include <cstdint>

namespace synthembed::prompts {

namespace {
std::vector<std::string_view> splitLines(std::string_view s) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto eol = s.find('\n', pos);
        if (eol == std::string_view::npos) {
            lines.push_back(s.substr(pos));
            break;
        }
        lines.push_back(s.substr(pos, eol - pos));
        pos = eol + 1;
    }
    return lines;
}
} // namespace

std::vector<DiffLine> diffLines(std::string_view oldText, std::string_view newText) {
    const auto a = splitLines(oldText), b = splitLines(newText);
    const std::size_t n = a.size(), m = b.size();
    std::vector<DiffLine> out;
    if (n > 4000 || m > 4000) {
        for (std::size_t i = 0; i < n; ++i) out.push_back({DiffLine::Op::Removed, std::string(a[i]), int(i + 1), 0});
        for (std::size_t j = 0; j < m; ++j) out.push_back({DiffLine::Op::Added, std::string(b[j]), 0, int(j + 1)});
        return out;
    }
    // lcs[i][j] = LCS length of a[i..] and b[j..].
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            out.push_back({DiffLine::Op::Same, std::string(a[i]), int(i + 1), int(j + 1)});
            ++i;
            ++j;
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            out.push_back({DiffLine::Op::Removed, std::string(a[i]), int(i + 1), 0});
            ++i;
        } else {
            out.push_back({DiffLine::Op::Added, std::string(b[j]), 0, int(j + 1)});
            ++j;
        }
    }
    return out;
}

std::string formatDiff(const std::vector<DiffLine>& diff) {
    std::string s;
    for (const auto& d : diff) {
        s += d.op == DiffLine::Op::Same ? "  " : d.op == DiffLine::Op::Removed ? "- " : "+ ";
        s += d.text;
        s += '\n';
    }
    return s;
}

} // namespace synthembed::prompts
