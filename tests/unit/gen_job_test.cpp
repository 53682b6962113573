// The generation queue end to end: the real CLI against the real HTTP test server, checked in the
// project's SQLite file and against what the server says it received.

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/gen/runner.h"
#include "core/store/project.h"

#include <chrono>
#include <thread>

#include <signal.h>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;

namespace {

std::vector<std::string> generateArgs(const std::string& db, const FakeLlmServer& server, const std::string& families,
                                      int count, int concurrency = 4) {
    return {"generate",      "--db",         db,         "--endpoint", server.baseUrl(), "--llm-model",
            "fake-model",    "--family",     families,   "--count",    std::to_string(count),
            "--concurrency", std::to_string(concurrency), "--backoff", "0.02", "--seed", "11"};
}

json jobsJson(const std::string& db) {
    auto r = runCli({"jobs", "list", "--db", db, "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return json::parse(r.out);
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

} // namespace

TEST(GenJob, ExactCountRejectsWithReasonsAndUsageEqualToServer) {
    // A third of generate answers miss their keys, a tenth are prose: they must become rejects.
    FakeLlmServer server(json::array({{{"match", "JSON object"}, {"mode", "invalid_sample"}, {"ratio", 0.3}},
                                      {{"match", "JSON object"}, {"mode", "not_json"}, {"ratio", 0.1}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = runCli(generateArgs(db, server, "short-long,sts,long-short", 45));
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;

    auto jobs = jobsJson(db);
    ASSERT_EQ(jobs.size(), 1u);
    auto& j = jobs[0];
    EXPECT_EQ(j["state"], "done");
    EXPECT_EQ(j["target"], 45);
    EXPECT_EQ(j["accepted"], 45);
    EXPECT_GT(j["rejected"].get<int>(), 0);
    for (const char* key : {"target", "accepted", "rejected", "requests", "prompt_tokens", "completion_tokens", "state"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["accepted_by_family"]["short-long"], 15);
    EXPECT_EQ(j["accepted_by_family"]["sts"], 15);
    EXPECT_EQ(j["accepted_by_family"]["long-short"], 15);

    // Exactly 45 accepted rows; every reject has a reason and the raw answer.
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status = 'accepted'"), 45);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status = 'rejected'"), j["rejected"].get<int>());
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status = 'rejected' AND (reject_reason IS NULL OR "
                           "reject_reason = '' OR raw_output IS NULL)"),
              0);
    EXPECT_GT(queryInt(db, "SELECT count(*) FROM samples WHERE reject_reason LIKE 'missing_key%'"), 0);
    EXPECT_GT(queryInt(db, "SELECT count(*) FROM samples WHERE reject_reason LIKE 'no_json%'"), 0);
    // Accepted samples carry the sampled placeholder values and their language.
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status = 'accepted' AND (sampled_values = '{}' OR "
                           "language = '' OR query IS NULL OR positive IS NULL)"),
              0);
    // The job pinned the project's stored template versions; every sample points at its template.
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE template_id IS NULL"), 0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM jobs WHERE config LIKE '%\"sts.generate\":1%'"), 1);
    // Two-step families: brainstorms ran, their tasks were stored and each generate used one task.
    EXPECT_GT(queryInt(db, "SELECT count(*) FROM requests WHERE kind = 'brainstorm' AND state = 'done'"), 0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE kind = 'generate' AND family = 'short-long' AND "
                           "(task IS NULL OR parent_id IS NULL)"),
              0);

    // Usage equals what the server reported, and nothing was sent twice.
    auto st = server.stats();
    EXPECT_EQ(j["prompt_tokens"].get<std::int64_t>(), st["prompt_tokens"].get<std::int64_t>());
    EXPECT_EQ(j["completion_tokens"].get<std::int64_t>(), st["completion_tokens"].get<std::int64_t>());
    EXPECT_EQ(j["requests"].get<int>(), st["total"].get<int>());
    EXPECT_EQ(st["request_ids"], st["total"]);
    EXPECT_EQ(st["request_id_duplicates"], 0);

    // Rerunning the same command does nothing more: the job is done.
    auto again = runCli(generateArgs(db, server, "short-long,sts,long-short", 45));
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(server.stats()["total"], st["total"]);
    EXPECT_EQ(jobsJson(db).size(), 1u);
}

TEST(GenJob, RetriesInsideAJob) {
    FakeLlmServer server(json::array({{{"mode", "status_429"}, {"attempts", 1}, {"retry_after", 0.1}, {"ratio", 0.5}},
                                      {{"mode", "status_500"}, {"attempts", 1}, {"ratio", 0.3}},
                                      {{"mode", "truncated"}, {"attempts", 1}, {"ratio", 0.1}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = runCli(generateArgs(db, server, "sts,bitext", 30, 6));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["accepted"], 30);
    auto st = server.stats();
    EXPECT_GT(st["by_status"]["429"].get<int>(), 0);
    EXPECT_EQ(j["attempts"].get<int>(), st["total"].get<int>());
    EXPECT_GT(j["attempts"].get<int>(), j["requests"].get<int>());
    EXPECT_EQ(j["prompt_tokens"].get<std::int64_t>(), st["prompt_tokens"].get<std::int64_t>());
    // The latest retry stays on the job row, in the server's or curl's words, for other windows.
    EXPECT_FALSE(j["last_error"].get<std::string>().empty()) << j.dump();
}

TEST(GenJob, BadKeyStopsWithClearMessageThenResumes) {
    FakeLlmServer server(json::array({{{"mode", "status_401"}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto r = runCli(generateArgs(db, server, "sts", 10, 1));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("API key"), std::string::npos) << r.err;
    EXPECT_EQ(server.stats()["total"], 1); // no retry
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "failed");
    EXPECT_NE(j["error"].get<std::string>().find("401"), std::string::npos);

    // Fixed key: the same command resumes the same job and finishes it.
    server.setRules(json::array());
    auto ok = runCli(generateArgs(db, server, "sts", 10, 1));
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    auto jobs = jobsJson(db);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["accepted"], 10);
    EXPECT_EQ(jobs[0]["state"], "done");
}

TEST(GenJob, MissingKeyVariableFailsBeforeSending) {
    FakeLlmServer server;
    TempDir dir;
    auto args = generateArgs((dir / "p.synthembed").string(), server, "sts", 3);
    args.insert(args.end(), {"--api-key-env", "SYNTHEMBED_TEST_UNSET_KEY"});
    auto r = runCli(args);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("SYNTHEMBED_TEST_UNSET_KEY"), std::string::npos) << r.err;
    EXPECT_EQ(server.stats()["total"], 0);
    // The key's value is read from the environment and never stored.
    auto withKey = runCli(args, {"SYNTHEMBED_TEST_UNSET_KEY=sk-secret-value-123"});
    ASSERT_EQ(withKey.exitCode, 0) << withKey.err;
    auto dump = readFile(dir / "p.synthembed");
    EXPECT_EQ(dump.find("sk-secret-value-123"), std::string::npos);
}

TEST(GenJob, PauseAndCancelFromAnotherProcess) {
    FakeLlmServer server({}, 100);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    int pid = spawnCli(generateArgs(db, server, "sts", 400, 4), dir / "out", dir / "err");
    // Wait for some progress, then pause through the job row.
    for (int i = 0; i < 300 && queryInt(db, "SELECT count(*) FROM samples") < 8; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto p = runCli({"jobs", "pause", "1", "--db", db});
    ASSERT_EQ(p.exitCode, 0) << p.err;
    int code = waitForProcess(pid);
    EXPECT_EQ(code, 0) << readFile(dir / "err");
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "paused");
    EXPECT_LT(j["accepted"].get<int>(), 400);
    EXPECT_EQ(j["requests_in_flight"], 0); // drained: in-flight answers were stored
    auto before = server.stats();
    EXPECT_EQ(before["request_id_duplicates"], 0);

    // Resume in the background again, then cancel.
    int pid2 = spawnCli({"jobs", "resume", "1", "--db", db}, dir / "out2", dir / "err2");
    auto accepted0 = j["accepted"].get<int>();
    for (int i = 0; i < 300 && queryInt(db, "SELECT count(*) FROM samples") < accepted0 + 8; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto c = runCli({"jobs", "cancel", "1", "--db", db});
    ASSERT_EQ(c.exitCode, 0) << c.err;
    EXPECT_EQ(waitForProcess(pid2), 3) << readFile(dir / "err2");
    auto jc = jobsJson(db)[0];
    EXPECT_EQ(jc["state"], "cancelled");
    EXPECT_GT(jc["accepted"].get<int>(), accepted0);
    // Nothing answered was sent again across pause and resume.
    EXPECT_EQ(server.stats()["request_id_ok_duplicates"], 0);
}

TEST(GenJob, CtrlCPausesAfterStoringInFlightAnswers) {
    FakeLlmServer server({}, 150);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    int pid = spawnCli(generateArgs(db, server, "sts", 300, 6), dir / "out", dir / "err");
    for (int i = 0; i < 300 && queryInt(db, "SELECT count(*) FROM samples") < 6; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(kill(pid, SIGINT), 0);
    EXPECT_EQ(waitForProcess(pid), 0) << readFile(dir / "err");
    EXPECT_NE(readFile(dir / "out").find("paused"), std::string::npos) << readFile(dir / "out");
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "paused");
    EXPECT_EQ(j["requests_in_flight"], 0);
    // Every request the server answered was stored: none is pending with an answer lost.
    auto st = server.stats();
    EXPECT_EQ(j["requests_done"].get<int>(), st["total"].get<int>());
    EXPECT_EQ(j["prompt_tokens"].get<std::int64_t>(), st["prompt_tokens"].get<std::int64_t>());
}

TEST(GenJob, RunnerInProcessWithLiveStatsAndPause) {
    FakeLlmServer server({}, 50);
    TempDir dir;
    auto project = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(project.ok()) << project.error().message;
    gen::JobSpec spec;
    spec.families = {{"short-short", 1.0}, {"sts", 3.0}};
    spec.target = 40;
    spec.seed = 3;
    spec.client.endpoints = {{server.baseUrl(), "", 0}};
    spec.client.model = "fake-model";
    spec.client.concurrency = 4;
    auto id = gen::createJob(*project, spec);
    ASSERT_TRUE(id.ok());

    gen::GenerationRunner runner(*project, *id);
    std::atomic<bool> stopWatcher{false};
    std::int64_t maxSeen = 0;
    // A second thread (as a GUI would) polls live stats and pauses the job midway.
    std::thread watcher([&] {
        while (!stopWatcher) {
            auto l = runner.live();
            maxSeen = std::max(maxSeen, l.accepted);
            if (l.accepted >= 10) {
                runner.requestPause();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    auto out = runner.run();
    stopWatcher = true;
    watcher.join();
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->state, gen::JobState::Paused);
    EXPECT_GE(maxSeen, 10);
    auto stats = gen::jobStats(*project, *id);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->state, gen::JobState::Paused);
    EXPECT_LT(stats->accepted, 40);

    gen::GenerationRunner again(*project, *id);
    auto done = again.run();
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->state, gen::JobState::Done);
    stats = gen::jobStats(*project, *id);
    EXPECT_EQ(stats->accepted, 40);
    EXPECT_EQ(stats->acceptedByFamily["sts"], 30);
    EXPECT_EQ(stats->acceptedByFamily["short-short"], 10);
    EXPECT_EQ(server.stats()["request_id_ok_duplicates"], 0);
    // Cost estimate from per-model prices in the project's settings (USD per million tokens).
    EXPECT_FALSE(stats->costUsd.has_value());
    project->setSetting("llm.prices", R"({"fake-model": {"prompt": 2.0, "completion": 8.0}})");
    stats = gen::jobStats(*project, *id);
    ASSERT_TRUE(stats->costUsd.has_value());
    EXPECT_DOUBLE_EQ(*stats->costUsd, (2.0 * static_cast<double>(stats->usage.promptTokens) +
                                       8.0 * static_cast<double>(stats->usage.completionTokens)) /
                                          1e6);
    EXPECT_GT(stats->usage.promptTokens, 0);
}

TEST(GenJob, PersistentFailuresFailTheJob) {
    FakeLlmServer server(json::array({{{"mode", "status_500"}}}));
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto args = generateArgs(db, server, "sts", 5, 2);
    args.insert(args.end(), {"--max-attempts", "2"});
    auto r = runCli(args);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("HTTP 500"), std::string::npos) << r.err;
    auto j = jobsJson(db)[0];
    EXPECT_EQ(j["state"], "failed");
    EXPECT_EQ(j["accepted"], 0);
    EXPECT_GT(j["requests_failed"].get<int>(), 0);
    EXPECT_NE(j["last_error"].get<std::string>().find("HTTP 500"), std::string::npos) << j.dump();
}

TEST(GenJob, SplitTargetAndSpecChecks) {
    auto s = gen::splitTarget({{"a", 1}, {"b", 1}, {"c", 1}}, 10);
    EXPECT_EQ(s["a"] + s["b"] + s["c"], 10);
    EXPECT_EQ(s["a"], 4);
    auto w = gen::splitTarget({{"a", 3}, {"b", 1}}, 10);
    EXPECT_EQ(w["a"], 8); // 7.5 rounds to the larger remainder first
    EXPECT_EQ(w["b"], 2);
    gen::JobSpec bad;
    bad.families = {{"nope", 1}};
    bad.target = 3;
    bad.client.endpoints = {{"http://x", "", 0}};
    bad.client.model = "m";
    auto st = gen::validateSpec(bad);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("nope"), std::string::npos);
}
