// The shared delimited-text splitter (core/util/csv): quoting rules both importers rely on.

#include "core/util/csv.h"
#include "core/util/result.h"

#include <gtest/gtest.h>

using namespace synthembed;

TEST(Csv, SplitRecordHandlesQuotesDelimitersAndCarriageReturns) {
    using V = std::vector<std::string>;
    EXPECT_EQ(csv::splitRecord("a,b,c", ','), (V{"a", "b", "c"}));
    EXPECT_EQ(csv::splitRecord("\"x, y\",\"say \"\"hi\"\"\",z\r", ','), (V{"x, y", "say \"hi\"", "z"}));
    EXPECT_EQ(csv::splitRecord("\"two\nlines\",b", ','), (V{"two\nlines", "b"}));
    EXPECT_EQ(csv::splitRecord("a\tb,c\t", '\t'), (V{"a", "b,c", ""}));
    EXPECT_EQ(csv::splitRecord("", ','), (V{""}));
    EXPECT_EQ(csv::splitRecord("ab\"c\",d", ','), (V{"ab\"c\"", "d"})); // a quote inside a cell is literal
}

TEST(Csv, ParseDocumentTracksLinesAndRejectsOpenQuotes) {
    std::vector<std::size_t> lines;
    auto rows = csv::parseDocument("h1,h2\r\n\"multi\nline\",2\n\nlast,3", ',', true, lines);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1][0], "multi\nline");
    EXPECT_EQ(lines, (std::vector<std::size_t>{1, 2, 5}));
    lines.clear();
    auto tsv = csv::parseDocument("q1\t\"d1\"\t1\n", '\t', false, lines);
    ASSERT_EQ(tsv.size(), 1u);
    EXPECT_EQ(tsv[0][1], "\"d1\""); // plain TSV keeps quotes
    lines.clear();
    EXPECT_THROW(csv::parseDocument("a,\"open\n", ',', true, lines), Failure);
}
