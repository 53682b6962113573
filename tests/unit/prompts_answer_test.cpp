// Answer parsing: lenient JSON extraction from real-looking LLM answers, then strict validation
// against the template's keys -> a typed sample or a reject reason.

#include "core/prompts/answer.h"
#include "core/prompts/lenient_json.h"
#include "core/prompts/library.h"
#include "core/util/paths.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace synthembed::prompts;

namespace {

const Library& library() {
    static Library lib = [] {
        auto r = loadLibrary(synthembed::paths::shippedPromptsDir());
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(r).value();
    }();
    return lib;
}

struct Case {
    const char* name;
    const char* family;
    std::string answer;
    const char* rejectCode; // nullptr = accepted
    const char* query = nullptr;
    const char* positive = nullptr;
    const char* negative = nullptr;
};

// Answers in the shapes models really produce (collected patterns: prose, fences, Python dicts,
// truncation at the token limit, unescaped quotes, smart quotes from chat UIs...).
const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        // --- accepted after repair ------------------------------------------------------------
        {"clean", "short-long", R"({"user_query": "q", "positive_document": "p", "hard_negative_document": "n"})",
         nullptr, "q", "p", "n"},
        {"fenced json", "short-long",
         "```json\n{\"user_query\": \"q\", \"positive_document\": \"p\", \"hard_negative_document\": \"n\"}\n```",
         nullptr, "q", "p", "n"},
        {"prose before and after", "short-long",
         "Sure! Here is the JSON object you asked for:\n\n{\"user_query\": \"q\", \"positive_document\": \"p\", "
         "\"hard_negative_document\": \"n\"}\n\nI hope this helps!",
         nullptr, "q", "p", "n"},
        {"trailing comma", "short-long",
         "{\n  \"user_query\": \"q\",\n  \"positive_document\": \"p\",\n  \"hard_negative_document\": \"n\",\n}",
         nullptr, "q", "p", "n"},
        {"raw newlines in strings", "short-long",
         "{\"user_query\": \"q\", \"positive_document\": \"para one\n\npara two\", \"hard_negative_document\": "
         "\"n\tx\"}",
         nullptr, "q", "para one\n\npara two", "n\tx"},
        {"python dict single quotes", "short-long",
         "{'user_query': 'q', 'positive_document': 'It's a doc', 'hard_negative_document': 'n'}", nullptr, "q",
         "It's a doc", "n"},
        {"smart quotes", "short-long",
         "{\xE2\x80\x9Cuser_query\xE2\x80\x9D: \xE2\x80\x9Cq\xE2\x80\x9D, \xE2\x80\x9Cpositive_document\xE2\x80\x9D: "
         "\xE2\x80\x9Cp\xE2\x80\x9D, \xE2\x80\x9Chard_negative_document\xE2\x80\x9D: \xE2\x80\x9Cn\xE2\x80\x9D}",
         nullptr, "q", "p", "n"},
        {"unescaped inner quotes", "short-long",
         R"({"user_query": "what does "al dente" mean", "positive_document": "The phrase "al dente" means firm.", "hard_negative_document": "n"})",
         nullptr, "what does \"al dente\" mean", "The phrase \"al dente\" means firm.", "n"},
        {"missing commas between lines", "short-long",
         "{\n\"user_query\": \"q\"\n\"positive_document\": \"p\"\n\"hard_negative_document\": \"n\"\n}", nullptr, "q",
         "p", "n"},
        {"unquoted keys", "short-long", "{user_query: \"q\", positive_document: \"p\", hard_negative_document: \"n\"}",
         nullptr, "q", "p", "n"},
        {"fenced without language and prose", "long-short",
         "Here's an example:\n```\n{\"input_text\": \"The battery died in a day.\", \"label\": \"battery life\", "
         "\"misleading_label\": \"price\"}\n```",
         nullptr, "The battery died in a day.", "battery life", "price"},
        {"numeric label", "long-short", R"({"input_text": "Five stars, great!", "label": 5, "misleading_label": 3})",
         nullptr, "Five stars, great!", "5", "3"},
        {"escaped unicode and slashes", "short-long",
         R"({"user_query": "caf\u00e9 \/ bar", "positive_document": "emoji \ud83d\ude00 ok", "hard_negative_document": "n"})",
         nullptr, "caf\xC3\xA9 / bar", "emoji \xF0\x9F\x98\x80 ok", "n"},
        {"extra keys ignored", "sts", R"({"S1": "a b", "S2": "a c", "S3": "a d", "explanation": "..."})", nullptr,
         "a b", "a c", "a d"},
        {"list of one object", "sts", R"([{"S1": "one", "S2": "two", "S3": "three"}])", nullptr, "one", "two",
         "three"},
        {"two objects, second complete", "short-short",
         "{\"input\": \"x\"}\nOops, let me fix that:\n{\"input\": \"a title\", \"positive_document\": \"a summary\"}",
         nullptr, "a title", "a summary"},
        {"comments in json", "short-short",
         "{\n  // the query\n  \"input\": \"a\",\n  /* doc */ \"positive_document\": \"b\"\n}", nullptr, "a", "b"},
        {"json as a string", "short-short",
         R"("{\"input\": \"a\", \"positive_document\": \"b\"}")", nullptr, "a", "b"},
        {"missing braces", "short-short", "\"input\": \"a\",\n\"positive_document\": \"b\"", nullptr, "a", "b"},
        {"bitext non-latin", "bitext",
         "{\"S1\": \"\xE7\x8C\xAB\xE3\x81\x8C\xE5\xAF\x9D\xE3\x81\xA6\xE3\x81\x84\xE3\x82\x8B\", \"S2\": \"The cat is "
         "sleeping\", \"S3\": \"The dog is sleeping\"}",
         nullptr, "\xE7\x8C\xAB\xE3\x81\x8C\xE5\xAF\x9D\xE3\x81\xA6\xE3\x81\x84\xE3\x82\x8B", "The cat is sleeping",
         "The dog is sleeping"},
        {"python True and None extra keys", "short-short",
         "{'input': 'a', 'positive_document': 'b', 'ok': True, 'note': None}", nullptr, "a", "b"},
        {"brace inside string", "short-short", R"({"input": "use {curly} braces", "positive_document": "set notation }"})",
         nullptr, "use {curly} braces", "set notation }"},
        {"fence with trailing prose containing braces", "short-short",
         "```json\n{\"input\": \"a\", \"positive_document\": \"b\"}\n```\nNote: {this} is not JSON.", nullptr, "a",
         "b"},
        {"whitespace around values trimmed", "short-short", "{\"input\": \"  a  \", \"positive_document\": \"\\n b \"}",
         nullptr, "a", "b"},
        {"inner quotes followed by comma", "short-short",
         R"({"input": "He said "yes", then left.", "positive_document": "A short reply, "no", was given."})", nullptr,
         "He said \"yes\", then left.", "A short reply, \"no\", was given."},
        // --- rejected --------------------------------------------------------------------------
        {"empty answer", "short-long", "   \n", "no_json"},
        {"refusal", "short-long", "I'm sorry, but I can't help with that request.", "no_json"},
        {"truncated at token limit", "short-long",
         "{\"user_query\": \"q\", \"positive_document\": \"A long document that was cut off because the model "
         "reached",
         "truncated"},
        {"truncated after fence", "short-long", "```json\n{\"user_query\": \"q\", \"positive_document\": \"p\",\n",
         "truncated"},
        {"missing hard negative", "short-long", R"({"user_query": "q", "positive_document": "p"})", "missing_key"},
        {"renamed key", "short-long",
         R"({"query": "q", "positive_document": "p", "hard_negative_document": "n"})", "missing_key"},
        {"wrong case key", "sts", R"({"s1": "a", "S2": "b", "S3": "c"})", "missing_key"},
        {"empty value", "short-long", R"({"user_query": "", "positive_document": "p", "hard_negative_document": "n"})",
         "empty_value"},
        {"null value", "short-short", R"({"input": null, "positive_document": "p"})", "wrong_type"},
        {"list value", "short-short", R"({"input": ["a", "b"], "positive_document": "p"})", "wrong_type"},
        {"object value", "long-short",
         R"({"input_text": {"text": "a"}, "label": "x", "misleading_label": "y"})", "wrong_type"},
        {"placeholder echoed", "short-long",
         R"({"user_query": "{query_type}", "positive_document": "p", "hard_negative_document": "n"})",
         "placeholder_echo"},
        {"positive copies query", "short-short", R"({"input": "Same text here", "positive_document": "Same  text here"})",
         "copied_query"},
        {"negative equals positive", "sts", R"({"S1": "a", "S2": "b", "S3": "b"})", "same_documents"},
        {"list instead of object", "short-long", R"(["q", "p", "n"])", "no_json"},
        {"garbage braces", "short-long", "{ this is not json at all }", "no_json"},
    };
    return c;
}

} // namespace

TEST(PromptsAnswer, TableOfRealLookingAnswers) {
    ASSERT_GE(cases().size(), 30u);
    for (const auto& c : cases()) {
        const Template* t = library().find(c.family, Step::Generate);
        ASSERT_NE(t, nullptr) << c.family;
        auto prompt = renderAt(*t, library().pools, 5, 0, exampleInputs(*t));
        ASSERT_TRUE(prompt.ok()) << prompt.error().message;
        auto out = parseAnswer(c.answer, t->meta, *prompt);
        if (!c.rejectCode) {
            ASSERT_TRUE(out.accepted()) << c.name << ": rejected " << out.rejectCode << ": " << out.rejectReason;
            EXPECT_EQ(out.sample->query, c.query) << c.name;
            EXPECT_EQ(out.sample->positive, c.positive) << c.name;
            if (c.negative) {
                ASSERT_TRUE(out.sample->negative.has_value()) << c.name;
                EXPECT_EQ(*out.sample->negative, c.negative) << c.name;
            } else {
                EXPECT_FALSE(out.sample->negative.has_value()) << c.name;
            }
            EXPECT_EQ(out.sample->family, c.family);
            EXPECT_EQ(out.sample->values, prompt->values) << c.name;
        } else {
            EXPECT_FALSE(out.accepted()) << c.name << ": accepted";
            EXPECT_EQ(out.rejectCode, c.rejectCode) << c.name << ": " << out.rejectReason;
            EXPECT_FALSE(out.rejectReason.empty()) << c.name;
        }
    }
}

TEST(PromptsAnswer, SampleCarriesInstructionAndLanguage) {
    const Template* sl = library().find("short-long", Step::Generate);
    auto p = renderAt(*sl, library().pools, 9, 0, {{"task", "Find cooking guides."}});
    ASSERT_TRUE(p.ok());
    auto out = parseAnswer(R"({"user_query": "q", "positive_document": "p", "hard_negative_document": "n"})", sl->meta, *p);
    ASSERT_TRUE(out.accepted());
    EXPECT_EQ(out.sample->instruction, "Find cooking guides.");
    EXPECT_EQ(out.sample->language, p->value("language"));
    EXPECT_EQ(out.sample->templateName, "short-long.generate");

    const Template* bt = library().find("bitext", Step::Generate);
    auto pb = renderAt(*bt, library().pools, 9, 0);
    auto ob = parseAnswer(R"({"S1": "a", "S2": "b", "S3": "c"})", bt->meta, *pb);
    ASSERT_TRUE(ob.accepted());
    EXPECT_EQ(ob.sample->instruction, "Retrieve parallel sentences.");
    EXPECT_EQ(ob.sample->language, pb->value("src_lang") + " -> " + pb->value("tgt_lang"));
}

TEST(PromptsAnswer, RepairsAreReported) {
    const Template* t = library().find("short-short", Step::Generate);
    auto p = renderAt(*t, library().pools, 1, 0, exampleInputs(*t));
    auto out = parseAnswer("{'input': 'a', 'positive_document': 'b',}", t->meta, *p);
    ASSERT_TRUE(out.accepted());
    auto has = [&](const char* r) { return std::find(out.repairs.begin(), out.repairs.end(), r) != out.repairs.end(); };
    EXPECT_TRUE(has("single-quoted string"));
    EXPECT_TRUE(has("trailing comma"));
    auto clean = parseAnswer(R"({"input": "a", "positive_document": "b"})", t->meta, *p);
    EXPECT_TRUE(clean.repairs.empty());
}

TEST(PromptsAnswer, StrictJsonIsReadExactly) {
    std::string err;
    auto v = parseLenientJsonAt(R"( {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\"e\\f"}} )", 0, err);
    ASSERT_TRUE(v.has_value()) << err;
    EXPECT_TRUE(v->repairs.empty());
    const JsonValue* a = v->value.member("a");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->items.size(), 5u);
    EXPECT_EQ(a->items[1].text, "-2.5e3");
    EXPECT_EQ(a->items[4].kind, JsonValue::Kind::Null);
    EXPECT_EQ(v->value.member("b")->member("c")->text, "d\"e\\f");
    EXPECT_FALSE(parseLenientJsonAt("{\"a\": ", 0, err).has_value());
    EXPECT_NE(err.find("truncated"), std::string::npos);
}

TEST(PromptsAnswer, EveryPrefixIsRejectedNeverCrashes) {
    // A model cut off at any byte: the answer must be rejected cleanly (never accepted half-read).
    const Template* t = library().find("short-long", Step::Generate);
    auto p = renderAt(*t, library().pools, 1, 0, exampleInputs(*t));
    const std::string full = "Here it is:\n```json\n{\n  \"user_query\": \"caf\u00e9 \\\"hours\\\"\",\n"
                             "  \"positive_document\": \"Open 8-5.\nClosed Sundays.\",\n"
                             "  \"hard_negative_document\": \"We sell coffee beans.\"\n}\n```\n";
    ASSERT_TRUE(parseAnswer(full, t->meta, *p).accepted());
    const std::size_t close = full.rfind('}');
    for (std::size_t n = 0; n < close; ++n) {
        auto out = parseAnswer(std::string_view(full).substr(0, n), t->meta, *p);
        EXPECT_FALSE(out.accepted()) << "prefix of " << n << " bytes accepted";
        EXPECT_FALSE(out.rejectCode.empty());
    }
}

TEST(PromptsAnswer, GarbageNeverCrashes) {
    const Template* t = library().find("sts", Step::Generate);
    auto p = renderAt(*t, library().pools, 1, 0);
    Rng rng(17);
    const std::string alphabet = "{}[]\"',:\\ \nabcS123\xE2\x80\x9C\x9D`";
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        const auto len = rng.below(80);
        for (std::uint64_t k = 0; k < len; ++k) s += alphabet[rng.below(alphabet.size())];
        auto out = parseAnswer(s, t->meta, *p);
        if (out.accepted()) EXPECT_FALSE(out.sample->query.empty());
        (void)parseTaskList(s);
    }
}
