#include "core/llm/client.h"

#include "core/llm/rate_limiter.h"
#include "core/util/log.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <optional>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <random>

namespace synthembed::llm {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
void ensureCurl() { static CurlGlobal g; }

std::string trimRight(std::string s, const char* chars) {
    while (!s.empty() && std::strchr(chars, s.back())) s.pop_back();
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

bool fatalStatus(long status) { return status == 400 || status == 401 || status == 403 || status == 404; }
bool retryableStatus(long status) { return status == 408 || status == 409 || status == 429 || status >= 500; }

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
    return baseUrl.find(".openai.azure.com") != std::string::npos || baseUrl.find("api-version=") != std::string::npos;
}

std::string buildRequestBody(const ClientOptions& o, const std::string& prompt) {
    json messages = json::array();
    if (!o.systemPrompt.empty()) messages.push_back({{"role", "system"}, {"content", o.systemPrompt}});
    messages.push_back({{"role", "user"}, {"content", prompt}});
    json body = {{"model", o.model}, {"messages", messages}, {"temperature", o.temperature}, {"top_p", o.topP}};
    if (o.maxTokens > 0) body["max_tokens"] = o.maxTokens;
    if (o.jsonMode) body["response_format"] = {{"type", "json_object"}};
    return body.dump();
}

Result<ChatResult> parseCompletion(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) return Error{"malformed", "response body is not JSON (" + std::to_string(body.size()) + " bytes)"};
    if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
        return Error{"malformed", "response has no choices"};
    auto& c = j["choices"][0];
    ChatResult r;
    if (c.contains("message") && c["message"].is_object() && c["message"].contains("content") &&
        c["message"]["content"].is_string())
        r.content = c["message"]["content"].get<std::string>();
    else if (c.contains("text") && c["text"].is_string())
        r.content = c["text"].get<std::string>();
    else
        return Error{"malformed", "response choice has no message content"};
    if (j.contains("usage") && j["usage"].is_object()) {
        auto& u = j["usage"];
        if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer()) r.usage.promptTokens = u["prompt_tokens"];
        if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer())
            r.usage.completionTokens = u["completion_tokens"];
    }
    r.outcome = Outcome::Ok;
    r.rawBody = body;
    return r;
}

long parseRetryAfterMs(const std::string& value) {
    std::string v = value;
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(v.begin());
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
        std::string body;     // request body, alive for the transfer
        std::string response;
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
    std::atomic<int> stopMode{0}; // 0 none, 1 drain, 2 abort
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
        for (CURL* e : idle) curl_easy_cleanup(e);
        curl_multi_cleanup(multi);
    }

    template <class F>
    void stat(F&& f) {
        std::lock_guard lk(statsMutex);
        f(st);
    }

    int endpointCap(std::size_t i) const {
        int c = o.endpoints[i].maxConcurrency;
        return c > 0 ? c : std::max(1, o.concurrency);
    }
    int totalCap() const {
        long sum = 0;
        for (std::size_t i = 0; i < o.endpoints.size(); ++i) sum += endpointCap(i);
        return static_cast<int>(std::min<long>(sum, std::max(1, o.concurrency)));
    }
    // The endpoint with the most free slots (ties: round robin); -1 when all are full.
    int pickEndpoint() {
        int best = -1, bestFree = 0;
        std::size_t n = o.endpoints.size();
        for (std::size_t k = 0; k < n; ++k) {
            std::size_t i = (roundRobin + k) % n;
            int free = endpointCap(i) - endpointInFlight[i];
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

    long backoffMs(int attemptsDone) {
        double d = static_cast<double>(o.backoffBaseMs) * std::pow(2.0, std::max(0, attemptsDone - 1));
        d = std::min(d, static_cast<double>(o.backoffMaxMs));
        std::uniform_real_distribution<double> u(0.5, 1.0); // "equal jitter"
        return static_cast<long>(d * u(rng));
    }

    static size_t onWrite(char* p, size_t size, size_t n, void* ud) {
        static_cast<Transfer*>(ud)->response.append(p, size * n);
        return size * n;
    }
    static size_t onHeader(char* p, size_t size, size_t n, void* ud) {
        std::string line(p, size * n);
        static const std::string key = "retry-after:";
        if (line.size() > key.size()) {
            std::string head = line.substr(0, key.size());
            std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
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
            t->headers = curl_slist_append(t->headers, ("X-Client-Request-Id: " + t->request.clientRequestId).c_str());
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

ChatClient::ChatClient(ClientOptions options) : m_options(std::move(options)), m_impl(std::make_unique<Impl>(m_options)) {}
ChatClient::~ChatClient() = default;

void ChatClient::requestStop(bool drain) {
    int want = drain ? 1 : 2;
    int cur = m_impl->stopMode.load();
    while (cur < want && !m_impl->stopMode.compare_exchange_weak(cur, want)) {
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
    for (auto& ep : o.endpoints) {
        std::string key;
        if (!ep.apiKeyEnv.empty()) {
            const char* v = std::getenv(ep.apiKeyEnv.c_str());
            if (!v || !*v)
                return Error{"llm_fatal", "environment variable " + ep.apiKeyEnv + " (API key for " + ep.baseUrl +
                                              ") is not set"};
            key = v;
        }
        d.endpointKeys.push_back(key);
    }
    d.endpointInFlight.assign(o.endpoints.size(), 0);

    RateLimiter limiter(o.requestsPerMinute, o.tokensPerMinute);
    bool sourceFinished = false;
    std::optional<Error> fatal;
    std::optional<Clock::time_point> drainDeadline;
    std::optional<Impl::Pending> held; // next request, held back by the rate limiter
    std::optional<Clock::time_point> limitedSince;
    const int cap = d.totalCap();

    auto abortAll = [&](const std::string& why) {
        std::vector<CURL*> handles;
        for (auto& [e, t] : d.active) handles.push_back(e);
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
        for (auto& p : d.retries) deliverAborted(p);
        d.retries.clear();
        if (held) deliverAborted(*held);
        held.reset();
    };

    while (true) {
        auto now = Clock::now();
        if (hooks.stopRequested()) requestStop(true);
        int stop = d.stopMode.load();
        if (stop == 1 && !drainDeadline) drainDeadline = now + std::chrono::milliseconds(o.drainTimeoutMs);
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
            long w = limiter.waitMs(est, now);
            if (w > 0) {
                waitHint = std::min(waitHint, w);
                if (!limitedSince) limitedSince = now;
                break;
            }
            if (limitedSince) {
                double waited = std::chrono::duration<double>(now - *limitedSince).count();
                d.stat([&](ClientStats& s) { s.rateLimitWaitSec += waited; });
                limitedSince.reset();
            }
            int ep = d.pickEndpoint();
            if (ep < 0) break;
            limiter.consume(est, now);
            d.start(std::move(held->request), held->attemptsDone + 1, static_cast<std::size_t>(ep));
            held.reset();
        }

        if (d.active.empty() && d.retries.empty() && !held && sourceFinished) break;

        if (!d.retries.empty()) {
            auto until = std::chrono::duration_cast<std::chrono::milliseconds>(d.retries.front().due - now).count();
            waitHint = std::min<long>(waitHint, std::max<long>(0, until));
        }
        int running = 0;
        curl_multi_perform(d.multi, &running);
        // Completed transfers.
        int left = 0;
        int completed = 0;
        while (CURLMsg* m = curl_multi_info_read(d.multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            if (completed++ == 0) source.beginResults();
            CURLcode code = m->data.result;
            auto t = d.finish(m->easy_handle);
            long status = 0;
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
            const std::string& epUrl = o.endpoints[t->endpoint].baseUrl;
            std::string why;
            long retryAfter = -1;
            ChatResult r;
            r.id = t->request.id;
            r.attempts = t->attempt;
            r.httpStatus = static_cast<int>(status);
            r.endpoint = epUrl;
            r.rawBody = t->response;
            if (code != CURLE_OK) {
                why = std::string(curl_easy_strerror(code));
                d.stat([](ClientStats& s) { s.transportErrors++; });
            } else if (status >= 200 && status < 300) {
                auto parsed = parseCompletion(t->response);
                if (parsed) {
                    r.outcome = Outcome::Ok;
                    r.content = std::move(parsed->content);
                    r.usage = parsed->usage;
                    limiter.correct(r.usage.promptTokens + r.usage.completionTokens - t->tokenEstimate);
                    d.stat([&](ClientStats& s) {
                        s.succeeded++;
                        s.usage += r.usage;
                    });
                    source.onResult(std::move(r));
                    continue;
                }
                why = "HTTP " + std::to_string(status) + " with a malformed body: " + parsed.error().message;
                d.stat([](ClientStats& s) { s.malformed++; });
            } else if (fatalStatus(status)) {
                std::string hint = status == 401 || status == 403
                                       ? " (check the API key" +
                                             (o.endpoints[t->endpoint].apiKeyEnv.empty()
                                                  ? std::string(": none is set, use --api-key-env)")
                                                  : " in $" + o.endpoints[t->endpoint].apiKeyEnv + ")")
                                   : status == 404 ? " (check the endpoint URL and the model name '" + o.model + "')"
                                                   : "";
                r.outcome = Outcome::Fatal;
                r.error = epUrl + " answered HTTP " + std::to_string(status) + ": " + serverMessage(t->response) + hint;
                d.stat([](ClientStats& s) { s.failed++; });
                if (!fatal) fatal = Error{"llm_fatal", r.error};
                source.onResult(std::move(r));
                continue;
            } else {
                why = "HTTP " + std::to_string(status) + ": " + serverMessage(t->response);
                if (status == 429) d.stat([](ClientStats& s) { s.http429++; });
                if (status >= 500) d.stat([](ClientStats& s) { s.http5xx++; });
                if (!retryableStatus(status)) {
                    r.outcome = Outcome::Exhausted;
                    r.error = epUrl + " answered " + why;
                    d.stat([](ClientStats& s) { s.failed++; });
                    source.onResult(std::move(r));
                    continue;
                }
                retryAfter = parseRetryAfterMs(t->retryAfter);
            }
            // Retryable.
            if (t->attempt >= o.maxAttempts) {
                r.outcome = Outcome::Exhausted;
                r.error = epUrl + ": " + why + " (gave up after " + std::to_string(t->attempt) + " attempts)";
                d.stat([](ClientStats& s) { s.failed++; });
                source.onResult(std::move(r));
                continue;
            }
            long delay = retryAfter >= 0 ? std::min(retryAfter, o.maxRetryAfterMs) +
                                               std::uniform_int_distribution<long>(0, 100)(d.rng)
                                         : d.backoffMs(t->attempt);
            d.stat([](ClientStats& s) { s.retries++; });
            log::debug("request ", t->request.id, " attempt ", t->attempt, " failed (", why, "); retrying in ", delay, " ms");
            source.onRetry(t->request, why, t->attempt, delay);
            d.scheduleRetry(std::move(t->request), t->attempt, delay);
        }
        if (completed > 0) source.endResults();
        if (fatal) {
            abortAll("stopped after a fatal error");
            return *fatal;
        }
        // A finished transfer freed a slot: refill at once instead of waiting in poll.
        if (completed > 0) continue;
        if (!d.active.empty() || !d.retries.empty() || held || !sourceFinished) {
            int numfds = 0;
            // Poll briefly when there is nothing to poll on, so Wait sources are asked again.
            curl_multi_poll(d.multi, nullptr, 0, static_cast<int>(std::clamp<long>(waitHint, 0, 100)), &numfds);
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

} // namespace synthembed::llm
