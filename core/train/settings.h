#pragma once
/// A training run's settings, described once (runSettings below): the JSON that training_runs.config
/// and every checkpoint store (so a resume runs with exactly the settings the run started with), the
/// key setter that reads it back, the resume rules and the CLI's flags are all generated from that
/// table. Plain C++.
///
/// Adding a setting: a TrainConfig field (its initializer is the default) and one row in
/// visitRunSettings; JSON, resume and `synthembed-cli train` (flag, help, default, accepted range)
/// follow, and the GUI's RunBuilder takes a field's default and range from the row. (`resume` and
/// `overwrite` are not settings of the run.)
///
/// Resume: every setting comes from the checkpoint. A setting chosen explicitly for the resume
/// (a CLI flag) must equal the stored one, except the few that do not change what the run
/// computes (RunSetting::mayChangeOnResume): those override.

#include "core/train/config.h"
#include "core/util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace synthembed::train {

/// The values a numeric setting accepts, both ends included (min == max: any value).
struct SettingRange {
    double min = 0, max = 0;
    bool any() const { return min == max; }
    bool contains(double v) const { return any() || (v >= min && v <= max); }
};

/// One row of the settings table.
struct RunSetting {
    const char* key;  ///< JSON key in the stored settings
    const char* flag; ///< `synthembed-cli train` flag ("" = none); a bool flag "--no-..." clears the setting
    const char* help; ///< the flag's help (defaults are TrainConfig's initializers, shown from there)
    bool mayChangeOnResume = false; ///< the run computes the same numbers with any value
    SettingRange range = {};        ///< what the CLI accepts and the GUI's field offers
};

/// The table: calls visit(const RunSetting&, FIELD&) for every setting, in the stored order, with
/// FIELD a member of `config` (std::string, bool, int, std::int64_t, std::uint64_t, double,
/// std::vector<std::string>, BatchMix or Pooling). Config may be const (FIELD is then const).
template <class Config, class Visit>
void visitRunSettings(Config& c, Visit&& visit) {
    // clang-format off
    visit(RunSetting{"model", "--model", "Base model folder (config.json, safetensors, tokenizer) or Hugging Face repo id "
                                         "ORG/NAME[@REV]; not needed with --resume"}, c.modelDir);
    visit(RunSetting{"output", "--output,-o", "Output model folder (checkpoints in OUTPUT/checkpoints)"}, c.outputDir);
    visit(RunSetting{"name", "--name", "Run name recorded in the project", true}, c.name);
    visit(RunSetting{"data", "--data", "Training pairs/triples as JSONL (default: the project's samples)"}, c.dataJsonl);
    visit(RunSetting{"project", "", "Project file (--db): samples source and run recording"}, c.projectDb);
    visit(RunSetting{"families", "--family", "Only samples of these families (repeatable)"}, c.filter.families);
    visit(RunSetting{"languages", "--language", "Only samples in these languages (repeatable)"}, c.filter.languages);
    visit(RunSetting{"statuses", "--status", "Sample statuses to use"}, c.filter.statuses);
    visit(RunSetting{"mix", "--mix", "Batch composition: random | family (one family per batch)"}, c.mix);
    visit(RunSetting{"max_length", "--max-length", "Max tokens per sequence (EOS included)", false, {8, 1 << 20}},
          c.maxLength);
    visit(RunSetting{"full", "--full", "Train every weight instead of LoRA adapters"}, c.fullFineTune);
    visit(RunSetting{"lora_rank", "--lora-rank", "LoRA rank", false, {1, 1024}}, c.lora.rank);
    visit(RunSetting{"lora_alpha", "--lora-alpha", "LoRA alpha (scale = alpha / rank)", false, {0.1, 4096}},
          c.lora.alpha);
    visit(RunSetting{"lora_dropout", "--lora-dropout", "Dropout on the LoRA input", false, {0, 0.9}}, c.lora.dropout);
    visit(RunSetting{"lora_targets", "--lora-targets", "Projection names to adapt (default: every linear layer)"},
          c.lora.targetModules);
    visit(RunSetting{"pooling", "--pooling", "last | mean | cls | auto (last for decoders, mean for encoders)"}, c.pooling);
    visit(RunSetting{"gradient_checkpointing", "--gradient-checkpointing",
                     "Recompute each layer's activations in backward: much less memory, ~30% more compute", true},
          c.gradientCheckpointing);
    visit(RunSetting{"temperature", "--temperature", "InfoNCE temperature", false, {0.001, 10}}, c.temperature);
    visit(RunSetting{"symmetric", "--symmetric", "Add the document-to-query loss term"}, c.symmetric);
    visit(RunSetting{"batch_size", "--batch-size", "Queries per step (global, all processes)", false, {2, 1000000}},
          c.batchSize);
    visit(RunSetting{"mini_batch", "--mini-batch", "GradCache sub-batch: sequences per forward (0 = off)", false, {0, 1000000}},
          c.miniBatch);
    visit(RunSetting{"accumulation", "--accumulation", "Batches per optimiser step", false, {1, 1000000}}, c.accumulation);
    visit(RunSetting{"lr", "--lr", "Peak learning rate (AdamW)", false, {1e-9, 1}}, c.lr);
    visit(RunSetting{"weight_decay", "--weight-decay", "AdamW weight decay (not on norms/biases)", false, {0, 1}},
          c.weightDecay);
    visit(RunSetting{"beta1", "", "AdamW beta1"}, c.beta1);
    visit(RunSetting{"beta2", "", "AdamW beta2"}, c.beta2);
    visit(RunSetting{"eps", "", "AdamW epsilon"}, c.eps);
    visit(RunSetting{"warmup", "--warmup", "Linear warmup steps", false, {0, 1000000}}, c.warmupSteps);
    visit(RunSetting{"steps", "--steps", "Optimiser steps", false, {0, 100000000}}, c.steps);
    visit(RunSetting{"epochs", "--epochs", "Epochs (when --steps is not given)", false, {0.01, 1000}}, c.epochs);
    visit(RunSetting{"clip", "--clip", "Max gradient norm (0 = off)"}, c.clipNorm);
    visit(RunSetting{"linear_decay", "--no-decay", "Constant learning rate after warmup (default: linear decay)"},
          c.linearDecay);
    visit(RunSetting{"seed", "--seed", "Seed for data order, adapters and dropout"}, c.seed);
    visit(RunSetting{"device", "--device", "cpu | cuda | cuda:N", true}, c.device);
    visit(RunSetting{"bf16", "--no-bf16", "No bf16 autocast on CUDA"}, c.bf16);
    visit(RunSetting{"checkpoint_every", "--checkpoint-every", "Steps between checkpoints (0 = on stop only)", true, {0, 1000000}},
          c.checkpointEvery);
    visit(RunSetting{"keep_checkpoints", "--keep-checkpoints", "Checkpoints kept", true}, c.keepCheckpoints);
    visit(RunSetting{"dev_every", "--dev-every", "Steps between dev evaluations", true, {0, 1000000}}, c.devEvery);
    visit(RunSetting{"dev_fraction", "--dev-fraction", "Held-out share for the dev metric (in-batch accuracy)", false, {0, 0.5}},
          c.devFraction);
    visit(RunSetting{"save_merged", "", "Write the merged weights (always for full fine-tunes)", true}, c.saveMerged);
    visit(RunSetting{"save_adapter", "--no-adapter", "Do not write the LoRA adapter folder files", true}, c.saveAdapter);
    // clang-format on
}

/// Every setting key, in the table's order.
const std::vector<std::string>& runSettingKeys();

/// The table's row for `key` (nullopt: no such setting).
std::optional<RunSetting> findRunSetting(const std::string& key);

/// The settings as a JSON object text.
std::string runSettingsJson(const TrainConfig& config);

/// Reads runSettingsJson's text over `base`: present keys replace base's values, missing keys
/// (runs written by older versions) keep them, unknown keys are ignored. Failure
/// "train_settings" for invalid JSON or a value of the wrong type (naming the key).
Result<TrainConfig> runSettingsFromJson(const std::string& json, TrainConfig base = {});

/// Whether the table marks `key` mayChangeOnResume (the run computes the same numbers with any value:
/// name, device, gradient_checkpointing, checkpoint_every, keep_checkpoints, dev_every, save_merged,
/// save_adapter).
bool resumeMayChange(const std::string& key);

/// BatchMix as stored and given on the command line ("random", "family"), and back (false: unknown).
const char* mixName(BatchMix mix);
bool parseMix(const std::string& name, BatchMix& out);

/// Keys whose values differ between a and b (paths compared after making them absolute).
std::vector<std::string> differingSettings(const TrainConfig& a, const TrainConfig& b);

/// The settings stored with the newest complete checkpoint under outputDir/checkpoints;
/// nullopt when there is none or it predates stored settings.
Result<std::optional<TrainConfig>> checkpointSettings(const std::string& outputDir);

/// The config a resume runs with: `stored`, with `requested`'s values for the keys in `chosen`
/// (settings the user set explicitly). Failure "train_resume" naming every chosen key that
/// resumeMayChange refuses and whose value differs (given and stored values).
Result<TrainConfig> resumeConfig(const TrainConfig& stored, const TrainConfig& requested,
                                 const std::vector<std::string>& chosen);

/// Model, output, data and project paths made absolute (so a run resumes from any folder).
TrainConfig withAbsolutePaths(TrainConfig config);

} // namespace synthembed::train
