#pragma once
/// Contrastive fine-tuning of a model folder into an embedder (e5-mistral recipe). Plain C++:
/// the CLI calls runTraining directly; the GUI runs it in a worker thread, receives per-step
/// metrics through TrainCallbacks::onStep, and pauses/stops through hooks.shouldStop (the run
/// checkpoints and returns outcome.stopped; TrainConfig::resume continues it exactly).
///
/// Example:
///   train::TrainConfig c;
///   c.modelDir = "models/stories260K"; c.dataJsonl = "train.jsonl"; c.outputDir = "out";
///   auto r = train::runTraining(c, {.onStep = [](const train::StepMetrics& m) { ... }});
///
/// Multi-process: set MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE (and LOCAL_RANK) as torchrun
/// does and start one process per rank with the same config; batchSize is the global batch.

#include "core/train/config.h"
#include "core/util/result.h"

namespace synthembed::train {

/// Loads the model, tokenizer and data, trains, and writes the output folder (merged HF
/// safetensors + config + tokenizer files, the LoRA adapter in PEFT's layout, and the
/// sentence-transformers files). With config.projectDb the run and its metrics are recorded in
/// training_runs / train_metrics. Errors: train.data, train.config, train.resume,
/// train.nonfinite (NaN/Inf loss; the last good checkpoint is kept), train.dist, ...
Result<TrainOutcome> runTraining(const TrainConfig& config, const TrainCallbacks& callbacks = {});

/// Checks a base model folder without loading weights: architecture, size, tokenizer found.
struct ModelCheck {
    std::string modelType;
    bool decoder = false;
    std::int64_t hiddenSize = 0;
    std::int64_t parameters = 0;
    std::string tokenizerFile;
};
Result<ModelCheck> checkBaseModel(const std::string& modelDir);

/// Number of examples the config's data selection yields (for live counts in the GUI).
Result<std::int64_t> countTrainingExamples(const TrainConfig& config);

} // namespace synthembed::train
