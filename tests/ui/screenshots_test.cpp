// Screenshots. everyAreaInEveryLanguage: every area at 1400x900 in English, German and Chinese,
// once with realistic content (a generation job against the fake OpenAI-compatible server with
// rejects, STS-B pairs imported, with SYNTHEMBED_SHARED a LoRA run of stories260K and evaluation
// results) and once empty (no project open, then an empty project: every area's empty state).
// generationAndSamples: the Generation and Samples areas during and after a larger job.
// Runs only when SYNTHEMBED_SCREENSHOT_DIR names a folder, e.g.
//   SYNTHEMBED_SCREENSHOT_DIR=/tmp/shots QT_QPA_PLATFORM=offscreen build/dev/tests/ui_screenshots_test
// (or under xvfb-run with QT_QPA_PLATFORM=xcb). Files: <lang>-<nn>-<area>[-empty].png.

#include "ui/areas/evaluation_area.h"
#include "ui/areas/explorer_area.h"
#include "ui/areas/generation_area.h"
#include "ui/areas/samples_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/translations.h"
#include "ui/gen/job_table_model.h"
#include "ui/guidepanel.h"
#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTranslator>
#include <QSpinBox>
#include <QTabWidget>
#include <QJsonDocument>
#include <QJsonObject>
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

    static void removeTranslators() {
        for (auto* t : qApp->findChildren<QTranslator*>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    }

    /// A project with realistic content in `dir`: its path.
    QString demoProject(const QTemporaryDir& dir) {
        const QString path = dir.filePath(QStringLiteral("demo.synthembed"));
        const std::string db = path.toStdString();
        auto ok = [](const test::CommandResult& r) {
            if (r.exitCode != 0) qWarning("exit %d: %s%s", r.exitCode, r.out.c_str(), r.err.c_str());
            return r.exitCode == 0;
        };
        if (!ok(test::runCli({"--db", db, "init"}))) return {};
        {
            test::FakeLlmServer server(nlohmann::json::parse(R"([{"mode": "invalid_sample", "ratio": 0.1}])"), 5);
            if (!ok(test::runCli({"--db", db, "generate", "--endpoint", server.baseUrl(), "--llm-model", "fake-model",
                                  "--family", "short-long,sts:2,bitext", "--count", "240", "--concurrency", "32",
                                  "--seed", "7"})))
                return {};
            auto p = store::Project::open(db);
            ui::saveEndpoints(*p, {{QStringLiteral("local vLLM"), QString::fromStdString(server.baseUrl()),
                                    QStringLiteral("fake-model"), QString()}});
        }
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const QString stsb = shared + QStringLiteral("/data/stsbenchmark/stsb-en-test.csv");
        if (shared.isEmpty() || !QFile::exists(stsb)) {
            qInfo("SYNTHEMBED_SHARED not set: no training run and no evaluation results in the screenshots");
            return path;
        }
        // STS-B training pairs with a high score as imported samples, a short LoRA run, results.
        QFile in(shared + QStringLiteral("/data/stsbenchmark/stsb-en-train.csv"));
        if (!in.open(QIODevice::ReadOnly)) return {};
        QByteArray jsonl;
        int rows = 0;
        while (!in.atEnd() && rows < 600) {
            const QList<QByteArray> f = in.readLine().trimmed().split(',');
            if (f.size() != 3 || f[2].toDouble() < 4.0) continue;
            jsonl += QJsonDocument(QJsonObject{{QStringLiteral("query"), QString::fromUtf8(f[0])},
                                               {QStringLiteral("positive"), QString::fromUtf8(f[1])}})
                         .toJson(QJsonDocument::Compact) +
                     '\n';
            ++rows;
        }
        QFile out(dir.filePath(QStringLiteral("stsb.jsonl")));
        if (!out.open(QIODevice::WriteOnly) || out.write(jsonl) != jsonl.size()) return {};
        out.close();
        const std::string model = dir.filePath(QStringLiteral("ft1")).toStdString();
        if (!ok(test::runCli({"--db", db, "import", "-i", out.fileName().toStdString(), "--family", "sts", "--language", "en"})) ||
            !ok(test::runCli({"--db", db, "train", "--model", (shared + QStringLiteral("/oracles/models/stories260K")).toStdString(),
                              "-o", model, "--name", "stsb-lora", "--steps", "60", "--batch-size", "16", "--max-length", "48",
                              "--warmup", "6", "--lr", "1e-3"})))
            return {};
        for (const std::string& m : {model, std::string("hash:256")})
            if (!ok(test::runCli({"--db", db, "eval", "--model", m, "--task-type", "sts", "--data", stsb.toStdString(),
                                  "--quick", "300"})))
                return {};
        auto p = store::Project::open(db);
        ui::evalsettings::setModels(&*p, {QString::fromStdString(model), QStringLiteral("hash:256")});
        ui::EvaluationArea evaluation;
        evaluation.setProject(&*p);
        if (!evaluation.addDataset(stsb).isEmpty()) return {};
        evaluation.setProject(nullptr);
        return path;
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

    void everyAreaInEveryLanguage() {
        QTemporaryDir dir;
        const QString demo = demoProject(dir);
        QVERIFY(!demo.isEmpty());
        for (const char* locale : {"en_US", "de_DE", "zh_CN"}) {
            const QString lang = QString::fromLatin1(locale).left(2);
            removeTranslators();
            ui::installTranslations(*qApp, QLocale(QString::fromLatin1(locale)));
            ui::MainWindow w;
            w.resize(1400, 900);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.guide()->hide();
            shoot(w, lang + QStringLiteral("-00-no-project"));
            // An empty project: every area's empty state.
            const QString empty = dir.filePath(lang + QStringLiteral("-empty.synthembed"));
            {
                auto p = store::Project::create(empty.toStdString());
                QVERIFY(p.ok());
                p->db().execute("DELETE FROM templates");
            }
            QVERIFY(w.openProject(empty, false, true));
            for (int i = 0; i < w.areaCount(); ++i) {
                w.showArea(i);
                QTest::qWait(150);
                shoot(w, QStringLiteral("%1-%2-%3-empty").arg(lang).arg(i + 1, 2, 10, QLatin1Char('0')).arg(w.area(i)->objectName()));
            }
            // The realistic project (a copy per language: the windows write settings to it).
            const QString copy = dir.filePath(lang + QStringLiteral("-demo.synthembed"));
            QVERIFY(QFile::copy(demo, copy));
            QVERIFY(w.openProject(copy, false, true));
            for (int i = 0; i < w.areaCount(); ++i) {
                w.showArea(i);
                QTest::qWait(150);
                if (auto* samples = qobject_cast<ui::SamplesArea*>(w.area(i))) {
                    QTRY_VERIFY(!samples->refreshRunning());
                    QVERIFY(samples->selectRow(3));
                } else if (auto* explorer = qobject_cast<ui::ExplorerArea*>(w.area(i))) {
                    explorer->setModel(QStringLiteral("hash:256"));
                    QSignalSpy embedded(explorer, &ui::ExplorerArea::embedded);
                    explorer->embed();
                    QVERIFY(embedded.wait(60000));
                    QTest::qWait(300);
                } else if (auto* runs = w.area(i)->findChild<QTableView*>(QStringLiteral("runsTable")); runs && runs->model()->rowCount() > 0) {
                    runs->selectRow(0);
                    QTest::qWait(300);
                }
                shoot(w, QStringLiteral("%1-%2-%3").arg(lang).arg(i + 1, 2, 10, QLatin1Char('0')).arg(w.area(i)->objectName()));
            }
        }
        removeTranslators();
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
