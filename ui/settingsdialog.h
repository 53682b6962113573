#pragma once
// Settings: LLM endpoints (API keys are never stored: each endpoint names an environment
// variable that holds its key), compute threads, interface language.

#include <QDialog>

class QTableWidget;
class QSpinBox;
class QComboBox;

namespace synthembed::store {
class Project;
}

namespace synthembed::ui {

struct EndpointSetting {
    QString name, baseUrl, model, apiKeyEnv;
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
    store::Project* m_project;
    QTableWidget* m_endpoints;
    QSpinBox* m_threads;
    QComboBox* m_language;
};

} // namespace synthembed::ui
