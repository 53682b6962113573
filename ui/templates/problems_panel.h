#pragma once
// The list under the template editor: each error and warning of the template's validation with
// its line:column, message and code ("Problems: 1 error(s), 0 warning(s)" above); clicking one
// asks the editor to jump to it.

#include "core/prompts/template.h"

#include <QWidget>

#include <vector>

class QLabel;
class QTreeWidget;

namespace synthembed::ui {

class ProblemsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProblemsPanel(QWidget* parent = nullptr);

    void setDiagnostics(const std::vector<prompts::Diagnostic>& diagnostics);
    void clear();

Q_SIGNALS:
    /// A problem was clicked or activated: its byte offset in the text.
    void jumpTo(int offset);

private:
    QLabel* m_label = nullptr;
    QTreeWidget* m_list = nullptr;
};

} // namespace synthembed::ui
