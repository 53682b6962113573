// The Templates area's panels on their own (ui/templates/): PoolEditor keeps unsaved pool edits
// while pools change elsewhere, Revert drops them and Save stores a new version; HistoryPanel
// lists a template's versions newest first, diffs them and hands a version's text on;
// PreviewPanel renders the same prompt for the same seed and another for the next.

#include "area_test_support.h"

#include "ui/templates/history_panel.h"
#include "ui/templates/pool_editor.h"
#include "ui/templates/preview_panel.h"

#include "core/prompts/prompt_store.h"
#include "core/store/project.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace synthembed;

namespace {

const std::string kTemplate = "short-long.generate";

int rowOf(QTableWidget* table, const QString& text) {
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0) && table->item(r, 0)->text() == text) return r;
    return -1;
}

} // namespace

class TemplatesPanelsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(uitest::initEnvironment(m_dataDir));
        auto project = store::Project::create(m_dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY2(project, project ? "" : project.error().message.c_str());
        m_project = std::make_unique<store::Project>(std::move(project).take());
        prompts::PromptStore store(*m_project);
        auto lib = store.loadLatest();
        QVERIFY(lib);
        QVERIFY2(lib->pools.find("language"), "the shipped pools are seeded into a new project");
        auto tpl = store.templateAt(kTemplate);
        QVERIFY2(tpl, "the shipped templates are seeded into a new project");
    }

    void poolEditorKeepsEditsUntilSavedOrReverted() {
        prompts::PromptStore store(*m_project);
        ui::PoolEditor editor;
        editor.setProject(m_project.get());
        editor.setPools(store.loadLatest()->pools);
        editor.showTemplate(*store.templateAt(kTemplate));
        auto* placeholders = editor.findChild<QTableWidget*>(QStringLiteral("placeholderTable"));
        auto* values = editor.findChild<QTableWidget*>(QStringLiteral("poolValueTable"));
        auto* save = editor.findChild<QToolButton*>(QStringLiteral("savePoolButton"));
        const int row = rowOf(placeholders, QStringLiteral("{language}"));
        QVERIFY(row >= 0);
        placeholders->setCurrentCell(row, 0);
        QCOMPARE(editor.currentPool(), QStringLiteral("language"));
        QCOMPARE(values->item(0, 0)->text(), QStringLiteral("English"));
        QVERIFY(!editor.hasUnsavedEdits());
        QVERIFY(!save->isEnabled());

        const double stored = values->item(0, 1)->data(Qt::EditRole).toDouble();
        QVERIFY(stored != 3.0);
        QSignalSpy edited(&editor, &ui::PoolEditor::poolsEdited);
        QSignalSpy reloaded(&editor, &ui::PoolEditor::poolsReloaded);
        values->item(0, 1)->setData(Qt::EditRole, 3.0);
        QCOMPARE(edited.count(), 1);
        QVERIFY(editor.hasUnsavedEdits());
        QVERIFY(save->isEnabled());
        QCOMPARE(editor.pools().find("language")->values.front().weight, 3.0);
        // Pools stored elsewhere meanwhile do not replace the unsaved edit.
        editor.storedPoolsChanged(store.loadLatest()->pools);
        QCOMPARE(editor.pools().find("language")->values.front().weight, 3.0);
        QCOMPARE(values->item(0, 1)->data(Qt::EditRole).toDouble(), 3.0);

        editor.revertPool();
        QCOMPARE(reloaded.count(), 1);
        QVERIFY(!editor.hasUnsavedEdits());
        QCOMPARE(editor.pools().find("language")->values.front().weight, stored);
        QCOMPARE(values->item(0, 1)->data(Qt::EditRole).toDouble(), stored);

        // Save: a new stored version with the edit, the editor clean again.
        values->item(1, 1)->setData(Qt::EditRole, 0.5);
        const int before = store.poolAt("language")->version;
        QSignalSpy written(&editor, &ui::PoolEditor::projectWritten);
        QVERIFY(editor.savePool());
        QCOMPARE(written.count(), 1);
        QCOMPARE(reloaded.count(), 2);
        auto latest = store.poolAt("language");
        QCOMPARE(latest->version, before + 1);
        QCOMPARE(latest->values.at(1).weight, 0.5);
        QVERIFY(!editor.hasUnsavedEdits());
        QVERIFY(!save->isEnabled());
    }

    void historyPanelDiffsAndOpensVersions() {
        prompts::PromptStore store(*m_project);
        const std::string v1 = *store.templateText(kTemplate);
        QVERIFY(store.saveTemplate(v1 + "One more line.\n"));
        ui::HistoryPanel panel;
        panel.showTemplate(m_project.get(), QString::fromStdString(kTemplate));
        auto* versions = panel.findChild<QTreeWidget*>(QStringLiteral("versionList"));
        auto* label = panel.findChild<QLabel*>(QStringLiteral("diffLabel"));
        auto* diff = panel.findChild<QTextBrowser*>(QStringLiteral("diffView"));
        QCOMPARE(panel.latestVersion(), 2);
        QCOMPARE(versions->topLevelItemCount(), 2);
        QCOMPARE(versions->topLevelItem(0)->text(0), QStringLiteral("v2"));
        QCOMPARE(versions->topLevelItem(0)->text(2), QStringLiteral("+1 −0 lines"));
        QCOMPARE(label->text(), QStringLiteral("v1 → v2: +1 −0 lines"));
        QVERIFY(diff->toPlainText().contains(QStringLiteral("One more line.")));

        versions->clearSelection();
        versions->topLevelItem(1)->setSelected(true);
        QCOMPARE(label->text(), QStringLiteral("v1: first version"));
        QSignalSpy open(&panel, &ui::HistoryPanel::openVersion);
        auto* openButton = panel.findChild<QPushButton*>();
        QVERIFY(openButton && openButton->isEnabled());
        openButton->click();
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.at(0).at(0).toInt(), 1);
        QCOMPARE(open.at(0).at(1).toString(), QString::fromStdString(v1));
        // Two selected: compared with each other; none: nothing to open.
        versions->topLevelItem(0)->setSelected(true);
        QCOMPARE(label->text(), QStringLiteral("v1 → v2: +1 −0 lines"));
        QVERIFY(!openButton->isEnabled());
        panel.clear();
        QCOMPARE(versions->topLevelItemCount(), 0);
        QCOMPARE(panel.latestVersion(), 0);
    }

    void previewPanelFollowsTheSeed() {
        prompts::PromptStore store(*m_project);
        const auto pools = store.loadLatest()->pools;
        const auto tpl = *store.templateAt(kTemplate);
        ui::PreviewPanel panel;
        auto* view = panel.findChild<QTextBrowser*>(QStringLiteral("previewView"));
        auto* values = panel.findChild<QTableWidget*>(QStringLiteral("valuesTable"));
        auto* resample = panel.findChild<QPushButton*>(QStringLiteral("resampleButton"));
        panel.render(tpl, pools, true);
        const QString first = view->toPlainText();
        QVERIFY(!first.isEmpty());
        QVERIFY(values->rowCount() > 0);
        QCOMPARE(values->item(0, 0)->background().color(), ui::PreviewPanel::valueColor(0));
        panel.render(tpl, pools, true);
        QCOMPARE(view->toPlainText(), first);
        QSignalSpy seed(&panel, &ui::PreviewPanel::seedChanged);
        resample->click();
        QCOMPARE(seed.count(), 1);
        QCOMPARE(panel.seed(), 2);
        panel.render(tpl, pools, true);
        QVERIFY(view->toPlainText() != first);
        // A render that fails keeps the last good preview, dimmed.
        const QString second = view->toPlainText();
        panel.render(tpl, pools, false);
        QCOMPARE(view->toPlainText(), second);
        QVERIFY(!view->isEnabled());
    }

private:
    QTemporaryDir m_dataDir;
    QTemporaryDir m_dir;
    std::unique_ptr<store::Project> m_project;
};

QTEST_MAIN(TemplatesPanelsTest)
#include "templates_panels_test.moc"
