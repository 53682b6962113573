#include "ui/settingsdialog.h"

#include "ui/errors.h"

#include "ui/gen/connection_tester.h"

#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {
enum Col { Name, Url, Model, KeyEnv, KeyStatus, Rpm, Tpm, ColCount };

// A limit cell: empty = none of its own (0); else a number >= 0 ("1.5" or the locale's "1,5");
// nullopt when it is not one.
std::optional<double> parseLimit(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty()) return 0.0;
    bool ok = false;
    double v = t.toDouble(&ok);
    if (!ok) v = QLocale().toDouble(t, &ok);
    if (!ok || !(v >= 0) || !std::isfinite(v)) return std::nullopt;
    return v;
}

QString limitText(double v) { return v > 0 ? QLocale().toString(v, 'g', 12) : QString(); }
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
                       QString::fromStdString(e.value("api_key_env", "")),
                       e.contains("requests_per_minute") && e["requests_per_minute"].is_number()
                           ? e["requests_per_minute"].get<double>()
                           : 0.0,
                       e.contains("tokens_per_minute") && e["tokens_per_minute"].is_number()
                           ? e["tokens_per_minute"].get<double>()
                           : 0.0});
    }
    return out;
}

void saveEndpoints(const store::Project& project, const QList<EndpointSetting>& endpoints) {
    nlohmann::json j = nlohmann::json::array();
    for (auto& e : endpoints) {
        // Only the variable's name is stored, never the key itself.
        nlohmann::json row = {{"name", e.name.toStdString()},
                              {"base_url", e.baseUrl.toStdString()},
                              {"model", e.model.toStdString()},
                              {"api_key_env", e.apiKeyEnv.toStdString()}};
        if (e.requestsPerMinute > 0) row["requests_per_minute"] = e.requestsPerMinute;
        if (e.tokensPerMinute > 0) row["tokens_per_minute"] = e.tokensPerMinute;
        j.push_back(std::move(row));
    }
    project.setSetting("llm.endpoints", j.dump());
}

SettingsDialog::SettingsDialog(store::Project* project, QWidget* parent) : QDialog(parent), m_project(project) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    resize(920, 460);
    auto* layout = new QVBoxLayout(this);

    auto* epBox = new QGroupBox(tr("LLM endpoints (OpenAI-compatible: OpenAI, vLLM, llama.cpp server, Ollama, LM Studio)"), this);
    auto* epLayout = new QVBoxLayout(epBox);
    auto* note = new QLabel(tr("API keys are never written to the project or the log: give the name of an "
                               "environment variable that holds the key (for example OPENAI_API_KEY). "
                               "Leave it empty for local servers without a key."), epBox);
    note->setWordWrap(true);
    m_endpoints = new QTableWidget(0, ColCount, epBox);
    m_endpoints->setObjectName(QStringLiteral("endpointsTable"));
    m_endpoints->setHorizontalHeaderLabels({tr("Name"), tr("Base URL"), tr("Model"), tr("API key variable"), tr("Key"),
                                            tr("Requests/min"), tr("Tokens/min")});
    m_endpoints->horizontalHeader()->setSectionResizeMode(Url, QHeaderView::Stretch);
    m_endpoints->horizontalHeaderItem(Rpm)->setToolTip(
        tr("This endpoint's own requests per minute (empty = the job's limit)"));
    m_endpoints->horizontalHeaderItem(Tpm)->setToolTip(
        tr("This endpoint's own tokens per minute (empty = the job's limit)"));
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(tr("Add endpoint"), epBox);
    auto* remove = new QPushButton(tr("Remove"), epBox);
    m_test = new QPushButton(tr("Test connection"), epBox);
    m_test->setObjectName(QStringLiteral("settingsTestConnection"));
    m_test->setToolTip(tr("Lists the selected endpoint's models and sends it one tiny request"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addWidget(m_test);
    buttons->addStretch();
    m_testResult = new QLabel(epBox);
    m_testResult->setObjectName(QStringLiteral("settingsTestResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tester = new ConnectionTester(this);
    epLayout->addWidget(note);
    epLayout->addWidget(m_endpoints);
    epLayout->addLayout(buttons);
    epLayout->addWidget(m_testResult);
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
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testSelected);
    connect(m_tester, &ConnectionTester::finished, this, [this](bool ok, const QString& report) {
        m_test->setEnabled(true);
        m_testResult->setStyleSheet(ok ? QString() : QStringLiteral("color:#b02020"));
        m_testResult->setText(report);
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
    m_endpoints->setItem(r, Rpm, new QTableWidgetItem(limitText(e.requestsPerMinute)));
    m_endpoints->setItem(r, Tpm, new QTableWidgetItem(limitText(e.tokensPerMinute)));
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

void SettingsDialog::testSelected() {
    const int r = m_endpoints->currentRow() >= 0 ? m_endpoints->currentRow() : (m_endpoints->rowCount() == 1 ? 0 : -1);
    if (r < 0) {
        m_testResult->setStyleSheet(QString());
        m_testResult->setText(tr("Select the endpoint to test."));
        return;
    }
    auto text = [&](int c) { return m_endpoints->item(r, c) ? m_endpoints->item(r, c)->text().trimmed() : QString(); };
    ConnectionTarget t;
    t.name = text(Name).isEmpty() ? text(Url) : text(Name);
    t.endpoint.baseUrl = text(Url).toStdString();
    t.endpoint.apiKeyEnv = text(KeyEnv).toStdString();
    t.model = text(Model).toStdString();
    if (!m_tester->start({t})) return;
    m_test->setEnabled(false);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Testing %1…").arg(t.name));
}

void SettingsDialog::accept() {
    QList<EndpointSetting> eps;
    for (int r = 0; r < m_endpoints->rowCount(); ++r) {
        auto text = [&](int c) { return m_endpoints->item(r, c) ? m_endpoints->item(r, c)->text().trimmed() : QString(); };
        EndpointSetting e{text(Name), text(Url), text(Model), text(KeyEnv)};
        if (e.baseUrl.isEmpty()) continue;
        const auto rpm = parseLimit(text(Rpm)), tpm = parseLimit(text(Tpm));
        if (!rpm || !tpm) {
            QMessageBox::warning(this, tr("Settings"),
                                 tr("Endpoint \"%1\": requests/min and tokens/min must be empty or a number of 0 or more")
                                     .arg(e.name));
            return;
        }
        e.requestsPerMinute = *rpm;
        e.tokensPerMinute = *tpm;
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
            QMessageBox::critical(this, tr("Settings"), tr("Could not save the settings: %1").arg(formatFailure(ex)));
            return;
        }
    }
    QSettings user;
    user.setValue(QStringLiteral("compute/threads"), m_threads->value());
    user.setValue(QStringLiteral("ui/language"), m_language->currentData().toString());
    QDialog::accept();
}

} // namespace synthembed::ui
