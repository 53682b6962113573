#include "core/util/csv.h"

#include "core/util/result.h"

namespace synthembed::csv {

Reader::Reader(std::string_view text, char delim, bool quotes)
    : m_text(text), m_delim(delim), m_quotes(quotes) {}

bool Reader::next(Record& record) {
    // One pass per character: the states of Python's csv reader (START_FIELD, IN_FIELD,
    // IN_QUOTED_FIELD, QUOTE_IN_QUOTED_FIELD). Nothing is ever re-scanned.
    enum class State { StartField, InField, InQuoted, QuoteInQuoted };
    const std::size_t size = m_text.size();
    while (m_pos < size) {
        record.cells.clear();
        record.line = m_line;
        std::string cell;
        State state = State::StartField;
        std::size_t openedOn = m_line;
        bool structured = false; // a delimiter or a quote was seen: not a blank line
        bool ended = false;
        while (m_pos < size && !ended) {
            const char c = m_text[m_pos++];
            if (state == State::InQuoted) {
                if (c == '"') {
                    state = State::QuoteInQuoted;
                } else {
                    if (c == '\n' || (c == '\r' && (m_pos >= size || m_text[m_pos] != '\n'))) ++m_line;
                    cell.push_back(c);
                }
                continue;
            }
            if (state == State::QuoteInQuoted && c == '"') { // "" inside quotes
                cell.push_back('"');
                state = State::InQuoted;
                continue;
            }
            if (state == State::StartField && m_quotes && c == '"') {
                state = State::InQuoted;
                openedOn = m_line;
                structured = true;
                continue;
            }
            if (c == m_delim) {
                record.cells.push_back(std::move(cell));
                cell.clear();
                structured = true;
                state = State::StartField;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && m_pos < size && m_text[m_pos] == '\n') ++m_pos;
                ++m_line;
                ended = true;
            } else {
                cell.push_back(c); // also a quote inside an unquoted cell, or text after a closing quote
                state = State::InField;
            }
        }
        if (state == State::InQuoted)
            throw Failure("parse",
                          "line " + std::to_string(openedOn) +
                              ": a quoted cell opened here is never closed (a lone \" inside a quoted "
                              "cell must be written \"\")");
        if (!structured && cell.empty()) continue; // blank line
        record.cells.push_back(std::move(cell));
        return true;
    }
    return false;
}

std::vector<std::vector<std::string>> parseDocument(std::string_view text, char delim, bool quotes,
                                                    std::vector<std::size_t>& lines) {
    std::vector<std::vector<std::string>> rows;
    Reader reader(text, delim, quotes);
    Record rec;
    while (reader.next(rec)) {
        rows.push_back(std::move(rec.cells));
        lines.push_back(rec.line);
    }
    return rows;
}

std::vector<std::string> splitRecord(std::string_view record, char delim) {
    Reader reader(record, delim, true);
    Record rec;
    if (!reader.next(rec)) return {std::string()};
    return std::move(rec.cells);
}

std::string formatCell(std::string_view cell, char delim) {
    bool quote = false;
    for (char c : cell)
        if (c == delim || c == '"' || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    if (!quote) return std::string(cell);
    std::string out;
    out.reserve(cell.size() + 2);
    out.push_back('"');
    for (char c : cell) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string formatRecord(const std::vector<std::string>& cells, char delim) {
    if (cells.size() == 1 && cells[0].empty()) return "\"\"\n";
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out.push_back(delim);
        out += formatCell(cells[i], delim);
    }
    out.push_back('\n');
    return out;
}

} // namespace synthembed::csv
