// Training data: JSONL and project samples, the instruction format, the seeded batch order, and
// run recording in the project.

#include "core/store/project.h"
#include "core/train/data.h"
#include "core/train/run_store.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace synthembed;
using namespace synthembed::train;

TEST(TrainData, QueryFormatFollowsE5Mistral) {
    EXPECT_EQ(formatQuery("Given a claim, retrieve evidence", "cats purr"),
              "Instruct: Given a claim, retrieve evidence\nQuery: cats purr");
    EXPECT_EQ(formatQuery("", "cats purr"), "cats purr");
}

TEST(TrainData, JsonlWithNegativesAndInstructions) {
    test::TempDir dir;
    test::writeFile(dir / "d.jsonl",
                    "{\"query\":\"q1\",\"positive\":\"p1\",\"negative\":\"n1\",\"instruction\":\"task A\"}\n"
                    "\n"
                    "{\"query\":\"q2\",\"positive\":\"p2\",\"negative\":[\"n2a\",\"n2b\"],\"family\":\"sts\"}\n"
                    "{\"query\":\"q3\",\"positive\":\"p3\"}\n");
    auto r = loadJsonl(dir / "d.jsonl");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].instruction, "task A");
    EXPECT_EQ((*r)[0].negatives, std::vector<std::string>{"n1"});
    EXPECT_EQ((*r)[1].negatives.size(), 2u);
    EXPECT_EQ((*r)[1].family, "sts");
    EXPECT_TRUE((*r)[2].negatives.empty());
}

TEST(TrainData, JsonlErrorsNameTheLine) {
    test::TempDir dir;
    test::writeFile(dir / "bad.jsonl", "{\"query\":\"q\",\"positive\":\"p\"}\n{\"query\":\"q\"}\n");
    auto r = loadJsonl(dir / "bad.jsonl");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("bad.jsonl:2"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("positive"), std::string::npos) << r.error().message;
    test::writeFile(dir / "bad2.jsonl", "{\"query\":\"q\",\"positive\":\"p\"}\nnot json\n");
    auto r2 = loadJsonl(dir / "bad2.jsonl");
    ASSERT_FALSE(r2);
    EXPECT_NE(r2.error().message.find("bad2.jsonl:2"), std::string::npos);
    EXPECT_FALSE(loadJsonl(dir / "missing.jsonl"));
}

TEST(TrainData, ProjectSamplesFilteredByFamilyAndStatus) {
    test::TempDir dir;
    auto project = store::Project::create(dir / "p.synthembed").take();
    auto ins = project.db().prepare(
        "INSERT INTO samples(family, instruction, language, query, positive, negative, status) VALUES (?,?,?,?,?,?,?)");
    ins.bindAll("short-long", "Find docs", "en", "q1", "p1", "n1", "accepted").run();
    ins.bindAll("short-long", "Find docs", "de", "q2", "p2", "[\"a\",\"b\"]", "edited").run();
    ins.bindAll("sts", "", "en", "q3", "p3", "", "accepted").run();
    ins.bindAll("sts", "", "en", "q4", "p4", "", "rejected").run();
    auto all = loadProjectSamples(dir / "p.synthembed", {});
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[1].negatives, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE((*all)[2].negatives.empty());
    SampleFilter f;
    f.families = {"short-long"};
    f.languages = {"en"};
    auto some = loadProjectSamples(dir / "p.synthembed", f);
    ASSERT_TRUE(some);
    ASSERT_EQ(some->size(), 1u);
    EXPECT_EQ((*some)[0].query, "q1");
    f.families = {"bitext"};
    EXPECT_FALSE(loadProjectSamples(dir / "p.synthembed", f));
    // Counts per family, language and status (every status; samples without a query left out).
    ins.bindAll("sts", "", "en", "q5", "p5", "", "accepted").run();
    ins.bindAll("sts", "", "en", "", "p6", "", "accepted").run();
    auto counts = countProjectSamples(project);
    ASSERT_TRUE(counts) << counts.error().message;
    std::map<std::string, std::int64_t> byKey;
    for (const auto& c : *counts) byKey[c.family + "/" + c.language + "/" + c.status] = c.count;
    EXPECT_EQ(byKey, (std::map<std::string, std::int64_t>{{"short-long/de/edited", 1},
                                                          {"short-long/en/accepted", 1},
                                                          {"sts/en/accepted", 2},
                                                          {"sts/en/rejected", 1}}));
}

TEST(TrainData, BatchOrderIsSeededCompleteAndPerFamily) {
    std::vector<std::string> fam(23, "a");
    for (int i = 0; i < 9; ++i) fam[i * 2] = "b";
    BatchPlan p(fam, 4, 7, BatchMix::Random), same(fam, 4, 7, BatchMix::Random), other(fam, 4, 8, BatchMix::Random);
    ASSERT_EQ(p.batchesPerEpoch(), 5); // 23 / 4, last partial dropped
    std::set<std::size_t> seen;
    for (int k = 0; k < 5; ++k)
        for (auto i : p.batch(k)) EXPECT_TRUE(seen.insert(i).second) << "index repeated within an epoch";
    EXPECT_EQ(seen.size(), 20u);
    bool differs = false;
    for (int k = 0; k < 10; ++k) {
        EXPECT_EQ(p.batch(k), same.batch(k));
        differs |= p.batch(k) != other.batch(k);
    }
    EXPECT_TRUE(differs);
    EXPECT_NE(p.batch(0), p.batch(5)); // a new permutation each epoch
    BatchPlan f(fam, 4, 7, BatchMix::SameFamily);
    EXPECT_EQ(f.batchesPerEpoch(), 2 + 3); // b: 9 -> 2 batches, a: 14 -> 3
    for (int k = 0; k < 5; ++k) {
        auto b = f.batch(k);
        for (auto i : b) EXPECT_EQ(fam[i], fam[b[0]]);
    }
}

TEST(TrainData, RunsAndMetricsAreRecorded) {
    test::TempDir dir;
    TrainConfig c;
    c.modelDir = "base";
    c.outputDir = (dir / "out").string();
    c.name = "r1";
    auto rec = RunRecorder::open(dir / "p.synthembed", c, "{}", 0);
    ASSERT_TRUE(rec) << rec.error().message;
    StepMetrics m;
    for (int s = 1; s <= 3; ++s) {
        m.step = s;
        m.loss = 1.0 / s;
        (*rec)->record(m);
    }
    (*rec)->finish("stopped");
    const auto id = (*rec)->runId();
    auto series = loadRunMetrics(dir / "p.synthembed", id);
    ASSERT_TRUE(series);
    bool found = false;
    for (auto& s : *series)
        if (s.name == "loss") {
            found = true;
            ASSERT_EQ(s.points.size(), 3u);
            EXPECT_DOUBLE_EQ(s.points[2].second, 1.0 / 3);
        }
    EXPECT_TRUE(found);
    // Resume reuses the row and drops metrics after the checkpoint step.
    c.resume = true;
    auto again = RunRecorder::open(dir / "p.synthembed", c, "{}", 1);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->runId(), id);
    (*again)->finish("done");
    auto project = store::Project::open(dir / "p.synthembed").take();
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(*) FROM train_metrics WHERE name='loss'"), 1);
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(*) FROM training_runs WHERE state='done'"), 1);
    // The runs table's view: newest first, last step and last loss, a run without metrics has neither.
    c.resume = false;
    c.name = "r2";
    auto second = RunRecorder::open(dir / "p.synthembed", c, "{\"lr\":1}", 0);
    ASSERT_TRUE(second);
    (*second)->finish("failed", "out of memory");
    auto runs = listRuns(project.db());
    ASSERT_TRUE(runs) << runs.error().message;
    ASSERT_EQ(runs->size(), 2u);
    EXPECT_EQ((*runs)[0].name, "r2");
    EXPECT_EQ((*runs)[0].state, "failed");
    EXPECT_EQ((*runs)[0].error, "out of memory");
    EXPECT_EQ((*runs)[0].configJson, "{\"lr\":1}");
    EXPECT_FALSE((*runs)[0].step);
    EXPECT_FALSE((*runs)[0].loss);
    EXPECT_EQ((*runs)[1].id, id);
    EXPECT_EQ((*runs)[1].state, "done");
    EXPECT_EQ((*runs)[1].error, "");
    EXPECT_EQ((*runs)[1].step, 1);
    EXPECT_DOUBLE_EQ((*runs)[1].loss.value_or(-1), 1.0);
    EXPECT_EQ((*runs)[1].finishedAt.size(), 24u) << (*runs)[1].finishedAt; // 2026-01-31T12:00:00.123Z
}

TEST(TrainData, DevExampleCountIsWhatSplitDevHoldsOut) {
    // The GUI's run builder shows devExampleCount before a run; the trainer splits with splitDev.
    for (std::size_t total : {0u, 1u, 3u, 4u, 10u, 209u, 214u, 1000u})
        for (double fraction : {0.0, 0.01, 0.05, 0.1, 0.25, 0.5}) {
            std::vector<train::TrainExample> all(total);
            auto [trainPart, devPart] = train::splitDev(std::move(all), fraction, 7);
            EXPECT_EQ(devPart.size(), train::devExampleCount(total, fraction)) << total << " " << fraction;
            EXPECT_EQ(trainPart.size() + devPart.size(), total);
        }
    EXPECT_EQ(train::devExampleCount(214, 0.0), 0u);
    EXPECT_EQ(train::devExampleCount(214, 0.05), 10u);
    EXPECT_EQ(train::devExampleCount(4, 0.01), 1u); // at least one once there are four
}
