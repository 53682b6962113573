#pragma once
/// Delimited text (RFC 4180 CSV and TSV): the one splitter the importers share.

#include <cstddef>
#include <string>
#include <vector>

namespace synthembed::csv {

/// Splits one record into cells. A cell that starts with '"' is quoted: delimiters and newlines
/// inside it are kept and "" stands for one quote. Carriage returns outside quotes are dropped.
/// Always returns at least one cell (an empty line gives one empty cell).
std::vector<std::string> splitRecord(const std::string& record, char delim);

/// Parses a whole document into rows. With `quotes` cells may be quoted as in splitRecord (and span
/// lines); without it '"' is an ordinary character (plain TSV). Rows end at \n, \r\n or \r; blank
/// lines are skipped. `lines` receives the 1-based line each row starts on. Throws Failure("parse")
/// for a quoted field left open at the end.
std::vector<std::vector<std::string>> parseDocument(const std::string& text, char delim, bool quotes,
                                                    std::vector<std::size_t>& lines);

} // namespace synthembed::csv
