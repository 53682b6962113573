#pragma once
// Writes what a QTableWidget shows (header and cell texts) as CSV (RFC 4180) or a Markdown
// pipe table; the file is written to a temp file and renamed.

#include <QString>

class QTableWidget;

namespace synthembed::ui {

QString tableToCsv(const QTableWidget* table);
QString tableToMarkdown(const QTableWidget* table);
/// Format from the suffix (.md/.markdown = Markdown, else CSV). Empty string on success, else
/// the error to show.
QString exportTable(const QTableWidget* table, const QString& path);

} // namespace synthembed::ui
