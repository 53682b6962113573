#pragma once
// The Templates area: the project's prompt templates by family and step, a QScintilla editor
// with live validation, the placeholders and their value pools (editable, versioned), a live
// seeded preview, and the version history with a diff of two versions. All logic is core's
// (core/prompts/); this area presents it.

#include "ui/areas/area.h"

#include "core/prompts/pool.h"
#include "core/prompts/template.h"

#include <QTimer>

#include <map>
#include <set>
#include <string>
#include <vector>

class QLabel;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace synthembed::ui {

class ElidedLabel;
class TemplateEditor;
class FindBar;

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

    /// The placeholder highlight colour of the i-th sampled value (preview and values table).
    static QColor valueColor(int i);

Q_SIGNALS:
    /// After each validation + preview pass (tests wait on it).
    void refreshed();

private:
    void buildUi();
    void clear();
    void reloadList(const QString& select);
    void loadIntoEditor(const QString& name);
    void onTextChanged();
    void refresh();
    void renderPreview(const prompts::Template& tpl, bool syntaxOk);
    void updateProblems();
    void updateMetadata(const prompts::Template& tpl);
    void updatePlaceholders(const prompts::Template& tpl);
    void showPool(const QString& pool);
    void onPoolCellChanged(int row, int column);
    void savePool();
    void revertPool();
    void addPoolValue();
    void removePoolValues();
    void reloadHistory();
    void updateDiff();
    void loadVersionIntoEditor();
    void updateTitle();
    void updateListMarks();

    // Widgets.
    QStackedWidget* m_pages = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QTreeWidget* m_list = nullptr;
    TemplateEditor* m_editor = nullptr;
    FindBar* m_find = nullptr;
    ElidedLabel* m_titleLabel = nullptr;
    QToolButton* m_save = nullptr;
    QToolButton* m_revert = nullptr;
    QTreeWidget* m_problems = nullptr;
    QLabel* m_problemsLabel = nullptr;
    QLabel* m_meta = nullptr;
    QTabWidget* m_tabs = nullptr;
    QSpinBox* m_seed = nullptr;
    QPushButton* m_resample = nullptr;
    QTextBrowser* m_preview = nullptr;
    QLabel* m_previewStatus = nullptr;
    QTableWidget* m_values = nullptr;
    QTableWidget* m_placeholders = nullptr;
    QLabel* m_poolLabel = nullptr;
    QTableWidget* m_poolValues = nullptr;
    QToolButton* m_savePool = nullptr;
    QToolButton* m_revertPool = nullptr;
    QToolButton* m_addValue = nullptr;
    QToolButton* m_removeValue = nullptr;
    QTreeWidget* m_versions = nullptr;
    QTextBrowser* m_diff = nullptr;
    QLabel* m_diffLabel = nullptr;
    QPushButton* m_loadVersion = nullptr;

    QTimer m_refreshTimer;

    // State of the open project.
    prompts::PoolSet m_pools;           ///< latest stored pools, with unsaved edits applied
    std::set<std::string> m_dirtyPools; ///< pools edited but not saved
    QString m_current;                  ///< template in the editor
    QString m_currentPool;              ///< pool in the pool table
    std::string m_savedText;            ///< latest stored text of m_current
    int m_savedVersion = 0;
    std::map<QString, QString> m_drafts; ///< unsaved texts of templates not in the editor
    std::set<QString> m_withErrors;      ///< templates whose text (draft or stored) has errors
    bool m_loading = false;              ///< true while the area itself changes the widgets
};

} // namespace synthembed::ui
