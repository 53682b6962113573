#pragma once
// Settings: LLM endpoints (API keys are never stored: each endpoint names an environment
// variable that holds its key), compute threads, interface language.

#include <QDialog>

class QTableWidget;
class QSpinBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

class ConnectionTester;

struct EndpointSetting {
    QString name, baseUrl, model, apiKeyEnv;
    /// This endpoint's own requests/min and tokens/min limits; 0 = the job's limits apply.
    double requestsPerMinute = 0;
    double tokensPerMinute = 0;
};

/// Endpoints as stored in the project's settings table (key "llm.endpoints", JSON).
QList<EndpointSetting> loadEndpoints(const store::Project& project);
void saveEndpoints(const store::Project& project, const QList<EndpointSetting>& endpoints);

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    /// project may be null (then only per-user settings are editable).
    explicit SettingsDialog(store::Project* project, QWidget* parent = nullptr);
    void accept() override;

private:
    void addEndpointRow(const EndpointSetting& e);
    void refreshKeyStatus();
    void testSelected();
    store::Project* m_project;
    ConnectionTester* m_tester;
    QPushButton* m_test;
    QLabel* m_testResult;
    QTableWidget* m_endpoints;
    QSpinBox* m_threads;
    QComboBox* m_language;
};

} // namespace synthembed::ui
