#pragma once
// "Add MTEB task..." in the Evaluation area: the MTEB tasks synthembed evaluates (core/eval/mteb_tasks.h)
// by name and type, the ones in the Hugging Face cache marked. Adding downloads the chosen tasks that
// are not cached on a worker thread (eval::fetchMtebTask: $HF_ENDPOINT, $HF_TOKEN, $HF_HUB_OFFLINE),
// with a progress bar (bytes, file) and Cancel (the part fetched is kept; the next try resumes it).
// Each task ready is handed to `onAdded` as a dataset entry (its snapshot folder is the folder).

#include "core/eval/suite.h"

#include <QDialog>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace synthembed::ui {

class MtebTaskDialog : public QDialog {
    Q_OBJECT
public:
    explicit MtebTaskDialog(QWidget* parent = nullptr);
    ~MtebTaskDialog() override;

    /// Opens the dialog over `parent` (window-modal, deleted on close); `onAdded` gets every task
    /// that is ready (cached or downloaded).
    static MtebTaskDialog* openFor(QWidget* parent, std::function<void(const eval::DatasetEntry&)> onAdded);

    /// Adds the tasks named (MTEB names), downloading those not cached; the selection when empty.
    void start(const QStringList& names = {});
    void cancel();
    bool isRunning() const { return m_running; }
    QString statusText() const;
    QTableWidget* table() const { return m_table; }
    /// Re-reads which tasks are in the cache (disk only).
    void refreshCached();
    /// Close: a running download is cancelled first (QDialog::reject is a public slot).
    void reject() override;

Q_SIGNALS:
    /// A task is ready (after onAdded was called).
    void added(const QString& name);
    /// The run ended: every task added (ok), or stopped at a failure or a cancel (`message`).
    void finished(bool ok, const QString& message);

private:
    void setRunning(bool running);
    void onProgress(const QString& task, qint64 done, qint64 total, const QString& file);

    QTableWidget* m_table;
    QLabel* m_where;
    QProgressBar* m_progress;
    QLabel* m_status;
    QPushButton* m_addButton;
    QPushButton* m_cancelButton;
    QPushButton* m_closeButton;
    std::function<void(const eval::DatasetEntry&)> m_onAdded;
    bool m_running = false;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QThreadPool m_pool; ///< one worker; the destructor cancels and waits for it
};

} // namespace synthembed::ui
