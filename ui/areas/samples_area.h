#pragma once
// Samples: a virtualised table over every sample with filters (family, language, status, text),
// a detail view (rendered prompt, sampled placeholder values, raw answer, parsed fields) with
// accept/reject/edit, and the reject reasons with their counts.

#include "ui/areas/area.h"

#include "core/gen/sample_browse.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace synthembed::ui {

class SampleTableModel;

class SamplesArea : public Area {
    Q_OBJECT
public:
    explicit SamplesArea(QWidget* parent = nullptr);

    QString title() const override { return tr("Samples"); }
    QString description() const override { return tr("The generated training samples: inspect, filter and curate."); }
    void setProject(store::Project* project) override;

    SampleTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    /// Shows sample `row` of the table in the detail view; false when there is no such row.
    bool selectRow(int row);
    qint64 currentSampleId() const { return m_current; }
    /// The current sample: accept, reject with the reason in the reason field, save the edited fields.
    bool acceptCurrent();
    bool rejectCurrent();
    bool saveCurrentEdit();
    /// Re-reads filters' choices, the count and the reject reasons.
    void refresh();
    /// Shows the samples of one job (-1 = all jobs).
    void showJob(qint64 jobId);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildUi();
    void applyFilter();
    void showSample(qint64 id);
    void highlightValues(const gen::SampleDetail& detail);
    void afterCuration(const Status& st, const QString& done);
    void updateCountLabel();
    void reloadFacets();
    void reloadReasons();

    SampleTableModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QComboBox* m_family = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_job = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_countLabel = nullptr;
    QTabWidget* m_leftTabs = nullptr;
    QTableWidget* m_reasons = nullptr;
    QString m_reasonFilter;
    QLabel* m_reasonFilterLabel = nullptr;

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
    QPushButton* m_save = nullptr;
    QTimer* m_searchTimer = nullptr;
    QTimer* m_pollTimer = nullptr;
    qint64 m_current = -1;
};

} // namespace synthembed::ui
