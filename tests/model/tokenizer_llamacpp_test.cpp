// llama.cpp's tokenizer test pairs (HF encode(text, add_special_tokens=False)) for BERT (bge) and
// Qwen2, plus the Mistral edge cases (BOS included) from mistral-tokenizer-js.

#include "core/tok/tokenizer.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

using namespace synthembed;
using nlohmann::json;

namespace {

std::vector<std::string> splitOn(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (true) {
        size_t hit = s.find(sep, pos);
        if (hit == std::string::npos) {
            out.push_back(s.substr(pos));
            return out;
        }
        out.push_back(s.substr(pos, hit - pos));
        pos = hit + sep.size();
    }
}

void checkLlamaCpp(const std::string& name, const std::filesystem::path& tokDir) {
    auto dir = test::sharedDir() / "oracles/tokenizers/llamacpp";
    auto texts = splitOn(test::readFile(dir / (name + ".inp")), "\n__ggml_vocab_test__\n");
    auto lines = splitOn(test::readFile(dir / (name + ".out")), "\n");
    ASSERT_FALSE(texts.empty());
    ASSERT_EQ(texts.back(), ""); // the file ends with a separator
    texts.pop_back();
    ASSERT_GE(lines.size(), texts.size());
    auto tok = tok::Tokenizer::load(tokDir);
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    int passed = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        std::vector<int32_t> want;
        std::istringstream in(lines[i]);
        for (int32_t id; in >> id;)
            want.push_back(id);
        auto got = (*tok)->encodeIds(texts[i], false);
        bool ok = got == want;
        passed += ok;
        EXPECT_TRUE(ok) << name << " text " << json(texts[i]).dump() << "\n got  " << json(got).dump()
                        << "\n want " << json(want).dump();
    }
    std::cout << "[llamacpp] " << name << ": " << passed << "/" << texts.size() << " texts\n";
}

} // namespace

TEST(TokenizerLlamaCpp, BertBge) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/tokenizers/llamacpp/bert-bge.out");
    checkLlamaCpp("bert-bge", test::sharedDir() / "oracles/tokenizers/bert-base-uncased");
}

TEST(TokenizerLlamaCpp, BertBgeFromVocabTxt) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/tokenizers/llamacpp/bert-bge.out");
    checkLlamaCpp("bert-bge", test::sharedDir() / "oracles/tokenizers/bert-base-uncased/vocab.txt");
}

TEST(TokenizerLlamaCpp, Qwen2) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/tokenizers/llamacpp/qwen2.out");
    checkLlamaCpp("qwen2", test::sharedDir() / "oracles/tokenizers/qwen2");
}

TEST(TokenizerMistralEdgeCases, TokenizerJsonAndModel) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/tokenizers/vectors/mistral-edge-cases.json");
    json cases = json::parse(test::readFile(p));
    for (const char* file : {"tokenizer.json", "tokenizer.model"}) {
        auto tok = tok::Tokenizer::load(test::sharedDir() / "oracles/tokenizers/mistral-7b-v0.1" / file);
        ASSERT_TRUE(tok.ok()) << tok.error().message;
        int passed = 0;
        for (const auto& c : cases) {
            auto text = c.at("text").get<std::string>();
            auto want = c.at("ids_with_bos").get<std::vector<int32_t>>();
            auto got = (*tok)->encodeIds(text, true);
            bool ok = got == want;
            passed += ok;
            EXPECT_TRUE(ok) << file << " " << json(text).dump() << "\n got  " << json(got).dump()
                            << "\n want " << json(want).dump();
            // Round trip: decoding without specials gives the text back.
            EXPECT_EQ((*tok)->decode(got, true), text) << file;
        }
        std::cout << "[mistral-edge-cases] " << file << ": " << passed << "/" << cases.size() << " texts\n";
    }
}
