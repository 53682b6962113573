#pragma once
// A dock that shows core's log messages; messages from worker threads arrive queued.

#include <QDockWidget>

class QPlainTextEdit;
class QComboBox;

namespace synthembed::ui {

class LogDock : public QDockWidget {
    Q_OBJECT
public:
    explicit LogDock(QWidget* parent = nullptr);
    ~LogDock() override;
    /// Number of lines shown (for tests).
    int lineCount() const;

public Q_SLOTS:
    void append(int level, const QString& message);

private:
    QPlainTextEdit* m_text;
    QComboBox* m_level;
    int m_sinkId = 0;
};

} // namespace synthembed::ui
