#include "core/eval/results.h"

#include "core/util/durable.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <unordered_map>

namespace synthembed::eval {

namespace {

using nlohmann::json;

json filesToJ(const ModelFiles& m) {
    json files = json::array();
    for (const auto& f : m.files) files.push_back({{"name", f.name}, {"size", f.size}, {"mtime_ns", f.mtimeNs}});
    return {{"folder", m.folder}, {"run_id", m.runId}, {"step", m.step}, {"digest", m.digest}, {"files", files}};
}

std::optional<ModelFiles> filesFromJ(const json& j) {
    if (!j.is_object()) return std::nullopt;
    ModelFiles m;
    m.folder = j.value("folder", "");
    m.runId = j.value("run_id", "");
    m.step = j.value("step", std::int64_t{-1});
    m.digest = j.value("digest", "");
    if (j.contains("files") && j["files"].is_array())
        for (const auto& f : j["files"])
            m.files.push_back({f.value("name", ""), f.value("size", std::int64_t{0}), f.value("mtime_ns", std::int64_t{0})});
    if (m.folder.empty()) return std::nullopt;
    return m;
}

/// The model folder's prompts a result used (query_prompt, document_prompt), if any.
void readPrompts(const json& j, EvalResult& r) {
    if (j.contains("query_prompt") && j["query_prompt"].is_string()) r.queryPrompt = j["query_prompt"].get<std::string>();
    if (j.contains("document_prompt") && j["document_prompt"].is_string())
        r.documentPrompt = j["document_prompt"].get<std::string>();
}

json toJ(const EvalResult& r, bool withPerItem) {
    json j = {{"task", r.taskType},
              {"dataset", r.dataset},
              {"split", r.split},
              {"model_fingerprint", r.modelFingerprint},
              {"pooling", r.pooling},
              {"instruction", r.instruction},
              {"main_metric", r.mainMetric},
              {"main_score", r.mainScore},
              {"metrics", r.metrics},
              {"timings", r.timings},
              {"counts", r.counts},
              {"quick", r.quick},
              {"seed", r.seed}};
    if (r.queryPrompt) j["query_prompt"] = *r.queryPrompt;
    if (r.documentPrompt) j["document_prompt"] = *r.documentPrompt;
    if (r.modelFiles) j["model_files"] = filesToJ(*r.modelFiles);
    if (withPerItem && !r.perItem.ids.empty())
        j["per_item"] = {{"statistic", r.perItem.statistic},
                         {"ids", r.perItem.ids},
                         {"values", r.perItem.values},
                         {"gold", r.perItem.gold}};
    return j;
}

EvalResult fromJ(const json& j) {
    EvalResult r;
    r.taskType = j.at("task").get<std::string>();
    r.dataset = j.value("dataset", "");
    r.split = j.value("split", "test");
    r.modelFingerprint = j.value("model_fingerprint", "");
    r.pooling = j.value("pooling", "");
    r.instruction = j.value("instruction", "");
    readPrompts(j, r);
    r.mainMetric = j.value("main_metric", "");
    r.mainScore = j.at("main_score").get<double>();
    if (j.contains("metrics")) r.metrics = j["metrics"].get<std::map<std::string, double>>();
    if (j.contains("timings")) r.timings = j["timings"].get<std::map<std::string, double>>();
    if (j.contains("counts")) r.counts = j["counts"].get<std::map<std::string, double>>();
    r.quick = j.value("quick", std::size_t(0));
    r.seed = j.value("seed", std::uint64_t(0));
    if (j.contains("model_files")) r.modelFiles = filesFromJ(j["model_files"]);
    if (j.contains("per_item")) {
        auto& p = j["per_item"];
        r.perItem.statistic = p.value("statistic", "mean");
        r.perItem.ids = p.value("ids", std::vector<std::string>{});
        r.perItem.values = p.value("values", std::vector<double>{});
        r.perItem.gold = p.value("gold", std::vector<double>{});
    }
    return r;
}

void writeAtomically(const std::filesystem::path& path, const std::string& text) { durable::writeFile(path, text); }

} // namespace

std::string resultToJson(const EvalResult& r, bool withPerItem, int indent) { return toJ(r, withPerItem).dump(indent); }

Result<EvalResult> resultFromJson(const std::string& text) {
    return guarded([&] { return fromJ(json::parse(text)); }, "parse");
}

Status writeResultsFile(const std::filesystem::path& path, const std::vector<EvalResult>& results) {
    return guarded([&] {
        json j;
        if (results.size() == 1) j = toJ(results.front(), true);
        else {
            j = {{"results", json::array()}};
            for (auto& r : results) j["results"].push_back(toJ(r, true));
        }
        writeAtomically(path, j.dump(2) + "\n");
    }, "io");
}

Result<std::vector<EvalResult>> readResultsFile(const std::filesystem::path& path) {
    return guarded([&] {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Failure("io", path.string() + ": cannot open for reading");
        json j;
        try {
            j = json::parse(in);
        } catch (const std::exception& e) {
            throw Failure("parse", path.string() + ": invalid JSON: " + e.what());
        }
        std::vector<EvalResult> out;
        try {
            const json& list = j.is_object() && j.contains("results") ? j["results"] : j;
            if (list.is_array())
                for (auto& x : list) out.push_back(fromJ(x));
            else
                out.push_back(fromJ(list));
        } catch (const std::exception& e) {
            throw Failure("parse", path.string() + ": not a results file: " + e.what());
        }
        return out;
    }, "io");
}

Result<std::int64_t> storeResult(const store::Project& project, const EvalResult& r,
                                 std::optional<std::int64_t> trainingRunId) {
    return guarded([&] {
        json details = {{"pooling", r.pooling},       {"instruction", r.instruction}, {"main_metric", r.mainMetric},
                        {"counts", r.counts},         {"quick", r.quick},             {"seed", r.seed}};
        if (r.queryPrompt) details["query_prompt"] = *r.queryPrompt;
        if (r.documentPrompt) details["document_prompt"] = *r.documentPrompt;
        if (r.modelFiles) details["model_files"] = filesToJ(*r.modelFiles);
        if (!r.perItem.ids.empty())
            details["per_item"] = {{"statistic", r.perItem.statistic},
                                   {"ids", r.perItem.ids},
                                   {"values", r.perItem.values},
                                   {"gold", r.perItem.gold}};
        return db::inTransaction(project.db(), [&] {
            auto st = project.db().prepare(
                "INSERT INTO eval_results(run_id, model_fingerprint, task_type, dataset, split, main_score, metrics, "
                "timings, details) VALUES (?,?,?,?,?,?,?,?,?)");
            st.bind(1, trainingRunId);
            st.bind(2, r.modelFingerprint).bind(3, r.taskType).bind(4, r.dataset).bind(5, r.split);
            st.bind(6, r.mainScore).bind(7, json(r.metrics).dump()).bind(8, json(r.timings).dump()).bind(9, details.dump());
            st.run();
            return project.db().lastInsertId();
        });
    }, "db");
}

namespace {
StoredResult rowToResult(const db::Statement& st) {
    StoredResult s;
    s.id = st.getInt(0);
    if (!st.isNull(1)) s.runId = st.getInt(1);
    auto& r = s.result;
    r.modelFingerprint = st.getText(2);
    r.taskType = st.getText(3);
    r.dataset = st.getText(4);
    r.split = st.getText(5);
    r.mainScore = st.getDouble(6);
    r.metrics = json::parse(st.getText(7)).get<std::map<std::string, double>>();
    r.timings = json::parse(st.getText(8)).get<std::map<std::string, double>>();
    auto d = json::parse(st.getText(9));
    r.pooling = d.value("pooling", "");
    r.instruction = d.value("instruction", "");
    readPrompts(d, r);
    r.mainMetric = d.value("main_metric", "");
    if (d.contains("counts")) r.counts = d["counts"].get<std::map<std::string, double>>();
    r.quick = d.value("quick", std::size_t(0));
    r.seed = d.value("seed", std::uint64_t(0));
    if (d.contains("model_files")) r.modelFiles = filesFromJ(d["model_files"]);
    if (d.contains("per_item")) {
        auto& p = d["per_item"];
        r.perItem.statistic = p.value("statistic", "mean");
        r.perItem.ids = p.value("ids", std::vector<std::string>{});
        r.perItem.values = p.value("values", std::vector<double>{});
        r.perItem.gold = p.value("gold", std::vector<double>{});
    }
    s.createdAt = st.getText(10);
    return s;
}
constexpr const char* kSelect = "SELECT id, run_id, model_fingerprint, task_type, dataset, split, main_score, metrics, "
                                "timings, details, created_at FROM eval_results ";
} // namespace

Result<std::vector<StoredResult>> listResults(const store::Project& project, const std::string& modelFingerprint,
                                              std::size_t limit) {
    return guarded([&] {
        auto st = project.db().prepare(std::string(kSelect) +
                                       "WHERE (?1 = '' OR model_fingerprint = ?1) ORDER BY id DESC LIMIT ?2");
        st.bind(1, modelFingerprint).bind(2, static_cast<std::int64_t>(limit));
        std::vector<StoredResult> out;
        while (st.step()) out.push_back(rowToResult(st));
        return out;
    }, "db");
}

Result<StoredResult> loadResult(const store::Project& project, std::int64_t id) {
    return guarded([&] {
        auto st = project.db().prepare(std::string(kSelect) + "WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) throw Failure("not_found", project.path().string() + ": no evaluation result with id " + std::to_string(id));
        return rowToResult(st);
    }, "db");
}

namespace {

namespace fs = std::filesystem;

// Files that decide the vectors, besides the weights.
bool isModelFile(const fs::path& rel) {
    const std::string name = rel.generic_string();
    const std::string ext = rel.extension().string();
    if (ext == ".safetensors" || ext == ".bin") return true;
    for (const char* n : {"config.json", "tokenizer.json", "tokenizer.model", "vocab.txt", "vocab.json", "merges.txt",
                          "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "1_Pooling/config.json"})
        if (name == n) return true;
    return false;
}

bool isWeights(const std::string& name) {
    const std::string ext = fs::path(name).extension().string();
    return ext == ".safetensors" || ext == ".bin";
}

std::int64_t mtimeNs(const fs::path& p) {
    std::error_code ec;
    const auto t = fs::last_write_time(p, ec);
    if (ec) return 0;
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The stamp without its digest: run id, step and the file list with sizes and mtimes.
ModelFiles listModelFiles(const fs::path& folder) {
    ModelFiles m;
    std::error_code ec;
    m.folder = fs::absolute(folder, ec).lexically_normal().string();
    if (!fs::is_directory(folder, ec)) throw Failure("io", folder.string() + ": no such model folder");
    for (const fs::path& rel : {fs::path(), fs::path("1_Pooling")}) {
        fs::directory_iterator it(folder / rel, ec), end;
        if (ec) {
            if (rel.empty()) throw Failure("io", folder.string() + ": cannot list: " + ec.message());
            continue;
        }
        for (; it != end; it.increment(ec)) {
            if (!it->is_regular_file(ec)) continue;
            const fs::path name = rel / it->path().filename();
            if (!isModelFile(name)) continue;
            const auto size = it->file_size(ec);
            if (ec) throw Failure("io", it->path().string() + ": cannot read its size: " + ec.message());
            m.files.push_back({name.generic_string(), static_cast<std::int64_t>(size), mtimeNs(it->path())});
        }
        if (ec) throw Failure("io", (folder / rel).string() + ": cannot list: " + ec.message());
    }
    std::sort(m.files.begin(), m.files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::ifstream in(folder / "synthembed_train.json", std::ios::binary);
    if (in) {
        const json t = json::parse(in, nullptr, false);
        if (t.is_object()) {
            if (t.contains("run_id") && t["run_id"].is_string()) m.runId = t["run_id"].get<std::string>();
            if (t.contains("step") && t["step"].is_number_integer()) m.step = t["step"].get<std::int64_t>();
        }
    }
    return m;
}

void readAt(std::ifstream& in, const fs::path& p, std::uint64_t offset, std::uint64_t n, std::string& into) {
    const auto at = into.size();
    into.resize(at + n);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(into.data() + at, static_cast<std::streamsize>(n));
    if (static_cast<std::uint64_t>(in.gcount()) != n) throw Failure("io", p.string() + ": read failed (file changed while stamped?)");
}

std::string digestOf(const fs::path& folder, const std::vector<ModelFiles::File>& files) {
    constexpr std::uint64_t kWhole = 64ull << 20, kHead = 1ull << 20, kBlock = 64ull << 10;
    constexpr int kBlocks = 64;
    std::string all;
    for (const auto& f : files) {
        const fs::path p = folder / f.name;
        std::ifstream in(p, std::ios::binary);
        if (!in) throw Failure("io", p.string() + ": cannot open for reading");
        const auto size = static_cast<std::uint64_t>(f.size);
        std::string bytes = f.name + '\0' + std::to_string(size) + '\0';
        if (size <= kWhole) {
            readAt(in, p, 0, size, bytes);
        } else {
            readAt(in, p, 0, kHead, bytes);
            for (int b = 0; b < kBlocks; ++b)
                readAt(in, p, kHead + (size - kHead - kBlock) / kBlocks * static_cast<std::uint64_t>(b), kBlock, bytes);
            readAt(in, p, size - kBlock, kBlock, bytes);
        }
        all += contentHash(bytes);
    }
    return contentHash(all);
}

std::string describeRun(const ModelFiles& m) {
    if (m.runId.empty()) return "no training run";
    return "run " + m.runId + (m.step >= 0 ? " at step " + std::to_string(m.step) : std::string());
}

} // namespace

Result<ModelFiles> stampModelFiles(const std::filesystem::path& folder) {
    return guarded([&] {
        ModelFiles m = listModelFiles(folder);
        m.digest = digestOf(folder, m.files);
        return m;
    }, "io");
}

ModelFilesCheck checkModelFiles(const ModelFiles& stamp) {
    using State = ModelFilesCheck::State;
    const fs::path folder(stamp.folder);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return {State::Missing, "the model folder " + stamp.folder + " no longer exists"};
    ModelFiles now;
    try {
        now = listModelFiles(folder);
    } catch (const Failure& f) {
        return {State::Missing, f.what()};
    }
    bool anyWeights = false;
    for (const auto& f : now.files) anyWeights = anyWeights || isWeights(f.name);
    if (!anyWeights) return {State::Missing, "no weights left in " + stamp.folder};
    if (now.runId != stamp.runId || now.step != stamp.step)
        return {State::Changed, stamp.folder + " now holds " + describeRun(now) + " (the result is of " + describeRun(stamp) + ")"};
    std::map<std::string, const ModelFiles::File*> was;
    for (const auto& f : stamp.files) was[f.name] = &f;
    bool moved = false;
    for (const auto& f : now.files) {
        auto it = was.find(f.name);
        if (it == was.end()) return {State::Changed, f.name + " was added to " + stamp.folder};
        if (it->second->size != f.size) return {State::Changed, f.name + " in " + stamp.folder + " changed size"};
        moved = moved || it->second->mtimeNs != f.mtimeNs;
        was.erase(it);
    }
    if (!was.empty()) return {State::Changed, was.begin()->first + " was removed from " + stamp.folder};
    if (!moved) return {State::Unchanged, {}};
    try {
        if (digestOf(folder, now.files) != stamp.digest)
            return {State::Changed, "the files in " + stamp.folder + " were rewritten with other content"};
    } catch (const Failure& f) {
        return {State::Missing, f.what()};
    }
    return {State::Unchanged, {}};
}

ModelFilesCheck checkModelFiles(const EvalResult& result) {
    if (!result.modelFiles) return {ModelFilesCheck::State::Unknown, "the result carries no model file stamp"};
    return checkModelFiles(*result.modelFiles);
}

Result<BootstrapCi> compareBootstrap(const EvalResult& a, const EvalResult& b, int resamples, double alpha,
                                     std::uint64_t seed) {
    return guarded([&] {
        if (a.perItem.ids.empty() || b.perItem.ids.empty())
            throw Failure("empty", "both results need per-item data for a bootstrap");
        if (a.perItem.statistic != b.perItem.statistic)
            throw Failure("mismatch", "results use different statistics (" + a.perItem.statistic + ", " + b.perItem.statistic + ")");
        std::unordered_map<std::string, std::size_t> inB;
        for (std::size_t i = 0; i < b.perItem.ids.size(); ++i) inB.emplace(b.perItem.ids[i], i);
        std::vector<std::size_t> ia, ib;
        for (std::size_t i = 0; i < a.perItem.ids.size(); ++i) {
            auto it = inB.find(a.perItem.ids[i]);
            if (it == inB.end()) continue;
            ia.push_back(i);
            ib.push_back(it->second);
        }
        if (ia.empty()) throw Failure("mismatch", "the two results share no items (different quick subsets?)");
        // Labels-based statistics (V-measure, F1) compare each side with its own gold: the same
        // items, so resampling positions keeps the pairing.
        BootstrapCi ci;
        ci.resamples = resamples;
        ci.meanDiff = perItemStatistic(a.perItem, ia) - perItemStatistic(b.perItem, ib);
        std::mt19937_64 rng(seed);
        std::uniform_int_distribution<std::size_t> pick(0, ia.size() - 1);
        std::vector<double> diffs(resamples);
        std::vector<std::size_t> ra(ia.size()), rb(ia.size());
        for (int r = 0; r < resamples; ++r) {
            for (std::size_t i = 0; i < ia.size(); ++i) {
                const std::size_t p = pick(rng);
                ra[i] = ia[p];
                rb[i] = ib[p];
            }
            diffs[r] = perItemStatistic(a.perItem, ra) - perItemStatistic(b.perItem, rb);
        }
        std::sort(diffs.begin(), diffs.end());
        auto q = [&](double x) {
            const double pos = x * (resamples - 1);
            const auto lo = std::size_t(pos);
            const auto hi = std::min<std::size_t>(lo + 1, resamples - 1);
            return diffs[lo] + (pos - double(lo)) * (diffs[hi] - diffs[lo]);
        };
        ci.low = q(alpha / 2);
        ci.high = q(1 - alpha / 2);
        const double below = double(std::count_if(diffs.begin(), diffs.end(), [](double d) { return d <= 0; }));
        const double above = double(std::count_if(diffs.begin(), diffs.end(), [](double d) { return d >= 0; }));
        ci.pValue = std::min(1.0, 2.0 * std::min(below, above) / resamples);
        return ci;
    }, "internal");
}

std::vector<ComparisonRow> compareRuns(const std::vector<EvalResult>& a, const std::vector<EvalResult>& b, int resamples,
                                       std::uint64_t seed) {
    auto key = [](const EvalResult& r) { return r.taskType + "\x1f" + r.dataset + "\x1f" + r.split; };
    std::vector<ComparisonRow> rows;
    std::vector<bool> usedB(b.size(), false);
    for (auto& ra : a) {
        ComparisonRow row{ra.taskType, ra.dataset, ra.split, ra.mainMetric, ra.mainScore, std::nullopt, std::nullopt, std::nullopt};
        for (std::size_t j = 0; j < b.size(); ++j) {
            if (usedB[j] || key(b[j]) != key(ra)) continue;
            usedB[j] = true;
            row.b = b[j].mainScore;
            row.delta = b[j].mainScore - ra.mainScore;
            if (auto ci = compareBootstrap(b[j], ra, resamples, 0.05, seed)) row.ci = *ci;
            break;
        }
        rows.push_back(std::move(row));
    }
    for (std::size_t j = 0; j < b.size(); ++j)
        if (!usedB[j])
            rows.push_back({b[j].taskType, b[j].dataset, b[j].split, b[j].mainMetric, std::nullopt, b[j].mainScore,
                            std::nullopt, std::nullopt});
    return rows;
}

} // namespace synthembed::eval
