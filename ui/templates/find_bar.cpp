#include "ui/templates/find_bar.h"

#include "ui/templates/qsci.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace synthembed::ui {

FindBar::FindBar(QsciScintilla* editor, QWidget* parent) : QWidget(parent), m_editor(editor) {
    setObjectName(QStringLiteral("findBar"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(2, 2, 2, 2);
    row->setSpacing(4);
    row->addWidget(new QLabel(tr("Find:"), this));
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("findEdit"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(tr("text in the template"));
    m_edit->installEventFilter(this);
    row->addWidget(m_edit, 1);
    auto button = [&](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        b->setAutoRaise(true);
        row->addWidget(b);
        return b;
    };
    auto* prev = button(QStyle::SP_ArrowUp, tr("Previous match (Shift+Enter)"));
    auto* next = button(QStyle::SP_ArrowDown, tr("Next match (Enter)"));
    m_case = new QCheckBox(tr("Match case"), this);
    row->addWidget(m_case);
    m_state = new QLabel(this);
    m_state->setMinimumWidth(70);
    row->addWidget(m_state);
    auto* close = button(QStyle::SP_TitleBarCloseButton, tr("Close (Esc)"));

    connect(prev, &QToolButton::clicked, this, [this] { find(false); });
    connect(next, &QToolButton::clicked, this, [this] { find(true); });
    connect(close, &QToolButton::clicked, this, [this] {
        hide();
        m_editor->setFocus();
    });
    connect(m_edit, &QLineEdit::textEdited, this, [this] {
        // Incremental: search again from the start of the current match.
        int line = 0, index = 0, l2 = 0, i2 = 0;
        m_editor->getSelection(&line, &index, &l2, &i2);
        if (line >= 0 && m_editor->hasSelectedText()) m_editor->setCursorPosition(line, index);
        find(true);
    });
    connect(m_case, &QCheckBox::toggled, this, [this] { find(true); });
}

void FindBar::activate() {
    if (m_editor->hasSelectedText() && !m_editor->selectedText().contains(QLatin1Char('\n')))
        m_edit->setText(m_editor->selectedText());
    show();
    m_edit->setFocus();
    m_edit->selectAll();
}

bool FindBar::find(bool forward) {
    const QString expr = m_edit->text();
    if (expr.isEmpty()) {
        setFound(true);
        return false;
    }
    int line = -1, index = -1;
    if (!forward && m_editor->hasSelectedText()) {
        // Searching backwards starts before the current match, not at its end.
        int l2 = 0, i2 = 0;
        m_editor->getSelection(&line, &index, &l2, &i2);
    }
    const bool found = m_editor->findFirst(expr, false, m_case->isChecked(), false, true, forward, line, index, true);
    setFound(found);
    return found;
}

void FindBar::setFound(bool found) {
    m_state->setText(found ? QString() : tr("Not found"));
    m_edit->setStyleSheet(found ? QString() : QStringLiteral("QLineEdit { background: #fdecea; }"));
}

bool FindBar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        auto* k = static_cast<QKeyEvent*>(event);
        if (k->key() == Qt::Key_Return || k->key() == Qt::Key_Enter) {
            find(!(k->modifiers() & Qt::ShiftModifier));
            return true;
        }
        if (k->key() == Qt::Key_Escape) {
            hide();
            m_editor->setFocus();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace synthembed::ui
