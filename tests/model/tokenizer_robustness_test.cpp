// Robustness on real tokenizers: random bytes (invalid UTF-8 included) never crash and give
// consistent encodings; byte-level and SentencePiece tokenizers round-trip SciFact documents.

#include "core/tok/tokenizer.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <random>

using namespace synthembed;

namespace {

size_t countChars(const std::string& s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        // same decoding rule as the tokenizer: a valid sequence is one char, any other byte one char
        size_t len = b < 0x80                  ? 1
                     : (b >= 0xC2 && b < 0xE0) ? 2
                     : (b >= 0xE0 && b < 0xF0) ? 3
                     : (b >= 0xF0 && b < 0xF5) ? 4
                                               : 1;
        bool ok = i + len <= s.size();
        for (size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && len == 3) {
            unsigned c = ((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            ok = c >= 0x800 && (c < 0xD800 || c > 0xDFFF);
        }
        if (ok && len == 4) {
            unsigned c =
                ((b & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
            ok = c >= 0x10000 && c < 0x110000;
        }
        i += ok ? len : 1;
        ++n;
    }
    return n;
}

std::vector<std::string> scifact(size_t n) {
    std::vector<std::string> out;
    std::ifstream in(test::sharedDir() / "data/scifact/corpus.jsonl");
    for (std::string line; out.size() < n && std::getline(in, line);) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line);
        out.push_back(j.value("title", "") + " " + j.value("text", ""));
    }
    return out;
}

} // namespace

TEST(TokenizerRobustness, RandomBytes) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/tokenizers");
    std::mt19937 rng(1234);
    for (const char* name :
         {"bert-base-uncased", "mistral-7b-v0.1", "qwen2", "mistral-7b-v0.1/tokenizer.model"}) {
        auto tok = tok::Tokenizer::load(dir / name);
        ASSERT_TRUE(tok.ok()) << tok.error().message;
        for (int iter = 0; iter < 300; ++iter) {
            std::string s(rng() % 64, '\0');
            for (auto& c : s) {
                // mostly ASCII/UTF-8 lead and continuation bytes, some of everything
                unsigned r = rng() % 10;
                c = static_cast<char>(r < 5 ? 32 + rng() % 95 : r < 8 ? 0x80 + rng() % 0x80 : rng() % 256);
            }
            auto e = (*tok)->encode(s);
            ASSERT_EQ(e.ids.size(), e.tokens.size()) << name;
            ASSERT_EQ(e.ids.size(), e.offsets.size()) << name;
            ASSERT_EQ(e.ids.size(), e.typeIds.size()) << name;
            size_t nChars = countChars(s);
            for (const auto& [b, en] : e.offsets) {
                ASSERT_LE(b, en) << name;
                ASSERT_LE(en, nChars) << name;
            }
            for (int32_t id : e.ids)
                ASSERT_TRUE(id >= 0 && size_t(id) < (*tok)->vocabSize()) << name;
            (void)(*tok)->decode(e.ids, false);
        }
    }
}

TEST(TokenizerRobustness, RoundTripsSciFact) {
    SYNTHEMBED_REQUIRE_SHARED(corpus, "data/scifact/corpus.jsonl");
    auto docs = scifact(500);
    for (const char* name : {"qwen2", "mistral-7b-v0.1"}) {
        auto tok = tok::Tokenizer::load(test::sharedDir() / "oracles/tokenizers" / name);
        ASSERT_TRUE(tok.ok()) << tok.error().message;
        int ok = 0;
        for (const auto& d : docs)
            ok += (*tok)->decode((*tok)->encodeIds(d)) == d;
        EXPECT_EQ(ok, static_cast<int>(docs.size())) << name;
    }
}
