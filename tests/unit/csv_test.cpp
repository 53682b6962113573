// The shared delimited-text reader and writer (core/util/csv) and the importer built on it: RFC 4180
// quoting with Python's csv rules for stray quotes, errors naming the line, linear time.

#include "support/test_support.h"

#include "core/gen/curation.h"
#include "core/gen/exchange.h"
#include "core/store/project.h"
#include "core/util/csv.h"
#include "core/util/result.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace synthembed;
using namespace synthembed::test;
using V = std::vector<std::string>;

namespace {

std::vector<V> parse(const std::string& text, char delim = ',', bool quotes = true) {
    std::vector<std::size_t> lines;
    return csv::parseDocument(text, delim, quotes, lines);
}

store::Project newProject(const TempDir& dir) {
    auto p = store::Project::create(dir / "p.synthembed");
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(p).take();
}

} // namespace

TEST(Csv, SplitRecordHandlesQuotesDelimitersAndCarriageReturns) {
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

// Expected rows are what Python's csv.reader (default dialect, newline="") returns for each text.
TEST(Csv, StrayQuotesFollowPythonsCsvModule) {
    EXPECT_EQ(parse("a,b\"c,d\n"), (std::vector<V>{{"a", "b\"c", "d"}}));
    EXPECT_EQ(parse("\"a\"b,c\n"), (std::vector<V>{{"ab", "c"}}));
    EXPECT_EQ(parse("\"a\"\"b\",c\n"), (std::vector<V>{{"a\"b", "c"}}));
    EXPECT_EQ(parse("x,\"\"\n"), (std::vector<V>{{"x", ""}}));
    EXPECT_EQ(parse("a 5\" screen,2\"\n"), (std::vector<V>{{"a 5\" screen", "2\""}}));
    EXPECT_EQ(parse("\"q\r\nr\",s\r\n"), (std::vector<V>{{"q\r\nr", "s"}}));
    EXPECT_EQ(parse("a,\"b\nc\"\"\"\n,\n"), (std::vector<V>{{"a", "b\nc\""}, {"", ""}}));
    EXPECT_EQ(parse("\"\"\"\",x\n"), (std::vector<V>{{"\"", "x"}}));
    EXPECT_EQ(parse(" \"a\",b\n"), (std::vector<V>{{" \"a\"", "b"}}));
    // Line ends: \n, \r\n and a lone \r all end a record.
    EXPECT_EQ(parse("a\rb\r\nc\n"), (std::vector<V>{{"a"}, {"b"}, {"c"}}));
}

TEST(Csv, UnclosedQuoteIsAnErrorNamingTheLineItOpenedOn) {
    try {
        parse("q,p\nfine,row\nbad,\"never closed\nmore\nlines\n");
        FAIL() << "an unclosed quote must be an error";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "parse");
        EXPECT_NE(std::string(f.what()).find("line 3"), std::string::npos) << f.what();
    }
}

TEST(Csv, AwkwardTextsRoundTripThroughWriterAndReader) {
    const std::vector<V> rows = {
        {"plain", "with, comma", "with \"quotes\""},
        {"tab\there", "new\nline", "crlf\r\ninside"},
        {"lone\rcr", "\"", "\"\""},
        {"", "trailing space ", " leading"},
        {"a 5\" screen", "2\"", "ends with quote\""},
        {""}, // one empty cell must not read back as a blank line
        {"ünïcödé ✓", ",,,", "\n"},
    };
    for (char delim : {',', '\t'}) {
        std::string text;
        for (const auto& r : rows)
            text += csv::formatRecord(r, delim);
        EXPECT_EQ(parse(text, delim), rows) << "delimiter " << int(delim) << "\n" << text;
        // Written with CRLF line ends (as Excel does) the records read back the same.
        std::string crlf;
        for (const auto& r : rows) {
            auto rec = csv::formatRecord(r, delim);
            rec.insert(rec.size() - 1, "\r");
            crlf += rec;
        }
        EXPECT_EQ(parse(crlf, delim), rows) << "delimiter " << int(delim) << " with CRLF";
    }
}

TEST(Csv, ReadingIsLinearEvenWithAnUnclosedQuote) {
    // 200k lines after an unclosed quote: the old reader re-scanned the whole record on each line
    // (about 10^11 character visits); a linear reader finishes at once.
    std::string text = "q,p\n\"open,x\n";
    for (int i = 0; i < 200000; ++i)
        text += "filler line number " + std::to_string(i) + "\n";
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(parse(text), Failure);
    std::string ok;
    for (int i = 0; i < 200000; ++i)
        ok += "\"cell " + std::to_string(i) + "\",\"x\"\"y\"\n";
    EXPECT_EQ(parse(ok).size(), 200000u);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(seconds, 5.0);
}

// The file from issue 14: the quote in `5"` opened nothing, but the old importer counted quotes per
// line and merged the three rows into one.
TEST(CsvImport, QuotesInsideUnquotedCellsKeepEveryRow) {
    TempDir dir;
    auto p = newProject(dir);
    writeFile(dir / "screens.csv", "What is a 5\" screen?,A small display\n"
                                   "Plain question,Plain answer\n"
                                   "How big is a 2\" sensor?,Bigger than a phone's\n");
    auto r = gen::importSamples(p, dir / "screens.csv", {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->rows, 3);
    EXPECT_EQ(r->imported, 3);
    EXPECT_TRUE(r->errors.empty());
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples WHERE query = 'What is a 5\" screen?' AND "
                              "positive = 'A small display'"),
              1);
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples WHERE query = 'How big is a 2\" sensor?'"), 1);
}

TEST(CsvImport, UnclosedQuoteFailsTheImportNamingFileAndLine) {
    TempDir dir;
    auto p = newProject(dir);
    writeFile(dir / "bad.csv", "query,positive\nq1,p1\n\"q2,p2\nq3,p3\n");
    auto r = gen::importSamples(p, dir / "bad.csv", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "parse");
    EXPECT_NE(r.error().message.find("bad.csv"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples"), 0); // nothing half-imported
}

TEST(CsvImport, AnUnclosedQuoteIsFoundInLinearTime) {
    // The old importer re-counted the quotes of the whole growing record on every line: 100k lines
    // after an unclosed quote took minutes.
    TempDir dir;
    auto p = newProject(dir);
    std::string text = "query,positive\nq1,p1\n\"q2,p2\n";
    for (int i = 0; i < 100000; ++i)
        text += "row " + std::to_string(i) + ",some positive text\n";
    writeFile(dir / "big.csv", text);
    auto t0 = std::chrono::steady_clock::now();
    auto r = gen::importSamples(p, dir / "big.csv", {});
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
    EXPECT_LT(seconds, 5.0);
}

TEST(CsvImport, AwkwardTextsRoundTripThroughTheImporter) {
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"with, comma", "with \"quotes\""}, {"tab\there", "new\nline"},
        {"crlf\r\ninside", "a 5\" screen"}, {"ends with quote\"", "\"starts with quote"},
        {"\"fully quoted\"", "x\"\"y"},
    };
    for (auto [delim, name] : {std::pair{',', "pairs.csv"}, std::pair{'\t', "pairs.tsv"}}) {
        TempDir dir;
        auto p = newProject(dir);
        std::string text = csv::formatRecord({"query", "positive"}, delim);
        for (const auto& [q, d] : pairs)
            text += csv::formatRecord({q, d}, delim);
        writeFile(dir / name, text);
        auto r = gen::importSamples(p, dir / name, {});
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->imported, static_cast<std::int64_t>(pairs.size())) << name;
        for (const auto& [q, d] : pairs) {
            auto st = p.db().prepare("SELECT count(*) FROM samples WHERE query = ? AND positive = ?");
            st.bindAll(q, d);
            ASSERT_TRUE(st.step());
            EXPECT_EQ(st.getInt(0), 1) << name << ": " << q << " | " << d;
        }
    }
}

TEST(CsvImport, EvalTextsUseTheSameReader) {
    TempDir dir;
    writeFile(dir / "eval.csv", "text,score\n\"multi\nline, text\",1\nWhat is a 5\" screen?,2\n");
    auto texts = gen::loadEvalTexts(dir / "eval.csv");
    ASSERT_TRUE(texts.ok()) << texts.error().message;
    EXPECT_EQ(*texts, (V{"text", "score", "multi\nline, text", "What is a 5\" screen?"}));
}
