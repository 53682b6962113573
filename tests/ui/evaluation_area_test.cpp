// Evaluation area: real suite runs from the GUI (hashing baselines on a table the test writes,
// and stories260K on STSbenchmark from ../shared), results that survive a new area on the same
// project, the comparison with coloured deltas and CIs, the chart, export, and cancel.
// With SYNTHEMBED_SCREENSHOT_DIR set, saves evaluation_*.png there.

#include "ui/areas/evaluation_area.h"
#include "ui/qcp.h"
#include "area_test_support.h"

#include "core/eval/embedding_cache.h"
#include "core/eval/results.h"
#include "core/store/project.h"
#include "core/train/run_store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QListWidget>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace synthembed;

namespace {

// Pairs whose gold score follows word overlap, so a bag-of-words encoder scores clearly.
QByteArray toySts(int pairs, quint32 seed) {
    const char* words[] = {"cat", "dog", "sun", "rain", "car", "tree", "river", "music", "bread", "stone",
                           "light", "ocean", "paper", "glass", "field", "cloud"};
    QRandomGenerator rng(seed);
    QByteArray out;
    for (int p = 0; p < pairs; ++p) {
        QStringList a, b;
        for (int w = 0; w < 6; ++w) a << QString::fromLatin1(words[rng.bounded(16)]);
        const int keep = rng.bounded(7);
        for (int w = 0; w < 6; ++w) b << (w < keep ? a[w] : QString::fromLatin1(words[rng.bounded(16)]));
        out += QStringLiteral("%1,%2,%3\n").arg(a.join(QLatin1Char(' ')), b.join(QLatin1Char(' '))).arg(5.0 * keep / 6.0, 0, 'f', 2).toUtf8();
    }
    return out;
}

int column(QTableWidget* t, const QString& header) {
    for (int c = 0; c < t->columnCount(); ++c)
        if (t->horizontalHeaderItem(c) && t->horizontalHeaderItem(c)->text() == header) return c;
    return -1;
}

} // namespace

class EvaluationAreaTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dataDir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }

    void twoBaselinesCompareChartExportAndPersist() {
        QTemporaryDir dir;
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("toy-sts/toy-test.csv")), toySts(120, 7)));
        const QString projectPath = dir.filePath(QStringLiteral("p.synthembed"));
        auto project = store::Project::create(projectPath.toStdString());
        QVERIFY2(project, project ? "" : project.error().message.c_str());
        {
            ui::EvaluationArea area;
            // Fits beside the navigation and the guide panel of a 1200-pixel main window.
            QVERIFY2(area.minimumSizeHint().width() < 880, qPrintable(QString::number(area.minimumSizeHint().width())));
            area.resize(1200, 800);
            area.setProject(&*project);
            area.show();
            QVERIFY(QTest::qWaitForWindowExposed(&area));
            QCOMPARE(area.addDataset(dir.filePath(QStringLiteral("toy-sts"))), QString());
            QVERIFY(!area.addDataset(dir.filePath(QStringLiteral("nowhere"))).isEmpty());
            area.addModel(QStringLiteral("hash:16"));
            area.addModel(QStringLiteral("hash:1024"));
            area.setSuite(eval::SuiteMode::Full, 50);
            QSignalSpy done(&area, &ui::EvaluationArea::runFinished);
            area.run();
            QVERIFY(area.isRunning());
            QVERIFY(done.wait(120000));
            QCOMPARE(done.first().at(0).toInt(), 2); // stored
            QCOMPARE(done.first().at(1).toInt(), 0); // failed
            QVERIFY(!area.isRunning());

            auto* results = area.resultsTable();
            QCOMPARE(results->rowCount(), 2);
            const int ds = column(results, QStringLiteral("Dataset")), sc = column(results, QStringLiteral("Score"));
            QVERIFY(ds >= 0 && sc >= 0);
            QStringList models;
            for (int r = 0; r < 2; ++r) {
                QCOMPARE(results->item(r, ds)->text(), QStringLiteral("toy-sts"));
                QCOMPARE(results->item(r, column(results, QStringLiteral("Task")))->text(), QStringLiteral("STS"));
                QCOMPARE(results->item(r, column(results, QStringLiteral("Suite")))->text(), QStringLiteral("full"));
                bool ok = false;
                const double s = results->item(r, sc)->text().toDouble(&ok);
                QVERIFY(ok && s > 0.2 && s <= 1.0);
                models << results->item(r, 0)->text();
            }
            models.sort();
            QCOMPARE(models, (QStringList{QStringLiteral("hash:1024"), QStringLiteral("hash:16")}));

            // Comparison: baseline A is the first model evaluated; the other gets score, delta, CI.
            auto* cmp = area.comparisonTable();
            QCOMPARE(cmp->rowCount(), 1);
            QCOMPARE(cmp->columnCount(), 7);
            QCOMPARE(cmp->horizontalHeaderItem(3)->text(), QStringLiteral("hash:16 (A)"));
            const double a = cmp->item(0, 3)->text().toDouble(), b = cmp->item(0, 4)->text().toDouble();
            auto* delta = cmp->item(0, 5);
            QVERIFY(delta);
            QVERIFY(std::abs(delta->text().toDouble() - (b - a)) < 2e-4);
            QVERIFY(delta->text().startsWith(b >= a ? QLatin1Char('+') : QLatin1Char('-')));
            const QColor fg = delta->foreground().color();
            if (b > a) QVERIFY(fg.green() > fg.red());
            else QVERIFY(fg.red() > fg.green());
            auto* ci = cmp->item(0, 6);
            QVERIFY(ci);
            QVERIFY2(ci->text().startsWith(QLatin1Char('[')), qPrintable(ci->text()));
            const auto bounds = ci->text().mid(1, ci->text().size() - 2).split(QStringLiteral(", "));
            QCOMPARE(bounds.size(), 2);
            QVERIFY(bounds[0].toDouble() <= delta->text().toDouble() + 1e-3);
            QVERIFY(bounds[1].toDouble() >= delta->text().toDouble() - 1e-3);

            // Chart: one bar series per model on the STS datasets.
            area.tabs()->setCurrentIndex(2);
            QCOMPARE(area.chart()->plottableCount(), 2);
            auto* bars = qobject_cast<QCPBars*>(area.chart()->plottable(0));
            QVERIFY(bars);
            QCOMPARE(bars->data()->size(), 1);
            QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_chart.png")));
            area.tabs()->setCurrentIndex(1);
            QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_comparison.png")));

            // Export: the comparison as Markdown, the results as CSV.
            const QString md = dir.filePath(QStringLiteral("cmp.md"));
            QCOMPARE(area.exportCurrent(md), QString());
            QFile mdFile(md);
            QVERIFY(mdFile.open(QIODevice::ReadOnly));
            const QStringList mdLines = QString::fromUtf8(mdFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            QCOMPARE(mdLines.size(), 3);
            QVERIFY(mdLines[0].startsWith(QStringLiteral("| Task | Dataset | Metric | hash:16 (A) | hash:1024 |")));
            QVERIFY(mdLines[1].contains(QStringLiteral("---:")));
            QVERIFY(mdLines[2].contains(QStringLiteral("| toy-sts |")));
            area.tabs()->setCurrentIndex(0);
            const QString csv = dir.filePath(QStringLiteral("results.csv"));
            QCOMPARE(area.exportCurrent(csv), QString());
            QFile csvFile(csv);
            QVERIFY(csvFile.open(QIODevice::ReadOnly));
            const QStringList csvLines = QString::fromUtf8(csvFile.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
            QCOMPARE(csvLines.size(), 3);
            QVERIFY(csvLines[0].startsWith(QStringLiteral("Model,Task,Dataset,Split,Suite,Metric,Score")));
            QVERIFY(csvLines[1].contains(QStringLiteral(",STS,toy-sts,test,full,cosine_spearman,")));

            // The quick view holds none of these full-suite results.
            area.setView(ui::EvaluationArea::View::Quick);
            QCOMPARE(area.resultsTable()->rowCount(), 0);
        }
        // A new area on the same project (as after a restart) shows the stored results and the
        // remembered models and datasets.
        ui::EvaluationArea again;
        again.setProject(&*project);
        again.setView(ui::EvaluationArea::View::Full);
        QCOMPARE(again.resultsTable()->rowCount(), 2);
        QCOMPARE(again.findChild<QListWidget*>(QStringLiteral("evalModels"))->count(), 2);
        QCOMPARE(again.findChild<QListWidget*>(QStringLiteral("evalDatasets"))->count(), 1);
        QCOMPARE(again.comparisonTable()->rowCount(), 1);
        // The embedding cache under the data dir was filled by the run.
        eval::EmbeddingCache cache(eval::EmbeddingCache::defaultPath());
        QVERIFY(cache.size() > 0);
    }

    void cancelStopsTheRun() {
        QTemporaryDir dir;
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("big-sts/big-test.csv")), toySts(40000, 11)));
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::EvaluationArea area;
        area.setProject(&*project);
        QCOMPARE(area.addDataset(dir.filePath(QStringLiteral("big-sts"))), QString());
        area.addModel(QStringLiteral("hash:64"));
        area.setSuite(eval::SuiteMode::Full, 50);
        QSignalSpy done(&area, &ui::EvaluationArea::runFinished);
        area.run();
        area.cancel();
        QVERIFY(done.wait(120000));
        QCOMPARE(done.first().at(2).toBool(), true); // cancelled
        QCOMPARE(done.first().at(0).toInt(), 0);
        QCOMPARE(area.resultsTable()->rowCount(), 0);
    }

    void stories260KOnStsBenchmark() {
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const QString model = shared + QStringLiteral("/oracles/models/stories260K");
        const QString data = shared + QStringLiteral("/data/stsbenchmark");
        if (shared.isEmpty() || !QFileInfo::exists(model + QStringLiteral("/config.json")) || !QFileInfo::exists(data))
            QSKIP("shared test material not found: oracles/models/stories260K and data/stsbenchmark "
                  "(set SYNTHEMBED_SHARED to the shared/ folder)");
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::EvaluationArea area;
        area.resize(1200, 800);
        area.setProject(&*project);
        area.show();
        area.addModel(model);
        area.addModel(QStringLiteral("hash:256"));
        QCOMPARE(area.addDataset(data), QString());
        area.setSuite(eval::SuiteMode::Quick, 100);
        QSignalSpy done(&area, &ui::EvaluationArea::runFinished);
        area.run();
        QVERIFY(done.wait(280000));
        QCOMPARE(done.first().at(1).toInt(), 0); // failed
        QCOMPARE(done.first().at(0).toInt(), 2);
        auto* results = area.resultsTable();
        QCOMPARE(results->rowCount(), 2);
        bool sawStories = false;
        for (int r = 0; r < results->rowCount(); ++r) {
            QCOMPARE(results->item(r, column(results, QStringLiteral("Dataset")))->text(), QStringLiteral("stsbenchmark"));
            QCOMPARE(results->item(r, column(results, QStringLiteral("Suite")))->text(), QStringLiteral("quick (100)"));
            bool ok = false;
            const double s = results->item(r, column(results, QStringLiteral("Score")))->text().toDouble(&ok);
            QVERIFY(ok && s >= -1.0 && s <= 1.0);
            if (results->item(r, 0)->text() == QStringLiteral("stories260K")) sawStories = true;
        }
        QVERIFY(sawStories);
        QCOMPARE(area.comparisonTable()->rowCount(), 1);
        area.tabs()->setCurrentIndex(2);
        QCOMPARE(area.chart()->plottableCount(), 2);
        QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_stories260k.png")));
    }

    // A stored result whose model folder got another run's files is flagged (icon, tooltip, role);
    // one whose folder is untouched is not.
    void resultsFlagModelFilesChangedSince() {
        QTemporaryDir dir;
        auto makeModel = [&](const QString& name) {
            const QString folder = dir.filePath(name);
            const bool ok = uitest::writeText(folder + QStringLiteral("/config.json"), "{}") &&
                            uitest::writeText(folder + QStringLiteral("/model.safetensors"), QByteArray(2048, 'w')) &&
                            uitest::writeText(folder + QStringLiteral("/synthembed_train.json"),
                                              R"({"run_id": "20261205T000000-11111111", "step": 40})");
            return ok ? folder : QString();
        };
        const QString kept = makeModel(QStringLiteral("kept")), retrained = makeModel(QStringLiteral("retrained"));
        QVERIFY(!kept.isEmpty() && !retrained.isEmpty());
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        auto store = [&](const QString& folder, const std::string& dataset) {
            eval::EvalResult r;
            r.taskType = "sts";
            r.dataset = dataset;
            r.split = "test";
            r.modelFingerprint = "fp-" + dataset;
            r.mainMetric = "cosine_spearman";
            r.mainScore = 0.5;
            r.metrics = {{"cosine_spearman", 0.5}};
            auto stamp = eval::stampModelFiles(folder.toStdString());
            if (!stamp) return false;
            r.modelFiles = *stamp;
            return bool(eval::storeResult(*project, r));
        };
        QVERIFY(store(kept, "ds-kept"));
        QVERIFY(store(retrained, "ds-retrained"));
        ui::EvaluationArea area;
        area.setProject(&*project);
        area.setView(ui::EvaluationArea::View::All);
        auto* results = area.resultsTable();
        const int datasetCol = column(results, QStringLiteral("Dataset"));
        auto modelCell = [&](const QString& dataset) -> QTableWidgetItem* {
            for (int r = 0; r < results->rowCount(); ++r)
                if (results->item(r, datasetCol)->text() == dataset) return results->item(r, 0);
            return nullptr;
        };
        QCOMPARE(results->rowCount(), 2);
        for (const QString ds : {QStringLiteral("ds-kept"), QStringLiteral("ds-retrained")}) {
            QVERIFY(modelCell(ds));
            QCOMPARE(modelCell(ds)->data(ui::EvaluationArea::kModelFilesChangedRole).toBool(), false);
            QVERIFY(modelCell(ds)->icon().isNull());
            QVERIFY(modelCell(ds)->toolTip().contains(QStringLiteral("20261205T000000-11111111")));
        }
        // Another run is exported into the second folder.
        QVERIFY(uitest::writeText(retrained + QStringLiteral("/model.safetensors"), QByteArray(2048, 'v')));
        QVERIFY(uitest::writeText(retrained + QStringLiteral("/synthembed_train.json"),
                                  R"({"run_id": "20261206T000000-22222222", "step": 80})"));
        area.refreshResults();
        auto* flagged = modelCell(QStringLiteral("ds-retrained"));
        QVERIFY(flagged);
        QCOMPARE(flagged->data(ui::EvaluationArea::kModelFilesChangedRole).toBool(), true);
        QVERIFY(!flagged->icon().isNull());
        QVERIFY2(flagged->toolTip().startsWith(QStringLiteral("Model files changed since this result")),
                 qPrintable(flagged->toolTip()));
        QVERIFY(flagged->toolTip().contains(QStringLiteral("20261206T000000-22222222")));
        QCOMPARE(modelCell(QStringLiteral("ds-kept"))->data(ui::EvaluationArea::kModelFilesChangedRole).toBool(), false);
        area.resize(1200, 700);
        QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_model_files_changed.png")));
        // The folder removed: flagged as gone.
        QVERIFY(QDir(retrained).removeRecursively());
        area.refreshResults();
        flagged = modelCell(QStringLiteral("ds-retrained"));
        QVERIFY(flagged->toolTip().startsWith(QStringLiteral("Model files gone since this result")));
        QCOMPARE(flagged->data(ui::EvaluationArea::kModelFilesChangedRole).toBool(), true);
    }

    void trainedModelNamesCarryRunNameAndStep() {
        // Two exports of one output folder ("ft1") at steps 200 and 400 of the run "first": the
        // results, the baseline picker and the comparison say which run and step each one is.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.synthembed"));
        const QString out = QDir::cleanPath(dir.filePath(QStringLiteral("ft1")));
        QVERIFY(store::Project::create(path.toStdString()).ok());
        train::TrainConfig config;
        config.name = "first";
        config.modelDir = dir.filePath(QStringLiteral("base")).toStdString();
        config.outputDir = out.toStdString();
        {
            auto recorder = train::RunRecorder::open(path.toStdString(), config, "{}", 0);
            QVERIFY2(recorder.ok(), recorder.ok() ? "" : recorder.error().message.c_str());
            (*recorder)->finish("done");
        }
        auto project = store::Project::open(path.toStdString()).take();
        for (int step : {200, 400}) {
            eval::EvalResult r;
            r.taskType = "sts";
            r.dataset = "tiny-sts";
            r.split = "test";
            r.modelFingerprint = "fp-at-" + std::to_string(step);
            r.pooling = "mean";
            r.mainMetric = "cosine_spearman";
            r.mainScore = step / 1000.0;
            r.quick = 100;
            eval::ModelFiles files;
            files.folder = out.toStdString();
            files.step = step;
            r.modelFiles = files;
            QVERIFY(eval::storeResult(project, r).ok());
        }
        ui::EvaluationArea area;
        area.setProject(&project);
        QStringList names;
        for (int row = 0; row < area.resultsTable()->rowCount(); ++row) names << area.resultsTable()->item(row, 0)->text();
        names.sort();
        // Never evaluated from this window (no spec for the fingerprints): the folder names the model.
        QCOMPARE(names, (QStringList{QStringLiteral("ft1 (first, step 200)"), QStringLiteral("ft1 (first, step 400)")}));
        auto* baseline = area.findChild<QComboBox*>(QStringLiteral("evalBaseline"));
        QStringList picks;
        for (int i = 0; i < baseline->count(); ++i) picks << baseline->itemText(i);
        QVERIFY2(picks.join(QLatin1Char('|')).contains(QStringLiteral("ft1 (first, step 400)")), qPrintable(picks.join(QLatin1Char('|'))));
        QVERIFY2(picks.join(QLatin1Char('|')).contains(QStringLiteral("(first, step 200)")), qPrintable(picks.join(QLatin1Char('|'))));
    }
};

QTEST_MAIN(EvaluationAreaTest)
#include "evaluation_area_test.moc"
