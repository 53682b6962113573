// stories260K's tokenizer (a real SentencePiece BPE with byte fallback, 512 pieces): the 420 texts
// of tok512_vectors.json (ids with BOS and tokens), from tokenizer.json and from tokenizer.model.

#include "core/tok/tokenizer.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <iostream>

using namespace synthembed;
using nlohmann::json;

namespace {

void checkTok512(const std::string& file) {
    auto dir = test::sharedDir() / "oracles/models/stories260K";
    json v = json::parse(test::readFile(dir / "tokenizer_tests/tok512_vectors.json"));
    auto tok = tok::Tokenizer::load(dir / file);
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    const auto& texts = v.at("texts");
    const auto& ids = v.at("ids_with_bos");
    const auto& tokens = v.at("tokens");
    ASSERT_EQ(texts.size(), ids.size());
    int idsOk = 0, tokensOk = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        auto text = texts[i].get<std::string>();
        auto e = (*tok)->encode(text);
        auto want = ids[i].get<std::vector<int32_t>>();
        bool ok = e.ids == want;
        idsOk += ok;
        EXPECT_TRUE(ok) << file << " " << json(text).dump() << "\n got  " << json(e.ids).dump() << "\n want "
                        << json(want).dump();
        auto wantTokens = tokens[i].get<std::vector<std::string>>();
        std::vector<std::string> gotTokens(e.tokens.begin() + 1, e.tokens.end()); // without BOS
        ok = gotTokens == wantTokens;
        tokensOk += ok;
        EXPECT_TRUE(ok) << file << " tokens of " << json(text).dump();
    }
    std::cout << "[tok512] " << file << ": ids " << idsOk << "/" << texts.size() << ", tokens " << tokensOk
              << "/" << texts.size() << "\n";
}

} // namespace

TEST(TokenizerSentencePiece, Stories260kTokenizerJson) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/models/stories260K/tokenizer_tests/tok512_vectors.json");
    checkTok512("tokenizer.json");
}

TEST(TokenizerSentencePiece, Stories260kTokenizerModel) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/models/stories260K/tokenizer_tests/tok512_vectors.json");
    checkTok512("tokenizer.model");
}

TEST(TokenizerSentencePiece, SpecialIdsAndEos) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/models/stories260K/tokenizer.model");
    for (const char* file : {"tokenizer.json", "tokenizer.model"}) {
        auto tok = tok::Tokenizer::load(p.parent_path() / file);
        ASSERT_TRUE(tok.ok()) << tok.error().message;
        const auto& s = (*tok)->specialTokenIds();
        EXPECT_EQ(s.bos, 1) << file;
        EXPECT_EQ(s.eos, 2) << file;
        EXPECT_EQ(s.unk, 0) << file;
        EXPECT_FALSE(s.pad.has_value()) << file;
        EXPECT_FALSE((*tok)->addsEos()) << file;
        EXPECT_EQ((*tok)->vocabSize(), 512u) << file;
        EXPECT_EQ((*tok)->numSpecialTokensToAdd(), 1u) << file;
    }
}
