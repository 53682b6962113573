#include "ui/eval/mteb_task_dialog.h"

#include "ui/errors.h"
#include "ui/models/hub_progress.h"

#include "core/eval/mteb_tasks.h"
#include "core/hub/hub.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {

enum Column { kName, kType, kRepo, kState, kColumns };

QString typeLabel(eval::TaskType t) {
    switch (t) {
    case eval::TaskType::Retrieval: return MtebTaskDialog::tr("Retrieval");
    case eval::TaskType::Sts: return MtebTaskDialog::tr("STS");
    case eval::TaskType::Classification: return MtebTaskDialog::tr("Classification");
    case eval::TaskType::Clustering: return MtebTaskDialog::tr("Clustering");
    case eval::TaskType::Pair: return MtebTaskDialog::tr("Pair classification");
    case eval::TaskType::Rerank: return MtebTaskDialog::tr("Reranking");
    case eval::TaskType::Summarization: return MtebTaskDialog::tr("Summarization");
    case eval::TaskType::Bitext: return MtebTaskDialog::tr("Bitext mining");
    }
    return {};
}

QTableWidgetItem* cell(const QString& text) {
    auto* it = new QTableWidgetItem(text);
    it->setFlags(it->flags() & ~Qt::ItemIsEditable);
    return it;
}

} // namespace

MtebTaskDialog::MtebTaskDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("mtebTaskDialog"));
    setWindowTitle(tr("Add MTEB tasks"));
    m_pool.setMaxThreadCount(1);
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    auto* v = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("The MTEB tasks synthembed evaluates, by name. Pick one or more and press Add: a task "
                                "in the Hugging Face cache is added at once, another is downloaded from the hub "
                                "first (its mteb/... dataset repo, at the revision MTEB uses)."),
                             this);
    intro->setWordWrap(true);
    v->addWidget(intro);
    m_table = new QTableWidget(0, kColumns, this);
    m_table->setObjectName(QStringLiteral("mtebTasks"));
    m_table->setHorizontalHeaderLabels({tr("Task"), tr("Type"), tr("Hub repo"), tr("Status")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (const auto& t : eval::mtebTasks()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, kName, cell(QString::fromStdString(t.name)));
        m_table->setItem(row, kType, cell(typeLabel(t.type)));
        auto* repo = cell(QString::fromStdString(t.repo));
        repo->setToolTip(tr("%1 at revision %2; main score %3 on the %4 split")
                             .arg(QString::fromStdString(t.repo), QString::fromStdString(t.revision),
                                  QString::fromStdString(t.mainMetric), QString::fromStdString(t.split)));
        m_table->setItem(row, kRepo, repo);
        m_table->setItem(row, kState, cell(QString()));
    }
    m_table->resizeColumnsToContents();
    v->addWidget(m_table, 1);
    const auto settings = hub::HubSettings::fromEnvironment();
    m_where = new QLabel(tr("Tasks are kept in the Hugging Face cache (%1) as datasets--mteb--NAME; what is there is "
                            "not downloaded again.")
                             .arg(QDir::toNativeSeparators(QString::fromStdString(settings.cacheDir.string()))),
                         this);
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_where);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("mtebProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    v->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("mtebStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setMinimumHeight(fontMetrics().lineSpacing() * 3);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    v->addWidget(m_status);
    auto* buttons = new QDialogButtonBox(this);
    m_addButton = buttons->addButton(tr("Add"), QDialogButtonBox::AcceptRole);
    m_addButton->setObjectName(QStringLiteral("mtebAdd"));
    m_cancelButton = buttons->addButton(tr("Cancel download"), QDialogButtonBox::ActionRole);
    m_cancelButton->setObjectName(QStringLiteral("mtebCancel"));
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    v->addWidget(buttons);
    disconnect(buttons, nullptr, this, nullptr); // AcceptRole would close the dialog
    connect(m_addButton, &QPushButton::clicked, this, [this] { start(); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] {
        if (!m_running) start();
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] { setRunning(m_running); });
    connect(m_cancelButton, &QPushButton::clicked, this, &MtebTaskDialog::cancel);
    connect(m_closeButton, &QPushButton::clicked, this, &MtebTaskDialog::reject);
    refreshCached();
    setRunning(false);
}

MtebTaskDialog::~MtebTaskDialog() {
    if (m_stop) m_stop->store(true);
    m_pool.waitForDone();
}

MtebTaskDialog* MtebTaskDialog::openFor(QWidget* parent, std::function<void(const eval::DatasetEntry&)> onAdded) {
    auto* d = new MtebTaskDialog(parent);
    d->m_onAdded = std::move(onAdded);
    d->setAttribute(Qt::WA_DeleteOnClose);
    d->open();
    return d;
}

QString MtebTaskDialog::statusText() const { return m_status->text(); }

void MtebTaskDialog::refreshCached() {
    const auto settings = hub::HubSettings::fromEnvironment();
    const auto& tasks = eval::mtebTasks();
    for (int row = 0; row < m_table->rowCount() && row < int(tasks.size()); ++row) {
        const auto state = eval::locateMtebTask(tasks[std::size_t(row)], settings);
        auto* item = m_table->item(row, kState);
        item->setText(state.cached ? tr("In the cache") : tr("Download"));
        item->setToolTip(state.cached ? QDir::toNativeSeparators(QString::fromStdString(state.folder.string()))
                                      : QString::fromStdString(state.message));
        QFont f = m_table->item(row, kName)->font();
        f.setBold(state.cached);
        m_table->item(row, kName)->setFont(f);
    }
}

void MtebTaskDialog::setRunning(bool running) {
    m_running = running;
    m_table->setEnabled(!running);
    m_addButton->setEnabled(!running && !m_table->selectionModel()->selectedRows().isEmpty());
    m_cancelButton->setEnabled(running);
}

void MtebTaskDialog::start(const QStringList& names) {
    if (m_running) return;
    QStringList chosen = names;
    if (chosen.isEmpty())
        for (const auto& index : m_table->selectionModel()->selectedRows())
            chosen << m_table->item(index.row(), kName)->text();
    std::vector<eval::MtebTask> tasks;
    for (const auto& name : chosen) {
        const auto* t = eval::findMtebTask(name.toStdString());
        if (!t) {
            m_status->setText(tr("\"%1\" is not an MTEB task synthembed knows.").arg(name));
            return;
        }
        tasks.push_back(*t);
    }
    if (tasks.empty()) {
        m_status->setText(tr("Pick one or more tasks in the list."));
        return;
    }
    m_progress->setValue(0);
    m_status->setText(tr("Looking for %1...").arg(chosen.join(QStringLiteral(", "))));
    setRunning(true);
    m_stop = std::make_shared<std::atomic<bool>>(false);
    auto stop = m_stop;
    QPointer<MtebTaskDialog> self(this);
    m_pool.start([self, stop, tasks] {
        for (const auto& task : tasks) {
            hub::PullParams params; // HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, the cache from the environment
            const QString name = QString::fromStdString(task.name);
            // The dialog waits for this worker in its destructor, so `self` outlives the call.
            params.hooks = hubProgressHooks(self.data(), stop, [self, name](qint64 done, qint64 total, const QString& file) {
                if (self) self->onProgress(name, done, total, file);
            });
            auto entry = eval::fetchMtebTask(task, params);
            if (!entry) {
                const QString code = stop->load() ? QStringLiteral("cancelled") : QString::fromStdString(entry.error().code);
                const QString message = QString::fromStdString(entry.error().message);
                QMetaObject::invokeMethod(self.data(), [self, name, code, message] {
                    if (!self) return;
                    self->setRunning(false);
                    self->refreshCached();
                    const QString text =
                        code == QLatin1String("cancelled")
                            ? tr("Cancelled. What was downloaded of %1 is kept; adding it again resumes the download.").arg(name)
                            : formatFailure(message, code);
                    self->m_status->setText(text);
                    self->m_status->setToolTip(failureDetail(code.toStdString()));
                    Q_EMIT self->finished(false, text);
                }, Qt::QueuedConnection);
                return;
            }
            QMetaObject::invokeMethod(self.data(), [self, name, e = *entry] {
                if (!self) return;
                if (self->m_onAdded) self->m_onAdded(e);
                self->m_status->setText(tr("Added %1 (%n item(s))", nullptr, int(e.items)).arg(name));
                Q_EMIT self->added(name);
            }, Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(self.data(), [self, n = int(tasks.size())] {
            if (!self) return;
            self->setRunning(false);
            self->refreshCached();
            self->m_progress->setValue(1000);
            const QString text = tr("Added %n task(s) to the dataset list.", nullptr, n);
            self->m_status->setText(text);
            Q_EMIT self->finished(true, text);
            self->accept();
        }, Qt::QueuedConnection);
    });
}

void MtebTaskDialog::cancel() {
    if (!m_running || !m_stop) return;
    m_stop->store(true);
    m_status->setText(tr("Cancelling..."));
    m_cancelButton->setEnabled(false);
}

void MtebTaskDialog::reject() {
    if (m_running) cancel();
    QDialog::reject();
}

void MtebTaskDialog::onProgress(const QString& task, qint64 done, qint64 total, const QString& file) {
    if (!m_running) return;
    if (total > 0) m_progress->setValue(int(std::min<qint64>(1000, 1000 * done / total)));
    m_status->setText(tr("Downloading %1: %2 (%3)").arg(task, downloadedBytesText(done, total), file));
}

} // namespace synthembed::ui
