#pragma once
// An empty state: what an area (or part of one) shows when it has nothing to show, saying what to
// do next with the buttons for it right there. It lies over the widget it covers (a child that
// follows its size), so an area keeps its layout and only says setShown(true/false) as its data
// comes and goes.

#include <QFrame>
#include <QString>

#include <functional>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace synthembed::ui {

class EmptyState : public QFrame {
    Q_OBJECT
public:
    /// Covers `covered` (its child, hidden until setShown(true)).
    EmptyState(QWidget* covered, const QString& objectName);

    /// The headline ("No samples yet.") and what to do next (plain text, wrapped).
    void setMessage(const QString& title, const QString& text);
    QString title() const;
    QString text() const;
    /// A button under the message; buttons stay until clearButtons.
    QPushButton* addButton(const QString& text, const std::function<void()>& onClick, const QString& objectName = {});
    void clearButtons();
    /// Shown over the covered widget, or hidden.
    void setShown(bool shown);
    bool isShown() const { return !isHidden(); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitMargins();
    QWidget* m_covered;
    QLabel* m_title;
    QLabel* m_text;
    QHBoxLayout* m_buttons;
};

} // namespace synthembed::ui
