#pragma once
// Paints a progress bar in a table cell from the model's percentage role, with the cell's text on it.

#include <QStyledItemDelegate>

namespace synthembed::ui {

class ProgressDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    ProgressDelegate(int percentRole, QObject* parent = nullptr) : QStyledItemDelegate(parent), m_role(percentRole) {}
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_role;
};

} // namespace synthembed::ui
