#include "ui/areas/templates_area.h"

#include "ui/templates/elided_label.h"
#include "ui/templates/find_bar.h"
#include "ui/templates/template_editor.h"

#include "core/prompts/coverage.h"
#include "core/prompts/library.h"
#include "core/prompts/diff.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/render.h"
#include "core/prompts/template_tokens.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QDoubleSpinBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPixmap>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace synthembed::ui {

namespace {

/// Rows as tall as their wrapped text at the column's width (QTreeView measures items without it,
/// so a wrapping column would stay one line tall and cut the text).
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView* view) : QStyledItemDelegate(view), m_view(view) {}
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        // A valid rect (Qt's style wraps only then) of the column's width.
        opt.rect = QRect(0, 0, m_view->header()->sectionSize(index.column()), 1);
        return QStyledItemDelegate::sizeHint(opt, index);
    }

private:
    QTreeView* m_view;
};

constexpr int kNameRole = Qt::UserRole;
constexpr int kOffsetRole = Qt::UserRole + 1;
constexpr int kVersionRole = Qt::UserRole + 2;

QString qs(const std::string& s) { return QString::fromStdString(s); }
QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

// Weights are edited with a spin box that allows the whole useful range (the default delegate's
// QDoubleSpinBox stops at 99.99 with two decimals).
class WeightDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override {
        auto* spin = new QDoubleSpinBox(parent);
        spin->setRange(0.0, 1e9);
        spin->setDecimals(4);
        spin->setFrame(false);
        return spin;
    }
};

QTableWidget* makeTable(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->horizontalHeader()->setHighlightSections(false);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    return t;
}

// Keeps list rows without a status icon aligned with those that have one.
QIcon blankIcon() {
    static const QIcon icon = [] {
        QPixmap pm(12, 12);
        pm.fill(Qt::transparent);
        return QIcon(pm);
    }();
    return icon;
}

QTableWidgetItem* readOnlyItem(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

} // namespace

QColor TemplatesArea::valueColor(int i) {
    static const QColor colors[] = {QColor(0xff, 0xe0, 0x82), QColor(0xb3, 0xe5, 0xfc), QColor(0xc8, 0xe6, 0xc9),
                                    QColor(0xf8, 0xbb, 0xd0), QColor(0xd1, 0xc4, 0xe9), QColor(0xff, 0xcc, 0xbc),
                                    QColor(0xb2, 0xdf, 0xdb), QColor(0xf0, 0xf4, 0xc3)};
    return colors[static_cast<std::size_t>(i) % std::size(colors)];
}

TemplatesArea::TemplatesArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("templatesArea"));
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(250);
    connect(&m_refreshTimer, &QTimer::timeout, this, &TemplatesArea::refresh);
    buildUi();
    clear();
}

TemplatesArea::~TemplatesArea() = default;

void TemplatesArea::buildUi() {
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    root->addWidget(m_pages);

    m_emptyLabel = new QLabel(this);
    m_emptyLabel->setObjectName(QStringLiteral("templatesEmpty"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::RichText);
    m_pages->addWidget(m_emptyLabel);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    m_pages->addWidget(split);

    // Left: templates by family and step.
    m_list = new QTreeWidget(split);
    m_list->setObjectName(QStringLiteral("templateList"));
    m_list->setHeaderLabels({tr("Template"), tr("Ver.")});
    m_list->setColumnCount(2);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->setUniformRowHeights(true);
    m_list->setIconSize(QSize(12, 12));
    m_list->setMinimumWidth(150);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (m_loading || !item) return;
        const QString name = item->data(0, kNameRole).toString();
        if (!name.isEmpty() && name != m_current) loadIntoEditor(name);
    });

    // Center: tool row, editor + find bar, problems.
    auto* center = new QWidget(split);
    auto* cv = new QVBoxLayout(center);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->setSpacing(2);
    auto* tools = new QHBoxLayout;
    tools->setSpacing(2);
    m_titleLabel = new ElidedLabel(center);
    m_titleLabel->setObjectName(QStringLiteral("templateTitle"));
    {
        QFont bold = m_titleLabel->font();
        bold.setBold(true);
        m_titleLabel->setFont(bold);
    }
    tools->addWidget(m_titleLabel, 1);
    auto tool = [&](const QString& text, QStyle::StandardPixmap icon, const QString& tip, bool withText = false) {
        auto* b = new QToolButton(center);
        b->setText(text);
        b->setIcon(style()->standardIcon(icon));
        b->setToolButtonStyle(withText ? Qt::ToolButtonTextBesideIcon : Qt::ToolButtonIconOnly);
        b->setAutoRaise(true);
        b->setToolTip(tip);
        tools->addWidget(b);
        return b;
    };
    auto* undo = tool(tr("Undo"), QStyle::SP_ArrowBack, tr("Undo (Ctrl+Z)"));
    auto* redo = tool(tr("Redo"), QStyle::SP_ArrowForward, tr("Redo (Ctrl+Shift+Z)"));
    auto* findButton = tool(tr("Find"), QStyle::SP_FileDialogContentsView, tr("Find in the template (Ctrl+F)"));
    m_revert =
        tool(tr("Revert"), QStyle::SP_DialogResetButton, tr("Discard the edits since the last saved version"), true);
    m_save = tool(tr("Save"), QStyle::SP_DialogSaveButton, tr("Save as a new version (Ctrl+S)"), true);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_revert->setObjectName(QStringLiteral("revertButton"));
    cv->addLayout(tools);

    auto* vsplit = new QSplitter(Qt::Vertical, center);
    vsplit->setChildrenCollapsible(false);
    cv->addWidget(vsplit, 1);
    auto* editorBox = new QWidget(vsplit);
    auto* ev = new QVBoxLayout(editorBox);
    ev->setContentsMargins(0, 0, 0, 0);
    ev->setSpacing(0);
    m_editor = new TemplateEditor(editorBox);
    m_editor->setObjectName(QStringLiteral("templateEditor"));
    ev->addWidget(m_editor, 1);
    m_find = new FindBar(m_editor, editorBox);
    m_find->hide();
    ev->addWidget(m_find);

    auto* problemsBox = new QWidget(vsplit);
    auto* pv = new QVBoxLayout(problemsBox);
    pv->setContentsMargins(0, 2, 0, 0);
    pv->setSpacing(2);
    m_problemsLabel = new QLabel(problemsBox);
    m_problemsLabel->setObjectName(QStringLiteral("problemsLabel"));
    pv->addWidget(m_problemsLabel);
    m_problems = new QTreeWidget(problemsBox);
    m_problems->setObjectName(QStringLiteral("problemList"));
    m_problems->setHeaderLabels({tr("Line:Col"), tr("Problem"), tr("Code")});
    m_problems->setRootIsDecorated(false);
    // Long messages ("unknown placeholder {x}: map it to a pool under `placeholders:` or ...") wrap
    // onto more lines instead of being cut; the full message is also each row's tooltip.
    m_problems->setUniformRowHeights(false);
    m_problems->setWordWrap(true);
    m_problems->setTextElideMode(Qt::ElideNone);
    m_problems->setItemDelegate(new WrappingDelegate(m_problems));
    connect(m_problems->header(), &QHeaderView::sectionResized, m_problems, [this] { m_problems->doItemsLayout(); });
    m_problems->setAlternatingRowColors(true);
    m_problems->header()->setStretchLastSection(false);
    m_problems->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_problems->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_problems->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    pv->addWidget(m_problems, 1);
    vsplit->setStretchFactor(0, 4);
    vsplit->setStretchFactor(1, 1);
    vsplit->setSizes({520, 120});
    auto jump = [this](QTreeWidgetItem* item) {
        if (item) m_editor->jumpTo(item->data(0, kOffsetRole).toInt());
    };
    connect(m_problems, &QTreeWidget::itemClicked, this, jump);
    connect(m_problems, &QTreeWidget::itemActivated, this, jump);

    // Right: metadata, then Preview / Placeholders / History.
    auto* right = new QWidget(split);
    auto* rv = new QVBoxLayout(right);
    rv->setContentsMargins(0, 0, 0, 0);
    rv->setSpacing(4);
    m_meta = new QLabel(right);
    m_meta->setObjectName(QStringLiteral("templateMeta"));
    m_meta->setTextFormat(Qt::RichText);
    m_meta->setWordWrap(true);
    m_meta->setFrameShape(QFrame::StyledPanel);
    m_meta->setMargin(4);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rv->addWidget(m_meta);
    m_tabs = new QTabWidget(right);
    m_tabs->setDocumentMode(true);
    rv->addWidget(m_tabs, 1);

    // Preview tab.
    auto* previewTab = new QSplitter(Qt::Vertical, m_tabs);
    previewTab->setChildrenCollapsible(false);
    auto* previewTop = new QWidget(previewTab);
    auto* ptv = new QVBoxLayout(previewTop);
    ptv->setContentsMargins(2, 4, 2, 0);
    ptv->setSpacing(2);
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seed"), previewTop));
    m_seed = new QSpinBox(previewTop);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, INT_MAX);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("The same seed always renders the same prompt, on every platform."));
    seedRow->addWidget(m_seed);
    m_resample = new QPushButton(tr("Resample"), previewTop);
    m_resample->setObjectName(QStringLiteral("resampleButton"));
    m_resample->setToolTip(tr("Draw new placeholder values (next seed)"));
    seedRow->addWidget(m_resample);
    seedRow->addStretch(1);
    ptv->addLayout(seedRow);
    m_preview = new QTextBrowser(previewTop);
    m_preview->setObjectName(QStringLiteral("previewView"));
    m_preview->setOpenLinks(false);
    ptv->addWidget(m_preview, 1);
    m_previewStatus = new QLabel(previewTop);
    m_previewStatus->setObjectName(QStringLiteral("previewStatus"));
    m_previewStatus->setWordWrap(true);
    ptv->addWidget(m_previewStatus);
    m_values = makeTable({tr("Placeholder"), tr("Sampled value")}, previewTab);
    m_values->setObjectName(QStringLiteral("valuesTable"));
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_values->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_values->horizontalHeader()->setStretchLastSection(true);
    previewTab->setStretchFactor(0, 3);
    previewTab->setStretchFactor(1, 1);
    m_tabs->addTab(previewTab, tr("Preview"));
    connect(m_seed, &QSpinBox::valueChanged, this, [this] {
        if (!m_loading) refresh();
    });
    connect(m_resample, &QPushButton::clicked, this,
            [this] { m_seed->setValue(m_seed->value() == INT_MAX ? 0 : m_seed->value() + 1); });

    // Placeholders tab.
    auto* phTab = new QSplitter(Qt::Vertical, m_tabs);
    phTab->setChildrenCollapsible(false);
    m_placeholders = makeTable({tr("Placeholder"), tr("Pool"), tr("Values")}, phTab);
    m_placeholders->setObjectName(QStringLiteral("placeholderTable"));
    m_placeholders->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_placeholders->setSelectionMode(QAbstractItemView::SingleSelection);
    m_placeholders->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_placeholders->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_placeholders->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    connect(m_placeholders, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (m_loading || row < 0) return;
        const auto* item = m_placeholders->item(row, 1);
        if (item) showPool(item->data(kNameRole).toString());
    });
    auto* poolBox = new QWidget(phTab);
    auto* pbv = new QVBoxLayout(poolBox);
    pbv->setContentsMargins(0, 4, 0, 0);
    pbv->setSpacing(2);
    m_poolLabel = new QLabel(poolBox);
    m_poolLabel->setObjectName(QStringLiteral("poolLabel"));
    m_poolLabel->setTextFormat(Qt::RichText);
    pbv->addWidget(m_poolLabel);
    m_poolValues = makeTable({tr("Value"), tr("Weight"), tr("Share")}, poolBox);
    m_poolValues->setObjectName(QStringLiteral("poolValueTable"));
    m_poolValues->setItemDelegateForColumn(1, new WeightDelegate(m_poolValues));
    m_poolValues->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                                  QAbstractItemView::AnyKeyPressed);
    m_poolValues->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_poolValues->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_poolValues->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    pbv->addWidget(m_poolValues, 1);
    auto* poolButtons = new QHBoxLayout;
    auto poolButton = [&](const QString& text, const QString& tip) {
        auto* b = new QToolButton(poolBox);
        b->setText(text);
        b->setToolTip(tip);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        return b;
    };
    m_addValue = poolButton(tr("Add"), tr("Add a value to the pool"));
    m_removeValue = poolButton(tr("Remove"), tr("Remove the selected values"));
    m_revertPool = poolButton(tr("Revert"), tr("Discard the pool edits"));
    m_savePool = poolButton(tr("Save pool"),
                            tr("Store the pool as a new version (templates and samples keep the versions they used)"));
    m_savePool->setObjectName(QStringLiteral("savePoolButton"));
    poolButtons->addWidget(m_addValue);
    poolButtons->addWidget(m_removeValue);
    poolButtons->addStretch(1);
    poolButtons->addWidget(m_revertPool);
    poolButtons->addWidget(m_savePool);
    pbv->addLayout(poolButtons);
    phTab->setStretchFactor(0, 1);
    phTab->setStretchFactor(1, 3);
    m_tabs->addTab(phTab, tr("Placeholders"));
    connect(m_poolValues, &QTableWidget::cellChanged, this, &TemplatesArea::onPoolCellChanged);
    connect(m_addValue, &QToolButton::clicked, this, &TemplatesArea::addPoolValue);
    connect(m_removeValue, &QToolButton::clicked, this, &TemplatesArea::removePoolValues);
    connect(m_revertPool, &QToolButton::clicked, this, &TemplatesArea::revertPool);
    connect(m_savePool, &QToolButton::clicked, this, &TemplatesArea::savePool);

    // History tab.
    auto* histTab = new QSplitter(Qt::Vertical, m_tabs);
    histTab->setChildrenCollapsible(false);
    m_versions = new QTreeWidget(histTab);
    m_versions->setObjectName(QStringLiteral("versionList"));
    m_versions->setHeaderLabels({tr("Version"), tr("Saved (UTC)"), tr("Changes")});
    m_versions->setRootIsDecorated(false);
    m_versions->setUniformRowHeights(true);
    m_versions->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_versions->setToolTip(tr("Select one version to see what it changed, or two to compare them"));
    m_versions->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* diffBox = new QWidget(histTab);
    auto* dv = new QVBoxLayout(diffBox);
    dv->setContentsMargins(0, 4, 0, 0);
    dv->setSpacing(2);
    auto* diffRow = new QHBoxLayout;
    m_diffLabel = new QLabel(diffBox);
    m_diffLabel->setObjectName(QStringLiteral("diffLabel"));
    diffRow->addWidget(m_diffLabel, 1);
    m_loadVersion = new QPushButton(tr("Open in editor"), diffBox);
    m_loadVersion->setToolTip(tr("Put this version's text into the editor; Save makes it the latest version"));
    diffRow->addWidget(m_loadVersion);
    dv->addLayout(diffRow);
    m_diff = new QTextBrowser(diffBox);
    m_diff->setObjectName(QStringLiteral("diffView"));
    dv->addWidget(m_diff, 1);
    histTab->setStretchFactor(0, 1);
    histTab->setStretchFactor(1, 3);
    m_tabs->addTab(histTab, tr("History"));
    connect(m_versions, &QTreeWidget::itemSelectionChanged, this, &TemplatesArea::updateDiff);
    connect(m_loadVersion, &QPushButton::clicked, this, &TemplatesArea::loadVersionIntoEditor);

    split->addWidget(m_list);
    split->addWidget(center);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    split->setSizes({170, 560, 420});

    connect(undo, &QToolButton::clicked, m_editor, &QsciScintilla::undo);
    connect(redo, &QToolButton::clicked, m_editor, &QsciScintilla::redo);
    connect(findButton, &QToolButton::clicked, m_find, &FindBar::activate);
    connect(m_save, &QToolButton::clicked, this, [this] { save(); });
    connect(m_revert, &QToolButton::clicked, this, [this] {
        m_editor->replaceText(qs(m_savedText), false); // undoable
    });
    auto* findKey = new QShortcut(QKeySequence::Find, this);
    findKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(findKey, &QShortcut::activated, m_find, &FindBar::activate);
    auto* saveKey = new QShortcut(QKeySequence::Save, this);
    saveKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(saveKey, &QShortcut::activated, this, [this] { save(); });
    connect(m_editor, &QsciScintilla::textChanged, this, &TemplatesArea::onTextChanged);
}

void TemplatesArea::clear() {
    m_refreshTimer.stop();
    m_loading = true;
    m_list->clear();
    m_editor->replaceText(QString(), true);
    m_editor->setDiagnostics({});
    m_problems->clear();
    m_preview->clear();
    m_values->setRowCount(0);
    m_placeholders->setRowCount(0);
    m_poolValues->setRowCount(0);
    m_versions->clear();
    m_diff->clear();
    m_loading = false;
    m_pools = {};
    m_dirtyPools.clear();
    m_drafts.clear();
    m_current.clear();
    m_currentPool.clear();
    m_savedText.clear();
    m_savedVersion = 0;
    m_emptyLabel->setText(tr("<p>Open or create a project (File menu) to edit its prompt templates.</p>"));
    m_pages->setCurrentIndex(0);
}

void TemplatesArea::setProject(store::Project* project) {
    if (m_project && (!m_drafts.empty() || isModified() || !m_dirtyPools.empty()))
        log::warn("unsaved template or pool edits were discarded when the project changed");
    Area::setProject(project);
    clear();
    if (!project) return;
    auto lib = prompts::PromptStore(*project).loadLatest();
    if (!lib) {
        log::error("templates: ", lib.error().message);
        m_emptyLabel->setText(tr("<p>The project's templates could not be read:</p><p>%1</p>")
                                  .arg(qs(lib.error().message).toHtmlEscaped()));
        return;
    }
    m_pools = lib->pools;
    if (lib->templates.empty()) {
        m_emptyLabel->setText(tr("<p>This project has no templates.</p><p>Import a prompts folder with "
                                 "<code>synthembed-cli prompts import DIR --db PROJECT</code>.</p>"));
        return;
    }
    m_pages->setCurrentIndex(1);
    reloadList(QString());
}

QStringList TemplatesArea::templateNames() const {
    QStringList names;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        auto* family = m_list->topLevelItem(i);
        for (int j = 0; j < family->childCount(); ++j) names << family->child(j)->data(0, kNameRole).toString();
    }
    return names;
}

void TemplatesArea::projectDataChanged(const ProjectChange& change) {
    if (!m_project || !(change.touches("templates") || change.touches("pools") || change.touches("pool_values"))) return;
    if (m_current.isEmpty() && m_drafts.empty() && m_dirtyPools.empty()) {
        setProject(m_project); // nothing open yet (e.g. the first templates arrived): load as on open
        return;
    }
    if (m_dirtyPools.empty())
        if (auto lib = prompts::PromptStore(*m_project).loadLatest()) m_pools = lib->pools;
    const int scroll = m_list->verticalScrollBar()->value();
    reloadList(m_current);
    m_list->verticalScrollBar()->setValue(scroll);
    if (!m_current.isEmpty() && !isModified()) {
        // A newer version saved elsewhere replaces the unedited text; the text saved here does not.
        auto text = prompts::PromptStore(*m_project).templateText(m_current.toStdString());
        if (text && *text != m_savedText) loadIntoEditor(m_current);
        else reloadHistory();
    }
    if (m_dirtyPools.empty() && !m_currentPool.isEmpty()) showPool(m_currentPool);
}

void TemplatesArea::reloadList(const QString& select) {
    if (!m_project) return;
    auto versions = prompts::PromptStore(*m_project).templateVersions();
    if (!versions) {
        log::error("templates: ", versions.error().message);
        return;
    }
    // Latest version of each template (rows come ordered by name, then version).
    std::map<std::string, prompts::TemplateVersion> latest;
    for (auto& v : *versions) latest[v.name] = v;
    prompts::PromptStore store(*m_project);
    m_withErrors.clear();
    for (const auto& [name, v] : latest) {
        const auto draft = m_drafts.find(qs(name));
        const auto text = draft != m_drafts.end() ? Result<std::string>(draft->second.toStdString())
                                                  : store.templateText(name);
        if (text && prompts::hasErrors(prompts::validateTemplateText(*text, m_pools))) m_withErrors.insert(qs(name));
    }

    m_loading = true;
    m_list->clear();
    QTreeWidgetItem* toSelect = nullptr;
    QTreeWidgetItem* first = nullptr;
    std::vector<std::string> families(std::begin(prompts::kFamilies), std::end(prompts::kFamilies));
    for (const auto& [name, v] : latest)
        if (std::find(families.begin(), families.end(), v.family) == families.end()) families.push_back(v.family);
    for (const auto& family : families) {
        std::vector<const prompts::TemplateVersion*> members;
        for (const auto& [name, v] : latest)
            if (v.family == family) members.push_back(&v);
        if (members.empty()) continue;
        std::stable_sort(members.begin(), members.end(), [](auto* a, auto* b) {
            return a->step == prompts::Step::Brainstorm && b->step != prompts::Step::Brainstorm;
        });
        auto* fam = new QTreeWidgetItem(m_list, {qs(family)});
        fam->setFlags(fam->flags() & ~Qt::ItemIsSelectable);
        QFont bold = fam->font(0);
        bold.setBold(true);
        fam->setFont(0, bold);
        for (const auto* v : members) {
            const std::string plain = family + "." + prompts::stepName(v->step);
            QString label = qs(prompts::stepName(v->step));
            if (v->name != plain) label += QStringLiteral(" (%1)").arg(qs(v->name));
            auto* item = new QTreeWidgetItem(fam, {label, QStringLiteral("v%1").arg(v->version)});
            item->setData(0, kNameRole, qs(v->name));
            item->setToolTip(0, qs(v->name + (v->description.empty() ? "" : "\n" + v->description)));
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
            if (!first) first = item;
            const QString name = qs(v->name);
            if (name == select || (select.isEmpty() && name == m_current)) toSelect = item;
        }
    }
    m_list->expandAll();
    if (!toSelect) toSelect = first;
    if (toSelect) m_list->setCurrentItem(toSelect);
    m_loading = false;
    if (toSelect) {
        const QString name = toSelect->data(0, kNameRole).toString();
        if (name != m_current) loadIntoEditor(name);
    }
    updateListMarks();
}

bool TemplatesArea::selectTemplate(const QString& name) {
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        auto* family = m_list->topLevelItem(i);
        for (int j = 0; j < family->childCount(); ++j) {
            if (family->child(j)->data(0, kNameRole).toString() == name) {
                m_list->setCurrentItem(family->child(j)); // loads it
                return m_current == name;
            }
        }
    }
    return false;
}

bool TemplatesArea::isModified() const {
    return !m_current.isEmpty() && m_editor->utf8Text() != m_savedText;
}

void TemplatesArea::loadIntoEditor(const QString& name) {
    if (!m_project) return;
    prompts::PromptStore store(*m_project);
    auto text = store.templateText(name.toStdString());
    if (!text) {
        log::error("templates: ", text.error().message);
        Q_EMIT statusMessage(qs(text.error().message));
        return;
    }
    if (!m_current.isEmpty()) {
        if (isModified())
            m_drafts[m_current] = m_editor->text();
        else
            m_drafts.erase(m_current);
    }
    m_current = name;
    m_savedText = *text;
    const auto draft = m_drafts.find(name);
    m_loading = true;
    m_editor->replaceText(draft != m_drafts.end() ? draft->second : qs(*text), true);
    m_editor->setCursorPosition(0, 0);
    m_editor->setFirstVisibleLine(0);
    m_loading = false;
    reloadHistory();
    updateTitle();
    updateListMarks();
    refresh();
}

void TemplatesArea::onTextChanged() {
    if (m_loading) return;
    updateTitle();
    updateListMarks();
    m_refreshTimer.start();
}

void TemplatesArea::refreshNow() { refresh(); }

void TemplatesArea::refresh() {
    m_refreshTimer.stop();
    if (m_current.isEmpty()) return;
    const std::string text = m_editor->utf8Text();
    const auto parsed = prompts::parseTemplateFile(text);
    m_editor->setDiagnostics(prompts::validateTemplateText(text, m_pools));
    QStringList names;
    for (const auto& n : prompts::placeholderCompletions(parsed.tpl.meta)) names << qs(n);
    if (names != m_editor->completions()) {
        // Which placeholders are known changed: colour the whole text again.
        m_editor->setCompletions(names);
        m_editor->recolor();
    }
    if (prompts::hasErrors(m_editor->diagnostics()))
        m_withErrors.insert(m_current);
    else
        m_withErrors.erase(m_current);
    updateListMarks();
    updateProblems();
    updateMetadata(parsed.tpl);
    updatePlaceholders(parsed.tpl);
    renderPreview(parsed.tpl, !prompts::hasErrors(parsed.diagnostics));
    Q_EMIT refreshed();
}

void TemplatesArea::renderPreview(const prompts::Template& tpl, bool syntaxOk) {
    const auto seed = static_cast<std::uint64_t>(m_seed->value());
    auto r = syntaxOk ? prompts::renderAt(tpl, m_pools, seed, 0, prompts::exampleInputs(tpl))
                      : Result<prompts::RenderedPrompt>(Error{"template", "the template has syntax errors"});
    if (!r) {
        // Keep the last good preview visible, dimmed, and say why it is stale.
        m_preview->setEnabled(false);
        m_previewStatus->setStyleSheet(QStringLiteral("color: #b71c1c;"));
        m_previewStatus->setText(tr("Preview not updated: %1").arg(qs(r.error().message)));
        return;
    }
    const auto& p = *r;
    // Colour per placeholder, in the order values were recorded.
    auto colorOf = [&](const std::string& placeholder) {
        for (std::size_t i = 0; i < p.values.size(); ++i)
            if (p.values[i].first == placeholder) return valueColor(static_cast<int>(i));
        return valueColor(0);
    };
    auto spans = p.spans;
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
    QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
    std::size_t pos = 0;
    for (const auto& s : spans) {
        if (s.offset < pos || s.offset + s.length > p.text.size()) continue;
        html += esc(p.text.substr(pos, s.offset - pos));
        html += QStringLiteral("<span style=\"background-color:%1;\">%2</span>")
                    .arg(colorOf(s.placeholder).name(), esc(p.text.substr(s.offset, s.length)));
        pos = s.offset + s.length;
    }
    html += esc(p.text.substr(pos)) + QStringLiteral("</div>");
    const int scroll = m_preview->verticalScrollBar() ? m_preview->verticalScrollBar()->value() : 0;
    m_preview->setEnabled(true);
    m_preview->setHtml(html);
    if (m_preview->verticalScrollBar()) m_preview->verticalScrollBar()->setValue(scroll);

    m_values->setRowCount(static_cast<int>(p.values.size()));
    for (std::size_t i = 0; i < p.values.size(); ++i) {
        auto* name = readOnlyItem(qs(p.values[i].first));
        name->setBackground(valueColor(static_cast<int>(i)));
        m_values->setItem(static_cast<int>(i), 0, name);
        auto* value = readOnlyItem(qs(p.values[i].second));
        value->setToolTip(qs(p.values[i].second));
        m_values->setItem(static_cast<int>(i), 1, value);
    }
    const auto stats = prompts::coverageOf({p});
    const double combos = prompts::possibleCombinations(tpl, m_pools);
    m_previewStatus->setStyleSheet(QString());
    m_previewStatus->setText(tr("Seed %1 · value combinations: %2 · ~%3 prompt tokens")
                                 .arg(seed)
                                 .arg(combos >= 1e9 ? QString::number(combos, 'g', 3)
                                                    : QLocale().toString(static_cast<qlonglong>(combos)))
                                 .arg(stats.estimatedPromptTokens));
}

void TemplatesArea::updateProblems() {
    const auto& diags = m_editor->diagnostics();
    m_problems->clear();
    int errors = 0, warnings = 0;
    const QIcon errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warningIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const auto& d : diags) {
        (d.isError() ? errors : warnings)++;
        auto* item = new QTreeWidgetItem(m_problems, {QStringLiteral("%1:%2").arg(d.pos.line).arg(d.pos.column),
                                                      qs(d.message), qs(d.code)});
        item->setIcon(0, d.isError() ? errorIcon : warningIcon);
        item->setData(0, kOffsetRole, static_cast<int>(d.pos.offset));
        item->setToolTip(1, qs(d.message));
    }
    if (diags.empty())
        m_problemsLabel->setText(tr("Problems: none"));
    else
        m_problemsLabel->setText(tr("Problems: %1 error(s), %2 warning(s) — click one to jump to it")
                                     .arg(errors)
                                     .arg(warnings));
}

void TemplatesArea::updateMetadata(const prompts::Template& tpl) {
    const auto& m = tpl.meta;
    auto row = [](const QString& key, const QString& value) {
        return QStringLiteral("<tr><td style=\"color:#666; padding-right:8px;\">%1</td><td>%2</td></tr>").arg(key, value);
    };
    QString keys;
    for (const auto& k : m.keys) {
        if (!keys.isEmpty()) keys += QStringLiteral(", ");
        keys += QStringLiteral("<code>%1</code> → %2").arg(esc(k.name), esc(prompts::roleName(k.role)));
    }
    QStringList inputs;
    for (const auto& in : m.inputs) inputs << QStringLiteral("<code>%1</code>").arg(esc(in));
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=1>");
    html += row(tr("Family"), esc(m.family.empty() ? "?" : m.family));
    html += row(tr("Step"), esc(prompts::stepName(m.step)));
    if (m.step == prompts::Step::Generate) html += row(tr("Keys"), keys.isEmpty() ? tr("<i>none</i>") : keys);
    if (!inputs.isEmpty()) html += row(tr("Inputs"), inputs.join(QStringLiteral(", ")));
    if (!m.instruction.empty()) html += row(tr("Instruction"), esc(m.instruction));
    if (!m.description.empty()) html += row(tr("About"), esc(m.description));
    html += QStringLiteral("</table>");
    m_meta->setText(html);
}

void TemplatesArea::updatePlaceholders(const prompts::Template& tpl) {
    const auto& m = tpl.meta;
    m_loading = true;
    m_placeholders->setRowCount(0);
    int selectRow = -1;
    auto addRow = [&](const QString& placeholder, const QString& pool, const QString& poolLabel, const QString& count,
                      bool problem) {
        const int r = m_placeholders->rowCount();
        m_placeholders->insertRow(r);
        m_placeholders->setItem(r, 0, readOnlyItem(QStringLiteral("{%1}").arg(placeholder)));
        auto* poolItem = readOnlyItem(poolLabel);
        poolItem->setData(kNameRole, pool);
        m_placeholders->setItem(r, 1, poolItem);
        auto* countItem = readOnlyItem(count);
        countItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_placeholders->setItem(r, 2, countItem);
        if (problem)
            for (int c = 0; c < 3; ++c) m_placeholders->item(r, c)->setForeground(QColor(0xb7, 0x1c, 0x1c));
        if (!pool.isEmpty() && pool == m_currentPool) selectRow = r;
    };
    for (const auto& p : m.placeholders) {
        const auto* pool = m_pools.find(p.pool);
        QString label = qs(p.pool);
        if (m_dirtyPools.count(p.pool)) label += tr(" (edited)");
        addRow(qs(p.placeholder), qs(p.pool), pool ? label : tr("%1 (missing)").arg(qs(p.pool)),
               pool ? QString::number(pool->values.size()) : QStringLiteral("—"), !pool || pool->values.empty());
    }
    for (const auto& in : m.inputs) addRow(qs(in), QString(), tr("input (from the plan)"), QStringLiteral("—"), false);
    if (selectRow < 0) {
        for (int r = 0; r < m_placeholders->rowCount(); ++r) {
            const QString pool = m_placeholders->item(r, 1)->data(kNameRole).toString();
            if (!pool.isEmpty() && m_pools.find(pool.toStdString())) {
                selectRow = r;
                break;
            }
        }
    }
    if (selectRow >= 0) m_placeholders->selectRow(selectRow);
    m_loading = false;
    const QString pool = selectRow >= 0 ? m_placeholders->item(selectRow, 1)->data(kNameRole).toString() : QString();
    if (pool != m_currentPool || m_poolValues->rowCount() == 0) showPool(pool);
}

void TemplatesArea::showPool(const QString& name) {
    m_currentPool = name;
    const auto* pool = name.isEmpty() ? nullptr : m_pools.find(name.toStdString());
    m_loading = true;
    m_poolValues->setRowCount(0);
    if (pool) {
        m_poolValues->setRowCount(static_cast<int>(pool->values.size()));
        for (std::size_t i = 0; i < pool->values.size(); ++i) {
            const int r = static_cast<int>(i);
            m_poolValues->setItem(r, 0, new QTableWidgetItem(qs(pool->values[i].value)));
            auto* w = new QTableWidgetItem;
            w->setData(Qt::EditRole, pool->values[i].weight);
            w->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_poolValues->setItem(r, 1, w);
            auto* share = readOnlyItem(QStringLiteral("%1 %").arg(100.0 * pool->share(i), 0, 'f', 1));
            share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_poolValues->setItem(r, 2, share);
        }
    }
    m_loading = false;
    const bool dirty = pool && m_dirtyPools.count(pool->name);
    if (!pool)
        m_poolLabel->setText(name.isEmpty() ? tr("Select a placeholder to edit its pool.")
                                            : tr("Pool <b>%1</b> does not exist.").arg(name.toHtmlEscaped()));
    else
        m_poolLabel->setText(tr("Pool <b>%1</b> · version %2 · %3 values%4")
                                 .arg(name.toHtmlEscaped())
                                 .arg(pool->version)
                                 .arg(pool->values.size())
                                 .arg(dirty ? tr(" · <span style=\"color:#b26a00;\">edited, not saved</span>")
                                            : QString()));
    m_poolValues->setEnabled(pool != nullptr);
    m_addValue->setEnabled(pool != nullptr);
    m_removeValue->setEnabled(pool != nullptr);
    m_savePool->setEnabled(dirty);
    m_revertPool->setEnabled(dirty);
}

void TemplatesArea::onPoolCellChanged(int, int) {
    if (m_loading || m_currentPool.isEmpty()) return;
    auto* pool = m_pools.find(m_currentPool.toStdString());
    if (!pool) return;
    std::vector<prompts::PoolValue> values;
    for (int r = 0; r < m_poolValues->rowCount(); ++r) {
        const auto* v = m_poolValues->item(r, 0);
        const auto* w = m_poolValues->item(r, 1);
        values.push_back({v ? v->text().toStdString() : std::string(), w ? w->data(Qt::EditRole).toDouble() : 0.0});
    }
    pool->values = std::move(values);
    m_dirtyPools.insert(pool->name);
    // Shares follow the weights at once; the preview after the usual pause.
    m_loading = true;
    for (int r = 0; r < m_poolValues->rowCount(); ++r)
        if (auto* s = m_poolValues->item(r, 2))
            s->setText(QStringLiteral("%1 %").arg(100.0 * pool->share(static_cast<std::size_t>(r)), 0, 'f', 1));
    m_loading = false;
    showPool(m_currentPool);
    m_refreshTimer.start();
}

void TemplatesArea::addPoolValue() {
    if (m_currentPool.isEmpty()) return;
    m_loading = true;
    const int r = m_poolValues->rowCount();
    m_poolValues->insertRow(r);
    m_poolValues->setItem(r, 0, new QTableWidgetItem(tr("new value")));
    auto* w = new QTableWidgetItem;
    w->setData(Qt::EditRole, 1.0);
    w->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_poolValues->setItem(r, 1, w);
    m_poolValues->setItem(r, 2, readOnlyItem(QString()));
    m_loading = false;
    onPoolCellChanged(r, 0);
    m_poolValues->setCurrentCell(r, 0);
    m_poolValues->editItem(m_poolValues->item(r, 0));
}

void TemplatesArea::removePoolValues() {
    std::set<int> rows;
    for (const auto& idx : m_poolValues->selectionModel()->selectedIndexes()) rows.insert(idx.row());
    if (rows.empty()) return;
    m_loading = true;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) m_poolValues->removeRow(*it);
    m_loading = false;
    onPoolCellChanged(0, 0);
}

void TemplatesArea::savePool() {
    if (!m_project || m_currentPool.isEmpty()) return;
    const auto* pool = m_pools.find(m_currentPool.toStdString());
    if (!pool) return;
    // The pool file rules (no empty or duplicate values, a weight above 0) apply to edits too.
    const auto check = prompts::parsePoolFile(prompts::formatPoolFile(*pool));
    QStringList problems;
    for (const auto& d : check.diagnostics)
        if (d.isError()) problems << qs(d.message);
    for (const auto& v : pool->values)
        if (qs(v.value).trimmed().isEmpty()) {
            problems << tr("a value is empty");
            break;
        }
    if (!problems.isEmpty()) {
        QMessageBox::warning(this, tr("Save pool"),
                             tr("Pool %1 was not saved:\n%2").arg(m_currentPool, problems.join(QLatin1Char('\n'))));
        return;
    }
    prompts::PromptStore store(*m_project);
    auto saved = store.savePool(*pool);
    if (!saved) {
        QMessageBox::warning(this, tr("Save pool"), qs(saved.error().message));
        return;
    }
    auto stored = store.poolAt(pool->name);
    if (stored) m_pools.add(std::move(*stored));
    m_dirtyPools.erase(m_currentPool.toStdString());
    log::info("saved pool ", saved->name, " as version ", saved->version);
    Q_EMIT statusMessage(tr("Saved pool %1 as version %2").arg(m_currentPool).arg(saved->version));
    Q_EMIT projectWritten();
    showPool(m_currentPool);
    refresh();
}

void TemplatesArea::revertPool() {
    if (!m_project || m_currentPool.isEmpty()) return;
    auto stored = prompts::PromptStore(*m_project).poolAt(m_currentPool.toStdString());
    if (!stored) {
        Q_EMIT statusMessage(qs(stored.error().message));
        return;
    }
    m_pools.add(std::move(*stored));
    m_dirtyPools.erase(m_currentPool.toStdString());
    showPool(m_currentPool);
    refresh();
}

bool TemplatesArea::save() {
    if (!m_project || m_current.isEmpty()) return false;
    prompts::PromptStore store(*m_project);
    const std::string text = m_editor->utf8Text();
    auto saved = store.saveTemplate(text);
    if (!saved) {
        QMessageBox::warning(this, tr("Save template"),
                             tr("The template was not saved:\n%1").arg(qs(saved.error().message)));
        return false;
    }
    const int problems = static_cast<int>(m_editor->diagnostics().size());
    const bool added = saved->version != m_savedVersion || qs(saved->name) != m_current;
    QString message = added ? tr("Saved %1 as version %2").arg(qs(saved->name)).arg(saved->version)
                            : tr("%1 is unchanged (version %2)").arg(qs(saved->name)).arg(saved->version);
    if (problems > 0) message += tr(" — %n problem(s) left", nullptr, problems);
    log::info(message.toStdString());
    Q_EMIT statusMessage(message);
    Q_EMIT projectWritten();

    const QString name = qs(saved->name);
    if (name != m_current) {
        // The header names another template: it was stored under that name; the one being
        // edited keeps its last version.
        m_drafts.erase(m_current);
        m_current.clear();
        reloadList(name);
        return true;
    }
    m_drafts.erase(name);
    auto canonical = store.templateText(name.toStdString());
    if (canonical) {
        m_savedText = *canonical;
        // The store keeps a normalised form (header order, no comments): show exactly that.
        if (m_editor->utf8Text() != m_savedText) m_editor->replaceText(qs(m_savedText), false);
    }
    reloadHistory();
    reloadList(name);
    updateTitle();
    refresh();
    return true;
}

void TemplatesArea::reloadHistory() {
    m_versions->clear();
    if (!m_project || m_current.isEmpty()) return;
    prompts::PromptStore store(*m_project);
    auto versions = store.templateVersions(m_current.toStdString());
    if (!versions) {
        log::error("templates: ", versions.error().message);
        return;
    }
    std::string previous;
    std::vector<QTreeWidgetItem*> items;
    for (const auto& v : *versions) {
        auto text = store.templateText(v.name, v.version);
        const std::string now = text ? *text : std::string();
        QString changes = tr("first version");
        if (v.version > 1 || !previous.empty()) {
            const auto s = prompts::diffStats(prompts::diffLines(previous, now));
            changes = tr("+%1 −%2 lines").arg(s.added).arg(s.removed);
        }
        previous = now;
        auto* item = new QTreeWidgetItem({QStringLiteral("v%1").arg(v.version),
                                          qs(v.createdAt).replace(QLatin1Char('T'), QLatin1Char(' ')), changes});
        item->setData(0, kVersionRole, v.version);
        items.push_back(item);
        m_savedVersion = v.version;
    }
    // Newest first.
    for (auto it = items.rbegin(); it != items.rend(); ++it) m_versions->addTopLevelItem(*it);
    if (m_versions->topLevelItemCount() > 0) m_versions->setCurrentItem(m_versions->topLevelItem(0));
    updateDiff();
}

void TemplatesArea::updateDiff() {
    m_diff->clear();
    m_diffLabel->clear();
    std::vector<int> selected;
    for (auto* item : m_versions->selectedItems()) selected.push_back(item->data(0, kVersionRole).toInt());
    std::sort(selected.begin(), selected.end());
    m_loadVersion->setEnabled(selected.size() == 1);
    if (!m_project || m_current.isEmpty() || selected.empty()) {
        m_diffLabel->setText(tr("Select one version, or two to compare."));
        return;
    }
    const int to = selected.back();
    const int from = selected.size() >= 2 ? selected.front() : to - 1;
    prompts::PromptStore store(*m_project);
    const auto name = m_current.toStdString();
    auto newText = store.templateText(name, to);
    if (!newText) return;
    std::string oldText;
    if (from >= 1) {
        auto t = store.templateText(name, from);
        if (t) oldText = *t;
    }
    const auto diff = prompts::diffLines(oldText, *newText);
    const auto stats = prompts::diffStats(diff);
    m_diffLabel->setText(from >= 1 ? tr("v%1 → v%2: +%3 −%4 lines").arg(from).arg(to).arg(stats.added).arg(stats.removed)
                                   : tr("v%1: first version").arg(to));

    // Unchanged runs are folded to two lines of context around each change.
    constexpr int kContext = 2;
    std::vector<bool> show(diff.size(), from < 1);
    for (std::size_t i = 0; i < diff.size(); ++i) {
        if (diff[i].op == prompts::DiffLine::Op::Same) continue;
        const std::size_t lo = i >= kContext ? i - kContext : 0;
        const std::size_t hi = std::min(diff.size(), i + kContext + 1);
        for (std::size_t k = lo; k < hi; ++k) show[k] = true;
    }
    QString html = QStringLiteral("<table width=\"100%\" cellspacing=0 cellpadding=2 style=\"font-family: monospace;\">");
    auto num = [](int n) { return n > 0 ? QString::number(n) : QString(); };
    std::size_t i = 0;
    while (i < diff.size()) {
        if (!show[i]) {
            std::size_t j = i;
            while (j < diff.size() && !show[j]) ++j;
            html += QStringLiteral("<tr><td colspan=4 style=\"color:#888; background-color:#f1f3f6;\">⋯ %1</td></tr>")
                        .arg(tr("%n unchanged line(s)", nullptr, static_cast<int>(j - i)));
            i = j;
            continue;
        }
        const auto& d = diff[i];
        QString bg, sign;
        switch (d.op) {
        case prompts::DiffLine::Op::Same: sign = QStringLiteral(" "); break;
        case prompts::DiffLine::Op::Removed:
            bg = QStringLiteral("#fdecea");
            sign = QStringLiteral("−");
            break;
        case prompts::DiffLine::Op::Added:
            bg = QStringLiteral("#e6f4ea");
            sign = QStringLiteral("+");
            break;
        }
        const QString style = bg.isEmpty() ? QString() : QStringLiteral(" style=\"background-color:%1;\"").arg(bg);
        html += QStringLiteral("<tr%1><td width=28 style=\"color:#999;\" align=right>%2</td><td width=28 style=\"color:#999;\" "
                               "align=right>%3</td><td width=14 align=center>%4</td><td style=\"white-space: pre-wrap;\">%5</td></tr>")
                    .arg(style, num(d.oldLine), num(d.newLine), sign, esc(d.text));
        ++i;
    }
    if (stats.added == 0 && stats.removed == 0 && from >= 1)
        html += QStringLiteral("<tr><td colspan=4>%1</td></tr>").arg(tr("No differences."));
    html += QStringLiteral("</table>");
    m_diff->setHtml(html);
}

void TemplatesArea::loadVersionIntoEditor() {
    const auto items = m_versions->selectedItems();
    if (items.size() != 1 || !m_project) return;
    const int version = items.front()->data(0, kVersionRole).toInt();
    auto text = prompts::PromptStore(*m_project).templateText(m_current.toStdString(), version);
    if (!text) return;
    m_editor->replaceText(qs(*text), false); // undoable
    Q_EMIT statusMessage(tr("Version %1 is in the editor; Save makes it the latest version").arg(version));
}

void TemplatesArea::updateTitle() {
    if (m_current.isEmpty()) {
        m_titleLabel->setFullText(QString());
        return;
    }
    const bool modified = isModified();
    m_titleLabel->setFullText(modified ? tr("%1 · v%2 · modified").arg(m_current).arg(m_savedVersion)
                                       : tr("%1 · v%2").arg(m_current).arg(m_savedVersion));
    m_titleLabel->setStyleSheet(modified ? QStringLiteral("color: #b26a00;") : QString());
    m_save->setEnabled(modified);
    m_revert->setEnabled(modified);
}

void TemplatesArea::updateListMarks() {
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        auto* family = m_list->topLevelItem(i);
        for (int j = 0; j < family->childCount(); ++j) {
            auto* item = family->child(j);
            const QString name = item->data(0, kNameRole).toString();
            const bool modified = name == m_current ? isModified() : m_drafts.count(name) > 0;
            QFont f = item->font(0);
            f.setItalic(modified);
            item->setFont(0, f);
            item->setForeground(0, modified ? QColor(0xb2, 0x6a, 0x00) : m_list->palette().color(QPalette::Text));
            const bool errors = m_withErrors.count(name) > 0;
            item->setIcon(0, errors ? style()->standardIcon(QStyle::SP_MessageBoxCritical) : blankIcon());
            item->setToolTip(1, errors ? tr("This template has errors") : QString());
        }
    }
}

} // namespace synthembed::ui
