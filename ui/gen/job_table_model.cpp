#include "ui/gen/job_table_model.h"

#include "ui/errors.h"

#include "core/util/log.h"

#include <QColor>
#include <QLocale>

namespace synthembed::ui {

JobTableModel::JobTableModel(QObject* parent) : QAbstractTableModel(parent) { m_clock.start(); }

void JobTableModel::setProject(const store::Project* project) {
    beginResetModel();
    m_project = project;
    m_jobs.clear();
    m_rates.clear();
    endResetModel();
    refresh();
}

void JobTableModel::refresh() {
    if (!m_project) return;
    auto jobs = gen::listJobs(*m_project);
    if (!jobs) {
        log::warn("job table: ", failureLine(jobs.error()));
        return;
    }
    const qint64 now = m_clock.elapsed();
    for (auto& j : *jobs) {
        RateSample& r = m_rates[j.id];
        const qint64 tokens = j.usage.promptTokens + j.usage.completionTokens;
        if (r.atMs > 0 && now > r.atMs) {
            double dt = static_cast<double>(now - r.atMs) / 1000.0;
            double rq = static_cast<double>(j.requestsDone - r.done) / dt;
            double tk = static_cast<double>(tokens - r.tokens) / dt;
            // Smoothed so one slow refresh does not make the number jump.
            r.requestsPerSec = 0.5 * r.requestsPerSec + 0.5 * std::max(0.0, rq);
            r.tokensPerSec = 0.5 * r.tokensPerSec + 0.5 * std::max(0.0, tk);
        }
        if (j.state != gen::JobState::Running) r.requestsPerSec = r.tokensPerSec = 0;
        r.done = j.requestsDone;
        r.tokens = tokens;
        r.atMs = now;
    }
    m_liveStats.clear();
    if (m_live)
        for (auto& j : *jobs)
            if (m_local.contains(j.id))
                if (auto l = m_live(j.id)) m_liveStats.insert(j.id, *l);
    bool sameSet = jobs->size() == m_jobs.size();
    for (std::size_t i = 0; sameSet && i < m_jobs.size(); ++i) sameSet = m_jobs[i].id == (*jobs)[i].id;
    if (sameSet) {
        m_jobs = std::move(*jobs);
        if (!m_jobs.empty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_jobs = std::move(*jobs);
        endResetModel();
    }
}

int JobTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}
int JobTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const gen::JobStats* JobTableModel::job(int row) const {
    return row >= 0 && row < rowCount() ? &m_jobs[static_cast<std::size_t>(row)] : nullptr;
}

int JobTableModel::rowOfJob(qint64 id) const {
    for (int i = 0; i < rowCount(); ++i)
        if (m_jobs[static_cast<std::size_t>(i)].id == id) return i;
    return -1;
}

QString JobTableModel::lastErrorOf(qint64 id) const {
    const auto liveIt = m_liveStats.constFind(id);
    if (liveIt != m_liveStats.constEnd() && !liveIt->lastError.empty()) return QString::fromStdString(liveIt->lastError);
    const gen::JobStats* j = job(rowOfJob(id));
    return j ? QString::fromStdString(j->lastError) : QString();
}

QString JobTableModel::stateLabel(gen::JobState state) {
    switch (state) {
    case gen::JobState::Pending: return tr("pending");
    case gen::JobState::Running: return tr("running");
    case gen::JobState::Paused: return tr("paused");
    case gen::JobState::Cancelled: return tr("cancelled");
    case gen::JobState::Done: return tr("done");
    case gen::JobState::Failed: return tr("failed");
    }
    return QString::fromLatin1(gen::jobStateName(state));
}

QVariant JobTableModel::data(const QModelIndex& index, int role) const {
    const gen::JobStats* j = job(index.row());
    if (!j) return {};
    const QLocale loc;
    if (role == JobIdRole) return QVariant::fromValue<qint64>(j->id);
    if (role == StateRole) return QString::fromLatin1(gen::jobStateName(j->state));
    if (role == PercentRole && index.column() == Progress)
        return j->target > 0 ? static_cast<int>(std::min<qint64>(100, j->accepted * 100 / j->target)) : 100;
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Id: case Accepted: case Rejected: case Requests: case InFlight: case Rate: case Tokens: case Cost:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        switch (j->state) {
        case gen::JobState::Failed: return QColor(0xc0, 0x20, 0x20);
        case gen::JobState::Done: return QColor(0x20, 0x80, 0x30);
        case gen::JobState::Running: return QColor(0x20, 0x50, 0xb0);
        default: return {};
        }
    }
    const QString lastError = lastErrorOf(j->id);
    if (role == Qt::ForegroundRole && (index.column() == Error || index.column() == InFlight) && j->error.empty() &&
        !lastError.isEmpty())
        return QColor(0xb0, 0x50, 0x00);
    if (role == Qt::ToolTipRole) {
        if (index.column() == Error && !j->error.empty()) return QString::fromStdString(j->error);
        if ((index.column() == Error || index.column() == InFlight) && !lastError.isEmpty())
            return tr("Last error: %1").arg(lastError);
        if (index.column() == Progress) {
            QStringList lines;
            for (auto& [fam, tgt] : j->targetByFamily) {
                auto it = j->acceptedByFamily.find(fam);
                lines << tr("%1: %2 / %3").arg(QString::fromStdString(fam)).arg(it == j->acceptedByFamily.end() ? 0 : it->second).arg(tgt);
            }
            return lines.join(QLatin1Char('\n'));
        }
        if (index.column() == InFlight) return tr("Requests sent and not answered yet (retries of this run)");
        if (index.column() == Requests)
            return tr("%1 brainstorm, %2 tasks, %3 failed, %4 HTTP attempts")
                .arg(j->brainstormRequests).arg(j->tasks).arg(j->requestsFailed).arg(j->attempts);
        // Any other cell: its whole text (the view elides long cells in the middle).
        return data(index, Qt::DisplayRole);
    }
    if (role != Qt::DisplayRole) return {};
    const RateSample r = m_rates.value(j->id);
    switch (index.column()) {
    case Id: return QVariant::fromValue<qint64>(j->id);
    case Name: return QString::fromStdString(j->name);
    case State: {
        QString s = stateLabel(j->state);
        if (j->state == gen::JobState::Running && !m_local.contains(j->id)) s = tr("%1 (other process)").arg(s);
        return s;
    }
    case Progress: return tr("%1 / %2").arg(loc.toString(j->accepted), loc.toString(j->target));
    case Accepted: return loc.toString(j->accepted);
    case Rejected: return loc.toString(j->rejected);
    case Requests: return tr("%1 / %2").arg(loc.toString(j->requestsDone), loc.toString(j->requests));
    case InFlight: {
        auto it = m_liveStats.constFind(j->id);
        if (it == m_liveStats.constEnd()) return loc.toString(j->requestsInFlight);
        if (it->retries <= 0) return loc.toString(it->inFlight);
        const QString counts = tr("%1 (%2 retries)").arg(loc.toString(it->inFlight), loc.toString(it->retries));
        // Why it retries, next to how often (the Error column holds it too, further right).
        return it->lastError.empty() ? counts : counts + QStringLiteral(" — ") + QString::fromStdString(it->lastError);
    }
    case Rate:
        return j->state == gen::JobState::Running
                   ? tr("%1 req/s · %2 tok/s").arg(loc.toString(r.requestsPerSec, 'f', 1), loc.toString(r.tokensPerSec, 'f', 0))
                   : QString();
    case Tokens: return tr("%1 in / %2 out").arg(loc.toString(j->usage.promptTokens), loc.toString(j->usage.completionTokens));
    case Cost: return j->costUsd ? QStringLiteral("$%1").arg(*j->costUsd, 0, 'f', 4) : QString();
    case Model: return QString::fromStdString(j->model);
    case Error:
        if (!j->error.empty()) return QString::fromStdString(j->error);
        return lastError.isEmpty() ? QString() : tr("Last error: %1").arg(lastError);
    default: return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Id: return tr("ID");
    case Name: return tr("Name");
    case State: return tr("State");
    case Progress: return tr("Progress");
    case Accepted: return tr("Accepted");
    case Rejected: return tr("Rejected");
    case Requests: return tr("Requests");
    case InFlight: return tr("In flight");
    case Rate: return tr("Rate");
    case Tokens: return tr("Tokens");
    case Cost: return tr("Cost");
    case Model: return tr("Model");
    case Error: return tr("Error");
    default: return {};
    }
}

} // namespace synthembed::ui
