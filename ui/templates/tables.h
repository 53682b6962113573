#pragma once
// Small pieces the Templates area's panels share: their compact tables and read-only cells.

#include <QString>
#include <QStringList>

#include <string>

class QTableWidget;
class QTableWidgetItem;
class QWidget;

namespace synthembed::ui::templates {

/// A compact row-selecting table with the given column headers.
QTableWidget* makeTable(const QStringList& headers, QWidget* parent);
/// A cell the user cannot edit.
QTableWidgetItem* readOnlyItem(const QString& text);

inline QString qs(const std::string& s) { return QString::fromStdString(s); }
inline QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

} // namespace synthembed::ui::templates
