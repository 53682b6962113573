#include "core/tok/unicode.h"

#include <algorithm>

namespace synthembed::tok::ucd {
namespace {
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;
} // namespace

bool decompose(char32_t c, std::u32string& out) {
    if (c < 0xC0) return false;
    if (c >= kSBase && c < kSBase + kSCount) {
        char32_t s = c - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount) out.push_back(kTBase + s % kTCount);
        return true;
    }
    auto end = kDecomp + kDecompCount;
    auto it = std::lower_bound(kDecomp, end, c, [](const DecompEntry& e, char32_t v) { return e.cp < v; });
    if (it == end || it->cp != c) return false;
    out.append(kDecompPool + it->offset, it->length);
    return true;
}

size_t lowerOf(char32_t c, const char32_t** mapping) {
    auto end = kLower + kLowerCount;
    auto it = std::lower_bound(kLower, end, c, [](const DecompEntry& e, char32_t v) { return e.cp < v; });
    if (it == end || it->cp != c) return 0;
    *mapping = kLowerPool + it->offset;
    return it->length;
}

void appendLower(char32_t c, std::u32string& out) {
    if (c < 0x80) {
        out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return;
    }
    const char32_t* m = nullptr;
    size_t n = lowerOf(c, &m);
    if (n == 0)
        out.push_back(c);
    else
        out.append(m, n);
}

char32_t compose(char32_t a, char32_t b) {
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    auto end = kComp + kCompCount;
    auto it = std::lower_bound(kComp, end, std::make_pair(a, b),
                               [](const CompEntry& e, std::pair<char32_t, char32_t> v) {
                                   return e.first < v.first || (e.first == v.first && e.second < v.second);
                               });
    if (it == end || it->first != a || it->second != b) return 0;
    return it->composite;
}

} // namespace synthembed::tok::ucd

namespace synthembed::tok::utf8 {
namespace {
// Length of the valid UTF-8 sequence at s[i], or the length of its maximal invalid subpart as a
// negative number (Unicode's "maximal subpart" rule that Rust's from_utf8_lossy follows).
int sequence(std::string_view s, size_t i) {
    auto b = [&](size_t k) -> int { return k < s.size() ? static_cast<unsigned char>(s[k]) : -1; };
    int b0 = b(i);
    if (b0 < 0x80) return 1;
    int need = 0, lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        need = 1;
    else if (b0 == 0xE0)
        need = 2, lo = 0xA0;
    else if (b0 >= 0xE1 && b0 <= 0xEC)
        need = 2;
    else if (b0 == 0xED)
        need = 2, hi = 0x9F;
    else if (b0 >= 0xEE && b0 <= 0xEF)
        need = 2;
    else if (b0 == 0xF0)
        need = 3, lo = 0x90;
    else if (b0 >= 0xF1 && b0 <= 0xF3)
        need = 3;
    else if (b0 == 0xF4)
        need = 3, hi = 0x8F;
    else
        return -1;
    for (int k = 1; k <= need; ++k) {
        int v = b(i + k);
        if (v < lo || v > hi) return -k;
        lo = 0x80, hi = 0xBF;
    }
    return need + 1;
}
} // namespace

std::string fromBytesLossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size();) {
        int n = sequence(bytes, i);
        if (n > 0) {
            out.append(bytes.data() + i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            i += -n;
        }
    }
    return out;
}

bool valid(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size();) {
        int n = sequence(bytes, i);
        if (n < 0) return false;
        i += n;
    }
    return true;
}

} // namespace synthembed::tok::utf8
