// Empty states: every area says what to do next when it has nothing to show, with the buttons for
// it, and the message goes as soon as data arrives (through the same project-change path as any
// other change). Model lists and pickers name a trained model's run and step.
#include "ui/areas/evaluation_area.h"
#include "ui/areas/explorer_area.h"
#include "ui/areas/generation_area.h"
#include "ui/areas/samples_area.h"
#include "ui/areas/templates_area.h"
#include "ui/areas/training_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/gen/job_table_model.h"
#include "ui/mainwindow.h"
#include "ui/samples/sample_table_model.h"
#include "ui/train/run_builder.h"
#include "ui/widgets/empty_state.h"
#include "area_test_support.h"
#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/prompts/prompt_store.h"
#include "core/store/project.h"
#include "core/train/model_manifest.h"
#include "core/util/paths.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QStyledItemDelegate>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace synthembed;

namespace {

/// Adds `n` accepted samples through a second connection (as another window or the CLI would).
bool addSamples(const QString& path, int n, int first = 0) {
    auto p = store::Project::open(path.toStdString());
    if (!p) return false;
    auto st = p->db().prepare("INSERT INTO samples(family, language, query, positive) VALUES ('short-long', 'en', ?, ?)");
    for (int i = first; i < first + n; ++i) st.bindAll("query " + std::to_string(i), "positive text " + std::to_string(i)).run();
    return true;
}

ui::ProjectChange changeOf(std::initializer_list<const char*> tables) {
    ui::ProjectChange c;
    for (const char* t : tables) c.tables.insert(QLatin1String(t));
    return c;
}

QPushButton* button(ui::EmptyState* e, const char* name) { return e->findChild<QPushButton*>(QLatin1String(name)); }

/// A project with no templates and no samples in `dir`: its path.
QString emptyProject(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("p.synthembed"));
    auto p = store::Project::create(path.toStdString());
    if (!p) return {};
    p->db().execute("DELETE FROM templates");
    return path;
}

/// An empty project open in a shown area of type A (closed again at the end).
template <class A> struct OnEmptyProject {
    QTemporaryDir dir;
    QString path = emptyProject(dir);
    std::optional<store::Project> project;
    A area;
    OnEmptyProject() {
        if (auto p = store::Project::open(path.toStdString())) project.emplace(std::move(p).take());
        area.resize(1300, 850);
        area.show();
        if (project) area.setProject(&*project);
    }
    ~OnEmptyProject() { area.setProject(nullptr); }
    /// Open, shown, and showing its empty state.
    bool ready() { return project && QTest::qWaitForWindowExposed(&area) && area.emptyState()->isVisible(); }
};

} // namespace

class EmptyStatesTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dataDir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }

    void mainWindowWithoutProject() {
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* none = w.findChild<ui::EmptyState*>(QStringLiteral("noProjectState"));
        QVERIFY(none);
        QVERIFY(none->isVisible());
        QVERIFY(button(none, "noProjectNew"));
        QVERIFY(button(none, "noProjectOpen"));
        QTemporaryDir dir;
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("p.synthembed")), true, true));
        QVERIFY(!none->isVisible());
        // An empty state's "go there" button switches areas.
        int samplesIndex = -1;
        for (int i = 0; i < w.areaCount(); ++i)
            if (qobject_cast<ui::SamplesArea*>(w.area(i))) samplesIndex = i;
        w.showArea(samplesIndex);
        auto* samples = qobject_cast<ui::SamplesArea*>(w.area(samplesIndex));
        QTRY_VERIFY(samples->emptyState()->isVisible());
        button(samples->emptyState(), "samplesGoToGeneration")->click();
        QVERIFY(qobject_cast<ui::GenerationArea*>(w.area(w.currentArea())));
    }

    void samplesEmptyThenImportedThenFiltered() {
        OnEmptyProject<ui::SamplesArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        auto& dir = fixture.dir;
        auto* empty = area.emptyState();
        QCOMPARE(empty->title(), QStringLiteral("No samples yet."));
        QVERIFY(button(empty, "samplesGoToGeneration"));
        QVERIFY(button(empty, "samplesImport"));
        // Importing a JSONL file fills the table and the message goes.
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("in.jsonl")),
                                  "{\"query\": \"how tall is the tower\", \"positive\": \"The tower is 300 m tall.\"}\n"
                                  "{\"query\": \"when does it open\", \"positive\": \"It opens at nine.\"}\n"));
        QVERIFY(area.importSamplesFile(dir.filePath(QStringLiteral("in.jsonl"))));
        QCOMPARE(area.model()->rowCount(), 2);
        QVERIFY(!empty->isVisible());
        // A search that matches nothing: a different message, and Clear filters brings the rows back.
        area.findChild<QLineEdit*>(QStringLiteral("searchFilter"))->setText(QStringLiteral("no such text anywhere"));
        QTRY_COMPARE(area.model()->rowCount(), 0);
        QVERIFY(empty->isVisible());
        QCOMPARE(empty->title(), QStringLiteral("No samples match these filters."));
        button(empty, "samplesClearFilters")->click();
        QCOMPARE(area.model()->rowCount(), 2);
        QVERIFY(!empty->isVisible());
        QVERIFY(area.findChild<QLineEdit*>(QStringLiteral("searchFilter"))->text().isEmpty());
    }

    void samplesEmptyStateGoesWhenAnotherConnectionAddsSamples() {
        OnEmptyProject<ui::SamplesArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        const QString& path = fixture.path;
        QVERIFY(addSamples(path, 3));
        area.projectDataChanged(changeOf({"samples"}));
        QTRY_COMPARE(area.model()->rowCount(), 3);
        QVERIFY(!area.emptyState()->isVisible());
    }

    void trainingWithoutSamples() {
        OnEmptyProject<ui::TrainingArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        const QString& path = fixture.path;
        auto* empty = area.emptyState();
        QVERIFY(button(empty, "trainingGoToGeneration"));
        QVERIFY(button(empty, "trainingGoToSamples"));
        QSignalSpy asked(&area, &ui::Area::areaRequested);
        button(empty, "trainingGoToSamples")->click();
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().at(0).toString(), QStringLiteral("samplesArea"));
        QVERIFY(addSamples(path, 4));
        area.projectDataChanged(changeOf({"samples"}));
        QTRY_COMPARE(area.builder()->usableSampleCount(), qint64(4));
        QVERIFY(!empty->isVisible());
        // "Train from a JSONL file" uncovers the form of a project without samples.
        QTemporaryDir other;
        const QString otherPath = emptyProject(other);
        auto second = store::Project::open(otherPath.toStdString());
        area.setProject(&*second);
        QVERIFY(empty->isVisible());
        button(empty, "trainingUseJsonl")->click();
        QVERIFY(!empty->isVisible());
        area.setProject(nullptr);
    }

    void explorerWithoutSamplesThenNotEmbeddedThenMapped() {
        OnEmptyProject<ui::ExplorerArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        const QString& path = fixture.path;
        auto* empty = area.emptyState();
        QCOMPARE(empty->title(), QStringLiteral("No samples to map yet."));
        QVERIFY(button(empty, "explorerGoToGeneration"));
        QVERIFY(addSamples(path, 6));
        area.projectDataChanged(changeOf({"samples"}));
        QVERIFY(empty->isVisible());
        QCOMPARE(empty->title(), QStringLiteral("Nothing embedded yet."));
        // Only the hashing baseline in the picker: the way to a trained model is offered.
        QVERIFY(button(empty, "explorerGoToTraining"));
        auto* embedNow = button(empty, "explorerEmptyEmbed");
        QVERIFY(embedNow && embedNow->isEnabled());
        area.setModel(QStringLiteral("hash:64"));
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        embedNow->click();
        QVERIFY(!empty->isVisible()); // busy: the progress shows instead
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.first().at(1).toString(), QString());
        QVERIFY(!empty->isVisible());
        area.setProject(nullptr);
    }

    void generationWithoutJobs() {
        OnEmptyProject<ui::GenerationArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        const QString& path = fixture.path;
        auto* empty = area.emptyState();
        // No endpoint yet: the Settings button; the Templates are a click away too.
        QSignalSpy settings(&area, &ui::Area::settingsRequested);
        button(empty, "generationOpenSettings")->click();
        QCOMPARE(settings.count(), 1);
        QVERIFY(button(empty, "generationGoToTemplates"));
        {
            auto other = store::Project::open(path.toStdString());
            QVERIFY(other.ok());
            gen::JobSpec spec;
            spec.name = "from the CLI";
            spec.families = {{"short-long", 1.0}};
            spec.target = 5;
            spec.client.endpoints = {{"http://127.0.0.1:9/v1", ""}};
            spec.client.model = "m";
            QVERIFY(gen::createJob(*other, spec).ok());
        }
        area.projectDataChanged(changeOf({"jobs"}));
        QTRY_COMPARE(area.jobModel()->rowCount(), 1);
        QVERIFY(!empty->isVisible());
        area.setProject(nullptr);
    }

    void templatesWithoutTemplates() {
        OnEmptyProject<ui::TemplatesArea> fixture;
        QVERIFY(fixture.ready());
        auto& area = fixture.area;
        auto* empty = area.emptyState();
        QVERIFY(button(empty, "templatesImportFolder"));
        button(empty, "templatesImportBuiltIn")->click();
        QVERIFY(!area.templateNames().isEmpty());
        QVERIFY(!empty->isVisible());
        // Templates arriving from elsewhere (another window) make it go as well.
        QTemporaryDir other;
        const QString otherPath = emptyProject(other);
        auto second = store::Project::open(otherPath.toStdString());
        area.setProject(&*second);
        QVERIFY(empty->isVisible());
        {
            auto writer = store::Project::open(otherPath.toStdString());
            QVERIFY(prompts::PromptStore(*writer).importDirectory(paths::shippedPromptsDir()).ok());
        }
        area.projectDataChanged(changeOf({"templates"}));
        QVERIFY(!area.templateNames().isEmpty());
        QVERIFY(!empty->isVisible());
        area.setProject(nullptr);
    }

    void trainedModelsCarryRunAndStep() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("ft1"));
        QVERIFY(uitest::writeText(model + QStringLiteral("/synthembed_train.json"),
                                  R"({"pooling": "last", "run_id": "r-1a2b", "run_name": "stsb-lora", "step": 400,
                                      "base_model": "/models/base"})"));
        const QString unnamed = dir.filePath(QStringLiteral("ft2"));
        QVERIFY(uitest::writeText(unnamed + QStringLiteral("/synthembed_train.json"), R"({"run_id": "r-9", "step": 12})"));
        const QString base = dir.filePath(QStringLiteral("base"));
        QVERIFY(uitest::writeText(base + QStringLiteral("/config.json"), "{}"));
        QCOMPARE(ui::evalsettings::modelDisplayName(model), QStringLiteral("ft1 · run stsb-lora · step 400"));
        QCOMPARE(ui::evalsettings::modelDisplayName(unnamed), QStringLiteral("ft2 · run r-9 · step 12"));
        QCOMPARE(ui::evalsettings::modelDisplayName(base), QStringLiteral("base"));
        QCOMPARE(ui::evalsettings::modelDisplayName(QStringLiteral("hash:64")), QStringLiteral("hash:64"));

        const QString path = dir.filePath(QStringLiteral("p.synthembed"));
        auto project = store::Project::create(path.toStdString());
        QVERIFY(project.ok());
        ui::evalsettings::setModels(&*project, {model, base});
        // Evaluation's model list.
        ui::EvaluationArea evaluation;
        evaluation.setProject(&*project);
        auto* list = evaluation.findChild<QListWidget*>(QStringLiteral("evalModels"));
        QCOMPARE(list->count(), 2);
        QCOMPARE(list->item(0)->text(), QStringLiteral("ft1 · run stsb-lora · step 400"));
        QCOMPARE(list->item(1)->text(), QStringLiteral("base"));
        evaluation.setProject(nullptr);
        // Explorer's picker: its list names run and step, its field keeps the folder that loads.
        ui::ExplorerArea explorer;
        explorer.setProject(&*project);
        auto* picker = explorer.findChild<QComboBox*>(QStringLiteral("explorerModel"));
        const int i = picker->findText(model);
        QVERIFY(i >= 0);
        QCOMPARE(picker->itemData(i, ui::ExplorerArea::kModelNameRole).toString(),
                 QStringLiteral("ft1 · run stsb-lora · step 400"));
        QStyleOptionViewItem option;
        option.initFrom(picker->view());
        auto* delegate = qobject_cast<QStyledItemDelegate*>(picker->itemDelegate());
        QVERIFY(delegate);
        QCOMPARE(delegate->sizeHint(option, picker->model()->index(i, 0)).width() >
                     delegate->sizeHint(option, picker->model()->index(picker->findText(base), 0)).width(),
                 true);
        picker->setCurrentIndex(i);
        QCOMPARE(picker->currentText(), model);
        explorer.setProject(nullptr);

        // The core reader: malformed manifests are errors naming the file and the field.
        QVERIFY(uitest::writeText(unnamed + QStringLiteral("/synthembed_train.json"), R"({"step": "twelve"})"));
        auto bad = train::readTrainedModelInfo(unnamed.toStdString());
        QVERIFY(!bad);
        QVERIFY(QString::fromStdString(bad.error().message).contains(QStringLiteral("\"step\"")));
        QVERIFY(QString::fromStdString(bad.error().message).contains(QStringLiteral("synthembed_train.json")));
        QCOMPARE(ui::evalsettings::modelDisplayName(unnamed), QStringLiteral("ft2"));
        auto none = train::readTrainedModelInfo(base.toStdString());
        QVERIFY(none.ok() && !*none);
    }

    void evaluationResultsOfTheCliNameFolderRunAndStep() {
        // A model trained and evaluated from the CLI: the GUI never saw its spec, the result's
        // model files name the folder, the project's run names the run.
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const QString stsb = shared + QStringLiteral("/data/stsbenchmark/stsb-en-test.csv");
        if (shared.isEmpty() || !QFile::exists(stsb)) QSKIP("SYNTHEMBED_SHARED not set (stories260K, STS-B)");
        QTemporaryDir dir;
        const std::string db = dir.filePath(QStringLiteral("p.synthembed")).toStdString();
        const std::string model = dir.filePath(QStringLiteral("ft1")).toStdString();
        QByteArray jsonl;
        for (int i = 0; i < 40; ++i)
            jsonl += QStringLiteral("{\"query\": \"question number %1 about towers\", \"positive\": \"answer %1: towers are tall\"}\n")
                         .arg(i)
                         .toUtf8();
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("s.jsonl")), jsonl));
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {"--db", db, "init"},
                 {"--db", db, "import", "-i", dir.filePath(QStringLiteral("s.jsonl")).toStdString()},
                 {"--db", db, "train", "--model", (shared + QStringLiteral("/oracles/models/stories260K")).toStdString(), "-o",
                  model, "--name", "stsb-lora", "--steps", "4", "--batch-size", "8", "--max-length", "32", "--warmup", "1"},
                 {"--db", db, "eval", "--model", model, "--task-type", "sts", "--data", stsb.toStdString(), "--quick", "40"}}) {
            const auto r = test::runCli(args);
            QVERIFY2(r.exitCode == 0, r.err.c_str());
        }
        auto project = store::Project::open(db);
        QVERIFY(project.ok());
        ui::EvaluationArea evaluation;
        evaluation.setProject(&*project);
        QVERIFY(evaluation.resultsTable()->rowCount() >= 1);
        QCOMPARE(evaluation.resultsTable()->item(0, 0)->text(), QStringLiteral("ft1 (stsb-lora, step 4)"));
        evaluation.setProject(nullptr);
    }
};

QTEST_MAIN(EmptyStatesTest)
#include "empty_states_test.moc"
