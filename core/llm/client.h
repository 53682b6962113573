#pragma once
/// OpenAI-compatible chat-completions client over libcurl's multi interface.
///
/// One event loop on the calling thread keeps up to `concurrency` requests in flight across one or
/// more endpoints (each request goes to the endpoint with the most free capacity among those whose
/// own requests/min + tokens/min limiter lets it start now), and retries 429/5xx/timeouts/connection
/// errors/garbled bodies with exponential backoff and jitter, honouring Retry-After. What each HTTP attempt
/// means is decided by one pure function, decideAttempt(): a refusal of one prompt (400/413/422, a content
/// filter, an answer over the size cap) fails that request only; an error that concerns every request
/// (401/402/403/404, a bad URL or certificate, a missing key) stops the run with an error naming the endpoint
/// and the server's message.
///
/// Work is pulled from a RequestSource, so the caller decides what to send next (the job queue
/// persists every request before it is handed out) and sees each result as soon as it arrives.
///
///     llm::ClientOptions o;
///     o.endpoints = {{"http://127.0.0.1:8000/v1", "OPENAI_API_KEY"}};
///     o.model = "mistral-7b-instruct";
///     llm::ChatClient client(o);
///     auto st = client.run(mySource, hooks);

#include "core/util/progress.h"
#include "core/util/result.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::llm {

struct Endpoint {
    /// Base URL: ".../v1" (or a full ".../chat/completions" URL); "/v1/chat/completions" is added
    /// to a bare host URL.
    std::string baseUrl;
    /// Name of the environment variable that holds the API key; empty = no Authorization header.
    /// The key itself is read at run time and never stored.
    std::string apiKeyEnv;
    /// Most requests in flight on this endpoint; 0 = only the client's overall limit applies.
    int maxConcurrency = 0;
    /// This endpoint's own requests/min and tokens/min limits (0 = unlimited); unset = the client's
    /// requestsPerMinute / tokensPerMinute. Each endpoint is paced on its own: a slow (limited)
    /// endpoint never holds back requests another endpoint could take now.
    std::optional<double> requestsPerMinute = std::nullopt;
    std::optional<double> tokensPerMinute = std::nullopt;
};

struct ClientOptions {
    std::vector<Endpoint> endpoints;
    std::string model;
    double temperature = 1.0; ///< the method samples at 1.0/1.0 for diversity
    double topP = 1.0;
    int maxTokens = 0;        ///< 0 = omit max_tokens
    bool jsonMode = false;    ///< send response_format {"type":"json_object"}
    std::string systemPrompt; ///< empty = only the user message
    long connectTimeoutMs = 10'000;
    long totalTimeoutMs = 300'000; ///< per attempt; must be > 0
    /// An attempt that receives less than 1 byte/s for this long is cut (and retried); 0 = off.
    /// Non-streaming servers send nothing until the answer is complete, so keep it above the
    /// slowest answer's generation time.
    long stallTimeoutMs = 180'000;
    /// Largest response body kept in memory (after decompression); a bigger answer fails that
    /// request (not retried: a server streaming forever, or a compression bomb).
    std::size_t maxResponseBytes = 8u << 20;
    int concurrency = 8;
    /// Per-endpoint defaults (Endpoint::requestsPerMinute overrides): each endpoint has its own
    /// limiter. 0 = unlimited.
    double requestsPerMinute = 0;
    double tokensPerMinute = 0; ///< 0 = unlimited; estimated before sending, corrected by usage
    int maxAttempts = 6;        ///< attempts per request, first one included
    long backoffBaseMs = 500;
    long backoffMaxMs = 60'000;
    long maxRetryAfterMs = 600'000; ///< Retry-After values above this are clamped
    bool verifyTls = true;
    std::uint64_t jitterSeed = 0; ///< 0 = random
    /// How long a stop request (shouldStop/requestStop(drain)) waits for in-flight requests before
    /// aborting them.
    long drainTimeoutMs = 30'000;
};

struct Usage {
    std::int64_t promptTokens = 0;
    std::int64_t completionTokens = 0;
    Usage& operator+=(const Usage& o) {
        promptTokens += o.promptTokens;
        completionTokens += o.completionTokens;
        return *this;
    }
};

struct ChatRequest {
    std::int64_t id = 0;              ///< caller's id, returned with the result
    std::string prompt;               ///< the user message
    std::int64_t estimatedTokens = 0; ///< for the tokens/min limiter; 0 = estimate from the text
    /// Sent as the X-Client-Request-Id header (OpenAI's request tracing header) when not empty,
    /// so server logs can tell a retry of one request from a new request with the same prompt.
    std::string clientRequestId;
};

enum class Outcome {
    Ok,        ///< answered; content holds the assistant message
    Refused,   ///< this prompt cannot succeed (400/413/422, content filter, answer over the size
               ///< cap): that request fails, the others go on; never worth sending again
    Fatal,     ///< concerns every request (401/402/403/404, bad URL or certificate, missing key):
               ///< the run stops, nothing is retried
    Exhausted, ///< retryable failures on every attempt (or an unexpected 4xx)
    Aborted,   ///< stopped before an answer arrived (the request may be sent again later)
};

struct ChatResult {
    std::int64_t id = 0;
    Outcome outcome = Outcome::Aborted;
    std::string content;      ///< assistant message (Ok only)
    std::string finishReason; ///< the choice's finish_reason when the server gave one
    std::string rawBody;      ///< HTTP body of the last attempt (capped)
    Usage usage;              ///< from the response's `usage` (Ok only)
    int httpStatus = 0;       ///< of the last attempt (0 = no HTTP answer)
    int attempts = 0;
    std::string error;    ///< why it failed, naming the endpoint
    std::string endpoint; ///< base URL of the endpoint that answered
    bool ok() const { return outcome == Outcome::Ok; }
};

/// Supplies requests and takes results; always called on the thread running ChatClient::run.
class RequestSource {
  public:
    virtual ~RequestSource() = default;
    enum class Next { Request, Wait, Finished };
    /// Request: `out` filled. Wait: nothing now, ask again after a result arrives (or soon).
    /// Finished: nothing more will come; run returns once in-flight requests complete.
    virtual Next next(ChatRequest& out) = 0;
    virtual void onResult(ChatResult result) = 0;
    /// Bracket a burst of results that arrived together (onResult calls in between), so a source
    /// can store them in one transaction.
    virtual void beginResults() {}
    virtual void endResults() {}
    /// A retryable failure; the request is sent again after delayMs.
    virtual void onRetry(const ChatRequest& request, const std::string& why, int attempt, long delayMs) {}
};

struct ClientStats {
    std::int64_t sent = 0; ///< HTTP attempts started
    std::int64_t succeeded = 0;
    std::int64_t retries = 0;
    std::int64_t failed = 0;  ///< Refused, Fatal or Exhausted results
    std::int64_t refused = 0; ///< Refused results
    std::int64_t http429 = 0;
    std::int64_t http5xx = 0;
    std::int64_t transportErrors = 0; ///< timeouts, refused/dropped connections, truncated bodies
    std::int64_t malformed = 0;       ///< 2xx bodies that were not a chat completion
    Usage usage;
    double rateLimitWaitSec = 0; ///< time spent held back by the rate limiter
};

class ChatClient {
  public:
    explicit ChatClient(ClientOptions options);
    ~ChatClient();
    ChatClient(const ChatClient&) = delete;
    ChatClient& operator=(const ChatClient&) = delete;

    /// Runs until the source is Finished and nothing is in flight, or until stopped. On a fatal
    /// answer (see Outcome::Fatal) or a missing API key it takes no new work, lets the requests in
    /// flight finish (bounded by drainTimeoutMs; they may already be paid for) and returns an
    /// Error with code "llm_fatal". hooks.shouldStop (asked at least every 100 ms) and requestStop
    /// stop taking new work; in-flight requests finish (drain) or are aborted.
    Status run(RequestSource& source, const ProgressHooks& hooks = {});

    /// Thread-safe: stop taking new requests; drain = let in-flight ones finish (bounded by
    /// drainMs, or drainTimeoutMs when drainMs < 0), otherwise abort them at once (delivered as
    /// Aborted). A later call can only shorten the drain.
    void requestStop(bool drain, long drainMs = -1);

    /// Thread-safe snapshot.
    ClientStats stats() const;

    const ClientOptions& options() const { return m_options; }

    /// The URL requests for this endpoint go to (a query string such as Azure's ?api-version= is kept).
    static std::string completionsUrl(const std::string& baseUrl);
    /// Azure OpenAI endpoints (*.openai.azure.com or an api-version parameter) get "api-key: KEY"
    /// instead of "Authorization: Bearer KEY".
    static bool usesApiKeyHeader(const std::string& baseUrl);

    /// One request, synchronously (prompt studio's "try it").
    static Result<ChatResult> completeOne(const ClientOptions& options, const std::string& prompt);

  private:
    struct Impl;
    ClientOptions m_options;
    std::unique_ptr<Impl> m_impl;
};

/// Builds the JSON body of a chat-completions request (exposed for tests and the Batch export).
std::string buildRequestBody(const ClientOptions& options, const std::string& prompt);

/// Parses a chat-completions response body into content + usage; Error "llm_answer" otherwise.
Result<ChatResult> parseCompletion(const std::string& body);

/// Checks the name given as "API key variable": it must look like an environment variable name
/// (letters, digits and '_', not starting with a digit) and not like a key. The message never
/// repeats the text (it may be a pasted key). Empty is fine (no key).
Status validateApiKeyEnv(const std::string& name);

/// Everything the event loop knows about one finished HTTP attempt.
struct AttemptFacts {
    int curlCode = 0;          ///< CURLcode; 0 = the transfer completed
    std::string curlError;     ///< curl's words for curlCode
    long httpStatus = 0;       ///< 0 = no HTTP answer
    std::string body;          ///< response body (cut at the size cap)
    std::string retryAfter;    ///< raw Retry-After header value, empty when absent
    bool bodyTooLarge = false; ///< the body went over ClientOptions::maxResponseBytes
    int attempt = 1;           ///< 1-based number of this attempt
};

/// The retry policy decideAttempt applies (a subset of ClientOptions).
struct RetryPolicy {
    int maxAttempts = 6;
    long backoffBaseMs = 500;
    long backoffMaxMs = 60'000;
    long maxRetryAfterMs = 600'000;
    std::size_t maxResponseBytes = 8u << 20;
    static RetryPolicy from(const ClientOptions& o) {
        return {o.maxAttempts, o.backoffBaseMs, o.backoffMaxMs, o.maxRetryAfterMs, o.maxResponseBytes};
    }
};

/// What an attempt means and what to do next.
struct AttemptDecision {
    enum class Tally { None, Http429, Http5xx, Transport, Malformed };
    bool retry = false; ///< send again after delayMs
    long delayMs = 0;
    Outcome outcome = Outcome::Exhausted; ///< when not retried: Ok, Refused, Fatal or Exhausted
    std::string reason;                   ///< one line, without the endpoint (empty when Ok)
    Tally tally = Tally::None;            ///< which failure counter this attempt adds to
    std::string content;                  ///< Ok: the assistant message
    std::string finishReason;
    Usage usage;
};

/// The whole meaning of an HTTP attempt, as a pure function (the event loop only calls it):
/// 2xx with a chat completion -> Ok (Refused when finish_reason is "content_filter");
/// 400/413/422 or an answer over the size cap -> Refused; 401/402/403/404/405, a malformed URL,
/// an unsupported protocol or a TLS certificate error -> Fatal; 408/409/425/429/5xx, transport
/// errors and garbled 2xx bodies -> retried after Retry-After (clamped, plus up to 100 ms) or
/// exponential backoff with "equal jitter" (jitter01 in [0,1) picks the point), Exhausted once
/// maxAttempts is reached; any other status -> Exhausted at once.
AttemptDecision decideAttempt(const AttemptFacts& facts, const RetryPolicy& policy, double jitter01);

/// Parses a Retry-After header value (delta seconds, fractional allowed, or an HTTP date) into
/// milliseconds from now; -1 when absent or unparsable.
long parseRetryAfterMs(const std::string& value);

/// What "Test connection" found out about one endpoint: the models it lists (GET .../models) and
/// the fate of one tiny chat request, each failure in plain words ("Couldn't connect to server",
/// "HTTP 401: Incorrect API key provided", ...) with a hint where one helps. No key text appears in
/// any message.
struct ConnectionCheck {
    std::string modelsUrl;
    bool modelsOk = false;
    std::vector<std::string> models; ///< ids the server lists
    std::string modelsError;         ///< why listing failed; empty when modelsOk
    bool modelListed = false;        ///< the model asked for is among `models`
    std::string chatUrl;
    bool chatSent = false; ///< false: nothing was sent (no model name, key variable not set, cancelled)
    bool chatOk = false;
    int chatHttpStatus = 0; ///< of the tiny request (0 = no HTTP answer)
    std::string reply;      ///< the tiny request's answer (first 200 bytes)
    std::string chatError;  ///< why the tiny request failed; empty when chatOk
    Usage usage;            ///< what the tiny request cost
    double chatSeconds = 0; ///< how long the tiny request took
    bool ok() const { return chatOk; }
};

struct ConnectionCheckOptions {
    long connectTimeoutMs = 5'000;
    long timeoutMs = 30'000; ///< per HTTP call
    int maxTokens = 8;       ///< of the tiny request
    bool verifyTls = true;
    /// Set from another thread to give up at once (the calls end within ~0.1 s).
    const std::atomic<bool>* cancel = nullptr;
};

/// Lists the endpoint's models and sends one tiny chat request ("Reply with OK.", max_tokens
/// `maxTokens`, no retries) for `model`; the key comes from the endpoint's environment variable
/// as for a job. Blocks for up to two HTTP calls: call it off the GUI thread.
ConnectionCheck testConnection(const Endpoint& endpoint, const std::string& model,
                               const ConnectionCheckOptions& options = {});

/// The models URL of a base URL (completionsUrl with ".../chat/completions" -> ".../models").
std::string modelsUrl(const std::string& baseUrl);

} // namespace synthembed::llm
