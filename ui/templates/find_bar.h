#pragma once
// A slim find bar under a QScintilla editor (Ctrl+F): incremental search, next/previous,
// match case, wraps around; Escape closes it and returns focus to the editor.

#include <QWidget>

class QsciScintilla;
class QLineEdit;
class QCheckBox;
class QLabel;

namespace synthembed::ui {

class FindBar : public QWidget {
    Q_OBJECT
public:
    explicit FindBar(QsciScintilla* editor, QWidget* parent = nullptr);

    /// Shows the bar with the editor's selection (if any) as the search text, focused.
    void activate();
    /// Finds the next (or previous) match from the caret; false when there is none.
    bool find(bool forward);
    QLineEdit* edit() const { return m_edit; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setFound(bool found);

    QsciScintilla* m_editor;
    QLineEdit* m_edit;
    QCheckBox* m_case;
    QLabel* m_state;
};

} // namespace synthembed::ui
