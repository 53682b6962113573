#include "ui/areas/evaluation_area.h"

#include "ui/errors.h"

#include "ui/eval/eval_job.h"
#include "ui/eval/eval_settings.h"
#include "ui/eval/mteb_task_dialog.h"
#include "ui/eval/table_export.h"
#include "ui/explorer/map_view.h"
#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"
#include "ui/models/model_reference.h"
#include "ui/qcp.h"
#include "ui/widgets/empty_state.h"

#include "core/eval/embedding_cache.h"
#include "core/store/project.h"
#include "core/train/run_store.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QRadioButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace synthembed::ui {
namespace {

constexpr int kSpecRole = Qt::UserRole + 1;

QString taskLabel(const std::string& type) {
    static const QMap<QString, const char*> names = {
        {QStringLiteral("retrieval"), QT_TRANSLATE_NOOP("EvaluationArea", "Retrieval")},
        {QStringLiteral("sts"), QT_TRANSLATE_NOOP("EvaluationArea", "STS")},
        {QStringLiteral("classification"), QT_TRANSLATE_NOOP("EvaluationArea", "Classification")},
        {QStringLiteral("clustering"), QT_TRANSLATE_NOOP("EvaluationArea", "Clustering")},
        {QStringLiteral("pair"), QT_TRANSLATE_NOOP("EvaluationArea", "Pair classification")},
        {QStringLiteral("rerank"), QT_TRANSLATE_NOOP("EvaluationArea", "Reranking")},
        {QStringLiteral("summarization"), QT_TRANSLATE_NOOP("EvaluationArea", "Summarization")},
        {QStringLiteral("bitext"), QT_TRANSLATE_NOOP("EvaluationArea", "Bitext mining")}};
    const QString key = QString::fromStdString(type);
    auto it = names.find(key);
    return it == names.end() ? key : QCoreApplication::translate("EvaluationArea", it.value());
}

QTableWidgetItem* textItem(const QString& text) {
    auto* it = new QTableWidgetItem(text);
    it->setFlags(it->flags() & ~Qt::ItemIsEditable);
    return it;
}
QTableWidgetItem* numberItem(double v, int decimals = 4, bool sign = false) {
    QString s = QString::number(v, 'f', decimals);
    if (sign && v >= 0) s.prepend(QLatin1Char('+'));
    auto* it = textItem(s);
    it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    it->setData(Qt::UserRole, v);
    return it;
}

/// The area's status line: wrapped in the label, and whole in its tooltip.
void showStatus(QLabel* label, const QString& text) {
    label->setText(text);
    label->setToolTip(text);
}

/// A dataset's folder, and for an MTEB task its name and main score.
QString datasetToolTip(const eval::DatasetEntry& d) {
    const QString path = QDir::toNativeSeparators(QString::fromStdString(d.data.string()));
    if (d.mtebTask.empty()) return path;
    return QCoreApplication::translate("EvaluationArea", "MTEB task %1 (main score %2)\n%3")
        .arg(QString::fromStdString(d.mtebTask), QString::fromStdString(d.mainMetric), path);
}

std::string resultKey(const eval::EvalResult& r) { return r.taskType + '\x1f' + r.dataset + '\x1f' + r.split; }

} // namespace

EvaluationArea::EvaluationArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("evaluationArea"));
    m_pool.setMaxThreadCount(1);
    buildUi();
    updateButtons();
}

EvaluationArea::~EvaluationArea() { stopJob(); }

void EvaluationArea::buildUi() {
    auto* outer = new QVBoxLayout(this);
    auto* heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title().toHtmlEscaped()), this);
    outer->addWidget(heading);

    // Models and datasets side by side.
    auto* pick = new QWidget(this);
    auto* pickLayout = new QHBoxLayout(pick);
    pickLayout->setContentsMargins(0, 0, 0, 0);

    auto* modelsBox = new QGroupBox(tr("Models"), pick);
    auto* ml = new QVBoxLayout(modelsBox);
    m_models = new QListWidget(modelsBox);
    m_models->setObjectName(QStringLiteral("evalModels"));
    m_models->setToolTip(tr("Checked models are evaluated. A model is a Hugging Face folder (config.json, "
                            "safetensors, tokenizer); hash:DIM is the model-free hashing baseline."));
    ml->addWidget(m_models);
    auto* mb = new QHBoxLayout;
    auto* addModel = new QPushButton(tr("Add model folder..."), modelsBox);
    auto* addHash = new QPushButton(tr("Add hashing baseline"), modelsBox);
    auto* removeModel = new QPushButton(tr("Remove"), modelsBox);
    auto* downloadModel = new QPushButton(tr("Download..."), modelsBox);
    downloadModel->setObjectName(QStringLiteral("evalDownloadModel"));
    downloadModel->setToolTip(tr("Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the "
                                 "Hugging Face cache, and add it here."));
    // A folder or a Hugging Face repo id typed in (Return adds it).
    auto* modelRef = new QLineEdit(modelsBox);
    modelRef->setObjectName(QStringLiteral("evalModelRef"));
    modelRef->setPlaceholderText(tr("Folder or repo id ORG/NAME, then Return"));
    modelRef->setToolTip(tr("A model folder or a Hugging Face repo id (ORG/NAME[@revision]); Return adds it to the list."));
    modelRef->setClearButtonEnabled(true);
    // The field and Download... on one line (the buttons below stay within the box's width in German).
    auto* refRow = new QHBoxLayout;
    refRow->addWidget(modelRef, 1);
    refRow->addWidget(downloadModel);
    ml->addLayout(refRow);
    connect(modelRef, &QLineEdit::returnPressed, this, [this, modelRef] {
        const QString text = modelRef->text().trimmed();
        if (text.isEmpty()) return;
        this->addModel(text);
        modelRef->clear();
    });
    // Size, dtype and memory of the current model, read from its headers (nothing is loaded); a repo
    // id not downloaded yet says so, with a Download... link.
    auto* modelInfo = new QLabel(modelsBox);
    modelInfo->setObjectName(QStringLiteral("evalModelInfo"));
    modelInfo->setWordWrap(true);
    ml->addWidget(modelInfo);
    connect(m_models, &QListWidget::currentItemChanged, this, [modelInfo](QListWidgetItem* item) {
        if (item) showModelInfo(modelInfo, item->data(kSpecRole).toString());
        else modelInfo->hide();
    });
    modelInfo->hide();
    connectDownloadLink(modelInfo, this, [this, modelInfo](const QString&, const QString&) {
        if (auto* item = m_models->currentItem()) {
            showModelInfo(modelInfo, item->data(kSpecRole).toString());
            item->setIcon(QIcon());
        }
    });
    connect(downloadModel, &QPushButton::clicked, this, [this, modelRef] {
        // A repo id typed in the field that is not downloaded yet: the dialog opens with it.
        const auto ref = ModelReference::resolve(modelRef->text());
        DownloadDialog::openFor(
            this, [this](const QString& path) { this->addModel(path); },
            ref.kind == ModelReference::Kind::NotDownloaded ? ref.repo : QString());
    });
    mb->addWidget(addModel);
    mb->addWidget(addHash);
    mb->addStretch();
    mb->addWidget(removeModel);
    ml->addLayout(mb);
    connect(addModel, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model folder"));
        if (!dir.isEmpty()) this->addModel(dir);
    });
    connect(addHash, &QPushButton::clicked, this, [this] { this->addModel(QStringLiteral("hash:256")); });
    connect(removeModel, &QPushButton::clicked, this, [this] {
        delete m_models->currentItem();
        saveModels();
        updateButtons();
    });
    connect(m_models, &QListWidget::itemChanged, this, [this] {
        if (!m_loading) saveModels();
        updateButtons();
    });

    auto* dataBox = new QGroupBox(tr("Datasets"), pick);
    auto* dl = new QVBoxLayout(dataBox);
    m_datasets = new QListWidget(dataBox);
    m_datasets->setObjectName(QStringLiteral("evalDatasets"));
    m_datasets->setToolTip(tr("Checked datasets form the suite. Add a BEIR folder (retrieval), an STS table or a "
                              "classification folder with train and test files."));
    dl->addWidget(m_datasets);
    auto* db = new QHBoxLayout;
    auto* addMteb = new QPushButton(tr("Add MTEB task..."), dataBox);
    addMteb->setObjectName(QStringLiteral("evalAddMtebTask"));
    addMteb->setToolTip(tr("Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...): they are "
                           "downloaded from the Hugging Face Hub into its cache when not there yet."));
    connect(addMteb, &QPushButton::clicked, this, [this] { openMtebTasks(); });
    auto* mtebRow = new QHBoxLayout; // its own line: the row below stays within the box in German
    mtebRow->addWidget(addMteb);
    mtebRow->addStretch();
    dl->addLayout(mtebRow);
    auto* addData = new QPushButton(tr("Add dataset folder..."), dataBox);
    auto* addFile = new QPushButton(tr("Add dataset file..."), dataBox);
    auto* removeData = new QPushButton(tr("Remove"), dataBox);
    db->addWidget(addData);
    db->addWidget(addFile);
    db->addStretch();
    db->addWidget(removeData);
    dl->addLayout(db);
    connect(addData, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"));
        if (!dir.isEmpty()) addDataset(dir);
    });
    connect(addFile, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Dataset file"), QString(),
                                                       tr("Tables (*.csv *.tsv *.txt *.jsonl);;All files (*)"));
        if (!f.isEmpty()) addDataset(f);
    });
    connect(removeData, &QPushButton::clicked, this, [this] {
        const int row = m_datasets->currentRow();
        if (row < 0) return;
        delete m_datasets->takeItem(row);
        m_datasetEntries.erase(m_datasetEntries.begin() + row);
        saveDatasets();
    });
    connect(m_datasets, &QListWidget::itemChanged, this, [this] { updateButtons(); });
    pickLayout->addWidget(modelsBox, 1);
    pickLayout->addWidget(dataBox, 1);

    // Suite and run controls.
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Suite:"), this));
    m_quick = new QRadioButton(tr("Quick"), this);
    m_quick->setObjectName(QStringLiteral("suiteQuick"));
    m_quick->setToolTip(tr("A seeded subsample of every dataset: fast feedback, e.g. during training."));
    m_quickItems = new QSpinBox(this);
    m_quickItems->setRange(10, 100000);
    m_quickItems->setValue(int(eval::kQuickItems));
    m_quickItems->setSuffix(tr(" items per dataset"));
    m_full = new QRadioButton(tr("Full"), this);
    m_full->setObjectName(QStringLiteral("suiteFull"));
    m_full->setToolTip(tr("Every query, pair and text: the numbers to report."));
    auto* group = new QButtonGroup(this);
    group->addButton(m_quick);
    group->addButton(m_full);
    m_quick->setChecked(true);
    runRow->addWidget(m_quick);
    runRow->addWidget(m_quickItems);
    runRow->addWidget(m_full);
    runRow->addSpacing(16);
    m_runButton = new QPushButton(tr("Run"), this);
    m_runButton->setObjectName(QStringLiteral("evalRun"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("evalCancel"));
    runRow->addWidget(m_runButton);
    runRow->addWidget(m_cancelButton);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QString());
    m_progress->setMaximumWidth(380);
    runRow->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("evalStatus"));
    // Long messages (errors naming paths) must not widen the window: they wrap (the whole text is
    // also the tooltip).
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    runRow->addStretch(1);
    connect(m_runButton, &QPushButton::clicked, this, &EvaluationArea::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &EvaluationArea::cancel);
    connect(m_quick, &QRadioButton::toggled, this, [this](bool quick) {
        saveSuite();
        if (!m_loading) setView(quick ? View::Quick : View::Full);
    });
    connect(m_quickItems, &QSpinBox::valueChanged, this, [this] { saveSuite(); });

    auto* top = new QWidget(this);
    auto* tl = new QVBoxLayout(top);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->addWidget(pick, 1);
    tl->addLayout(runRow);
    tl->addWidget(m_status); // its own line, the area's whole width

    // Results, comparison, chart.
    auto* bottom = new QWidget(this);
    auto* bl = new QVBoxLayout(bottom);
    bl->setContentsMargins(0, 0, 0, 0);
    auto* viewRow = new QHBoxLayout;
    viewRow->addWidget(new QLabel(tr("Show:"), bottom));
    m_view = new QComboBox(bottom);
    m_view->setObjectName(QStringLiteral("evalView"));
    m_view->addItem(tr("Quick suite results"));
    m_view->addItem(tr("Full suite results"));
    m_view->addItem(tr("All runs"));
    viewRow->addWidget(m_view);
    m_latestOnly = new QCheckBox(tr("Latest per model and dataset"), bottom);
    m_latestOnly->setChecked(true);
    viewRow->addWidget(m_latestOnly);
    viewRow->addStretch();
    auto* exportButton = new QPushButton(tr("Export..."), bottom);
    exportButton->setToolTip(tr("Save the results or comparison table as CSV or Markdown"));
    viewRow->addWidget(exportButton);
    bl->addLayout(viewRow);
    connect(m_view, &QComboBox::currentIndexChanged, this, [this] { refreshResults(); });
    connect(m_latestOnly, &QCheckBox::toggled, this, [this] { fillResults(); });
    connect(exportButton, &QPushButton::clicked, this, &EvaluationArea::exportDialog);

    m_tabs = new QTabWidget(bottom);
    m_results = new QTableWidget(0, 9, m_tabs);
    m_results->setObjectName(QStringLiteral("evalResults"));
    m_results->setHorizontalHeaderLabels({tr("Model"), tr("Task"), tr("Dataset"), tr("Split"), tr("Suite"), tr("Metric"),
                                          tr("Score"), tr("Time (s)"), tr("Date")});
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->verticalHeader()->setVisible(false);
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setSortingEnabled(false);
    m_tabs->addTab(m_results, tr("Results"));

    auto* cmp = new QWidget(m_tabs);
    auto* cl = new QVBoxLayout(cmp);
    auto* baseRow = new QHBoxLayout;
    baseRow->addWidget(new QLabel(tr("Baseline (A):"), cmp));
    m_baseline = new QComboBox(cmp);
    m_baseline->setObjectName(QStringLiteral("evalBaseline"));
    baseRow->addWidget(m_baseline);
    m_comparisonHint = new QLabel(cmp);
    m_comparisonHint->setWordWrap(true);
    baseRow->addWidget(m_comparisonHint, 1);
    cl->addLayout(baseRow);
    m_comparison = new QTableWidget(0, 0, cmp);
    m_comparison->setObjectName(QStringLiteral("evalComparison"));
    m_comparison->verticalHeader()->setVisible(false);
    m_comparison->setSelectionBehavior(QAbstractItemView::SelectRows);
    cl->addWidget(m_comparison);
    m_tabs->addTab(cmp, tr("Comparison"));
    connect(m_baseline, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loading) fillComparison();
    });

    auto* chartPage = new QWidget(m_tabs);
    auto* chl = new QVBoxLayout(chartPage);
    auto* typeRow = new QHBoxLayout;
    typeRow->addWidget(new QLabel(tr("Task type:"), chartPage));
    m_chartType = new QComboBox(chartPage);
    m_chartType->setObjectName(QStringLiteral("evalChartType"));
    typeRow->addWidget(m_chartType);
    typeRow->addStretch();
    chl->addLayout(typeRow);
    m_chart = new QCustomPlot(chartPage);
    m_chart->setObjectName(QStringLiteral("evalChart"));
    m_chart->setMinimumHeight(220);
    chl->addWidget(m_chart, 1);
    m_tabs->addTab(chartPage, tr("Chart"));
    connect(m_chartType, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loading) fillChart();
    });
    bl->addWidget(m_tabs, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({260, 440});
    outer->addWidget(split, 1);

    // Nothing to evaluate yet: over the results, what to do next and the buttons for it.
    m_empty = new EmptyState(m_tabs, QStringLiteral("evalEmptyState"));
}

MtebTaskDialog* EvaluationArea::openMtebTasks() {
    return MtebTaskDialog::openFor(this, [this](const eval::DatasetEntry& d) { addDatasetEntry(d); });
}

void EvaluationArea::scheduleEmptyState() {
    // After the current event: a click on one of the empty state's own buttons must not delete it
    // while it is being clicked.
    if (m_emptyQueued) return;
    m_emptyQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        m_emptyQueued = false;
        updateEmptyState();
    }, Qt::QueuedConnection);
}

void EvaluationArea::updateEmptyState() {
    int models = m_models->count(), datasets = m_datasets->count();
    // Past results stay visible: the message is for an area with nothing to show.
    const bool show = m_project && m_stored.empty() && (models == 0 || datasets == 0);
    const int key = !show ? 0 : (models == 0 ? 1 : 0) + (datasets == 0 ? 2 : 0);
    if (key == m_emptyKey) return;
    m_emptyKey = key;
    m_empty->setShown(false); // shown again below: the new buttons show with it
    m_empty->clearButtons();
    if (key == 0) return;
    if (key == 3)
        m_empty->setMessage(tr("Nothing to evaluate yet."),
                            tr("Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...) or add a "
                               "dataset folder, then choose a model: a model folder, a Hugging Face repo id, or the "
                               "hashing baseline to start with. Run then scores every model on every task."));
    else if (key == 2)
        m_empty->setMessage(tr("No datasets yet."),
                            tr("Pick MTEB tasks by name or add a dataset folder (a BEIR folder, an STS table or a "
                               "classification folder with train and test files); then press Run."));
    else
        m_empty->setMessage(tr("No model yet."),
                            tr("Choose a model to evaluate: a model folder, a Hugging Face repo id (Download...), or "
                               "the hashing baseline; then press Run."));
    if (key & 2) {
        m_empty->addButton(tr("Add MTEB task..."), [this] { openMtebTasks(); }, QStringLiteral("evalEmptyAddMteb"));
        m_empty->addButton(tr("Add dataset folder..."), [this] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"));
            if (!dir.isEmpty()) addDataset(dir);
        }, QStringLiteral("evalEmptyAddFolder"));
    }
    if (key == 1) { // with nothing at all, three buttons: the row stays within the message's width
        m_empty->addButton(tr("Add model folder..."), [this] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Model folder"));
            if (!dir.isEmpty()) this->addModel(dir);
        }, QStringLiteral("evalEmptyAddModel"));
        m_empty->addButton(tr("Download..."), [this] {
            DownloadDialog::openFor(this, [this](const QString& path) { this->addModel(path); });
        }, QStringLiteral("evalEmptyDownloadModel"));
    }
    if (key & 1) {
        m_empty->addButton(tr("Add hashing baseline"), [this] { this->addModel(QStringLiteral("hash:256")); },
                           QStringLiteral("evalEmptyAddHash"));
    }
    m_empty->setShown(true);
}

void EvaluationArea::setProject(store::Project* project) {
    if (project == m_project) return;
    stopJob();
    Area::setProject(project);
    loadSettings();
    refreshResults();
    updateButtons();
}

void EvaluationArea::projectDataChanged(const ProjectChange& change) {
    if (!m_project || m_running) return; // a running job refreshes when it ends
    const bool settings = change.touches("settings");
    if (settings) {
        QStringList models, datasets;
        QSet<QString> unchecked;
        for (int i = 0; i < m_models->count(); ++i) {
            models << m_models->item(i)->data(kSpecRole).toString();
            if (m_models->item(i)->checkState() != Qt::Checked) unchecked << QStringLiteral("m:") + models.last();
        }
        for (int i = 0; i < m_datasets->count() && i < int(m_datasetEntries.size()); ++i) {
            datasets << QString::fromStdString(m_datasetEntries[std::size_t(i)].name);
            if (m_datasets->item(i)->checkState() != Qt::Checked) unchecked << QStringLiteral("d:") + datasets.last();
        }
        QStringList nowDatasets;
        for (const auto& d : evalsettings::datasets(m_project)) nowDatasets << QString::fromStdString(d.name);
        if (evalsettings::models(m_project) != models || nowDatasets != datasets) {
            loadSettings();
            m_loading = true;
            for (int i = 0; i < m_models->count(); ++i)
                if (unchecked.contains(QStringLiteral("m:") + m_models->item(i)->data(kSpecRole).toString()))
                    m_models->item(i)->setCheckState(Qt::Unchecked);
            for (int i = 0; i < m_datasets->count() && i < int(m_datasetEntries.size()); ++i)
                if (unchecked.contains(QStringLiteral("d:") + QString::fromStdString(m_datasetEntries[std::size_t(i)].name)))
                    m_datasets->item(i)->setCheckState(Qt::Unchecked);
            m_loading = false;
            updateButtons();
        }
    }
    if (change.touches("eval_results") || settings) {
        // Keep the selected result (found again by its cells) and the scroll position.
        QStringList key;
        if (const int row = m_results->currentRow(); row >= 0)
            for (int c = 0; c < m_results->columnCount(); ++c)
                key << (m_results->item(row, c) ? m_results->item(row, c)->text() : QString());
        const int scroll = m_results->verticalScrollBar()->value();
        refreshResults();
        for (int r = 0; !key.isEmpty() && r < m_results->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < m_results->columnCount(); ++c)
                cells << (m_results->item(r, c) ? m_results->item(r, c)->text() : QString());
            if (cells == key) {
                m_results->setCurrentCell(r, std::max(0, m_results->currentColumn()));
                break;
            }
        }
        m_results->verticalScrollBar()->setValue(scroll);
    }
}

void EvaluationArea::loadSettings() {
    m_loading = true;
    m_models->clear();
    m_datasets->clear();
    m_datasetEntries.clear();
    m_specs.clear();
    if (m_project) {
        for (const auto& spec : evalsettings::models(m_project)) {
            auto* it = new QListWidgetItem(evalsettings::modelDisplayName(spec), m_models);
            it->setData(kSpecRole, spec);
            it->setToolTip(spec);
            it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
            it->setCheckState(Qt::Checked);
        }
        for (auto& d : evalsettings::datasets(m_project)) {
            m_datasetEntries.push_back(d);
            auto* it = new QListWidgetItem(tr("%1 — %2, %3 items").arg(QString::fromStdString(d.name), taskLabel(eval::toString(d.type))).arg(d.items), m_datasets);
            it->setToolTip(datasetToolTip(d));
            it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
            it->setCheckState(Qt::Checked);
        }
        m_specs = evalsettings::modelSpecs(m_project);
        const bool full = evalsettings::suiteMode(m_project) == QLatin1String("full");
        (full ? m_full : m_quick)->setChecked(true);
        m_quickItems->setValue(evalsettings::quickItems(m_project));
        m_view->setCurrentIndex(full ? 1 : 0);
    }
    m_loading = false;
}

void EvaluationArea::saveModels() {
    if (m_loading || !m_project) return;
    QStringList list;
    for (int i = 0; i < m_models->count(); ++i) list << m_models->item(i)->data(kSpecRole).toString();
    evalsettings::setModels(m_project, list);
}

void EvaluationArea::saveDatasets() {
    if (!m_loading && m_project) evalsettings::setDatasets(m_project, m_datasetEntries);
    updateButtons();
}

void EvaluationArea::saveSuite() {
    if (!m_loading && m_project)
        evalsettings::setSuite(m_project, m_full->isChecked() ? QStringLiteral("full") : QStringLiteral("quick"),
                               m_quickItems->value());
}

void EvaluationArea::addModel(const QString& spec) {
    for (int i = 0; i < m_models->count(); ++i)
        if (m_models->item(i)->data(kSpecRole).toString() == spec) {
            m_models->item(i)->setCheckState(Qt::Checked);
            m_models->setCurrentRow(i);
            return;
        }
    m_loading = true;
    auto* it = new QListWidgetItem(evalsettings::modelDisplayName(spec), m_models);
    it->setData(kSpecRole, spec);
    const auto ref = ModelReference::resolve(spec);
    const auto memory = ref.loadable() ? ModelMemory::forInference(ref.folder) : ModelMemoryInfo{};
    it->setToolTip(memory.known ? spec + QLatin1Char('\n') + memory.text
                   : ref.message.isEmpty() ? spec : spec + QLatin1Char('\n') + ref.message);
    if (!memory.problem.isEmpty() || ref.kind == ModelReference::Kind::NotDownloaded)
        it->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
    it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
    it->setCheckState(Qt::Checked);
    m_loading = false;
    m_models->setCurrentItem(it);
    saveModels();
    updateButtons();
}

QString EvaluationArea::addDataset(const QString& path) {
    auto d = eval::detectDataset(path.toStdString());
    if (!d) {
        const QString msg = formatFailure(d.error());
        showStatus(m_status, msg);
        Q_EMIT statusMessage(msg);
        return msg;
    }
    addDatasetEntry(*d);
    return {};
}

void EvaluationArea::addDatasetEntry(const eval::DatasetEntry& d) {
    for (std::size_t i = 0; i < m_datasetEntries.size(); ++i)
        if (m_datasetEntries[i].data == d.data && m_datasetEntries[i].split == d.split) {
            m_datasets->item(int(i))->setCheckState(Qt::Checked);
            return;
        }
    m_datasetEntries.push_back(d);
    m_loading = true;
    auto* it = new QListWidgetItem(tr("%1 — %2, %3 items").arg(QString::fromStdString(d.name), taskLabel(eval::toString(d.type))).arg(d.items), m_datasets);
    it->setToolTip(datasetToolTip(d));
    it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
    it->setCheckState(Qt::Checked);
    m_loading = false;
    saveDatasets();
    showStatus(m_status, tr("Added %1 (%2)").arg(QString::fromStdString(d.name), taskLabel(eval::toString(d.type))));
}

void EvaluationArea::setSuite(eval::SuiteMode mode, int quickItems) {
    m_quickItems->setValue(quickItems);
    (mode == eval::SuiteMode::Full ? m_full : m_quick)->setChecked(true);
}

void EvaluationArea::setView(View view) { m_view->setCurrentIndex(int(view)); }

bool EvaluationArea::isRunning() const { return m_running; }

void EvaluationArea::updateButtons() {
    int models = 0, datasets = 0;
    for (int i = 0; i < m_models->count(); ++i) models += m_models->item(i)->checkState() == Qt::Checked;
    for (int i = 0; i < m_datasets->count(); ++i) datasets += m_datasets->item(i)->checkState() == Qt::Checked;
    m_runButton->setEnabled(m_project && !m_running && models > 0 && datasets > 0);
    m_runButton->setToolTip(!m_project ? tr("Open a project first")
                            : models == 0 || datasets == 0 ? tr("Check at least one model and one dataset")
                                                          : tr("Evaluate %1 model(s) on %2 dataset(s)").arg(models).arg(datasets));
    m_cancelButton->setEnabled(m_running);
    scheduleEmptyState();
}

void EvaluationArea::run() {
    if (!m_project || m_running) return;
    EvalJobParams p;
    for (int i = 0; i < m_models->count(); ++i)
        if (m_models->item(i)->checkState() == Qt::Checked) p.models << m_models->item(i)->data(kSpecRole).toString();
    for (int i = 0; i < m_datasets->count(); ++i)
        if (m_datasets->item(i)->checkState() == Qt::Checked) p.datasets.push_back(m_datasetEntries[std::size_t(i)]);
    if (p.models.isEmpty() || p.datasets.empty()) {
        showStatus(m_status, tr("Check at least one model and one dataset"));
        return;
    }
    p.mode = m_full->isChecked() ? eval::SuiteMode::Full : eval::SuiteMode::Quick;
    p.quickItems = std::size_t(m_quickItems->value());
    p.projectPath = m_project->path();
    p.cachePath = eval::EmbeddingCache::defaultPath();
    m_pool.waitForDone();
    m_job = std::make_unique<EvalJob>(std::move(p));
    connect(m_job.get(), &EvalJob::progress, this, [this](int permille, const QString& stage) {
        m_progress->setValue(permille);
        if (!stage.isEmpty()) showStatus(m_status, stage);
    });
    connect(m_job.get(), &EvalJob::counts, this, [this](qint64 done, qint64 total, const QString& stage, double eta) {
        m_progress->setFormat(progressText(done, total, stage, eta));
        m_progress->setToolTip(m_progress->format());
    });
    connect(m_job.get(), &EvalJob::loadingModel, this, [this](const QString& text, qint64, qint64) {
        m_progress->setFormat(text);
        m_progress->setToolTip(text);
    });
    connect(m_job.get(), &EvalJob::modelOpened, this, [this](const QString& spec, const QString& fingerprint) {
        m_specs.insert(fingerprint, spec);
        if (m_project) evalsettings::rememberModel(m_project, fingerprint, spec);
    });
    connect(m_job.get(), &EvalJob::resultStored, this, [this](qint64, const QString& summary) {
        showStatus(m_status, summary);
        refreshResults();
    });
    connect(m_job.get(), &EvalJob::taskFailed, this, [this](const QString& message) {
        showStatus(m_status, message);
        Q_EMIT statusMessage(message);
    });
    connect(m_job.get(), &EvalJob::finished, this, [this](int stored, int failed, bool cancelled) {
        m_running = false;
        updateButtons();
        refreshResults();
        QString text = cancelled ? tr("Cancelled after %1 result(s)").arg(stored)
                                 : tr("Done: %1 result(s) stored").arg(stored);
        if (failed) text += tr(", %1 failed (see the log)").arg(failed);
        showStatus(m_status, text);
        Q_EMIT statusMessage(text);
        Q_EMIT runFinished(stored, failed, cancelled);
    });
    m_running = true;
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    showStatus(m_status, tr("Starting..."));
    updateButtons();
    m_pool.start(m_job.get());
}

QString EvaluationArea::progressText(qint64 done, qint64 total, const QString& stage, double etaSeconds) {
    QString text = tr("%1: %2 / %3 texts").arg(stage).arg(done).arg(total);
    if (etaSeconds >= 0) {
        const auto s = qint64(etaSeconds + 0.5);
        const QString left = s >= 60 ? tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0')) : tr("%1 s").arg(s);
        text += tr(", about %1 left").arg(left);
    }
    return text;
}

void EvaluationArea::cancel() {
    if (m_job && m_running) {
        m_job->cancel();
        showStatus(m_status, tr("Cancelling..."));
    }
}

void EvaluationArea::stopJob() {
    if (m_job) m_job->cancel();
    m_pool.waitForDone();
    if (m_job) {
        m_job->disconnect(this);
        m_job.reset();
    }
    if (m_running) {
        m_running = false;
        updateButtons();
    }
}

QString EvaluationArea::modelName(const std::string& fingerprint) const {
    const QString fp = QString::fromStdString(fingerprint);
    auto it = m_specs.find(fp);
    QString base = it != m_specs.end() ? evalsettings::modelLabel(it.value()) : fp.left(12);
    if (it == m_specs.end())
        // Evaluated elsewhere (the CLI): the model folder of one of its results names it.
        for (const auto& s : m_stored)
            if (s.result.modelFingerprint == fingerprint && s.result.modelFiles && !s.result.modelFiles->folder.empty()) {
                base = evalsettings::modelLabel(QString::fromStdString(s.result.modelFiles->folder));
                break;
            }
    const auto trained = m_trained.find(fp);
    return trained == m_trained.end() ? base : tr("%1 (%2)").arg(base, trained.value());
}

QString EvaluationArea::trainedSuffix(const eval::StoredResult& stored) const {
    const auto& files = stored.result.modelFiles;
    if (!files || files->step < 0) return {};
    // The newest run with this output folder that began before the result was stored.
    const QString folder = QDir::cleanPath(QString::fromStdString(files->folder));
    const QString when = QString::fromStdString(stored.createdAt);
    for (const auto& r : m_runNames)
        if (r.outputDir == folder && (when.isEmpty() || r.createdAt <= when))
            return tr("%1, step %2").arg(r.name).arg(files->step);
    return tr("step %1").arg(files->step);
}

QString EvaluationArea::resultModelName(const eval::StoredResult& stored) const {
    const QString fp = QString::fromStdString(stored.result.modelFingerprint);
    auto it = m_specs.find(fp);
    // A result stored by the CLI has no spec here: the model folder it was computed from names it.
    const auto& files = stored.result.modelFiles;
    const QString base = it != m_specs.end()               ? evalsettings::modelLabel(it.value())
                         : files && !files->folder.empty() ? evalsettings::modelLabel(QString::fromStdString(files->folder))
                                                           : fp.left(12);
    const QString suffix = trainedSuffix(stored);
    return suffix.isEmpty() ? base : tr("%1 (%2)").arg(base, suffix);
}

void EvaluationArea::refreshResults() {
    m_stored.clear();
    if (m_project) {
        auto rows = eval::listResults(*m_project, {}, 100000);
        if (rows) m_stored = std::move(*rows);
        else showStatus(m_status, formatFailure(rows.error()));
        m_specs = evalsettings::modelSpecs(m_project);
    }
    // Names of trained models: the run that wrote the folder and the step of the files evaluated.
    m_runNames.clear();
    m_trained.clear();
    if (m_project)
        if (auto runs = train::listRuns(m_project->db()))
            for (const auto& r : *runs)
                m_runNames.push_back({QDir::cleanPath(QString::fromStdString(r.outputDir)), QString::fromStdString(r.createdAt),
                                      r.name.empty() ? tr("run %1").arg(r.id) : QString::fromStdString(r.name)});
    for (const auto& s : m_stored) { // newest first
        const QString fp = QString::fromStdString(s.result.modelFingerprint);
        if (!m_trained.contains(fp))
            if (const QString suffix = trainedSuffix(s); !suffix.isEmpty()) m_trained.insert(fp, suffix);
    }
    fillResults();
    fillComparison();
    fillChart();
    scheduleEmptyState();
}

std::vector<eval::StoredResult> EvaluationArea::shownResults(bool latestOnly) const {
    const auto view = View(std::max(0, m_view->currentIndex()));
    std::vector<eval::StoredResult> out;
    std::set<std::string> seen;
    for (const auto& s : m_stored) { // newest first
        if (view == View::Quick && s.result.quick == 0) continue;
        if (view == View::Full && s.result.quick != 0) continue;
        if (latestOnly && !seen.insert(s.result.modelFingerprint + '\x1e' + resultKey(s.result)).second) continue;
        out.push_back(s);
    }
    return out;
}

void EvaluationArea::fillResults() {
    const auto rows = shownResults(m_latestOnly->isChecked());
    m_results->setRowCount(int(rows.size()));
    // One check per stamp: many rows share a model, and a check reads files once an mtime moved.
    std::map<std::string, eval::ModelFilesCheck> checks;
    for (int r = 0; r < int(rows.size()); ++r) {
        const auto& s = rows[std::size_t(r)];
        const auto& e = s.result;
        auto* model = textItem(resultModelName(s));
        QString tip = tr("fingerprint %1, pooling %2").arg(QString::fromStdString(e.modelFingerprint),
                                                           QString::fromStdString(e.pooling));
        bool changed = false;
        if (e.modelFiles) {
            const auto& m = *e.modelFiles;
            const std::string key = m.folder + '\x1f' + m.digest + '\x1f' + m.runId + '\x1f' + std::to_string(m.step);
            auto it = checks.find(key);
            if (it == checks.end()) it = checks.emplace(key, eval::checkModelFiles(m)).first;
            const auto& c = it->second;
            tip += QLatin1Char('\n') + tr("model folder %1").arg(QString::fromStdString(m.folder));
            if (!m.runId.empty())
                tip += QLatin1Char('\n') + tr("training run %1, step %2").arg(QString::fromStdString(m.runId)).arg(m.step);
            using State = eval::ModelFilesCheck::State;
            if (c.state == State::Changed || c.state == State::Missing) {
                changed = true;
                model->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
                tip.prepend((c.state == State::Missing ? tr("Model files gone since this result: %1")
                                                       : tr("Model files changed since this result: %1"))
                                .arg(QString::fromStdString(c.reason)) +
                            QLatin1Char('\n'));
            }
        }
        model->setData(kModelFilesChangedRole, changed);
        model->setToolTip(tip);
        m_results->setItem(r, 0, model);
        m_results->setItem(r, 1, textItem(taskLabel(e.taskType)));
        m_results->setItem(r, 2, textItem(QString::fromStdString(e.dataset)));
        m_results->setItem(r, 3, textItem(QString::fromStdString(e.split)));
        m_results->setItem(r, 4, textItem(e.quick ? tr("quick (%1)").arg(e.quick) : tr("full")));
        m_results->setItem(r, 5, textItem(QString::fromStdString(e.mainMetric)));
        auto* score = numberItem(e.mainScore);
        QStringList all;
        for (auto& [k, v] : e.metrics) all << QStringLiteral("%1 = %2").arg(QString::fromStdString(k)).arg(v, 0, 'f', 4);
        score->setToolTip(all.join(QLatin1Char('\n')));
        QFont bold = score->font();
        bold.setBold(true);
        score->setFont(bold);
        m_results->setItem(r, 6, score);
        auto t = e.timings.find("total");
        m_results->setItem(r, 7, t == e.timings.end() ? textItem(QString()) : numberItem(t->second, 2));
        m_results->setItem(r, 8, textItem(QString::fromStdString(s.createdAt).left(19).replace(QLatin1Char('T'), QLatin1Char(' '))));
    }
    m_results->resizeColumnsToContents();
}

void EvaluationArea::fillComparison() {
    const auto rows = shownResults(true);
    // Models in order of first appearance (newest result first), each with its results.
    std::vector<std::string> models;
    std::map<std::string, std::vector<eval::EvalResult>> byModel;
    for (const auto& s : rows) {
        auto& v = byModel[s.result.modelFingerprint];
        if (v.empty()) models.push_back(s.result.modelFingerprint);
        v.push_back(s.result);
    }
    m_loading = true;
    const QString previous = m_baseline->currentData().toString();
    m_baseline->clear();
    for (auto& m : models) m_baseline->addItem(modelName(m), QString::fromStdString(m));
    int keep = m_baseline->findData(previous);
    m_baseline->setCurrentIndex(keep >= 0 ? keep : (models.empty() ? -1 : int(models.size()) - 1));
    m_loading = false;

    m_comparison->clear();
    m_comparison->setRowCount(0);
    if (models.size() < 2) {
        m_comparison->setColumnCount(0);
        m_comparisonHint->setText(tr("Evaluate at least two models on the same datasets to compare them."));
        return;
    }
    const std::string base = m_baseline->currentData().toString().toStdString();
    std::vector<std::string> others;
    for (auto& m : models)
        if (m != base) others.push_back(m);
    QStringList headers = {tr("Task"), tr("Dataset"), tr("Metric"), tr("%1 (A)").arg(modelName(base))};
    for (auto& m : others) headers << modelName(m) << tr("Δ vs A") << tr("95% CI of Δ");
    m_comparison->setColumnCount(int(headers.size()));
    m_comparison->setHorizontalHeaderLabels(headers);

    // Rows keyed by (task, dataset, split): the baseline's order, then others' extras.
    std::vector<std::string> keys;
    std::map<std::string, int> rowOf;
    auto rowFor = [&](const std::string& key, const std::string& task, const std::string& dataset, const std::string& metric) {
        auto it = rowOf.find(key);
        if (it != rowOf.end()) return it->second;
        const int r = m_comparison->rowCount();
        m_comparison->insertRow(r);
        m_comparison->setItem(r, 0, textItem(taskLabel(task)));
        m_comparison->setItem(r, 1, textItem(QString::fromStdString(dataset)));
        m_comparison->setItem(r, 2, textItem(QString::fromStdString(metric)));
        rowOf[key] = r;
        return r;
    };
    for (auto& e : byModel[base]) {
        const int r = rowFor(resultKey(e), e.taskType, e.dataset, e.mainMetric);
        m_comparison->setItem(r, 3, numberItem(e.mainScore));
    }
    const QColor up(0, 130, 60), down(190, 30, 30);
    for (std::size_t m = 0; m < others.size(); ++m) {
        const int col = 4 + int(m) * 3;
        for (const auto& c : eval::compareRuns(byModel[base], byModel[others[m]], 1000, 0)) {
            const int r = rowFor(c.taskType + '\x1f' + c.dataset + '\x1f' + c.split, c.taskType, c.dataset, c.mainMetric);
            if (c.b) m_comparison->setItem(r, col, numberItem(*c.b));
            if (c.delta) {
                auto* d = numberItem(*c.delta, 4, true);
                d->setForeground(*c.delta > 0 ? up : *c.delta < 0 ? down : palette().color(QPalette::Text));
                d->setBackground(*c.delta > 0 ? QColor(220, 245, 225) : *c.delta < 0 ? QColor(250, 222, 222) : QColor());
                // Bold when the paired bootstrap interval excludes zero.
                if (c.ci && (c.ci->low > 0 || c.ci->high < 0)) {
                    QFont f = d->font();
                    f.setBold(true);
                    d->setFont(f);
                }
                m_comparison->setItem(r, col + 1, d);
            }
            if (c.ci) {
                auto* ci = textItem(QStringLiteral("[%1, %2]").arg(c.ci->low, 0, 'f', 4).arg(c.ci->high, 0, 'f', 4));
                ci->setToolTip(tr("paired bootstrap, %1 resamples, p = %2").arg(c.ci->resamples).arg(c.ci->pValue, 0, 'f', 3));
                ci->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_comparison->setItem(r, col + 2, ci);
            } else if (c.delta) {
                auto* na = textItem(tr("n/a"));
                na->setToolTip(tr("no per-item scores on common items (e.g. different quick subsamples)"));
                m_comparison->setItem(r, col + 2, na);
            }
        }
    }
    m_comparisonHint->setText(tr("Δ = model − A; green better, red worse; bold where the 95% paired bootstrap "
                                 "interval excludes 0."));
    m_comparison->resizeColumnsToContents();
}

void EvaluationArea::fillChart() {
    const auto rows = shownResults(true);
    std::vector<std::string> types;
    for (const auto& s : rows)
        if (std::find(types.begin(), types.end(), s.result.taskType) == types.end()) types.push_back(s.result.taskType);
    std::sort(types.begin(), types.end());
    m_loading = true;
    const QString previous = m_chartType->currentData().toString();
    m_chartType->clear();
    for (auto& t : types) m_chartType->addItem(taskLabel(t), QString::fromStdString(t));
    const int keep = m_chartType->findData(previous);
    m_chartType->setCurrentIndex(keep >= 0 ? keep : (types.empty() ? -1 : 0));
    m_loading = false;

    m_chart->clearPlottables();
    m_chart->clearItems();
    m_chart->legend->setVisible(false);
    const std::string type = m_chartType->currentData().toString().toStdString();
    if (type.empty()) {
        m_chart->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    std::vector<std::string> datasets, models;
    std::map<std::pair<std::string, std::string>, double> score;
    std::string metric;
    for (const auto& s : rows) {
        const auto& e = s.result;
        if (e.taskType != type) continue;
        if (std::find(datasets.begin(), datasets.end(), e.dataset) == datasets.end()) datasets.push_back(e.dataset);
        if (std::find(models.begin(), models.end(), e.modelFingerprint) == models.end()) models.push_back(e.modelFingerprint);
        score[{e.modelFingerprint, e.dataset}] = e.mainScore;
        metric = e.mainMetric;
    }
    std::sort(datasets.begin(), datasets.end());
    // Stable colours and order: models by name.
    std::sort(models.begin(), models.end(), [this](const std::string& x, const std::string& y) {
        return modelName(x).localeAwareCompare(modelName(y)) < 0;
    });
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t i = 0; i < datasets.size(); ++i) ticker->addTick(double(i + 1), QString::fromStdString(datasets[i]));
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(0.4, double(datasets.size()) + 0.6);
    m_chart->xAxis->grid()->setVisible(false);
    m_chart->yAxis->setLabel(QString::fromStdString(metric));
    auto* group = new QCPBarsGroup(m_chart);
    const double width = std::min(0.3, 0.8 / double(std::max<std::size_t>(1, models.size())));
    double lo = 0, hi = 0;
    for (std::size_t m = 0; m < models.size(); ++m) {
        auto* bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
        bars->setName(modelName(models[m]));
        const QColor colour = MapView::paletteColor(int(m));
        bars->setPen(colour.darker(130));
        bars->setBrush(colour);
        bars->setWidth(width);
        bars->setBarsGroup(group);
        for (std::size_t i = 0; i < datasets.size(); ++i) {
            auto it = score.find({models[m], datasets[i]});
            if (it == score.end()) continue;
            bars->addData(double(i + 1), it->second);
            lo = std::min(lo, it->second);
            hi = std::max(hi, it->second);
        }
        bars->addToLegend();
    }
    // Spacing in key units, so each bar's centre is known for its score label.
    const double gap = width * 0.06;
    group->setSpacingType(QCPBarsGroup::stPlotCoords);
    group->setSpacing(gap);
    const int nBars = m_chart->plottableCount();
    for (int b = 0; b < nBars; ++b) {
        auto* bars = qobject_cast<QCPBars*>(m_chart->plottable(b));
        const double offset = (b - (nBars - 1) / 2.0) * (width + gap);
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
            auto* label = new QCPItemText(m_chart);
            label->setText(QString::number(it->value, 'f', 3));
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(it->key + offset, it->value);
            label->setPositionAlignment(it->value >= 0 ? (Qt::AlignBottom | Qt::AlignHCenter) : (Qt::AlignTop | Qt::AlignHCenter));
            label->setPadding(QMargins(0, 2, 0, 2));
        }
    }
    m_chart->yAxis->setRange(lo < 0 ? lo * 1.1 : 0, hi > 0 ? std::max(hi * 1.12, 0.1) : 0.1);
    m_chart->legend->setVisible(true);
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

QString EvaluationArea::exportCurrent(const QString& path) {
    return exportTable(m_tabs->currentIndex() == 0 ? m_results : m_comparison, path);
}

void EvaluationArea::exportDialog() {
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QStringLiteral("evaluation.csv"),
                                                      tr("CSV (*.csv);;Markdown (*.md)"), &selected);
    if (path.isEmpty()) return;
    QString target = path;
    if (QFileInfo(path).suffix().isEmpty()) target += selected.contains(QLatin1String("*.md")) ? QStringLiteral(".md") : QStringLiteral(".csv");
    const QString err = exportCurrent(target);
    if (!err.isEmpty()) QMessageBox::warning(this, tr("Export table"), err);
    else Q_EMIT statusMessage(tr("Wrote %1").arg(target));
}

} // namespace synthembed::ui
