#pragma once
// Training: describe a fine-tuning run (RunBuilder), start, stop (a checkpointed pause) and
// resume it, follow it live (MetricPlots, fed by the worker's per-step signals) and look back at
// earlier runs (the runs table over training_runs; curves from train_metrics), two overlaid.

#include "ui/areas/area.h"

#include "core/train/config.h"

#include <QElapsedTimer>
#include <QThreadPool>
#include <QTimer>

#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace synthembed::ui {

class EmptyState;
class MetricPlots;
class RunBuilder;
class RunsModel;
class TrainingJob;

class TrainingArea : public Area {
    Q_OBJECT
public:
    explicit TrainingArea(QWidget* parent = nullptr);
    ~TrainingArea() override;

    QString title() const override { return tr("Training"); }
    QString description() const override { return tr("Contrastive fine-tuning of a backbone into an embedder."); }
    void setProject(store::Project* project) override;
    /// New or curated samples recount the data selection (in the background; at once when shown,
    /// else when next shown); runs written elsewhere (the CLI) join the runs table.
    void projectDataChanged(const ProjectChange& change) override;

    RunBuilder* builder() const { return m_builder; }
    /// Over the run form while the project has no samples to train on.
    EmptyState* emptyState() const { return m_empty; }
    MetricPlots* plots() const { return m_plots; }
    RunsModel* runs() const { return m_runs; }
    QTableView* runsView() const { return m_table; }
    bool isRunning() const { return m_job != nullptr; }
    /// Run id of the live (or last live) run once known, else 0.
    qint64 liveRunId() const { return m_liveRunId; }
    /// Steps received from the running job's callback since it started.
    qsizetype liveStepCount() const { return qsizetype(m_liveSteps.size()); }

public Q_SLOTS:
    /// Starts a new run from the builder (no-op with a message when the builder has problems).
    void startRun();
    /// Asks the running job to checkpoint and stop.
    void stopRun();
    /// Resumes the selected stopped/failed/interrupted run from its newest checkpoint.
    void resumeSelected();

Q_SIGNALS:
    /// The user wants to evaluate a trained model folder (handled by the Evaluation area).
    void evaluateRequested(const QString& modelDir);
    void runFinished(qint64 runId, const QString& state);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void launch(train::TrainConfig config, qint64 resumeRunId);
    /// Continues the run found in config.outputDir (the "Resume it" answer of startRun).
    void resumeFolder(train::TrainConfig config);
    /// The trainer's onRunStarted: the live run's training_runs row.
    void onRunStarted(qint64 runId);
    void onStep(const train::StepMetrics& m);
    void onFinished(const train::TrainOutcome& outcome);
    void onFailed(const QString& message);
    void endJob();
    void refreshRuns();
    void showRun(qint64 runId);
    void setCompare(qint64 runId);
    void updateButtons();
    void updateProgressLabels();
    void setStatus(const QString& text, bool error = false);
    qint64 selectedRunId() const;
    void loadSeries(int slot, qint64 runId);

    RunBuilder* m_builder;
    MetricPlots* m_plots;
    RunsModel* m_runs;
    QTableView* m_table;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_resume;
    QPushButton* m_loadSettings;
    QPushButton* m_openOutput;
    QPushButton* m_evaluate;
    QComboBox* m_compare;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_eta;

    QThreadPool m_pool;
    TrainingJob* m_job = nullptr;
    QString m_pendingAside; ///< where the run about to start moves the previous one (for the status line)
    qint64 m_liveRunId = 0;
    std::vector<train::StepMetrics> m_liveSteps;
    qint64 m_shownRunId = 0;   ///< run in the primary slot (0 with m_shownLive: the live run before its id is known)
    bool m_shownLive = false;
    qint64 m_compareRunId = 0;
    QTimer m_refreshTimer;     ///< re-reads the runs table while a run is going
    QElapsedTimer m_sessionClock;
    qint64 m_sessionFirstStep = -1;
    QElapsedTimer m_labelClock;
    bool m_countsStale = false; ///< samples changed while the area was hidden
    EmptyState* m_empty = nullptr;
    bool m_emptyDismissed = false; ///< "Train from a JSONL file": the form stays uncovered
    void updateEmptyState();
};

} // namespace synthembed::ui
