// The wheel over an unfocused spin box, combo box or slider inside a scroll area scrolls the area
// and leaves the value alone; once the field has the focus the wheel changes it. Real widgets,
// the application-wide filter the GUI installs, synthesized wheel events through QApplication.

#include "ui/wheel_guard.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtTest>

using namespace synthembed;

namespace {

void wheel(QWidget* w, int steps = -1) {
    const QPoint local = w->rect().center();
    QWheelEvent ev(QPointF(local), QPointF(w->mapToGlobal(local)), QPoint(), QPoint(0, 120 * steps), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &ev);
}

} // namespace

class WheelGuardTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ui::installWheelGuard(*qApp); }

    void unfocusedFieldsKeepTheirValueAndTheFormScrolls() {
        QWidget window;
        auto* outer = new QVBoxLayout(&window);
        auto* other = new QLineEdit(&window);
        outer->addWidget(other);
        auto* area = new QScrollArea(&window);
        outer->addWidget(area);
        auto* form = new QWidget;
        auto* layout = new QVBoxLayout(form);
        layout->addSpacing(400);
        auto* spin = new QSpinBox(form);
        spin->setRange(1, 256);
        spin->setValue(16);
        auto* combo = new QComboBox(form);
        combo->addItems({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        combo->setCurrentIndex(1);
        auto* slider = new QSlider(Qt::Horizontal, form);
        slider->setRange(0, 100);
        slider->setValue(50);
        layout->addWidget(spin);
        layout->addWidget(combo);
        layout->addWidget(slider);
        layout->addSpacing(1200);
        area->setWidget(form);
        window.resize(300, 300);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        other->setFocus();
        QTRY_VERIFY(other->hasFocus());
        area->ensureWidgetVisible(spin);
        QApplication::processEvents();

        QCOMPARE(spin->focusPolicy(), Qt::StrongFocus); // the wheel does not give focus either
        auto* bar = area->verticalScrollBar();
        const int before = bar->value();
        wheel(spin);
        QCOMPARE(spin->value(), 16);
        QVERIFY2(bar->value() > before, "the scroll area scrolls instead");
        wheel(spin->findChild<QLineEdit*>()); // over the spin box's text
        QCOMPARE(spin->value(), 16);
        wheel(combo);
        QCOMPARE(combo->currentIndex(), 1);
        wheel(slider);
        QCOMPARE(slider->value(), 50);
        QVERIFY(!spin->hasFocus());

        // With the focus, the wheel edits the field as usual.
        spin->setFocus();
        QTRY_VERIFY(spin->hasFocus());
        wheel(spin, 1);
        QCOMPARE(spin->value(), 17);
        combo->setFocus();
        QTRY_VERIFY(combo->hasFocus());
        wheel(combo, -1);
        QCOMPARE(combo->currentIndex(), 2);
    }

    void installsOnce() {
        ui::installWheelGuard(*qApp);
        QCOMPARE(qApp->findChildren<ui::WheelGuard*>(QString(), Qt::FindDirectChildrenOnly).size(), 1);
    }
};

QTEST_MAIN(WheelGuardTest)
#include "wheel_guard_test.moc"
