#pragma once
/// Requests/min and tokens/min pacing as two token buckets, each refilled continuously and holding at
/// most one second's worth (so a burst cannot exceed the per-minute budget's share). A request whose
/// token estimate exceeds a bucket's size is let through when that bucket is full, so nothing waits
/// forever; actual usage reported later corrects the bucket (it may go negative and delay the next).

#include <chrono>
#include <cstdint>

namespace synthembed::llm {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(double requestsPerMinute, double tokensPerMinute, Clock::time_point now = Clock::now());

    /// Milliseconds until a request costing `tokens` may start (0 = now). Does not consume.
    long waitMs(std::int64_t tokens, Clock::time_point now = Clock::now());
    /// Consumes one request and `tokens`.
    void consume(std::int64_t tokens, Clock::time_point now = Clock::now());
    /// Adds the difference between actual and estimated tokens (negative gives tokens back).
    void correct(std::int64_t deltaTokens, Clock::time_point now = Clock::now());

    bool unlimited() const { return m_rpm <= 0 && m_tpm <= 0; }

private:
    struct Bucket {
        double ratePerSec = 0; // 0 = unlimited
        double capacity = 0;
        double level = 0;
    };
    void refill(Clock::time_point now);
    static long bucketWaitMs(const Bucket& b, double cost);

    double m_rpm, m_tpm;
    Bucket m_requests, m_tokens;
    Clock::time_point m_last;
};

} // namespace synthembed::llm
