#include "ui/models/download_dialog.h"

#include "ui/errors.h"
#include "ui/models/hub_progress.h"

#include "core/hub/hub.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace synthembed::ui {

DownloadDialog::DownloadDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("downloadDialog"));
    setWindowTitle(tr("Download a model"));
    m_pool.setMaxThreadCount(1);
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    auto* v = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("A model from the Hugging Face Hub: type its repo id, ORG/NAME, optionally followed by "
                                "@revision (a branch, tag or commit)."),
                             this);
    intro->setWordWrap(true);
    v->addWidget(intro);
    auto* form = new QFormLayout;
    m_repo = new QLineEdit(this);
    m_repo->setObjectName(QStringLiteral("downloadRepo"));
    m_repo->setPlaceholderText(QStringLiteral("intfloat/e5-mistral-7b-instruct"));
    form->addRow(tr("Repo id"), m_repo);
    v->addLayout(form);
    const auto settings = hub::HubSettings::fromEnvironment();
    m_where = new QLabel(tr("Files go to the Hugging Face cache (%1), where transformers and sentence-transformers "
                            "find them too; what is already there is not downloaded again.")
                             .arg(QDir::toNativeSeparators(QString::fromStdString(settings.cacheDir.string()))),
                         this);
    m_where->setObjectName(QStringLiteral("downloadWhere"));
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_where);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("downloadProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    v->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("downloadStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Room for the longest message (a gated repo: four lines at the dialog's minimum width).
    m_status->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    v->addWidget(m_status);
    auto* buttons = new QDialogButtonBox(this);
    m_startButton = buttons->addButton(tr("Download"), QDialogButtonBox::AcceptRole);
    m_startButton->setObjectName(QStringLiteral("downloadStart"));
    m_cancelButton = buttons->addButton(tr("Cancel download"), QDialogButtonBox::ActionRole);
    m_cancelButton->setObjectName(QStringLiteral("downloadCancel"));
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    v->addWidget(buttons);
    // AcceptRole would close the dialog: the buttons are wired by hand.
    disconnect(buttons, nullptr, this, nullptr);
    connect(m_startButton, &QPushButton::clicked, this, [this] { start(m_repo->text()); });
    connect(m_repo, &QLineEdit::returnPressed, this, [this] {
        if (!m_running) start(m_repo->text());
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &DownloadDialog::cancel);
    connect(m_closeButton, &QPushButton::clicked, this, &DownloadDialog::reject);
    setRunning(false);
}

DownloadDialog::~DownloadDialog() {
    if (m_stop) m_stop->store(true);
    m_pool.waitForDone();
}

DownloadDialog* DownloadDialog::openFor(QWidget* parent, std::function<void(const QString&)> onDone,
                                        const QString& repoId) {
    auto* d = new DownloadDialog(parent);
    if (!repoId.isEmpty()) {
        d->m_repo->setText(repoId);
        d->m_startButton->setDefault(true);
        d->m_startButton->setFocus();
    }
    d->setAttribute(Qt::WA_DeleteOnClose);
    connect(d, &DownloadDialog::downloaded, parent, [onDone = std::move(onDone)](const QString& path) { onDone(path); });
    d->open();
    return d;
}

QString DownloadDialog::statusText() const { return m_status->text(); }

QString DownloadDialog::repoText() const { return m_repo->text(); }

void DownloadDialog::setRunning(bool running) {
    m_running = running;
    m_repo->setEnabled(!running);
    m_startButton->setEnabled(!running);
    m_cancelButton->setEnabled(running);
}

void DownloadDialog::start(const QString& repoId) {
    if (m_running) return;
    const QString text = repoId.trimmed();
    m_repo->setText(text);
    const auto ref = hub::parseRepoRef(text.toStdString());
    if (!ref) {
        m_status->setText(tr("\"%1\" is not a repo id: type ORG/NAME or ORG/NAME@revision, e.g. "
                             "intfloat/e5-mistral-7b-instruct.")
                              .arg(text));
        return;
    }
    m_repoText = text;
    m_snapshot.clear();
    m_progress->setValue(0);
    m_status->setText(tr("Asking the hub for %1...").arg(text));
    m_status->setToolTip(QString());
    setRunning(true);
    m_stop = std::make_shared<std::atomic<bool>>(false);
    auto stop = m_stop;
    QPointer<DownloadDialog> self(this);
    const std::string reference = text.toStdString();
    m_pool.start([self, stop, reference] {
        hub::PullParams params; // HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, the cache from the environment
        // The dialog waits for this worker in its destructor, so `self` outlives the call.
        params.hooks = hubProgressHooks(self.data(), stop, [self](qint64 done, qint64 total, const QString& file) {
            if (self) self->onProgress(done, total, file);
        });
        auto r = hub::resolveModel(reference, params);
        QString path, code, message;
        if (r) path = QString::fromStdString(r->string());
        else {
            code = QString::fromStdString(r.error().code);
            message = QString::fromStdString(r.error().message);
        }
        if (stop->load() && path.isEmpty()) code = QStringLiteral("cancelled");
        QMetaObject::invokeMethod(self.data(), [self, path, code, message] {
            if (self) self->onFinished(path, code, message);
        }, Qt::QueuedConnection);
    });
}

void DownloadDialog::cancel() {
    if (!m_running || !m_stop) return;
    m_stop->store(true);
    m_status->setText(tr("Cancelling..."));
    m_cancelButton->setEnabled(false);
}

void DownloadDialog::reject() {
    if (m_running) cancel();
    QDialog::reject();
}

void DownloadDialog::onProgress(qint64 done, qint64 total, const QString& file) {
    if (!m_running) return;
    if (total > 0) m_progress->setValue(int(std::min<qint64>(1000, 1000 * done / total)));
    const QString bytes = downloadedBytesText(done, total);
    m_status->setText(file.isEmpty() ? bytes : tr("%1: %2").arg(bytes, file));
}

QString DownloadDialog::plainError(const QString& repo, const QString& code, const QString& message) const {
    if (code == QLatin1String("auth"))
        return tr("%1 is gated or private: accept its terms on huggingface.co with your account, create an access "
                  "token there, set HF_TOKEN to it in the environment and start synthembed again.")
            .arg(repo);
    if (code == QLatin1String("offline"))
        return tr("Offline mode is on (HF_HUB_OFFLINE=1) and %1 is not complete in the Hugging Face cache. "
                  "Unset HF_HUB_OFFLINE to download it.")
            .arg(repo);
    if (code == QLatin1String("not_cached"))
        return tr("%1 is not in the Hugging Face cache and offline mode is on.").arg(repo);
    if (code == QLatin1String("network"))
        return tr("The hub could not be reached (check the network connection, or HF_ENDPOINT for a mirror): %1")
            .arg(message);
    if (code == QLatin1String("not_found"))
        return tr("%1 was not found on the hub: check the name and the revision.").arg(repo);
    if (code == QLatin1String("corrupt"))
        return tr("A downloaded file did not match its checksum; it was discarded. Try again: %1").arg(message);
    if (code == QLatin1String("cancelled"))
        return tr("Cancelled. What was downloaded so far is kept; downloading %1 again resumes it.").arg(repo);
    return tr("The download failed: %1").arg(message);
}

void DownloadDialog::onFinished(const QString& path, const QString& code, const QString& message) {
    setRunning(false);
    if (!path.isEmpty()) {
        m_snapshot = path;
        m_progress->setValue(1000);
        m_status->setText(tr("Downloaded to %1").arg(QDir::toNativeSeparators(path)));
        Q_EMIT downloaded(path);
        accept();
        return;
    }
    const QString text = formatFailure(plainError(m_repoText, code, message), code);
    m_status->setText(text);
    m_status->setToolTip(failureDetail(code.toStdString()));
    Q_EMIT failed(text);
}

} // namespace synthembed::ui
