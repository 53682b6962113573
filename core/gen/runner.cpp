#include "core/gen/runner.h"

#include "core/gen/request_queue.h"
#include "core/gen/text_hash.h"
#include "core/llm/pricing.h"
#include "core/prompts/answer.h"
#include "core/prompts/library.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/render.h"
#include "core/prompts/rng.h"
#include "core/util/log.h"
#include "core/util/paths.h"

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

using Clock = std::chrono::steady_clock;

namespace {

// Independent seed per (family, step), so adding a family to a mix does not change the others.
std::uint64_t streamSeed(std::uint64_t seed, const std::string& family, prompts::Step step) {
    std::uint64_t s = seed ^ fnv1a64(family + "/" + prompts::stepName(step));
    return prompts::splitmix64(s);
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
    using InFlight = QueuedRequest; // what a request in flight needs for its answer
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
    RequestQueue queue; // every read and write of the job's rows
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
    // Rows written to OpenAI Batch files and not imported yet: outstanding (never planned again),
    // never sent by a run; when only they are left the run ends paused with this message.
    std::int64_t exportedCount = 0;
    std::vector<std::string> batchFiles;
    std::optional<std::string> waitingOnBatch;
    std::atomic<int> externalStop{0}; // 1 pause, 2 cancel
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

    Impl(const store::Project& p, std::int64_t id) : project(p), db(p.db()), jobId(id), queue(p.db(), id) {}

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

    void acquire() { queue.claim(); }

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
                throw Failure("invalid",
                              "settings " + std::string(llm::kPricesSetting) + ": " + p.error().message);
            prices = std::move(p).take();
            probe = llm::estimateCost(*prices, spec.client.model, {1, 1});
        }
        if (!probe)
            throw Failure("invalid", "a cost budget needs the price of model '" + spec.client.model +
                                      "' in the project setting " + llm::kPricesSetting +
                                      " (USD per million tokens, e.g. {\"" + spec.client.model +
                                      "\": {\"prompt\": 0.15, \"completion\": 0.6}})");
    }

    void loadCounts() {
        // Crash recovery: whatever was in flight when the last run died is sent again.
        if (int n = queue.requeueInFlight(); n > 0)
            log::info("job ", jobId, ": ", n, " request(s) in flight at the last stop will be sent again");
        auto t = queue.totals();
        for (auto& f : families) {
            if (auto it = t.acceptedByFamily.find(f.name); it != t.acceptedByFamily.end())
                f.accepted = it->second;
            auto count = [&](const std::map<QueueTotals::FamilyKind, std::int64_t>& m, const char* kind) {
                auto it = m.find({f.name, kind});
                return it == m.end() ? std::int64_t{0} : it->second;
            };
            // Exported rows are outstanding: their answers come back through a Batch import.
            f.outstandingBrain = count(t.pending, "brainstorm") + count(t.exported, "brainstorm");
            f.outstandingGen = count(t.pending, "generate") + count(t.exported, "generate");
            f.nextBrainSeq = count(t.nextSeq, "brainstorm");
            f.nextGenSeq = count(t.nextSeq, "generate");
        }
        exportedCount = t.exportedCount;
        batchFiles = t.batchFiles;
        loadTaskSlots();
        ready.assign(t.pendingIds.begin(), t.pendingIds.end());

        std::int64_t accepted = 0, target = 0;
        for (auto& f : families) {
            accepted += f.accepted;
            target += f.target;
        }
        // The guard's view of the job so far: a rerun does not start the budgets from zero.
        guard.sent = t.sent;
        guard.paid = t.answered;
        guard.usage = t.usage;
        guard.largest = t.largest;
        guard.unproductive = t.rejected + t.refused;
        guard.answered = accepted + guard.unproductive;
        guard.rejectsInRow = t.trailingRejects; // a rerun does not get a fresh run of rejects
        updateLive([&](LiveStats& s) {
            s.target = target;
            s.accepted = accepted;
            s.rejected = t.rejected;
            s.tasks = t.tasks;
        });
    }

    // Each task serves spec.examplesPerTask generate requests; its uses are counted from the rows
    // (generate requests carry their task), so no extra state is stored.
    void loadTaskSlots() {
        for (auto& task : queue.tasks()) {
            Family* f = family(task.family);
            if (!f) continue;
            std::int64_t left = spec.examplesPerTask - task.uses;
            if (left <= 0) continue;
            f->taskSlots.push_back({task.id, task.requestId, static_cast<int>(left)});
            f->freeTasks += left;
        }
    }

    // ---- planning: create request rows (only as many as still needed) ----

    std::int64_t insertRequest(const Family& f, const char* kind, const prompts::RenderedPrompt& p,
                               std::optional<std::int64_t> parent, const std::string& task,
                               std::int64_t seq) {
        return queue.add(f.name, kind, p, parent, task, seq);
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
                    while (static_cast<std::int64_t>(ids.size()) < use && !slots.empty()) {
                        TaskSlot slot = slots.front();
                        slots.pop_front();
                        auto task = queue.taskText(slot.taskId);
                        if (!task) continue;
                        std::int64_t seq = f.nextGenSeq + static_cast<std::int64_t>(ids.size());
                        auto p =
                            renderOrThrow(*f.generate, prompts::Step::Generate, f, seq, {{"task", *task}});
                        auto rid = insertRequest(f, "generate", p, slot.parent, *task, seq);
                        queue.markTaskUsed(slot.taskId, rid);
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

    std::string batchWaitMessage() const {
        std::string files;
        for (const auto& f : batchFiles)
            files += (files.empty() ? "" : ", ") + f;
        return std::to_string(exportedCount) + " request(s) of this job are in OpenAI Batch file(s) " +
               files +
               " and are not bought again: import their results with `import --batch-results FILE --job " +
               std::to_string(jobId) + "`";
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
                auto state = queue.jobState();
                if (state == "paused" && externalStop.load() == 0) externalStop = 1;
                if (state == "cancelled") externalStop = 2;
                storeLastError();
            } catch (const Failure& e) {
                log::debug("job ", jobId, ": could not read the job's state (", e.what(), "); trying again");
            }
        }
        int stop = externalStop.load();
        if (stop && client) client->requestStop(stop == 1, kUserStopDrainMs);
    }

    // The latest retry or failure goes to the job row (at most every 200 ms, only when it changed),
    // so a window that does not run the job shows it too.
    std::string storedLastError;
    void storeLastError() {
        std::string latest;
        {
            std::lock_guard lk(liveMutex);
            latest = liveStats.lastError;
        }
        if (latest == storedLastError) return;
        queue.recordLastError(latest);
        storedLastError = std::move(latest);
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
        if (auto tripped = guardTripped()) {
            failure = *tripped;
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
        if (!failure) failure = guardTripped();
    }

    // The spend guard's verdict on the answers so far (also asked before buying, so a rerun of a
    // job that tripped it buys nothing until its limits are raised).
    std::optional<std::string> guardTripped() const {
        std::string last = guard.lastReject.empty() ? "" : " (last: " + guard.lastReject + ")";
        const std::string hint = "; raise --max-rejects-in-row (0 = off) to buy more for this job";
        if (spec.maxConsecutiveRejects > 0 && guard.rejectsInRow >= spec.maxConsecutiveRejects)
            return "spend guard: " + std::to_string(guard.rejectsInRow) +
                   " answers in a row were rejected or refused, nothing more was bought" + last + hint;
        if (spec.maxRejectRatio > 0 && guard.answered >= spec.rejectWarmup &&
            static_cast<double>(guard.unproductive) >
                spec.maxRejectRatio * static_cast<double>(guard.answered - guard.unproductive)) {
            std::ostringstream os;
            os << "spend guard: " << guard.unproductive << " of " << guard.answered
               << " answers were rejected or refused (more than " << spec.maxRejectRatio
               << " per accepted one), nothing more was bought" << last
               << "; raise --max-reject-ratio (0 = off) to buy more for this job";
            return os.str();
        }
        return std::nullopt;
    }

    // ---- RequestSource ----

    std::optional<InFlight> loadInFlight(std::int64_t id, std::string* state = nullptr) {
        auto r = queue.request(id);
        if (!r || !family(r->family)) return std::nullopt;
        if (state) *state = r->state;
        return r;
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
                if (!allSatisfied() && !failure && exportedCount > 0) {
                    waitingOnBatch = batchWaitMessage();
                    return Next::Finished;
                }
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
                queue.dropPending(id);
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
        queue.markInFlight(unmarked);
        unmarked.clear();
    }

    void markRequest(std::int64_t id, const char* state, const llm::ChatResult& r, const std::string& error) {
        flushInFlight();
        queue.markAnswered(id, state, r, error);
    }

    void onBrainstorm(Family& f, const llm::ChatResult& r) {
        auto tasks = prompts::parseTaskList(r.content);
        std::int64_t added = 0;
        markRequest(r.id, "done", r,
                    tasks ? std::string() : tasks.error().code + ": " + tasks.error().message);
        if (tasks) {
            for (auto& t : *tasks) {
                if (auto taskId = queue.addTask(f.name, r.id, t)) {
                    f.taskSlots.push_back({*taskId, r.id, std::max(1, spec.examplesPerTask)});
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
            if (auto dup = queue.acceptedSampleWithHash(hash))
                rejectReason = "duplicate: same normalised text as sample " + std::to_string(*dup);
        } else {
            rejectReason = outcome.rejectCode + ": " + outcome.rejectReason;
        }
        bool accepted = rejectReason.empty();
        markRequest(r.id, "done", r, accepted ? std::string() : rejectReason);
        SampleRow row;
        row.requestId = r.id;
        row.templateId = in.prompt.templateId;
        row.family = f.name;
        if (outcome.accepted()) {
            auto& s = *outcome.sample;
            if (s.templateId > 0) row.templateId = s.templateId;
            row.instruction = s.instruction;
            row.language = s.language;
            row.query = s.query;
            row.positive = s.positive;
            row.negative = s.negative;
            row.values = s.values;
        } else {
            row.instruction = in.prompt.value("task");
            row.language = prompts::sampleLanguage(in.prompt);
            row.values = in.prompt.values;
        }
        row.accepted = accepted;
        row.rejectReason = rejectReason;
        row.rawOutput = r.content;
        row.textHash = hash;
        row.usage = r.usage;
        queue.addSample(row);
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
                s.requestsRefused++;
                s.usage += r.usage;
                s.lastError = r.error;
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
            updateLive([&](LiveStats& s) {
                s.requestsFailed++;
                s.lastError = r.error;
            });
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
        updateLive([&](LiveStats& s) {
            s.retries++;
            s.lastError = why;
        });
    }

    void finish(JobState state, const std::string& message) { queue.finish(state, message); }

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
    d.queue.checkNotRunElsewhere();
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
            return d.queue.pendingCount();
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
            // Results for requests this job does not have are refused before anything is stored
            // (a result file of another job, or of another project).
            std::vector<std::int64_t> unknown;
            for (const auto& r : results)
                if (!d.loadInFlight(r.id)) unknown.push_back(r.id);
            if (!unknown.empty())
                throw Failure("batch",
                              std::to_string(unknown.size()) + " of " + std::to_string(results.size()) +
                                  " result(s) are for requests that job " + std::to_string(d.jobId) +
                                  " does not have (first: request-" + std::to_string(unknown.front()) +
                                  "); is this the result file of another job?");
            for (const auto& r : results) {
                std::string state;
                auto in = d.loadInFlight(r.id, &state);
                if (!in || state == "done" || state == "failed") {
                    c.skipped++;
                    continue;
                }
                // A row that was not marked exported (a file written before exports were marked)
                // has not been sent by any run either (done rows are skipped above): the paid
                // answer is stored all the same.
                if (state != "exported") c.notExported++;
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
            if (d.allSatisfied()) {
                d.finish(JobState::Done, "");
            } else if (d.queue.jobState() == "paused") {
                // The job's message named the Batch files it waited on: say what is left now.
                auto t = d.queue.totals();
                d.exportedCount = t.exportedCount;
                d.batchFiles = t.batchFiles;
                d.finish(JobState::Paused, t.exportedCount > 0 ? d.batchWaitMessage() : "");
            }
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
            if (d.queue.jobState() == "done") return true;
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
            } else if (d.waitingOnBatch) {
                out = {JobState::Paused, *d.waitingOnBatch};
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
                         out.state == JobState::Done || (out.state == JobState::Paused && !d.waitingOnBatch)
                             ? ""
                             : out.message);
            });
            if (out.state == JobState::Done) {
                // Rows still pending can only be leftovers of a changed mix: nothing more is needed.
                if (d.queue.jobState() == "cancelled") out = {JobState::Cancelled, "cancelled"};
            }
        },
        "db");
    d.db.setBusyTimeout(kDefaultBusyTimeoutMs);
    if (!result) return result.error();
    return out;
}

} // namespace synthembed::gen
