// Generation area against the real fake OpenAI-compatible server on loopback: a job built in the
// GUI runs off the GUI thread to its exact target (the event loop keeps ticking at concurrency
// 64), pause/resume/cancel work, and the job table is read from the project so it survives a restart.

#include "ui/areas/generation_area.h"
#include "ui/gen/job_table_model.h"
#include "ui/settingsdialog.h"

#include "support/fake_llm_server.h"

#include "core/gen/job.h"
#include "core/gen/sample_browse.h"
#include "core/runtime/runtime.h"
#include "core/store/project.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTimer>
#include <QtTest>

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

            // A second job, cancelled while it runs.
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
