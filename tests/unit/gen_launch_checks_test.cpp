// What the GUI asks before launching a job, decided in core against real project files: a seed
// already used with the same template versions (its prompts would repeat), a fresh seed, and the
// problems of the templates a job would use.

#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/prompts/prompt_store.h"
#include "core/store/project.h"

using namespace synthembed;
using namespace synthembed::test;

namespace {

store::Project newProject(const TempDir& dir) {
    prompts::registerProjectSeeder();
    auto p = store::Project::create(dir / "p.synthembed");
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(p).take();
}

gen::JobSpec spec(std::vector<std::pair<std::string, double>> families, std::uint64_t seed) {
    gen::JobSpec s;
    s.families = std::move(families);
    s.target = 10;
    s.seed = seed;
    s.client.endpoints = {{"http://127.0.0.1:9/v1", "", 0}};
    s.client.model = "m";
    return s;
}

} // namespace

TEST(GenLaunchChecks, SeedReuseNeedsSameSeedSharedFamilyAndSameTemplateVersions) {
    TempDir dir;
    auto project = newProject(dir);
    auto first = gen::createJob(project, spec({{"sts", 1.0}, {"short-long", 1.0}}, 7));
    ASSERT_TRUE(first.ok()) << first.error().message;

    // Same seed, a family in common: that family repeats, the other one does not.
    auto reuse = gen::findSeedReuse(project, spec({{"sts", 1.0}, {"bitext", 1.0}}, 7));
    ASSERT_TRUE(reuse.ok()) << reuse.error().message;
    ASSERT_EQ(reuse->size(), 1u);
    EXPECT_EQ((*reuse)[0].jobId, *first);
    EXPECT_EQ((*reuse)[0].families, std::vector<std::string>{"sts"});
    EXPECT_EQ((*reuse)[0].state, gen::JobState::Pending);

    // Another seed, or no family in common: nothing repeats.
    EXPECT_TRUE(gen::findSeedReuse(project, spec({{"sts", 1.0}}, 8))->empty());
    EXPECT_TRUE(gen::findSeedReuse(project, spec({{"bitext", 1.0}}, 7))->empty());

    // A new version of the sts generate template draws other prompts: no longer a repeat for sts,
    // still one for short-long.
    prompts::PromptStore store(project);
    auto text = store.templateText("sts.generate");
    ASSERT_TRUE(text.ok());
    std::string edited = *text + "\nOne more line.\n";
    ASSERT_TRUE(store.saveTemplate(edited).ok());
    EXPECT_TRUE(gen::findSeedReuse(project, spec({{"sts", 1.0}}, 7))->empty());
    reuse = gen::findSeedReuse(project, spec({{"sts", 1.0}, {"short-long", 1.0}}, 7));
    ASSERT_EQ(reuse->size(), 1u);
    EXPECT_EQ((*reuse)[0].families, std::vector<std::string>{"short-long"});

    // A fresh seed is above every used one.
    ASSERT_TRUE(gen::createJob(project, spec({{"sts", 1.0}}, 41)).ok());
    auto fresh = gen::unusedSeed(project);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(*fresh, 42u);
    EXPECT_TRUE(gen::findSeedReuse(project, spec({{"sts", 1.0}, {"short-long", 1.0}}, *fresh))->empty());
}

TEST(GenLaunchChecks, UnusedSeedOfAnEmptyProjectIsOne) {
    TempDir dir;
    auto project = newProject(dir);
    EXPECT_EQ(*gen::unusedSeed(project), 1u);
}

TEST(GenLaunchChecks, TemplateProblemsOfTheFamiliesUsedOnly) {
    TempDir dir;
    auto project = newProject(dir);
    prompts::PromptStore store(project);
    auto clean = store.loadLatest();
    ASSERT_TRUE(clean.ok());
    EXPECT_TRUE(gen::templateProblems(*clean, {{"sts", 1.0}, {"short-long", 1.0}}).empty())
        << "the shipped templates have problems";

    // An unknown placeholder in the sts template: a problem for sts jobs, not for bitext ones.
    auto text = store.templateText("sts.generate");
    ASSERT_TRUE(text.ok());
    ASSERT_TRUE(store.saveTemplate(*text + "\nAlso mind {no_such_placeholder}.\n").ok());
    auto lib = store.loadLatest();
    ASSERT_TRUE(lib.ok());
    auto problems = gen::templateProblems(*lib, {{"sts", 1.0}, {"bitext", 1.0}});
    ASSERT_FALSE(problems.empty());
    bool named = false;
    for (auto& p : problems) {
        EXPECT_EQ(p.source.rfind("db:sts.generate@v2", 0), 0u) << p.toString();
        if (p.toString().find("no_such_placeholder") != std::string::npos) named = true;
    }
    EXPECT_TRUE(named);
    EXPECT_TRUE(gen::templateProblems(*lib, {{"bitext", 1.0}}).empty());
}
