#pragma once
/// A training run's settings as JSON: what training_runs.config holds and what every checkpoint
/// stores, so a resume runs with exactly the settings the run started with. Plain C++.
///
/// Keys (one per TrainConfig field that shapes the run): model, output, name, data, project,
/// families, languages, statuses, mix, max_length, full, lora_rank, lora_alpha, lora_dropout,
/// lora_targets, pooling, gradient_checkpointing, temperature, symmetric, batch_size, mini_batch,
/// accumulation, lr, weight_decay, beta1, beta2, eps, warmup, steps, epochs, clip, linear_decay,
/// seed, device, bf16, checkpoint_every, keep_checkpoints, dev_every, dev_fraction, log_every,
/// save_merged, save_adapter. (`resume` is not a setting of the run.)
///
/// Resume: every setting comes from the checkpoint. A setting chosen explicitly for the resume
/// (a CLI flag) must equal the stored one, except the few that do not change what the run
/// computes (resumeMayChange): those override.

#include "core/train/config.h"
#include "core/util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace synthembed::train {

/// Every setting key, in the order above.
const std::vector<std::string>& runSettingKeys();

/// The settings as a JSON object text.
std::string runSettingsJson(const TrainConfig& config);

/// Reads runSettingsJson's text over `base`: present keys replace base's values, missing keys
/// (runs written by older versions) keep them, unknown keys are ignored. Failure
/// "train.settings" for invalid JSON or a value of the wrong type (naming the key).
Result<TrainConfig> runSettingsFromJson(const std::string& json, TrainConfig base = {});

/// Settings a resume may change because the run computes the same numbers with any value:
/// name, device, gradient_checkpointing, checkpoint_every, keep_checkpoints, dev_every,
/// log_every, save_merged, save_adapter.
bool resumeMayChange(const std::string& key);

/// Keys whose values differ between a and b (paths compared after making them absolute).
std::vector<std::string> differingSettings(const TrainConfig& a, const TrainConfig& b);

/// The settings stored with the newest complete checkpoint under outputDir/checkpoints;
/// nullopt when there is none or it predates stored settings.
Result<std::optional<TrainConfig>> checkpointSettings(const std::string& outputDir);

/// The config a resume runs with: `stored`, with `requested`'s values for the keys in `chosen`
/// (settings the user set explicitly). Failure "train.resume" naming every chosen key that
/// resumeMayChange refuses and whose value differs (given and stored values).
Result<TrainConfig> resumeConfig(const TrainConfig& stored, const TrainConfig& requested,
                                 const std::vector<std::string>& chosen);

/// Model, output, data and project paths made absolute (so a run resumes from any folder).
TrainConfig withAbsolutePaths(TrainConfig config);

} // namespace synthembed::train
