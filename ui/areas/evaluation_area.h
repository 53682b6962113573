#pragma once
// Evaluation: pick models and registered datasets, run the quick or full suite off the GUI
// thread (progress, cancel), see stored results (eval_results, so past runs show after a
// restart), compare models with deltas and paired-bootstrap CIs, chart main scores per task
// type, export tables as CSV or Markdown.

#include "ui/areas/area.h"

#include "core/eval/results.h"
#include "core/eval/suite.h"

#include <QMap>
#include <QThreadPool>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace synthembed::ui {

class EmptyState;
class EvalJob;
class MtebTaskDialog;

class EvaluationArea : public Area {
    Q_OBJECT
public:
    explicit EvaluationArea(QWidget* parent = nullptr);
    ~EvaluationArea() override;

    QString title() const override { return tr("Evaluation"); }
    QString description() const override { return tr("MTEB-style evaluation on your own and public datasets."); }
    void setProject(store::Project* project) override;
    /// Models or datasets added in another window, and results stored elsewhere (the CLI's eval):
    /// lists and tables follow, keeping check marks, the selected result and the scroll position.
    void projectDataChanged(const ProjectChange& change) override;

    /// Adds a model folder or "hash:DIM" (checked); remembered in the project.
    void addModel(const QString& spec);
    /// Detects and registers a dataset folder/file (checked). Returns an empty string on
    /// success, else the error (also shown in the status line).
    QString addDataset(const QString& path);
    /// Registers a dataset entry (checked), e.g. an MTEB task the picker fetched.
    void addDatasetEntry(const eval::DatasetEntry& entry);
    /// "Add MTEB task...": the picker over this area (deleted when closed); chosen tasks are added.
    MtebTaskDialog* openMtebTasks();
    /// What the area shows with nothing to evaluate (no model and/or no dataset, no results).
    EmptyState* emptyState() const { return m_empty; }
    void setSuite(eval::SuiteMode mode, int quickItems);
    /// Which stored results the tables and chart show: quick-suite, full-suite, or all runs.
    enum class View { Quick, Full, All };
    void setView(View view);

    bool isRunning() const;
    /// Re-reads eval_results and rebuilds table, comparison and chart.
    void refreshResults();
    /// Writes the results (tab 0) or comparison (other tabs) table; format from the suffix.
    QString exportCurrent(const QString& path);

    QTableWidget* resultsTable() const { return m_results; }
    /// Role of the results table's Model cells: true when the model files the result was computed
    /// from have changed (or are gone) since (see eval::checkModelFiles).
    static constexpr int kModelFilesChangedRole = Qt::UserRole + 2;
    QTableWidget* comparisonTable() const { return m_comparison; }
    QCustomPlot* chart() const { return m_chart; }
    QTabWidget* tabs() const { return m_tabs; }
    QProgressBar* progressBar() const { return m_progress; }
    /// The progress bar's text for a running task: stage, texts embedded / total, and the time
    /// left when known (etaSeconds < 0: unknown).
    static QString progressText(qint64 done, qint64 total, const QString& stage, double etaSeconds);

public Q_SLOTS:
    void run();
    void cancel();

Q_SIGNALS:
    /// The job ended (after the tables were refreshed).
    void runFinished(int stored, int failed, bool cancelled);

private:
    void buildUi();
    void loadSettings();
    void saveModels();
    void saveDatasets();
    void saveSuite();
    void stopJob();
    void updateButtons();
    void updateEmptyState();
    void scheduleEmptyState();
    std::vector<eval::StoredResult> shownResults(bool latestOnly) const;
    /// A model's name: its folder (or repo id), and for a model `train` wrote, the training run's
    /// name and the step it was exported at ("ft1 (first, step 200)"), from the newest result.
    QString modelName(const std::string& fingerprint) const;
    /// The same for one stored result: the run and step of the files it evaluated.
    QString resultModelName(const eval::StoredResult& stored) const;
    /// "RUN, step N" for model files `train` wrote (empty for other models).
    QString trainedSuffix(const eval::StoredResult& stored) const;
    void fillResults();
    void fillComparison();
    void fillChart();
    void exportDialog();

    QListWidget* m_models;
    QListWidget* m_datasets;
    QRadioButton* m_quick;
    QRadioButton* m_full;
    QSpinBox* m_quickItems;
    QPushButton* m_runButton;
    QPushButton* m_cancelButton;
    QProgressBar* m_progress;
    QLabel* m_status;
    QComboBox* m_view;
    QCheckBox* m_latestOnly;
    QTabWidget* m_tabs;
    QTableWidget* m_results;
    QComboBox* m_baseline;
    QLabel* m_comparisonHint;
    QTableWidget* m_comparison;
    QComboBox* m_chartType;
    QCustomPlot* m_chart;
    EmptyState* m_empty = nullptr;
    int m_emptyKey = -1; ///< what m_empty says now: 0 hidden, bit 1 no model, bit 2 no dataset
    bool m_emptyQueued = false;

    std::vector<eval::DatasetEntry> m_datasetEntries;
    std::vector<eval::StoredResult> m_stored; ///< newest first
    QMap<QString, QString> m_specs;           ///< fingerprint -> model spec
    QMap<QString, QString> m_trained;         ///< fingerprint -> "RUN, step N" of its newest result
    struct RunName {
        QString outputDir, createdAt, name;
    };
    std::vector<RunName> m_runNames;          ///< the project's training runs, newest first
    QThreadPool m_pool;
    std::unique_ptr<EvalJob> m_job;
    bool m_running = false;
    bool m_loading = false;
};

} // namespace synthembed::ui
