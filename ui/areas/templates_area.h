#pragma once
// The Templates area: the project's prompt templates by family and step, a QScintilla editor
// with live validation, the placeholders and their value pools (editable, versioned), a live
// seeded preview, and the version history with a diff of two versions. All logic is core's
// (core/prompts/); this area holds the template list and the editor and wires the panels of
// ui/templates/ (ProblemsPanel, PreviewPanel, PoolEditor, HistoryPanel) to them.

#include "ui/areas/area.h"

#include "core/prompts/prompt_store.h"
#include "core/prompts/template.h"

#include <QTimer>

#include <map>
#include <set>
#include <string>
#include <vector>

class QLabel;
class QLayout;
class QStackedWidget;
class QSplitter;
class QTabWidget;
class QToolButton;
class QTreeWidget;

namespace synthembed::ui {

class ElidedLabel;
class EmptyState;
class FindBar;
class HistoryPanel;
class PoolEditor;
class PreviewPanel;
class ProblemsPanel;
class TemplateEditor;

class TemplatesArea : public Area {
    Q_OBJECT
public:
    explicit TemplatesArea(QWidget* parent = nullptr);
    ~TemplatesArea() override;

    QString title() const override { return tr("Templates"); }
    QString description() const override {
        return tr("Prompt templates with diversity placeholders, and their value pools.");
    }
    void setProject(store::Project* project) override;
    /// Templates or pools saved elsewhere (another window, `prompts import`): the list follows,
    /// and the editor and pool table too where they hold no unsaved edits.
    void projectDataChanged(const ProjectChange& change) override;

    /// Names of the project's templates (latest versions), in list order.
    QStringList templateNames() const;
    /// Opens a template in the editor (keeping unsaved edits of the one left as a draft).
    bool selectTemplate(const QString& name);
    QString currentTemplate() const { return m_current; }
    bool isModified() const;
    /// Stores the editor's text as a new version (nothing is added when it equals the latest).
    bool save();
    /// Re-validates and re-renders now instead of after the typing pause.
    void refreshNow();
    /// Imports a prompts folder (templates and pools) into the project; false with a message.
    bool importPromptsFolder(const QString& dir);
    /// Shown while the project has no templates, with the imports that give it some.
    EmptyState* emptyState() const { return m_empty; }

Q_SIGNALS:
    /// After each validation + preview pass (tests wait on it).
    void refreshed();

private:
    void buildUi();
    QTreeWidget* buildList(QSplitter* split);
    QWidget* buildCenter(QSplitter* split);
    QLayout* buildToolRow(QWidget* center);
    QWidget* buildRight(QSplitter* split);
    void clear();
    void reloadList(const QString& select);
    void checkTemplates(const std::map<std::string, prompts::TemplateVersion>& latest);
    void loadIntoEditor(const QString& name);
    void onTextChanged();
    void refresh();
    void updateMetadata(const prompts::Template& tpl);
    void reloadHistory();
    void updateTitle();
    void updateListMarks();

    // Widgets; the panels are in ui/templates/.
    QStackedWidget* m_pages = nullptr;
    QLabel* m_emptyLabel = nullptr;
    EmptyState* m_empty = nullptr;
    QTreeWidget* m_list = nullptr;
    TemplateEditor* m_editor = nullptr;
    FindBar* m_find = nullptr;
    ElidedLabel* m_titleLabel = nullptr;
    QToolButton* m_undo = nullptr;
    QToolButton* m_redo = nullptr;
    QToolButton* m_findButton = nullptr;
    QToolButton* m_save = nullptr;
    QToolButton* m_revert = nullptr;
    ProblemsPanel* m_problems = nullptr;
    QLabel* m_meta = nullptr;
    QTabWidget* m_tabs = nullptr;
    PreviewPanel* m_preview = nullptr;
    PoolEditor* m_poolEditor = nullptr;
    HistoryPanel* m_history = nullptr;

    QTimer m_refreshTimer;

    // State of the open project (the pools and their unsaved edits are the pool editor's).
    QString m_current;                  ///< template in the editor
    std::string m_savedText;            ///< latest stored text of m_current
    int m_savedVersion = 0;
    std::map<QString, QString> m_drafts; ///< unsaved texts of templates not in the editor
    std::set<QString> m_withErrors;      ///< templates whose text (draft or stored) has errors
    bool m_loading = false;              ///< true while the area itself changes the widgets
};

} // namespace synthembed::ui
