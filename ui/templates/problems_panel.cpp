#include "ui/templates/problems_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {

constexpr int kOffsetRole = Qt::UserRole + 1;

/// Rows as tall as their wrapped text at the column's width (QTreeView measures items without it,
/// so a wrapping column would stay one line tall and cut the text).
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView* view) : QStyledItemDelegate(view), m_view(view) {}
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        // A valid rect (Qt's style wraps only then) of the column's width.
        opt.rect = QRect(0, 0, m_view->header()->sectionSize(index.column()), 1);
        return QStyledItemDelegate::sizeHint(opt, index);
    }

private:
    QTreeView* m_view;
};

} // namespace

ProblemsPanel::ProblemsPanel(QWidget* parent) : QWidget(parent) {
    auto* pv = new QVBoxLayout(this);
    pv->setContentsMargins(0, 2, 0, 0);
    pv->setSpacing(2);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("problemsLabel"));
    pv->addWidget(m_label);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("problemList"));
    m_list->setHeaderLabels({tr("Line:Col"), tr("Problem"), tr("Code")});
    m_list->setRootIsDecorated(false);
    // Long messages ("unknown placeholder {x}: map it to a pool under `placeholders:` or ...") wrap
    // onto more lines instead of being cut; the full message is also each row's tooltip.
    m_list->setUniformRowHeights(false);
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideNone);
    m_list->setItemDelegate(new WrappingDelegate(m_list));
    connect(m_list->header(), &QHeaderView::sectionResized, m_list, [this] { m_list->doItemsLayout(); });
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    pv->addWidget(m_list, 1);
    auto jump = [this](QTreeWidgetItem* item) {
        if (item) Q_EMIT jumpTo(item->data(0, kOffsetRole).toInt());
    };
    connect(m_list, &QTreeWidget::itemClicked, this, jump);
    connect(m_list, &QTreeWidget::itemActivated, this, jump);
}

void ProblemsPanel::clear() { m_list->clear(); }

void ProblemsPanel::setDiagnostics(const std::vector<prompts::Diagnostic>& diags) {
    m_list->clear();
    int errors = 0, warnings = 0;
    const QIcon errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warningIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const auto& d : diags) {
        (d.isError() ? errors : warnings)++;
        auto* item = new QTreeWidgetItem(m_list, {QStringLiteral("%1:%2").arg(d.pos.line).arg(d.pos.column),
                                                  QString::fromStdString(d.message), QString::fromStdString(d.code)});
        item->setIcon(0, d.isError() ? errorIcon : warningIcon);
        item->setData(0, kOffsetRole, static_cast<int>(d.pos.offset));
        item->setToolTip(1, QString::fromStdString(d.message));
    }
    if (diags.empty())
        m_label->setText(tr("Problems: none"));
    else
        m_label->setText(tr("Problems: %1 error(s), %2 warning(s) — click one to jump to it").arg(errors).arg(warnings));
}

} // namespace synthembed::ui
