#include "ui/areas/area.h"

#include <QLabel>
#include <QVBoxLayout>

namespace synthembed::ui {

PlannedArea::PlannedArea(QString title, QString description, QString planned, QWidget* parent)
    : Area(parent), m_title(std::move(title)), m_description(std::move(description)) {
    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(QStringLiteral("<h2>%1</h2><p>%2</p>").arg(m_title.toHtmlEscaped(),
                                                                          m_description.toHtmlEscaped()), this);
    heading->setWordWrap(true);
    auto* body = new QLabel(planned, this);
    body->setWordWrap(true);
    body->setTextFormat(Qt::RichText);
    body->setObjectName(QStringLiteral("plannedText"));
    layout->addWidget(heading);
    layout->addWidget(body);
    layout->addStretch();
}

} // namespace synthembed::ui
