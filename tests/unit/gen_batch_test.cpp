// Issue 13, last two core items, end to end with the real CLI against the real HTTP test server:
// an OpenAI Batch export marks the requests it wrote (a later `generate` does not buy them again,
// importing the Batch results completes them), and rate limits belong to each endpoint (a limited
// endpoint does not slow the others).
//
// SYNTHEMBED_TEST_CLI=/path/to/an/older/synthembed-cli runs the same checks against another build
// (how these tests were shown to fail before the fix).

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/store/sqlite.h"
#include "core/util/result.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), cliExecutable());
    return runCommand(args);
}

std::vector<std::string> generateArgs(const std::string& db, const FakeLlmServer& server, int count) {
    return {"generate",
            "--db",
            db,
            "--endpoint",
            server.baseUrl(),
            "--llm-model",
            "fake-model",
            "--family",
            "sts",
            "--count",
            std::to_string(count),
            "--concurrency",
            "2",
            "--seed",
            "5",
            "--backoff",
            "0.02"};
}

std::vector<std::string> plus(std::vector<std::string> a, std::initializer_list<std::string> more) {
    a.insert(a.end(), more);
    return a;
}

int serverTotal(const FakeLlmServer& s) {
    return s.stats()["total"].get<int>();
}

json jobJson(const std::string& db, int id = 1) {
    auto r = cli({"jobs", "show", std::to_string(id), "--db", db, "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::object() : j;
}

std::vector<json> readJsonl(const std::filesystem::path& path) {
    std::vector<json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

// Plays the Batch API: sends each request line's body to the server and writes the result file.
std::string playBatch(const FakeLlmServer& server, const std::vector<json>& lines) {
    std::ostringstream results;
    for (const auto& l : lines) {
        auto body = httpPost(server.baseUrl() + "/chat/completions", l["body"].dump());
        results << json({{"id", "batch_req_x"},
                         {"custom_id", l["custom_id"]},
                         {"response",
                          {{"status_code", 200}, {"request_id", "r"}, {"body", json::parse(body)}}},
                         {"error", nullptr}})
                       .dump()
                << "\n";
    }
    return results.str();
}

// -1 when the query fails (a project written by an older build has no batch_file column).
std::int64_t query(const std::string& db, const std::string& sql) {
    try {
        db::Database d(db, db::OpenMode::ReadOnly);
        return d.queryInt(sql);
    } catch (const Failure&) {
        return -1;
    }
}

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

TEST(GenBatch, ExportedRequestsAreNotBoughtAgainAndTheImportCompletesThem) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    // A first run bought 4 of the 10 answers (request budget), the rest go through the Batch API.
    auto first = cli(plus(generateArgs(db, server, 10), {"--max-requests", "4"}));
    ASSERT_NE(first.exitCode, 0);
    ASSERT_EQ(serverTotal(server), 4) << first.err;

    auto batch = dir / "batch.jsonl";
    auto ex = cli({"export", "--db", db, "--format", "openai-batch", "--job", "1", "--output", batch.string(),
                   "--json"});
    ASSERT_EQ(ex.exitCode, 0) << ex.err;
    EXPECT_EQ(json::parse(ex.out)["written"], 6);
    auto lines = readJsonl(batch);
    ASSERT_EQ(lines.size(), 6u);

    // The same generate command (budget lifted) buys none of the exported requests again, and
    // says what the job waits on.
    auto again = cli(generateArgs(db, server, 10));
    EXPECT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(serverTotal(server), 4) << "exported requests were bought again";
    EXPECT_NE(again.out.find("batch.jsonl"), std::string::npos) << again.out;
    EXPECT_EQ(jobJson(db)["state"], "paused");
    EXPECT_EQ(query(db, "SELECT count(*) FROM requests WHERE state = 'exported' AND batch_file LIKE "
                        "'%batch.jsonl'"),
              6);
    EXPECT_EQ(jobJson(db)["requests_exported"], 6);
    // A second export writes nothing twice.
    auto ex2 = cli({"export", "--db", db, "--format", "openai-batch", "--job", "1", "--output",
                    (dir / "batch2.jsonl").string(), "--json"});
    ASSERT_EQ(ex2.exitCode, 0) << ex2.err;
    EXPECT_EQ(json::parse(ex2.out)["written"], 0);

    // A result file that is not this job's is refused before anything is stored.
    writeFile(dir / "other.jsonl",
              json({{"custom_id", "request-9999"},
                    {"response", {{"status_code", 200}, {"body", {{"choices", json::array()}}}}},
                    {"error", nullptr}})
                      .dump() +
                  "\n");
    auto wrong = cli({"import", "--db", db, "--batch-results", (dir / "other.jsonl").string(), "--job", "1"});
    EXPECT_NE(wrong.exitCode, 0);
    EXPECT_NE(wrong.err.find("request-9999"), std::string::npos) << wrong.err;

    // The Batch API answers; importing the results completes the job without a live request.
    writeFile(dir / "results.jsonl", playBatch(server, lines));
    ASSERT_EQ(serverTotal(server), 10);
    auto im = cli(
        {"import", "--db", db, "--batch-results", (dir / "results.jsonl").string(), "--job", "1", "--json"});
    ASSERT_EQ(im.exitCode, 0) << im.err;
    auto imj = json::parse(im.out);
    EXPECT_EQ(imj["stored"], 6);
    EXPECT_EQ(imj["not_exported"], 0);
    auto job = jobJson(db);
    EXPECT_EQ(job["state"], "done");
    EXPECT_EQ(job["accepted"], 10);
    EXPECT_EQ(job["requests_exported"], 0);
    EXPECT_EQ(job["prompt_tokens"].get<std::int64_t>(), server.stats()["prompt_tokens"].get<std::int64_t>());
    // Nothing left to buy.
    auto done = cli(generateArgs(db, server, 10));
    EXPECT_EQ(done.exitCode, 0) << done.err;
    EXPECT_EQ(serverTotal(server), 10);
}

// A job planned offline and exported whole: generate sends nothing, and a result file for rows
// that were not marked (exported by an older build) is stored all the same, counted as such.
TEST(GenBatch, UnmarkedRowsInAResultFileAreStoredAndCounted) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto first = cli(plus(generateArgs(db, server, 6), {"--max-requests", "1"}));
    ASSERT_NE(first.exitCode, 0);
    auto batch = dir / "batch.jsonl";
    ASSERT_EQ(
        cli({"export", "--db", db, "--format", "openai-batch", "--job", "1", "--output", batch.string()})
            .exitCode,
        0);
    auto lines = readJsonl(batch);
    ASSERT_EQ(lines.size(), 5u);
    {
        // What an export by an older build left: rows written to the file but still pending.
        db::Database d(db, db::OpenMode::ReadWrite);
        try {
            d.execute("UPDATE requests SET state = 'pending', batch_file = NULL WHERE state = 'exported'");
        } catch (const Failure&) {
            // (an older build: no such column, and the rows are pending already)
        }
    }
    writeFile(dir / "results.jsonl", playBatch(server, lines));
    auto im = cli(
        {"import", "--db", db, "--batch-results", (dir / "results.jsonl").string(), "--job", "1", "--json"});
    ASSERT_EQ(im.exitCode, 0) << im.err;
    auto imj = json::parse(im.out);
    EXPECT_EQ(imj["stored"], 5);
    EXPECT_EQ(imj["not_exported"], 5);
    EXPECT_EQ(jobJson(db)["accepted"], 6);
}

// A Batch file that will never run gives its requests back; the next run buys them.
TEST(GenBatch, ReleasedExportsAreBoughtByTheNextRun) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    ASSERT_NE(cli(plus(generateArgs(db, server, 6), {"--max-requests", "2"})).exitCode, 0);
    auto batch = dir / "batch.jsonl";
    ASSERT_EQ(
        cli({"export", "--db", db, "--format", "openai-batch", "--job", "1", "--output", batch.string()})
            .exitCode,
        0);
    auto other = cli({"jobs", "release-batch", "1", "--db", db, "--batch", (dir / "other.jsonl").string()});
    EXPECT_NE(other.exitCode, 0);
    EXPECT_NE(other.err.find("no requests exported"), std::string::npos) << other.err;
    auto rel = cli({"jobs", "release-batch", "1", "--db", db, "--batch", batch.string(), "--json"});
    ASSERT_EQ(rel.exitCode, 0) << rel.err;
    EXPECT_EQ(json::parse(rel.out)["released"], 4);
    auto run = cli(generateArgs(db, server, 6));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(serverTotal(server), 6);
    EXPECT_EQ(jobJson(db)["state"], "done");
}

TEST(GenRateLimits, ALimitedEndpointDoesNotSlowTheOther) {
    FakeLlmServer slow({}, 20), fast({}, 20);
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    // 6 requests/min on one endpoint (one now, the next in 10 s), none on the other.
    auto t0 = Clock::now();
    auto r = cli({"generate", "--db", db, "--endpoint", slow.baseUrl(), "--endpoint", fast.baseUrl(),
                  "--llm-model", "fake-model", "--family", "sts", "--count", "16", "--concurrency", "4",
                  "--rpm", slow.baseUrl() + "=6", "--seed", "3"});
    double took = secondsSince(t0);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_LT(took, 8.0) << "the unlimited endpoint waited on the limited one";
    EXPECT_LE(serverTotal(slow), 1 + static_cast<int>(took / 10.0));
    EXPECT_GE(serverTotal(fast), 15);
    {
        db::Database d(db, db::OpenMode::ReadOnly);
        auto q = d.prepare("SELECT config FROM jobs WHERE id = 1");
        ASSERT_TRUE(q.step());
        auto cfg = json::parse(q.getText(0));
        auto eps = cfg["client"]["endpoints"];
        ASSERT_EQ(eps.size(), 2u);
        EXPECT_EQ(eps[0]["requests_per_minute"], 6.0);
        EXPECT_FALSE(eps[1].contains("requests_per_minute"));
    }

    // The plain form is every endpoint's default; an endpoint's own value overrides it (0 = none).
    auto db2 = (dir / "q.synthembed").string();
    slow.reset();
    fast.reset();
    t0 = Clock::now();
    auto r2 = cli({"generate", "--db", db2, "--endpoint", slow.baseUrl() + "," + fast.baseUrl(),
                   "--llm-model", "fake-model", "--family", "sts", "--count", "12", "--concurrency", "4",
                   "--rpm", "6", "--rpm", fast.baseUrl() + "=0", "--seed", "4"});
    took = secondsSince(t0);
    ASSERT_EQ(r2.exitCode, 0) << r2.err;
    EXPECT_LT(took, 8.0);
    EXPECT_LE(serverTotal(slow), 1 + static_cast<int>(took / 10.0));

    // A limit for a URL that is not an endpoint is an error that names it.
    auto bad = cli({"generate", "--db", db2, "--endpoint", fast.baseUrl(), "--llm-model", "fake-model",
                    "--family", "sts", "--count", "1", "--tpm", "http://elsewhere:1/v1=100"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("elsewhere"), std::string::npos) << bad.err;
}
