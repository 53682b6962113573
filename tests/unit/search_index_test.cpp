// Exact and HNSW search: agreement with brute force, filters, add/remove, persistence, registry.

#include "core/search/exact.h"
#include "core/search/index.h"
#include "core/search/mining.h"
#include "core/store/project.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>
#include <random>

using namespace synthembed;
using namespace synthembed::search;
using synthembed::test::TempDir;

namespace {
Matrix randomMatrix(std::size_t n, std::size_t d, std::uint64_t seed, bool normalize = true) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g;
    Matrix m(n, d);
    for (auto& v : m.data) v = g(rng);
    if (normalize) normalizeRows(m);
    return m;
}

// Brute force in double with a full sort: the reference for exactSearch.
std::vector<std::int64_t> bruteTopK(const Matrix& base, const float* q, std::size_t k) {
    std::vector<std::pair<double, std::int64_t>> s;
    for (std::size_t i = 0; i < base.rows; ++i) {
        double d = 0;
        for (std::size_t j = 0; j < base.cols; ++j) d += double(base.row(i)[j]) * q[j];
        s.emplace_back(d, std::int64_t(i));
    }
    std::stable_sort(s.begin(), s.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < k && i < s.size(); ++i) out.push_back(s[i].second);
    return out;
}
} // namespace

TEST(ExactSearch, MatchesBruteForceAcrossChunks) {
    Matrix base = randomMatrix(1000, 24, 1), q = randomMatrix(37, 24, 2);
    ExactSearchOptions o;
    o.k = 7;
    o.baseChunk = 96; // not a divisor of 1000: the last chunk is partial
    o.queryBlock = 10;
    o.threads = 2;
    auto hits = exactSearch(base, q, o);
    ASSERT_EQ(hits.size(), 37u);
    for (std::size_t i = 0; i < q.rows; ++i) {
        auto ref = bruteTopK(base, q.row(i), 7);
        ASSERT_EQ(hits[i].size(), 7u);
        for (std::size_t r = 0; r < 7; ++r) EXPECT_EQ(hits[i][r].row, ref[r]) << "query " << i << " rank " << r;
        for (std::size_t r = 1; r < 7; ++r) EXPECT_GE(hits[i][r - 1].score, hits[i][r].score);
    }
}

TEST(ExactSearch, TiesKeepLowerRowsAndMaskFilters) {
    Matrix base(6, 2);
    base.data = {1, 0, 1, 0, 0, 1, 1, 0, 0.5f, 0.5f, 1, 0}; // rows 0, 1, 3, 5 identical
    Matrix q(1, 2);
    q.data = {1, 0};
    ExactSearchOptions o;
    o.k = 3;
    o.baseChunk = 4;
    auto h = exactSearch(base, q, o);
    ASSERT_EQ(h[0].size(), 3u);
    EXPECT_EQ(h[0][0].row, 0);
    EXPECT_EQ(h[0][1].row, 1);
    EXPECT_EQ(h[0][2].row, 3);
    std::vector<std::uint8_t> allow{0, 0, 1, 0, 1, 1};
    o.allow = &allow;
    h = exactSearch(base, q, o);
    ASSERT_EQ(h[0].size(), 3u);
    EXPECT_EQ(h[0][0].row, 5);
    EXPECT_EQ(h[0][1].row, 4);
    EXPECT_EQ(h[0][2].row, 2);
    o.k = 10; // more than rows: every allowed row once
    EXPECT_EQ(exactSearch(base, q, o)[0].size(), 3u);
}

namespace {
std::vector<ItemMeta> makeItems(std::size_t n, std::int64_t firstId) {
    std::vector<ItemMeta> items;
    for (std::size_t i = 0; i < n; ++i)
        items.push_back({firstId + std::int64_t(i), "text " + std::to_string(i), i % 2 ? "retrieval" : "sts",
                         i % 3 ? "en" : "de", "l" + std::to_string(i % 5), ""});
    return items;
}
} // namespace

TEST(VectorIndex, ExactAndHnswAgreeWithFiltersRemoveAndReload) {
    TempDir dir;
    Matrix vecs = randomMatrix(800, 16, 3);
    Matrix q = randomMatrix(20, 16, 4);
    auto items = makeItems(800, 100);
    for (auto backend : {Backend::Exact, Backend::Hnsw}) {
        IndexMeta meta;
        meta.name = toString(backend);
        meta.backend = backend;
        meta.efSearch = 400; // high ef: HNSW must return the exact answer on 800 points
        auto idx = VectorIndex::create(dir / meta.name, meta);
        ASSERT_TRUE(idx) << idx.error().message;
        ASSERT_TRUE(idx->add(vecs, items));
        EXPECT_EQ(idx->size(), 800u);
        EXPECT_FALSE(idx->add(vecs.gather({0}), {items[0]})); // duplicate id
        auto hits = idx->search(q, 5);
        ASSERT_TRUE(hits) << hits.error().message;
        for (std::size_t i = 0; i < q.rows; ++i) {
            auto ref = bruteTopK(vecs, q.row(i), 5);
            for (std::size_t r = 0; r < 5; ++r) EXPECT_EQ((*hits)[i][r].id, ref[r] + 100) << meta.name;
        }
        // filter: only family "sts" and language "de" (i % 2 == 0 and i % 3 == 0)
        SearchFilter f{"sts", "de", ""};
        auto fh = idx->search(q, 5, f);
        ASSERT_TRUE(fh);
        for (auto& row : *fh) {
            ASSERT_EQ(row.size(), 5u);
            for (auto& h : row) {
                EXPECT_EQ((h.id - 100) % 6, 0) << meta.name;
                EXPECT_EQ(h.item->family, "sts");
            }
        }
        // remove the best hit of query 0; it must disappear, also after save + open
        const auto gone = (*hits)[0][0].id;
        auto removed = idx->remove({gone, 999999});
        ASSERT_TRUE(removed);
        EXPECT_EQ(*removed, 1u);
        ASSERT_TRUE(idx->save());
        auto back = VectorIndex::open(dir / meta.name);
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(back->size(), 799u);
        EXPECT_EQ(back->meta().backend, backend);
        back->setEfSearch(400);
        auto h2 = back->search(q.gather({0}), 5);
        ASSERT_TRUE(h2);
        EXPECT_EQ((*h2)[0][0].id, (*hits)[0][1].id) << meta.name;
        for (auto& h : (*h2)[0]) EXPECT_NE(h.id, gone);
        EXPECT_EQ(back->item(gone), nullptr);
        ASSERT_NE(back->item(101), nullptr);
        EXPECT_EQ(back->item(101)->text, "text 1");
        // add after reload (HNSW grows its capacity)
        ASSERT_TRUE(back->add(randomMatrix(50, 16, 9), makeItems(50, 5000)));
        EXPECT_EQ(back->size(), 849u);
    }
}

// Many insertions into full upper-layer link lists (small M), in parallel, with a dimension that is
// no multiple of 4 or 16: under AddressSanitizer this is where hnswlib 0.6.2's prefetch read past an
// element's link-list block showed up (see the note at the hnswlib include in core/search/index.cpp).
TEST(VectorIndex, HnswParallelInsertsWithSmallMAndOddDimension) {
    TempDir dir;
    const std::size_t n = 3000, d = 13;
    Matrix vecs = randomMatrix(n, d, 21), q = randomMatrix(30, d, 22);
    IndexMeta meta;
    meta.name = "small-m";
    meta.backend = Backend::Hnsw;
    meta.hnswM = 4;
    meta.efConstruction = 40;
    meta.efSearch = 500;
    auto idx = VectorIndex::create(dir / "small-m", meta);
    ASSERT_TRUE(idx);
    // two batches: the second grows the graph (resizeIndex) before its parallel inserts
    auto rows = [](std::size_t from, std::size_t to) {
        std::vector<std::size_t> r(to - from);
        std::iota(r.begin(), r.end(), from);
        return r;
    };
    ASSERT_TRUE(idx->add(vecs.gather(rows(0, n / 2)), makeItems(n / 2, 0)));
    ASSERT_TRUE(idx->add(vecs.gather(rows(n / 2, n)), makeItems(n - n / 2, std::int64_t(n / 2))));
    auto hits = idx->search(q, 10);
    ASSERT_TRUE(hits);
    std::size_t found = 0;
    for (std::size_t i = 0; i < q.rows; ++i) {
        auto ref = bruteTopK(vecs, q.row(i), 10);
        for (auto& h : (*hits)[i]) found += std::count(ref.begin(), ref.end(), h.id);
    }
    // ef 500 over 3000 points: near-exact even with M = 4
    EXPECT_GE(double(found) / double(q.rows * 10), 0.95);
}

TEST(VectorIndex, CorruptFilesAreNamedAndRegistryWorks) {
    TempDir dir;
    IndexMeta meta;
    meta.name = "docs";
    meta.model = "hash:16";
    auto idx = VectorIndex::create(dir / "docs", meta);
    ASSERT_TRUE(idx->add(randomMatrix(10, 16, 1), makeItems(10, 0)));
    ASSERT_TRUE(idx->save());
    auto project = store::Project::create(dir / "p.db");
    ASSERT_TRUE(project);
    ASSERT_TRUE(registerIndex(*project, *idx));
    ASSERT_TRUE(registerIndex(*project, *idx)); // upsert, not a duplicate row
    auto list = listIndexes(*project);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].count, 10);
    EXPECT_EQ((*list)[0].dim, 16);
    auto path = findIndex(*project, "docs");
    ASSERT_TRUE(path);
    EXPECT_TRUE(VectorIndex::open(*path));
    EXPECT_FALSE(findIndex(*project, "nope"));
    // The project's accepted/edited samples as items, by the chosen field; empty fields left out.
    auto ins = project->db().prepare("INSERT INTO samples(family, language, query, positive, status) VALUES (?,?,?,?,?)");
    ins.bindAll("sts", "en", "q1", "p1", "accepted").run();
    ins.bindAll("sts", "de", "", "p2", "edited").run();
    ins.bindAll("sts", "en", "q3", "p3", "rejected").run();
    auto positives = projectSampleItems(*project, "positive");
    ASSERT_TRUE(positives) << positives.error().message;
    ASSERT_EQ(positives->size(), 2u);
    EXPECT_EQ((*positives)[1].text, "p2");
    EXPECT_EQ((*positives)[1].language, "de");
    auto queries = projectSampleItems(*project, "query");
    ASSERT_TRUE(queries);
    ASSERT_EQ(queries->size(), 1u);
    EXPECT_EQ((*queries)[0].text, "q1");
    auto badField = projectSampleItems(*project, "id, status");
    ASSERT_FALSE(badField);
    EXPECT_EQ(badField.error().code, "usage");
    // truncate the vectors: open must fail naming the file
    std::filesystem::resize_file(dir / "docs" / "v000001" / "vectors.f32", 100);
    auto bad = VectorIndex::open(dir / "docs");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("vectors.f32"), std::string::npos) << bad.error().message;
}

TEST(Mining, RankRangeAndMarginGuard) {
    // Hand-made 2-D vectors: query along x; the positive at 0.9 similarity; a near-duplicate of
    // the positive at 0.88 (inside the 0.05 margin -> dropped); two real negatives further away.
    auto vec = [](const std::string& t) -> std::vector<float> {
        if (t == "q") return {1, 0};
        if (t == "pos") return {0.9f, std::sqrt(1 - 0.81f)};
        if (t == "dup") return {0.88f, std::sqrt(1 - 0.88f * 0.88f)};
        if (t == "neg1") return {0.5f, std::sqrt(0.75f)};
        if (t == "neg2") return {0.2f, std::sqrt(0.96f)};
        return {0, 1};
    };
    eval::FunctionEncoder enc("test", "none", [&](const std::vector<std::string>& texts) {
        Matrix m(texts.size(), 2);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            auto v = vec(texts[i]);
            m.row(i)[0] = v[0];
            m.row(i)[1] = v[1];
        }
        return m;
    });
    std::vector<TrainingExample> pairs{{"q", "pos", "", "", "retrieval", "en"}};
    MiningOptions o;
    o.rankFrom = 0;
    o.rankTo = 10;
    o.perQuery = 5;
    o.margin = 0.05;
    auto rep = mineHardNegatives(enc, nullptr, pairs, {"dup", "neg1", "neg2", "other"}, o);
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_EQ(rep->droppedByMargin, 1u);
    std::vector<std::string> negs;
    for (auto& e : rep->examples) {
        negs.push_back(e.negative);
        EXPECT_EQ(e.query, "q");
        EXPECT_EQ(e.family, "retrieval");
    }
    std::sort(negs.begin(), negs.end());
    EXPECT_EQ(negs, (std::vector<std::string>{"neg1", "neg2", "other"}));
    // rank range 2..3 (0-based, the positive itself is rank 0 and dup rank 1): only neg1
    o.rankFrom = 2;
    o.rankTo = 3;
    rep = mineHardNegatives(enc, nullptr, pairs, {"dup", "neg1", "neg2", "other"}, o);
    ASSERT_TRUE(rep);
    ASSERT_EQ(rep->examples.size(), 1u);
    EXPECT_EQ(rep->examples[0].negative, "neg1");
    // round trip through the export format
    TempDir dir;
    ASSERT_TRUE(writeTrainingJsonl(dir / "out.jsonl", rep->examples));
    auto back = readTrainingJsonl(dir / "out.jsonl");
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].negative, "neg1");
    EXPECT_EQ((*back)[0].language, "en");
}

// One save is one unit: a complete version folder, then CURRENT switched atomically. Whatever a
// killed save left behind (a half-written newer version, temporary files) is never read and is
// removed by the next save.
TEST(VectorIndex, SaveSwitchesWholeVersionsAndIgnoresUnfinishedOnes) {
    namespace fs = std::filesystem;
    TempDir dir;
    IndexMeta meta;
    meta.name = "docs";
    meta.backend = Backend::Hnsw;
    auto idx = VectorIndex::create(dir / "docs", meta);
    ASSERT_TRUE(idx->add(randomMatrix(10, 8, 1), makeItems(10, 0)));
    ASSERT_TRUE(idx->save());
    EXPECT_EQ(test::readFile(dir / "docs" / "CURRENT"), "v000001\n");
    const auto v1 = dir / "docs" / "v000001";
    for (auto f : {"meta.json", "vectors.f32", "items.jsonl", "hnsw.bin"}) EXPECT_TRUE(fs::exists(v1 / f)) << f;

    // A save killed half-way: a newer version folder with new vectors but no meta, and a temp file.
    fs::create_directories(dir / "docs" / "v000002");
    test::writeFile(dir / "docs" / "v000002" / "vectors.f32", std::string(40 * 8 * 4, 'x'));
    test::writeFile(dir / "docs" / "CURRENT.tmp123-0", "v000002\n");
    auto reopened = VectorIndex::open(dir / "docs");
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_EQ(reopened->size(), 10u); // the old, whole index

    ASSERT_TRUE(reopened->add(randomMatrix(5, 8, 2), makeItems(5, 100)));
    ASSERT_TRUE(reopened->save());
    EXPECT_EQ(test::readFile(dir / "docs" / "CURRENT"), "v000003\n"); // never reuses the unfinished number
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(dir / "docs")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"CURRENT", "v000003"}));
    auto last = VectorIndex::open(dir / "docs");
    ASSERT_TRUE(last) << last.error().message;
    EXPECT_EQ(last->size(), 15u);
    EXPECT_TRUE(isIndexFolder(dir / "docs"));

    // CURRENT can only name a version folder inside the index.
    test::writeFile(dir / "docs" / "CURRENT", "../elsewhere\n");
    auto bad = VectorIndex::open(dir / "docs");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("CURRENT"), std::string::npos) << bad.error().message;
}

// Folders written before versions existed (files directly in the folder) still open, and their
// first save moves them to the versioned layout.
TEST(VectorIndex, OpensAndUpgradesTheUnversionedLayout) {
    namespace fs = std::filesystem;
    TempDir dir;
    IndexMeta meta;
    meta.name = "docs";
    auto idx = VectorIndex::create(dir / "docs", meta);
    ASSERT_TRUE(idx->add(randomMatrix(6, 4, 3), makeItems(6, 0)));
    ASSERT_TRUE(idx->save());
    // Rebuild the format-1 layout by hand from the saved version.
    for (auto f : {"meta.json", "vectors.f32", "items.jsonl"})
        fs::copy_file(dir / "docs" / "v000001" / f, dir / "docs" / f);
    fs::remove_all(dir / "docs" / "v000001");
    fs::remove(dir / "docs" / "CURRENT");
    EXPECT_TRUE(isIndexFolder(dir / "docs"));
    auto old = VectorIndex::open(dir / "docs");
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_EQ(old->size(), 6u);
    ASSERT_TRUE(old->save());
    EXPECT_FALSE(fs::exists(dir / "docs" / "meta.json"));
    EXPECT_TRUE(fs::exists(dir / "docs" / "CURRENT"));
    auto upgraded = VectorIndex::open(dir / "docs");
    ASSERT_TRUE(upgraded);
    EXPECT_EQ(upgraded->size(), 6u);
    EXPECT_EQ(upgraded->vectors().data, old->vectors().data);
}

// meta.json's sizes are checked against the files before anything is allocated: a count whose
// count * dim * 4 wraps around to the real file size is refused naming vectors.f32.
TEST(VectorIndex, CraftedCountsCannotWrapAroundTheSizeCheck) {
    TempDir dir;
    IndexMeta meta;
    meta.name = "docs";
    auto idx = VectorIndex::create(dir / "docs", meta);
    ASSERT_TRUE(idx->add(randomMatrix(4, 4, 5), makeItems(4, 0)));
    ASSERT_TRUE(idx->save());
    const auto metaPath = dir / "docs" / "v000001" / "meta.json";
    auto j = nlohmann::json::parse(test::readFile(metaPath));
    j["count"] = (std::uint64_t{1} << 62) + 4; // * 4 dims * 4 bytes = 2^66 + 64, i.e. 64 mod 2^64
    test::writeFile(metaPath, j.dump());
    auto bad = VectorIndex::open(dir / "docs");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "corrupt");
    EXPECT_NE(bad.error().message.find("vectors.f32"), std::string::npos) << bad.error().message;
}

// The cleanup after a save removes only what saves write: a folder chosen with --dir may hold the
// user's own files.
TEST(VectorIndex, SaveLeavesForeignFilesInTheFolderAlone) {
    namespace fs = std::filesystem;
    TempDir dir;
    fs::create_directories(dir / "docs" / "v2");
    test::writeFile(dir / "docs" / "notes.tmp.txt", "mine");
    test::writeFile(dir / "docs" / "v2" / "draft.txt", "mine too");
    IndexMeta meta;
    meta.name = "docs";
    auto idx = VectorIndex::create(dir / "docs", meta);
    ASSERT_TRUE(idx->add(randomMatrix(3, 4, 7), makeItems(3, 0)));
    ASSERT_TRUE(idx->save());
    ASSERT_TRUE(idx->save());
    EXPECT_TRUE(fs::exists(dir / "docs" / "notes.tmp.txt"));
    EXPECT_TRUE(fs::exists(dir / "docs" / "v2" / "draft.txt"));
    EXPECT_FALSE(fs::exists(dir / "docs" / "v000001"));
    EXPECT_TRUE(fs::exists(dir / "docs" / "v000002"));
}
