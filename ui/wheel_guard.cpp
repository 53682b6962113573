#include "ui/wheel_guard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QWheelEvent>

namespace synthembed::ui {

namespace {

bool guardedKind(const QObject* o) {
    return qobject_cast<const QAbstractSpinBox*>(o) || qobject_cast<const QComboBox*>(o) ||
           qobject_cast<const QAbstractSlider*>(o);
}

/// The guarded widget a wheel event on w would change: w itself, or the spin box / combo box
/// whose line edit w is. Scroll bars of scroll areas are sliders too but are meant for the wheel.
QWidget* guardedTarget(QWidget* w) {
    if (!w) return nullptr;
    if (guardedKind(w)) {
        // A scroll area's own scroll bar: its parent is the area's scroll bar container.
        if (qobject_cast<QAbstractSlider*>(w) && w->inherits("QScrollBar")) return nullptr;
        return w;
    }
    QWidget* p = w->parentWidget();
    if (p && (qobject_cast<QAbstractSpinBox*>(p) || qobject_cast<QComboBox*>(p))) return p;
    return nullptr;
}

} // namespace

bool WheelGuard::wheelAllowed(const QWidget* w) {
    auto* target = guardedTarget(const_cast<QWidget*>(w));
    return !target || target->hasFocus();
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Polish) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w && guardedTarget(w) == w && w->focusPolicy() == Qt::WheelFocus) w->setFocusPolicy(Qt::StrongFocus);
        return false;
    }
    if (event->type() != QEvent::Wheel) return false;
    auto* w = qobject_cast<QWidget*>(watched);
    QWidget* target = guardedTarget(w);
    if (!target || target->hasFocus()) return false;
    // Hand the event to the parents, as Qt does with an ignored wheel event (Qt itself does not
    // propagate events sent by code, so walk up here): a scroll area around the form scrolls.
    auto* wheel = static_cast<QWheelEvent*>(event);
    const QPoint local = w->mapTo(target->window(), wheel->position().toPoint());
    for (QWidget* p = target->parentWidget(); p; p = p->parentWidget()) {
        const QPointF pos = p->mapFrom(target->window(), local);
        QWheelEvent forwarded(pos, wheel->globalPosition(), wheel->pixelDelta(), wheel->angleDelta(), wheel->buttons(),
                              wheel->modifiers(), wheel->phase(), wheel->inverted(), wheel->source());
        forwarded.setAccepted(true);
        if (QCoreApplication::sendEvent(p, &forwarded) && forwarded.isAccepted()) break;
        if (p->isWindow()) break;
    }
    return true; // the unfocused field never sees it
}

void installWheelGuard(QCoreApplication& app) {
    if (app.findChild<WheelGuard*>(QString(), Qt::FindDirectChildrenOnly)) return;
    app.installEventFilter(new WheelGuard(&app));
}

} // namespace synthembed::ui
