// Template engine: parsing, validation with positions, pools, the portable RNG, rendering,
// seeded determinism (fixed expected output), weighted sampling frequencies, task-list parsing.

#include "core/prompts/library.h"
#include "core/prompts/render.h"
#include "core/prompts/rng.h"
#include "core/util/paths.h"

#include "support/test_support.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace synthembed::prompts;

namespace {

PoolSet smallPools() {
    PoolSet pools;
    pools.add(parsePoolFile("name: colour\n---\nred | 1\ngreen | 2\nblue | 7\n").pool);
    pools.add(parsePoolFile("name: lang\n---\nEnglish | 5\nFrench\nGerman\nJapanese\n").pool);
    pools.add(parsePoolFile("name: size\n---\nsmall\nlarge\n").pool);
    return pools;
}

const char* kSmallTemplate = "family: short-short\n"
                             "step: generate\n"
                             "keys: input=query, positive_document=positive\n"
                             "placeholders: c=colour, l=lang, s=size\n"
                             "inputs: task\n"
                             "example_task: Find a thing.\n"
                             "---\n"
                             "Task: {task}\n"
                             "Write {{\"input\": ..., \"positive_document\": ...}} about a {s} {c} thing in {l}.\n"
                             "Again: {c}.\n";

std::vector<Diagnostic> errorsOf(const std::string& text, const PoolSet& pools) {
    auto all = validateTemplateText(text, pools);
    std::vector<Diagnostic> errors;
    for (auto& d : all)
        if (d.isError()) errors.push_back(d);
    return errors;
}

const Diagnostic* findCode(const std::vector<Diagnostic>& ds, const std::string& code) {
    for (auto& d : ds)
        if (d.code == code) return &d;
    return nullptr;
}

// Fixed expected outputs (see SeededOutputIsFixed).
const char* kExpectedSeed42 =
    "about a large green thing in English.\nAgain: green.|about a large blue thing in English.\nAgain: blue.|"
    "about a large green thing in German.\nAgain: green.|about a large blue thing in German.\nAgain: blue.|"
    "about a small blue thing in German.\nAgain: blue.|about a small green thing in English.\nAgain: green.|";
// Depends on prompts/pools/*.pool: editing the shipped weights or values changes it on purpose.
const char* kExpectedBitextSeed7 =
    "unit=sentence;src_lang=Malagasy;tgt_lang=Dutch;high_score=4;low_score=2.5;difficulty=elementary school;";

std::filesystem::path promptsDir() { return synthembed::paths::shippedPromptsDir(); }

} // namespace

// Pearson chi-square of observed counts against expected probabilities.
static double chiSquare(const std::vector<int>& counts, const std::vector<double>& probs, int n) {
    double chi = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        double e = probs[i] * n;
        chi += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi;
}

TEST(PromptsParse, PlaceholdersEscapesAndSegments) {
    std::vector<Diagnostic> diags;
    auto segs = parseBody("a {{b}} {name} c}} {x_1}", diags);
    ASSERT_TRUE(diags.empty()) << formatDiagnostic(diags[0]);
    ASSERT_EQ(segs.size(), 4u);
    EXPECT_EQ(segs[0].kind, Segment::Kind::Text);
    EXPECT_EQ(segs[0].text, "a {b} ");
    EXPECT_EQ(segs[1].kind, Segment::Kind::Placeholder);
    EXPECT_EQ(segs[1].text, "name");
    EXPECT_EQ(segs[1].bodyOffset, 8u);
    EXPECT_EQ(segs[1].sourceLength, 6u);
    EXPECT_EQ(segs[2].text, " c} ");
    EXPECT_EQ(segs[3].text, "x_1");
}

TEST(PromptsParse, FileHeaderAndBody) {
    auto parsed = parseTemplateFile(kSmallTemplate);
    EXPECT_TRUE(parsed.diagnostics.empty());
    const auto& t = parsed.tpl;
    EXPECT_EQ(t.meta.name, "short-short.generate");
    EXPECT_EQ(t.meta.family, "short-short");
    EXPECT_EQ(t.meta.step, Step::Generate);
    ASSERT_EQ(t.meta.keys.size(), 2u);
    EXPECT_EQ(t.meta.keys[1].name, "positive_document");
    EXPECT_EQ(t.meta.keys[1].role, Role::Positive);
    ASSERT_EQ(t.meta.placeholders.size(), 3u);
    EXPECT_EQ(t.meta.placeholders[2].pool, "size");
    EXPECT_EQ(t.bodyStartLine, 8);
    EXPECT_EQ(t.placeholdersUsed(), (std::vector<std::string>{"task", "s", "c", "l"}));
    // Round trip through the writer.
    auto again = parseTemplateFile(formatTemplateFile(t.meta, t.body));
    EXPECT_TRUE(again.diagnostics.empty());
    EXPECT_EQ(again.tpl.body, t.body);
    EXPECT_EQ(formatTemplateFile(again.tpl.meta, again.tpl.body), formatTemplateFile(t.meta, t.body));
}

TEST(PromptsValidate, ValidTemplateHasNoErrors) {
    EXPECT_TRUE(errorsOf(kSmallTemplate, smallPools()).empty());
}

TEST(PromptsValidate, UnknownPlaceholderWithPosition) {
    std::string text = kSmallTemplate;
    text += "Ünïcode then {mystery} here.\n";
    auto errors = errorsOf(text, smallPools());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "unknown_placeholder");
    EXPECT_EQ(errors[0].pos.line, 11);
    EXPECT_EQ(errors[0].pos.column, 14); // columns count code points, not bytes
    EXPECT_EQ(errors[0].bodyPos.line, 4);
    EXPECT_EQ(errors[0].length, 9);
    EXPECT_EQ(text.substr(errors[0].pos.offset, 9), "{mystery}");
    EXPECT_NE(formatDiagnostic(errors[0]).find("11:14: error: unknown placeholder {mystery}"), std::string::npos)
        << formatDiagnostic(errors[0]);
}

TEST(PromptsValidate, PlaceholderWithoutPoolPointsAtHeader) {
    std::string text = kSmallTemplate;
    text.replace(text.find("s=size"), 6, "s=sizes");
    auto errors = errorsOf(text, smallPools());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "missing_pool");
    EXPECT_EQ(errors[0].pos.line, 4);
    EXPECT_EQ(errors[0].pos.column, 33);
    EXPECT_EQ(errors[0].message, "placeholder {s} draws from pool 'sizes', which does not exist");
}

TEST(PromptsValidate, UnusedPool) {
    std::string text = kSmallTemplate;
    text.replace(text.find("s=size"), 6, "s=size, z=size");
    auto errors = errorsOf(text, smallPools());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, "unused_pool");
    EXPECT_EQ(errors[0].pos.line, 4);
    EXPECT_EQ(errors[0].pos.column, 41);
}

TEST(PromptsValidate, UnbalancedBraces) {
    std::string text = kSmallTemplate;
    text += "open { never closed\nstray } brace\n{bad name}\n";
    auto errors = errorsOf(text, smallPools());
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].code, "unbalanced_brace");
    EXPECT_EQ(errors[0].pos.line, 11);
    EXPECT_EQ(errors[0].pos.column, 6);
    EXPECT_EQ(errors[1].code, "unbalanced_brace");
    EXPECT_EQ(errors[1].pos.line, 12);
    EXPECT_EQ(errors[1].pos.column, 7);
    EXPECT_EQ(errors[2].code, "bad_placeholder");
    EXPECT_EQ(errors[2].pos.line, 13);
    EXPECT_EQ(errors[2].pos.column, 1);
}

TEST(PromptsValidate, MissingRequiredKeys) {
    std::string text = kSmallTemplate;
    text.replace(text.find("family: short-short"), 19, "family: short-long");
    auto errors = errorsOf(text, smallPools());
    auto* d = findCode(errors, "missing_key");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->pos.line, 3);
    EXPECT_EQ(d->pos.column, 1);
    EXPECT_NE(d->message.find("'negative'"), std::string::npos);

    std::string noKeys = kSmallTemplate;
    noKeys.replace(noKeys.find("keys: input=query, positive_document=positive\n"), 46, "");
    auto e2 = errorsOf(noKeys, smallPools());
    EXPECT_EQ(std::count_if(e2.begin(), e2.end(), [](auto& x) { return x.code == "missing_key"; }), 2);
}

TEST(PromptsValidate, HeaderProblems) {
    auto e = errorsOf("family: medium-medium\nstep: think\nkeys: q=query, p=winner\n---\nbody\n", smallPools());
    ASSERT_NE(findCode(e, "bad_family"), nullptr);
    EXPECT_EQ(findCode(e, "bad_family")->pos.column, 9);
    ASSERT_NE(findCode(e, "bad_step"), nullptr);
    EXPECT_EQ(findCode(e, "bad_step")->pos.line, 2);
    ASSERT_NE(findCode(e, "bad_role"), nullptr);
    EXPECT_EQ(findCode(e, "bad_role")->pos.line, 3);
    EXPECT_EQ(findCode(e, "bad_role")->pos.column, 16);
    auto noSep = errorsOf("just a body with {x}\n", smallPools());
    EXPECT_NE(findCode(noSep, "bad_header"), nullptr);
    auto sts = errorsOf("family: sts\nstep: brainstorm\n---\nList things.\n", smallPools());
    EXPECT_NE(findCode(sts, "bad_step"), nullptr);
}

TEST(PromptsPools, FileFormatAndDiagnostics) {
    auto p = parsePoolFile("name: x\ndescription: d\n---\n# comment\na | 2.5\nb\n\nc|0\n");
    EXPECT_TRUE(p.diagnostics.empty());
    ASSERT_EQ(p.pool.values.size(), 3u);
    EXPECT_EQ(p.pool.values[0].weight, 2.5);
    EXPECT_EQ(p.pool.values[1].weight, 1.0);
    EXPECT_EQ(p.pool.values[2].value, "c");
    EXPECT_DOUBLE_EQ(p.pool.share(0), 2.5 / 3.5);
    auto again = parsePoolFile(formatPoolFile(p.pool));
    EXPECT_TRUE(again.diagnostics.empty());
    EXPECT_EQ(formatPoolFile(again.pool), formatPoolFile(p.pool));

    auto bad = parsePoolFile("name: x\n---\na | heavy\na\n");
    ASSERT_EQ(bad.diagnostics.size(), 3u); // bad weight, duplicate, then all-zero (a has weight 0)
    EXPECT_EQ(bad.diagnostics[0].code, "bad_weight");
    EXPECT_EQ(bad.diagnostics[0].pos.line, 3);
    EXPECT_EQ(bad.diagnostics[1].code, "duplicate_value");
    EXPECT_EQ(bad.diagnostics[1].pos.line, 4);
}

TEST(PromptsRng, ReferenceSequences) {
    // xoshiro256** reference output for state {1,2,3,4} (Vigna's test vector).
    Rng x = Rng::fromState(1, 2, 3, 4);
    EXPECT_EQ(x.next(), 11520ull);
    EXPECT_EQ(x.next(), 0ull);
    EXPECT_EQ(x.next(), 1509978240ull);
    EXPECT_EQ(x.next(), 1215971899390074240ull);
    // splitmix64 from state 0: first output of the reference implementation.
    std::uint64_t s = 0;
    EXPECT_EQ(splitmix64(s), 0xe220a8397b1dcdafull);
    // Our seeding: fixed forever (changing it changes every seeded job).
    Rng r(0);
    EXPECT_EQ(r.next(), 0x99ec5f36cb75f2b4ull);
    EXPECT_EQ(r.next(), 0xbf6e1f784956452aull);
    EXPECT_EQ(r.next(), 0x1a5f849d4933e6e0ull);
    Rng st = Rng::forStream(2024, 7);
    EXPECT_EQ(st.next(), 0x6c340ac3417614a9ull);
    Rng b(99);
    std::vector<std::uint64_t> got;
    for (int i = 0; i < 10; ++i) got.push_back(b.below(1000));
    EXPECT_EQ(got, (std::vector<std::uint64_t>{348, 564, 378, 855, 785, 205, 277, 58, 846, 584}));
}

TEST(PromptsRng, BelowIsUnbiasedAndInRange) {
    Rng r(5);
    std::vector<int> counts(3, 0);
    const int n = 90000;
    for (int i = 0; i < n; ++i) {
        auto v = r.below(3);
        ASSERT_LT(v, 3u);
        ++counts[v];
    }
    for (int c : counts) EXPECT_NEAR(c, n / 3, 600); // ~4.2 sigma
    EXPECT_EQ(r.below(1), 0u);
    for (int i = 0; i < 1000; ++i) {
        double u = r.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
    }
}

TEST(PromptsRng, StreamsAreIndependent) {
    // The first draw of consecutive streams must itself be uniform (jobs use one stream per item).
    const int n = 100000;
    std::vector<int> counts(10, 0);
    for (int i = 0; i < n; ++i) ++counts[Rng::forStream(42, static_cast<std::uint64_t>(i)).below(10)];
    EXPECT_LT(chiSquare(counts, std::vector<double>(10, 0.1), n), 27.9); // df 9, p = 0.001
}

TEST(PromptsRng, WeightedFrequenciesSmallPool) {
    auto pools = smallPools();
    const Pool& colour = *pools.find("colour");
    Rng r(123);
    const int n = 100000;
    std::vector<int> counts(3, 0);
    for (int i = 0; i < n; ++i) ++counts[colour.pick(r)];
    // df = 2: P(chi2 > 13.8) = 0.001.
    EXPECT_LT(chiSquare(counts, {0.1, 0.2, 0.7}, n), 13.8) << counts[0] << " " << counts[1] << " " << counts[2];
    // Zero weights are never drawn.
    Pool z = parsePoolFile("name: z\n---\na | 0\nb | 1\nc | 0\n").pool;
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(z.pick(r), 1u);
}

TEST(PromptsRng, WeightedFrequenciesLanguagePool) {
    auto lib = loadLibrary(promptsDir());
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    const Pool* lang = lib->pools.find("language");
    ASSERT_NE(lang, nullptr);
    std::vector<double> probs;
    for (std::size_t i = 0; i < lang->values.size(); ++i) probs.push_back(lang->share(i));
    Rng r(20240101);
    const int n = 100000;
    std::vector<int> counts(probs.size(), 0);
    for (int i = 0; i < n; ++i) ++counts[lang->pick(r)];
    // df = 92: mean 92, sd 13.6; 150 is beyond the 0.9999 quantile.
    EXPECT_LT(chiSquare(counts, probs, n), 150.0);
    EXPECT_NEAR(counts[0] / double(n), 0.432, 0.005); // English
}

TEST(PromptsRender, RecordsValuesAndSpans) {
    auto t = parseTemplateFile(kSmallTemplate).tpl;
    auto pools = smallPools();
    Rng rng(1);
    auto r = render(t, pools, rng, {{"task", "Match a riddle to its answer."}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->family, "short-short");
    ASSERT_EQ(r->values.size(), 4u);
    EXPECT_EQ(r->values[0].first, "task");
    EXPECT_EQ(r->value("task"), "Match a riddle to its answer.");
    ASSERT_EQ(r->spans.size(), 5u); // {c} appears twice
    for (const auto& s : r->spans) EXPECT_EQ(r->text.substr(s.offset, s.length), r->value(s.placeholder));
    EXPECT_NE(r->text.find("Write {\"input\": ..., \"positive_document\": ...}"), std::string::npos) << r->text;

    auto missing = render(t, pools, rng, {});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "missing_input");
}

TEST(PromptsRender, SeededOutputIsFixed) {
    // The same seed gives byte-identical prompts on every run and platform. If this fails,
    // seeded jobs are no longer reproducible: do not update the expectation lightly.
    auto t = parseTemplateFile(kSmallTemplate).tpl;
    auto pools = smallPools();
    auto many = renderMany(t, pools, 42, 6, {{"task", "T"}});
    ASSERT_TRUE(many.ok()) << many.error().message;
    std::string all;
    for (auto& p : *many) all += p.text.substr(p.text.find("about")) + "|";
    EXPECT_EQ(all, kExpectedSeed42);
    auto again = renderMany(t, pools, 42, 4, {{"task", "T"}});
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ((*again)[i].text, (*many)[i].text);
    // Item i does not depend on the others: rendering index 2 alone gives the same prompt.
    auto third = renderAt(t, pools, 42, 2, {{"task", "T"}});
    EXPECT_EQ(third->text, (*many)[2].text);
}

TEST(PromptsRender, ShippedBitextSeedIsFixed) {
    auto lib = loadLibrary(promptsDir());
    ASSERT_TRUE(lib.ok());
    const Template* t = lib->find("bitext", Step::Generate);
    ASSERT_NE(t, nullptr);
    auto r = renderAt(*t, lib->pools, 7, 0);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::string values;
    for (auto& [k, v] : r->values) values += k + "=" + v + ";";
    EXPECT_EQ(values, kExpectedBitextSeed7);
}

TEST(PromptsRender, BitextLanguagesDiffer) {
    auto lib = loadLibrary(promptsDir());
    ASSERT_TRUE(lib.ok());
    const Template* t = lib->find("bitext", Step::Generate);
    ASSERT_NE(t, nullptr);
    std::map<std::string, int> pairs;
    for (std::uint64_t i = 0; i < 2000; ++i) {
        auto r = renderAt(*t, lib->pools, 3, i);
        ASSERT_TRUE(r.ok());
        ASSERT_NE(r->value("src_lang"), r->value("tgt_lang"));
        ++pairs[r->value("src_lang") + ">" + r->value("tgt_lang")];
        ASSERT_TRUE(r->value("low_score") == "1.5" || r->value("low_score") == "2" || r->value("low_score") == "2.5");
    }
    EXPECT_GT(pairs.size(), 100u);
}

TEST(PromptsLibrary, ShippedTemplatesAreCompleteAndValid) {
    auto lib = loadLibrary(promptsDir());
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    for (auto& d : lib->diagnostics) ADD_FAILURE() << d.toString();
    EXPECT_EQ(lib->templates.size(), 10u);
    for (const char* f : kFamilies) {
        const Template* g = lib->find(f, Step::Generate);
        ASSERT_NE(g, nullptr) << f;
        EXPECT_EQ(hasBrainstormStep(f), lib->find(f, Step::Brainstorm) != nullptr) << f;
        auto r = renderAt(*g, lib->pools, 1, 0, exampleInputs(*g));
        ASSERT_TRUE(r.ok()) << f << ": " << r.error().message;
        EXPECT_EQ(r->text.find('{'), std::string::npos) << f;
    }
    // The paper's value sets (METHOD.md section 2).
    auto values = [&](const char* pool) {
        std::vector<std::string> v;
        for (auto& pv : lib->pools.find(pool)->values) v.push_back(pv.value);
        return v;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(values("query_type"), (V{"extremely long-tail", "long-tail", "common"}));
    EXPECT_EQ(values("query_length"), (V{"less than 5 words", "5 to 15 words", "at least 10 words"}));
    EXPECT_EQ(values("clarity"), (V{"clear", "understandable with some effort", "ambiguous"}));
    EXPECT_EQ(values("num_words_retrieval"), (V{"50", "100", "200", "300", "400", "500"}));
    EXPECT_EQ(values("num_words_classification"),
              (V{"less than 10", "at least 10", "at least 50", "at least 100", "at least 200"}));
    EXPECT_EQ(values("difficulty_asymmetric"), (V{"high school", "college", "PhD"}));
    EXPECT_EQ(values("difficulty_symmetric"), (V{"elementary school", "high school", "college"}));
    EXPECT_EQ(values("unit"), (V{"sentence", "phrase", "passage"}));
    EXPECT_EQ(values("high_score"), (V{"4", "4.5", "5"}));
    EXPECT_EQ(values("low_score_sts"), (V{"2.5", "3", "3.5"}));
    EXPECT_EQ(values("low_score_bitext"), (V{"1.5", "2", "2.5"}));
    EXPECT_EQ(values("language").size(), 93u);
    EXPECT_EQ(values("language")[0], "English");
    EXPECT_NEAR(lib->pools.find("language")->share(0), 0.43, 0.01);
    // Classification keeps {num_words}; long-long fixes 300 words; bitext uses the low set.
    auto uses = [&](const char* family, const char* ph) {
        auto u = lib->find(family, Step::Generate)->placeholdersUsed();
        return std::find(u.begin(), u.end(), ph) != u.end();
    };
    EXPECT_TRUE(uses("long-short", "num_words"));
    EXPECT_EQ(lib->find("long-short", Step::Generate)->meta.sourceOf("num_words")->pool, "num_words_classification");
    EXPECT_NE(lib->find("long-long", Step::Generate)->body.find("at least 300 words"), std::string::npos);
    EXPECT_EQ(lib->find("bitext", Step::Generate)->meta.sourceOf("low_score")->pool, "low_score_bitext");
    EXPECT_EQ(lib->find("sts", Step::Generate)->meta.sourceOf("low_score")->pool, "low_score_sts");
}

TEST(PromptsLibrary, MissingTemplatesAreReported) {
    synthembed::test::TempDir dir;
    std::filesystem::create_directories(dir / "templates");
    synthembed::test::writeFile(dir / "templates" / "sts.generate.prompt", "family: sts\nstep: generate\n---\n{x}\n");
    auto lib = loadLibrary(dir.path());
    ASSERT_TRUE(lib.ok());
    EXPECT_TRUE(lib->hasErrors());
    int missing = 0;
    for (auto& d : lib->diagnostics) missing += d.diagnostic.code == "missing_template";
    EXPECT_EQ(missing, 9); // 5 generate + 4 brainstorm
    bool unknownAtPos = false;
    for (auto& d : lib->diagnostics)
        if (d.diagnostic.code == "unknown_placeholder")
            unknownAtPos = d.toString().find("sts.generate.prompt:4:1: error:") != std::string::npos;
    EXPECT_TRUE(unknownAtPos);
    EXPECT_FALSE(loadLibrary(dir / "nope").ok());
}

TEST(PromptsLibrary, CrlfFilesRenderLikeLfFiles) {
    synthembed::test::TempDir dir;
    for (const char* sub : {"templates", "pools"}) std::filesystem::create_directories(dir / sub);
    auto crlf = [](std::string s) {
        std::string out;
        for (char c : s) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return out;
    };
    auto src = loadLibrary(promptsDir());
    ASSERT_TRUE(src.ok());
    for (const auto& p : src->pools.pools())
        synthembed::test::writeFile(dir / "pools" / (p.name + ".pool"), crlf(formatPoolFile(p)));
    for (const auto& t : src->templates)
        synthembed::test::writeFile(dir / "templates" / (t.meta.name + ".prompt"), crlf(formatTemplateFile(t.meta, t.body)));
    auto lib = loadLibrary(dir.path());
    ASSERT_TRUE(lib.ok());
    EXPECT_FALSE(lib->hasErrors());
    const Template* a = lib->find("short-long", Step::Generate);
    const Template* b = src->find("short-long", Step::Generate);
    EXPECT_EQ(renderAt(*a, lib->pools, 4, 4, exampleInputs(*a))->text, renderAt(*b, src->pools, 4, 4, exampleInputs(*b))->text);
}

TEST(PromptsPlan, TaskListFormats) {
    using V = std::vector<std::string>;
    struct Case {
        const char* name;
        const char* answer;
        V expected;
    };
    const std::vector<Case> cases = {
        {"json", R"(["Find recipes for a dish.", "Retrieve laws about a topic."])",
         V{"Find recipes for a dish.", "Retrieve laws about a topic."}},
        {"python single quotes",
         "['Given a user's symptom, find medical articles.', 'Retrieve poems about a theme.',]",
         V{"Given a user's symptom, find medical articles.", "Retrieve poems about a theme."}},
        {"fenced with prose",
         "Sure! Here are the tasks:\n```python\n[\n  \"Task one about cars.\",\n  \"Task two about boats.\"\n]\n```\n"
         "Let me know if you need more.",
         V{"Task one about cars.", "Task two about boats."}},
        {"numbered lines", "Here you go:\n1. Classify emails by urgency.\n2) Classify tweets by sentiment.\n3. "
                           "\"Classify news by topic.\"\n",
         V{"Classify emails by urgency.", "Classify tweets by sentiment.", "Classify news by topic."}},
        {"bullets", "- **Match a title to its abstract.**\n* Match a word to its definition.\n\xE2\x80\xA2 Match a "
                    "flag to a country.",
         V{"Match a title to its abstract.", "Match a word to its definition.", "Match a flag to a country."}},
        {"object holding list", R"({"tasks": ["Alpha task here.", "Beta task here.", "Alpha task here."]})",
         V{"Alpha task here.", "Beta task here."}},
        {"raw newline inside python list", "['Retrieve a\nlong-form answer.', 'Find datasets.']",
         V{"Retrieve a\nlong-form answer.", "Find datasets."}},
        {"fenced plain lines", "```\nFind songs by mood.\nFind films by plot.\n```", V{"Find songs by mood.", "Find films by plot."}},
    };
    for (const auto& c : cases) {
        auto r = parseTaskList(c.answer);
        ASSERT_TRUE(r.ok()) << c.name << ": " << r.error().message;
        EXPECT_EQ(*r, c.expected) << c.name;
    }
    EXPECT_FALSE(parseTaskList("I cannot help with that.").ok());
    EXPECT_FALSE(parseTaskList("").ok());
    EXPECT_EQ(parseTaskList("no list").error().code, "llm_answer");
}

TEST(PromptsPlan, OneGeneratePromptPerTask) {
    auto lib = loadLibrary(promptsDir());
    ASSERT_TRUE(lib.ok());
    auto tasks = parseTaskList("['Find A things.', 'Find B things.', 'Find C things.']");
    ASSERT_TRUE(tasks.ok());
    const Template* gen = lib->find("short-long", Step::Generate);
    auto plan = planGenerate(*gen, lib->pools, *tasks, 11);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_EQ(plan->size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*plan)[i].value("task"), (*tasks)[i]);
        EXPECT_EQ((*plan)[i].text.rfind("Here is a text retrieval task: " + (*tasks)[i], 0), 0u);
        EXPECT_EQ((*plan)[i].values.size(), 7u);
    }
    EXPECT_FALSE(planGenerate(*lib->find("short-long", Step::Brainstorm), lib->pools, *tasks, 1).ok());
}

#include "core/prompts/diff.h"

TEST(PromptsDiff, LineDiff) {
    auto d = diffLines("a\nb\nc\nd\n", "a\nx\nc\nd\ne\n");
    EXPECT_EQ(formatDiff(d), "  a\n- b\n+ x\n  c\n  d\n+ e\n");
    EXPECT_EQ(d[1].oldLine, 2);
    EXPECT_EQ(d[2].newLine, 2);
    EXPECT_EQ(formatDiff(diffLines("", "")), "");
    EXPECT_EQ(formatDiff(diffLines("same", "same")), "  same\n");
}
