// The Explorer and Generation areas in the main window with the guide panel open, in English,
// German and Chinese, at the default size (1200x780) and at 1400x900: the Explorer never scrolls
// sideways and shows its query and instruction placeholders whole; no cell of the Generation
// area's estimate table is broken over lines (German words are long, and Qt breaks them mid-word
// by default). The Generation area fits from 1400x900 on; narrower, it scrolls sideways rather
// than squeezing the estimate below readability.
// With SYNTHEMBED_SCREENSHOT_DIR set, saves layout_<area>_<locale>.png there.

#include "ui/areas/area.h"
#include "ui/guidepanel.h"
#include "ui/mainwindow.h"
#include "ui/translations.h"
#include "area_test_support.h"

#include <QAbstractTextDocumentLayout>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextFrame>
#include <QTextTable>
#include <QTranslator>
#include <QtTest>

using namespace synthembed;

namespace {

QScrollArea* scrollAreaOf(QWidget* area) {
    for (QWidget* w = area->parentWidget(); w; w = w->parentWidget())
        if (auto* s = qobject_cast<QScrollArea*>(w)) return s;
    return nullptr;
}

// Pixels a line edit has for its text (frame and Qt's fixed 2-pixel side margins taken off).
int textRoom(const QLineEdit* e) {
    const QMargins m = e->textMargins();
    return e->contentsRect().width() - 2 * e->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, e) - 4 -
           m.left() - m.right();
}

std::vector<QTextTable*> tables(QTextFrame* frame) {
    std::vector<QTextTable*> out;
    for (QTextFrame* child : frame->childFrames()) {
        if (auto* t = qobject_cast<QTextTable*>(child)) out.push_back(t);
        auto more = tables(child);
        out.insert(out.end(), more.begin(), more.end());
    }
    return out;
}

} // namespace

class LayoutFitTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dataDir;

    static void removeTranslators() {
        for (auto* t : qApp->findChildren<QTranslator*>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }
    void cleanup() {
        removeTranslators();
        QLocale::setDefault(QLocale::c());
    }

    void areasFitTheWindow_data() {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QSize>("size"); // empty: the window's default size
        for (const char* locale : {"en_US", "de_DE", "zh_CN"}) {
            QTest::addRow("%s default", locale) << QString::fromLatin1(locale) << QSize();
            QTest::addRow("%s 1400x900", locale) << QString::fromLatin1(locale) << QSize(1400, 900);
        }
    }

    void areasFitTheWindow() {
        QFETCH(QString, locale);
        QFETCH(QSize, size);
        removeTranslators();
        const QString loaded = ui::installTranslations(*qApp, QLocale(locale));
        QVERIFY(locale.startsWith(QLatin1String("en")) ? loaded.isEmpty() : !loaded.isEmpty());
        QTemporaryDir dir;
        ui::MainWindow w;
        if (size.isValid()) w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("p.synthembed")), true, true));
        w.guide()->show();
        qInfo("window %dx%d", w.width(), w.height());

        // Explorer: nothing scrolls sideways, the placeholders are whole.
        w.showArea(5);
        auto* explorer = w.area(5);
        auto* scroll = scrollAreaOf(explorer);
        QVERIFY(scroll);
        QTRY_VERIFY2(explorer->width() <= scroll->viewport()->width(),
                     qPrintable(QStringLiteral("Explorer %1 px in a %2 px view").arg(explorer->width()).arg(scroll->viewport()->width())));
        for (const char* name : {"explorerQuery", "explorerInstruction"}) {
            auto* edit = explorer->findChild<QLineEdit*>(QLatin1String(name));
            QVERIFY(edit && edit->isVisible());
            const int need = edit->fontMetrics().horizontalAdvance(edit->placeholderText());
            QVERIFY2(need <= textRoom(edit), qPrintable(QStringLiteral("%1: “%2” needs %3 px, has %4")
                                                             .arg(QLatin1String(name), edit->placeholderText())
                                                             .arg(need)
                                                             .arg(textRoom(edit))));
        }
        QVERIFY(uitest::screenshot(&w, QStringLiteral("layout_explorer_%1_%2.png").arg(locale).arg(w.width())));

        // Generation: nothing scrolls sideways; every cell of the estimate table is one line.
        w.showArea(1);
        auto* generation = w.area(1);
        auto* estimate = generation->findChild<QTextBrowser*>(QStringLiteral("estimateView"));
        QVERIFY(estimate);
        QTRY_VERIFY(!tables(estimate->document()->rootFrame()).empty());
        if (size.isValid())
            QTRY_VERIFY2(generation->width() <= scrollAreaOf(generation)->viewport()->width(),
                         qPrintable(QStringLiteral("Generation %1 px in a %2 px view")
                                        .arg(generation->width())
                                        .arg(scrollAreaOf(generation)->viewport()->width())));
        estimate->document()->documentLayout()->documentSize(); // lays the document out
        QTextTable* table = tables(estimate->document()->rootFrame()).front();
        QVERIFY(table->columns() >= 6);
        for (int r = 0; r < table->rows(); ++r)
            for (int c = 0; c < table->columns(); ++c) {
                const QTextTableCell cell = table->cellAt(r, c);
                if (cell.row() != r || cell.column() != c) continue; // spanned
                for (QTextBlock b = cell.firstCursorPosition().block();
                     b.isValid() && b.position() <= cell.lastCursorPosition().position(); b = b.next()) {
                    QVERIFY(b.layout());
                    QVERIFY2(b.layout()->lineCount() <= 1,
                             qPrintable(QStringLiteral("cell %1,%2 “%3” takes %4 lines").arg(r).arg(c).arg(b.text()).arg(b.layout()->lineCount())));
                }
            }
        QVERIFY(uitest::screenshot(&w, QStringLiteral("layout_generation_%1_%2.png").arg(locale).arg(w.width())));
    }
};

QTEST_MAIN(LayoutFitTest)
#include "layout_fit_test.moc"
