// Exactness against Hugging Face tokenizers: every field of ../shared/oracles/tokenizers/vectors/
// *.vectors.json (ids with and without specials, tokens, offsets, type ids, decode, pairs,
// truncation), for tokenizers loaded from tokenizer.json and, for Mistral, from tokenizer.model.

#include "core/tok/tokenizer.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

using namespace synthembed;
using nlohmann::json;

namespace {

struct Tally {
    std::map<std::string, std::pair<int, int>> fields; // name -> (passed, total)
    void add(const std::string& f, bool ok) {
        auto& p = fields[f];
        p.second++;
        if (ok) p.first++;
    }
    void print(const std::string& name) const {
        std::cout << "[vectors] " << name << ":";
        for (const auto& [f, p] : fields)
            std::cout << " " << f << " " << p.first << "/" << p.second;
        std::cout << "\n";
    }
};

std::string show(const std::vector<int32_t>& v) {
    return json(v).dump();
}

void checkFile(const std::filesystem::path& vectors, const std::filesystem::path& tokPath,
               const std::string& label, bool checkTokens = true) {
    auto tok = tok::Tokenizer::load(tokPath);
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    const auto& t = **tok;
    json v = json::parse(test::readFile(vectors));
    Tally tally;
    for (const auto& c : v.at("cases")) {
        std::string text = c.at("text").get<std::string>();
        tok::EncodeOptions plain;
        plain.addSpecialTokens = false;
        auto e = t.encode(text, plain);
        auto want = c.at("ids_no_special").get<std::vector<int32_t>>();
        bool ok = e.ids == want;
        tally.add("ids_no_special", ok);
        EXPECT_TRUE(ok) << label << " text " << json(text).dump() << "\n got  " << show(e.ids) << "\n want "
                        << show(want);
        if (checkTokens) {
            auto wt = c.at("tokens_no_special").get<std::vector<std::string>>();
            ok = e.tokens == wt;
            tally.add("tokens_no_special", ok);
            EXPECT_TRUE(ok) << label << " tokens of " << json(text).dump() << "\n got  "
                            << json(e.tokens).dump() << "\n want " << json(wt).dump();
        }
        json offs = json::array();
        for (auto& o : e.offsets)
            offs.push_back({o.first, o.second});
        ok = offs == c.at("offsets_no_special");
        tally.add("offsets_no_special", ok);
        EXPECT_TRUE(ok) << label << " offsets of " << json(text).dump() << "\n got  " << offs.dump()
                        << "\n want " << c["offsets_no_special"].dump();
        auto es = t.encode(text);
        ok = es.ids == c.at("ids_with_special").get<std::vector<int32_t>>();
        tally.add("ids_with_special", ok);
        EXPECT_TRUE(ok) << label << " with specials " << json(text).dump() << "\n got  " << show(es.ids)
                        << "\n want " << c["ids_with_special"].dump();
        ok = es.typeIds == c.at("type_ids_with_special").get<std::vector<int32_t>>();
        tally.add("type_ids_with_special", ok);
        EXPECT_TRUE(ok) << label << " type ids " << json(text).dump();
        auto dec = t.decode(es.ids, true);
        ok = dec == c.at("decode_skip_special").get<std::string>();
        tally.add("decode_skip_special", ok);
        EXPECT_TRUE(ok) << label << " decode of " << json(text).dump() << "\n got  " << json(dec).dump()
                        << "\n want " << c["decode_skip_special"].dump();
    }
    for (const auto& p : v.value("pair_cases", json::array())) {
        auto e = t.encodePair(p.at("a").get<std::string>(), p.at("b").get<std::string>());
        bool ok = e.ids == p.at("ids").get<std::vector<int32_t>>() &&
                  e.typeIds == p.at("type_ids").get<std::vector<int32_t>>() &&
                  std::vector<int32_t>(e.ids.size(), 1) == p.at("attention_mask").get<std::vector<int32_t>>();
        tally.add("pairs", ok);
        EXPECT_TRUE(ok) << label << " pair " << p.dump() << "\n got " << show(e.ids) << " "
                        << show(e.typeIds);
    }
    if (v.contains("truncation_16_with_special")) {
        const auto& tr = v["truncation_16_with_special"];
        tok::EncodeOptions o;
        o.maxLength = 16;
        auto e = t.encode(tr.at("text").get<std::string>(), o);
        bool ok = e.ids == tr.at("ids").get<std::vector<int32_t>>();
        tally.add("truncation_16", ok);
        EXPECT_TRUE(ok) << label << " truncation\n got  " << show(e.ids) << "\n want " << tr["ids"].dump();
    }
    tally.print(label);
}

} // namespace

TEST(TokenizerHfVectors, BertBaseUncasedTokenizerJson) {
    SYNTHEMBED_REQUIRE_SHARED(vec, "oracles/tokenizers/vectors/bert-base-uncased.vectors.json");
    checkFile(vec, test::sharedDir() / "oracles/tokenizers/bert-base-uncased/tokenizer.json",
              "bert-base-uncased (tokenizer.json)");
}

TEST(TokenizerHfVectors, BertBaseUncasedVocabTxt) {
    SYNTHEMBED_REQUIRE_SHARED(vec, "oracles/tokenizers/vectors/bert-base-uncased.vectors.json");
    checkFile(vec, test::sharedDir() / "oracles/tokenizers/bert-base-uncased/vocab.txt",
              "bert-base-uncased (vocab.txt)");
}

TEST(TokenizerHfVectors, MistralTokenizerJson) {
    SYNTHEMBED_REQUIRE_SHARED(vec, "oracles/tokenizers/vectors/mistral-7b-v0.1.vectors.json");
    checkFile(vec, test::sharedDir() / "oracles/tokenizers/mistral-7b-v0.1/tokenizer.json",
              "mistral-7b-v0.1 (tokenizer.json)");
}

TEST(TokenizerHfVectors, MistralTokenizerModel) {
    SYNTHEMBED_REQUIRE_SHARED(vec, "oracles/tokenizers/vectors/mistral-7b-v0.1.vectors.json");
    checkFile(vec, test::sharedDir() / "oracles/tokenizers/mistral-7b-v0.1/tokenizer.model",
              "mistral-7b-v0.1 (tokenizer.model)");
}

TEST(TokenizerHfVectors, Qwen2TokenizerJson) {
    SYNTHEMBED_REQUIRE_SHARED(vec, "oracles/tokenizers/vectors/qwen2.vectors.json");
    checkFile(vec, test::sharedDir() / "oracles/tokenizers/qwen2/tokenizer.json", "qwen2 (tokenizer.json)");
}
