// The shipped templates ask the LLM for what the paper's appendix prompts ask (issue 20). The
// checks read the RENDERED prompts: the sampled values, and the sentences they sit in. Each check
// returns the problems it found, so the same checks are also shown to reject the wording the
// templates had before (kept below as the "old" templates), and a project that stored the old
// templates gets the new ones as new versions with the old ones kept.

#include "core/prompts/diff.h"
#include "core/prompts/library.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/render.h"
#include "core/util/paths.h"

#include "support/test_support.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace synthembed;
using namespace synthembed::prompts;
using synthembed::test::TempDir;

namespace {

using Problems = std::vector<std::string>;

// The templates as they were before issue 20 (what projects created earlier hold as a version).
const char* kOldShortLongGenerate = R"(name: short-long.generate
family: short-long
step: generate
description: Step 2 of short-long retrieval: one (query, positive, hard negative) example for a task.
keys: user_query=query, positive_document=positive, hard_negative_document=negative
placeholders: query_type=query_type, query_length=query_length, clarity=clarity, num_words=num_words_retrieval, language=language, difficulty=difficulty_asymmetric
inputs: task
example_task: Given a question about a home-cooking technique, retrieve recipe articles and guides that answer it.
---
Here is a text retrieval task: {task}
Write one training example for this task as a JSON object with exactly these keys:
- "user_query": a string, a search query a user could plausibly type for this task.
- "positive_document": a string, a document that answers the query well.
- "hard_negative_document": a string, a document that looks relevant to the query at first sight but helps less.

Follow these guidelines:
- The "user_query" is {query_type}, {query_length}, {clarity}, and its topic is not the obvious first choice.
- Write the documents as if they existed independently of the query: do not copy the query into them. Parts of the "positive_document" may be off-topic, as real documents often are.
- Every document is at least {num_words} words long.
- The "hard_negative_document" contains some useful information, but clearly less, or less complete, than the "positive_document".
- The query and both documents are written in {language}.
- Understanding the "user_query" takes {difficulty} level education.
- Do not explain anything, inside or outside the JSON.

Output the JSON object alone, with no other text. Be inventive!
)";

const char* kOldShortShortBrainstorm = R"(name: short-short.brainstorm
family: short-short
step: brainstorm
description: Step 1 of short-short matching: tasks where query and document are both very short.
---
Think up a list of text matching tasks in which both the query and the matching document are very short: a sentence or two, or even just a phrase. Some examples of what we mean:
- Given the title of a research paper, find a one-sentence summary of its contribution.
- Given a product name, find a short tagline that advertises it.
- Given a proverb, find a phrase that expresses the same idea in plain words.

Answer with a Python list of strings and nothing else: about 20 elements, each one a different matching task described in a single sentence. Add no explanation. Be inventive!
)";

const char* kOldShortShortGenerate = R"(name: short-short.generate
family: short-short
step: generate
description: Step 2 of short-short matching: one (input, positive) pair for a task.
keys: input=query, positive_document=positive
placeholders: language=language
inputs: task
example_task: Given a song title, retrieve a one-sentence summary of what the song is about.
---
Here is a text matching task: {task}
Write one training example for this task as a JSON object with exactly these keys:
- "input": a string, an input of the kind the task describes.
- "positive_document": a string, a text that matches the "input" as the task requires.

Follow these guidelines:
- Keep both the "input" and the "positive_document" very short: a sentence or a phrase.
- Avoid shared words between the two where you can; heavy overlap makes the task trivial.
- All values are written in {language}.

Output the JSON object alone, with no other text. Be inventive!
)";

const char* kOldLongLongGenerate = R"(name: long-long.generate
family: long-long
step: generate
description: Step 2 of long-long matching: one (input, positive) pair of long documents for a task.
keys: input=query, positive_document=positive
placeholders: language=language
inputs: task
example_task: Given a long technical bug report, retrieve another report that describes the same underlying defect.
---
Here is a text matching task: {task}
Write one training example for this task as a JSON object with exactly these keys:
- "input": a string, a long input document of the kind the task describes.
- "positive_document": a string, a long document that matches the "input" as the task requires.

Follow these guidelines:
- Both the "input" and the "positive_document" are long documents of at least 300 words.
- Avoid shared wording between the two where you can; heavy overlap makes the task trivial.
- All values are written in {language}.

Output the JSON object alone, with no other text. Be inventive!
)";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool has(const std::string& text, const std::string& needle) {
    return lower(text).find(lower(needle)) != std::string::npos;
}

// A sentence ends at '.', '!' or '?' followed by white space (or the end), and at a line break;
// so "4.5" or a bullet's "- " do not split one.
bool endsSentence(const std::string& t, std::size_t i) {
    if (t[i] == '\n') return true;
    if (t[i] != '.' && t[i] != '!' && t[i] != '?') return false;
    return i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\n';
}

std::vector<std::string> sentences(const std::string& t) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '\n') cur += t[i];
        if (endsSentence(t, i)) {
            if (cur.find_first_not_of(" -") != std::string::npos) out.push_back(cur);
            cur.clear();
        }
    }
    if (cur.find_first_not_of(" -") != std::string::npos) out.push_back(cur);
    return out;
}

// The sentence holding byte `offset` of the text.
std::string sentenceAt(const std::string& t, std::size_t offset) {
    std::size_t begin = offset;
    while (begin > 0 && !endsSentence(t, begin - 1))
        --begin;
    std::size_t end = offset;
    while (end < t.size() && !endsSentence(t, end))
        ++end;
    return t.substr(begin, end - begin);
}

std::vector<std::string> lines(const std::string& t) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= t.size()) {
        auto nl = t.find('\n', start);
        if (nl == std::string::npos) nl = t.size();
        out.push_back(t.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

// The line describing answer key `key` ('- "key": a string, ...').
std::string keyLine(const std::string& t, const std::string& key) {
    for (const auto& l : lines(t))
        if (l.rfind("- \"" + key + "\": ", 0) == 0) return l;
    return {};
}

bool anySentence(const std::string& t, const std::vector<std::string>& words) {
    for (const auto& s : sentences(t)) {
        bool all = true;
        for (const auto& w : words)
            all = all && has(s, w);
        if (all) return true;
    }
    return false;
}

std::string spanSentence(const RenderedPrompt& r, const std::string& placeholder) {
    for (const auto& s : r.spans)
        if (s.placeholder == placeholder) return sentenceAt(r.text, s.offset);
    return {};
}

// --- the requirements, one function per paper guideline ------------------------------------------

// The paper: both the query and the documents need {difficulty}-level education to understand.
Problems difficultyCoversDocuments(const RenderedPrompt& r) {
    const std::string difficulty = r.value("difficulty");
    const std::string s = spanSentence(r, "difficulty");
    if (difficulty.empty() || s.empty()) return {"no sampled {difficulty} in the prompt"};
    Problems p;
    if (!has(s, "education")) p.push_back("the {difficulty} sentence does not speak of education: " + s);
    if (!has(s, "query")) p.push_back("the {difficulty} sentence does not cover the query: " + s);
    if (!has(s, "document")) p.push_back("the {difficulty} sentence does not cover the documents: " + s);
    return p;
}

// The paper: the user query is a random query of the task, and queries are diverse in topic.
Problems queryRandomAndDiverse(const RenderedPrompt& r) {
    Problems p;
    if (!has(keyLine(r.text, "user_query"), "random"))
        p.push_back("\"user_query\" is not described as a random query: " + keyLine(r.text, "user_query"));
    const std::string s = spanSentence(r, "query_type");
    if (s.empty()) return {"no sampled {query_type} in the prompt"};
    if (!has(s, "diverse") || !has(s, "topic"))
        p.push_back("the query guideline does not ask for queries diverse in topic: " + s);
    if (has(r.text, "obvious")) p.push_back("the prompt steers the topic away from obvious choices");
    return p;
}

// The paper: no document explains why it is or is not relevant to the query (not a ban on
// explaining anything anywhere).
Problems noRelevanceExplanation(const RenderedPrompt& r) {
    Problems p;
    if (!anySentence(r.text, {"explain", "relevant", "document"}))
        p.push_back("no guideline forbids explaining, in a document, why it is or is not relevant");
    if (has(r.text, "inside or outside the JSON"))
        p.push_back("a general ban on explanations inside the JSON replaces the relevance rule");
    return p;
}

// The paper: the hard negative has some useful information but is less useful or comprehensive.
Problems hardNegativeLessUseful(const RenderedPrompt& r) {
    for (const auto& s : sentences(r.text))
        if (has(s, "hard_negative_document") && has(s, "useful information")) {
            Problems p;
            if (!has(s, "less useful")) p.push_back("the hard negative is not \"less useful\": " + s);
            if (!has(s, "comprehensive") && !has(s, "complete"))
                p.push_back("the hard negative is not \"less comprehensive\": " + s);
            if (has(s, "clearly less"))
                p.push_back("the hard negative must be only less useful, not clearly so");
            return p;
        }
    return {"no guideline on what the hard negative contains"};
}

// The paper (short-short, long-long): a random input; input and positive independent of each other.
Problems inputRandomAndIndependent(const RenderedPrompt& r) {
    Problems p;
    if (!has(keyLine(r.text, "input"), "random"))
        p.push_back("\"input\" is not described as a random input: " + keyLine(r.text, "input"));
    if (!anySentence(r.text, {"independent", "\"input\"", "\"positive_document\""}))
        p.push_back("no guideline says the input and the positive document are independent of each other");
    return p;
}

// The paper's short-short brainstorm examples: papers citing a given paper, a word and its
// definition, a notable person's occupation or achievement.
Problems shortShortExampleKinds(const RenderedPrompt& r) {
    std::vector<std::string> examples;
    for (const auto& l : lines(r.text))
        if (l.rfind("- ", 0) == 0) examples.push_back(l);
    Problems p;
    if (examples.size() != 3)
        p.push_back("expected 3 example tasks, found " + std::to_string(examples.size()));
    auto kind = [&](const char* what, auto pred) {
        if (std::none_of(examples.begin(), examples.end(), pred))
            p.push_back(std::string("no example of ") + what);
    };
    kind("retrieving the papers that cite a paper",
         [](const std::string& e) { return has(e, "paper") && has(e, "cite"); });
    kind("matching a word with its definition",
         [](const std::string& e) { return has(e, "word") && has(e, "defin"); });
    kind("a person's occupation or achievement", [](const std::string& e) {
        return (has(e, "person") || has(e, "people")) && has(e, "occupation") && has(e, "achievement");
    });
    return p;
}

std::string join(const Problems& p) {
    std::string s;
    for (const auto& x : p)
        s += "\n  " + x;
    return s;
}

Library shipped() {
    auto lib = loadLibrary(paths::shippedPromptsDir());
    if (!lib) throw std::runtime_error(lib.error().message);
    return std::move(lib).take();
}

// `count` renderings of a template (seeds 1..count, item 0), with its example task.
std::vector<RenderedPrompt> renderSeeds(const Template& t, const PoolSet& pools, int count) {
    std::vector<RenderedPrompt> out;
    for (int seed = 1; seed <= count; ++seed) {
        auto r = renderAt(t, pools, static_cast<std::uint64_t>(seed), 0, exampleInputs(t));
        if (!r) throw std::runtime_error(t.meta.name + ": " + r.error().message);
        out.push_back(std::move(r).take());
    }
    return out;
}

template <class Check>
void expectAllSeeds(const Template* t, const PoolSet& pools, Check check, int count = 40) {
    ASSERT_NE(t, nullptr);
    for (const auto& r : renderSeeds(*t, pools, count)) {
        auto p = check(r);
        EXPECT_TRUE(p.empty()) << t->meta.name << " (" << r.value("language") << "):" << join(p)
                               << "\n--- prompt:\n"
                               << r.text;
        if (!p.empty()) return; // one failing rendering tells enough
    }
}

} // namespace

// --- short-long ----------------------------------------------------------------------------------

TEST(PromptsPaper, ShortLongDifficultyCoversQueryAndDocuments) {
    auto lib = shipped();
    const Template* t = lib.find("short-long", Step::Generate);
    ASSERT_NE(t, nullptr);
    expectAllSeeds(t, lib.pools, difficultyCoversDocuments);
    // The seeds reach every difficulty, and the sentence names the sampled one.
    std::set<std::string> seen;
    for (const auto& r : renderSeeds(*t, lib.pools, 40)) {
        seen.insert(r.value("difficulty"));
        EXPECT_TRUE(has(spanSentence(r, "difficulty"), r.value("difficulty") + " level education"));
    }
    EXPECT_EQ(seen, (std::set<std::string>{"high school", "college", "PhD"}));
}

TEST(PromptsPaper, ShortLongQueriesAreRandomAndDiverseInTopic) {
    auto lib = shipped();
    expectAllSeeds(lib.find("short-long", Step::Generate), lib.pools, queryRandomAndDiverse);
}

TEST(PromptsPaper, ShortLongDocumentsDoNotExplainTheirRelevance) {
    auto lib = shipped();
    expectAllSeeds(lib.find("short-long", Step::Generate), lib.pools, noRelevanceExplanation);
}

TEST(PromptsPaper, ShortLongHardNegativeIsLessUsefulOrComprehensive) {
    auto lib = shipped();
    expectAllSeeds(lib.find("short-long", Step::Generate), lib.pools, hardNegativeLessUseful);
}

TEST(PromptsPaper, ShortLongDescriptionNamesTheDeliberateDifference) {
    auto lib = shipped();
    const Template* t = lib.find("short-long", Step::Generate);
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(has(t->meta.description, "5 to 15 words")) << t->meta.description;
}

// --- short-short ---------------------------------------------------------------------------------

TEST(PromptsPaper, ShortShortBrainstormExamplesAreThePapersKinds) {
    auto lib = shipped();
    const Template* t = lib.find("short-short", Step::Brainstorm);
    ASSERT_NE(t, nullptr);
    expectAllSeeds(t, lib.pools, shortShortExampleKinds, 3);
    // Reworded examples: the description says so.
    EXPECT_TRUE(has(t->meta.description, "reworded")) << t->meta.description;
}

TEST(PromptsPaper, ShortShortInputIsRandomAndIndependentOfThePositive) {
    auto lib = shipped();
    expectAllSeeds(lib.find("short-short", Step::Generate), lib.pools, inputRandomAndIndependent);
}

// --- long-long -----------------------------------------------------------------------------------

TEST(PromptsPaper, LongLongInputIsRandomAndIndependentOfThePositive) {
    auto lib = shipped();
    expectAllSeeds(lib.find("long-long", Step::Generate), lib.pools, inputRandomAndIndependent);
}

// --- the checks themselves, and the upgrade of existing projects ---------------------------------

TEST(PromptsPaper, ChecksRejectTheOldWording) {
    auto lib = shipped();
    auto renderOld = [&](const char* text) {
        auto parsed = parseTemplateFile(text);
        EXPECT_TRUE(parsed.diagnostics.empty());
        return renderSeeds(parsed.tpl, lib.pools, 1).front();
    };
    const auto shortLong = renderOld(kOldShortLongGenerate);
    EXPECT_FALSE(difficultyCoversDocuments(shortLong).empty());
    EXPECT_FALSE(queryRandomAndDiverse(shortLong).empty());
    EXPECT_FALSE(noRelevanceExplanation(shortLong).empty());
    EXPECT_FALSE(hardNegativeLessUseful(shortLong).empty());
    EXPECT_FALSE(shortShortExampleKinds(renderOld(kOldShortShortBrainstorm)).empty());
    EXPECT_FALSE(inputRandomAndIndependent(renderOld(kOldShortShortGenerate)).empty());
    EXPECT_FALSE(inputRandomAndIndependent(renderOld(kOldLongLongGenerate)).empty());
}

TEST(PromptsPaper, ProjectWithTheOldTemplatesGetsTheNewOnesAsNewVersions) {
    TempDir dir;
    auto project = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(project.ok()) << project.error().message;
    PromptStore store(*project);
    // The project holds the old wording as its latest version (as a project created earlier does).
    const std::vector<std::pair<std::string, const char*>> old = {
        {"short-long.generate", kOldShortLongGenerate},
        {"short-short.brainstorm", kOldShortShortBrainstorm},
        {"short-short.generate", kOldShortShortGenerate},
        {"long-long.generate", kOldLongLongGenerate}};
    std::vector<int> oldVersion;
    for (const auto& [name, text] : old) {
        auto v = store.saveTemplate(text);
        ASSERT_TRUE(v.ok()) << v.error().message;
        EXPECT_EQ(v->name, name);
        oldVersion.push_back(v->version);
    }
    // `prompts import` of the shipped folder: each changed template becomes a new version.
    auto rep = store.importDirectory(paths::shippedPromptsDir());
    ASSERT_TRUE(rep.ok()) << rep.error().message;
    for (std::size_t i = 0; i < old.size(); ++i) {
        const auto& name = old[i].first;
        auto latest = store.templateAt(name);
        ASSERT_TRUE(latest.ok());
        EXPECT_EQ(latest->version, oldVersion[i] + 1) << name;
        // The old version is kept, word for word, and the diff shows the change.
        auto before = store.templateText(name, oldVersion[i]);
        ASSERT_TRUE(before.ok());
        EXPECT_EQ(*before, formatTemplateFile(parseTemplateFile(old[i].second).tpl.meta,
                                              parseTemplateFile(old[i].second).tpl.body))
            << name;
        auto stats = diffStats(diffLines(*before, *store.templateText(name)));
        EXPECT_GT(stats.added, 0) << name;
    }
    auto d = formatDiff(diffLines(*store.templateText("short-long.generate", oldVersion[0]),
                                  *store.templateText("short-long.generate")));
    EXPECT_NE(
        d.find("- - The \"user_query\" is {query_type}, {query_length}, {clarity}, and its topic is not the "
               "obvious first choice."),
        std::string::npos)
        << d;
    // Importing again adds nothing.
    auto again = store.importDirectory(paths::shippedPromptsDir());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->templatesAdded, 0);
}
