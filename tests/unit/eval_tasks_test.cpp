// Task runners on small files written by the tests, the embedding cache, results files, the
// project database and run comparison.

#include "core/eval/datasets.h"
#include "core/eval/embedding_cache.h"
#include "core/eval/results.h"
#include "core/eval/tasks.h"
#include "core/store/project.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace synthembed;
using namespace synthembed::eval;
using synthembed::test::TempDir;
using synthembed::test::writeFile;

namespace {
// An encoder with hand-chosen 2-D directions per text (angle in degrees after "@"), counting calls.
struct AngleEncoder : TextEncoder {
    int texts = 0;
    std::vector<std::string> seen;
    std::string fingerprint() const override { return "angles"; }
    std::string pooling() const override { return "none"; }
    Matrix encode(const std::vector<std::string>& in, const ProgressHooks&) override {
        Matrix m(in.size(), 2);
        for (std::size_t i = 0; i < in.size(); ++i) {
            seen.push_back(in[i]);
            const auto at = in[i].rfind('@');
            const double deg = at == std::string::npos ? 0.0 : std::stod(in[i].substr(at + 1));
            m.row(i)[0] = float(std::cos(deg * M_PI / 180));
            m.row(i)[1] = float(std::sin(deg * M_PI / 180));
        }
        texts += int(in.size());
        return m;
    }
};
} // namespace

TEST(EvalData, CsvQuotesHeadersAndColumns) {
    TempDir dir;
    writeFile(dir / "a.csv", "\"He said, \"\"hi\"\"\",b,1.5\r\nplain,\"multi\nline\",2\n");
    auto t = readTable(dir / "a.csv", {"sentence1"}, 2);
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_TRUE(t.header.empty());
    EXPECT_EQ(t.rows[0][0], "He said, \"hi\"");
    EXPECT_EQ(t.rows[1][1], "multi\nline");
    EXPECT_EQ(t.lines[1], 2u);
    writeFile(dir / "b.tsv", "id\tsentence_A\tsentence_B\trelatedness_score\n1\tx \"q\"\ty\t4.5\n");
    auto s = readTable(dir / "b.tsv", {"sentence_A"}, 3);
    ASSERT_EQ(s.header.size(), 4u);
    EXPECT_EQ(resolveColumn(s, "", {"sentence1", "sentence_A"}, 0, "first"), 1u);
    EXPECT_EQ(s.rows[0][1], "x \"q\"");
    EXPECT_THROW(resolveColumn(s, "nope", {}, 0, "x"), Failure);
    writeFile(dir / "c.csv", "a,\"open\n");
    EXPECT_THROW(readTable(dir / "c.csv", {}, -1), Failure);
}

TEST(EvalTasks, StsOnAngles) {
    TempDir dir;
    // cosines: 0 deg -> 1, 60 -> 0.5, 90 -> 0; gold agrees in order, so Spearman = 1.
    writeFile(dir / "test.jsonl", R"({"sentence1": "a@0", "sentence2": "b@0", "score": 5}
{"sentence1": "a@0", "sentence2": "c@60", "score": 2.5}
{"sentence1": "a@0", "sentence2": "d@90", "score": 0}
)");
    AngleEncoder enc;
    EvalOptions o;
    o.type = TaskType::Sts;
    o.data = dir.path();
    o.instruction = "";
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->mainScore, 1.0, 1e-12);
    EXPECT_EQ(r->mainMetric, "cosine_spearman");
    // Pearson of cos (1, .5, 0) with normalised gold (1, .5, 0) = 1
    EXPECT_NEAR(r->metrics["cosine_pearson"], 1.0, 1e-6);
    EXPECT_EQ(enc.texts, 4); // "a@0" embedded once
    EXPECT_EQ(r->perItem.values.size(), 3u);
    // a bad score names file and line
    writeFile(dir / "test.jsonl", "{\"sentence1\": \"a\", \"sentence2\": \"b\", \"score\": 1}\n{\"sentence1\": \"a\", \"sentence2\": \"b\", \"score\": \"x\"}\n");
    auto bad = runEval(enc, nullptr, o);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("test.jsonl:2"), std::string::npos) << bad.error().message;
}

TEST(EvalTasks, RetrievalBeirWithInstructionAndIdentityRule) {
    TempDir dir;
    writeFile(dir / "corpus.jsonl", R"({"_id": "d1", "title": "T", "text": "@10"}
{"_id": "d2", "title": "", "text": "@80"}
{"_id": "q1", "title": "", "text": "@0"}
{"_id": "d3", "title": "", "text": "@45"}
)");
    writeFile(dir / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"@0\"}\n{\"_id\": \"q2\", \"text\": \"unjudged@0\"}\n");
    std::filesystem::create_directories(dir / "qrels");
    writeFile(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td3\t1\n");
    AngleEncoder enc;
    EvalOptions o;
    o.type = TaskType::Retrieval;
    o.data = dir.path();
    o.instruction = "Find";
    // mteb 2.x's default keeps the document with the query's own id (ignore_identical_ids is off
    // except for ArguAna and Quora): q1 (0) ranks first, then d1 (10), d3 (45) at rank 3
    auto keep = runEval(enc, nullptr, o);
    ASSERT_TRUE(keep) << keep.error().message;
    EXPECT_NEAR(keep->metrics["ndcg_at_10"], 1 / std::log2(4.0), 1e-9);
    o.ignoreIdenticalIds = true;
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    // with the rule, the document with the query's own id is skipped; ranking d1 (10), d3 (45), d2 (80)
    EXPECT_NEAR(r->metrics["ndcg_at_1"], 0.0, 1e-12);
    EXPECT_NEAR(r->metrics["ndcg_at_10"], 1 / std::log2(3.0), 1e-9);
    EXPECT_NEAR(r->metrics["mrr_at_10"], 0.5, 1e-12);
    EXPECT_EQ(r->counts["queries"], 1.0);
    // documents as (title + " " + text).strip(), queries with the e5 instruction format
    EXPECT_NE(std::find(enc.seen.begin(), enc.seen.end(), "T @10"), enc.seen.end());
    EXPECT_NE(std::find(enc.seen.begin(), enc.seen.end(), "Instruct: Find\nQuery: @0"), enc.seen.end());
    EXPECT_NE(std::find(enc.seen.begin(), enc.seen.end(), "@80"), enc.seen.end());
}

// A model folder with sentence-transformers prompts: with no instruction given, queries get its
// "query" prompt and documents its "document" prompt (as is, no e5 format); an instruction given
// replaces them. Prompted and instructed vectors are cached apart.
TEST(EvalTasks, RetrievalUsesTheModelFoldersPrompts) {
    struct PromptedEncoder : AngleEncoder {
        std::map<std::string, std::string> prompts() const override {
            return {{"query", "q: "}, {"document", "d: "}};
        }
    };
    TempDir dir;
    writeFile(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"@10\"}\n{\"_id\": \"d2\", \"text\": \"@80\"}\n");
    writeFile(dir / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"@0\"}\n");
    std::filesystem::create_directories(dir / "qrels");
    writeFile(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    EmbeddingCache cache(dir / "cache.sqlite");
    PromptedEncoder enc;
    EvalOptions o;
    o.type = TaskType::Retrieval;
    o.data = dir.path();
    auto r = runEval(enc, &cache, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(enc.seen, (std::vector<std::string>{"d: @10", "d: @80", "q: @0"}));
    EXPECT_EQ(r->instruction, "");
    EXPECT_EQ(r->queryPrompt, std::optional<std::string>("q: "));
    EXPECT_EQ(r->documentPrompt, std::optional<std::string>("d: "));
    auto j = nlohmann::json::parse(resultToJson(*r, false));
    EXPECT_EQ(j["query_prompt"], "q: ");
    EXPECT_EQ(j["document_prompt"], "d: ");
    // Stored and read back.
    auto project = store::Project::create(dir / "p.db");
    ASSERT_TRUE(project) << project.error().message;
    auto id = storeResult(*project, *r);
    ASSERT_TRUE(id) << id.error().message;
    auto back = listResults(*project);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ(back->front().result.queryPrompt, std::optional<std::string>("q: "));
    // An instruction given: the e5 format for queries, no prompt for documents, nothing from the cache.
    enc.seen.clear();
    o.instruction = "Find";
    r = runEval(enc, &cache, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(enc.seen, (std::vector<std::string>{"@10", "@80", "Instruct: Find\nQuery: @0"}));
    EXPECT_FALSE(r->queryPrompt);
    EXPECT_EQ(nlohmann::json::parse(resultToJson(*r, false)).count("query_prompt"), 0u);
    // The prompted run again: all from the cache.
    enc.seen.clear();
    o.instruction.reset();
    r = runEval(enc, &cache, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(enc.seen.empty());
    EXPECT_EQ(r->counts["cache_hits"], 3.0);
}

TEST(EvalTasks, PairRerankBitextSummarizationClusteringClassification) {
    TempDir dir;
    AngleEncoder enc;
    EvalOptions o;
    o.instruction = "";
    o.data = dir / "data.jsonl";
    writeFile(o.data, R"({"sentence1": "x@0", "sentence2": "y@10", "label": 1}
{"sentence1": "x@0", "sentence2": "z@80", "label": 0}
{"sentence1": "x@0", "sentence2": "w@20", "label": 1}
)");
    o.type = TaskType::Pair;
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->mainScore, 1.0, 1e-12);
    EXPECT_NEAR(r->metrics["cos_sim_accuracy"], 1.0, 1e-12);

    writeFile(o.data, R"({"query": "q@0", "positive": ["p@30"], "negative": ["n@10", "m@60"]}
{"query": "q@0", "positive": ["p@5"], "negative": ["n@50"]}
)");
    o.type = TaskType::Rerank;
    r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->mainScore, (0.5 + 1.0) / 2, 1e-12); // AP 1/2 then 1
    EXPECT_NEAR(r->metrics["mrr_at_10"], (0.5 + 1.0) / 2, 1e-12);

    writeFile(o.data, "{\"sentence1\": \"a@0\", \"sentence2\": \"A@2\"}\n{\"sentence1\": \"b@90\", \"sentence2\": \"B@88\"}\n"
                      "{\"sentence1\": \"c@10\", \"sentence2\": \"C@80\"}\n");
    o.type = TaskType::Bitext;
    r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    // predictions 0, 1, 0: accuracy 2/3; F1 per class: 2/3, 1, 0 -> 5/9
    EXPECT_NEAR(r->metrics["accuracy"], 2.0 / 3, 1e-12);
    EXPECT_NEAR(r->mainScore, 5.0 / 9, 1e-12);

    writeFile(o.data, R"({"human_summaries": ["h@0", "g@90"], "machine_summaries": ["m@5", "n@40", "o@80"], "relevance": [3, 2, 1]}
)");
    o.type = TaskType::Summarization;
    r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    // max cosines: cos5, cos40, cos10 (ranks 3, 1, 2) vs relevance ranks 3, 2, 1 -> rho 0.5
    EXPECT_NEAR(r->mainScore, 0.5, 1e-12);

    std::string lines;
    for (int i = 0; i < 12; ++i) lines += "{\"text\": \"t" + std::to_string(i) + "@" + std::to_string(i < 6 ? i : 90 + i) +
                                          "\", \"label\": \"" + (i < 6 ? "a" : "b") + "\"}\n";
    writeFile(o.data, lines);
    o.type = TaskType::Clustering;
    r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->mainScore, 1.0, 1e-12);

    std::filesystem::create_directories(dir / "cls");
    writeFile(dir / "cls" / "train.jsonl", lines);
    writeFile(dir / "cls" / "test.jsonl", "{\"text\": \"u@3\", \"label\": \"a\"}\n{\"text\": \"v@95\", \"label\": \"b\"}\n");
    o.type = TaskType::Classification;
    o.data = dir / "cls";
    o.samplesPerLabel = 3;
    r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NEAR(r->mainScore, 1.0, 1e-12);
    EXPECT_NEAR(r->metrics["f1"], 1.0, 1e-12);
}

TEST(EvalTasks, ProgressCountsTextsOfTheWholeTaskWithStages) {
    TempDir dir;
    std::filesystem::create_directories(dir / "cls");
    std::string train;
    for (int i = 0; i < 40; ++i)
        train += "{\"text\": \"train " + std::to_string(i) + "\", \"label\": \"" + (i % 2 ? "a" : "b") + "\"}\n";
    writeFile(dir / "cls" / "train.jsonl", train);
    writeFile(dir / "cls" / "test.jsonl", "{\"text\": \"u one\", \"label\": \"a\"}\n{\"text\": \"v two\", \"label\": \"b\"}\n"
                                          "{\"text\": \"w three\", \"label\": \"a\"}\n");
    HashEncoder enc(16);
    EvalOptions o;
    o.type = TaskType::Classification;
    o.data = dir / "cls";
    o.samplesPerLabel = 4;
    o.nExperiments = 3;
    struct Report {
        std::int64_t done, total;
        std::string stage;
    };
    std::vector<Report> reports;
    ProgressHooks hooks;
    hooks.progress = [&](std::int64_t d, std::int64_t t, const std::string& s) { reports.push_back({d, t, s}); };
    auto r = runEval(enc, nullptr, o, hooks);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_FALSE(reports.empty());
    const auto total = std::int64_t(r->counts["train_texts_embedded"] + r->counts["test"]);
    std::vector<std::string> stages;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        EXPECT_EQ(reports[i].total, total) << i << " " << reports[i].stage; // one total for the whole task
        if (i) EXPECT_GE(reports[i].done, reports[i - 1].done) << i;
        if (stages.empty() || stages.back() != reports[i].stage) stages.push_back(reports[i].stage);
    }
    EXPECT_EQ(stages, (std::vector<std::string>{"embedding train texts", "embedding test texts", "scoring"}));
    EXPECT_EQ(reports.back().done, total);
    // The time of the task is part of the result (stored with it in eval_results.timings).
    EXPECT_GT(r->timings.at("total"), 0.0);
    EXPECT_GE(r->timings.at("total"), r->timings.at("embed"));

    // All from the cache: the counts still reach the total.
    EmbeddingCache cache(dir / "cache.sqlite");
    ASSERT_TRUE(runEval(enc, &cache, o));
    reports.clear();
    ASSERT_TRUE(runEval(enc, &cache, o, hooks));
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back().done, total);
}

TEST(EvalCache, SecondRunEmbedsNothingAndKeysOnInstruction) {
    TempDir dir;
    EmbeddingCache cache(dir / "cache.sqlite");
    HashEncoder enc(32);
    std::vector<std::string> texts{"alpha beta", "gamma", "alpha beta", "delta"};
    auto first = embedTexts(enc, &cache, texts, "");
    EXPECT_EQ(cache.stats().misses, 4);
    auto second = embedTexts(enc, &cache, texts, "");
    EXPECT_EQ(cache.stats().hits, 4);
    EXPECT_EQ(first.data, second.data); // bit-identical from the cache
    auto other = embedTexts(enc, &cache, {"gamma"}, "Retrieve things");
    EXPECT_EQ(cache.stats().misses, 5); // another instruction is another key
    EXPECT_NE(std::vector<float>(other.row(0), other.row(0) + 32), std::vector<float>(first.row(1), first.row(1) + 32));
    // many keys take the range-scan path and agree with point lookups
    std::vector<std::string> many;
    for (int i = 0; i < 600; ++i) many.push_back("text number " + std::to_string(i));
    auto a = embedTexts(enc, &cache, many, "");
    auto b = embedTexts(enc, &cache, many, "");
    EXPECT_EQ(a.data, b.data);
    EXPECT_EQ(cache.stats().hits, 4 + 600);
    EXPECT_EQ(cache.purgeModel(enc.fingerprint()), std::int64_t(3 + 1 + 600));
    EXPECT_EQ(cache.size(), 0);
}

TEST(EvalResults, JsonDatabaseAndComparison) {
    TempDir dir;
    EvalResult a;
    a.taskType = "retrieval";
    a.dataset = "toy";
    a.split = "test";
    a.modelFingerprint = "m1";
    a.mainMetric = "ndcg_at_10";
    a.metrics = {{"ndcg_at_10", 0.5}, {"recall_at_10", 0.7}};
    a.timings = {{"total", 1.5}};
    a.perItem = {"mean", {"q1", "q2", "q3", "q4"}, {0.2, 0.4, 0.6, 0.8}, {}};
    a.mainScore = 0.5;
    EvalResult b = a;
    b.modelFingerprint = "m2";
    b.perItem.values = {0.3, 0.5, 0.7, 0.9};
    b.mainScore = 0.6;
    b.metrics["ndcg_at_10"] = 0.6;

    ASSERT_TRUE(writeResultsFile(dir / "a.json", {a}));
    auto back = readResultsFile(dir / "a.json");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].metrics, a.metrics);
    EXPECT_EQ((*back)[0].perItem.ids, a.perItem.ids);
    auto j = nlohmann::json::parse(test::readFile(dir / "a.json"));
    EXPECT_EQ(j["main_score"], 0.5);
    EXPECT_TRUE(j["metrics"].is_object());

    auto project = store::Project::create(dir / "p.db");
    ASSERT_TRUE(project);
    auto id = storeResult(*project, a);
    ASSERT_TRUE(id) << id.error().message;
    ASSERT_TRUE(storeResult(*project, b));
    auto rows = listResults(*project, "m1");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].result.timings, a.timings);
    EXPECT_EQ((*rows)[0].result.perItem.values, a.perItem.values);
    auto loaded = loadResult(*project, *id);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->result.mainMetric, "ndcg_at_10");

    auto cmp = compareRuns({a}, {b}, 500, 1);
    ASSERT_EQ(cmp.size(), 1u);
    EXPECT_NEAR(*cmp[0].delta, 0.1, 1e-12);
    ASSERT_TRUE(cmp[0].ci);
    // every item improves by exactly 0.1, so every resample does
    EXPECT_NEAR(cmp[0].ci->low, 0.1, 1e-12);
    EXPECT_NEAR(cmp[0].ci->high, 0.1, 1e-12);
    // a task only one side has gives a row without delta
    EvalResult c = a;
    c.dataset = "other";
    auto cmp2 = compareRuns({a, c}, {b}, 100);
    ASSERT_EQ(cmp2.size(), 2u);
    EXPECT_FALSE(cmp2[1].delta);
    // statistic-based bootstrap (Spearman) recomputes the statistic per resample
    EvalResult s1, s2;
    s1.perItem = {"spearman", {"1", "2", "3", "4", "5"}, {0.1, 0.2, 0.3, 0.4, 0.5}, {1, 2, 3, 4, 5}};
    s2.perItem = {"spearman", {"1", "2", "3", "4", "5"}, {0.5, 0.4, 0.3, 0.2, 0.1}, {1, 2, 3, 4, 5}};
    auto ci = compareBootstrap(s1, s2, 200, 0.05, 3);
    ASSERT_TRUE(ci) << ci.error().message;
    EXPECT_NEAR(ci->meanDiff, 2.0, 1e-12);
}
