// Paged sample reads (keyset and offset agree), filters, hand curation keeping the original, and
// the pre-launch estimate (coverage maths and token totals on the shipped prompts).

#include "support/test_support.h"

#include "core/gen/estimate.h"
#include "core/gen/sample_browse.h"
#include "core/prompts/library.h"
#include "core/store/project.h"
#include "core/store/sqlite.h"
#include "core/util/paths.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

using namespace synthembed;
using synthembed::test::TempDir;

namespace {
const char* kFams[] = {"short-long", "sts", "bitext"};
const char* kLangs[] = {"English", "German", "Chinese", "Polish"};

// n samples; every 7th rejected ("too short" / "bad json" alternating), ids 1..n.
store::Project filled(const TempDir& dir, int n) {
    auto p = store::Project::create(dir / "p.synthembed");
    EXPECT_TRUE(p.ok());
    db::inTransaction(p->db(), [&] {
        auto st = p->db().prepare("INSERT INTO samples(family, language, query, positive, negative, status, "
                                  "reject_reason, sampled_values) VALUES (?,?,?,?,?,?,?,?)");
        for (int i = 1; i <= n; ++i) {
            const bool rej = i % 7 == 0;
            st.bind(1, kFams[i % 3]);
            st.bind(2, kLangs[i % 4]);
            st.bind(3, "query #" + std::to_string(i) + "# about 50%_things");
            st.bind(4, "positive " + std::to_string(i));
            if (i % 2) st.bind(5, "negative " + std::to_string(i)); else st.bindNull(5);
            st.bind(6, rej ? "rejected" : "accepted");
            if (rej) st.bind(7, (i / 7) % 2 ? "too short" : "bad json"); else st.bindNull(7);
            st.bind(8, R"({"language":"English","num_words":"50"})");
            st.run();
        }
    });
    return std::move(p).take();
}
} // namespace

TEST(SampleBrowse, KeysetAndOffsetPagesAgree) {
    TempDir dir;
    auto p = filled(dir, 2000);
    gen::SampleFilter all;
    EXPECT_EQ(*gen::countSamples(p, all), 2000);
    gen::PageRequest byOffset;
    byOffset.offset = 400;
    byOffset.limit = 200;
    auto a = gen::fetchSamples(p, all, byOffset);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_EQ(a->size(), 200u);
    EXPECT_EQ(a->front().id, 401);
    gen::PageRequest after;
    after.afterId = 400;
    after.limit = 200;
    auto b = gen::fetchSamples(p, all, after);
    ASSERT_TRUE(b.ok());
    gen::PageRequest before;
    before.beforeId = 601;
    before.limit = 200;
    auto c = gen::fetchSamples(p, all, before);
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(b->size(), 200u);
    ASSERT_EQ(c->size(), 200u);
    for (std::size_t i = 0; i < 200; ++i) {
        EXPECT_EQ((*a)[i].id, (*b)[i].id);
        EXPECT_EQ((*a)[i].id, (*c)[i].id); // ascending although read backwards
    }
    // A keyset plus an offset: the scan starts at the known id.
    gen::PageRequest afterSkip;
    afterSkip.afterId = 200;
    afterSkip.offset = 200;
    afterSkip.limit = 200;
    gen::PageRequest beforeSkip;
    beforeSkip.beforeId = 1001;
    beforeSkip.offset = 400;
    beforeSkip.limit = 200;
    auto d = gen::fetchSamples(p, all, afterSkip);
    auto e = gen::fetchSamples(p, all, beforeSkip);
    ASSERT_TRUE(d.ok() && e.ok());
    ASSERT_EQ(d->size(), 200u);
    ASSERT_EQ(e->size(), 200u);
    EXPECT_EQ(d->front().id, 401);
    EXPECT_EQ(e->front().id, 401);
    EXPECT_EQ(e->back().id, 600);
    // Snippets are cut.
    gen::PageRequest shortSnip;
    shortSnip.limit = 1;
    shortSnip.snippetChars = 5;
    EXPECT_EQ(gen::fetchSamples(p, all, shortSnip)->front().query, "query");
}

TEST(SampleBrowse, FiltersCombineAndEscapeLikeWildcards) {
    TempDir dir;
    auto p = filled(dir, 2000);
    gen::SampleFilter f;
    f.family = "sts";
    f.status = "rejected";
    std::int64_t expected = 0;
    for (int i = 1; i <= 2000; ++i) expected += (i % 3 == 1 && i % 7 == 0);
    EXPECT_EQ(*gen::countSamples(p, f), expected);
    auto rows = gen::fetchSamples(p, f, {});
    ASSERT_TRUE(rows.ok());
    for (auto& r : *rows) {
        EXPECT_EQ(r.family, "sts");
        EXPECT_EQ(r.status, "rejected");
        EXPECT_FALSE(r.rejectReason.empty());
    }
    gen::SampleFilter t;
    t.text = "#1234#";
    EXPECT_EQ(*gen::countSamples(p, t), 1);
    t.text = "QUERY #1234#"; // ASCII case-insensitive
    EXPECT_EQ(*gen::countSamples(p, t), 1);
    t.text = "50%_"; // literal, not wildcards
    EXPECT_EQ(*gen::countSamples(p, t), 2000);
    t.text = "5_%";
    EXPECT_EQ(*gen::countSamples(p, t), 0);
    gen::SampleFilter r;
    r.reason = "too short";
    std::int64_t shortCount = 0;
    for (int i = 1; i <= 2000; ++i) shortCount += (i % 7 == 0 && (i / 7) % 2);
    EXPECT_EQ(*gen::countSamples(p, r), shortCount);
    auto reasons = gen::rejectReasons(p);
    ASSERT_TRUE(reasons.ok());
    ASSERT_EQ(reasons->size(), 2u);
    EXPECT_EQ((*reasons)[0].second + (*reasons)[1].second, 2000 / 7);
    auto facets = gen::sampleFacets(p);
    ASSERT_TRUE(facets.ok());
    EXPECT_EQ(facets->families.size(), 3u);
    EXPECT_EQ(facets->languages.size(), 4u);
}

TEST(SampleBrowse, ReasonKinds) {
    EXPECT_EQ(gen::rejectReasonKind("duplicate: same normalised text as sample 12"), "duplicate");
    EXPECT_EQ(gen::rejectReasonKind("duplicate of sample 3"), "duplicate");
    EXPECT_EQ(gen::rejectReasonKind("near-duplicate of sample 3 (similarity 0.912)"), "near-duplicate");
    EXPECT_EQ(gen::rejectReasonKind("filter: query length 4"), "filter: query length");
    EXPECT_EQ(gen::rejectReasonKind("filter: family sts"), "filter: family");
    EXPECT_EQ(gen::rejectReasonKind("filter: something new"), "filter");
    EXPECT_EQ(gen::rejectReasonKind("no_json: the answer contains no JSON object"), "no_json");
    EXPECT_EQ(gen::rejectReasonKind("truncated: the JSON object is cut off: at 3"), "truncated");
    EXPECT_EQ(gen::rejectReasonKind("contamination: query nearly duplicates an evaluation text"), "contamination");
    EXPECT_EQ(gen::rejectReasonKind("off topic"), "off topic");
    EXPECT_EQ(gen::rejectReasonKind("zu kurz: nur 3 Wörter"), "zu kurz");
    EXPECT_EQ(gen::rejectReasonKind("http://x: y"), "http://x: y"); // the first colon is not followed by a space
    EXPECT_EQ(gen::rejectReasonKind(std::string(50, 'a') + ": long label"), std::string(50, 'a') + ": long label");
    EXPECT_EQ(gen::rejectReasonKind(""), "");
}

TEST(SampleBrowse, ReasonGroupsCountWhatTheKindFilterLists) {
    TempDir dir;
    auto p = store::Project::create(dir / "k.synthembed");
    ASSERT_TRUE(p.ok());
    // Reasons as the generator, dedup, filters, contamination and people write them, plus edge cases.
    std::vector<std::string> reasons;
    for (int i = 1; i <= 73; ++i) reasons.push_back("duplicate: same normalised text as sample " + std::to_string(i));
    for (int i = 1; i <= 5; ++i) reasons.push_back("duplicate of sample " + std::to_string(i * 100));
    for (int i = 0; i < 4; ++i) reasons.push_back("near-duplicate of sample 7 (similarity 0.9" + std::to_string(i) + ")");
    for (int i = 0; i < 4; ++i) reasons.push_back("filter: query length " + std::to_string(500 + i));
    reasons.insert(reasons.end(), {"filter: family sts", "filter: odd one", "filter", "no_json: the answer is empty",
                                   "no_json: the answer contains no JSON object", "no_json", "off topic", "off topic",
                                   "Off topic: case differs", "太短: 三个字", "太短", "duplicate", "",
                                   "http://x: y", "duplicate:no space", "contamination: query nearly duplicates"});
    db::inTransaction(p->db(), [&] {
        auto st = p->db().prepare("INSERT INTO samples(family, query, positive, status, reject_reason) VALUES "
                                  "('sts', 'q', 'p', ?, ?)");
        for (auto& r : reasons) {
            st.bind(1, "rejected");
            if (r.empty()) st.bindNull(2); else st.bind(2, r);
            st.run();
        }
        for (int i = 0; i < 10; ++i) { // accepted rows never count, even with a stale reason
            st.bind(1, "accepted");
            st.bind(2, "duplicate of sample 1");
            st.run();
        }
    });
    auto groups = gen::rejectReasonGroups(*p);
    ASSERT_TRUE(groups.ok()) << groups.error().message;
    std::map<std::string, std::int64_t> byKind;
    std::int64_t total = 0;
    for (auto& g : *groups) {
        std::int64_t sum = 0;
        for (auto& [r, n] : g.reasons) {
            EXPECT_EQ(gen::rejectReasonKind(r), g.kind) << r;
            sum += n;
        }
        EXPECT_EQ(sum, g.count) << g.kind;
        byKind[g.kind] = g.count;
        total += g.count;
        // The kind filter lists exactly the samples the group counts.
        gen::SampleFilter f;
        f.reasonKind = g.kind;
        auto n = gen::countSamples(*p, f);
        ASSERT_TRUE(n.ok()) << n.error().message;
        EXPECT_EQ(*n, g.count) << "kind '" << g.kind << "'";
        auto rows = gen::fetchSamples(*p, f, {});
        ASSERT_TRUE(rows.ok());
        for (auto& r : *rows) EXPECT_EQ(gen::rejectReasonKind(r.rejectReason), g.kind) << r.rejectReason;
    }
    EXPECT_EQ(total, static_cast<std::int64_t>(reasons.size()));
    EXPECT_EQ(groups->front().kind, "duplicate");
    EXPECT_EQ(byKind["duplicate"], 73 + 5 + 1);
    EXPECT_EQ(groups->front().reasons.size(), 79u);
    EXPECT_EQ(byKind["near-duplicate"], 4);
    EXPECT_EQ(byKind["filter: query length"], 4);
    EXPECT_EQ(byKind["filter"], 2);
    EXPECT_EQ(byKind["no_json"], 3);
    EXPECT_EQ(byKind["off topic"], 2);
    EXPECT_EQ(byKind["Off topic"], 1);
    EXPECT_EQ(byKind["太短"], 2);
    EXPECT_EQ(byKind[""], 1);
    EXPECT_EQ(byKind["duplicate:no space"], 1);
    EXPECT_EQ(byKind["contamination"], 1);
    // A kind nobody has gives nothing, also one that looks like a reason of another kind.
    gen::SampleFilter f;
    f.reasonKind = "duplicate: same normalised text as sample 1";
    EXPECT_EQ(*gen::countSamples(*p, f), 0);
    f.reasonKind = "nothing";
    EXPECT_EQ(*gen::countSamples(*p, f), 0);
}

TEST(SampleBrowse, KeptIdsStayListedAndRowsAreFound) {
    TempDir dir;
    auto p = filled(dir, 300);
    gen::SampleFilter f;
    f.status = "accepted";
    const std::int64_t accepted = *gen::countSamples(p, f);
    EXPECT_EQ(accepted, 300 - 300 / 7);
    // Sample 14 (rejected) kept in the list: counted, paged in id order, found at its row.
    f.keepIds = {14};
    EXPECT_EQ(*gen::countSamples(p, f), accepted + 1);
    gen::PageRequest page;
    page.limit = 20;
    auto rows = gen::fetchSamples(p, f, page);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    std::vector<std::int64_t> ids;
    for (auto& r : *rows) ids.push_back(r.id);
    EXPECT_NE(std::find(ids.begin(), ids.end(), 14), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), 7), ids.end());
    // The keyset condition still applies to kept ids (no "OR" leaking past it).
    page.afterId = 100;
    rows = gen::fetchSamples(p, f, page);
    ASSERT_TRUE(rows.ok());
    EXPECT_GT(rows->front().id, 100);
    auto row = gen::rowOfSample(p, f, 14);
    ASSERT_TRUE(row.ok()) << row.error().message;
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ(**row, 12); // 1..13 less sample 7
    EXPECT_FALSE(gen::rowOfSample(p, f, 21)->has_value()); // rejected, not kept
    EXPECT_FALSE(gen::rowOfSample(p, f, 5000)->has_value());
    EXPECT_EQ(**gen::rowOfSample(p, {}, 300), 299);
}

TEST(SampleBrowse, DetailJoinsTheRequest) {
    TempDir dir;
    auto p = filled(dir, 20);
    db::inTransaction(p.db(), [&] {
        p.db().prepare("INSERT INTO jobs(id, target) VALUES (1, 1)").run();
        p.db().prepare("INSERT INTO requests(id, job_id, kind, family, prompt, state, raw_answer, task, template_name) "
                       "VALUES (1, 1, 'generate', 'sts', 'the prompt', 'done', 'the raw answer', 'a task', 'sts.generate')")
            .run();
        p.db().prepare("UPDATE samples SET request_id = 1, job_id = 1 WHERE id = 3").run();
    });
    auto d = gen::loadSample(p, 3);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->prompt, "the prompt");
    EXPECT_EQ(d->rawOutput, "the raw answer"); // the request's answer when the sample has none
    EXPECT_EQ(d->task, "a task");
    EXPECT_EQ(d->templateName, "sts.generate");
    EXPECT_EQ(d->row.jobId, 1);
    EXPECT_EQ(d->row.query, "query #3# about 50%_things"); // full text, no snippet
    ASSERT_EQ(d->sampledValues.size(), 2u);
    EXPECT_EQ(d->sampledValues[0].first, "language"); // in stored order
    EXPECT_EQ(d->sampledValues[1].second, "50");
    EXPECT_EQ(gen::loadSample(p, 999).error().code, "not_found");
    auto plain = gen::loadSample(p, 4);
    EXPECT_EQ(plain->prompt, "");
    EXPECT_EQ(plain->original, "");
}

TEST(Estimate, ExpectedDistinctMatchesClosedForms) {
    EXPECT_DOUBLE_EQ(gen::expectedDistinct({1, 1}, 0), 0.0);
    EXPECT_NEAR(gen::expectedDistinct({1, 1}, 1), 1.0, 1e-12);
    EXPECT_NEAR(gen::expectedDistinct({1, 1}, 2), 1.5, 1e-12);
    // n uniform values, n draws: n(1 - (1-1/n)^n)
    EXPECT_NEAR(gen::expectedDistinct(std::vector<double>(100, 1.0), 100), 100 * (1 - std::pow(0.99, 100)), 1e-9);
    EXPECT_NEAR(gen::expectedDistinct({1, 0, 1}, 1000000), 2.0, 1e-9);
}

TEST(Estimate, ShippedPromptsGiveRequestsTokensAndCoverage) {
    auto lib = prompts::loadLibrary(paths::shippedPromptsDir());
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    TempDir dir;
    auto p = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(p.ok());
    p->setSetting("llm.prices", R"({"m": {"prompt": 1.0, "completion": 2.0}})");
    gen::JobSpec spec;
    spec.families = {{"short-long", 3}, {"sts", 1}};
    spec.target = 400;
    spec.seed = 7;
    spec.client.model = "m";
    auto e = gen::estimateJob(spec, *lib, &*p);
    ASSERT_TRUE(e.ok()) << e.error().message;
    ASSERT_EQ(e->families.size(), 2u);
    EXPECT_EQ(e->families[0].target, 300);
    EXPECT_EQ(e->families[1].target, 100);
    EXPECT_TRUE(e->families[0].twoStep);
    EXPECT_EQ(e->families[0].brainstormRequests, 15); // 300 tasks at 20 per brainstorm
    EXPECT_EQ(e->families[1].brainstormRequests, 0);
    EXPECT_EQ(e->requests, 300 + 15 + 100);
    EXPECT_GT(e->families[0].promptTokensPerGenerate, 20);
    EXPECT_GT(e->usage.promptTokens, 0);
    EXPECT_EQ(e->usage.completionTokens,
              std::llround(415 * 0 + 400 * gen::kDefaultCompletionTokensGenerate + 15 * gen::kDefaultCompletionTokensBrainstorm));
    ASSERT_TRUE(e->costUsd.has_value());
    EXPECT_NEAR(*e->costUsd, (e->usage.promptTokens * 1.0 + e->usage.completionTokens * 2.0) / 1e6, 1e-9);
    EXPECT_FALSE(e->coverage.empty());
    for (auto& c : e->coverage) {
        EXPECT_GE(c.values, 1) << c.pool;
        EXPECT_LE(c.expectedDistinct, static_cast<double>(c.values) + 1e-9);
        EXPECT_LE(c.effectiveValues, static_cast<double>(c.values) + 1e-9);
    }
}
