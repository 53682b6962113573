#include "ui/templates/pool_editor.h"

#include "ui/errors.h"
#include "ui/templates/tables.h"

#include "core/prompts/prompt_store.h"
#include "core/util/log.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {

constexpr int kNameRole = Qt::UserRole;

using templates::qs;
using templates::readOnlyItem;

// Weights are edited with a spin box that allows the whole useful range (the default delegate's
// QDoubleSpinBox stops at 99.99 with two decimals).
class WeightDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override {
        auto* spin = new QDoubleSpinBox(parent);
        spin->setRange(0.0, 1e9);
        spin->setDecimals(4);
        spin->setFrame(false);
        return spin;
    }
};

QTableWidgetItem* weightItem(double weight) {
    auto* w = new QTableWidgetItem;
    w->setData(Qt::EditRole, weight);
    w->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return w;
}

QString shareText(const prompts::Pool& pool, std::size_t i) {
    return QStringLiteral("%1 %").arg(100.0 * pool.share(i), 0, 'f', 1);
}

} // namespace

PoolEditor::PoolEditor(QWidget* parent) : QSplitter(Qt::Vertical, parent) {
    setChildrenCollapsible(false);
    buildPlaceholderTable();
    addWidget(buildPoolBox());
    setStretchFactor(0, 1);
    setStretchFactor(1, 3);
}

void PoolEditor::buildPlaceholderTable() {
    m_placeholders = templates::makeTable({tr("Placeholder"), tr("Pool"), tr("Values")}, this);
    m_placeholders->setObjectName(QStringLiteral("placeholderTable"));
    m_placeholders->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_placeholders->setSelectionMode(QAbstractItemView::SingleSelection);
    m_placeholders->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_placeholders->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_placeholders->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    addWidget(m_placeholders);
    connect(m_placeholders, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (m_loading || row < 0) return;
        const auto* item = m_placeholders->item(row, 1);
        if (item) showPool(item->data(kNameRole).toString());
    });
}

QWidget* PoolEditor::buildPoolBox() {
    auto* box = new QWidget(this);
    auto* pbv = new QVBoxLayout(box);
    pbv->setContentsMargins(0, 4, 0, 0);
    pbv->setSpacing(2);
    m_poolLabel = new QLabel(box);
    m_poolLabel->setObjectName(QStringLiteral("poolLabel"));
    m_poolLabel->setTextFormat(Qt::RichText);
    pbv->addWidget(m_poolLabel);
    m_values = templates::makeTable({tr("Value"), tr("Weight"), tr("Share")}, box);
    m_values->setObjectName(QStringLiteral("poolValueTable"));
    m_values->setItemDelegateForColumn(1, new WeightDelegate(m_values));
    m_values->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                              QAbstractItemView::AnyKeyPressed);
    m_values->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_values->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_values->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    pbv->addWidget(m_values, 1);
    auto* buttons = new QHBoxLayout;
    auto button = [&](const QString& text, const QString& tip) {
        auto* b = new QToolButton(box);
        b->setText(text);
        b->setToolTip(tip);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        return b;
    };
    m_add = button(tr("Add"), tr("Add a value to the pool"));
    m_remove = button(tr("Remove"), tr("Remove the selected values"));
    m_revert = button(tr("Revert"), tr("Discard the pool edits"));
    m_save = button(tr("Save pool"),
                    tr("Store the pool as a new version (templates and samples keep the versions they used)"));
    m_save->setObjectName(QStringLiteral("savePoolButton"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    pbv->addLayout(buttons);
    connect(m_values, &QTableWidget::cellChanged, this, &PoolEditor::onCellChanged);
    connect(m_add, &QToolButton::clicked, this, &PoolEditor::addValue);
    connect(m_remove, &QToolButton::clicked, this, &PoolEditor::removeValues);
    connect(m_revert, &QToolButton::clicked, this, &PoolEditor::revertPool);
    connect(m_save, &QToolButton::clicked, this, &PoolEditor::savePool);
    return box;
}

void PoolEditor::setPools(prompts::PoolSet pools) {
    m_pools = std::move(pools);
    m_dirty.clear();
}

void PoolEditor::storedPoolsChanged(prompts::PoolSet pools) {
    if (!m_dirty.empty()) return;
    m_pools = std::move(pools);
    if (!m_currentPool.isEmpty()) showPool(m_currentPool);
}

void PoolEditor::clear() {
    m_loading = true;
    m_placeholders->setRowCount(0);
    m_values->setRowCount(0);
    m_loading = false;
    m_pools = {};
    m_dirty.clear();
    m_currentPool.clear();
}

void PoolEditor::addPlaceholderRow(const QString& placeholder, const QString& pool, const QString& poolLabel,
                                   const QString& count, bool problem) {
    const int r = m_placeholders->rowCount();
    m_placeholders->insertRow(r);
    m_placeholders->setItem(r, 0, readOnlyItem(QStringLiteral("{%1}").arg(placeholder)));
    auto* poolItem = readOnlyItem(poolLabel);
    poolItem->setData(kNameRole, pool);
    m_placeholders->setItem(r, 1, poolItem);
    auto* countItem = readOnlyItem(count);
    countItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_placeholders->setItem(r, 2, countItem);
    if (problem)
        for (int c = 0; c < 3; ++c) m_placeholders->item(r, c)->setForeground(QColor(0xb7, 0x1c, 0x1c));
}

void PoolEditor::showTemplate(const prompts::Template& tpl) {
    m_loading = true;
    m_placeholders->setRowCount(0);
    for (const auto& p : tpl.meta.placeholders) {
        const auto* pool = m_pools.find(p.pool);
        QString label = qs(p.pool);
        if (m_dirty.count(p.pool)) label += tr(" (edited)");
        addPlaceholderRow(qs(p.placeholder), qs(p.pool), pool ? label : tr("%1 (missing)").arg(qs(p.pool)),
                          pool ? QString::number(pool->values.size()) : QStringLiteral("—"),
                          !pool || pool->values.empty());
    }
    for (const auto& in : tpl.meta.inputs)
        addPlaceholderRow(qs(in), QString(), tr("input (from the plan)"), QStringLiteral("—"), false);
    // The pool shown stays selected where this template uses it (its last row); else the first
    // existing pool is.
    auto poolAt = [this](int r) { return m_placeholders->item(r, 1)->data(kNameRole).toString(); };
    int selectRow = -1;
    for (int r = m_placeholders->rowCount() - 1; r >= 0 && selectRow < 0; --r)
        if (!poolAt(r).isEmpty() && poolAt(r) == m_currentPool) selectRow = r;
    for (int r = 0; r < m_placeholders->rowCount() && selectRow < 0; ++r)
        if (!poolAt(r).isEmpty() && m_pools.find(poolAt(r).toStdString())) selectRow = r;
    if (selectRow >= 0) m_placeholders->selectRow(selectRow);
    m_loading = false;
    const QString pool = selectRow >= 0 ? poolAt(selectRow) : QString();
    if (pool != m_currentPool || m_values->rowCount() == 0) showPool(pool);
}

void PoolEditor::fillValues(const prompts::Pool* pool) {
    m_loading = true;
    m_values->setRowCount(0);
    if (pool) {
        m_values->setRowCount(static_cast<int>(pool->values.size()));
        for (std::size_t i = 0; i < pool->values.size(); ++i) {
            const int r = static_cast<int>(i);
            m_values->setItem(r, 0, new QTableWidgetItem(qs(pool->values[i].value)));
            m_values->setItem(r, 1, weightItem(pool->values[i].weight));
            auto* share = readOnlyItem(shareText(*pool, i));
            share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_values->setItem(r, 2, share);
        }
    }
    m_loading = false;
}

void PoolEditor::showPool(const QString& name) {
    m_currentPool = name;
    const auto* pool = name.isEmpty() ? nullptr : m_pools.find(name.toStdString());
    fillValues(pool);
    const bool dirty = pool && m_dirty.count(pool->name);
    if (!pool)
        m_poolLabel->setText(name.isEmpty() ? tr("Select a placeholder to edit its pool.")
                                            : tr("Pool <b>%1</b> does not exist.").arg(name.toHtmlEscaped()));
    else
        m_poolLabel->setText(tr("Pool <b>%1</b> · version %2 · %3 values%4")
                                 .arg(name.toHtmlEscaped())
                                 .arg(pool->version)
                                 .arg(pool->values.size())
                                 .arg(dirty ? tr(" · <span style=\"color:#b26a00;\">edited, not saved</span>")
                                            : QString()));
    m_values->setEnabled(pool != nullptr);
    m_add->setEnabled(pool != nullptr);
    m_remove->setEnabled(pool != nullptr);
    m_save->setEnabled(dirty);
    m_revert->setEnabled(dirty);
}

void PoolEditor::onCellChanged() {
    if (m_loading || m_currentPool.isEmpty()) return;
    auto* pool = m_pools.find(m_currentPool.toStdString());
    if (!pool) return;
    std::vector<prompts::PoolValue> values;
    for (int r = 0; r < m_values->rowCount(); ++r) {
        const auto* v = m_values->item(r, 0);
        const auto* w = m_values->item(r, 1);
        values.push_back({v ? v->text().toStdString() : std::string(), w ? w->data(Qt::EditRole).toDouble() : 0.0});
    }
    pool->values = std::move(values);
    m_dirty.insert(pool->name);
    // Shares follow the weights at once; the preview after the usual pause.
    m_loading = true;
    for (int r = 0; r < m_values->rowCount(); ++r)
        if (auto* s = m_values->item(r, 2)) s->setText(shareText(*pool, static_cast<std::size_t>(r)));
    m_loading = false;
    showPool(m_currentPool);
    Q_EMIT poolsEdited();
}

void PoolEditor::addValue() {
    if (m_currentPool.isEmpty()) return;
    m_loading = true;
    const int r = m_values->rowCount();
    m_values->insertRow(r);
    m_values->setItem(r, 0, new QTableWidgetItem(tr("new value")));
    m_values->setItem(r, 1, weightItem(1.0));
    m_values->setItem(r, 2, readOnlyItem(QString()));
    m_loading = false;
    onCellChanged();
    m_values->setCurrentCell(r, 0);
    m_values->editItem(m_values->item(r, 0));
}

void PoolEditor::removeValues() {
    std::set<int> rows;
    for (const auto& idx : m_values->selectionModel()->selectedIndexes()) rows.insert(idx.row());
    if (rows.empty()) return;
    m_loading = true;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) m_values->removeRow(*it);
    m_loading = false;
    onCellChanged();
}

QStringList PoolEditor::problemsOf(const prompts::Pool& pool) const {
    // The pool file rules (no empty or duplicate values, a weight above 0) apply to edits too.
    const auto check = prompts::parsePoolFile(prompts::formatPoolFile(pool));
    QStringList problems;
    for (const auto& d : check.diagnostics)
        if (d.isError()) problems << qs(d.message);
    for (const auto& v : pool.values)
        if (qs(v.value).trimmed().isEmpty()) {
            problems << tr("a value is empty");
            break;
        }
    return problems;
}

bool PoolEditor::savePool() {
    if (!m_project || m_currentPool.isEmpty()) return false;
    const auto* pool = m_pools.find(m_currentPool.toStdString());
    if (!pool) return false;
    if (const QStringList problems = problemsOf(*pool); !problems.isEmpty()) {
        QMessageBox::warning(this, tr("Save pool"),
                             tr("Pool %1 was not saved:\n%2").arg(m_currentPool, problems.join(QLatin1Char('\n'))));
        return false;
    }
    prompts::PromptStore store(*m_project);
    auto saved = store.savePool(*pool);
    if (!saved) {
        warnFailure(this, tr("Save pool"), saved.error(),
                    tr("Pool %1 was not saved:\n%2").arg(m_currentPool, QStringLiteral("%1")));
        return false;
    }
    auto stored = store.poolAt(pool->name);
    if (stored) m_pools.add(std::move(*stored));
    m_dirty.erase(m_currentPool.toStdString());
    log::info("saved pool ", saved->name, " as version ", saved->version);
    Q_EMIT statusMessage(tr("Saved pool %1 as version %2").arg(m_currentPool).arg(saved->version));
    Q_EMIT projectWritten();
    showPool(m_currentPool);
    Q_EMIT poolsReloaded();
    return true;
}

void PoolEditor::revertPool() {
    if (!m_project || m_currentPool.isEmpty()) return;
    auto stored = prompts::PromptStore(*m_project).poolAt(m_currentPool.toStdString());
    if (!stored) {
        Q_EMIT statusMessage(formatFailure(stored.error()));
        return;
    }
    m_pools.add(std::move(*stored));
    m_dirty.erase(m_currentPool.toStdString());
    showPool(m_currentPool);
    Q_EMIT poolsReloaded();
}

} // namespace synthembed::ui
