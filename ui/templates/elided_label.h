#pragma once
// A one-line label that shrinks with its layout and elides its text in the middle instead of
// clipping it; the full text is its tooltip.

#include <QLabel>

namespace synthembed::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setFullText(const QString& text);
    QString fullText() const { return m_full; }
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* e) override;

private:
    void updateElided();
    QString m_full;
};

} // namespace synthembed::ui
