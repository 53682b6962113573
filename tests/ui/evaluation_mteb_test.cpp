// Evaluation area: MTEB tasks by name and the empty state. The picker lists the catalogue by name and
// type, downloads a task from a loopback hub serving mteb/stsbenchmark-sts as the real repo is laid
// out (test.jsonl.gz) on a worker thread with progress and cancel, marks cached tasks, and the task
// then evaluates like a dataset folder. With nothing chosen the area says what to do next, with the
// buttons for it, and the message follows what is missing.

#include "ui/areas/evaluation_area.h"
#include "ui/eval/mteb_task_dialog.h"
#include "ui/translations.h"
#include "ui/widgets/empty_state.h"
#include "area_test_support.h"
#include "support/fake_hub_server.h"

#include "core/eval/mteb_tasks.h"
#include "core/store/project.h"

#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <zlib.h>

using namespace synthembed;

namespace {

/// mteb/stsbenchmark-sts's layout: test.jsonl.gz with sentence1, sentence2, score (gold follows overlap).
bool writeStsRepo(const QString& dir) {
    const char* words[] = {"cat", "dog", "sun", "rain", "car", "tree", "river", "music", "bread", "stone"};
    std::string jsonl;
    for (int p = 0; p < 80; ++p) {
        std::string a, b;
        const int keep = p % 6;
        for (int w = 0; w < 6; ++w) {
            const std::string wa = words[(p * 3 + w * 7) % 10];
            a += (w ? " " : "") + wa;
            b += (w ? " " : "") + (w < keep ? wa : std::string(words[(p + w * 3) % 10]));
        }
        jsonl += nlohmann::json{{"sentence1", a}, {"sentence2", b}, {"score", keep}}.dump() + "\n";
    }
    if (!QDir().mkpath(dir)) return false;
    gzFile f = gzopen(QDir(dir).filePath(QStringLiteral("test.jsonl.gz")).toStdString().c_str(), "wb");
    if (!f) return false;
    const bool ok = gzwrite(f, jsonl.data(), unsigned(jsonl.size())) == int(jsonl.size());
    return gzclose(f) == Z_OK && ok;
}

/// The loopback hub's configuration: the repo at mteb's pinned commit; `slow`: test.jsonl.gz comes in
/// 64-byte pieces 0.1 s apart (long enough to watch and cancel).
nlohmann::json hubConfig(const std::string& revision, bool slow) {
    nlohmann::json faults = nlohmann::json::array();
    if (slow) faults.push_back({{"file", "test.jsonl.gz"}, {"mode", "slow"}, {"chunk", 64}, {"delay", 0.1}});
    nlohmann::json repos = nlohmann::json::object();
    repos["datasets/mteb/stsbenchmark-sts"] = {{"commit", revision}};
    return {{"repos", repos}, {"faults", faults}};
}

int rowOf(QTableWidget* t, const QString& name) {
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, 0)->text() == name) return r;
    return -1;
}

QPushButton* emptyButton(ui::EvaluationArea& area, const char* name) {
    auto* b = area.emptyState()->findChild<QPushButton*>(QString::fromLatin1(name));
    return b && !b->isHidden() ? b : nullptr;
}

} // namespace

class EvaluationMtebTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dataDir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }

    void emptyStateSaysWhatToDoNext() {
        QTemporaryDir dir;
        qputenv("HF_HUB_CACHE", dir.filePath(QStringLiteral("hf")).toUtf8());
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::EvaluationArea area;
        area.resize(1200, 800);
        QTest::qWait(20);
        QVERIFY(!area.emptyState()->isShown()); // no project: nothing to say yet
        area.setProject(&*project);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        QTRY_VERIFY(area.emptyState()->isShown());
        QVERIFY(area.emptyState()->isVisible());
        QCOMPARE(area.emptyState()->title(), QStringLiteral("Nothing to evaluate yet."));
        QVERIFY2(area.emptyState()->text().contains(QStringLiteral("MTEB tasks by name")), qPrintable(area.emptyState()->text()));
        for (const char* b : {"evalEmptyAddMteb", "evalEmptyAddFolder", "evalEmptyAddHash"}) QVERIFY2(emptyButton(area, b), b);
        QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_empty.png")));
        QTest::qWait(50);
        for (auto* b : area.emptyState()->findChildren<QPushButton*>())
            QVERIFY2(b->width() >= b->sizeHint().width(), // no cut-off labels
                     qPrintable(QStringLiteral("%1: %2 < %3, state %4 wide").arg(b->text()).arg(b->width()).arg(b->sizeHint().width()).arg(area.emptyState()->width())));

        // The hashing baseline from the empty state: what is left to do is a dataset.
        emptyButton(area, "evalEmptyAddHash")->click();
        QCOMPARE(area.findChild<QListWidget*>(QStringLiteral("evalModels"))->count(), 1);
        QTRY_COMPARE(area.emptyState()->title(), QStringLiteral("No datasets yet."));
        QVERIFY(emptyButton(area, "evalEmptyAddMteb"));
        QVERIFY(!emptyButton(area, "evalEmptyAddHash"));

        // Its "Add MTEB task..." opens the picker.
        emptyButton(area, "evalEmptyAddMteb")->click();
        auto* dialog = area.findChild<ui::MtebTaskDialog*>();
        QVERIFY(dialog);
        dialog->reject();

        // A dataset but no model: the message asks for a model.
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("sts/sts-test.csv")),
                                  "a cat sits,a cat is sitting,4.5\nthe market fell,a dog runs,0.2\nkids play,children play,4.0\n"));
        QCOMPARE(area.addDataset(dir.filePath(QStringLiteral("sts"))), QString());
        QTRY_VERIFY(!area.emptyState()->isShown());
        area.findChild<QListWidget*>(QStringLiteral("evalModels"))->setCurrentRow(0);
        for (auto* b : area.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Remove") && b->parentWidget() &&
                b->parentWidget()->findChild<QListWidget*>(QStringLiteral("evalModels"))) {
                b->click();
                break;
            }
        QCOMPARE(area.findChild<QListWidget*>(QStringLiteral("evalModels"))->count(), 0);
        QTRY_VERIFY(area.emptyState()->isShown());
        QCOMPARE(area.emptyState()->title(), QStringLiteral("No model yet."));
        for (const char* b : {"evalEmptyAddModel", "evalEmptyDownloadModel", "evalEmptyAddHash"}) QVERIFY2(emptyButton(area, b), b);
        QVERIFY(!emptyButton(area, "evalEmptyAddMteb"));
    }

    // In every language the empty state's buttons show their whole labels (nothing to do, no model).
    void emptyStateButtonsFitInEveryLanguage_data() {
        QTest::addColumn<QString>("locale");
        for (const char* locale : {"en_US", "de_DE", "zh_CN"}) QTest::addRow("%s", locale) << QString::fromLatin1(locale);
    }
    void emptyStateButtonsFitInEveryLanguage() {
        QFETCH(QString, locale);
        for (auto* t : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(t);
        ui::installTranslations(*qApp, QLocale(locale));
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        for (bool withDataset : {false, true}) {
            ui::EvaluationArea area;
            area.resize(1400, 900);
            area.setProject(&*project);
            if (withDataset) {
                QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("sts/sts-test.csv")), "a b,a c,1\nc d,e f,0\nx y,x y,5\n"));
                QCOMPARE(area.addDataset(dir.filePath(QStringLiteral("sts"))), QString());
            }
            area.show();
            QVERIFY(QTest::qWaitForWindowExposed(&area));
            QTRY_VERIFY(area.emptyState()->isVisible());
            QTest::qWait(50);
            const auto buttons = area.emptyState()->findChildren<QPushButton*>();
            QCOMPARE(buttons.size(), 3);
            for (auto* b : buttons)
                QVERIFY2(b->width() >= b->sizeHint().width(),
                         qPrintable(QStringLiteral("%1: %2 < %3").arg(b->text()).arg(b->width()).arg(b->sizeHint().width())));
            QVERIFY(uitest::screenshot(&area, QStringLiteral("evaluation_empty_%1_%2.png").arg(locale).arg(withDataset)));
        }
        for (auto* t : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(t);
    }

    void pickerDownloadsInTheBackgroundWithCancelAndTheTaskEvaluates() {
        QTemporaryDir dir;
        const auto* sts = eval::findMtebTask("STSBenchmark");
        QVERIFY(sts);
        QVERIFY(writeStsRepo(dir.filePath(QStringLiteral("server/datasets/mteb/stsbenchmark-sts"))));
        test::FakeHubServer hub(dir.filePath(QStringLiteral("server")).toStdString(), hubConfig(sts->revision, true));
        qputenv("HF_HUB_CACHE", dir.filePath(QStringLiteral("hf")).toUtf8());
        qputenv("HF_ENDPOINT", QByteArray::fromStdString(hub.endpoint()));
        qputenv("HF_HUB_OFFLINE", "0");
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::EvaluationArea area;
        area.resize(1200, 800);
        area.setProject(&*project);
        area.show();
        auto* datasets = area.findChild<QListWidget*>(QStringLiteral("evalDatasets"));

        auto* dialog = area.openMtebTasks();
        QVERIFY(dialog);
        auto* table = dialog->table();
        QCOMPARE(table->rowCount(), int(eval::mtebTasks().size()));
        for (const char* name : {"STSBenchmark", "SICK-R", "SciFact", "Banking77Classification"}) QVERIFY2(rowOf(table, QString::fromLatin1(name)) >= 0, name);
        const int row = rowOf(table, QStringLiteral("STSBenchmark"));
        QCOMPARE(table->item(row, 1)->text(), QStringLiteral("STS"));
        QCOMPARE(table->item(row, 3)->text(), QStringLiteral("Download"));
        QCOMPARE(table->item(rowOf(table, QStringLiteral("SciFact")), 1)->text(), QStringLiteral("Retrieval"));

        // A slow transfer: the GUI thread stays free (the progress shows), Cancel stops it.
        QSignalSpy finished(dialog, &ui::MtebTaskDialog::finished);
        table->selectRow(row);
        dialog->findChild<QPushButton*>(QStringLiteral("mtebAdd"))->click();
        QVERIFY(dialog->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Downloading STSBenchmark")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QProgressBar*>(QStringLiteral("mtebProgress"))->value() > 0, 10000);
        QVERIFY(uitest::screenshot(dialog, QStringLiteral("evaluation_mteb_picker.png")));
        dialog->findChild<QPushButton*>(QStringLiteral("mtebCancel"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(dialog->statusText().contains(QStringLiteral("Cancelled")), qPrintable(dialog->statusText()));
        QCOMPARE(datasets->count(), 0);
        QCOMPARE(table->item(row, 3)->text(), QStringLiteral("Download"));

        // Again without the slow fault: it resumes, lands in the list like a folder, the dialog closes.
        hub.setConfig(hubConfig(sts->revision, false));
        hub.reset();
        QSignalSpy added(dialog, &ui::MtebTaskDialog::added);
        QPointer<ui::MtebTaskDialog> alive(dialog);
        dialog->start({QStringLiteral("STSBenchmark")});
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, 15000);
        QCOMPARE(datasets->count(), 1);
        QVERIFY2(datasets->item(0)->text().startsWith(QStringLiteral("STSBenchmark")), qPrintable(datasets->item(0)->text()));
        QVERIFY(datasets->item(0)->text().contains(QStringLiteral("80 items")));
        QVERIFY(datasets->item(0)->toolTip().contains(QStringLiteral("cosine_spearman")));
        QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 5000); // accepted and deleted on close
        bool resumed = false;
        for (const auto& r : hub.requests())
            resumed |= r["range"].get<std::string>().rfind("bytes=", 0) == 0 && r["range"] != "bytes=0-";
        QVERIFY2(resumed, hub.requests().dump().c_str());

        // Cached now: the picker marks it, and adding it again asks the hub nothing.
        auto* again = area.openMtebTasks();
        QCOMPARE(again->table()->item(row, 3)->text(), QStringLiteral("In the cache"));
        again->reject();

        // It evaluates like a folder, under its MTEB name and main score.
        area.addModel(QStringLiteral("hash:64"));
        area.setSuite(eval::SuiteMode::Full, 50);
        QSignalSpy done(&area, &ui::EvaluationArea::runFinished);
        area.run();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.at(0).at(0).toInt(), 1);
        auto* results = area.resultsTable();
        QCOMPARE(results->rowCount(), 1);
        bool named = false, metric = false;
        for (int c = 0; c < results->columnCount(); ++c) {
            named |= results->item(0, c) && results->item(0, c)->text() == QStringLiteral("STSBenchmark");
            metric |= results->item(0, c) && results->item(0, c)->text() == QStringLiteral("cosine_spearman");
        }
        QVERIFY(named && metric);
        qunsetenv("HF_ENDPOINT");
    }
};

QTEST_MAIN(EvaluationMtebTest)
#include "evaluation_mteb_test.moc"
