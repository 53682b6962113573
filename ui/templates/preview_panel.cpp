#include "ui/templates/preview_panel.h"

#include "ui/errors.h"
#include "ui/templates/tables.h"

#include "core/prompts/coverage.h"
#include "core/prompts/library.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace synthembed::ui {

using templates::esc;
using templates::qs;

QColor PreviewPanel::valueColor(int i) {
    static const QColor colors[] = {QColor(0xff, 0xe0, 0x82), QColor(0xb3, 0xe5, 0xfc), QColor(0xc8, 0xe6, 0xc9),
                                    QColor(0xf8, 0xbb, 0xd0), QColor(0xd1, 0xc4, 0xe9), QColor(0xff, 0xcc, 0xbc),
                                    QColor(0xb2, 0xdf, 0xdb), QColor(0xf0, 0xf4, 0xc3)};
    return colors[static_cast<std::size_t>(i) % std::size(colors)];
}

PreviewPanel::PreviewPanel(QWidget* parent) : QSplitter(Qt::Vertical, parent) {
    setChildrenCollapsible(false);
    auto* top = new QWidget(this);
    auto* ptv = new QVBoxLayout(top);
    ptv->setContentsMargins(2, 4, 2, 0);
    ptv->setSpacing(2);
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seed"), top));
    m_seed = new QSpinBox(top);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, INT_MAX);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("The same seed always renders the same prompt, on every platform."));
    seedRow->addWidget(m_seed);
    m_resample = new QPushButton(tr("Resample"), top);
    m_resample->setObjectName(QStringLiteral("resampleButton"));
    m_resample->setToolTip(tr("Draw new placeholder values (next seed)"));
    seedRow->addWidget(m_resample);
    seedRow->addStretch(1);
    ptv->addLayout(seedRow);
    m_preview = new QTextBrowser(top);
    m_preview->setObjectName(QStringLiteral("previewView"));
    m_preview->setOpenLinks(false);
    ptv->addWidget(m_preview, 1);
    m_status = new QLabel(top);
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    ptv->addWidget(m_status);
    m_values = templates::makeTable({tr("Placeholder"), tr("Sampled value")}, this);
    m_values->setObjectName(QStringLiteral("valuesTable"));
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_values->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_values->horizontalHeader()->setStretchLastSection(true);
    setStretchFactor(0, 3);
    setStretchFactor(1, 1);
    connect(m_seed, &QSpinBox::valueChanged, this, &PreviewPanel::seedChanged);
    connect(m_resample, &QPushButton::clicked, this,
            [this] { m_seed->setValue(m_seed->value() == INT_MAX ? 0 : m_seed->value() + 1); });
}

int PreviewPanel::seed() const { return m_seed->value(); }

void PreviewPanel::clear() {
    m_preview->clear();
    m_values->setRowCount(0);
}

void PreviewPanel::render(const prompts::Template& tpl, const prompts::PoolSet& pools, bool syntaxOk) {
    const auto seed = static_cast<std::uint64_t>(m_seed->value());
    auto r = syntaxOk ? prompts::renderAt(tpl, pools, seed, 0, prompts::exampleInputs(tpl))
                      : Result<prompts::RenderedPrompt>(Error{"template", "the template has syntax errors"});
    if (!r) {
        // Keep the last good preview visible, dimmed, and say why it is stale.
        m_preview->setEnabled(false);
        m_status->setStyleSheet(QStringLiteral("color: #b71c1c;"));
        showFailure(m_status, r.error(), tr("Preview not updated: %1"));
        return;
    }
    const auto& p = *r;
    const int scroll = m_preview->verticalScrollBar() ? m_preview->verticalScrollBar()->value() : 0;
    m_preview->setEnabled(true);
    m_preview->setHtml(highlighted(p));
    if (m_preview->verticalScrollBar()) m_preview->verticalScrollBar()->setValue(scroll);
    showValues(p);
    const auto stats = prompts::coverageOf({p});
    const double combos = prompts::possibleCombinations(tpl, pools);
    m_status->setStyleSheet(QString());
    m_status->setToolTip(QString());
    m_status->setText(tr("Seed %1 · value combinations: %2 · ~%3 prompt tokens")
                          .arg(seed)
                          .arg(combos >= 1e9 ? QString::number(combos, 'g', 3)
                                             : QLocale().toString(static_cast<qlonglong>(combos)))
                          .arg(stats.estimatedPromptTokens));
}

QString PreviewPanel::highlighted(const prompts::RenderedPrompt& p) const {
    // Colour per placeholder, in the order values were recorded.
    auto colorOf = [&](const std::string& placeholder) {
        for (std::size_t i = 0; i < p.values.size(); ++i)
            if (p.values[i].first == placeholder) return valueColor(static_cast<int>(i));
        return valueColor(0);
    };
    auto spans = p.spans;
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
    QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
    std::size_t pos = 0;
    for (const auto& s : spans) {
        if (s.offset < pos || s.offset + s.length > p.text.size()) continue;
        html += esc(p.text.substr(pos, s.offset - pos));
        html += QStringLiteral("<span style=\"background-color:%1;\">%2</span>")
                    .arg(colorOf(s.placeholder).name(), esc(p.text.substr(s.offset, s.length)));
        pos = s.offset + s.length;
    }
    return html + esc(p.text.substr(pos)) + QStringLiteral("</div>");
}

void PreviewPanel::showValues(const prompts::RenderedPrompt& p) {
    m_values->setRowCount(static_cast<int>(p.values.size()));
    for (std::size_t i = 0; i < p.values.size(); ++i) {
        auto* name = templates::readOnlyItem(qs(p.values[i].first));
        name->setBackground(valueColor(static_cast<int>(i)));
        m_values->setItem(static_cast<int>(i), 0, name);
        auto* value = templates::readOnlyItem(qs(p.values[i].second));
        value->setToolTip(qs(p.values[i].second));
        m_values->setItem(static_cast<int>(i), 1, value);
    }
}

} // namespace synthembed::ui
