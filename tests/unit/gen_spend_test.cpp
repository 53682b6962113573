// Generation never overspends (issue 13): the spend guard and budgets, refusals of one prompt, task
// reuse, answers kept through a locked database, response caps and timeouts, key hygiene and a
// responsive stop. The real CLI against the real HTTP test server, checked in the project file and
// against what the server says it received.
//
// SYNTHEMBED_TEST_CLI=/path/to/an/older/synthembed-cli runs the same checks against another build
// (how these tests were shown to fail before the fix).

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/gen/runner.h"
#include "core/store/project.h"
#include "core/store/sqlite.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <signal.h>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

CommandResult cli(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), cliExecutable());
    return runCommand(args, env);
}

std::vector<std::string> generateArgs(const std::string& db, const FakeLlmServer& server,
                                      const std::string& families, int count, int concurrency = 4) {
    return {"generate",
            "--db",
            db,
            "--endpoint",
            server.baseUrl(),
            "--llm-model",
            "fake-model",
            "--family",
            families,
            "--count",
            std::to_string(count),
            "--concurrency",
            std::to_string(concurrency),
            "--backoff",
            "0.02",
            "--seed",
            "11"};
}

std::vector<std::string> plus(std::vector<std::string> a, std::initializer_list<std::string> more) {
    a.insert(a.end(), more);
    return a;
}

json jobsJson(const std::string& db) {
    auto r = cli({"jobs", "list", "--db", db, "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::array() : j;
}

// 0 while the CLI has not created the file or its tables yet.
std::int64_t queryInt(const std::string& db, const std::string& sql) {
    try {
        db::Database d(db, db::OpenMode::ReadOnly);
        d.setBusyTimeout(5000);
        return d.queryInt(sql);
    } catch (const Failure&) {
        return 0;
    }
}

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

template <class Pred> bool waitFor(Pred pred, double seconds) {
    auto t0 = Clock::now();
    while (!pred()) {
        if (secondsSince(t0) > seconds) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

// Runs the CLI on a thread (so a test can act while it runs, whichever binary it is).
struct Background {
    CommandResult result;
    std::atomic<bool> done{false};
    Clock::time_point finishedAt;
    std::thread thread;
    explicit Background(std::vector<std::string> args) {
        thread = std::thread([this, args] {
            result = cli(args);
            finishedAt = Clock::now();
            done = true;
        });
    }
    ~Background() {
        if (thread.joinable()) thread.join();
    }
    void join() { thread.join(); }
};

} // namespace

// A model whose answers never follow the template (the issue's stories260K case): the job fails
// with the guard's reason quoting the last answer, having bought no more than the budget.
TEST(GenSpend, AlwaysInvalidAnswersStopAtTheRejectBudget) {
    // (After 300 answers the server turns valid, so a build without the guard ends instead of
    // buying forever, and fails the checks below.)
    FakeLlmServer server(json::array({{{"mode", "not_json"}, {"limit", 300}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = cli(generateArgs(db, server, "sts", 5, 4));
    EXPECT_NE(r.exitCode, 0) << r.out;
    EXPECT_NE(r.err.find("spend guard"), std::string::npos) << r.err;
    auto total = server.stats()["total"].get<int>();
    // Default budget: 30 rejects in a row; at most the requests already in flight come on top.
    EXPECT_LE(total, 30 + 4);
    EXPECT_GE(total, 30);
    auto jobs = jobsJson(db);
    ASSERT_EQ(jobs.size(), 1u);
    auto& j = jobs[0];
    EXPECT_EQ(j["state"], "failed");
    auto error = j["error"].is_string() ? j["error"].get<std::string>() : std::string();
    EXPECT_NE(error.find("spend guard"), std::string::npos) << error;
    EXPECT_NE(error.find("Sure! Here is some prose"), std::string::npos)
        << "quotes the last answer: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << "one line";
    EXPECT_LT(error.size(), 600u);
    // Every paid answer is stored, with its usage.
    EXPECT_EQ(j["rejected"].get<int>(), total);
    EXPECT_EQ(j["completion_tokens"].get<std::int64_t>(),
              server.stats()["completion_tokens"].get<std::int64_t>());

    // Rerunning the same command buys nothing: the run of rejects is the job's, not the run's.
    auto again = cli(generateArgs(db, server, "sts", 5, 4));
    EXPECT_NE(again.exitCode, 0);
    EXPECT_NE(again.err.find("spend guard"), std::string::npos) << again.err;
    EXPECT_EQ(server.stats()["total"].get<int>(), total);

    // A smaller budget from the command line is honoured too.
    FakeLlmServer second(json::array({{{"mode", "invalid_sample"}, {"limit", 300}}}));
    auto db2 = (dir / "q.synthembed").string();
    auto r2 = cli(plus(generateArgs(db2, second, "sts", 5, 2), {"--max-rejects-in-row", "6"}));
    EXPECT_NE(r2.exitCode, 0);
    EXPECT_LE(second.stats()["total"].get<int>(), 6 + 2);
}

TEST(GenSpend, RejectShareAfterWarmupStopsTheJob) {
    // 85% of the answers are rejected: never 30 in a row by chance here, but far more than 4 per
    // accepted one once 100 answers came back.
    FakeLlmServer server(json::array({{{"mode", "invalid_sample"}, {"ratio", 0.85}, {"limit", 2000}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = cli(plus(generateArgs(db, server, "sts", 200, 4), {"--max-rejects-in-row", "0"}));
    EXPECT_NE(r.exitCode, 0);
    auto jobs = jobsJson(db);
    ASSERT_EQ(jobs.size(), 1u) << r.err;
    auto& j = jobs[0];
    EXPECT_EQ(j["state"], "failed");
    EXPECT_NE(j["error"].dump().find("rejected or refused"), std::string::npos) << j["error"];
    EXPECT_LT(server.stats()["total"].get<int>(), 200);
}

TEST(GenSpend, MaxRequestsAndMaxCostBudgets) {
    FakeLlmServer server(json::array({{{"mode", "invalid_sample"}, {"ratio", 0.5}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = cli(plus(generateArgs(db, server, "sts", 40, 3), {"--max-requests", "7"}));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("request budget"), std::string::npos) << r.err;
    EXPECT_EQ(server.stats()["total"], 7);
    auto jobs = jobsJson(db);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["state"], "failed");
    EXPECT_EQ(jobs[0]["requests_done"], 7); // what was bought is stored
    // Rerunning with the same budget buys nothing more: the budget counts over all runs.
    auto again = cli(plus(generateArgs(db, server, "sts", 40, 3), {"--max-requests", "7"}));
    EXPECT_NE(again.exitCode, 0);
    EXPECT_EQ(server.stats()["total"], 7);

    // A cost budget needs the model's price, and is checked before anything is sent.
    FakeLlmServer priced;
    auto db2 = (dir / "q.synthembed").string();
    auto noPrice = cli(plus(generateArgs(db2, priced, "sts", 40, 2), {"--max-cost-usd", "0.01"}));
    EXPECT_NE(noPrice.exitCode, 0);
    EXPECT_NE(noPrice.err.find("llm.prices"), std::string::npos) << noPrice.err;
    EXPECT_EQ(priced.stats()["total"], 0);
    {
        auto p = store::Project::open(db2);
        ASSERT_TRUE(p.ok()) << p.error().message;
        // $1000 per million tokens: a request here costs roughly $0.1.
        p->setSetting("llm.prices", R"({"fake-model": {"prompt": 1000.0, "completion": 1000.0}})");
    }
    auto capped = cli(plus(generateArgs(db2, priced, "sts", 40, 2), {"--max-cost-usd", "1.0"}));
    EXPECT_NE(capped.exitCode, 0);
    EXPECT_NE(capped.err.find("cost budget"), std::string::npos) << capped.err;
    auto j = jobsJson(db2);
    ASSERT_FALSE(j.empty());
    ASSERT_TRUE(j[0]["cost_usd"].is_number()) << j[0];
    EXPECT_LE(j[0]["cost_usd"].get<double>(), 1.0);
    EXPECT_GT(j[0]["cost_usd"].get<double>(), 0.5); // the budget was used, not wasted
    EXPECT_LT(priced.stats()["total"].get<int>(), 40);
}

// A 400 for some prompts (context too long, content policy) fails those requests only: they are
// recorded with their reason, never sent again, and the job reaches its exact target.
TEST(GenSpend, RefusedPromptsFailAloneAndTheJobReachesItsTarget) {
    FakeLlmServer server(json::array({{{"mode", "status_400"}, {"ratio", 0.25}, {"by_prompt", true}},
                                      {{"mode", "content_filter"}, {"ratio", 0.3}, {"by_prompt", true}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = cli(generateArgs(db, server, "sts,short-short", 30, 4));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "done");
    EXPECT_EQ(j["accepted"], 30);
    EXPECT_GT(j["requests_failed"].get<int>(), 0);
    EXPECT_EQ(j["requests_refused"], j["requests_failed"]);
    EXPECT_EQ(
        queryInt(db, "SELECT count(*) FROM requests WHERE state = 'failed' AND error NOT LIKE 'refused:%'"),
        0);
    EXPECT_GT(queryInt(db,
                       "SELECT count(*) FROM requests WHERE state = 'failed' AND error LIKE '%HTTP 400%' AND "
                       "http_status = 400"),
              0);
    EXPECT_GT(
        queryInt(db,
                 "SELECT count(*) FROM requests WHERE state = 'failed' AND error LIKE '%content filter%'"),
        0);
    // No request was sent twice, and a rerun sends nothing.
    auto st = server.stats();
    EXPECT_EQ(st["request_id_duplicates"], 0);
    auto again = cli(generateArgs(db, server, "sts,short-short", 30, 4));
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(server.stats()["total"], st["total"]);
}

TEST(GenSpend, RefusedPromptsAreNotSentAgainOnResume) {
    FakeLlmServer server(json::array({{{"mode", "status_400"}, {"ratio", 0.3}, {"by_prompt", true}}}), 60);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    Background run(generateArgs(db, server, "sts", 60, 3));
    ASSERT_TRUE(waitFor(
        [&] { return queryInt(db, "SELECT count(*) FROM requests WHERE state = 'failed'") >= 2; }, 30));
    auto p = cli({"jobs", "pause", "1", "--db", db});
    ASSERT_EQ(p.exitCode, 0) << p.err;
    run.join();
    EXPECT_EQ(run.result.exitCode, 0) << run.result.err;
    auto refused = queryInt(db, "SELECT count(*) FROM requests WHERE state = 'failed'");
    auto r = cli(generateArgs(db, server, "sts", 60, 3));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(jobsJson(db)[0]["accepted"], 60);
    EXPECT_GE(queryInt(db, "SELECT count(*) FROM requests WHERE state = 'failed'"), refused);
    // Each refused request reached the server exactly once, across the pause and the resume.
    auto st = server.stats(true);
    db::Database d(db, db::OpenMode::ReadOnly);
    auto q = d.prepare("SELECT id FROM requests WHERE state = 'failed'");
    int checked = 0;
    while (q.step()) {
        auto rid = "synthembed-1-" + std::to_string(q.getInt(0));
        ASSERT_TRUE(st["per_request"].contains(rid)) << rid;
        EXPECT_EQ(st["per_request"][rid]["count"], 1) << rid;
        ++checked;
    }
    EXPECT_GE(checked, 2);
}

// A temperature-0 server answers every brainstorm with the same 20 tasks: each task serves up to
// --examples-per-task generate requests, so the job still finishes.
TEST(GenSpend, IdenticalBrainstormsFinishByReusingTasks) {
    FakeLlmServer server(json::array({{{"kind", "brainstorm"}, {"mode", "same_tasks"}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = cli(generateArgs(db, server, "short-long", 45, 4));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "done");
    EXPECT_EQ(j["accepted"], 45);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM gen_tasks"), 20);
    EXPECT_LE(queryInt(db, "SELECT count(*) FROM requests WHERE kind = 'brainstorm'"), 3);
    // Every generate request used a stored task, none more than 3 times (the default).
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE kind = 'generate' AND task NOT IN "
                           "(SELECT task FROM gen_tasks)"),
              0);
    EXPECT_LE(queryInt(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM requests WHERE kind = 'generate' "
                           "GROUP BY task)"),
              3);
    // --examples-per-task 1 restores one example per task: 20 tasks cannot make 45 examples.
    auto db2 = (dir / "q.synthembed").string();
    auto one = cli(plus(generateArgs(db2, server, "short-long", 45, 4), {"--examples-per-task", "1"}));
    EXPECT_NE(one.exitCode, 0);
    EXPECT_NE(one.err.find("no new task"), std::string::npos) << one.err;
}

// Another writer holds the project's write lock longer than SQLite's 10 s busy timeout (e.g. a long
// `samples dedup`): the answers that arrive meanwhile are kept and stored once the lock is free.
TEST(GenSpend, ALockedDatabaseLosesNoAnswer) {
    FakeLlmServer server({}, 150);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    Background run(generateArgs(db, server, "sts", 80, 4));
    ASSERT_TRUE(waitFor([&] { return queryInt(db, "SELECT count(*) FROM samples") >= 4; }, 60));
    {
        db::Database holder(db, db::OpenMode::ReadWrite);
        holder.setBusyTimeout(5000);
        db::Transaction lock(holder);
        std::this_thread::sleep_for(std::chrono::seconds(11));
        lock.commit();
    }
    run.join();
    ASSERT_EQ(run.result.exitCode, 0) << run.result.err;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "done");
    EXPECT_EQ(j["accepted"], 80);
    auto st = server.stats();
    // Every answer the server gave was stored: none was bought twice, none is missing.
    EXPECT_EQ(st["request_id_ok_duplicates"], 0);
    EXPECT_EQ(j["requests_done"].get<int>(), st["total"].get<int>());
    EXPECT_EQ(j["prompt_tokens"].get<std::int64_t>(), st["prompt_tokens"].get<std::int64_t>());
}

TEST(GenSpend, EndlessAnswersAreCutAtTheResponseCap) {
    FakeLlmServer server(json::array({{{"mode", "endless"}, {"ratio", 0.2}, {"by_prompt", true}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto t0 = Clock::now();
    // The default cap (8 MiB) is reached in a fraction of a second; --max-response-mb changes it.
    auto r = cli(plus(generateArgs(db, server, "sts", 20, 4), {"--timeout", "3", "--max-attempts", "2"}));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_LT(secondsSince(t0), 20.0);
    EXPECT_EQ(jobsJson(db)[0]["accepted"], 20);
    EXPECT_GT(queryInt(db, "SELECT count(*) FROM requests WHERE state = 'failed' AND error LIKE '%size cap%' "
                           "AND attempts = 1"),
              0);
}

TEST(GenSpend, TimeoutsMustBePositive) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    for (const char* opt : {"--timeout", "--connect-timeout"}) {
        auto r = cli(plus(generateArgs(db, server, "sts", 3), {opt, "0"}));
        EXPECT_NE(r.exitCode, 0) << opt;
    }
    EXPECT_EQ(server.stats()["total"], 0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM jobs"), 0);
}

// A key pasted where the variable's name belongs is refused without being repeated, and appears
// in neither the project file nor the log.
TEST(GenSpend, APlantedKeyIsNeverStoredOrEchoed) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    ASSERT_TRUE(store::Project::create(db).ok());
    for (std::string planted : {"sk-proj-PLANTEDkey0123456789abcdefXYZ", "PLANTEDkey0123456789abcdefXYZ"}) {
        auto r = cli(plus(generateArgs(db, server, "sts", 3), {"--api-key-env", planted, "--verbose"}));
        EXPECT_NE(r.exitCode, 0);
        EXPECT_EQ(r.err.find("PLANTED"), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find("PLANTED"), std::string::npos) << r.out;
        EXPECT_NE(r.err.find("environment variable"), std::string::npos) << r.err;
    }
    EXPECT_EQ(server.stats()["total"], 0);
    // The key's value, read from a properly named variable, is never stored or logged either.
    auto ok =
        cli(plus(generateArgs(db, server, "sts", 3), {"--api-key-env", "SYNTHEMBED_TEST_KEY", "--verbose"}),
            {"SYNTHEMBED_TEST_KEY=sk-proj-PLANTEDvalue0123456789abcdef"});
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_EQ(ok.err.find("PLANTED"), std::string::npos);
    for (auto& f : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(readFile(f.path()).find("PLANTED"), std::string::npos) << f.path();
}

// Pause from another process while every request hangs: the job stops within about a second (the
// transfers are aborted, their rows go back to pending, unpaid), not after the request timeout.
TEST(GenSpend, PauseStopsWithinASecondWhileTheServerHangs) {
    FakeLlmServer server(json::array({{{"mode", "hang"}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    Background run(plus(generateArgs(db, server, "sts", 10, 4), {"--timeout", "8"}));
    ASSERT_TRUE(waitFor([&] { return server.stats()["total"].get<int>() >= 4; }, 60));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto p = cli({"jobs", "pause", "1", "--db", db});
    ASSERT_EQ(p.exitCode, 0) << p.err;
    auto paused = Clock::now();
    ASSERT_TRUE(waitFor([&] { return run.done.load(); }, 30));
    double took = std::chrono::duration<double>(run.finishedAt - paused).count();
    EXPECT_LT(took, 2.0); // the state poll (300 ms) + the drain (800 ms) + process exit
    run.join();
    EXPECT_EQ(run.result.exitCode, 0) << run.result.err;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "paused");
    EXPECT_EQ(j["requests_done"], 0);
    EXPECT_EQ(j["requests_in_flight"], 0);
}

// SIGTERM (a service manager stopping the program) pauses the job the same way: never left `running`.
TEST(GenSpend, SigtermLeavesThePausedJobNotRunning) {
    FakeLlmServer server(json::array({{{"mode", "hang"}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    Background run(plus(generateArgs(db, server, "sts", 10, 4), {"--timeout", "8"}));
    ASSERT_TRUE(waitFor([&] { return server.stats()["total"].get<int>() >= 4; }, 60));
    auto pid = queryInt(db, "SELECT COALESCE(runner_pid, 0) FROM jobs WHERE id = 1");
    ASSERT_GT(pid, 0);
    auto t0 = Clock::now();
    ASSERT_EQ(kill(static_cast<pid_t>(pid), SIGTERM), 0);
    ASSERT_TRUE(waitFor([&] { return run.done.load(); }, 30));
    EXPECT_LT(std::chrono::duration<double>(run.finishedAt - t0).count(), 2.0);
    run.join();
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "paused");
    EXPECT_EQ(j["requests_in_flight"], 0);
}

// The GUI's path: requestCancel() from another thread while the server hangs returns within a
// second with the job cancelled.
TEST(GenSpend, RunnerCancelReturnsWithinASecond) {
    FakeLlmServer server(json::array({{{"mode", "hang"}}}));
    TempDir dir;
    auto project = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(project.ok()) << project.error().message;
    gen::JobSpec spec;
    spec.families = {{"sts", 1.0}};
    spec.target = 10;
    spec.client.endpoints = {{server.baseUrl(), "", 0}};
    spec.client.model = "fake-model";
    spec.client.concurrency = 3;
    spec.client.totalTimeoutMs = 60'000;
    auto id = gen::createJob(*project, spec);
    ASSERT_TRUE(id.ok()) << id.error().message;
    gen::GenerationRunner runner(*project, *id);
    Clock::time_point cancelledAt;
    std::thread canceller([&] {
        waitFor([&] { return server.stats()["total"].get<int>() >= 3; }, 30);
        cancelledAt = Clock::now();
        runner.requestCancel();
    });
    auto out = runner.run();
    auto returned = Clock::now();
    canceller.join();
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->state, gen::JobState::Cancelled);
    EXPECT_LT(std::chrono::duration<double>(returned - cancelledAt).count(), 1.0);
    auto stats = gen::jobStats(*project, *id);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->requestsInFlight, 0);
    EXPECT_EQ(stats->requestsDone, 0);
}
