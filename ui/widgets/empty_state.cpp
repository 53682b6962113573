#include "ui/widgets/empty_state.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace synthembed::ui {

EmptyState::EmptyState(QWidget* covered, const QString& objectName) : QFrame(covered), m_covered(covered) {
    setObjectName(objectName);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    auto* root = new QVBoxLayout(this);
    root->addStretch(1);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("emptyStateTitle"));
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText);
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(f);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("emptyStateText"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // No alignment flags on the labels: a word-wrapped label placed by alignment gets its size
    // hint's width but the height of another, and loses lines. The text column's width comes
    // from the side margins instead (fitMargins).
    root->addWidget(m_title);
    root->addWidget(m_text);
    m_buttons = new QHBoxLayout;
    m_buttons->addStretch(1);
    m_buttons->addStretch(1);
    root->addSpacing(8);
    root->addLayout(m_buttons);
    root->addStretch(2);
    covered->installEventFilter(this);
    setGeometry(covered->rect());
    hide();
}

void EmptyState::fitMargins() {
    // A column of at most kTextWidth pixels in the middle.
    constexpr int kTextWidth = 560;
    const int side = std::max(12, (width() - kTextWidth) / 2);
    layout()->setContentsMargins(side, 12, side, 12);
}

void EmptyState::resizeEvent(QResizeEvent* event) {
    fitMargins();
    QFrame::resizeEvent(event);
}

void EmptyState::setMessage(const QString& title, const QString& text) {
    m_title->setText(title);
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
}

QString EmptyState::title() const { return m_title->text(); }
QString EmptyState::text() const { return m_text->text(); }

QPushButton* EmptyState::addButton(const QString& text, const std::function<void()>& onClick, const QString& objectName) {
    auto* b = new QPushButton(text, this);
    if (!objectName.isEmpty()) b->setObjectName(objectName);
    connect(b, &QPushButton::clicked, this, [onClick] { onClick(); });
    m_buttons->insertWidget(m_buttons->count() - 1, b);
    return b;
}

void EmptyState::clearButtons() {
    for (auto* b : findChildren<QPushButton*>(QString(), Qt::FindDirectChildrenOnly)) delete b;
}

void EmptyState::setShown(bool shown) {
    if (shown) {
        setGeometry(m_covered->rect());
        raise();
    }
    setVisible(shown);
}

bool EmptyState::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_covered && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        setGeometry(m_covered->rect());
    return QFrame::eventFilter(watched, event);
}

} // namespace synthembed::ui
