#include "ui/models/model_memory.h"

#include "ui/errors.h"

#include "core/model/footprint.h"
#include "core/platform/platform.h"
#include "core/util/result.h"

#include <QDir>

namespace synthembed::ui {

namespace {

/// "14.2 GB", "4.0 MB": as core writes it in its messages.
QString gigabytes(std::uint64_t bytes) { return QString::fromStdString(model::formatGigabytes(bytes)); }

std::uint64_t g_machineOverride = 0;

std::uint64_t machineBytes(std::uint64_t physicalBytes) {
    if (physicalBytes) return physicalBytes;
    return g_machineOverride ? g_machineOverride : platform::physicalMemoryBytes();
}

} // namespace

void ModelMemory::overrideMachineBytes(std::uint64_t bytes) { g_machineOverride = bytes; }

QString ModelMemory::parameterCount(std::uint64_t n) {
    if (n >= 1'000'000'000) return QStringLiteral("%1 B").arg(double(n) / 1e9, 0, 'f', 2);
    if (n >= 1'000'000) return QStringLiteral("%1 M").arg(double(n) / 1e6, 0, 'f', 2);
    if (n >= 1'000) return QStringLiteral("%1 k").arg(double(n) / 1e3, 0, 'f', 1);
    return QString::number(n);
}

ModelMemoryInfo ModelMemory::forInference(const QString& modelDir, std::uint64_t physicalBytes) {
    ModelMemoryInfo info;
    if (modelDir.isEmpty() || !QDir(modelDir).exists()) return info;
    auto fp = model::footprint(modelDir.toStdString());
    if (!fp || fp->parameters == 0) return info;
    info.known = true;
    const std::uint64_t have = machineBytes(physicalBytes);
    const QString name = QDir(modelDir).dirName();
    std::string dtype;
    try {
        dtype = model::chooseCpuDtype("auto", *fp, have, name.toStdString());
    } catch (const Failure& f) {
        info.problem = formatFailure(f);
    }
    const QString head = tr("%1 parameters, %2 checkpoint")
                             .arg(parameterCount(fp->parameters), QString::fromStdString(fp->fileDtype));
    if (!dtype.empty()) {
        info.neededBytes = fp->weightBytes(dtype) + model::kRuntimeReserveBytes;
        info.text = have ? tr("%1; needs about %2 as %3 on CPU (this machine: %4)")
                               .arg(head, gigabytes(info.neededBytes), QString::fromStdString(dtype), gigabytes(have))
                         : tr("%1; needs about %2 as %3 on CPU").arg(head, gigabytes(info.neededBytes),
                                                                      QString::fromStdString(dtype));
    } else {
        // Nothing fits: the smallest dtype's need, and the one-line reason.
        info.neededBytes = fp->weightBytes("bfloat16") + model::kRuntimeReserveBytes;
        info.text = tr("%1; does not fit this machine's memory (%2)").arg(head, gigabytes(have));
    }
    return info;
}

ModelMemoryInfo ModelMemory::forCpuTraining(const QString& modelDir, bool fullFineTune, std::uint64_t physicalBytes) {
    ModelMemoryInfo info;
    if (modelDir.isEmpty() || !QDir(modelDir).exists()) return info;
    auto fp = model::footprint(modelDir.toStdString());
    if (!fp || fp->parameters == 0) return info;
    info.known = true;
    const std::uint64_t have = machineBytes(physicalBytes);
    info.neededBytes = model::cpuTrainingBytes(*fp, fullFineTune);
    try {
        model::checkCpuTrainingFits(*fp, fullFineTune, have, QDir(modelDir).dirName().toStdString());
    } catch (const Failure& f) {
        info.problem = formatFailure(f);
    }
    info.text = fullFineTune ? tr("Full fine-tuning on CPU needs about %1 before activations (float32 weights, "
                                  "gradients and optimizer state).")
                                   .arg(gigabytes(info.neededBytes))
                             : tr("LoRA training on CPU needs about %1 before activations (float32 base weights).")
                                   .arg(gigabytes(info.neededBytes));
    return info;
}

} // namespace synthembed::ui
