#include "core/gen/runner.h"

#include "core/gen/text_hash.h"
#include "core/llm/pricing.h"
#include "core/platform/platform.h"
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
#include <iomanip>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace synthembed::gen {

using nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

namespace {

using platform::hostName;
using platform::processAlive;

// Independent seed per (family, step), so adding a family to a mix does not change the others.
std::uint64_t streamSeed(std::uint64_t seed, const std::string& family, prompts::Step step) {
    std::uint64_t s = seed ^ fnv1a64(family + "/" + prompts::stepName(step));
    return prompts::splitmix64(s);
}

std::string valuesJson(const std::vector<std::pair<std::string, std::string>>& values) {
    ordered_json j = ordered_json::object();
    for (auto& [k, v] : values)
        j[k] = v;
    return j.dump();
}

std::vector<std::pair<std::string, std::string>> valuesFromJson(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    auto j = ordered_json::parse(text, nullptr, false);
    if (!j.is_object()) return out;
    for (auto& [k, v] : j.items())
        out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

constexpr double kTasksPerBrainstormGuess = 20.0;

// While the job runs, a write that finds the project locked gives up after this long and is tried
// again later with the answers kept (the client loop stays responsive to pause and cancel).
constexpr int kRunBusyTimeoutMs = 250;
constexpr int kDefaultBusyTimeoutMs = 10'000; // the project's own (store::Project)
// How long received answers are kept and retried while the database refuses the write.
constexpr auto kStoreGiveUp = std::chrono::minutes(5);
// Pause and Ctrl-C let in-flight answers land for this long, then abort the transfers: a stop is
// seen within a second whatever the server does.
constexpr long kUserStopDrainMs = 500;

// One line, at most ~160 bytes, cut on a UTF-8 boundary: the answer quoted in a job's error.
std::string quoteAnswer(const std::string& answer) {
    constexpr std::size_t kMax = 160;
    std::string s;
    for (char c : answer) {
        if (s.size() >= kMax) break;
        s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
    if (s.size() < answer.size()) {
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80)
            s.pop_back();
        if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
        s += "...";
    }
    return "\"" + s + "\"";
}

bool isBusy(const Failure& f) {
    return f.code() == "db_busy";
}

} // namespace

struct GenerationRunner::Impl : llm::RequestSource {
    // (public within this file: the Batch helpers below use it)
    struct TaskSlot {
        std::int64_t taskId = 0;
        std::int64_t parent = 0; // the brainstorm request
        int usesLeft = 0;
    };
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
        // Tasks that may still serve a generate request, used round robin (a task's second use
        // comes after every other task's first); freeTasks = the sum of their usesLeft.
        std::deque<TaskSlot> taskSlots;
        std::int64_t freeTasks = 0;
        std::int64_t tasksSeen = 0; // tasks from this run's brainstorms (for the per-brainstorm mean)
        std::int64_t brainstormsSeen = 0;
        int emptyBrainstormsInRow = 0;
        bool satisfied() const { return accepted >= target; }
    };
    struct InFlight {
        std::string kind;
        std::string family;
        prompts::RenderedPrompt prompt;
    };
    // The spend guard's counters (JobSpec::maxConsecutiveRejects and the budgets).
    struct Guard {
        std::int64_t rejectsInRow =
            0; // generate answers rejected or refused since the last accepted one (this run)
        std::int64_t answered = 0;     // generate answers over the job's life (accepted, rejected, refused)
        std::int64_t unproductive = 0; // of which rejected or refused
        std::int64_t sent = 0;         // requests sent over the job's life
        std::int64_t paid = 0;         // requests answered over the job's life
        llm::Usage usage;              // over the job's life
        llm::Usage largest;            // the largest prompt and answer of one request so far
        std::string lastReject;        // why, and the start of the answer
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
    Guard guard;
    std::optional<std::map<std::string, llm::Price>> prices; // when a cost budget is set
    std::optional<std::string> failure;                      // the job fails with this message
    std::atomic<int> externalStop{0};                        // 1 pause, 2 cancel
    Clock::time_point lastPoll{};
    const ProgressHooks* hooks = nullptr;

    // Answers received but not yet stored (the database may be locked by another writer): they are
    // kept and written again, never dropped; nothing new is bought while any wait here.
    std::vector<llm::ChatResult> received;
    bool inBurst = false;
    std::optional<Clock::time_point> storeFailingSince;
    Clock::time_point lastStoreTry{};
    std::string lastStoreError;
    std::int64_t lostAnswers = 0;

    mutable std::mutex liveMutex;
    LiveStats liveStats;

    Impl(const store::Project& p, std::int64_t id) : project(p), db(p.db()), jobId(id) {}

    template <class F> void updateLive(F&& f) {
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
            throw Failure("state", "job " + std::to_string(jobId) +
                                       " is cancelled (resume it with `jobs resume " + std::to_string(jobId) +
                                       "`)");
        if (state == "running" && pid != platform::processId() && host == hostName() && processAlive(pid))
            throw Failure("busy",
                          "job " + std::to_string(jobId) + " is being run by process " + std::to_string(pid));
        auto u =
            db.prepare("UPDATE jobs SET state = 'running', runner_pid = ?, runner_host = ?, error = NULL, "
                       "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?");
        u.bindAll(static_cast<std::int64_t>(platform::processId()), hostName(), jobId);
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
                if (!p)
                    throw Failure(p.error().code, "job " + std::to_string(jobId) + ": " + p.error().message);
                library.pools.add(std::move(p).take());
            }
            for (auto& [name, version] : spec.templatePins) {
                auto t = store.templateAt(name, version);
                if (!t)
                    throw Failure(t.error().code, "job " + std::to_string(jobId) + ": " + t.error().message);
                library.templates.push_back(std::move(t).take());
            }
        } else {
            auto dir =
                spec.promptsDir.empty() ? paths::shippedPromptsDir() : std::filesystem::path(spec.promptsDir);
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

    void loadPrices() {
        if (spec.maxCostUsd <= 0) return;
        auto text = project.setting(llm::kPricesSetting);
        std::optional<double> probe;
        if (text) {
            auto p = llm::parsePrices(*text);
            if (!p)
                throw Failure("spec",
                              "settings " + std::string(llm::kPricesSetting) + ": " + p.error().message);
            prices = std::move(p).take();
            probe = llm::estimateCost(*prices, spec.client.model, {1, 1});
        }
        if (!probe)
            throw Failure("spec", "a cost budget needs the price of model '" + spec.client.model +
                                      "' in the project setting " + llm::kPricesSetting +
                                      " (USD per million tokens, e.g. {\"" + spec.client.model +
                                      "\": {\"prompt\": 0.15, \"completion\": 0.6}})");
    }

    void loadCounts() {
        // Crash recovery: whatever was in flight when the last run died is sent again.
        auto r = db.prepare("UPDATE requests SET state = 'pending' WHERE job_id = ? AND state = 'in_flight'");
        r.bind(1, jobId);
        r.run();
        if (int n = db.changes(); n > 0)
            log::info("job ", jobId, ": ", n, " request(s) in flight at the last stop will be sent again");

        auto acc = db.prepare(
            "SELECT family, count(*) FROM samples WHERE job_id = ? AND status <> 'rejected' GROUP BY family");
        acc.bind(1, jobId);
        while (acc.step())
            if (auto* f = family(acc.getText(0))) f->accepted = acc.getInt(1);
        auto out =
            db.prepare("SELECT family, kind, count(*) FROM requests WHERE job_id = ? AND state = 'pending' "
                       "GROUP BY family, kind");
        out.bind(1, jobId);
        while (out.step())
            if (auto* f = family(out.getText(0)))
                (out.getText(1) == "brainstorm" ? f->outstandingBrain : f->outstandingGen) = out.getInt(2);
        auto seq = db.prepare(
            "SELECT family, kind, max(seq) + 1 FROM requests WHERE job_id = ? GROUP BY family, kind");
        seq.bind(1, jobId);
        while (seq.step())
            if (auto* f = family(seq.getText(0)))
                (seq.getText(1) == "brainstorm" ? f->nextBrainSeq : f->nextGenSeq) = seq.getInt(2);
        loadTaskSlots();
        auto pend = db.prepare("SELECT id FROM requests WHERE job_id = ? AND state = 'pending' ORDER BY id");
        pend.bind(1, jobId);
        while (pend.step())
            ready.push_back(pend.getInt(0));

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

        // The guard's view of the job so far: a rerun does not start the budgets from zero.
        auto sent =
            db.prepare("SELECT COALESCE(sum(state IN ('done','failed')),0), COALESCE(sum(state = 'done'),0), "
                       "COALESCE(sum(prompt_tokens),0), COALESCE(sum(completion_tokens),0), "
                       "COALESCE(sum(kind = 'generate' AND state = 'failed' AND error LIKE 'refused:%'),0) "
                       "FROM requests WHERE job_id = ?");
        sent.bind(1, jobId);
        sent.step();
        guard.sent = sent.getInt(0);
        guard.paid = sent.getInt(1);
        guard.usage = {sent.getInt(2), sent.getInt(3)};
        auto largest = db.prepare("SELECT COALESCE(max(prompt_tokens),0), COALESCE(max(completion_tokens),0) "
                                  "FROM requests WHERE job_id = ? AND state = 'done'");
        largest.bind(1, jobId);
        largest.step();
        guard.largest = {largest.getInt(0), largest.getInt(1)};
        guard.unproductive = rej.getInt(0) + sent.getInt(4);
        guard.answered = accepted + guard.unproductive;
        updateLive([&](LiveStats& s) {
            s.target = target;
            s.accepted = accepted;
            s.rejected = rej.getInt(0);
            s.tasks = nt.getInt(0);
        });
    }

    // Each task serves spec.examplesPerTask generate requests; its uses are counted from the rows
    // (generate requests carry their task), so no extra state is stored.
    void loadTaskSlots() {
        std::map<std::pair<std::string, std::string>, std::int64_t> uses;
        auto u = db.prepare(
            "SELECT family, task, count(*) FROM requests WHERE job_id = ? AND kind = 'generate' AND "
            "task IS NOT NULL GROUP BY family, task");
        u.bind(1, jobId);
        while (u.step())
            uses[{u.getText(0), u.getText(1)}] = u.getInt(2);
        auto t =
            db.prepare("SELECT id, request_id, family, task FROM gen_tasks WHERE job_id = ? ORDER BY id");
        t.bind(1, jobId);
        while (t.step()) {
            Family* f = family(t.getText(2));
            if (!f) continue;
            auto it = uses.find({f->name, t.getText(3)});
            std::int64_t left = spec.examplesPerTask - (it == uses.end() ? 0 : it->second);
            if (left <= 0) continue;
            f->taskSlots.push_back({t.getInt(0), t.getInt(1), static_cast<int>(left)});
            f->freeTasks += left;
        }
    }

    // ---- planning: create request rows (only as many as still needed) ----

    std::int64_t insertRequest(const Family& f, const char* kind, const prompts::RenderedPrompt& p,
                               std::optional<std::int64_t> parent, const std::string& task,
                               std::int64_t seq) {
        auto st = db.prepare(
            "INSERT INTO requests(job_id, parent_id, kind, template_id, family, task, prompt, "
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

    // Every in-memory change is made after its transaction commits, so a write that fails (a
    // locked database) leaves the plan as it was and is simply tried again.
    void plan() {
        for (auto& f : families) {
            if (ready.size() >= window) return;
            std::int64_t need = f.target - f.accepted - f.outstandingGen;
            if (need <= 0) continue;
            std::int64_t room = static_cast<std::int64_t>(window - ready.size());
            if (!f.twoStep) {
                std::int64_t k = std::min(need, room);
                std::vector<std::int64_t> ids;
                db::inTransaction(db, [&] {
                    for (std::int64_t i = 0; i < k; ++i) {
                        auto p = renderOrThrow(*f.generate, prompts::Step::Generate, f, f.nextGenSeq + i);
                        ids.push_back(insertRequest(f, "generate", p, std::nullopt, "", f.nextGenSeq + i));
                    }
                });
                ready.insert(ready.end(), ids.begin(), ids.end());
                f.nextGenSeq += k;
                f.outstandingGen += k;
                continue;
            }
            // Two-step: generate from stored tasks first, brainstorm for more when they run out.
            std::int64_t use = std::min({need, room, f.freeTasks});
            if (use > 0) {
                std::deque<TaskSlot> slots = f.taskSlots;
                std::vector<std::int64_t> ids;
                db::inTransaction(db, [&] {
                    auto text = db.prepare("SELECT task FROM gen_tasks WHERE id = ?");
                    auto mark = db.prepare("UPDATE gen_tasks SET used_by = ? WHERE id = ?");
                    for (std::int64_t i = 0; i < use && !slots.empty(); ++i) {
                        TaskSlot slot = slots.front();
                        slots.pop_front();
                        text.bind(1, slot.taskId);
                        if (!text.step()) {
                            text.reset();
                            --i;
                            continue;
                        }
                        std::string task = text.getText(0);
                        text.reset();
                        std::int64_t seq = f.nextGenSeq + static_cast<std::int64_t>(ids.size());
                        auto p =
                            renderOrThrow(*f.generate, prompts::Step::Generate, f, seq, {{"task", task}});
                        auto rid = insertRequest(f, "generate", p, slot.parent, task, seq);
                        mark.bindAll(rid, slot.taskId);
                        mark.run();
                        ids.push_back(rid);
                        if (--slot.usesLeft > 0) slots.push_back(slot);
                    }
                });
                auto used = static_cast<std::int64_t>(ids.size());
                ready.insert(ready.end(), ids.begin(), ids.end());
                f.taskSlots = std::move(slots);
                f.nextGenSeq += used;
                f.freeTasks = 0;
                for (auto& s : f.taskSlots)
                    f.freeTasks += s.usesLeft;
                f.outstandingGen += used;
                need -= used;
            }
            if (need <= 0 || f.freeTasks > 0) continue;
            double perBrainstorm =
                f.brainstormsSeen > 0 && f.tasksSeen > 0
                    ? static_cast<double>(f.tasksSeen) / static_cast<double>(f.brainstormsSeen)
                    : kTasksPerBrainstormGuess;
            perBrainstorm *= std::max(1, spec.examplesPerTask);
            auto wanted = static_cast<std::int64_t>(std::ceil(static_cast<double>(need) / perBrainstorm));
            room = static_cast<std::int64_t>(window - ready.size());
            std::int64_t k = std::min(wanted - f.outstandingBrain, room);
            if (k <= 0) continue;
            std::vector<std::int64_t> ids;
            db::inTransaction(db, [&] {
                for (std::int64_t i = 0; i < k; ++i) {
                    auto p = renderOrThrow(*f.brainstorm, prompts::Step::Brainstorm, f, f.nextBrainSeq + i);
                    ids.push_back(insertRequest(f, "brainstorm", p, std::nullopt, "", f.nextBrainSeq + i));
                }
            });
            // Brainstorms go first: the generate step waits on them.
            for (auto id : ids)
                ready.push_front(id);
            f.nextBrainSeq += k;
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
        if (now - lastPoll >= std::chrono::milliseconds(200)) {
            lastPoll = now;
            try {
                auto q = db.prepare("SELECT state FROM jobs WHERE id = ?");
                q.bind(1, jobId);
                if (q.step()) {
                    auto s = q.getText(0);
                    if (s == "paused" && externalStop.load() == 0) externalStop = 1;
                    if (s == "cancelled") externalStop = 2;
                }
            } catch (const Failure& e) {
                log::debug("job ", jobId, ": could not read the job's state (", e.what(), "); trying again");
            }
        }
        int stop = externalStop.load();
        if (stop && client) client->requestStop(stop == 1, kUserStopDrainMs);
    }

    // Called by the client's loop at least every 100 ms, whatever the server does.
    bool tick() {
        pollState();
        if (!received.empty() && Clock::now() - lastStoreTry >= std::chrono::milliseconds(250))
            storeReceived();
        return false; // pollState asks the client to stop itself, with the right drain
    }

    // ---- spend guard ----

    double costOf(const llm::Usage& u) const {
        if (!prices) return 0;
        return llm::estimateCost(*prices, spec.client.model, u).value_or(0);
    }

    enum class Budget { Go, Wait, Stop };
    // Whether one more request may be bought now; on Stop, `failure` says why.
    Budget budgetFor(const InFlight& in) {
        auto inFlightNow = static_cast<std::int64_t>(inflight.size());
        if (spec.maxRequests > 0 && guard.sent >= spec.maxRequests) {
            failure = "request budget reached: " + std::to_string(guard.sent) +
                      " requests sent (--max-requests " + std::to_string(spec.maxRequests) +
                      "); nothing more was bought";
            return Budget::Stop;
        }
        // While answers are being rejected, keep no more in flight than the reject budget has left,
        // so a model that never follows the template is not paid beyond the budget.
        if (spec.maxConsecutiveRejects > 0 && guard.rejectsInRow > 0 &&
            guard.rejectsInRow + inFlightNow >= spec.maxConsecutiveRejects)
            return Budget::Wait;
        if (spec.maxCostUsd > 0 && prices) {
            double spent = costOf(guard.usage);
            double each = 0;
            if (guard.largest.promptTokens + guard.largest.completionTokens > 0) {
                // The dearest request so far, not the mean: the budget is a ceiling.
                each = costOf(guard.largest);
            } else {
                llm::Usage guess{static_cast<std::int64_t>(in.prompt.text.size() / 4),
                                 spec.client.maxTokens > 0 ? spec.client.maxTokens : 512};
                each = costOf(guess);
            }
            if (spent + each * static_cast<double>(inFlightNow + 1) > spec.maxCostUsd) {
                if (inFlightNow > 0) return Budget::Wait; // their actual cost decides
                std::ostringstream os;
                os << std::fixed << std::setprecision(4) << "cost budget reached: about $" << spent
                   << " spent of $" << spec.maxCostUsd
                   << " (--max-cost-usd), the next request would cost about $" << each
                   << "; nothing more was bought";
                failure = os.str();
                return Budget::Stop;
            }
        }
        return Budget::Go;
    }

    // One generate answer came back: accepted (productive) or rejected/refused.
    void countAnswer(bool productive, const std::string& why, const std::string& answer) {
        guard.answered++;
        if (productive) {
            guard.rejectsInRow = 0;
            return;
        }
        guard.unproductive++;
        guard.rejectsInRow++;
        guard.lastReject = why.substr(0, 200);
        if (!answer.empty()) guard.lastReject += "; answer " + quoteAnswer(answer);
        for (char& c : guard.lastReject)
            if (c == '\n' || c == '\r') c = ' ';
        if (failure) return;
        if (spec.maxConsecutiveRejects > 0 && guard.rejectsInRow >= spec.maxConsecutiveRejects) {
            failure = "spend guard: " + std::to_string(guard.rejectsInRow) +
                      " answers in a row were rejected or refused, nothing more was bought (last: " +
                      guard.lastReject + ")";
        } else if (spec.maxRejectRatio > 0 && guard.answered >= spec.rejectWarmup &&
                   static_cast<double>(guard.unproductive) >
                       spec.maxRejectRatio * static_cast<double>(guard.answered - guard.unproductive)) {
            std::ostringstream os;
            os << "spend guard: " << guard.unproductive << " of " << guard.answered
               << " answers were rejected or refused (more than " << spec.maxRejectRatio
               << " per accepted one), nothing more was bought (last: " << guard.lastReject << ")";
            failure = os.str();
        }
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

    void stopClient() {
        if (client) client->requestStop(true);
    }

    Next next(llm::ChatRequest& out) override {
        try {
            return nextRequest(out);
        } catch (const Failure& e) {
            if (isBusy(e)) return Next::Wait; // planned again on the next call
            if (!failure) failure = e.what();
        } catch (const std::exception& e) {
            if (!failure) failure = e.what();
        }
        stopClient();
        return Next::Finished;
    }

    Next nextRequest(llm::ChatRequest& out) {
        pollState();
        if (!received.empty() && !storeReceived())
            return failure || externalStop.load() ? Next::Finished : Next::Wait;
        if (externalStop.load() || failure) return Next::Finished;
        if (unmarked.size() >= 256) db::inTransaction(db, [&] { flushInFlight(); });
        if (ready.size() < static_cast<std::size_t>(std::max(1, spec.client.concurrency))) plan();
        while (true) {
            if (ready.empty()) {
                if (!inflight.empty()) return Next::Wait;
                if (!allSatisfied() && !failure)
                    failure = "nothing left to request but the target is not met (check the templates)";
                return Next::Finished;
            }
            std::int64_t id = ready.front();
            auto loaded = loadInFlight(id);
            if (!loaded) {
                ready.pop_front();
                continue;
            }
            Family* f = family(loaded->family);
            if (loaded->kind == "brainstorm" &&
                f->target - f->accepted - f->outstandingGen - f->freeTasks <= 0) {
                // Planned before other brainstorms delivered enough tasks: never sent, so drop it.
                auto del = db.prepare("DELETE FROM requests WHERE id = ? AND state = 'pending'");
                del.bind(1, id);
                del.run();
                ready.pop_front();
                f->outstandingBrain--;
                continue;
            }
            switch (budgetFor(*loaded)) {
            case Budget::Go:
                break;
            case Budget::Wait:
                return Next::Wait;
            case Budget::Stop:
                stopClient();
                return Next::Finished;
            }
            ready.pop_front();
            // Marked in_flight with the next write (a commit of its own per request would cost more
            // than the rest of the request's bookkeeping): after a crash both states mean "send again".
            unmarked.push_back(id);
            guard.sent++;
            out.id = id;
            out.prompt = loaded->prompt.text;
            out.clientRequestId = "synthembed-" + std::to_string(jobId) + "-" + std::to_string(id);
            inflight.emplace(id, std::move(*loaded));
            updateLive([&](LiveStats& s) { s.inFlight = static_cast<std::int64_t>(inflight.size()); });
            return Next::Request;
        }
    }

    // Results that arrive together are stored in one transaction (each answer's sample and its
    // request state commit together). A write that fails is rolled back together with every
    // in-memory change it made, and tried again later with the same answers.
    void beginResults() override { inBurst = true; }
    void endResults() override {
        inBurst = false;
        storeReceived();
    }
    void onResult(llm::ChatResult r) override {
        received.push_back(std::move(r));
        if (!inBurst) storeReceived();
    }

    struct Snapshot {
        std::vector<Family> families;
        std::deque<std::int64_t> ready;
        std::vector<std::int64_t> unmarked;
        std::unordered_map<std::int64_t, InFlight> inflight;
        int consecutiveFailures;
        Guard guard;
        std::optional<std::string> failure;
        LiveStats live;
    };
    Snapshot save() const {
        std::lock_guard lk(liveMutex);
        return {families, ready, unmarked, inflight, consecutiveFailures, guard, failure, liveStats};
    }
    void restore(Snapshot&& s) {
        families = std::move(s.families);
        ready = std::move(s.ready);
        unmarked = std::move(s.unmarked);
        inflight = std::move(s.inflight);
        consecutiveFailures = s.consecutiveFailures;
        guard = std::move(s.guard);
        failure = std::move(s.failure);
        std::lock_guard lk(liveMutex);
        liveStats = s.live;
    }

    /// True when nothing waits to be stored.
    bool storeReceived() {
        if (received.empty()) return true;
        lastStoreTry = Clock::now();
        Snapshot before = save();
        try {
            db::Transaction tx(db);
            for (auto& r : received)
                apply(r);
            tx.commit();
        } catch (const std::exception& e) {
            restore(std::move(before));
            lastStoreError = e.what();
            auto now = Clock::now();
            if (!storeFailingSince) {
                storeFailingSince = now;
                log::warn("job ", jobId, ": could not store ", received.size(), " answer(s) (", e.what(),
                          "); keeping them and trying again");
            } else if (now - *storeFailingSince >= kStoreGiveUp && !failure) {
                failure =
                    "could not store " + std::to_string(received.size()) + " received answer(s) for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kStoreGiveUp).count()) +
                    " s: " + e.what();
                stopClient();
            }
            return false;
        }
        if (storeFailingSince)
            log::info("job ", jobId, ": stored the ", received.size(), " waiting answer(s)");
        storeFailingSince.reset();
        received.clear();
        if (failure) stopClient();
        return true;
    }

    // After the client returned: answers still waiting are tried until stored or given up (then
    // counted as lost, and the job's error says so).
    void storeRemaining() {
        while (!received.empty()) {
            if (storeReceived()) return;
            if (storeFailingSince && Clock::now() - *storeFailingSince >= kStoreGiveUp) {
                lostAnswers += static_cast<std::int64_t>(received.size());
                log::error("job ", jobId, ": ", received.size(),
                           " received answer(s) could not be stored and are lost (", lastStoreError, ")");
                received.clear();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    void flushInFlight() {
        if (unmarked.empty()) return;
        auto u = db.prepare(
            "UPDATE requests SET state = 'in_flight', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
            "WHERE id = ? AND state = 'pending'");
        for (auto id : unmarked) {
            u.bind(1, id);
            u.run();
        }
        unmarked.clear();
    }

    void markRequest(std::int64_t id, const char* state, const llm::ChatResult& r, const std::string& error) {
        flushInFlight();
        auto st =
            db.prepare("UPDATE requests SET state = ?, attempts = attempts + ?, raw_answer = ?, error = ?, "
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
        markRequest(r.id, "done", r,
                    tasks ? std::string() : tasks.error().code + ": " + tasks.error().message);
        if (tasks) {
            auto ins = db.prepare(
                "INSERT OR IGNORE INTO gen_tasks(job_id, request_id, family, task) VALUES (?,?,?,?)");
            for (auto& t : *tasks) {
                ins.bindAll(jobId, r.id, f.name, t);
                ins.run();
                if (db.changes() > 0) {
                    f.taskSlots.push_back({db.lastInsertId(), r.id, std::max(1, spec.examplesPerTask)});
                    f.freeTasks += std::max(1, spec.examplesPerTask);
                    added++;
                }
            }
        }
        f.outstandingBrain--;
        f.brainstormsSeen++;
        f.tasksSeen += added;
        updateLive([&](LiveStats& s) { s.tasks += added; });
        if (added == 0) {
            if (++f.emptyBrainstormsInRow >= spec.maxEmptyBrainstorms && !failure)
                failure =
                    "family " + f.name + ": " + std::to_string(f.emptyBrainstormsInRow) +
                    " brainstorm answers in a row gave no new task (last answer: " + quoteAnswer(r.content) +
                    ")";
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
            auto dup =
                db.prepare("SELECT id FROM samples WHERE text_hash = ? AND status <> 'rejected' LIMIT 1");
            dup.bind(1, hash);
            if (dup.step())
                rejectReason = "duplicate: same normalised text as sample " + std::to_string(dup.getInt(0));
        } else {
            rejectReason = outcome.rejectCode + ": " + outcome.rejectReason;
        }
        bool accepted = rejectReason.empty();
        markRequest(r.id, "done", r, accepted ? std::string() : rejectReason);
        auto st = db.prepare(
            "INSERT INTO samples(job_id, request_id, template_id, family, instruction, language, query, "
            "positive, "
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
        f.outstandingGen--;
        if (accepted) f.accepted++;
        countAnswer(accepted, rejectReason, r.content);
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

    // Stores one result inside storeReceived's transaction.
    void apply(const llm::ChatResult& r) {
        auto it = inflight.find(r.id);
        if (it == inflight.end()) return;
        InFlight in = it->second;
        inflight.erase(it);
        Family& f = *family(in.family);
        bool brainstorm = in.kind == "brainstorm";
        guard.usage += r.usage;
        guard.largest.promptTokens = std::max(guard.largest.promptTokens, r.usage.promptTokens);
        guard.largest.completionTokens = std::max(guard.largest.completionTokens, r.usage.completionTokens);
        switch (r.outcome) {
        case llm::Outcome::Ok:
            consecutiveFailures = 0;
            guard.paid++;
            if (brainstorm)
                onBrainstorm(f, r);
            else
                onGenerate(f, in, r);
            updateLive([&](LiveStats& s) {
                s.requestsDone++;
                s.usage += r.usage;
            });
            break;
        case llm::Outcome::Refused:
            // This prompt cannot succeed: fail it (never sent again) and let plan() write a new one.
            markRequest(r.id, "failed", r, "refused: " + r.error);
            (brainstorm ? f.outstandingBrain : f.outstandingGen)--;
            updateLive([&](LiveStats& s) {
                s.requestsFailed++;
                s.usage += r.usage;
            });
            if (brainstorm) {
                if (++f.emptyBrainstormsInRow >= spec.maxEmptyBrainstorms && !failure)
                    failure = "family " + f.name + ": " + std::to_string(f.emptyBrainstormsInRow) +
                              " brainstorm requests in a row gave no new task (last: refused: " + r.error +
                              ")";
            } else {
                countAnswer(false, "refused: " + r.error, "");
            }
            break;
        case llm::Outcome::Exhausted:
            markRequest(r.id, "failed", r, r.error);
            (brainstorm ? f.outstandingBrain : f.outstandingGen)--;
            updateLive([&](LiveStats& s) { s.requestsFailed++; });
            if (++consecutiveFailures >= spec.maxConsecutiveFailures && !failure)
                failure = std::to_string(consecutiveFailures) +
                          " requests in a row failed after all retries; last: " + r.error;
            break;
        case llm::Outcome::Fatal:
        case llm::Outcome::Aborted:
            // Not answered: back to pending, sent again by a later run.
            markRequest(r.id, "pending", r, r.error);
            ready.push_front(r.id);
            break;
        }
        updateLive([&](LiveStats& s) { s.inFlight = static_cast<std::int64_t>(inflight.size()); });
    }

    void onRetry(const llm::ChatRequest&, const std::string& why, int attempt, long delayMs) override {
        updateLive([&](LiveStats& s) { s.retries++; });
    }

    void finish(JobState state, const std::string& message) {
        auto st =
            db.prepare("UPDATE jobs SET state = CASE WHEN state = 'cancelled' THEN 'cancelled' ELSE ? END, "
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

    // The last writes of a run (the job row) are retried like answers: a job is never left
    // `running` because another writer held the lock for a while.
    template <class F> void retryWrite(F&& fn) {
        auto deadline = Clock::now() + kStoreGiveUp;
        while (true) {
            try {
                fn();
                return;
            } catch (const Failure& e) {
                if (!isBusy(e) || Clock::now() >= deadline) throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
};

GenerationRunner::GenerationRunner(const store::Project& project, std::int64_t jobId)
    : m_impl(std::make_unique<Impl>(project, jobId)) {}
GenerationRunner::~GenerationRunner() = default;

void GenerationRunner::requestPause() {
    int expected = 0;
    m_impl->externalStop.compare_exchange_strong(expected, 1);
}
void GenerationRunner::requestCancel() {
    m_impl->externalStop = 2;
}

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
    if (q.getText(0) == "running" && q.getInt(1) != platform::processId() && q.getText(2) == hostName() &&
        processAlive(q.getInt(1)))
        throw Failure("busy", "job " + std::to_string(d.jobId) + " is being run by process " +
                                  std::to_string(q.getInt(1)));
    d.loadLibrary();
    d.loadCounts();
}
} // namespace

Result<std::int64_t> GenerationRunner::planPending() {
    auto& d = *m_impl;
    return guarded(
        [&]() -> std::int64_t {
            prepareOffline(d);
            d.window = static_cast<std::size_t>(1) << 40;
            d.plan();
            auto q = d.db.prepare("SELECT count(*) FROM requests WHERE job_id = ? AND state = 'pending'");
            q.bind(1, d.jobId);
            q.step();
            return q.getInt(0);
        },
        "db");
}

Result<GenerationRunner::ImportCounts>
GenerationRunner::importAnswers(const std::vector<llm::ChatResult>& results) {
    auto& d = *m_impl;
    return guarded(
        [&]() -> ImportCounts {
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
                if (!d.received.empty())
                    throw Failure("db_busy",
                                  "could not store the imported answers (" + d.lastStoreError + ")");
            }
            if (d.allSatisfied()) d.finish(JobState::Done, "");
            return c;
        },
        "db");
}

Result<RunOutcome> GenerationRunner::run(const ProgressHooks& hooks) {
    auto& d = *m_impl;
    d.hooks = &hooks;
    auto setup = guarded(
        [&] {
            auto spec = loadJobSpec(d.project, d.jobId);
            if (!spec) throw Failure(spec.error().code, spec.error().message);
            d.spec = std::move(spec).take();
            {
                auto q = d.db.prepare("SELECT state FROM jobs WHERE id = ?");
                q.bind(1, d.jobId);
                if (q.step() && q.getText(0) == "done") return true;
            }
            d.loadLibrary();
            d.loadPrices();
            d.acquire();
            d.loadCounts();
            return false;
        },
        "db");
    if (!setup) return setup.error();
    if (*setup) return RunOutcome{JobState::Done, ""};

    d.window = static_cast<std::size_t>(std::max(16, d.spec.client.concurrency * 2));
    d.client = std::make_unique<llm::ChatClient>(d.spec.client);
    if (int stop = d.externalStop.load()) d.client->requestStop(stop == 1, kUserStopDrainMs);
    // The client's loop asks this at least every 100 ms: pause, cancel and Ctrl-C are seen even
    // while every slot waits on a server that does not answer.
    ProgressHooks clientHooks;
    clientHooks.shouldStop = [&d] { return d.tick(); };

    Status st;
    d.db.setBusyTimeout(kRunBusyTimeoutMs);
    try {
        st = d.client->run(d, clientHooks);
    } catch (const Failure& f) {
        st = f.error();
    } catch (const std::exception& e) {
        st = Error{"internal", e.what()};
    }
    d.storeRemaining();

    RunOutcome out;
    auto result = guarded(
        [&] {
            // A last look at the row: a cancel/pause from another process may have come in.
            d.lastPoll = {};
            d.pollState();
            if (!st.ok()) {
                out = {JobState::Failed, st.error().message};
            } else if (d.allSatisfied()) {
                out = {JobState::Done, ""};
            } else if (d.failure) {
                out = {JobState::Failed, *d.failure};
            } else if (d.externalStop.load() == 2) {
                out = {JobState::Cancelled, "cancelled"};
            } else {
                out = {JobState::Paused, "paused"};
            }
            if (d.lostAnswers > 0) {
                std::string lost = std::to_string(d.lostAnswers) +
                                   " received answer(s) could not be stored (" + d.lastStoreError + ")";
                out = {JobState::Failed, out.state == JobState::Failed ? out.message + "; " + lost : lost};
            }
            d.retryWrite([&] {
                d.finish(out.state,
                         out.state == JobState::Done || out.state == JobState::Paused ? "" : out.message);
            });
            if (out.state == JobState::Done) {
                // Rows still pending can only be leftovers of a changed mix: nothing more is needed.
                auto q = d.db.prepare("SELECT state FROM jobs WHERE id = ?");
                q.bind(1, d.jobId);
                if (q.step() && q.getText(0) == "cancelled") out = {JobState::Cancelled, "cancelled"};
            }
        },
        "db");
    d.db.setBusyTimeout(kDefaultBusyTimeoutMs);
    if (!result) return result.error();
    return out;
}

} // namespace synthembed::gen
