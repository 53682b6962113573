#include "ui/project_watcher.h"

#include "ui/errors.h"

#include "core/store/change_probe.h"
#include "core/util/log.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace synthembed::ui {

// Lives in the watcher's thread: owns the probe's connection and the poll timer.
class ProjectWatcher::Worker : public QObject {
public:
    explicit Worker(ProjectWatcher* owner) : m_owner(owner) {}

    void reset(const QString& path, int generation, int interval) {
        if (!m_timer) {
            m_timer = new QTimer(this);
            m_timer->setSingleShot(true);
            QObject::connect(m_timer, &QTimer::timeout, this, [this] { poll(); });
        }
        m_timer->stop();
        m_probe.reset();
        m_last.reset();
        m_version = -1;
        m_slowPending = false;
        m_openFailed = false;
        m_path = path;
        m_generation = generation;
        m_interval = interval;
        if (!m_path.isEmpty()) poll();
    }
    void setInterval(int ms) { m_interval = ms; }

    void poll() {
        if (m_path.isEmpty()) return;
        QElapsedTimer clock;
        clock.start();
        try {
            check();
        } catch (const std::exception& e) {
            // A locked or vanished file must not end the watching: the next tick retries.
            log::warn("project watcher: ", failureLine(e));
            m_probe.reset();
        }
        // Stamping a very large project takes a while: never spend more than a fifth of the time on it.
        m_timer->start(std::max<qint64>(m_interval, 5 * clock.elapsed()));
    }

private:
    void check() {
        if (!m_probe) {
            auto probe = store::ChangeProbe::open(m_path.toStdString());
            if (!probe) {
                if (!m_openFailed) log::warn("project watcher: ", failureLine(probe.error()));
                m_openFailed = true;
                return;
            }
            m_probe.emplace(std::move(probe).take());
            m_version = -1; // a new connection counts from its own start
        }
        const auto version = m_probe->dataVersion();
        const bool moved = version != m_version;
        m_version = version;
        if (moved) m_slowPending = true;
        // The slow markers (a full scan of the samples) at most once a second, and only after commits.
        const bool full = !m_last || (m_slowPending && m_sinceFull.elapsed() >= kSlowEveryMs);
        if (!moved && !full) return;
        auto stamp = m_probe->stamp(full ? nullptr : &*m_last);
        if (full) {
            m_slowPending = false;
            m_sinceFull.start();
        }
        if (!stamp) {
            log::warn("project watcher: ", failureLine(stamp.error()));
            return;
        }
        if (!m_last) {
            m_last = std::move(*stamp);
            return;
        }
        const auto tables = store::changedTables(*m_last, *stamp);
        m_last = std::move(*stamp);
        if (tables.empty()) return;
        ProjectChange change;
        for (const auto& t : tables) change.tables.insert(QString::fromStdString(t));
        for (const auto& [t, s] : m_last->tables) change.rows.insert(QString::fromStdString(t), s.rows);
        QMetaObject::invokeMethod(
            m_owner, [owner = m_owner, generation = m_generation, change] { owner->deliver(generation, change); },
            Qt::QueuedConnection);
    }

    ProjectWatcher* m_owner;
    QTimer* m_timer = nullptr;
    std::optional<store::ChangeProbe> m_probe;
    std::optional<store::ProjectStamp> m_last;
    static constexpr qint64 kSlowEveryMs = 1000;
    std::int64_t m_version = -1;
    bool m_slowPending = false;
    QElapsedTimer m_sinceFull;
    QString m_path;
    int m_generation = 0;
    int m_interval = kDefaultIntervalMs;
    bool m_openFailed = false;
};

ProjectWatcher::ProjectWatcher(QObject* parent) : QObject(parent), m_worker(new Worker(this)) {
    qRegisterMetaType<ProjectChange>();
    m_thread.setObjectName(QStringLiteral("projectWatcher"));
    m_worker->moveToThread(&m_thread);
    // Deleted in its own thread as the thread ends, so its timer is stopped there.
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
}

ProjectWatcher::~ProjectWatcher() {
    m_thread.quit();
    m_thread.wait();
}

void ProjectWatcher::watch(const QString& projectFile) {
    m_path = projectFile;
    const int generation = ++m_generation;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, projectFile, generation, interval = m_interval] {
        w->reset(projectFile, generation, interval);
    });
}

void ProjectWatcher::setInterval(int ms) {
    m_interval = std::max(10, ms);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, ms = m_interval] { w->setInterval(ms); });
}

void ProjectWatcher::checkNow() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->poll(); });
}

void ProjectWatcher::deliver(int generation, const ProjectChange& change) {
    if (generation != m_generation) return; // about a project no longer watched
    ++m_reports;
    Q_EMIT changed(change);
}

} // namespace synthembed::ui
