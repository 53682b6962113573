// Template tokens for the editor's highlighting: header keys/values, comments, separator,
// known and unknown placeholders, escapes and bad braces at exact byte offsets; and completions.

#include "core/prompts/template_tokens.h"

#include <gtest/gtest.h>

using namespace synthembed::prompts;

namespace {

struct Piece {
    TokenKind kind;
    std::string text;
    bool operator==(const Piece&) const = default;
};

std::vector<Piece> pieces(const std::string& text) {
    std::vector<Piece> out;
    for (const auto& t : tokenizeTemplate(text)) out.push_back({t.kind, text.substr(t.offset, t.length)});
    return out;
}

void PrintTo(const Piece& p, std::ostream* os) { *os << static_cast<int>(p.kind) << ":'" << p.text << "'"; }

const std::string kText = "# a comment\n"
                          "family: short-short\n"
                          "step:generate\n"
                          "placeholders: lang=language\n"
                          "inputs: task\n"
                          "---\n"
                          "Do {task} in {lang}, not {bogus}; literal {{x}} and } and {a b}.\n"
                          "Ünïcode {lang}\n";

} // namespace

TEST(TemplateTokens, CoversHeaderAndBody) {
    using K = TokenKind;
    std::vector<Piece> expected = {
        {K::Comment, "# a comment"},
        {K::HeaderKey, "family"},
        {K::HeaderValue, "short-short"},
        {K::HeaderKey, "step"},
        {K::HeaderValue, "generate"},
        {K::HeaderKey, "placeholders"},
        {K::HeaderValue, "lang=language"},
        {K::HeaderKey, "inputs"},
        {K::HeaderValue, "task"},
        {K::Separator, "---"},
        {K::Placeholder, "{task}"},
        {K::Placeholder, "{lang}"},
        {K::UnknownPlaceholder, "{bogus}"},
        {K::Escape, "{{"},
        {K::Escape, "}}"},
        {K::BadBrace, "}"},
        {K::BadBrace, "{a b}"},
        {K::Placeholder, "{lang}"},
    };
    EXPECT_EQ(pieces(kText), expected);
}

TEST(TemplateTokens, SortedAndDisjoint) {
    auto tokens = tokenizeTemplate(kText);
    for (std::size_t i = 1; i < tokens.size(); ++i)
        EXPECT_LE(tokens[i - 1].offset + tokens[i - 1].length, tokens[i].offset) << i;
}

TEST(TemplateTokens, TrickyBraces) {
    using K = TokenKind;
    // "{{x}}}" : escape, x, escape, then a lone '}'.
    const std::string t1 = "family: sts\nstep: generate\n---\n{{x}}}\n";
    EXPECT_EQ(pieces(t1), (std::vector<Piece>{{K::HeaderKey, "family"},
                                              {K::HeaderValue, "sts"},
                                              {K::HeaderKey, "step"},
                                              {K::HeaderValue, "generate"},
                                              {K::Separator, "---"},
                                              {K::Escape, "{{"},
                                              {K::Escape, "}}"},
                                              {K::BadBrace, "}"}}));
    // "{a b}}" : the bad placeholder eats "{a b}", the last '}' is unbalanced (not an escape).
    const std::string t2 = "family: sts\nstep: generate\n---\n{a b}}";
    auto p2 = pieces(t2);
    ASSERT_GE(p2.size(), 2u);
    EXPECT_EQ(p2[p2.size() - 2], (Piece{K::BadBrace, "{a b}"}));
    EXPECT_EQ(p2.back(), (Piece{K::BadBrace, "}"}));
    // Unclosed '{' on a line.
    const std::string t3 = "family: sts\nstep: generate\n---\nopen {lang\nnext";
    EXPECT_EQ(pieces(t3).back(), (Piece{K::BadBrace, "{"}));
}

TEST(TemplateTokens, NoSeparatorMeansAllBody) {
    auto p = pieces("just {x} text");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], (Piece{TokenKind::UnknownPlaceholder, "{x}"}));
}

TEST(TemplateTokens, Completions) {
    auto parsed = parseTemplateFile(kText);
    EXPECT_EQ(placeholderCompletions(parsed.tpl.meta), (std::vector<std::string>{"lang", "task"}));
}
