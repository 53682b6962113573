#include "ui/templates/template_lexer.h"

#include "core/prompts/template_tokens.h"

#include "ui/templates/qsci.h"

#include <QFontDatabase>

#include <algorithm>

namespace synthembed::ui {

namespace {
int styleOf(prompts::TokenKind k) {
    using K = prompts::TokenKind;
    switch (k) {
    case K::HeaderKey: return TemplateLexer::HeaderKey;
    case K::HeaderValue: return TemplateLexer::HeaderValue;
    case K::Comment: return TemplateLexer::Comment;
    case K::Separator: return TemplateLexer::Separator;
    case K::Placeholder: return TemplateLexer::Placeholder;
    case K::UnknownPlaceholder: return TemplateLexer::UnknownPlaceholder;
    case K::Escape: return TemplateLexer::Escape;
    case K::BadBrace: return TemplateLexer::BadBrace;
    }
    return TemplateLexer::Default;
}
} // namespace

TemplateLexer::TemplateLexer(QObject* parent) : QsciLexerCustom(parent) {
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    setDefaultFont(mono);
    setDefaultPaper(QColor(0xff, 0xff, 0xff));
    setDefaultColor(QColor(0x20, 0x20, 0x20));
    QFont bold = mono;
    bold.setBold(true);
    QFont italic = mono;
    italic.setItalic(true);
    for (int s = 0; s < StyleCount; ++s) {
        setFont(mono, s);
        setPaper(QColor(0xff, 0xff, 0xff), s);
        setColor(QColor(0x20, 0x20, 0x20), s);
    }
    setColor(QColor(0x6a, 0x3d, 0x9a), HeaderKey);
    setFont(bold, HeaderKey);
    setColor(QColor(0x1f, 0x5f, 0x8b), HeaderValue);
    setColor(QColor(0x80, 0x80, 0x80), Comment);
    setFont(italic, Comment);
    setColor(QColor(0x90, 0x90, 0x90), Separator);
    setFont(bold, Separator);
    setColor(QColor(0x00, 0x6b, 0x3c), Placeholder);
    setPaper(QColor(0xe6, 0xf4, 0xea), Placeholder);
    setFont(bold, Placeholder);
    setColor(QColor(0xb0, 0x1c, 0x1c), UnknownPlaceholder);
    setPaper(QColor(0xfd, 0xec, 0xea), UnknownPlaceholder);
    setFont(bold, UnknownPlaceholder);
    setColor(QColor(0x8a, 0x6d, 0x00), Escape);
    setColor(QColor(0xff, 0xff, 0xff), BadBrace);
    setPaper(QColor(0xc6, 0x28, 0x28), BadBrace);
}

QString TemplateLexer::description(int style) const {
    switch (style) {
    case Default: return tr("Text");
    case HeaderKey: return tr("Header key");
    case HeaderValue: return tr("Header value");
    case Comment: return tr("Comment");
    case Separator: return tr("Header separator");
    case Placeholder: return tr("Placeholder");
    case UnknownPlaceholder: return tr("Unknown placeholder");
    case Escape: return tr("Literal brace");
    case BadBrace: return tr("Unbalanced brace");
    default: return {};
    }
}

void TemplateLexer::styleText(int start, int end) {
    auto* ed = editor();
    if (!ed || start >= end) return;
    // Template files are small (a few KB): tokenizing the whole text keeps header-dependent
    // colours (known vs unknown placeholders) right without incremental state.
    const int length = ed->length();
    const QByteArray bytes = ed->bytes(0, length);
    // bytes() appends a NUL terminator; the document itself is `length` bytes.
    const std::string_view text(bytes.constData(), static_cast<std::size_t>(std::min<qsizetype>(bytes.size(), length)));
    const auto tokens = prompts::tokenizeTemplate(text);

    startStyling(start);
    std::size_t pos = static_cast<std::size_t>(start);
    const std::size_t stop = static_cast<std::size_t>(end);
    for (const auto& t : tokens) {
        const std::size_t tEnd = t.offset + t.length;
        if (tEnd <= pos) continue;
        if (t.offset >= stop) break;
        const std::size_t from = std::max(pos, t.offset);
        if (from > pos) setStyling(static_cast<int>(from - pos), Default);
        const std::size_t to = std::min(tEnd, stop);
        setStyling(static_cast<int>(to - from), styleOf(t.kind));
        pos = to;
    }
    if (pos < stop) setStyling(static_cast<int>(stop - pos), Default);
}

} // namespace synthembed::ui
