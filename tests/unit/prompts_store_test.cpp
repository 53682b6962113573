// Templates and pools in the project database: seeding on creation, versioning on edit,
// export back to files and re-import, and coverage statistics of a planned job.

#include "core/prompts/coverage.h"
#include "core/prompts/diff.h"
#include "core/prompts/prompt_store.h"
#include "core/runtime/runtime.h"
#include "core/util/paths.h"

#include "support/test_support.h"

using namespace synthembed;
using namespace synthembed::prompts;
using synthembed::test::TempDir;

namespace {
std::filesystem::path shipped() { return paths::shippedPromptsDir(); }

store::Project newProject(const TempDir& dir) {
    registerProjectSeeder();
    auto p = store::Project::create(dir / "p.synthembed");
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(p).take();
}
} // namespace

TEST(PromptsStore, NewProjectIsSeededWithShippedPrompts) {
    TempDir dir;
    auto project = newProject(dir);
    PromptStore store(project);
    auto lib = store.loadLatest();
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    EXPECT_EQ(lib->templates.size(), 10u);
    EXPECT_EQ(lib->pools.pools().size(), 12u);
    for (auto& d : lib->diagnostics) ADD_FAILURE() << d.toString();
    for (const auto& t : lib->templates) {
        EXPECT_EQ(t.version, 1);
        EXPECT_GT(t.id, 0);
    }
    // Stored templates render exactly like the shipped files.
    auto files = loadLibrary(shipped());
    ASSERT_TRUE(files.ok());
    for (const char* f : kFamilies) {
        const Template* a = lib->find(f, Step::Generate);
        const Template* b = files->find(f, Step::Generate);
        auto ra = renderAt(*a, lib->pools, 77, 3, exampleInputs(*a));
        auto rb = renderAt(*b, files->pools, 77, 3, exampleInputs(*b));
        ASSERT_TRUE(ra.ok() && rb.ok());
        EXPECT_EQ(ra->text, rb->text) << f;
        EXPECT_EQ(ra->templateVersion, 1);
    }
    // The language pool keeps its weights.
    const Pool* lang = lib->pools.find("language");
    ASSERT_NE(lang, nullptr);
    EXPECT_EQ(lang->values[0].value, "English");
    EXPECT_DOUBLE_EQ(lang->values[0].weight, 43.1);
}

TEST(PromptsStore, EditCreatesNewVersionAndKeepsOld) {
    TempDir dir;
    auto project = newProject(dir);
    PromptStore store(project);
    auto v1 = store.templateText("sts.generate");
    ASSERT_TRUE(v1.ok());
    // Saving identical text adds nothing.
    auto same = store.saveTemplate(*v1);
    ASSERT_TRUE(same.ok()) << same.error().message;
    EXPECT_EQ(same->version, 1);

    std::string edited = *v1;
    edited.replace(edited.find("Output the JSON object alone"), 28, "Reply with the JSON object only");
    auto v2 = store.saveTemplate(edited);
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(v2->family, "sts");
    auto versions = store.templateVersions("sts.generate");
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 2u);
    EXPECT_NE((*versions)[0].id, (*versions)[1].id);
    // Old version unchanged, latest is the edit; both retrievable by id for samples.
    auto old = store.templateAt("sts.generate", 1);
    ASSERT_TRUE(old.ok());
    EXPECT_NE(old->body.find("Output the JSON object alone"), std::string::npos);
    auto latest = store.templateAt("sts.generate");
    EXPECT_EQ(latest->version, 2);
    EXPECT_NE(latest->body.find("Reply with the JSON object only"), std::string::npos);
    // The two versions differ in exactly one line.
    auto d = diffLines(*store.templateText("sts.generate", 1), *store.templateText("sts.generate", 2));
    int removed = 0, added = 0;
    for (auto& l : d) {
        removed += l.op == DiffLine::Op::Removed;
        added += l.op == DiffLine::Op::Added;
        if (l.op == DiffLine::Op::Added) EXPECT_EQ(l.text.rfind("Reply with the JSON object only", 0), 0u);
    }
    EXPECT_EQ(removed, 1);
    EXPECT_EQ(added, 1);
    auto byId = store.templateById((*versions)[0].id);
    ASSERT_TRUE(byId.ok());
    EXPECT_EQ(byId->version, 1);
    EXPECT_FALSE(store.templateAt("sts.generate", 9).ok());
    EXPECT_FALSE(store.templateAt("nope").ok());

    // An edit that breaks the template is stored (the editor shows the errors) and validation sees it.
    std::string broken = edited;
    broken.replace(broken.find("{language}"), 10, "{langauge}");
    auto v3 = store.saveTemplate(broken);
    ASSERT_TRUE(v3.ok());
    auto lib = store.loadLatest();
    ASSERT_TRUE(lib.ok());
    ASSERT_TRUE(lib->hasErrors());
    bool found = false;
    for (auto& d : lib->diagnostics)
        found = found || (d.source == "db:sts.generate@v3" && d.diagnostic.code == "unknown_placeholder");
    EXPECT_TRUE(found);
    // Headers that make a row unusable are refused.
    EXPECT_FALSE(store.saveTemplate("family: nonsense\nstep: generate\n---\nx\n").ok());
}

TEST(PromptsStore, PoolEditsAreVersioned) {
    TempDir dir;
    auto project = newProject(dir);
    PromptStore store(project);
    auto lang = store.poolAt("language");
    ASSERT_TRUE(lang.ok());
    Pool edited = *lang;
    edited.values[0].weight = 10; // fewer English prompts
    edited.values.push_back({"Klingon", 0.5});
    auto v2 = store.savePool(edited);
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(v2->valueCount, 94u);
    EXPECT_EQ(store.savePool(edited)->version, 2); // unchanged -> no new version
    auto latest = store.poolAt("language");
    EXPECT_DOUBLE_EQ(latest->values[0].weight, 10.0);
    EXPECT_EQ(latest->values.back().value, "Klingon");
    EXPECT_DOUBLE_EQ(store.poolAt("language", 1)->values[0].weight, 43.1);
    Pool bad = edited;
    bad.values[1].weight = -1;
    EXPECT_FALSE(store.savePool(bad).ok());
    EXPECT_EQ(store.poolAt("language")->version, 2); // the failed save left nothing behind
}

TEST(PromptsStore, ExportImportRoundTrip) {
    TempDir dir;
    auto project = newProject(dir);
    PromptStore store(project);
    auto text = store.templateText("short-long.generate");
    std::string edited = *text;
    edited.replace(edited.find("Be inventive!"), 13, "Be creative!");
    ASSERT_TRUE(store.saveTemplate(edited).ok());

    auto n = store.exportDirectory(dir / "out");
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 22);
    auto exported = synthembed::test::readFile(dir / "out" / "templates" / "short-long.generate.prompt");
    EXPECT_EQ(exported, edited);
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "templates" / "short-long.generate.prompt.tmp"));
    // The exported directory is a valid prompts directory equal to the project.
    auto lib = loadLibrary(dir / "out");
    ASSERT_TRUE(lib.ok());
    EXPECT_FALSE(lib->hasErrors());
    EXPECT_EQ(lib->templates.size(), 10u);
    // Pools round-trip by value (weights written in shortest exact form).
    auto shippedLib = loadLibrary(shipped());
    for (const auto& p : shippedLib->pools.pools()) {
        const Pool* q = lib->pools.find(p.name);
        ASSERT_NE(q, nullptr) << p.name;
        ASSERT_EQ(q->values.size(), p.values.size());
        for (std::size_t i = 0; i < p.values.size(); ++i) {
            EXPECT_EQ(q->values[i].value, p.values[i].value);
            EXPECT_EQ(q->values[i].weight, p.values[i].weight);
        }
    }

    // Importing the export into a fresh project reproduces the same latest texts; importing it
    // again into the first project adds nothing; importing the shipped files adds one version back.
    TempDir dir2;
    auto other = newProject(dir2);
    auto rep = PromptStore(other).importDirectory(dir / "out");
    ASSERT_TRUE(rep.ok()) << rep.error().message;
    EXPECT_EQ(rep->templatesAdded, 1);
    EXPECT_EQ(rep->templatesUnchanged, 9);
    EXPECT_EQ(*PromptStore(other).templateText("short-long.generate"), edited);
    auto again = store.importDirectory(dir / "out");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->templatesAdded, 0);
    EXPECT_EQ(again->poolsAdded, 0);
    auto back = store.importDirectory(shipped());
    EXPECT_EQ(back->templatesAdded, 1);
    EXPECT_EQ(store.templateAt("short-long.generate")->version, 3);
}

TEST(PromptsCoverage, PlannedJobStatistics) {
    auto lib = loadLibrary(shipped());
    ASSERT_TRUE(lib.ok());
    // short-long: query_type 3 x query_length 3 x clarity 3 x num_words 6 x language 93 x difficulty 3.
    EXPECT_DOUBLE_EQ(possibleCombinations(*lib->find("short-long", Step::Generate), lib->pools),
                     3.0 * 3 * 3 * 6 * 93 * 3);
    // bitext: ordered pairs of distinct languages.
    EXPECT_DOUBLE_EQ(possibleCombinations(*lib->find("bitext", Step::Generate), lib->pools), 3.0 * 93 * 92 * 3 * 3 * 3);
    EXPECT_DOUBLE_EQ(possibleCombinations(*lib->find("long-long", Step::Generate), lib->pools), 93.0);

    auto r = planCoverage(*lib, {{"short-short", 20000, {"Task A.", "Task B."}}, {"sts", 5000, {}}}, 3);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->prompts, 25000u);
    EXPECT_DOUBLE_EQ(r->possibleCombinations, 93.0 + 3 * 93 * 3 * 3 * 3);
    EXPECT_LE(r->distinctCombinations, 2u * 93 + 3 * 93 * 3 * 3 * 3);
    EXPECT_GT(r->distinctCombinations, 150u);
    ASSERT_FALSE(r->languageMix.empty());
    EXPECT_EQ(r->languageMix[0].first, "English");
    EXPECT_NEAR(r->languageMix[0].second, 0.432, 0.01);
    EXPECT_EQ(r->expectedLanguageMix[0].first, "English");
    EXPECT_NEAR(r->expectedLanguageMix[0].second, 0.432, 0.001);
    EXPECT_GT(r->promptBytes, 25000u * 300);
    EXPECT_EQ(r->estimatedPromptTokens, r->promptBytes / 4);
    EXPECT_FALSE(planCoverage(*lib, {{"mystery", 1, {}}}, 0).ok());

    // Bitext: the target language is redrawn until it differs from the source, which lowers
    // English's share; the expected mix accounts for it and matches what is planned.
    auto bt = planCoverage(*lib, {{"bitext", 50000, {}}}, 9);
    ASSERT_TRUE(bt.ok());
    double sum = 0;
    for (auto& [lang, share] : bt->expectedLanguageMix) sum += share;
    EXPECT_NEAR(sum, 1.0, 1e-9);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto& [lang, planned] = bt->languageMix[i];
        double expected = -1;
        for (auto& [l, s] : bt->expectedLanguageMix)
            if (l == lang) expected = s;
        EXPECT_NEAR(planned, expected, 0.004) << lang;
    }
}
