#include "ui/areas/templates_area.h"

#include "ui/errors.h"
#include "ui/templates/elided_label.h"
#include "ui/templates/find_bar.h"
#include "ui/templates/history_panel.h"
#include "ui/templates/pool_editor.h"
#include "ui/templates/preview_panel.h"
#include "ui/templates/problems_panel.h"
#include "ui/templates/tables.h"
#include "ui/templates/template_editor.h"
#include "ui/widgets/empty_state.h"

#include "core/prompts/library.h"
#include "core/prompts/template_tokens.h"
#include "core/store/project.h"
#include "core/util/paths.h"
#include "core/util/log.h"

#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPixmap>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace synthembed::ui {

namespace {

constexpr int kNameRole = Qt::UserRole;

using templates::esc;
using templates::qs;

// Keeps list rows without a status icon aligned with those that have one.
QIcon blankIcon() {
    static const QIcon icon = [] {
        QPixmap pm(12, 12);
        pm.fill(Qt::transparent);
        return QIcon(pm);
    }();
    return icon;
}

} // namespace

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
    m_empty = new EmptyState(m_emptyLabel, QStringLiteral("templatesEmptyState"));
    m_empty->setMessage(tr("This project has no templates."),
                        tr("Templates are the prompts a generation job sends, with placeholders the job fills "
                           "from value pools. Start from the built-in set (one template per family, editable "
                           "here), or import a prompts folder of your own."));
    m_empty->addButton(tr("Import the built-in templates"), [this] {
        importPromptsFolder(QString::fromStdString(paths::shippedPromptsDir().string()));
    }, QStringLiteral("templatesImportBuiltIn"));
    m_empty->addButton(tr("Import a prompts folder..."), [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Prompts folder"));
        if (!dir.isEmpty()) importPromptsFolder(dir);
    }, QStringLiteral("templatesImportFolder"));

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    m_pages->addWidget(split);
    split->addWidget(buildList(split));
    split->addWidget(buildCenter(split));
    split->addWidget(buildRight(split));
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    split->setSizes({170, 560, 420});

    connect(m_undo, &QToolButton::clicked, m_editor, &QsciScintilla::undo);
    connect(m_redo, &QToolButton::clicked, m_editor, &QsciScintilla::redo);
    connect(m_findButton, &QToolButton::clicked, m_find, &FindBar::activate);
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

// Left: templates by family and step.
QTreeWidget* TemplatesArea::buildList(QSplitter* split) {
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
    return m_list;
}

// Center: tool row, editor + find bar, problems.
QWidget* TemplatesArea::buildCenter(QSplitter* split) {
    auto* center = new QWidget(split);
    auto* cv = new QVBoxLayout(center);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->setSpacing(2);
    cv->addLayout(buildToolRow(center));

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

    m_problems = new ProblemsPanel(vsplit);
    vsplit->setStretchFactor(0, 4);
    vsplit->setStretchFactor(1, 1);
    vsplit->setSizes({520, 120});
    connect(m_problems, &ProblemsPanel::jumpTo, m_editor, &TemplateEditor::jumpTo);
    return center;
}

QLayout* TemplatesArea::buildToolRow(QWidget* center) {
    auto* tools = new QHBoxLayout;
    tools->setSpacing(2);
    m_titleLabel = new ElidedLabel(center);
    m_titleLabel->setObjectName(QStringLiteral("templateTitle"));
    QFont bold = m_titleLabel->font();
    bold.setBold(true);
    m_titleLabel->setFont(bold);
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
    m_undo = tool(tr("Undo"), QStyle::SP_ArrowBack, tr("Undo (Ctrl+Z)"));
    m_redo = tool(tr("Redo"), QStyle::SP_ArrowForward, tr("Redo (Ctrl+Shift+Z)"));
    m_findButton = tool(tr("Find"), QStyle::SP_FileDialogContentsView, tr("Find in the template (Ctrl+F)"));
    m_revert =
        tool(tr("Revert"), QStyle::SP_DialogResetButton, tr("Discard the edits since the last saved version"), true);
    m_save = tool(tr("Save"), QStyle::SP_DialogSaveButton, tr("Save as a new version (Ctrl+S)"), true);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_revert->setObjectName(QStringLiteral("revertButton"));
    return tools;
}

// Right: metadata, then Preview / Placeholders / History.
QWidget* TemplatesArea::buildRight(QSplitter* split) {
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

    m_preview = new PreviewPanel(m_tabs);
    m_tabs->addTab(m_preview, tr("Preview"));
    connect(m_preview, &PreviewPanel::seedChanged, this, [this] {
        if (!m_loading) refresh();
    });

    m_poolEditor = new PoolEditor(m_tabs);
    m_tabs->addTab(m_poolEditor, tr("Placeholders"));
    connect(m_poolEditor, &PoolEditor::poolsEdited, this, [this] { m_refreshTimer.start(); });
    connect(m_poolEditor, &PoolEditor::poolsReloaded, this, &TemplatesArea::refresh);
    connect(m_poolEditor, &PoolEditor::statusMessage, this, &TemplatesArea::statusMessage);
    connect(m_poolEditor, &PoolEditor::projectWritten, this, &TemplatesArea::projectWritten);

    m_history = new HistoryPanel(m_tabs);
    m_tabs->addTab(m_history, tr("History"));
    connect(m_history, &HistoryPanel::openVersion, this, [this](int version, const QString& text) {
        m_editor->replaceText(text, false); // undoable
        Q_EMIT statusMessage(tr("Version %1 is in the editor; Save makes it the latest version").arg(version));
    });
    return right;
}

void TemplatesArea::clear() {
    m_refreshTimer.stop();
    m_loading = true;
    m_list->clear();
    m_editor->replaceText(QString(), true);
    m_editor->setDiagnostics({});
    m_problems->clear();
    m_preview->clear();
    m_poolEditor->clear();
    m_history->clear();
    m_loading = false;
    m_drafts.clear();
    m_current.clear();
    m_savedText.clear();
    m_savedVersion = 0;
    m_emptyLabel->setText(tr("<p>Open or create a project (File menu) to edit its prompt templates.</p>"));
    m_emptyLabel->setToolTip(QString());
    m_pages->setCurrentIndex(0);
}

void TemplatesArea::setProject(store::Project* project) {
    if (m_project && (!m_drafts.empty() || isModified() || m_poolEditor->hasUnsavedEdits()))
        log::warn("unsaved template or pool edits were discarded when the project changed");
    Area::setProject(project);
    clear();
    m_empty->setShown(false);
    m_poolEditor->setProject(project);
    if (!project) return;
    auto lib = prompts::PromptStore(*project).loadLatest();
    if (!lib) {
        log::error("templates: ", failureLine(lib.error()));
        m_emptyLabel->setText(tr("<p>The project's templates could not be read:</p><p>%1</p>")
                                  .arg(formatFailure(lib.error()).toHtmlEscaped()));
        m_emptyLabel->setToolTip(failureDetail(lib.error()));
        return;
    }
    m_poolEditor->setPools(lib->pools);
    if (lib->templates.empty()) {
        m_empty->setShown(true);
        return;
    }
    m_pages->setCurrentIndex(1);
    reloadList(QString());
}

bool TemplatesArea::importPromptsFolder(const QString& dir) {
    if (!m_project) return false;
    auto report = prompts::PromptStore(*m_project).importDirectory(dir.toStdString());
    if (!report) {
        Q_EMIT statusMessage(formatFailure(report.error()));
        return false;
    }
    Q_EMIT projectWritten();
    setProject(m_project);
    return true;
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
    if (m_current.isEmpty() && m_drafts.empty() && !m_poolEditor->hasUnsavedEdits()) {
        setProject(m_project); // nothing open yet (e.g. the first templates arrived): load as on open
        return;
    }
    if (!m_poolEditor->hasUnsavedEdits())
        if (auto lib = prompts::PromptStore(*m_project).loadLatest()) m_poolEditor->storedPoolsChanged(lib->pools);
    const int scroll = m_list->verticalScrollBar()->value();
    reloadList(m_current);
    m_list->verticalScrollBar()->setValue(scroll);
    if (!m_current.isEmpty() && !isModified()) {
        // A newer version saved elsewhere replaces the unedited text; the text saved here does not.
        auto text = prompts::PromptStore(*m_project).templateText(m_current.toStdString());
        if (text && *text != m_savedText) loadIntoEditor(m_current);
        else reloadHistory();
    }
}

// Which templates have errors, each with its draft where there is one.
void TemplatesArea::checkTemplates(const std::map<std::string, prompts::TemplateVersion>& latest) {
    prompts::PromptStore store(*m_project);
    m_withErrors.clear();
    for (const auto& [name, v] : latest) {
        const auto draft = m_drafts.find(qs(name));
        const auto text = draft != m_drafts.end() ? Result<std::string>(draft->second.toStdString())
                                                  : store.templateText(name);
        if (text && prompts::hasErrors(prompts::validateTemplateText(*text, m_poolEditor->pools())))
            m_withErrors.insert(qs(name));
    }
}

void TemplatesArea::reloadList(const QString& select) {
    if (!m_project) return;
    auto versions = prompts::PromptStore(*m_project).templateVersions();
    if (!versions) {
        log::error("templates: ", failureLine(versions.error()));
        return;
    }
    // Latest version of each template (rows come ordered by name, then version).
    std::map<std::string, prompts::TemplateVersion> latest;
    for (auto& v : *versions) latest[v.name] = v;
    checkTemplates(latest);

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
        log::error("templates: ", failureLine(text.error()));
        Q_EMIT statusMessage(formatFailure(text.error()));
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
    m_editor->setDiagnostics(prompts::validateTemplateText(text, m_poolEditor->pools()));
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
    m_problems->setDiagnostics(m_editor->diagnostics());
    updateMetadata(parsed.tpl);
    m_poolEditor->showTemplate(parsed.tpl);
    m_preview->render(parsed.tpl, m_poolEditor->pools(), !prompts::hasErrors(parsed.diagnostics));
    Q_EMIT refreshed();
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

bool TemplatesArea::save() {
    if (!m_project || m_current.isEmpty()) return false;
    prompts::PromptStore store(*m_project);
    auto saved = store.saveTemplate(m_editor->utf8Text());
    if (!saved) {
        warnFailure(this, tr("Save template"), saved.error(), tr("The template was not saved:\n%1"));
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
    m_history->showTemplate(m_project, m_current);
    if (m_history->latestVersion() > 0) m_savedVersion = m_history->latestVersion();
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
