#include "core/llm/client.h"

#include "core/llm/rate_limiter.h"
#include "core/util/log.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>

namespace synthembed::llm {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
void ensureCurl() {
    static CurlGlobal g;
}

std::string trimRight(std::string s, const char* chars) {
    while (!s.empty() && std::strchr(chars, s.back()))
        s.pop_back();
    return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The server's own words from an error body ({"error": {"message": ...}}), else the body's start.
std::string serverMessage(const std::string& body) {
    try {
        auto j = json::parse(body);
        if (j.contains("error")) {
            auto& e = j["error"];
            if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
            if (e.is_string()) return e;
        }
        if (j.contains("message") && j["message"].is_string()) return j["message"];
    } catch (...) {
    }
    std::string s = body.substr(0, 200);
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

// Statuses that concern one prompt: its text (context too long, content policy) or its size.
bool refusedStatus(long status) {
    return status == 400 || status == 413 || status == 422;
}
// Statuses that concern every request: key, billing, permissions, URL or model name, method.
bool fatalStatus(long status) {
    return status == 401 || status == 402 || status == 403 || status == 404 || status == 405;
}
bool retryableStatus(long status) {
    return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
}

// Replaces every occurrence of a key in text (a server may echo the header back).
std::string redacted(std::string text, const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
        if (k.size() < 4) continue;
        for (auto pos = text.find(k); pos != std::string::npos; pos = text.find(k, pos))
            text.replace(pos, k.size(), "[api key]");
    }
    return text;
}

} // namespace

std::string ChatClient::completionsUrl(const std::string& baseUrl) {
    // A query string (Azure's ?api-version=...) stays at the end.
    std::string query;
    std::string b = baseUrl;
    if (auto q = b.find('?'); q != std::string::npos) {
        query = b.substr(q);
        b = b.substr(0, q);
    }
    b = trimRight(b, "/");
    if (endsWith(b, "/chat/completions")) return b + query;
    if (endsWith(b, "/v1") || endsWith(b, "/openai") || b.find("/v1/") != std::string::npos ||
        b.find("/openai/") != std::string::npos)
        return b + "/chat/completions" + query;
    return b + "/v1/chat/completions" + query;
}

bool ChatClient::usesApiKeyHeader(const std::string& baseUrl) {
    // Azure OpenAI authenticates with "api-key: KEY" instead of a bearer token.
    return baseUrl.find(".openai.azure.com") != std::string::npos ||
           baseUrl.find("api-version=") != std::string::npos;
}

std::string buildRequestBody(const ClientOptions& o, const std::string& prompt) {
    json messages = json::array();
    if (!o.systemPrompt.empty()) messages.push_back({{"role", "system"}, {"content", o.systemPrompt}});
    messages.push_back({{"role", "user"}, {"content", prompt}});
    json body = {
        {"model", o.model}, {"messages", messages}, {"temperature", o.temperature}, {"top_p", o.topP}};
    if (o.maxTokens > 0) body["max_tokens"] = o.maxTokens;
    if (o.jsonMode) body["response_format"] = {{"type", "json_object"}};
    return body.dump();
}

Result<ChatResult> parseCompletion(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded())
        return Error{"llm_answer", "response body is not JSON (" + std::to_string(body.size()) + " bytes)"};
    if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
        return Error{"llm_answer", "response has no choices"};
    auto& c = j["choices"][0];
    ChatResult r;
    if (c.is_object() && c.contains("finish_reason") && c["finish_reason"].is_string())
        r.finishReason = c["finish_reason"].get<std::string>();
    if (c.contains("message") && c["message"].is_object() && c["message"].contains("content") &&
        c["message"]["content"].is_string())
        r.content = c["message"]["content"].get<std::string>();
    else if (c.contains("text") && c["text"].is_string())
        r.content = c["text"].get<std::string>();
    else if (r.finishReason != "content_filter") // a filtered answer has no content: still an answer
        return Error{"llm_answer", "response choice has no message content"};
    if (j.contains("usage") && j["usage"].is_object()) {
        auto& u = j["usage"];
        if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
            r.usage.promptTokens = u["prompt_tokens"];
        if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
            r.usage.completionTokens = u["completion_tokens"];
    }
    r.outcome = Outcome::Ok;
    r.rawBody = body;
    return r;
}

Status validateApiKeyEnv(const std::string& name) {
    if (name.empty()) return {};
    const Error refuse{
        "llm_config",
        "the API key variable must be the name of an environment variable that holds the key "
        "(letters, digits and '_', e.g. OPENAI_API_KEY), not the key itself; the text given is not "
        "shown or stored"};
    if (name.size() > 128 || std::isdigit(static_cast<unsigned char>(name[0]))) return refuse;
    std::size_t lower = 0, upper = 0, digits = 0, underscores = 0;
    for (unsigned char c : name) {
        if (std::islower(c))
            lower++;
        else if (std::isupper(c))
            upper++;
        else if (std::isdigit(c))
            digits++;
        else if (c == '_')
            underscores++;
        else
            return refuse; // '-', '.', '/' ...: keys have them, variable names do not
    }
    // Random-looking text: mixed case with digits, or long runs without a word separator, or a
    // provider's key prefix (hf_..., gsk_..., AIza...).
    bool mixed = name.size() >= 20 && lower > 0 && upper > 0 && digits > 0;
    bool dense = name.size() >= 24 && digits >= 4 && underscores == 0;
    bool prefixed = false;
    for (const char* p : {"sk_", "hf_", "gsk_", "xai_", "ghp_", "AIza", "glpat"})
        if (name.rfind(p, 0) == 0 && name.size() >= 20) prefixed = true;
    if (mixed || dense || prefixed) return refuse;
    return {};
}

AttemptDecision decideAttempt(const AttemptFacts& f, const RetryPolicy& policy, double jitter01) {
    AttemptDecision d;
    jitter01 = std::clamp(jitter01, 0.0, 1.0);
    const std::string http = "HTTP " + std::to_string(f.httpStatus);
    long retryAfter = -1;
    if (f.bodyTooLarge || f.curlCode == CURLE_FILESIZE_EXCEEDED) {
        // Retrying a server that streams without end would buy it again.
        d.outcome = Outcome::Refused;
        d.reason = "answer larger than " + std::to_string(policy.maxResponseBytes) +
                   " bytes (the response size cap); not retried";
        d.tally = AttemptDecision::Tally::Transport;
        return d;
    }
    if (f.curlCode != CURLE_OK) {
        std::string why = f.curlError.empty() ? "transfer error " + std::to_string(f.curlCode) : f.curlError;
        switch (f.curlCode) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            d.outcome = Outcome::Fatal;
            d.reason = why;
            return d;
        default:
            break;
        }
        d.reason = why;
        d.tally = AttemptDecision::Tally::Transport;
    } else if (f.httpStatus >= 200 && f.httpStatus < 300) {
        auto parsed = parseCompletion(f.body);
        if (parsed) {
            d.finishReason = parsed->finishReason;
            d.usage = parsed->usage;
            if (parsed->finishReason == "content_filter") {
                d.outcome = Outcome::Refused;
                d.reason = http + ": the answer was withheld by the server's content filter";
                return d;
            }
            d.outcome = Outcome::Ok;
            d.content = std::move(parsed->content);
            return d;
        }
        d.reason = http + " with a malformed body: " + parsed.error().message;
        d.tally = AttemptDecision::Tally::Malformed;
    } else if (refusedStatus(f.httpStatus)) {
        d.outcome = Outcome::Refused;
        d.reason = http + " for this prompt: " + serverMessage(f.body);
        return d;
    } else if (fatalStatus(f.httpStatus)) {
        d.outcome = Outcome::Fatal;
        d.reason = http + ": " + serverMessage(f.body);
        return d;
    } else {
        d.reason = http + ": " + serverMessage(f.body);
        if (f.httpStatus == 429) d.tally = AttemptDecision::Tally::Http429;
        if (f.httpStatus >= 500) d.tally = AttemptDecision::Tally::Http5xx;
        if (!retryableStatus(f.httpStatus)) {
            d.outcome = Outcome::Exhausted;
            return d;
        }
        retryAfter = parseRetryAfterMs(f.retryAfter);
    }
    // Retryable.
    if (f.attempt >= policy.maxAttempts) {
        d.outcome = Outcome::Exhausted;
        d.reason += " (gave up after " + std::to_string(f.attempt) + " attempts)";
        return d;
    }
    d.retry = true;
    if (retryAfter >= 0) {
        d.delayMs = std::min(retryAfter, policy.maxRetryAfterMs) + static_cast<long>(jitter01 * 100.0);
    } else {
        double b = static_cast<double>(policy.backoffBaseMs) * std::pow(2.0, std::max(0, f.attempt - 1));
        b = std::min(b, static_cast<double>(policy.backoffMaxMs));
        d.delayMs = static_cast<long>(b * (0.5 + 0.5 * jitter01)); // "equal jitter"
    }
    return d;
}

long parseRetryAfterMs(const std::string& value) {
    std::string v = value;
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
        v.erase(v.begin());
    v = trimRight(v, " \t\r\n");
    if (v.empty()) return -1;
    char* end = nullptr;
    double secs = std::strtod(v.c_str(), &end);
    if (end && *end == '\0' && secs >= 0) return static_cast<long>(std::llround(secs * 1000.0));
    time_t t = curl_getdate(v.c_str(), nullptr);
    if (t < 0) return -1;
    long ms = static_cast<long>((t - std::time(nullptr)) * 1000);
    return std::max(0L, ms);
}

// ---------------------------------------------------------------------------------------------

struct ChatClient::Impl {
    struct Transfer {
        CURL* easy = nullptr;
        ChatRequest request;
        int attempt = 0; // 1-based attempt number of this transfer
        std::size_t endpoint = 0;
        std::string body; // request body, alive for the transfer
        std::string response;
        std::size_t cap = 0; // response size cap
        bool tooLarge = false;
        std::string retryAfter;
        curl_slist* headers = nullptr;
        std::int64_t tokenEstimate = 0;
    };
    struct Pending { // waiting for a retry time (or the rate limiter)
        ChatRequest request;
        int attemptsDone = 0;
        Clock::time_point due;
    };

    const ClientOptions& o;
    CURLM* multi = nullptr;
    std::vector<CURL*> idle;
    std::map<CURL*, std::unique_ptr<Transfer>> active;
    std::vector<int> endpointInFlight;
    std::vector<std::string> endpointKeys;
    std::deque<Pending> retries; // kept sorted by due
    std::mt19937_64 rng;
    std::atomic<int> stopMode{0};                                    // 0 none, 1 drain, 2 abort
    std::atomic<long> stopDrainMs{std::numeric_limits<long>::max()}; // drain budget once stopping
    mutable std::mutex statsMutex;
    ClientStats st;
    std::size_t roundRobin = 0;

    explicit Impl(const ClientOptions& opts) : o(opts) {
        ensureCurl();
        multi = curl_multi_init();
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(16, o.concurrency * 2)));
        rng.seed(o.jitterSeed ? o.jitterSeed : std::random_device{}());
        endpointInFlight.assign(o.endpoints.size(), 0);
    }
    ~Impl() {
        for (auto& [e, t] : active) {
            curl_multi_remove_handle(multi, e);
            curl_slist_free_all(t->headers);
            curl_easy_cleanup(e);
        }
        for (CURL* e : idle)
            curl_easy_cleanup(e);
        curl_multi_cleanup(multi);
    }

    template <class F> void stat(F&& f) {
        std::lock_guard lk(statsMutex);
        f(st);
    }

    int endpointCap(std::size_t i) const {
        int c = o.endpoints[i].maxConcurrency;
        return c > 0 ? c : std::max(1, o.concurrency);
    }
    int totalCap() const {
        long sum = 0;
        for (std::size_t i = 0; i < o.endpoints.size(); ++i)
            sum += endpointCap(i);
        return static_cast<int>(std::min<long>(sum, std::max(1, o.concurrency)));
    }
    // The endpoint with the most free slots whose rate limiter lets a request of `tokens` start
    // now (ties: round robin); -1 when none can. *limitedMs: when an endpoint has a free slot but
    // its limiter holds it back, the shortest such wait (0 when every free endpoint is full).
    int pickEndpoint(std::vector<RateLimiter>& limiters, std::int64_t tokens, Clock::time_point now,
                     long* limitedMs) {
        int best = -1, bestFree = 0;
        *limitedMs = 0;
        std::size_t n = o.endpoints.size();
        for (std::size_t k = 0; k < n; ++k) {
            std::size_t i = (roundRobin + k) % n;
            int free = endpointCap(i) - endpointInFlight[i];
            if (free <= 0) continue;
            if (long w = limiters[i].waitMs(tokens, now); w > 0) {
                *limitedMs = *limitedMs == 0 ? w : std::min(*limitedMs, w);
                continue;
            }
            if (free > bestFree) {
                best = static_cast<int>(i);
                bestFree = free;
            }
        }
        if (best >= 0) roundRobin = (static_cast<std::size_t>(best) + 1) % n;
        return best;
    }

    std::int64_t estimateTokens(const ChatRequest& r) const {
        if (r.estimatedTokens > 0) return r.estimatedTokens;
        return static_cast<std::int64_t>(r.prompt.size() / 4) + (o.maxTokens > 0 ? o.maxTokens : 512);
    }

    static size_t onWrite(char* p, size_t size, size_t n, void* ud) {
        auto* t = static_cast<Transfer*>(ud);
        if (t->response.size() + size * n > t->cap) {
            t->tooLarge = true;
            return 0; // curl ends the transfer with CURLE_WRITE_ERROR
        }
        t->response.append(p, size * n);
        return size * n;
    }
    static size_t onHeader(char* p, size_t size, size_t n, void* ud) {
        std::string line(p, size * n);
        static const std::string key = "retry-after:";
        if (line.size() > key.size()) {
            std::string head = line.substr(0, key.size());
            std::transform(head.begin(), head.end(), head.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (head == key) static_cast<Transfer*>(ud)->retryAfter = line.substr(key.size());
        }
        return size * n;
    }

    void start(ChatRequest req, int attempt, std::size_t ep) {
        auto t = std::make_unique<Transfer>();
        t->request = std::move(req);
        t->attempt = attempt;
        t->endpoint = ep;
        t->body = buildRequestBody(o, t->request.prompt);
        t->tokenEstimate = estimateTokens(t->request);
        t->cap = o.maxResponseBytes;
        CURL* e;
        if (!idle.empty()) {
            e = idle.back();
            idle.pop_back();
            curl_easy_reset(e);
        } else {
            e = curl_easy_init();
        }
        t->easy = e;
        t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
        t->headers = curl_slist_append(t->headers, "Accept: application/json");
        t->headers = curl_slist_append(t->headers, "Expect:");
        if (!t->request.clientRequestId.empty())
            t->headers =
                curl_slist_append(t->headers, ("X-Client-Request-Id: " + t->request.clientRequestId).c_str());
        if (!endpointKeys[ep].empty())
            t->headers = curl_slist_append(t->headers, (ChatClient::usesApiKeyHeader(o.endpoints[ep].baseUrl)
                                                            ? "api-key: " + endpointKeys[ep]
                                                            : "Authorization: Bearer " + endpointKeys[ep])
                                                           .c_str());
        std::string url = ChatClient::completionsUrl(o.endpoints[ep].baseUrl);
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::onWrite);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o.connectTimeoutMs);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o.totalTimeoutMs);
        if (o.stallTimeoutMs > 0) {
            curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
            curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, std::max(1L, o.stallTimeoutMs / 1000));
        }
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.maxResponseBytes));
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o.verifyTls ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o.verifyTls ? 2L : 0L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(e, CURLOPT_USERAGENT, "synthembed/" SYNTHEMBED_VERSION);
        curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
        curl_multi_add_handle(multi, e);
        endpointInFlight[ep]++;
        stat([](ClientStats& s) { s.sent++; });
        active.emplace(e, std::move(t));
    }

    std::unique_ptr<Transfer> finish(CURL* e) {
        auto it = active.find(e);
        auto t = std::move(it->second);
        active.erase(it);
        curl_multi_remove_handle(multi, e);
        curl_slist_free_all(t->headers);
        t->headers = nullptr;
        endpointInFlight[t->endpoint]--;
        idle.push_back(e);
        return t;
    }

    void scheduleRetry(ChatRequest req, int attemptsDone, long delayMs) {
        Pending p{std::move(req), attemptsDone, Clock::now() + std::chrono::milliseconds(delayMs)};
        auto pos = std::upper_bound(retries.begin(), retries.end(), p.due,
                                    [](Clock::time_point d, const Pending& x) { return d < x.due; });
        retries.insert(pos, std::move(p));
    }
};

ChatClient::ChatClient(ClientOptions options)
    : m_options(std::move(options)), m_impl(std::make_unique<Impl>(m_options)) {}
ChatClient::~ChatClient() = default;

void ChatClient::requestStop(bool drain, long drainMs) {
    long limit = drain ? (drainMs >= 0 ? drainMs : m_options.drainTimeoutMs) : 0;
    long cur = m_impl->stopDrainMs.load();
    while (limit < cur && !m_impl->stopDrainMs.compare_exchange_weak(cur, limit)) {
    }
    int want = drain ? 1 : 2;
    int mode = m_impl->stopMode.load();
    while (mode < want && !m_impl->stopMode.compare_exchange_weak(mode, want)) {
    }
    curl_multi_wakeup(m_impl->multi);
}

ClientStats ChatClient::stats() const {
    std::lock_guard lk(m_impl->statsMutex);
    return m_impl->st;
}

Status ChatClient::run(RequestSource& source, const ProgressHooks& hooks) {
    auto& d = *m_impl;
    const auto& o = m_options;
    if (o.endpoints.empty()) return Error{"llm_config", "no LLM endpoint configured"};
    if (o.model.empty()) return Error{"llm_config", "no model name configured"};
    d.endpointKeys.clear();
    if (o.totalTimeoutMs <= 0 || o.connectTimeoutMs <= 0)
        return Error{"llm_config", "request and connect timeouts must be greater than 0"};
    for (auto& ep : o.endpoints) {
        std::string key;
        if (auto valid = validateApiKeyEnv(ep.apiKeyEnv); !valid)
            return Error{"llm", valid.error().message};
        if (!ep.apiKeyEnv.empty()) {
            const char* v = std::getenv(ep.apiKeyEnv.c_str());
            if (!v || !*v)
                return Error{"llm", "environment variable " + ep.apiKeyEnv + " (API key for " +
                                              ep.baseUrl + ") is not set"};
            key = v;
        }
        d.endpointKeys.push_back(key);
    }
    d.endpointInFlight.assign(o.endpoints.size(), 0);

    // One limiter per endpoint (its own limits, else the client's as defaults).
    std::vector<RateLimiter> limiters;
    for (const auto& ep : o.endpoints)
        limiters.emplace_back(ep.requestsPerMinute.value_or(o.requestsPerMinute),
                              ep.tokensPerMinute.value_or(o.tokensPerMinute));
    bool sourceFinished = false;
    std::optional<Error> fatal;
    std::optional<Clock::time_point> drainDeadline;
    std::optional<Clock::time_point> stopSince;
    std::optional<Impl::Pending> held; // next request, held back by the rate limiter
    std::optional<Clock::time_point> limitedSince;
    const int cap = d.totalCap();
    const RetryPolicy policy = RetryPolicy::from(o);

    auto abortAll = [&](const std::string& why) {
        std::vector<CURL*> handles;
        for (auto& [e, t] : d.active)
            handles.push_back(e);
        for (CURL* e : handles) {
            auto t = d.finish(e);
            ChatResult r;
            r.id = t->request.id;
            r.outcome = Outcome::Aborted;
            r.attempts = t->attempt;
            r.error = why;
            source.onResult(std::move(r));
        }
        auto deliverAborted = [&](Impl::Pending& p) {
            ChatResult r;
            r.id = p.request.id;
            r.outcome = Outcome::Aborted;
            r.attempts = p.attemptsDone;
            r.error = why;
            source.onResult(std::move(r));
        };
        for (auto& p : d.retries)
            deliverAborted(p);
        d.retries.clear();
        if (held) deliverAborted(*held);
        held.reset();
    };

    while (true) {
        auto now = Clock::now();
        if (hooks.stopRequested()) requestStop(true);
        int stop = d.stopMode.load();
        if (stop == 1 && !stopSince) stopSince = now;
        if (stopSince)
            drainDeadline =
                *stopSince + std::chrono::milliseconds(std::min(d.stopDrainMs.load(), 86'400'000L));
        if (stop == 2 || (drainDeadline && now >= *drainDeadline)) {
            abortAll("stopped");
            break;
        }
        if (stop) {
            // Draining: nothing new starts; waiting retries and the held request go back unsent.
            if (!d.retries.empty() || held) {
                std::vector<Impl::Pending> back(d.retries.begin(), d.retries.end());
                if (held) back.push_back(*held);
                d.retries.clear();
                held.reset();
                for (auto& p : back) {
                    ChatResult r;
                    r.id = p.request.id;
                    r.outcome = Outcome::Aborted;
                    r.attempts = p.attemptsDone;
                    r.error = "stopped";
                    source.onResult(std::move(r));
                }
            }
            if (d.active.empty()) break;
        }

        // Fill free slots: due retries first, then new work from the source.
        long waitHint = 100;
        while (!stop && static_cast<int>(d.active.size()) < cap) {
            if (!held) {
                if (!d.retries.empty() && d.retries.front().due <= now) {
                    held = std::move(d.retries.front());
                    d.retries.pop_front();
                } else if (!sourceFinished) {
                    Impl::Pending p;
                    auto nx = source.next(p.request);
                    if (nx == RequestSource::Next::Finished) {
                        sourceFinished = true;
                        break;
                    }
                    if (nx == RequestSource::Next::Wait) break;
                    held = std::move(p);
                } else {
                    break;
                }
            }
            std::int64_t est = d.estimateTokens(held->request);
            long w = 0;
            int ep = d.pickEndpoint(limiters, est, now, &w);
            if (ep < 0) {
                if (w > 0) { // a free slot waits on its endpoint's limiter
                    waitHint = std::min(waitHint, w);
                    if (!limitedSince) limitedSince = now;
                }
                break;
            }
            if (limitedSince) {
                double waited = std::chrono::duration<double>(now - *limitedSince).count();
                d.stat([&](ClientStats& s) { s.rateLimitWaitSec += waited; });
                limitedSince.reset();
            }
            limiters[static_cast<std::size_t>(ep)].consume(est, now);
            d.start(std::move(held->request), held->attemptsDone + 1, static_cast<std::size_t>(ep));
            held.reset();
        }

        if (d.active.empty() && d.retries.empty() && !held && sourceFinished) break;

        if (!d.retries.empty()) {
            auto until =
                std::chrono::duration_cast<std::chrono::milliseconds>(d.retries.front().due - now).count();
            waitHint = std::min<long>(waitHint, std::max<long>(0, until));
        }
        int running = 0;
        curl_multi_perform(d.multi, &running);
        // Completed transfers: decideAttempt says what each one means; the loop only acts on it.
        int left = 0;
        int completed = 0;
        while (CURLMsg* m = curl_multi_info_read(d.multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            if (completed++ == 0) source.beginResults();
            CURLcode code = m->data.result;
            auto t = d.finish(m->easy_handle);
            long status = 0;
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
            const auto& ep = o.endpoints[t->endpoint];
            AttemptFacts facts;
            facts.curlCode = code;
            if (code != CURLE_OK) facts.curlError = curl_easy_strerror(code);
            facts.httpStatus = status;
            facts.body = std::move(t->response);
            facts.retryAfter = t->retryAfter;
            facts.bodyTooLarge = t->tooLarge;
            facts.attempt = t->attempt;
            auto dec = decideAttempt(facts, policy, std::uniform_real_distribution<double>(0.0, 1.0)(d.rng));
            d.stat([&](ClientStats& s) {
                switch (dec.tally) {
                case AttemptDecision::Tally::Http429:
                    s.http429++;
                    break;
                case AttemptDecision::Tally::Http5xx:
                    s.http5xx++;
                    break;
                case AttemptDecision::Tally::Transport:
                    s.transportErrors++;
                    break;
                case AttemptDecision::Tally::Malformed:
                    s.malformed++;
                    break;
                case AttemptDecision::Tally::None:
                    break;
                }
            });
            if (dec.retry) {
                std::string why = redacted(dec.reason, d.endpointKeys);
                d.stat([](ClientStats& s) { s.retries++; });
                log::debug("request ", t->request.id, " attempt ", t->attempt, " failed (", why,
                           "); retrying in ", dec.delayMs, " ms");
                source.onRetry(t->request, why, t->attempt, dec.delayMs);
                d.scheduleRetry(std::move(t->request), t->attempt, dec.delayMs);
                continue;
            }
            ChatResult r;
            r.id = t->request.id;
            r.attempts = t->attempt;
            r.httpStatus = static_cast<int>(status);
            r.endpoint = ep.baseUrl;
            r.outcome = dec.outcome;
            r.finishReason = dec.finishReason;
            r.usage = dec.usage; // a filtered answer may be paid for too
            switch (dec.outcome) {
            case Outcome::Ok:
                r.content = std::move(dec.content);
                d.stat([&](ClientStats& s) { s.succeeded++; });
                break;
            case Outcome::Fatal: {
                std::string hint =
                    status == 401 || status == 403
                        ? " (check the API key" + (ep.apiKeyEnv.empty()
                                                       ? std::string(": none is set, use --api-key-env)")
                                                       : " in $" + ep.apiKeyEnv + ")")
                    : status == 404    ? " (check the endpoint URL and the model name '" + o.model + "')"
                    : code != CURLE_OK ? " (check the endpoint URL)"
                                       : "";
                r.error = redacted(ep.baseUrl + " answered " + dec.reason + hint, d.endpointKeys);
                if (!fatal) {
                    fatal = Error{"llm", r.error};
                    // Nothing new goes out; what is in flight may already be paid for, so it drains.
                    requestStop(true);
                }
                break;
            }
            case Outcome::Refused:
            case Outcome::Exhausted:
            case Outcome::Aborted:
                r.error = redacted(ep.baseUrl + ": " + dec.reason, d.endpointKeys);
                break;
            }
            if (r.outcome != Outcome::Ok)
                d.stat([&](ClientStats& s) {
                    s.failed++;
                    if (r.outcome == Outcome::Refused) s.refused++;
                });
            if (r.usage.promptTokens + r.usage.completionTokens > 0) {
                limiters[t->endpoint].correct(r.usage.promptTokens + r.usage.completionTokens -
                                              t->tokenEstimate);
                d.stat([&](ClientStats& s) { s.usage += r.usage; });
            }
            r.rawBody = redacted(std::move(facts.body), d.endpointKeys);
            source.onResult(std::move(r));
        }
        if (completed > 0) source.endResults();
        // A finished transfer freed a slot: refill at once instead of waiting in poll.
        if (completed > 0) continue;
        if (!d.active.empty() || !d.retries.empty() || held || !sourceFinished) {
            int numfds = 0;
            // Poll briefly when there is nothing to poll on, so Wait sources are asked again.
            curl_multi_poll(d.multi, nullptr, 0, static_cast<int>(std::clamp<long>(waitHint, 0, 100)),
                            &numfds);
        }
    }
    if (fatal) return *fatal;
    return {};
}

Result<ChatResult> ChatClient::completeOne(const ClientOptions& options, const std::string& prompt) {
    struct One : RequestSource {
        std::string prompt;
        bool given = false;
        std::optional<ChatResult> result;
        Next next(ChatRequest& out) override {
            if (given) return Next::Finished;
            given = true;
            out.id = 1;
            out.prompt = prompt;
            return Next::Request;
        }
        void onResult(ChatResult r) override { result = std::move(r); }
    } one;
    one.prompt = prompt;
    ChatClient client(options);
    auto st = client.run(one);
    if (!st) return st.error();
    if (!one.result) return Error{"llm", "no answer"};
    if (!one.result->ok()) return Error{"llm", one.result->error};
    return *one.result;
}

// ---------------------------------------------------------------------------------------------
// Test connection: two plain blocking calls on one easy handle.

std::string modelsUrl(const std::string& baseUrl) {
    std::string url = ChatClient::completionsUrl(baseUrl);
    std::string query;
    if (auto q = url.find('?'); q != std::string::npos) {
        query = url.substr(q);
        url = url.substr(0, q);
    }
    static const std::string suffix = "/chat/completions";
    if (endsWith(url, suffix)) url = url.substr(0, url.size() - suffix.size());
    return url + "/models" + query;
}

namespace {

struct SimpleCall {
    std::string response;
    std::size_t cap = 0;
    bool tooLarge = false;
    std::string retryAfter;
    const std::atomic<bool>* cancel = nullptr;
};

size_t simpleWrite(char* p, size_t size, size_t n, void* ud) {
    auto* c = static_cast<SimpleCall*>(ud);
    if (c->response.size() + size * n > c->cap) {
        c->tooLarge = true;
        return 0;
    }
    c->response.append(p, size * n);
    return size * n;
}

size_t simpleHeader(char* p, size_t size, size_t n, void* ud) {
    std::string line(p, size * n);
    static const std::string key = "retry-after:";
    if (line.size() > key.size()) {
        std::string head = line.substr(0, key.size());
        std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
        if (head == key) static_cast<SimpleCall*>(ud)->retryAfter = line.substr(key.size());
    }
    return size * n;
}

int simpleProgress(void* ud, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* c = static_cast<SimpleCall*>(ud);
    return c->cancel && c->cancel->load() ? 1 : 0;
}

// One GET (postBody null) or POST; the facts decideAttempt reads.
AttemptFacts simpleHttp(const std::string& url, const std::string* postBody, const std::string& authHeader,
                        const ConnectionCheckOptions& o, std::size_t cap) {
    ensureCurl();
    SimpleCall call;
    call.cap = cap;
    call.cancel = o.cancel;
    CURL* e = curl_easy_init();
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (postBody) headers = curl_slist_append(headers, "Content-Type: application/json");
    if (!authHeader.empty()) headers = curl_slist_append(headers, authHeader.c_str());
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    if (postBody) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, postBody->c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(postBody->size()));
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &simpleWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &simpleHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &simpleProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &call);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, o.connectTimeoutMs));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, std::max(1L, o.timeoutMs));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(cap));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o.verifyTls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o.verifyTls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "synthembed/" SYNTHEMBED_VERSION);
    CURLcode code = curl_easy_perform(e);
    AttemptFacts f;
    f.curlCode = code;
    if (code != CURLE_OK) f.curlError = curl_easy_strerror(code);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &f.httpStatus);
    f.body = std::move(call.response);
    f.retryAfter = call.retryAfter;
    f.bodyTooLarge = call.tooLarge;
    f.attempt = 1;
    curl_slist_free_all(headers);
    curl_easy_cleanup(e);
    return f;
}

// Words a user can act on, after curl's or the server's own.
std::string connectionHint(const AttemptFacts& f, const Endpoint& ep, const std::string& model,
                           const ConnectionCheckOptions& o) {
    switch (f.curlCode) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_CONNECT:
        return " (is the server running at " + ep.baseUrl + "?)";
    case CURLE_COULDNT_RESOLVE_HOST:
        return " (check the host name in " + ep.baseUrl + ")";
    case CURLE_OPERATION_TIMEDOUT:
        return " (no answer within " + std::to_string(o.timeoutMs / 1000) + " s)";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return " (the server's TLS certificate is not trusted)";
    default:
        return {};
    }
    if (f.httpStatus == 401 || f.httpStatus == 403)
        return ep.apiKeyEnv.empty() ? " (this endpoint has no API key variable; set one in Settings)"
                                    : " (check the API key in $" + ep.apiKeyEnv + ")";
    if (f.httpStatus == 404) return " (check the base URL and the model name '" + model + "')";
    return {};
}

} // namespace

ConnectionCheck testConnection(const Endpoint& ep, const std::string& model, const ConnectionCheckOptions& o) {
    ConnectionCheck out;
    out.modelsUrl = modelsUrl(ep.baseUrl);
    out.chatUrl = ChatClient::completionsUrl(ep.baseUrl);
    auto cancelled = [&] { return o.cancel && o.cancel->load(); };
    std::vector<std::string> keys;
    std::string auth;
    if (auto valid = validateApiKeyEnv(ep.apiKeyEnv); !valid) {
        out.modelsError = out.chatError = valid.error().message;
        return out;
    }
    bool keyMissing = false;
    if (!ep.apiKeyEnv.empty()) {
        const char* v = std::getenv(ep.apiKeyEnv.c_str());
        if (!v || !*v) {
            keyMissing = true;
        } else {
            keys.emplace_back(v);
            auth = (ChatClient::usesApiKeyHeader(ep.baseUrl) ? "api-key: " : "Authorization: Bearer ") + keys.back();
        }
    }
    const std::string keyMissingText = "environment variable " + ep.apiKeyEnv + " (the API key) is not set";

    // 1. The models the server lists (a key may be needed here too).
    if (keyMissing) {
        out.modelsError = keyMissingText;
    } else {
        AttemptFacts f = simpleHttp(out.modelsUrl, nullptr, auth, o, 4u << 20);
        if (cancelled()) {
            out.modelsError = out.chatError = "cancelled";
            return out;
        }
        if (f.curlCode != CURLE_OK) {
            out.modelsError = f.curlError + connectionHint(f, ep, model, o);
        } else if (f.httpStatus < 200 || f.httpStatus >= 300) {
            out.modelsError = "HTTP " + std::to_string(f.httpStatus) + ": " + serverMessage(f.body) +
                              connectionHint(f, ep, model, o);
        } else {
            json j = json::parse(f.body, nullptr, false);
            // OpenAI and most servers: {"data": [{"id": ...}]}; Ollama's native list: {"models": [{"name": ...}]}.
            const json* list = nullptr;
            if (j.is_object() && j.contains("data") && j["data"].is_array()) list = &j["data"];
            if (j.is_object() && j.contains("models") && j["models"].is_array()) list = &j["models"];
            if (!list) {
                out.modelsError = "HTTP " + std::to_string(f.httpStatus) + " with a body that is not a model list";
            } else {
                out.modelsOk = true;
                for (auto& m : *list) {
                    if (!m.is_object()) continue;
                    for (const char* k : {"id", "name"})
                        if (m.contains(k) && m[k].is_string()) {
                            out.models.push_back(m[k].get<std::string>());
                            break;
                        }
                }
                out.modelListed = std::find(out.models.begin(), out.models.end(), model) != out.models.end();
            }
        }
        // The server is not there at all: the chat request would only say the same again.
        if (f.curlCode == CURLE_COULDNT_CONNECT || f.curlCode == CURLE_COULDNT_RESOLVE_HOST ||
            f.curlCode == CURLE_UNSUPPORTED_PROTOCOL || f.curlCode == CURLE_URL_MALFORMAT) {
            out.chatError = out.modelsError;
            out.modelsError = redacted(out.modelsError, keys);
            out.chatError = redacted(out.chatError, keys);
            return out;
        }
    }

    // 2. One tiny chat request, not retried.
    if (model.empty()) {
        out.chatError = "no model name given";
    } else if (keyMissing) {
        out.chatError = keyMissingText;
    } else {
        ClientOptions co;
        co.model = model;
        co.temperature = 0;
        co.maxTokens = o.maxTokens;
        const std::string body = buildRequestBody(co, "Reply with OK.");
        const auto t0 = Clock::now();
        AttemptFacts f = simpleHttp(out.chatUrl, &body, auth, o, 1u << 20);
        out.chatSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
        out.chatSent = true;
        out.chatHttpStatus = static_cast<int>(f.httpStatus);
        if (cancelled()) {
            out.chatError = "cancelled";
        } else {
            RetryPolicy policy;
            policy.maxAttempts = 2; // a retryable failure is reported as such, without "gave up after"
            policy.maxResponseBytes = 1u << 20;
            AttemptDecision d = decideAttempt(f, policy, 0.0);
            out.usage = d.usage;
            if (!d.retry && d.outcome == Outcome::Ok) {
                out.chatOk = true;
                out.reply = d.content.substr(0, 200);
            } else {
                out.chatError = d.reason + connectionHint(f, ep, model, o);
            }
        }
    }
    out.modelsError = redacted(out.modelsError, keys);
    out.chatError = redacted(out.chatError, keys);
    out.reply = redacted(out.reply, keys);
    return out;
}

} // namespace synthembed::llm
