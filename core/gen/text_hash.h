#pragma once
/// Normalised text and its hash, the key of exact-duplicate detection (generation and curation).

#include <cstdint>
#include <string>
#include <string_view>

namespace synthembed::gen {

/// Lower-cased ASCII, Unicode left as is, runs of whitespace collapsed to one space, trimmed, and
/// trailing sentence punctuation dropped: "  Hello,\n World. " -> "hello, world".
std::string normalizeText(std::string_view text);

/// 64-bit FNV-1a of the bytes.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ull);

/// 32 hex digits (two independent 64-bit hashes) of the normalised query, positive and negative.
std::string sampleTextHash(std::string_view query, std::string_view positive, std::string_view negative);

} // namespace synthembed::gen
