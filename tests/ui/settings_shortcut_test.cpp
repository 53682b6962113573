// Settings opens with Ctrl+, on every platform (QKeySequence::Preferences is empty on Linux and
// Windows) and the Edit menu shows that shortcut: a real main window, a real key press.

#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"

#include "core/runtime/runtime.h"

#include <QAction>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace synthembed;

class SettingsShortcutTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
    }

    void ctrlCommaOpensSettingsAndTheMenuShowsIt() {
        const QKeySequence ctrlComma(Qt::CTRL | Qt::Key_Comma);
        QCOMPARE(ui::MainWindow::settingsShortcuts().value(0), ctrlComma);

        QTemporaryDir dir;
        ui::MainWindow w;
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("p.synthembed")), true, true));
        auto* action = w.findChild<QAction*>(QStringLiteral("settingsAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), ctrlComma); // what the menu entry displays
        QVERIFY(action->shortcuts().contains(ctrlComma));
        // The action sits in a menu of the menu bar, so the menu shows its shortcut.
        bool inMenu = false;
        for (auto* top : w.menuBar()->actions())
            if (top->menu() && top->menu()->actions().contains(action)) inMenu = true;
        QVERIFY(inMenu);
        QVERIFY(!ctrlComma.toString(QKeySequence::NativeText).isEmpty());

        bool opened = false;
        QTimer::singleShot(200, this, [&] {
            if (auto* d = qobject_cast<ui::SettingsDialog*>(QApplication::activeModalWidget())) {
                opened = true;
                d->reject();
            }
        });
        QTest::keyClick(&w, Qt::Key_Comma, Qt::ControlModifier);
        QTRY_VERIFY(opened);
    }
};

QTEST_MAIN(SettingsShortcutTest)
#include "settings_shortcut_test.moc"
