// Cross-checks of the evaluation metrics against an independent implementation (scipy and
// scikit-learn, through tests/support/xcheck_metrics.py) on ../shared/data with fixed
// embeddings from the hashing encoder: STS Spearman, V-measure, AP and nDCG@10 agree to 1e-6.
// Skips with a message when ../shared or python3 with scipy/sklearn is absent.

#include "core/eval/datasets.h"
#include "core/eval/embedding_cache.h"
#include "core/eval/tasks.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace synthembed;
using namespace synthembed::eval;
using namespace synthembed::test;

namespace {

std::string findPython() {
    // Debian's interpreter first: the one apt's python3-scipy / python3-sklearn belong to.
    for (std::string p : {"/usr/bin/python3", "python3"}) {
        auto r = runCommand({p, "-c", "import numpy, scipy, sklearn"});
        if (r.exitCode == 0) return p;
    }
    return {};
}

#define REQUIRE_PYTHON(var)                                                                                 \
    const std::string var = findPython();                                                                   \
    if (var.empty())                                                                                        \
    GTEST_SKIP() << "python3 with numpy, scipy and sklearn not found (Debian: apt-get install python3-scipy " \
                    "python3-sklearn python3-numpy)"

nlohmann::json reference(const std::string& python, const TempDir& dir, const nlohmann::json& spec) {
    writeFile(dir / "spec.json", spec.dump());
    auto r = runCommand({python, std::string(SYNTHEMBED_TEST_SOURCE_DIR) + "/support/xcheck_metrics.py",
                         (dir / "spec.json").string()});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

void writeFloats(const std::filesystem::path& p, const Matrix& m) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(m.data.data()), std::streamsize(m.data.size() * sizeof(float)));
}

} // namespace

TEST(EvalCrossCheck, StsSpearmanAgainstScipy) {
    SYNTHEMBED_REQUIRE_SHARED(data, "data/stsbenchmark/stsb-en-test.csv");
    REQUIRE_PYTHON(python);
    TempDir dir;
    HashEncoder enc(64);
    EvalOptions o;
    o.type = TaskType::Sts;
    o.data = data;
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->perItem.values.size(), 1379u);
    // The same embeddings, pair by pair, for the reference's own cosine.
    auto t = readTable(data, {}, 2);
    std::vector<std::string> texts;
    for (auto& row : t.rows) {
        texts.push_back(row[0]);
        texts.push_back(row[1]);
    }
    writeFloats(dir / "emb.f32", embedTexts(enc, nullptr, texts, r->instruction));
    auto ref = reference(python, dir,
                         {{"sts", {{"values", r->perItem.values}, {"gold", r->perItem.gold}}},
                          {"sts_emb", {{"emb", (dir / "emb.f32").string()}, {"dim", 64}, {"gold", r->perItem.gold}}}});
    EXPECT_NEAR(r->mainScore, ref["sts_spearman"].get<double>(), 1e-6);
    EXPECT_NEAR(r->mainScore, ref["sts_emb_spearman"].get<double>(), 1e-6);
    EXPECT_GT(r->mainScore, 0.2); // the hashing encoder carries real signal on STS-B
}

TEST(EvalCrossCheck, PairApAgainstSklearn) {
    SYNTHEMBED_REQUIRE_SHARED(data, "data/stsbenchmark/stsb-en-test.csv");
    REQUIRE_PYTHON(python);
    TempDir dir;
    // STS-B test as pair classification: duplicate when the gold score is >= 4.
    auto t = readTable(data, {}, 2);
    std::ofstream out(dir / "pairs.jsonl");
    for (auto& row : t.rows)
        out << nlohmann::json{{"sentence1", row[0]}, {"sentence2", row[1]}, {"label", std::stod(row[2]) >= 4 ? 1 : 0}}.dump() << "\n";
    out.close();
    HashEncoder enc(64);
    EvalOptions o;
    o.type = TaskType::Pair;
    o.data = dir / "pairs.jsonl";
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    auto ref = reference(python, dir, {{"ap", {{"values", r->perItem.values}, {"gold", r->perItem.gold}}}});
    EXPECT_NEAR(r->mainScore, ref["ap"].get<double>(), 1e-6);
}

TEST(EvalCrossCheck, ClusteringVMeasureAgainstSklearn) {
    SYNTHEMBED_REQUIRE_SHARED(data, "data/banking77/test.csv");
    REQUIRE_PYTHON(python);
    TempDir dir;
    HashEncoder enc(64);
    EvalOptions o;
    o.type = TaskType::Clustering;
    o.data = data;
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->counts["clusters"], 77.0);
    auto ref = reference(python, dir, {{"vmeasure", {{"pred", r->perItem.values}, {"gold", r->perItem.gold}}}});
    EXPECT_NEAR(r->mainScore, ref["v_measure"].get<double>(), 1e-6);
    EXPECT_GT(r->mainScore, 0.1);
}

TEST(EvalCrossCheck, RetrievalNdcgAgainstSklearn) {
    SYNTHEMBED_REQUIRE_SHARED(data, "data/scifact/corpus.jsonl");
    REQUIRE_PYTHON(python);
    TempDir dir;
    HashEncoder enc(64);
    EvalOptions o;
    o.type = TaskType::Retrieval;
    o.data = data.parent_path();
    auto r = runEval(enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->counts["queries"], 300.0);
    // Full score matrix from the same embeddings, for the reference to rank itself.
    auto beir = readBeir(o.data, "test");
    Matrix d = embedTexts(enc, nullptr, beir.docTexts, "");
    Matrix q = embedTexts(enc, nullptr, beir.queryTexts, r->instruction);
    normalizeRows(d);
    normalizeRows(q);
    Matrix scores(q.rows, d.rows);
    gemmABt(q.data.data(), q.rows, d.data.data(), d.rows, d.cols, scores.data.data());
    writeFloats(dir / "scores.f32", scores);
    nlohmann::json qrels = nlohmann::json::object();
    for (auto& [qid, docs] : beir.qrels) qrels[qid] = docs;
    auto ref = reference(python, dir,
                         {{"ndcg",
                           {{"scores", (dir / "scores.f32").string()},
                            {"queries", beir.queryIds},
                            {"docs", beir.docIds},
                            {"qrels", qrels}}}});
    EXPECT_NEAR(r->mainScore, ref["ndcg_at_10"].get<double>(), 1e-6);
}
