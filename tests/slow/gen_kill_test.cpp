// Crash safety: kill -9 the real CLI in the middle of a generation job (twice), rerun the same
// command, and check the final count is exact and no request that was done before a kill was sent
// again (the server counts every request by its X-Client-Request-Id and by prompt).

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/store/sqlite.h"
#include "core/util/result.h"

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <signal.h>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;

namespace {

std::int64_t queryInt(const std::string& db, const std::string& sql) {
    try {
        db::Database d(db, db::OpenMode::ReadOnly);
        d.setBusyTimeout(5000);
        return d.queryInt(sql);
    } catch (const Failure&) {
        return 0;
    }
}

struct Snapshot {
    std::map<std::string, int> doneRequestIds; // X-Client-Request-Id of rows done at the kill -> server count
    std::set<std::string> donePrompts;         // generate prompts done at the kill
    std::int64_t inFlight = 0;                 // received by the server, not stored as done
};

Snapshot snapshot(const std::string& dbPath, const json& serverStats) {
    Snapshot s;
    db::Database d(dbPath, db::OpenMode::ReadOnly);
    d.setBusyTimeout(5000);
    auto st = d.prepare("SELECT job_id, id, kind, prompt, state FROM requests");
    auto& per = serverStats["per_request"];
    while (st.step()) {
        auto rid = "synthembed-" + std::to_string(st.getInt(0)) + "-" + std::to_string(st.getInt(1));
        auto state = st.getText(4);
        if (state != "done") {
            if (per.contains(rid)) s.inFlight++;
            continue;
        }
        s.doneRequestIds[rid] = per.contains(rid) ? per[rid]["count"].get<int>() : 0;
        if (st.getText(2) == "generate") s.donePrompts.insert(st.getText(3));
    }
    return s;
}

} // namespace

TEST(GenKill, KillNineMidJobThenRerunIsExactAndSendsNothingDoneTwice) {
    // 150 ms per answer and 8 in flight: about 50 answers/s, so a 300-sample job runs for seconds
    // and each kill lands while requests are in flight.
    FakeLlmServer server(json::array({{{"match", "JSON object"}, {"mode", "invalid_sample"}, {"ratio", 0.15}}}), 150);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    const int target = 300;
    std::vector<std::string> args = {"generate",   "--db",     db,           "--endpoint", server.baseUrl(),
                                     "--llm-model", "fake",    "--family",   "short-long,sts", "--count",
                                     std::to_string(target), "--concurrency", "8", "--seed", "5"};

    std::vector<Snapshot> snaps;
    for (int round = 0; round < 2; ++round) {
        int pid = spawnCli(args, dir / "out", dir / "err");
        std::int64_t goal = 60 + 80 * round;
        for (int i = 0; i < 600 && queryInt(db, "SELECT count(*) FROM samples WHERE status='accepted'") < goal; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ASSERT_EQ(kill(pid, SIGKILL), 0);
        ASSERT_EQ(waitForProcess(pid), 128 + SIGKILL) << readFile(dir / "err");
        // Let the server finish answering the requests that the dead client left behind.
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        auto snap = snapshot(db, server.stats(true));
        EXPECT_LT(queryInt(db, "SELECT count(*) FROM samples WHERE status='accepted'"), target);
        EXPECT_GT(snap.inFlight, 0) << "round " << round << ": the kill should land with requests in flight";
        // The job row still says running: a crash leaves no chance to update it.
        EXPECT_EQ(queryInt(db, "SELECT count(*) FROM jobs WHERE state='running'"), 1);
        snaps.push_back(std::move(snap));
    }

    auto r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;

    // Exactly the target, one job, every request settled.
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status='accepted'"), target);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM jobs"), 1);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM jobs WHERE state='done'"), 1);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE state IN ('in_flight','pending')"), 0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples GROUP BY request_id HAVING count(*) > 1"), 0);
    EXPECT_GT(queryInt(db, "SELECT count(*) FROM samples WHERE status='rejected' AND reject_reason <> ''"), 0);

    // No request done before a kill reached the server again afterwards.
    auto finalStats = server.stats(true);
    auto& per = finalStats["per_request"];
    for (auto& snap : snaps)
        for (auto& [rid, countAtKill] : snap.doneRequestIds) {
            ASSERT_TRUE(per.contains(rid)) << rid;
            EXPECT_EQ(per[rid]["count"].get<int>(), countAtKill) << rid << " was sent again after being done";
        }
    // Generate prompts carry a unique task (short-long) or sampled values; those done at a kill
    // were not answered again either.
    std::map<std::string, int> promptOk;
    for (auto& [h, rec] : finalStats["per_prompt"].items()) promptOk[rec["prompt"].get<std::string>()] = rec["ok"];
    for (auto& snap : snaps)
        for (auto& p : snap.donePrompts) EXPECT_GE(promptOk[p], 1);
    // Requests in flight at a kill were sent again (at most once more per kill), nothing else twice.
    std::int64_t resent = finalStats["request_id_duplicates"].get<std::int64_t>();
    EXPECT_GT(resent, 0);
    EXPECT_LE(resent, snaps[0].inFlight + snaps[1].inFlight);

    // Usage stored equals the server's for every answer the project kept; answers lost in a kill
    // (answered by the server after the client died) are the only difference.
    auto jobs = json::parse(runCli({"jobs", "list", "--db", db, "--json"}).out);
    EXPECT_EQ(jobs[0]["accepted"], target);
    EXPECT_LE(jobs[0]["prompt_tokens"].get<std::int64_t>(), finalStats["prompt_tokens"].get<std::int64_t>());
}
