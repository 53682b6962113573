// Line diff of template versions (core/prompts/diff.h): exact results on small cases, line
// numbers, stats, and on random texts the diff rebuilds both sides and is minimal (its kept lines
// equal an independent LCS computed by memoised recursion).

#include "core/prompts/diff.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

using namespace synthembed::prompts;
using Op = DiffLine::Op;

namespace {

std::string ops(const std::vector<DiffLine>& d) {
    std::string s;
    for (const auto& l : d) s += (l.op == Op::Same ? " " : l.op == Op::Removed ? "-" : "+") + l.text + ";";
    return s;
}

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

// Independent reference: LCS length by memoised recursion over prefixes.
std::size_t referenceLcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> memo;
    std::function<std::size_t(std::size_t, std::size_t)> go = [&](std::size_t i, std::size_t j) -> std::size_t {
        if (i == 0 || j == 0) return 0;
        auto key = std::make_pair(i, j);
        if (auto it = memo.find(key); it != memo.end()) return it->second;
        std::size_t r = a[i - 1] == b[j - 1] ? go(i - 1, j - 1) + 1 : std::max(go(i - 1, j), go(i, j - 1));
        memo[key] = r;
        return r;
    };
    return go(a.size(), b.size());
}

} // namespace

TEST(LineDiff, SmallCases) {
    EXPECT_EQ(ops(diffLines("a\nb\nc\n", "a\nb\nc\n")), " a; b; c;");
    EXPECT_EQ(ops(diffLines("", "x\ny\n")), "+x;+y;");
    EXPECT_EQ(ops(diffLines("x\ny\n", "")), "-x;-y;");
    EXPECT_EQ(ops(diffLines("a\nb\nc\n", "a\nB\nc\n")), " a;-b;+B; c;");
    EXPECT_EQ(ops(diffLines("a\nc\n", "a\nb\nc\n")), " a;+b; c;");
    EXPECT_EQ(ops(diffLines("a\nb\nc\nd\n", "b\nd\ne\n")), "-a; b;-c; d;+e;");
    // A missing final newline is not a change of the last line.
    EXPECT_EQ(ops(diffLines("a\nb", "a\nb\n")), " a; b;");
}

TEST(LineDiff, LineNumbersAndStats) {
    auto d = diffLines("h\nold\nt\n", "h\nnew1\nnew2\nt\n");
    ASSERT_EQ(d.size(), 5u);
    EXPECT_EQ(d[0].oldLine, 1);
    EXPECT_EQ(d[0].newLine, 1);
    EXPECT_EQ(d[1].op, Op::Removed);
    EXPECT_EQ(d[1].oldLine, 2);
    EXPECT_EQ(d[1].newLine, 0);
    EXPECT_EQ(d[2].op, Op::Added);
    EXPECT_EQ(d[2].newLine, 2);
    EXPECT_EQ(d[3].newLine, 3);
    EXPECT_EQ(d[4].oldLine, 3);
    EXPECT_EQ(d[4].newLine, 4);
    auto s = diffStats(d);
    EXPECT_EQ(s.same, 2);
    EXPECT_EQ(s.removed, 1);
    EXPECT_EQ(s.added, 2);
}

TEST(LineDiff, RandomTextsRebuildBothSidesAndAreMinimal) {
    std::mt19937 gen(12345); // only to make inputs; the diff itself has no randomness
    const std::vector<std::string> alphabet = {"alpha", "beta", "gamma", "delta", "", "{task}"};
    for (int round = 0; round < 400; ++round) {
        std::vector<std::string> a, b;
        std::size_t na = gen() % 12, nb = gen() % 12;
        for (std::size_t i = 0; i < na; ++i) a.push_back(alphabet[gen() % alphabet.size()]);
        for (std::size_t i = 0; i < nb; ++i) b.push_back(alphabet[gen() % alphabet.size()]);
        const auto d = diffLines(join(a), join(b));
        std::vector<std::string> ra, rb;
        int lastOld = 0, lastNew = 0;
        for (const auto& l : d) {
            if (l.op != Op::Added) {
                ra.push_back(l.text);
                EXPECT_EQ(l.oldLine, ++lastOld);
            }
            if (l.op != Op::Removed) {
                rb.push_back(l.text);
                EXPECT_EQ(l.newLine, ++lastNew);
            }
        }
        ASSERT_EQ(ra, a) << "round " << round;
        ASSERT_EQ(rb, b) << "round " << round;
        EXPECT_EQ(static_cast<std::size_t>(diffStats(d).same), referenceLcs(a, b)) << "round " << round;
    }
}
