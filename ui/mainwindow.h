#pragma once
// The workbench window: a navigation over the areas, the log dock, project handling.

#include <QKeySequence>
#include <QList>
#include <QMainWindow>

#include <memory>

class QListWidget;
class QStackedWidget;
class QLabel;
class QMenu;
class QUndoGroup;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class Area;
class EmptyState;
class LogDock;
class GuidePanel;
class ProjectWatcher;
struct ProjectChange;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens (or creates, when missing and create is true) a project; shows errors in a dialog
    /// unless quiet. Returns false on failure, leaving the current project open.
    bool openProject(const QString& path, bool create = false, bool quiet = false);
    store::Project* project() const { return m_project.get(); }

    int areaCount() const;
    Area* area(int index) const;
    void showArea(int index);
    int currentArea() const;
    LogDock* logDock() const { return m_log; }
    GuidePanel* guide() const { return m_guide; }
    /// Reports every change to the open project to the areas and the status bar.
    ProjectWatcher* watcher() const { return m_watcher; }
    /// Settings' shortcuts: Ctrl+, on every platform (first, shown in the menu), and the
    /// platform's Preferences key when it has one.
    static QList<QKeySequence> settingsShortcuts();

public Q_SLOTS:
    void newProject();
    void openProjectDialog();
    void showSettings();
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void addArea(Area* area);
    void buildMenus();
    void updateRecentMenu();
    void rememberRecent(const QString& path);
    void updateStatus();
    void showCounts(qint64 templates, qint64 samples);
    void onProjectChanged(const ProjectChange& change);

    std::unique_ptr<store::Project> m_project;
    QListWidget* m_nav;
    QStackedWidget* m_stack;
    QList<Area*> m_areas;
    LogDock* m_log;
    GuidePanel* m_guide;
    QLabel* m_projectLabel;
    QMenu* m_recentMenu = nullptr;
    ProjectWatcher* m_watcher = nullptr;
    QUndoGroup* m_undoGroup = nullptr; ///< the shown area's undo stack is the active one
    EmptyState* m_noProject = nullptr; ///< over the areas while no project is open
};

} // namespace synthembed::ui
