#include "core/prompts/rng.h"

#include <cmath>

namespace synthembed::prompts {

namespace {
inline std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// 64x64 -> high 64 bits of the 128-bit product, portable (no __int128 needed).
inline std::uint64_t mulhi(std::uint64_t a, std::uint64_t b, std::uint64_t& lo) {
    std::uint64_t aLo = a & 0xffffffffu, aHi = a >> 32, bLo = b & 0xffffffffu, bHi = b >> 32;
    std::uint64_t ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
    std::uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    lo = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}
} // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (auto& w : m_s) w = splitmix64(s);
}

Rng Rng::forStream(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t s = seed;
    std::uint64_t a = splitmix64(s);
    std::uint64_t t = index ^ 0x5851f42d4c957f2dull;
    std::uint64_t b = splitmix64(t);
    return Rng(a ^ rotl(b, 17));
}

Rng Rng::fromState(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) {
    Rng r;
    r.m_s[0] = s0;
    r.m_s[1] = s1;
    r.m_s[2] = s2;
    r.m_s[3] = s3;
    return r;
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
    if (n <= 1) return 0;
    std::uint64_t lo = 0;
    std::uint64_t hi = mulhi(next(), n, lo);
    if (lo < n) {
        const std::uint64_t threshold = (0 - n) % n; // 2^64 mod n
        while (lo < threshold) hi = mulhi(next(), n, lo);
    }
    return hi;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::uint64_t weightUnits(double weight) {
    if (!(weight > 0)) return 0; // negatives and NaN
    const double units = std::round(weight * 1e6);
    const double cap = 1099511627776.0; // 2^40: a sum of 2^20 such weights still fits 64 bits
    return units >= cap ? static_cast<std::uint64_t>(cap) : static_cast<std::uint64_t>(units);
}

std::size_t Rng::weighted(std::span<const double> weights) {
    std::uint64_t total = 0;
    for (double w : weights) total += weightUnits(w);
    if (total == 0) return weights.size();
    std::uint64_t r = below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const std::uint64_t u = weightUnits(weights[i]);
        if (r < u) return i;
        r -= u;
    }
    return weights.size() - 1; // unreachable
}

} // namespace synthembed::prompts
