#pragma once
// The Templates area's History tab: a template's stored versions (newest first, with the lines
// each one changed) and the diff of the selected version against the one before, or of two
// selected versions; "Open in editor" hands a version's text to the editor.

#include <QSplitter>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTreeWidget;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class HistoryPanel : public QSplitter {
    Q_OBJECT
public:
    explicit HistoryPanel(QWidget* parent = nullptr);

    /// Lists the versions of template `name` of `project` (null or empty: none) and selects the
    /// newest.
    void showTemplate(store::Project* project, const QString& name);
    void clear();
    /// The newest version listed (0: none).
    int latestVersion() const { return m_latest; }

Q_SIGNALS:
    /// "Open in editor" on one selected version.
    void openVersion(int version, const QString& text);

private:
    void updateDiff();
    void openSelected();

    QTreeWidget* m_versions = nullptr;
    QTextBrowser* m_diff = nullptr;
    QLabel* m_diffLabel = nullptr;
    QPushButton* m_open = nullptr;

    store::Project* m_project = nullptr;
    QString m_name;
    int m_latest = 0;
};

} // namespace synthembed::ui
