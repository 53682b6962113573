#include "core/gen/text_hash.h"

#include <cstdio>

namespace synthembed::gen {

std::string normalizeText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : ch;
    }
    while (!out.empty() && (out.back() == '.' || out.back() == '!' || out.back() == '?' || out.back() == ' '))
        out.pop_back();
    return out;
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string sampleTextHash(std::string_view query, std::string_view positive, std::string_view negative) {
    std::string joined = normalizeText(query);
    joined += '\x1f';
    joined += normalizeText(positive);
    joined += '\x1f';
    joined += normalizeText(negative);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(fnv1a64(joined)),
                  static_cast<unsigned long long>(fnv1a64(joined, 0x84222325cbf29ce4ull ^ 0x9e3779b97f4a7c15ull)));
    return buf;
}

} // namespace synthembed::gen
