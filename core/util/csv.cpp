#include "core/util/csv.h"

#include "core/util/result.h"

namespace synthembed::csv {

std::vector<std::string> splitRecord(const std::string& record, char delim) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
        char c = record[i];
        if (quoted) {
            if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"' && cur.empty()) {
            quoted = true;
        } else if (c == delim) {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::vector<std::vector<std::string>> parseDocument(const std::string& text, char delim, bool quotes,
                                                    std::vector<std::size_t>& lines) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool inQuotes = false, any = false;
    std::size_t line = 1, rowLine = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell.push_back('"');
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == '\n') ++line;
                cell.push_back(c);
            }
            continue;
        }
        if (quotes && c == '"' && cell.empty()) {
            inQuotes = true;
            any = true;
        } else if (c == delim) {
            row.push_back(std::move(cell));
            cell.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !cell.empty()) {
                row.push_back(std::move(cell));
                rows.push_back(std::move(row));
                lines.push_back(rowLine);
            }
            row.clear();
            cell.clear();
            any = false;
            ++line;
            rowLine = line;
        } else {
            cell.push_back(c);
            any = true;
        }
    }
    if (inQuotes) throw Failure("parse", "unterminated quoted field starting on line " + std::to_string(rowLine));
    if (any || !cell.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
        lines.push_back(rowLine);
    }
    return rows;
}

} // namespace synthembed::csv
