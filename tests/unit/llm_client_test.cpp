// The LLM client against a real HTTP server on loopback: answers, retries, limits, fatal errors.

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/llm/client.h"
#include "core/llm/pricing.h"
#include "core/llm/rate_limiter.h"

#include <curl/curl.h>

#include <chrono>
#include <map>
#include <thread>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;

namespace {

struct ListSource : llm::RequestSource {
    std::vector<std::string> prompts;
    std::size_t nextIndex = 0;
    std::map<std::int64_t, llm::ChatResult> results;
    int retriesSeen = 0;
    Next next(llm::ChatRequest& out) override {
        if (nextIndex >= prompts.size()) return Next::Finished;
        out.id = static_cast<std::int64_t>(nextIndex);
        out.prompt = prompts[nextIndex++];
        return Next::Request;
    }
    void onResult(llm::ChatResult r) override { results[r.id] = std::move(r); }
    void onRetry(const llm::ChatRequest&, const std::string&, int, long) override { ++retriesSeen; }
};

ListSource makeSource(int n, const std::string& stem = "Write \"S1\", \"S2\", \"S3\" for item ") {
    ListSource s;
    for (int i = 0; i < n; ++i)
        s.prompts.push_back(stem + std::to_string(i));
    return s;
}

llm::ClientOptions options(const FakeLlmServer& server, int concurrency = 4) {
    llm::ClientOptions o;
    o.endpoints = {{server.baseUrl(), "", 0}};
    o.model = "fake-model";
    o.concurrency = concurrency;
    o.backoffBaseMs = 50;
    o.backoffMaxMs = 400;
    o.jitterSeed = 7;
    return o;
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

TEST(LlmClient, AnswersAndUsageMatchServer) {
    FakeLlmServer server;
    auto src = makeSource(25);
    llm::ChatClient client(options(server));
    ASSERT_TRUE(client.run(src).ok());
    ASSERT_EQ(src.results.size(), 25u);
    std::int64_t p = 0, c = 0;
    for (auto& [id, r] : src.results) {
        ASSERT_TRUE(r.ok()) << r.error;
        auto j = json::parse(r.content);
        EXPECT_TRUE(j.contains("S1") && j.contains("S2") && j.contains("S3")) << r.content;
        EXPECT_EQ(r.attempts, 1);
        p += r.usage.promptTokens;
        c += r.usage.completionTokens;
    }
    auto st = server.stats();
    EXPECT_EQ(st["total"], 25);
    EXPECT_EQ(st["duplicates"], 0);
    EXPECT_EQ(st["prompt_tokens"].get<std::int64_t>(), p);
    EXPECT_EQ(st["completion_tokens"].get<std::int64_t>(), c);
    EXPECT_EQ(client.stats().usage.promptTokens, p);
    EXPECT_EQ(client.stats().usage.completionTokens, c);
    EXPECT_LE(st["max_in_flight"].get<int>(), 4);
}

TEST(LlmClient, RetriesHonourRetryAfterOn429) {
    FakeLlmServer server(json::array({{{"mode", "status_429"}, {"attempts", 1}, {"retry_after", 1}}}));
    auto src = makeSource(6);
    llm::ChatClient client(options(server, 6));
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(src).ok());
    double elapsed = secondsSince(t0);
    for (auto& [id, r] : src.results) {
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.attempts, 2);
    }
    // Every request waited for the server's Retry-After of one second before its second attempt.
    EXPECT_GE(elapsed, 1.0);
    auto st = server.stats();
    EXPECT_EQ(st["total"], 12);
    EXPECT_EQ(st["by_status"]["429"], 6);
    EXPECT_EQ(client.stats().http429, 6);
    EXPECT_EQ(src.retriesSeen, 6);
}

TEST(LlmClient, RetriesServerErrorsGarbageAndTruncatedBodies) {
    FakeLlmServer server(json::array({
        {{"match", "item 1"}, {"mode", "status_500"}, {"attempts", 2}},
        {{"match", "item 2"}, {"mode", "malformed"}, {"attempts", 1}},
        {{"match", "item 3"}, {"mode", "truncated"}, {"attempts", 1}},
        {{"match", "item 4"}, {"mode", "drop"}, {"attempts", 1}},
        {{"match", "item 5"}, {"mode", "status_503"}, {"attempts", 1}},
    }));
    auto src = makeSource(6);
    llm::ChatClient client(options(server));
    ASSERT_TRUE(client.run(src).ok());
    std::map<int, int> expectedAttempts{{0, 1}, {1, 3}, {2, 2}, {3, 2}, {4, 2}, {5, 2}};
    for (auto& [id, r] : src.results) {
        ASSERT_TRUE(r.ok()) << id << ": " << r.error;
        // A connection dropped without an answer on a reused connection is re-sent by libcurl
        // itself (it cannot have been answered), so item 4 shows one or two attempts.
        if (id == 4)
            EXPECT_LE(r.attempts, 2);
        else
            EXPECT_EQ(r.attempts, expectedAttempts[static_cast<int>(id)]) << "item " << id;
        EXPECT_FALSE(json::parse(r.content, nullptr, false).is_discarded());
    }
    auto cs = client.stats();
    EXPECT_GE(cs.retries, 5);
    EXPECT_EQ(cs.http5xx, 3);
    EXPECT_EQ(cs.malformed, 1);
    EXPECT_GE(cs.transportErrors, 1); // truncated body (+ dropped connection)
    EXPECT_EQ(server.stats()["total"], 12);
}

TEST(LlmClient, GivesUpAfterMaxAttempts) {
    FakeLlmServer server(json::array({{{"match", "item 0"}, {"mode", "status_500"}}}));
    auto src = makeSource(2);
    auto o = options(server);
    o.maxAttempts = 3;
    llm::ChatClient client(o);
    ASSERT_TRUE(client.run(src).ok());
    EXPECT_EQ(src.results[0].outcome, llm::Outcome::Exhausted);
    EXPECT_EQ(src.results[0].attempts, 3);
    EXPECT_NE(src.results[0].error.find("HTTP 500"), std::string::npos) << src.results[0].error;
    EXPECT_TRUE(src.results[1].ok());
    EXPECT_EQ(server.stats()["total"], 4);
}

TEST(LlmClient, NoRetryOn401AndClearMessage) {
    FakeLlmServer server(json::array({{{"mode", "status_401"}}}));
    auto src = makeSource(5);
    llm::ChatClient client(options(server, 1));
    auto st = client.run(src);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, "llm");
    EXPECT_NE(st.error().message.find("401"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("Incorrect API key"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("API key"), std::string::npos);
    // Concurrency 1: exactly one request went out, and it was not retried.
    EXPECT_EQ(server.stats()["total"], 1);
    EXPECT_EQ(src.results.size(), 1u);
}

TEST(LlmClient, NoRetryOn404And403) {
    for (const char* mode : {"status_404", "status_403"}) {
        FakeLlmServer server(json::array({{{"mode", mode}}}));
        auto src = makeSource(3);
        llm::ChatClient client(options(server, 1));
        auto st = client.run(src);
        ASSERT_FALSE(st.ok()) << mode;
        EXPECT_EQ(server.stats()["total"], 1) << mode;
    }
}

TEST(LlmClient, MissingApiKeyVariableIsFatalBeforeSending) {
    FakeLlmServer server;
    auto o = options(server);
    o.endpoints[0].apiKeyEnv = "SYNTHEMBED_TEST_NO_SUCH_KEY_VAR";
    auto src = makeSource(2);
    llm::ChatClient client(o);
    auto st = client.run(src);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("SYNTHEMBED_TEST_NO_SUCH_KEY_VAR"), std::string::npos);
    EXPECT_EQ(server.stats()["total"], 0);
}

TEST(LlmClient, ApiKeyFromEnvironmentAsBearerOrAzureHeader) {
    FakeLlmServer server;
    setenv("SYNTHEMBED_TEST_KEY", "sk-test-123", 1);
    auto o = options(server, 1);
    o.endpoints[0].apiKeyEnv = "SYNTHEMBED_TEST_KEY";
    auto src = makeSource(1);
    ASSERT_TRUE(llm::ChatClient(o).run(src).ok());
    auto st = server.stats();
    EXPECT_EQ(st["last_auth"]["authorization"], "Bearer sk-test-123");
    EXPECT_EQ(st["last_auth"]["path"], "/v1/chat/completions");
    // An Azure-style base URL keeps its api-version and sends api-key instead.
    o.endpoints[0].baseUrl = "http://127.0.0.1:" + std::to_string(server.port()) +
                             "/openai/deployments/dep1?api-version=2024-06-01";
    auto src2 = makeSource(1);
    ASSERT_TRUE(llm::ChatClient(o).run(src2).ok()) << src2.results[0].error;
    st = server.stats();
    EXPECT_EQ(st["last_auth"]["api-key"], "sk-test-123");
    EXPECT_EQ(st["last_auth"]["authorization"], "");
    EXPECT_EQ(st["last_auth"]["path"], "/openai/deployments/dep1/chat/completions?api-version=2024-06-01");
    unsetenv("SYNTHEMBED_TEST_KEY");
}

TEST(LlmClient, HangIsCutByTotalTimeoutAndRetried) {
    FakeLlmServer server(json::array({{{"match", "item 0"}, {"mode", "hang"}, {"attempts", 1}}}));
    auto src = makeSource(2);
    auto o = options(server);
    o.totalTimeoutMs = 500;
    llm::ChatClient client(o);
    ASSERT_TRUE(client.run(src).ok());
    ASSERT_TRUE(src.results[0].ok()) << src.results[0].error;
    EXPECT_EQ(src.results[0].attempts, 2);
    EXPECT_EQ(client.stats().transportErrors, 1);
}

TEST(LlmClient, ConcurrencyLimitHolds) {
    FakeLlmServer server({}, 150);
    auto src = makeSource(24);
    llm::ChatClient client(options(server, 5));
    ASSERT_TRUE(client.run(src).ok());
    auto st = server.stats();
    EXPECT_EQ(st["total"], 24);
    EXPECT_LE(st["max_in_flight"].get<int>(), 5);
    EXPECT_GE(st["max_in_flight"].get<int>(), 2); // requests really overlap
}

TEST(LlmClient, RequestsPerMinuteLimitPaces) {
    FakeLlmServer server;
    auto src = makeSource(7);
    auto o = options(server, 8);
    o.requestsPerMinute = 120; // 2/s, burst of 2
    llm::ChatClient client(o);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(src).ok());
    // 2 at once, then one every 0.5 s: at least 2.5 s for 7 (a lower bound, not a speed target).
    EXPECT_GE(secondsSince(t0), 2.4);
    EXPECT_EQ(server.stats()["total"], 7);
}

TEST(LlmClient, TokensPerMinuteLimitPaces) {
    FakeLlmServer server;
    auto src = makeSource(4);
    auto o = options(server, 8);
    o.tokensPerMinute = 6000; // 100 tokens/s
    llm::ChatClient client(o);
    // Each request is estimated at 100 tokens: one per second after the first.
    struct Est : llm::RequestSource {
        ListSource& inner;
        explicit Est(ListSource& s) : inner(s) {}
        Next next(llm::ChatRequest& out) override {
            auto n = inner.next(out);
            out.estimatedTokens = 100;
            return n;
        }
        void onResult(llm::ChatResult r) override { inner.onResult(std::move(r)); }
    } est(src);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(est).ok());
    // Without the limiter this takes ~0.1 s; actual usage (~60 tokens each) refunds part of each
    // 100-token estimate, so the floor is ~3 x 0.6 s.
    EXPECT_GE(secondsSince(t0), 1.5);
    EXPECT_EQ(src.results.size(), 4u);
}

TEST(LlmClient, SpreadsOverEndpointsByFreeCapacity) {
    FakeLlmServer a({}, 100), b({}, 100);
    auto src = makeSource(30);
    llm::ClientOptions o = options(a, 6);
    o.endpoints = {{a.baseUrl(), "", 4}, {b.baseUrl(), "", 2}};
    llm::ChatClient client(o);
    ASSERT_TRUE(client.run(src).ok());
    auto sa = a.stats(), sb = b.stats();
    EXPECT_EQ(sa["total"].get<int>() + sb["total"].get<int>(), 30);
    EXPECT_GT(sa["total"].get<int>(), sb["total"].get<int>());
    EXPECT_GT(sb["total"].get<int>(), 0);
    EXPECT_LE(sa["max_in_flight"].get<int>(), 4);
    EXPECT_LE(sb["max_in_flight"].get<int>(), 2);
}

// Rate limits belong to each endpoint: a request the limited endpoint must hold back goes to one
// whose limiter lets it start now, and the client's limits are each endpoint's defaults.
TEST(LlmClient, EachEndpointHasItsOwnRateLimit) {
    FakeLlmServer slow({}, 20), fast({}, 20);
    auto src = makeSource(20);
    llm::ClientOptions o = options(slow, 4);
    o.endpoints = {{slow.baseUrl(), "", 0, 6.0}, {fast.baseUrl(), "", 0}}; // 6/min: one now, then 10 s
    llm::ChatClient client(o);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(src).ok());
    double took = secondsSince(t0);
    EXPECT_LT(took, 5.0) << "the unlimited endpoint waited on the limited one";
    EXPECT_EQ(src.results.size(), 20u);
    EXPECT_EQ(slow.stats()["total"].get<int>(), 1);
    EXPECT_EQ(fast.stats()["total"].get<int>(), 19);

    // Defaults: both endpoints get 120/min (2/s, bursts of 2) unless they set their own.
    slow.reset();
    fast.reset();
    auto src2 = makeSource(8);
    llm::ClientOptions d = options(slow, 4);
    d.requestsPerMinute = 120;
    d.endpoints = {{slow.baseUrl(), "", 0}, {fast.baseUrl(), "", 0}};
    llm::ChatClient paced(d);
    t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(paced.run(src2).ok());
    took = secondsSince(t0);
    // Two buckets of 2/s: 8 requests take ~1 s (one bucket alone would take ~3 s).
    EXPECT_GE(took, 0.7);
    EXPECT_LT(took, 2.5);
    EXPECT_GT(slow.stats()["total"].get<int>(), 0);
    EXPECT_GT(fast.stats()["total"].get<int>(), 0);
}

TEST(LlmClient, StopAbortsAndReportsUnsent) {
    FakeLlmServer server({}, 300);
    auto src = makeSource(50);
    llm::ChatClient client(options(server, 4));
    int results = 0;
    ProgressHooks hooks;
    hooks.shouldStop = [&] { return src.results.size() >= 4 || ++results > 100000; };
    ASSERT_TRUE(client.run(src, hooks).ok());
    // Drained: what was in flight completed; nothing new was started.
    EXPECT_LT(server.stats()["total"].get<int>(), 50);
    for (auto& [id, r] : src.results)
        EXPECT_TRUE(r.ok() || r.outcome == llm::Outcome::Aborted);
}

TEST(LlmClient, RequestBodyAndUrls) {
    llm::ClientOptions o;
    o.model = "m";
    o.maxTokens = 300;
    o.jsonMode = true;
    auto j = json::parse(llm::buildRequestBody(o, "hi"));
    EXPECT_EQ(j["model"], "m");
    EXPECT_EQ(j["temperature"], 1.0);
    EXPECT_EQ(j["top_p"], 1.0);
    EXPECT_EQ(j["max_tokens"], 300);
    EXPECT_EQ(j["response_format"]["type"], "json_object");
    EXPECT_EQ(j["messages"][0]["content"], "hi");
    EXPECT_EQ(llm::ChatClient::completionsUrl("http://h:1"), "http://h:1/v1/chat/completions");
    EXPECT_EQ(llm::ChatClient::completionsUrl("http://h:1/v1/"), "http://h:1/v1/chat/completions");
    EXPECT_EQ(llm::ChatClient::completionsUrl("https://x/openai/deployments/d/chat/completions"),
              "https://x/openai/deployments/d/chat/completions");
    EXPECT_EQ(llm::parseRetryAfterMs(" 2 "), 2000);
    EXPECT_EQ(llm::parseRetryAfterMs("0.5"), 500);
    EXPECT_EQ(llm::parseRetryAfterMs("soon"), -1);
    EXPECT_GE(llm::parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
}

TEST(LlmClient, RateLimiterArithmetic) {
    auto t0 = std::chrono::steady_clock::time_point{};
    llm::RateLimiter lim(60, 0, t0); // 1/s, capacity 1
    EXPECT_EQ(lim.waitMs(0, t0), 0);
    lim.consume(0, t0);
    EXPECT_EQ(lim.waitMs(0, t0), 1000);
    EXPECT_EQ(lim.waitMs(0, t0 + std::chrono::milliseconds(400)), 600);
    llm::RateLimiter tok(0, 600, t0); // 10 tokens/s, capacity 10
    EXPECT_EQ(tok.waitMs(50, t0), 0); // larger than the bucket: passes when full
    tok.consume(50, t0);
    EXPECT_EQ(tok.waitMs(5, t0), 4500); // level -40, needs 5
    tok.correct(-40, t0);               // actual usage was 10
    EXPECT_EQ(tok.waitMs(5, t0), 500);
    tok.correct(-100, t0); // refunds never overfill the bucket
    EXPECT_EQ(tok.waitMs(10, t0), 0);
    EXPECT_EQ(tok.waitMs(11, t0), 0);
}

TEST(LlmClient, PricesAndCost) {
    auto p = llm::parsePrices(R"({"m": {"prompt": 1.0, "completion": 2.0}})");
    ASSERT_TRUE(p.ok());
    auto c = llm::estimateCost(*p, "m", {1'000'000, 500'000});
    ASSERT_TRUE(c.has_value());
    EXPECT_DOUBLE_EQ(*c, 2.0);
    EXPECT_FALSE(llm::estimateCost(*p, "other", {1, 1}).has_value());
    auto bad = llm::parsePrices(R"({"m": {"prompt": "x"}})");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("m"), std::string::npos);
}

// ---- what one HTTP attempt means: the pure decision, as a table ----

namespace {
llm::AttemptFacts http(long status, std::string body = "", int attempt = 1, std::string retryAfter = "") {
    llm::AttemptFacts f;
    f.httpStatus = status;
    f.body = std::move(body);
    f.attempt = attempt;
    f.retryAfter = std::move(retryAfter);
    return f;
}
llm::AttemptFacts transport(int code, const char* text, int attempt = 1) {
    llm::AttemptFacts f;
    f.curlCode = code;
    f.curlError = text;
    f.attempt = attempt;
    return f;
}
std::string completion(const std::string& content, const std::string& finish = "stop") {
    json c = {{"index", 0}, {"finish_reason", finish}};
    c["message"] = {{"role", "assistant"}, {"content", content.empty() ? json(nullptr) : json(content)}};
    return json{{"choices", json::array({c})}, {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 5}}}}
        .dump();
}
const char* name(llm::Outcome o) {
    switch (o) {
    case llm::Outcome::Ok:
        return "Ok";
    case llm::Outcome::Refused:
        return "Refused";
    case llm::Outcome::Fatal:
        return "Fatal";
    case llm::Outcome::Exhausted:
        return "Exhausted";
    case llm::Outcome::Aborted:
        return "Aborted";
    }
    return "?";
}
} // namespace

TEST(LlmDecision, Table) {
    llm::RetryPolicy p;
    p.maxAttempts = 3;
    p.backoffBaseMs = 1000;
    p.backoffMaxMs = 3000;
    p.maxRetryAfterMs = 5000;
    const std::string error400 = R"({"error": {"message": "maximum context length is 4096 tokens"}})";
    struct Row {
        const char* what;
        llm::AttemptFacts facts;
        bool retry;
        llm::Outcome outcome; // when not retried
        const char* reasonHas;
    };
    std::vector<Row> rows = {
        {"200 answer", http(200, completion("hi")), false, llm::Outcome::Ok, ""},
        {"200 content filter", http(200, completion("", "content_filter")), false, llm::Outcome::Refused,
         "content filter"},
        {"200 garbage", http(200, "<html>"), true, {}, "malformed"},
        {"200 garbage, last attempt", http(200, "<html>", 3), false, llm::Outcome::Exhausted,
         "gave up after 3"},
        {"400 context too long", http(400, error400), false, llm::Outcome::Refused, "maximum context length"},
        {"413", http(413, "too large"), false, llm::Outcome::Refused, "HTTP 413"},
        {"422", http(422, "{}"), false, llm::Outcome::Refused, "HTTP 422"},
        {"401", http(401, R"({"error": {"message": "Incorrect API key"}})"), false, llm::Outcome::Fatal,
         "Incorrect API key"},
        {"402", http(402, "{}"), false, llm::Outcome::Fatal, "HTTP 402"},
        {"403", http(403, "{}"), false, llm::Outcome::Fatal, "HTTP 403"},
        {"404 model not found", http(404, R"({"error": "model not found"})"), false, llm::Outcome::Fatal,
         "model not found"},
        {"429", http(429, "{}", 1, "2"), true, {}, "HTTP 429"},
        {"500", http(500, "{}"), true, {}, "HTTP 500"},
        {"503 last attempt", http(503, "{}", 3), false, llm::Outcome::Exhausted, "gave up"},
        {"418 not retried", http(418, "{}"), false, llm::Outcome::Exhausted, "HTTP 418"},
        {"timeout", transport(CURLE_OPERATION_TIMEDOUT, "Timeout was reached"), true, {}, "Timeout"},
        {"refused connection",
         transport(CURLE_COULDNT_CONNECT, "Couldn't connect to server"),
         true,
         {},
         "connect"},
        {"bad URL", transport(CURLE_URL_MALFORMAT, "URL using bad/illegal format"), false,
         llm::Outcome::Fatal, "URL"},
        {"bad scheme", transport(CURLE_UNSUPPORTED_PROTOCOL, "Unsupported protocol"), false,
         llm::Outcome::Fatal, "protocol"},
        {"bad certificate", transport(CURLE_PEER_FAILED_VERIFICATION, "SSL peer certificate"), false,
         llm::Outcome::Fatal, "certificate"},
        {"declared body over the cap", transport(CURLE_FILESIZE_EXCEEDED, "Maximum file size exceeded"),
         false, llm::Outcome::Refused, "size cap"},
    };
    auto big = transport(CURLE_WRITE_ERROR, "Failed writing received data");
    big.bodyTooLarge = true;
    rows.push_back({"streamed body over the cap", big, false, llm::Outcome::Refused, "size cap"});
    for (auto& row : rows) {
        auto d = llm::decideAttempt(row.facts, p, 0.5);
        EXPECT_EQ(d.retry, row.retry) << row.what;
        if (!row.retry) {
            EXPECT_STREQ(name(d.outcome), name(row.outcome)) << row.what;
        }
        EXPECT_NE(d.reason.find(row.reasonHas), std::string::npos) << row.what << ": " << d.reason;
    }
    auto ok = llm::decideAttempt(http(200, completion("hello")), p, 0);
    EXPECT_EQ(ok.content, "hello");
    EXPECT_EQ(ok.usage.promptTokens, 11);
    EXPECT_EQ(ok.usage.completionTokens, 5);
    EXPECT_TRUE(ok.reason.empty());
    // A filtered answer is still reported with its usage (it may be billed).
    EXPECT_EQ(llm::decideAttempt(http(200, completion("", "content_filter")), p, 0).usage.completionTokens,
              5);
}

TEST(LlmDecision, DelaysFollowRetryAfterOrBackoff) {
    llm::RetryPolicy p;
    p.maxAttempts = 10;
    p.backoffBaseMs = 1000;
    p.backoffMaxMs = 3000;
    p.maxRetryAfterMs = 5000;
    // Retry-After wins, plus up to 100 ms of jitter; clamped to maxRetryAfterMs.
    EXPECT_EQ(llm::decideAttempt(http(429, "", 1, "2"), p, 0.0).delayMs, 2000);
    EXPECT_EQ(llm::decideAttempt(http(429, "", 1, "2"), p, 0.5).delayMs, 2050);
    EXPECT_EQ(llm::decideAttempt(http(503, "", 1, "3600"), p, 0.0).delayMs, 5000);
    // Otherwise base * 2^(attempt-1), capped, times [0.5, 1) by the jitter.
    EXPECT_EQ(llm::decideAttempt(http(500, "", 1), p, 0.0).delayMs, 500);
    EXPECT_EQ(llm::decideAttempt(http(500, "", 2), p, 0.0).delayMs, 1000);
    EXPECT_EQ(llm::decideAttempt(http(500, "", 2), p, 0.5).delayMs, 1500);
    EXPECT_EQ(llm::decideAttempt(http(500, "", 6), p, 0.0).delayMs, 1500);
    EXPECT_EQ(
        llm::decideAttempt(transport(CURLE_RECV_ERROR, "Failure when receiving data", 1), p, 0.0).delayMs,
        500);
}

TEST(LlmDecision, ApiKeyVariableNames) {
    for (const char* ok : {"", "OPENAI_API_KEY", "AZURE_OPENAI_KEY_2", "my_key", "_X", "HF_TOKEN"})
        EXPECT_TRUE(llm::validateApiKeyEnv(ok).ok()) << ok;
    for (const char* bad :
         {"sk-proj-AbCdEf0123456789GhIjKlMnOp", "sk-0123456789abcdef0123456789abcdef",
          "AbCdEf0123456789GhIjKlMn", "0123456789abcdef0123456789abcdef", "hf_AbCdEfGhIjKlMnOpQrStUv",
          "gsk_abcdefghijklmnopqrstuvwx", "OPENAI API KEY", "1PASSWORD", "key.with.dots"}) {
        auto st = llm::validateApiKeyEnv(bad);
        ASSERT_FALSE(st.ok()) << bad;
        EXPECT_EQ(st.error().message.find(bad), std::string::npos) << "the text must not be echoed";
    }
}

// ---- the same against the real HTTP server ----

TEST(LlmClient, RefusedPromptsFailAloneOthersGoOn) {
    FakeLlmServer server(json::array({{{"match", "item 1"}, {"mode", "status_400"}},
                                      {{"match", "item 2"}, {"mode", "status_413"}},
                                      {{"match", "item 3"}, {"mode", "status_422"}},
                                      {{"match", "item 4"}, {"mode", "content_filter"}}}));
    auto src = makeSource(8);
    llm::ChatClient client(options(server, 4));
    auto st = client.run(src);
    ASSERT_TRUE(st.ok()) << st.error().message; // a refused prompt does not stop the run
    ASSERT_EQ(src.results.size(), 8u);
    for (int id : {1, 2, 3, 4}) {
        EXPECT_EQ(src.results[id].outcome, llm::Outcome::Refused) << id << ": " << src.results[id].error;
        EXPECT_EQ(src.results[id].attempts, 1) << id;
    }
    EXPECT_NE(src.results[1].error.find("HTTP 400"), std::string::npos) << src.results[1].error;
    EXPECT_NE(src.results[4].error.find("content filter"), std::string::npos) << src.results[4].error;
    EXPECT_EQ(src.results[4].finishReason, "content_filter");
    for (int id : {0, 5, 6, 7})
        EXPECT_TRUE(src.results[id].ok()) << id << ": " << src.results[id].error;
    EXPECT_EQ(server.stats()["total"], 8); // nothing retried
    EXPECT_EQ(client.stats().refused, 4);
}

TEST(LlmClient, EndlessBodyIsCutAtTheResponseCap) {
    FakeLlmServer server(json::array({{{"match", "item 0"}, {"mode", "endless"}}}));
    auto src = makeSource(3);
    auto o = options(server, 3);
    o.maxResponseBytes = 256 * 1024;
    o.totalTimeoutMs = 60'000;
    llm::ChatClient client(o);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(src).ok());
    EXPECT_LT(secondsSince(t0), 10.0);
    EXPECT_EQ(src.results[0].outcome, llm::Outcome::Refused) << src.results[0].error;
    EXPECT_NE(src.results[0].error.find("size cap"), std::string::npos) << src.results[0].error;
    EXPECT_LE(src.results[0].rawBody.size(), o.maxResponseBytes);
    EXPECT_EQ(src.results[0].attempts, 1); // not bought again
    EXPECT_TRUE(src.results[1].ok());
    EXPECT_TRUE(src.results[2].ok());
}

TEST(LlmClient, CompressionBombIsCutAtTheResponseCap) {
    // ~100 KB on the wire, 100 MB once inflated: the cap applies to what curl decompresses.
    FakeLlmServer server(json::array({{{"match", "item 0"}, {"mode", "gzip_bomb"}}}));
    auto src = makeSource(2);
    auto o = options(server, 2);
    o.maxResponseBytes = 1 << 20;
    llm::ChatClient client(o);
    ASSERT_TRUE(client.run(src).ok());
    EXPECT_EQ(src.results[0].outcome, llm::Outcome::Refused) << src.results[0].error;
    EXPECT_NE(src.results[0].error.find("size cap"), std::string::npos) << src.results[0].error;
    EXPECT_LE(src.results[0].rawBody.size(), o.maxResponseBytes);
    EXPECT_TRUE(src.results[1].ok());
    EXPECT_EQ(server.stats()["total"], 2);
}

TEST(LlmClient, StopAbortsHungTransfersWithinASecond) {
    FakeLlmServer server(json::array({{{"mode", "hang"}}}));
    auto src = makeSource(4);
    auto o = options(server, 4);
    o.totalTimeoutMs = 120'000;
    llm::ChatClient client(o);
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        client.requestStop(true, 300); // drain for 300 ms, then abort
    });
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(src).ok());
    double took = secondsSince(t0);
    stopper.join();
    EXPECT_LT(took, 1.5);
    ASSERT_EQ(src.results.size(), 4u);
    for (auto& [id, r] : src.results)
        EXPECT_EQ(r.outcome, llm::Outcome::Aborted);
}

TEST(LlmClient, KeyLikeVariableNameAndZeroTimeoutAreRefusedBeforeSending) {
    FakeLlmServer server;
    auto o = options(server);
    const std::string planted = "sk-proj-PLANTEDkey0123456789abcdef";
    o.endpoints[0].apiKeyEnv = planted;
    auto src = makeSource(2);
    auto st = llm::ChatClient(o).run(src);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message.find("PLANTED"), std::string::npos) << st.error().message;
    auto o2 = options(server);
    o2.totalTimeoutMs = 0;
    auto src2 = makeSource(2);
    EXPECT_FALSE(llm::ChatClient(o2).run(src2).ok());
    EXPECT_EQ(server.stats()["total"], 0);
}

TEST(LlmClient, EndpointOwnTokensPerMinutePacesThatEndpointOnly) {
    // The limited endpoint's own 600 tokens/min (10/s) lets one 100-token request through now and
    // the next only after ~10 s; the other endpoint (no limit of its own, none by default) takes the rest.
    FakeLlmServer limited({}, 20), open({}, 20);
    auto src = makeSource(12);
    llm::ClientOptions o = options(limited, 4);
    o.endpoints = {{limited.baseUrl(), "", 0, std::nullopt, 600.0}, {open.baseUrl(), "", 0}};
    struct Est : llm::RequestSource {
        ListSource& inner;
        explicit Est(ListSource& s) : inner(s) {}
        Next next(llm::ChatRequest& out) override {
            auto n = inner.next(out);
            out.estimatedTokens = 100;
            return n;
        }
        void onResult(llm::ChatResult r) override { inner.onResult(std::move(r)); }
    } est(src);
    llm::ChatClient client(o);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(client.run(est).ok());
    EXPECT_LT(secondsSince(t0), 5.0) << "the open endpoint waited on the limited one";
    EXPECT_EQ(src.results.size(), 12u);
    EXPECT_EQ(limited.stats()["total"].get<int>(), 1);
    EXPECT_EQ(open.stats()["total"].get<int>(), 11);
}

TEST(LlmConnection, ListsModelsAndAnswersOneTinyRequest) {
    FakeLlmServer server;
    EXPECT_EQ(llm::modelsUrl(server.baseUrl()), server.baseUrl() + "/models");
    EXPECT_EQ(llm::modelsUrl("http://h:1/v1/chat/completions?api-version=2"), "http://h:1/v1/models?api-version=2");
    auto c = llm::testConnection({server.baseUrl(), "", 0}, "fake-model");
    EXPECT_TRUE(c.modelsOk) << c.modelsError;
    EXPECT_EQ(c.models, std::vector<std::string>{"fake-model"});
    EXPECT_TRUE(c.modelListed);
    ASSERT_TRUE(c.ok()) << c.chatError;
    EXPECT_TRUE(c.chatSent);
    EXPECT_EQ(c.chatHttpStatus, 200);
    EXPECT_FALSE(c.reply.empty());
    EXPECT_GT(c.usage.promptTokens, 0);
    EXPECT_EQ(server.stats()["total"].get<int>(), 1) << "one chat request, no retry";

    // A model the server does not list is still tried (servers often list fewer than they serve).
    auto other = llm::testConnection({server.baseUrl(), "", 0}, "other-model");
    EXPECT_TRUE(other.modelsOk);
    EXPECT_FALSE(other.modelListed);
}

TEST(LlmConnection, ServerErrorsInPlainWordsWithoutRetrying) {
    FakeLlmServer server(json::array({{{"mode", "status_401"}}}));
    auto c = llm::testConnection({server.baseUrl(), "", 0}, "fake-model");
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(c.chatHttpStatus, 401);
    EXPECT_NE(c.chatError.find("HTTP 401"), std::string::npos) << c.chatError;
    EXPECT_NE(c.chatError.find("API key"), std::string::npos) << c.chatError;
    server.setRules(json::array({{{"mode", "status_503"}}}));
    server.reset();
    auto busy = llm::testConnection({server.baseUrl(), "", 0}, "fake-model");
    EXPECT_FALSE(busy.ok());
    EXPECT_EQ(busy.chatError.find("gave up"), std::string::npos) << busy.chatError;
    EXPECT_NE(busy.chatError.find("HTTP 503"), std::string::npos) << busy.chatError;
    EXPECT_EQ(server.stats()["total"].get<int>(), 1) << "the test never retries";
}

TEST(LlmConnection, NoServerNoKeyAndCancel) {
    int port = 0;
    {
        FakeLlmServer gone;
        port = gone.port();
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
    auto c = llm::testConnection({url, "", 0}, "m");
    EXPECT_FALSE(c.ok());
    EXPECT_FALSE(c.chatSent);
    // libcurl's own words: "Couldn't connect to server" (7.88, Debian 12), "Could not connect to server" (8.x)
    EXPECT_NE(c.chatError.find("connect to server"), std::string::npos) << c.chatError;
    EXPECT_NE(c.modelsError.find("connect to server"), std::string::npos) << c.modelsError;

    FakeLlmServer server(json::array({{{"mode", "hang"}}}));
    ::unsetenv("SYNTHEMBED_TEST_UNSET_KEY");
    auto noKey = llm::testConnection({server.baseUrl(), "SYNTHEMBED_TEST_UNSET_KEY", 0}, "fake-model");
    EXPECT_FALSE(noKey.chatSent);
    EXPECT_NE(noKey.chatError.find("SYNTHEMBED_TEST_UNSET_KEY"), std::string::npos) << noKey.chatError;
    EXPECT_NE(noKey.chatError.find("not set"), std::string::npos) << noKey.chatError;

    // A key-like variable name is refused without repeating it.
    auto pasted = llm::testConnection({server.baseUrl(), "sk-proj-PLANTEDkey0123456789abcdef", 0}, "fake-model");
    EXPECT_FALSE(pasted.ok());
    EXPECT_EQ(pasted.chatError.find("PLANTED"), std::string::npos) << pasted.chatError;
    EXPECT_EQ(server.stats()["total"].get<int>(), 0);

    // A hung server: cancel ends the test within a second.
    std::atomic<bool> cancel{false};
    llm::ConnectionCheckOptions o;
    o.cancel = &cancel;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
    });
    auto t0 = std::chrono::steady_clock::now();
    auto hung = llm::testConnection({server.baseUrl(), "", 0}, "fake-model", o);
    canceller.join();
    EXPECT_LT(secondsSince(t0), 1.5);
    EXPECT_FALSE(hung.ok());
    EXPECT_EQ(hung.chatError, "cancelled");
}
