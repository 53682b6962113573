#pragma once
// Generation: a job builder (families and their mix, count, seed, endpoint from Settings, model,
// concurrency, rate limits) with coverage and token/cost estimates before launch, and the job
// table (live progress, rates, tokens, accepted/rejected, errors) with pause/resume/cancel.
// Jobs run on a private thread pool; the GUI thread only reads job rows on a timer.

#include "ui/areas/area.h"
#include "ui/settingsdialog.h"

#include "core/gen/job.h"
#include "core/prompts/library.h"

#include <QHash>
#include <QThreadPool>

#include <optional>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class QTextBrowser;
class QTimer;
class QLabel;

namespace synthembed::ui {

class EmptyState;

class ConnectionTester;
class JobTableModel;
class JobWorker;

class GenerationArea : public Area {
    Q_OBJECT
public:
    explicit GenerationArea(QWidget* parent = nullptr);
    ~GenerationArea() override;

    QString title() const override { return tr("Generation"); }
    QString description() const override { return tr("Jobs that send rendered prompts to an OpenAI-compatible endpoint."); }
    void setProject(store::Project* project) override;
    /// Jobs, templates or endpoints changed elsewhere (another window, the CLI): the job table,
    /// the estimate and the endpoint picker follow.
    void projectDataChanged(const ProjectChange& change) override;

    /// The job the builder describes now, or an error message.
    std::optional<gen::JobSpec> currentSpec(QString* error = nullptr) const;
    /// Creates a job from the builder and starts it; the new job's id, or -1 (message shown).
    qint64 launch();
    void pauseJob(qint64 id);
    void resumeJob(qint64 id);
    void cancelJob(qint64 id);
    bool isRunningHere(qint64 id) const { return m_workers.contains(id); }
    /// Stops (pauses) every job this window runs and waits for their threads.
    void stopAll();

    JobTableModel* jobModel() const { return m_jobModel; }
    /// Re-reads the endpoints from the project's settings into the picker.
    void reloadEndpoints();
    /// Re-reads the templates estimates use (the project's stored ones, else the shipped ones).
    void reloadLibrary();
    /// "Test connection": lists the chosen endpoint's (or each endpoint's) models and sends one tiny
    /// request, on a pool thread; the result shows under the endpoint (connectionResult) when done.
    /// False when nothing could be tested (no endpoint) or a test is still running.
    bool testConnection();

Q_SIGNALS:
    /// The user asked to see a job's samples (double-click in the job table).
    void samplesOfJobRequested(qint64 jobId);

protected:
    void showEvent(QShowEvent* event) override;

public:
    /// Over the job table while the project has no jobs: what to set up and how to start.
    EmptyState* emptyState() const { return m_empty; }

private:
    void updateEmptyState();
    EmptyState* m_empty = nullptr;
    void buildUi();
    void scheduleEstimate();
    void updateEstimate();
    void refreshJobs();
    void startWorker(qint64 id);
    void onWorkerFinished(qint64 id, const QString& state, const QString& message);
    qint64 selectedJob() const;
    void updateButtons();
    void endpointChosen(int index);
    /// Launch checks (dialogs; false = do not launch): problems in the templates the job would use,
    /// and a seed whose prompts an earlier job already drew (offers an unused seed, may change spec).
    bool confirmTemplates(const gen::JobSpec& spec);
    bool confirmSeed(gen::JobSpec& spec);

    QLineEdit* m_name = nullptr;
    QTableWidget* m_families = nullptr;
    QSpinBox* m_count = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_endpoint = nullptr;
    QPushButton* m_testConnection = nullptr;
    QTextBrowser* m_connectionResult = nullptr;
    ConnectionTester* m_tester = nullptr;
    QLineEdit* m_model = nullptr;
    QSpinBox* m_concurrency = nullptr;
    QSpinBox* m_rpm = nullptr;
    QSpinBox* m_tpm = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QTextBrowser* m_estimate = nullptr;
    QPushButton* m_launch = nullptr;
    QTableView* m_jobView = nullptr;
    JobTableModel* m_jobModel = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_resume = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_jobDetail = nullptr;
    QTimer* m_refresh = nullptr;
    QTimer* m_estimateTimer = nullptr;

    QList<EndpointSetting> m_endpointList;
    std::optional<prompts::Library> m_library;
    QThreadPool m_pool;
    QHash<qint64, JobWorker*> m_workers;
};

} // namespace synthembed::ui
