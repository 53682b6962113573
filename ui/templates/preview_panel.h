#pragma once
// The Templates area's Preview tab: a seed (and Resample for the next one), the template rendered
// with that seed, its placeholder values highlighted in colour, and a table of the sampled values.
// When the template cannot be rendered the last good preview stays, dimmed, with the reason below.

#include "core/prompts/pool.h"
#include "core/prompts/render.h"
#include "core/prompts/template.h"

#include <QSplitter>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;

namespace synthembed::ui {

class PreviewPanel : public QSplitter {
    Q_OBJECT
public:
    explicit PreviewPanel(QWidget* parent = nullptr);

    /// Renders `tpl` with the seed and `pools` (`syntaxOk` false: the text has syntax errors).
    void render(const prompts::Template& tpl, const prompts::PoolSet& pools, bool syntaxOk);
    void clear();
    int seed() const;

    /// The placeholder highlight colour of the i-th sampled value (preview and values table).
    static QColor valueColor(int i);

Q_SIGNALS:
    /// The user chose another seed (typed, or Resample).
    void seedChanged();

private:
    QString highlighted(const prompts::RenderedPrompt& p) const;
    void showValues(const prompts::RenderedPrompt& p);

    QSpinBox* m_seed = nullptr;
    QPushButton* m_resample = nullptr;
    QTextBrowser* m_preview = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_values = nullptr;
};

} // namespace synthembed::ui
