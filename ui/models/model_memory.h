#pragma once
// What a model folder will cost in memory, for the GUI's model pickers (Training, Evaluation,
// Explorer): parameters, the checkpoint's dtype and the memory its weights need in the dtype they run
// in on CPU (core/model/footprint.h, headers only: nothing is loaded). When the model does not fit
// this machine, `problem` holds core's one-line message.

#include <QCoreApplication>
#include <QString>

#include <cstdint>

namespace synthembed::ui {

struct ModelMemoryInfo {
    bool known = false;  ///< the folder has readable safetensors headers
    QString text;        ///< "1.24 B parameters, bfloat16 checkpoint; needs 2.5 GB as bfloat16 on CPU (this machine: 31.2 GB)"
    QString problem;     ///< empty, or why it does not fit (one line)
    std::uint64_t neededBytes = 0;
};

class ModelMemory {
    Q_DECLARE_TR_FUNCTIONS(synthembed::ui::ModelMemory)
public:
    /// For running (embedding, evaluation): the CPU dtype "auto" would pick. `physicalBytes`: the
    /// machine's memory (0: ask the platform).
    static ModelMemoryInfo forInference(const QString& modelDir, std::uint64_t physicalBytes = 0);
    /// For a CPU training run (full fine-tune or LoRA): what core's trainer will check before it starts.
    static ModelMemoryInfo forCpuTraining(const QString& modelDir, bool fullFineTune, std::uint64_t physicalBytes = 0);
    /// Tests: pretend the machine has `bytes` of memory (0: the real figure).
    static void overrideMachineBytes(std::uint64_t bytes);
    /// "1.24 B", "135 M", "260 k"
    static QString parameterCount(std::uint64_t n);
};

} // namespace synthembed::ui
