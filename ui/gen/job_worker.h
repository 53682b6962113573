#pragma once
// Runs one generation job off the GUI thread: a QRunnable wrapping core's GenerationRunner on its
// own project connection. Pause/cancel/live are thread-safe; the outcome comes back as a queued
// signal carrying the job id (never the worker pointer, which the owner may already have dropped).

#include "core/gen/runner.h"

#include <QObject>
#include <QRunnable>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>

namespace synthembed::ui {

class JobWorker : public QObject, public QRunnable {
    Q_OBJECT
public:
    JobWorker(QString projectPath, qint64 jobId, QObject* parent = nullptr);
    ~JobWorker() override;

    void run() override;
    qint64 jobId() const { return m_jobId; }

    /// Thread-safe; work also before run() has started (the runner starts stopped then).
    void requestPause();
    void requestCancel();
    /// Live counters while the runner exists.
    std::optional<gen::LiveStats> live() const;

Q_SIGNALS:
    /// state: the core state name (done, paused, cancelled, failed); message: why, when not done.
    void finished(qint64 jobId, const QString& state, const QString& message);

private:
    QString m_projectPath;
    qint64 m_jobId;
    mutable std::mutex m_mutex;
    std::unique_ptr<gen::GenerationRunner> m_runner; // guarded by m_mutex (the pointer, not the runner)
    int m_stop = 0;                                  // 1 pause, 2 cancel requested before the runner existed
};

} // namespace synthembed::ui
