#pragma once
/// Readers for the local evaluation files: BEIR folders, and CSV/TSV/JSONL tables whose
/// columns are picked by name (or 0-based index) with the usual names as fallback.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace synthembed::eval {

/// A table of string cells; JSON values that are not strings are kept as their JSON text.
struct Table {
    std::filesystem::path path;
    std::vector<std::string> header; ///< empty for a CSV/TSV without header
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> lines;  ///< 1-based source line of each row
};

/// The extension that says how a file is read, lowercase: ".jsonl" for "test.jsonl.gz" (a .gz file
/// is decompressed on reading), else the file's own (".csv").
std::string dataExtension(const std::filesystem::path& path);

/// Reads .jsonl/.json lines (each also gzipped as .jsonl.gz), .csv (RFC 4180 quotes) or .tsv (no quoting). For CSV/TSV the first
/// row is a header when it contains one of headerHints (case-insensitive) or is not numeric in
/// a column where numbers are expected (numericColumn, -1 = none).
Table readTable(const std::filesystem::path& path, const std::vector<std::string>& headerHints, int numericColumn = -1);

/// Index of a column: `requested` (a name or an index) if given, else the first candidate name
/// present in the header, else `position` when the table has no header. Throws naming the file.
std::size_t resolveColumn(const Table& t, const std::string& requested, const std::vector<std::string>& candidates,
                          int position, const std::string& role);

/// The file of a split inside a folder (e.g. "test" -> stsb-en-test.csv, test.jsonl), or the
/// path itself when it is a file. Throws when none or several match.
std::filesystem::path splitFile(const std::filesystem::path& data, const std::string& split);

struct BeirData {
    std::vector<std::string> docIds, docTexts;   ///< (title + " " + text).strip()
    std::vector<std::string> queryIds, queryTexts;
    std::map<std::string, std::map<std::string, int>> qrels; ///< query -> doc -> relevance
};
/// BEIR layout: corpus.jsonl, queries.jsonl (or queries.<split>.jsonl), qrels/<split>.tsv. Only
/// queries with judgements are kept, in file order.
BeirData readBeir(const std::filesystem::path& dir, const std::string& split);

/// Reads a JSONL file line by line into nlohmann-free string maps is not enough for nested data;
/// these helpers give the raw lines (non-empty) with their line numbers.
std::vector<std::pair<std::size_t, std::string>> readJsonLines(const std::filesystem::path& path);

} // namespace synthembed::eval
