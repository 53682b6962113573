#include "ui/train/runs_model.h"

#include "ui/errors.h"

#include "core/train/run_store.h"
#include "core/util/log.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>

namespace synthembed::ui {

void RunsModel::setDatabase(const db::Database* db) {
    beginResetModel();
    m_db = db;
    m_rows = load();
    endResetModel();
}

QVector<RunRow> RunsModel::load() const {
    QVector<RunRow> rows;
    if (!m_db) return rows;
    auto runs = train::listRuns(*m_db);
    if (!runs) {
        // A locked or damaged database must not take the window down; the next refresh retries.
        log::warn("training runs: ", failureLine(runs.error()));
        return rows;
    }
    for (const auto& s : *runs) {
        RunRow r;
        r.id = s.id;
        r.name = QString::fromStdString(s.name);
        r.state = QString::fromStdString(s.state);
        r.baseModel = QString::fromStdString(s.baseModel);
        r.outputDir = QString::fromStdString(s.outputDir);
        r.createdAt = QString::fromStdString(s.createdAt);
        r.finishedAt = QString::fromStdString(s.finishedAt);
        r.error = QString::fromStdString(s.error);
        r.configJson = QString::fromStdString(s.configJson);
        if (s.step) r.step = *s.step;
        if (s.loss) r.loss = *s.loss;
        rows.push_back(std::move(r));
    }
    return rows;
}

void RunsModel::refresh() {
    auto rows = load();
    const auto sameIds = [&](int offset) {
        for (int i = 0; i < m_rows.size(); ++i)
            if (rows[i + offset].id != m_rows[i].id) return false;
        return true;
    };
    if (rows.size() >= m_rows.size() && sameIds(int(rows.size() - m_rows.size()))) {
        // Newest first: new runs appear on top; the old rows keep their identity (and selection).
        const int added = int(rows.size() - m_rows.size());
        if (added > 0) {
            beginInsertRows({}, 0, added - 1);
            m_rows = rows;
            endInsertRows();
        } else {
            m_rows = rows;
        }
        if (!m_rows.isEmpty()) Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void RunsModel::setActiveRun(qint64 id) {
    m_activeId = id;
    if (!m_rows.isEmpty()) Q_EMIT dataChanged(index(0, State), index(int(m_rows.size()) - 1, State));
}

void RunsModel::setLiveStep(qint64 runId, qint64 step, double loss) {
    m_liveId = runId;
    m_liveStep = step;
    m_liveLoss = loss;
    if (const int row = rowOf(runId); row >= 0) Q_EMIT dataChanged(index(row, Step), index(row, Loss));
}

void RunsModel::setActiveOutput(const QString& outputDir) {
    m_activeOutput = outputDir;
    if (!m_rows.isEmpty()) Q_EMIT dataChanged(index(0, State), index(int(m_rows.size()) - 1, State));
}

const RunRow* RunsModel::run(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr; }

int RunsModel::rowOf(qint64 id) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id) return i;
    return -1;
}

QString RunsModel::displayState(const RunRow& r) const {
    if (r.state == QLatin1String("running")) {
        const bool active = (m_activeId && r.id == m_activeId) ||
                            (!m_activeId && !m_activeOutput.isEmpty() && r.outputDir == m_activeOutput);
        if (!active) return QStringLiteral("interrupted");
    }
    return r.state;
}

int RunsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int RunsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunsModel::data(const QModelIndex& index, int role) const {
    const RunRow* r = run(index.row());
    if (!r) return {};
    const QString state = displayState(*r);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Id: return r->id;
        case Name: return r->name.isEmpty() ? tr("run %1").arg(r->id) : r->name;
        case State:
            if (state == QLatin1String("done")) return tr("done");
            if (state == QLatin1String("running")) return tr("running");
            if (state == QLatin1String("stopped")) return tr("stopped");
            if (state == QLatin1String("failed")) return tr("failed");
            if (state == QLatin1String("interrupted")) return tr("interrupted");
            if (state == QLatin1String("paused")) return tr("paused");
            return tr("pending");
        case Step: {
            const qint64 step = r->id == m_liveId ? std::max(r->step, m_liveStep) : r->step;
            return step >= 0 ? QVariant(step) : QVariant();
        }
        case Loss: {
            const double loss = r->id == m_liveId && m_liveStep > r->step ? m_liveLoss : r->loss;
            return std::isnan(loss) ? QVariant() : QVariant(QLocale().toString(loss, 'f', 4));
        }
        case BaseModel: return QFileInfo(r->baseModel).fileName();
        case Output: return r->outputDir;
        case Created: return QString(r->createdAt).replace(QLatin1Char('T'), QLatin1Char(' ')).left(16);
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == State) {
            if (!r->error.isEmpty()) return r->error;
            if (state == QLatin1String("interrupted"))
                return tr("The program ended while this run was training; resume continues from its last checkpoint.");
            if (state == QLatin1String("stopped")) return tr("Stopped with a checkpoint; resume continues exactly.");
        }
        if (index.column() == BaseModel) return r->baseModel;
        if (index.column() == Output) return r->outputDir;
        return {};
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        if (state == QLatin1String("failed")) return QBrush(QColor(0xc0, 0x20, 0x20));
        if (state == QLatin1String("running")) return QBrush(QColor(0x10, 0x70, 0xc0));
        if (state == QLatin1String("done")) return QBrush(QColor(0x20, 0x80, 0x30));
        return {};
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Id || index.column() == Step || index.column() == Loss))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole) return r->id;
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Id: return tr("ID");
    case Name: return tr("Name");
    case State: return tr("State");
    case Step: return tr("Step");
    case Loss: return tr("Loss");
    case BaseModel: return tr("Base model");
    case Output: return tr("Output folder");
    case Created: return tr("Created");
    default: return {};
    }
}

} // namespace synthembed::ui
