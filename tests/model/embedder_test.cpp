// The public embedding API on the real stories260K model: tokenization + explicit EOS + left
// padding + pooling against the float64 reference, instruction prefix, input order, fingerprint.

#include "core/embed/embedder.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace synthembed;
using nlohmann::json;

namespace {

json readJson(const std::filesystem::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

double cosine(const std::vector<float>& a, const std::vector<double>& b) {
    double d = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        d += a[i] * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += b[i] * b[i];
    }
    return d / std::sqrt(na * nb);
}

} // namespace

TEST(Embedder, Stories260KMatchesReferenceEmbeddings) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_embeddings.json");
    auto e = embed::Embedder::load(dir);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_TRUE((*e)->info().decoder);
    EXPECT_EQ((*e)->info().dimension, 64);
    EXPECT_EQ((*e)->info().defaultPooling, embed::Pooling::Last);

    std::vector<std::string> texts;
    for (const auto& it : ref["items"])
        texts.push_back(it["text"]);
    embed::EmbedOptions o;
    o.batchSize = 7; // several batches of mixed lengths
    auto ids = (*e)->tokenize(texts, o);
    ASSERT_TRUE(ids.ok()) << ids.error().message;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        auto expected = ref["items"][i]["ids_with_eos"].get<std::vector<std::int32_t>>();
        EXPECT_EQ(ids->at(i), expected) << "EOS must be appended explicitly: " << texts[i];
    }
    for (auto padding : {embed::Padding::Left, embed::Padding::Right}) {
        o.padding = padding;
        o.pooling = embed::Pooling::Last;
        auto last = (*e)->embed(texts, o);
        ASSERT_TRUE(last.ok()) << last.error().message;
        o.pooling = embed::Pooling::Mean;
        auto mean = (*e)->embed(texts, o);
        ASSERT_TRUE(mean.ok()) << mean.error().message;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto& it = ref["items"][i];
            EXPECT_GE(cosine(last->at(i), it["emb_last_token_eos"].get<std::vector<double>>()), 0.99999) << i;
            EXPECT_GE(cosine(mean->at(i), it["emb_mean"].get<std::vector<double>>()), 0.99999) << i;
            double norm = 0;
            for (float v : last->at(i))
                norm += v * v;
            EXPECT_NEAR(norm, 1.0, 1e-5);
        }
    }
}

TEST(Embedder, InstructionPrefixAndNormalisation) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_embeddings.json");
    auto e = embed::Embedder::load(dir);
    ASSERT_TRUE(e.ok()) << e.error().message;
    const std::string task = "Given a question, retrieve relevant stories";
    EXPECT_EQ(embed::instructionPrefix(task), ref["instruction_prefix"].get<std::string>());
    embed::EmbedOptions withInstr;
    withInstr.instruction = task;
    auto a = (*e)->tokenize({"Lily went to the park."}, withInstr);
    auto b = (*e)->tokenize({embed::instructionPrefix(task) + "Lily went to the park."});
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->at(0), b->at(0));
    embed::EmbedOptions raw;
    raw.normalize = false;
    auto v = (*e)->embed({"Lily went to the park."}, raw);
    ASSERT_TRUE(v.ok());
    double norm = 0;
    for (float x : v->at(0))
        norm += x * x;
    EXPECT_GT(std::abs(std::sqrt(norm) - 1.0), 1e-3); // not normalised
    // Truncation keeps EOS last and respects maxLength.
    embed::EmbedOptions shortOpt;
    shortOpt.maxLength = 5;
    auto t = (*e)->tokenize({"Once upon a time, there was a little girl named Lily."}, shortOpt);
    ASSERT_TRUE(t.ok());
    ASSERT_EQ(t->at(0).size(), 5u);
    EXPECT_EQ(t->at(0).back(), 2);
    EXPECT_EQ(t->at(0).front(), 1);
}

TEST(Embedder, FingerprintTracksWeights) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto f1 = embed::modelFingerprint(dir);
    ASSERT_TRUE(f1.ok()) << f1.error().message;
    EXPECT_EQ(f1->size(), 16u);
    EXPECT_EQ(*f1, *embed::modelFingerprint(dir));
    test::TempDir tmp;
    for (const char* n : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer.model",
                          "tokenizer_config.json", "special_tokens_map.json"})
        std::filesystem::copy_file(dir / n, tmp / n);
    EXPECT_EQ(*f1, *embed::modelFingerprint(tmp.path()));
    // Flip one weight byte in the middle of the first tensor.
    std::string bytes = test::readFile(tmp / "model.safetensors");
    std::uint64_t hl = 0;
    for (int i = 7; i >= 0; --i)
        hl = (hl << 8) | static_cast<unsigned char>(bytes[i]);
    bytes[8 + hl + 100] ^= 0x01;
    test::writeFile(tmp / "model.safetensors", bytes);
    EXPECT_NE(*f1, *embed::modelFingerprint(tmp.path()));
}

TEST(Embedder, ErrorsAreValues) {
    test::TempDir tmp;
    auto e = embed::Embedder::load(tmp.path());
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("config.json"), std::string::npos) << e.error().message;
}

TEST(Embedder, HalfPrecisionPathsRunOnCpu) {
    // The half-precision code paths (CUDA's default bf16) exercised on CPU: fp32 norms and
    // softmax inside, finite masks. Tolerance for an 8-bit mantissa. fp16 has no CPU matmul.
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_embeddings.json");
    std::vector<std::string> texts;
    for (int i = 0; i < 8; ++i)
        texts.push_back(ref["items"][i]["text"]);
    auto fp16 = embed::Embedder::load(dir, {.device = "cpu", .dtype = "float16"});
    ASSERT_FALSE(fp16.ok());
    EXPECT_NE(fp16.error().message.find("float16"), std::string::npos);
    for (const char* dtype : {"bfloat16"}) {
        auto e = embed::Embedder::load(dir, {.device = "cpu", .dtype = dtype});
        ASSERT_TRUE(e.ok()) << e.error().message;
        EXPECT_EQ((*e)->info().dtype, dtype == std::string("bfloat16") ? "BFloat16" : "Half");
        embed::EmbedOptions o;
        o.batchSize = 3;
        auto v = (*e)->embed(texts, o);
        ASSERT_TRUE(v.ok()) << v.error().message;
        for (int i = 0; i < 8; ++i)
            EXPECT_GE(cosine(v->at(i), ref["items"][i]["emb_last_token_eos"].get<std::vector<double>>()),
                      0.99)
                << dtype << " " << i;
    }
}

TEST(Embedder, CudaRequestWithoutDeviceIsAnError) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto e = embed::Embedder::load(dir, {.device = "cuda"});
    if (e.ok()) GTEST_SKIP() << "this libtorch has CUDA: " << (*e)->info().device;
    EXPECT_NE(e.error().message.find("cuda"), std::string::npos) << e.error().message;
    auto bad = embed::Embedder::load(dir, {.device = "tpu"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("tpu"), std::string::npos);
}
