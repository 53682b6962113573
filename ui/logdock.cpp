#include "ui/logdock.h"

#include "core/util/log.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QMetaObject>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace synthembed::ui {

LogDock::LogDock(QWidget* parent) : QDockWidget(tr("Log"), parent) {
    setObjectName(QStringLiteral("logDock"));
    auto* w = new QWidget(this);
    auto* layout = new QVBoxLayout(w);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* bar = new QHBoxLayout;
    m_level = new QComboBox(w);
    m_level->addItems({tr("Debug"), tr("Info"), tr("Warning"), tr("Error")});
    m_level->setCurrentIndex(1);
    m_level->setToolTip(tr("Lowest level of messages to show"));
    auto* clear = new QPushButton(tr("Clear"), w);
    bar->addWidget(m_level);
    bar->addStretch();
    bar->addWidget(clear);
    m_text = new QPlainTextEdit(w);
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(5000);
    m_text->setObjectName(QStringLiteral("logText"));
    layout->addLayout(bar);
    layout->addWidget(m_text);
    setWidget(w);
    connect(clear, &QPushButton::clicked, m_text, &QPlainTextEdit::clear);
    connect(m_level, &QComboBox::currentIndexChanged, this,
            [](int i) { log::setMinLevel(static_cast<log::Level>(i)); });
    log::setMinLevel(log::Level::Info);

    QPointer<LogDock> self(this);
    m_sinkId = log::addSink([self](log::Level level, const std::string& msg) {
        QString text = QString::fromStdString(msg);
        int lv = static_cast<int>(level);
        // Sinks run on the logging thread: hop to the GUI thread.
        QMetaObject::invokeMethod(
            qApp, [self, lv, text] { if (self) self->append(lv, text); }, Qt::QueuedConnection);
    });
}

LogDock::~LogDock() { log::removeSink(m_sinkId); }

int LogDock::lineCount() const { return m_text->document()->blockCount() - (m_text->toPlainText().isEmpty() ? 1 : 0); }

void LogDock::append(int level, const QString& message) {
    static const char* colors[] = {"#808080", "#202020", "#b36b00", "#c00000"};
    const char* color = colors[std::clamp(level, 0, 3)];
    QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    m_text->appendHtml(QStringLiteral("<span style=\"color:%1\">%2 %3</span>")
                           .arg(QLatin1String(color), time, message.toHtmlEscaped()));
}

} // namespace synthembed::ui
