#include "core/gen/curation.h"

#include "core/gen/text_hash.h"
#include "core/prompts/rng.h"
#include "core/store/sqlite.h"
#include "core/util/csv.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace synthembed::gen {

using nlohmann::json;

// ---- NearDuplicateIndex ----

NearDuplicateIndex::NearDuplicateIndex(double threshold, int shingleWords, int numHashes)
    : m_threshold(threshold), m_shingleWords(std::max(1, shingleWords)), m_numHashes(std::max(8, numHashes)) {
    // Bands x rows chosen so the LSH S-curve's midpoint (1/b)^(1/r) sits below the threshold:
    // candidates at the threshold are found with high probability; exact Jaccard confirms them.
    m_rows = 1;
    for (int r = 1; r <= 16; ++r) {
        if (m_numHashes % r) continue;
        double mid = std::pow(1.0 / (m_numHashes / r), 1.0 / r);
        if (mid <= std::max(0.05, m_threshold - 0.15)) m_rows = r;
    }
    m_bands = m_numHashes / m_rows;
    std::uint64_t s = 0x5eed5eedull;
    for (int i = 0; i < m_numHashes; ++i) m_seeds.push_back(prompts::splitmix64(s) | 1ull);
    m_buckets.resize(static_cast<std::size_t>(m_bands));
}

std::vector<std::uint64_t> NearDuplicateIndex::shingles(std::string_view text) const {
    std::string norm = normalizeText(text);
    std::vector<std::string_view> words;
    std::string_view sv(norm);
    std::size_t p = 0;
    while (p < sv.size()) {
        auto q = sv.find(' ', p);
        if (q == std::string_view::npos) q = sv.size();
        // Strip punctuation at word ends so "word," and "word" shingle alike.
        std::string_view w = sv.substr(p, q - p);
        while (!w.empty() && std::ispunct(static_cast<unsigned char>(w.back()))) w.remove_suffix(1);
        while (!w.empty() && std::ispunct(static_cast<unsigned char>(w.front()))) w.remove_prefix(1);
        if (!w.empty()) words.push_back(w);
        p = q + 1;
    }
    std::vector<std::uint64_t> out;
    std::size_t n = static_cast<std::size_t>(m_shingleWords);
    if (words.empty()) return out;
    if (words.size() <= n) {
        std::uint64_t h = 0xcbf29ce484222325ull;
        for (auto w : words) h = fnv1a64(w, fnv1a64(" ", h));
        out.push_back(h);
    } else {
        for (std::size_t i = 0; i + n <= words.size(); ++i) {
            std::uint64_t h = 0xcbf29ce484222325ull;
            for (std::size_t k = 0; k < n; ++k) h = fnv1a64(words[i + k], fnv1a64(" ", h));
            out.push_back(h);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::uint64_t> NearDuplicateIndex::signature(const std::vector<std::uint64_t>& sh) const {
    std::vector<std::uint64_t> sig(static_cast<std::size_t>(m_numHashes), ~0ull);
    for (std::uint64_t x : sh)
        for (int i = 0; i < m_numHashes; ++i) {
            std::uint64_t v = (x ^ m_seeds[static_cast<std::size_t>(i)]) * 0x9e3779b97f4a7c15ull;
            v ^= v >> 29;
            v *= 0xbf58476d1ce4e5b9ull;
            v ^= v >> 32;
            sig[static_cast<std::size_t>(i)] = std::min(sig[static_cast<std::size_t>(i)], v);
        }
    return sig;
}

double NearDuplicateIndex::jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    if (a.empty() && b.empty()) return 1.0;
    std::size_t i = 0, j = 0, inter = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            ++inter;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return static_cast<double>(inter) / static_cast<double>(a.size() + b.size() - inter);
}

std::vector<std::uint64_t> NearDuplicateIndex::bandKeys(const std::vector<std::uint64_t>& sig) const {
    std::vector<std::uint64_t> keys;
    for (int b = 0; b < m_bands; ++b) {
        std::uint64_t h = 0x84222325ull + static_cast<std::uint64_t>(b);
        for (int r = 0; r < m_rows; ++r) {
            h ^= sig[static_cast<std::size_t>(b * m_rows + r)];
            h *= 0x100000001b3ull;
            h ^= h >> 31;
        }
        keys.push_back(h);
    }
    return keys;
}

std::optional<NearDuplicateIndex::Match> NearDuplicateIndex::findSimilar(std::string_view text) const {
    auto sh = shingles(text);
    if (sh.empty()) return std::nullopt;
    auto keys = bandKeys(signature(sh));
    std::vector<std::int64_t> candidates;
    for (std::size_t b = 0; b < keys.size(); ++b) {
        auto it = m_buckets[b].find(keys[b]);
        if (it != m_buckets[b].end()) candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::optional<Match> best;
    for (auto id : candidates) {
        double s = jaccard(sh, m_sets.at(id));
        if (s >= m_threshold && (!best || s > best->similarity)) best = Match{id, s};
    }
    return best;
}

void NearDuplicateIndex::add(std::int64_t id, std::string_view text) {
    auto sh = shingles(text);
    if (sh.empty()) return;
    auto keys = bandKeys(signature(sh));
    for (std::size_t b = 0; b < keys.size(); ++b) m_buckets[b][keys[b]].push_back(id);
    m_sets[id] = std::move(sh);
}

// ---- helpers ----

namespace {

std::string scopeSql(const SampleScope& s) {
    std::string w;
    if (s.jobId) w += " AND job_id = " + std::to_string(*s.jobId);
    if (s.family) w += " AND family = ?1";
    return w;
}

void bindScope(db::Statement& st, const SampleScope& s) {
    if (s.family) st.bind(1, *s.family);
}

void rejectSample(const db::Database& db, std::int64_t id, const std::string& reason) {
    auto st = db.prepare("UPDATE samples SET status = 'rejected', reject_reason = ?, "
                         "updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?");
    st.bindAll(reason, id);
    st.run();
}

} // namespace

Result<DedupReport> deduplicate(const store::Project& project, const DedupOptions& o, const ProgressHooks& hooks) {
    return guarded([&]() -> DedupReport {
        const auto& db = project.db();
        DedupReport rep;
        struct Row {
            std::int64_t id;
            std::string query, positive, negative, hash;
        };
        std::vector<Row> rows;
        {
            auto st = db.prepare("SELECT id, COALESCE(query,''), COALESCE(positive,''), COALESCE(negative,''), "
                                 "COALESCE(text_hash,'') FROM samples WHERE status <> 'rejected'" +
                                 scopeSql(o.scope) + " ORDER BY id");
            bindScope(st, o.scope);
            while (st.step()) rows.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4)});
        }
        rep.scanned = static_cast<std::int64_t>(rows.size());
        std::unordered_map<std::string, std::int64_t> seen;
        NearDuplicateIndex index(o.threshold, o.shingleWords);
        db::inTransaction(db, [&] {
            auto fix = db.prepare("UPDATE samples SET text_hash = ? WHERE id = ?");
            std::int64_t done = 0;
            for (auto& r : rows) {
                std::string h = sampleTextHash(r.query, r.positive, r.negative);
                if (h != r.hash && !o.dryRun) {
                    fix.bindAll(h, r.id);
                    fix.run();
                }
                if (o.exact) {
                    auto [it, fresh] = seen.emplace(h, r.id);
                    if (!fresh) {
                        rep.exactDuplicates++;
                        rep.pairs.push_back({r.id, it->second, 1.0, "duplicate of sample " + std::to_string(it->second)});
                        if (!o.dryRun) rejectSample(db, r.id, rep.pairs.back().reason);
                        continue;
                    }
                }
                if (o.near) {
                    std::string text = r.query + "\n" + r.positive;
                    if (auto m = index.findSimilar(text)) {
                        rep.nearDuplicates++;
                        char buf[32];
                        std::snprintf(buf, sizeof buf, "%.3f", m->similarity);
                        rep.pairs.push_back({r.id, m->id, m->similarity,
                                             "near-duplicate of sample " + std::to_string(m->id) + " (similarity " + buf + ")"});
                        if (!o.dryRun) rejectSample(db, r.id, rep.pairs.back().reason);
                        continue;
                    }
                    index.add(r.id, text);
                }
                if (++done % 1000 == 0) {
                    hooks.report(done, rep.scanned, "dedup");
                    if (hooks.stopRequested()) throw Failure("cancelled", "dedup cancelled");
                }
            }
        });
        hooks.report(rep.scanned, rep.scanned, "dedup");
        return rep;
    }, "db");
}

Result<FilterReport> applyFilters(const store::Project& project, const FilterOptions& o) {
    return guarded([&]() -> FilterReport {
        const auto& db = project.db();
        FilterReport rep;
        struct Row {
            std::int64_t id;
            std::string family, language, query, positive;
        };
        std::vector<Row> rows;
        auto st = db.prepare("SELECT id, family, language, COALESCE(query,''), COALESCE(positive,'') FROM samples "
                             "WHERE status <> 'rejected'" + scopeSql(o.scope) + " ORDER BY id");
        bindScope(st, o.scope);
        while (st.step()) rows.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4)});
        rep.scanned = static_cast<std::int64_t>(rows.size());
        auto outOf = [](std::size_t n, std::size_t lo, std::size_t hi) { return (lo && n < lo) || (hi && n > hi); };
        db::inTransaction(db, [&] {
            for (auto& r : rows) {
                std::string why;
                if (!o.families.empty() && !o.families.count(r.family))
                    why = "filter: family " + r.family;
                else if (!o.languages.empty() && !o.languages.count(r.language))
                    why = "filter: language " + (r.language.empty() ? std::string("(none)") : r.language);
                else if (outOf(r.query.size(), o.minQueryChars, o.maxQueryChars))
                    why = "filter: query length " + std::to_string(r.query.size());
                else if (outOf(r.positive.size(), o.minPositiveChars, o.maxPositiveChars))
                    why = "filter: positive length " + std::to_string(r.positive.size());
                if (why.empty()) continue;
                rep.removed++;
                rep.byReason[why.substr(0, why.find_last_of(' '))]++;
                if (!o.dryRun) rejectSample(db, r.id, why);
            }
        });
        return rep;
    }, "db");
}

namespace {

void jsonlTexts(const fs::path& p, std::vector<std::string>& out) {
    std::ifstream in(p);
    if (!in) throw Failure("io", p.string() + ": cannot read");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            throw Failure("parse", p.string() + ":" + std::to_string(n) + ": not a JSON object");
        std::string title = j.value("title", std::string());
        for (auto& [k, v] : j.items()) {
            if (k == "_id" || k == "id" || k == "title") continue;
            if (v.is_string() && !v.get<std::string>().empty()) {
                std::string t = v.get<std::string>();
                if (k == "text" && !title.empty()) t = title + " " + t;
                out.push_back(t);
            } else if (v.is_array()) {
                for (auto& e : v)
                    if (e.is_string()) out.push_back(e.get<std::string>());
            }
        }
    }
}

} // namespace

Result<std::vector<std::string>> loadEvalTexts(const fs::path& path) {
    return guarded([&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            bool any = false;
            for (auto& e : fs::directory_iterator(path))
                if (e.path().extension() == ".jsonl") {
                    jsonlTexts(e.path(), out);
                    any = true;
                }
            if (!any) throw Failure("not_found", path.string() + ": no .jsonl files (expected a BEIR folder)");
            return out;
        }
        if (!fs::exists(path, ec)) throw Failure("not_found", path.string() + ": no such file");
        auto ext = path.extension().string();
        if (ext == ".jsonl" || ext == ".json") {
            jsonlTexts(path, out);
            return out;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Failure("io", path.string() + ": cannot read");
        const char delim = ext == ".tsv" ? '\t' : ext == ".csv" ? ',' : 0;
        if (!delim) {
            std::string line;
            while (std::getline(in, line)) {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (!line.empty()) out.push_back(line);
            }
            return out;
        }
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        csv::Reader reader(text, delim);
        csv::Record rec;
        try {
            while (reader.next(rec))
                for (auto& cell : rec.cells) {
                    // Numbers (scores, ids) are not texts.
                    if (cell.empty() || cell.find_first_not_of("0123456789.-+eE ") == std::string::npos) continue;
                    out.push_back(std::move(cell));
                }
        } catch (const Failure& f) {
            throw Failure("parse", path.string() + ": " + f.what());
        }
        return out;
    }, "io");
}

Result<ContaminationReport> checkContamination(const store::Project& project, const std::vector<std::string>& evalTexts,
                                               const ContaminationOptions& o, const ProgressHooks& hooks) {
    return guarded([&]() -> ContaminationReport {
        const auto& db = project.db();
        ContaminationReport rep;
        NearDuplicateIndex index(o.threshold, o.shingleWords);
        for (std::size_t i = 0; i < evalTexts.size(); ++i) index.add(static_cast<std::int64_t>(i), evalTexts[i]);
        struct Row {
            std::int64_t id;
            std::string query, positive, flags;
        };
        std::vector<Row> rows;
        auto st = db.prepare("SELECT id, COALESCE(query,''), COALESCE(positive,''), flags FROM samples "
                             "WHERE status <> 'rejected'" + scopeSql(o.scope) + " ORDER BY id");
        bindScope(st, o.scope);
        while (st.step()) rows.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3)});
        rep.scanned = static_cast<std::int64_t>(rows.size());
        db::inTransaction(db, [&] {
            auto upd = db.prepare("UPDATE samples SET flags = ?, updated_at = " SYNTHEMBED_SQL_NOW
                                  " WHERE id = ?");
            std::int64_t done = 0;
            for (auto& r : rows) {
                std::optional<ContaminationReport::Hit> hit;
                for (auto [field, text] : {std::pair<const char*, const std::string*>{"query", &r.query},
                                           {"positive", &r.positive}}) {
                    if (auto m = index.findSimilar(*text); m && (!hit || m->similarity > hit->similarity))
                        hit = ContaminationReport::Hit{r.id, field, evalTexts[static_cast<std::size_t>(m->id)],
                                                       m->similarity};
                }
                if (++done % 1000 == 0) {
                    hooks.report(done, rep.scanned, "contamination");
                    if (hooks.stopRequested()) throw Failure("cancelled", "contamination check cancelled");
                }
                if (!hit) continue;
                rep.flagged++;
                auto flags = json::parse(r.flags, nullptr, false);
                if (!flags.is_object()) flags = json::object();
                flags["contamination"] = {{"eval", o.evalName},
                                          {"field", hit->field},
                                          {"similarity", hit->similarity},
                                          {"text", hit->evalText.substr(0, 300)}};
                upd.bindAll(flags.dump(), r.id);
                upd.run();
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.3f", hit->similarity);
                hit->reason = "contamination: " + hit->field + " nearly duplicates an evaluation text" +
                              (o.evalName.empty() ? std::string() : " of " + o.evalName) + " (similarity " + buf + ")";
                if (o.reject) rejectSample(db, r.id, hit->reason);
                rep.hits.push_back(std::move(*hit));
            }
        });
        return rep;
    }, "db");
}

Status editSample(const store::Project& project, std::int64_t id, const SampleEdit& e) {
    return guarded([&] {
        const auto& db = project.db();
        db::inTransaction(db, [&] {
            auto q = db.prepare("SELECT COALESCE(query,''), COALESCE(positive,''), negative, instruction, language, "
                                "original FROM samples WHERE id = ?");
            q.bind(1, id);
            if (!q.step()) throw Failure("not_found", "no sample " + std::to_string(id));
            std::string query = q.getText(0), positive = q.getText(1), instruction = q.getText(3),
                        language = q.getText(4);
            auto negative = q.getOptText(2);
            auto original = q.getOptText(5);
            q.reset();
            if (!original) {
                json o = {{"query", query}, {"positive", positive}, {"instruction", instruction}, {"language", language}};
                o["negative"] = negative ? json(*negative) : json(nullptr);
                original = o.dump();
            }
            if (e.query) query = *e.query;
            if (e.positive) positive = *e.positive;
            if (e.negative) negative = e.negative->empty() ? std::nullopt : e.negative;
            if (e.instruction) instruction = *e.instruction;
            if (e.language) language = *e.language;
            auto u = db.prepare("UPDATE samples SET query = ?, positive = ?, negative = ?, instruction = ?, language = ?, "
                                "original = ?, status = 'edited', reject_reason = NULL, text_hash = ?, "
                                "updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?");
            u.bindAll(query, positive, negative, instruction, language, *original,
                      sampleTextHash(query, positive, negative.value_or("")), id);
            u.run();
        });
    }, "db");
}

Status setSampleStatus(const store::Project& project, std::int64_t id, bool accept, const std::string& reason) {
    return guarded([&] {
        if (!accept && reason.empty()) throw Failure("usage", "rejecting a sample needs a reason");
        auto st = project.db().prepare(
            "UPDATE samples SET status = CASE WHEN ?1 THEN (CASE WHEN original IS NULL THEN 'accepted' ELSE 'edited' END) "
            "ELSE 'rejected' END, reject_reason = CASE WHEN ?1 THEN NULL ELSE ?2 END, "
            "updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?3");
        st.bind(1, static_cast<std::int64_t>(accept ? 1 : 0));
        st.bind(2, reason);
        st.bind(3, id);
        st.run();
        if (project.db().changes() == 0) throw Failure("not_found", "no sample " + std::to_string(id));
    }, "db");
}

Result<std::vector<SampleState>> sampleStates(const store::Project& project, const std::vector<std::int64_t>& ids) {
    return guarded([&] {
        std::vector<SampleState> out;
        out.reserve(ids.size());
        auto q = project.db().prepare("SELECT status, COALESCE(reject_reason,''), query, positive, instruction, language, negative, "
                                      "original, text_hash "
                                      "FROM samples WHERE id = ?");
        for (auto id : ids) {
            q.bind(1, id);
            if (!q.step()) throw Failure("not_found", "no sample " + std::to_string(id));
            SampleState s;
            s.id = id;
            s.status = q.getText(0);
            s.rejectReason = q.getText(1);
            s.query = q.getOptText(2);
            s.positive = q.getOptText(3);
            s.instruction = q.getText(4);
            s.language = q.getText(5);
            s.negative = q.getOptText(6);
            s.original = q.getOptText(7);
            s.textHash = q.getOptText(8);
            out.push_back(std::move(s));
            q.reset();
        }
        return out;
    }, "db");
}

Status restoreSampleStates(const store::Project& project, const std::vector<SampleState>& states,
                           const std::vector<SampleState>* expected) {
    return guarded([&] {
        if (expected && expected->size() != states.size())
            throw Failure("usage", "restoreSampleStates: " + std::to_string(states.size()) + " states but " +
                                      std::to_string(expected->size()) + " expected ones");
        const auto& db = project.db();
        db::inTransaction(db, [&] {
            if (expected) {
                std::vector<std::int64_t> ids;
                ids.reserve(expected->size());
                for (auto& e : *expected) ids.push_back(e.id);
                auto now = sampleStates(project, ids);
                if (!now) throw Failure(now.error().code, now.error().message);
                for (std::size_t i = 0; i < now->size(); ++i)
                    if ((*now)[i] != (*expected)[i])
                        throw Failure("conflict", "sample " + std::to_string(ids[i]) +
                                                      " was changed meanwhile (in another window or process); nothing was undone");
            }
            auto u = db.prepare("UPDATE samples SET status = ?, reject_reason = ?, query = ?, positive = ?, instruction = ?, "
                                "language = ?, negative = ?, original = ?, text_hash = ?, "
                                "updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?");
            for (auto& s : states) {
                u.bindAll(s.status, s.rejectReason.empty() ? std::optional<std::string>() : std::optional(s.rejectReason),
                          s.query, s.positive, s.instruction, s.language, s.negative, s.original, s.textHash, s.id);
                u.run();
                if (db.changes() == 0) throw Failure("not_found", "no sample " + std::to_string(s.id));
            }
        });
    }, "db");
}

} // namespace synthembed::gen
