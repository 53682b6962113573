#pragma once
// The job table: a model over the job rows in the project database (so it shows jobs of earlier
// sessions and of other processes, e.g. the CLI), refreshed by the owner's timer. Rates are
// measured between refreshes.

#include "core/gen/job.h"
#include "core/gen/runner.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <functional>
#include <optional>
#include <vector>

namespace synthembed::ui {

class JobTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, State, Progress, Accepted, Rejected, Requests, InFlight, Rate, Tokens, Cost, Model, Error, ColumnCount };
    /// Progress column: this role gives the percentage (0..100) for the progress bar delegate.
    static constexpr int PercentRole = Qt::UserRole + 1;
    static constexpr int JobIdRole = Qt::UserRole + 2;
    static constexpr int StateRole = Qt::UserRole + 3;
    /// A job state as shown ("done" -> "fertig" in German).
    static QString stateLabel(gen::JobState state);

    explicit JobTableModel(QObject* parent = nullptr);

    void setProject(const store::Project* project);
    /// Jobs this process is running (shown as such; others in state running belong to another process).
    void setLocalJobs(const QSet<qint64>& ids) { m_local = ids; }
    /// Live counters of jobs running in this process (in flight, retries), fresher than the rows.
    void setLiveProvider(std::function<std::optional<gen::LiveStats>(qint64)> provider) { m_live = std::move(provider); }
    /// Re-reads every job row; keeps rows (and the selection) when the set of jobs is unchanged.
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const gen::JobStats* job(int row) const;
    int rowOfJob(qint64 id) const;
    /// The latest retry or failure of job `id`, in the server's (or curl's) words: live for a run in
    /// this process (as of the last refresh), else the job row's (written by the runner, also in
    /// another process). Empty: none, or no such job.
    QString lastErrorOf(qint64 id) const;
    /// Requests answered per second over the last refresh interval (smoothed).
    double requestRate(qint64 id) const { return m_rates.value(id).requestsPerSec; }

private:
    struct RateSample {
        qint64 done = 0, tokens = 0;
        qint64 atMs = 0;
        double requestsPerSec = 0, tokensPerSec = 0;
    };
    const store::Project* m_project = nullptr;
    std::vector<gen::JobStats> m_jobs;
    QHash<qint64, RateSample> m_rates;
    QSet<qint64> m_local;
    std::function<std::optional<gen::LiveStats>(qint64)> m_live;
    QHash<qint64, gen::LiveStats> m_liveStats; // taken at refresh
    QElapsedTimer m_clock;
};

} // namespace synthembed::ui
