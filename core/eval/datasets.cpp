#include "core/eval/datasets.h"

#include "core/util/csv.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <optional>
#include <cctype>
#include <fstream>
#include <sstream>

namespace synthembed::eval {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool gzipped(const std::filesystem::path& path) { return lower(path.extension().string()) == ".gz"; }

/// The whole file; a .gz file decompressed (as the mteb repos ship test.jsonl.gz).
std::string readAll(const std::filesystem::path& path) {
    if (gzipped(path)) {
        gzFile f = gzopen(path.string().c_str(), "rb");
        if (!f) throw Failure("io", path.string() + ": cannot open for reading");
        std::string out;
        char buf[1 << 16];
        int n = 0;
        while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, std::size_t(n));
        int err = 0;
        std::string msg = n < 0 ? gzerror(f, &err) : "";
        gzclose(f);
        if (n < 0) throw Failure("parse", path.string() + ": not a valid gzip file (" + msg + ")");
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure("io", path.string() + ": cannot open for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool isNumber(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

std::string cellText(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

} // namespace

std::string dataExtension(const std::filesystem::path& path) {
    if (gzipped(path)) return lower(path.stem().extension().string());
    return lower(path.extension().string());
}

std::vector<std::pair<std::size_t, std::string>> readJsonLines(const std::filesystem::path& path) {
    std::ifstream file;
    std::istringstream unzipped;
    if (gzipped(path)) {
        unzipped.str(readAll(path));
    } else {
        file.open(path, std::ios::binary);
        if (!file) throw Failure("io", path.string() + ": cannot open for reading");
    }
    std::istream& in = gzipped(path) ? static_cast<std::istream&>(unzipped) : file;
    std::vector<std::pair<std::size_t, std::string>> out;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        out.emplace_back(n, std::move(line));
    }
    return out;
}

Table readTable(const std::filesystem::path& path, const std::vector<std::string>& headerHints, int numericColumn) {
    Table t;
    t.path = path;
    const std::string ext = dataExtension(path);
    if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") {
        for (auto& [lineNo, text] : readJsonLines(path)) {
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(text);
            } catch (const std::exception& e) {
                throw Failure("parse", path.string() + ":" + std::to_string(lineNo) + ": invalid JSON: " + e.what());
            }
            if (!j.is_object()) throw Failure("parse", path.string() + ":" + std::to_string(lineNo) + ": expected a JSON object");
            std::vector<std::string> row(t.header.size());
            for (auto& [k, v] : j.items()) {
                auto it = std::find(t.header.begin(), t.header.end(), k);
                if (it == t.header.end()) {
                    t.header.push_back(k);
                    for (auto& r : t.rows) r.emplace_back();
                    row.emplace_back();
                    it = t.header.end() - 1;
                }
                row[std::size_t(it - t.header.begin())] = cellText(v);
            }
            t.rows.push_back(std::move(row));
            t.lines.push_back(lineNo);
        }
        return t;
    }
    const bool tsv = ext == ".tsv" || ext == ".txt";
    std::vector<std::size_t> lines;
    try {
        t.rows = csv::parseDocument(readAll(path), tsv ? '\t' : ',', !tsv, lines);
    } catch (const Failure& f) {
        throw Failure("parse", path.string() + ": " + f.what());
    }
    t.lines = std::move(lines);
    if (!t.rows.empty()) {
        bool header = false;
        for (auto& cell : t.rows.front())
            for (auto& h : headerHints)
                if (lower(cell) == lower(h)) header = true;
        if (!header && numericColumn >= 0 && std::size_t(numericColumn) < t.rows.front().size() &&
            !isNumber(t.rows.front()[numericColumn]) && t.rows.size() > 1 && std::size_t(numericColumn) < t.rows[1].size() &&
            isNumber(t.rows[1][numericColumn]))
            header = true;
        if (header) {
            t.header = std::move(t.rows.front());
            t.rows.erase(t.rows.begin());
            t.lines.erase(t.lines.begin());
        }
    }
    return t;
}

std::size_t resolveColumn(const Table& t, const std::string& requested, const std::vector<std::string>& candidates,
                          int position, const std::string& role) {
    auto findName = [&](const std::string& name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < t.header.size(); ++i)
            if (lower(t.header[i]) == lower(name)) return i;
        return std::nullopt;
    };
    if (!requested.empty()) {
        if (auto i = findName(requested)) return *i;
        if (std::all_of(requested.begin(), requested.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            return std::stoul(requested);
        throw Failure("dataset", t.path.string() + ": no column '" + requested + "' for " + role);
    }
    for (auto& c : candidates)
        if (auto i = findName(c)) return *i;
    if (t.header.empty() && position >= 0) return std::size_t(position);
    std::string names;
    for (auto& c : candidates) names += (names.empty() ? "" : ", ") + c;
    throw Failure("dataset", t.path.string() + ": no column for " + role + " (looked for " + names +
                                "; name one with the column option)");
}

std::filesystem::path splitFile(const std::filesystem::path& data, const std::string& split) {
    std::error_code ec;
    if (!std::filesystem::is_directory(data, ec)) {
        if (!std::filesystem::exists(data, ec)) throw Failure("io", data.string() + ": no such file or folder");
        return data;
    }
    std::vector<std::filesystem::path> exact, partial;
    for (auto& e : std::filesystem::directory_iterator(data)) {
        if (!e.is_regular_file()) continue;
        const std::string ext = dataExtension(e.path());
        if (ext != ".jsonl" && ext != ".csv" && ext != ".tsv" && ext != ".json") continue;
        auto name = e.path();
        if (gzipped(name)) name = name.stem();
        const std::string stem = lower(name.stem().string());
        if (stem == lower(split)) exact.push_back(e.path());
        else if (stem.find(lower(split)) != std::string::npos) partial.push_back(e.path());
    }
    auto& pick = exact.empty() ? partial : exact;
    if (pick.size() == 1) return pick.front();
    std::sort(pick.begin(), pick.end());
    if (pick.empty())
        throw Failure("io", data.string() + ": no file for split '" + split + "' (.jsonl, .csv or .tsv, optionally .gz)");
    std::string names;
    for (auto& p : pick) names += " " + p.filename().string();
    throw Failure("io", data.string() + ": several files match split '" + split + "':" + names + " (give the file)");
}

BeirData readBeir(const std::filesystem::path& dir, const std::string& split) {
    BeirData d;
    // Each file also as .gz (the mteb repos' layout); qrels also as JSON lines (query-id, corpus-id, score).
    auto pick = [](std::vector<std::filesystem::path> options) {
        for (auto& p : options)
            if (std::filesystem::exists(p)) return p;
        return options.front();
    };
    auto withGz = [](const std::filesystem::path& p) { return std::filesystem::path(p.string() + ".gz"); };
    const auto corpus = pick({dir / "corpus.jsonl", withGz(dir / "corpus.jsonl")});
    auto queriesPath = pick({dir / ("queries." + split + ".jsonl"), withGz(dir / ("queries." + split + ".jsonl")),
                             dir / "queries.jsonl", withGz(dir / "queries.jsonl")});
    const auto qrelsTsv = dir / "qrels" / (split + ".tsv");
    const auto qrelsPath = pick({qrelsTsv, withGz(qrelsTsv), dir / "qrels" / (split + ".jsonl")});
    for (auto& p : {corpus, queriesPath, qrelsPath})
        if (!std::filesystem::exists(p)) throw Failure("io", p.string() + ": missing (BEIR layout: corpus.jsonl, queries.jsonl, qrels/" + split + ".tsv)");

    std::vector<std::size_t> lines;
    std::vector<std::vector<std::string>> qrelRows;
    if (dataExtension(qrelsPath) == ".jsonl") {
        const Table t = readTable(qrelsPath, {}, -1);
        const auto cq = resolveColumn(t, "", {"query-id", "query_id"}, -1, "query id");
        const auto cd = resolveColumn(t, "", {"corpus-id", "corpus_id"}, -1, "corpus id");
        const auto cs = resolveColumn(t, "", {"score"}, -1, "score");
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            qrelRows.push_back({t.rows[i][cq], t.rows[i][cd], t.rows[i][cs]});
            lines.push_back(t.lines[i]);
        }
    } else {
        qrelRows = csv::parseDocument(readAll(qrelsPath), '\t', false, lines);
    }
    for (std::size_t i = 0; i < qrelRows.size(); ++i) {
        auto& r = qrelRows[i];
        if (i == 0 && !r.empty() && lower(r[0]) == "query-id") continue;
        if (r.size() < 3)
            throw Failure("parse", qrelsPath.string() + ":" + std::to_string(lines[i]) + ": expected query-id, corpus-id, score");
        try {
            d.qrels[r[0]][r[1]] = std::stoi(r[2]);
        } catch (const std::exception&) {
            throw Failure("parse", qrelsPath.string() + ":" + std::to_string(lines[i]) + ": score '" + r[2] + "' is not an integer");
        }
    }
    auto parseLine = [](const std::filesystem::path& p, std::size_t n, const std::string& text) {
        try {
            auto j = nlohmann::json::parse(text);
            if (!j.is_object() || !j.contains("_id")) throw std::runtime_error("expected an object with _id");
            return j;
        } catch (const std::exception& e) {
            throw Failure("parse", p.string() + ":" + std::to_string(n) + ": " + e.what());
        }
    };
    auto idOf = [](const nlohmann::json& j) { return cellText(j.at("_id")); };
    auto field = [](const nlohmann::json& j, const char* k) {
        auto it = j.find(k);
        return it == j.end() ? std::string() : cellText(*it);
    };
    for (auto& [n, text] : readJsonLines(corpus)) {
        auto j = parseLine(corpus, n, text);
        std::string doc = field(j, "title") + " " + field(j, "text");
        const auto b = doc.find_first_not_of(" \t\n\r\f\v");
        const auto e = doc.find_last_not_of(" \t\n\r\f\v");
        doc = b == std::string::npos ? std::string() : doc.substr(b, e - b + 1);
        d.docIds.push_back(idOf(j));
        d.docTexts.push_back(std::move(doc));
    }
    for (auto& [n, text] : readJsonLines(queriesPath)) {
        auto j = parseLine(queriesPath, n, text);
        const std::string id = idOf(j);
        if (!d.qrels.count(id)) continue;
        d.queryIds.push_back(id);
        d.queryTexts.push_back(field(j, "text"));
    }
    if (d.queryIds.empty()) throw Failure("dataset", queriesPath.string() + ": no query has judgements in " + qrelsPath.string());
    return d;
}

} // namespace synthembed::eval
