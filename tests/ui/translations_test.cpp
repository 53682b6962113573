// The embedded German and Chinese catalogues load and translate real strings of the shell (plural
// forms included), the locale becomes the default one for numbers, and English loads nothing.

#include "ui/translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>
#include <QtTest>

class TranslationsTest : public QObject {
    Q_OBJECT
private:
    static QString translated(const char* context, const char* text, int n = -1) {
        return QCoreApplication::translate(context, text, nullptr, n);
    }
    void removeAll() {
        for (auto* t : qApp->findChildren<QTranslator*>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    }
private Q_SLOTS:
    void cleanup() {
        removeAll();
        QLocale::setDefault(QLocale::c());
    }

    void german() {
        QCOMPARE(synthembed::ui::installTranslations(*qApp, QLocale(QStringLiteral("de"))), QStringLiteral("de"));
        QCOMPARE(translated("synthembed::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
        QCOMPARE(translated("synthembed::ui::TemplatesArea", "Saved %1 as version %2").arg("a").arg(3),
                 QStringLiteral("a als Version 3 gespeichert"));
        QCOMPARE(translated("synthembed::ui::HistoryPanel", "%n unchanged line(s)", 1), QStringLiteral("1 unveränderte Zeile"));
        QCOMPARE(translated("synthembed::ui::HistoryPanel", "%n unchanged line(s)", 4), QStringLiteral("4 unveränderte Zeilen"));
        QCOMPARE(QLocale().toString(1234.5, 'f', 1), QStringLiteral("1.234,5"));
    }

    void chinese() {
        QCOMPARE(synthembed::ui::installTranslations(*qApp, QLocale(QStringLiteral("zh_CN"))), QStringLiteral("zh_CN"));
        QCOMPARE(translated("synthembed::ui::MainWindow", "&File"), QStringLiteral("文件(&F)"));
        QCOMPARE(translated("synthembed::ui::HistoryPanel", "%n unchanged line(s)", 7), QStringLiteral("7 行未更改"));
        QCOMPARE(translated("synthembed::ui::GuidePanel", "Samples"), QStringLiteral("样本"));
    }

    void englishLoadsNothing() {
        QCOMPARE(synthembed::ui::installTranslations(*qApp, QLocale(QStringLiteral("en_US"))), QString());
        QCOMPARE(translated("synthembed::ui::MainWindow", "&File"), QStringLiteral("&File"));
    }
};

QTEST_MAIN(TranslationsTest)
#include "translations_test.moc"
