#include "core/eval/suite.h"

#include "core/eval/datasets.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>

namespace synthembed::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isNumber(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    while (end && *end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    return end && *end == '\0';
}

bool isTableFile(const fs::path& p) {
    const auto ext = dataExtension(p); // test.jsonl.gz (an mteb repo's layout) is a .jsonl table
    return ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".jsonl";
}

// The same column names tasks.cpp looks for.
const std::vector<std::string> kSts1 = {"sentence1", "sentence_A", "s1", "text1"};
const std::vector<std::string> kSts2 = {"sentence2", "sentence_B", "s2", "text2"};
const std::vector<std::string> kStsScore = {"score", "relatedness_score", "similarity"};
const std::vector<std::string> kText = {"text", "sentence", "sentences"};
const std::vector<std::string> kLabel = {"label", "category", "label_text", "intent"};

bool hasAny(const Table& t, const std::vector<std::string>& names) {
    for (auto& h : t.header)
        for (auto& n : names)
            if (lower(h) == lower(n)) return true;
    return false;
}

struct TableKind {
    std::optional<TaskType> type;
    std::size_t rows = 0;
};

TableKind classifyTable(const fs::path& path) {
    std::vector<std::string> hints = kSts1;
    for (auto* v : {&kSts2, &kStsScore, &kText, &kLabel}) hints.insert(hints.end(), v->begin(), v->end());
    const Table t = readTable(path, hints, -1);
    TableKind k;
    k.rows = t.rows.size();
    if (t.rows.empty()) return k;
    if (!t.header.empty()) {
        if (hasAny(t, kSts1) && hasAny(t, kSts2) && hasAny(t, kStsScore)) k.type = TaskType::Sts;
        else if (hasAny(t, kText) && hasAny(t, kLabel)) k.type = TaskType::Classification;
        return k;
    }
    // No header: two sentences and a numeric third column on the first rows is STS.
    bool sts = true;
    for (std::size_t i = 0; i < std::min<std::size_t>(t.rows.size(), 5); ++i)
        if (t.rows[i].size() < 3 || !isNumber(t.rows[i][2])) sts = false;
    if (sts) k.type = TaskType::Sts;
    return k;
}

std::size_t countQrelsQueries(const fs::path& file) {
    std::ifstream in(file);
    std::set<std::string> ids;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        std::string q = line.substr(0, tab);
        if (first && lower(q) == "query-id") { first = false; continue; }
        first = false;
        ids.insert(q);
    }
    return ids.size();
}

DatasetEntry detectBeir(const fs::path& dir) {
    DatasetEntry d;
    d.type = TaskType::Retrieval;
    d.folder = dir;
    d.data = dir;
    std::vector<fs::path> qrels;
    for (auto& e : fs::directory_iterator(dir / "qrels"))
        if (e.is_regular_file() && lower(e.path().extension().string()) == ".tsv") qrels.push_back(e.path());
    std::sort(qrels.begin(), qrels.end());
    if (qrels.empty()) throw Failure("dataset", (dir / "qrels").string() + ": no <split>.tsv judgements (BEIR layout)");
    auto test = std::find_if(qrels.begin(), qrels.end(), [](const fs::path& p) { return lower(p.stem().string()) == "test"; });
    const fs::path pick = test != qrels.end() ? *test : qrels.front();
    d.split = pick.stem().string();
    d.items = countQrelsQueries(pick);
    return d;
}

fs::path findTrainFile(const fs::path& dir, const fs::path& testFile) {
    if (dir.empty()) return {};
    try {
        auto p = splitFile(dir, "train");
        if (p != testFile) return p;
    } catch (const Failure&) {
    }
    return {};
}

DatasetEntry detectImpl(const fs::path& input) {
    std::error_code ec;
    if (!fs::exists(input, ec)) throw Failure("io", input.string() + ": no such file or folder");
    const fs::path path = fs::absolute(input).lexically_normal();
    const bool isDir = fs::is_directory(path, ec);
    std::string name = (isDir ? path : path.parent_path()).filename().string();
    if (isDir && fs::exists(path / "corpus.jsonl") && fs::is_directory(path / "qrels")) {
        auto d = detectBeir(path);
        d.name = name;
        return d;
    }
    fs::path file;
    TableKind kind;
    if (!isDir) {
        if (!isTableFile(path)) throw Failure("dataset", path.string() + ": not a .csv, .tsv, .txt or .jsonl table");
        file = path;
        kind = classifyTable(path);
    } else {
        try {
            file = splitFile(path, "test");
            kind = classifyTable(file);
        } catch (const Failure&) {
            file.clear();
        }
        if (!kind.type) {
            // No test file: the recognisable table with most rows (e.g. SICK's all-pairs file).
            std::vector<fs::path> files;
            for (auto& e : fs::directory_iterator(path))
                if (e.is_regular_file() && isTableFile(e.path())) files.push_back(e.path());
            std::sort(files.begin(), files.end());
            file.clear();
            for (auto& f : files) {
                TableKind k;
                try {
                    k = classifyTable(f);
                } catch (const Failure&) {
                    continue;
                }
                if (k.type && k.rows > kind.rows) kind = k, file = f;
            }
        }
    }
    if (!kind.type || file.empty())
        throw Failure("dataset", path.string() +
                                     ": not recognised (expected a BEIR folder with corpus.jsonl and qrels/, an STS table "
                                     "with two sentences and a score, or a classification table with text and label)");
    DatasetEntry d;
    d.name = name;
    d.type = *kind.type;
    d.folder = path;
    d.data = file;
    d.items = kind.rows;
    d.split = "test";
    if (d.type == TaskType::Classification) {
        d.trainData = findTrainFile(isDir ? path : path.parent_path(), file);
        if (d.trainData.empty())
            throw Failure("dataset", path.string() + ": classification needs a train file beside " + file.filename().string());
    }
    return d;
}

CorpusItem item(std::string key, std::string text, std::string family, std::string label = {}) {
    CorpusItem c;
    c.key = std::move(key);
    c.text = std::move(text);
    c.family = std::move(family);
    c.label = std::move(label);
    return c;
}

std::string strip(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string textOf(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

} // namespace

Result<DatasetEntry> detectDataset(const std::filesystem::path& path) {
    return guarded([&] { return detectImpl(path); }, "dataset");
}

EvalOptions suiteOptions(const DatasetEntry& d, SuiteMode mode, std::size_t quickItems, std::uint64_t seed) {
    EvalOptions o;
    o.type = d.type;
    o.data = d.data;
    o.split = d.split;
    o.dataset = d.name;
    o.trainData = d.trainData;
    o.mainMetric = d.mainMetric;
    o.quick = mode == SuiteMode::Quick ? quickItems : 0;
    o.seed = seed;
    return o;
}

std::string datasetsToJson(const std::vector<DatasetEntry>& entries) {
    json arr = json::array();
    for (auto& d : entries)
        arr.push_back({{"name", d.name},
                       {"type", toString(d.type)},
                       {"folder", d.folder.string()},
                       {"data", d.data.string()},
                       {"train", d.trainData.string()},
                       {"split", d.split},
                       {"items", d.items},
                       {"mteb_task", d.mtebTask},
                       {"main_metric", d.mainMetric}});
    return arr.dump();
}

Result<std::vector<DatasetEntry>> datasetsFromJson(const std::string& text) {
    return guarded([&] {
        json arr;
        try {
            arr = json::parse(text);
        } catch (const std::exception& e) {
            throw Failure("parse", std::string("dataset list: invalid JSON: ") + e.what());
        }
        if (!arr.is_array()) throw Failure("parse", "dataset list: expected a JSON array");
        std::vector<DatasetEntry> out;
        for (std::size_t i = 0; i < arr.size(); ++i) {
            const auto& j = arr[i];
            auto type = j.is_object() ? parseTaskType(j.value("type", "")) : std::nullopt;
            if (!type || !j.contains("data"))
                throw Failure("parse", "dataset list: entry " + std::to_string(i) + " lacks a known type or data path");
            DatasetEntry d;
            d.name = j.value("name", "");
            d.type = *type;
            d.folder = j.value("folder", "");
            d.data = j.value("data", "");
            d.trainData = j.value("train", "");
            d.split = j.value("split", "test");
            d.items = j.value("items", std::size_t(0));
            d.mtebTask = j.value("mteb_task", "");
            d.mainMetric = j.value("main_metric", "");
            out.push_back(std::move(d));
        }
        return out;
    }, "parse");
}

Result<std::vector<CorpusItem>> datasetCorpus(const DatasetEntry& d, std::size_t limit) {
    return guarded([&] {
        std::vector<CorpusItem> out;
        auto full = [&] { return limit > 0 && out.size() >= limit; };
        if (d.type == TaskType::Retrieval) {
            BeirData b = readBeir(d.data, d.split);
            for (std::size_t i = 0; i < b.docIds.size() && !full(); ++i)
                out.push_back(item(b.docIds[i], b.docTexts[i], d.name, "document"));
            return out;
        }
        const fs::path file = splitFile(d.data, d.split);
        if (d.type == TaskType::Sts || d.type == TaskType::Pair || d.type == TaskType::Bitext) {
            const Table t = readTable(file, {"sentence1", "sentence_A", "score", "relatedness_score"}, 2);
            const auto c1 = resolveColumn(t, {}, kSts1, 0, "first sentence");
            const auto c2 = resolveColumn(t, {}, kSts2, 1, "second sentence");
            std::set<std::string> seen;
            for (std::size_t r = 0; r < t.rows.size() && !full(); ++r)
                for (auto c : {c1, c2}) {
                    if (c >= t.rows[r].size() || full()) continue;
                    const auto& s = t.rows[r][c];
                    if (!s.empty() && seen.insert(s).second)
                        out.push_back(item(std::to_string(t.lines[r]) + (c == c1 ? ":1" : ":2"), s, d.name));
                }
            return out;
        }
        std::vector<fs::path> files = {file};
        if (!d.trainData.empty()) files.push_back(d.trainData);
        for (auto& f : files) {
            const Table t = readTable(f, {"text", "label", "category", "sentence"}, -1);
            const auto ct = resolveColumn(t, {}, kText, 0, "text");
            const auto cl = resolveColumn(t, {}, kLabel, 1, "label");
            for (std::size_t r = 0; r < t.rows.size() && !full(); ++r) {
                if (ct >= t.rows[r].size()) continue;
                out.push_back(item(f.filename().string() + ":" + std::to_string(t.lines[r]), t.rows[r][ct], d.name,
                                   cl < t.rows[r].size() ? t.rows[r][cl] : std::string()));
            }
        }
        return out;
    }, "dataset");
}

Result<std::vector<CorpusItem>> readJsonlCorpus(const std::filesystem::path& path, std::size_t limit) {
    return guarded([&] {
        std::vector<CorpusItem> out;
        for (auto& [lineNo, text] : readJsonLines(path)) {
            if (limit > 0 && out.size() >= limit) break;
            json j;
            try {
                j = json::parse(text);
            } catch (const std::exception& e) {
                throw Failure("parse", path.string() + ":" + std::to_string(lineNo) + ": invalid JSON: " + e.what());
            }
            if (!j.is_object()) throw Failure("parse", path.string() + ":" + std::to_string(lineNo) + ": expected a JSON object");
            std::string body = strip(strip(textOf(j, "title")) + " " + strip(textOf(j, "text")));
            if (body.empty())
                throw Failure("parse", path.string() + ":" + std::to_string(lineNo) + ": no \"text\" field");
            CorpusItem c;
            c.key = textOf(j, "_id");
            if (c.key.empty()) c.key = textOf(j, "id");
            if (c.key.empty()) c.key = std::to_string(lineNo);
            c.text = std::move(body);
            c.family = textOf(j, "family");
            c.language = textOf(j, "language");
            c.label = textOf(j, "label");
            if (c.label.empty()) c.label = textOf(j, "category");
            out.push_back(std::move(c));
        }
        return out;
    }, "io");
}

Result<std::vector<CorpusItem>> projectSamplesCorpus(const store::Project& project, std::size_t limit,
                                                     const SampleRoles& roles) {
    return guarded([&] {
        std::vector<CorpusItem> out;
        auto st = project.db().prepare(
            "SELECT id, family, language, query, positive, negative FROM samples WHERE status IN ('accepted','edited') "
            "ORDER BY id");
        static const char* const kSuffix[] = {":q", ":p", ":n"};
        static const char* const kRole[] = {"query", "positive", "negative"};
        const bool wanted[] = {roles.query, roles.positive, roles.negative};
        while (st.step()) {
            const auto id = std::to_string(st.getInt(0));
            const std::string family = st.getText(1), language = st.getText(2);
            for (int col : {3, 4, 5}) {
                if (!wanted[col - 3]) continue;
                if (limit > 0 && out.size() >= limit) return out;
                auto text = st.getOptText(col);
                if (!text || strip(*text).empty()) continue;
                CorpusItem c = item(id + kSuffix[col - 3], *text, family, kRole[col - 3]);
                c.language = language;
                out.push_back(std::move(c));
            }
        }
        return out;
    }, "db");
}

} // namespace synthembed::eval
