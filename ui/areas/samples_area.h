#pragma once
// Samples: a virtualised table over every sample with filters (family, language, status, text),
// a detail view (rendered prompt, sampled placeholder values, raw answer, parsed fields) with
// accept/reject/edit (undoable, per project), the reject reasons grouped by kind with counts, and
// the dedup and contamination checks run in the background with their results listed.

#include "ui/areas/area.h"

#include "core/gen/curation.h"
#include "core/gen/sample_browse.h"

#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <optional>
#include <memory>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;
class QTimer;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;
class QUndoStack;

namespace synthembed::gen {
struct JobStats;
}

namespace synthembed::ui {

class EmptyState;
class SampleTableModel;

class SamplesArea : public Area {
    Q_OBJECT
public:
    explicit SamplesArea(QWidget* parent = nullptr);
    ~SamplesArea() override;

    QString title() const override { return tr("Samples"); }
    QString description() const override { return tr("The generated training samples: inspect, filter and curate."); }
    void setProject(store::Project* project) override;
    /// Samples or jobs changed (this window, another one, the CLI): filters, reasons, count and rows
    /// follow, the selection and scroll position stay. Hidden, it catches up when shown.
    void projectDataChanged(const ProjectChange& change) override;

    SampleTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    /// Shows sample `row` of the table in the detail view; false when there is no such row.
    bool selectRow(int row);
    qint64 currentSampleId() const { return m_current; }
    /// The current sample: accept, reject with the reason in the reason field, save the edited
    /// fields. Each is one step on the undo stack; the selection stays on the sample, which stays
    /// listed until the filter changes even when it no longer matches it.
    bool acceptCurrent();
    bool rejectCurrent();
    /// Rejects the current sample and selects the next row.
    bool rejectCurrentAndNext();
    bool saveCurrentEdit();
    /// Accept/reject/edit steps of the open project (cleared when the project changes); the Edit
    /// menu's Undo/Redo act on it while this area is shown.
    QUndoStack* undoStack() const { return m_undo; }
    /// Lists only rejected samples whose reason is of this kind (gen::rejectReasonKind), as a
    /// click on a kind in the reasons tree does.
    void showReasonKind(const QString& kind);
    /// A reason kind as shown ("no_json" -> "no JSON in the answer", translated); others unchanged.
    static QString reasonKindLabel(const QString& kind);

    /// Checks, run off the GUI thread; the results are listed in the Checks tab. Finding
    /// duplicates changes nothing; the contamination check flags the samples it finds (as the
    /// CLI's `samples contamination` does). False when a check is running or no project is open.
    bool startDedupCheck();
    /// evalPath: a BEIR folder or a .jsonl/.csv/.tsv/text file; name: shown and recorded in the
    /// flags (default: the file name). The button's menu offers the datasets registered in Evaluation.
    bool startContaminationCheck(const QString& evalPath, const QString& name = {});
    bool checkRunning() const { return m_checkRunning; }
    void cancelCheck();
    /// Rejects the samples the last check listed (one undo step); returns how many were rejected.
    int rejectListed();
    QTableWidget* checkResults() const { return m_checkTable; }

Q_SIGNALS:
    /// A check ended (finished, failed or cancelled).
    void checkFinished();

public:
    /// Re-reads filters' choices, the count and the reject reasons.
    void refresh();
    /// The same, read off the GUI thread on a connection of its own (project changes, showing the
    /// area): the result is applied when it arrives, keeping the selection and scroll position.
    void scheduleRefresh();
    /// Background refreshes applied so far, and whether one is running (tests).
    int refreshesApplied() const { return m_refreshesApplied; }
    bool refreshRunning() const { return m_refreshBusy; }
    /// Imports samples from a JSONL/CSV/TSV file (gen::importSamples); false with a message on errors.
    bool importSamplesFile(const QString& path);
    /// Shown over the table while there are no samples, or none under the filters.
    EmptyState* emptyState() const { return m_empty; }
    /// Shows the samples of one job (-1 = all jobs).
    void showJob(qint64 jobId);
    /// Selects sample `id` and shows it, listed in its place even when the filters leave it out
    /// (until they change); false when there is no such sample. For "open in Samples" elsewhere.
    bool openSample(qint64 id);

protected:
    void showEvent(QShowEvent* event) override;

private:
    friend class CurationCommand;
    struct CheckResult;
    struct RefreshResult;
    void applyRefresh(RefreshResult& result);
    void applyFacets(const gen::SampleFacets& facets, const std::vector<gen::JobStats>& jobs);
    void applyReasons(const Result<std::vector<gen::RejectReasonGroup>>& groups);
    void updateEmptyState();
    void clearFilters();
    void buildUi();
    QWidget* buildChecksTab();
    void applyFilter();
    gen::SampleFilter currentFilter() const;
    void showSample(qint64 id);
    void highlightValues(const gen::SampleDetail& detail);
    /// Runs `change` on the samples as one undo step: their states before and after are kept.
    bool curate(const std::vector<qint64>& ids, const QString& text, const std::function<Status()>& change,
                int selectRowAfter = -1);
    /// Writes states back (undo/redo); false with a message when a sample changed meanwhile.
    bool restoreStates(const std::vector<gen::SampleState>& target, const std::vector<gen::SampleState>& expected);
    /// After a change to these samples: keep them listed, reload, select `row` or the first one.
    void afterChange(const std::vector<qint64>& ids, int row = -1);
    void showError(const QString& message);
    void updateCountLabel();
    void reloadFacets();
    void reloadReasons();
    void startCheck(const QString& title, std::function<CheckResult(const store::Project&, const ProgressHooks&)> run);
    void showCheckResult(const CheckResult& result);

    SampleTableModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QComboBox* m_family = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_job = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_countLabel = nullptr;
    QTabWidget* m_leftTabs = nullptr;
    QTreeWidget* m_reasons = nullptr;
    QString m_reasonFilter;
    std::optional<QString> m_reasonKind;
    QLabel* m_reasonFilterLabel = nullptr;
    QToolButton* m_clearReason = nullptr;
    std::vector<std::int64_t> m_keepIds; ///< curated in this view: listed until the filter changes
    QUndoStack* m_undo = nullptr;
    QAction* m_rejectAction = nullptr;
    QAction* m_rejectNextAction = nullptr;

    QPushButton* m_dedupButton = nullptr;
    QPushButton* m_contaminationButton = nullptr;
    QPushButton* m_cancelCheck = nullptr;
    QPushButton* m_rejectListed = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
    QCheckBox* m_nearDuplicates = nullptr;
    QProgressBar* m_checkProgress = nullptr;
    QLabel* m_checkSummary = nullptr;
    QTableWidget* m_checkTable = nullptr;
    QThreadPool m_pool;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_checkRunning = false;
    int m_checkGeneration = 0;
    std::vector<std::pair<std::int64_t, std::string>> m_listed; ///< (sample, reject reason) of the last check

    QLabel* m_header = nullptr;
    QPlainTextEdit* m_instruction = nullptr;
    QPlainTextEdit* m_query = nullptr;
    QPlainTextEdit* m_positive = nullptr;
    QPlainTextEdit* m_negative = nullptr;
    QPlainTextEdit* m_prompt = nullptr;
    QTableWidget* m_values = nullptr;
    QPlainTextEdit* m_raw = nullptr;
    QPlainTextEdit* m_original = nullptr;
    QLineEdit* m_rejectReason = nullptr;
    QPushButton* m_accept = nullptr;
    QPushButton* m_reject = nullptr;
    QPushButton* m_rejectNext = nullptr;
    QPushButton* m_save = nullptr;
    QTimer* m_searchTimer = nullptr;
    QTimer* m_pollTimer = nullptr;
    qint64 m_current = -1;

    EmptyState* m_empty = nullptr;
    qint64 m_totalSamples = -1; ///< samples in the project, whatever the filters (-1: not known)
    QThreadPool m_refreshPool;  ///< one thread: background refreshes
    int m_refreshGeneration = 0; ///< a result of an older generation (filter or project since changed) is dropped
    bool m_refreshBusy = false;
    bool m_refreshAgain = false;
    int m_refreshesApplied = 0;
    QStringList m_shownFacets, m_shownReasons; ///< what the last background refresh showed
};

} // namespace synthembed::ui
