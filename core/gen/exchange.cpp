#include "core/gen/exchange.h"

#include "core/gen/job.h"
#include "core/gen/request_queue.h"
#include "core/gen/runner.h"
#include "core/gen/text_hash.h"
#include "core/llm/client.h"
#include "core/util/csv.h"
#include "core/util/durable.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace fs = std::filesystem;

namespace synthembed::gen {

using nlohmann::json;

std::optional<ExportFormat> parseExportFormat(const std::string& n) {
    if (n == "jsonl") return ExportFormat::Jsonl;
    if (n == "sentence-transformers" || n == "st") return ExportFormat::SentenceTransformers;
    if (n == "flagembedding" || n == "flag") return ExportFormat::FlagEmbedding;
    if (n == "openai-batch") return ExportFormat::OpenAiBatch;
    return std::nullopt;
}

std::optional<ImportFormat> parseImportFormat(const std::string& n) {
    if (n == "auto") return ImportFormat::Auto;
    if (n == "jsonl") return ImportFormat::Jsonl;
    if (n == "sentence-transformers" || n == "st") return ImportFormat::SentenceTransformers;
    if (n == "flagembedding" || n == "flag") return ImportFormat::FlagEmbedding;
    if (n == "csv") return ImportFormat::Csv;
    if (n == "tsv") return ImportFormat::Tsv;
    return std::nullopt;
}

namespace {

std::string e5Query(const std::string& instruction, const std::string& query) {
    return instruction.empty() ? query : "Instruct: " + instruction + "\nQuery: " + query;
}

} // namespace

Result<std::int64_t> exportSamples(const store::Project& project, const fs::path& output, const ExportOptions& o) {
    if (o.format == ExportFormat::OpenAiBatch)
        return Error{"usage", "openai-batch exports a job's requests: use exportBatchRequests (--job ID)"};
    return guarded([&]() -> std::int64_t {
        std::string sql = "SELECT COALESCE(query,''), COALESCE(positive,''), negative, instruction, family, language "
                          "FROM samples WHERE status IN ('accepted','edited')";
        if (o.scope.jobId) sql += " AND job_id = " + std::to_string(*o.scope.jobId);
        if (o.scope.family) sql += " AND family = ?1";
        sql += " ORDER BY id";
        durable::checkOutput(output, o.overwrite, project.path());
        auto st = project.db().prepare(sql);
        if (o.scope.family) st.bind(1, *o.scope.family);
        durable::AtomicFile w(output);
        std::int64_t n = 0;
        while (st.step()) {
            std::string query = st.getText(0), positive = st.getText(1), instruction = st.getText(3);
            auto negative = st.getOptText(2);
            json j;
            switch (o.format) {
            case ExportFormat::Jsonl:
                j = {{"query", query}, {"positive", positive}};
                if (negative) j["negative"] = *negative;
                j["instruction"] = instruction;
                j["family"] = st.getText(4);
                j["language"] = st.getText(5);
                break;
            case ExportFormat::SentenceTransformers:
                j = {{"anchor", o.instructionInQuery ? e5Query(instruction, query) : query}, {"positive", positive}};
                if (negative) j["negative"] = *negative;
                break;
            case ExportFormat::FlagEmbedding:
                j = {{"query", o.instructionInQuery ? e5Query(instruction, query) : query},
                     {"pos", json::array({positive})},
                     {"neg", negative ? json::array({*negative}) : json::array()},
                     {"prompt", o.instructionInQuery ? std::string() : instruction}};
                break;
            case ExportFormat::OpenAiBatch: break;
            }
            w.out() << j.dump() << '\n';
            ++n;
        }
        w.commit();
        return n;
    }, "io");
}

Result<std::int64_t> exportBatchRequests(const store::Project& project, std::int64_t jobId, const fs::path& output,
                                         bool overwrite) {
    if (auto checked = guarded([&] { durable::checkOutput(output, overwrite, project.path()); }, "io"); !checked)
        return checked.error();
    GenerationRunner runner(project, jobId);
    auto planned = runner.planPending();
    if (!planned) return planned.error();
    auto spec = loadJobSpec(project, jobId);
    if (!spec) return spec.error();
    return guarded([&]() -> std::int64_t {
        // The rows are marked exported in the transaction that renames the file into place: either
        // the file exists and no run sends its requests again, or neither happened.
        RequestQueue queue(project.db(), jobId);
        db::Transaction tx(project.db());
        auto rows = queue.pendingPrompts();
        durable::AtomicFile w(output);
        std::vector<std::int64_t> ids;
        for (const auto& [id, prompt] : rows) {
            json line = {{"custom_id", "request-" + std::to_string(id)},
                         {"method", "POST"},
                         {"url", "/v1/chat/completions"},
                         {"body", json::parse(llm::buildRequestBody(spec->client, prompt))}};
            w.out() << line.dump() << '\n';
            ids.push_back(id);
        }
        auto marked = queue.markExported(ids, fs::absolute(output).lexically_normal().string());
        if (marked != static_cast<std::int64_t>(ids.size()))
            throw Failure("db", "job " + std::to_string(jobId) + ": " + std::to_string(ids.size() - marked) +
                                    " request(s) changed while being exported; nothing was written");
        w.commit();
        try {
            tx.commit();
        } catch (...) {
            std::error_code ec;
            fs::remove(output, ec); // unmarked requests must not sit in a file that may be uploaded
            throw;
        }
        return static_cast<std::int64_t>(ids.size());
    }, "io");
}

Result<std::int64_t> releaseBatchRequests(const store::Project& project, std::int64_t jobId,
                                          const fs::path& batchFile) {
    return guarded([&]() -> std::int64_t {
        RequestQueue queue(project.db(), jobId);
        if (!queue.jobState()) throw Failure("not_found", "no job " + std::to_string(jobId));
        const std::string file = batchFile.empty() ? std::string() : fs::absolute(batchFile).lexically_normal().string();
        auto n = queue.releaseExported(file);
        if (n == 0)
            throw Failure("not_found", "job " + std::to_string(jobId) + " has no requests exported" +
                                           (file.empty() ? std::string() : " to " + file));
        return n;
    }, "db");
}

Result<BatchImportReport> importBatchResults(const store::Project& project, std::int64_t jobId, const fs::path& input) {
    std::vector<llm::ChatResult> results;
    BatchImportReport rep;
    auto read = guarded([&] {
        std::ifstream in(input);
        if (!in) throw Failure("io", input.string() + ": cannot read");
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            rep.lines++;
            auto where = input.string() + ":" + std::to_string(n);
            auto j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) throw Failure("parse", where + ": not a JSON object");
            auto cid = j.value("custom_id", std::string());
            if (cid.rfind("request-", 0) != 0) throw Failure("parse", where + ": custom_id '" + cid + "' is not request-N");
            llm::ChatResult r;
            try {
                r.id = std::stoll(cid.substr(8));
            } catch (...) {
                throw Failure("parse", where + ": custom_id '" + cid + "' is not request-N");
            }
            r.attempts = 1;
            auto& resp = j["response"];
            if (j.contains("error") && !j["error"].is_null()) {
                r.outcome = llm::Outcome::Exhausted;
                r.error = "batch error: " + j["error"].dump();
            } else if (!resp.is_object() || resp.value("status_code", 0) != 200 || !resp.contains("body")) {
                r.outcome = llm::Outcome::Exhausted;
                r.httpStatus = resp.is_object() ? resp.value("status_code", 0) : 0;
                r.error = "batch response status " + std::to_string(r.httpStatus);
            } else {
                auto body = resp["body"].is_string() ? resp["body"].get<std::string>() : resp["body"].dump();
                auto parsed = llm::parseCompletion(body);
                if (!parsed) {
                    r.outcome = llm::Outcome::Exhausted;
                    r.error = "batch response: " + parsed.error().message;
                } else {
                    auto id = r.id;
                    r = std::move(parsed).take();
                    r.id = id;
                    r.attempts = 1;
                    r.httpStatus = 200;
                }
            }
            results.push_back(std::move(r));
        }
    }, "io");
    if (!read) return read.error();
    GenerationRunner runner(project, jobId);
    auto counts = runner.importAnswers(results);
    if (!counts) return counts.error();
    rep.stored = counts->stored;
    rep.failed = counts->failed;
    rep.skipped = counts->skipped;
    rep.notExported = counts->notExported;
    return rep;
}

namespace {

std::string readWholeFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure("io", path.string() + ": cannot read");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Failure("io", path.string() + ": read failed");
    return text;
}

struct Row {
    std::string query, positive;
    std::optional<std::string> negative;
    std::string instruction, family, language;
};

} // namespace

Result<ImportReport> importSamples(const store::Project& project, const fs::path& input, const ImportOptions& o) {
    return guarded([&]() -> ImportReport {
        ImportFormat fmt = o.format;
        auto ext = input.extension().string();
        if (fmt == ImportFormat::Auto)
            fmt = ext == ".csv" ? ImportFormat::Csv : ext == ".tsv" ? ImportFormat::Tsv : ImportFormat::Jsonl;
        ImportReport rep;
        std::vector<std::pair<int, Row>> rows;
        int lineNo = 0;
        auto where = [&](int n) { return input.filename().string() + ":" + std::to_string(n); };
        if (fmt == ImportFormat::Csv || fmt == ImportFormat::Tsv) {
            const char delim = fmt == ImportFormat::Csv ? ',' : '\t';
            const std::string text = readWholeFile(input);
            csv::Reader reader(text, delim);
            csv::Record rec;
            int qi = 0, pi = 1, ni = 2;
            bool first = true;
            for (;;) {
                try {
                    if (!reader.next(rec)) break;
                } catch (const Failure& f) {
                    throw Failure("parse", input.filename().string() + ": " + f.what());
                }
                lineNo = static_cast<int>(rec.line);
                auto& cells = rec.cells;
                bool blank = true;
                for (auto& c : cells)
                    if (c.find_first_not_of(" \t\r") != std::string::npos) blank = false;
                if (blank) continue;
                if (first) {
                    first = false;
                    auto lower = [](std::string s) {
                        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        return s;
                    };
                    int q = -1, p = -1, n = -1;
                    for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
                        auto c = lower(cells[static_cast<std::size_t>(i)]);
                        if (c == "query" || c == "anchor" || c == "sentence1" || c == "question") q = i;
                        if (c == "positive" || c == "pos" || c == "sentence2" || c == "document" || c == "passage") p = i;
                        if (c == "negative" || c == "neg" || c == "hard_negative") n = i;
                    }
                    if (q >= 0 && p >= 0) {
                        qi = q;
                        pi = p;
                        ni = n;
                        continue; // a header row
                    }
                }
                rep.rows++;
                if (static_cast<int>(cells.size()) <= std::max(qi, pi) || cells[static_cast<std::size_t>(qi)].empty() ||
                    cells[static_cast<std::size_t>(pi)].empty()) {
                    rep.errors.push_back(where(lineNo) + ": needs a query and a positive");
                    continue;
                }
                Row r;
                r.query = cells[static_cast<std::size_t>(qi)];
                r.positive = cells[static_cast<std::size_t>(pi)];
                if (ni >= 0 && static_cast<int>(cells.size()) > ni && !cells[static_cast<std::size_t>(ni)].empty())
                    r.negative = cells[static_cast<std::size_t>(ni)];
                rows.emplace_back(lineNo, std::move(r));
            }
        } else {
            std::ifstream in(input, std::ios::binary);
            if (!in) throw Failure("io", input.string() + ": cannot read");
            std::string line;
            while (std::getline(in, line)) {
                ++lineNo;
                if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
                rep.rows++;
                auto j = json::parse(line, nullptr, false);
                if (j.is_discarded() || !j.is_object()) {
                    rep.errors.push_back(where(lineNo) + ": not a JSON object");
                    continue;
                }
                auto str = [&](const char* k) {
                    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
                };
                auto firstOf = [&](const char* k) -> std::vector<std::string> {
                    std::vector<std::string> v;
                    if (j.contains(k) && j[k].is_array())
                        for (auto& e : j[k])
                            if (e.is_string()) v.push_back(e.get<std::string>());
                    return v;
                };
                ImportFormat lf = fmt;
                if (lf == ImportFormat::Jsonl || lf == ImportFormat::Auto)
                    lf = j.contains("anchor") ? ImportFormat::SentenceTransformers
                         : j.contains("pos")  ? ImportFormat::FlagEmbedding
                                              : ImportFormat::Jsonl;
                if (lf == ImportFormat::FlagEmbedding) {
                    auto pos = firstOf("pos");
                    auto neg = firstOf("neg");
                    if (str("query").empty() || pos.empty()) {
                        rep.errors.push_back(where(lineNo) + ": needs \"query\" and a non-empty \"pos\" list");
                        continue;
                    }
                    for (std::size_t i = 0; i < pos.size(); ++i) {
                        Row r;
                        r.query = str("query");
                        r.positive = pos[i];
                        if (!neg.empty()) r.negative = neg[i % neg.size()];
                        r.instruction = str("prompt");
                        rows.emplace_back(lineNo, std::move(r));
                    }
                    continue;
                }
                Row r;
                bool st = lf == ImportFormat::SentenceTransformers;
                r.query = str(st ? "anchor" : "query");
                r.positive = str("positive");
                if (auto n = str("negative"); !n.empty()) r.negative = n;
                r.instruction = str("instruction");
                r.family = str("family");
                r.language = str("language");
                if (r.query.empty() || r.positive.empty()) {
                    rep.errors.push_back(where(lineNo) + ": needs non-empty \"" + (st ? "anchor" : "query") +
                                         "\" and \"positive\" strings");
                    continue;
                }
                rows.emplace_back(lineNo, std::move(r));
            }
        }
        const auto& db = project.db();
        std::string source = "import:" + input.filename().string();
        db::inTransaction(db, [&] {
            auto dup = db.prepare("SELECT 1 FROM samples WHERE text_hash = ? AND status <> 'rejected' LIMIT 1");
            auto ins = db.prepare("INSERT INTO samples(family, instruction, language, query, positive, negative, "
                                  "status, text_hash, source) VALUES (?,?,?,?,?,?, 'accepted', ?, ?)");
            for (auto& [n, r] : rows) {
                auto hash = sampleTextHash(r.query, r.positive, r.negative.value_or(""));
                if (o.skipDuplicates) {
                    dup.bind(1, hash);
                    bool exists = dup.step();
                    dup.reset();
                    if (exists) {
                        rep.duplicates++;
                        continue;
                    }
                }
                ins.bindAll(r.family.empty() ? o.family : r.family, r.instruction.empty() ? o.instruction : r.instruction,
                            r.language.empty() ? o.language : r.language, r.query, r.positive, r.negative, hash, source);
                ins.run();
                rep.imported++;
            }
        });
        return rep;
    }, "io");
}

} // namespace synthembed::gen
