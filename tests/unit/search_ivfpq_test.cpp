// FAISS IVF-PQ backend: recall against exact search on clustered vectors, persistence, removal,
// parameter errors, the CLI, and the clear error of a build without FAISS.

#include "core/search/index.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <random>
#include <set>

using namespace synthembed;
using namespace synthembed::search;
using synthembed::test::TempDir;

namespace {
// n points around `clusters` random centres (unit vectors, noise 0.35 per component / sqrt(d)):
// the shape IVF is made for, with true neighbours mostly inside the query's own cluster.
Matrix clustered(std::size_t n, std::size_t d, std::size_t clusters, std::uint64_t seed) {
    std::mt19937_64 centreRng(7);
    std::normal_distribution<float> g;
    Matrix centres(clusters, d);
    for (auto& v : centres.data) v = g(centreRng);
    normalizeRows(centres);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
    Matrix m(n, d);
    const float noise = 0.35f;
    for (std::size_t i = 0; i < n; ++i) {
        const float* c = centres.row(pick(rng));
        for (std::size_t j = 0; j < d; ++j) m.row(i)[j] = c[j] + noise * g(rng) / std::sqrt(float(d));
    }
    normalizeRows(m);
    return m;
}

std::vector<ItemMeta> makeItems(std::size_t n, std::int64_t firstId) {
    std::vector<ItemMeta> items;
    for (std::size_t i = 0; i < n; ++i)
        items.push_back({firstId + std::int64_t(i), "text " + std::to_string(i), i % 2 ? "retrieval" : "sts", "en", "", ""});
    return items;
}

IndexMeta ivfMeta(const std::string& name) {
    IndexMeta meta;
    meta.name = name;
    meta.backend = Backend::IvfPq;
    meta.nlist = 64;
    meta.pqM = 8;
    meta.pqNbits = 8;
    meta.nprobe = 16;
    return meta;
}

double recallAt(const std::vector<std::vector<SearchHit>>& got, const std::vector<std::vector<SearchHit>>& ref, std::size_t k) {
    std::size_t hit = 0, total = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        std::set<std::int64_t> truth;
        for (std::size_t r = 0; r < k && r < ref[i].size(); ++r) truth.insert(ref[i][r].id);
        for (std::size_t r = 0; r < k && r < got[i].size(); ++r) hit += truth.count(got[i][r].id);
        total += truth.size();
    }
    return total ? double(hit) / double(total) : 0.0;
}
} // namespace

TEST(IvfPqIndex, WithoutFaissTheBackendSaysSo) {
    if (backendAvailable(Backend::IvfPq)) GTEST_SKIP() << "this build has FAISS";
    TempDir dir;
    auto idx = VectorIndex::create(dir / "x", ivfMeta("x"));
    ASSERT_FALSE(idx);
    EXPECT_NE(idx.error().message.find("built without FAISS"), std::string::npos) << idx.error().message;
}

TEST(IvfPqIndex, RecallPersistenceAndRemoval) {
    if (!backendAvailable(Backend::IvfPq)) GTEST_SKIP() << "built without FAISS";
    TempDir dir;
    const std::size_t n = 4000, d = 32;
    Matrix base = clustered(n, d, 40, 1), q = clustered(200, d, 40, 2);
    auto items = makeItems(n, 10);
    IndexMeta em;
    em.name = "exact";
    auto exact = VectorIndex::create(dir / "exact", em);
    ASSERT_TRUE(exact);
    ASSERT_TRUE(exact->add(base, items));
    auto idx = VectorIndex::create(dir / "ivf", ivfMeta("ivf"));
    ASSERT_TRUE(idx) << idx.error().message;
    auto st = idx->add(base, items);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(idx->size(), n);

    auto ref = exact->search(q, 10);
    auto got = idx->search(q, 10);
    ASSERT_TRUE(ref && got) << (got ? "" : got.error().message);
    // 16 of 64 cells probed, 40 PQ candidates (8 codes of 8 bits) re-ranked exactly: measured 0.943
    // (0.804 with nprobe 1). FAISS's k-means seed is fixed and this size runs single-threaded, so
    // the result is deterministic; 0.9 leaves room for other FAISS versions and still fails when the
    // id mapping or the re-ranking breaks (near 0) or nprobe is not applied (about 0.8).
    const double recall = recallAt(*got, *ref, 10);
    EXPECT_GT(recall, 0.9) << "recall@10 vs exact";
    for (std::size_t i = 0; i < q.rows; ++i) {
        ASSERT_EQ((*got)[i].size(), 10u);
        for (std::size_t r = 1; r < 10; ++r) EXPECT_GE((*got)[i][r - 1].score, (*got)[i][r].score);
    }
    // fewer probes: lower recall (nprobe really reaches FAISS)
    idx->setNprobe(1);
    auto narrow = idx->search(q, 10);
    ASSERT_TRUE(narrow);
    const double narrowRecall = recallAt(*narrow, *ref, 10);
    std::printf("ivfpq recall@10 vs exact: %.3f with nprobe 16, %.3f with nprobe 1\n", recall, narrowRecall);
    EXPECT_LT(narrowRecall, recall);
    idx->setNprobe(16);

    // filter: post-filtered with over-fetch, every hit matches and rows are full
    auto fh = idx->search(q, 10, SearchFilter{"sts", "", ""});
    ASSERT_TRUE(fh);
    for (auto& row : *fh) {
        EXPECT_EQ(row.size(), 10u);
        for (auto& h : row) EXPECT_EQ((h.id - 10) % 2, 0);
    }

    // persisted and reloaded: identical results
    ASSERT_TRUE(idx->save());
    EXPECT_TRUE(std::filesystem::exists(dir / "ivf" / "v000001" / "ivfpq.faiss")); // the first saved version
    auto back = VectorIndex::open(dir / "ivf");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->meta().backend, Backend::IvfPq);
    EXPECT_EQ(back->meta().nlist, 64u);
    EXPECT_EQ(back->meta().pqM, 8u);
    EXPECT_EQ(back->meta().nprobe, 16u);
    auto again = back->search(q, 10);
    ASSERT_TRUE(again);
    for (std::size_t i = 0; i < q.rows; ++i)
        for (std::size_t r = 0; r < 10; ++r) {
            EXPECT_EQ((*again)[i][r].id, (*got)[i][r].id);
            EXPECT_FLOAT_EQ((*again)[i][r].score, (*got)[i][r].score);
        }

    // removal: the best hit of every query disappears, also after save + open
    std::vector<std::int64_t> gone;
    for (auto& row : *got) gone.push_back(row[0].id);
    auto removed = back->remove(gone);
    ASSERT_TRUE(removed);
    const std::set<std::int64_t> goneSet(gone.begin(), gone.end());
    EXPECT_EQ(*removed, goneSet.size());
    EXPECT_EQ(back->size(), n - goneSet.size());
    ASSERT_TRUE(back->save());
    auto third = VectorIndex::open(dir / "ivf");
    ASSERT_TRUE(third) << third.error().message;
    auto after = third->search(q, 10);
    ASSERT_TRUE(after);
    for (auto& row : *after) {
        EXPECT_EQ(row.size(), 10u);
        for (auto& h : row) EXPECT_EQ(goneSet.count(h.id), 0u) << h.id;
    }
    // adding after reload reuses the trained quantizers; the new vectors are found
    Matrix extra = clustered(50, d, 40, 3);
    ASSERT_TRUE(third->add(extra, makeItems(50, 100000)));
    auto self = third->search(extra.gather({0, 1, 2}), 1);
    ASSERT_TRUE(self);
    EXPECT_EQ((*self)[0][0].id, 100000);
    EXPECT_EQ((*self)[1][0].id, 100001);
    EXPECT_EQ((*self)[2][0].id, 100002);
}

TEST(IvfPqIndex, BadParametersGiveClearErrors) {
    if (!backendAvailable(Backend::IvfPq)) GTEST_SKIP() << "built without FAISS";
    TempDir dir;
    Matrix base = clustered(1000, 32, 10, 4);
    auto meta = ivfMeta("bad");
    meta.pqM = 5; // does not divide 32
    auto idx = VectorIndex::create(dir / "bad", meta);
    ASSERT_TRUE(idx);
    auto st = idx->add(base, makeItems(1000, 0));
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("--m 5 must divide the dimension 32"), std::string::npos) << st.error().message;
    EXPECT_EQ(idx->size(), 0u); // nothing half-added

    auto few = VectorIndex::create(dir / "few", ivfMeta("few"));
    ASSERT_TRUE(few);
    st = few->add(base.gather({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), makeItems(10, 0));
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("training needs at least 256 vectors"), std::string::npos) << st.error().message;
    EXPECT_EQ(few->size(), 0u);
    // the next, larger batch trains fine
    ASSERT_TRUE(few->add(base, makeItems(1000, 0)));
    EXPECT_EQ(few->size(), 1000u);

    meta = ivfMeta("probe");
    meta.nprobe = 0;
    auto probe = VectorIndex::create(dir / "probe", meta);
    ASSERT_FALSE(probe);
    EXPECT_NE(probe.error().message.find("--nprobe"), std::string::npos);

    meta = ivfMeta("bits");
    meta.pqNbits = 20;
    auto bits = VectorIndex::create(dir / "bits", meta);
    ASSERT_TRUE(bits);
    st = bits->add(base, makeItems(1000, 0));
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("--nbits"), std::string::npos) << st.error().message;

    // defaults: nlist = min(4 sqrt(1000), 1000 / 39) = 25, m = largest divisor of 32 <= 8 = 8
    meta = ivfMeta("auto");
    meta.nlist = 0;
    meta.pqM = 0;
    auto autoIdx = VectorIndex::create(dir / "auto", meta);
    ASSERT_TRUE(autoIdx);
    ASSERT_TRUE(autoIdx->add(base, makeItems(1000, 0)));
    EXPECT_EQ(autoIdx->meta().nlist, 25u);
    EXPECT_EQ(autoIdx->meta().pqM, 8u);
}

TEST(IvfPqIndex, CliBuildSearchAndTooFewVectors) {
    if (!backendAvailable(Backend::IvfPq)) GTEST_SKIP() << "built without FAISS";
    TempDir dir;
    const auto db = (dir / "p.db").string();
    const std::vector<std::string> env{"SYNTHEMBED_DATA_DIR=" + (dir / "data").string()};
    ASSERT_EQ(synthembed::test::runCli({"init", "--db", db}).exitCode, 0);
    std::string docs;
    const char* words[] = {"bank", "card", "pin", "cat", "mat", "weather", "rain", "train", "model", "vector", "search", "index"};
    for (int i = 0; i < 400; ++i)
        docs += nlohmann::json{{"id", i},
                               {"text", std::string(words[i % 12]) + " " + words[(i / 12) % 12] + " " + words[(i * 7) % 12] +
                                            " note " + std::to_string(i)}}
                    .dump() +
                "\n";
    synthembed::test::writeFile(dir / "docs.jsonl", docs);
    synthembed::test::writeFile(dir / "tiny.jsonl", "{\"id\": 1, \"text\": \"bank card pin\"}\n");
    auto tiny = synthembed::test::runCli({"index", "build", "--db", db, "--name", "tiny", "--model", "hash:64", "--input",
                                          (dir / "tiny.jsonl").string(), "--backend", "ivfpq", "--no-cache"},
                                         env);
    EXPECT_NE(tiny.exitCode, 0);
    EXPECT_NE(tiny.err.find("training needs at least"), std::string::npos) << tiny.err;

    auto b = synthembed::test::runCli({"index", "build", "--db", db, "--name", "docs", "--model", "hash:64", "--input",
                                       (dir / "docs.jsonl").string(), "--backend", "ivfpq", "--nlist", "8", "--m", "16",
                                       "--nbits", "6", "--nprobe", "8", "--no-cache", "--json"},
                                      env);
    ASSERT_EQ(b.exitCode, 0) << b.err;
    EXPECT_EQ(nlohmann::json::parse(b.out)["count"], 400);
    auto s = synthembed::test::runCli({"search", "--db", db, "--index", "docs", "--query", "weather bank index note 5", "--k",
                                       "3", "--nprobe", "8", "--json"},
                                      env);
    ASSERT_EQ(s.exitCode, 0) << s.err;
    auto hits = nlohmann::json::parse(s.out);
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0]["id"], 5) << s.out; // the query is doc 5's own text
    // all 8 lists probed: the re-ranked answer is the exact one
    auto e = synthembed::test::runCli({"index", "build", "--db", db, "--name", "docs-exact", "--model", "hash:64", "--input",
                                       (dir / "docs.jsonl").string(), "--no-cache"},
                                      env);
    ASSERT_EQ(e.exitCode, 0) << e.err;
    auto se = synthembed::test::runCli({"search", "--db", db, "--index", "docs-exact", "--query", "weather bank index note 5",
                                        "--k", "3", "--json"},
                                       env);
    ASSERT_EQ(se.exitCode, 0) << se.err;
    auto ref = nlohmann::json::parse(se.out);
    for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(hits[r]["id"], ref[r]["id"]) << s.out << se.out;
}
