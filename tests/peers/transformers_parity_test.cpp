// Model parity with Hugging Face transformers (issue 17): BERT, Llama, Mistral (sliding window of 4,
// sequences up to 23 tokens) and Qwen2 models with random weights, saved by transformers' own
// save_pretrained (tests/peers/hf_parity.py, in the peers' venv), run by transformers in float32
// (eager attention) and by synthembed: the final hidden states of each sequence alone and within a
// left- and a right-padded batch, and the pooled embeddings (mean, and CLS or last token; raw and
// L2-normalised) agree to 1e-5 relative (max |synthembed - transformers| / max |transformers|).

#include "core/embed/embedder.h"
#include "core/model/backbone.h"
#include "core/util/result.h"

#include "peers/peers_python.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr double kRelTol = 1e-5;

/// The worst difference relative to the reference's largest magnitude, over one [n, H] block.
struct Worst {
    double diff = 0, scale = 0;
    void add(const std::vector<float>& got, const json& ref) {
        ASSERT_EQ(got.size(), ref.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            double r = ref[i].get<double>();
            diff = std::max(diff, std::abs(static_cast<double>(got[i]) - r));
            scale = std::max(scale, std::abs(r));
        }
    }
    double rel() const { return scale > 0 ? diff / scale : diff; }
};

/// A nested JSON array of numbers, row-major.
json flat(const json& j) {
    if (!j.is_array()) return json::array({j});
    json out = json::array();
    for (const auto& x : j)
        for (auto& y : flat(x)) out.push_back(std::move(y));
    return out;
}

std::vector<float> row(const torch::Tensor& t) {
    auto c = t.to(torch::kFloat32).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

/// Hidden states of the real tokens of each sequence, run as one padded batch (pad id 0).
std::vector<torch::Tensor> batchedHidden(model::Backbone& b, const std::vector<std::vector<std::int32_t>>& seqs,
                                         bool left) {
    std::int64_t S = 0;
    for (const auto& s : seqs) S = std::max<std::int64_t>(S, static_cast<std::int64_t>(s.size()));
    const auto B = static_cast<std::int64_t>(seqs.size());
    auto ids = torch::zeros({B, S}, torch::kInt64), mask = torch::zeros({B, S}, torch::kInt64);
    for (std::int64_t i = 0; i < B; ++i) {
        const auto n = static_cast<std::int64_t>(seqs[i].size());
        const std::int64_t off = left ? S - n : 0;
        for (std::int64_t t = 0; t < n; ++t) {
            ids[i][off + t] = seqs[i][t];
            mask[i][off + t] = 1;
        }
    }
    torch::NoGradGuard ng;
    auto h = b.forward(ids, mask);
    std::vector<torch::Tensor> out;
    for (std::int64_t i = 0; i < B; ++i) {
        const auto n = static_cast<std::int64_t>(seqs[i].size());
        out.push_back(h[i].narrow(0, left ? S - n : 0, n));
    }
    return out;
}

class TransformersParity : public ::testing::TestWithParam<std::string> {
protected:
    static void SetUpTestSuite() {
        std::string why;
        bool broken = false;
        s_py = test::peersPython(why, broken);
        s_why = why;
        s_broken = broken;
        if (s_py.empty()) return;
        s_dir = std::make_unique<test::TempDir>();
        auto script = (fs::path(SYNTHEMBED_TEST_SOURCE_DIR) / "peers" / "hf_parity.py").string();
        auto r = test::runCommand({s_py, script, s_dir->path().string()});
        if (r.exitCode != 0) {
            s_why = script + " failed (exit " + std::to_string(r.exitCode) + "): " + r.err;
            s_broken = true;
            s_py.clear();
            return;
        }
        std::fprintf(stderr, "%s", r.out.c_str());
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    void SetUp() override {
        if (s_py.empty()) {
            if (s_broken) FAIL() << s_why;
            GTEST_SKIP() << s_why;
        }
    }
    fs::path modelDir() const { return s_dir->path() / GetParam(); }
    json reference() const { return json::parse(test::readFile(modelDir() / "reference.json")); }

    static inline std::string s_py, s_why;
    static inline bool s_broken = false;
    static inline std::unique_ptr<test::TempDir> s_dir;
};

TEST_P(TransformersParity, HiddenStatesAloneAndPaddedLeftAndRight) {
    auto ref = reference();
    auto seqs = ref["ids"].get<std::vector<std::vector<std::int32_t>>>();
    auto b = model::loadBackbone(modelDir());
    ASSERT_EQ(b->dtype(), torch::kFloat32);
    b->module().eval(); // transformers' BertConfig has dropout 0.1
    Worst single;
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        auto h = batchedHidden(*b, {seqs[i]}, false)[0];
        single.add(row(h), flat(ref["single"][i]));
    }
    EXPECT_LE(single.rel(), kRelTol) << GetParam() << " alone: max diff " << single.diff << " of " << single.scale;
    for (bool left : {true, false}) {
        Worst w;
        auto hs = batchedHidden(*b, seqs, left);
        for (std::size_t i = 0; i < seqs.size(); ++i) w.add(row(hs[i]), flat(ref[left ? "left" : "right"][i]));
        EXPECT_LE(w.rel(), kRelTol) << GetParam() << (left ? " left" : " right") << " padding: max diff " << w.diff
                                    << " of " << w.scale;
        std::printf("%s %s padding: hidden states max |diff| %.3g, relative %.3g (alone: %.3g)\n", GetParam().c_str(),
                    left ? "left" : "right", w.diff, w.rel(), single.rel());
    }
    // The window is shorter than the sequences (hf_parity.py checks that transformers applies it).
    if (GetParam() == "mistral") {
        EXPECT_EQ(json::parse(test::readFile(modelDir() / "config.json"))["sliding_window"], 4);
    }
}

TEST_P(TransformersParity, PooledEmbeddingsLeftAndRight) {
    auto ref = reference();
    auto seqs = ref["ids"].get<std::vector<std::vector<std::int32_t>>>();
    auto e = embed::Embedder::load(modelDir());
    ASSERT_TRUE(e.ok()) << e.error().message;
    const bool decoder = (*e)->info().decoder;
    EXPECT_EQ(decoder, GetParam() != "bert");
    for (const char* side : {"left", "right"})
        for (auto pooling : {embed::Pooling::Mean, decoder ? embed::Pooling::Last : embed::Pooling::Cls})
            for (bool normalize : {false, true}) {
                embed::EmbedOptions o;
                o.pooling = pooling;
                o.padding = std::string(side) == "left" ? embed::Padding::Left : embed::Padding::Right;
                o.normalize = normalize;
                o.batchSize = static_cast<int>(seqs.size());
                auto got = (*e)->embedIds(seqs, o);
                ASSERT_TRUE(got.ok()) << got.error().message;
                ASSERT_EQ(got->size(), seqs.size());
                Worst w;
                for (std::size_t i = 0; i < seqs.size(); ++i) {
                    json r = ref["pooled"][side][embed::poolingName(pooling)][i];
                    if (normalize) {
                        double n = 0;
                        for (auto& x : r) n += x.get<double>() * x.get<double>();
                        for (auto& x : r) x = x.get<double>() / std::sqrt(n);
                    }
                    w.add(got->at(i), r);
                }
                std::printf("%s %s %s%s: max |diff| %.3g, relative %.3g\n", GetParam().c_str(), side,
                            embed::poolingName(pooling), normalize ? " normalised" : "", w.diff, w.rel());
                EXPECT_LE(w.rel(), kRelTol) << GetParam() << " " << side << " " << embed::poolingName(pooling)
                                            << (normalize ? " normalised" : "") << ": max diff " << w.diff << " of "
                                            << w.scale;
            }
}

INSTANTIATE_TEST_SUITE_P(Architectures, TransformersParity, ::testing::Values("bert", "llama", "mistral", "qwen2"),
                         [](const auto& info) { return info.param; });

} // namespace
