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
#include <string_view>
#include <type_traits>
#include <utility>

namespace synthembed::cli {
namespace {

// The option name CLI11 knows a flag by ("--output,-o" -> "--output").
std::string optionName(const char* flag) {
    const std::string f = flag;
    return f.substr(0, f.find(','));
}

// The flags a resume may change, as the footer lists them.
std::string resumeOverrides() {
    std::string out;
    const train::TrainConfig defaults;
    train::visitRunSettings(defaults, [&](const train::RunSetting& s, const auto&) {
        if (*s.flag && s.mayChangeOnResume) out += (out.empty() ? "" : ", ") + optionName(s.flag);
    });
    if (const auto last = out.rfind(", "); last != std::string::npos) out.replace(last, 2, " and ");
    return out;
}

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
        "schedule, LoRA, dev share, ...). Flags given with --resume must match the run's settings, except\n" +
        resumeOverrides() + ",\nwhich override them (they do not change what the run computes).");
    auto c = std::make_shared<train::TrainConfig>();
    // Pooling "auto" picks by architecture (decoder: last token, encoder: mean) once the model is known.
    auto pooling = std::make_shared<std::string>("auto");
    auto mix = std::make_shared<std::string>(train::mixName(c->mix));
    auto metricsFile = std::make_shared<std::string>();
    auto stopAfter = std::make_shared<std::int64_t>(0);
    // Every run setting with a flag (core/train/settings.h's table); defaults are TrainConfig's.
    train::visitRunSettings(*c, [&](const train::RunSetting& s, auto& field) {
        using T = std::decay_t<decltype(field)>;
        if (!*s.flag) return;
        if constexpr (std::is_same_v<T, bool>) {
            const bool clears = std::string_view(s.flag).rfind("--no-", 0) == 0;
            cmd->add_flag(clears ? std::string("!") + s.flag : std::string(s.flag), field, s.help);
        } else if constexpr (std::is_same_v<T, train::Pooling>) {
            cmd->add_option(s.flag, *pooling, s.help)->default_str("auto");
        } else if constexpr (std::is_same_v<T, train::BatchMix>) {
            cmd->add_option(s.flag, *mix, s.help)->default_str(train::mixName(field));
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            auto* o = cmd->add_option(s.flag, field, s.help);
            if (!field.empty()) o->capture_default_str();
        } else {
            auto* o = cmd->add_option(s.flag, field, s.help)->capture_default_str();
            if constexpr (std::is_arithmetic_v<T>)
                if (!s.range.any()) o->check(CLI::Range(static_cast<T>(s.range.min), static_cast<T>(s.range.max)));
        }
    });
    cmd->get_option("--output")->required();
    cmd->get_option("--epochs")->excludes(cmd->get_option("--steps"));
    cmd->add_flag("--resume", c->resume, "Continue from the newest checkpoint in OUTPUT/checkpoints");
    cmd->add_flag("--overwrite", c->overwrite,
                  "Start a new run in an OUTPUT that holds another run: the old one is moved to OUTPUT.previous-N")
        ->excludes("--resume");
    cmd->add_option("--metrics", *metricsFile, "Also append every step's metrics to this JSONL file");
    cmd->add_option("--stop-after", *stopAfter, "Stop (checkpoint, resumable) after this many steps of this invocation");

    cmd->callback([=] {
        train::TrainConfig config = *c;
        if (*pooling != "auto" && !train::parsePooling(*pooling, config.pooling))
            throw CliError{"--pooling: unknown value '" + *pooling + "' (last, mean, cls, auto)"};
        if (!train::parseMix(*mix, config.mix))
            throw CliError{"--mix: unknown value '" + *mix + "' (random, family)"};
        std::optional<train::TrainConfig> stored;
        if (config.resume) {
            auto s = train::checkpointSettings(config.outputDir);
            if (!s) throw CliError{s.error().message, 0, s.error().code};
            stored = *s;
        }
        if (!stored && config.modelDir.empty())
            throw CliError{config.resume ? "nothing to resume with its stored settings in " + config.outputDir +
                                               "/checkpoints: give --model and the run's options"
                                         : std::string("--model is required (except to resume a run)")};
        if (!config.modelDir.empty()) config.modelDir = resolveModelArg(config.modelDir);
        auto check = train::checkBaseModel(config.modelDir.empty() ? stored->modelDir : config.modelDir);
        if (!check) throw CliError{check.error().message, 0, check.error().code};
        if (*pooling == "auto") config.pooling = check->decoder ? train::Pooling::LastToken : train::Pooling::Mean;
        if (config.dataJsonl.empty() || !globals().db.empty()) config.projectDb = projectPath().string();
        if (stored) {
            // The run's own settings, with what was chosen explicitly now checked against them.
            std::vector<std::string> chosen;
            train::visitRunSettings(*c, [&](const train::RunSetting& s, const auto&) {
                if (*s.flag && cmd->get_option(optionName(s.flag))->count() > 0) chosen.push_back(s.key);
            });
            if (!globals().db.empty()) chosen.push_back("project");
            auto merged = train::resumeConfig(*stored, config, chosen);
            if (!merged) throw CliError{merged.error().message, 0, merged.error().code};
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
        if (!r) throw CliError{r.error().message, 0, r.error().code};
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
