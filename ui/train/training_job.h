#pragma once
// One training run off the GUI thread, in qBittorrent's TorrentCreator shape: core's
// runTraining inside a QRunnable with an atomic stop flag. Per-step metrics, progress and the
// outcome come back as signals; their receivers live on the GUI thread, so they arrive queued.

#include "core/train/config.h"

#include <QMetaType>
#include <QObject>
#include <QRunnable>
#include <QString>

#include <atomic>

Q_DECLARE_METATYPE(synthembed::train::StepMetrics)
Q_DECLARE_METATYPE(synthembed::train::TrainOutcome)

namespace synthembed::ui {

class TrainingJob : public QObject, public QRunnable {
    Q_OBJECT
public:
    explicit TrainingJob(train::TrainConfig config, QObject* parent = nullptr);

    /// Runs the training to its end, a stop request or a failure (on the pool's thread).
    void run() override;
    /// Asks the trainer to write a checkpoint and return (a pause: resume continues exactly).
    void requestStop() { m_stop.store(true); }
    bool stopRequested() const { return m_stop.load(); }
    const train::TrainConfig& config() const { return m_config; }

Q_SIGNALS:
    /// The run has its training_runs row (0 without a project), before its first step.
    void runStarted(qint64 runId);
    void stepDone(const synthembed::train::StepMetrics& metrics);
    /// Steps done / total with core's stage; while the base model loads, bytes loaded / total with
    /// the stage "Loading model NAME (X GB)... Y (Z%)".
    void progress(qint64 done, qint64 total, const QString& stage);
    /// Reached the last step (outcome.outputDir set) or stopped on request (outcome.stopped).
    void finished(const synthembed::train::TrainOutcome& outcome);
    void failed(const QString& message);

private:
    train::TrainConfig m_config;
    std::atomic_bool m_stop{false};
};

} // namespace synthembed::ui
