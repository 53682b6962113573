#pragma once
// The training runs of a project as a table: one row per training_runs row, with the last step
// and loss from train_metrics. The rows live in SQLite, so the table survives restarts; refresh()
// re-reads them (the area calls it every second while a run is going).

#include <QAbstractTableModel>
#include <QString>
#include <QVector>

#include <cmath>
#include <limits>

namespace synthembed::db {
class Database;
}

namespace synthembed::ui {

struct RunRow {
    qint64 id = 0;
    QString name, state, baseModel, outputDir, createdAt, finishedAt, error, configJson;
    qint64 step = -1;      ///< last recorded step (-1: none yet)
    double loss = std::numeric_limits<double>::quiet_NaN();
};

class RunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, State, Step, Loss, BaseModel, Output, Created, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    /// db may be null (no project); the model then is empty.
    void setDatabase(const db::Database* db);
    /// Re-reads the rows; keeps row identity (no reset) when only values changed or runs were added.
    void refresh();
    /// The run this process is training now: a 'running' row that is not active is shown as
    /// interrupted (its process ended without finishing it; it can be resumed from its checkpoint).
    void setActiveRun(qint64 id);
    /// Same, by output folder, before the run id is known.
    void setActiveOutput(const QString& outputDir);
    /// The running run's newest step and loss as the trainer reported them: its Step and Loss
    /// cells show them while they are ahead of the stored rows (metrics are stored in batches), so
    /// the table says the step the progress bar and the plots say.
    void setLiveStep(qint64 runId, qint64 step, double loss);

    const RunRow* run(int row) const;
    int rowOf(qint64 id) const;
    /// State as shown: the stored state, or "interrupted" for a stale 'running' row.
    QString displayState(const RunRow& r) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QVector<RunRow> load() const;
    const db::Database* m_db = nullptr;
    QVector<RunRow> m_rows;
    qint64 m_activeId = 0;
    QString m_activeOutput;
    qint64 m_liveId = 0;
    qint64 m_liveStep = -1;
    double m_liveLoss = std::numeric_limits<double>::quiet_NaN();
};

} // namespace synthembed::ui
