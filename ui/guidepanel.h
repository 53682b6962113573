#pragma once
// The built-in guide: the workflow in six steps, each linking into its area.

#include <QDockWidget>

namespace synthembed::ui {

class GuidePanel : public QDockWidget {
    Q_OBJECT
public:
    explicit GuidePanel(QWidget* parent = nullptr);

Q_SIGNALS:
    /// The user clicked the link of an area (index in the navigation).
    void areaRequested(int index);
};

} // namespace synthembed::ui
