// GUI smoke test: the main window opens on a fresh project, every area can be shown, Settings
// opens, saves an endpoint without its key, and closes.

#include "ui/areas/area.h"
#include "ui/logdock.h"
#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace synthembed;

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
    }

    void opensAndSwitchesAreas() {
        QTemporaryDir dir;
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("p.synthembed")), true, true));
        QVERIFY(w.project() != nullptr);
        QCOMPARE(w.areaCount(), 6);
        QStringList titles;
        for (int i = 0; i < w.areaCount(); ++i) {
            w.showArea(i);
            QCOMPARE(w.currentArea(), i);
            QVERIFY(w.area(i)->isVisible());
            titles << w.area(i)->title();
        }
        QCOMPARE(titles, (QStringList{QStringLiteral("Templates"), QStringLiteral("Generation"),
                                      QStringLiteral("Samples"), QStringLiteral("Training"),
                                      QStringLiteral("Evaluation"), QStringLiteral("Explorer")}));
        // The log dock receives core's messages.
        int before = w.logDock()->lineCount();
        log::info("hello from core");
        QTRY_VERIFY(w.logDock()->lineCount() > before);
    }

    void refusesForeignFile() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("junk.synthembed")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        ui::MainWindow w;
        QVERIFY(!w.openProject(f.fileName(), false, true));
        QVERIFY(w.project() == nullptr);
    }

    void settingsOpensSavesAndCloses() {
        QTemporaryDir dir;
        ui::MainWindow w;
        w.show();
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("p.synthembed")), true, true));
        bool sawDialog = false;
        QTimer::singleShot(0, this, [&] {
            auto* dlg = qobject_cast<ui::SettingsDialog*>(QApplication::activeModalWidget());
            QVERIFY(dlg);
            sawDialog = true;
            auto* table = dlg->findChild<QTableWidget*>(QStringLiteral("endpointsTable"));
            QVERIFY(table);
            for (auto* b : dlg->findChildren<QPushButton*>())
                if (b->text() == QStringLiteral("Add endpoint")) b->click();
            QCOMPARE(table->rowCount(), 1);
            table->item(0, 2)->setText(QStringLiteral("qwen2.5-7b-instruct"));
            table->item(0, 3)->setText(QStringLiteral("MY_TEST_KEY"));
            dlg->accept();
        });
        w.showSettings();
        QVERIFY(sawDialog);
        auto eps = ui::loadEndpoints(*w.project());
        QCOMPARE(eps.size(), 1);
        QCOMPARE(eps[0].model, QStringLiteral("qwen2.5-7b-instruct"));
        QCOMPARE(eps[0].apiKeyEnv, QStringLiteral("MY_TEST_KEY"));
        // Only the variable's name is stored.
        QVERIFY(!w.project()->setting("llm.endpoints")->empty());
    }
};

QTEST_MAIN(MainWindowTest)
#include "mainwindow_test.moc"
