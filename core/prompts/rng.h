#pragma once
/// A seeded random generator whose output is identical on every platform and standard library.
/// std:: distributions are implementation-defined (libstdc++, libc++ and MSVC give different
/// values for the same engine state), so every draw here is done with integer arithmetic only.

#include <cstddef>
#include <cstdint>
#include <span>

namespace synthembed::prompts {

/// xoshiro256** (Blackman & Vigna), state filled by splitmix64 from a 64-bit seed.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0);
    /// An independent generator for item `index` of a job seeded with `seed`: item i renders the
    /// same whatever the job size or the order items are rendered in (resumable jobs rely on it).
    static Rng forStream(std::uint64_t seed, std::uint64_t index);

    /// A generator with this exact xoshiro256** state (for tests against reference outputs).
    static Rng fromState(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3);

    std::uint64_t next();
    /// Uniform integer in [0, n) without modulo bias (Lemire's multiply-shift with rejection).
    /// n must be > 0.
    std::uint64_t below(std::uint64_t n);
    /// Uniform double in [0, 1) from the top 53 bits (exact on IEEE-754 platforms).
    double uniform();
    /// Index drawn with probability weights[i] / sum(weights). Weights are converted to integers
    /// (see weightUnits) so the draw is integer-only. Returns weights.size() when all are 0.
    std::size_t weighted(std::span<const double> weights);

private:
    std::uint64_t m_s[4];
};

/// Fixed-point units a weight counts for in weighted draws: round(weight * 1e6), clamped to
/// [0, 2^40]; negative and NaN weights count 0.
std::uint64_t weightUnits(double weight);

/// splitmix64 step, also used to mix seeds.
std::uint64_t splitmix64(std::uint64_t& state);

} // namespace synthembed::prompts
