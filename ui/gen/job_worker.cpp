#include "ui/gen/job_worker.h"

#include "ui/errors.h"

#include "core/store/project.h"
#include "core/util/log.h"

namespace synthembed::ui {

JobWorker::JobWorker(QString projectPath, qint64 jobId, QObject* parent)
    : QObject(parent), m_projectPath(std::move(projectPath)), m_jobId(jobId) {
    setAutoDelete(false); // the owner deletes it once the pool is done with it
}

JobWorker::~JobWorker() = default;

void JobWorker::requestPause() {
    std::lock_guard lk(m_mutex);
    if (m_runner)
        m_runner->requestPause();
    else if (m_stop == 0)
        m_stop = 1;
}

void JobWorker::requestCancel() {
    std::lock_guard lk(m_mutex);
    if (m_runner)
        m_runner->requestCancel();
    else
        m_stop = 2;
}

std::optional<gen::LiveStats> JobWorker::live() const {
    std::lock_guard lk(m_mutex);
    if (!m_runner) return std::nullopt;
    return m_runner->live();
}

void JobWorker::run() {
    QString state = QStringLiteral("failed"), message;
    try {
        // The runner's connection belongs to this thread alone.
        auto project = store::Project::open(m_projectPath.toStdString());
        if (!project) {
            message = formatFailure(project.error());
        } else {
            {
                std::lock_guard lk(m_mutex);
                m_runner = std::make_unique<gen::GenerationRunner>(*project, m_jobId);
                if (m_stop == 1) m_runner->requestPause();
                if (m_stop == 2) m_runner->requestCancel();
            }
            auto outcome = m_runner->run();
            if (!outcome) {
                message = formatFailure(outcome.error());
            } else {
                state = QString::fromLatin1(gen::jobStateName(outcome->state));
                message = QString::fromStdString(outcome->message);
            }
            std::lock_guard lk(m_mutex);
            m_runner.reset();
        }
    } catch (const std::exception& e) {
        message = formatFailure(e);
    }
    if (state == QLatin1String("failed"))
        log::warn("job ", m_jobId, " failed: ", message.toStdString());
    else
        log::info("job ", m_jobId, " stopped: ", state.toStdString());
    Q_EMIT finished(m_jobId, state, message);
}

} // namespace synthembed::ui
