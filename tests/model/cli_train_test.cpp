// `synthembed-cli train` end to end on the real stories260K: LoRA run stopped and resumed, the
// output folder (merged safetensors, PEFT adapter, sentence-transformers files), the project rows.

#include "core/model/backbone.h"
#include "core/model/safetensors.h"
#include "core/store/project.h"
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sstream>

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
    writePairs(dir / "pairs.jsonl", 40);
    const auto out = dir / "out", db = dir / "p.synthembed";
    std::vector<std::string> args{"train", "--model", model.string(), "--data", (dir / "pairs.jsonl").string(),
                                  "--output", out.string(), "--db", db.string(), "--batch-size", "8", "--steps", "4",
                                  "--max-length", "32", "--lora-rank", "4", "--warmup", "1", "--lr", "1e-3",
                                  "--checkpoint-every", "0", "--dev-fraction", "0.25", "--dev-every", "1", "--json"};
    auto first = args;
    first.insert(first.end(), {"--stop-after", "2"});
    auto r1 = test::runCli(first);
    ASSERT_EQ(r1.exitCode, 0) << r1.err;
    auto j1 = nlohmann::json::parse(r1.out);
    EXPECT_TRUE(j1["stopped"].get<bool>());
    EXPECT_EQ(j1["steps"], 2);
    EXPECT_FALSE(fs::exists(out / "model.safetensors"));

    // Resume takes every setting from the checkpoint: a conflicting flag is refused (nothing runs)...
    auto conflict = test::runCli({"train", "--output", out.string(), "--resume", "--lr", "5e-3", "--dev-fraction", "0.5"});
    EXPECT_NE(conflict.exitCode, 0);
    EXPECT_NE(conflict.err.find("lr 0.005 (the run has 0.001)"), std::string::npos) << conflict.err;
    EXPECT_NE(conflict.err.find("dev_fraction 0.5 (the run has 0.25)"), std::string::npos) << conflict.err;
    EXPECT_TRUE(fs::exists(out / "checkpoints" / "step-00000002"));
    EXPECT_FALSE(fs::exists(out / "checkpoints" / "step-00000003"));
    // ... a repeated one is fine, and the operational ones override (here: a checkpoint every step).
    auto again = std::vector<std::string>{"train", "--output", out.string(), "--resume", "--max-length", "32",
                                          "--checkpoint-every", "1", "--json"};
    auto r2 = test::runCli(again);
    ASSERT_EQ(r2.exitCode, 0) << r2.err;
    auto j2 = nlohmann::json::parse(r2.out);
    EXPECT_FALSE(j2["stopped"].get<bool>());
    EXPECT_EQ(j2["steps"], 4);
    EXPECT_EQ(j2["run_id"], j1["run_id"]); // the project (restored, not given) holds the same run
    EXPECT_TRUE(fs::exists(out / "checkpoints" / "step-00000003"));
    {
        // The stored settings: every option, with the override applied.
        auto project = store::Project::open(db).take();
        auto st = project.db().prepare("SELECT config FROM training_runs WHERE id = ?");
        st.bind(1, j1["run_id"].get<std::int64_t>());
        ASSERT_TRUE(st.step());
        auto cfg = nlohmann::json::parse(st.getText(0));
        EXPECT_EQ(cfg["dev_fraction"], 0.25);
        EXPECT_EQ(cfg["dev_every"], 1);
        EXPECT_EQ(cfg["checkpoint_every"], 1);
        EXPECT_EQ(cfg["lr"], 1e-3);
        EXPECT_EQ(cfg["lora_rank"], 4);
        EXPECT_EQ(cfg["warmup"], 1);
        EXPECT_EQ(cfg["max_length"], 32);
        EXPECT_EQ(cfg["keep_checkpoints"], 2);
        EXPECT_EQ(cfg["gradient_checkpointing"], false);
        EXPECT_TRUE(fs::path(cfg["model"].get<std::string>()).is_absolute());
        // The dev metric continued after the resume: dev share and cadence came back with it.
        EXPECT_EQ(project.db().queryInt("SELECT COUNT(*) FROM train_metrics WHERE name='dev_accuracy'"), 4);
    }
    auto state = nlohmann::json::parse(test::readFile(out / "checkpoints" / "step-00000003" / "state.json"));
    EXPECT_EQ(state["extra"]["settings"]["dev_fraction"], 0.25);

    // PEFT adapter: names and shapes.
    // In adapter/ beside the merged weights (transformers would apply it on top of them otherwise).
    EXPECT_FALSE(fs::exists(out / "adapter_model.safetensors"));
    EXPECT_FALSE(fs::exists(out / "adapter_config.json"));
    auto adapter = model::Checkpoint::open(out / "adapter" / "adapter_model.safetensors");
    ASSERT_TRUE(adapter) << adapter.error().message;
    const auto* a = adapter->find("base_model.model.layers.0.self_attn.q_proj.lora_A.weight");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{4, 64}));
    EXPECT_NE(adapter->find("base_model.model.layers.4.mlp.down_proj.lora_B.weight"), nullptr);
    auto cfg = nlohmann::json::parse(test::readFile(out / "adapter" / "adapter_config.json"));
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
    EXPECT_EQ(project.db().queryInt("SELECT COUNT(DISTINCT name) FROM train_metrics"), 10); // with dev_accuracy
}

TEST(CliTrain, GradientCheckpointingTrainsTheSameRun) {
    // Same seed, LoRA dropout on, GradCache on: every step's loss and the trained adapter are the
    // same with per-layer recomputation as without.
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir dir;
    writePairs(dir / "pairs.jsonl", 16);
    auto run = [&](const std::string& name, bool checkpointing) {
        std::vector<std::string> args{"train", "--model", model.string(), "--data", (dir / "pairs.jsonl").string(),
                                      "--output", (dir / name).string(), "--batch-size", "8", "--steps", "3",
                                      "--max-length", "24", "--lora-rank", "4", "--lora-dropout", "0.2", "--warmup",
                                      "1", "--lr", "1e-2", "--mini-batch", "4", "--checkpoint-every", "0",
                                      "--metrics", (dir / (name + ".jsonl")).string(), "--json"};
        if (checkpointing) args.push_back("--gradient-checkpointing");
        auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        std::vector<double> losses;
        std::istringstream in(test::readFile(dir / (name + ".jsonl")));
        for (std::string line; std::getline(in, line);) losses.push_back(nlohmann::json::parse(line)["loss"].get<double>());
        return losses;
    };
    auto plain = run("plain", false);
    auto ckpt = run("ckpt", true);
    ASSERT_EQ(plain.size(), 3u);
    ASSERT_EQ(ckpt.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(plain[i], ckpt[i], 1e-5) << "step " << i + 1;
    EXPECT_GT(std::abs(plain[2] - plain[0]), 1e-4); // it trained
    auto a = model::Checkpoint::open(dir / "plain" / "adapter" / "adapter_model.safetensors");
    auto b = model::Checkpoint::open(dir / "ckpt" / "adapter" / "adapter_model.safetensors");
    ASSERT_TRUE(a && b);
    for (const auto& t : a->tensors()) {
        const auto* u = b->find(t.name);
        ASSERT_NE(u, nullptr) << t.name;
        auto n = static_cast<std::int64_t>(t.numel());
        auto x = torch::from_blob(const_cast<std::byte*>(t.data), {n}, torch::kFloat);
        auto y = torch::from_blob(const_cast<std::byte*>(u->data), {n}, torch::kFloat);
        EXPECT_LE((x - y).abs().max().item<double>(), 1e-5) << t.name;
    }
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
    auto r4 = test::runCli({"train", "--output", (dir / "none").string(), "--resume"});
    EXPECT_NE(r4.exitCode, 0);
    EXPECT_NE(r4.err.find("nothing to resume"), std::string::npos) << r4.err;
}
