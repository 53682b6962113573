// train: contrastive fine-tuning of a model folder into an embedder (core/train).

#include "command.h"
#include "json_out.h"
#include "model_ref.h"
#include "progress_bar.h"

#include "core/train/settings.h"
#include "core/train/trainer.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <utility>

namespace synthembed::cli {
namespace {

// Flag -> run setting key (core/train/settings.h), for checking explicit choices on --resume.
const std::pair<const char*, const char*> kSettingFlags[] = {
    {"--model", "model"},
    {"--data", "data"},
    {"--output", "output"},
    {"--name", "name"},
    {"--family", "families"},
    {"--language", "languages"},
    {"--status", "statuses"},
    {"--mix", "mix"},
    {"--lora-rank", "lora_rank"},
    {"--lora-alpha", "lora_alpha"},
    {"--lora-dropout", "lora_dropout"},
    {"--lora-targets", "lora_targets"},
    {"--full", "full"},
    {"--gradient-checkpointing", "gradient_checkpointing"},
    {"--pooling", "pooling"},
    {"--temperature", "temperature"},
    {"--symmetric", "symmetric"},
    {"--batch-size", "batch_size"},
    {"--mini-batch", "mini_batch"},
    {"--accumulation", "accumulation"},
    {"--lr", "lr"},
    {"--weight-decay", "weight_decay"},
    {"--warmup", "warmup"},
    {"--no-decay", "linear_decay"},
    {"--clip", "clip"},
    {"--steps", "steps"},
    {"--epochs", "epochs"},
    {"--max-length", "max_length"},
    {"--seed", "seed"},
    {"--device", "device"},
    {"--no-bf16", "bf16"},
    {"--checkpoint-every", "checkpoint_every"},
    {"--keep-checkpoints", "keep_checkpoints"},
    {"--dev-fraction", "dev_fraction"},
    {"--dev-every", "dev_every"},
    {"--no-adapter", "save_adapter"},
};

void registerTrainCommands(CLI::App& root) {
    auto* cmd = root.add_subcommand("train", "Fine-tune a model into a text embedder (InfoNCE, LoRA, GradCache)");
    cmd->footer(
        "Data: --data FILE.jsonl ({\"query\",\"positive\"[,\"negative\"][,\"instruction\"]} per line), or the\n"
        "project's accepted samples (--db, filtered by --family/--language). Queries get\n"
        "\"Instruct: {instruction}\\nQuery: {query}\"; EOS is appended to every sequence.\n"
        "Multi-process: start one process per rank with MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE\n"
        "(and LOCAL_RANK) set, as torchrun does (torchrun ... --no-python synthembed-cli train ...);\n"
        "NCCL between GPUs with --device cuda (cuda:LOCAL_RANK), Gloo with --device cpu;\n"
        "--batch-size is the global batch.\n"
        "Examples:\n"
        "  synthembed-cli train --model models/stories260K --data pairs.jsonl --output out --full\n"
        "  synthembed-cli train --db proj.synthembed --family short-long --model M --output out --steps 500\n"
        "  synthembed-cli train --output out --resume\n"
        "Resume: every setting comes from the newest checkpoint in OUTPUT/checkpoints (model, data,\n"
        "schedule, LoRA, dev share, ...). Flags given with --resume must match the run's settings, except\n"
        "--device, --gradient-checkpointing, --checkpoint-every, --keep-checkpoints, --dev-every,\n"
        "--name and --no-adapter, which override them (they do not change what the run computes).");
    auto c = std::make_shared<train::TrainConfig>();
    auto pooling = std::make_shared<std::string>("auto");
    auto mix = std::make_shared<std::string>("random");
    auto metricsFile = std::make_shared<std::string>();
    auto stopAfter = std::make_shared<std::int64_t>(0);
    cmd->add_option("--model", c->modelDir, "Base model folder (config.json, safetensors, tokenizer) or Hugging Face repo id ORG/NAME[@REV]; "
                                            "not needed with --resume");
    cmd->add_option("--data", c->dataJsonl, "Training pairs/triples as JSONL (default: the project's samples)");
    cmd->add_option("--output,-o", c->outputDir, "Output model folder (checkpoints in OUTPUT/checkpoints)")->required();
    cmd->add_option("--name", c->name, "Run name recorded in the project");
    cmd->add_option("--family", c->filter.families, "Only samples of these families (repeatable)");
    cmd->add_option("--language", c->filter.languages, "Only samples in these languages (repeatable)");
    cmd->add_option("--status", c->filter.statuses, "Sample statuses to use")->default_str("accepted edited");
    cmd->add_option("--mix", *mix, "Batch composition: random | family (one family per batch)")->default_str("random");
    cmd->add_option("--lora-rank", c->lora.rank, "LoRA rank")->default_val(16);
    cmd->add_option("--lora-alpha", c->lora.alpha, "LoRA alpha (scale = alpha / rank)")->default_val(32.0);
    cmd->add_option("--lora-dropout", c->lora.dropout, "Dropout on the LoRA input")->default_val(0.05);
    cmd->add_option("--lora-targets", c->lora.targetModules, "Projection names to adapt (default: every linear layer)");
    cmd->add_flag("--full", c->fullFineTune, "Train every weight instead of LoRA adapters");
    cmd->add_flag("--gradient-checkpointing", c->gradientCheckpointing,
                  "Recompute each layer's activations in backward: much less memory, ~30% more compute");
    cmd->add_option("--pooling", *pooling, "last | mean | cls | auto (last for decoders, mean for encoders)")->default_str("auto");
    cmd->add_option("--temperature", c->temperature, "InfoNCE temperature")->default_val(0.02);
    cmd->add_flag("--symmetric", c->symmetric, "Add the document-to-query loss term");
    cmd->add_option("--batch-size", c->batchSize, "Queries per step (global, all processes)")->default_val(32);
    cmd->add_option("--mini-batch", c->miniBatch, "GradCache sub-batch: sequences per forward (0 = off)")->default_val(0);
    cmd->add_option("--accumulation", c->accumulation, "Batches per optimiser step")->default_val(1);
    cmd->add_option("--lr", c->lr, "Peak learning rate (AdamW)")->default_val(1e-4);
    cmd->add_option("--weight-decay", c->weightDecay, "AdamW weight decay (not on norms/biases)")->default_val(0.1);
    cmd->add_option("--warmup", c->warmupSteps, "Linear warmup steps")->default_val(100);
    cmd->add_flag("!--no-decay", c->linearDecay, "Constant learning rate after warmup (default: linear decay)");
    cmd->add_option("--clip", c->clipNorm, "Max gradient norm (0 = off)")->default_val(1.0);
    auto* steps = cmd->add_option("--steps", c->steps, "Optimiser steps");
    cmd->add_option("--epochs", c->epochs, "Epochs (when --steps is not given)")->default_val(1.0)->excludes(steps);
    cmd->add_option("--max-length", c->maxLength, "Max tokens per sequence (EOS included)")->default_val(512);
    cmd->add_option("--seed", c->seed, "Seed for data order, adapters and dropout")->default_val(42);
    cmd->add_option("--device", c->device, "cpu | cuda | cuda:N")->default_val("cpu");
    cmd->add_flag("!--no-bf16", c->bf16, "No bf16 autocast on CUDA");
    cmd->add_option("--checkpoint-every", c->checkpointEvery, "Steps between checkpoints (0 = on stop only)")->default_val(100);
    cmd->add_option("--keep-checkpoints", c->keepCheckpoints, "Checkpoints kept")->default_val(2);
    cmd->add_flag("--resume", c->resume, "Continue from the newest checkpoint in OUTPUT/checkpoints");
    cmd->add_flag("--overwrite", c->overwrite,
                  "Start a new run in an OUTPUT that holds another run: the old one is moved to OUTPUT.previous-N")
        ->excludes("--resume");
    cmd->add_option("--dev-fraction", c->devFraction, "Held-out share for the dev metric (in-batch accuracy)")->default_val(0.0);
    cmd->add_option("--dev-every", c->devEvery, "Steps between dev evaluations")->default_val(0);
    cmd->add_flag("!--no-adapter", c->saveAdapter, "Do not write the LoRA adapter folder files");
    cmd->add_option("--metrics", *metricsFile, "Also append every step's metrics to this JSONL file");
    cmd->add_option("--stop-after", *stopAfter, "Stop (checkpoint, resumable) after this many steps of this invocation");

    cmd->callback([=] {
        train::TrainConfig config = *c;
        if (*pooling != "auto" && !train::parsePooling(*pooling, config.pooling))
            throw CliError{"--pooling: unknown value '" + *pooling + "' (last, mean, cls, auto)"};
        if (*mix == "family") config.mix = train::BatchMix::SameFamily;
        else if (*mix != "random") throw CliError{"--mix: unknown value '" + *mix + "' (random, family)"};
        std::optional<train::TrainConfig> stored;
        if (config.resume) {
            auto s = train::checkpointSettings(config.outputDir);
            if (!s) throw CliError{s.error().message};
            stored = *s;
        }
        if (!stored && config.modelDir.empty())
            throw CliError{config.resume ? "nothing to resume with its stored settings in " + config.outputDir +
                                               "/checkpoints: give --model and the run's options"
                                         : std::string("--model is required (except to resume a run)")};
        if (!config.modelDir.empty()) config.modelDir = resolveModelArg(config.modelDir);
        auto check = train::checkBaseModel(config.modelDir.empty() ? stored->modelDir : config.modelDir);
        if (!check) throw CliError{check.error().message};
        if (*pooling == "auto") config.pooling = check->decoder ? train::Pooling::LastToken : train::Pooling::Mean;
        if (config.dataJsonl.empty() || !globals().db.empty()) config.projectDb = projectPath().string();
        if (stored) {
            // The run's own settings, with what was chosen explicitly now checked against them.
            std::vector<std::string> chosen;
            for (const auto& [flag, key] : kSettingFlags)
                if (cmd->get_option(flag)->count() > 0) chosen.push_back(key);
            if (!globals().db.empty()) chosen.push_back("project");
            auto merged = train::resumeConfig(*stored, config, chosen);
            if (!merged) throw CliError{merged.error().message};
            config = *merged;
        }

        std::unique_ptr<std::ofstream> metricsOut;
        if (!metricsFile->empty()) {
            metricsOut = std::make_unique<std::ofstream>(*metricsFile, std::ios::app);
            if (!*metricsOut) throw CliError{*metricsFile + ": cannot open for writing"};
        }
        ProgressBar bar("train");
        train::TrainCallbacks cb;
        cb.hooks = bar.hooks();
        std::int64_t stepsThisRun = 0;
        auto userStop = cb.hooks.shouldStop;
        cb.hooks.shouldStop = [&, userStop] {
            return (userStop && userStop()) || (*stopAfter > 0 && stepsThisRun >= *stopAfter);
        };
        cb.hooks.progress = nullptr;
        const bool verbose = globals().verbose;
        cb.onStep = [&](const train::StepMetrics& m) {
            ++stepsThisRun;
            char stage[160];
            std::snprintf(stage, sizeof stage, "loss %.4f acc %.2f lr %.2e %.1f samples/s", m.loss, m.accuracy, m.lr,
                          m.samplesPerSec);
            bar.update(m.step, m.totalSteps, stage);
            if (metricsOut) {
                nlohmann::json j = {{"step", m.step}, {"wall_time", m.wallTime}};
                for (auto& [k, v] : m.asMap()) j[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
                *metricsOut << j.dump() << "\n" << std::flush;
            }
            if (verbose) std::fprintf(stderr, "step %lld/%lld %s\n", static_cast<long long>(m.step),
                                      static_cast<long long>(m.totalSteps), stage);
        };
        auto r = train::runTraining(config, cb);
        bar.finish();
        if (!r) throw CliError{r.error().message};
        const auto& o = *r;
        if (globals().json) {
            printJson({{"steps", o.steps},
                       {"total_steps", o.totalSteps},
                       {"stopped", o.stopped},
                       {"output", o.outputDir},
                       {"checkpoint", o.lastCheckpoint},
                       {"final_loss", o.finalLoss},
                       {"run_id", o.runId}});
        } else if (o.stopped) {
            std::cout << "stopped at step " << o.steps << "/" << o.totalSteps << "; checkpoint " << o.lastCheckpoint
                      << " (continue with --resume)\n";
        } else {
            std::cout << "trained " << o.steps << " steps, final loss " << o.finalLoss << "; model written to "
                      << o.outputDir << "\n";
        }
    });
}

const Registrar reg(60, registerTrainCommands);

} // namespace
} // namespace synthembed::cli
