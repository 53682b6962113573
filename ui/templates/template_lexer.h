#pragma once
// QScintilla lexer for template files: colours what core's tokenizeTemplate finds, so the
// highlighting follows exactly the parser's rules.

#include "ui/templates/qsci.h"

namespace synthembed::ui {

class TemplateLexer : public QsciLexerCustom {
    Q_OBJECT
public:
    enum Style {
        Default = 0,
        HeaderKey,
        HeaderValue,
        Comment,
        Separator,
        Placeholder,
        UnknownPlaceholder,
        Escape,
        BadBrace,
        StyleCount
    };

    explicit TemplateLexer(QObject* parent = nullptr);
    const char* language() const override { return "synthembed template"; }
    QString description(int style) const override;
    void styleText(int start, int end) override;
};

} // namespace synthembed::ui
