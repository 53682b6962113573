#include "ui/templates/history_panel.h"

#include "ui/errors.h"
#include "ui/templates/tables.h"

#include "core/prompts/diff.h"
#include "core/prompts/prompt_store.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace synthembed::ui {

namespace {

constexpr int kVersionRole = Qt::UserRole + 2;

using templates::esc;
using templates::qs;

/// Which diff lines to show: all of a first version; else each change with two lines of context
/// (the unchanged runs between are folded).
std::vector<bool> shownLines(const std::vector<prompts::DiffLine>& diff, bool all) {
    constexpr std::size_t kContext = 2;
    std::vector<bool> show(diff.size(), all);
    for (std::size_t i = 0; i < diff.size(); ++i) {
        if (diff[i].op == prompts::DiffLine::Op::Same) continue;
        const std::size_t lo = i >= kContext ? i - kContext : 0;
        const std::size_t hi = std::min(diff.size(), i + kContext + 1);
        for (std::size_t k = lo; k < hi; ++k) show[k] = true;
    }
    return show;
}

QString diffRow(const prompts::DiffLine& d) {
    auto num = [](int n) { return n > 0 ? QString::number(n) : QString(); };
    QString bg, sign;
    switch (d.op) {
    case prompts::DiffLine::Op::Same: sign = QStringLiteral(" "); break;
    case prompts::DiffLine::Op::Removed:
        bg = QStringLiteral("#fdecea");
        sign = QStringLiteral("−");
        break;
    case prompts::DiffLine::Op::Added:
        bg = QStringLiteral("#e6f4ea");
        sign = QStringLiteral("+");
        break;
    }
    const QString style = bg.isEmpty() ? QString() : QStringLiteral(" style=\"background-color:%1;\"").arg(bg);
    return QStringLiteral("<tr%1><td width=28 style=\"color:#999;\" align=right>%2</td><td width=28 style=\"color:#999;\" "
                          "align=right>%3</td><td width=14 align=center>%4</td><td style=\"white-space: pre-wrap;\">%5</td></tr>")
        .arg(style, num(d.oldLine), num(d.newLine), sign, esc(d.text));
}

QString diffHtml(const std::vector<prompts::DiffLine>& diff, bool first) {
    const auto show = shownLines(diff, first);
    QString html = QStringLiteral("<table width=\"100%\" cellspacing=0 cellpadding=2 style=\"font-family: monospace;\">");
    std::size_t i = 0;
    while (i < diff.size()) {
        if (show[i]) {
            html += diffRow(diff[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < diff.size() && !show[j]) ++j;
        html += QStringLiteral("<tr><td colspan=4 style=\"color:#888; background-color:#f1f3f6;\">⋯ %1</td></tr>")
                    .arg(HistoryPanel::tr("%n unchanged line(s)", nullptr, static_cast<int>(j - i)));
        i = j;
    }
    const auto stats = prompts::diffStats(diff);
    if (stats.added == 0 && stats.removed == 0 && !first)
        html += QStringLiteral("<tr><td colspan=4>%1</td></tr>").arg(HistoryPanel::tr("No differences."));
    return html + QStringLiteral("</table>");
}

} // namespace

HistoryPanel::HistoryPanel(QWidget* parent) : QSplitter(Qt::Vertical, parent) {
    setChildrenCollapsible(false);
    m_versions = new QTreeWidget(this);
    m_versions->setObjectName(QStringLiteral("versionList"));
    m_versions->setHeaderLabels({tr("Version"), tr("Saved (UTC)"), tr("Changes")});
    m_versions->setRootIsDecorated(false);
    m_versions->setUniformRowHeights(true);
    m_versions->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_versions->setToolTip(tr("Select one version to see what it changed, or two to compare them"));
    m_versions->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* diffBox = new QWidget(this);
    auto* dv = new QVBoxLayout(diffBox);
    dv->setContentsMargins(0, 4, 0, 0);
    dv->setSpacing(2);
    auto* diffRow = new QHBoxLayout;
    m_diffLabel = new QLabel(diffBox);
    m_diffLabel->setObjectName(QStringLiteral("diffLabel"));
    diffRow->addWidget(m_diffLabel, 1);
    m_open = new QPushButton(tr("Open in editor"), diffBox);
    m_open->setToolTip(tr("Put this version's text into the editor; Save makes it the latest version"));
    diffRow->addWidget(m_open);
    dv->addLayout(diffRow);
    m_diff = new QTextBrowser(diffBox);
    m_diff->setObjectName(QStringLiteral("diffView"));
    dv->addWidget(m_diff, 1);
    setStretchFactor(0, 1);
    setStretchFactor(1, 3);
    connect(m_versions, &QTreeWidget::itemSelectionChanged, this, &HistoryPanel::updateDiff);
    connect(m_open, &QPushButton::clicked, this, &HistoryPanel::openSelected);
}

void HistoryPanel::clear() {
    m_versions->clear();
    m_diff->clear();
    m_project = nullptr;
    m_name.clear();
    m_latest = 0;
}

void HistoryPanel::showTemplate(store::Project* project, const QString& name) {
    m_project = project;
    m_name = name;
    m_latest = 0;
    m_versions->clear();
    if (!m_project || m_name.isEmpty()) return;
    prompts::PromptStore store(*m_project);
    auto versions = store.templateVersions(m_name.toStdString());
    if (!versions) {
        log::error("templates: ", failureLine(versions.error()));
        return;
    }
    std::string previous;
    std::vector<QTreeWidgetItem*> items;
    for (const auto& v : *versions) {
        auto text = store.templateText(v.name, v.version);
        const std::string now = text ? *text : std::string();
        QString changes = tr("first version");
        if (v.version > 1 || !previous.empty()) {
            const auto s = prompts::diffStats(prompts::diffLines(previous, now));
            changes = tr("+%1 −%2 lines").arg(s.added).arg(s.removed);
        }
        previous = now;
        auto* item = new QTreeWidgetItem({QStringLiteral("v%1").arg(v.version),
                                          qs(v.createdAt).replace(QLatin1Char('T'), QLatin1Char(' ')), changes});
        item->setData(0, kVersionRole, v.version);
        items.push_back(item);
        m_latest = v.version;
    }
    // Newest first.
    for (auto it = items.rbegin(); it != items.rend(); ++it) m_versions->addTopLevelItem(*it);
    if (m_versions->topLevelItemCount() > 0) m_versions->setCurrentItem(m_versions->topLevelItem(0));
    updateDiff();
}

void HistoryPanel::updateDiff() {
    m_diff->clear();
    m_diffLabel->clear();
    std::vector<int> selected;
    for (auto* item : m_versions->selectedItems()) selected.push_back(item->data(0, kVersionRole).toInt());
    std::sort(selected.begin(), selected.end());
    m_open->setEnabled(selected.size() == 1);
    if (!m_project || m_name.isEmpty() || selected.empty()) {
        m_diffLabel->setText(tr("Select one version, or two to compare."));
        return;
    }
    const int to = selected.back();
    const int from = selected.size() >= 2 ? selected.front() : to - 1;
    prompts::PromptStore store(*m_project);
    const auto name = m_name.toStdString();
    auto newText = store.templateText(name, to);
    if (!newText) {
        showFailure(m_diffLabel, newText.error());
        return;
    }
    std::string oldText;
    if (from >= 1)
        if (auto t = store.templateText(name, from)) oldText = *t;
    const auto diff = prompts::diffLines(oldText, *newText);
    const auto stats = prompts::diffStats(diff);
    m_diffLabel->setToolTip(QString());
    m_diffLabel->setText(from >= 1 ? tr("v%1 → v%2: +%3 −%4 lines").arg(from).arg(to).arg(stats.added).arg(stats.removed)
                                   : tr("v%1: first version").arg(to));
    m_diff->setHtml(diffHtml(diff, from < 1));
}

void HistoryPanel::openSelected() {
    const auto items = m_versions->selectedItems();
    if (items.size() != 1 || !m_project) return;
    const int version = items.front()->data(0, kVersionRole).toInt();
    auto text = prompts::PromptStore(*m_project).templateText(m_name.toStdString(), version);
    if (!text) return;
    Q_EMIT openVersion(version, qs(*text));
}

} // namespace synthembed::ui
