// Dataset detection for evaluation suites, the settings round trip, and the corpora the
// Explorer embeds (dataset texts, JSONL files, project samples).

#include "core/eval/embedding_cache.h"
#include "core/eval/suite.h"
#include "core/store/project.h"

#include "support/test_support.h"

using namespace synthembed;
using namespace synthembed::eval;
using synthembed::test::TempDir;

namespace {

// Writes a file, creating its folders (datasets here are folders of files).
void writeFile(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    synthembed::test::writeFile(path, content);
}

void writeBeir(const std::filesystem::path& dir) {
    writeFile(dir / "corpus.jsonl", "{\"_id\": \"d1\", \"title\": \"Aspirin\", \"text\": \"lowers fever\"}\n"
                                    "{\"_id\": \"d2\", \"title\": \"\", \"text\": \"Cats sleep a lot \"}\n");
    writeFile(dir / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"what lowers fever\"}\n"
                                     "{\"_id\": \"q2\", \"text\": \"sleepy cats\"}\n");
    writeFile(dir / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq2\td1\t0\n");
    writeFile(dir / "qrels" / "train.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
}

} // namespace

TEST(EvalSuite, DetectsBeirFolderWithTestSplit) {
    TempDir tmp;
    writeBeir(tmp / "myfact");
    auto d = detectDataset(tmp / "myfact");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->type, TaskType::Retrieval);
    EXPECT_EQ(d->name, "myfact");
    EXPECT_EQ(d->split, "test");
    EXPECT_EQ(d->items, 2u);
    auto corpus = datasetCorpus(*d);
    ASSERT_TRUE(corpus) << corpus.error().message;
    ASSERT_EQ(corpus->size(), 2u);
    EXPECT_EQ((*corpus)[0].key, "d1");
    EXPECT_EQ((*corpus)[0].text, "Aspirin lowers fever");
    EXPECT_EQ((*corpus)[1].text, "Cats sleep a lot");
    EXPECT_EQ((*corpus)[0].family, "myfact");
}

TEST(EvalSuite, DetectsHeaderlessStsAndDistinctSentences) {
    TempDir tmp;
    writeFile(tmp / "sts" / "x-train.csv", "a,b,1\n");
    writeFile(tmp / "sts" / "x-test.csv", "A cat sits.,A cat is sitting.,4.5\n\"Rain, again\",A cat sits.,0.5\nDogs,Cats,1\n");
    auto d = detectDataset(tmp / "sts");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->type, TaskType::Sts);
    EXPECT_EQ(d->data.filename(), "x-test.csv");
    EXPECT_EQ(d->items, 3u);
    auto corpus = datasetCorpus(*d);
    ASSERT_TRUE(corpus) << corpus.error().message;
    std::vector<std::string> texts;
    for (auto& c : *corpus) texts.push_back(c.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"A cat sits.", "A cat is sitting.", "Rain, again", "Dogs", "Cats"}));
    auto limited = datasetCorpus(*d, 2);
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->size(), 2u);

    auto o = suiteOptions(*d, SuiteMode::Quick, 50, 7);
    EXPECT_EQ(o.quick, 50u);
    EXPECT_EQ(o.seed, 7u);
    EXPECT_EQ(o.dataset, "sts");
    EXPECT_EQ(suiteOptions(*d, SuiteMode::Full).quick, 0u);
}

TEST(EvalSuite, PicksLargestTableWithoutTestFile) {
    // SICK ships two tab-separated .txt files and no split file: the larger all-pairs file wins.
    TempDir tmp;
    const std::string head = "pair_ID\tsentence_A\tsentence_B\trelatedness_score\n";
    writeFile(tmp / "sick" / "small.txt", head + "1\ta\tb\t3\n");
    writeFile(tmp / "sick" / "all.txt", head + "1\ta\tb\t3\n2\tc\td\t4.5\n");
    auto d = detectDataset(tmp / "sick");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->type, TaskType::Sts);
    EXPECT_EQ(d->data.filename(), "all.txt");
    EXPECT_EQ(d->items, 2u);
}

TEST(EvalSuite, DetectsClassificationWithTrainFile) {
    TempDir tmp;
    writeFile(tmp / "bank" / "train.csv", "text,category\nwhere is my card,card\nrefund please,refund\n");
    writeFile(tmp / "bank" / "test.csv", "text,category\ncard missing,card\n");
    auto d = detectDataset(tmp / "bank");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->type, TaskType::Classification);
    EXPECT_EQ(d->trainData.filename(), "train.csv");
    auto corpus = datasetCorpus(*d);
    ASSERT_TRUE(corpus);
    ASSERT_EQ(corpus->size(), 3u);
    EXPECT_EQ((*corpus)[0].label, "card");
    EXPECT_EQ((*corpus)[2].label, "refund");

    // Without a train file classification cannot run: a clear error, not a half entry.
    writeFile(tmp / "lonely" / "test.csv", "text,label\na,b\n");
    auto bad = detectDataset(tmp / "lonely");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("train file"), std::string::npos) << bad.error().message;
}

TEST(EvalSuite, RejectsUnknownAndMissing) {
    TempDir tmp;
    writeFile(tmp / "junk" / "notes.csv", "foo,bar\nx,y\n");
    auto d = detectDataset(tmp / "junk");
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("not recognised"), std::string::npos) << d.error().message;
    auto m = detectDataset(tmp / "nowhere");
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("no such file"), std::string::npos);
}

TEST(EvalSuite, SettingsRoundTrip) {
    TempDir tmp;
    writeBeir(tmp / "b");
    writeFile(tmp / "c" / "train.csv", "text,label\na,x\n");
    writeFile(tmp / "c" / "test.csv", "text,label\nb,x\n");
    auto b = detectDataset(tmp / "b");
    auto c = detectDataset(tmp / "c");
    ASSERT_TRUE(b && c);
    auto back = datasetsFromJson(datasetsToJson({*b, *c}));
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].type, TaskType::Retrieval);
    EXPECT_EQ((*back)[0].data, b->data);
    EXPECT_EQ((*back)[1].trainData, c->trainData);
    EXPECT_EQ((*back)[1].items, 1u);
    EXPECT_FALSE(datasetsFromJson("{"));
    EXPECT_FALSE(datasetsFromJson("[{\"type\": \"nope\", \"data\": \"x\"}]"));
}

TEST(EvalSuite, JsonlCorpus) {
    TempDir tmp;
    writeFile(tmp / "c.jsonl", "{\"id\": 7, \"text\": \"hello\", \"family\": \"f\", \"language\": \"de\", \"category\": \"greet\"}\n"
                               "\n{\"title\": \"T\", \"text\": \"body\"}\n");
    auto c = readJsonlCorpus(tmp / "c.jsonl");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ((*c)[0].key, "7");
    EXPECT_EQ((*c)[0].label, "greet");
    EXPECT_EQ((*c)[0].language, "de");
    EXPECT_EQ((*c)[1].key, "3");
    EXPECT_EQ((*c)[1].text, "T body");
    writeFile(tmp / "bad.jsonl", "{\"text\": \"ok\"}\n{\"other\": 1}\n");
    auto bad = readJsonlCorpus(tmp / "bad.jsonl");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("bad.jsonl:2"), std::string::npos) << bad.error().message;
}

TEST(EvalSuite, ProjectSamplesCorpus) {
    TempDir tmp;
    auto p = store::Project::create(tmp / "p.synthembed");
    ASSERT_TRUE(p) << p.error().message;
    auto ins = p->db().prepare("INSERT INTO samples (family, language, query, positive, status) VALUES (?,?,?,?,?)");
    ins.bindAll("retrieval", "en", "q one", "p one", "accepted").run();
    ins.bindAll("sts", "de", "q two", "", "edited").run();
    ins.bindAll("sts", "fr", "q three", "p three", "rejected").run();
    auto c = projectSamplesCorpus(*p);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->size(), 3u);
    EXPECT_EQ((*c)[0].key, "1:q");
    EXPECT_EQ((*c)[0].label, "query");
    EXPECT_EQ((*c)[1].label, "positive");
    EXPECT_EQ((*c)[2].language, "de");
    EXPECT_EQ((*c)[2].family, "sts");
    auto limited = projectSamplesCorpus(*p, 1);
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->size(), 1u);
    // Negatives on request, and any choice of roles.
    p->db().prepare("UPDATE samples SET negative=? WHERE id=?").bindAll("n one", 1).run();
    SampleRoles roles;
    roles.negative = true;
    auto all = projectSamplesCorpus(*p, 0, roles);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 4u);
    EXPECT_EQ((*all)[2].key, "1:n");
    EXPECT_EQ((*all)[2].label, "negative");
    EXPECT_EQ((*all)[2].text, "n one");
    roles.query = roles.positive = false;
    auto negatives = projectSamplesCorpus(*p, 0, roles);
    ASSERT_TRUE(negatives);
    ASSERT_EQ(negatives->size(), 1u);
    EXPECT_EQ((*negatives)[0].family, "retrieval");
}

TEST(EvalSuite, SharedDatasetsAreRecognised) {
    SYNTHEMBED_REQUIRE_SHARED(data, "data");
    struct Want {
        const char* folder;
        TaskType type;
        std::size_t items;
    };
    for (auto w : {Want{"stsbenchmark", TaskType::Sts, 1379}, Want{"scifact", TaskType::Retrieval, 300},
                   Want{"banking77", TaskType::Classification, 3080}, Want{"sick-r", TaskType::Sts, 9927}}) {
        if (!std::filesystem::exists(data / w.folder)) continue;
        auto d = detectDataset(data / w.folder);
        ASSERT_TRUE(d) << w.folder << ": " << d.error().message;
        EXPECT_EQ(d->type, w.type) << w.folder;
        EXPECT_EQ(d->items, w.items) << w.folder;
    }
}
