#pragma once
// One signal for "the open project changed", whoever changed it: this window (its own writes and
// its job threads), another window, or another process such as the CLI. A worker thread polls
// SQLite's PRAGMA data_version on its own read-only connection (store::ChangeProbe; microseconds)
// and, only when that moved, stamps the tables to say which ones changed; the GUI thread never
// waits on it. MainWindow owns one and hands each change to every area (Area::projectDataChanged).

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThread>

namespace synthembed::ui {

/// What changed in the project since the last report.
struct ProjectChange {
    QSet<QString> tables;        ///< tables whose rows were added, removed or updated
    QHash<QString, qint64> rows; ///< rows of every table now
    bool touches(const char* table) const { return tables.contains(QLatin1String(table)); }
    qint64 rowsOf(const char* table) const { return rows.value(QLatin1String(table), -1); }
};

class ProjectWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 400;

    explicit ProjectWatcher(QObject* parent = nullptr);
    ~ProjectWatcher() override;

    /// Watches a project file (an empty path stops watching). The first look is the baseline and
    /// is not reported.
    void watch(const QString& projectFile);
    QString projectFile() const { return m_path; }
    /// How often data_version is read (a large project's table stamps space themselves further apart).
    void setInterval(int ms);
    int interval() const { return m_interval; }
    /// Reports made so far (tests).
    int reports() const { return m_reports; }

public Q_SLOTS:
    /// Looks now instead of at the next tick (after this process wrote).
    void checkNow();

Q_SIGNALS:
    void changed(const synthembed::ui::ProjectChange& change);

private:
    class Worker;
    void deliver(int generation, const ProjectChange& change);

    QThread m_thread;
    Worker* m_worker;
    QString m_path;
    int m_interval = kDefaultIntervalMs;
    int m_generation = 0;
    int m_reports = 0;
};

} // namespace synthembed::ui

Q_DECLARE_METATYPE(synthembed::ui::ProjectChange)
