// `synthembed-cli train` end to end on the real stories260K: LoRA run stopped and resumed, the
// output folder (merged safetensors, PEFT adapter, sentence-transformers files), the project rows.

#include "core/model/backbone.h"
#include "core/model/safetensors.h"
#include "core/store/project.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {
void writePairs(const fs::path& p, int n) {
    std::string s;
    const char* a[] = {"The cat sat on the mat.", "A dog runs in the park.", "Lily likes to play.", "The sun is hot.",
                       "Tom ate a big cake.", "The bird can fly.", "She saw a red ball.", "It was a rainy day."};
    for (int i = 0; i < n; ++i) {
        nlohmann::json j = {{"query", std::string(a[i % 8]) + " " + std::to_string(i)},
                            {"positive", std::string("Once, ") + a[i % 8]},
                            {"instruction", "Retrieve semantically similar text."}};
        if (i % 2) j["negative"] = a[(i + 3) % 8];
        s += j.dump() + "\n";
    }
    test::writeFile(p, s);
}
} // namespace

TEST(CliTrain, LoraStopResumeAndOutputFolder) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 32);
    const auto out = dir / "out", db = dir / "p.synthembed";
    std::vector<std::string> args{"train", "--model", model.string(), "--data", (dir / "pairs.jsonl").string(),
                                  "--output", out.string(), "--db", db.string(), "--batch-size", "8", "--steps", "4",
                                  "--max-length", "32", "--lora-rank", "4", "--warmup", "1", "--lr", "1e-3",
                                  "--checkpoint-every", "0", "--json"};
    auto first = args;
    first.insert(first.end(), {"--stop-after", "2"});
    auto r1 = test::runCli(first);
    ASSERT_EQ(r1.exitCode, 0) << r1.err;
    auto j1 = nlohmann::json::parse(r1.out);
    EXPECT_TRUE(j1["stopped"].get<bool>());
    EXPECT_EQ(j1["steps"], 2);
    EXPECT_FALSE(fs::exists(out / "model.safetensors"));

    auto again = args;
    again.push_back("--resume");
    auto r2 = test::runCli(again);
    ASSERT_EQ(r2.exitCode, 0) << r2.err;
    auto j2 = nlohmann::json::parse(r2.out);
    EXPECT_FALSE(j2["stopped"].get<bool>());
    EXPECT_EQ(j2["steps"], 4);
    EXPECT_EQ(j2["run_id"], j1["run_id"]);

    // PEFT adapter: names and shapes.
    auto adapter = model::Checkpoint::open(out / "adapter_model.safetensors");
    ASSERT_TRUE(adapter) << adapter.error().message;
    const auto* a = adapter->find("base_model.model.layers.0.self_attn.q_proj.lora_A.weight");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{4, 64}));
    EXPECT_NE(adapter->find("base_model.model.layers.4.mlp.down_proj.lora_B.weight"), nullptr);
    auto cfg = nlohmann::json::parse(test::readFile(out / "adapter_config.json"));
    EXPECT_EQ(cfg["peft_type"], "LORA");
    EXPECT_EQ(cfg["r"], 4);
    EXPECT_EQ(cfg["target_modules"].size(), 7u); // q k v o gate up down
    // sentence-transformers files.
    auto pool = nlohmann::json::parse(test::readFile(out / "1_Pooling" / "config.json"));
    EXPECT_TRUE(pool["pooling_mode_lasttoken"].get<bool>());
    EXPECT_EQ(pool["word_embedding_dimension"], 64);
    EXPECT_EQ(nlohmann::json::parse(test::readFile(out / "modules.json")).size(), 3u);
    auto st = nlohmann::json::parse(test::readFile(out / "config_sentence_transformers.json"));
    EXPECT_EQ(st["prompts"]["query"], "Instruct: Retrieve semantically similar text.\nQuery: ");
    EXPECT_TRUE(nlohmann::json::parse(test::readFile(out / "tokenizer_config.json"))["add_eos_token"].get<bool>());
    // Merged weights: same names as the base, loadable, and changed where LoRA applied.
    auto merged = model::Checkpoint::open(out / "model.safetensors");
    auto base = model::Checkpoint::open(model);
    ASSERT_TRUE(merged && base);
    EXPECT_EQ(merged->tensors().size(), base->tensors().size());
    const std::string q = "model.layers.0.self_attn.q_proj.weight";
    ASSERT_NE(merged->find(q), nullptr) << "merged checkpoint lacks " << q;
    auto mq = torch::from_blob(const_cast<std::byte*>(merged->find(q)->data), {64 * 64}, torch::kFloat);
    auto bq = torch::from_blob(const_cast<std::byte*>(base->find(q)->data), {64 * 64}, torch::kFloat);
    EXPECT_GT((mq - bq).abs().max().item<double>(), 0);
    auto emb = "model.embed_tokens.weight";
    EXPECT_TRUE(torch::equal(torch::from_blob(const_cast<std::byte*>(merged->find(emb)->data), {512 * 64}, torch::kFloat),
                             torch::from_blob(const_cast<std::byte*>(base->find(emb)->data), {512 * 64}, torch::kFloat)));
    auto bb = model::loadBackbone(out);
    EXPECT_EQ(bb->spec().hiddenSize, 64);

    // The run and its metrics in the project.
    auto project = store::Project::open(db).take();
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(*) FROM training_runs WHERE state='done'"), 1);
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(*) FROM train_metrics WHERE name='loss'"), 4);
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(DISTINCT name) FROM train_metrics"), 9);
}

TEST(CliTrain, ErrorsAreOneLine) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    auto r = test::runCli({"train", "--model", (dir / "nope").string(), "--data", "x.jsonl", "--output", (dir / "o").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
    auto r2 = test::runCli({"train", "--model", model.string(), "--data", (dir / "missing.jsonl").string(), "--output",
                            (dir / "o").string()});
    EXPECT_NE(r2.exitCode, 0);
    EXPECT_NE(r2.err.find("missing.jsonl"), std::string::npos) << r2.err;
    writePairs(dir / "few.jsonl", 3);
    auto r3 = test::runCli({"train", "--model", model.string(), "--data", (dir / "few.jsonl").string(), "--output",
                            (dir / "o").string(), "--batch-size", "8"});
    EXPECT_NE(r3.exitCode, 0);
    EXPECT_NE(r3.err.find("fewer than one batch"), std::string::npos) << r3.err;
}
