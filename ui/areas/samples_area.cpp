#include "ui/areas/samples_area.h"

#include "ui/samples/sample_table_model.h"

#include "core/gen/curation.h"
#include "core/gen/job.h"
#include "core/prompts/template.h"
#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <QColor>
#include <QComboBox>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace synthembed::ui {

namespace {
QPlainTextEdit* textBox(QWidget* parent, const QString& name, bool readOnly) {
    auto* t = new QPlainTextEdit(parent);
    t->setObjectName(name);
    t->setReadOnly(readOnly);
    t->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    return t;
}
QString pretty(const std::string& jsonText) {
    auto j = nlohmann::ordered_json::parse(jsonText, nullptr, false);
    return QString::fromStdString(j.is_discarded() ? jsonText : j.dump(2));
}
} // namespace

SamplesArea::SamplesArea(QWidget* parent) : Area(parent) {
    setObjectName(QStringLiteral("samplesArea"));
    buildUi();
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_searchTimer, &QTimer::timeout, this, &SamplesArea::applyFilter);
    // While a job writes samples, new rows appear at the end without losing the scroll position.
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(2000);
    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        if (isVisible() && m_model->appendNewRows()) updateCountLabel();
    });
    setProject(nullptr);
}

void SamplesArea::buildUi() {
    auto* root = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_family = new QComboBox(this);
    m_family->setObjectName(QStringLiteral("familyFilter"));
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageFilter"));
    m_language->setMinimumContentsLength(12);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), QString());
    m_status->addItem(tr("accepted"), QStringLiteral("accepted"));
    m_status->addItem(tr("rejected"), QStringLiteral("rejected"));
    m_status->addItem(tr("edited"), QStringLiteral("edited"));
    m_job = new QComboBox(this);
    m_job->setObjectName(QStringLiteral("jobFilter"));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchFilter"));
    m_search->setPlaceholderText(tr("Search query, positive, negative, instruction"));
    m_search->setClearButtonEnabled(true);
    m_reasonFilterLabel = new QLabel(this);
    m_reasonFilterLabel->setObjectName(QStringLiteral("reasonFilterLabel"));
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("sampleCount"));
    auto* refreshBtn = new QPushButton(tr("Refresh"), this);
    filters->addWidget(new QLabel(tr("Filter:"), this));
    filters->addWidget(m_family);
    filters->addWidget(m_language);
    filters->addWidget(m_status);
    filters->addWidget(m_job);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_reasonFilterLabel);
    filters->addWidget(m_countLabel);
    filters->addWidget(refreshBtn);
    root->addLayout(filters);
    connect(m_family, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_language, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_job, &QComboBox::currentIndexChanged, this, &SamplesArea::applyFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        if (m_status->currentData().toString() != QLatin1String("rejected")) m_reasonFilter.clear();
        applyFilter();
    });
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer->start(); });
    connect(refreshBtn, &QPushButton::clicked, this, &SamplesArea::refresh);

    auto* split = new QSplitter(Qt::Horizontal, this);
    root->addWidget(split, 1);

    m_leftTabs = new QTabWidget(split);
    m_model = new SampleTableModel(this);
    m_view = new QTableView(m_leftTabs);
    m_view->setObjectName(QStringLiteral("sampleTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    // Fixed row heights: the view never measures rows, so it never asks for rows off screen.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(SampleTableModel::Id, 60);
    m_view->setColumnWidth(SampleTableModel::Family, 90);
    m_view->setColumnWidth(SampleTableModel::Language, 80);
    m_view->setColumnWidth(SampleTableModel::Status, 70);
    m_view->setColumnWidth(SampleTableModel::Reason, 120);
    m_view->setColumnWidth(SampleTableModel::Query, 220);
    m_view->setColumnWidth(SampleTableModel::Positive, 220);
    m_view->setColumnWidth(SampleTableModel::Negative, 160);
    m_leftTabs->addTab(m_view, tr("Samples"));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showSample(cur.isValid() ? m_model->sampleId(cur.row()) : -1); });

    m_reasons = new QTableWidget(0, 2, m_leftTabs);
    m_reasons->setObjectName(QStringLiteral("rejectReasons"));
    m_reasons->setHorizontalHeaderLabels({tr("Reject reason"), tr("Samples")});
    m_reasons->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_reasons->verticalHeader()->hide();
    m_reasons->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_reasons->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_reasons->setToolTip(tr("Double-click a reason to list its samples"));
    m_leftTabs->addTab(m_reasons, tr("Reject reasons"));
    connect(m_reasons, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        m_reasonFilter = m_reasons->item(row, 0)->data(Qt::UserRole).toString();
        const QSignalBlocker block(m_status);
        m_status->setCurrentIndex(m_status->findData(QStringLiteral("rejected")));
        applyFilter();
        m_leftTabs->setCurrentIndex(0);
    });

    // ---- detail ----
    auto* detail = new QWidget(split);
    auto* dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(detail);
    m_header->setObjectName(QStringLiteral("sampleHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dl->addWidget(m_header);
    auto* tabs = new QTabWidget(detail);
    tabs->setObjectName(QStringLiteral("sampleDetailTabs"));
    auto* fields = new QWidget(tabs);
    auto* fl = new QFormLayout(fields);
    m_instruction = textBox(fields, QStringLiteral("editInstruction"), false);
    m_instruction->setMaximumHeight(60);
    m_query = textBox(fields, QStringLiteral("editQuery"), false);
    m_positive = textBox(fields, QStringLiteral("editPositive"), false);
    m_negative = textBox(fields, QStringLiteral("editNegative"), false);
    fl->addRow(tr("Instruction"), m_instruction);
    fl->addRow(tr("Query"), m_query);
    fl->addRow(tr("Positive"), m_positive);
    fl->addRow(tr("Negative"), m_negative);
    tabs->addTab(fields, tr("Fields"));
    tabs->setTabToolTip(0, tr("The fields parsed from the answer; edit them and press Save edit"));
    m_prompt = textBox(tabs, QStringLiteral("promptView"), true);
    tabs->addTab(m_prompt, tr("Prompt"));
    tabs->setTabToolTip(1, tr("The rendered prompt sent to the LLM"));
    m_values = new QTableWidget(0, 2, tabs);
    m_values->setObjectName(QStringLiteral("valuesView"));
    m_values->setHorizontalHeaderLabels({tr("Placeholder"), tr("Sampled value")});
    m_values->horizontalHeader()->setStretchLastSection(true);
    m_values->verticalHeader()->hide();
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tabs->addTab(m_values, tr("Values"));
    m_raw = textBox(tabs, QStringLiteral("rawView"), true);
    tabs->addTab(m_raw, tr("Raw answer"));
    m_original = textBox(tabs, QStringLiteral("originalView"), true);
    tabs->addTab(m_original, tr("Original"));
    dl->addWidget(tabs, 1);

    auto* actions = new QHBoxLayout;
    m_accept = new QPushButton(tr("Accept"), detail);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_rejectReason = new QLineEdit(detail);
    m_rejectReason->setObjectName(QStringLiteral("rejectReason"));
    m_rejectReason->setPlaceholderText(tr("reason for rejecting"));
    m_reject = new QPushButton(tr("Reject"), detail);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_save = new QPushButton(tr("Save edit"), detail);
    m_save->setObjectName(QStringLiteral("saveEditButton"));
    m_save->setToolTip(tr("Saves the edited fields; the original is kept"));
    actions->addWidget(m_accept);
    actions->addWidget(m_rejectReason, 1);
    actions->addWidget(m_reject);
    actions->addWidget(m_save);
    dl->addLayout(actions);
    connect(m_accept, &QPushButton::clicked, this, &SamplesArea::acceptCurrent);
    connect(m_reject, &QPushButton::clicked, this, &SamplesArea::rejectCurrent);
    connect(m_save, &QPushButton::clicked, this, &SamplesArea::saveCurrentEdit);
    connect(m_rejectReason, &QLineEdit::returnPressed, this, &SamplesArea::rejectCurrent);

    split->addWidget(m_leftTabs);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({720, 480});
}

void SamplesArea::setProject(store::Project* project) {
    Area::setProject(project);
    m_reasonFilter.clear();
    m_model->setProject(project);
    reloadFacets();
    reloadReasons();
    applyFilter();
    showSample(-1);
    if (project)
        m_pollTimer->start();
    else
        m_pollTimer->stop();
}

void SamplesArea::showEvent(QShowEvent* event) {
    Area::showEvent(event);
    if (m_project) {
        reloadFacets();
        reloadReasons();
        if (m_model->appendNewRows()) updateCountLabel();
    }
}

void SamplesArea::refresh() {
    reloadFacets();
    reloadReasons();
    m_model->reload();
    updateCountLabel();
}

void SamplesArea::reloadFacets() {
    const QString fam = m_family->currentData().toString(), lang = m_language->currentData().toString();
    const QSignalBlocker b1(m_family), b2(m_language);
    m_family->clear();
    m_language->clear();
    m_family->addItem(tr("All families"), QString());
    m_language->addItem(tr("All languages"), QString());
    QStringList families;
    for (const char* f : prompts::kFamilies) families << QString::fromLatin1(f);
    if (m_project) {
        if (auto facets = gen::sampleFacets(*m_project)) {
            for (auto& f : facets->families)
                if (!families.contains(QString::fromStdString(f))) families << QString::fromStdString(f);
            for (auto& l : facets->languages) m_language->addItem(QString::fromStdString(l), QString::fromStdString(l));
        }
    }
    for (auto& f : families) m_family->addItem(f, f);
    {
        const QVariant job = m_job->currentData();
        const QSignalBlocker b3(m_job);
        m_job->clear();
        m_job->addItem(tr("All jobs"), QVariant());
        if (m_project) {
            if (auto jobs = gen::listJobs(*m_project)) {
                for (auto& j : *jobs)
                    m_job->addItem(j.name.empty() ? tr("Job %1").arg(j.id)
                                                  : tr("Job %1: %2").arg(j.id).arg(QString::fromStdString(j.name)),
                                   QVariant::fromValue<qint64>(j.id));
            }
        }
        m_job->setCurrentIndex(std::max(0, m_job->findData(job)));
    }
    m_family->setCurrentIndex(std::max(0, m_family->findData(fam)));
    m_language->setCurrentIndex(std::max(0, m_language->findData(lang)));
}

void SamplesArea::reloadReasons() {
    m_reasons->setRowCount(0);
    if (!m_project) return;
    auto reasons = gen::rejectReasons(*m_project);
    if (!reasons) return;
    const QLocale loc;
    m_reasons->setRowCount(static_cast<int>(reasons->size()));
    for (int i = 0; i < m_reasons->rowCount(); ++i) {
        const auto& [reason, n] = (*reasons)[static_cast<std::size_t>(i)];
        auto* r = new QTableWidgetItem(reason.empty() ? tr("(no reason)") : QString::fromStdString(reason));
        r->setData(Qt::UserRole, QString::fromStdString(reason));
        r->setToolTip(QString::fromStdString(reason));
        m_reasons->setItem(i, 0, r);
        auto* c = new QTableWidgetItem(loc.toString(static_cast<qint64>(n)));
        c->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_reasons->setItem(i, 1, c);
    }
    m_leftTabs->setTabText(1, tr("Reject reasons (%1)").arg(m_reasons->rowCount()));
}

void SamplesArea::applyFilter() {
    gen::SampleFilter f;
    f.family = m_family->currentData().toString().toStdString();
    f.language = m_language->currentData().toString().toStdString();
    f.status = m_status->currentData().toString().toStdString();
    f.text = m_search->text().trimmed().toStdString();
    f.reason = m_reasonFilter.toStdString();
    if (m_job->currentData().isValid()) f.jobId = m_job->currentData().toLongLong();
    m_reasonFilterLabel->setText(m_reasonFilter.isEmpty()
                                     ? QString()
                                     : tr("reason: %1").arg(QFontMetrics(font()).elidedText(m_reasonFilter, Qt::ElideRight, 200)));
    m_model->setFilter(f);
    updateCountLabel();
    showSample(-1);
}

void SamplesArea::updateCountLabel() {
    m_countLabel->setText(tr("%1 samples").arg(QLocale().toString(m_model->rowCount())));
}

void SamplesArea::showJob(qint64 jobId) {
    reloadFacets();
    const int idx = jobId < 0 ? 0 : m_job->findData(QVariant::fromValue<qint64>(jobId));
    if (idx >= 0 && idx != m_job->currentIndex())
        m_job->setCurrentIndex(idx);
    else
        applyFilter();
}

bool SamplesArea::selectRow(int row) {
    if (row < 0 || row >= m_model->rowCount()) return false;
    m_view->selectRow(row);
    m_view->scrollTo(m_model->index(row, 0));
    if (m_current != m_model->sampleId(row)) showSample(m_model->sampleId(row));
    return m_current >= 0;
}

void SamplesArea::showSample(qint64 id) {
    m_current = -1;
    for (auto* t : {m_instruction, m_query, m_positive, m_negative, m_prompt, m_raw, m_original}) t->clear();
    m_values->setRowCount(0);
    const bool enabled = id >= 0 && m_project;
    for (QWidget* w : std::initializer_list<QWidget*>{m_accept, m_reject, m_save, m_rejectReason}) w->setEnabled(enabled);
    if (!enabled) {
        m_header->setText(m_project ? tr("Select a sample to see its prompt, values and answer.") : tr("No project open."));
        return;
    }
    auto d = gen::loadSample(*m_project, id);
    if (!d) {
        m_header->setText(QString::fromStdString(d.error().message));
        return;
    }
    m_current = id;
    const auto& r = d->row;
    QString head = tr("<b>Sample %1</b> · %2 · %3 · <b>%4</b>")
                       .arg(r.id)
                       .arg(QString::fromStdString(r.family).toHtmlEscaped(),
                            QString::fromStdString(r.language.empty() ? "—" : r.language).toHtmlEscaped(),
                            SampleTableModel::statusLabel(r.status));
    if (r.jobId) head += tr(" · job %1").arg(r.jobId);
    if (!d->templateName.empty()) head += tr(" · template %1").arg(QString::fromStdString(d->templateName).toHtmlEscaped());
    head += tr(" · %1 + %2 tokens").arg(d->promptTokens).arg(d->completionTokens);
    if (!d->task.empty()) head += QStringLiteral("<br>") + tr("Task: %1").arg(QString::fromStdString(d->task).toHtmlEscaped());
    if (!r.rejectReason.empty())
        head += QStringLiteral("<br><span style='color:#b02020'>%1</span>")
                    .arg(tr("Rejected: %1").arg(QString::fromStdString(r.rejectReason).toHtmlEscaped()));
    m_header->setText(head);
    m_instruction->setPlainText(QString::fromStdString(d->instruction));
    m_query->setPlainText(QString::fromStdString(r.query));
    m_positive->setPlainText(QString::fromStdString(r.positive));
    m_negative->setPlainText(QString::fromStdString(r.negative));
    m_prompt->setPlainText(d->prompt.empty() ? tr("(no prompt: the sample was imported)") : QString::fromStdString(d->prompt));
    highlightValues(*d);
    m_raw->setPlainText(QString::fromStdString(d->rawOutput));
    m_original->setPlainText(d->original.empty() ? tr("(not edited)") : pretty(d->original));
    m_values->setRowCount(static_cast<int>(d->sampledValues.size()));
    for (int i = 0; i < m_values->rowCount(); ++i) {
        const auto& [k, v] = d->sampledValues[static_cast<std::size_t>(i)];
        m_values->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(k)));
        m_values->setItem(i, 1, new QTableWidgetItem(QString::fromStdString(v)));
    }
    m_values->resizeColumnToContents(0);
}

void SamplesArea::highlightValues(const gen::SampleDetail& d) {
    // Mark where the sampled values landed in the prompt, so the diversity knobs are visible.
    QList<QTextEdit::ExtraSelection> marks;
    QTextCharFormat fmt;
    fmt.setBackground(QColor(0xff, 0xe8, 0x9c));
    fmt.setFontWeight(QFont::DemiBold);
    QStringList tips;
    for (const auto& [name, value] : d.sampledValues) {
        const QString v = QString::fromStdString(value);
        if (v.trimmed().isEmpty()) continue;
        // Short values ("3") only as whole words, or every "S3" would light up. Spans are not
        // stored with the request, so this is a search, not the renderer's exact positions.
        QTextDocument::FindFlags flags = QTextDocument::FindCaseSensitively;
        if (v.size() < 3) flags |= QTextDocument::FindWholeWords;
        QTextCursor c(m_prompt->document());
        while (!(c = m_prompt->document()->find(v, c, flags)).isNull()) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = c;
            sel.format = fmt;
            sel.format.setToolTip(QString::fromStdString(name));
            marks << sel;
        }
    }
    m_prompt->setExtraSelections(marks);
}

void SamplesArea::afterCuration(const Status& st, const QString& done) {
    if (!st) {
        m_header->setText(QString::fromStdString(st.error().message).toHtmlEscaped());
        Q_EMIT statusMessage(QString::fromStdString(st.error().message));
        return;
    }
    const qint64 id = m_current;
    const int row = m_view->currentIndex().row();
    // The row may leave the filtered set (e.g. rejecting under "accepted"): recount, keep the place.
    m_model->reload();
    reloadReasons();
    updateCountLabel();
    // Pages near the old row are read first, so a sample that stayed in the set is found there.
    qint64 show = id;
    if (row >= 0 && m_model->rowCount() > 0) {
        const int near = std::min(row, m_model->rowCount() - 1);
        (void)m_model->sampleId(near);
        const int again = m_model->loadedRowOf(id);
        const int target = again >= 0 ? again : near;
        const QSignalBlocker block(m_view->selectionModel());
        m_view->selectRow(target);
        m_view->scrollTo(m_model->index(target, 0));
        // A sample that left the filtered set (e.g. accepted under "rejected"): show the next one.
        if (again < 0) show = m_model->sampleId(target);
    }
    showSample(show);
    Q_EMIT statusMessage(done);
}

bool SamplesArea::acceptCurrent() {
    if (m_current < 0 || !m_project) return false;
    auto st = gen::setSampleStatus(*m_project, m_current, true);
    afterCuration(st, tr("Sample %1 accepted").arg(m_current));
    return st.ok();
}

bool SamplesArea::rejectCurrent() {
    if (m_current < 0 || !m_project) return false;
    QString reason = m_rejectReason->text().trimmed();
    if (reason.isEmpty()) reason = tr("rejected by hand");
    auto st = gen::setSampleStatus(*m_project, m_current, false, reason.toStdString());
    afterCuration(st, tr("Sample %1 rejected").arg(m_current));
    if (st) m_rejectReason->clear();
    return st.ok();
}

bool SamplesArea::saveCurrentEdit() {
    if (m_current < 0 || !m_project) return false;
    gen::SampleEdit e;
    e.instruction = m_instruction->toPlainText().toStdString();
    e.query = m_query->toPlainText().toStdString();
    e.positive = m_positive->toPlainText().toStdString();
    e.negative = m_negative->toPlainText().toStdString();
    auto st = gen::editSample(*m_project, m_current, e);
    afterCuration(st, tr("Sample %1 saved (original kept)").arg(m_current));
    return st.ok();
}

} // namespace synthembed::ui
