// Run settings (core/train/settings.h): every option round-trips through the stored JSON, older
// runs' JSON keeps the base values, and a resume refuses changed settings except the operational ones.

#include "core/train/settings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

using namespace synthembed;
using namespace synthembed::train;

namespace {
TrainConfig unusual() {
    TrainConfig c;
    c.modelDir = "/m";
    c.outputDir = "/o";
    c.name = "run a";
    c.dataJsonl = "/d.jsonl";
    c.projectDb = "/p.synthembed";
    c.filter.families = {"sts", "short-long"};
    c.filter.languages = {"de"};
    c.filter.statuses = {"accepted"};
    c.mix = BatchMix::SameFamily;
    c.maxLength = 77;
    c.fullFineTune = true;
    c.lora.rank = 3;
    c.lora.alpha = 5.5;
    c.lora.dropout = 0.17;
    c.lora.targetModules = {"q_proj"};
    c.pooling = Pooling::Cls;
    c.gradientCheckpointing = true;
    c.temperature = 0.07;
    c.symmetric = true;
    c.batchSize = 12;
    c.miniBatch = 5;
    c.accumulation = 3;
    c.lr = 3e-5;
    c.weightDecay = 0.01;
    c.beta1 = 0.8;
    c.beta2 = 0.95;
    c.eps = 1e-6;
    c.warmupSteps = 7;
    c.steps = 123;
    c.epochs = 2.5;
    c.clipNorm = 0.5;
    c.linearDecay = false;
    c.seed = 99;
    c.device = "cuda:1";
    c.bf16 = false;
    c.checkpointEvery = 11;
    c.keepCheckpoints = 4;
    c.devEvery = 13;
    c.devFraction = 0.2;
    c.saveMerged = false;
    c.saveAdapter = false;
    return c;
}
} // namespace

TEST(TrainSettings, EveryOptionRoundTrips) {
    const auto c = unusual();
    const auto text = runSettingsJson(c);
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j.size(), runSettingKeys().size());
    for (const auto& k : runSettingKeys())
        EXPECT_TRUE(j.contains(k)) << k;
    auto back = runSettingsFromJson(text);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(differingSettings(c, *back).empty());
    // Every key really is read back: each differs from the defaults (so a forgotten key fails here).
    auto fromDefaults = differingSettings(TrainConfig{}, *back);
    EXPECT_EQ(fromDefaults.size(), runSettingKeys().size());
}

TEST(TrainSettings, OlderRunsKeepTheBaseAndBadValuesAreNamed) {
    TrainConfig base;
    base.devEvery = 9;
    auto r = runSettingsFromJson(R"({"lr": 0.5, "unknown": 1})", base);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->lr, 0.5);
    EXPECT_EQ(r->devEvery, 9);
    auto bad = runSettingsFromJson(R"({"dev_every": "often"})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("dev_every"), std::string::npos) << bad.error().message;
    auto badPool = runSettingsFromJson(R"({"pooling": "max"})");
    ASSERT_FALSE(badPool);
    EXPECT_NE(badPool.error().message.find("pooling"), std::string::npos);
    EXPECT_FALSE(runSettingsFromJson("{nope"));
}

TEST(TrainSettings, ResumeRefusesChangesExceptOperationalOnes) {
    const auto stored = unusual();
    TrainConfig requested;         // CLI defaults, with a few choices made explicitly
    requested.lr = stored.lr;      // same as stored: fine
    requested.checkpointEvery = 1; // operational: overrides
    requested.device = "cpu";      // operational: overrides
    requested.batchSize = 64;      // not chosen: ignored (stored wins)
    auto r = resumeConfig(stored, requested, {"lr", "checkpoint_every", "device"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->resume);
    EXPECT_EQ(r->checkpointEvery, 1);
    EXPECT_EQ(r->device, "cpu");
    EXPECT_EQ(r->batchSize, 12);
    EXPECT_EQ(r->devFraction, 0.2);
    EXPECT_EQ(r->devEvery, 13);
    auto d = differingSettings(stored, *r);
    std::sort(d.begin(), d.end());
    EXPECT_EQ(d, (std::vector<std::string>{"checkpoint_every", "device"}));

    requested.devFraction = 0.5;
    requested.lr = 1e-3;
    auto bad = resumeConfig(stored, requested, {"dev_fraction", "lr", "checkpoint_every"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "train_resume");
    EXPECT_NE(bad.error().message.find("dev_fraction 0.5 (the run has 0.2)"), std::string::npos)
        << bad.error().message;
    EXPECT_NE(bad.error().message.find("lr 0.001"), std::string::npos);
    EXPECT_EQ(bad.error().message.find("checkpoint_every"), std::string::npos);
    for (const char* k : {"lr", "dev_fraction", "model", "data", "seed", "steps", "mini_batch"})
        EXPECT_FALSE(resumeMayChange(k)) << k;
    for (const char* k : {"device", "gradient_checkpointing", "checkpoint_every", "dev_every"})
        EXPECT_TRUE(resumeMayChange(k)) << k;
}

TEST(TrainSettings, PathsCompareAbsolute) {
    TrainConfig a, b;
    a.modelDir = "models/x";
    b.modelDir = (std::filesystem::current_path() / "models" / "." / "x").string();
    EXPECT_TRUE(differingSettings(a, b).empty());
    EXPECT_TRUE(std::filesystem::path(withAbsolutePaths(a).modelDir).is_absolute());
    EXPECT_TRUE(withAbsolutePaths(a).dataJsonl.empty()); // empty stays empty
}
