// Run settings (core/train/settings.h): every option round-trips through the stored JSON, older
// runs' JSON keeps the base values, and a resume refuses changed settings except the operational ones.
// The table itself is walked row by row: each row's JSON key is read back into its own field, its
// resume rule holds, its default lies in its range, and `synthembed-cli train --help` has its flag,
// help, default and range.

#include "core/train/settings.h"

#include "support/test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

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

namespace {

// Another valid value than `v` (for a row whose field is `v`).
template <class T>
T otherValue(const T& v) {
    if constexpr (std::is_same_v<T, bool>) return !v;
    else if constexpr (std::is_arithmetic_v<T>) return static_cast<T>(v + 1);
    else if constexpr (std::is_same_v<T, std::string>) return v + "x";
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        auto o = v;
        o.push_back("x");
        return o;
    } else if constexpr (std::is_same_v<T, BatchMix>) return v == BatchMix::Random ? BatchMix::SameFamily : BatchMix::Random;
    else if constexpr (std::is_same_v<T, Pooling>) return v == Pooling::LastToken ? Pooling::Mean : Pooling::LastToken;
    else static_assert(sizeof(T) == 0, "a field type the table walk does not know: add it to otherValue");
}

// The defaults with the one setting `key` changed.
TrainConfig withOneChanged(const std::string& key) {
    TrainConfig c;
    visitRunSettings(c, [&](const RunSetting& s, auto& field) {
        if (key == s.key) field = otherValue(field);
    });
    return c;
}

struct Row {
    RunSetting setting;
    bool numeric = false;
    double defaultValue = 0;
};

std::vector<Row> tableRows() {
    std::vector<Row> rows;
    const TrainConfig d;
    visitRunSettings(d, [&](const RunSetting& s, const auto& field) {
        using T = std::decay_t<decltype(field)>;
        Row r{s};
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
            r.numeric = true;
            r.defaultValue = static_cast<double>(field);
        }
        rows.push_back(r);
    });
    return rows;
}

// The names of a flag as the table spells it ("--output,-o" -> "--output", "-o").
std::vector<std::string> flagNames(const std::string& flag) {
    std::vector<std::string> names;
    std::size_t at = 0;
    while (at <= flag.size()) {
        const auto comma = flag.find(',', at);
        names.push_back(flag.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    return names;
}

} // namespace

TEST(TrainSettings, TableKeysAreUniqueAndDefaultsInRange) {
    const auto rows = tableRows();
    ASSERT_EQ(rows.size(), runSettingKeys().size());
    std::set<std::string> keys, flags;
    for (const auto& r : rows) {
        const std::string key = r.setting.key;
        EXPECT_TRUE(keys.insert(key).second) << "key listed twice: " << key;
        EXPECT_TRUE(std::all_of(key.begin(), key.end(), [](char ch) { return std::islower(ch) || ch == '_' || std::isdigit(ch); }))
            << key;
        EXPECT_FALSE(std::string(r.setting.help).empty()) << key;
        for (const auto& f : flagNames(r.setting.flag)) {
            if (f.empty()) continue;
            EXPECT_TRUE(flags.insert(f).second) << "flag used twice: " << f;
        }
        ASSERT_TRUE(findRunSetting(key)) << key;
        EXPECT_EQ(findRunSetting(key)->mayChangeOnResume, r.setting.mayChangeOnResume) << key;
        EXPECT_TRUE(r.numeric || r.setting.range.any()) << key << ": a range on a setting that is not a number";
        if (r.numeric) {
            EXPECT_TRUE(r.setting.range.contains(r.defaultValue)) << key << ": default " << r.defaultValue << " outside ["
                                                                  << r.setting.range.min << ", " << r.setting.range.max << "]";
            EXPECT_TRUE(r.setting.range.any() || r.setting.range.min < r.setting.range.max) << key;
        }
    }
    EXPECT_FALSE(findRunSetting("no_such_setting"));
}

// Every row, one at a time: its JSON key carries exactly its field, the key setter reads it back into
// that field alone, and a resume that chooses it follows the row's rule.
TEST(TrainSettings, EveryRowRoundTripsAlone) {
    const TrainConfig defaults;
    const auto base = nlohmann::json::parse(runSettingsJson(defaults));
    for (const auto& r : tableRows()) {
        const std::string key = r.setting.key;
        SCOPED_TRACE(key);
        const TrainConfig changed = withOneChanged(key);
        EXPECT_EQ(differingSettings(defaults, changed), std::vector<std::string>{key});
        // JSON: only this key's value differs.
        const auto j = nlohmann::json::parse(runSettingsJson(changed));
        for (const auto& [k, v] : j.items())
            EXPECT_EQ(v != base.at(k), k == key) << "changing " << key << ": " << k << " = " << v.dump();
        // The key setter: this key alone, over the defaults, lands in this field alone.
        const nlohmann::json one = {{key, j.at(key)}};
        auto back = runSettingsFromJson(one.dump(), defaults);
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(differingSettings(changed, *back), std::vector<std::string>{});
        // A value of the wrong type is refused, naming the key.
        const nlohmann::json wrong = {{key, nlohmann::json::object()}};
        auto bad = runSettingsFromJson(wrong.dump(), defaults);
        ASSERT_FALSE(bad);
        EXPECT_NE(bad.error().message.find("'" + key + "'"), std::string::npos) << bad.error().message;
        // Resume: the row's rule, with this setting chosen explicitly and different from the run's.
        auto resumed = resumeConfig(defaults, changed, {key});
        EXPECT_EQ(resumeMayChange(key), r.setting.mayChangeOnResume);
        if (r.setting.mayChangeOnResume) {
            ASSERT_TRUE(resumed) << resumed.error().message;
            EXPECT_EQ(differingSettings(changed, *resumed), std::vector<std::string>{});
        } else {
            ASSERT_FALSE(resumed);
            EXPECT_EQ(resumed.error().code, "train_resume");
            EXPECT_NE(resumed.error().message.find(key + " "), std::string::npos) << resumed.error().message;
        }
        // Chosen but equal to the run's: always fine; not chosen: the run's value stays.
        EXPECT_TRUE(resumeConfig(changed, changed, {key}));
        auto kept = resumeConfig(defaults, changed, {});
        ASSERT_TRUE(kept);
        EXPECT_EQ(differingSettings(defaults, *kept), std::vector<std::string>{});
    }
}

// `synthembed-cli train --help` is generated from the table: every row with a flag shows it with the
// row's help, its default (TrainConfig's) and its range; the footer lists the flags a resume may change.
TEST(TrainSettings, CliHasEveryRowsFlag) {
    const auto r = test::runCli({"train", "--help"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string& help = r.out;
    const auto footer = help.find("Resume:");
    ASSERT_NE(footer, std::string::npos) << help;
    const std::string resumeText = help.substr(footer);
    // Each option's text (its line and the help lines under it) by each of its names.
    std::map<std::string, std::string> options;
    {
        std::istringstream in(help.substr(0, footer));
        std::string line, current;
        std::vector<std::string> names;
        auto flush = [&] {
            for (const auto& n : names) options[n] = current;
        };
        while (std::getline(in, line)) {
            if (line.rfind("  -", 0) == 0) {
                flush();
                current = line;
                const auto first = line.find_first_not_of(' ');
                names = flagNames(line.substr(first, line.find_first_of(" {", first) - first));
            } else if (!names.empty() && line.rfind("   ", 0) == 0) {
                current += "\n" + line;
            }
        }
        flush();
    }
    const TrainConfig d;
    int withFlag = 0;
    visitRunSettings(d, [&](const RunSetting& s, const auto& field) {
        using T = std::decay_t<decltype(field)>;
        if (!*s.flag) return;
        ++withFlag;
        SCOPED_TRACE(s.key);
        const auto names = flagNames(s.flag);
        for (const auto& n : names) EXPECT_TRUE(options.count(n)) << n << " not in:\n" << help;
        if (!options.count(names[0])) return;
        const std::string& text = options[names[0]];
        EXPECT_NE(text.find(s.help), std::string::npos) << "help of " << s.flag << ": " << text;
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
            std::ostringstream def;
            def << field;
            // CLI11 2.3 (Debian 12) shows "=DEFAULT", 2.4 (Debian 13) "[DEFAULT]".
            EXPECT_TRUE(text.find("=" + def.str()) != std::string::npos ||
                        text.find("[" + def.str() + "]") != std::string::npos)
                << "default of " << s.flag << ": " << text;
            if (!s.range.any()) {
                std::ostringstream range;
                range << " in [" << static_cast<T>(s.range.min) << " - " << static_cast<T>(s.range.max) << "]";
                EXPECT_NE(text.find(range.str()), std::string::npos) << "range of " << s.flag << ": " << text;
            }
        }
        const bool listed = resumeText.find(names[0]) != std::string::npos;
        EXPECT_EQ(listed, s.mayChangeOnResume) << names[0] << " in the resume footer:\n" << resumeText;
    });
    EXPECT_GT(withFlag, 30);
}

// A value outside a row's range is refused by the CLI before anything loads, naming the flag.
TEST(TrainSettings, CliRefusesValuesOutsideTheRange) {
    test::TempDir dir;
    const auto r = test::runCli({"train", "--output", (dir / "out").string(), "--model", (dir / "m").string(),
                                 "--batch-size", "1"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("--batch-size"), std::string::npos) << r.err;
    // "not in range 2 to 1000000" (CLI11 2.3, Debian 12) or "not in range [2 - 1000000]" (2.4, Debian 13).
    EXPECT_TRUE(r.err.find("not in range 2 to 1000000") != std::string::npos ||
                r.err.find("not in range [2 - 1000000]") != std::string::npos)
        << r.err;
}

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
