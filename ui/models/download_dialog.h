#pragma once
// "Download..." for the GUI's model pickers (Training, Evaluation, Explorer): the user types a
// Hugging Face repo id (ORG/NAME[@revision]); hub::resolveModel runs on a worker thread (the cache
// first, then the hub's API: $HF_ENDPOINT, $HF_TOKEN, $HF_HUB_OFFLINE), with a progress bar showing
// bytes and the current file, and Cancel (the partial file is kept: the next download resumes it).
// On success downloaded() carries the snapshot folder and the dialog closes.

#include <QDialog>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace synthembed::ui {

class DownloadDialog : public QDialog {
    Q_OBJECT
public:
    explicit DownloadDialog(QWidget* parent = nullptr);
    ~DownloadDialog() override;

    /// Starts downloading `repoId` (as typing it and pressing Download does).
    void start(const QString& repoId);
    bool isRunning() const { return m_running; }
    /// Stops a running download (the part downloaded so far stays in the cache).
    void cancel();
    /// The snapshot folder of the last successful download (empty before).
    QString snapshotPath() const { return m_snapshot; }
    /// The status line ("120 MB of 14.2 GB: model-00001-of-00003.safetensors", or the error).
    QString statusText() const;

    /// Opens a DownloadDialog over `parent` (window-modal, deleted on close) and calls `onDone` with
    /// the snapshot folder when a download succeeds. `repoId`: prefilled (a picker's repo id that is
    /// not downloaded); the user still presses Download.
    static DownloadDialog* openFor(QWidget* parent, std::function<void(const QString&)> onDone,
                                   const QString& repoId = {});
    /// The repo id in the field.
    QString repoText() const;

Q_SIGNALS:
    void downloaded(const QString& snapshotFolder);
    /// A download ended without a snapshot (`message` in plain words; cancelled included).
    void failed(const QString& message);

protected:
    void reject() override;

private:
    void onProgress(qint64 done, qint64 total, const QString& file);
    void onFinished(const QString& path, const QString& code, const QString& message);
    QString plainError(const QString& repo, const QString& code, const QString& message) const;
    void setRunning(bool running);

    QLineEdit* m_repo;
    QLabel* m_where;
    QProgressBar* m_progress;
    QLabel* m_status;
    QPushButton* m_startButton;
    QPushButton* m_cancelButton;
    QPushButton* m_closeButton;
    bool m_running = false;
    QString m_snapshot;
    QString m_repoText;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QThreadPool m_pool; ///< one worker; the destructor cancels and waits for it
};

} // namespace synthembed::ui
