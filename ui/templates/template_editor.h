#pragma once
// The template text editor: QScintilla with the template lexer, line numbers, wrapping, error
// and warning indicators with tooltips, and placeholder completion after `{`.

#include "core/prompts/template.h"

#include "ui/templates/qsci.h"

#include <QStringList>

#include <vector>

namespace synthembed::ui {

class TemplateLexer;

class TemplateEditor : public QsciScintilla {
    Q_OBJECT
public:
    explicit TemplateEditor(QWidget* parent = nullptr);

    /// The text as UTF-8 bytes (what core parses; Scintilla positions are offsets into it).
    std::string utf8Text() const;
    /// Replaces the text, keeping the caret near where it was and the undo history usable.
    void replaceText(const QString& text, bool resetUndo);

    /// Underlines every diagnostic (errors red, warnings amber) and marks their lines; positions
    /// are byte offsets into utf8Text().
    void setDiagnostics(std::vector<prompts::Diagnostic> diagnostics);
    const std::vector<prompts::Diagnostic>& diagnostics() const { return m_diagnostics; }
    /// The message(s) of the diagnostics covering byte position `pos` (empty when none).
    QString diagnosticTextAt(int pos) const;

    /// Placeholder names offered after `{`.
    void setCompletions(QStringList names) { m_completions = std::move(names); }
    const QStringList& completions() const { return m_completions; }
    /// Opens the placeholder list at the caret (also bound to Ctrl+Space).
    void showCompletions();

    /// Moves the caret to byte offset `pos`, makes it visible and focuses the editor.
    void jumpTo(int pos);
    int caretPosition() const;

    static constexpr int kErrorIndicator = 8;
    static constexpr int kWarningIndicator = 9;
    static constexpr int kErrorMarker = 1;
    static constexpr int kWarningMarker = 2;

protected:
    void keyPressEvent(QKeyEvent* e) override;

private:
    void onCharAdded(int ch);
    void onListActivated(int id, const QString& text);
    void onDwellStart(int position, int x, int y);

    TemplateLexer* m_lexer;
    std::vector<prompts::Diagnostic> m_diagnostics;
    QStringList m_completions;
    int m_completionStart = -1; ///< byte position right after the `{` the list was opened for
};

} // namespace synthembed::ui
