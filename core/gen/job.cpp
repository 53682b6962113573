#include "core/gen/job.h"

#include "core/gen/job_config.h"
#include "core/llm/pricing.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/template.h"
#include "core/store/sqlite.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace synthembed::gen {

using nlohmann::json;

const char* jobStateName(JobState s) {
    switch (s) {
    case JobState::Pending:
        return "pending";
    case JobState::Running:
        return "running";
    case JobState::Paused:
        return "paused";
    case JobState::Cancelled:
        return "cancelled";
    case JobState::Done:
        return "done";
    case JobState::Failed:
        return "failed";
    }
    return "pending";
}

std::optional<JobState> parseJobState(const std::string& n) {
    for (auto s : {JobState::Pending, JobState::Running, JobState::Paused, JobState::Cancelled,
                   JobState::Done, JobState::Failed})
        if (n == jobStateName(s)) return s;
    return std::nullopt;
}

std::map<std::string, std::int64_t> splitTarget(const std::vector<std::pair<std::string, double>>& families,
                                                std::int64_t target) {
    std::map<std::string, std::int64_t> out;
    double total = 0;
    for (auto& [f, w] : families)
        total += std::max(0.0, w);
    if (total <= 0 || target <= 0) {
        for (auto& [f, w] : families)
            out[f] = 0;
        return out;
    }
    std::int64_t given = 0;
    std::vector<std::pair<double, std::size_t>> rema;
    for (std::size_t i = 0; i < families.size(); ++i) {
        double exact = static_cast<double>(target) * std::max(0.0, families[i].second) / total;
        auto base = static_cast<std::int64_t>(std::floor(exact));
        out[families[i].first] += base;
        given += base;
        rema.emplace_back(exact - static_cast<double>(base), i);
    }
    std::stable_sort(rema.begin(), rema.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < target && k < rema.size(); ++k, ++given)
        out[families[rema[k].second].first]++;
    return out;
}

Status validateSpec(const JobSpec& spec) {
    if (spec.families.empty())
        return Error{"invalid", "no family given (one or more of short-long, long-short, "
                             "short-short, long-long, sts, bitext)"};
    for (auto& [f, w] : spec.families) {
        if (!prompts::isFamily(f))
            return Error{"invalid",
                         "unknown family '" + f +
                             "' (expected short-long, long-short, short-short, long-long, sts or bitext)"};
        if (!(w >= 0) || !std::isfinite(w)) return Error{"invalid", "family " + f + ": weight must be >= 0"};
    }
    if (spec.target <= 0) return Error{"invalid", "count must be at least 1"};
    if (spec.client.endpoints.empty()) return Error{"invalid", "no endpoint given"};
    for (auto& e : spec.client.endpoints)
        if (e.baseUrl.rfind("http://", 0) != 0 && e.baseUrl.rfind("https://", 0) != 0)
            return Error{"invalid", "endpoint '" + e.baseUrl + "' is not an http:// or https:// URL"};
    if (spec.client.model.empty()) return Error{"invalid", "no model name given"};
    if (spec.client.concurrency < 1) return Error{"invalid", "concurrency must be at least 1"};
    auto badLimit = [](double v) { return !(v >= 0) || !std::isfinite(v); };
    if (badLimit(spec.client.requestsPerMinute) || badLimit(spec.client.tokensPerMinute))
        return Error{"invalid", "requests/min and tokens/min limits must be 0 (none) or more"};
    for (auto& e : spec.client.endpoints)
        if (badLimit(e.requestsPerMinute.value_or(0)) || badLimit(e.tokensPerMinute.value_or(0)))
            return Error{"invalid", "endpoint '" + e.baseUrl +
                                     "': requests/min and tokens/min limits must be 0 (none) or more"};
    for (auto& e : spec.client.endpoints)
        if (auto st = llm::validateApiKeyEnv(e.apiKeyEnv); !st) return Error{"invalid", st.error().message};
    if (spec.client.totalTimeoutMs <= 0) return Error{"invalid", "the request timeout must be greater than 0"};
    if (spec.client.connectTimeoutMs <= 0) return Error{"invalid", "the connect timeout must be greater than 0"};
    if (spec.client.stallTimeoutMs < 0) return Error{"invalid", "the stall timeout must be 0 (off) or more"};
    if (spec.client.maxResponseBytes < 1024)
        return Error{"invalid", "the response size cap must be at least 1 KiB"};
    if (spec.examplesPerTask < 1) return Error{"invalid", "examples per task must be at least 1"};
    if (spec.maxRequests < 0) return Error{"invalid", "max requests must be 0 (no limit) or more"};
    if (!(spec.maxCostUsd >= 0) || !std::isfinite(spec.maxCostUsd))
        return Error{"invalid", "max cost must be 0 (no limit) or more"};
    if (spec.maxConsecutiveRejects < 0 || !(spec.maxRejectRatio >= 0) || spec.rejectWarmup < 0)
        return Error{"invalid", "reject budget values must be 0 (off) or more"};
    return {};
}

std::string specSignature(const JobSpec& spec) {
    json fam = json::array();
    for (auto& [f, w] : spec.families)
        fam.push_back({f, w});
    json j = {{"families", fam},
              {"target", spec.target},
              {"seed", spec.seed},
              {"model", spec.client.model},
              {"prompts", spec.promptsDir}};
    return j.dump();
}

Result<std::int64_t> createJob(const store::Project& project, const JobSpec& spec) {
    if (auto st = validateSpec(spec); !st) return st.error();
    return guarded(
        [&] {
            const auto& db = project.db();
            JobSpec pinned = spec;
            if (pinned.promptsDir.empty() && pinned.templatePins.empty()) {
                // Pin the project's current template and pool versions.
                auto lib = prompts::PromptStore(project).loadLatest();
                if (lib && !lib->templates.empty()) {
                    for (auto& [family, w] : pinned.families)
                        for (auto step : {prompts::Step::Brainstorm, prompts::Step::Generate})
                            if (auto* t = lib->find(family, step))
                                pinned.templatePins.emplace_back(t->meta.name, t->version);
                    for (auto& p : lib->pools.pools())
                        pinned.poolPins.emplace_back(p.name, p.version);
                }
            }
            json cfg = specToJson(pinned);
            auto st = db.prepare("INSERT INTO jobs(name, state, target, seed, endpoint, model, config) "
                                 "VALUES (?, 'pending', ?, ?, ?, ?, ?)");
            st.bindAll(spec.name, spec.target, static_cast<std::int64_t>(spec.seed),
                       spec.client.endpoints.front().baseUrl, spec.client.model, cfg.dump());
            st.run();
            return db.lastInsertId();
        },
        "db");
}

std::optional<std::int64_t> findResumableJob(const store::Project& project, const JobSpec& spec) {
    auto sig = specSignature(spec);
    auto st = project.db().prepare("SELECT id, config FROM jobs WHERE state <> 'cancelled' ORDER BY id DESC");
    while (st.step()) {
        auto cfg = json::parse(st.getText(1), nullptr, false);
        if (cfg.is_object() && cfg.value("signature", std::string()) == sig) return st.getInt(0);
    }
    return std::nullopt;
}

namespace {

// The template versions a job of `spec` uses, by name: its own pins, else the project's latest
// (what createJob would pin). Empty when it uses a prompts folder or the shipped prompts.
std::map<std::string, int> templateVersionsOf(const store::Project& project, const JobSpec& spec) {
    std::map<std::string, int> out;
    if (!spec.promptsDir.empty()) return out;
    if (!spec.templatePins.empty()) {
        for (auto& [n, v] : spec.templatePins)
            out[n] = v;
        return out;
    }
    auto lib = prompts::PromptStore(project).loadLatest();
    if (lib)
        for (auto& [family, w] : spec.families)
            for (auto step : {prompts::Step::Brainstorm, prompts::Step::Generate})
                if (auto* t = lib->find(family, step)) out[t->meta.name] = t->version;
    return out;
}

// Template names of one family in a pin list ("family.step" by default; pins carry only names, so
// the template rows tell the family).
bool sameFamilyVersions(const std::map<std::string, int>& mine, const std::map<std::string, int>& theirs,
                        const std::map<std::string, std::string>& familyOf, const std::string& family) {
    bool any = false;
    for (auto& [name, version] : mine) {
        auto f = familyOf.find(name);
        if (f == familyOf.end() || f->second != family) continue;
        any = true;
        auto t = theirs.find(name);
        if (t == theirs.end() || t->second != version) return false;
    }
    return any;
}

} // namespace

Result<std::vector<SeedReuse>> findSeedReuse(const store::Project& project, const JobSpec& spec) {
    return guarded(
        [&] {
            std::vector<SeedReuse> out;
            const auto mine = templateVersionsOf(project, spec);
            // Which family each stored template belongs to (by name; a name keeps its family).
            std::map<std::string, std::string> familyOf;
            if (auto versions = prompts::PromptStore(project).templateVersions())
                for (auto& v : *versions)
                    familyOf[v.name] = v.family;
            std::vector<std::int64_t> ids;
            {
                auto st = project.db().prepare("SELECT id FROM jobs WHERE seed = ? ORDER BY id");
                st.bind(1, static_cast<std::int64_t>(spec.seed));
                while (st.step())
                    ids.push_back(st.getInt(0));
            }
            for (auto id : ids) {
                auto other = loadJobSpec(project, id);
                if (!other) continue;
                SeedReuse r;
                r.jobId = id;
                r.name = other->name;
                const auto theirs = templateVersionsOf(project, *other);
                for (auto& [family, w] : spec.families) {
                    if (w <= 0) continue;
                    bool shared = false;
                    for (auto& [f2, w2] : other->families)
                        if (f2 == family && w2 > 0) shared = true;
                    if (!shared) continue;
                    bool same = false;
                    if (!spec.promptsDir.empty() || !other->promptsDir.empty() || mine.empty() || theirs.empty())
                        same = spec.promptsDir == other->promptsDir && mine.empty() == theirs.empty();
                    else
                        same = sameFamilyVersions(mine, theirs, familyOf, family);
                    if (same) r.families.push_back(family);
                }
                if (r.families.empty()) continue;
                if (auto stats = jobStats(project, id)) {
                    r.state = stats->state;
                    r.accepted = stats->accepted;
                }
                out.push_back(std::move(r));
            }
            return out;
        },
        "db");
}

Result<std::uint64_t> unusedSeed(const store::Project& project) {
    return guarded(
        [&]() -> std::uint64_t {
            auto st = project.db().prepare("SELECT MAX(seed) FROM jobs");
            if (!st.step() || st.isNull(0)) return 1;
            return static_cast<std::uint64_t>(st.getInt(0)) + 1;
        },
        "db");
}

std::vector<prompts::SourceDiagnostic> templateProblems(const prompts::Library& library,
                                                        const std::vector<std::pair<std::string, double>>& families) {
    std::vector<prompts::SourceDiagnostic> out;
    std::vector<const prompts::Template*> used;
    for (auto& [family, w] : families)
        for (auto step : {prompts::Step::Brainstorm, prompts::Step::Generate})
            if (auto* t = library.find(family, step))
                if (std::find(used.begin(), used.end(), t) == used.end()) used.push_back(t);
    auto stemOf = [](const std::string& source) {
        auto slash = source.find_last_of("/\\");
        std::string file = slash == std::string::npos ? source : source.substr(slash + 1);
        auto dot = file.rfind('.');
        return dot == std::string::npos ? file : file.substr(0, dot);
    };
    for (const auto& d : library.diagnostics) {
        bool mine = false;
        for (const auto* t : used) {
            if (d.source == "db:" + t->meta.name + "@v" + std::to_string(t->version) ||
                (t->version == 0 && d.source.rfind("db:", 0) != 0 && stemOf(d.source) == t->meta.name))
                mine = true;
            for (const auto& p : t->meta.placeholders)
                if (d.source.rfind("db:pool:" + p.pool + "@v", 0) == 0 ||
                    (d.source.rfind("db:", 0) != 0 && d.source.find("pools") != std::string::npos &&
                     stemOf(d.source) == p.pool))
                    mine = true;
        }
        if (d.source == "library")
            for (auto& [family, w] : families)
                if (d.diagnostic.message.find("'" + family + "'") != std::string::npos) mine = true;
        if (mine) out.push_back(d);
    }
    return out;
}

Result<JobSpec> loadJobSpec(const store::Project& project, std::int64_t jobId) {
    return guarded(
        [&]() -> JobSpec {
            auto st = project.db().prepare("SELECT config, name, target, seed FROM jobs WHERE id = ?");
            st.bind(1, jobId);
            if (!st.step()) throw Failure("not_found", "no job " + std::to_string(jobId));
            auto cfg = json::parse(st.getText(0), nullptr, false);
            if (!cfg.is_object())
                throw Failure("corrupt", "job " + std::to_string(jobId) + ": config is not JSON");
            JobSpec spec = specFromJson(cfg);
            spec.name = st.getText(1);
            spec.target = st.getInt(2);
            spec.seed = static_cast<std::uint64_t>(st.getInt(3));
            return spec;
        },
        "db");
}

Status updateJobClient(const store::Project& project, std::int64_t jobId, const llm::ClientOptions& client) {
    auto spec = loadJobSpec(project, jobId);
    if (!spec) return spec.error();
    spec->client = client;
    return guarded(
        [&] {
            auto st = project.db().prepare("UPDATE jobs SET config = ?, endpoint = ?, updated_at = "
                                           SYNTHEMBED_SQL_NOW " WHERE id = ?");
            st.bindAll(specToJson(*spec).dump(),
                       client.endpoints.empty() ? std::string() : client.endpoints.front().baseUrl, jobId);
            st.run();
        },
        "db");
}

Status updateJobSettings(const store::Project& project, std::int64_t jobId, const JobSpec& from) {
    if (auto st = validateSpec(from); !st) return st.error();
    auto spec = loadJobSpec(project, jobId);
    if (!spec) return spec.error();
    spec->client = from.client;
    spec->maxConsecutiveFailures = from.maxConsecutiveFailures;
    spec->maxEmptyBrainstorms = from.maxEmptyBrainstorms;
    spec->examplesPerTask = from.examplesPerTask;
    spec->maxConsecutiveRejects = from.maxConsecutiveRejects;
    spec->maxRejectRatio = from.maxRejectRatio;
    spec->rejectWarmup = from.rejectWarmup;
    spec->maxRequests = from.maxRequests;
    spec->maxCostUsd = from.maxCostUsd;
    return guarded(
        [&] {
            auto st = project.db().prepare("UPDATE jobs SET config = ?, endpoint = ?, updated_at = "
                                           SYNTHEMBED_SQL_NOW " WHERE id = ?");
            st.bindAll(specToJson(*spec).dump(),
                       spec->client.endpoints.empty() ? std::string()
                                                      : spec->client.endpoints.front().baseUrl,
                       jobId);
            st.run();
        },
        "db");
}

Result<JobStats> jobStats(const store::Project& project, std::int64_t jobId) {
    return guarded(
        [&]() -> JobStats {
            const auto& db = project.db();
            JobStats s;
            auto j =
                db.prepare("SELECT id, name, state, COALESCE(error,''), target, model, endpoint, created_at, "
                           "updated_at, config, COALESCE(last_error,'') FROM jobs WHERE id = ?");
            j.bind(1, jobId);
            if (!j.step()) throw Failure("not_found", "no job " + std::to_string(jobId));
            s.id = j.getInt(0);
            s.name = j.getText(1);
            s.state = parseJobState(j.getText(2)).value_or(JobState::Pending);
            s.error = j.getText(3);
            s.target = j.getInt(4);
            s.model = j.getText(5);
            s.endpoint = j.getText(6);
            s.createdAt = j.getText(7);
            s.updatedAt = j.getText(8);
            s.lastError = j.getText(10);
            auto cfg = json::parse(j.getText(9), nullptr, false);
            if (cfg.is_object() && cfg.contains("targets") && cfg["targets"].is_object())
                for (auto& [f, n] : cfg["targets"].items())
                    s.targetByFamily[f] = n.get<std::int64_t>();

            auto r = db.prepare(
                "SELECT count(*), COALESCE(sum(state='done'),0), COALESCE(sum(state='pending'),0), "
                "COALESCE(sum(state='in_flight'),0), COALESCE(sum(state='failed'),0), "
                "COALESCE(sum(kind='brainstorm'),0), COALESCE(sum(attempts),0), "
                "COALESCE(sum(prompt_tokens),0), COALESCE(sum(completion_tokens),0), "
                "COALESCE(sum(state='failed' AND error LIKE 'refused:%'),0), "
                "COALESCE(sum(state='exported'),0) "
                "FROM requests WHERE job_id = ?");
            r.bind(1, jobId);
            r.step();
            s.requests = r.getInt(0);
            s.requestsDone = r.getInt(1);
            s.requestsPending = r.getInt(2);
            s.requestsInFlight = r.getInt(3);
            s.requestsFailed = r.getInt(4);
            s.requestsRefused = r.getInt(9);
            s.requestsExported = r.getInt(10);
            s.brainstormRequests = r.getInt(5);
            s.attempts = r.getInt(6);
            s.usage.promptTokens = r.getInt(7);
            s.usage.completionTokens = r.getInt(8);

            auto a = db.prepare(
                "SELECT family, status, count(*) FROM samples WHERE job_id = ? GROUP BY family, status");
            a.bind(1, jobId);
            while (a.step()) {
                auto status = a.getText(1);
                if (status == "rejected") {
                    s.rejected += a.getInt(2);
                } else {
                    s.accepted += a.getInt(2);
                    s.acceptedByFamily[a.getText(0)] += a.getInt(2);
                }
            }
            s.tasks = [&] {
                auto t = db.prepare("SELECT count(*) FROM gen_tasks WHERE job_id = ?");
                t.bind(1, jobId);
                t.step();
                return t.getInt(0);
            }();
            if (auto prices = project.setting(llm::kPricesSetting)) {
                auto p = llm::parsePrices(*prices);
                if (p) s.costUsd = llm::estimateCost(*p, s.model, s.usage);
            }
            return s;
        },
        "db");
}

Result<std::vector<JobStats>> listJobs(const store::Project& project) {
    return guarded(
        [&]() -> std::vector<JobStats> {
            std::vector<std::int64_t> ids;
            auto st = project.db().prepare("SELECT id FROM jobs ORDER BY id");
            while (st.step())
                ids.push_back(st.getInt(0));
            std::vector<JobStats> out;
            for (auto id : ids)
                out.push_back(std::move(jobStats(project, id)).take());
            return out;
        },
        "db");
}

namespace {
Status transition(const store::Project& project, std::int64_t jobId, const char* to,
                  std::initializer_list<const char*> from, const char* verb) {
    return guarded(
        [&] {
            const auto& db = project.db();
            db::Transaction tx(db);
            auto q = db.prepare("SELECT state FROM jobs WHERE id = ?");
            q.bind(1, jobId);
            if (!q.step()) throw Failure("not_found", "no job " + std::to_string(jobId));
            auto cur = q.getText(0);
            q.reset();
            if (cur == to) return;
            if (std::find_if(from.begin(), from.end(), [&](const char* f) { return cur == f; }) == from.end())
                throw Failure("state",
                              "job " + std::to_string(jobId) + " is " + cur + "; cannot " + verb + " it");
            auto u = db.prepare(
                "UPDATE jobs SET state = ?, updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?");
            u.bindAll(to, jobId);
            u.run();
            tx.commit();
        },
        "db");
}
} // namespace

Status pauseJob(const store::Project& p, std::int64_t id) {
    return transition(p, id, "paused", {"pending", "running"}, "pause");
}
Status resumeJob(const store::Project& p, std::int64_t id) {
    return transition(p, id, "pending", {"paused", "failed", "cancelled"}, "resume");
}
Status cancelJob(const store::Project& p, std::int64_t id) {
    return transition(p, id, "cancelled", {"pending", "running", "paused", "failed"}, "cancel");
}

} // namespace synthembed::gen
