#pragma once
// One area of the workbench (Templates, Generation, ...). Areas get the open project through
// setProject and must drop any reference to it when it changes. While a project is open, every
// change to it (this window, another window, another process) reaches projectDataChanged.

#include "ui/project_watcher.h"

#include <QIcon>
#include <QString>
#include <QWidget>

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class Area : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual QString title() const = 0;
    virtual QString description() const = 0;
    virtual QIcon icon() const { return {}; }
    /// nullptr when no project is open.
    virtual void setProject(store::Project* project) { m_project = project; }
    /// The open project changed (ProjectWatcher, within a poll interval): update counts, filters,
    /// pickers and models in place, keeping the user's selection and scroll position. An area that
    /// is not shown may only note it and catch up when shown.
    virtual void projectDataChanged(const ProjectChange& change) { Q_UNUSED(change); }

Q_SIGNALS:
    void statusMessage(const QString& text);
    /// The area wrote to the project: the watcher looks at once instead of at its next tick.
    void projectWritten();
    /// An empty state's "go there" button: show the area with this object name ("generationArea").
    void areaRequested(const QString& areaObjectName);
    /// An empty state's "Settings..." button: open the Settings dialog.
    void settingsRequested();

protected:
    store::Project* m_project = nullptr;
};

} // namespace synthembed::ui
