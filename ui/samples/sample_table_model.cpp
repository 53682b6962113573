#include "ui/samples/sample_table_model.h"

#include "ui/errors.h"

#include "core/util/log.h"

#include <QColor>

namespace synthembed::ui {

SampleTableModel::SampleTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SampleTableModel::setProject(const store::Project* project) {
    m_project = project;
    reload();
}

void SampleTableModel::setFilter(const gen::SampleFilter& filter) {
    m_filter = filter;
    reload();
}

void SampleTableModel::reload() {
    beginResetModel();
    m_pages.clear();
    m_lru.clear();
    m_anchors.clear();
    m_count = 0;
    if (m_project) {
        auto n = gen::countSamples(*m_project, m_filter);
        if (n)
            m_count = *n;
        else
            log::warn("samples: ", failureLine(n.error()));
    }
    endResetModel();
}

bool SampleTableModel::appendNewRows() {
    if (!m_project) return false;
    auto n = gen::countSamples(*m_project, m_filter);
    if (!n || *n == m_count) return false;
    if (*n < m_count) {
        reload();
        return true;
    }
    // Rows are ordered by id and new samples get larger ids: they land at the end. The last,
    // partly filled page is the only cached one that changes.
    const int lastPage = static_cast<int>(m_count / kPageSize);
    if (auto it = m_pages.find(lastPage); it != m_pages.end()) {
        m_lru.erase(it->second.lru);
        m_pages.erase(it);
    }
    beginInsertRows({}, static_cast<int>(m_count), static_cast<int>(*n - 1));
    m_count = *n;
    endInsertRows();
    return true;
}

Result<SampleTableModel::Snapshot> SampleTableModel::readSnapshot(const store::Project& reader,
                                                                 const gen::SampleFilter& filter,
                                                                 const std::vector<int>& pages) {
    Snapshot s;
    auto n = gen::countSamples(reader, filter);
    if (!n) return n.error();
    s.count = *n;
    for (int index : pages) {
        if (index < 0 || static_cast<qint64>(index) * kPageSize >= s.count || s.pages.count(index)) continue;
        gen::PageRequest req;
        req.limit = kPageSize;
        req.offset = static_cast<std::int64_t>(index) * kPageSize;
        auto rows = gen::fetchSamples(reader, filter, req);
        if (!rows) return rows.error();
        s.pages[index] = std::move(*rows);
        if (static_cast<int>(s.pages.size()) == kMaxPages) break;
    }
    return s;
}

void SampleTableModel::applySnapshot(Snapshot snapshot) {
    // The snapshot's pages first: whatever the view asks while rows come and go is answered from them.
    m_pages.clear();
    m_lru.clear();
    m_anchors.clear();
    for (auto& [index, rows] : snapshot.pages) {
        m_lru.push_front(index);
        auto& p = m_pages[index];
        p.rows = std::move(rows);
        if (!p.rows.empty()) m_anchors[index] = p.rows.front().id;
        p.lru = m_lru.begin();
    }
    if (snapshot.count < m_count) {
        beginRemoveRows({}, static_cast<int>(snapshot.count), static_cast<int>(m_count - 1));
        m_count = snapshot.count;
        endRemoveRows();
    }
    const qint64 before = m_count;
    if (snapshot.count > m_count) {
        beginInsertRows({}, static_cast<int>(m_count), static_cast<int>(snapshot.count - 1));
        m_count = snapshot.count;
        endInsertRows();
    }
    if (before > 0) Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(before) - 1, ColumnCount - 1));
}

const SampleTableModel::Page* SampleTableModel::page(int index) const {
    if (auto it = m_pages.find(index); it != m_pages.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
        return &it->second;
    }
    if (!m_project) return nullptr;
    gen::PageRequest req;
    req.limit = kPageSize;
    // Keyset from a neighbour when we have one: an index seek instead of skipping `offset` rows.
    auto prev = m_pages.find(index - 1);
    auto next = m_pages.find(index + 1);
    if (prev != m_pages.end() && static_cast<int>(prev->second.rows.size()) == kPageSize) {
        req.afterId = prev->second.rows.back().id;
    } else if (next != m_pages.end() && !next->second.rows.empty()) {
        req.beforeId = next->second.rows.front().id;
    } else {
        // Nearest known page start at or below, and above, this page.
        req.offset = static_cast<std::int64_t>(index) * kPageSize;
        auto above = m_anchors.upper_bound(index);
        if (above != m_anchors.begin()) {
            auto below = std::prev(above);
            req.afterId = below->second - 1; // ids are integers: "> first-1" starts at that page
            req.offset = static_cast<std::int64_t>(index - below->first) * kPageSize;
        }
        if (above != m_anchors.end() && (above->first - index - 1) * std::int64_t{kPageSize} < req.offset) {
            req.afterId.reset();
            req.beforeId = above->second;
            req.offset = static_cast<std::int64_t>(above->first - index - 1) * kPageSize;
        }
        ++m_offsetFetches;
    }
    auto rows = gen::fetchSamples(*m_project, m_filter, req);
    ++m_fetches;
    if (!rows) {
        log::warn("samples: ", failureLine(rows.error()));
        return nullptr;
    }
    while (static_cast<int>(m_pages.size()) >= kMaxPages) {
        m_pages.erase(m_lru.back());
        m_lru.pop_back();
    }
    m_lru.push_front(index);
    auto& p = m_pages[index];
    p.rows = std::move(*rows);
    if (!p.rows.empty()) m_anchors[index] = p.rows.front().id;
    p.lru = m_lru.begin();
    return &p;
}

const gen::SampleRow* SampleTableModel::rowAt(int row) const {
    if (row < 0 || row >= m_count) return nullptr;
    const Page* p = page(row / kPageSize);
    if (!p) return nullptr;
    auto i = static_cast<std::size_t>(row % kPageSize);
    return i < p->rows.size() ? &p->rows[i] : nullptr;
}

qint64 SampleTableModel::sampleId(int row) const {
    const auto* r = rowAt(row);
    return r ? r->id : -1;
}

int SampleTableModel::loadedRowOf(qint64 id) const {
    for (auto& [index, p] : m_pages)
        for (std::size_t i = 0; i < p.rows.size(); ++i)
            if (p.rows[i].id == id) return index * kPageSize + static_cast<int>(i);
    return -1;
}

int SampleTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_count);
}
int SampleTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {
QString oneLine(const std::string& s) {
    QString q = QString::fromStdString(s);
    q.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return q;
}
} // namespace

QString SampleTableModel::statusLabel(const std::string& status) {
    if (status == "accepted") return tr("accepted");
    if (status == "rejected") return tr("rejected");
    if (status == "edited") return tr("edited");
    return QString::fromStdString(status);
}

QVariant SampleTableModel::data(const QModelIndex& index, int role) const {
    if (role != Qt::DisplayRole && role != IdRole && role != Qt::ForegroundRole && role != Qt::ToolTipRole) return {};
    const gen::SampleRow* r = rowAt(index.row());
    if (!r) return {};
    if (role == IdRole) return QVariant::fromValue<qint64>(r->id);
    if (role == Qt::ForegroundRole) {
        if (index.column() != Status) return {};
        if (r->status == "rejected") return QColor(0xb0, 0x20, 0x20);
        if (r->status == "edited") return QColor(0x20, 0x50, 0xb0);
        return {};
    }
    if (role == Qt::ToolTipRole) return index.column() == Reason ? QString::fromStdString(r->rejectReason) : QVariant();
    switch (index.column()) {
    case Id: return QVariant::fromValue<qint64>(r->id);
    case Family: return QString::fromStdString(r->family);
    case Language: return QString::fromStdString(r->language);
    case Status: return statusLabel(r->status);
    case Query: return oneLine(r->query);
    case Positive: return oneLine(r->positive);
    case Negative: return oneLine(r->negative);
    case Reason: return oneLine(r->rejectReason);
    default: return {};
    }
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Id: return tr("ID");
    case Family: return tr("Family");
    case Language: return tr("Language");
    case Status: return tr("Status");
    case Query: return tr("Query");
    case Positive: return tr("Positive");
    case Negative: return tr("Negative");
    case Reason: return tr("Reject reason");
    default: return {};
    }
}

} // namespace synthembed::ui
