#include "ui/train/training_job.h"

#include "ui/errors.h"

#include "ui/models/model_reference.h"

#include "core/train/trainer.h"

#include <chrono>

namespace synthembed::ui {

TrainingJob::TrainingJob(train::TrainConfig config, QObject* parent) : QObject(parent), m_config(std::move(config)) {
    qRegisterMetaType<train::StepMetrics>();
    qRegisterMetaType<train::TrainOutcome>();
    setAutoDelete(false); // the area owns the job and deletes it once `finished`/`failed` arrived
}

void TrainingJob::run() {
    train::TrainCallbacks cb;
    cb.onRunStarted = [this](std::int64_t runId, const std::string&) { Q_EMIT runStarted(runId); };
    cb.onStep = [this](const train::StepMetrics& m) { Q_EMIT stepDone(m); };
    cb.hooks.progress = [this](std::int64_t done, std::int64_t total, const std::string& stage) {
        Q_EMIT progress(done, total, QString::fromStdString(stage));
    };
    cb.hooks.shouldStop = [this] { return m_stop.load(); };
    // Before the first step the base model loads (a minute for a 7B model): its bytes as a stage
    // "Loading model NAME (14.2 GB)... 3.1 GB (22%)", at most ~10 times a second.
    const QString name = ModelReference::resolve(QString::fromStdString(m_config.modelDir)).displayName();
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    cb.onLoad = [this, name, &last](std::int64_t done, std::int64_t total, const std::string&) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(100) && done != total && done != 0) return;
        last = now;
        Q_EMIT progress(done, total, loadingModelText(name, done, total));
    };
    // runTraining converts every exception (libtorch's included) into an Error; the catch is
    // the last line of defence so nothing escapes into the thread pool.
    try {
        auto result = train::runTraining(m_config, cb);
        if (result) Q_EMIT finished(*result);
        else Q_EMIT failed(formatFailure(result.error()));
    } catch (const std::exception& e) {
        Q_EMIT failed(formatFailure(e));
    }
}

} // namespace synthembed::ui
