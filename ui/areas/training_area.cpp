#include "ui/areas/training_area.h"

#include "ui/errors.h"

#include "ui/train/metric_plots.h"
#include "ui/train/run_builder.h"
#include "ui/train/runs_model.h"
#include "ui/train/training_job.h"
#include "ui/widgets/empty_state.h"

#include "core/store/project.h"
#include "core/train/run_store.h"
#include "core/train/settings.h"
#include "core/train/trainer.h"
#include "core/util/log.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <utility>

namespace synthembed::ui {

namespace {
QString duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
    const auto s = qint64(seconds + 0.5);
    if (s < 60) return QObject::tr("%1 s").arg(s);
    if (s < 3600) return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}
} // namespace

TrainingArea::TrainingArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("trainingArea"));
    m_pool.setMaxThreadCount(1);

    // Left: the run builder, scrollable.
    m_builder = new RunBuilder;
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_builder);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the form without a horizontal scroll bar (fields would be cut off).
    scroll->setMinimumWidth(m_builder->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() +
                            2 * scroll->frameWidth());

    // Right top: controls, progress and the runs table.
    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setToolTip(tr("Start a new run with the settings on the left."));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Write a checkpoint and stop; Resume continues exactly where it stopped."));
    m_resume = new QPushButton(tr("Resume"));
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_resume->setToolTip(tr("Continue the selected stopped, failed or interrupted run from its newest checkpoint."));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("step %v / %m"));
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("etaLabel"));
    m_eta->setMinimumWidth(220);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_start);
    controls->addWidget(m_stop);
    controls->addWidget(m_resume);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_eta);

    m_runs = new RunsModel(this);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setModel(m_runs);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(RunsModel::Output, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(40);
    m_table->setColumnWidth(RunsModel::Id, 40);
    m_table->setColumnWidth(RunsModel::Name, 110);
    m_table->setColumnWidth(RunsModel::State, 80);
    m_table->setColumnWidth(RunsModel::Step, 56);
    m_table->setColumnWidth(RunsModel::Loss, 64);
    m_table->setColumnWidth(RunsModel::BaseModel, 100);
    m_table->setColumnWidth(RunsModel::Created, 130);
    m_table->setTextElideMode(Qt::ElideLeft); // paths: the end says most
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);

    m_loadSettings = new QPushButton(tr("Use settings"));
    m_loadSettings->setObjectName(QStringLiteral("loadSettingsButton"));
    m_loadSettings->setToolTip(tr("Copy the selected run's settings into the form on the left."));
    m_openOutput = new QPushButton(tr("Open output folder"));
    m_openOutput->setObjectName(QStringLiteral("openOutputButton"));
    m_evaluate = new QPushButton(tr("Evaluate..."));
    m_evaluate->setObjectName(QStringLiteral("evaluateButton"));
    m_evaluate->setToolTip(tr("Evaluate the selected run's trained model in the Evaluation area."));
    m_compare = new QComboBox;
    m_compare->setObjectName(QStringLiteral("compareCombo"));
    m_compare->setToolTip(tr("Overlay a second run's curves (dashed) on the selected run's."));
    m_compare->setMinimumContentsLength(18);
    m_compare->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    auto* runButtons = new QHBoxLayout;
    runButtons->addWidget(m_loadSettings);
    runButtons->addWidget(m_openOutput);
    runButtons->addWidget(m_evaluate);
    runButtons->addStretch();
    runButtons->addWidget(new QLabel(tr("Compare with")));
    runButtons->addWidget(m_compare);

    auto* top = new QWidget;
    auto* tv = new QVBoxLayout(top);
    tv->setContentsMargins(0, 0, 0, 0);
    tv->addLayout(controls);
    tv->addWidget(m_status);
    tv->addWidget(m_table, 1);
    tv->addLayout(runButtons);

    m_plots = new MetricPlots;
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(top);
    right->addWidget(m_plots);
    right->setStretchFactor(0, 1);
    right->setStretchFactor(1, 3);
    right->setSizes({220, 520});

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(scroll);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({scroll->minimumWidth(), 900});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_start, &QPushButton::clicked, this, &TrainingArea::startRun);
    connect(m_stop, &QPushButton::clicked, this, &TrainingArea::stopRun);
    connect(m_resume, &QPushButton::clicked, this, &TrainingArea::resumeSelected);
    connect(m_builder, &RunBuilder::changed, this, &TrainingArea::updateButtons);
    // No samples to train on: say where they come from, over the form (past runs stay visible).
    m_empty = new EmptyState(scroll, QStringLiteral("trainingEmptyState"));
    m_empty->setMessage(tr("No samples to train on yet."),
                        tr("Training needs accepted samples. Run a generation job in Generation, or import "
                           "samples you already have in Samples."));
    m_empty->addButton(tr("Go to Generation"), [this] { Q_EMIT areaRequested(QStringLiteral("generationArea")); },
                       QStringLiteral("trainingGoToGeneration"));
    m_empty->addButton(tr("Go to Samples"), [this] { Q_EMIT areaRequested(QStringLiteral("samplesArea")); },
                       QStringLiteral("trainingGoToSamples"));
    m_empty->addButton(tr("Train from a JSONL file"), [this] {
        m_emptyDismissed = true; // the form's data source offers the file
        updateEmptyState();
    }, QStringLiteral("trainingUseJsonl"));
    connect(m_builder, &RunBuilder::changed, this, &TrainingArea::updateEmptyState);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const qint64 id = selectedRunId();
        if (id) showRun(id);
        updateButtons();
    });
    connect(m_loadSettings, &QPushButton::clicked, this, [this] {
        const auto* r = m_runs->run(m_runs->rowOf(selectedRunId()));
        if (!r) return;
        auto c = RunBuilder::configFromJson(r->configJson, m_builder->config());
        c.name = r->name.toStdString();
        m_builder->setConfig(c);
    });
    connect(m_openOutput, &QPushButton::clicked, this, [this] {
        if (const auto* r = m_runs->run(m_runs->rowOf(selectedRunId())))
            QDesktopServices::openUrl(QUrl::fromLocalFile(r->outputDir));
    });
    connect(m_evaluate, &QPushButton::clicked, this, [this] {
        if (const auto* r = m_runs->run(m_runs->rowOf(selectedRunId()))) Q_EMIT evaluateRequested(r->outputDir);
    });
    connect(m_compare, &QComboBox::activated, this, [this](int i) { setCompare(m_compare->itemData(i).toLongLong()); });

    connect(m_plots, &MetricPlots::replotted, this, [this] {
        if (m_job && m_shownLive) updateProgressLabels();
    });
    m_refreshTimer.setInterval(1000);
    connect(&m_refreshTimer, &QTimer::timeout, this, &TrainingArea::refreshRuns);
    refreshRuns();
    updateButtons();
}

TrainingArea::~TrainingArea() {
    if (m_job) {
        // The window closes while training: checkpoint and stop (resumable), then wait for it.
        m_job->requestStop();
        m_pool.waitForDone();
        delete m_job;
        m_job = nullptr;
    }
}

void TrainingArea::setProject(store::Project* project) {
    Area::setProject(project);
    m_runs->setDatabase(project ? &project->db() : nullptr);
    m_builder->setProject(project);
    m_shownRunId = 0;
    m_emptyDismissed = false;
    m_countsStale = false;
    if (!m_job) {
        m_plots->clear(MetricPlots::Primary);
        m_shownLive = false;
    }
    setCompare(0);
    refreshRuns();
    updateButtons();
    updateEmptyState();
}

void TrainingArea::updateEmptyState() {
    m_empty->setShown(m_project && !m_emptyDismissed && m_builder->config().dataJsonl.empty() &&
                      m_builder->usableSampleCount() == 0);
}

void TrainingArea::projectDataChanged(const ProjectChange& change) {
    if (!m_project) return;
    if (change.touches("samples")) {
        if (isVisible())
            m_builder->refreshCountsInBackground();
        else
            m_countsStale = true;
    }
    if (change.touches("training_runs") && !m_refreshTimer.isActive()) refreshRuns();
}

void TrainingArea::showEvent(QShowEvent* event) {
    Area::showEvent(event);
    if (std::exchange(m_countsStale, false)) m_builder->refreshCountsInBackground();
}

qint64 TrainingArea::selectedRunId() const {
    const auto idx = m_table->selectionModel()->currentIndex();
    const auto* r = idx.isValid() ? m_runs->run(idx.row()) : nullptr;
    return r ? r->id : 0;
}

void TrainingArea::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b02020;") : QString());
    m_status->setVisible(!text.isEmpty());
    if (!text.isEmpty()) Q_EMIT statusMessage(text);
}

void TrainingArea::startRun() {
    if (m_job) return;
    const auto problems = m_builder->problems();
    if (!problems.isEmpty()) {
        setStatus(problems.join(QLatin1Char(' ')), true);
        return;
    }
    auto config = m_builder->config();
    config.resume = false;
    config.overwrite = false;
    // The question the CLI asks with --resume / --overwrite: a new run never writes into a folder
    // that holds another run (its checkpoints or its exported model).
    auto found = train::inspectOutputFolder(config.outputDir);
    if (!found) {
        setStatus(formatFailure(found.error()), true);
        return;
    }
    if (*found) {
        const auto& other = **found;
        const QString folder = QString::fromStdString(config.outputDir);
        const QString who = other.runId.empty() ? tr("a run from before run ids")
                                                : tr("run %1").arg(QString::fromStdString(other.runId));
        const QString what = !other.lastCheckpoint.empty()
                                 ? tr("its newest checkpoint is %1").arg(QFileInfo(QString::fromStdString(other.lastCheckpoint)).fileName())
                                 : tr("it holds a trained model, without checkpoints");
        QMessageBox box(QMessageBox::Question, tr("Start training"),
                        tr("%1 holds another training run (%2; %3).").arg(folder, who, what), QMessageBox::NoButton, this);
        box.setObjectName(QStringLiteral("outputFolderQuestion"));
        box.setInformativeText(
            (other.lastCheckpoint.empty() ? QString() : tr("Resume continues that run from its newest checkpoint with its own settings.") + QLatin1Char('\n')) +
            tr("Move aside moves the whole folder (checkpoints and model files) to %1 and starts a new run in %2.")
                .arg(QString::fromStdString(other.asideTo), folder));
        QPushButton* resume = nullptr;
        if (!other.lastCheckpoint.empty()) {
            resume = box.addButton(tr("Resume it"), QMessageBox::AcceptRole);
            resume->setObjectName(QStringLiteral("resumeOtherRun"));
        }
        auto* aside = box.addButton(tr("Move aside, start new"), QMessageBox::DestructiveRole);
        aside->setObjectName(QStringLiteral("moveOtherRunAside"));
        auto* cancel = box.addButton(QMessageBox::Cancel);
        cancel->setObjectName(QStringLiteral("cancelStart"));
        box.setDefaultButton(cancel);
        box.setEscapeButton(cancel);
        box.exec();
        if (resume && box.clickedButton() == resume) {
            resumeFolder(std::move(config));
            return;
        }
        if (box.clickedButton() != aside) return;
        config.overwrite = true;
        log::warn("training: the previous run in ", config.outputDir, " (", other.describe(), ") is moved to ",
                  other.asideTo);
        m_pendingAside = QString::fromStdString(other.asideTo);
    }
    launch(std::move(config), 0);
}

void TrainingArea::resumeFolder(train::TrainConfig config) {
    // The project's row of that run when it has one (its curves continue), else the settings stored
    // with the checkpoint, else the form's (the trainer refuses settings that do not match).
    const QString folder = QDir::cleanPath(QString::fromStdString(config.outputDir));
    for (int row = 0; row < m_runs->rowCount(); ++row) {
        const auto* r = m_runs->run(row);
        if (r && QDir::cleanPath(r->outputDir) == folder && r->state != QLatin1String("done")) {
            auto c = RunBuilder::configFromJson(r->configJson, config);
            c.name = r->name.toStdString();
            c.resume = true;
            m_builder->setConfig(c);
            launch(std::move(c), r->id);
            return;
        }
    }
    auto stored = train::checkpointSettings(config.outputDir);
    if (stored && *stored) {
        auto c = **stored;
        c.device = config.device; // where it runs now may differ (resumeMayChange)
        c.resume = true;
        m_builder->setConfig(c);
        config = std::move(c);
    }
    config.resume = true;
    config.overwrite = false;
    launch(std::move(config), 0);
}

void TrainingArea::resumeSelected() {
    if (m_job) return;
    const auto* r = m_runs->run(m_runs->rowOf(selectedRunId()));
    if (!r) return;
    auto config = RunBuilder::configFromJson(r->configJson, m_builder->config());
    config.name = r->name.toStdString();
    config.resume = true;
    m_builder->setConfig(config); // the form shows what runs
    launch(std::move(config), r->id);
}

void TrainingArea::launch(train::TrainConfig config, qint64 resumeRunId) {
    config.projectDb = m_project ? m_project->path().string() : std::string();
    m_liveRunId = resumeRunId;
    m_liveSteps.clear();
    m_sessionFirstStep = -1;
    m_sessionClock.start();
    m_labelClock.invalidate();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_eta->clear();

    m_job = new TrainingJob(config);
    connect(m_job, &TrainingJob::runStarted, this, &TrainingArea::onRunStarted);
    connect(m_job, &TrainingJob::stepDone, this, &TrainingArea::onStep);
    connect(m_job, &TrainingJob::finished, this, &TrainingArea::onFinished);
    connect(m_job, &TrainingJob::failed, this, &TrainingArea::onFailed);
    connect(m_job, &TrainingJob::progress, this, [this](qint64, qint64, const QString& stage) {
        if (!stage.isEmpty() && m_liveSteps.empty()) setStatus(stage);
    });

    // The primary plot follows the live run; a resumed run first shows what it did before.
    m_shownLive = true;
    m_shownRunId = resumeRunId;
    m_plots->setLabel(MetricPlots::Primary,
                      resumeRunId ? tr("run %1").arg(resumeRunId) : tr("live"));
    if (resumeRunId) loadSeries(MetricPlots::Primary, resumeRunId);
    else m_plots->clear(MetricPlots::Primary);
    m_plots->resetView();

    m_runs->setActiveRun(resumeRunId);
    m_runs->setActiveOutput(QString::fromStdString(config.outputDir));
    if (!m_pendingAside.isEmpty())
        setStatus(tr("Moving the previous run to %1; loading model and data...").arg(m_pendingAside));
    else if (config.resume && !resumeRunId)
        setStatus(tr("Resuming the run in %1...").arg(QString::fromStdString(config.outputDir)));
    else
        setStatus(resumeRunId ? tr("Resuming run %1...").arg(resumeRunId) : tr("Loading model and data..."));
    m_pendingAside.clear();
    log::info(resumeRunId ? "training: resuming run " + std::to_string(resumeRunId) : std::string("training: starting a run"),
              " (", config.modelDir, " -> ", config.outputDir, ")");
    m_pool.start(m_job);
    m_refreshTimer.start();
    updateButtons();
}

void TrainingArea::stopRun() {
    if (!m_job || m_job->stopRequested()) return;
    m_job->requestStop();
    setStatus(tr("Stopping: writing a checkpoint..."));
    updateButtons();
}

void TrainingArea::onRunStarted(qint64 runId) {
    if (!m_job || !runId) return;
    m_liveRunId = runId;
    m_runs->setActiveRun(runId);
    refreshRuns(); // the row core has just inserted
    // The table and the plot agree on the live run.
    if (m_shownLive) {
        m_shownRunId = runId;
        m_plots->setLabel(MetricPlots::Primary, tr("run %1").arg(runId));
        if (const int row = m_runs->rowOf(runId); row >= 0) {
            QSignalBlocker block(m_table->selectionModel());
            m_table->selectRow(row);
        }
    }
}

void TrainingArea::onStep(const train::StepMetrics& m) {
    m_liveSteps.push_back(m);
    if (m_sessionFirstStep < 0) {
        m_sessionFirstStep = m.step;
        m_sessionClock.restart();
        setStatus(QString());
    }
    if (m_shownLive) m_plots->appendStep(MetricPlots::Primary, m);
    if (m_compareRunId && m_compareRunId == m_liveRunId) m_plots->appendStep(MetricPlots::Compare, m);
    // While the plots show the live run, the labels follow their (coalesced) repaint, so the
    // progress bar, the table's Step and the curves end at the same step. Otherwise at most 10
    // times a second: steps of tiny models arrive far faster.
    if (m_shownLive) return;
    if (!m_labelClock.isValid() || m_labelClock.elapsed() > 100) {
        m_labelClock.restart();
        updateProgressLabels();
    }
}

void TrainingArea::updateProgressLabels() {
    if (m_liveSteps.empty()) return;
    const auto& m = m_liveSteps.back();
    m_progress->setRange(0, int(std::max<std::int64_t>(m.totalSteps, 1)));
    m_progress->setValue(int(m.step));
    if (m_liveRunId) m_runs->setLiveStep(m_liveRunId, m.step, m.loss);
    const double done = double(m.step - m_sessionFirstStep);
    const double perStep = done > 0 ? m_sessionClock.elapsed() / 1000.0 / done : NAN;
    m_eta->setText(tr("%1 samples/s, ETA %2").arg(m.samplesPerSec, 0, 'f', 1).arg(duration(perStep * double(m.totalSteps - m.step))));
}

void TrainingArea::onFinished(const train::TrainOutcome& outcome) {
    if (outcome.runId) m_liveRunId = outcome.runId;
    updateProgressLabels();
    if (outcome.stopped) {
        setStatus(tr("Stopped at step %1 of %2 with a checkpoint; Resume continues from there.")
                      .arg(outcome.steps)
                      .arg(outcome.totalSteps));
        m_eta->clear();
    } else {
        m_progress->setValue(m_progress->maximum());
        setStatus(tr("Finished %1 steps, final loss %2. Model written to %3.")
                      .arg(outcome.steps)
                      .arg(outcome.finalLoss, 0, 'f', 4)
                      .arg(QString::fromStdString(outcome.outputDir)));
        m_eta->setText(tr("done in %1").arg(duration(m_sessionClock.elapsed() / 1000.0)));
    }
    if (!outcome.previousMovedTo.empty())
        setStatus(m_status->text() + QLatin1Char(' ') +
                  tr("The previous run is in %1.").arg(QString::fromStdString(outcome.previousMovedTo)));
    log::info("training: run ", outcome.runId, outcome.stopped ? " stopped at step " : " finished at step ", outcome.steps);
    endJob();
    Q_EMIT runFinished(outcome.runId, outcome.stopped ? QStringLiteral("stopped") : QStringLiteral("done"));
}

void TrainingArea::onFailed(const QString& message) {
    setStatus(tr("Training failed: %1").arg(message), true);
    m_eta->clear();
    log::error("training failed: ", message.toStdString());
    endJob();
    Q_EMIT runFinished(m_liveRunId, QStringLiteral("failed"));
}

void TrainingArea::endJob() {
    // run() has emitted its last signal; wait for it to return before deleting the job.
    m_pool.waitForDone();
    delete m_job;
    m_job = nullptr;
    m_refreshTimer.stop();
    m_runs->setActiveRun(0);
    m_runs->setActiveOutput(QString());
    refreshRuns();
    m_plots->resetView();
    updateButtons();
}

void TrainingArea::refreshRuns() {
    const qint64 selected = selectedRunId();
    m_runs->refresh();
    if (selected && m_table->selectionModel()->currentIndex().row() != m_runs->rowOf(selected)) {
        QSignalBlocker block(m_table->selectionModel());
        m_table->selectRow(m_runs->rowOf(selected));
    }
    // The comparison list follows the table (rebuilt only when runs come or go, so an open
    // popup is not disturbed by the refresh while a run goes).
    QList<QPair<qint64, QString>> items{{0, tr("(none)")}};
    for (int i = 0; i < m_runs->rowCount(); ++i) {
        const auto* r = m_runs->run(i);
        items.append({r->id, r->name.isEmpty() ? tr("run %1").arg(r->id) : QStringLiteral("%1: %2").arg(r->id).arg(r->name)});
    }
    bool same = m_compare->count() == items.size();
    for (int i = 0; same && i < items.size(); ++i)
        same = m_compare->itemData(i).toLongLong() == items[i].first && m_compare->itemText(i) == items[i].second;
    if (!same) {
        const qint64 compare = m_compareRunId;
        m_compare->clear();
        for (const auto& [id, text] : items) m_compare->addItem(text, id);
        const int ci = m_compare->findData(compare);
        m_compare->setCurrentIndex(ci >= 0 ? ci : 0);
    }
    updateButtons();
}

void TrainingArea::loadSeries(int slot, qint64 runId) {
    if (!m_project) return;
    auto series = train::loadRunMetrics(m_project->path(), runId);
    if (!series) {
        setStatus(formatFailure(series.error()), true);
        return;
    }
    m_plots->setSeries(MetricPlots::Slot(slot), *series);
}

void TrainingArea::showRun(qint64 runId) {
    const bool live = m_job && runId == m_liveRunId;
    if (runId == m_shownRunId && live == m_shownLive) return;
    m_shownRunId = runId;
    m_shownLive = live;
    m_plots->setLabel(MetricPlots::Primary, tr("run %1").arg(runId));
    loadSeries(MetricPlots::Primary, runId);
    if (m_shownLive) {
        // Stored rows lag by up to a second: the live steps fill in the rest.
        const qint64 stored = m_plots->lastStep(MetricPlots::Primary);
        for (const auto& m : m_liveSteps)
            if (m.step > stored) m_plots->appendStep(MetricPlots::Primary, m);
    }
    m_plots->resetView();
}

void TrainingArea::setCompare(qint64 runId) {
    m_compareRunId = runId;
    m_plots->clear(MetricPlots::Compare);
    if (runId) {
        m_plots->setLabel(MetricPlots::Compare, tr("run %1").arg(runId));
        loadSeries(MetricPlots::Compare, runId);
        if (m_job && runId == m_liveRunId) {
            const qint64 stored = m_plots->lastStep(MetricPlots::Compare);
            for (const auto& m : m_liveSteps)
                if (m.step > stored) m_plots->appendStep(MetricPlots::Compare, m);
        }
    }
    const int ci = m_compare->findData(runId);
    if (ci >= 0 && ci != m_compare->currentIndex()) m_compare->setCurrentIndex(ci);
}

void TrainingArea::updateButtons() {
    const bool running = m_job != nullptr;
    const auto problems = m_builder->problems();
    m_start->setEnabled(!running && problems.isEmpty());
    m_start->setToolTip(problems.isEmpty() ? tr("Start a new run with the settings on the left.") : problems.join(QLatin1Char('\n')));
    m_stop->setEnabled(running && !m_job->stopRequested());
    const auto* r = m_runs->run(m_runs->rowOf(selectedRunId()));
    const QString state = r ? m_runs->displayState(*r) : QString();
    m_resume->setEnabled(!running && r &&
                         (state == QLatin1String("stopped") || state == QLatin1String("failed") ||
                          state == QLatin1String("interrupted")));
    m_loadSettings->setEnabled(r != nullptr);
    m_openOutput->setEnabled(r && QFileInfo(r->outputDir).isDir());
    m_evaluate->setEnabled(r && state == QLatin1String("done"));
}

} // namespace synthembed::ui
