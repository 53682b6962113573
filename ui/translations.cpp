#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace synthembed::ui {

QLocale interfaceLocale() {
    const QString lang = QSettings().value(QStringLiteral("ui/language")).toString();
    return lang.isEmpty() ? QLocale::system() : QLocale(lang);
}

QString installTranslations(QCoreApplication& app, const QLocale& locale) {
    // Numbers and dates follow the interface language too (1.000,5 in German), not only the texts.
    QLocale::setDefault(locale);
    auto* own = new QTranslator(&app);
    QString loaded;
    if (own->load(locale, QStringLiteral("synthembed"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        app.installTranslator(own);
        loaded = own->language();
    } else {
        delete own;
    }
    // Qt's own dialogs and the editor's context menu (QScintilla ships German, not Chinese).
    for (const auto* catalogue : {"qtbase", "qscintilla"}) {
        auto* qt = new QTranslator(&app);
        if (qt->load(locale, QString::fromLatin1(catalogue), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            app.installTranslator(qt);
        else
            delete qt;
    }
    return loaded;
}

} // namespace synthembed::ui
