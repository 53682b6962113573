#include "ui/areas/samples_area.h"

#include "ui/errors.h"

#include "ui/eval/eval_settings.h"
#include "ui/samples/sample_table_model.h"
#include "ui/widgets/empty_state.h"

#include "core/gen/curation.h"
#include "core/gen/exchange.h"
#include "core/gen/job.h"
#include "core/prompts/template.h"
#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <utility>

#include <QAction>
#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QMenu>
#include <QProgressBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextEdit>
#include <QFileInfo>
#include <QGuiApplication>
#include <QFormLayout>
#include <QHash>
#include <QSet>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {
QPlainTextEdit* textBox(QWidget* parent, const QString& name, bool readOnly) {
    auto* t = new QPlainTextEdit(parent);
    t->setObjectName(name);
    t->setReadOnly(readOnly);
    t->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    return t;
}
QString pretty(const std::string& jsonText) {
    auto j = nlohmann::ordered_json::parse(jsonText, nullptr, false);
    return QString::fromStdString(j.is_discarded() ? jsonText : j.dump(2));
}

// Reasons tree: what an item filters by.
enum ReasonItem { AllRejected = 1, Kind, Reason, More };
constexpr int kItemType = Qt::UserRole;
constexpr int kItemValue = Qt::UserRole + 1;
constexpr int kMaxReasonsShown = 200; // per kind; the kind itself lists them all

// Digit runs compare as numbers: "sample 2" < "sample 10" (whatever the locale's collator can do).
bool naturalLess(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie])) ++ie;
            while (je < b.size() && digit(b[je])) ++je;
            std::string_view x(a.data() + i, ie - i), y(b.data() + j, je - j);
            while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
            while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
            if (x.size() != y.size()) return x.size() < y.size();
            if (x != y) return x < y;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

bool isFiltered(const gen::SampleFilter& f) {
    return !f.family.empty() || !f.language.empty() || !f.status.empty() || !f.text.empty() || !f.reason.empty() ||
           f.reasonKind || f.jobId;
}
} // namespace

/// One accept/reject/edit (or a batch of rejects) as the states of its samples before and after.
class CurationCommand : public QUndoCommand {
public:
    CurationCommand(SamplesArea* area, const QString& text, std::vector<gen::SampleState> before,
                    std::vector<gen::SampleState> after)
        : QUndoCommand(text), m_area(area), m_before(std::move(before)), m_after(std::move(after)) {}
    void undo() override {
        // A sample changed elsewhere since: the step cannot be undone and leaves the stack.
        if (!m_area->restoreStates(m_before, m_after)) setObsolete(true);
    }
    void redo() override {
        if (m_done) {
            m_done = false; // pushed after the change was made
            return;
        }
        if (!m_area->restoreStates(m_after, m_before)) setObsolete(true);
    }

private:
    SamplesArea* m_area;
    std::vector<gen::SampleState> m_before, m_after;
    bool m_done = true;
};

/// What a background refresh read (each part may have failed on its own).
struct SamplesArea::RefreshResult {
    int generation = 0;
    Result<gen::SampleFacets> facets = Error{"db", "not read"};
    Result<std::vector<gen::JobStats>> jobs = Error{"db", "not read"};
    Result<std::vector<gen::RejectReasonGroup>> reasons = Error{"db", "not read"};
    Result<std::int64_t> total = Error{"db", "not read"};
    Result<SampleTableModel::Snapshot> rows = Error{"db", "not read"};
};

struct SamplesArea::CheckResult {
    enum Kind { Dedup, Contamination } kind = Dedup;
    QString error;
    bool cancelled = false;
    gen::DedupReport dedup;
    gen::ContaminationReport contamination;
    QString evalName;
    qint64 evalTexts = 0;
};

QString SamplesArea::reasonKindLabel(const QString& kind) {
    static const QHash<QString, const char*> known{
        {QStringLiteral("duplicate"), QT_TR_NOOP("duplicate")},
        {QStringLiteral("near-duplicate"), QT_TR_NOOP("near-duplicate")},
        {QStringLiteral("contamination"), QT_TR_NOOP("contamination")},
        {QStringLiteral("no_json"), QT_TR_NOOP("no JSON in the answer")},
        {QStringLiteral("truncated"), QT_TR_NOOP("answer cut off")},
        {QStringLiteral("not_object"), QT_TR_NOOP("answer is not a JSON object")},
        {QStringLiteral("missing_key"), QT_TR_NOOP("missing key")},
        {QStringLiteral("wrong_type"), QT_TR_NOOP("wrong value type")},
        {QStringLiteral("empty_value"), QT_TR_NOOP("empty value")},
        {QStringLiteral("placeholder_echo"), QT_TR_NOOP("unfilled placeholder")},
        {QStringLiteral("copied_query"), QT_TR_NOOP("positive repeats the query")},
        {QStringLiteral("same_documents"), QT_TR_NOOP("negative equals positive")},
        {QStringLiteral("filter: family"), QT_TR_NOOP("filter: family")},
        {QStringLiteral("filter: language"), QT_TR_NOOP("filter: language")},
        {QStringLiteral("filter: query length"), QT_TR_NOOP("filter: query length")},
        {QStringLiteral("filter: positive length"), QT_TR_NOOP("filter: positive length")},
    };
    if (kind.isEmpty()) return tr("(no reason)");
    if (auto it = known.find(kind); it != known.end()) return tr(it.value());
    return kind;
}

SamplesArea::SamplesArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("samplesArea"));
    m_undo = new QUndoStack(this);
    m_undo->setObjectName(QStringLiteral("samplesUndoStack"));
    m_pool.setMaxThreadCount(1);
    m_refreshPool.setMaxThreadCount(1);
    buildUi();
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_searchTimer, &QTimer::timeout, this, &SamplesArea::applyFilter);
    // While a job writes samples, new rows appear at the end without losing the scroll position.
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(2000);
    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        if (isVisible()) scheduleRefresh();
    });
    setProject(nullptr);
}

SamplesArea::~SamplesArea() {
    if (m_cancel) m_cancel->store(true);
    m_pool.waitForDone();
    m_refreshPool.waitForDone();
}

void SamplesArea::buildUi() {
    auto* root = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_family = new QComboBox(this);
    m_family->setObjectName(QStringLiteral("familyFilter"));
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageFilter"));
    m_language->setMinimumContentsLength(12);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), QString());
    m_status->addItem(tr("accepted"), QStringLiteral("accepted"));
    m_status->addItem(tr("rejected"), QStringLiteral("rejected"));
    m_status->addItem(tr("edited"), QStringLiteral("edited"));
    m_job = new QComboBox(this);
    m_job->setObjectName(QStringLiteral("jobFilter"));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchFilter"));
    m_search->setPlaceholderText(tr("Search query, positive, negative, instruction"));
    m_search->setClearButtonEnabled(true);
    m_reasonFilterLabel = new QLabel(this);
    m_reasonFilterLabel->setObjectName(QStringLiteral("reasonFilterLabel"));
    m_clearReason = new QToolButton(this);
    m_clearReason->setObjectName(QStringLiteral("clearReasonFilter"));
    m_clearReason->setText(QStringLiteral("✕"));
    m_clearReason->setToolTip(tr("Show samples of every reject reason"));
    m_clearReason->setAutoRaise(true);
    m_clearReason->hide();
    connect(m_clearReason, &QToolButton::clicked, this, [this] {
        m_reasonFilter.clear();
        m_reasonKind.reset();
        applyFilter();
    });
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("sampleCount"));
    auto* refreshBtn = new QPushButton(tr("Refresh"), this);
    filters->addWidget(new QLabel(tr("Filter:"), this));
    filters->addWidget(m_family);
    filters->addWidget(m_language);
    filters->addWidget(m_status);
    filters->addWidget(m_job);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_reasonFilterLabel);
    filters->addWidget(m_clearReason);
    filters->addWidget(m_countLabel);
    filters->addWidget(refreshBtn);
    root->addLayout(filters);
    connect(m_family, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_language, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_job, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        if (m_status->currentData().toString() != QLatin1String("rejected")) {
            m_reasonFilter.clear();
            m_reasonKind.reset();
        }
        applyFilter();
    });
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer->start(); });
    connect(refreshBtn, &QPushButton::clicked, this, &SamplesArea::refresh);

    auto* split = new QSplitter(Qt::Horizontal, this);
    root->addWidget(split, 1);

    m_leftTabs = new QTabWidget(split);
    auto* browse = new QSplitter(Qt::Horizontal, m_leftTabs);
    browse->setObjectName(QStringLiteral("samplesBrowseSplit"));
    m_reasons = new QTreeWidget(browse);
    m_reasons->setObjectName(QStringLiteral("rejectReasons"));
    m_reasons->setColumnCount(2);
    m_reasons->setHeaderLabels({tr("Reject reason"), tr("Samples")});
    m_reasons->header()->setStretchLastSection(false);
    m_reasons->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_reasons->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_reasons->setUniformRowHeights(true);
    // Reasons of a kind differ at their end ("… as sample 12", "… length 903").
    m_reasons->setTextElideMode(Qt::ElideLeft);
    m_reasons->setToolTip(tr("Click a kind or a reason to list its samples"));
    connect(m_reasons, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        switch (item->data(0, kItemType).toInt()) {
        case AllRejected:
            m_reasonFilter.clear();
            m_reasonKind.reset();
            break;
        case Kind:
            m_reasonFilter.clear();
            m_reasonKind = item->data(0, kItemValue).toString();
            break;
        case Reason:
            m_reasonFilter = item->data(0, kItemValue).toString();
            m_reasonKind.reset();
            break;
        default: return;
        }
        const QSignalBlocker block(m_status);
        m_status->setCurrentIndex(m_status->findData(QStringLiteral("rejected")));
        applyFilter();
    });
    m_model = new SampleTableModel(this);
    m_view = new QTableView(browse);
    m_view->setObjectName(QStringLiteral("sampleTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    // Fixed row heights: the view never measures rows, so it never asks for rows off screen.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Wide enough for the header and, for Status, every status in the interface language
    // ("angenommen" did not fit 70 pixels).
    auto fit = [this](int column, int width, std::initializer_list<QString> values = {}) {
        const QString header = m_model->headerData(column, Qt::Horizontal).toString();
        width = std::max(width, m_view->horizontalHeader()->fontMetrics().horizontalAdvance(header) + 24);
        for (const QString& v : values) width = std::max(width, m_view->fontMetrics().horizontalAdvance(v) + 16);
        m_view->setColumnWidth(column, width);
    };
    fit(SampleTableModel::Id, 60);
    fit(SampleTableModel::Family, 90);
    fit(SampleTableModel::Language, 80);
    fit(SampleTableModel::Status, 70,
        {SampleTableModel::statusLabel("accepted"), SampleTableModel::statusLabel("rejected"),
         SampleTableModel::statusLabel("edited")});
    fit(SampleTableModel::Reason, 120);
    m_view->setColumnWidth(SampleTableModel::Query, 220);
    m_view->setColumnWidth(SampleTableModel::Positive, 220);
    m_view->setColumnWidth(SampleTableModel::Negative, 160);
    browse->addWidget(m_reasons);
    browse->addWidget(m_view);
    browse->setStretchFactor(0, 1);
    browse->setStretchFactor(1, 3);
    browse->setSizes({270, 650});
    m_leftTabs->addTab(browse, tr("Samples"));
    m_empty = new EmptyState(m_view, QStringLiteral("samplesEmptyState"));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showSample(cur.isValid() ? m_model->sampleId(cur.row()) : -1); });
    m_leftTabs->addTab(buildChecksTab(), tr("Checks"));
    m_leftTabs->setTabToolTip(1, tr("Find duplicates and evaluation data among the samples"));

    // ---- detail ----
    auto* detail = new QWidget(split);
    auto* dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(detail);
    m_header->setObjectName(QStringLiteral("sampleHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dl->addWidget(m_header);
    auto* tabs = new QTabWidget(detail);
    tabs->setObjectName(QStringLiteral("sampleDetailTabs"));
    auto* fields = new QWidget(tabs);
    auto* fl = new QFormLayout(fields);
    m_instruction = textBox(fields, QStringLiteral("editInstruction"), false);
    m_instruction->setMaximumHeight(60);
    m_query = textBox(fields, QStringLiteral("editQuery"), false);
    m_positive = textBox(fields, QStringLiteral("editPositive"), false);
    m_negative = textBox(fields, QStringLiteral("editNegative"), false);
    fl->addRow(tr("Instruction"), m_instruction);
    fl->addRow(tr("Query"), m_query);
    fl->addRow(tr("Positive"), m_positive);
    fl->addRow(tr("Negative"), m_negative);
    tabs->addTab(fields, tr("Fields"));
    tabs->setTabToolTip(0, tr("The fields parsed from the answer; edit them and press Save edit"));
    m_prompt = textBox(tabs, QStringLiteral("promptView"), true);
    tabs->addTab(m_prompt, tr("Prompt"));
    tabs->setTabToolTip(1, tr("The rendered prompt sent to the LLM"));
    m_values = new QTableWidget(0, 2, tabs);
    m_values->setObjectName(QStringLiteral("valuesView"));
    m_values->setHorizontalHeaderLabels({tr("Placeholder"), tr("Sampled value")});
    m_values->horizontalHeader()->setStretchLastSection(true);
    m_values->verticalHeader()->hide();
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tabs->addTab(m_values, tr("Values"));
    m_raw = textBox(tabs, QStringLiteral("rawView"), true);
    tabs->addTab(m_raw, tr("Raw answer"));
    m_original = textBox(tabs, QStringLiteral("originalView"), true);
    tabs->addTab(m_original, tr("Original"));
    dl->addWidget(tabs, 1);

    auto* actions = new QHBoxLayout;
    m_accept = new QPushButton(tr("Accept"), detail);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_rejectReason = new QLineEdit(detail);
    m_rejectReason->setObjectName(QStringLiteral("rejectReason"));
    m_rejectReason->setPlaceholderText(tr("reason for rejecting"));
    m_reject = new QPushButton(tr("Reject"), detail);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_rejectNext = new QPushButton(tr("Reject && next"), detail);
    m_rejectNext->setObjectName(QStringLiteral("rejectNextButton"));
    m_save = new QPushButton(tr("Save edit"), detail);
    m_save->setObjectName(QStringLiteral("saveEditButton"));
    m_save->setToolTip(tr("Saves the edited fields; the original is kept"));
    // The reason gets a row of its own: beside four buttons it had no room in German.
    dl->addWidget(m_rejectReason);
    actions->addWidget(m_accept);
    actions->addWidget(m_reject);
    actions->addWidget(m_rejectNext);
    actions->addStretch(1);
    actions->addWidget(m_save);
    dl->addLayout(actions);
    // Shortcuts while the focus is anywhere in the area (the Edit menu has Undo/Redo).
    m_rejectAction = new QAction(tr("Reject"), this);
    m_rejectAction->setObjectName(QStringLiteral("rejectAction"));
    m_rejectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rejectAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_rejectNextAction = new QAction(tr("Reject and next"), this);
    m_rejectNextAction->setObjectName(QStringLiteral("rejectNextAction"));
    m_rejectNextAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_rejectNextAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_rejectAction);
    addAction(m_rejectNextAction);
    connect(m_rejectAction, &QAction::triggered, this, &SamplesArea::rejectCurrent);
    connect(m_rejectNextAction, &QAction::triggered, this, &SamplesArea::rejectCurrentAndNext);
    m_reject->setToolTip(tr("Rejects this sample and stays on it (%1)")
                             .arg(m_rejectAction->shortcut().toString(QKeySequence::NativeText)));
    m_rejectNext->setToolTip(tr("Rejects this sample and shows the next one (%1)")
                                 .arg(m_rejectNextAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_accept, &QPushButton::clicked, this, &SamplesArea::acceptCurrent);
    connect(m_reject, &QPushButton::clicked, this, &SamplesArea::rejectCurrent);
    connect(m_rejectNext, &QPushButton::clicked, this, &SamplesArea::rejectCurrentAndNext);
    connect(m_save, &QPushButton::clicked, this, &SamplesArea::saveCurrentEdit);
    connect(m_rejectReason, &QLineEdit::returnPressed, this, &SamplesArea::rejectCurrent);

    split->addWidget(m_leftTabs);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({720, 480});
}

void SamplesArea::setProject(store::Project* project) {
    if (m_cancel) m_cancel->store(true);
    m_pool.waitForDone();
    ++m_checkGeneration; // a result still queued belongs to the old project
    m_checkRunning = false;
    m_listed.clear();
    m_checkTable->setRowCount(0);
    m_checkProgress->hide();
    m_checkSummary->setText(tr("Find duplicates among the samples, or samples that overlap evaluation data."));
    Area::setProject(project);
    m_undo->clear();
    for (QWidget* w : std::initializer_list<QWidget*>{m_dedupButton, m_contaminationButton}) w->setEnabled(project);
    m_cancelCheck->setEnabled(false);
    m_rejectListed->setEnabled(false);
    m_reasonFilter.clear();
    m_reasonKind.reset();
    m_keepIds.clear();
    ++m_refreshGeneration;
    m_totalSamples = -1;
    if (project)
        if (auto n = gen::countSamples(*project, {})) m_totalSamples = *n;
    m_model->setProject(project);
    reloadFacets();
    reloadReasons();
    applyFilter();
    showSample(-1);
    if (project)
        m_pollTimer->start();
    else
        m_pollTimer->stop();
}

void SamplesArea::showEvent(QShowEvent* event) {
    Area::showEvent(event);
    if (m_project) scheduleRefresh();
}

void SamplesArea::projectDataChanged(const ProjectChange& change) {
    if (!m_project || !isVisible() || !(change.touches("samples") || change.touches("jobs"))) return;
    scheduleRefresh();
}

void SamplesArea::scheduleRefresh() {
    if (!m_project) return;
    if (m_refreshBusy) {
        m_refreshAgain = true;
        return;
    }
    m_refreshBusy = true;
    // The pages on screen (and the selected row's) are read with the count, so applying the
    // result reads nothing on the GUI thread.
    std::vector<int> pages;
    const int rows = m_model->rowCount();
    if (rows > 0) {
        int first = m_view->rowAt(0), last = m_view->rowAt(m_view->viewport()->height() - 1);
        if (first < 0) first = 0;
        if (last < 0) last = rows - 1;
        for (int p = first / SampleTableModel::kPageSize; p <= last / SampleTableModel::kPageSize + 1; ++p) pages.push_back(p);
        if (const int cur = m_view->currentIndex().row(); cur >= 0) pages.push_back(cur / SampleTableModel::kPageSize);
    } else {
        pages.push_back(0);
    }
    m_refreshPool.start([this, generation = m_refreshGeneration, path = m_project->path(), filter = currentFilter(),
                         pages = std::move(pages)] {
        auto result = std::make_shared<RefreshResult>();
        result->generation = generation;
        if (auto reader = store::Project::openReader(path); !reader) {
            result->rows = reader.error();
        } else {
            result->facets = gen::sampleFacets(*reader);
            result->jobs = gen::listJobs(*reader);
            result->reasons = gen::rejectReasonGroups(*reader);
            result->total = gen::countSamples(*reader, {});
            result->rows = SampleTableModel::readSnapshot(*reader, filter, pages);
        }
        QMetaObject::invokeMethod(this, [this, result] { applyRefresh(*result); }, Qt::QueuedConnection);
    });
}

void SamplesArea::applyRefresh(RefreshResult& r) {
    m_refreshBusy = false;
    if (r.generation != m_refreshGeneration) {
        // Read under a filter or project since left: read again under the current one.
        if (m_project) scheduleRefresh();
        return;
    }
    // Filters and reasons are rebuilt only when they changed (a tree of hundreds of reasons costs
    // the GUI thread milliseconds).
    if (r.facets && r.jobs) {
        QStringList key;
        for (const auto& f : r.facets->families) key << QString::fromStdString(f);
        key << QString();
        for (const auto& l : r.facets->languages) key << QString::fromStdString(l);
        key << QString();
        for (const auto& j : *r.jobs) key << QString::number(j.id) + QLatin1Char(':') + QString::fromStdString(j.name);
        if (key != m_shownFacets) applyFacets(*r.facets, *r.jobs);
        m_shownFacets = key;
    }
    {
        QStringList key;
        if (r.reasons)
            for (const auto& g : *r.reasons)
                for (const auto& [reason, n] : g.reasons) key << QString::fromStdString(reason) + QLatin1Char('\t') + QString::number(n);
        if (!r.reasons || key != m_shownReasons) applyReasons(r.reasons);
        m_shownReasons = r.reasons ? key : QStringList();
    }
    if (r.total) m_totalSamples = *r.total;
    if (!r.rows) {
        Q_EMIT statusMessage(formatFailure(r.rows.error()));
    } else {
        const qint64 id = m_current;
        const int row = m_view->currentIndex().row();
        const int scroll = m_view->verticalScrollBar()->value();
        m_model->applySnapshot(std::move(*r.rows));
        updateCountLabel();
        if (id >= 0 && m_model->sampleId(row) != id) {
            // Rows left the set elsewhere: the same sample stays selected if it is still there
            // (looked for among the rows read near its old place).
            const QSignalBlocker block(m_view->selectionModel());
            if (const int again = m_model->loadedRowOf(id); again >= 0) m_view->selectRow(again);
        }
        m_view->verticalScrollBar()->setValue(scroll);
    }
    updateEmptyState();
    ++m_refreshesApplied;
    if (std::exchange(m_refreshAgain, false)) scheduleRefresh();
}

void SamplesArea::refresh() {
    m_keepIds.clear();
    ++m_refreshGeneration;
    if (m_project)
        if (auto n = gen::countSamples(*m_project, {})) m_totalSamples = *n;
    reloadFacets();
    reloadReasons();
    m_model->setFilter(currentFilter());
    updateCountLabel();
    updateEmptyState();
}

void SamplesArea::updateEmptyState() {
    if (m_project && !isFiltered(currentFilter())) m_totalSamples = m_model->rowCount();
    if (!m_project || m_model->rowCount() > 0) {
        m_empty->setShown(false);
        return;
    }
    m_empty->clearButtons();
    if (m_totalSamples == 0) {
        m_empty->setMessage(tr("No samples yet."),
                            tr("Run a generation job in Generation, or import samples you already have from a "
                               "JSONL, CSV or TSV file (query, positive and optionally negative)."));
        m_empty->addButton(tr("Go to Generation"), [this] { Q_EMIT areaRequested(QStringLiteral("generationArea")); },
                           QStringLiteral("samplesGoToGeneration"));
        m_empty->addButton(tr("Import samples..."), [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Import samples"), QString(),
                                                              tr("Samples (*.jsonl *.json *.csv *.tsv);;All files (*)"));
            if (!path.isEmpty()) importSamplesFile(path);
        }, QStringLiteral("samplesImport"));
    } else {
        m_empty->setMessage(tr("No samples match these filters."),
                            tr("Change the family, language, status, job or search text, or clear the filters."));
        m_empty->addButton(tr("Clear filters"), [this] { clearFilters(); }, QStringLiteral("samplesClearFilters"));
    }
    m_empty->setShown(true);
}

void SamplesArea::clearFilters() {
    {
        const QSignalBlocker b1(m_family), b2(m_language), b3(m_status), b4(m_job), b5(m_search);
        m_family->setCurrentIndex(0);
        m_language->setCurrentIndex(0);
        m_status->setCurrentIndex(0);
        m_job->setCurrentIndex(0);
        m_search->clear();
    }
    m_reasonFilter.clear();
    m_reasonKind.reset();
    applyFilter();
}

bool SamplesArea::importSamplesFile(const QString& path) {
    if (!m_project) return false;
    QGuiApplication::setOverrideCursor(Qt::WaitCursor);
    auto report = gen::importSamples(*m_project, path.toStdString(), gen::ImportOptions{});
    QGuiApplication::restoreOverrideCursor();
    if (!report) {
        showError(formatFailure(report.error()));
        return false;
    }
    Q_EMIT projectWritten();
    Q_EMIT statusMessage(tr("Imported %1 of %2 rows from %3 (%4 duplicates skipped, %5 rows with errors)")
                             .arg(report->imported)
                             .arg(report->rows)
                             .arg(QFileInfo(path).fileName())
                             .arg(report->duplicates)
                             .arg(static_cast<qint64>(report->errors.size())));
    refresh();
    return true;
}

void SamplesArea::reloadFacets() {
    m_shownFacets.clear(); // the next background refresh applies what it reads
    gen::SampleFacets facets;
    std::vector<gen::JobStats> jobs;
    if (m_project) {
        if (auto f = gen::sampleFacets(*m_project)) facets = std::move(*f);
        if (auto j = gen::listJobs(*m_project)) jobs = std::move(*j);
    }
    applyFacets(facets, jobs);
}

void SamplesArea::applyFacets(const gen::SampleFacets& facets, const std::vector<gen::JobStats>& jobs) {
    const QString fam = m_family->currentData().toString(), lang = m_language->currentData().toString();
    const QSignalBlocker b1(m_family), b2(m_language);
    m_family->clear();
    m_language->clear();
    m_family->addItem(tr("All families"), QString());
    m_language->addItem(tr("All languages"), QString());
    QStringList families;
    for (const char* f : prompts::kFamilies) families << QString::fromLatin1(f);
    for (auto& f : facets.families)
        if (!families.contains(QString::fromStdString(f))) families << QString::fromStdString(f);
    for (auto& l : facets.languages) m_language->addItem(QString::fromStdString(l), QString::fromStdString(l));
    for (auto& f : families) m_family->addItem(f, f);
    {
        const QVariant job = m_job->currentData();
        const QSignalBlocker b3(m_job);
        m_job->clear();
        m_job->addItem(tr("All jobs"), QVariant());
        for (auto& j : jobs)
            m_job->addItem(j.name.empty() ? tr("Job %1").arg(j.id)
                                          : tr("Job %1: %2").arg(j.id).arg(QString::fromStdString(j.name)),
                           QVariant::fromValue<qint64>(j.id));
        m_job->setCurrentIndex(std::max(0, m_job->findData(job)));
    }
    m_family->setCurrentIndex(std::max(0, m_family->findData(fam)));
    m_language->setCurrentIndex(std::max(0, m_language->findData(lang)));
}

void SamplesArea::reloadReasons() {
    m_shownReasons.clear();
    if (!m_project) {
        applyReasons(Error{"db", ""});
        return;
    }
    applyReasons(gen::rejectReasonGroups(*m_project));
}

void SamplesArea::applyReasons(const Result<std::vector<gen::RejectReasonGroup>>& groups) {
    // Keep what the user opened and where the filter points.
    QSet<QString> expanded;
    for (int i = 0; i < m_reasons->topLevelItemCount(); ++i) {
        auto* it = m_reasons->topLevelItem(i);
        if (it->isExpanded()) expanded.insert(it->data(0, kItemValue).toString());
    }
    const QSignalBlocker block(m_reasons);
    m_reasons->clear();
    if (!m_project) return;
    if (!groups) {
        Q_EMIT statusMessage(formatFailure(groups.error()));
        return;
    }
    const QLocale loc;
    auto count = [&](QTreeWidgetItem* item, std::int64_t n) {
        item->setText(1, loc.toString(static_cast<qint64>(n)));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    };
    std::int64_t total = 0;
    for (auto& g : *groups) total += g.count;
    auto* all = new QTreeWidgetItem(m_reasons, {tr("All rejected")});
    all->setData(0, kItemType, AllRejected);
    count(all, total);
    QTreeWidgetItem* current = nullptr;
    const bool rejectedView = m_status->currentData().toString() == QLatin1String("rejected");
    if (rejectedView && !m_reasonKind && m_reasonFilter.isEmpty()) current = all;
    for (auto& g : *groups) {
        const QString kind = QString::fromStdString(g.kind);
        auto* k = new QTreeWidgetItem(m_reasons, {reasonKindLabel(kind)});
        k->setData(0, kItemType, Kind);
        k->setData(0, kItemValue, kind);
        k->setToolTip(0, tr("%1: %n distinct reason(s)", "", static_cast<int>(g.reasons.size())).arg(kind));
        count(k, g.count);
        if (m_reasonKind && *m_reasonKind == kind) current = k;
        // A kind that is its one reason ("off topic") has nothing to unfold.
        if (g.reasons.size() == 1 && g.reasons.front().first == g.kind) continue;
        // Equal counts in natural order ("sample 2" before "sample 10").
        auto sorted = g.reasons;
        std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
            if (a.second != b.second) return a.second > b.second;
            return naturalLess(a.first, b.first);
        });
        int shown = 0;
        for (auto& [reason, n] : sorted) {
            if (shown++ == kMaxReasonsShown) {
                const int rest = static_cast<int>(g.reasons.size()) - kMaxReasonsShown;
                auto* more = new QTreeWidgetItem(k, {tr("… %n more reason(s): click the kind to list all", "", rest)});
                more->setData(0, kItemType, More);
                more->setFlags(Qt::ItemIsEnabled);
                break;
            }
            const QString text = QString::fromStdString(reason);
            auto* r = new QTreeWidgetItem(k, {text.isEmpty() ? tr("(no reason)") : text});
            r->setData(0, kItemType, Reason);
            r->setData(0, kItemValue, text);
            r->setToolTip(0, text);
            count(r, n);
            if (!m_reasonKind && !m_reasonFilter.isEmpty() && m_reasonFilter == text) current = r;
        }
        k->setExpanded(expanded.contains(kind));
    }
    if (current) m_reasons->setCurrentItem(current);
}

gen::SampleFilter SamplesArea::currentFilter() const {
    gen::SampleFilter f;
    f.family = m_family->currentData().toString().toStdString();
    f.language = m_language->currentData().toString().toStdString();
    f.status = m_status->currentData().toString().toStdString();
    f.text = m_search->text().trimmed().toStdString();
    f.reason = m_reasonFilter.toStdString();
    if (m_reasonKind) f.reasonKind = m_reasonKind->toStdString();
    if (m_job->currentData().isValid()) f.jobId = m_job->currentData().toLongLong();
    f.keepIds = m_keepIds;
    return f;
}

void SamplesArea::applyFilter() {
    m_keepIds.clear(); // a new filter: samples curated under the old one need not stay
    ++m_refreshGeneration;
    QString label;
    if (m_reasonKind)
        label = tr("reason kind: %1").arg(reasonKindLabel(*m_reasonKind));
    else if (!m_reasonFilter.isEmpty())
        label = tr("reason: %1").arg(m_reasonFilter);
    m_reasonFilterLabel->setText(QFontMetrics(font()).elidedText(label, Qt::ElideMiddle, 260));
    m_reasonFilterLabel->setToolTip(label);
    m_clearReason->setVisible(!label.isEmpty());
    m_model->setFilter(currentFilter());
    updateCountLabel();
    updateEmptyState();
    showSample(-1);
    if (!m_reasonKind && m_reasonFilter.isEmpty() && m_reasons->currentItem()) {
        const QSignalBlocker block(m_reasons);
        m_reasons->setCurrentItem(nullptr);
    }
}

void SamplesArea::showReasonKind(const QString& kind) {
    m_reasonFilter.clear();
    m_reasonKind = kind;
    {
        const QSignalBlocker block(m_status);
        m_status->setCurrentIndex(m_status->findData(QStringLiteral("rejected")));
    }
    applyFilter();
}

void SamplesArea::updateCountLabel() {
    m_countLabel->setText(tr("%1 samples").arg(QLocale().toString(m_model->rowCount())));
}

void SamplesArea::showJob(qint64 jobId) {
    reloadFacets();
    const int idx = jobId < 0 ? 0 : m_job->findData(QVariant::fromValue<qint64>(jobId));
    if (idx >= 0 && idx != m_job->currentIndex())
        m_job->setCurrentIndex(idx);
    else
        applyFilter();
}

bool SamplesArea::selectRow(int row) {
    if (row < 0 || row >= m_model->rowCount()) return false;
    m_view->selectRow(row);
    m_view->scrollTo(m_model->index(row, 0));
    if (m_current != m_model->sampleId(row)) showSample(m_model->sampleId(row));
    return m_current >= 0;
}

void SamplesArea::showSample(qint64 id) {
    m_current = -1;
    for (auto* t : {m_instruction, m_query, m_positive, m_negative, m_prompt, m_raw, m_original}) t->clear();
    m_values->setRowCount(0);
    const bool enabled = id >= 0 && m_project;
    for (QWidget* w : std::initializer_list<QWidget*>{m_accept, m_reject, m_rejectNext, m_save, m_rejectReason}) w->setEnabled(enabled);
    m_rejectAction->setEnabled(enabled);
    m_rejectNextAction->setEnabled(enabled);
    if (!enabled) {
        m_header->setText(m_project ? tr("Select a sample to see its prompt, values and answer.") : tr("No project open."));
        return;
    }
    auto d = gen::loadSample(*m_project, id);
    if (!d) {
        m_header->setText(formatFailure(d.error()));
        return;
    }
    m_current = id;
    const auto& r = d->row;
    QString head = tr("<b>Sample %1</b> · %2 · %3 · <b>%4</b>")
                       .arg(r.id)
                       .arg(QString::fromStdString(r.family).toHtmlEscaped(),
                            QString::fromStdString(r.language.empty() ? "—" : r.language).toHtmlEscaped(),
                            SampleTableModel::statusLabel(r.status));
    if (r.jobId) head += tr(" · job %1").arg(r.jobId);
    if (!d->templateName.empty()) head += tr(" · template %1").arg(QString::fromStdString(d->templateName).toHtmlEscaped());
    head += tr(" · %1 + %2 tokens").arg(d->promptTokens).arg(d->completionTokens);
    if (!d->task.empty()) head += QStringLiteral("<br>") + tr("Task: %1").arg(QString::fromStdString(d->task).toHtmlEscaped());
    if (!r.rejectReason.empty())
        head += QStringLiteral("<br><span style='color:#b02020'>%1</span>")
                    .arg(tr("Rejected: %1").arg(QString::fromStdString(r.rejectReason).toHtmlEscaped()));
    m_header->setText(head);
    m_instruction->setPlainText(QString::fromStdString(d->instruction));
    m_query->setPlainText(QString::fromStdString(r.query));
    m_positive->setPlainText(QString::fromStdString(r.positive));
    m_negative->setPlainText(QString::fromStdString(r.negative));
    m_prompt->setPlainText(d->prompt.empty() ? tr("(no prompt: the sample was imported)") : QString::fromStdString(d->prompt));
    highlightValues(*d);
    m_raw->setPlainText(QString::fromStdString(d->rawOutput));
    m_original->setPlainText(d->original.empty() ? tr("(not edited)") : pretty(d->original));
    m_values->setRowCount(static_cast<int>(d->sampledValues.size()));
    for (int i = 0; i < m_values->rowCount(); ++i) {
        const auto& [k, v] = d->sampledValues[static_cast<std::size_t>(i)];
        m_values->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(k)));
        m_values->setItem(i, 1, new QTableWidgetItem(QString::fromStdString(v)));
    }
    m_values->resizeColumnToContents(0);
}

void SamplesArea::highlightValues(const gen::SampleDetail& d) {
    // Mark where the sampled values landed in the prompt, so the diversity knobs are visible.
    QList<QTextEdit::ExtraSelection> marks;
    QTextCharFormat fmt;
    fmt.setBackground(QColor(0xff, 0xe8, 0x9c));
    fmt.setFontWeight(QFont::DemiBold);
    QStringList tips;
    for (const auto& [name, value] : d.sampledValues) {
        const QString v = QString::fromStdString(value);
        if (v.trimmed().isEmpty()) continue;
        // Short values ("3") only as whole words, or every "S3" would light up. Spans are not
        // stored with the request, so this is a search, not the renderer's exact positions.
        QTextDocument::FindFlags flags = QTextDocument::FindCaseSensitively;
        if (v.size() < 3) flags |= QTextDocument::FindWholeWords;
        QTextCursor c(m_prompt->document());
        while (!(c = m_prompt->document()->find(v, c, flags)).isNull()) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = c;
            sel.format = fmt;
            sel.format.setToolTip(QString::fromStdString(name));
            marks << sel;
        }
    }
    m_prompt->setExtraSelections(marks);
}

void SamplesArea::showError(const QString& message) {
    m_header->setText(QStringLiteral("<span style='color:#b02020'>%1</span>").arg(message.toHtmlEscaped()));
    Q_EMIT statusMessage(message);
}

void SamplesArea::afterChange(const std::vector<qint64>& ids, int row) {
    // Curated samples stay listed (and the selection on them) until the filter changes, even
    // when they no longer match it: rejecting under "accepted" must not slide the next sample
    // under the cursor.
    const gen::SampleFilter plain = [this] {
        auto f = currentFilter();
        f.keepIds.clear();
        return f;
    }();
    const bool filtered = isFiltered(plain);
    if (filtered)
        for (auto id : ids)
            if (std::find(m_keepIds.begin(), m_keepIds.end(), id) == m_keepIds.end()) m_keepIds.push_back(id);
    m_model->setFilter(currentFilter());
    reloadReasons();
    updateCountLabel();
    updateEmptyState();
    int target = row;
    if (target < 0 && !ids.empty() && m_project) {
        if (auto r = gen::rowOfSample(*m_project, currentFilter(), ids.front()); r && *r) target = static_cast<int>(**r);
    }
    target = std::min(target, m_model->rowCount() - 1);
    if (target < 0) {
        showSample(-1);
        return;
    }
    m_view->selectRow(target);
    m_view->scrollTo(m_model->index(target, 0));
    const qint64 id = m_model->sampleId(target);
    if (m_current != id) showSample(id);
}

bool SamplesArea::openSample(qint64 id) {
    if (!m_project) return false;
    if (auto d = gen::loadSample(*m_project, id); !d) {
        Q_EMIT statusMessage(formatFailure(d.error()));
        return false;
    }
    m_leftTabs->setCurrentIndex(0);
    afterChange({id});
    return m_current == id;
}

bool SamplesArea::curate(const std::vector<qint64>& ids, const QString& text, const std::function<Status()>& change,
                         int selectRowAfter) {
    if (!m_project || ids.empty()) return false;
    const std::vector<std::int64_t> keys(ids.begin(), ids.end());
    auto before = gen::sampleStates(*m_project, keys);
    if (!before) {
        showError(formatFailure(before.error()));
        return false;
    }
    if (auto st = change(); !st) {
        showError(formatFailure(st.error()));
        return false;
    }
    auto after = gen::sampleStates(*m_project, keys);
    if (!after) {
        showError(formatFailure(after.error()));
        return false;
    }
    if (*after != *before) m_undo->push(new CurationCommand(this, text, std::move(*before), std::move(*after)));
    afterChange(ids, selectRowAfter);
    Q_EMIT statusMessage(text);
    return true;
}

bool SamplesArea::restoreStates(const std::vector<gen::SampleState>& target, const std::vector<gen::SampleState>& expected) {
    if (!m_project) return false;
    if (auto st = gen::restoreSampleStates(*m_project, target, &expected); !st) {
        showError(formatFailure(st.error()));
        return false;
    }
    std::vector<qint64> ids;
    ids.reserve(target.size());
    for (auto& s : target) ids.push_back(s.id);
    afterChange(ids);
    return true;
}

bool SamplesArea::acceptCurrent() {
    if (m_current < 0 || !m_project) return false;
    const qint64 id = m_current;
    return curate({id}, tr("Accept sample %1").arg(id), [&] { return gen::setSampleStatus(*m_project, id, true); },
                  m_view->currentIndex().row());
}

bool SamplesArea::rejectCurrent() {
    if (m_current < 0 || !m_project) return false;
    const qint64 id = m_current;
    QString reason = m_rejectReason->text().trimmed();
    if (reason.isEmpty()) reason = tr("rejected by hand");
    const bool ok = curate({id}, tr("Reject sample %1").arg(id),
                           [&] { return gen::setSampleStatus(*m_project, id, false, reason.toStdString()); },
                           m_view->currentIndex().row());
    if (ok) m_rejectReason->clear();
    return ok;
}

bool SamplesArea::rejectCurrentAndNext() {
    const int row = m_view->currentIndex().row();
    if (!rejectCurrent()) return false;
    // The rejected sample stayed in its row: the next row is the next sample.
    if (row >= 0 && row + 1 < m_model->rowCount()) selectRow(row + 1);
    return true;
}

bool SamplesArea::saveCurrentEdit() {
    if (m_current < 0 || !m_project) return false;
    const qint64 id = m_current;
    gen::SampleEdit e;
    e.instruction = m_instruction->toPlainText().toStdString();
    e.query = m_query->toPlainText().toStdString();
    e.positive = m_positive->toPlainText().toStdString();
    e.negative = m_negative->toPlainText().toStdString();
    return curate({id}, tr("Edit sample %1").arg(id), [&] { return gen::editSample(*m_project, id, e); },
                  m_view->currentIndex().row());
}

// ---- checks ----

QWidget* SamplesArea::buildChecksTab() {
    auto* w = new QWidget(m_leftTabs);
    w->setObjectName(QStringLiteral("checksTab"));
    auto* l = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    m_dedupButton = new QPushButton(tr("Find duplicates"), w);
    m_dedupButton->setObjectName(QStringLiteral("dedupButton"));
    m_dedupButton->setToolTip(tr("Lists exact duplicates (same normalised text) and near duplicates among the accepted "
                                 "and edited samples; the earliest of each is kept. Nothing is rejected until you press "
                                 "Reject listed samples."));
    m_nearDuplicates = new QCheckBox(tr("near duplicates"), w);
    m_nearDuplicates->setObjectName(QStringLiteral("nearDuplicates"));
    m_nearDuplicates->setChecked(true);
    m_threshold = new QDoubleSpinBox(w);
    m_threshold->setObjectName(QStringLiteral("similarityThreshold"));
    m_threshold->setRange(0.5, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setValue(0.8);
    m_threshold->setToolTip(tr("Word-shingle similarity (Jaccard) at or above which two texts count as near duplicates"));
    m_contaminationButton = new QPushButton(tr("Check contamination"), w);
    m_contaminationButton->setObjectName(QStringLiteral("contaminationButton"));
    m_contaminationButton->setToolTip(tr("Lists samples whose query or positive nearly duplicates a text of an evaluation "
                                         "set, and flags them"));
    auto* menu = new QMenu(m_contaminationButton);
    menu->setObjectName(QStringLiteral("contaminationMenu"));
    // The datasets registered in Evaluation first (read when the menu opens), then any folder or file.
    connect(menu, &QMenu::aboutToShow, this, [this, menu] {
        menu->clear();
        const auto entries = evalsettings::datasets(m_project);
        for (const auto& e : entries) {
            const QString name = QString::fromStdString(e.name);
            const QString data = QString::fromStdString((e.data.empty() ? e.folder : e.data).string());
            auto* a = menu->addAction(name, this, [this, data, name] { startContaminationCheck(data, name); });
            a->setToolTip(data);
        }
        if (entries.empty()) menu->addAction(tr("No datasets registered in Evaluation"))->setEnabled(false);
        menu->addSeparator();
        menu->addAction(tr("Evaluation folder (BEIR)…"), this, [this] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Evaluation folder"));
            if (!dir.isEmpty()) startContaminationCheck(dir);
        });
        menu->addAction(tr("Evaluation file (.jsonl, .csv, .tsv, .txt)…"), this, [this] {
            const QString file = QFileDialog::getOpenFileName(
                this, tr("Evaluation file"), QString(), tr("Evaluation texts (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)"));
            if (!file.isEmpty()) startContaminationCheck(file);
        });
    });
    m_contaminationButton->setMenu(menu);
    m_cancelCheck = new QPushButton(tr("Cancel"), w);
    m_cancelCheck->setObjectName(QStringLiteral("cancelCheck"));
    m_cancelCheck->setEnabled(false);
    connect(m_dedupButton, &QPushButton::clicked, this, &SamplesArea::startDedupCheck);
    connect(m_cancelCheck, &QPushButton::clicked, this, &SamplesArea::cancelCheck);
    row->addWidget(m_dedupButton);
    row->addWidget(m_nearDuplicates);
    row->addWidget(new QLabel(tr("Similarity ≥"), w));
    row->addWidget(m_threshold);
    row->addSpacing(12);
    row->addWidget(m_contaminationButton);
    row->addStretch(1);
    row->addWidget(m_cancelCheck);
    l->addLayout(row);
    m_checkProgress = new QProgressBar(w);
    m_checkProgress->setObjectName(QStringLiteral("checkProgress"));
    m_checkProgress->hide();
    l->addWidget(m_checkProgress);
    m_checkSummary = new QLabel(w);
    m_checkSummary->setObjectName(QStringLiteral("checkSummary"));
    m_checkSummary->setWordWrap(true);
    m_checkSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->addWidget(m_checkSummary);
    m_checkTable = new QTableWidget(0, 5, w);
    m_checkTable->setObjectName(QStringLiteral("checkResults"));
    m_checkTable->setHorizontalHeaderLabels({tr("Sample"), tr("Found"), tr("Matches"), tr("Similarity"), tr("Reject reason")});
    m_checkTable->verticalHeader()->hide();
    m_checkTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_checkTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_checkTable->setWordWrap(false);
    m_checkTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_checkTable->verticalHeader()->setDefaultSectionSize(m_checkTable->fontMetrics().height() + 8);
    m_checkTable->setTextElideMode(Qt::ElideMiddle);
    m_checkTable->horizontalHeader()->setStretchLastSection(true);
    m_checkTable->setColumnWidth(0, 70);
    m_checkTable->setColumnWidth(1, 130);
    m_checkTable->setColumnWidth(2, 260);
    m_checkTable->setColumnWidth(3, 80);
    m_checkTable->setToolTip(tr("Double-click a row to show its sample"));
    connect(m_checkTable, &QTableWidget::cellDoubleClicked, this, [this](int r, int) {
        const qint64 id = m_checkTable->item(r, 0)->data(Qt::UserRole).toLongLong();
        openSample(id); // listed even when the filter leaves it out
    });
    l->addWidget(m_checkTable, 1);
    auto* bottom = new QHBoxLayout;
    m_rejectListed = new QPushButton(tr("Reject listed samples"), w);
    m_rejectListed->setObjectName(QStringLiteral("rejectListed"));
    m_rejectListed->setToolTip(tr("Rejects every listed sample with the reason shown (one step to undo)"));
    m_rejectListed->setEnabled(false);
    connect(m_rejectListed, &QPushButton::clicked, this, &SamplesArea::rejectListed);
    bottom->addStretch(1);
    bottom->addWidget(m_rejectListed);
    l->addLayout(bottom);
    return w;
}

bool SamplesArea::startDedupCheck() {
    if (!m_project || m_checkRunning) return false;
    gen::DedupOptions o;
    o.dryRun = true; // a check: the user rejects what it lists
    o.near = m_nearDuplicates->isChecked();
    o.threshold = m_threshold->value();
    startCheck(tr("Looking for duplicates…"), [o](const store::Project& p, const ProgressHooks& hooks) {
        CheckResult res;
        res.kind = CheckResult::Dedup;
        auto r = gen::deduplicate(p, o, hooks);
        if (r)
            res.dedup = std::move(*r);
        else if (r.error().code == "cancelled")
            res.cancelled = true;
        else
            res.error = formatFailure(r.error());
        return res;
    });
    return true;
}

bool SamplesArea::startContaminationCheck(const QString& evalPath, const QString& name) {
    if (!m_project || m_checkRunning || evalPath.isEmpty()) return false;
    gen::ContaminationOptions o;
    o.threshold = m_threshold->value();
    const QString shown = name.isEmpty() ? QFileInfo(evalPath).fileName() : name;
    o.evalName = shown.toStdString();
    const std::string path = evalPath.toStdString();
    startCheck(tr("Checking against %1…").arg(shown),
               [o, path](const store::Project& p, const ProgressHooks& hooks) {
                   CheckResult res;
                   res.kind = CheckResult::Contamination;
                   res.evalName = QString::fromStdString(o.evalName);
                   auto texts = gen::loadEvalTexts(path);
                   if (!texts) {
                       res.error = formatFailure(texts.error());
                       return res;
                   }
                   res.evalTexts = static_cast<qint64>(texts->size());
                   auto r = gen::checkContamination(p, *texts, o, hooks);
                   if (r)
                       res.contamination = std::move(*r);
                   else if (r.error().code == "cancelled")
                       res.cancelled = true;
                   else
                       res.error = formatFailure(r.error());
                   return res;
               });
    return true;
}

void SamplesArea::startCheck(const QString& title,
                             std::function<CheckResult(const store::Project&, const ProgressHooks&)> run) {
    m_checkRunning = true;
    m_dedupButton->setEnabled(false);
    m_contaminationButton->setEnabled(false);
    m_rejectListed->setEnabled(false);
    m_cancelCheck->setEnabled(true);
    m_checkProgress->setRange(0, 0);
    m_checkProgress->show();
    m_checkSummary->setStyleSheet(QString());
    m_checkSummary->setText(title);
    m_checkTable->setRowCount(0);
    m_listed.clear();
    m_leftTabs->setCurrentIndex(1);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const int generation = ++m_checkGeneration;
    const std::string path = m_project->path().string();
    auto cancel = m_cancel;
    // Its own connection on a worker thread; the destructor and setProject cancel and wait.
    m_pool.start([this, generation, path, cancel, run = std::move(run)] {
        CheckResult res;
        auto project = store::Project::open(path);
        if (!project) {
            res.error = formatFailure(project.error());
        } else {
            ProgressHooks hooks;
            hooks.shouldStop = [cancel] { return cancel->load(); };
            hooks.progress = [this, generation](std::int64_t done, std::int64_t total, const std::string&) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, done, total] {
                        if (generation != m_checkGeneration) return;
                        m_checkProgress->setRange(0, static_cast<int>(std::min<std::int64_t>(total, INT_MAX)));
                        m_checkProgress->setValue(static_cast<int>(std::min<std::int64_t>(done, INT_MAX)));
                        m_checkProgress->setFormat(tr("%1 of %2 samples").arg(QLocale().toString(qint64(done)),
                                                                               QLocale().toString(qint64(total))));
                    },
                    Qt::QueuedConnection);
            };
            res = run(*project, hooks);
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, res = std::move(res)] {
                if (generation == m_checkGeneration) showCheckResult(res);
            },
            Qt::QueuedConnection);
    });
}

void SamplesArea::cancelCheck() {
    if (m_cancel) m_cancel->store(true);
}

void SamplesArea::showCheckResult(const CheckResult& res) {
    m_checkRunning = false;
    m_dedupButton->setEnabled(m_project);
    m_contaminationButton->setEnabled(m_project);
    m_cancelCheck->setEnabled(false);
    m_checkProgress->hide();
    m_listed.clear();
    m_checkTable->setRowCount(0);
    const QLocale loc;
    if (res.cancelled || !res.error.isEmpty()) {
        m_checkSummary->setStyleSheet(res.cancelled ? QString() : QStringLiteral("color:#b02020"));
        m_checkSummary->setText(res.cancelled ? tr("Check cancelled; nothing was changed.") : res.error);
        Q_EMIT checkFinished();
        return;
    }
    m_checkSummary->setStyleSheet(QString());
    auto addRow = [&](qint64 id, const QString& found, const QString& matches, double similarity, const std::string& reason) {
        const int r = m_checkTable->rowCount();
        m_checkTable->insertRow(r);
        auto* idItem = new QTableWidgetItem(loc.toString(id));
        idItem->setData(Qt::UserRole, id);
        m_checkTable->setItem(r, 0, idItem);
        m_checkTable->setItem(r, 1, new QTableWidgetItem(found));
        auto* m = new QTableWidgetItem(matches);
        m->setToolTip(matches);
        m_checkTable->setItem(r, 2, m);
        auto* sim = new QTableWidgetItem(loc.toString(similarity, 'f', 3));
        sim->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_checkTable->setItem(r, 3, sim);
        auto* why = new QTableWidgetItem(QString::fromStdString(reason));
        why->setToolTip(why->text());
        m_checkTable->setItem(r, 4, why);
        m_listed.emplace_back(id, reason);
    };
    m_checkTable->setUpdatesEnabled(false);
    if (res.kind == CheckResult::Dedup) {
        const auto& d = res.dedup;
        for (auto& p : d.pairs)
            addRow(p.removed, reasonKindLabel(QString::fromStdString(gen::rejectReasonKind(p.reason))),
                   tr("sample %1 (kept)").arg(p.kept), p.similarity, p.reason);
        m_checkSummary->setText(
            tr("%1 exact and %2 near duplicates among %3 accepted and edited samples. Nothing is rejected yet: "
               "Reject listed samples rejects them (the earliest of each stays).")
                .arg(loc.toString(qint64(d.exactDuplicates)), loc.toString(qint64(d.nearDuplicates)),
                     loc.toString(qint64(d.scanned))));
    } else {
        const auto& c = res.contamination;
        for (auto& h : c.hits)
            addRow(h.sampleId, tr("%1 (%2)").arg(reasonKindLabel(QStringLiteral("contamination")), QString::fromStdString(h.field)),
                   tr("%1: %2").arg(res.evalName, QString::fromStdString(h.evalText).simplified()), h.similarity, h.reason);
        Q_EMIT projectWritten(); // the flags, written on the worker's connection
        m_checkSummary->setText(tr("%1 of %2 accepted and edited samples overlap %3 (%4 evaluation texts); they are "
                                   "flagged, not rejected.")
                                    .arg(loc.toString(qint64(c.flagged)), loc.toString(qint64(c.scanned)), res.evalName,
                                         loc.toString(res.evalTexts)));
    }
    m_checkTable->setUpdatesEnabled(true);
    m_rejectListed->setEnabled(!m_listed.empty());
    Q_EMIT checkFinished();
}

int SamplesArea::rejectListed() {
    if (!m_project || m_checkRunning || m_listed.empty()) return 0;
    std::vector<std::int64_t> ids;
    ids.reserve(m_listed.size());
    for (auto& [id, reason] : m_listed) ids.push_back(id);
    auto states = gen::sampleStates(*m_project, ids);
    if (!states) {
        showError(formatFailure(states.error()));
        return 0;
    }
    std::vector<gen::SampleState> before, after;
    for (std::size_t i = 0; i < states->size(); ++i) {
        const auto& s = (*states)[i];
        if (s.status == "rejected") continue; // rejected meanwhile: its reason stays
        before.push_back(s);
        auto a = s;
        a.status = "rejected";
        a.rejectReason = m_listed[i].second;
        after.push_back(std::move(a));
    }
    if (after.empty()) {
        Q_EMIT statusMessage(tr("The listed samples are rejected already."));
        return 0;
    }
    if (auto st = gen::restoreSampleStates(*m_project, after, &before); !st) {
        showError(formatFailure(st.error()));
        return 0;
    }
    const int n = static_cast<int>(after.size());
    std::vector<qint64> changed;
    for (auto& s : after) changed.push_back(s.id);
    m_undo->push(new CurationCommand(this, tr("Reject %n listed sample(s)", "", n), std::move(before), std::move(after)));
    afterChange(changed, m_view->currentIndex().row());
    m_rejectListed->setEnabled(false);
    Q_EMIT statusMessage(tr("%n sample(s) rejected", "", n));
    return n;
}

} // namespace synthembed::ui
