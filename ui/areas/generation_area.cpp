#include "ui/areas/generation_area.h"

#include "ui/errors.h"

#include "ui/gen/connection_tester.h"
#include "ui/gen/job_table_model.h"
#include "ui/gen/job_worker.h"
#include "ui/gen/progress_delegate.h"
#include "ui/widgets/empty_state.h"

#include "core/gen/estimate.h"
#include "core/prompts/coverage.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/template.h"
#include "core/store/project.h"
#include "core/util/log.h"
#include "core/util/paths.h"

#include <QComboBox>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QAbstractItemView>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>
#include <QFontMetrics>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace synthembed::ui {

namespace {
constexpr int kAllEndpoints = -1;
constexpr int kRefreshMs = 1000;

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
} // namespace

GenerationArea::GenerationArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("generationArea"));
    // Each job is one thread running curl's event loop; a few jobs at once is plenty.
    m_pool.setMaxThreadCount(4);
    buildUi();
    m_refresh = new QTimer(this);
    m_refresh->setInterval(kRefreshMs);
    connect(m_refresh, &QTimer::timeout, this, &GenerationArea::refreshJobs);
    m_estimateTimer = new QTimer(this);
    m_estimateTimer->setSingleShot(true);
    m_estimateTimer->setInterval(150);
    connect(m_estimateTimer, &QTimer::timeout, this, &GenerationArea::updateEstimate);
    setProject(nullptr);
}

GenerationArea::~GenerationArea() { stopAll(); }

void GenerationArea::buildUi() {
    auto* root = new QVBoxLayout(this);
    auto* split = new QSplitter(Qt::Vertical, this);
    root->addWidget(split);

    // ---- job builder ----
    auto* builder = new QGroupBox(tr("New job"), split);
    auto* bl = new QHBoxLayout(builder);

    auto* famBox = new QVBoxLayout;
    famBox->addWidget(new QLabel(tr("Families and their mix (weights):"), builder));
    m_families = new QTableWidget(0, 2, builder);
    m_families->setObjectName(QStringLiteral("jobFamilies"));
    m_families->setHorizontalHeaderLabels({tr("Family"), tr("Weight")});
    m_families->verticalHeader()->hide();
    m_families->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_families->setSelectionMode(QAbstractItemView::NoSelection);
    for (const char* fam : prompts::kFamilies) {
        int row = m_families->rowCount();
        m_families->insertRow(row);
        auto* item = new QTableWidgetItem(QString::fromLatin1(fam));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
        m_families->setItem(row, 0, item);
        auto* w = new QDoubleSpinBox(m_families);
        w->setRange(0.01, 1000);
        w->setValue(1.0);
        w->setDecimals(2);
        m_families->setCellWidget(row, 1, w);
        connect(w, &QDoubleSpinBox::valueChanged, this, &GenerationArea::scheduleEstimate);
    }
    connect(m_families, &QTableWidget::itemChanged, this, &GenerationArea::scheduleEstimate);
    // Wide enough for the family names whatever the label above it (short in Chinese) leaves.
    int nameWidth = 0;
    for (const char* fam : prompts::kFamilies)
        nameWidth = std::max(nameWidth, m_families->fontMetrics().horizontalAdvance(QString::fromLatin1(fam)));
    const int spinWidth = m_families->rowCount() ? m_families->cellWidget(0, 1)->sizeHint().width() : 0;
    m_families->setMinimumWidth(nameWidth + spinWidth + 56);
    famBox->addWidget(m_families);
    bl->addLayout(famBox, 0);

    auto* form = new QFormLayout;
    m_name = new QLineEdit(builder);
    m_name->setObjectName(QStringLiteral("jobName"));
    m_name->setPlaceholderText(tr("optional"));
    form->addRow(tr("Name"), m_name);
    m_count = new QSpinBox(builder);
    m_count->setObjectName(QStringLiteral("jobCount"));
    m_count->setRange(1, 100'000'000);
    m_count->setValue(1000);
    m_count->setGroupSeparatorShown(true);
    m_count->setToolTip(tr("Exact number of accepted samples the job ends with"));
    form->addRow(tr("Samples"), m_count);
    m_seed = new QSpinBox(builder);
    m_seed->setObjectName(QStringLiteral("jobSeed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    form->addRow(tr("Seed"), m_seed);
    m_endpoint = new QComboBox(builder);
    m_endpoint->setObjectName(QStringLiteral("jobEndpoint"));
    m_endpoint->setEditable(true);
    m_endpoint->setToolTip(tr("An endpoint configured in Settings, or a base URL typed here (no API key)"));
    // The tooltip also holds the whole entry (a long URL may not fit the box).
    connect(m_endpoint, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        const QString about = tr("An endpoint configured in Settings, or a base URL typed here (no API key)");
        m_endpoint->setToolTip(text.isEmpty() ? about : text + QLatin1Char('\n') + about);
    });
    m_endpoint->setMinimumContentsLength(18);
    m_testConnection = new QPushButton(tr("Test"), builder);
    m_testConnection->setObjectName(QStringLiteral("testConnectionButton"));
    m_testConnection->setToolTip(tr("Test connection: lists the endpoint's models and sends it one tiny request "
                                    "(each endpoint when all are chosen)"));
    // The box has the field's whole width (its entries name an endpoint and its URL); Test sits
    // beside the connection result below.
    form->addRow(tr("Endpoint"), m_endpoint);
    // Three lines, always there (a box that grows when a result arrives would squeeze the form in
    // its splitter pane and cut the text); a longer report scrolls.
    m_connectionResult = new QTextBrowser(builder);
    m_connectionResult->setObjectName(QStringLiteral("connectionResult"));
    m_connectionResult->setFrameShape(QFrame::NoFrame);
    m_connectionResult->viewport()->setAutoFillBackground(false);
    m_connectionResult->setPlaceholderText(tr("Connection not tested yet"));
    m_connectionResult->setFixedHeight(m_connectionResult->fontMetrics().lineSpacing() * 3 +
                                       2 * static_cast<int>(m_connectionResult->document()->documentMargin()) + 2);
    auto* testRow = new QHBoxLayout;
    testRow->setContentsMargins(0, 0, 0, 0);
    testRow->addWidget(m_connectionResult, 1);
    testRow->addWidget(m_testConnection, 0, Qt::AlignTop);
    form->addRow(testRow);
    m_tester = new ConnectionTester(this);
    m_model = new QLineEdit(builder);
    m_model->setObjectName(QStringLiteral("jobModel"));
    form->addRow(tr("Model"), m_model);
    m_concurrency = new QSpinBox(builder);
    m_concurrency->setObjectName(QStringLiteral("jobConcurrency"));
    m_concurrency->setRange(1, 1024);
    m_concurrency->setValue(8);
    form->addRow(tr("Concurrency"), m_concurrency);
    m_rpm = new QSpinBox(builder);
    m_rpm->setObjectName(QStringLiteral("jobRpm"));
    m_rpm->setRange(0, 10'000'000);
    m_rpm->setSpecialValueText(tr("unlimited"));
    m_rpm->setToolTip(tr("Per endpoint; an endpoint's own limit in Settings takes precedence"));
    form->addRow(tr("Requests/min"), m_rpm);
    m_tpm = new QSpinBox(builder);
    m_tpm->setObjectName(QStringLiteral("jobTpm"));
    m_tpm->setRange(0, 1'000'000'000);
    m_tpm->setSpecialValueText(tr("unlimited"));
    m_tpm->setGroupSeparatorShown(true);
    m_tpm->setToolTip(tr("Per endpoint; an endpoint's own limit in Settings takes precedence"));
    form->addRow(tr("Tokens/min"), m_tpm);
    m_maxTokens = new QSpinBox(builder);
    m_maxTokens->setObjectName(QStringLiteral("jobMaxTokens"));
    m_maxTokens->setRange(0, 1'000'000);
    m_maxTokens->setSpecialValueText(tr("server default"));
    form->addRow(tr("Max tokens"), m_maxTokens);
    m_launch = new QPushButton(tr("Launch"), builder);
    m_launch->setObjectName(QStringLiteral("launchButton"));
    form->addRow(QString(), m_launch);
    bl->addLayout(form, 1);

    m_estimate = new QTextBrowser(builder);
    m_estimate->setObjectName(QStringLiteral("estimateView"));
    // Words are never broken (Qt's default for text views breaks them anywhere when a table column
    // is narrow); what does not fit scrolls sideways.
    m_estimate->setWordWrapMode(QTextOption::WordWrap);
    m_estimate->setMinimumWidth(360);
    bl->addWidget(m_estimate, 3); // extra width goes mostly to the estimate tables

    for (auto* s : {m_count, m_seed, m_concurrency})
        connect(s, &QSpinBox::valueChanged, this, &GenerationArea::scheduleEstimate);
    connect(m_model, &QLineEdit::textChanged, this, &GenerationArea::scheduleEstimate);
    connect(m_endpoint, &QComboBox::activated, this, &GenerationArea::endpointChosen);
    connect(m_launch, &QPushButton::clicked, this, [this] { launch(); });
    connect(m_testConnection, &QPushButton::clicked, this, [this] { testConnection(); });
    connect(m_tester, &ConnectionTester::finished, this, [this](bool ok, const QString& report) {
        m_testConnection->setEnabled(true);
        m_connectionResult->setStyleSheet(ok ? QStringLiteral("color:#207030") : QStringLiteral("color:#b02020"));
        m_connectionResult->setPlainText(report);
        Q_EMIT statusMessage(ok ? tr("Connection test passed") : tr("Connection test failed"));
    });

    // ---- job table ----
    auto* jobs = new QWidget(split);
    auto* jl = new QVBoxLayout(jobs);
    jl->setContentsMargins(0, 0, 0, 0);
    m_jobModel = new JobTableModel(this);
    m_jobModel->setLiveProvider([this](qint64 id) -> std::optional<gen::LiveStats> {
        auto* w = m_workers.value(id);
        return w ? w->live() : std::nullopt;
    });
    m_jobView = new QTableView(jobs);
    m_jobView->setObjectName(QStringLiteral("jobTable"));
    m_empty = new EmptyState(m_jobView, QStringLiteral("generationEmptyState"));
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_jobModel, signal, this, &GenerationArea::updateEmptyState);
    connect(m_jobModel, &QAbstractItemModel::modelReset, this, &GenerationArea::updateEmptyState);
    m_jobView->setModel(m_jobModel);
    m_jobView->setItemDelegateForColumn(JobTableModel::Progress,
                                        new ProgressDelegate(JobTableModel::PercentRole, m_jobView));
    m_jobView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_jobView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_jobView->verticalHeader()->hide();
    m_jobView->horizontalHeader()->setStretchLastSection(true);
    // One line per cell: a long cell (an error, token counts in German) is elided in the middle, its
    // whole text in the tooltip, instead of wrapping into a row too short to show it.
    m_jobView->setWordWrap(false);
    m_jobView->setTextElideMode(Qt::ElideMiddle);
    // In flight is wide enough for "3 (70 retries) — Couldn't connect to server".
    const int widths[JobTableModel::ColumnCount] = {36, 150, 80, 140, 70, 70, 100, 220, 170, 250, 70, 110, 200};
    // At least as wide as the (translated) header text.
    const QFontMetrics headerMetrics(m_jobView->horizontalHeader()->font());
    for (int c = 0; c < JobTableModel::ColumnCount; ++c) {
        const QString header = m_jobModel->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        m_jobView->setColumnWidth(c, std::max(widths[c], headerMetrics.horizontalAdvance(header) + 24));
    }
    jl->addWidget(m_jobView);
    auto* buttons = new QHBoxLayout;
    m_pause = new QPushButton(tr("Pause"), jobs);
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_resume = new QPushButton(tr("Resume"), jobs);
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_cancel = new QPushButton(tr("Cancel"), jobs);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_jobDetail = new QLabel(jobs);
    m_jobDetail->setObjectName(QStringLiteral("jobDetail"));
    m_jobDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_jobDetail->setWordWrap(true);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_jobDetail, 1);
    jl->addLayout(buttons);
    m_jobView->setToolTip(tr("Double-click a job to see its samples"));
    connect(m_jobView, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const auto* j = m_jobModel->job(index.row())) Q_EMIT samplesOfJobRequested(j->id);
    });
    connect(m_pause, &QPushButton::clicked, this, [this] { pauseJob(selectedJob()); });
    connect(m_resume, &QPushButton::clicked, this, [this] { resumeJob(selectedJob()); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { cancelJob(selectedJob()); });
    connect(m_jobView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &GenerationArea::updateButtons);
    connect(m_jobModel, &QAbstractItemModel::dataChanged, this, &GenerationArea::updateButtons);
    connect(m_jobModel, &QAbstractItemModel::modelReset, this, &GenerationArea::updateButtons);

    split->addWidget(builder);
    split->addWidget(jobs);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
}

void GenerationArea::setProject(store::Project* project) {
    if (project != m_project) stopAll();
    Area::setProject(project);
    m_jobModel->setProject(project);
    m_launch->setEnabled(project != nullptr);
    reloadEndpoints();
    reloadLibrary();
    if (project)
        m_refresh->start();
    else
        m_refresh->stop();
    scheduleEstimate();
    updateButtons();
}

void GenerationArea::projectDataChanged(const ProjectChange& change) {
    if (!m_project) return;
    if (change.touches("jobs")) refreshJobs();
    if (!isVisible()) return; // showEvent re-reads endpoints and templates
    if (change.touches("settings")) reloadEndpoints();
    if (change.touches("templates") || change.touches("pools") || change.touches("pool_values")) reloadLibrary();
    if (change.touches("settings") || change.touches("templates") || change.touches("pools")) scheduleEstimate();
}

void GenerationArea::showEvent(QShowEvent* event) {
    Area::showEvent(event);
    // Settings may have changed the endpoints, the Templates area the templates.
    reloadEndpoints();
    reloadLibrary();
    scheduleEstimate();
}

void GenerationArea::reloadLibrary() {
    // What a job launched now would use: the project's latest stored templates and pools, or the
    // shipped ones when the project has none.
    m_library.reset();
    Result<prompts::Library> lib = Error{"empty", ""};
    if (m_project) {
        lib = prompts::PromptStore(*m_project).loadLatest();
        if (lib && lib->templates.empty()) lib = Error{"empty", ""};
    }
    if (!lib) lib = prompts::loadLibrary(paths::shippedPromptsDir());
    if (lib)
        m_library = std::move(*lib);
    else
        log::warn("generation: no prompt templates for estimates: ", failureLine(lib.error()));
}

void GenerationArea::reloadEndpoints() {
    const QString typed = m_endpoint->currentText();
    m_endpointList = m_project ? loadEndpoints(*m_project) : QList<EndpointSetting>{};
    m_endpoint->clear();
    for (int i = 0; i < m_endpointList.size(); ++i) {
        const auto& e = m_endpointList[i];
        m_endpoint->addItem(e.name.isEmpty() ? e.baseUrl : tr("%1 — %2").arg(e.name, e.baseUrl), i);
    }
    if (m_endpointList.size() > 1)
        m_endpoint->addItem(tr("All %1 endpoints").arg(m_endpointList.size()), kAllEndpoints);
    // The list shows every entry whole (wider than the box when it must), each also as its tooltip.
    int widest = 0;
    for (int i = 0; i < m_endpoint->count(); ++i) {
        m_endpoint->setItemData(i,
                                m_endpoint->itemData(i).toInt() == kAllEndpoints
                                    ? tr("All %1 endpoints: each request goes to the one with the most free capacity")
                                          .arg(m_endpointList.size())
                                    : m_endpoint->itemText(i),
                                Qt::ToolTipRole);
        widest = std::max(widest, m_endpoint->view()->sizeHintForIndex(m_endpoint->model()->index(i, 0)).width());
    }
    m_endpoint->view()->setTextElideMode(Qt::ElideNone);
    // The box is as wide as its longest entry (up to about 48 characters: a longer one shows whole in
    // the list and the box's tooltip), taking the room from the estimate beside it.
    int textWidest = 0;
    for (int i = 0; i < m_endpoint->count(); ++i)
        textWidest = std::max(textWidest, m_endpoint->fontMetrics().horizontalAdvance(m_endpoint->itemText(i)));
    QStyleOptionComboBox opt;
    opt.initFrom(m_endpoint);
    opt.editable = true;
    const int chrome = m_endpoint->style()->sizeFromContents(QStyle::CT_ComboBox, &opt, QSize(0, 0), m_endpoint).width() + 12;
    m_endpoint->setMinimumWidth(std::min(textWidest, m_endpoint->fontMetrics().averageCharWidth() * 48) + chrome);
    m_endpoint->view()->setMinimumWidth(widest + 2 * m_endpoint->view()->frameWidth() +
                                        m_endpoint->style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 8);
    int idx = m_endpoint->findText(typed);
    if (idx >= 0) {
        m_endpoint->setCurrentIndex(idx);
    } else if (!typed.isEmpty() && !typed.startsWith(QLatin1String("http")) ) {
        m_endpoint->setCurrentIndex(m_endpointList.isEmpty() ? -1 : 0);
    } else if (!typed.isEmpty()) {
        m_endpoint->setEditText(typed);
    } else if (!m_endpointList.isEmpty()) {
        m_endpoint->setCurrentIndex(0);
    }
    if (m_endpointList.isEmpty())
        m_endpoint->lineEdit()->setPlaceholderText(tr("configure endpoints in Settings, or type a base URL"));
    if (m_model->text().isEmpty() && m_endpoint->currentIndex() >= 0) endpointChosen(m_endpoint->currentIndex());
    updateEmptyState();
}

void GenerationArea::updateEmptyState() {
    if (!m_project || m_jobModel->rowCount() > 0) {
        m_empty->setShown(false);
        return;
    }
    m_empty->clearButtons();
    if (m_endpointList.isEmpty()) {
        m_empty->setMessage(tr("No generation jobs yet."),
                            tr("Jobs send prompts to an OpenAI-compatible endpoint (vLLM, llama.cpp's server, "
                               "OpenAI, ...). Add one in Settings, or type its base URL in the Endpoint field "
                               "above, then press Launch."));
        m_empty->addButton(tr("Settings..."), [this] { Q_EMIT settingsRequested(); },
                           QStringLiteral("generationOpenSettings"));
    } else {
        m_empty->setMessage(tr("No generation jobs yet."),
                            tr("Choose the families, their mix and the number of samples above, then press "
                               "Launch. The samples appear in Samples as they arrive."));
        m_empty->addButton(tr("Launch"), [this] { launch(); }, QStringLiteral("generationEmptyLaunch"));
    }
    m_empty->addButton(tr("Edit templates"), [this] { Q_EMIT areaRequested(QStringLiteral("templatesArea")); },
                       QStringLiteral("generationGoToTemplates"));
    m_empty->setShown(true);
}

void GenerationArea::endpointChosen(int index) {
    int which = m_endpoint->itemData(index).isValid() ? m_endpoint->itemData(index).toInt() : -2;
    if (which >= 0 && which < m_endpointList.size() && !m_endpointList[which].model.isEmpty())
        m_model->setText(m_endpointList[which].model);
    else if (which == kAllEndpoints && !m_endpointList.isEmpty() && m_model->text().isEmpty())
        m_model->setText(m_endpointList.front().model);
    scheduleEstimate();
}

std::optional<gen::JobSpec> GenerationArea::currentSpec(QString* error) const {
    auto fail = [&](const QString& m) -> std::optional<gen::JobSpec> {
        if (error) *error = m;
        return std::nullopt;
    };
    gen::JobSpec spec;
    spec.name = m_name->text().trimmed().toStdString();
    for (int r = 0; r < m_families->rowCount(); ++r) {
        auto* item = m_families->item(r, 0);
        if (item->checkState() != Qt::Checked) continue;
        auto* w = qobject_cast<QDoubleSpinBox*>(m_families->cellWidget(r, 1));
        spec.families.emplace_back(item->text().toStdString(), w ? w->value() : 1.0);
    }
    if (spec.families.empty()) return fail(tr("Pick at least one family."));
    if (spec.name.empty()) {
        // A readable default: the families (or how many) and the count.
        QStringList fams;
        for (auto& [f, w] : spec.families) fams << QString::fromStdString(f);
        spec.name = (fams.size() <= 2 ? fams.join(QLatin1Char('+')) : tr("%1 families").arg(fams.size())).toStdString() +
                    " x" + std::to_string(m_count->value());
    }
    spec.target = m_count->value();
    spec.seed = static_cast<std::uint64_t>(m_seed->value());
    // The typed text wins when it is not one of the listed endpoints.
    const QString text = m_endpoint->currentText().trimmed();
    const int idx = m_endpoint->findText(text);
    if (idx >= 0) {
        int which = m_endpoint->itemData(idx).toInt();
        for (int i = 0; i < m_endpointList.size(); ++i) {
            if (which != kAllEndpoints && which != i) continue;
            const auto& e = m_endpointList[i];
            llm::Endpoint ep{e.baseUrl.toStdString(), e.apiKeyEnv.toStdString(), 0};
            // Its own limits from Settings; none = the job's limits below.
            if (e.requestsPerMinute > 0) ep.requestsPerMinute = e.requestsPerMinute;
            if (e.tokensPerMinute > 0) ep.tokensPerMinute = e.tokensPerMinute;
            spec.client.endpoints.push_back(std::move(ep));
        }
    } else if (!text.isEmpty()) {
        spec.client.endpoints.push_back({text.toStdString(), std::string(), 0});
    }
    if (spec.client.endpoints.empty()) return fail(tr("Pick an endpoint (configure them in Settings)."));
    spec.client.model = m_model->text().trimmed().toStdString();
    spec.client.concurrency = m_concurrency->value();
    spec.client.requestsPerMinute = m_rpm->value();
    spec.client.tokensPerMinute = m_tpm->value();
    spec.client.maxTokens = m_maxTokens->value();
    // Closing the window pauses running jobs: do not hold it up for long on a slow server.
    spec.client.drainTimeoutMs = 5000;
    if (auto st = gen::validateSpec(spec); !st) return fail(formatFailure(st.error()));
    return spec;
}

void GenerationArea::scheduleEstimate() {
    if (m_estimateTimer) m_estimateTimer->start();
}

void GenerationArea::updateEstimate() {
    if (!m_library) {
        m_estimate->setHtml(tr("<p>No prompt templates found; estimates are unavailable.</p>"));
        return;
    }
    QString err;
    auto spec = currentSpec(&err);
    if (!spec) {
        // Estimates need only the families and count; show them even without an endpoint.
        gen::JobSpec partial;
        for (int r = 0; r < m_families->rowCount(); ++r) {
            auto* item = m_families->item(r, 0);
            if (item->checkState() != Qt::Checked) continue;
            auto* w = qobject_cast<QDoubleSpinBox*>(m_families->cellWidget(r, 1));
            partial.families.emplace_back(item->text().toStdString(), w ? w->value() : 1.0);
        }
        partial.target = m_count->value();
        partial.seed = static_cast<std::uint64_t>(m_seed->value());
        partial.client.model = m_model->text().trimmed().toStdString();
        if (partial.families.empty()) {
            m_estimate->setHtml(QStringLiteral("<p>%1</p>").arg(err.toHtmlEscaped()));
            return;
        }
        spec = partial;
    }
    auto est = gen::estimateJob(*spec, *m_library, m_project);
    if (!est) {
        m_estimate->setHtml(QStringLiteral("<p>%1</p>").arg(formatFailure(est.error()).toHtmlEscaped()));
        return;
    }
    const QLocale loc;
    QString html;
    if (!err.isEmpty()) html += QStringLiteral("<p style='color:#b05000'>%1</p>").arg(err.toHtmlEscaped());
    html += QStringLiteral("<b>%1</b>").arg(tr("Estimate before launch"));
    auto compact = [&](std::int64_t n) {
        if (n >= 1'000'000) return tr("%1M").arg(loc.toString(static_cast<double>(n) / 1e6, 'f', 1));
        if (n >= 10'000) return tr("%1k").arg(loc.toString(static_cast<double>(n) / 1e3, 'f', 0));
        return loc.toString(n);
    };
    // Two header rows keep the columns narrow (Requests: generate / brainstorm, Tokens: in / out);
    // cells never wrap, and the view's word-wrap mode never breaks a word: a table wider than the
    // view scrolls sideways instead.
    html += QStringLiteral("<table cellspacing=0 cellpadding=2 width='100%' style='white-space:nowrap'>"
                           "<tr><th rowspan=2 align=left valign=bottom>%1</th><th rowspan=2 align=right valign=bottom>%2</th>"
                           "<th colspan=2 align=center>%3</th><th colspan=2 align=center>%4</th></tr>"
                           "<tr><th align=right>%5</th><th align=right>%6</th><th align=right>%7</th><th align=right>%8</th></tr>")
                .arg(tr("Family"), tr("Samples"), tr("Requests"), tr("Tokens"), tr("Generate"), tr("Brainstorm"),
                     tr("in", "estimate table: prompt tokens sent"), tr("out", "estimate table: completion tokens received"));
    for (auto& f : est->families) {
        html += QStringLiteral("<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td><td align=right>%4</td>"
                               "<td align=right>%5</td><td align=right>%6</td></tr>")
                    .arg(esc(f.family), loc.toString(f.target), loc.toString(f.generateRequests),
                         f.twoStep ? loc.toString(f.brainstormRequests) : QStringLiteral("—"),
                         compact(f.usage.promptTokens), compact(f.usage.completionTokens));
    }
    html += QStringLiteral("<tr><td><b>%1</b></td><td align=right><b>%2</b></td><td colspan=2 align=right><b>%3</b></td>"
                           "<td align=right><b>%4</b></td><td align=right><b>%5</b></td></tr></table>")
                .arg(tr("Total"), loc.toString(spec->target), tr("%1 requests").arg(loc.toString(est->requests)),
                     compact(est->usage.promptTokens), compact(est->usage.completionTokens));
    html += QStringLiteral("<p>%1</p>")
                .arg(est->costUsd ? tr("Estimated cost: <b>$%1</b>").arg(*est->costUsd, 0, 'f', 2)
                                  : tr("No price for this model (add one under settings key llm.prices)."));
    {
        // The prompt engine's coverage of the plan: distinct placeholder combinations and the
        // language mix, over at most kCoveragePrompts rendered prompts (rendering is cheap but not free).
        constexpr std::uint64_t kCoveragePrompts = 5000;
        const auto targets = gen::splitTarget(spec->families, spec->target);
        const double scale = spec->target > static_cast<std::int64_t>(kCoveragePrompts)
                                 ? static_cast<double>(kCoveragePrompts) / static_cast<double>(spec->target)
                                 : 1.0;
        std::vector<prompts::JobPart> parts;
        for (auto& [fam, n] : targets)
            if (n > 0) parts.push_back({fam, static_cast<std::uint64_t>(std::ceil(static_cast<double>(n) * scale)), {}});
        auto cov = prompts::planCoverage(*m_library, parts, spec->seed);
        if (cov) {
            html += QStringLiteral("<p>%1</p>").arg(
                tr("Placeholder combinations: <b>%1</b> distinct in %2 prompts%3, of %4 possible.")
                    .arg(loc.toString(static_cast<qint64>(cov->distinctCombinations)),
                         loc.toString(static_cast<qint64>(cov->prompts)),
                         scale < 1.0 ? tr(" (a sample of the plan)") : QString(),
                         cov->possibleCombinations >= 1e9 ? loc.toString(cov->possibleCombinations, 'g', 3)
                                                          : loc.toString(cov->possibleCombinations, 'f', 0)));
            if (!cov->languageMix.empty()) {
                QStringList langs;
                for (std::size_t i = 0; i < cov->languageMix.size() && i < 8; ++i) {
                    const auto& [lang, share] = cov->languageMix[i];
                    double expected = 0;
                    for (auto& [l, e] : cov->expectedLanguageMix)
                        if (l == lang) expected = e;
                    langs << tr("%1 %2% (expected %3%)")
                                 .arg(esc(lang), loc.toString(share * 100, 'f', 1), loc.toString(expected * 100, 'f', 1));
                }
                html += QStringLiteral("<p>%1 %2</p>").arg(tr("Language mix:"), langs.join(QStringLiteral(", ")));
            }
        } else {
            html += QStringLiteral("<p style='color:#b05000'>%1</p>").arg(formatFailure(cov.error()).toHtmlEscaped());
        }
    }
    html += QStringLiteral("<b>%1</b><table cellspacing=0 cellpadding=2 width='100%'><tr><th align=left>%2</th>"
                           "<th align=left>%3</th><th align=right>%4</th><th align=right>%5</th></tr>")
                .arg(tr("Coverage of the placeholder pools"), tr("Template"), tr("Placeholder"), tr("Values"),
                     tr("Expected distinct"));
    for (auto& c : est->coverage) {
        const double share = c.values > 0 ? c.expectedDistinct / static_cast<double>(c.values) : 0;
        const QString colour = share >= 0.9 ? QStringLiteral("#207030") : share >= 0.5 ? QStringLiteral("#806000")
                                                                                         : QStringLiteral("#a03000");
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td align=right>%3</td><td align=right style='color:%4'>%5 (%6%)</td></tr>")
                    .arg(esc(c.templateName), esc(c.placeholder), loc.toString(c.values), colour,
                         loc.toString(c.expectedDistinct, 'f', 1), QString::number(std::lround(share * 100)));
    }
    html += QStringLiteral("</table>");
    for (auto& w : est->warnings) html += QStringLiteral("<p style='color:#b05000'>%1</p>").arg(esc(w));
    m_estimate->setHtml(html);
}

qint64 GenerationArea::launch() {
    if (!m_project) return -1;
    QString err;
    auto spec = currentSpec(&err);
    if (!spec) {
        m_jobDetail->setText(err);
        Q_EMIT statusMessage(err);
        return -1;
    }
    if (!confirmTemplates(*spec) || !confirmSeed(*spec)) {
        Q_EMIT statusMessage(tr("Launch cancelled"));
        return -1;
    }
    auto id = gen::createJob(*m_project, *spec);
    if (!id) {
        m_jobDetail->setText(formatFailure(id.error()));
        return -1;
    }
    log::info("generation: job ", *id, " created (", spec->target, " samples)");
    startWorker(*id);
    refreshJobs();
    int row = m_jobModel->rowOfJob(*id);
    if (row >= 0) m_jobView->selectRow(row);
    return *id;
}

bool GenerationArea::confirmTemplates(const gen::JobSpec& spec) {
    // What the job would use now (the Templates area may have saved since the last look).
    reloadLibrary();
    if (!m_library) return true;
    const auto problems = gen::templateProblems(*m_library, spec.families);
    if (problems.empty()) return true;
    constexpr std::size_t kListed = 12;
    QStringList lines;
    for (std::size_t i = 0; i < problems.size() && i < kListed; ++i) {
        const auto& p = problems[i];
        QString source = QString::fromStdString(p.source);
        if (source.startsWith(QLatin1String("db:"))) source = source.mid(3).replace(QLatin1String("@v"), QLatin1String(" v"));
        lines << tr("%1, line %2: %3 %4")
                     .arg(source)
                     .arg(p.diagnostic.pos.line)
                     .arg(p.diagnostic.isError() ? tr("error:") : tr("warning:"),
                          QString::fromStdString(p.diagnostic.message));
    }
    if (problems.size() > kListed) lines << tr("… and %n more", nullptr, static_cast<int>(problems.size() - kListed));
    QMessageBox box(QMessageBox::Warning, tr("Launch"),
                    tr("The templates this job uses have %n problem(s):", nullptr, static_cast<int>(problems.size())),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QStringLiteral("templateProblemsDialog"));
    box.setInformativeText(lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n") +
                           tr("Their prompts would be sent to the LLM (and paid for) as they are. Fix them in the "
                              "Templates area, or launch anyway?"));
    box.button(QMessageBox::Yes)->setText(tr("Launch anyway"));
    box.button(QMessageBox::No)->setText(tr("Don't launch"));
    box.setDefaultButton(QMessageBox::No);
    box.setEscapeButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

bool GenerationArea::confirmSeed(gen::JobSpec& spec) {
    auto reuse = gen::findSeedReuse(*m_project, spec);
    if (!reuse) {
        log::warn("generation: could not check the seed: ", failureLine(reuse.error()));
        return true;
    }
    if (reuse->empty()) return true;
    auto freshSeed = gen::unusedSeed(*m_project);
    const std::uint64_t fresh = std::min<std::uint64_t>(freshSeed ? *freshSeed : spec.seed + 1,
                                                        static_cast<std::uint64_t>(m_seed->maximum()));
    QStringList jobs;
    for (const auto& r : *reuse) {
        QStringList fams;
        for (const auto& f : r.families) fams << QString::fromStdString(f);
        jobs << tr("Job %1 “%2” (%3, %4 accepted): %5")
                    .arg(r.jobId)
                    .arg(QString::fromStdString(r.name), QString::fromLatin1(gen::jobStateName(r.state)),
                         QLocale().toString(static_cast<qint64>(r.accepted)), fams.join(QStringLiteral(", ")));
    }
    QMessageBox box(QMessageBox::Warning, tr("Launch"),
                    tr("Seed %1 was already used with the same template versions by %n job(s):", nullptr,
                       static_cast<int>(reuse->size()))
                        .arg(spec.seed),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("seedReuseDialog"));
    box.setInformativeText(jobs.join(QLatin1Char('\n')) + QStringLiteral("\n\n") +
                           tr("The new job would draw the same prompts again: most answers would be duplicates, "
                              "rejected after they are paid for."));
    QPushButton* useFresh = box.addButton(tr("Use seed %1").arg(fresh), QMessageBox::AcceptRole);
    useFresh->setObjectName(QStringLiteral("useFreshSeed"));
    QPushButton* keep = box.addButton(tr("Launch with seed %1").arg(spec.seed), QMessageBox::DestructiveRole);
    keep->setObjectName(QStringLiteral("keepSeed"));
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(useFresh);
    box.setEscapeButton(cancel);
    box.exec();
    if (box.clickedButton() == keep) return true;
    if (box.clickedButton() != useFresh) return false;
    spec.seed = fresh;
    QSignalBlocker block(m_seed);
    m_seed->setValue(static_cast<int>(fresh));
    scheduleEstimate();
    return true;
}

bool GenerationArea::testConnection() {
    if (m_tester->isRunning()) return false;
    std::vector<ConnectionTarget> targets;
    const QString text = m_endpoint->currentText().trimmed();
    const QString model = m_model->text().trimmed();
    const int idx = m_endpoint->findText(text);
    if (idx >= 0) {
        const int which = m_endpoint->itemData(idx).toInt();
        for (int i = 0; i < m_endpointList.size(); ++i) {
            if (which != kAllEndpoints && which != i) continue;
            const auto& e = m_endpointList[i];
            ConnectionTarget t;
            t.name = e.name.isEmpty() ? e.baseUrl : e.name;
            t.endpoint.baseUrl = e.baseUrl.toStdString();
            t.endpoint.apiKeyEnv = e.apiKeyEnv.toStdString();
            // "All endpoints" tests each with its own model when it has one.
            t.model = (which == kAllEndpoints && !e.model.isEmpty() ? e.model : model).toStdString();
            targets.push_back(std::move(t));
        }
    } else if (!text.isEmpty()) {
        ConnectionTarget t;
        t.name = text;
        t.endpoint.baseUrl = text.toStdString();
        t.model = model.toStdString();
        targets.push_back(std::move(t));
    }
    if (targets.empty()) {
        m_connectionResult->setStyleSheet(QStringLiteral("color:#b02020"));
        m_connectionResult->setPlainText(tr("Pick an endpoint (configure them in Settings)."));
        return false;
    }
    if (!m_tester->start(std::move(targets))) return false;
    m_testConnection->setEnabled(false);
    m_connectionResult->setStyleSheet(QString());
    m_connectionResult->setPlainText(tr("Testing the connection…"));
    return true;
}

void GenerationArea::startWorker(qint64 id) {
    if (!m_project || m_workers.contains(id)) return;
    auto* w = new JobWorker(QString::fromStdString(m_project->path().string()), id);
    connect(w, &JobWorker::finished, this, &GenerationArea::onWorkerFinished, Qt::QueuedConnection);
    m_workers.insert(id, w);
    m_jobModel->setLocalJobs(QSet<qint64>(m_workers.keyBegin(), m_workers.keyEnd()));
    m_pool.start(w);
    Q_EMIT statusMessage(tr("Job %1 started").arg(id));
}

void GenerationArea::onWorkerFinished(qint64 id, const QString& state, const QString& message) {
    JobWorker* w = m_workers.take(id);
    if (!w) return; // already collected by stopAll
    w->deleteLater();
    m_jobModel->setLocalJobs(QSet<qint64>(m_workers.keyBegin(), m_workers.keyEnd()));
    Q_EMIT statusMessage(message.isEmpty() ? tr("Job %1: %2").arg(id).arg(state)
                                           : tr("Job %1: %2 — %3").arg(id).arg(state, message));
    refreshJobs();
}

void GenerationArea::stopAll() {
    if (m_workers.isEmpty()) return;
    for (auto* w : std::as_const(m_workers)) w->requestPause();
    m_pool.waitForDone();
    qDeleteAll(m_workers);
    m_workers.clear();
    m_jobModel->setLocalJobs({});
}

void GenerationArea::refreshJobs() {
    m_jobModel->refresh();
    updateButtons();
}

qint64 GenerationArea::selectedJob() const {
    auto rows = m_jobView->selectionModel()->selectedRows();
    if (rows.isEmpty()) return -1;
    const auto* j = m_jobModel->job(rows.first().row());
    return j ? j->id : -1;
}

void GenerationArea::updateButtons() {
    const qint64 id = selectedJob();
    const gen::JobStats* j = id >= 0 ? m_jobModel->job(m_jobModel->rowOfJob(id)) : nullptr;
    const bool here = id >= 0 && m_workers.contains(id);
    using gen::JobState;
    const JobState s = j ? j->state : JobState::Done;
    m_pause->setEnabled(j && (here || s == JobState::Running || s == JobState::Pending));
    m_resume->setEnabled(j && !here && s != JobState::Done);
    m_cancel->setEnabled(j && s != JobState::Done && s != JobState::Cancelled);
    if (!j) {
        m_jobDetail->clear();
        return;
    }
    QString text = tr("Job %1: %2 tasks brainstormed, %3 requests failed, %4 HTTP attempts")
                       .arg(j->id).arg(j->tasks).arg(j->requestsFailed).arg(j->attempts);
    if (auto* w = m_workers.value(id))
        if (auto live = w->live()) text += tr(", %1 retries in this run").arg(live->retries);
    const QString lastError = m_jobModel->lastErrorOf(id);
    if (!j->error.empty())
        text += QStringLiteral(" — ") + QString::fromStdString(j->error);
    else if (!lastError.isEmpty())
        text += QStringLiteral(" — ") + tr("last error: %1").arg(lastError);
    m_jobDetail->setText(text);
}

void GenerationArea::pauseJob(qint64 id) {
    if (id < 0 || !m_project) return;
    if (auto* w = m_workers.value(id)) {
        w->requestPause();
    } else if (auto st = gen::pauseJob(*m_project, id); !st) {
        Q_EMIT statusMessage(formatFailure(st.error()));
    }
    refreshJobs();
}

void GenerationArea::resumeJob(qint64 id) {
    if (id < 0 || !m_project || m_workers.contains(id)) return;
    const gen::JobStats* j = m_jobModel->job(m_jobModel->rowOfJob(id));
    if (j && (j->state == gen::JobState::Paused || j->state == gen::JobState::Failed ||
              j->state == gen::JobState::Cancelled)) {
        if (auto st = gen::resumeJob(*m_project, id); !st) {
            Q_EMIT statusMessage(formatFailure(st.error()));
            return;
        }
    }
    startWorker(id);
    refreshJobs();
}

void GenerationArea::cancelJob(qint64 id) {
    if (id < 0 || !m_project) return;
    if (auto* w = m_workers.value(id)) w->requestCancel();
    // The row too, so a job run by another process (or not running) is cancelled as well.
    if (auto st = gen::cancelJob(*m_project, id); !st) Q_EMIT statusMessage(formatFailure(st.error()));
    refreshJobs();
}

} // namespace synthembed::ui
