#pragma once
// App-wide: the mouse wheel never changes a spin box, combo box or slider that does not have the
// keyboard focus. Scrolling a form over such a field scrolls the form (the wheel event goes on to
// the field's parents, as if the field were not there); clicking or tabbing into the field first
// lets the wheel change it. Such widgets also get Qt::StrongFocus (no focus from the wheel).

#include <QObject>

class QCoreApplication;
class QWidget;

namespace synthembed::ui {

class WheelGuard : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    /// Whether the wheel may change w: w is not a guarded kind, or it has the focus.
    static bool wheelAllowed(const QWidget* w);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

/// Installs one WheelGuard on the application (a second call does nothing).
void installWheelGuard(QCoreApplication& app);

} // namespace synthembed::ui
