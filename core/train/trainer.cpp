#include "core/train/trainer.h"

#include "core/runtime/runtime.h"

#include "core/model/architectures.h"
#include "core/model/backbone.h"
#include "core/model/bert.h"
#include "core/model/footprint.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"
#include "core/platform/platform.h"
#include "core/tok/tokenizer.h"
#include "core/train/distributed.h"
#include "core/train/engine.h"
#include "core/train/export.h"
#include "core/train/run_store.h"
#include "core/train/settings.h"
#include "core/util/durable.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace synthembed::train {
namespace fs = std::filesystem;

namespace {

std::vector<TrainExample> loadData(const TrainConfig& c) {
    if (!c.dataJsonl.empty()) return loadJsonl(c.dataJsonl).take();
    if (c.projectDb.empty()) throw Failure("train_data", "no training data: give a JSONL file or a project");
    return loadProjectSamples(c.projectDb, c.filter).take();
}

} // namespace

Result<std::int64_t> countTrainingExamples(const TrainConfig& config) {
    return guarded([&] { return static_cast<std::int64_t>(loadData(config).size()); }, "train_data");
}

Result<ModelCheck> checkBaseModel(const std::string& modelDir) {
    return guarded([&] {
        ModelCheck mc;
        const fs::path dir(modelDir);
        if (!fs::is_directory(dir)) throw Failure("train_model", modelDir + ": not a folder");
        if (!fs::exists(dir / "config.json")) throw Failure("train_model", (dir / "config.json").string() + ": missing");
        auto info = model::readModelConfig(dir / "config.json");
        if (!info) throw Failure("train_model", info.error().message);
        mc.modelType = info->modelType;
        mc.decoder = info->architecture->decoder;
        mc.hiddenSize = info->hiddenSize;
        auto ckpt = model::Checkpoint::open(dir);
        if (!ckpt) throw Failure(ckpt.error().code, ckpt.error().message);
        for (const auto& t : ckpt->tensors()) mc.parameters += t.numel();
        for (const char* f : {"tokenizer.json", "tokenizer.model", "vocab.txt"})
            if (fs::exists(dir / f)) {
                mc.tokenizerFile = (dir / f).string();
                break;
            }
        if (mc.tokenizerFile.empty()) throw Failure("train_model", modelDir + ": no tokenizer (tokenizer.json, tokenizer.model or vocab.txt)");
        return mc;
    }, "train_model");
}

Result<TrainOutcome> runTraining(const TrainConfig& configIn, const TrainCallbacks& callbacks) {
    useComputeThreads(); // may run on a GUI worker thread
    std::unique_ptr<RunRecorder> recorder;
    auto result = guarded([&]() -> TrainOutcome {
        if (configIn.outputDir.empty()) throw Failure("train_config", "no output folder given");
        if (configIn.modelDir.empty()) throw Failure("train_config", "no base model folder given");
        // Absolute paths, so the stored settings resume from any working folder.
        TrainConfig config = withAbsolutePaths(configIn);
        const std::string settings = runSettingsJson(config);

        std::unique_ptr<Distributed> dist;
        if (auto env = distributedFromEnvironment()) {
            env->cuda = config.device.rfind("cuda", 0) == 0; // NCCL between GPUs, Gloo between CPUs
            dist = Distributed::connect(*env);
        }
        const int rank = dist ? dist->rank() : 0;
        if (dist && config.device.rfind("cuda", 0) == 0 && config.device == "cuda")
            config.device = "cuda:" + std::to_string(dist->localRank());

        if (model::parseDevice(config.device).is_cpu()) {
            // Before anything is loaded: a model that cannot train in this machine's memory says so.
            auto fp = model::footprint(config.modelDir);
            if (!fp) throw Failure(fp.error().code, fp.error().message);
            model::checkCpuTrainingFits(*fp, config.fullFineTune, platform::physicalMemoryBytes(), config.modelDir);
        }
        // A base model that `train` wrote: finish an interrupted model swap before reading any of it.
        durable::settleFolder(config.modelDir, durable::kModelManifestName);
        auto tokenizer = tok::Tokenizer::load(config.modelDir).take();
        model::BackboneOptions bo;
        bo.device = config.device;
        bo.dtype = "float32"; // master weights in fp32; bf16 comes from autocast on CUDA
        bo.loadHooks.progress = callbacks.onLoad;
        auto bb = model::loadBackbone(config.modelDir, bo);
        const auto& spec = bb->spec();

        auto examples = loadData(config);
        std::string instruction = examples.front().instruction;
        for (const auto& e : examples)
            if (e.instruction != instruction) {
                instruction.clear();
                break;
            }
        auto [train, dev] = splitDev(std::move(examples), config.devFraction, config.seed);
        log::info("training data: ", train.size(), " examples", dev.empty() ? "" : ", dev " + std::to_string(dev.size()));

        TokenizerFns tf;
        const tok::Tokenizer* tk = tokenizer.get();
        tf.encode = [tk](const std::string& s) { return tk->encodeIds(s, true); };
        const auto& sp = tokenizer->specialTokenIds();
        tf.appendEos = spec.decoder;
        // The same EOS as the embedder appends at inference (core/embed: the tokenizer's, then config.json's),
        // so a model is trained on the token it is later pooled at.
        tf.eosId = sp.eos ? *sp.eos : (spec.eosTokenId ? static_cast<std::int32_t>(*spec.eosTokenId) : 2);
        tf.padId = sp.pad ? *sp.pad : (spec.padTokenId ? static_cast<std::int32_t>(*spec.padTokenId) : tf.eosId);

        Trainer trainer(bb, tf, config, std::move(train), std::move(dev), dist.get());
        trainer.setRunSettings(settings);

        std::int64_t fromStep = 0;
        if (config.resume)
            if (auto last = latestCheckpoint(trainer.checkpointRoot())) {
                std::ifstream in(*last / "state.json");
                fromStep = nlohmann::json::parse(in, nullptr, false).value("step", std::int64_t{0});
            }
        if (!config.projectDb.empty() && rank == 0)
            recorder = RunRecorder::open(config.projectDb, config, settings, fromStep).take();
        if (rank == 0 && callbacks.onRunStarted) callbacks.onRunStarted(recorder ? recorder->runId() : 0, config.outputDir);

        TrainCallbacks cb = callbacks;
        cb.onStep = [&](const StepMetrics& m) {
            if (recorder) recorder->record(m);
            if (callbacks.onStep) callbacks.onStep(m);
        };
        auto out = trainer.run(cb);
        if (recorder) out.runId = recorder->runId();
        if (out.stopped) {
            if (recorder) recorder->finish("stopped");
            return out;
        }
        if (rank == 0) {
            ExportInfo info{config.modelDir, config.outputDir, spec.decoder, spec.hiddenSize, spec.modelType, instruction,
                            out.checkpointRunId, out.steps};
            exportModel(info, config, bb->module(), trainer.engine().lora(), trainer.engine().trainable());
            out.outputDir = config.outputDir;
        }
        if (dist) dist->barrier();
        if (recorder) recorder->finish("done");
        return out;
    }, "train_model");
    if (!result && recorder) {
        try {
            recorder->finish("failed", result.error().message);
        } catch (...) {
        }
    }
    return result;
}

} // namespace synthembed::train
