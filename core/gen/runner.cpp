#include "core/gen/runner.h"

#include "core/gen/text_hash.h"
#include "core/prompts/answer.h"
#include "core/prompts/library.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/render.h"
#include "core/prompts/rng.h"
#include "core/util/log.h"
#include "core/util/paths.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>

#include <signal.h>
#include <unistd.h>

namespace synthembed::gen {

using nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

std::string hostName() {
    char buf[256] = {0};
    if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

bool processAlive(std::int64_t pid) {
    if (pid <= 0) return false;
    if (kill(static_cast<pid_t>(pid), 0) == 0) return true;
    return errno == EPERM;
}

// Independent seed per (family, step), so adding a family to a mix does not change the others.
std::uint64_t streamSeed(std::uint64_t seed, const std::string& family, prompts::Step step) {
    std::uint64_t s = seed ^ fnv1a64(family + "/" + prompts::stepName(step));
    return prompts::splitmix64(s);
}

std::string valuesJson(const std::vector<std::pair<std::string, std::string>>& values) {
    ordered_json j = ordered_json::object();
    for (auto& [k, v] : values) j[k] = v;
    return j.dump();
}

std::vector<std::pair<std::string, std::string>> valuesFromJson(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    auto j = ordered_json::parse(text, nullptr, false);
    if (!j.is_object()) return out;
    for (auto& [k, v] : j.items()) out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

constexpr double kTasksPerBrainstormGuess = 20.0;

} // namespace

struct GenerationRunner::Impl : llm::RequestSource {
    // (public within this file: the Batch helpers below use it)
    struct Family {
        std::string name;
        bool twoStep = false;
        const prompts::Template* brainstorm = nullptr;
        const prompts::Template* generate = nullptr;
        std::int64_t target = 0;
        std::int64_t accepted = 0;
        std::int64_t outstandingGen = 0;   // pending + in flight generate rows
        std::int64_t outstandingBrain = 0; // pending + in flight brainstorm rows
        std::int64_t nextGenSeq = 0;
        std::int64_t nextBrainSeq = 0;
        std::int64_t freeTasks = 0;
        std::int64_t tasksSeen = 0;      // tasks from this run's brainstorms (for the per-brainstorm mean)
        std::int64_t brainstormsSeen = 0;
        int emptyBrainstormsInRow = 0;
        bool satisfied() const { return accepted >= target; }
    };
    struct InFlight {
        std::string kind;
        std::string family;
        prompts::RenderedPrompt prompt;
    };

    const store::Project& project;
    const db::Database& db;
    std::int64_t jobId;
    JobSpec spec;
    prompts::Library library;
    std::vector<Family> families;
    std::deque<std::int64_t> ready;
    std::vector<std::int64_t> unmarked; // handed to the client, not yet marked in_flight in the DB
    std::unordered_map<std::int64_t, InFlight> inflight;
    std::unique_ptr<llm::ChatClient> client;
    std::size_t window = 64;
    int consecutiveFailures = 0;
    std::optional<std::string> failure; // the job fails with this message
    std::atomic<int> externalStop{0};   // 1 pause, 2 cancel
    Clock::time_point lastPoll{};
    const ProgressHooks* hooks = nullptr;

    mutable std::mutex liveMutex;
    LiveStats liveStats;

    Impl(const store::Project& p, std::int64_t id) : project(p), db(p.db()), jobId(id) {}

    template <class F>
    void updateLive(F&& f) {
        std::lock_guard lk(liveMutex);
        f(liveStats);
    }

    Family* family(const std::string& name) {
        for (auto& f : families)
            if (f.name == name) return &f;
        return nullptr;
    }

    // ---- setup ----

    void acquire() {
        db::Transaction tx(db);
        auto q = db.prepare("SELECT state, runner_pid, COALESCE(runner_host,'') FROM jobs WHERE id = ?");
        q.bind(1, jobId);
        if (!q.step()) throw Failure("not_found", "no job " + std::to_string(jobId));
        auto state = q.getText(0);
        auto pid = q.isNull(1) ? 0 : q.getInt(1);
        auto host = q.getText(2);
        q.reset();
        if (state == "cancelled")
            throw Failure("state", "job " + std::to_string(jobId) + " is cancelled (resume it with `jobs resume " +
                                       std::to_string(jobId) + "`)");
        if (state == "running" && pid != getpid() && host == hostName() && processAlive(pid))
            throw Failure("busy", "job " + std::to_string(jobId) + " is being run by process " + std::to_string(pid));
        auto u = db.prepare("UPDATE jobs SET state = 'running', runner_pid = ?, runner_host = ?, error = NULL, "
                            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        u.bindAll(static_cast<std::int64_t>(getpid()), hostName(), jobId);
        u.run();
        tx.commit();
    }

    void loadLibrary() {
        std::string where;
        if (!spec.templatePins.empty()) {
            // The versions pinned when the job was created.
            prompts::PromptStore store(db);
            where = project.path().string() + " (stored templates)";
            for (auto& [name, version] : spec.poolPins) {
                auto p = store.poolAt(name, version);
                if (!p) throw Failure(p.error().code, "job " + std::to_string(jobId) + ": " + p.error().message);
                library.pools.add(std::move(p).take());
            }
            for (auto& [name, version] : spec.templatePins) {
                auto t = store.templateAt(name, version);
                if (!t) throw Failure(t.error().code, "job " + std::to_string(jobId) + ": " + t.error().message);
                library.templates.push_back(std::move(t).take());
            }
        } else {
            auto dir = spec.promptsDir.empty() ? paths::shippedPromptsDir() : std::filesystem::path(spec.promptsDir);
            where = dir.string();
            auto lib = prompts::loadLibrary(dir);
            if (!lib) throw Failure(lib.error().code, lib.error().message);
            library = std::move(lib).take();
        }
        const std::string dir = where;
        auto targets = splitTarget(spec.families, spec.target);
        for (auto& [name, w] : spec.families) {
            Family f;
            f.name = name;
            f.twoStep = prompts::hasBrainstormStep(name);
            f.generate = library.find(name, prompts::Step::Generate);
            if (!f.generate) throw Failure("template", dir + ": no generate template for family " + name);
            if (f.twoStep) {
                f.brainstorm = library.find(name, prompts::Step::Brainstorm);
                if (!f.brainstorm)
                    throw Failure("template", dir + ": no brainstorm template for family " + name);
            }
            f.target = targets[name];
            families.push_back(std::move(f));
        }
    }

    void loadCounts() {
        // Crash recovery: whatever was in flight when the last run died is sent again.
        auto r = db.prepare("UPDATE requests SET state = 'pending' WHERE job_id = ? AND state = 'in_flight'");
        r.bind(1, jobId);
        r.run();
        if (int n = db.changes(); n > 0) log::info("job ", jobId, ": ", n, " request(s) in flight at the last stop will be sent again");

        auto acc = db.prepare("SELECT family, count(*) FROM samples WHERE job_id = ? AND status <> 'rejected' GROUP BY family");
        acc.bind(1, jobId);
        while (acc.step())
            if (auto* f = family(acc.getText(0))) f->accepted = acc.getInt(1);
        auto out = db.prepare("SELECT family, kind, count(*) FROM requests WHERE job_id = ? AND state = 'pending' "
                              "GROUP BY family, kind");
        out.bind(1, jobId);
        while (out.step())
            if (auto* f = family(out.getText(0)))
                (out.getText(1) == "brainstorm" ? f->outstandingBrain : f->outstandingGen) = out.getInt(2);
        auto seq = db.prepare("SELECT family, kind, max(seq) + 1 FROM requests WHERE job_id = ? GROUP BY family, kind");
        seq.bind(1, jobId);
        while (seq.step())
            if (auto* f = family(seq.getText(0)))
                (seq.getText(1) == "brainstorm" ? f->nextBrainSeq : f->nextGenSeq) = seq.getInt(2);
        auto tasks = db.prepare("SELECT family, count(*) FROM gen_tasks WHERE job_id = ? AND used_by IS NULL GROUP BY family");
        tasks.bind(1, jobId);
        while (tasks.step())
            if (auto* f = family(tasks.getText(0))) f->freeTasks = tasks.getInt(1);
        auto pend = db.prepare("SELECT id FROM requests WHERE job_id = ? AND state = 'pending' ORDER BY id");
        pend.bind(1, jobId);
        while (pend.step()) ready.push_back(pend.getInt(0));

        std::int64_t accepted = 0, target = 0;
        for (auto& f : families) {
            accepted += f.accepted;
            target += f.target;
        }
        auto rej = db.prepare("SELECT count(*) FROM samples WHERE job_id = ? AND status = 'rejected'");
        rej.bind(1, jobId);
        rej.step();
        auto nt = db.prepare("SELECT count(*) FROM gen_tasks WHERE job_id = ?");
        nt.bind(1, jobId);
        nt.step();
        updateLive([&](LiveStats& s) {
            s.target = target;
            s.accepted = accepted;
            s.rejected = rej.getInt(0);
            s.tasks = nt.getInt(0);
        });
    }

    // ---- planning: create request rows (only as many as still needed) ----

    std::int64_t insertRequest(const Family& f, const char* kind, const prompts::RenderedPrompt& p,
                               std::optional<std::int64_t> parent, const std::string& task, std::int64_t seq) {
        auto st = db.prepare("INSERT INTO requests(job_id, parent_id, kind, template_id, family, task, prompt, "
                             "sampled_values, state, template_name, seq) VALUES (?,?,?,?,?,?,?,?, 'pending', ?, ?)");
        st.bind(1, jobId);
        st.bind(2, parent);
        st.bind(3, kind);
        if (p.templateId > 0)
            st.bind(4, p.templateId);
        else
            st.bindNull(4);
        st.bind(5, f.name);
        if (task.empty())
            st.bindNull(6);
        else
            st.bind(6, task);
        st.bind(7, p.text);
        st.bind(8, valuesJson(p.values));
        st.bind(9, p.templateName);
        st.bind(10, seq);
        st.run();
        return db.lastInsertId();
    }

    prompts::RenderedPrompt renderOrThrow(const prompts::Template& tpl, prompts::Step step, const Family& f,
                                          std::int64_t seq, const prompts::Inputs& inputs = {}) {
        auto r = prompts::renderAt(tpl, library.pools, streamSeed(spec.seed, f.name, step),
                                   static_cast<std::uint64_t>(seq), inputs);
        if (!r) throw Failure("template", "template " + tpl.meta.name + ": " + r.error().message);
        return std::move(r).take();
    }

    void plan() {
        for (auto& f : families) {
            if (ready.size() >= window) return;
            std::int64_t need = f.target - f.accepted - f.outstandingGen;
            if (need <= 0) continue;
            std::int64_t room = static_cast<std::int64_t>(window - ready.size());
            if (!f.twoStep) {
                std::int64_t k = std::min(need, room);
                db::inTransaction(db, [&] {
                    for (std::int64_t i = 0; i < k; ++i) {
                        auto p = renderOrThrow(*f.generate, prompts::Step::Generate, f, f.nextGenSeq);
                        ready.push_back(insertRequest(f, "generate", p, std::nullopt, "", f.nextGenSeq));
                        f.nextGenSeq++;
                    }
                });
                f.outstandingGen += k;
                continue;
            }
            // Two-step: generate from stored tasks first, brainstorm for more when they run out.
            std::int64_t use = std::min({need, room, f.freeTasks});
            if (use > 0) {
                db::inTransaction(db, [&] {
                    auto q = db.prepare("SELECT id, request_id, task FROM gen_tasks WHERE job_id = ? AND family = ? "
                                        "AND used_by IS NULL ORDER BY id LIMIT ?");
                    q.bindAll(jobId, f.name, use);
                    std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> tasks;
                    while (q.step()) tasks.emplace_back(q.getInt(0), q.getInt(1), q.getText(2));
                    auto mark = db.prepare("UPDATE gen_tasks SET used_by = ? WHERE id = ?");
                    for (auto& [taskId, parent, task] : tasks) {
                        auto p = renderOrThrow(*f.generate, prompts::Step::Generate, f, f.nextGenSeq, {{"task", task}});
                        auto rid = insertRequest(f, "generate", p, parent, task, f.nextGenSeq);
                        f.nextGenSeq++;
                        mark.bindAll(rid, taskId);
                        mark.run();
                        ready.push_back(rid);
                    }
                    use = static_cast<std::int64_t>(tasks.size());
                });
                f.freeTasks -= use;
                f.outstandingGen += use;
                need -= use;
            }
            if (need <= 0 || f.freeTasks > 0) continue;
            double perBrainstorm = f.brainstormsSeen > 0 && f.tasksSeen > 0
                                       ? static_cast<double>(f.tasksSeen) / static_cast<double>(f.brainstormsSeen)
                                       : kTasksPerBrainstormGuess;
            auto wanted = static_cast<std::int64_t>(std::ceil(static_cast<double>(need) / perBrainstorm));
            room = static_cast<std::int64_t>(window - ready.size());
            std::int64_t k = std::min(wanted - f.outstandingBrain, room);
            if (k <= 0) continue;
            db::inTransaction(db, [&] {
                for (std::int64_t i = 0; i < k; ++i) {
                    auto p = renderOrThrow(*f.brainstorm, prompts::Step::Brainstorm, f, f.nextBrainSeq);
                    // Brainstorms go first: the generate step waits on them.
                    ready.push_front(insertRequest(f, "brainstorm", p, std::nullopt, "", f.nextBrainSeq));
                    f.nextBrainSeq++;
                }
            });
            f.outstandingBrain += k;
        }
    }

    bool allSatisfied() const {
        for (auto& f : families)
            if (!f.satisfied()) return false;
        return true;
    }

    // ---- pause/cancel from the job row (another process) or this process ----

    void pollState() {
        auto now = Clock::now();
        if (hooks && hooks->stopRequested() && externalStop.load() == 0) externalStop = 1;
        if (now - lastPoll >= std::chrono::milliseconds(300)) {
            lastPoll = now;
            auto q = db.prepare("SELECT state FROM jobs WHERE id = ?");
            q.bind(1, jobId);
            if (q.step()) {
                auto s = q.getText(0);
                if (s == "paused" && externalStop.load() == 0) externalStop = 1;
                if (s == "cancelled") externalStop = 2;
            }
        }
        int stop = externalStop.load();
        if (stop && client) client->requestStop(stop == 1);
    }

    // ---- RequestSource ----

    std::optional<InFlight> loadInFlight(std::int64_t id, std::string* state = nullptr) {
        auto q = db.prepare("SELECT kind, family, prompt, template_name, sampled_values, state, "
                            "COALESCE(template_id, 0) FROM requests WHERE id = ? AND job_id = ?");
        q.bindAll(id, jobId);
        if (!q.step()) return std::nullopt;
        InFlight in;
        in.kind = q.getText(0);
        in.family = q.getText(1);
        in.prompt.text = q.getText(2);
        in.prompt.templateName = q.getText(3);
        in.prompt.values = valuesFromJson(q.getText(4));
        in.prompt.family = in.family;
        in.prompt.step = in.kind == "brainstorm" ? prompts::Step::Brainstorm : prompts::Step::Generate;
        if (state) *state = q.getText(5);
        in.prompt.templateId = q.getInt(6);
        if (!family(in.family)) return std::nullopt;
        return in;
    }

    Next next(llm::ChatRequest& out) override {
        pollState();
        if (externalStop.load() || failure) return Next::Finished;
        if (ready.size() < static_cast<std::size_t>(std::max(1, spec.client.concurrency))) plan();
        if (ready.empty()) {
            if (!inflight.empty()) return Next::Wait;
            if (!allSatisfied() && !failure)
                failure = "nothing left to request but the target is not met (check the templates)";
            return Next::Finished;
        }
        std::int64_t id = ready.front();
        ready.pop_front();
        auto loaded = loadInFlight(id);
        if (!loaded) return next(out);
        InFlight in = std::move(*loaded);
        if (Family* f = family(in.family); f && in.kind == "brainstorm" &&
                                           f->target - f->accepted - f->outstandingGen - f->freeTasks <= 0) {
            // Planned before other brainstorms delivered enough tasks: never sent, so drop it.
            auto del = db.prepare("DELETE FROM requests WHERE id = ? AND state = 'pending'");
            del.bind(1, id);
            del.run();
            f->outstandingBrain--;
            return next(out);
        }
        // Marked in_flight with the next write (a commit of its own per request would cost more
        // than the rest of the request's bookkeeping): after a crash both states mean "send again".
        unmarked.push_back(id);
        if (unmarked.size() >= 256) db::inTransaction(db, [&] { flushInFlight(); });
        out.id = id;
        out.prompt = in.prompt.text;
        out.clientRequestId = "synthembed-" + std::to_string(jobId) + "-" + std::to_string(id);
        inflight.emplace(id, std::move(in));
        updateLive([&](LiveStats& s) { s.inFlight = static_cast<std::int64_t>(inflight.size()); });
        return Next::Request;
    }

    // Results that arrive together are stored in one transaction (each answer's sample and its
    // request state still commit together); a lone result gets its own.
    std::unique_ptr<db::Transaction> batch;
    void beginResults() override { batch = std::make_unique<db::Transaction>(db); }
    void endResults() override {
        if (batch) batch->commit();
        batch.reset();
    }
    template <class F>
    void write(F&& fn) {
        if (batch)
            fn();
        else
            db::inTransaction(db, fn);
    }

    void flushInFlight() {
        if (unmarked.empty()) return;
        auto u = db.prepare("UPDATE requests SET state = 'in_flight', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                            "WHERE id = ? AND state = 'pending'");
        for (auto id : unmarked) {
            u.bind(1, id);
            u.run();
        }
        unmarked.clear();
    }

    void markRequest(std::int64_t id, const char* state, const llm::ChatResult& r, const std::string& error) {
        flushInFlight();
        auto st = db.prepare("UPDATE requests SET state = ?, attempts = attempts + ?, raw_answer = ?, error = ?, "
                             "prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?, "
                             "http_status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        st.bind(1, state);
        st.bind(2, static_cast<std::int64_t>(r.attempts));
        if (r.ok())
            st.bind(3, r.content);
        else
            st.bindNull(3);
        if (error.empty())
            st.bindNull(4);
        else
            st.bind(4, error);
        st.bind(5, r.usage.promptTokens);
        st.bind(6, r.usage.completionTokens);
        if (r.httpStatus)
            st.bind(7, static_cast<std::int64_t>(r.httpStatus));
        else
            st.bindNull(7);
        st.bind(8, r.id);
        st.run();
    }

    void onBrainstorm(Family& f, const llm::ChatResult& r) {
        auto tasks = prompts::parseTaskList(r.content);
        std::int64_t added = 0;
        write([&] {
            markRequest(r.id, "done", r, tasks ? std::string() : tasks.error().code + ": " + tasks.error().message);
            if (tasks) {
                auto ins = db.prepare("INSERT OR IGNORE INTO gen_tasks(job_id, request_id, family, task) VALUES (?,?,?,?)");
                for (auto& t : *tasks) {
                    ins.bindAll(jobId, r.id, f.name, t);
                    ins.run();
                    added += db.changes();
                }
            }
        });
        f.outstandingBrain--;
        f.freeTasks += added;
        f.brainstormsSeen++;
        f.tasksSeen += added;
        updateLive([&](LiveStats& s) { s.tasks += added; });
        if (added == 0) {
            if (++f.emptyBrainstormsInRow >= spec.maxEmptyBrainstorms)
                failure = "family " + f.name + ": " + std::to_string(f.emptyBrainstormsInRow) +
                          " brainstorm answers in a row gave no new task (last answer: " + r.content.substr(0, 200) + ")";
        } else {
            f.emptyBrainstormsInRow = 0;
        }
    }

    void onGenerate(Family& f, InFlight& in, const llm::ChatResult& r) {
        const prompts::Template* tpl = library.byName(in.prompt.templateName);
        if (!tpl) tpl = f.generate;
        auto outcome = prompts::parseAnswer(r.content, tpl->meta, in.prompt);
        std::string hash;
        std::string rejectReason;
        if (outcome.accepted()) {
            auto& s = *outcome.sample;
            hash = sampleTextHash(s.query, s.positive, s.negative.value_or(""));
            auto dup = db.prepare("SELECT id FROM samples WHERE text_hash = ? AND status <> 'rejected' LIMIT 1");
            dup.bind(1, hash);
            if (dup.step()) rejectReason = "duplicate: same normalised text as sample " + std::to_string(dup.getInt(0));
        } else {
            rejectReason = outcome.rejectCode + ": " + outcome.rejectReason;
        }
        bool accepted = rejectReason.empty();
        write([&] {
            markRequest(r.id, "done", r, accepted ? std::string() : rejectReason);
            auto st = db.prepare(
                "INSERT INTO samples(job_id, request_id, template_id, family, instruction, language, query, positive, "
                "negative, sampled_values, status, reject_reason, raw_output, text_hash, prompt_tokens, "
                "completion_tokens, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, 'generated')");
            st.bind(1, jobId);
            st.bind(2, r.id);
            if (in.prompt.templateId > 0)
                st.bind(3, in.prompt.templateId);
            else
                st.bindNull(3);
            st.bind(4, f.name);
            if (outcome.accepted()) {
                auto& s = *outcome.sample;
                if (s.templateId > 0) st.bind(3, s.templateId);
                st.bind(5, s.instruction);
                st.bind(6, s.language);
                st.bind(7, s.query);
                st.bind(8, s.positive);
                st.bind(9, s.negative);
                st.bind(10, valuesJson(s.values));
            } else {
                st.bind(5, in.prompt.value("task"));
                st.bind(6, prompts::sampleLanguage(in.prompt));
                st.bindNull(7);
                st.bindNull(8);
                st.bindNull(9);
                st.bind(10, valuesJson(in.prompt.values));
            }
            st.bind(11, accepted ? "accepted" : "rejected");
            if (accepted)
                st.bindNull(12);
            else
                st.bind(12, rejectReason);
            st.bind(13, r.content);
            if (accepted)
                st.bind(14, hash);
            else
                st.bindNull(14);
            st.bind(15, r.usage.promptTokens);
            st.bind(16, r.usage.completionTokens);
            st.run();
        });
        f.outstandingGen--;
        if (accepted) f.accepted++;
        updateLive([&](LiveStats& s) { (accepted ? s.accepted : s.rejected)++; });
        if (hooks) {
            std::int64_t acc = 0, tgt = 0;
            for (auto& g : families) {
                acc += g.accepted;
                tgt += g.target;
            }
            hooks->report(acc, tgt, "generate");
        }
    }

    void onResult(llm::ChatResult r) override {
        auto it = inflight.find(r.id);
        if (it == inflight.end()) return;
        InFlight in = std::move(it->second);
        inflight.erase(it);
        Family& f = *family(in.family);
        bool brainstorm = in.kind == "brainstorm";
        switch (r.outcome) {
        case llm::Outcome::Ok:
            consecutiveFailures = 0;
            if (brainstorm)
                onBrainstorm(f, r);
            else
                onGenerate(f, in, r);
            updateLive([&](LiveStats& s) {
                s.requestsDone++;
                s.usage += r.usage;
            });
            break;
        case llm::Outcome::Exhausted:
            write([&] { markRequest(r.id, "failed", r, r.error); });
            (brainstorm ? f.outstandingBrain : f.outstandingGen)--;
            updateLive([&](LiveStats& s) { s.requestsFailed++; });
            if (++consecutiveFailures >= spec.maxConsecutiveFailures && !failure)
                failure = std::to_string(consecutiveFailures) + " requests in a row failed after all retries; last: " + r.error;
            break;
        case llm::Outcome::Fatal:
        case llm::Outcome::Aborted:
            // Not answered: back to pending, sent again by a later run.
            write([&] { markRequest(r.id, "pending", r, r.error); });
            ready.push_front(r.id);
            break;
        }
        updateLive([&](LiveStats& s) { s.inFlight = static_cast<std::int64_t>(inflight.size()); });
        if (failure && client) client->requestStop(true);
    }

    void onRetry(const llm::ChatRequest&, const std::string& why, int attempt, long delayMs) override {
        updateLive([&](LiveStats& s) { s.retries++; });
    }

    void finish(JobState state, const std::string& message) {
        auto st = db.prepare("UPDATE jobs SET state = CASE WHEN state = 'cancelled' THEN 'cancelled' ELSE ? END, "
                             "error = ?, runner_pid = NULL, runner_host = NULL, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        st.bind(1, jobStateName(state));
        if (message.empty())
            st.bindNull(2);
        else
            st.bind(2, message);
        st.bind(3, jobId);
        st.run();
    }
};

GenerationRunner::GenerationRunner(const store::Project& project, std::int64_t jobId)
    : m_impl(std::make_unique<Impl>(project, jobId)) {}
GenerationRunner::~GenerationRunner() = default;

void GenerationRunner::requestPause() {
    int expected = 0;
    m_impl->externalStop.compare_exchange_strong(expected, 1);
}
void GenerationRunner::requestCancel() { m_impl->externalStop = 2; }

LiveStats GenerationRunner::live() const {
    std::lock_guard lk(m_impl->liveMutex);
    return m_impl->liveStats;
}

namespace {
// Loads spec, templates and counts without taking the job over (the Batch route never sends).
void prepareOffline(GenerationRunner::Impl& d) {
    auto spec = loadJobSpec(d.project, d.jobId);
    if (!spec) throw Failure(spec.error().code, spec.error().message);
    d.spec = std::move(spec).take();
    auto q = d.db.prepare("SELECT state, runner_pid, COALESCE(runner_host,'') FROM jobs WHERE id = ?");
    q.bind(1, d.jobId);
    if (!q.step()) throw Failure("not_found", "no job " + std::to_string(d.jobId));
    if (q.getText(0) == "running" && q.getInt(1) != getpid() && q.getText(2) == hostName() && processAlive(q.getInt(1)))
        throw Failure("busy", "job " + std::to_string(d.jobId) + " is being run by process " + std::to_string(q.getInt(1)));
    d.loadLibrary();
    d.loadCounts();
}
} // namespace

Result<std::int64_t> GenerationRunner::planPending() {
    auto& d = *m_impl;
    return guarded([&]() -> std::int64_t {
        prepareOffline(d);
        d.window = static_cast<std::size_t>(1) << 40;
        d.plan();
        auto q = d.db.prepare("SELECT count(*) FROM requests WHERE job_id = ? AND state = 'pending'");
        q.bind(1, d.jobId);
        q.step();
        return q.getInt(0);
    }, "db");
}

Result<GenerationRunner::ImportCounts> GenerationRunner::importAnswers(const std::vector<llm::ChatResult>& results) {
    auto& d = *m_impl;
    return guarded([&]() -> ImportCounts {
        prepareOffline(d);
        ImportCounts c;
        for (const auto& r : results) {
            std::string state;
            auto in = d.loadInFlight(r.id, &state);
            if (!in || state == "done" || state == "failed") {
                c.skipped++;
                continue;
            }
            d.inflight.emplace(r.id, std::move(*in));
            if (r.outcome == llm::Outcome::Ok) {
                c.stored++;
                d.onResult(r);
            } else {
                c.failed++;
                llm::ChatResult f = r;
                f.outcome = llm::Outcome::Exhausted;
                d.onResult(f);
            }
        }
        if (d.allSatisfied()) d.finish(JobState::Done, "");
        return c;
    }, "db");
}

Result<RunOutcome> GenerationRunner::run(const ProgressHooks& hooks) {
    auto& d = *m_impl;
    d.hooks = &hooks;
    auto setup = guarded([&] {
        auto spec = loadJobSpec(d.project, d.jobId);
        if (!spec) throw Failure(spec.error().code, spec.error().message);
        d.spec = std::move(spec).take();
        {
            auto q = d.db.prepare("SELECT state FROM jobs WHERE id = ?");
            q.bind(1, d.jobId);
            if (q.step() && q.getText(0) == "done") return true;
        }
        d.loadLibrary();
        d.acquire();
        d.loadCounts();
        return false;
    }, "db");
    if (!setup) return setup.error();
    if (*setup) return RunOutcome{JobState::Done, ""};

    d.window = static_cast<std::size_t>(std::max(16, d.spec.client.concurrency * 2));
    d.client = std::make_unique<llm::ChatClient>(d.spec.client);
    if (d.externalStop.load()) d.client->requestStop(d.externalStop.load() == 1);

    Status st;
    try {
        st = d.client->run(d);
    } catch (const Failure& f) {
        st = f.error();
    } catch (const std::exception& e) {
        st = Error{"internal", e.what()};
    }

    RunOutcome out;
    auto result = guarded([&] {
        // A last look at the row: a cancel/pause from another process may have come in.
        d.lastPoll = {};
        d.pollState();
        if (!st.ok()) {
            out = {JobState::Failed, st.error().message};
        } else if (d.failure) {
            out = {JobState::Failed, *d.failure};
        } else if (d.allSatisfied()) {
            out = {JobState::Done, ""};
        } else if (d.externalStop.load() == 2) {
            out = {JobState::Cancelled, "cancelled"};
        } else {
            out = {JobState::Paused, "paused"};
        }
        d.finish(out.state, out.state == JobState::Done || out.state == JobState::Paused ? "" : out.message);
        if (out.state == JobState::Done) {
            // Rows still pending can only be leftovers of a changed mix: nothing more is needed.
            auto q = d.db.prepare("SELECT state FROM jobs WHERE id = ?");
            q.bind(1, d.jobId);
            if (q.step() && q.getText(0) == "cancelled") out = {JobState::Cancelled, "cancelled"};
        }
    }, "db");
    if (!result) return result.error();
    return out;
}

} // namespace synthembed::gen
