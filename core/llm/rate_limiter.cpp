#include "core/llm/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace synthembed::llm {

RateLimiter::RateLimiter(double rpm, double tpm, Clock::time_point now) : m_rpm(rpm), m_tpm(tpm), m_last(now) {
    auto init = [](Bucket& b, double perMinute) {
        if (perMinute <= 0) return;
        b.ratePerSec = perMinute / 60.0;
        b.capacity = std::max(1.0, b.ratePerSec); // one second's worth, at least one unit
        b.level = b.capacity;
    };
    init(m_requests, rpm);
    init(m_tokens, tpm);
}

void RateLimiter::refill(Clock::time_point now) {
    double dt = std::chrono::duration<double>(now - m_last).count();
    if (dt <= 0) return;
    m_last = now;
    for (Bucket* b : {&m_requests, &m_tokens})
        if (b->ratePerSec > 0) b->level = std::min(b->capacity, b->level + dt * b->ratePerSec);
}

long RateLimiter::bucketWaitMs(const Bucket& b, double cost) {
    if (b.ratePerSec <= 0) return 0;
    // A cost above the capacity passes once the bucket is full.
    double need = std::min(cost, b.capacity);
    if (b.level >= need) return 0;
    return static_cast<long>(std::ceil((need - b.level) / b.ratePerSec * 1000.0));
}

long RateLimiter::waitMs(std::int64_t tokens, Clock::time_point now) {
    refill(now);
    return std::max(bucketWaitMs(m_requests, 1.0), bucketWaitMs(m_tokens, static_cast<double>(tokens)));
}

void RateLimiter::consume(std::int64_t tokens, Clock::time_point now) {
    refill(now);
    if (m_requests.ratePerSec > 0) m_requests.level -= 1.0;
    if (m_tokens.ratePerSec > 0) m_tokens.level -= static_cast<double>(tokens);
}

void RateLimiter::correct(std::int64_t delta, Clock::time_point now) {
    refill(now);
    if (m_tokens.ratePerSec > 0)
        m_tokens.level = std::min(m_tokens.capacity, m_tokens.level - static_cast<double>(delta));
}

} // namespace synthembed::llm
