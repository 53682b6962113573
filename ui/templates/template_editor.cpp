#include "ui/templates/template_editor.h"

#include "ui/templates/template_lexer.h"

#include <QKeyEvent>
#include <QToolTip>

#include <algorithm>
#include <cctype>

namespace synthembed::ui {

namespace {
constexpr int kPlaceholderList = 1;
}

TemplateEditor::TemplateEditor(QWidget* parent) : QsciScintilla(parent), m_lexer(new TemplateLexer(this)) {
    setUtf8(true);
    setEolMode(EolUnix);
    setLexer(m_lexer);
    setWrapMode(WrapWord);
    setWrapIndentMode(WrapIndentIndented);
    setCaretLineVisible(true);
    setCaretLineBackgroundColor(QColor(0xf4, 0xf7, 0xfb));
    setTabWidth(4);
    setIndentationsUseTabs(false);
    setBraceMatching(NoBraceMatch);
    setAutoIndent(true);

    // Margin 0: line numbers; margin 1: problem markers.
    setMarginType(0, NumberMargin);
    setMarginWidth(0, QStringLiteral("0000"));
    setMarginLineNumbers(0, true);
    setMarginsForegroundColor(QColor(0x88, 0x88, 0x88));
    setMarginsBackgroundColor(QColor(0xf3, 0xf3, 0xf3));
    setMarginType(1, SymbolMargin);
    setMarginWidth(1, 12);
    setMarginSensitivity(1, false);
    markerDefine(Circle, kErrorMarker);
    setMarkerBackgroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorMarker);
    setMarkerForegroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorMarker);
    markerDefine(Circle, kWarningMarker);
    setMarkerBackgroundColor(QColor(0xf0, 0xa2, 0x02), kWarningMarker);
    setMarkerForegroundColor(QColor(0xf0, 0xa2, 0x02), kWarningMarker);
    setMarginMarkerMask(1, (1 << kErrorMarker) | (1 << kWarningMarker));
    setMarginMarkerMask(0, 0);

    indicatorDefine(SquiggleIndicator, kErrorIndicator);
    setIndicatorForegroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorIndicator);
    indicatorDefine(SquiggleIndicator, kWarningIndicator);
    setIndicatorForegroundColor(QColor(0xe0, 0x90, 0x00), kWarningIndicator);
    SendScintilla(SCI_SETMOUSEDWELLTIME, 350);

    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &TemplateEditor::onCharAdded);
    connect(this, &QsciScintilla::userListActivated, this, &TemplateEditor::onListActivated);
    connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &TemplateEditor::onDwellStart);
    connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });
}

std::string TemplateEditor::utf8Text() const {
    const int n = length();
    const QByteArray b = bytes(0, n);
    return std::string(b.constData(), static_cast<std::size_t>(std::min<qsizetype>(b.size(), n)));
}

void TemplateEditor::replaceText(const QString& text, bool resetUndo) {
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const int first = firstVisibleLine();
    if (resetUndo) {
        setText(text); // QsciScintilla::setText also empties the undo buffer
    } else {
        // One undoable step (setText would drop the history).
        const QByteArray bytes = text.toUtf8();
        beginUndoAction();
        SendScintilla(SCI_TARGETWHOLEDOCUMENT);
        SendScintilla(SCI_REPLACETARGET, static_cast<unsigned long>(bytes.size()), bytes.constData());
        endUndoAction();
    }
    line = std::min(line, std::max(0, lines() - 1));
    index = std::min(index, std::max(0, lineLength(line)));
    setCursorPosition(line, index);
    setFirstVisibleLine(first);
}

void TemplateEditor::setDiagnostics(std::vector<prompts::Diagnostic> diagnostics) {
    m_diagnostics = std::move(diagnostics);
    const int docLength = length();
    for (int ind : {kErrorIndicator, kWarningIndicator}) {
        SendScintilla(SCI_SETINDICATORCURRENT, ind);
        SendScintilla(SCI_INDICATORCLEARRANGE, 0, docLength);
    }
    markerDeleteAll(kErrorMarker);
    markerDeleteAll(kWarningMarker);
    // Warnings first so an error on the same line keeps its marker visible on top.
    for (bool errors : {false, true}) {
        for (const auto& d : m_diagnostics) {
            if (d.isError() != errors) continue;
            const int pos = std::clamp(static_cast<int>(d.pos.offset), 0, docLength);
            int len = d.length;
            if (len <= 0) {
                // No span (e.g. a missing header line): underline the rest of the line.
                const int line = static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, pos));
                len = static_cast<int>(SendScintilla(SCI_GETLINEENDPOSITION, line)) - pos;
                if (len <= 0) len = std::min(1, docLength - pos);
            }
            len = std::min(len, docLength - pos);
            SendScintilla(SCI_SETINDICATORCURRENT, errors ? kErrorIndicator : kWarningIndicator);
            if (len > 0) SendScintilla(SCI_INDICATORFILLRANGE, pos, len);
            markerAdd(static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, pos)),
                      errors ? kErrorMarker : kWarningMarker);
        }
    }
}

QString TemplateEditor::diagnosticTextAt(int pos) const {
    QStringList lines;
    for (const auto& d : m_diagnostics) {
        const int from = static_cast<int>(d.pos.offset);
        const int to = from + std::max(1, d.length);
        if (pos >= from && pos < to)
            lines << (d.isError() ? tr("Error: %1") : tr("Warning: %1")).arg(QString::fromStdString(d.message));
    }
    return lines.join(QLatin1Char('\n'));
}

void TemplateEditor::showCompletions() {
    if (m_completions.isEmpty()) return;
    // After `{name` the list replaces the partial name; otherwise it inserts at the caret.
    const int caret = caretPosition();
    int start = caret;
    const std::string text = utf8Text();
    while (start > 0) {
        const char c = text[static_cast<std::size_t>(start - 1)];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) break;
        --start;
    }
    m_completionStart = start > 0 && text[static_cast<std::size_t>(start - 1)] == '{' ? start : caret;
    QStringList names = m_completions;
    names.sort();
    SendScintilla(SCI_AUTOCSETAUTOHIDE, 1);
    SendScintilla(SCI_AUTOCSETIGNORECASE, 1);
    showUserList(kPlaceholderList, names);
}

void TemplateEditor::jumpTo(int pos) {
    pos = std::clamp(pos, 0, length());
    SendScintilla(SCI_GOTOPOS, pos);
    ensureCursorVisible();
    setFocus();
}

int TemplateEditor::caretPosition() const { return static_cast<int>(SendScintilla(SCI_GETCURRENTPOS)); }

void TemplateEditor::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Space && (e->modifiers() & Qt::ControlModifier)) {
        showCompletions();
        return;
    }
    QsciScintilla::keyPressEvent(e);
}

void TemplateEditor::onCharAdded(int ch) {
    if (ch != '{') return;
    // `{{` is a literal brace: no list for the second one.
    const int caret = caretPosition();
    if (caret >= 2 && SendScintilla(SCI_GETCHARAT, caret - 2) == '{') {
        cancelList();
        return;
    }
    showCompletions();
}

void TemplateEditor::onListActivated(int id, const QString& name) {
    if (id != kPlaceholderList || m_completionStart < 0) return;
    const int caret = caretPosition();
    const int start = std::min(m_completionStart, caret);
    QByteArray insert = name.toUtf8();
    if (SendScintilla(SCI_GETCHARAT, caret) != '}') insert += '}';
    beginUndoAction();
    SendScintilla(SCI_SETTARGETRANGE, start, caret);
    SendScintilla(SCI_REPLACETARGET, insert.size(), insert.constData());
    endUndoAction();
    // Caret after the closing brace.
    SendScintilla(SCI_GOTOPOS, start + static_cast<int>(name.toUtf8().size()) + 1);
    m_completionStart = -1;
}

void TemplateEditor::onDwellStart(int position, int x, int y) {
    if (position < 0) return;
    const QString text = diagnosticTextAt(position);
    if (!text.isEmpty()) QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)), text, viewport());
}

} // namespace synthembed::ui
