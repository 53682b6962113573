// The Explorer and Generation areas in the main window with the guide panel open, in English,
// German and Chinese, at the default size (1200x780) and at 1400x900: the Explorer never scrolls
// sideways and shows its query and instruction placeholders whole; no cell of the Generation
// area's estimate table is broken over lines (German words are long, and Qt breaks them mid-word
// by default). The Generation area fits from 1400x900 on; narrower, it scrolls sideways rather
// than squeezing the estimate below readability.
// With SYNTHEMBED_SCREENSHOT_DIR set, saves layout_<area>_<locale>.png there.

#include "ui/areas/area.h"
#include "ui/areas/evaluation_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/settingsdialog.h"
#include "ui/guidepanel.h"
#include "ui/mainwindow.h"
#include "ui/translations.h"
#include "area_test_support.h"

#include "core/eval/results.h"
#include "core/store/project.h"

#include "ui/templates/qsci.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QStatusBar>
#include <QTableWidget>
#include <QTreeWidget>
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


/// Whether a label shows all of `text`: on its lines when it wraps, else on one line.
bool labelShowsAll(const QLabel* l) {
    if (l->wordWrap()) return l->heightForWidth(l->width()) <= l->height();
    return l->fontMetrics().horizontalAdvance(l->text()) <= l->contentsRect().width();
}

/// Whether a view's cell shows all of its text: on one line, or wrapped within the row's height.
bool cellShowsAll(const QAbstractItemView* view, const QModelIndex& index, bool wraps) {
    const QRect r = view->visualRect(index);
    const QString text = index.data().toString();
    const QFontMetrics fm = view->fontMetrics();
    const int pad = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
    if (fm.horizontalAdvance(text) + pad <= r.width()) return true;
    return wraps && fm.boundingRect(QRect(0, 0, r.width() - pad, 100000), Qt::TextWordWrap, text).height() <= r.height();
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

    void longTextsAreWholeOrElided_data() {
        QTest::addColumn<QString>("locale");
        for (const char* locale : {"en_US", "de_DE", "zh_CN"}) QTest::addRow("%s", locale) << QString::fromLatin1(locale);
    }

    // At 1400x900 with the guide open: the endpoint box shows its whole entry and every entry of its
    // list is whole; the template problems list shows each message whole (wrapped); a dataset error
    // shows whole in the Evaluation area (wrapped) and in the status bar (elided in the middle, the
    // whole message in its tooltip); the results' Model column shows its names whole.
    void longTextsAreWholeOrElided() {
        QFETCH(QString, locale);
        removeTranslators();
        ui::installTranslations(*qApp, QLocale(locale));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.synthembed"));
        const QString longModel = QStringLiteral("intfloat/multilingual-e5-large-instruct-finetuned-on-scifact");
        {
            auto project = store::Project::create(path.toStdString());
            QVERIFY(project);
            ui::saveEndpoints(*project, {{QStringLiteral("local"), QStringLiteral("http://127.0.0.1:18091/v1"), QStringLiteral("m")},
                                         {QStringLiteral("broken"), QStringLiteral("http://127.0.0.1:18099/v1"), QStringLiteral("m")}});
            eval::EvalResult r;
            r.taskType = "sts";
            r.dataset = "stsbenchmark";
            r.split = "test";
            r.modelFingerprint = "fp-long";
            r.mainMetric = "cosine_spearman";
            r.mainScore = 0.5;
            r.metrics = {{"cosine_spearman", 0.5}};
            QVERIFY(eval::storeResult(*project, r));
            ui::evalsettings::rememberModel(&*project, QStringLiteral("fp-long"), longModel);
        }
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(path, false, true));
        w.guide()->show();

        // Generation: the endpoint box and its list.
        w.showArea(1);
        auto* combo = w.area(1)->findChild<QComboBox*>(QStringLiteral("jobEndpoint"));
        QVERIFY(combo);
        QTRY_COMPARE(combo->count(), 3);
        QVERIFY(uitest::screenshot(&w, QStringLiteral("fit_generation_%1.png").arg(locale)));
        for (int i = 0; i < combo->count(); ++i) {
            combo->setCurrentIndex(i);
            QCoreApplication::processEvents();
            auto* edit = combo->lineEdit();
            const QString text = combo->currentText();
            const int need = edit->fontMetrics().horizontalAdvance(text);
            QVERIFY2(need <= textRoom(edit), qPrintable(QStringLiteral("endpoint box: “%1” needs %2 px, has %3").arg(text).arg(need).arg(textRoom(edit))));
            QVERIFY2(combo->itemData(i, Qt::ToolTipRole).toString().startsWith(combo->itemText(i)),
                     qPrintable(combo->itemData(i, Qt::ToolTipRole).toString()));
        }
        combo->showPopup();
        QTRY_VERIFY(combo->view()->isVisible());
        for (int i = 0; i < combo->count(); ++i) {
            const QModelIndex index = combo->model()->index(i, 0);
            QVERIFY2(combo->view()->sizeHintForIndex(index).width() <= combo->view()->viewport()->width(),
                     qPrintable(QStringLiteral("endpoint list: “%1” needs %2 px, has %3")
                                    .arg(index.data().toString())
                                    .arg(combo->view()->sizeHintForIndex(index).width())
                                    .arg(combo->view()->viewport()->width())));
        }
        QVERIFY(uitest::screenshot(&w, QStringLiteral("fit_endpoints_%1.png").arg(locale)));
        QVERIFY(uitest::screenshot(combo->view()->window(), QStringLiteral("fit_endpoint_list_%1.png").arg(locale)));
        combo->hidePopup();

        // Templates: a long problem message.
        w.showArea(0);
        auto* editor = w.area(0)->findChild<QsciScintilla*>(QStringLiteral("templateEditor"));
        auto* problems = w.area(0)->findChild<QTreeWidget*>(QStringLiteral("problemList"));
        QVERIFY(editor && problems);
        QTRY_VERIFY(!editor->text().isEmpty());
        editor->append(QStringLiteral("\n{a_placeholder_nobody_declared_anywhere}\n"));
        QTRY_VERIFY(problems->topLevelItemCount() > 0);
        QTest::qWait(50);
        bool sawUnknown = false;
        for (int i = 0; i < problems->topLevelItemCount(); ++i) {
            const QModelIndex index = problems->model()->index(i, 1);
            sawUnknown |= index.data().toString().contains(QStringLiteral("placeholders:"));
            QTRY_VERIFY2(cellShowsAll(problems, index, problems->wordWrap()), qPrintable(QStringLiteral("problem “%1” cut in %2x%3 px")
                                                                   .arg(index.data().toString())
                                                                   .arg(problems->visualRect(index).width())
                                                                   .arg(problems->visualRect(index).height())));
            QCOMPARE(index.data(Qt::ToolTipRole).toString(), index.data().toString());
        }
        QVERIFY(sawUnknown);
        QVERIFY(uitest::screenshot(&w, QStringLiteral("fit_problems_%1.png").arg(locale)));

        // Evaluation: a folder that is no dataset (the message names the folder and what was expected).
        w.showArea(4);
        auto* evaluation = qobject_cast<ui::EvaluationArea*>(w.area(4));
        QVERIFY(evaluation);
        QTRY_VERIFY2(evaluation->width() <= scrollAreaOf(evaluation)->viewport()->width(),
                     qPrintable(QStringLiteral("Evaluation %1 px in a %2 px view")
                                    .arg(evaluation->width())
                                    .arg(scrollAreaOf(evaluation)->viewport()->width())));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("some-folder-with-a-rather-long-name/that-is-no-dataset")));
        const QString error = evaluation->addDataset(dir.filePath(QStringLiteral("some-folder-with-a-rather-long-name/that-is-no-dataset")));
        QVERIFY(!error.isEmpty());
        auto* modelRef = evaluation->findChild<QLineEdit*>(QStringLiteral("evalModelRef"));
        QVERIFY(modelRef);
        QVERIFY2(modelRef->fontMetrics().horizontalAdvance(modelRef->placeholderText()) <= textRoom(modelRef),
                 qPrintable(QStringLiteral("“%1” needs %2 px, has %3")
                                .arg(modelRef->placeholderText())
                                .arg(modelRef->fontMetrics().horizontalAdvance(modelRef->placeholderText()))
                                .arg(textRoom(modelRef))));
        auto* status = evaluation->findChild<QLabel*>(QStringLiteral("evalStatus"));
        QVERIFY(status);
        QTRY_VERIFY2(labelShowsAll(status), qPrintable(QStringLiteral("evaluation status “%1” cut at %2x%3 px")
                                                           .arg(status->text()).arg(status->width()).arg(status->height())));
        QCOMPARE(status->toolTip(), error);
        QStatusBar* bar = w.statusBar();
        const QString shown = bar->currentMessage();
        QVERIFY(!shown.isEmpty());
        if (shown != error) {
            QVERIFY2(shown.contains(QChar(0x2026)), qPrintable(shown));
            QCOMPARE(bar->toolTip(), error);
        }
        int taken = 0;
        for (QWidget* c : bar->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
            if (c->isVisible()) taken += c->width();
        QVERIFY2(bar->fontMetrics().horizontalAdvance(shown) <= bar->width() - taken,
                 qPrintable(QStringLiteral("status bar: “%1” needs %2 px, has %3")
                                .arg(shown).arg(bar->fontMetrics().horizontalAdvance(shown)).arg(bar->width() - taken)));
        // The results' Model column.
        auto* results = evaluation->findChild<QTableWidget*>(QStringLiteral("evalResults"));
        QVERIFY(results);
        evaluation->setView(ui::EvaluationArea::View::All);
        QTRY_VERIFY(results->rowCount() > 0);
        QCOMPARE(results->item(0, 0)->text(), longModel);
        QVERIFY2(cellShowsAll(results, results->model()->index(0, 0), results->wordWrap()),
                 qPrintable(QStringLiteral("model “%1” cut at %2 px").arg(longModel).arg(results->columnWidth(0))));
        QVERIFY(uitest::screenshot(&w, QStringLiteral("fit_evaluation_%1.png").arg(locale)));
    }
};

QTEST_MAIN(LayoutFitTest)
#include "layout_fit_test.moc"
