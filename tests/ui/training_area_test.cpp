// Training area, end to end: a real short fine-tune of the stories260K model on a few project
// samples started from the form, followed live (plots, runs table), stopped and resumed from its
// checkpoint, compared with another run, and found again after a "restart" (a new area on the
// same project). Needs ../shared/oracles/models/stories260K (SYNTHEMBED_SHARED); skips without it.

#include "area_test_support.h"
#include "ui/areas/training_area.h"
#include "ui/mainwindow.h"
#include "ui/train/metric_plots.h"
#include "ui/train/run_builder.h"
#include "ui/train/runs_model.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/train/data.h"
#include "core/train/trainer.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace synthembed;

namespace {

QString sharedModel() {
    const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
    if (shared.isEmpty()) return {};
    const QString dir = QDir(shared).filePath(QStringLiteral("oracles/models/stories260K"));
    return QFileInfo(QDir(dir).filePath(QStringLiteral("model.safetensors"))).exists() ? dir : QString();
}

void addSamples(const store::Project& p, int n) {
    const char* subjects[] = {"the cat", "a little girl", "the old dog", "a red ball", "the big tree",
                              "a happy boy", "the blue bird", "a small fish"};
    const char* verbs[] = {"runs in the park", "sleeps under the bed", "plays with a friend", "looks at the sky"};
    auto st = p.db().prepare(
        "INSERT INTO samples(family, instruction, language, query, positive, negative, status) VALUES (?,?,?,?,?,?,?)");
    for (int i = 0; i < n; ++i) {
        const std::string s = subjects[i % 8], v = verbs[(i / 8) % 4];
        const std::string family = i % 2 ? "short-long" : "sts";
        st.bindAll(family, std::string("Given a sentence, find a story about it"), std::string("en"),
                   "what does " + s + " do " + std::to_string(i), s + " " + v + " every day. " + std::to_string(i),
                   std::string("nothing happens at all"), std::string(i == n - 1 ? "rejected" : "accepted"));
        st.run();
    }
}

template <class T>
T* child(QWidget* w, const char* name) {
    auto* c = w->findChild<T*>(QString::fromLatin1(name));
    if (!c) qFatal("no child %s", name);
    return c;
}

void typeInto(QLineEdit* edit, const QString& text) {
    edit->selectAll();
    edit->del();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return); // editingFinished
}


// Answers the "folder holds another run" question (a modal QMessageBox named outputFolderQuestion)
// by clicking the button named `button`, and keeps the question's text. Stops with the object.
class OutputQuestionAnswerer : public QObject {
public:
    explicit OutputQuestionAnswerer(QString button) : m_button(std::move(button)) {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box || box->objectName() != QLatin1String("outputFolderQuestion")) return;
            text = box->text() + QLatin1Char('\n') + box->informativeText();
            for (auto* b : box->buttons()) buttons << b->objectName();
            if (!asked) (void)uitest::screenshot(box, QStringLiteral("training_output_question.png"));
            if (auto* b = box->findChild<QPushButton*>(m_button)) b->click();
            else box->reject();
            ++asked;
            m_timer.stop();
        });
        m_timer.start(20);
    }
    QString text;
    QStringList buttons;
    int asked = 0;

private:
    QString m_button;
    QTimer m_timer;
};

} // namespace

class TrainingAreaTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
    }

    void replacesThePlannedArea() {
        ui::MainWindow w;
        QCOMPARE(w.area(3)->title(), QStringLiteral("Training"));
        QVERIFY(qobject_cast<ui::TrainingArea*>(w.area(3)));
        // Without CUDA the GPU entry is there but disabled, with a tooltip saying why.
        auto* device = child<QComboBox>(w.area(3), "device");
        auto* item = qobject_cast<QStandardItemModel*>(device->model())->item(1);
        QCOMPARE(item->isEnabled(), cudaDeviceCount() > 0);
        if (cudaDeviceCount() == 0) QVERIFY(item->toolTip().contains(QStringLiteral("CUDA")));
    }

    void plotsCoalesceRepaints() {
        // A burst of steps (a tiny model on a fast machine) costs one repaint, not one per step.
        ui::MetricPlots plots;
        plots.resize(900, 500);
        plots.show();
        QTRY_VERIFY(plots.replotCount() >= 1);
        const int before = plots.replotCount();
        for (int i = 1; i <= 1000; ++i) {
            train::StepMetrics m;
            m.step = i;
            m.totalSteps = 1000;
            m.loss = 3.0 / i;
            m.lr = 1e-4;
            m.gradNorm = 1;
            m.samplesPerSec = 100;
            plots.appendStep(ui::MetricPlots::Primary, m);
        }
        QCOMPARE(plots.replotCount(), before); // nothing painted inside the burst
        QTest::qWait(200);
        QCOMPARE(plots.replotCount(), before + 1);
        QCOMPARE(plots.pointCount(QStringLiteral("loss"), ui::MetricPlots::Primary), 1000);
        QCOMPARE(plots.lastStep(ui::MetricPlots::Primary), qint64(1000));
        // A resumed run repeats steps after its checkpoint: they replace the old points.
        train::StepMetrics again;
        again.step = 901;
        again.loss = 0.5;
        plots.appendStep(ui::MetricPlots::Primary, again);
        QCOMPARE(plots.pointCount(QStringLiteral("loss"), ui::MetricPlots::Primary), 901);
        QCOMPARE(plots.lastStep(ui::MetricPlots::Primary), qint64(901));
    }

    void legendsListTheCurvesWithData() {
        // No empty legend frames: a legend shows once its plot has data, lists each curve that has
        // data (in curve order, whatever order data arrived in), and follows clears and comparisons.
        ui::MetricPlots plots;
        plots.resize(900, 500);
        plots.show();
        QTRY_VERIFY(plots.replotCount() >= 1);
        const int loss = 0, acc = 4;
        QCOMPARE(plots.legendItemCount(loss), 0);
        QCOMPARE(plots.legendItemCount(acc), 0);
        plots.setLabel(ui::MetricPlots::Primary, QStringLiteral("run 7"));
        train::StepMetrics m;
        m.step = 1;
        m.loss = 2.0;
        m.accuracy = 0.25;
        m.devAccuracy = 0.5;
        plots.appendStep(ui::MetricPlots::Primary, m);
        QTRY_COMPARE(plots.legendItemCount(loss), 2);
        QCOMPARE(plots.legendTexts(loss), (QStringList{QStringLiteral("run 7: loss"), QStringLiteral("run 7: smoothed")}));
        QCOMPARE(plots.legendItemCount(acc), 2);
        // A run compared later, without a dev set: its curves join, its missing dev curve does not.
        train::MetricSeries lossSeries{"loss", {{1, 3.0}, {2, 2.5}}}, accSeries{"accuracy", {{1, 0.1}, {2, 0.2}}};
        plots.setLabel(ui::MetricPlots::Compare, QStringLiteral("run 3"));
        plots.setSeries(ui::MetricPlots::Compare, {accSeries, lossSeries});
        QTRY_COMPARE(plots.legendItemCount(loss), 4);
        QCOMPARE(plots.legendTexts(acc), (QStringList{QStringLiteral("run 7: in-batch"), QStringLiteral("run 7: dev"),
                                                      QStringLiteral("run 3: in-batch")}));
        plots.clear(ui::MetricPlots::Primary);
        QTRY_COMPARE(plots.legendItemCount(loss), 2);
        QCOMPARE(plots.legendTexts(loss).first(), QStringLiteral("run 3: loss"));
        plots.clear(ui::MetricPlots::Compare);
        QTRY_COMPARE(plots.legendItemCount(loss), 0);
        QCOMPARE(plots.legendItemCount(acc), 0);
    }

    void legendsMoveAndHide() {
        // Right-click menu on a plot with a legend: four corners or hidden; the choice is kept.
        ui::MetricPlots plots;
        plots.resize(900, 500);
        plots.show();
        const int cos = 5;
        QCOMPARE(plots.legendPlots(), (std::vector<int>{0, 4, 5}));
        const auto before = plots.legendPlace(cos);
        // The cosine legend starts clear of where the curves end (positive top right, negative bottom right).
        train::StepMetrics m;
        m.step = 1;
        m.loss = 2.0;
        m.posCos = 0.9;
        m.negCos = 0.1;
        plots.appendStep(ui::MetricPlots::Primary, m);
        QTRY_COMPARE(plots.legendItemCount(cos), 2);
        std::unique_ptr<QMenu> menu(plots.legendMenu(cos));
        QCOMPARE(menu->actions().size(), 5);
        QAction* hide = nullptr;
        QAction* bottomLeft = nullptr;
        for (auto* a : menu->actions()) {
            if (a->data().toInt() == int(ui::MetricPlots::LegendPlace::Hidden)) hide = a;
            if (a->data().toInt() == int(ui::MetricPlots::LegendPlace::BottomLeft)) bottomLeft = a;
            QCOMPARE(a->isChecked(), a->data().toInt() == int(before));
        }
        QVERIFY(hide && bottomLeft);
        hide->trigger();
        QCOMPARE(plots.legendPlace(cos), ui::MetricPlots::LegendPlace::Hidden);
        QCOMPARE(plots.legendItemCount(cos), 0);
        QCOMPARE(plots.legendItemCount(0), 2); // the other legends stay
        {
            ui::MetricPlots again; // remembered for the next window
            QCOMPARE(again.legendPlace(cos), ui::MetricPlots::LegendPlace::Hidden);
        }
        bottomLeft->trigger();
        QCOMPARE(plots.legendItemCount(cos), 2);
        // The legend sits in the bottom-left corner of the plot's axis rect (it was top left or right).
        const QRectF r = plots.legendRectInAxes(cos);
        QVERIFY2(r.left() < 0.1 && r.bottom() > 0.9 && r.width() > 0,
                 qPrintable(QStringLiteral("%1 %2 %3 %4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())));
        plots.setLegendPlace(cos, ui::MetricPlots::LegendPlace::TopRight);
        QTRY_VERIFY(plots.legendRectInAxes(cos).right() > 0.9 && plots.legendRectInAxes(cos).top() < 0.1);
        plots.setLegendPlace(cos, before);
    }

    void examplesCountIsWhatTheTrainerTrainsOn() {
        // The Examples row counts what the trainer trains on: the selection less the dev hold-out,
        // the same number as its log line "training data: N examples".
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString()).take();
        addSamples(project, 45);
        ui::TrainingArea area;
        area.setProject(&project);
        const qint64 selected = area.builder()->exampleCount();
        QVERIFY(selected > 20);
        auto* label = child<QLabel>(&area, "exampleCount");
        QVERIFY(!label->text().contains(QStringLiteral("held out")));
        child<QDoubleSpinBox>(&area, "devFraction")->setValue(0.1);
        const auto dev = qint64(train::devExampleCount(std::size_t(selected), 0.1));
        QVERIFY(dev > 0);
        QCOMPARE(area.builder()->exampleCount(), selected - dev);
        QVERIFY2(label->text().contains(QString::number(selected - dev)) && label->text().contains(QString::number(dev)) &&
                     label->text().contains(QStringLiteral("held out")),
                 qPrintable(label->text()));
        // The trainer's own split of the same data gives the same numbers.
        std::vector<train::TrainExample> all(static_cast<std::size_t>(selected));
        auto [trainPart, devPart] = train::splitDev(std::move(all), 0.1, 1);
        QCOMPARE(qint64(trainPart.size()), area.builder()->exampleCount());
        child<QDoubleSpinBox>(&area, "devFraction")->setValue(0);
        QCOMPARE(area.builder()->exampleCount(), selected);
    }

    void builderValidatesAndCounts() {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString()).take();
        addSamples(project, 12);
        ui::TrainingArea area;
        area.setProject(&project);
        auto* start = child<QPushButton>(&area, "startButton");
        QVERIFY(!start->isEnabled()); // no model, no output
        QVERIFY(area.builder()->problems().join(' ').contains(QStringLiteral("base model")));
        // 11 accepted samples (one is rejected), families listed with their counts.
        QCOMPARE(area.builder()->exampleCount(), qint64(11));
        auto* families = child<QListWidget>(&area, "familyList");
        QCOMPARE(families->count(), 2);
        QCOMPARE(families->item(0)->text(), QStringLiteral("short-long (5)"));
        QCOMPARE(families->item(1)->text(), QStringLiteral("sts (6)"));
        families->item(0)->setCheckState(Qt::Unchecked);
        QCOMPARE(area.builder()->exampleCount(), qint64(6));
        QCOMPARE(area.builder()->config().filter.families, std::vector<std::string>{"sts"});
        typeInto(child<QLineEdit>(&area, "modelEdit"), dir.filePath(QStringLiteral("nope")));
        QVERIFY(child<QLabel>(&area, "modelInfo")->text().contains(QStringLiteral("not a folder")));
        QVERIFY(!start->isEnabled());
        // A JSONL source with a broken line names it.
        QFile f(dir.filePath(QStringLiteral("d.jsonl")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"query\":\"a\",\"positive\":\"b\"}\n{\"query\":\"c\"\n");
        f.close();
        child<QRadioButton>(&area, "sourceJsonl")->click();
        typeInto(child<QLineEdit>(&area, "jsonlEdit"), f.fileName());
        QVERIFY2(area.builder()->problems().join(' ').contains(QStringLiteral(":2: not valid JSON")),
                 qPrintable(area.builder()->problems().join(' ')));
    }

    void trainsStopsResumesAndComparesFromTheGui() {
        const QString model = sharedModel();
        if (model.isEmpty())
            QSKIP("shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED to the shared/ folder)");
        QTemporaryDir dir;
        const QString projectPath = dir.filePath(QStringLiteral("p.synthembed"));
        {
            auto p = store::Project::create(projectPath.toStdString()).take();
            addSamples(p, 24);
        }
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(projectPath, false, true));
        w.showArea(3);
        auto* area = qobject_cast<ui::TrainingArea*>(w.area(3));
        QVERIFY(area);
        QCOMPARE(area->runs()->rowCount(), 0);

        // --- run 1: fill the form, Start, watch it to the end.
        typeInto(child<QLineEdit>(area, "modelEdit"), model);
        QVERIFY(child<QLabel>(area, "modelInfo")->text().contains(QStringLiteral("llama decoder")));
        typeInto(child<QLineEdit>(area, "runName"), QStringLiteral("first"));
        typeInto(child<QLineEdit>(area, "outputEdit"), dir.filePath(QStringLiteral("out1")));
        child<QRadioButton>(area, "bySteps")->click();
        child<QSpinBox>(area, "steps")->setValue(8);
        child<QSpinBox>(area, "batchSize")->setValue(4);
        child<QSpinBox>(area, "miniBatch")->setValue(2); // GradCache on
        child<QSpinBox>(area, "maxLength")->setValue(32);
        child<QSpinBox>(area, "warmup")->setValue(2);
        child<QDoubleSpinBox>(area, "learningRate")->setValue(1e-3);
        child<QSpinBox>(area, "checkpointEvery")->setValue(0);
        auto* start = child<QPushButton>(area, "startButton");
        QVERIFY2(start->isEnabled(), qPrintable(area->builder()->problems().join(' ')));

        // The window stays responsive: a GUI-thread timer keeps ticking while the run goes.
        int ticks = 0, ticksWhileStepping = 0;
        // Table, progress bar and plots say the same step at every repaint of the live curves.
        int sameStepChecks = 0, tableChecks = 0;
        QStringList stepMismatches;
        auto* progress = child<QProgressBar>(area, "trainProgress");
        auto liveTableStep = [area]() -> qint64 {
            const int row = area->runs()->rowOf(area->liveRunId());
            return row < 0 ? -1 : area->runs()->data(area->runs()->index(row, ui::RunsModel::Step), Qt::DisplayRole).toLongLong();
        };
        connect(area->plots(), &ui::MetricPlots::replotted, this, [&] {
            if (!area->isRunning() || area->liveStepCount() == 0) return;
            ++sameStepChecks;
            const qint64 plotted = area->plots()->lastStep(ui::MetricPlots::Primary);
            if (progress->value() != plotted) stepMismatches << QStringLiteral("progress %1 plots %2").arg(progress->value()).arg(plotted);
            if (area->liveRunId() > 0) {
                ++tableChecks;
                if (liveTableStep() != plotted) stepMismatches << QStringLiteral("table %1 plots %2").arg(liveTableStep()).arg(plotted);
            }
        });
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&] {
            ++ticks;
            if (area->isRunning() && area->liveStepCount() > 0) ++ticksWhileStepping;
        });
        ticker.start(5);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(area->isRunning());
        QVERIFY(!start->isEnabled());
        QVERIFY(child<QPushButton>(area, "stopButton")->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!area->isRunning(), 180000);
        ticker.stop();
        const QString status = child<QLabel>(area, "trainStatus")->text();
        QVERIFY2(status.contains(QStringLiteral("Finished 8 steps")), qPrintable(status));
        QVERIFY(ticks > 0);
        QCOMPARE(area->liveStepCount(), qsizetype(8));
        qInfo("run 1: %s", qPrintable(child<QLabel>(area, "etaLabel")->text()));
        qInfo("run 1: step compared at %d repaints (%d with the table row)", sameStepChecks, tableChecks);
        QVERIFY(sameStepChecks > 0);
        // The trainer reported the run's id (onRunStarted) before its first step reached the GUI.
        QCOMPARE(tableChecks, sameStepChecks);
        QVERIFY2(stepMismatches.isEmpty(), qPrintable(stepMismatches.join(QStringLiteral("; "))));
        QCOMPARE(liveTableStep(), qint64(8));
        QCOMPARE(progress->value(), progress->maximum());

        // Curves: one point per step in every per-step series, a smoothed loss beside the raw one.
        auto* plots = area->plots();
        QTRY_VERIFY(plots->replotCount() > 0);
        for (const char* k : {"loss", "loss_smooth", "lr", "grad_norm", "samples_per_s", "accuracy"})
            QVERIFY2(plots->pointCount(QString::fromLatin1(k), ui::MetricPlots::Primary) == 8, k);
        QCOMPARE(plots->pointCount(QStringLiteral("loss"), ui::MetricPlots::Compare), 0);

        // The runs table shows the recorded run as done, at its last step, with a loss.
        const qint64 run1 = area->liveRunId();
        QVERIFY(run1 > 0);
        auto* runs = area->runs();
        QCOMPARE(runs->rowCount(), 1);
        QCOMPARE(runs->run(0)->id, run1);
        QCOMPARE(runs->run(0)->state, QStringLiteral("done"));
        QCOMPARE(runs->run(0)->step, qint64(8));
        QVERIFY(std::isfinite(runs->run(0)->loss));
        QCOMPARE(runs->data(runs->index(0, ui::RunsModel::Name), Qt::DisplayRole).toString(), QStringLiteral("first"));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("out1/model.safetensors"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("out1/adapter/adapter_model.safetensors"))));
        QVERIFY(child<QPushButton>(area, "evaluateButton")->isEnabled() ||
                area->runsView()->selectionModel()->currentIndex().row() != 0);

        // "Use settings" brings the stored configuration (core's JSON) back into the form.
        area->runsView()->selectRow(0);
        child<QSpinBox>(area, "steps")->setValue(3);
        child<QPushButton>(area, "loadSettingsButton")->click();
        QCOMPARE(area->builder()->config().steps, std::int64_t(8));
        QCOMPARE(area->builder()->config().batchSize, 4);
        QCOMPARE(area->builder()->config().miniBatch, 2);
        QCOMPARE(area->builder()->config().lr, 1e-3);

        // --- run 2: longer; Stop after the first steps (a checkpointed pause), then Resume.
        typeInto(child<QLineEdit>(area, "runName"), QStringLiteral("second"));
        typeInto(child<QLineEdit>(area, "outputEdit"), dir.filePath(QStringLiteral("out2")));
        child<QSpinBox>(area, "steps")->setValue(40);
        child<QSpinBox>(area, "miniBatch")->setValue(0);
        child<QRadioButton>(area, "methodFull")->click();
        auto* checkpointing = child<QCheckBox>(area, "gradientCheckpointing");
        QVERIFY(!checkpointing->toolTip().isEmpty());
        checkpointing->setChecked(true); // recomputed layers: stored with the run, back on resume
        QVERIFY(area->builder()->config().gradientCheckpointing);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(area->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(area->liveStepCount() >= 2, 120000);
        QTest::mouseClick(child<QPushButton>(area, "stopButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!area->isRunning(), 120000);
        QVERIFY2(child<QLabel>(area, "trainStatus")->text().contains(QStringLiteral("Stopped")),
                 qPrintable(child<QLabel>(area, "trainStatus")->text()));
        const qint64 run2 = area->liveRunId();
        QVERIFY(run2 > run1);
        QCOMPARE(runs->rowCount(), 2);
        const int row2 = runs->rowOf(run2);
        QCOMPARE(runs->run(row2)->state, QStringLiteral("stopped"));
        const qint64 stoppedAt = runs->run(row2)->step;
        QVERIFY(stoppedAt >= 2 && stoppedAt < 40);

        area->runsView()->selectRow(row2);
        checkpointing->setChecked(false);
        child<QSpinBox>(area, "checkpointEvery")->setValue(7);
        auto* resume = child<QPushButton>(area, "resumeButton");
        QVERIFY(resume->isEnabled());
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(area->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!area->isRunning(), 300000);
        QVERIFY2(child<QLabel>(area, "trainStatus")->text().contains(QStringLiteral("Finished 40 steps")),
                 qPrintable(child<QLabel>(area, "trainStatus")->text()));
        QCOMPARE(area->liveRunId(), run2); // the same run continued, no new row
        // Resume ran with the run's stored settings, not the form's edits (shown back in the form).
        QVERIFY(checkpointing->isChecked());
        QCOMPARE(area->builder()->config().checkpointEvery, 0);
        QCOMPARE(runs->rowCount(), 2);
        QCOMPARE(runs->run(runs->rowOf(run2))->state, QStringLiteral("done"));
        QCOMPARE(runs->run(runs->rowOf(run2))->step, qint64(40));
        // The resumed run's curve holds the steps before the stop (from the database) and after it.
        QCOMPARE(plots->pointCount(QStringLiteral("loss"), ui::MetricPlots::Primary), 40);

        // --- compare: overlay run 1 on run 2.
        auto* compare = child<QComboBox>(area, "compareCombo");
        const int ci = compare->findData(run1);
        QVERIFY(ci > 0);
        compare->setCurrentIndex(ci);
        Q_EMIT compare->activated(ci);
        QCOMPARE(plots->pointCount(QStringLiteral("loss"), ui::MetricPlots::Compare), 8);
        QCOMPARE(plots->pointCount(QStringLiteral("loss"), ui::MetricPlots::Primary), 40);

        // Screenshot for a human look (ctest keeps it in the build tree).
        QTest::qWait(100);
        const QString shot = qEnvironmentVariable("SYNTHEMBED_SCREENSHOT_DIR");
        if (!shot.isEmpty()) {
            QDir().mkpath(shot);
            QVERIFY(w.grab().save(QDir(shot).filePath(QStringLiteral("training-area.png"))));
            QVERIFY(area->builder()->grab().save(QDir(shot).filePath(QStringLiteral("training-builder.png"))));
        }
    }

    // A new run in a folder that holds another run asks what the CLI asks (--resume / --overwrite):
    // cancel leaves everything as it was, "Resume it" continues that run (same run id, same row),
    // "Move aside" moves the whole folder to OUT.previous-1 and says so.
    void anotherRunInTheOutputFolderIsAskedAbout() {
        const QString model = sharedModel();
        if (model.isEmpty())
            QSKIP("shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED to the shared/ folder)");
        QTemporaryDir dir;
        auto p = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString()).take();
        addSamples(p, 10);
        ui::TrainingArea area;
        area.setProject(&p);
        const QString out = dir.filePath(QStringLiteral("out"));
        train::TrainConfig c;
        c.modelDir = model.toStdString();
        c.outputDir = out.toStdString();
        c.steps = 6;
        c.batchSize = 4;
        c.maxLength = 24;
        c.warmupSteps = 1;
        c.checkpointEvery = 2;
        area.builder()->setConfig(c);
        QVERIFY2(area.builder()->problems().isEmpty(), qPrintable(area.builder()->problems().join(' ')));
        {
            OutputQuestionAnswerer never(QStringLiteral("cancelStart"));
            area.startRun(); // an empty folder: no question
            QVERIFY(area.isRunning());
            QTRY_VERIFY_WITH_TIMEOUT(area.liveStepCount() >= 2, 180000);
            area.stopRun();
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunning(), 180000);
            QCOMPARE(never.asked, 0);
        }
        QCOMPARE(area.runs()->rowCount(), 1);
        const qint64 firstRow = area.runs()->run(0)->id;
        auto found = train::inspectOutputFolder(c.outputDir);
        QVERIFY(found && *found);
        const std::string runId = (*found)->runId;
        QVERIFY(!runId.empty());
        const QString stoppedAt = QString::fromStdString((*found)->lastCheckpoint);

        // Cancel: nothing starts, nothing moves.
        {
            OutputQuestionAnswerer answer(QStringLiteral("cancelStart"));
            area.startRun();
            QCOMPARE(answer.asked, 1);
            QVERIFY2(answer.text.contains(QString::fromStdString(runId)), qPrintable(answer.text));
            QVERIFY2(answer.text.contains(out + QStringLiteral(".previous-1")), qPrintable(answer.text));
            QCOMPARE(answer.buttons.contains(QStringLiteral("resumeOtherRun")), true);
            QCOMPARE(answer.buttons.contains(QStringLiteral("moveOtherRunAside")), true);
        }
        QVERIFY(!area.isRunning());
        QVERIFY(QFileInfo::exists(stoppedAt));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral(".previous-1")));

        // Resume it: the same run (id, project row) finishes its 6 steps.
        {
            OutputQuestionAnswerer answer(QStringLiteral("resumeOtherRun"));
            area.startRun();
            QCOMPARE(answer.asked, 1);
            QVERIFY(area.isRunning());
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunning(), 180000);
        }
        QCOMPARE(area.runs()->rowCount(), 1);
        QCOMPARE(area.runs()->run(0)->id, firstRow);
        QCOMPARE(area.runs()->run(0)->step, qint64(6));
        found = train::inspectOutputFolder(c.outputDir);
        QVERIFY(found && *found);
        QCOMPARE((*found)->runId, runId);
        QVERIFY((*found)->exportedModel);
        {
            QFile manifest(out + QStringLiteral("/synthembed_train.json")); // the model of step 6, this run's
            QVERIFY(manifest.open(QIODevice::ReadOnly));
            const auto j = QJsonDocument::fromJson(manifest.readAll()).object();
            QCOMPARE(j.value(QStringLiteral("step")).toInt(), 6);
            QCOMPARE(j.value(QStringLiteral("run_id")).toString(), QString::fromStdString(runId));
        }

        // Move aside: the finished run goes to out.previous-1 whole; a new run starts in out.
        {
            OutputQuestionAnswerer answer(QStringLiteral("moveOtherRunAside"));
            area.startRun();
            QCOMPARE(answer.asked, 1);
            QVERIFY(area.isRunning());
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunning(), 180000);
        }
        const QString aside = out + QStringLiteral(".previous-1");
        QVERIFY(QFileInfo::exists(aside + QStringLiteral("/synthembed_train.json")));
        auto old = train::inspectOutputFolder(aside.toStdString());
        QVERIFY(old && *old);
        QCOMPARE((*old)->runId, runId);
        found = train::inspectOutputFolder(c.outputDir);
        QVERIFY(found && *found);
        QVERIFY((*found)->runId != runId);
        QCOMPARE(area.runs()->rowCount(), 2);
        auto* status = child<QLabel>(&area, "trainStatus");
        QVERIFY2(status->text().contains(aside), qPrintable(status->text()));

        // A folder with only a trained model (no checkpoints) cannot be resumed: no such button.
        QVERIFY(QDir(out + QStringLiteral("/checkpoints")).removeRecursively());
        {
            OutputQuestionAnswerer answer(QStringLiteral("cancelStart"));
            area.startRun();
            QCOMPARE(answer.asked, 1);
            QVERIFY(!answer.buttons.contains(QStringLiteral("resumeOtherRun")));
            QVERIFY(answer.buttons.contains(QStringLiteral("moveOtherRunAside")));
        }
        QVERIFY(!area.isRunning());
    }

    void runsSurviveARestart() {
        const QString model = sharedModel();
        if (model.isEmpty())
            QSKIP("shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED to the shared/ folder)");
        QTemporaryDir dir;
        const QString projectPath = dir.filePath(QStringLiteral("p.synthembed"));
        {
            auto p = store::Project::create(projectPath.toStdString()).take();
            addSamples(p, 10);
            ui::TrainingArea area;
            area.setProject(&p);
            train::TrainConfig c;
            c.modelDir = model.toStdString();
            c.outputDir = dir.filePath(QStringLiteral("out")).toStdString();
            c.steps = 5;
            c.batchSize = 4;
            c.maxLength = 24;
            c.warmupSteps = 1;
            c.checkpointEvery = 0;
            area.builder()->setConfig(c);
            QVERIFY2(area.builder()->problems().isEmpty(), qPrintable(area.builder()->problems().join(' ')));
            area.startRun();
            QTRY_VERIFY_WITH_TIMEOUT(!area.isRunning(), 180000);
        }
        // A fresh area over the reopened project: the run is listed from SQLite and its curves
        // come from train_metrics.
        auto p = store::Project::open(projectPath.toStdString()).take();
        ui::TrainingArea area;
        area.setProject(&p);
        QCOMPARE(area.runs()->rowCount(), 1);
        QCOMPARE(area.runs()->run(0)->state, QStringLiteral("done"));
        QCOMPARE(area.runs()->run(0)->step, qint64(5));
        area.runsView()->selectRow(0);
        QCOMPARE(area.plots()->pointCount(QStringLiteral("loss"), ui::MetricPlots::Primary), 5);
        QCOMPARE(area.plots()->pointCount(QStringLiteral("lr"), ui::MetricPlots::Primary), 5);
        // A 'running' row left by a process that died shows as interrupted and can be resumed.
        p.db().prepare("UPDATE training_runs SET state='running'").run();
        area.runs()->refresh();
        QCOMPARE(area.runs()->data(area.runs()->index(0, ui::RunsModel::State), Qt::DisplayRole).toString(),
                 QStringLiteral("interrupted"));
    }
};

QTEST_MAIN(TrainingAreaTest)
#include "training_area_test.moc"
