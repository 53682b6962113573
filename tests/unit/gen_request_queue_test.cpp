// RequestQueue: the typed home of a generation job's rows, checked on a real project file.

#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/gen/request_queue.h"
#include "core/store/project.h"

#include <thread>

using namespace synthembed;
using namespace synthembed::test;

namespace {

std::int64_t newJob(const store::Project& p) {
    gen::JobSpec spec;
    spec.families = {{"short-long", 1.0}};
    spec.target = 5;
    spec.client.endpoints = {{"http://127.0.0.1:9/v1", "", 0}};
    spec.client.model = "m";
    auto id = gen::createJob(p, spec);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return *id;
}

prompts::RenderedPrompt prompt(const std::string& text) {
    prompts::RenderedPrompt p;
    p.text = text;
    p.templateName = "short-long.generate";
    p.values = {{"task", "find recipes"}, {"language", "German"}};
    return p;
}

llm::ChatResult answer(std::int64_t id, const std::string& content, llm::Usage usage) {
    llm::ChatResult r;
    r.id = id;
    r.outcome = llm::Outcome::Ok;
    r.content = content;
    r.usage = usage;
    r.attempts = 1;
    r.httpStatus = 200;
    return r;
}

gen::SampleRow sample(std::int64_t requestId, bool accepted, const std::string& hash = "") {
    gen::SampleRow s;
    s.requestId = requestId;
    s.family = "short-long";
    s.accepted = accepted;
    s.rejectReason = accepted ? "" : "no_json: prose";
    if (accepted) {
        s.query = "q" + std::to_string(requestId);
        s.positive = "p";
    }
    s.textHash = hash;
    s.rawOutput = "raw";
    return s;
}

} // namespace

TEST(RequestQueue, RowsRoundTripAndTotals) {
    TempDir dir;
    auto project = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(project.ok()) << project.error().message;
    auto jobId = newJob(*project);
    gen::RequestQueue q(project->db(), jobId);
    EXPECT_EQ(q.jobState(), "pending");
    q.claim();
    EXPECT_EQ(q.jobState(), "running");
    q.checkNotRunElsewhere(); // this process runs it: no error

    auto brain = q.add("short-long", "brainstorm", prompt("list tasks"), std::nullopt, "", 0);
    auto g1 = q.add("short-long", "generate", prompt("write one"), brain, "find recipes", 0);
    auto g2 = q.add("short-long", "generate", prompt("write two"), brain, "find recipes", 1);
    auto g3 = q.add("short-long", "generate", prompt("write three"), brain, "find poems", 2);
    auto r = q.request(g1);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->kind, "generate");
    EXPECT_EQ(r->state, "pending");
    EXPECT_EQ(r->prompt.text, "write one");
    EXPECT_EQ(r->prompt.templateName, "short-long.generate");
    ASSERT_EQ(r->prompt.values.size(), 2u);
    EXPECT_EQ(r->prompt.values[0].first, "task"); // order kept
    EXPECT_EQ(r->prompt.step, prompts::Step::Generate);
    EXPECT_FALSE(q.request(999).has_value());

    // Tasks: stored once per job, uses counted from the generate rows that carry them.
    auto t1 = q.addTask("short-long", brain, "find recipes");
    auto t2 = q.addTask("short-long", brain, "find poems");
    ASSERT_TRUE(t1 && t2);
    EXPECT_FALSE(q.addTask("short-long", brain, "find recipes").has_value());
    EXPECT_EQ(q.taskText(*t2), "find poems");
    q.markTaskUsed(*t1, g2);
    auto tasks = q.tasks();
    ASSERT_EQ(tasks.size(), 2u);
    EXPECT_EQ(tasks[0].uses, 2);
    EXPECT_EQ(tasks[1].uses, 1);

    // In flight -> pending again after a crash.
    q.markInFlight({g1, g2});
    EXPECT_EQ(q.request(g1)->state, "in_flight");
    EXPECT_EQ(q.requeueInFlight(), 2);
    EXPECT_EQ(q.pendingCount(), 4);

    // Answers: an accepted one, then a refusal and a reject (the guard's trailing run).
    q.markAnswered(brain, "done", answer(brain, "[...]", {10, 20}), "");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    q.markAnswered(g1, "done", answer(g1, "{...}", {30, 5}), "");
    q.addSample(sample(g1, true, "h1"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    llm::ChatResult refused;
    refused.id = g2;
    refused.outcome = llm::Outcome::Refused;
    refused.attempts = 1;
    refused.httpStatus = 400;
    q.markAnswered(g2, "failed", refused, "refused: HTTP 400");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    q.markAnswered(g3, "done", answer(g3, "prose", {7, 70}), "no_json: prose");
    q.addSample(sample(g3, false));
    EXPECT_EQ(q.acceptedSampleWithHash("h1"), std::optional<std::int64_t>(1));
    EXPECT_FALSE(q.acceptedSampleWithHash("h2").has_value());

    auto t = q.totals();
    EXPECT_EQ(t.acceptedByFamily["short-long"], 1);
    EXPECT_EQ(t.rejected, 1);
    EXPECT_EQ(t.refused, 1);
    EXPECT_EQ(t.sent, 4);
    EXPECT_EQ(t.answered, 3);
    EXPECT_EQ(t.trailingRejects, 2); // the refusal and the reject after the accepted answer
    EXPECT_EQ(t.usage.promptTokens, 47);
    EXPECT_EQ(t.usage.completionTokens, 95);
    EXPECT_EQ(t.largest.promptTokens, 30);
    EXPECT_EQ(t.largest.completionTokens, 70);
    EXPECT_EQ(t.tasks, 2);
    EXPECT_TRUE(t.pendingIds.empty());
    EXPECT_EQ((t.nextSeq[{"short-long", "generate"}]), 3);

    // A row never sent can be dropped; a sent one cannot.
    auto extra = q.add("short-long", "brainstorm", prompt("more"), std::nullopt, "", 1);
    q.dropPending(extra);
    q.dropPending(g3);
    EXPECT_FALSE(q.request(extra).has_value());
    EXPECT_TRUE(q.request(g3).has_value());

    // finish() clears the runner; a job cancelled meanwhile stays cancelled.
    ASSERT_TRUE(gen::cancelJob(*project, jobId).ok());
    q.finish(gen::JobState::Paused, "");
    EXPECT_EQ(q.jobState(), "cancelled");
    EXPECT_THROW(q.claim(), Failure);
}
