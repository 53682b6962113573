#include "ui/eval/table_export.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QTableWidget>

namespace synthembed::ui {
namespace {

QString headerText(const QTableWidget* t, int c) {
    auto* h = t->horizontalHeaderItem(c);
    return h ? h->text() : QString::number(c + 1);
}
QString cellText(const QTableWidget* t, int r, int c) {
    auto* it = t->item(r, c);
    return it ? it->text() : QString();
}
QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}
QString mdField(const QString& s) {
    QString q = s;
    q.replace(QLatin1String("|"), QLatin1String("\\|"));
    q.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return q;
}
bool hidden(const QTableWidget* t, int c) { return t->isColumnHidden(c); }

} // namespace

QString tableToCsv(const QTableWidget* t) {
    QString out;
    QStringList row;
    for (int c = 0; c < t->columnCount(); ++c)
        if (!hidden(t, c)) row << csvField(headerText(t, c));
    out += row.join(QLatin1Char(',')) + QLatin1String("\r\n");
    for (int r = 0; r < t->rowCount(); ++r) {
        if (t->isRowHidden(r)) continue;
        row.clear();
        for (int c = 0; c < t->columnCount(); ++c)
            if (!hidden(t, c)) row << csvField(cellText(t, r, c));
        out += row.join(QLatin1Char(',')) + QLatin1String("\r\n");
    }
    return out;
}

QString tableToMarkdown(const QTableWidget* t) {
    QStringList head, rule;
    for (int c = 0; c < t->columnCount(); ++c) {
        if (hidden(t, c)) continue;
        head << mdField(headerText(t, c));
        // Numbers right-aligned, like the table shows them.
        auto* first = t->rowCount() ? t->item(0, c) : nullptr;
        rule << ((first && (first->textAlignment() & Qt::AlignRight)) ? QStringLiteral("---:") : QStringLiteral("---"));
    }
    QString out = QLatin1String("| ") + head.join(QLatin1String(" | ")) + QLatin1String(" |\n| ") +
                  rule.join(QLatin1String(" | ")) + QLatin1String(" |\n");
    for (int r = 0; r < t->rowCount(); ++r) {
        if (t->isRowHidden(r)) continue;
        QStringList row;
        for (int c = 0; c < t->columnCount(); ++c)
            if (!hidden(t, c)) row << mdField(cellText(t, r, c));
        out += QLatin1String("| ") + row.join(QLatin1String(" | ")) + QLatin1String(" |\n");
    }
    return out;
}

QString exportTable(const QTableWidget* table, const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool md = suffix == QLatin1String("md") || suffix == QLatin1String("markdown");
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QObject::tr("%1: cannot write (%2)").arg(path, f.errorString());
    f.write((md ? tableToMarkdown(table) : tableToCsv(table)).toUtf8());
    if (!f.commit()) return QObject::tr("%1: cannot write (%2)").arg(path, f.errorString());
    return {};
}

} // namespace synthembed::ui
