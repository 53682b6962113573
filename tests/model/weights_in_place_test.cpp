// Weights whose dtype matches the checkpoint's are used where the file mapping puts them (no copy),
// the file never changes when such a weight is written, converted dtypes still load correctly, and a
// whole `embed` process's peak memory exceeds a tiny model's by no more than the file (issue 16).

#include "core/embed/embedder.h"
#include "core/model/backbone.h"
#include "core/model/footprint.h"
#include "core/model/linear.h"
#include "core/model/safetensors.h"
#include "core/util/result.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>


#include <cstring>
#include <fstream>
#include <set>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json llamaConfig(std::int64_t vocab, std::int64_t hidden, std::int64_t inter, std::int64_t layers,
                 std::int64_t heads) {
    return {{"model_type", "llama"},      {"vocab_size", vocab},
            {"hidden_size", hidden},      {"intermediate_size", inter},
            {"num_hidden_layers", layers}, {"num_attention_heads", heads},
            {"num_key_value_heads", heads / 2 > 0 ? heads / 2 : 1},
            {"max_position_embeddings", 256}, {"rms_norm_eps", 1e-5},
            {"rope_theta", 10000.0},      {"hidden_act", "silu"},
            {"bos_token_id", 1},          {"eos_token_id", 2},
            {"tie_word_embeddings", false}};
}

/// Writes config.json and a model.safetensors with every tensor in `dtype` (small deterministic
/// values, exactly representable in bfloat16). Returns the tensor file's size.
std::uintmax_t writeLlama(const fs::path& dir, const json& c, model::DType dtype) {
    fs::create_directories(dir);
    test::writeFile(dir / "config.json", c.dump(2));
    const std::int64_t H = c["hidden_size"], I = c["intermediate_size"], V = c["vocab_size"],
                       nH = c["num_attention_heads"], nKv = c["num_key_value_heads"], D = H / nH;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes{{"model.embed_tokens.weight", {V, H}}};
    for (int l = 0; l < c["num_hidden_layers"].get<int>(); ++l) {
        std::string p = "model.layers." + std::to_string(l) + ".";
        shapes.push_back({p + "self_attn.q_proj.weight", {nH * D, H}});
        shapes.push_back({p + "self_attn.k_proj.weight", {nKv * D, H}});
        shapes.push_back({p + "self_attn.v_proj.weight", {nKv * D, H}});
        shapes.push_back({p + "self_attn.o_proj.weight", {H, nH * D}});
        shapes.push_back({p + "mlp.gate_proj.weight", {I, H}});
        shapes.push_back({p + "mlp.up_proj.weight", {I, H}});
        shapes.push_back({p + "mlp.down_proj.weight", {H, I}});
        shapes.push_back({p + "input_layernorm.weight", {H}});
        shapes.push_back({p + "post_attention_layernorm.weight", {H}});
    }
    shapes.push_back({"model.norm.weight", {H}});
    std::vector<torch::Tensor> keep;
    std::vector<model::TensorData> tensors;
    auto st = dtype == model::DType::BF16 ? torch::kBFloat16 : torch::kFloat32;
    std::int64_t k = 0;
    for (const auto& [name, shape] : shapes) {
        auto n = 1;
        for (auto s : shape)
            n *= static_cast<int>(s);
        torch::Tensor t;
        if (name.find("norm") != std::string::npos) {
            t = torch::ones(shape, torch::kFloat32);
        } else {
            // (i * 7919 + k) mod 17 - 8, scaled: cheap, varied, exactly representable in bfloat16
            t = (torch::arange(n, torch::kInt64).mul(7919).add(k).remainder(17).sub(8).to(torch::kFloat32) / 64.0)
                    .view(shape);
        }
        ++k;
        keep.push_back(t.to(st).contiguous());
        const auto& kt = keep.back();
        tensors.push_back({name, dtype, shape,
                           {static_cast<const std::byte*>(kt.data_ptr()), static_cast<std::size_t>(kt.nbytes())}});
    }
    auto w = model::writeSafetensors(dir / "model.safetensors", tensors);
    EXPECT_TRUE(w.ok()) << w.error().message;
    return fs::file_size(dir / "model.safetensors");
}

std::string fileBytes(const fs::path& p) { return test::readFile(p); }

torch::Tensor embedOnce(model::Backbone& b) {
    torch::NoGradGuard ng;
    auto ids = torch::tensor({{1, 5, 9, 33, 2}}, torch::kInt64);
    return b.forward(ids, torch::ones_like(ids)).to(torch::kFloat32);
}

} // namespace

TEST(WeightsInPlace, SameDtypeUsesTheMappingAndNeverWritesTheFile) {
    test::TempDir tmp;
    auto c = llamaConfig(64, 64, 96, 2, 4);
    writeLlama(tmp / "bf16", c, model::DType::BF16);
    const auto before = fileBytes(tmp / "bf16" / "model.safetensors");

    auto b = model::loadBackbone(tmp / "bf16", {.device = "cpu", .dtype = "bfloat16"});
    auto ckpt = model::Checkpoint::open(tmp / "bf16");
    ASSERT_TRUE(ckpt.ok());
    for (const auto& p : b->module().named_parameters()) {
        const auto* t = ckpt->find("model." + p.key());
        ASSERT_NE(t, nullptr) << p.key();
        ASSERT_EQ(p.value().scalar_type(), torch::kBFloat16);
        EXPECT_EQ(std::memcmp(p.value().data_ptr(), t->data, t->nbytes), 0) << p.key();
    }

    auto y1 = embedOnce(*b);
    // Writing a weight (as training does) changes this process's copy only, never the file.
    for (auto& p : b->module().named_parameters()) {
        torch::NoGradGuard ng;
        p.value().add_(1.0);
    }
    auto y2 = embedOnce(*b);
    EXPECT_GT((y1 - y2).abs().max().item<double>(), 1e-3);
    EXPECT_EQ(fileBytes(tmp / "bf16" / "model.safetensors"), before) << "the checkpoint file was modified";
    // A second load sees the file's weights, not the first model's writes.
    auto b2 = model::loadBackbone(tmp / "bf16", {.device = "cpu", .dtype = "bfloat16"});
    EXPECT_LT((embedOnce(*b2) - y1).abs().max().item<double>(), 1e-6);
}

TEST(WeightsInPlace, PointersLieInTheFileMapping) {
    // Direct evidence of no copy: the parameter storage addresses are inside a mapping of the file, as
    // listed by /proc/self/maps (Linux).
    if (!fs::exists("/proc/self/maps")) GTEST_SKIP() << "no /proc/self/maps on this system";
    test::TempDir tmp;
    writeLlama(tmp / "m", llamaConfig(64, 64, 96, 2, 4), model::DType::BF16);
    auto b = model::loadBackbone(tmp / "m", {.device = "cpu", .dtype = "bfloat16"});
    auto file = fs::canonical(tmp / "m" / "model.safetensors").string();
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.size() > file.size() && line.compare(line.size() - file.size(), file.size(), file) == 0) {
            std::uintptr_t lo = std::stoull(line.substr(0, line.find('-')), nullptr, 16),
                           hi = std::stoull(line.substr(line.find('-') + 1), nullptr, 16);
            ranges.push_back({lo, hi});
        }
    ASSERT_FALSE(ranges.empty()) << "the checkpoint is not mapped";
    for (const auto& p : b->module().named_parameters()) {
        auto x = reinterpret_cast<std::uintptr_t>(p.value().data_ptr());
        bool found = false;
        for (auto [lo, hi] : ranges)
            found = found || (x >= lo && x < hi);
        EXPECT_TRUE(found) << p.key() << " was copied out of the file mapping";
    }
    // A converted dtype cannot stay in place: float32 weights are the model's own memory.
    auto f = model::loadBackbone(tmp / "m", {.device = "cpu", .dtype = "float32"});
    for (const auto& p : f->module().named_parameters()) {
        auto x = reinterpret_cast<std::uintptr_t>(p.value().data_ptr());
        for (auto [lo, hi] : ranges)
            EXPECT_FALSE(x >= lo && x < hi) << p.key();
    }
}

TEST(WeightsInPlace, InPlaceAndConvertedLoadsAgree) {
    test::TempDir tmp;
    auto c = llamaConfig(64, 64, 96, 2, 4);
    writeLlama(tmp / "bf16", c, model::DType::BF16);
    writeLlama(tmp / "f32", c, model::DType::F32); // same values, stored as float32
    auto inPlace = model::loadBackbone(tmp / "bf16", {.device = "cpu", .dtype = "bfloat16"});
    auto converted = model::loadBackbone(tmp / "f32", {.device = "cpu", .dtype = "bfloat16"});
    EXPECT_EQ((embedOnce(*inPlace) - embedOnce(*converted)).abs().max().item<double>(), 0.0);
}

TEST(WeightsLoad, ReportsBytesPerTensorAndCanBeCancelled) {
    // The GUI shows "Loading model NAME (X GB)..." with this progress: bytes grow tensor by tensor to
    // the checkpoint's weight bytes, whether the weights are used in place or converted.
    test::TempDir tmp;
    const auto c = llamaConfig(64, 64, 96, 2, 4);
    writeLlama(tmp / "m", c, model::DType::BF16);
    auto ckpt = model::Checkpoint::open(tmp / "m");
    ASSERT_TRUE(ckpt.ok());
    std::int64_t weightBytes = 0;
    for (const auto& t : ckpt->tensors()) weightBytes += std::int64_t(t.nbytes);
    const std::size_t tensors = ckpt->tensors().size();
    for (const char* dtype : {"bfloat16", "float32"}) {
        std::vector<std::int64_t> done, total;
        std::set<std::string> names;
        model::BackboneOptions o{.device = "cpu", .dtype = dtype};
        o.loadHooks.progress = [&](std::int64_t d, std::int64_t t, const std::string& name) {
            done.push_back(d);
            total.push_back(t);
            if (!name.empty()) names.insert(name);
        };
        auto b = model::loadBackbone(tmp / "m", o);
        ASSERT_EQ(done.size(), tensors + 1) << dtype << ": one report before the first tensor and one after each";
        EXPECT_EQ(done.front(), 0);
        EXPECT_EQ(done.back(), weightBytes) << dtype;
        for (std::size_t i = 1; i < done.size(); ++i) EXPECT_GT(done[i], done[i - 1]) << dtype;
        for (auto t : total) EXPECT_EQ(t, weightBytes);
        EXPECT_EQ(names.size(), tensors) << dtype;
        EXPECT_TRUE(names.count("model.layers.1.mlp.down_proj.weight")) << dtype;
    }

    // The embedder passes its hooks through; a stop request ends the load with "cancelled".
    int reports = 0;
    embed::LoadOptions lo;
    lo.hooks.progress = [&](std::int64_t, std::int64_t, const std::string&) { ++reports; };
    lo.hooks.shouldStop = [&] { return reports >= 3; };
    auto e = embed::Embedder::load(tmp / "m", lo);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, "cancelled") << e.error().message;
    EXPECT_EQ(reports, 3);
    lo.hooks.shouldStop = nullptr;
    reports = 0;
    auto ok = embed::Embedder::load(tmp / "m", lo);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(reports, int(tensors) + 1);
}

TEST(Footprint, CountsParametersAndChoosesTheDtype) {
    test::TempDir tmp;
    auto c = llamaConfig(64, 64, 96, 2, 4);
    writeLlama(tmp / "m", c, model::DType::BF16);
    auto fp = model::footprint(tmp / "m");
    ASSERT_TRUE(fp.ok()) << fp.error().message;
    const std::uint64_t H = 64, I = 96, V = 64, kv = 32;
    const std::uint64_t perLayer = H * H * 2 + kv * H * 2 + 3 * H * I + 2 * H;
    EXPECT_EQ(fp->parameters, V * H + 2 * perLayer + H);
    EXPECT_EQ(fp->fileDtype, "bfloat16");
    EXPECT_EQ(fp->weightBytes("float32"), fp->parameters * 4);

    // A 7B-class bf16 model on a 16 GB machine: auto picks bfloat16 and says why.
    model::Footprint big{7'240'000'000ull, 14'480'000'000ull, "bfloat16"};
    std::string why;
    EXPECT_EQ(model::chooseCpuDtype("auto", big, 16ull << 30, "m7b", &why), "bfloat16");
    EXPECT_NE(why.find("chose bfloat16"), std::string::npos) << why;
    // ... and fp32 where it fits.
    why.clear();
    EXPECT_EQ(model::chooseCpuDtype("auto", big, 64ull << 30, "m7b", &why), "float32");
    EXPECT_TRUE(why.empty());
    // An explicit float32 that cannot fit fails with one line naming what would.
    try {
        model::chooseCpuDtype("float32", big, 16ull << 30, "m7b");
        FAIL() << "expected a memory error";
    } catch (const Failure& f) {
        std::string m = f.what();
        EXPECT_EQ(f.code(), "memory");
        EXPECT_NE(m.find("29.0 GB in float32"), std::string::npos) << m;
        EXPECT_NE(m.find("--dtype bfloat16 would need"), std::string::npos) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
    // Nothing fits: says so.
    try {
        model::chooseCpuDtype("auto", big, 8ull << 30, "m7b");
        FAIL() << "expected a memory error";
    } catch (const Failure& f) {
        EXPECT_NE(std::string(f.what()).find("no dtype fits"), std::string::npos) << f.what();
    }
}

TEST(Footprint, CpuTrainingThatCannotFitSaysSoWithTheEstimate) {
    model::Footprint m7b{7'240'000'000ull, 14'480'000'000ull, "bfloat16"};
    EXPECT_EQ(model::cpuTrainingBytes(m7b, true), 7'240'000'000ull * 16);
    EXPECT_EQ(model::cpuTrainingBytes(m7b, false), 7'240'000'000ull * 4);
    try {
        model::checkCpuTrainingFits(m7b, false, 16ull << 30, "e5-mistral");
        FAIL() << "expected a memory error";
    } catch (const Failure& f) {
        std::string m = f.what();
        EXPECT_EQ(f.code(), "memory");
        EXPECT_NE(m.find("29.0 GB"), std::string::npos) << m;
        EXPECT_NE(m.find("LoRA"), std::string::npos) << m;
        EXPECT_NE(m.find("GPU"), std::string::npos) << m;
    }
    EXPECT_NO_THROW(model::checkCpuTrainingFits(m7b, false, 64ull << 30, "e5-mistral"));
    // A small model on a tiny machine reads in MB and M, not "0.0 GB" and "0.00 B".
    model::Footprint small{1'000'000ull, 2'000'000ull, "bfloat16"};
    try {
        model::checkCpuTrainingFits(small, true, (1ull << 30) + 1'000'000, "small");
        FAIL() << "expected a memory error";
    } catch (const Failure& f) {
        std::string m = f.what();
        EXPECT_NE(m.find("16.0 MB"), std::string::npos) << m;
        EXPECT_NE(m.find("1.00 M)"), std::string::npos) << m;
    }
    EXPECT_THROW(model::checkCpuTrainingFits(m7b, true, 64ull << 30, "e5-mistral"), Failure); // 116 GB
}

namespace {

/// Runs `embed --json` and returns the process's own peak resident memory in MiB (what it reports: a
/// parent's rusage would carry the parent's peak into the child across exec on Linux).
double embedPeakMb(const std::vector<std::string>& args) {
    auto full = args;
    full.push_back("--json");
    auto r = test::runCli(full);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    if (r.exitCode != 0) return 0;
    return json::parse(r.out).at("peak_memory_mb").get<double>();
}

} // namespace

TEST(WeightsInPlace, EmbedProcessPeakIsAboutTheFile) {
    // The check of issue 16 at a CI-sized shape: a bf16 decoder of ~400 MB embedded in bf16 must
    // cost (peak RSS) no more than the file plus a small margin over a tiny model's process. Loading by
    // copy costs twice the file.
    SYNTHEMBED_REQUIRE_SHARED(tokDir, "oracles/models/stories260K");
    test::TempDir tmp;
    auto addTokenizer = [&](const fs::path& d) {
        for (const char* f : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
            if (fs::exists(tokDir / f)) fs::copy_file(tokDir / f, d / f);
    };
    writeLlama(tmp / "tiny", llamaConfig(512, 64, 96, 2, 4), model::DType::BF16);
    addTokenizer(tmp / "tiny");
    const auto fileSize = writeLlama(tmp / "big", llamaConfig(512, 2048, 5632, 4, 16), model::DType::BF16);
    addTokenizer(tmp / "big");
    std::string input;
    for (int i = 0; i < 8; ++i)
        input += json{{"text", "Once upon a time there was a little dog called " + std::to_string(i) +
                                   " who liked to play in the park with its friends every day."}}
                     .dump() +
                 "\n";
    test::writeFile(tmp / "in.jsonl", input);
    auto args = [&](const std::string& m) {
        return std::vector<std::string>{"embed", "--model", (tmp / m).string(), "--input", (tmp / "in.jsonl").string(),
                                        "--output", (tmp / (m + ".jsonl")).string(), "--dtype", "bfloat16",
                                        "--pooling", "last", "--max-length", "128"};
    };
    const double peakTiny = embedPeakMb(args("tiny")), peakBig = embedPeakMb(args("big"));
    ASSERT_GT(peakTiny, 0);
    const double mb = 1024.0 * 1024.0;
    const double extra = peakBig - peakTiny;
    std::printf("file %.0f MiB, peak RSS tiny %.0f MiB, big %.0f MiB: extra %.0f MiB (%.2fx the file)\n",
                fileSize / mb, peakTiny, peakBig, extra, extra / (fileSize / mb));
    EXPECT_LT(extra, fileSize / mb * 1.25) << "the weights were copied at load";
}
