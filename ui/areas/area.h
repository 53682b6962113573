#pragma once
// One area of the workbench (Templates, Generation, ...). Areas get the open project through
// setProject and must drop any reference to it when it changes.

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

Q_SIGNALS:
    void statusMessage(const QString& text);

protected:
    store::Project* m_project = nullptr;
};

} // namespace synthembed::ui
