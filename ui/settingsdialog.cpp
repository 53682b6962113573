#include "ui/settingsdialog.h"

#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {
enum Col { Name, Url, Model, KeyEnv, KeyStatus, ColCount };
}

QList<EndpointSetting> loadEndpoints(const store::Project& project) {
    QList<EndpointSetting> out;
    auto raw = project.setting("llm.endpoints");
    if (!raw) return out;
    auto j = nlohmann::json::parse(*raw, nullptr, false);
    if (!j.is_array()) return out;
    for (auto& e : j) {
        out.push_back({QString::fromStdString(e.value("name", "")), QString::fromStdString(e.value("base_url", "")),
                       QString::fromStdString(e.value("model", "")),
                       QString::fromStdString(e.value("api_key_env", ""))});
    }
    return out;
}

void saveEndpoints(const store::Project& project, const QList<EndpointSetting>& endpoints) {
    nlohmann::json j = nlohmann::json::array();
    for (auto& e : endpoints) {
        // Only the variable's name is stored, never the key itself.
        j.push_back({{"name", e.name.toStdString()},
                     {"base_url", e.baseUrl.toStdString()},
                     {"model", e.model.toStdString()},
                     {"api_key_env", e.apiKeyEnv.toStdString()}});
    }
    project.setSetting("llm.endpoints", j.dump());
}

SettingsDialog::SettingsDialog(store::Project* project, QWidget* parent) : QDialog(parent), m_project(project) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    resize(760, 420);
    auto* layout = new QVBoxLayout(this);

    auto* epBox = new QGroupBox(tr("LLM endpoints (OpenAI-compatible: OpenAI, vLLM, llama.cpp server, Ollama, LM Studio)"), this);
    auto* epLayout = new QVBoxLayout(epBox);
    auto* note = new QLabel(tr("API keys are never written to the project or the log: give the name of an "
                               "environment variable that holds the key (for example OPENAI_API_KEY). "
                               "Leave it empty for local servers without a key."), epBox);
    note->setWordWrap(true);
    m_endpoints = new QTableWidget(0, ColCount, epBox);
    m_endpoints->setObjectName(QStringLiteral("endpointsTable"));
    m_endpoints->setHorizontalHeaderLabels({tr("Name"), tr("Base URL"), tr("Model"), tr("API key variable"), tr("Key")});
    m_endpoints->horizontalHeader()->setSectionResizeMode(Url, QHeaderView::Stretch);
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add endpoint"), epBox);
    auto* remove = new QPushButton(tr("Remove"), epBox);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    epLayout->addWidget(note);
    epLayout->addWidget(m_endpoints);
    epLayout->addLayout(buttons);
    epBox->setEnabled(project != nullptr);
    layout->addWidget(epBox);

    auto* general = new QGroupBox(tr("General"), this);
    auto* form = new QFormLayout(general);
    QSettings user;
    m_threads = new QSpinBox(general);
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(user.value(QStringLiteral("compute/threads"), 0).toInt());
    form->addRow(tr("Compute threads:"), m_threads);
    m_language = new QComboBox(general);
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(user.value(QStringLiteral("ui/language")).toString())));
    form->addRow(tr("Interface language (after restart):"), m_language);
    layout->addWidget(general);

    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(box);
    connect(box, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] {
        addEndpointRow({QStringLiteral("local"), QStringLiteral("http://127.0.0.1:8000/v1"), QString(), QString()});
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_endpoints->currentRow() >= 0) m_endpoints->removeRow(m_endpoints->currentRow());
    });
    connect(m_endpoints, &QTableWidget::cellChanged, this, [this](int, int col) {
        if (col == KeyEnv) refreshKeyStatus();
    });

    if (project)
        for (auto& e : loadEndpoints(*project)) addEndpointRow(e);
}

void SettingsDialog::addEndpointRow(const EndpointSetting& e) {
    QSignalBlocker block(m_endpoints);
    int r = m_endpoints->rowCount();
    m_endpoints->insertRow(r);
    m_endpoints->setItem(r, Name, new QTableWidgetItem(e.name));
    m_endpoints->setItem(r, Url, new QTableWidgetItem(e.baseUrl));
    m_endpoints->setItem(r, Model, new QTableWidgetItem(e.model));
    m_endpoints->setItem(r, KeyEnv, new QTableWidgetItem(e.apiKeyEnv));
    auto* status = new QTableWidgetItem;
    status->setFlags(Qt::ItemIsEnabled);
    m_endpoints->setItem(r, KeyStatus, status);
    block.unblock();
    refreshKeyStatus();
}

void SettingsDialog::refreshKeyStatus() {
    QSignalBlocker block(m_endpoints);
    for (int r = 0; r < m_endpoints->rowCount(); ++r) {
        auto var = m_endpoints->item(r, KeyEnv) ? m_endpoints->item(r, KeyEnv)->text().trimmed() : QString();
        QString status = var.isEmpty()                   ? tr("none")
                         : qEnvironmentVariableIsSet(var.toLocal8Bit().constData()) ? tr("set")
                                                                                      : tr("not set");
        if (auto* item = m_endpoints->item(r, KeyStatus)) item->setText(status);
    }
}

void SettingsDialog::accept() {
    QList<EndpointSetting> eps;
    for (int r = 0; r < m_endpoints->rowCount(); ++r) {
        auto text = [&](int c) { return m_endpoints->item(r, c) ? m_endpoints->item(r, c)->text().trimmed() : QString(); };
        EndpointSetting e{text(Name), text(Url), text(Model), text(KeyEnv)};
        if (e.baseUrl.isEmpty()) continue;
        if (!e.baseUrl.startsWith(QLatin1String("http://")) && !e.baseUrl.startsWith(QLatin1String("https://"))) {
            QMessageBox::warning(this, tr("Settings"), tr("Endpoint \"%1\": the base URL must start with http:// or https://").arg(e.name));
            return;
        }
        eps.push_back(e);
    }
    if (m_project) {
        try {
            saveEndpoints(*m_project, eps);
        } catch (const std::exception& ex) {
            QMessageBox::critical(this, tr("Settings"), tr("Could not save the settings: %1").arg(QString::fromUtf8(ex.what())));
            return;
        }
    }
    QSettings user;
    user.setValue(QStringLiteral("compute/threads"), m_threads->value());
    user.setValue(QStringLiteral("ui/language"), m_language->currentData().toString());
    QDialog::accept();
}

} // namespace synthembed::ui
