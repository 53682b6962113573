#include "ui/areas/explorer_area.h"

#include "ui/eval/eval_settings.h"
#include "ui/explorer/map_view.h"
#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"
#include "ui/models/model_reference.h"

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder_factory.h"
#include "core/search/exact.h"
#include "core/search/projection.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QAbstractListModel>
#include <QButtonGroup>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <map>

namespace synthembed::ui {

/// An embedded set: items, their unit vectors, the 2-D PCA projection, and the encoder for
/// queries. Immutable once built; jobs hold it by shared_ptr.
struct ExplorerArea::Space {
    std::vector<eval::CorpusItem> items;
    Matrix vectors;
    search::Projection projection;
    std::shared_ptr<eval::TextEncoder> encoder;
    QString model, source;
};

/// The box-selected points as a list (a model over indexes, cheap for 100k rows).
class ExplorerArea::SelectionModel : public QAbstractListModel {
public:
    using QAbstractListModel::QAbstractListModel;
    void reset(std::shared_ptr<const Space> space, std::vector<int> rows) {
        beginResetModel();
        m_space = std::move(space);
        m_rows = std::move(rows);
        endResetModel();
    }
    int rowCount(const QModelIndex& parent) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    QVariant data(const QModelIndex& index, int role) const override {
        if (!m_space || !index.isValid() || index.row() >= int(m_rows.size())) return {};
        const auto& item = m_space->items[std::size_t(m_rows[std::size_t(index.row())])];
        if (role == Qt::DisplayRole) return QString::fromStdString(item.text).simplified().left(200);
        if (role == Qt::ToolTipRole) return QString::fromStdString(item.text).left(1000);
        if (role == Qt::UserRole) return m_rows[std::size_t(index.row())];
        return {};
    }

private:
    std::shared_ptr<const Space> m_space;
    std::vector<int> m_rows;
};

namespace {

template <class T>
T take(Result<T> r) {
    if (!r) throw Failure(r.error().code, r.error().message);
    return std::move(r).take();
}

QString field(const eval::CorpusItem& item, int which) {
    const std::string& s = which == 0 ? item.family : which == 1 ? item.language : item.label;
    return QString::fromStdString(s);
}

QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* it = new QTableWidgetItem(text);
    it->setFlags(it->flags() & ~Qt::ItemIsEditable);
    if (number) it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return it;
}

constexpr int kMaxCategories = 19; // the rest share one "other" colour

} // namespace

ExplorerArea::ExplorerArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("explorerArea"));
    m_pool.setMaxThreadCount(1);
    buildUi();
    refreshSources();
    refreshModels();
    updateButtons();
}

ExplorerArea::~ExplorerArea() {
    if (m_cancel) *m_cancel = true;
    m_pool.waitForDone();
}

void ExplorerArea::buildUi() {
    auto* outer = new QVBoxLayout(this);
    outer->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(title().toHtmlEscaped()), this));

    auto* setRow = new QHBoxLayout;
    setRow->addWidget(new QLabel(tr("Embedding set:"), this));
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("explorerSource"));
    setRow->addWidget(m_source);
    m_path = new QLineEdit(this);
    m_path->setPlaceholderText(tr("corpus.jsonl (one {\"text\": ...} per line)"));
    m_path->setObjectName(QStringLiteral("explorerPath"));
    setRow->addWidget(m_path, 1);
    m_browse = new QPushButton(tr("Browse..."), this);
    setRow->addWidget(m_browse);
    // Takes the free width while the path field is hidden, so the label stays beside its combo.
    setRow->addStretch(0);
    outer->addLayout(setRow);
    // Second row, so the area stays narrow enough beside the guide panel.
    setRow = new QHBoxLayout;
    setRow->addWidget(new QLabel(tr("Model:"), this));
    m_model = new QComboBox(this);
    m_model->setEditable(true);
    m_model->setMinimumContentsLength(18);
    m_model->setObjectName(QStringLiteral("explorerModel"));
    m_model->setToolTip(tr("A model folder, a Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache, "
                           "or hash:DIM for the model-free hashing baseline"));
    setRow->addWidget(m_model);
    auto* modelBrowse = new QToolButton(this);
    modelBrowse->setText(QStringLiteral("..."));
    modelBrowse->setToolTip(tr("Choose a model folder"));
    setRow->addWidget(modelBrowse);
    auto* modelDownload = new QToolButton(this);
    modelDownload->setObjectName(QStringLiteral("explorerDownloadModel"));
    modelDownload->setText(tr("Download..."));
    modelDownload->setToolTip(tr("Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the "
                                 "Hugging Face cache, and use it here."));
    setRow->addWidget(modelDownload);
    connect(modelDownload, &QToolButton::clicked, this, [this] {
        DownloadDialog::openFor(this, [this](const QString& path) { setModel(path); });
    });
    m_limit = new QSpinBox(this);
    m_limit->setRange(0, 100000000);
    m_limit->setSpecialValueText(tr("all texts"));
    m_limit->setPrefix(tr("max "));
    m_limit->setToolTip(tr("Embed at most this many texts (0 = all)"));
    setRow->addWidget(m_limit);
    m_embedButton = new QPushButton(tr("Embed"), this);
    m_embedButton->setObjectName(QStringLiteral("explorerEmbed"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    setRow->addWidget(m_embedButton);
    setRow->addWidget(m_cancelButton);
    setRow->addStretch(1);
    outer->addLayout(setRow);
    // Size, dtype and memory of the chosen model folder, from its headers (nothing is loaded).
    auto* modelInfo = new QLabel(this);
    modelInfo->setObjectName(QStringLiteral("explorerModelInfo"));
    modelInfo->setWordWrap(true);
    modelInfo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    modelInfo->hide();
    outer->addWidget(modelInfo);
    // A repo id resolves from the Hugging Face cache like a folder, or says it is not downloaded
    // with a Download... link (the dialog prefilled; the field keeps the repo id).
    connect(m_model, &QComboBox::currentTextChanged, this, [modelInfo](const QString& text) { showModelInfo(modelInfo, text); });
    connectDownloadLink(modelInfo, this, [this, modelInfo](const QString&, const QString&) {
        showModelInfo(modelInfo, m_model->currentText());
    });

    auto* statusRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(220);
    statusRow->addWidget(m_progress);
    m_status = new QLabel(tr("Pick a set and a model, then Embed."), this);
    m_status->setObjectName(QStringLiteral("explorerStatus"));
    // Long messages (errors naming paths) must not widen the window.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusRow->addWidget(m_status, 1);
    outer->addLayout(statusRow);

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        const QString kind = m_source->currentData().toString();
        m_path->setVisible(kind == QLatin1String("jsonl"));
        m_browse->setVisible(kind == QLatin1String("jsonl"));
        if (kind.startsWith(QLatin1String("dataset:"))) {
            const auto i = std::size_t(kind.mid(8).toInt());
            if (i < m_datasets.size())
                m_instruction->setText(QString::fromStdString(eval::defaultInstruction(m_datasets[i].type, m_datasets[i].name)));
        }
        updateButtons();
    });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("JSONL corpus"), QString(), tr("JSON lines (*.jsonl *.json);;All files (*)"));
        if (!f.isEmpty()) m_path->setText(f);
    });
    connect(modelBrowse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model folder"));
        if (!dir.isEmpty()) setModel(dir);
    });
    connect(m_path, &QLineEdit::textChanged, this, [this] { updateButtons(); });
    connect(m_embedButton, &QPushButton::clicked, this, &ExplorerArea::embed);
    connect(m_cancelButton, &QPushButton::clicked, this, &ExplorerArea::cancel);

    // Query and instruction span the whole width (above the split) so their placeholders and
    // typical e5 instructions stay readable, also in longer languages.
    auto* queryGrid = new QGridLayout;
    m_query = new QLineEdit(this);
    m_query->setObjectName(QStringLiteral("explorerQuery"));
    m_query->setPlaceholderText(tr("Type a query and press Enter"));
    m_instruction = new QLineEdit(this);
    m_instruction->setObjectName(QStringLiteral("explorerInstruction"));
    m_instruction->setPlaceholderText(tr("Instruction for the query (optional, e5 style)"));
    m_k = new QSpinBox(this);
    m_k->setObjectName(QStringLiteral("explorerK"));
    m_k->setRange(1, 1000);
    m_k->setValue(10);
    m_searchButton = new QPushButton(tr("Search"), this);
    m_searchButton->setObjectName(QStringLiteral("explorerSearch"));
    queryGrid->addWidget(new QLabel(tr("Query:"), this), 0, 0);
    queryGrid->addWidget(m_query, 0, 1);
    auto* kLabel = new QLabel(tr("Neighbours:"), this);
    kLabel->setBuddy(m_k);
    queryGrid->addWidget(kLabel, 0, 2);
    queryGrid->addWidget(m_k, 0, 3);
    queryGrid->addWidget(m_searchButton, 0, 4);
    queryGrid->addWidget(new QLabel(tr("Instruction:"), this), 1, 0);
    queryGrid->addWidget(m_instruction, 1, 1, 1, 4);
    queryGrid->setColumnStretch(1, 1);
    outer->addLayout(queryGrid);

    // Left: neighbours and the text of one. Right: the map.
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(split);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    m_trail = new QLabel(left);
    m_trail->setWordWrap(true);
    m_trail->setObjectName(QStringLiteral("explorerTrail"));
    ll->addWidget(m_trail);
    m_results = new QTableWidget(0, 4, left);
    m_results->setObjectName(QStringLiteral("explorerResults"));
    m_results->setHorizontalHeaderLabels({tr("#"), tr("Score"), tr("Label"), tr("Text")});
    m_results->verticalHeader()->setVisible(false);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setWordWrap(false);
    m_results->resizeColumnsToContents(); // header widths until the first results come
    m_results->setToolTip(tr("Click a neighbour to read it; double-click to search its neighbours"));
    ll->addWidget(m_results, 2);
    m_text = new QTextBrowser(left);
    m_text->setObjectName(QStringLiteral("explorerText"));
    ll->addWidget(m_text, 1);
    m_neighboursButton = new QPushButton(tr("Neighbours of this text"), left);
    m_neighboursButton->setObjectName(QStringLiteral("explorerNeighbours"));
    ll->addWidget(m_neighboursButton);

    auto doSearch = [this] {
        if (!m_query->text().trimmed().isEmpty()) search(m_query->text(), m_instruction->text(), m_k->value());
    };
    connect(m_query, &QLineEdit::returnPressed, this, doSearch);
    connect(m_searchButton, &QPushButton::clicked, this, doSearch);
    connect(m_results, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && row < int(m_hits.size())) showItem(m_hits[std::size_t(row)]);
    });
    connect(m_results, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        if (row >= 0 && row < int(m_hits.size())) neighboursOf(m_hits[std::size_t(row)], m_k->value());
    });
    connect(m_neighboursButton, &QPushButton::clicked, this, [this] {
        if (m_current >= 0) neighboursOf(m_current, m_k->value());
    });

    auto* right = new QWidget(split);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    auto* mapRow = new QHBoxLayout;
    mapRow->addWidget(new QLabel(tr("Colour by:"), right));
    m_colourBy = new QComboBox(right);
    m_colourBy->setObjectName(QStringLiteral("explorerColourBy"));
    m_colourBy->addItems({tr("Family"), tr("Language"), tr("Label")});
    mapRow->addWidget(m_colourBy);
    auto* reset = new QToolButton(right);
    reset->setText(tr("Reset view"));
    mapRow->addWidget(reset);
    m_mapInfo = new QLabel(right);
    m_mapInfo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    mapRow->addWidget(m_mapInfo, 1);
    rl->addLayout(mapRow);
    // What a drag on the map does: pan, a selection box, or a freehand lasso.
    auto* dragRow = new QHBoxLayout;
    dragRow->addWidget(new QLabel(tr("Drag to:"), right));
    auto* dragGroup = new QButtonGroup(right);
    auto dragButton = [&](const QString& text, const QString& name, const QString& tip, MapView::DragMode mode) {
        auto* b = new QToolButton(right);
        b->setText(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        b->setCheckable(true);
        b->setAutoRaise(false);
        dragGroup->addButton(b, int(mode));
        dragRow->addWidget(b);
        return b;
    };
    m_panMode = dragButton(tr("Pan"), QStringLiteral("explorerPan"),
                           tr("Drag moves the view, the wheel zooms (Shift-drag still draws a box)"), MapView::DragMode::Pan);
    m_boxMode = dragButton(tr("Box select"), QStringLiteral("explorerBoxSelect"),
                           tr("Drag a box to list its points"), MapView::DragMode::Box);
    m_lassoMode = dragButton(tr("Lasso select"), QStringLiteral("explorerLasso"),
                             tr("Draw a freehand outline around points to list them"), MapView::DragMode::Lasso);
    m_panMode->setChecked(true);
    dragRow->addStretch(1);
    rl->addLayout(dragRow);
    m_map = new MapView(right);
    m_map->setObjectName(QStringLiteral("explorerMap"));
    m_map->setMinimumSize(320, 260);
    rl->addWidget(m_map, 3);
    m_selectionLabel = new QLabel(tr("Select points on the map (Box select, Lasso select, or Shift-drag) to list them here."), right);
    m_selectionLabel->setObjectName(QStringLiteral("explorerSelectionLabel"));
    m_selectionLabel->setWordWrap(true); // a long translation wraps instead of widening the area
    rl->addWidget(m_selectionLabel);
    m_selectionList = new QListView(right);
    m_selectionList->setObjectName(QStringLiteral("explorerSelection"));
    m_selectionList->setUniformItemSizes(true);
    m_selectionModel = new SelectionModel(this);
    m_selectionList->setModel(m_selectionModel);
    m_selectionList->setMaximumHeight(140);
    rl->addWidget(m_selectionList, 1);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    outer->addWidget(split, 1);

    connect(m_colourBy, &QComboBox::currentIndexChanged, this, [this] { updateColours(); });
    connect(dragGroup, &QButtonGroup::idClicked, this, [this](int id) { m_map->setDragMode(MapView::DragMode(id)); });
    connect(reset, &QToolButton::clicked, m_map, &MapView::resetView);
    connect(m_map, &MapView::pointClicked, this, [this](int i) {
        showItem(i);
        neighboursOf(i, m_k->value());
    });
    connect(m_map, &MapView::selectionChanged, this, [this](const QList<int>& points) {
        m_selectionModel->reset(m_space, std::vector<int>(points.begin(), points.end()));
        m_selectionLabel->setText(tr("Selected: %1 point(s)").arg(points.size()));
    });
    connect(m_selectionList, &QListView::clicked, this, [this](const QModelIndex& index) {
        showItem(index.data(Qt::UserRole).toInt());
    });
    m_map->setTooltipProvider([this](int i) -> QString {
        if (!m_space || i < 0 || i >= int(m_space->items.size())) return {};
        const auto& it = m_space->items[std::size_t(i)];
        QStringList tags;
        for (int f = 0; f < 3; ++f)
            if (!field(it, f).isEmpty()) tags << field(it, f).toHtmlEscaped();
        return QStringLiteral("<b>%1</b><br/>%2").arg(tags.join(QStringLiteral(" · ")),
                                                      QString::fromStdString(it.text).left(280).toHtmlEscaped());
    });
}

void ExplorerArea::setProject(store::Project* project) {
    if (project == m_project) return;
    if (m_cancel) *m_cancel = true;
    m_pool.waitForDone();
    ++m_generation; // results of jobs for the old project are dropped
    m_busy = false;
    Area::setProject(project);
    refreshSources();
    refreshModels();
    updateButtons();
}

void ExplorerArea::projectDataChanged(const ProjectChange& change) {
    // Hidden, showEvent catches up.
    if (!m_project || !isVisible() || !change.touches("settings")) return;
    refreshSources();
    refreshModels();
    updateButtons();
}

void ExplorerArea::showEvent(QShowEvent* event) {
    // Datasets and models may have been added in the Evaluation area meanwhile.
    refreshSources();
    refreshModels();
    Area::showEvent(event);
}

void ExplorerArea::refreshSources() {
    const QString previous = m_source->currentData().toString();
    m_datasets = evalsettings::datasets(m_project);
    QSignalBlocker block(m_source);
    m_source->clear();
    m_source->addItem(tr("Project samples (accepted)"), QStringLiteral("samples"));
    m_source->addItem(tr("JSONL corpus..."), QStringLiteral("jsonl"));
    for (std::size_t i = 0; i < m_datasets.size(); ++i)
        m_source->addItem(tr("Dataset: %1").arg(QString::fromStdString(m_datasets[i].name)),
                          QStringLiteral("dataset:%1").arg(i));
    const int keep = m_source->findData(previous);
    m_source->setCurrentIndex(keep >= 0 ? keep : 0);
    const QString kind = m_source->currentData().toString();
    m_path->setVisible(kind == QLatin1String("jsonl"));
    m_browse->setVisible(kind == QLatin1String("jsonl"));
}

void ExplorerArea::refreshModels() {
    const QString current = m_model->currentText();
    QStringList models = evalsettings::models(m_project);
    if (!models.contains(QStringLiteral("hash:256"))) models << QStringLiteral("hash:256");
    QSignalBlocker block(m_model);
    m_model->clear();
    m_model->addItems(models);
    m_model->setCurrentText(current.isEmpty() ? models.first() : current);
}

bool ExplorerArea::setSource(Source source, const QString& pathOrName) {
    refreshSources();
    QString key = QStringLiteral("samples");
    if (source == Source::Jsonl) {
        key = QStringLiteral("jsonl");
        m_path->setText(pathOrName);
    } else if (source == Source::Dataset) {
        key.clear();
        for (std::size_t i = 0; i < m_datasets.size(); ++i)
            if (QString::fromStdString(m_datasets[i].name) == pathOrName) key = QStringLiteral("dataset:%1").arg(i);
        if (key.isEmpty()) return false;
    }
    m_source->setCurrentIndex(m_source->findData(key));
    return true;
}

void ExplorerArea::setModel(const QString& spec) { m_model->setCurrentText(spec); }
void ExplorerArea::setLimit(int limit) { m_limit->setValue(limit); }
void ExplorerArea::setColourBy(int f) { m_colourBy->setCurrentIndex(f); }
int ExplorerArea::itemCount() const { return m_space ? int(m_space->items.size()) : 0; }
QString ExplorerArea::itemText(int i) const {
    return m_space && i >= 0 && i < itemCount() ? QString::fromStdString(m_space->items[std::size_t(i)].text) : QString();
}

void ExplorerArea::updateButtons() {
    const QString kind = m_source->currentData().toString();
    const bool haveSet = kind != QLatin1String("jsonl") || !m_path->text().trimmed().isEmpty();
    const bool needProject = kind == QLatin1String("samples");
    m_embedButton->setEnabled(!m_busy && haveSet && (!needProject || m_project));
    m_cancelButton->setEnabled(m_busy);
    m_searchButton->setEnabled(!m_busy && m_space);
    m_query->setEnabled(bool(m_space));
    m_neighboursButton->setEnabled(!m_busy && m_space && m_current >= 0);
}

void ExplorerArea::postProgress(int generation, qint64 done, qint64 total, const QString& stage) {
    QMetaObject::invokeMethod(this, [this, generation, done, total, stage] {
        if (generation != m_generation) return;
        m_progress->setValue(total > 0 ? int(1000 * done / total) : 0);
        m_status->setText(stage);
    }, Qt::QueuedConnection);
}

void ExplorerArea::embed() {
    if (m_busy) return;
    const QString kind = m_source->currentData().toString();
    const QString model = m_model->currentText().trimmed();
    if (model.isEmpty()) {
        m_status->setText(tr("Choose a model first"));
        return;
    }
    if (kind == QLatin1String("samples") && !m_project) {
        m_status->setText(tr("Open a project first"));
        return;
    }
    const std::size_t limit = std::size_t(m_limit->value());
    const std::filesystem::path projectPath = m_project ? m_project->path() : std::filesystem::path();
    const std::filesystem::path jsonl = m_path->text().trimmed().toStdString();
    std::optional<eval::DatasetEntry> dataset;
    if (kind.startsWith(QLatin1String("dataset:"))) {
        const auto i = std::size_t(kind.mid(8).toInt());
        if (i >= m_datasets.size()) return;
        dataset = m_datasets[i];
    }
    const QString sourceName = m_source->currentText();
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancel;
    const int gen = ++m_generation;
    m_busy = true;
    m_progress->setValue(0);
    m_status->setText(tr("Reading texts..."));
    updateButtons();
    m_pool.start([=, this] {
        std::shared_ptr<Space> space;
        QString error;
        try {
            auto s = std::make_shared<Space>();
            s->model = model;
            s->source = sourceName;
            if (dataset) {
                s->items = take(eval::datasetCorpus(*dataset, limit));
            } else if (kind == QLatin1String("jsonl")) {
                s->items = take(eval::readJsonlCorpus(jsonl, limit));
            } else {
                auto project = take(store::Project::open(projectPath));
                s->items = take(eval::projectSamplesCorpus(project, limit));
            }
            if (s->items.empty()) throw Failure("empty", tr("The set has no texts to embed").toStdString());
            const QString modelName = ModelReference::resolve(model).displayName();
            postProgress(gen, 0, 1, loadingModelText(modelName, 0, 0));
            eval::EncoderSpec spec;
            spec.model = model.toStdString(); // a folder, hash:DIM, or a repo id in the Hugging Face cache
            auto lastLoad = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            spec.loadHooks.shouldStop = [cancel] { return cancel->load(); };
            spec.loadHooks.progress = [&, gen](std::int64_t done, std::int64_t total, const std::string&) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastLoad < std::chrono::milliseconds(100) && done != total) return;
                lastLoad = now;
                postProgress(gen, done, total, loadingModelText(modelName, done, total));
            };
            s->encoder = take(eval::openEncoder(spec));
            std::unique_ptr<eval::EmbeddingCache> cache;
            try {
                cache = std::make_unique<eval::EmbeddingCache>(eval::EmbeddingCache::defaultPath());
            } catch (const Failure& f) {
                log::warn("embedding cache unavailable: ", f.what());
            }
            std::vector<std::string> texts;
            texts.reserve(s->items.size());
            for (auto& it : s->items) texts.push_back(it.text);
            auto last = std::chrono::steady_clock::now();
            ProgressHooks hooks;
            hooks.shouldStop = [cancel] { return cancel->load(); };
            hooks.progress = [&, gen](std::int64_t done, std::int64_t total, const std::string&) {
                const auto now = std::chrono::steady_clock::now();
                if (now - last < std::chrono::milliseconds(50)) return;
                last = now;
                postProgress(gen, done, total, tr("Embedding %1 of %2 texts...").arg(done).arg(total));
            };
            postProgress(gen, 0, qint64(texts.size()), tr("Embedding %1 texts...").arg(texts.size()));
            s->vectors = eval::embedTexts(*s->encoder, cache.get(), texts, std::string(), hooks);
            normalizeRows(s->vectors);
            if (cancel->load()) throw Failure("cancelled", tr("Cancelled").toStdString());
            postProgress(gen, 1, 1, tr("Projecting %1 points (PCA)...").arg(texts.size()));
            s->projection = search::pca(s->vectors, 2);
            if (cache)
                log::info("explorer: embedded ", texts.size(), " texts (cache ", cache->stats().hits, " hits, ",
                          cache->stats().misses, " misses)");
            space = std::move(s);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, gen, space, error] {
            if (gen == m_generation) onEmbedded(space, error);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::cancel() {
    if (m_cancel) *m_cancel = true;
}

void ExplorerArea::onEmbedded(std::shared_ptr<const Space> space, const QString& error) {
    m_busy = false;
    if (!space) {
        m_status->setText(error);
        m_progress->setValue(0);
        Q_EMIT statusMessage(error);
        updateButtons();
        Q_EMIT embedded(0, error);
        return;
    }
    m_space = std::move(space);
    m_hits.clear();
    m_current = -1;
    m_results->setRowCount(0);
    m_text->clear();
    m_trail->clear();
    m_selectionModel->reset(m_space, {});
    m_selectionLabel->setText(tr("Select points on the map (Box select, Lasso select, or Shift-drag) to list them here."));
    const auto& pts = m_space->projection.points;
    std::vector<float> xy(pts.rows * 2);
    for (std::size_t i = 0; i < pts.rows; ++i) {
        xy[2 * i] = pts.row(i)[0];
        xy[2 * i + 1] = pts.cols > 1 ? pts.row(i)[1] : 0.0f;
    }
    m_map->setPoints(std::move(xy));
    updateColours();
    const auto& p = m_space->projection;
    double explained = 0;
    for (double v : p.explainedVariance) explained += v;
    const QString info = tr("%1 points, %2 dimensions; PCA keeps %3% of the variance")
                             .arg(pts.rows)
                             .arg(m_space->vectors.cols)
                             .arg(p.totalVariance > 0 ? 100.0 * explained / p.totalVariance : 0.0, 0, 'f', 1);
    m_mapInfo->setText(info);
    m_progress->setValue(1000);
    m_status->setText(tr("Embedded %1 texts of %2 with %3").arg(pts.rows).arg(m_space->source, m_space->model));
    updateButtons();
    Q_EMIT embedded(int(pts.rows), QString());
}

void ExplorerArea::updateColours() {
    if (!m_space) return;
    const int which = m_colourBy->currentIndex();
    std::map<QString, int> counts;
    for (auto& it : m_space->items) ++counts[field(it, which)];
    std::vector<std::pair<int, QString>> order;
    for (auto& [name, n] : counts)
        if (!name.isEmpty()) order.emplace_back(-n, name);
    std::sort(order.begin(), order.end());
    QStringList names;
    std::map<QString, int> index;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (int(i) < kMaxCategories || order.size() == std::size_t(kMaxCategories) + 1) {
            index[order[i].second] = int(names.size());
            names << order[i].second;
        } else {
            if (names.size() == kMaxCategories) names << tr("other (%1 values)").arg(order.size() - kMaxCategories);
            index[order[i].second] = kMaxCategories;
        }
    }
    std::vector<int> cat(m_space->items.size(), -1);
    for (std::size_t i = 0; i < cat.size(); ++i) {
        auto it = index.find(field(m_space->items[i], which));
        if (it != index.end()) cat[i] = it->second;
    }
    m_map->setCategories(std::move(cat), names);
}

void ExplorerArea::search(const QString& query, const QString& instruction, int k) {
    if (!m_space || m_busy || query.trimmed().isEmpty()) return;
    // The fields show what was searched, also when called from code.
    if (m_query->text() != query) m_query->setText(query);
    if (m_instruction->text() != instruction) m_instruction->setText(instruction);
    if (m_k->value() != k) m_k->setValue(k);
    auto space = m_space;
    const int gen = ++m_generation;
    m_busy = true;
    updateButtons();
    m_status->setText(tr("Searching..."));
    const std::string q = query.toStdString(), instr = instruction.trimmed().toStdString();
    const QString heading = instr.empty() ? tr("Query: “%1”").arg(query) : tr("Query: “%1” (instruction: %2)").arg(query, instruction);
    m_pool.start([=, this] {
        std::vector<int> hits;
        std::vector<float> scores;
        QPointF marker(qQNaN(), qQNaN());
        QString error;
        try {
            Matrix qv = eval::embedTexts(*space->encoder, nullptr, {q}, instr);
            normalizeRows(qv);
            search::ExactSearchOptions o;
            o.k = std::size_t(k);
            const auto found = search::exactSearch(space->vectors, qv, o); // keep the result alive
            for (auto& h : found[0]) {
                hits.push_back(int(h.row));
                scores.push_back(h.score);
            }
            Matrix p = search::project(space->projection, qv);
            marker = QPointF(p.row(0)[0], p.cols > 1 ? p.row(0)[1] : 0.0f);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [=, this] {
            if (gen != m_generation) return;
            if (!error.isEmpty()) {
                m_busy = false;
                m_status->setText(error);
                updateButtons();
                return;
            }
            onSearched(hits, scores, marker, heading);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::neighboursOf(int index, int k) {
    if (!m_space || m_busy || index < 0 || index >= itemCount()) return;
    auto space = m_space;
    const int gen = ++m_generation;
    m_busy = true;
    updateButtons();
    const QString heading = tr("Neighbours of “%1”").arg(QString::fromStdString(space->items[std::size_t(index)].text).simplified().left(120));
    m_pool.start([=, this] {
        std::vector<int> hits;
        std::vector<float> scores;
        try {
            Matrix qv = space->vectors.gather({std::size_t(index)});
            search::ExactSearchOptions o;
            o.k = std::size_t(k) + 1;
            const auto found = search::exactSearch(space->vectors, qv, o);
            for (auto& h : found[0]) {
                if (h.row == index || int(hits.size()) == k) continue;
                hits.push_back(int(h.row));
                scores.push_back(h.score);
            }
        } catch (const std::exception& e) {
            log::error("explorer: neighbour search failed: ", e.what());
        }
        const auto& pts = space->projection.points;
        const QPointF marker(pts.row(std::size_t(index))[0], pts.cols > 1 ? pts.row(std::size_t(index))[1] : 0.0f);
        QMetaObject::invokeMethod(this, [=, this] {
            if (gen == m_generation) onSearched(hits, scores, marker, heading);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::onSearched(std::vector<int> hits, std::vector<float> scores, QPointF marker, const QString& heading) {
    m_busy = false;
    m_hits = std::move(hits);
    m_trail->setText(heading.toHtmlEscaped());
    m_results->setRowCount(int(m_hits.size()));
    for (int r = 0; r < int(m_hits.size()); ++r) {
        const auto& it = m_space->items[std::size_t(m_hits[std::size_t(r)])];
        m_results->setItem(r, 0, cell(QString::number(r + 1), true));
        m_results->setItem(r, 1, cell(QString::number(scores[std::size_t(r)], 'f', 4), true));
        QString label = QString::fromStdString(!it.label.empty() ? it.label : it.family);
        m_results->setItem(r, 2, cell(label));
        auto* text = cell(QString::fromStdString(it.text).simplified().left(300));
        text->setToolTip(QString::fromStdString(it.text).left(1000));
        m_results->setItem(r, 3, text);
    }
    m_results->resizeColumnToContents(0);
    m_results->resizeColumnToContents(1);
    m_results->resizeColumnToContents(2);
    m_map->setHighlighted(m_hits);
    m_map->setQueryMarker(marker);
    m_status->setText(tr("%1 neighbour(s)").arg(m_hits.size()));
    if (!m_hits.empty()) {
        QSignalBlocker block(m_results);
        m_results->setCurrentCell(0, 0);
        showItem(m_hits.front());
    }
    updateButtons();
    Q_EMIT searched(int(m_hits.size()));
}

void ExplorerArea::showItem(int index) {
    if (!m_space || index < 0 || index >= itemCount()) return;
    m_current = index;
    const auto& it = m_space->items[std::size_t(index)];
    QStringList meta;
    if (!it.key.empty()) meta << tr("id %1").arg(QString::fromStdString(it.key).toHtmlEscaped());
    if (!it.family.empty()) meta << tr("family %1").arg(QString::fromStdString(it.family).toHtmlEscaped());
    if (!it.language.empty()) meta << tr("language %1").arg(QString::fromStdString(it.language).toHtmlEscaped());
    if (!it.label.empty()) meta << tr("label %1").arg(QString::fromStdString(it.label).toHtmlEscaped());
    m_text->setHtml(QStringLiteral("<p style='color:gray'>%1</p><p>%2</p>")
                        .arg(meta.join(QStringLiteral(" · ")),
                             QString::fromStdString(it.text).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br/>"))));
    updateButtons();
}

} // namespace synthembed::ui
