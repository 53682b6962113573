#pragma once
/// Contrastive fine-tuning: the options of one training run and the metrics it reports.
/// Plain C++ (no torch): shared by the CLI, the GUI and core's trainer.

#include "core/util/progress.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::train {

/// How a sequence's hidden states become one embedding.
enum class Pooling { LastToken, Mean, Cls };
const char* poolingName(Pooling pooling);
/// "last" / "lasttoken" / "last_token", "mean", "cls"; false when unknown.
bool parsePooling(const std::string& name, Pooling& out);

/// Low-rank adapters on the backbone's linear projections (Hu et al. 2021; e5-mistral: r16, all linear).
struct LoraOptions {
    int rank = 16;
    double alpha = 32.0;   ///< scale = alpha / rank
    double dropout = 0.05; ///< on the adapter's input, as PEFT
    /// Projection names (last path component, e.g. "q_proj", "query") to adapt; empty = every linear layer.
    std::vector<std::string> targetModules;
};

/// How batches mix families: Random draws every example from the shuffled whole; SameFamily
/// builds each batch from one family (families weighted by their size), as e5 recipes do so
/// in-batch negatives are of the same kind.
enum class BatchMix { Random, SameFamily };

/// Which project samples to train on.
struct SampleFilter {
    std::vector<std::string> families;  ///< empty = all
    std::vector<std::string> languages; ///< empty = all
    std::vector<std::string> statuses = {"accepted", "edited"};
};

struct TrainConfig {
    // --- model and output
    std::string modelDir;  ///< base model folder (config.json + safetensors + tokenizer)
    std::string outputDir; ///< final model folder; checkpoints go to outputDir/checkpoints
    std::string name;      ///< run name (recorded in the project)
    // --- data
    std::string dataJsonl;  ///< JSONL {"query","positive"[,"negative"][,"instruction"]}; empty = project samples
    std::string projectDb;  ///< project file: samples source (when dataJsonl is empty) and run recording
    SampleFilter filter;
    BatchMix mix = BatchMix::Random;
    int maxLength = 512;
    // --- model options
    bool fullFineTune = false; ///< train every weight instead of LoRA adapters
    LoraOptions lora;
    Pooling pooling = Pooling::LastToken;
    bool gradientCheckpointing = false;
    // --- loss
    double temperature = 0.02;
    bool symmetric = false; ///< add the document-to-query InfoNCE term
    // --- batch
    int batchSize = 32;  ///< queries per optimiser step (global: all processes together)
    int miniBatch = 0;   ///< GradCache sub-batch (sequences per forward); 0 = whole batch in one pass
    int accumulation = 1; ///< batches per optimiser step (each with its own in-batch negatives)
    // --- optimiser and schedule
    double lr = 1e-4;
    double weightDecay = 0.1; ///< not applied to norms and biases
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    int warmupSteps = 100;
    std::int64_t steps = 0; ///< optimiser steps; 0 = from epochs
    double epochs = 1.0;
    double clipNorm = 1.0;  ///< max global gradient norm; 0 = no clipping
    bool linearDecay = true; ///< after warmup, decay linearly to 0 at the last step (false: constant)
    // --- run
    std::uint64_t seed = 42;
    std::string device = "cpu"; ///< "cpu", "cuda", "cuda:1"
    bool bf16 = true;           ///< bf16 autocast when on CUDA
    int checkpointEvery = 100;  ///< steps between checkpoints; 0 = only on stop and at the end
    int keepCheckpoints = 2;
    bool resume = false;        ///< continue from the newest checkpoint under outputDir/checkpoints
    bool overwrite = false;     ///< a new run in a folder holding another run moves that run aside
    int devEvery = 0;           ///< steps between dev evaluations; 0 = none
    double devFraction = 0.0;   ///< held-out share of the data for the dev metric (in-batch retrieval accuracy)
    // --- output
    bool saveMerged = true;  ///< merged weights as HF safetensors (always true for full fine-tunes)
    bool saveAdapter = true; ///< LoRA adapter alone in PEFT's layout
};

/// What one optimiser step reports (also written to train_metrics rows, one per field).
struct StepMetrics {
    std::int64_t step = 0;
    std::int64_t totalSteps = 0;
    double loss = 0;
    double lr = 0;
    double gradNorm = 0;
    double accuracy = 0;   ///< in-batch top-1 (query -> its positive)
    double posCos = 0;     ///< mean cosine query/positive
    double negCos = 0;     ///< mean cosine query/other candidates
    double tokensPerSec = 0;
    double samplesPerSec = 0;
    double memoryMb = 0;   ///< MiB: on CUDA the peak allocated during the step; on CPU the process's resident set after it
    double wallTime = 0;   ///< seconds since the run (or resume) began
    std::optional<double> devAccuracy; ///< set on dev-evaluation steps
    /// name -> value for storage
    std::map<std::string, double> asMap() const;
};

struct TrainCallbacks {
    /// After every optimiser step, on the training thread.
    std::function<void(const StepMetrics&)> onStep;
    /// progress(done steps, total steps, stage) and shouldStop (checkpoint, then stop: a pause).
    ProgressHooks hooks;
    /// While the base model's weights load, before the first step: progress(bytes loaded, bytes in
    /// all, tensor name). A 7B model's float32 master weights take a minute to convert.
    std::function<void(std::int64_t bytesDone, std::int64_t bytesTotal, const std::string& tensor)> onLoad;
    /// Once the run has its id, before the first step, on the training thread (rank 0 only):
    /// runId is its training_runs row (TrainOutcome::runId; 0 when no project records it),
    /// outputDir the folder it writes. A resumed run reports the row it continues.
    std::function<void(std::int64_t runId, const std::string& outputDir)> onRunStarted;
};

struct TrainOutcome {
    std::int64_t steps = 0;     ///< optimiser steps done in total
    std::int64_t totalSteps = 0;
    bool stopped = false;       ///< stopped on request before the end (resume continues)
    std::string outputDir;      ///< final model folder (empty when stopped)
    std::string lastCheckpoint;
    double finalLoss = 0;
    std::int64_t runId = 0;     ///< training_runs row when recorded in a project
    std::string checkpointRunId; ///< the run id its checkpoints carry (see prepareRunFolder)
    std::string previousMovedTo; ///< where `overwrite` moved the folder's previous run (or empty)
};

} // namespace synthembed::train
