#include "ui/areas/explorer_area.h"

#include "ui/errors.h"

#include "ui/eval/eval_settings.h"
#include "ui/explorer/map_view.h"
#include "ui/models/download_dialog.h"
#include "ui/models/model_memory.h"
#include "ui/models/model_reference.h"
#include "ui/widgets/empty_state.h"

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder_factory.h"
#include "core/gen/sample_browse.h"
#include "core/search/exact.h"
#include "core/search/layout.h"
#include "core/search/projection.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QAbstractTableModel>
#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QKeySequence>
#include <QAction>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace synthembed::ui {

/// An embedded set: items, their unit vectors, the 2-D PCA projection, and the encoder for
/// queries. Immutable once built; jobs hold it by shared_ptr.
struct ExplorerArea::Space {
    std::vector<eval::CorpusItem> items;
    Matrix vectors;
    search::Projection projection;
    std::shared_ptr<eval::TextEncoder> encoder;
    QString model, source;
    bool fromSamples = false;             ///< items are the project's samples (key "<id>:q|p|n")
    std::vector<qint64> sampleId;         ///< per item: its sample, or -1
    std::vector<int> role;                ///< per item: 0 query, 1 positive, 2 negative, -1 none
};

namespace {
/// The sample id in a project-samples key ("12:q" -> 12), or -1.
qint64 sampleOfKey(const std::string& key) {
    const auto colon = key.find(':');
    if (colon == std::string::npos || colon == 0) return -1;
    bool ok = false;
    const qint64 id = QString::fromStdString(key.substr(0, colon)).toLongLong(&ok);
    return ok ? id : -1;
}

/// The model picker's list shows each entry's name (kModelNameRole: folder, run and step) while
/// the field keeps the spec (a folder path) that loads.
class ModelNameDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (const QString name = index.data(ExplorerArea::kModelNameRole).toString(); !name.isEmpty()) option->text = name;
    }
};
} // namespace

/// The points selected on the map as a table: id, family, label (the role for samples), text; a
/// model over indexes, cheap for 100k rows.
class ExplorerArea::SelectionModel : public QAbstractTableModel {
public:
    enum Column { Id, Family, Label, Text, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void reset(std::shared_ptr<const Space> space, std::vector<int> rows) {
        beginResetModel();
        m_space = std::move(space);
        m_rows = std::move(rows);
        endResetModel();
    }
    int item(int row) const { return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)] : -1; }
    int rowCount(const QModelIndex& parent) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex& parent) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
        switch (section) {
        case Id: return ExplorerArea::tr("Id");
        case Family: return ExplorerArea::tr("Family");
        case Label: return ExplorerArea::tr("Label");
        case Text: return ExplorerArea::tr("Text");
        }
        return {};
    }
    /// The full value of a cell (the text unshortened), as copied.
    QString cellText(int row, int column) const {
        const int i = item(row);
        if (!m_space || i < 0) return {};
        const auto& it = m_space->items[std::size_t(i)];
        switch (column) {
        case Id: return m_space->sampleId[std::size_t(i)] >= 0 ? QString::number(m_space->sampleId[std::size_t(i)])
                                                              : QString::fromStdString(it.key);
        case Family: return QString::fromStdString(it.family);
        case Label: return QString::fromStdString(it.label);
        case Text: return QString::fromStdString(it.text);
        }
        return {};
    }
    QVariant data(const QModelIndex& index, int role) const override {
        if (!m_space || !index.isValid() || index.row() >= int(m_rows.size())) return {};
        if (role == Qt::DisplayRole) {
            const QString v = cellText(index.row(), index.column());
            return index.column() == Text ? v.simplified().left(300) : v;
        }
        if (role == Qt::ToolTipRole && index.column() == Text) return cellText(index.row(), Text).left(1000);
        if (role == Qt::TextAlignmentRole && index.column() == Id && m_space->fromSamples)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::UserRole) return item(index.row());
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

QString roleName(int role) {
    switch (role) {
    case 0: return ExplorerArea::tr("query");
    case 1: return ExplorerArea::tr("positive");
    case 2: return ExplorerArea::tr("negative");
    }
    return {};
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
    m_layoutPool.setMaxThreadCount(1);
    buildUi();
    refreshSources();
    refreshModels();
    updateButtons();
}

ExplorerArea::~ExplorerArea() {
    if (m_cancel) *m_cancel = true;
    if (m_layoutCancel) *m_layoutCancel = true;
    m_pool.waitForDone();
    m_layoutPool.waitForDone();
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
    m_model->setItemDelegate(new ModelNameDelegate(m_model));
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
        // A repo id typed in the box that is not downloaded yet: the dialog opens with it.
        const auto ref = ModelReference::resolve(m_model->currentText());
        DownloadDialog::openFor(
            this, [this](const QString& path) { setModel(path); },
            ref.kind == ModelReference::Kind::NotDownloaded ? ref.repo : QString());
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
    // Which texts of each sample (shown for the project's samples only).
    m_rolesBox = new QWidget(this);
    auto* rolesRow = new QHBoxLayout(m_rolesBox);
    rolesRow->setContentsMargins(0, 0, 0, 0);
    rolesRow->addWidget(new QLabel(tr("Texts of each sample:"), m_rolesBox));
    m_roleQuery = new QCheckBox(tr("Queries"), m_rolesBox);
    m_roleQuery->setObjectName(QStringLiteral("explorerRoleQuery"));
    m_rolePositive = new QCheckBox(tr("Positives"), m_rolesBox);
    m_rolePositive->setObjectName(QStringLiteral("explorerRolePositive"));
    m_roleNegative = new QCheckBox(tr("Negatives"), m_rolesBox);
    m_roleNegative->setObjectName(QStringLiteral("explorerRoleNegative"));
    m_roleQuery->setChecked(true);
    m_rolePositive->setChecked(true);
    for (auto* c : {m_roleQuery, m_rolePositive, m_roleNegative}) {
        rolesRow->addWidget(c);
        connect(c, &QCheckBox::toggled, this, [this] { updateButtons(); });
    }
    rolesRow->addStretch(1);
    outer->addWidget(m_rolesBox);
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
        m_rolesBox->setVisible(kind == QLatin1String("samples"));
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
    m_colourBy->addItems({tr("Family"), tr("Language"), tr("Label"), tr("Role")});
    m_colourBy->setItemData(3, tr("Query, positive or negative text of a sample"), Qt::ToolTipRole);
    mapRow->addWidget(m_colourBy);
    mapRow->addWidget(new QLabel(tr("Layout:"), right));
    m_layoutChoice = new QComboBox(right);
    m_layoutChoice->setObjectName(QStringLiteral("explorerLayout"));
    m_layoutChoice->addItem(tr("PCA"));
    m_layoutChoice->addItem(tr("UMAP (neighbour graph)"));
    m_layoutChoice->setItemData(0, tr("The two directions of largest variance: fast, keeps global distances, "
                                      "squashes neighbourhoods together"), Qt::ToolTipRole);
    m_layoutChoice->setItemData(1, tr("A UMAP-style layout of the 15-nearest-neighbour graph: keeps neighbourhoods; "
                                      "computed in the background and cached for this set"), Qt::ToolTipRole);
    mapRow->addWidget(m_layoutChoice);
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
    m_empty = new EmptyState(m_map, QStringLiteral("explorerEmptyState"));
    rl->addWidget(m_map, 3);
    m_selectionLabel = new QLabel(tr("Select points on the map (Box select, Lasso select, or Shift-drag) to list them here."), right);
    m_selectionLabel->setObjectName(QStringLiteral("explorerSelectionLabel"));
    m_selectionLabel->setWordWrap(true); // a long translation wraps instead of widening the area
    rl->addWidget(m_selectionLabel);
    m_selectionTable = new QTableView(right);
    m_selectionTable->setObjectName(QStringLiteral("explorerSelection"));
    m_selectionModel = new SelectionModel(this);
    m_selectionTable->setModel(m_selectionModel);
    m_selectionTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_selectionTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_selectionTable->verticalHeader()->setVisible(false);
    m_selectionTable->verticalHeader()->setDefaultSectionSize(m_selectionTable->fontMetrics().height() + 6);
    m_selectionTable->horizontalHeader()->setStretchLastSection(true);
    m_selectionTable->setWordWrap(false);
    m_selectionTable->setMinimumHeight(100);
    m_selectionTable->setMaximumHeight(180);
    m_selectionTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    rl->addWidget(m_selectionTable, 1);
    auto* selectionRow = new QHBoxLayout;
    m_openInSamples = new QPushButton(tr("Open in Samples"), right);
    m_openInSamples->setObjectName(QStringLiteral("explorerOpenInSamples"));
    m_openInSamples->setToolTip(tr("Show the sample of the current row in the Samples area (project samples only)"));
    m_copySelection = new QPushButton(tr("Copy"), right);
    m_copySelection->setObjectName(QStringLiteral("explorerCopySelection"));
    m_copySelection->setToolTip(tr("Copy the selected rows (or all rows) as tab-separated text"));
    selectionRow->addWidget(m_openInSamples);
    selectionRow->addWidget(m_copySelection);
    selectionRow->addStretch(1);
    rl->addLayout(selectionRow);
    auto* copyAction = new QAction(tr("Copy"), m_selectionTable);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    m_selectionTable->addAction(copyAction);
    auto* openAction = new QAction(tr("Open in Samples"), m_selectionTable);
    m_selectionTable->addAction(openAction);
    connect(copyAction, &QAction::triggered, this, &ExplorerArea::copySelection);
    connect(openAction, &QAction::triggered, this, &ExplorerArea::openSelectedInSamples);
    connect(m_copySelection, &QPushButton::clicked, this, &ExplorerArea::copySelection);
    connect(m_openInSamples, &QPushButton::clicked, this, &ExplorerArea::openSelectedInSamples);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    outer->addWidget(split, 1);

    connect(m_colourBy, &QComboBox::currentIndexChanged, this, [this] { updateColours(); });
    connect(m_layoutChoice, &QComboBox::currentIndexChanged, this, [this] { showLayout(); });
    connect(dragGroup, &QButtonGroup::idClicked, this, [this](int id) { m_map->setDragMode(MapView::DragMode(id)); });
    connect(reset, &QToolButton::clicked, m_map, &MapView::resetView);
    connect(m_map, &MapView::pointClicked, this, [this](int i) {
        showItem(i);
        neighboursOf(i, m_k->value());
    });
    connect(m_map, &MapView::selectionChanged, this, [this](const QList<int>& points) {
        m_selectionModel->reset(m_space, std::vector<int>(points.begin(), points.end()));
        m_selectionTable->resizeColumnToContents(SelectionModel::Id);
        m_selectionTable->resizeColumnToContents(SelectionModel::Family);
        m_selectionTable->resizeColumnToContents(SelectionModel::Label);
        m_selectionLabel->setText(tr("Selected: %1 point(s)").arg(points.size()));
        updateSelectionButtons();
    });
    connect(m_selectionTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& index) {
                if (index.isValid()) showItem(m_selectionModel->item(index.row()));
                updateSelectionButtons();
            });
    connect(m_selectionTable, &QTableView::doubleClicked, this, [this] { openSelectedInSamples(); });
    updateSelectionButtons(); // nothing selected yet: nothing to open or copy
    m_map->setTooltipProvider([this](int i) -> QString {
        if (!m_space || i < 0 || i >= int(m_space->items.size())) return {};
        const auto& it = m_space->items[std::size_t(i)];
        QStringList tags;
        if (m_space->sampleId[std::size_t(i)] >= 0) tags << tr("sample %1").arg(m_space->sampleId[std::size_t(i)]);
        for (int f = 0; f < 3; ++f)
            if (!field(it, f).isEmpty()) tags << field(it, f).toHtmlEscaped();
        return QStringLiteral("<b>%1</b><br/>%2").arg(tags.join(QStringLiteral(" · ")),
                                                      QString::fromStdString(it.text).left(280).toHtmlEscaped());
    });
}

void ExplorerArea::setProject(store::Project* project) {
    if (project == m_project) return;
    if (m_cancel) *m_cancel = true;
    if (m_layoutCancel) *m_layoutCancel = true;
    m_pool.waitForDone();
    m_layoutPool.waitForDone();
    ++m_layoutGeneration;
    m_layoutBusy = false;
    ++m_generation; // results of jobs for the old project are dropped
    m_busy = false;
    Area::setProject(project);
    countAcceptedSamples();
    refreshSources();
    refreshModels();
    updateButtons();
}

void ExplorerArea::countAcceptedSamples() {
    m_acceptedSamples = -1;
    if (!m_project) return;
    gen::SampleFilter accepted;
    accepted.status = "accepted";
    if (auto n = gen::countSamples(*m_project, accepted)) m_acceptedSamples = *n;
}

void ExplorerArea::updateEmptyState() {
    if (!m_empty) return;
    if (!m_project || m_space || m_busy) {
        m_empty->setShown(false);
        return;
    }
    m_empty->clearButtons();
    const bool samples = m_source->currentData().toString() == QLatin1String("samples");
    if (samples && m_acceptedSamples == 0) {
        m_empty->setMessage(tr("No samples to map yet."),
                            tr("The map shows the project's accepted samples. Generate them in Generation or "
                               "import them in Samples, or choose a JSONL corpus or an evaluation dataset above."));
        m_empty->addButton(tr("Go to Generation"), [this] { Q_EMIT areaRequested(QStringLiteral("generationArea")); },
                           QStringLiteral("explorerGoToGeneration"));
        m_empty->addButton(tr("Go to Samples"), [this] { Q_EMIT areaRequested(QStringLiteral("samplesArea")); },
                           QStringLiteral("explorerGoToSamples"));
    } else {
        bool trained = false;
        for (int i = 0; i < m_model->count(); ++i)
            if (!m_model->itemText(i).startsWith(QLatin1String("hash"))) trained = true;
        m_empty->setMessage(tr("Nothing embedded yet."),
                            trained ? tr("Choose the texts to map and a model above, then press Embed.")
                                    : tr("Choose the texts to map above and press Embed. hash:256 is a model-free "
                                         "baseline; train a model in Training, or add one in Evaluation, to see "
                                         "what it has learned."));
        auto* embedNow = m_empty->addButton(tr("Embed"), [this] { embed(); }, QStringLiteral("explorerEmptyEmbed"));
        embedNow->setEnabled(m_embedButton->isEnabled());
        if (!trained)
            m_empty->addButton(tr("Go to Training"), [this] { Q_EMIT areaRequested(QStringLiteral("trainingArea")); },
                               QStringLiteral("explorerGoToTraining"));
    }
    m_empty->setShown(true);
}

void ExplorerArea::projectDataChanged(const ProjectChange& change) {
    // Hidden, showEvent catches up.
    if (!m_project) return;
    if (change.touches("samples") && isVisible()) {
        countAcceptedSamples();
        updateEmptyState();
    }
    if (!isVisible() || !change.touches("settings")) return;
    refreshSources();
    refreshModels();
    updateButtons();
}

void ExplorerArea::showEvent(QShowEvent* event) {
    // Datasets and models may have been added in the Evaluation area meanwhile, samples anywhere.
    countAcceptedSamples();
    refreshSources();
    refreshModels();
    updateButtons();
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
    m_rolesBox->setVisible(kind == QLatin1String("samples"));
}

void ExplorerArea::refreshModels() {
    const QString current = m_model->currentText();
    QStringList models = evalsettings::models(m_project);
    if (!models.contains(QStringLiteral("hash:256"))) models << QStringLiteral("hash:256");
    QSignalBlocker block(m_model);
    m_model->clear();
    m_model->addItems(models);
    for (int i = 0; i < models.size(); ++i) {
        m_model->setItemData(i, evalsettings::modelDisplayName(models[i]), kModelNameRole);
        m_model->setItemData(i, models[i], Qt::ToolTipRole);
    }
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
void ExplorerArea::setSampleRoles(bool queries, bool positives, bool negatives) {
    m_roleQuery->setChecked(queries);
    m_rolePositive->setChecked(positives);
    m_roleNegative->setChecked(negatives);
}
void ExplorerArea::setMapLayout(MapLayout layout) { m_layoutChoice->setCurrentIndex(layout == MapLayout::Umap ? 1 : 0); }
ExplorerArea::MapLayout ExplorerArea::mapLayout() const {
    return m_layoutChoice->currentIndex() == 1 ? MapLayout::Umap : MapLayout::Pca;
}
qint64 ExplorerArea::sampleIdOf(int i) const {
    return m_space && i >= 0 && i < itemCount() ? m_space->sampleId[std::size_t(i)] : -1;
}
QPointF ExplorerArea::mapPoint(int i) const { return i >= 0 && i < m_map->pointCount() ? m_map->point(i) : QPointF(); }
int ExplorerArea::itemCount() const { return m_space ? int(m_space->items.size()) : 0; }
QString ExplorerArea::itemText(int i) const {
    return m_space && i >= 0 && i < itemCount() ? QString::fromStdString(m_space->items[std::size_t(i)].text) : QString();
}

void ExplorerArea::updateButtons() {
    const QString kind = m_source->currentData().toString();
    const bool haveSet = kind != QLatin1String("jsonl") || !m_path->text().trimmed().isEmpty();
    const bool needProject = kind == QLatin1String("samples");
    const bool someRole = m_roleQuery->isChecked() || m_rolePositive->isChecked() || m_roleNegative->isChecked();
    m_embedButton->setEnabled(!m_busy && haveSet && (!needProject || (m_project && someRole)));
    m_cancelButton->setEnabled(m_busy || m_layoutBusy);
    m_searchButton->setEnabled(!m_busy && m_space);
    m_query->setEnabled(bool(m_space));
    m_neighboursButton->setEnabled(!m_busy && m_space && m_current >= 0);
    updateEmptyState();
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
    eval::SampleRoles roles;
    roles.query = m_roleQuery->isChecked();
    roles.positive = m_rolePositive->isChecked();
    roles.negative = m_roleNegative->isChecked();
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
                s->items = take(eval::projectSamplesCorpus(project, limit, roles));
                s->fromSamples = true;
            }
            if (s->items.empty()) throw Failure("empty", tr("The set has no texts to embed").toStdString());
            s->sampleId.assign(s->items.size(), -1);
            s->role.assign(s->items.size(), -1);
            if (s->fromSamples)
                for (std::size_t i = 0; i < s->items.size(); ++i) {
                    s->sampleId[i] = sampleOfKey(s->items[i].key);
                    const std::string& l = s->items[i].label;
                    s->role[i] = l == "query" ? 0 : l == "positive" ? 1 : l == "negative" ? 2 : -1;
                }
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
                log::warn("embedding cache unavailable: ", failureLine(f.error()));
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
            error = formatFailure(e);
        }
        QMetaObject::invokeMethod(this, [this, gen, space, error] {
            if (gen == m_generation) onEmbedded(space, error);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::cancel() {
    if (m_cancel) *m_cancel = true;
    if (m_layoutCancel) *m_layoutCancel = true;
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
    m_markerOrigin = -1;
    m_pcaMarker = QPointF(qQNaN(), qQNaN());
    m_results->setRowCount(0);
    m_text->clear();
    m_trail->clear();
    // A layout of the previous set is no use now.
    if (m_layoutCancel) *m_layoutCancel = true;
    ++m_layoutGeneration;
    m_layoutBusy = false;
    m_umapXY.clear();
    m_umapSpace.reset();
    m_umapInfo.clear();
    m_mapSpace = nullptr; // the map shows the old set
    const std::size_t rows = m_space->items.size();
    m_progress->setValue(1000);
    m_status->setText(tr("Embedded %1 texts of %2 with %3").arg(rows).arg(m_space->source, m_space->model));
    showLayout();
    updateButtons();
    Q_EMIT embedded(int(rows), QString());
}

void ExplorerArea::updateColours() {
    if (!m_space) return;
    const int which = m_colourBy->currentIndex();
    if (which == 3) {
        // Roles keep their colours whatever the set holds: query, positive, negative.
        std::vector<int> cat(m_space->role.begin(), m_space->role.end());
        m_map->setCategories(std::move(cat), {roleName(0), roleName(1), roleName(2)});
        return;
    }
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

std::vector<std::pair<int, float>> ExplorerArea::distinctHits(const Space& space, const std::vector<std::pair<int, float>>& hits,
                                                              int origin, int k) const {
    // One row per sample (a sample's query, positive and negative are one sample), and one per
    // text: a text stored twice is one neighbour. The origin (for "neighbours of") is left out,
    // and so are texts equal to it.
    std::set<qint64> samples;
    std::set<QString> texts;
    if (origin >= 0) texts.insert(QString::fromStdString(space.items[std::size_t(origin)].text).simplified());
    std::vector<std::pair<int, float>> out;
    for (const auto& [row, score] : hits) {
        if (int(out.size()) == k) break;
        if (row == origin) continue;
        const qint64 sample = space.sampleId[std::size_t(row)];
        if (sample >= 0 && samples.count(sample)) continue;
        const QString text = QString::fromStdString(space.items[std::size_t(row)].text).simplified();
        if (!texts.insert(text).second) continue;
        if (sample >= 0) samples.insert(sample);
        out.emplace_back(row, score);
    }
    return out;
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
            // Fetch extra rows: duplicates and other texts of the same samples are dropped.
            search::ExactSearchOptions o;
            o.k = std::min(space->items.size(), std::size_t(k) * 4 + 8);
            const auto found = search::exactSearch(space->vectors, qv, o); // keep the result alive
            std::vector<std::pair<int, float>> all;
            for (auto& h : found[0]) all.emplace_back(int(h.row), h.score);
            for (auto& [row, score] : distinctHits(*space, all, -1, k)) {
                hits.push_back(row);
                scores.push_back(score);
            }
            Matrix p = search::project(space->projection, qv);
            marker = QPointF(p.row(0)[0], p.cols > 1 ? p.row(0)[1] : 0.0f);
        } catch (const std::exception& e) {
            error = formatFailure(e);
        }
        QMetaObject::invokeMethod(this, [=, this] {
            if (gen != m_generation) return;
            if (!error.isEmpty()) {
                m_busy = false;
                m_status->setText(error);
                updateButtons();
                return;
            }
            onSearched(hits, scores, -1, marker, heading);
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
            o.k = std::min(space->items.size(), std::size_t(k) * 4 + 8);
            const auto found = search::exactSearch(space->vectors, qv, o);
            std::vector<std::pair<int, float>> all;
            for (auto& h : found[0]) all.emplace_back(int(h.row), h.score);
            for (auto& [row, score] : distinctHits(*space, all, index, k)) {
                hits.push_back(row);
                scores.push_back(score);
            }
        } catch (const std::exception& e) {
            log::error("explorer: neighbour search failed: ", failureLine(e));
        }
        const auto& pts = space->projection.points;
        const QPointF marker(pts.row(std::size_t(index))[0], pts.cols > 1 ? pts.row(std::size_t(index))[1] : 0.0f);
        QMetaObject::invokeMethod(this, [=, this] {
            if (gen == m_generation) onSearched(hits, scores, index, marker, heading);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::onSearched(std::vector<int> hits, std::vector<float> scores, int origin, QPointF pcaMarker,
                              const QString& heading) {
    m_busy = false;
    m_hits = std::move(hits);
    m_markerOrigin = origin;
    m_pcaMarker = pcaMarker;
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
    updateMapInfo(); // places the query marker for the layout shown
    m_status->setText(tr("%1 neighbour(s)").arg(m_hits.size()));
    if (!m_hits.empty()) {
        QSignalBlocker block(m_results);
        m_results->setCurrentCell(0, 0);
        showItem(m_hits.front());
    }
    updateButtons();
    Q_EMIT searched(int(m_hits.size()));
}

void ExplorerArea::showLayout() {
    if (!m_space) return;
    const bool wantUmap = mapLayout() == MapLayout::Umap;
    const bool umapReady = m_umapSpace == m_space;
    if (wantUmap && !umapReady) startUmap(); // the PCA map stays until the layout is ready
    const bool showUmap = wantUmap && umapReady;
    if (m_mapSpace == m_space.get() && m_mapIsUmap == showUmap) {
        updateMapInfo();
        return;
    }
    std::vector<float> xy;
    if (showUmap) {
        xy = m_umapXY;
    } else {
        const auto& pts = m_space->projection.points;
        xy.resize(pts.rows * 2);
        for (std::size_t i = 0; i < pts.rows; ++i) {
            xy[2 * i] = pts.row(i)[0];
            xy[2 * i + 1] = pts.cols > 1 ? pts.row(i)[1] : 0.0f;
        }
    }
    m_map->setPoints(std::move(xy)); // clears highlights and the selection
    if (showUmap)
        m_map->setAxisLabels(tr("UMAP 1"), tr("UMAP 2"));
    else
        m_map->setAxisLabels(tr("PC 1"), tr("PC 2"));
    m_mapSpace = m_space.get();
    m_mapIsUmap = showUmap;
    m_selectionModel->reset(m_space, {});
    m_selectionLabel->setText(tr("Select points on the map (Box select, Lasso select, or Shift-drag) to list them here."));
    updateSelectionButtons();
    updateColours();
    m_map->setHighlighted(m_hits);
    updateMapInfo();
}

void ExplorerArea::updateMapInfo() {
    if (!m_space) return;
    const bool umapShown = m_mapIsUmap;
    QPointF marker = m_pcaMarker;
    if (umapShown) {
        // A query has no place of its own in this layout: it is marked at its best hit.
        const int at = m_markerOrigin >= 0 ? m_markerOrigin : m_hits.empty() ? -1 : m_hits.front();
        marker = at >= 0 ? m_map->point(at) : QPointF(qQNaN(), qQNaN());
    }
    m_map->setQueryMarker(marker);
    if (umapShown) {
        m_mapInfo->setText(m_umapInfo);
        return;
    }
    const auto& p = m_space->projection;
    double explained = 0;
    for (double v : p.explainedVariance) explained += v;
    m_mapInfo->setText(tr("%1 points, %2 dimensions; PCA keeps %3% of the variance")
                           .arg(p.points.rows)
                           .arg(m_space->vectors.cols)
                           .arg(p.totalVariance > 0 ? 100.0 * explained / p.totalVariance : 0.0, 0, 'f', 1));
}

void ExplorerArea::startUmap() {
    if (!m_space || m_layoutBusy) return;
    if (m_space->items.size() < 3) {
        m_status->setText(tr("A UMAP layout needs at least 3 points"));
        Q_EMIT layoutFinished(m_status->text(), false);
        return;
    }
    auto space = m_space;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_layoutCancel = cancel;
    const int gen = ++m_layoutGeneration;
    m_layoutBusy = true;
    updateButtons();
    m_progress->setValue(0);
    m_status->setText(tr("UMAP layout of %1 points: starting...").arg(space->items.size()));
    const auto cacheDir = search::defaultLayoutCacheDir();
    m_layoutPool.start([=, this] {
        std::vector<float> xy;
        QString error, info;
        bool fromCache = false;
        try {
            search::LayoutOptions o;
            const std::string key = search::layoutCacheKey(space->vectors, o);
            Matrix points = search::loadCachedLayout(cacheDir, key, space->items.size());
            const auto started = std::chrono::steady_clock::now();
            if (!points.empty()) {
                fromCache = true;
            } else {
                auto last = std::chrono::steady_clock::now();
                ProgressHooks hooks;
                hooks.shouldStop = [cancel] { return cancel->load(); };
                hooks.progress = [&, gen](std::int64_t done, std::int64_t total, const std::string& stage) {
                    const auto now = std::chrono::steady_clock::now();
                    if (now - last < std::chrono::milliseconds(100) && done < total) return;
                    last = now;
                    // Neighbours take the first 40% of the bar, the optimisation the rest.
                    const bool neighbours = stage == "neighbours";
                    const double f = total > 0 ? double(done) / double(total) : 0.0;
                    const qint64 permille = qint64(neighbours ? 400 * f : stage == "graph" ? 400 : 400 + 600 * f);
                    const QString text = neighbours ? tr("UMAP layout: nearest neighbours of %1 points...").arg(space->items.size())
                                         : stage == "graph" ? tr("UMAP layout: building the neighbour graph...")
                                                            : tr("UMAP layout: optimising, epoch %1 of %2...").arg(done).arg(total);
                    QMetaObject::invokeMethod(this, [this, gen, permille, text] {
                        if (gen != m_layoutGeneration) return;
                        m_progress->setValue(int(permille));
                        m_status->setText(text);
                    }, Qt::QueuedConnection);
                };
                auto layout = search::umapLayout(space->vectors, o, hooks);
                if (!layout) {
                    error = layout.error().code == "cancelled" ? tr("Cancelled") : formatFailure(layout.error());
                } else {
                    points = std::move(layout->points);
                    if (auto st = search::saveCachedLayout(cacheDir, key, points); !st)
                        log::warn("explorer: could not cache the layout: ", failureLine(st.error()));
                }
            }
            if (error.isEmpty()) {
                xy = points.data;
                const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                info = fromCache ? tr("%1 points; UMAP layout (15 neighbours), from the layout cache").arg(space->items.size())
                                 : tr("%1 points; UMAP layout (15 neighbours), computed in %2 s")
                                       .arg(space->items.size())
                                       .arg(secs, 0, 'f', 1);
            }
        } catch (const std::exception& e) {
            error = formatFailure(e);
        }
        QMetaObject::invokeMethod(this, [=, this] {
            if (gen != m_layoutGeneration) return;
            m_layoutBusy = false;
            if (error.isEmpty()) {
                m_umapXY = xy;
                m_umapSpace = space;
                m_umapInfo = info;
                m_progress->setValue(1000);
                m_status->setText(info);
                if (mapLayout() == MapLayout::Umap) showLayout();
            } else {
                m_progress->setValue(0);
                m_status->setText(error == tr("Cancelled") ? tr("UMAP layout cancelled; the map shows PCA") : error);
                if (error != tr("Cancelled")) Q_EMIT statusMessage(error);
            }
            updateButtons();
            Q_EMIT layoutFinished(error, fromCache);
        }, Qt::QueuedConnection);
    });
}

void ExplorerArea::updateSelectionButtons() {
    const QModelIndex current = m_selectionTable->currentIndex();
    const int item = current.isValid() ? m_selectionModel->item(current.row()) : -1;
    m_openInSamples->setEnabled(sampleIdOf(item) >= 0);
    m_copySelection->setEnabled(m_selectionModel->rowCount({}) > 0);
}

QString ExplorerArea::selectionAsText() const {
    QList<int> rows;
    for (const QModelIndex& i : m_selectionTable->selectionModel()->selectedRows()) rows << i.row();
    std::sort(rows.begin(), rows.end());
    if (rows.isEmpty())
        for (int r = 0; r < m_selectionModel->rowCount({}); ++r) rows << r;
    QStringList lines;
    QStringList header;
    for (int c = 0; c < SelectionModel::ColumnCount; ++c)
        header << m_selectionModel->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    lines << header.join(QLatin1Char('\t'));
    for (int r : rows) {
        QStringList cells;
        for (int c = 0; c < SelectionModel::ColumnCount; ++c) {
            QString v = m_selectionModel->cellText(r, c);
            // Tabs and line breaks inside a text would break the rows apart.
            v.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' ')).remove(QLatin1Char('\r'));
            cells << v;
        }
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void ExplorerArea::copySelection() {
    if (m_selectionModel->rowCount({}) == 0) return;
    QApplication::clipboard()->setText(selectionAsText());
    m_status->setText(tr("Copied %1 row(s)").arg(m_selectionTable->selectionModel()->selectedRows().isEmpty()
                                                     ? m_selectionModel->rowCount({})
                                                     : m_selectionTable->selectionModel()->selectedRows().size()));
}

void ExplorerArea::openSelectedInSamples() {
    const QModelIndex current = m_selectionTable->currentIndex();
    const qint64 id = sampleIdOf(current.isValid() ? m_selectionModel->item(current.row()) : -1);
    if (id >= 0) Q_EMIT openSampleRequested(id);
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
