// The Llama-family decoder against a real pretrained model (stories260K) and references computed
// independently in float64: greedy decoding, logits, hidden states and pooled embeddings with
// right and left padding.

#include "core/model/backbone.h"
#include "core/model/llama.h"
#include "core/util/result.h"

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

torch::Tensor ids2d(const json& rows) {
    std::vector<std::int64_t> flat;
    for (const auto& r : rows)
        for (const auto& v : r)
            flat.push_back(v.get<std::int64_t>());
    return torch::tensor(flat, torch::kInt64).view({static_cast<std::int64_t>(rows.size()), -1});
}

double cosine(const torch::Tensor& a, const std::vector<double>& b) {
    auto bt = torch::tensor(b, torch::kFloat64);
    auto at = a.to(torch::kFloat64).flatten();
    return (at.dot(bt) / (at.norm() * bt.norm())).item<double>();
}

} // namespace

TEST(Stories260K, GreedyDecodingReproducesAll200Ids) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_greedy.json");
    auto backbone = model::loadBackbone(dir, {.device = "cpu", .dtype = "float32", .lmHead = true});
    auto& lm = dynamic_cast<model::LlamaForCausalLMImpl&>(backbone->module());
    auto expected = ref["greedy_ids_incl_bos"].get<std::vector<std::int64_t>>();
    ASSERT_EQ(expected.size(), 201u);
    auto got = model::greedyDecode(lm, {1}, 200);
    ASSERT_EQ(got.size(), expected.size());
    int firstDiff = -1;
    for (std::size_t i = 0; i < got.size(); ++i)
        if (got[i] != expected[i]) {
            firstDiff = static_cast<int>(i);
            break;
        }
    EXPECT_EQ(firstDiff, -1) << "first differing position " << firstDiff;
}

TEST(Stories260K, LogitsMatchReference) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_greedy.json");
    auto backbone = model::loadBackbone(dir, {.lmHead = true});
    torch::NoGradGuard ng;
    auto ids = ref["greedy_ids_incl_bos"].get<std::vector<std::int64_t>>();
    auto t =
        torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.begin() + 16), torch::kInt64).unsqueeze(0);
    auto logits = backbone->logits(t, torch::ones_like(t)).squeeze(0).to(torch::kFloat64);
    auto full = torch::tensor(ref["logits_pos0_full"].get<std::vector<double>>(), torch::kFloat64);
    double maxDiff = (logits[0] - full).abs().max().item<double>();
    EXPECT_LT(maxDiff, 1e-4) << "position 0 logits";
    // Top-5 logits of the first 16 positions.
    const auto& top = ref["logits_first16_positions_top5"];
    double worst = 0;
    for (int p = 0; p < 16; ++p)
        for (const auto& pair : top[p]) {
            auto id = pair[0].get<std::int64_t>();
            worst = std::max(worst, std::abs(logits[p][id].item<double>() - pair[1].get<double>()));
        }
    EXPECT_LT(worst, 1e-4) << "top-5 logits, positions 0..15";
}

TEST(Stories260K, HiddenStatesAndPoolingBothPaddings) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    auto ref = readJson(dir / "reference_embeddings.json");
    auto backbone = model::loadBackbone(dir);
    torch::NoGradGuard ng;
    const auto& items = ref["items"];
    // Single sequences: hidden states within fp32 accuracy, pooled embeddings by cosine.
    for (const auto& it : items) {
        auto ids =
            torch::tensor(it["ids_with_eos"].get<std::vector<std::int64_t>>(), torch::kInt64).unsqueeze(0);
        auto h = backbone->forward(ids, torch::ones_like(ids)).squeeze(0);
        std::vector<double> flat;
        for (const auto& row : it["hidden_states_final_norm"])
            for (const auto& v : row)
                flat.push_back(v.get<double>());
        auto refH = torch::tensor(flat, torch::kFloat64).view(h.sizes());
        EXPECT_LT((h.to(torch::kFloat64) - refH).abs().max().item<double>(), 1e-4) << it["text"];
        EXPECT_GE(cosine(h[-1], it["emb_last_token_eos"].get<std::vector<double>>()), 0.99999);
        auto n = h.size(0) - 1;
        EXPECT_GE(cosine(h.narrow(0, 0, n).mean(0), it["emb_mean"].get<std::vector<double>>()), 0.99999);
        EXPECT_GE(cosine(h.mean(0), it["emb_mean_with_eos"].get<std::vector<double>>()), 0.99999);
    }
    // The reference padded batches, as given (pad id 0).
    for (const char* which : {"right_padding", "left_padding", "left_padding_position_ids_cumsum"}) {
        const auto& pc = ref["padding_checks"][which];
        auto ids = ids2d(pc["input_ids"]);
        auto mask = ids2d(pc["attention_mask"]);
        auto h = backbone->forward(ids, mask);
        for (std::size_t b = 0; b < items.size(); ++b) {
            auto m = mask[b].to(torch::kBool);
            auto real = h[b].index({m}); // [len, H]
            const auto& it = items[b];
            ASSERT_EQ(real.size(0), static_cast<std::int64_t>(it["ids_with_eos"].size())) << which;
            double cLast = cosine(real[-1], it["emb_last_token_eos"].get<std::vector<double>>());
            double cMean = cosine(real.mean(0), it["emb_mean_with_eos"].get<std::vector<double>>());
            EXPECT_GE(cLast, 0.99999) << which << " item " << b;
            EXPECT_GE(cMean, 0.99999) << which << " item " << b;
        }
    }
}

TEST(Stories260K, MissingAndMisshapedTensorsAreClearErrors) {
    SYNTHEMBED_REQUIRE_SHARED(dir, "oracles/models/stories260K");
    test::TempDir tmp;
    auto cfg = readJson(dir / "config.json");
    // Config asks for a larger MLP than the checkpoint holds.
    cfg["intermediate_size"] = 256;
    test::writeFile(tmp / "config.json", cfg.dump());
    std::filesystem::copy_file(dir / "model.safetensors", tmp / "model.safetensors");
    try {
        model::loadBackbone(tmp.path());
        FAIL() << "expected an error";
    } catch (const Failure& f) {
        std::string m = f.what();
        EXPECT_NE(m.find("mlp."), std::string::npos) << m;
        EXPECT_NE(m.find("172"), std::string::npos) << m;
        EXPECT_NE(m.find("256"), std::string::npos) << m;
        EXPECT_NE(m.find("model.safetensors"), std::string::npos) << m;
    }
    // Untied head: lm_head.weight is required and absent.
    cfg = readJson(dir / "config.json");
    cfg["tie_word_embeddings"] = false;
    test::writeFile(tmp / "config.json", cfg.dump());
    try {
        model::loadBackbone(tmp.path(), {.lmHead = true});
        FAIL() << "expected an error";
    } catch (const Failure& f) {
        EXPECT_NE(std::string(f.what()).find("lm_head.weight"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("missing"), std::string::npos) << f.what();
    }
}
