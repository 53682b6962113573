#pragma once
/// Delimited text (RFC 4180 CSV and TSV): the one reader and writer every importer and exporter shares.
///
/// Reading follows RFC 4180 and Python's csv module (default dialect, doublequote): a cell that
/// *starts* with '"' is quoted (delimiters, CR and LF inside it are kept, "" stands for one quote);
/// a quote anywhere else in an unquoted cell is an ordinary character (`a 5" screen` stays as is);
/// text after a closing quote is appended to the cell. Records end at \n, \r\n or \r. A quoted cell
/// still open at the end of the text is an error naming the line it opened on. Time is linear in
/// the text's length.
///
///     csv::Reader r(text, ',');
///     csv::Record rec;
///     while (r.next(rec)) use(rec.cells, rec.line);

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::csv {

/// One record and the 1-based line it starts on.
struct Record {
    std::vector<std::string> cells;
    std::size_t line = 0;
};

/// Streams the records of a whole text. Blank lines (no cell, or one empty unquoted cell) are
/// skipped. With `quotes` false '"' is an ordinary character (plain TSV as BEIR writes it).
class Reader {
  public:
    Reader(std::string_view text, char delim, bool quotes = true);

    /// The next record; false at the end of the text. Throws Failure("parse", "line N: ...") for a
    /// quoted cell that is never closed.
    bool next(Record& record);

  private:
    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
    char m_delim;
    bool m_quotes;
};

/// All records of a text (Reader's rules); `lines` receives the line each row starts on.
std::vector<std::vector<std::string>> parseDocument(std::string_view text, char delim, bool quotes,
                                                    std::vector<std::size_t>& lines);

/// The cells of one record (a line, or several when a quoted cell spans them); an empty or blank
/// record gives one empty cell. Throws Failure("parse") for an unclosed quote.
std::vector<std::string> splitRecord(std::string_view record, char delim);

/// A cell as written: quoted (with "" for each quote) when it holds the delimiter, a quote, CR or
/// LF (Python's QUOTE_MINIMAL); as is otherwise.
std::string formatCell(std::string_view cell, char delim);

/// One record with its line end ("\n"). A record of one empty cell is written `""` so that it does
/// not read back as a blank line.
std::string formatRecord(const std::vector<std::string>& cells, char delim);

} // namespace synthembed::csv
