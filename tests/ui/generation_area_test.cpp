// Generation area against the real fake OpenAI-compatible server on loopback: a job built in the
// GUI runs off the GUI thread to its exact target (the event loop keeps ticking at concurrency
// 64), pause/resume/cancel work, and the job table is read from the project so it survives a restart.
// Issue 13's GUI parts: "Test connection" (a real loopback server, a closed port, a 401, run off the
// GUI thread), the last error of a retrying job in the table, launch refusing templates with
// problems unless confirmed, a relaunch with a used seed warned about (a fresh seed offered), and
// per-endpoint rpm/tpm from Settings reaching the job.

#include "ui/areas/generation_area.h"
#include "ui/gen/job_table_model.h"
#include "ui/settingsdialog.h"

#include "area_test_support.h"

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/gen/sample_browse.h"
#include "core/prompts/prompt_store.h"
#include "core/runtime/runtime.h"
#include "core/store/project.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QRegularExpression>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTimer>
#include <QtTest>

#include <functional>
#include <memory>

using namespace synthembed;

namespace {

std::unique_ptr<store::Project> makeProject(const QTemporaryDir& dir, const std::string& baseUrl) {
    auto p = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
    if (!p) qFatal("%s", p.error().message.c_str());
    auto proj = std::make_unique<store::Project>(std::move(p).take());
    ui::saveEndpoints(*proj, {{QStringLiteral("fake"), QString::fromStdString(baseUrl), QStringLiteral("fake-model"), QString()}});
    return proj;
}

// Checks only the given families, with weights.
void pickFamilies(ui::GenerationArea& area, const QMap<QString, double>& mix) {
    auto* t = area.findChild<QTableWidget*>(QStringLiteral("jobFamilies"));
    QVERIFY(t);
    for (int r = 0; r < t->rowCount(); ++r) {
        const QString fam = t->item(r, 0)->text();
        t->item(r, 0)->setCheckState(mix.contains(fam) ? Qt::Checked : Qt::Unchecked);
        if (mix.contains(fam)) qobject_cast<QDoubleSpinBox*>(t->cellWidget(r, 1))->setValue(mix[fam]);
    }
}

const gen::JobStats* jobRow(ui::GenerationArea& area, qint64 id) {
    auto* m = area.jobModel();
    return m->job(m->rowOfJob(id));
}

void selectJob(ui::GenerationArea& area, qint64 id) {
    auto* view = area.findChild<QTableView*>(QStringLiteral("jobTable"));
    view->selectRow(area.jobModel()->rowOfJob(id));
}

// What a message box showed, and which button the test clicked.
struct SeenDialog {
    bool seen = false;
    QString text, informative, defaultButton;
};

// Answers the next modal message box named `objectName` (a real QMessageBox::exec) by clicking the
// button `pick` returns (null: Escape); what it showed lands in `out`. The watcher ends once it
// answered; delete the returned timer to end it when no dialog came.
QTimer* answerDialog(const QString& objectName, SeenDialog* out, std::function<QAbstractButton*(QMessageBox*)> pick) {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [=] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != objectName || !box->isVisible()) return;
        timer->stop();
        timer->deleteLater();
        out->seen = true;
        out->text = box->text();
        out->informative = box->informativeText();
        out->defaultButton = box->defaultButton() ? box->defaultButton()->text() : QString();
        if (!uitest::screenshot(box, objectName + QStringLiteral(".png"))) qWarning("screenshot of %s failed", qPrintable(objectName));
        if (QAbstractButton* b = pick(box))
            b->click();
        else
            QTest::keyClick(box, Qt::Key_Escape);
    });
    timer->start();
    return timer;
}

// A loopback port nothing listens on (a server's, once it has stopped).
int closedPort() {
    test::FakeLlmServer gone;
    return gone.port();
}

// A Generation area on a project whose one endpoint is a closed loopback port: every request fails
// to connect, so jobs retry and show why.
struct DeadEndpointArea {
    QTemporaryDir dir;
    const std::string deadUrl = "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1";
    std::unique_ptr<store::Project> project = makeProject(dir, deadUrl);
    ui::GenerationArea area;
    DeadEndpointArea() {
        area.resize(1300, 800);
        area.show();
        area.setProject(project.get());
    }
};

QString cellText(ui::GenerationArea& area, qint64 id, int column) {
    auto* m = area.jobModel();
    return m->data(m->index(m->rowOfJob(id), column)).toString();
}

} // namespace

class GenerationAreaTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
    }

    void runsAJobToItsTargetAndStaysResponsive() {
        test::FakeLlmServer server(nlohmann::json::array(), 100);
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        ui::GenerationArea area;
        area.resize(1300, 800);
        area.show();
        area.setProject(project.get());

        auto* endpoint = area.findChild<QComboBox*>(QStringLiteral("jobEndpoint"));
        QVERIFY(endpoint->currentText().contains(QString::fromStdString(server.baseUrl())));
        QCOMPARE(area.findChild<QLineEdit*>(QStringLiteral("jobModel"))->text(), QStringLiteral("fake-model"));
        pickFamilies(area, {{QStringLiteral("short-long"), 2.0}, {QStringLiteral("sts"), 1.0}, {QStringLiteral("long-long"), 1.0}});
        area.findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(240);
        area.findChild<QSpinBox*>(QStringLiteral("jobConcurrency"))->setValue(64);
        area.findChild<QSpinBox*>(QStringLiteral("jobSeed"))->setValue(11);

        // The estimate shows before launch.
        auto* estimate = area.findChild<QTextBrowser*>(QStringLiteral("estimateView"));
        QTRY_VERIFY(estimate->toPlainText().contains(QStringLiteral("Coverage")));
        QVERIFY(estimate->toPlainText().contains(QStringLiteral("short-long")));
        QVERIFY(estimate->toPlainText().contains(QStringLiteral("Placeholder combinations")));
        QVERIFY(estimate->toPlainText().contains(QStringLiteral("Language mix")));
        auto spec = area.currentSpec();
        QVERIFY(spec.has_value());
        QCOMPARE(spec->target, std::int64_t(240));
        QCOMPARE(spec->client.concurrency, 64);
        QCOMPARE(spec->families.size(), std::size_t(3));

        // The event loop must keep ticking while 64 requests are in flight.
        QElapsedTimer clock;
        qint64 last = 0, worstGapMs = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            worstGapMs = std::max(worstGapMs, now - last);
            last = now;
        });
        clock.start();
        tick.start();

        auto* launch = area.findChild<QPushButton*>(QStringLiteral("launchButton"));
        launch->click();
        QCOMPARE(area.jobModel()->rowCount(), 1);
        const qint64 id = area.jobModel()->job(0)->id;
        QVERIFY(area.isRunningHere(id));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const auto* j = jobRow(area, id);
                                     if (j && j->state == gen::JobState::Failed) qWarning("job failed: %s", j->error.c_str());
                                     return j && j->state == gen::JobState::Done;
                                 }()),
                                 120000);
        tick.stop();
        const auto* j = jobRow(area, id);
        QCOMPARE(j->accepted, std::int64_t(240));
        QCOMPARE(j->target, std::int64_t(240));
        QVERIFY(j->usage.promptTokens > 0);
        QVERIFY(j->usage.completionTokens > 0);
        QTRY_VERIFY(!area.isRunningHere(id));
        gen::SampleFilter accepted;
        accepted.status = "accepted";
        QCOMPARE(*gen::countSamples(*project, accepted), std::int64_t(240));
        // The progress column says 100 %.
        QCOMPARE(area.jobModel()->data(area.jobModel()->index(0, ui::JobTableModel::Progress), ui::JobTableModel::PercentRole).toInt(), 100);
        // The server saw the concurrency asked for, and the job's token totals are what it reported.
        const auto stats = server.stats();
        const auto serverMax = stats["max_in_flight"].get<std::int64_t>();
        qInfo("job of 240 samples at concurrency 64: worst event-loop gap %lld ms, server max in flight %lld",
              worstGapMs, (long long)serverMax);
        QVERIFY2(serverMax >= 32, qPrintable(QString::number(serverMax)));
        QCOMPARE(j->usage.promptTokens, stats["prompt_tokens"].get<std::int64_t>());
        QCOMPARE(j->usage.completionTokens, stats["completion_tokens"].get<std::int64_t>());
        // A frozen GUI thread would show gaps of seconds; the work is on the pool.
        QVERIFY2(worstGapMs < 1500, qPrintable(QStringLiteral("event loop blocked for %1 ms").arg(worstGapMs)));
    }

    void pauseResumeCancelAndRestart() {
        test::FakeLlmServer server(nlohmann::json::array(), 250);
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        qint64 id = -1, second = -1;
        {
            ui::GenerationArea area;
            area.show();
            area.setProject(project.get());
            pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
            area.findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(40);
            area.findChild<QSpinBox*>(QStringLiteral("jobConcurrency"))->setValue(2);
            id = area.launch();
            QVERIFY(id > 0);
            QTRY_VERIFY_WITH_TIMEOUT(jobRow(area, id) && jobRow(area, id)->accepted >= 2, 20000);
            selectJob(area, id);
            area.findChild<QPushButton*>(QStringLiteral("pauseButton"))->click();
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(id), 20000);
            area.jobModel()->refresh();
            QCOMPARE(jobRow(area, id)->state, gen::JobState::Paused);
            const auto pausedAt = jobRow(area, id)->accepted;
            QVERIFY(pausedAt < 40);

            selectJob(area, id);
            auto* resume = area.findChild<QPushButton*>(QStringLiteral("resumeButton"));
            QVERIFY(resume->isEnabled());
            resume->click();
            QVERIFY(area.isRunningHere(id));
            QTRY_VERIFY_WITH_TIMEOUT(jobRow(area, id)->state == gen::JobState::Done, 60000);
            QCOMPARE(jobRow(area, id)->accepted, std::int64_t(40));

            // A second job, cancelled while it runs (another seed: the same one would ask first).
            area.findChild<QSpinBox*>(QStringLiteral("jobSeed"))->setValue(2);
            second = area.launch();
            QVERIFY(second > id);
            QTRY_VERIFY_WITH_TIMEOUT(jobRow(area, second) && jobRow(area, second)->requestsDone >= 1, 20000);
            selectJob(area, second);
            area.findChild<QPushButton*>(QStringLiteral("cancelButton"))->click();
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(second), 20000);
            area.jobModel()->refresh();
            QCOMPARE(jobRow(area, second)->state, gen::JobState::Cancelled);
        }
        // A new window on the same project shows both jobs from their rows.
        ui::GenerationArea again;
        again.setProject(project.get());
        QCOMPARE(again.jobModel()->rowCount(), 2);
        QCOMPARE(jobRow(again, id)->state, gen::JobState::Done);
        QCOMPARE(jobRow(again, second)->state, gen::JobState::Cancelled);
        const QString progress = again.jobModel()->data(again.jobModel()->index(again.jobModel()->rowOfJob(id),
                                                                                   ui::JobTableModel::Progress)).toString();
        QVERIFY2(progress.contains(QStringLiteral("40")), qPrintable(progress));
    }

    void testConnectionListsModelsAndShowsErrorsOffTheGuiThread() {
        // Answers take 1.5 s: the event loop must keep ticking meanwhile.
        test::FakeLlmServer server(nlohmann::json::array(), 1500);
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        ui::GenerationArea area;
        area.resize(1300, 800);
        area.show();
        area.setProject(project.get());
        auto* button = area.findChild<QPushButton*>(QStringLiteral("testConnectionButton"));
        auto* result = area.findChild<QTextBrowser*>(QStringLiteral("connectionResult"));
        QVERIFY(button && result);

        QElapsedTimer clock;
        qint64 last = 0, worstGapMs = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            worstGapMs = std::max(worstGapMs, clock.elapsed() - last);
            last = clock.elapsed();
        });
        clock.start();
        tick.start();
        button->click();
        QVERIFY(!button->isEnabled()); // one test at a time
        QVERIFY(result->isVisible());
        QCOMPARE(result->toPlainText(), QStringLiteral("Testing the connection…"));
        QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 20000);
        tick.stop();
        qInfo("connection test: %s (worst event-loop gap %lld ms)", qPrintable(result->toPlainText()), worstGapMs);
        QVERIFY2(result->toPlainText().startsWith(QStringLiteral("fake: connected; \"fake-model\" answered in")),
                 qPrintable(result->toPlainText()));
        QVERIFY2(result->toPlainText().contains(QStringLiteral("Models the server lists: fake-model")), qPrintable(result->toPlainText()));
        QVERIFY2(worstGapMs < 500, qPrintable(QStringLiteral("event loop blocked for %1 ms").arg(worstGapMs)));
        QCOMPARE(server.stats()["total"].get<int>(), 1);
        QVERIFY(uitest::screenshot(&area, QStringLiteral("generation_connection_ok.png")));

        // The server refuses the key: its status and words, and what to check.
        server.setRules(nlohmann::json::parse(R"([{"mode": "status_401"}])"), 0);
        button->click();
        QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 20000);
        QVERIFY2(result->toPlainText().contains(QStringLiteral("HTTP 401")), qPrintable(result->toPlainText()));
        QVERIFY2(result->toPlainText().contains(QStringLiteral("API key")), qPrintable(result->toPlainText()));

        // Nothing listens: curl's words, not a hang.
        auto* endpoint = area.findChild<QComboBox*>(QStringLiteral("jobEndpoint"));
        endpoint->setEditText(QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()));
        button->click();
        QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 20000);
        QVERIFY2(result->toPlainText().contains(QStringLiteral("connect to server")), qPrintable(result->toPlainText()));
        QVERIFY(uitest::screenshot(&area, QStringLiteral("generation_connection_error.png")));

        // Deleting the area while a test runs neither blocks nor crashes.
        server.setRules(nlohmann::json::parse(R"([{"mode": "hang"}])"), 0);
        endpoint->setEditText(QString::fromStdString(server.baseUrl()));
        button->click();
        QVERIFY(!button->isEnabled());
    }

    void settingsTestsAnEndpointAndStoresItsOwnLimits() {
        test::FakeLlmServer server;
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        {
            ui::SettingsDialog dlg(project.get());
            dlg.show();
            auto* table = dlg.findChild<QTableWidget*>(QStringLiteral("endpointsTable"));
            QVERIFY(table);
            QCOMPARE(table->rowCount(), 1);
            table->setCurrentCell(0, 0);
            dlg.findChild<QPushButton*>(QStringLiteral("settingsTestConnection"))->click();
            auto* result = dlg.findChild<QLabel*>(QStringLiteral("settingsTestResult"));
            QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QStringLiteral("connected")), 20000);
            // Requests/min and tokens/min of this endpoint (the last two columns).
            table->item(0, table->columnCount() - 2)->setText(QStringLiteral("30"));
            table->item(0, table->columnCount() - 1)->setText(QStringLiteral("5000"));
            QVERIFY(uitest::screenshot(&dlg, QStringLiteral("settings_endpoints.png")));
            dlg.accept();
        }
        const auto eps = ui::loadEndpoints(*project);
        QCOMPARE(eps.size(), qsizetype(1));
        QCOMPARE(eps[0].requestsPerMinute, 30.0);
        QCOMPARE(eps[0].tokensPerMinute, 5000.0);

        ui::GenerationArea area;
        area.setProject(project.get());
        pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
        area.findChild<QSpinBox*>(QStringLiteral("jobRpm"))->setValue(600);
        auto spec = area.currentSpec();
        QVERIFY(spec.has_value());
        QCOMPARE(spec->client.endpoints.size(), std::size_t(1));
        QCOMPARE(spec->client.endpoints[0].requestsPerMinute.value_or(-1), 30.0);
        QCOMPARE(spec->client.endpoints[0].tokensPerMinute.value_or(-1), 5000.0);
        QCOMPARE(spec->client.requestsPerMinute, 600.0); // the job's default for endpoints without their own
        // Stored with the job as they are.
        auto id = gen::createJob(*project, *spec);
        QVERIFY(id.ok());
        auto back = gen::loadJobSpec(*project, *id);
        QVERIFY(back.ok());
        QCOMPARE(back->client.endpoints[0].requestsPerMinute.value_or(-1), 30.0);
        QCOMPARE(back->client.endpoints[0].tokensPerMinute.value_or(-1), 5000.0);
    }

    void retryingJobShowsItsLastErrorInPlainWords() {
        DeadEndpointArea f;
        auto& area = f.area;
        pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
        area.findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(5);
        area.findChild<QSpinBox*>(QStringLiteral("jobConcurrency"))->setValue(2);
        const qint64 id = area.launch();
        QVERIFY(id > 0);
        selectJob(area, id);
        QTRY_VERIFY_WITH_TIMEOUT(cellText(area, id, ui::JobTableModel::Error).contains(QStringLiteral("connect to server")),
                                 20000);
        // "N (M retries) — Couldn't connect to server"
        QTRY_VERIFY2(cellText(area, id, ui::JobTableModel::InFlight).contains(QRegularExpression(QStringLiteral("retries\\) — Could(n't| not) connect to server"))),
                     qPrintable(cellText(area, id, ui::JobTableModel::InFlight)));
        const QString tip = area.jobModel()
                                ->data(area.jobModel()->index(area.jobModel()->rowOfJob(id), ui::JobTableModel::InFlight),
                                       Qt::ToolTipRole)
                                .toString();
        QVERIFY2(tip.contains(QStringLiteral("connect to server")), qPrintable(tip));
        auto* detail = area.findChild<QLabel*>(QStringLiteral("jobDetail"));
        QTRY_VERIFY2(detail->text().contains(QStringLiteral("connect to server")), qPrintable(detail->text()));
        qInfo("job table: in flight \"%s\", error \"%s\"", qPrintable(cellText(area, id, ui::JobTableModel::InFlight)),
              qPrintable(cellText(area, id, ui::JobTableModel::Error)));
        QVERIFY(uitest::screenshot(&area, QStringLiteral("generation_retrying_job.png")));
        area.cancelJob(id);
        QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(id), 20000);
    }

    // A job that another process (the CLI) runs: its retries and their reason reach this window through
    // the job row, not only the retry count.
    void jobRunByTheCliShowsItsLastError() {
        DeadEndpointArea f;
        auto& area = f.area;
        QProcess cli;
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(QString::fromUtf8(SYNTHEMBED_CLI_PATH),
                  {QStringLiteral("generate"), QStringLiteral("--db"), f.dir.filePath(QStringLiteral("p.synthembed")),
                   QStringLiteral("--endpoint"), QString::fromStdString(f.deadUrl), QStringLiteral("--llm-model"),
                   QStringLiteral("fake-model"), QStringLiteral("--family"), QStringLiteral("sts"),
                   QStringLiteral("--count"), QStringLiteral("5"), QStringLiteral("--concurrency"), QStringLiteral("1"),
                   QStringLiteral("--max-attempts"), QStringLiteral("1000"), QStringLiteral("--backoff"),
                   QStringLiteral("0.2")});
        QVERIFY(cli.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(area.jobModel()->rowCount() == 1, 20000);
        const qint64 id = area.jobModel()->job(0)->id;
        QVERIFY(!area.isRunningHere(id));
        selectJob(area, id);
        QTRY_VERIFY2_WITH_TIMEOUT(
            cellText(area, id, ui::JobTableModel::Error).contains(QRegularExpression(QStringLiteral("Could(n't| not) connect to server"))),
            qPrintable(cellText(area, id, ui::JobTableModel::Error) + QStringLiteral(" | ") + QString::fromUtf8(cli.readAll())),
            20000);
        auto* detail = area.findChild<QLabel*>(QStringLiteral("jobDetail"));
        QTRY_VERIFY2(detail->text().contains(QStringLiteral("connect to server")), qPrintable(detail->text()));
        qInfo("job run by the CLI: state \"%s\", error \"%s\"", qPrintable(cellText(area, id, ui::JobTableModel::State)),
              qPrintable(cellText(area, id, ui::JobTableModel::Error)));
        QVERIFY(gen::cancelJob(*f.project, id).ok());
        QVERIFY2(cli.waitForFinished(30000), "the CLI run did not stop after the cancel");
    }

    void launchAsksAboutTemplateProblemsDefaultNo() {
        test::FakeLlmServer server;
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        prompts::PromptStore store(*project);
        auto text = store.templateText("sts.generate");
        QVERIFY(text.ok());
        QVERIFY(store.saveTemplate(*text + "\nAlso mind {no_such_placeholder}.\n").ok());
        ui::GenerationArea area;
        area.show();
        area.setProject(project.get());
        pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
        area.findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(3);

        // The dialog lists the problem and defaults to not launching; Enter (the default) keeps it so.
        SeenDialog seen;
        answerDialog(QStringLiteral("templateProblemsDialog"), &seen, [](QMessageBox* box) { return box->defaultButton(); });
        QCOMPARE(area.launch(), qint64(-1));
        QVERIFY(seen.seen);
        QVERIFY2(seen.text.contains(QStringLiteral("problem")), qPrintable(seen.text));
        QVERIFY2(seen.informative.contains(QStringLiteral("no_such_placeholder")), qPrintable(seen.informative));
        QVERIFY2(seen.informative.contains(QStringLiteral("sts.generate v2")), qPrintable(seen.informative));
        QCOMPARE(seen.defaultButton, QStringLiteral("Don't launch"));
        QCOMPARE(area.jobModel()->rowCount(), 0);

        // A family whose templates are fine launches without asking.
        pickFamilies(area, {{QStringLiteral("bitext"), 1.0}});
        SeenDialog none;
        QTimer* watcher = answerDialog(QStringLiteral("templateProblemsDialog"), &none,
                                       [](QMessageBox* box) { return box->button(QMessageBox::No); });
        const qint64 fine = area.launch();
        if (!none.seen) delete watcher;
        QVERIFY(fine > 0);
        QVERIFY(!none.seen);
        area.cancelJob(fine);
        QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(fine), 20000);

        // "Launch anyway" launches.
        pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
        SeenDialog yes;
        answerDialog(QStringLiteral("templateProblemsDialog"), &yes, [](QMessageBox* box) { return box->button(QMessageBox::Yes); });
        const qint64 id = area.launch();
        QVERIFY(yes.seen);
        QVERIFY(id > 0);
        area.cancelJob(id);
        QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(id), 20000);
    }

    void relaunchWithAUsedSeedWarnsAndOffersAFreshOne() {
        test::FakeLlmServer server;
        QTemporaryDir dir;
        auto project = makeProject(dir, server.baseUrl());
        ui::GenerationArea area;
        area.show();
        area.setProject(project.get());
        pickFamilies(area, {{QStringLiteral("sts"), 1.0}});
        area.findChild<QSpinBox*>(QStringLiteral("jobCount"))->setValue(4);
        auto* seed = area.findChild<QSpinBox*>(QStringLiteral("jobSeed"));
        seed->setValue(5);
        const qint64 first = area.launch();
        QVERIFY(first > 0);
        QTRY_VERIFY_WITH_TIMEOUT(jobRow(area, first) && jobRow(area, first)->state == gen::JobState::Done, 60000);
        QTRY_VERIFY(!area.isRunningHere(first));

        // Same seed and templates: asked; Escape launches nothing.
        SeenDialog cancelled;
        answerDialog(QStringLiteral("seedReuseDialog"), &cancelled, [](QMessageBox*) { return nullptr; });
        QCOMPARE(area.launch(), qint64(-1));
        QVERIFY(cancelled.seen);
        QVERIFY2(cancelled.text.contains(QStringLiteral("Seed 5")), qPrintable(cancelled.text));
        QVERIFY2(cancelled.informative.contains(QStringLiteral("Job %1").arg(first)), qPrintable(cancelled.informative));
        QVERIFY2(cancelled.informative.contains(QStringLiteral("duplicates")), qPrintable(cancelled.informative));
        QCOMPARE(cancelled.defaultButton, QStringLiteral("Use seed 6"));
        QCOMPARE(area.jobModel()->rowCount(), 1);

        // The default: the fresh seed, in the spin box too.
        SeenDialog fresh;
        answerDialog(QStringLiteral("seedReuseDialog"), &fresh, [](QMessageBox* box) { return box->defaultButton(); });
        const qint64 second = area.launch();
        QVERIFY(fresh.seen);
        QVERIFY(second > first);
        QCOMPARE(seed->value(), 6);
        QCOMPARE(gen::loadJobSpec(*project, second)->seed, std::uint64_t(6));
        area.cancelJob(second);
        QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(second), 20000);

        // Keeping the used seed on purpose launches with it.
        seed->setValue(5);
        SeenDialog keep;
        answerDialog(QStringLiteral("seedReuseDialog"), &keep, [](QMessageBox* box) {
            return box->findChild<QAbstractButton*>(QStringLiteral("keepSeed"));
        });
        const qint64 third = area.launch();
        QVERIFY(keep.seen);
        QVERIFY(third > second);
        QCOMPARE(gen::loadJobSpec(*project, third)->seed, std::uint64_t(5));
        area.cancelJob(third);
        QTRY_VERIFY_WITH_TIMEOUT(!area.isRunningHere(third), 20000);
    }

    void refusesAJobWithoutEndpoint() {
        QTemporaryDir dir;
        auto p = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(p.ok());
        auto project = std::make_unique<store::Project>(std::move(p).take());
        ui::GenerationArea area;
        area.setProject(project.get());
        QString err;
        QVERIFY(!area.currentSpec(&err).has_value());
        QVERIFY(!err.isEmpty());
        QCOMPARE(area.launch(), qint64(-1));
        QCOMPARE(area.jobModel()->rowCount(), 0);
    }
};

QTEST_MAIN(GenerationAreaTest)
#include "generation_area_test.moc"
