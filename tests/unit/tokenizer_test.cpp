// Tokenizer behaviour on small tokenizers written by the test (no ../shared needed): WordPiece with
// BERT normalisation, byte-level BPE with added tokens, SentencePiece-style BPE with byte
// fallback and BOS/EOS from tokenizer_config.json, truncation, offsets, decode, errors, the CLI.

#include "core/tok/tokenizer.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace synthembed;
using nlohmann::json;
using Offsets = std::vector<std::pair<uint32_t, uint32_t>>;

namespace {

json addedToken(int id, const std::string& content, bool special = true) {
    return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", special}};
}

json bertJson() {
    json vocab = {
        {"[PAD]", 0},         {"[UNK]", 1},    {"[CLS]", 2}, {"[SEP]", 3}, {"hello", 4},  {"world", 5},
        {"##s", 6},           {",", 7},        {"!", 8},     {"un", 9},    {"##aff", 10}, {"##able", 11},
        {"\xE4\xB8\xAD", 12}, {"istanbul", 13}};
    return {
        {"version", "1.0"},
        {"added_tokens",
         {addedToken(0, "[PAD]"), addedToken(1, "[UNK]"), addedToken(2, "[CLS]"), addedToken(3, "[SEP]")}},
        {"normalizer",
         {{"type", "BertNormalizer"},
          {"clean_text", true},
          {"handle_chinese_chars", true},
          {"strip_accents", nullptr},
          {"lowercase", true}}},
        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
        {"post_processor", {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}}},
        {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
        {"model",
         {{"type", "WordPiece"},
          {"unk_token", "[UNK]"},
          {"continuing_subword_prefix", "##"},
          {"max_input_chars_per_word", 100},
          {"vocab", vocab}}}};
}

json byteLevelJson() {
    json vocab = {{"h", 0},
                  {"e", 1},
                  {"l", 2},
                  {"o", 3},
                  {"\xC4\xA0", 4},
                  {"w", 5},
                  {"r", 6},
                  {"d", 7},
                  {"he", 8},
                  {"ll", 9},
                  {"llo", 10},
                  {"hello", 11},
                  {"\xC4\xA0w", 12},
                  {"or", 13},
                  {"\xC4\xA0wor", 14},
                  {"ld", 15},
                  {"\xC4\xA0world", 16},
                  {"!", 18},
                  {"\xC3\x83", 19},
                  {"\xC2\xA9", 20}};
    json merges = {"h e", "l l",          "ll o", "he llo",        "\xC4\xA0 w",
                   "o r", "\xC4\xA0w or", "l d",  "\xC4\xA0wor ld"};
    json bl = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", true}};
    return {{"version", "1.0"},
            {"added_tokens", {addedToken(17, "<|end|>")}},
            {"normalizer", {{"type", "NFC"}}},
            {"pre_tokenizer", bl},
            {"post_processor", bl},
            {"decoder", bl},
            {"model",
             {{"type", "BPE"},
              {"unk_token", nullptr},
              {"fuse_unk", false},
              {"byte_fallback", false},
              {"vocab", vocab},
              {"merges", merges}}}};
}

json sentencePieceJson() {
    json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        vocab[name] = 3 + b;
    }
    vocab["\xE2\x96\x81"] = 259;
    vocab["h"] = 260;
    vocab["i"] = 261;
    vocab["\xE2\x96\x81h"] = 262;
    vocab["\xE2\x96\x81hi"] = 263;
    json merges = {"\xE2\x96\x81 h", "\xE2\x96\x81h i"};
    return {{"version", "1.0"},
            {"added_tokens", {addedToken(0, "<unk>"), addedToken(1, "<s>"), addedToken(2, "</s>")}},
            {"normalizer",
             {{"type", "Sequence"},
              {"normalizers",
               {{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
                {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xE2\x96\x81"}}}}}},
            {"pre_tokenizer", nullptr},
            {"post_processor",
             {{"type", "TemplateProcessing"},
              {"single",
               {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
              {"pair",
               {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}}},
              {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
            {"decoder",
             {{"type", "Sequence"},
              {"decoders",
               {{{"type", "Replace"}, {"pattern", {{"String", "\xE2\x96\x81"}}}, {"content", " "}},
                {{"type", "ByteFallback"}},
                {{"type", "Fuse"}},
                {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
            {"model",
             {{"type", "BPE"},
              {"unk_token", "<unk>"},
              {"fuse_unk", true},
              {"byte_fallback", true},
              {"vocab", vocab},
              {"merges", merges}}}};
}

std::unique_ptr<tok::Tokenizer> loadJson(const json& j, const std::string& config = {}) {
    auto r = tok::Tokenizer::fromJson(j.dump(), config);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).take() : nullptr;
}

} // namespace

TEST(Tokenizer, WordPieceWithBertNormalisation) {
    auto t = loadJson(bertJson());
    ASSERT_TRUE(t);
    // H-acute-llo: accents stripped, lowercased; Chinese char isolated; x unknown.
    const std::string text = "H\xC3\xA9llo, Worlds! unaffable \xE4\xB8\xADx";
    tok::EncodeOptions plain;
    plain.addSpecialTokens = false;
    auto e = t->encode(text, plain);
    EXPECT_EQ(e.ids, (std::vector<int32_t>{4, 7, 5, 6, 8, 9, 10, 11, 12, 1}));
    EXPECT_EQ(e.tokens, (std::vector<std::string>{"hello", ",", "world", "##s", "!", "un", "##aff", "##able",
                                                  "\xE4\xB8\xAD", "[UNK]"}));
    EXPECT_EQ(
        e.offsets,
        (Offsets{
            {0, 5}, {5, 6}, {7, 12}, {12, 13}, {13, 14}, {15, 17}, {17, 20}, {20, 24}, {25, 26}, {26, 27}}));
    auto s = t->encode(text);
    EXPECT_EQ(s.ids.front(), 2);
    EXPECT_EQ(s.ids.back(), 3);
    EXPECT_EQ(s.offsets.front(), (std::pair<uint32_t, uint32_t>{0, 0}));
    EXPECT_EQ(s.specialTokensMask.front(), 1);
    EXPECT_EQ(t->decode(s.ids), "hello, worlds! unaffable \xE4\xB8\xAD");
    EXPECT_EQ(t->decode(s.ids, false), "[CLS] hello, worlds! unaffable \xE4\xB8\xAD [UNK] [SEP]");
    // Dotted capital I lowercases after its accent is stripped.
    EXPECT_EQ(t->encodeIds("\xC4\xB0stanbul", false), (std::vector<int32_t>{13}));
    // Control characters vanish, tabs and newlines split.
    EXPECT_EQ(t->encodeIds("hello\x01\tworld\n", false), (std::vector<int32_t>{4, 5}));
    // Unassigned code points are not control characters: they stay (and become [UNK]); format chars go.
    EXPECT_EQ(t->encodeIds("\xCD\xB8 hello", false), (std::vector<int32_t>{1, 4}));
    EXPECT_EQ(t->encodeIds("hel\xE2\x80\x8Dlo", false), (std::vector<int32_t>{4}));
    // Special tokens in the text are recognised.
    EXPECT_EQ(t->encodeIds("hello[SEP]world", false), (std::vector<int32_t>{4, 3, 5}));
    const auto& sp = t->specialTokenIds();
    EXPECT_EQ(sp.cls, 2);
    EXPECT_EQ(sp.sep, 3);
    EXPECT_EQ(sp.unk, 1);
    EXPECT_EQ(t->modelKind(), tok::ModelKind::WordPiece);
    EXPECT_EQ(t->vocabSize(), 14u);
    EXPECT_TRUE(t->isSpecial(2));
    EXPECT_FALSE(t->isSpecial(4));
}

TEST(Tokenizer, NormalizedAddedTokensMatchAfterNormalisation) {
    json j = bertJson();
    json mask = addedToken(14, "<Mask>", false);
    mask["normalized"] = true;
    j["added_tokens"].push_back(mask);
    auto t = loadJson(j);
    ASSERT_TRUE(t);
    tok::EncodeOptions plain;
    plain.addSpecialTokens = false;
    auto e = t->encode("Hello <MASK> worlds", plain);
    EXPECT_EQ(e.ids, (std::vector<int32_t>{4, 14, 5, 6}));
    EXPECT_EQ(e.offsets, (Offsets{{0, 5}, {6, 12}, {13, 18}, {18, 19}}));
    EXPECT_EQ(e.tokens[1], "<Mask>");
    EXPECT_EQ(t->decode(e.ids), "hello <Mask> worlds"); // not special: kept by decode
}

TEST(Tokenizer, PairsAndTruncation) {
    auto t = loadJson(bertJson());
    ASSERT_TRUE(t);
    auto p = t->encodePair("hello world", "worlds");
    EXPECT_EQ(p.ids, (std::vector<int32_t>{2, 4, 5, 3, 5, 6, 3}));
    EXPECT_EQ(p.typeIds, (std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1}));
    tok::EncodeOptions o;
    o.maxLength = 6; // 3 left for the texts: longest_first gives 1 + 2
    EXPECT_EQ(t->encodePair("hello world", "worlds", o).ids, (std::vector<int32_t>{2, 4, 3, 5, 6, 3}));
    o.maxLength = 4;
    EXPECT_EQ(t->encode("hello world worlds", o).ids, (std::vector<int32_t>{2, 4, 5, 3}));
    o.truncationSide = tok::TruncationSide::Left;
    EXPECT_EQ(t->encode("hello world worlds", o).ids, (std::vector<int32_t>{2, 5, 6, 3}));
    EXPECT_EQ(t->numSpecialTokensToAdd(false), 2u);
    EXPECT_EQ(t->numSpecialTokensToAdd(true), 3u);
}

TEST(Tokenizer, ByteLevelBpeWithAddedTokens) {
    auto t = loadJson(byteLevelJson());
    ASSERT_TRUE(t);
    auto e = t->encode("hello world!<|end|>");
    EXPECT_EQ(e.ids, (std::vector<int32_t>{11, 16, 18, 17}));
    EXPECT_EQ(e.tokens, (std::vector<std::string>{"hello", "\xC4\xA0world", "!", "<|end|>"}));
    EXPECT_EQ(e.offsets, (Offsets{{0, 5}, {5, 11}, {11, 12}, {12, 19}}));
    EXPECT_EQ(t->decode(e.ids), "hello world!");
    EXPECT_EQ(t->decode(e.ids, false), "hello world!<|end|>");
    // e-acute is two bytes: both byte tokens point at the one character.
    auto b = t->encode("\xC3\xA9");
    EXPECT_EQ(b.ids, (std::vector<int32_t>{19, 20}));
    EXPECT_EQ(b.offsets, (Offsets{{0, 1}, {0, 1}}));
    EXPECT_EQ(t->decode(b.ids), "\xC3\xA9");
    EXPECT_EQ(t->decode(std::vector<int32_t>{19}), "\xEF\xBF\xBD"); // a lone lead byte decodes to U+FFFD
    // NFC: e + combining acute is composed before the byte mapping.
    EXPECT_EQ(t->encodeIds("e\xCC\x81"), (std::vector<int32_t>{19, 20}));
    EXPECT_EQ(t->modelKind(), tok::ModelKind::ByteLevelBpe);
    // Batches on two threads equal one at a time.
    std::vector<std::string> texts(200, "hello world! hello");
    texts[7] = "world<|end|>hello";
    auto batch = t->encodeBatch(texts, {}, 2);
    for (size_t i = 0; i < texts.size(); ++i)
        EXPECT_EQ(batch[i].ids, t->encode(texts[i]).ids);
}

TEST(Tokenizer, SentencePieceBpeWithByteFallbackAndEos) {
    auto t = loadJson(sentencePieceJson());
    ASSERT_TRUE(t);
    tok::EncodeOptions plain;
    plain.addSpecialTokens = false;
    auto e = t->encode("hi \xC3\xA9", plain);
    EXPECT_EQ(e.ids, (std::vector<int32_t>{263, 259, 3 + 0xC3, 3 + 0xA9}));
    EXPECT_EQ(e.tokens, (std::vector<std::string>{"\xE2\x96\x81hi", "\xE2\x96\x81", "<0xC3>", "<0xA9>"}));
    EXPECT_EQ(e.offsets, (Offsets{{0, 2}, {2, 3}, {3, 4}, {3, 4}}));
    EXPECT_EQ(t->encodeIds("hi"), (std::vector<int32_t>{1, 263}));
    EXPECT_EQ(t->decode(t->encodeIds("hi \xC3\xA9")), "hi \xC3\xA9");
    EXPECT_EQ(t->specialTokenIds().bos, 1);
    EXPECT_FALSE(t->addsEos());
    // tokenizer_config.json's add_eos_token rebuilds the template (as transformers' Llama tokenizer).
    auto withEos =
        loadJson(sentencePieceJson(), R"({"add_bos_token": true, "add_eos_token": true, "bos_token": "<s>",
                                                     "eos_token": {"content": "</s>"}, "model_max_length": 2048})");
    ASSERT_TRUE(withEos);
    EXPECT_EQ(withEos->encodeIds("hi"), (std::vector<int32_t>{1, 263, 2}));
    EXPECT_TRUE(withEos->addsEos());
    EXPECT_EQ(withEos->specialTokenIds().eos, 2);
    EXPECT_EQ(withEos->modelMaxLength(), 2048u);
    auto pair = withEos->encodePair("hi", "hi");
    EXPECT_EQ(pair.ids, (std::vector<int32_t>{1, 263, 2, 1, 263, 2}));
    EXPECT_EQ(pair.typeIds, (std::vector<int32_t>{0, 0, 0, 1, 1, 1}));
}

TEST(Tokenizer, MetaspacePreTokenizerPrependsOnlyFirst) {
    // The non-legacy Llama layout: no normalizer, Metaspace(prepend_scheme=first) and its decoder.
    json j = sentencePieceJson();
    j["normalizer"] = nullptr;
    j["pre_tokenizer"] = {{"type", "Metaspace"},
                          {"replacement", "\xE2\x96\x81"},
                          {"prepend_scheme", "first"},
                          {"split", false}};
    j["decoder"] = {{"type", "Metaspace"},
                    {"replacement", "\xE2\x96\x81"},
                    {"prepend_scheme", "first"},
                    {"split", false}};
    auto t = loadJson(j);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->encodeIds("hi \xC3\xA9", false), (std::vector<int32_t>{263, 259, 3 + 0xC3, 3 + 0xA9}));
    EXPECT_EQ(t->encodeIds("<s>hi", false),
              (std::vector<int32_t>{1, 260, 261})); // not at the start: no prefix
    EXPECT_EQ(t->decode(t->encodeIds("hi hi", false)), "hi hi");
}

TEST(Tokenizer, RegexSplittersOfGpt2Llama3AndQwen2) {
    // Same vocabulary and merges, three digit rules: GPT-2 keeps digit runs whole, Llama-3 splits
    // them in threes, Qwen2 one by one. The merge "3 4" ranks first, so the split decides.
    json base = byteLevelJson();
    for (auto [tokn, id] : std::vector<std::pair<std::string, int>>{
             {"1", 30}, {"2", 31}, {"3", 32}, {"4", 33}, {"12", 34}, {"34", 35}, {"123", 36}})
        base["model"]["vocab"][tokn] = id;
    base["model"]["merges"] = {"3 4", "1 2", "12 3"};
    auto withPattern = [&](const std::string& re) {
        json j = base;
        j["pre_tokenizer"] = {
            {"type", "Sequence"},
            {"pretokenizers",
             {{{"type", "Split"}, {"pattern", {{"Regex", re}}}, {"behavior", "Isolated"}, {"invert", false}},
              {{"type", "ByteLevel"},
               {"add_prefix_space", false},
               {"trim_offsets", false},
               {"use_regex", false}}}}};
        return loadJson(j);
    };
    const std::string tail = R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
    auto llama3 = withPattern(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3})" + tail);
    auto qwen2 = withPattern(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N})" + tail);
    auto gpt2 = loadJson(base);
    ASSERT_TRUE(llama3 && qwen2 && gpt2);
    EXPECT_EQ(gpt2->encodeIds("1234"), (std::vector<int32_t>{34, 35}));
    EXPECT_EQ(llama3->encodeIds("1234"), (std::vector<int32_t>{36, 33}));
    EXPECT_EQ(qwen2->encodeIds("1234"), (std::vector<int32_t>{30, 31, 32, 33}));
}

TEST(Tokenizer, LoadsFoldersAndVocabTxt) {
    test::TempDir dir;
    std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n";
    test::writeFile(dir / "vocab.txt", vocab);
    test::writeFile(dir / "tokenizer_config.json", R"({"do_lower_case": true, "model_max_length": 512})");
    auto t = tok::Tokenizer::load(dir.path());
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ((*t)->encodeIds("Hello worlds"), (std::vector<int32_t>{2, 5, 6, 7, 3}));
    EXPECT_EQ((*t)->specialTokenIds().pad, 0);
    EXPECT_EQ((*t)->specialTokenIds().mask, 4);
    EXPECT_EQ((*t)->modelMaxLength(), 512u);
    // tokenizer.json wins over vocab.txt in the same folder.
    test::writeFile(dir / "tokenizer.json", bertJson().dump());
    auto j = tok::Tokenizer::load(dir.path());
    ASSERT_TRUE(j.ok()) << j.error().message;
    EXPECT_EQ((*j)->encodeIds("hello"), (std::vector<int32_t>{2, 4, 3}));
}

TEST(Tokenizer, ErrorsNameTheFile) {
    test::TempDir dir;
    auto missing = tok::Tokenizer::load(dir / "nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
    auto empty = tok::Tokenizer::load(dir.path());
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().message.find("tokenizer.json"), std::string::npos);

    test::writeFile(dir / "tokenizer.json", "{\"model\": ");
    auto bad = tok::Tokenizer::load(dir.path());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("tokenizer.json"), std::string::npos) << bad.error().message;

    json unigram = bertJson();
    unigram["model"] = {{"type", "Unigram"}, {"vocab", json::array()}};
    test::writeFile(dir / "tokenizer.json", unigram.dump());
    auto u = tok::Tokenizer::load(dir / "tokenizer.json");
    ASSERT_FALSE(u.ok());
    EXPECT_NE(u.error().message.find("Unigram"), std::string::npos) << u.error().message;

    json badMerge = byteLevelJson();
    badMerge["model"]["merges"].push_back("x y");
    auto m = tok::Tokenizer::fromJson(badMerge.dump());
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("'x' 'y'"), std::string::npos) << m.error().message;

    json badRegex = byteLevelJson();
    badRegex["pre_tokenizer"] = {
        {"type", "Split"}, {"pattern", {{"Regex", "[a-z]+"}}}, {"behavior", "Isolated"}, {"invert", false}};
    auto r = tok::Tokenizer::fromJson(badRegex.dump());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("[a-z]+"), std::string::npos) << r.error().message;

    // A truncated / garbage SentencePiece model is an error, never a crash.
    test::writeFile(dir / "tokenizer.model", std::string("\x0a\xff\xff\xff\x0f garbage", 14));
    auto sp = tok::Tokenizer::load(dir / "tokenizer.model");
    ASSERT_FALSE(sp.ok());
    EXPECT_NE(sp.error().message.find("tokenizer.model"), std::string::npos) << sp.error().message;
}

// Memory follows the vocabulary's entries (and so the file's size), never its largest id: the old
// reverse table allocated maxId + 1 slots (16 GB for 2e9) and overflowed at INT32_MAX.
TEST(Tokenizer, SparseVocabularyIdsCostNoMoreThanTheirEntries) {
    for (std::int64_t big : {std::int64_t{2147483647}, std::int64_t{2000000000}}) {
        json j = bertJson();
        j["model"]["vocab"]["far"] = big;
        auto t = loadJson(j);
        ASSERT_TRUE(t) << big;
        EXPECT_EQ(t->idToToken(static_cast<int32_t>(big)), "far");
        EXPECT_EQ(t->idToToken(4), "hello");
        EXPECT_EQ(t->idToToken(14), "");
        EXPECT_EQ(t->encodeIds("far hello", false), (std::vector<int32_t>{static_cast<int32_t>(big), 4}));
    }
    // Ids that do not fit (negative, past INT32_MAX, not integers) are errors naming the token.
    for (json bad : {json(-1), json(std::uint64_t{4294967296}), json(1.5), json("7")}) {
        json j = bertJson();
        j["model"]["vocab"]["oops"] = bad;
        auto r = tok::Tokenizer::fromJson(j.dump());
        ASSERT_FALSE(r.ok()) << bad.dump();
        EXPECT_NE(r.error().message.find("'oops'"), std::string::npos) << r.error().message;
    }
}

TEST(Tokenizer, CliTokenize) {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "model");
    test::writeFile(dir / "model" / "tokenizer.json", bertJson().dump());
    test::writeFile(dir / "in.jsonl", "{\"text\": \"Hello worlds\"}\n\n{\"text\": \"hello, world\"}\n");
    auto r = test::runCli({"tokenize", "--model", (dir / "model").string(), "--input",
                           (dir / "in.jsonl").string(), "--output", (dir / "out.jsonl").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto out = test::readFile(dir / "out.jsonl");
    auto nl = out.find('\n');
    ASSERT_NE(nl, std::string::npos);
    auto first = json::parse(out.substr(0, nl));
    EXPECT_EQ(first["ids"], json({2, 4, 5, 6, 3}));
    EXPECT_EQ(first["tokens"], json({"[CLS]", "hello", "world", "##s", "[SEP]"}));
    auto second = json::parse(out.substr(nl + 1, out.find('\n', nl + 1) - nl - 1));
    EXPECT_EQ(second["ids"], json({2, 4, 7, 5, 3}));

    auto plain = test::runCli({"tokenize", "--model", (dir / "model").string(), "--no-special", "--input",
                               (dir / "in.jsonl").string()});
    ASSERT_EQ(plain.exitCode, 0) << plain.err;
    EXPECT_EQ(json::parse(plain.out.substr(0, plain.out.find('\n')))["ids"], json({4, 5, 6}));

    test::writeFile(dir / "bad.jsonl", "{\"text\": \"ok\"}\n{\"txt\": 1}\n");
    auto bad = test::runCli({"tokenize", "--model", (dir / "model").string(), "--input",
                             (dir / "bad.jsonl").string(), "--output", (dir / "bad.out").string()});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.out"));
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.out.tmp"));

    auto noModel = test::runCli({"tokenize", "--model", (dir / "nothing").string()});
    EXPECT_NE(noModel.exitCode, 0);
    EXPECT_NE(noModel.err.find("nothing"), std::string::npos) << noModel.err;
}
