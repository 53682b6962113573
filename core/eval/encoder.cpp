#include "core/eval/encoder.h"

#include <cctype>
#include <cstdio>

namespace synthembed::eval {

std::uint64_t hash64(const std::string& data, std::uint64_t seed) {
    std::uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
    for (unsigned char c : data) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    // final avalanche (splitmix64) so nearby inputs spread over all bits
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h;
}

std::string contentHash(const std::string& data) {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hash64(data, 1)),
                  static_cast<unsigned long long>(hash64(data, 0x5bd1e995)));
    return buf;
}

std::string formatQuery(const std::string& instruction, const std::string& text) {
    if (instruction.empty()) return text;
    return "Instruct: " + instruction + "\nQuery: " + text;
}

std::string HashEncoder::fingerprint() const {
    return "hash-" + std::to_string(m_dim) + "-s" + std::to_string(m_seed);
}

Matrix HashEncoder::encode(const std::vector<std::string>& texts, const ProgressHooks& hooks) {
    Matrix out(texts.size(), m_dim);
    std::vector<std::string> words;
    for (std::size_t t = 0; t < texts.size(); ++t) {
        words.clear();
        std::string cur;
        for (unsigned char c : texts[t]) {
            if (std::isalnum(c) || c >= 0x80) cur.push_back(static_cast<char>(std::tolower(c)));
            else if (!cur.empty()) {
                words.push_back(std::move(cur));
                cur.clear();
            }
        }
        if (!cur.empty()) words.push_back(std::move(cur));
        float* row = out.row(t);
        auto add = [&](const std::string& feature, float w) {
            const std::uint64_t h = hash64(feature, m_seed);
            row[h % m_dim] += (h >> 63) ? -w : w;
        };
        for (std::size_t i = 0; i < words.size(); ++i) {
            add(words[i], 1.0f);
            if (i + 1 < words.size()) add(words[i] + ' ' + words[i + 1], 0.5f);
        }
        if (t % 1024 == 0) hooks.report(static_cast<std::int64_t>(t), static_cast<std::int64_t>(texts.size()), "hashing");
    }
    normalizeRows(out);
    return out;
}

} // namespace synthembed::eval
