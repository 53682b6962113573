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
#include "core/train/data.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::model {
class Backbone; // core/model/backbone.h (torch)
}

namespace synthembed::train {

class Distributed;
class TrainerEngine; // core/train/engine.h (torch)

/// Text -> ids, with the model's special tokens (BOS etc.); the trainer appends EOS itself.
struct TokenizerFns {
    std::function<std::vector<std::int32_t>(const std::string&)> encode;
    std::int32_t eosId = 2;
    std::int32_t padId = 0;
    bool appendEos = true; ///< false for encoders whose post-processor already ends with [SEP]
};

/// The training loop over one model::Backbone (a loaded model folder, or a test's own model):
/// LoRA adapters on the model's linear layers (or every weight with fullFineTune), the
/// contrastive loss with GradCache, checkpoints in config.outputDir/checkpoints. runTraining
/// builds one from a model folder; tests build one from a tiny model. Its tensors (batches,
/// encodings, trainable weights, adapters) are in engine() (core/train/engine.h: torch).
class Trainer {
public:
    /// Moves the backbone to config.device and freezes it (LoRA) or trains it whole. Failure
    /// "train_config" / "train_data" / "train_lora" for settings, data or targets that cannot run.
    /// dist: the process group of a multi-process run (null: one process).
    Trainer(std::shared_ptr<model::Backbone> backbone, TokenizerFns tokenizer, TrainConfig config,
            std::vector<TrainExample> train, std::vector<TrainExample> dev = {}, Distributed* dist = nullptr);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    /// Trains until the last step, a stop request (checkpoint, outcome.stopped) or a failure
    /// (Failure thrown; code "train_nonfinite" for NaN/Inf loss, the last good checkpoint kept).
    TrainOutcome run(const TrainCallbacks& callbacks = {});

    std::int64_t totalSteps() const;
    const TrainConfig& config() const;
    /// The settings stored with every checkpoint (runSettingsJson), when they differ from
    /// config()'s (runTraining stores the device as given, before choosing each rank's GPU).
    void setRunSettings(const std::string& settingsJson);
    std::filesystem::path checkpointRoot() const;
    /// In-batch retrieval accuracy on the dev set (no gradient).
    double devAccuracy();

    /// The torch side (core and tests only: include core/train/engine.h).
    TrainerEngine& engine() { return *m_engine; }
    const TrainerEngine& engine() const { return *m_engine; }

private:
    std::unique_ptr<TrainerEngine> m_engine;
};

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
