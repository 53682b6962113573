#include "ui/mainwindow.h"

#include "ui/errors.h"

#include "ui/areas/area.h"
#include "ui/areas/templates_area.h"
#include "ui/areas/evaluation_area.h"
#include "ui/areas/explorer_area.h"
#include "ui/areas/training_area.h"
#include "ui/areas/generation_area.h"
#include "ui/areas/samples_area.h"
#include "ui/samples/sample_table_model.h"
#include "ui/guidepanel.h"
#include "ui/logdock.h"
#include "ui/project_watcher.h"
#include "ui/settingsdialog.h"
#include "ui/widgets/empty_state.h"

#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/util/log.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QCloseEvent>
#include <QGuiApplication>
#include <QScreen>
#include <QSettings>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QUndoGroup>
#include <QUndoStack>

#include <algorithm>

namespace synthembed::ui {

namespace {
constexpr int kMaxRecent = 8;
const QString kProjectFilter = QStringLiteral("synthembed projects (*.synthembed *.db);;All files (*)");

/// A status bar message that is longer than the bar's room is elided in the middle (the start names
/// what, the end says why); the whole message is the bar's tooltip while it shows.
void showStatus(QStatusBar* bar, const QString& text, int timeoutMs) {
    int room = bar->width() - 2 * bar->style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing, nullptr, bar) - 24;
    for (QWidget* c : bar->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (c->isVisible()) room -= c->width();
    const QString shown = bar->fontMetrics().elidedText(text, Qt::ElideMiddle, std::max(room, 80));
    bar->setToolTip(shown == text ? QString() : text);
    bar->showMessage(shown, timeoutMs);
}
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("synthembed"));
    {
        // Room for every area beside the guide panel, within the screen; later runs reopen at
        // the size and place the user left (saved on close).
        QSize size(1400, 900);
        if (const auto* screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableGeometry().size() * 0.92).expandedTo(QSize(1200, 780));
        resize(size);
        const auto geometry = QSettings().value(QStringLiteral("window/geometry")).toByteArray();
        if (!geometry.isEmpty()) restoreGeometry(geometry);
    }

    m_nav = new QListWidget(this);
    m_nav->setObjectName(QStringLiteral("areaNavigation"));
    m_nav->setIconSize(QSize(24, 24));
    m_stack = new QStackedWidget(this);
    auto* split = new QSplitter(this);
    split->addWidget(m_nav);
    split->addWidget(m_stack);
    split->setStretchFactor(1, 1);
    setCentralWidget(split);
    // Without a project there is nothing to show: say how to get one.
    m_noProject = new EmptyState(split, QStringLiteral("noProjectState"));
    m_noProject->setMessage(tr("No project is open."),
                            tr("A project file holds your templates, samples, training runs and results. "
                               "Create a new project or open an existing one."));
    m_noProject->addButton(tr("New Project..."), [this] { newProject(); }, QStringLiteral("noProjectNew"));
    m_noProject->addButton(tr("Open Project..."), [this] { openProjectDialog(); }, QStringLiteral("noProjectOpen"));

    addArea(new TemplatesArea(this));
    auto* generation = new GenerationArea(this);
    auto* samples = new SamplesArea(this);
    addArea(generation);
    addArea(samples);
    connect(generation, &GenerationArea::samplesOfJobRequested, this, [this, samples](qint64 id) {
        showArea(m_areas.indexOf(samples));
        samples->showJob(id);
    });
    auto* training = new TrainingArea;
    addArea(training);
    auto* evaluation = new EvaluationArea(this);
    addArea(evaluation);
    auto* explorer = new ExplorerArea(this);
    addArea(explorer);
    // "Open in Samples" on a point of the Explorer's map: that sample, selected in the Samples area
    // (all jobs listed; the table is ordered by id, so a binary search finds its row).
    connect(explorer, &ExplorerArea::openSampleRequested, this, [this, samples](qint64 id) {
        showArea(m_areas.indexOf(samples));
        samples->showJob(-1);
        auto* model = samples->model();
        int lo = 0, hi = model->rowCount() - 1, row = -1;
        while (lo <= hi) {
            const int mid = lo + (hi - lo) / 2;
            const qint64 at = model->sampleId(mid);
            if (at == id) {
                row = mid;
                break;
            }
            if (at >= 0 && at < id) lo = mid + 1;
            else hi = mid - 1;
        }
        if (row < 0 || !samples->selectRow(row))
            statusBar()->showMessage(tr("Sample %1 is not listed with the Samples area's filters").arg(id), 8000);
    });

    // "Evaluate" on a trained run opens the Evaluation area with that model added.
    connect(training, &TrainingArea::evaluateRequested, this, [this, evaluation](const QString& dir) {
        evaluation->addModel(dir);
        showArea(m_areas.indexOf(evaluation));
        showStatus(statusBar(), tr("Evaluate %1").arg(dir), 8000);
    });

    // Area names stay readable however much room an area asks for.
    m_nav->setFixedWidth(std::min(200, m_nav->sizeHintForColumn(0) + 2 * m_nav->frameWidth() + 12));
    m_nav->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // QSplitter would otherwise reserve the list's default size hint (256 px) next to it.
    split->setCollapsible(0, false);
    split->setSizes({m_nav->minimumWidth(), QWIDGETSIZE_MAX});
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(0);

    m_log = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_log);

    m_guide = new GuidePanel(this);
    addDockWidget(Qt::RightDockWidgetArea, m_guide);
    connect(m_guide, &GuidePanel::areaRequested, this, &MainWindow::showArea);
    {
        // Shown on first run; afterwards it stays as the user left it (View menu).
        QSettings s;
        m_guide->setVisible(!s.value(QStringLiteral("guide/seen"), false).toBool());
        s.setValue(QStringLiteral("guide/seen"), true);
    }
    // Docks start compact so the areas get the room (their size hints would take a third).
    resizeDocks({m_guide}, {280}, Qt::Horizontal);
    resizeDocks({m_log}, {150}, Qt::Vertical);

    m_projectLabel = new QLabel(this);
    m_projectLabel->setObjectName(QStringLiteral("projectLabel"));
    statusBar()->addPermanentWidget(m_projectLabel);
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& m) {
        if (m.isEmpty()) statusBar()->setToolTip(QString()); // the elided message's whole text went with it
    });

    // Changes to the open project from anywhere reach every area and the status bar.
    m_watcher = new ProjectWatcher(this);
    connect(m_watcher, &ProjectWatcher::changed, this, &MainWindow::onProjectChanged);
    for (auto* a : m_areas) {
        connect(a, &Area::projectWritten, m_watcher, &ProjectWatcher::checkNow);
        // Each undoable step (Samples: accept, reject, edit, and their undo) wrote to the project.
        if (auto* stack = a->findChild<QUndoStack*>(QString(), Qt::FindDirectChildrenOnly))
            connect(stack, &QUndoStack::indexChanged, m_watcher, &ProjectWatcher::checkNow);
    }

    buildMenus();
    updateStatus();
}

MainWindow::~MainWindow() {
    m_watcher->watch(QString());
    for (int i = 0; i < areaCount(); ++i) area(i)->setProject(nullptr);
}

void MainWindow::addArea(Area* a) {
    // Each area scrolls when the window is smaller than the area's minimum, so no single area
    // dictates the window's minimum width.
    auto* scroll = new QScrollArea(m_stack);
    scroll->setWidget(a);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_stack->addWidget(scroll);
    m_areas.push_back(a);
    auto* item = new QListWidgetItem(a->icon(), a->title(), m_nav);
    item->setToolTip(a->description());
    connect(a, &Area::statusMessage, this, [this](const QString& t) { showStatus(statusBar(), t, 5000); });
    connect(a, &Area::areaRequested, this, [this](const QString& name) {
        for (int i = 0; i < m_areas.size(); ++i)
            if (m_areas[i]->objectName() == name) showArea(i);
    });
    connect(a, &Area::settingsRequested, this, &MainWindow::showSettings);
}

int MainWindow::areaCount() const { return m_stack->count(); }
Area* MainWindow::area(int i) const { return m_areas.value(i); }
void MainWindow::showArea(int i) { m_nav->setCurrentRow(i); }
int MainWindow::currentArea() const { return m_stack->currentIndex(); }

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* newAct = file->addAction(tr("&New Project..."), this, &MainWindow::newProject);
    newAct->setShortcut(QKeySequence::New);
    auto* openAct = file->addAction(tr("&Open Project..."), this, &MainWindow::openProjectDialog);
    openAct->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    // Undo/Redo act on the shown area's steps (Samples: accept, reject, edit) and are disabled in
    // areas without any; text fields keep their own Ctrl+Z while they have the focus.
    m_undoGroup = new QUndoGroup(this);
    for (auto* a : m_areas)
        if (auto* stack = a->findChild<QUndoStack*>(QString(), Qt::FindDirectChildrenOnly)) m_undoGroup->addStack(stack);
    auto* undo = m_undoGroup->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcuts(QKeySequence::Undo);
    auto* redo = m_undoGroup->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("redoAction"));
    // Ctrl+Shift+Z everywhere (QKeySequence::Redo is Ctrl+Y first on some platforms).
    QList<QKeySequence> redoKeys{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)};
    for (const auto& k : QKeySequence::keyBindings(QKeySequence::Redo))
        if (!redoKeys.contains(k)) redoKeys << k;
    redo->setShortcuts(redoKeys);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    auto activate = [this](int index) {
        Area* a = area(index);
        m_undoGroup->setActiveStack(a ? a->findChild<QUndoStack*>(QString(), Qt::FindDirectChildrenOnly) : nullptr);
    };
    connect(m_stack, &QStackedWidget::currentChanged, this, activate);
    activate(m_stack->currentIndex());
    auto* settings = edit->addAction(tr("&Settings..."), this, &MainWindow::showSettings);
    settings->setShortcuts(settingsShortcuts());
    settings->setObjectName(QStringLiteral("settingsAction"));

    auto* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_log->toggleViewAction());
    view->addAction(m_guide->toggleViewAction());

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About synthembed"), this, &MainWindow::showAbout);
    updateRecentMenu();
}

bool MainWindow::openProject(const QString& path, bool create, bool quiet) {
    auto p = create ? store::Project::openOrCreate(path.toStdString()) : store::Project::open(path.toStdString());
    if (!p) {
        log::error(failureLine(p.error()));
        if (!quiet) criticalFailure(this, tr("Open project"), p.error());
        return false;
    }
    m_watcher->watch(QString());
    for (int i = 0; i < areaCount(); ++i) area(i)->setProject(nullptr);
    m_project = std::make_unique<store::Project>(std::move(p).take());
    for (int i = 0; i < areaCount(); ++i) area(i)->setProject(m_project.get());
    m_watcher->watch(QString::fromStdString(m_project->path().string()));
    rememberRecent(QFileInfo(path).absoluteFilePath());
    log::info("opened project ", path.toStdString());
    updateStatus();
    return true;
}

void MainWindow::newProject() {
    QString path = QFileDialog::getSaveFileName(this, tr("New project"), QString(), kProjectFilter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".synthembed");
    auto created = store::Project::create(path.toStdString());
    if (!created) {
        criticalFailure(this, tr("New project"), created.error());
        return;
    }
    openProject(path);
}

void MainWindow::openProjectDialog() {
    QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(), kProjectFilter);
    if (!path.isEmpty()) openProject(path);
}

void MainWindow::rememberRecent(const QString& path) {
    QSettings s;
    auto list = s.value(QStringLiteral("recentProjects")).toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    s.setValue(QStringLiteral("recentProjects"), list);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    if (!m_recentMenu) return;
    m_recentMenu->clear();
    const auto list = QSettings().value(QStringLiteral("recentProjects")).toStringList();
    for (const auto& path : list) {
        m_recentMenu->addAction(path, this, [this, path] { openProject(path); });
    }
    m_recentMenu->setEnabled(!list.isEmpty());
}

void MainWindow::updateStatus() {
    m_noProject->setShown(!m_project);
    if (!m_project) {
        m_projectLabel->setText(tr("No project"));
        setWindowTitle(tr("synthembed"));
        return;
    }
    auto info = m_project->info();
    qint64 samples = 0, templates = 0;
    for (auto& [t, n] : info.tableCounts) {
        if (t == "samples") samples = n;
        if (t == "templates") templates = n;
    }
    showCounts(templates, samples);
    setWindowTitle(tr("%1 — synthembed").arg(QString::fromStdString(m_project->path().filename().string())));
}

void MainWindow::showCounts(qint64 templates, qint64 samples) {
    m_projectLabel->setText(tr("%1 — %2 templates, %3 samples")
                                .arg(QString::fromStdString(m_project->path().string()))
                                .arg(templates)
                                .arg(samples));
}

void MainWindow::onProjectChanged(const ProjectChange& change) {
    if (!m_project) return;
    // The watcher counted the rows on its own thread: no query here.
    if (change.touches("templates") || change.touches("samples"))
        showCounts(change.rowsOf("templates"), change.rowsOf("samples"));
    for (auto* a : m_areas) a->projectDataChanged(change);
}

QList<QKeySequence> MainWindow::settingsShortcuts() {
    // QKeySequence::Preferences is Cmd+, on macOS but empty on Linux desktops and Windows: Ctrl+,
    // (Cmd+, on macOS, where Qt's Ctrl is Command) everywhere, first so that the menu shows it.
    QList<QKeySequence> keys{QKeySequence(Qt::CTRL | Qt::Key_Comma)};
    for (const auto& k : QKeySequence::keyBindings(QKeySequence::Preferences))
        if (!k.isEmpty() && !keys.contains(k)) keys << k;
    return keys;
}

void MainWindow::showSettings() {
    SettingsDialog dlg(m_project.get(), this);
    dlg.exec();
}

void MainWindow::showAbout() {
    QString rows = QStringLiteral("<tr><td>Qt</td><td>%1</td></tr>").arg(QLatin1String(qVersion()));
    for (auto& [k, v] : versionInfo())
        rows += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                    .arg(QString::fromStdString(k).toHtmlEscaped(), QString::fromStdString(v).toHtmlEscaped());
    QMessageBox::about(this, tr("About synthembed"),
                       tr("<h3>synthembed</h3><p>Build text-embedding models from LLM-generated synthetic data: "
                          "templates, generation, curation, contrastive fine-tuning, evaluation and exploration.</p>") +
                           QStringLiteral("<table>%1</table>").arg(rows));
}

} // namespace synthembed::ui
