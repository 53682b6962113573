// Curation and exchange: dedup (exact + near), filters, contamination, hand edits, import/export
// formats and the OpenAI Batch route, on real project files and through the real CLI.

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/gen/curation.h"
#include "core/gen/exchange.h"
#include "core/gen/job.h"
#include "core/gen/text_hash.h"
#include "core/store/project.h"

#include <fstream>
#include <sstream>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;

namespace {

store::Project newProject(const TempDir& dir) {
    auto p = store::Project::create(dir / "p.synthembed");
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(p).take();
}

std::int64_t addSample(const store::Project& p, const std::string& q, const std::string& pos,
                       const std::string& family = "short-long", const std::string& language = "English",
                       std::optional<std::string> neg = std::nullopt) {
    auto st = p.db().prepare("INSERT INTO samples(family, instruction, language, query, positive, negative, status, "
                             "text_hash) VALUES (?, 'find docs', ?, ?, ?, ?, 'accepted', ?)");
    st.bindAll(family, language, q, pos, neg, gen::sampleTextHash(q, pos, neg.value_or("")));
    st.run();
    return p.db().lastInsertId();
}

std::string statusOf(const store::Project& p, std::int64_t id) {
    auto st = p.db().prepare("SELECT status || '|' || COALESCE(reject_reason,'') FROM samples WHERE id = ?");
    st.bind(1, id);
    st.step();
    return st.getText(0);
}

std::vector<json> readJsonl(const std::filesystem::path& path) {
    std::vector<json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

const std::string kDoc =
    "The mitochondrion is the membrane bound organelle that produces most of the chemical energy needed to power the "
    "biochemical reactions of the cell, stored in adenosine triphosphate molecules.";

} // namespace

TEST(Curation, NormalisedHashIgnoresCaseSpaceAndFinalPunctuation) {
    EXPECT_EQ(gen::normalizeText("  Hello,\n  World. "), "hello, world");
    EXPECT_EQ(gen::sampleTextHash("What is ATP?", kDoc, ""), gen::sampleTextHash("what  is atp", kDoc + "  ", ""));
    EXPECT_NE(gen::sampleTextHash("What is ATP?", kDoc, ""), gen::sampleTextHash("What is ADP?", kDoc, ""));
}

TEST(Curation, MinHashIndexFindsNearDuplicatesAndNotOthers) {
    gen::NearDuplicateIndex idx(0.7, 3);
    idx.add(1, kDoc);
    idx.add(2, "Photosynthesis converts light energy into chemical energy in plants, algae and some bacteria using "
               "chlorophyll in the chloroplasts.");
    // One word changed in a 30-word text: Jaccard of 3-shingles is well above 0.7.
    auto m = idx.findSimilar("The mitochondrion is the membrane bound organelle that produces most of the chemical "
                             "energy needed to power the biochemical reactions of a cell, stored in adenosine "
                             "triphosphate molecules.");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->id, 1);
    EXPECT_GT(m->similarity, 0.7);
    EXPECT_LT(m->similarity, 1.0);
    EXPECT_FALSE(idx.findSimilar("Glaciers carve valleys over thousands of years as ice moves downhill under its own "
                                 "weight and scrapes the rock below.")
                     .has_value());
    // The LSH estimate agrees with the exact Jaccard on shingle sets.
    auto a = idx.shingles(kDoc), b = idx.shingles(kDoc + " Extra words appended here now.");
    double exact = gen::NearDuplicateIndex::jaccard(a, b);
    auto sa = idx.signature(a), sb = idx.signature(b);
    int same = 0;
    for (std::size_t i = 0; i < sa.size(); ++i) same += sa[i] == sb[i];
    EXPECT_NEAR(static_cast<double>(same) / static_cast<double>(sa.size()), exact, 0.15);
}

TEST(Curation, DedupRejectsLaterCopiesWithReasons) {
    TempDir dir;
    auto p = newProject(dir);
    auto a = addSample(p, "what makes ATP", kDoc);
    auto b = addSample(p, "What makes ATP?", kDoc + " "); // exact after normalisation
    auto c = addSample(p, "what makes ATP", kDoc.substr(0, kDoc.size() - 10) + " molecule."); // near
    auto d = addSample(p, "how do glaciers move", "Glaciers move by internal deformation of ice and by sliding over "
                                                  "the bed, lubricated by meltwater that collects beneath them.");
    gen::DedupOptions dry;
    dry.dryRun = true;
    auto r0 = gen::deduplicate(p, dry);
    ASSERT_TRUE(r0.ok());
    EXPECT_EQ(r0->exactDuplicates, 1);
    EXPECT_EQ(r0->nearDuplicates, 1);
    EXPECT_EQ(statusOf(p, b), "accepted|"); // dry run changed nothing

    auto r = gen::deduplicate(p, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(statusOf(p, a), "accepted|");
    EXPECT_EQ(statusOf(p, b), "rejected|duplicate of sample " + std::to_string(a));
    EXPECT_EQ(statusOf(p, c).rfind("rejected|near-duplicate of sample " + std::to_string(a), 0), 0u) << statusOf(p, c);
    EXPECT_EQ(statusOf(p, d), "accepted|");
    // Exact only leaves the near duplicate alone.
    TempDir dir2;
    auto p2 = newProject(dir2);
    addSample(p2, "what makes ATP", kDoc);
    auto c2 = addSample(p2, "what makes ATP", kDoc.substr(0, kDoc.size() - 10) + " molecule.");
    gen::DedupOptions exact;
    exact.near = false;
    ASSERT_TRUE(gen::deduplicate(p2, exact).ok());
    EXPECT_EQ(statusOf(p2, c2), "accepted|");
}

TEST(Curation, FiltersByLengthLanguageFamily) {
    TempDir dir;
    auto p = newProject(dir);
    auto shortQ = addSample(p, "hi", kDoc);
    auto german = addSample(p, "was ist ATP genau", kDoc, "short-long", "German");
    auto sts = addSample(p, "a sentence here", "another sentence here", "sts");
    auto ok = addSample(p, "what is the powerhouse of the cell", kDoc);
    gen::FilterOptions f;
    f.minQueryChars = 5;
    f.languages = {"English"};
    f.families = {"short-long"};
    auto r = gen::applyFilters(p, f);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->removed, 3);
    EXPECT_EQ(statusOf(p, shortQ), "rejected|filter: query length 2");
    EXPECT_EQ(statusOf(p, german), "rejected|filter: language German");
    EXPECT_EQ(statusOf(p, sts), "rejected|filter: family sts");
    EXPECT_EQ(statusOf(p, ok), "accepted|");
}

TEST(Curation, ContaminationAgainstABeirEvalSet) {
    TempDir dir;
    auto p = newProject(dir);
    auto eval = dir / "beir";
    std::filesystem::create_directories(eval);
    writeFile(eval / "corpus.jsonl", json({{"_id", "d1"}, {"title", ""}, {"text", kDoc}}).dump() + "\n");
    writeFile(eval / "queries.jsonl",
              json({{"_id", "q1"}, {"text", "Do glaciers erode valleys faster during warm periods of the year"}}).dump() + "\n");
    auto hitPos = addSample(p, "energy in cells", kDoc + " It is found in most eukaryotes.");
    auto hitQuery = addSample(p, "do glaciers erode valleys faster during warm periods of the year?", "Some text.");
    auto clean = addSample(p, "how do bees dance", "Honeybees perform a waggle dance to tell nest mates where food is.");
    auto texts = gen::loadEvalTexts(eval);
    ASSERT_TRUE(texts.ok()) << texts.error().message;
    EXPECT_EQ(texts->size(), 2u);
    gen::ContaminationOptions o;
    o.threshold = 0.7;
    o.evalName = "beir";
    auto r = gen::checkContamination(p, *texts, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->flagged, 2);
    auto flags = [&](std::int64_t id) {
        auto st = p.db().prepare("SELECT flags FROM samples WHERE id = ?");
        st.bind(1, id);
        st.step();
        return json::parse(st.getText(0));
    };
    EXPECT_EQ(flags(hitPos)["contamination"]["field"], "positive");
    EXPECT_EQ(flags(hitQuery)["contamination"]["field"], "query");
    EXPECT_FALSE(flags(clean).contains("contamination"));
    EXPECT_EQ(statusOf(p, hitPos), "accepted|"); // flagged, not rejected
    o.reject = true;
    ASSERT_TRUE(gen::checkContamination(p, *texts, o).ok());
    EXPECT_EQ(statusOf(p, hitPos).rfind("rejected|contamination: positive", 0), 0u);
}

TEST(Curation, HandEditKeepsTheOriginal) {
    TempDir dir;
    auto p = newProject(dir);
    auto id = addSample(p, "old query", kDoc, "short-long", "English", std::string("old negative"));
    gen::SampleEdit e;
    e.query = "new query";
    ASSERT_TRUE(gen::editSample(p, id, e).ok());
    gen::SampleEdit e2;
    e2.negative = "";
    ASSERT_TRUE(gen::editSample(p, id, e2).ok());
    auto st = p.db().prepare("SELECT query, negative, status, original, text_hash FROM samples WHERE id = ?");
    st.bind(1, id);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.getText(0), "new query");
    EXPECT_TRUE(st.isNull(1));
    EXPECT_EQ(st.getText(2), "edited");
    auto orig = json::parse(st.getText(3));
    EXPECT_EQ(orig["query"], "old query"); // the first original survives a second edit
    EXPECT_EQ(orig["negative"], "old negative");
    EXPECT_EQ(st.getText(4), gen::sampleTextHash("new query", kDoc, ""));
    st.reset();
    ASSERT_TRUE(gen::setSampleStatus(p, id, false, "off topic").ok());
    EXPECT_EQ(statusOf(p, id), "rejected|off topic");
    ASSERT_TRUE(gen::setSampleStatus(p, id, true).ok());
    EXPECT_EQ(statusOf(p, id), "edited|");
    EXPECT_FALSE(gen::setSampleStatus(p, 999, true).ok());
}

TEST(Curation, StatesRestoreExactlyAndRefuseAChangedSample) {
    TempDir dir;
    auto p = newProject(dir);
    auto id = addSample(p, "old query", kDoc, "short-long", "English", std::string("old negative"));
    auto other = addSample(p, "how do bees dance", "Honeybees waggle to tell where food is.");
    auto before = gen::sampleStates(p, {id, other});
    ASSERT_TRUE(before.ok()) << before.error().message;
    ASSERT_EQ(before->size(), 2u);
    EXPECT_EQ((*before)[0].query, std::optional<std::string>("old query"));
    EXPECT_FALSE((*before)[0].original.has_value());

    gen::SampleEdit e;
    e.query = "new query";
    e.negative = "";
    ASSERT_TRUE(gen::editSample(p, id, e).ok());
    ASSERT_TRUE(gen::setSampleStatus(p, other, false, "off topic").ok());
    auto after = gen::sampleStates(p, {id, other});
    ASSERT_TRUE(after.ok());
    EXPECT_EQ((*after)[0].status, "edited");
    EXPECT_FALSE((*after)[0].negative.has_value());
    EXPECT_TRUE((*after)[0].original.has_value());

    // Undo: back to the state before, text, status, hash and "never edited" included.
    ASSERT_TRUE(gen::restoreSampleStates(p, *before, &*after).ok());
    auto now = gen::sampleStates(p, {id, other});
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(*now, *before);
    EXPECT_EQ(statusOf(p, other), "accepted|");
    // Redo.
    ASSERT_TRUE(gen::restoreSampleStates(p, *after, &*before).ok());
    EXPECT_EQ(*gen::sampleStates(p, {id, other}), *after);
    EXPECT_EQ(statusOf(p, other), "rejected|off topic");

    // Someone else accepts `other` meanwhile: undoing now would lose that, so nothing is written.
    ASSERT_TRUE(gen::setSampleStatus(p, other, true).ok());
    auto st = gen::restoreSampleStates(p, *before, &*after);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, "conflict");
    EXPECT_NE(st.error().message.find("sample " + std::to_string(other)), std::string::npos) << st.error().message;
    EXPECT_EQ(gen::sampleStates(p, {id})->front(), (*after)[0]); // the first sample was not touched either
    EXPECT_FALSE(gen::sampleStates(p, {id, 999}).ok());
    auto missing = (*before)[0];
    missing.id = 999;
    EXPECT_FALSE(gen::restoreSampleStates(p, {missing}).ok());
}

TEST(Curation, ReportsCarryTheReasonsAndStopWhenAsked) {
    TempDir dir;
    auto p = newProject(dir);
    auto a = addSample(p, "what makes ATP", kDoc);
    auto b = addSample(p, "What makes ATP?", kDoc + " ");
    for (int i = 0; i < 2500; ++i) addSample(p, "filler question number " + std::to_string(i), "filler answer " + std::to_string(i));
    gen::DedupOptions dry;
    dry.dryRun = true;
    dry.near = false;
    auto r = gen::deduplicate(p, dry);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->pairs.size(), 1u);
    EXPECT_EQ(r->pairs[0].removed, b);
    EXPECT_EQ(r->pairs[0].reason, "duplicate of sample " + std::to_string(a));

    // A stop request ends the run with "cancelled" and writes nothing.
    ProgressHooks stop;
    int polls = 0;
    stop.shouldStop = [&] { return ++polls >= 1; };
    gen::DedupOptions real;
    real.near = false;
    auto c = gen::deduplicate(p, real, stop);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "cancelled");
    EXPECT_EQ(statusOf(p, b), "accepted|");
    auto r2 = gen::deduplicate(p, real);
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(statusOf(p, b), "rejected|" + r->pairs[0].reason); // the dry run named the real reason

    gen::ContaminationOptions o;
    o.evalName = "evalset";
    auto hits = gen::checkContamination(p, {kDoc}, o);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->hits.size(), 1u);
    EXPECT_EQ(hits->hits[0].sampleId, a);
    EXPECT_EQ(hits->hits[0].reason.rfind("contamination: positive nearly duplicates an evaluation text of evalset", 0), 0u)
        << hits->hits[0].reason;
    auto cs = gen::checkContamination(p, {kDoc}, o, stop);
    ASSERT_FALSE(cs.ok());
    EXPECT_EQ(cs.error().code, "cancelled");
}

TEST(Exchange, ExportFormatsAndReimport) {
    TempDir dir;
    auto p = newProject(dir);
    addSample(p, "q1", "p1", "short-long", "English", std::string("n1"));
    addSample(p, "q2", "p2", "short-short", "French");
    auto rej = addSample(p, "q3", "p3");
    ASSERT_TRUE(gen::setSampleStatus(p, rej, false, "bad").ok());

    gen::ExportOptions o;
    auto n = gen::exportSamples(p, dir / "out.jsonl", o);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2);
    auto rows = readJsonl(dir / "out.jsonl");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], json({{"query", "q1"}, {"positive", "p1"}, {"negative", "n1"}, {"instruction", "find docs"},
                             {"family", "short-long"}, {"language", "English"}}));
    EXPECT_FALSE(rows[1].contains("negative")); // omitted when absent

    o.format = gen::ExportFormat::SentenceTransformers;
    ASSERT_TRUE(gen::exportSamples(p, dir / "st.jsonl", o).ok());
    auto st = readJsonl(dir / "st.jsonl");
    EXPECT_EQ(st[0], json({{"anchor", "q1"}, {"positive", "p1"}, {"negative", "n1"}}));
    o.instructionInQuery = true;
    ASSERT_TRUE(gen::exportSamples(p, dir / "st2.jsonl", o).ok());
    EXPECT_EQ(readJsonl(dir / "st2.jsonl")[0]["anchor"], "Instruct: find docs\nQuery: q1");

    o = {};
    o.format = gen::ExportFormat::FlagEmbedding;
    ASSERT_TRUE(gen::exportSamples(p, dir / "flag.jsonl", o).ok());
    auto fl = readJsonl(dir / "flag.jsonl");
    EXPECT_EQ(fl[0], json({{"query", "q1"}, {"pos", {"p1"}}, {"neg", {"n1"}}, {"prompt", "find docs"}}));
    EXPECT_EQ(fl[1]["neg"], json::array());

    // Each exported file imports into a fresh project as the same triples.
    for (auto file : {"out.jsonl", "st.jsonl", "flag.jsonl"}) {
        TempDir d2;
        auto p2 = newProject(d2);
        auto r = gen::importSamples(p2, dir / file, {});
        ASSERT_TRUE(r.ok()) << file << ": " << r.error().message;
        EXPECT_EQ(r->imported, 2) << file;
        EXPECT_TRUE(r->errors.empty()) << file;
        EXPECT_EQ(p2.db().queryInt("SELECT count(*) FROM samples WHERE query = 'q1' AND positive = 'p1' AND negative = "
                                   "'n1' AND source LIKE 'import:%'"),
                  1)
            << file;
        // Importing again skips them as duplicates.
        auto again = gen::importSamples(p2, dir / file, {});
        EXPECT_EQ(again->imported, 0);
        EXPECT_EQ(again->duplicates, 2);
    }
    // No temp files left behind.
    for (auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(Exchange, CsvAndTsvImportWithHeadersQuotesAndBadRows) {
    TempDir dir;
    auto p = newProject(dir);
    writeFile(dir / "pairs.csv", "query,positive,negative\n"
                                 "\"what is, with comma\",\"a doc with \"\"quotes\"\"\",neg one\n"
                                 "\"multi\nline query\",second doc,\n"
                                 "only-query\n");
    gen::ImportOptions o;
    o.family = "short-short";
    o.instruction = "match it";
    auto r = gen::importSamples(p, dir / "pairs.csv", o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->imported, 2);
    ASSERT_EQ(r->errors.size(), 1u);
    EXPECT_NE(r->errors[0].find("pairs.csv:5"), std::string::npos) << r->errors[0];
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples WHERE query = 'what is, with comma' AND positive = "
                              "'a doc with \"quotes\"' AND negative = 'neg one' AND family = 'short-short' AND "
                              "instruction = 'match it'"),
              1);
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples WHERE query = 'multi\nline query' AND negative IS NULL"), 1);

    writeFile(dir / "plain.tsv", "q a\tp a\nq b\tp b\tn b\n"); // no header: query, positive[, negative]
    auto t = gen::importSamples(p, dir / "plain.tsv", {});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->imported, 2);
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples WHERE query = 'q b' AND negative = 'n b'"), 1);
}

TEST(Exchange, OpenAiBatchRoundTripThroughTheRealServer) {
    FakeLlmServer server;
    TempDir dir;
    auto p = newProject(dir);
    gen::JobSpec spec;
    spec.families = {{"sts", 1.0}};
    spec.target = 6;
    spec.seed = 9;
    spec.client.endpoints = {{server.baseUrl(), "", 0}};
    spec.client.model = "batch-model";
    auto id = gen::createJob(p, spec);
    ASSERT_TRUE(id.ok());
    auto n = gen::exportBatchRequests(p, *id, dir / "batch.jsonl");
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 6);
    auto lines = readJsonl(dir / "batch.jsonl");
    ASSERT_EQ(lines.size(), 6u);
    // Play the Batch API: send each body to the server, write the result file format.
    std::ostringstream results;
    for (auto& l : lines) {
        EXPECT_EQ(l["method"], "POST");
        EXPECT_EQ(l["url"], "/v1/chat/completions");
        EXPECT_EQ(l["body"]["model"], "batch-model");
        auto body = httpPost(server.baseUrl() + "/chat/completions", l["body"].dump());
        results << json({{"id", "batch_req_x"}, {"custom_id", l["custom_id"]},
                         {"response", {{"status_code", 200}, {"request_id", "r"}, {"body", json::parse(body)}}},
                         {"error", nullptr}})
                       .dump()
                << "\n";
    }
    writeFile(dir / "results.jsonl", results.str());
    auto imp = gen::importBatchResults(p, *id, dir / "results.jsonl");
    ASSERT_TRUE(imp.ok()) << imp.error().message;
    EXPECT_EQ(imp->stored, 6);
    auto stats = gen::jobStats(p, *id);
    EXPECT_EQ(stats->accepted, 6);
    EXPECT_EQ(stats->state, gen::JobState::Done);
    EXPECT_EQ(stats->usage.promptTokens, server.stats()["prompt_tokens"].get<std::int64_t>());
    // Importing the same file again stores nothing twice.
    auto again = gen::importBatchResults(p, *id, dir / "results.jsonl");
    EXPECT_EQ(again->stored, 0);
    EXPECT_EQ(again->skipped, 6);
    EXPECT_EQ(gen::jobStats(p, *id)->accepted, 6);
}

TEST(CliSamples, ExportImportDedupFromTheCommandLine) {
    FakeLlmServer server;
    TempDir dir;
    auto db = (dir / "p.synthembed").string();
    auto g = runCli({"generate", "--db", db, "--endpoint", server.baseUrl(), "--llm-model", "m", "--family", "sts",
                     "--count", "5"});
    ASSERT_EQ(g.exitCode, 0) << g.err;
    auto e = runCli({"export", "--db", db, "--format", "flagembedding", "--output", (dir / "f.jsonl").string(), "--json"});
    ASSERT_EQ(e.exitCode, 0) << e.err;
    EXPECT_EQ(json::parse(e.out)["written"], 5);
    auto i = runCli({"import", "--db", db, "--input", (dir / "f.jsonl").string(), "--keep-duplicates", "--json"});
    ASSERT_EQ(i.exitCode, 0) << i.err;
    EXPECT_EQ(json::parse(i.out)["imported"], 5);
    auto d = runCli({"dedup", "--db", db, "--json"});
    ASSERT_EQ(d.exitCode, 0) << d.err;
    EXPECT_EQ(json::parse(d.out)["exact_duplicates"], 5);
    auto bad = runCli({"export", "--db", db, "--format", "openai-batch", "--output", (dir / "b.jsonl").string()});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("--job"), std::string::npos);
}
