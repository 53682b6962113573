// safetensors reader/writer: round trips, sharded folders, and every kind of corrupt file
// (each must give an error naming the file and the tensor, never a crash).

#include "core/model/safetensors.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>

using namespace synthembed;
using namespace synthembed::model;
using synthembed::test::TempDir;

namespace {

std::string readAll(const std::filesystem::path& p) {
    return test::readFile(p);
}

/// Writes a raw safetensors file from a header JSON string and a data section.
void writeRaw(const std::filesystem::path& p, const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    out += header + data;
    test::writeFile(p, out);
}

Error openError(const std::filesystem::path& p) {
    auto c = Checkpoint::open(p);
    EXPECT_FALSE(c.ok()) << p;
    return c.ok() ? Error{} : c.error();
}

} // namespace

TEST(Safetensors, RoundTripF32AndMetadata) {
    TempDir dir;
    std::vector<float> a{1, 2, 3, 4, 5, 6}, b{-1.5f};
    auto st = writeSafetensors(dir / "m.safetensors",
                               {f32Tensor("layer.a", {2, 3}, a), f32Tensor("b", {1}, b)}, {{"format", "pt"}});
    ASSERT_TRUE(st.ok()) << st.error().message;
    // No temporary left behind.
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path()))
        files += e.is_regular_file();
    EXPECT_EQ(files, 1);
    // Header is padded to a multiple of 8 so the data section stays aligned.
    std::string raw = readAll(dir / "m.safetensors");
    std::uint64_t hl = 0;
    std::memcpy(&hl, raw.data(), 8);
    EXPECT_EQ(hl % 8, 0u);

    auto c = Checkpoint::open(dir / "m.safetensors");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->tensors().size(), 2u);
    EXPECT_EQ(c->metadata().at("format"), "pt");
    const TensorView* t = c->find("layer.a");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->dtype, DType::F32);
    EXPECT_EQ(t->shapeString(), "[2, 3]");
    ASSERT_EQ(t->nbytes, 24u);
    float back[6];
    std::memcpy(back, t->data, 24);
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(back[i], a[i]);
    EXPECT_EQ(c->find("missing"), nullptr);
}

TEST(Safetensors, HalfTypesKeepTheirBytes) {
    TempDir dir;
    // 1.0 in F16 is 0x3C00, in BF16 0x3F80 (little endian).
    std::vector<std::uint16_t> f16{0x3C00, 0xC000}, bf16{0x3F80};
    auto st =
        writeSafetensors(dir / "h.safetensors", {{"h", DType::F16, {2}, std::as_bytes(std::span(f16))},
                                                 {"b", DType::BF16, {1, 1}, std::as_bytes(std::span(bf16))}});
    ASSERT_TRUE(st.ok()) << st.error().message;
    auto c = Checkpoint::open(dir / "h.safetensors");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->find("h")->dtype, DType::F16);
    EXPECT_EQ(c->find("b")->dtype, DType::BF16);
    std::uint16_t v;
    std::memcpy(&v, c->find("h")->data + 2, 2);
    EXPECT_EQ(v, 0xC000);
}

TEST(Safetensors, WriterRejectsWrongByteCountAndDuplicates) {
    TempDir dir;
    std::vector<float> a{1, 2, 3};
    auto st = writeSafetensors(dir / "x.safetensors", {f32Tensor("w", {2, 2}, a)});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("'w'"), std::string::npos) << st.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.safetensors"));
    st = writeSafetensors(dir / "x.safetensors", {f32Tensor("w", {3}, a), f32Tensor("w", {3}, a)});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("twice"), std::string::npos);
}

TEST(Safetensors, TruncatedFileNamesFileAndTensor) {
    TempDir dir;
    std::vector<float> a(100, 1.0f), b(50, 2.0f);
    ASSERT_TRUE(writeSafetensors(dir / "t.safetensors",
                                 {f32Tensor("first", {100}, a), f32Tensor("second.weight", {50}, b)})
                    .ok());
    std::string raw = readAll(dir / "t.safetensors");
    // Cut inside the last tensor.
    test::writeFile(dir / "cut.safetensors", raw.substr(0, raw.size() - 10));
    auto e = openError(dir / "cut.safetensors");
    EXPECT_NE(e.message.find("cut.safetensors"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("second.weight"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("truncated"), std::string::npos) << e.message;
    // Cut inside the header.
    test::writeFile(dir / "cut2.safetensors", raw.substr(0, 20));
    e = openError(dir / "cut2.safetensors");
    EXPECT_NE(e.message.find("truncated"), std::string::npos) << e.message;
    // Shorter than the length prefix; empty file.
    test::writeFile(dir / "cut3.safetensors", raw.substr(0, 5));
    EXPECT_NE(openError(dir / "cut3.safetensors").message.find("truncated"), std::string::npos);
    test::writeFile(dir / "empty.safetensors", "");
    EXPECT_NE(openError(dir / "empty.safetensors").message.find("empty.safetensors"), std::string::npos);
}

TEST(Safetensors, CorruptHeadersAreErrors) {
    TempDir dir;
    std::string data(16, '\0');
    struct Case {
        const char* header;
        const char* expect;
    } cases[] = {
        {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", "JSON"}, // unterminated
        {R"([1,2,3])", "object"},
        {R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", "'w'"},   // unknown dtype
        {R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "'w'"},  // shape/bytes mismatch
        {R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", "'w'"}, // beyond data
        {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", "'w'"},  // reversed
        {R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", "'w'"}, // negative size
        {R"({"w":{"dtype":"F32","shape":[2]}})", "'w'"},                       // no offsets
        {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
         "overlaps"},
        {R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", "'w'"}, // overflow
    };
    int i = 0;
    for (const auto& c : cases) {
        auto p = dir / ("bad" + std::to_string(i++) + ".safetensors");
        writeRaw(p, c.header, data);
        auto e = openError(p);
        EXPECT_NE(e.message.find(c.expect), std::string::npos) << c.header << " -> " << e.message;
        EXPECT_NE(e.message.find(p.filename().string()), std::string::npos) << e.message;
        EXPECT_EQ(e.code, "model");
    }
    // Absurd header length.
    std::string raw(8, '\xff');
    test::writeFile(dir / "huge.safetensors", raw + "{}");
    EXPECT_NE(openError(dir / "huge.safetensors").message.find("header length"), std::string::npos);
    // Random bytes never crash.
    std::string junk;
    std::uint32_t s = 12345;
    for (int k = 0; k < 4096; ++k)
        junk.push_back(static_cast<char>((s = s * 1664525u + 1013904223u) >> 24));
    for (int k = 0; k < 64; ++k) {
        std::string f = junk.substr(0, 8 + k * 61);
        std::uint64_t len = (k * 37) % 200;
        for (int b = 0; b < 8; ++b)
            f[b] = static_cast<char>((len >> (8 * b)) & 0xff);
        test::writeFile(dir / "junk.safetensors", f);
        (void)Checkpoint::open(dir / "junk.safetensors");
    }
}

TEST(Safetensors, ShardedFolderWithIndex) {
    TempDir dir;
    std::vector<float> a{1, 2}, b{3, 4, 5};
    ASSERT_TRUE(writeSafetensors(dir / "model-00001-of-00002.safetensors", {f32Tensor("a", {2}, a)}).ok());
    ASSERT_TRUE(writeSafetensors(dir / "model-00002-of-00002.safetensors", {f32Tensor("b", {3}, b)}).ok());
    nlohmann::json idx = {
        {"metadata", {{"total_size", 20}}},
        {"weight_map",
         {{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}}}};
    test::writeFile(dir / "model.safetensors.index.json", idx.dump());
    auto c = Checkpoint::open(dir.path());
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_NE(c->find("a"), nullptr);
    ASSERT_NE(c->find("b"), nullptr);
    EXPECT_EQ(c->find("b")->file.filename(), "model-00002-of-00002.safetensors");
    EXPECT_EQ(c->files().size(), 2u);

    // The index names a tensor its shard lacks.
    idx["weight_map"]["c"] = "model-00001-of-00002.safetensors";
    test::writeFile(dir / "model.safetensors.index.json", idx.dump());
    auto e = openError(dir.path());
    EXPECT_NE(e.message.find("'c'"), std::string::npos) << e.message;
    // A missing shard.
    idx["weight_map"].erase("c");
    idx["weight_map"]["d"] = "model-00003-of-00002.safetensors";
    test::writeFile(dir / "model.safetensors.index.json", idx.dump());
    e = openError(dir.path());
    EXPECT_NE(e.message.find("model-00003-of-00002.safetensors"), std::string::npos) << e.message;
    // A duplicate across shards.
    idx["weight_map"].erase("d");
    test::writeFile(dir / "model.safetensors.index.json", idx.dump());
    ASSERT_TRUE(writeSafetensors(dir / "model-00002-of-00002.safetensors",
                                 {f32Tensor("b", {3}, b), f32Tensor("a", {2}, a)})
                    .ok());
    e = openError(dir.path());
    EXPECT_NE(e.message.find("'a'"), std::string::npos) << e.message;
}

TEST(Safetensors, MissingPathAndEmptyFolder) {
    TempDir dir;
    EXPECT_NE(openError(dir / "nope").message.find("nope"), std::string::npos);
    EXPECT_NE(openError(dir.path()).message.find("safetensors"), std::string::npos);
}

TEST(Safetensors, ReadsTheRealStoriesCheckpoint) {
    SYNTHEMBED_REQUIRE_SHARED(p, "oracles/models/stories260K/model.safetensors");
    auto c = Checkpoint::open(p.parent_path());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->tensors().size(), 47u);
    ASSERT_NE(c->find("model.layers.0.mlp.down_proj.weight"), nullptr);
    EXPECT_EQ(c->find("model.layers.0.mlp.down_proj.weight")->shapeString(), "[64, 172]");
}
