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

#include <optional>
#include <string>

namespace synthembed::train {

/// Loads the model, tokenizer and data, trains, and writes the output folder (merged HF
/// safetensors + config + tokenizer files, the LoRA adapter in PEFT's layout, and the
/// sentence-transformers files). With config.projectDb the run and its metrics are recorded in
/// training_runs / train_metrics. Errors: train.data, train.config, train.resume,
/// train.nonfinite (NaN/Inf loss; the last good checkpoint is kept), train.dist, ...
Result<TrainOutcome> runTraining(const TrainConfig& config, const TrainCallbacks& callbacks = {});

/// A training run found in an output folder: its checkpoints and/or its exported model.
struct OutputFolderRun {
    std::string runId;          ///< "" when its files predate run ids
    std::string lastCheckpoint; ///< newest complete checkpoint folder; "" when only a model is there
    std::int64_t step = -1;     ///< the newest checkpoint's step, else the exported model's (-1: unknown)
    bool exportedModel = false; ///< the folder holds a model written by `train` (synthembed_train.json)
    std::string asideTo;        ///< where moving it aside would put it now: OUTPUT.previous-N
    /// "run R, last checkpoint step-00000123", "run (without id: ...), exported model at step 40", ...
    std::string describe() const;
};

/// What `outputDir` holds before a new run writes there: nullopt when a new run may use it (missing,
/// empty, or nothing of a run). Any complete checkpoint or exported model counts as another run,
/// with or without a run id (folders written before run ids have none). A new run refuses such a
/// folder (Failure "train_output") unless TrainConfig::resume continues it (only possible with a
/// checkpoint) or TrainConfig::overwrite moves the whole folder to `asideTo`; the CLI (--resume /
/// --overwrite) and the GUI ask the same question.
Result<std::optional<OutputFolderRun>> inspectOutputFolder(const std::string& outputDir);

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
