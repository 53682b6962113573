// Screenshots of the Generation and Samples areas with real data: a job run against the fake
// OpenAI-compatible server (some answers invalid, so there are rejects), captured mid-run and
// after. Runs only when SYNTHEMBED_SCREENSHOT_DIR names a folder (e.g. under xvfb-run):
//   SYNTHEMBED_SCREENSHOT_DIR=/tmp/shots QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
//     build/g/tests/ui_screenshots_test

#include "ui/areas/generation_area.h"
#include "ui/areas/samples_area.h"
#include "ui/gen/job_table_model.h"
#include "ui/guidepanel.h"
#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"

#include "support/fake_llm_server.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"

#include <QDir>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace synthembed;

class ScreenshotsTest : public QObject {
    Q_OBJECT
    QString m_out;

    void shoot(QWidget& w, const QString& name) {
        QCoreApplication::processEvents();
        const QString path = QDir(m_out).filePath(name + QStringLiteral(".png"));
        QVERIFY(w.grab().save(path));
        qInfo("saved %s", qPrintable(path));
    }

private Q_SLOTS:
    void initTestCase() {
        m_out = qEnvironmentVariable("SYNTHEMBED_SCREENSHOT_DIR");
        if (m_out.isEmpty()) QSKIP("set SYNTHEMBED_SCREENSHOT_DIR to take screenshots");
        QDir().mkpath(m_out);
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
    }

    void generationAndSamples() {
        test::FakeLlmServer server(nlohmann::json::parse(R"([{"mode": "invalid_sample", "ratio": 0.08},
                                                              {"mode": "status_429", "ratio": 0.03, "retry_after": 0.2}])"),
                                   250);
        QTemporaryDir dir;
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.guide()->hide();
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("demo.synthembed")), true, true));
        ui::saveEndpoints(*w.project(), {{QStringLiteral("local vLLM"), QString::fromStdString(server.baseUrl()),
                                          QStringLiteral("fake-model"), QString()}});
        w.project()->setSetting("llm.prices", R"({"fake-model": {"prompt": 0.15, "completion": 0.6}})");
        w.showArea(1);
        auto* gen = qobject_cast<ui::GenerationArea*>(w.area(1));
        QVERIFY(gen);
        gen->reloadEndpoints();
        gen->findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(600);
        gen->findChild<QSpinBox*>(QStringLiteral("jobConcurrency"))->setValue(64);
        QTest::qWait(400);
        const qint64 first = gen->launch();
        QVERIFY(first > 0);
        QTRY_VERIFY_WITH_TIMEOUT(gen->jobModel()->job(0)->state == gen::JobState::Done, 120000);
        // A second, larger job caught mid-run.
        gen->findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(5000);
        gen->findChild<QSpinBox*>(QStringLiteral("jobSeed"))->setValue(2);
        const qint64 second = gen->launch();
        QTRY_VERIFY_WITH_TIMEOUT(gen->jobModel()->job(gen->jobModel()->rowOfJob(second))->accepted > 300, 60000);
        QTest::qWait(1200);
        shoot(w, QStringLiteral("generation-running"));
        gen->pauseJob(second);
        QTRY_VERIFY_WITH_TIMEOUT(!gen->isRunningHere(second), 30000);

        w.showArea(2);
        auto* samples = qobject_cast<ui::SamplesArea*>(w.area(2));
        samples->refresh();
        QVERIFY(samples->selectRow(3));
        shoot(w, QStringLiteral("samples-detail"));
        samples->findChild<QTabWidget*>(QStringLiteral("sampleDetailTabs"))->setCurrentIndex(1);
        shoot(w, QStringLiteral("samples-prompt"));
        const auto tabs = samples->findChildren<QTabWidget*>();
        for (auto* t : tabs)
            if (t->count() == 2) t->setCurrentIndex(1); // the reject reasons
        shoot(w, QStringLiteral("samples-rejects"));
    }
};

QTEST_MAIN(ScreenshotsTest)
#include "screenshots_test.moc"
