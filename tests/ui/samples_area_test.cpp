// Samples area over 100k samples: the model never loads all rows (pages on demand, keyset from a
// neighbouring page, bounded cache), filters give the right counts, and accept/reject/edit through
// the detail view change the rows (the original kept on edit) and the reject list. On a small
// project: reject reasons grouped by kind with counts that match the data, undo/redo of
// accept/reject/edit, reject keeping the row (reject-and-next moving on), and the dedup and
// contamination checks listing their results.

#include "area_test_support.h"

#include "ui/areas/samples_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/mainwindow.h"
#include "ui/translations.h"
#include "ui/samples/sample_table_model.h"

#include "core/gen/curation.h"
#include "core/gen/sample_browse.h"
#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/store/sqlite.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QToolButton>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QAction>
#include <QMenu>
#include <QTranslator>
#include <QtTest>

#include <memory>

using namespace synthembed;

namespace {
constexpr int kRows = 100'000;
const char* kFams[] = {"short-long", "long-short", "short-short", "long-long", "sts", "bitext"};
const char* kLangs[] = {"English", "German", "French", "Chinese", "Polish"};

// 100k samples in one transaction; every 10th rejected ("bad json" / "too short"). Sample 1 comes
// from a job request, so its detail has a prompt and a raw answer.
std::unique_ptr<store::Project> fill(const QTemporaryDir& dir) {
    auto p = store::Project::create(dir.filePath(QStringLiteral("big.synthembed")).toStdString());
    if (!p) qFatal("%s", p.error().message.c_str());
    auto proj = std::make_unique<store::Project>(std::move(p).take());
    const auto& db = proj->db();
    db::inTransaction(db, [&] {
        db.prepare("INSERT INTO jobs(id, name, target) VALUES (1, 'seeded', 1)").run();
        auto r = db.prepare("INSERT INTO requests(id, job_id, kind, family, prompt, sampled_values, state, raw_answer) "
                            "VALUES (1, 1, 'generate', 'short-long', ?, ?, 'done', ?)");
        r.bindAll("Write a retrieval example in English about harbors.", R"({"language":"English","topic":"harbors"})",
                  R"({"user_query":"harbor tides","positive_document":"Tides in harbors ..."})");
        r.run();
        auto st = db.prepare("INSERT INTO samples(job_id, request_id, family, language, instruction, query, positive, "
                             "negative, status, reject_reason, sampled_values, raw_output) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        for (int i = 1; i <= kRows; ++i) {
            const bool rej = i % 10 == 0;
            if (i == 1) {
                st.bind(1, 1);
                st.bind(2, 1);
            } else {
                st.bindNull(1);
                st.bindNull(2);
            }
            st.bind(3, kFams[i % 6]);
            st.bind(4, kLangs[i % 5]);
            st.bind(5, "Retrieve passages for the query");
            st.bind(6, "query #" + std::to_string(i) + "# about harbor tides and boats");
            st.bind(7, "positive document " + std::to_string(i) + " with some longer text to show in the table");
            st.bind(8, "negative document " + std::to_string(i));
            st.bind(9, rej ? "rejected" : "accepted");
            if (rej) st.bind(10, (i / 10) % 2 ? "too short" : "bad json"); else st.bindNull(10);
            st.bind(11, i == 1 ? R"({"language":"English","topic":"harbors"})" : "{}");
            if (i == 1) st.bind(12, R"({"user_query":"harbor tides","positive_document":"Tides in harbors ..."})");
            else st.bindNull(12);
            st.run();
        }
    });
    return proj;
}

// Twelve words drawn from a vocabulary by a fixed generator: texts that share no shingles.
std::string words(std::uint32_t& seed) {
    static const char* vocab[] = {"harbor", "glacier", "violin", "copper", "meadow", "lantern", "orbit", "pepper",
                                  "canyon", "ledger", "falcon", "quartz", "tundra", "velvet", "walnut", "zephyr",
                                  "bridge", "cactus", "dynamo", "ember", "fjord", "gravel", "hazel", "igloo",
                                  "jasper", "kettle", "lotus", "marble", "nectar", "oyster", "prairie", "quiver"};
    std::string out;
    for (int i = 0; i < 12; ++i) {
        seed = seed * 1664525u + 1013904223u;
        if (i) out += ' ';
        out += vocab[(seed >> 16) % 32];
        out += std::to_string((seed >> 8) % 97);
    }
    return out;
}

// A small project: samples 1..40 accepted (distinct texts), 41..45 exact copies of 1..5, then
// rejected ones: 73 generator duplicates, 4 too long, 3 without JSON, 2 off topic.
std::unique_ptr<store::Project> fillSmall(const QString& path) {
    auto p = store::Project::create(path.toStdString());
    if (!p) qFatal("%s", p.error().message.c_str());
    auto proj = std::make_unique<store::Project>(std::move(p).take());
    const auto& db = proj->db();
    db::inTransaction(db, [&] {
        auto st = db.prepare("INSERT INTO samples(family, language, query, positive, status, reject_reason) "
                             "VALUES ('short-long', 'English', ?, ?, ?, ?)");
        std::uint32_t seed = 7;
        std::vector<std::pair<std::string, std::string>> texts;
        auto add = [&](const std::string& q, const std::string& pos, const char* status, const std::string& reason) {
            st.bindAll(q, pos, status, reason.empty() ? std::optional<std::string>() : std::optional(reason));
            st.run();
        };
        for (int i = 1; i <= 40; ++i) {
            texts.emplace_back(words(seed), words(seed));
            add(texts.back().first, texts.back().second, "accepted", "");
        }
        for (int i = 0; i < 5; ++i) add(texts[i].first, texts[i].second, "accepted", "");
        for (int i = 1; i <= 73; ++i)
            add(words(seed), words(seed), "rejected", "duplicate: same normalised text as sample " + std::to_string(i));
        for (int i = 0; i < 4; ++i) add(words(seed), words(seed), "rejected", "filter: query length " + std::to_string(900 + i));
        add(words(seed), words(seed), "rejected", "no_json: the answer is empty");
        add(words(seed), words(seed), "rejected", "no_json: the answer contains no JSON object");
        add(words(seed), words(seed), "rejected", "no_json: the answer contains no JSON object");
        add(words(seed), words(seed), "rejected", "off topic");
        add(words(seed), words(seed), "rejected", "off topic");
    });
    return proj;
}

QTreeWidgetItem* kindItem(QTreeWidget* tree, const QString& label) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == label) return tree->topLevelItem(i);
    return nullptr;
}

QString statusOf(const store::Project& p, qint64 id) {
    auto d = gen::loadSample(p, id);
    return d ? QString::fromStdString(d->row.status + "|" + d->row.rejectReason) : QString::fromStdString(d.error().message);
}
} // namespace

class SamplesAreaTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<store::Project> m_project;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        initialize();
        QElapsedTimer t;
        t.start();
        m_project = fill(m_dir);
        qInfo("filled %d samples in %lld ms", kRows, t.elapsed());
    }

    void modelFetchesPagesOnDemand() {
        ui::SamplesArea area;
        area.resize(1300, 800);
        area.show();
        QElapsedTimer t;
        t.start();
        area.setProject(m_project.get());
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        auto* model = area.model();
        qInfo("open + first paint: %lld ms", t.elapsed());
        QCOMPARE(model->rowCount(), kRows);
        // Only what is on screen was read: one or two pages, never all rows.
        QVERIFY2(model->pagesFetched() <= 2, qPrintable(QString::number(model->pagesFetched())));
        QCOMPARE(model->data(model->index(0, ui::SampleTableModel::Id)).toLongLong(), 1);

        // A jump to the end reads one page by offset; the page before it by keyset.
        const int offsetsBefore = model->offsetFetches();
        QCOMPARE(model->data(model->index(kRows - 1, ui::SampleTableModel::Id)).toLongLong(), kRows);
        QCOMPARE(model->offsetFetches(), offsetsBefore + 1);
        const int lastPageStart = (kRows - 1) / ui::SampleTableModel::kPageSize * ui::SampleTableModel::kPageSize;
        QCOMPARE(model->data(model->index(lastPageStart - 1, ui::SampleTableModel::Id)).toLongLong(), lastPageStart);
        QCOMPARE(model->offsetFetches(), offsetsBefore + 1);

        // Scroll through the whole table with the view, as a user dragging the bar would.
        auto* view = area.view();
        auto* bar = view->verticalScrollBar();
        t.restart();
        int steps = 0;
        for (int v = 0; v <= bar->maximum(); v += std::max(1, bar->maximum() / 200), ++steps) {
            bar->setValue(v);
            QCoreApplication::processEvents();
            view->viewport()->repaint();
        }
        bar->setValue(bar->maximum());
        view->viewport()->repaint();
        qInfo("scrolled 100k rows in %d steps: %lld ms (%.2f ms/step), %d pages read, %d cached", steps, t.elapsed(),
              double(t.elapsed()) / steps, model->pagesFetched(), model->pagesCached());
        QVERIFY(model->pagesCached() <= ui::SampleTableModel::kMaxPages);
        {
            // The model alone (no painting): one page read per jump.
            ui::SampleTableModel bare;
            bare.setProject(m_project.get());
            QElapsedTimer tm;
            tm.start();
            for (int r = 0; r < kRows; r += 500) (void)bare.data(bare.index(r, ui::SampleTableModel::Query));
            qInfo("model alone: 200 jumps of 500 rows in %lld ms, %d pages read", tm.elapsed(), bare.pagesFetched());
        }
        QVERIFY(model->pagesFetched() < kRows / ui::SampleTableModel::kPageSize);
        // Consecutive rows stay in order across pages.
        for (int r = 49'950; r < 50'250; ++r)
            QCOMPARE(model->sampleId(r), qint64(r + 1));
    }

    void filtersGiveTheRightCounts() {
        ui::SamplesArea area;
        area.setProject(m_project.get());
        auto* model = area.model();
        auto* family = area.findChild<QComboBox*>(QStringLiteral("familyFilter"));
        auto* language = area.findChild<QComboBox*>(QStringLiteral("languageFilter"));
        auto* status = area.findChild<QComboBox*>(QStringLiteral("statusFilter"));
        auto* search = area.findChild<QLineEdit*>(QStringLiteral("searchFilter"));
        QVERIFY(family && language && status && search);

        family->setCurrentIndex(family->findData(QStringLiteral("sts")));
        int sts = 0;
        for (int i = 1; i <= kRows; ++i) sts += (i % 6 == 4);
        QCOMPARE(model->rowCount(), sts);
        for (int r = 0; r < 300; ++r)
            QCOMPARE(model->data(model->index(r, ui::SampleTableModel::Family)).toString(), QStringLiteral("sts"));

        language->setCurrentIndex(language->findData(QStringLiteral("German")));
        status->setCurrentIndex(status->findData(QStringLiteral("rejected")));
        int expected = 0;
        for (int i = 1; i <= kRows; ++i) expected += (i % 6 == 4 && i % 5 == 1 && i % 10 == 0);
        QCOMPARE(model->rowCount(), expected); // 0: a rejected i is a multiple of 10, never i % 5 == 1

        family->setCurrentIndex(0);
        language->setCurrentIndex(0);
        QCOMPARE(model->rowCount(), kRows / 10);
        search->setText(QStringLiteral("#4242#"));
        QTRY_COMPARE(model->rowCount(), 0); // 4242 is not rejected
        status->setCurrentIndex(0);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->sampleId(0), qint64(4242));
        search->clear();
        QTRY_COMPARE(model->rowCount(), kRows);
    }

    void jobFilter() {
        ui::SamplesArea area;
        area.setProject(m_project.get());
        area.showJob(1);
        QCOMPARE(area.model()->rowCount(), 1); // only sample 1 came from job 1
        QCOMPARE(area.model()->sampleId(0), qint64(1));
        area.showJob(-1);
        QCOMPARE(area.model()->rowCount(), kRows);
    }

    void detailShowsPromptValuesAndRawAnswer() {
        ui::SamplesArea area;
        area.setProject(m_project.get());
        QVERIFY(area.selectRow(0));
        QCOMPARE(area.currentSampleId(), qint64(1));
        QVERIFY(area.findChild<QPlainTextEdit*>(QStringLiteral("promptView"))->toPlainText().contains(QStringLiteral("harbors")));
        QVERIFY(area.findChild<QPlainTextEdit*>(QStringLiteral("rawView"))->toPlainText().contains(QStringLiteral("user_query")));
        // The sampled values are marked in the prompt (English, harbors).
        QCOMPARE(area.findChild<QPlainTextEdit*>(QStringLiteral("promptView"))->extraSelections().size(), 2);
        auto* values = area.findChild<QTableWidget*>(QStringLiteral("valuesView"));
        QCOMPARE(values->rowCount(), 2);
        QCOMPARE(values->item(1, 0)->text(), QStringLiteral("topic"));
        QCOMPARE(values->item(1, 1)->text(), QStringLiteral("harbors"));
        QCOMPARE(area.findChild<QPlainTextEdit*>(QStringLiteral("editQuery"))->toPlainText(),
                 QStringLiteral("query #1# about harbor tides and boats"));
    }

    void acceptRejectEdit() {
        ui::SamplesArea area;
        area.setProject(m_project.get());
        auto* status = area.findChild<QComboBox*>(QStringLiteral("statusFilter"));
        auto* reasons = area.findChild<QTreeWidget*>(QStringLiteral("rejectReasons"));
        QVERIFY(reasons);
        QCOMPARE(reasons->topLevelItemCount(), 3); // all rejected, "too short", "bad json"

        // Reject sample 5 with a reason through the buttons.
        QVERIFY(area.selectRow(4));
        QCOMPARE(area.currentSampleId(), qint64(5));
        area.findChild<QLineEdit*>(QStringLiteral("rejectReason"))->setText(QStringLiteral("off topic"));
        area.findChild<QPushButton*>(QStringLiteral("rejectButton"))->click();
        auto d = gen::loadSample(*m_project, 5);
        QCOMPARE(QString::fromStdString(d->row.status), QStringLiteral("rejected"));
        QCOMPARE(QString::fromStdString(d->row.rejectReason), QStringLiteral("off topic"));
        QCOMPARE(reasons->topLevelItemCount(), 4); // the reject list shows the new reason
        QCOMPARE(area.model()->data(area.model()->index(4, ui::SampleTableModel::Status)).toString(), QStringLiteral("rejected"));

        // Under the "rejected" filter, accepting keeps the sample in its row (selected) until the
        // filter changes; then it leaves the list.
        status->setCurrentIndex(status->findData(QStringLiteral("rejected")));
        const int rejectedBefore = area.model()->rowCount();
        QCOMPARE(rejectedBefore, kRows / 10 + 1);
        QVERIFY(area.selectRow(0));
        QCOMPARE(area.currentSampleId(), qint64(5));
        area.findChild<QPushButton*>(QStringLiteral("acceptButton"))->click();
        QCOMPARE(QString::fromStdString(gen::loadSample(*m_project, 5)->row.status), QStringLiteral("accepted"));
        QCOMPARE(area.model()->rowCount(), rejectedBefore);
        QCOMPARE(area.currentSampleId(), qint64(5));
        QCOMPARE(area.view()->currentIndex().row(), 0);
        QCOMPARE(area.model()->data(area.model()->index(0, ui::SampleTableModel::Status)).toString(), QStringLiteral("accepted"));
        QCOMPARE(reasons->topLevelItemCount(), 3);
        status->setCurrentIndex(0);
        status->setCurrentIndex(status->findData(QStringLiteral("rejected")));
        QCOMPARE(area.model()->rowCount(), rejectedBefore - 1);

        // Clicking a reason kind lists its samples.
        status->setCurrentIndex(0);
        auto* tooShort = kindItem(reasons, QStringLiteral("too short"));
        QVERIFY(tooShort);
        QCOMPARE(tooShort->text(1), QLocale().toString(kRows / 20));
        Q_EMIT reasons->itemClicked(tooShort, 0);
        QCOMPARE(area.model()->rowCount(), kRows / 20);
        QCOMPARE(area.model()->data(area.model()->index(0, ui::SampleTableModel::Reason)).toString(), QStringLiteral("too short"));
        status->setCurrentIndex(0);
        QCOMPARE(area.model()->rowCount(), kRows);

        // Edit sample 7: fields saved, status edited, the original kept.
        QVERIFY(area.selectRow(6));
        auto* query = area.findChild<QPlainTextEdit*>(QStringLiteral("editQuery"));
        query->setPlainText(QStringLiteral("a better query"));
        area.findChild<QPushButton*>(QStringLiteral("saveEditButton"))->click();
        d = gen::loadSample(*m_project, 7);
        QCOMPARE(QString::fromStdString(d->row.status), QStringLiteral("edited"));
        QCOMPARE(QString::fromStdString(d->row.query), QStringLiteral("a better query"));
        auto orig = nlohmann::json::parse(d->original);
        QCOMPARE(QString::fromStdString(orig["query"].get<std::string>()), QStringLiteral("query #7# about harbor tides and boats"));
        QVERIFY(area.findChild<QPlainTextEdit*>(QStringLiteral("originalView"))->toPlainText().contains(QStringLiteral("query #7#")));
        QCOMPARE(area.model()->data(area.model()->index(6, ui::SampleTableModel::Query)).toString(), QStringLiteral("a better query"));
    }

    void reasonsGroupedByKindWithCounts() {
        QTemporaryDir dir;
        auto project = fillSmall(dir.filePath(QStringLiteral("small.synthembed")));
        ui::SamplesArea area;
        area.resize(1400, 800);
        area.show();
        area.setProject(project.get());
        auto* reasons = area.findChild<QTreeWidget*>(QStringLiteral("rejectReasons"));
        QVERIFY(reasons);
        // All rejected, then the kinds by count: duplicate 73, filter: query length 4, no JSON 3, off topic 2.
        QCOMPARE(reasons->topLevelItemCount(), 5);
        QCOMPARE(reasons->topLevelItem(0)->text(1), QStringLiteral("82"));
        auto* dup = reasons->topLevelItem(1);
        QCOMPARE(dup->text(0), QStringLiteral("duplicate"));
        QCOMPARE(dup->text(1), QStringLiteral("73"));
        QCOMPARE(dup->childCount(), 73);
        // Reasons of equal count in natural order: sample 2 before sample 10.
        QCOMPARE(dup->child(1)->text(0), QStringLiteral("duplicate: same normalised text as sample 2"));
        QCOMPARE(dup->child(72)->text(0), QStringLiteral("duplicate: same normalised text as sample 73"));
        QCOMPARE(reasons->topLevelItem(2)->text(0), QStringLiteral("filter: query length"));
        QCOMPARE(reasons->topLevelItem(2)->text(1), QStringLiteral("4"));
        QCOMPARE(reasons->topLevelItem(3)->text(0), QStringLiteral("no JSON in the answer"));
        QCOMPARE(reasons->topLevelItem(3)->text(1), QStringLiteral("3"));
        QCOMPARE(reasons->topLevelItem(3)->childCount(), 2); // two distinct sentences
        QCOMPARE(reasons->topLevelItem(4)->text(0), QStringLiteral("off topic"));
        QCOMPARE(reasons->topLevelItem(4)->childCount(), 0); // the kind is its one reason

        // Each group's count is what a click lists, and the counts add up to the data.
        int sum = 0;
        for (int i = 1; i < reasons->topLevelItemCount(); ++i) {
            auto* k = reasons->topLevelItem(i);
            Q_EMIT reasons->itemClicked(k, 0);
            QCOMPARE(QString::number(area.model()->rowCount()), k->text(1));
            sum += area.model()->rowCount();
            for (int r = 0; r < area.model()->rowCount(); ++r)
                QCOMPARE(area.model()->data(area.model()->index(r, ui::SampleTableModel::Status)).toString(),
                         QStringLiteral("rejected"));
            int kids = 0;
            for (int c = 0; c < k->childCount(); ++c) kids += k->child(c)->text(1).toInt();
            if (k->childCount()) QCOMPARE(QString::number(kids), k->text(1));
        }
        QCOMPARE(sum, 82);
        gen::SampleFilter rejected;
        rejected.status = "rejected";
        QCOMPARE(*gen::countSamples(*project, rejected), 82);
        // A reason under a kind lists its samples only; "All rejected" all of them.
        Q_EMIT reasons->itemClicked(reasons->topLevelItem(3)->child(0), 0);
        QCOMPARE(area.model()->rowCount(), 2);
        Q_EMIT reasons->itemClicked(reasons->topLevelItem(0), 0);
        QCOMPARE(area.model()->rowCount(), 82);

        // The picture: duplicates unfolded and listed.
        dup->setExpanded(true);
        reasons->topLevelItem(3)->setExpanded(true);
        Q_EMIT reasons->itemClicked(dup, 0);
        QVERIFY(area.selectRow(2));
        QVERIFY(area.findChild<QLabel*>(QStringLiteral("reasonFilterLabel"))->text().contains(QStringLiteral("duplicate")));
        QVERIFY(uitest::screenshot(&area, QStringLiteral("samples_grouped_reasons.png")));
        // The clear button brings every rejected sample back; the tree keeps what was unfolded.
        area.findChild<QToolButton*>(QStringLiteral("clearReasonFilter"))->click();
        QCOMPARE(area.model()->rowCount(), 82);
        area.refresh();
        QVERIFY(reasons->topLevelItem(1)->isExpanded());
    }

    void reasonsAndChecksInGermanAndChinese() {
        // The same area in de and zh_CN: kinds translated, pictures of the tree and the Checks tab.
        const std::pair<const char*, const char*> langs[] = {{"de", "kein JSON in der Antwort"}, {"zh_CN", "回答中没有 JSON"}};
        for (auto [locale, noJson] : langs) {
            QVERIFY(!ui::installTranslations(*qApp, QLocale(QString::fromLatin1(locale))).isEmpty());
            QTemporaryDir dir;
            auto project = fillSmall(dir.filePath(QStringLiteral("l.synthembed")));
            {
                ui::SamplesArea area;
                area.resize(1400, 800);
                area.show();
                area.setProject(project.get());
                auto* reasons = area.findChild<QTreeWidget*>(QStringLiteral("rejectReasons"));
                QCOMPARE(reasons->topLevelItem(3)->text(0), QString::fromUtf8(noJson));
                reasons->topLevelItem(1)->setExpanded(true);
                reasons->topLevelItem(3)->setExpanded(true);
                Q_EMIT reasons->itemClicked(reasons->topLevelItem(3), 0);
                QCOMPARE(area.model()->rowCount(), 3);
                QVERIFY(area.selectRow(0));
                QVERIFY(uitest::screenshot(&area, QStringLiteral("samples_grouped_reasons_%1.png").arg(QLatin1String(locale))));
                QSignalSpy done(&area, &ui::SamplesArea::checkFinished);
                QVERIFY(area.startDedupCheck());
                QVERIFY(done.wait(20000));
                QCOMPARE(area.checkResults()->rowCount(), 5);
                QVERIFY(uitest::screenshot(&area, QStringLiteral("samples_dedup_check_%1.png").arg(QLatin1String(locale))));
            }
            for (auto* t : qApp->findChildren<QTranslator*>()) {
                QCoreApplication::removeTranslator(t);
                delete t;
            }
            QLocale::setDefault(QLocale::c());
        }
    }

    void undoRedoAcceptRejectEdit() {
        QTemporaryDir dir;
        auto project = fillSmall(dir.filePath(QStringLiteral("undo.synthembed")));
        ui::SamplesArea area;
        area.setProject(project.get());
        auto* undo = area.undoStack();
        QVERIFY(undo);
        QCOMPARE(undo->count(), 0);
        auto* status = area.findChild<QComboBox*>(QStringLiteral("statusFilter"));

        // Reject sample 3, undo, redo.
        QVERIFY(area.selectRow(2));
        QCOMPARE(area.currentSampleId(), qint64(3));
        area.findChild<QLineEdit*>(QStringLiteral("rejectReason"))->setText(QStringLiteral("bad pair"));
        QVERIFY(area.rejectCurrent());
        QCOMPARE(statusOf(*project, 3), QStringLiteral("rejected|bad pair"));
        QCOMPARE(undo->count(), 1);
        QCOMPARE(undo->undoText(), QStringLiteral("Reject sample 3"));
        undo->undo();
        QCOMPARE(statusOf(*project, 3), QStringLiteral("accepted|"));
        QCOMPARE(area.currentSampleId(), qint64(3));
        undo->redo();
        QCOMPARE(statusOf(*project, 3), QStringLiteral("rejected|bad pair"));
        // Accept it again: the second step.
        QVERIFY(area.acceptCurrent());
        QCOMPARE(statusOf(*project, 3), QStringLiteral("accepted|"));
        QCOMPARE(undo->count(), 2);
        undo->undo();
        QCOMPARE(statusOf(*project, 3), QStringLiteral("rejected|bad pair"));
        undo->redo();

        // Edit sample 4: undo puts text and status back, in the database and the detail view.
        QVERIFY(area.selectRow(3));
        auto* query = area.findChild<QPlainTextEdit*>(QStringLiteral("editQuery"));
        const QString old = query->toPlainText();
        query->setPlainText(QStringLiteral("a better query"));
        QVERIFY(area.saveCurrentEdit());
        QCOMPARE(QString::fromStdString(gen::loadSample(*project, 4)->row.query), QStringLiteral("a better query"));
        QCOMPARE(statusOf(*project, 4), QStringLiteral("edited|"));
        undo->undo();
        auto d = gen::loadSample(*project, 4);
        QCOMPARE(QString::fromStdString(d->row.query), old);
        QCOMPARE(QString::fromStdString(d->row.status), QStringLiteral("accepted"));
        QVERIFY(d->original.empty()); // as if never edited
        QCOMPARE(area.currentSampleId(), qint64(4));
        QCOMPARE(query->toPlainText(), old);
        undo->redo();
        QCOMPARE(QString::fromStdString(gen::loadSample(*project, 4)->row.query), QStringLiteral("a better query"));
        QCOMPARE(query->toPlainText(), QStringLiteral("a better query"));
        QCOMPARE(statusOf(*project, 4), QStringLiteral("edited|"));

        // Undo under a filter the sample no longer matches: it is listed and selected anyway.
        status->setCurrentIndex(status->findData(QStringLiteral("rejected")));
        undo->undo(); // the edit
        QCOMPARE(area.currentSampleId(), qint64(4));
        undo->redo();

        // Changed meanwhile by someone else: the undo is refused, nothing is overwritten, and the
        // step leaves the stack.
        status->setCurrentIndex(0);
        QVERIFY(area.selectRow(5));
        QVERIFY(area.rejectCurrent());
        const int steps = undo->count();
        QVERIFY(gen::setSampleStatus(*project, 6, false, "changed elsewhere").ok());
        undo->undo();
        QCOMPARE(statusOf(*project, 6), QStringLiteral("rejected|changed elsewhere"));
        QCOMPARE(undo->count(), steps - 1);
        QVERIFY(area.findChild<QLabel*>(QStringLiteral("sampleHeader"))->text().contains(QStringLiteral("changed meanwhile")));

        // A new project starts with an empty stack.
        QVERIFY(undo->count() > 0);
        area.setProject(nullptr);
        QCOMPARE(undo->count(), 0);
    }

    void rejectKeepsTheRowRejectAndNextMoves() {
        QTemporaryDir dir;
        auto project = fillSmall(dir.filePath(QStringLiteral("keep.synthembed")));
        ui::SamplesArea area;
        area.resize(1300, 800);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        area.setProject(project.get());
        auto* status = area.findChild<QComboBox*>(QStringLiteral("statusFilter"));
        status->setCurrentIndex(status->findData(QStringLiteral("accepted")));
        const int accepted = area.model()->rowCount();
        QCOMPARE(accepted, 45);

        // Reject (button): the same sample stays selected in the same row, shown as rejected.
        QVERIFY(area.selectRow(3));
        QCOMPARE(area.currentSampleId(), qint64(4));
        area.findChild<QPushButton*>(QStringLiteral("rejectButton"))->click();
        QCOMPARE(statusOf(*project, 4), QStringLiteral("rejected|rejected by hand"));
        QCOMPARE(area.currentSampleId(), qint64(4));
        QCOMPARE(area.view()->currentIndex().row(), 3);
        QCOMPARE(area.model()->sampleId(3), qint64(4));
        QCOMPARE(area.model()->data(area.model()->index(3, ui::SampleTableModel::Status)).toString(), QStringLiteral("rejected"));
        // A second click rejects the same sample again, never its neighbour.
        area.findChild<QPushButton*>(QStringLiteral("rejectButton"))->click();
        QCOMPARE(statusOf(*project, 5), QStringLiteral("accepted|"));
        QCOMPARE(area.currentSampleId(), qint64(4));

        // Reject and next (button): sample 5 rejected, sample 6 selected.
        QVERIFY(area.selectRow(4));
        area.findChild<QPushButton*>(QStringLiteral("rejectNextButton"))->click();
        QCOMPARE(statusOf(*project, 5), QStringLiteral("rejected|rejected by hand"));
        QCOMPARE(area.currentSampleId(), qint64(6));
        QCOMPARE(area.view()->currentIndex().row(), 5);

        // The shortcuts, with the focus in the table: Ctrl+R stays, Ctrl+Shift+R moves on.
        area.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&area));
        area.view()->setFocus();
        QTest::keyClick(area.view(), Qt::Key_R, Qt::ControlModifier);
        QTRY_COMPARE(statusOf(*project, 6), QStringLiteral("rejected|rejected by hand"));
        QCOMPARE(area.currentSampleId(), qint64(6));
        QTest::keyClick(area.view(), Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(area.currentSampleId(), qint64(7));
        QCOMPARE(statusOf(*project, 6), QStringLiteral("rejected|rejected by hand"));
        QCOMPARE(statusOf(*project, 7), QStringLiteral("accepted|"));

        // The rejected samples stay listed under "accepted" until the filter changes.
        QCOMPARE(area.model()->rowCount(), accepted);
        status->setCurrentIndex(0);
        status->setCurrentIndex(status->findData(QStringLiteral("accepted")));
        QCOMPARE(area.model()->rowCount(), accepted - 3);
    }

    void dedupAndContaminationChecksListTheirResults() {
        QTemporaryDir dir;
        auto project = fillSmall(dir.filePath(QStringLiteral("checks.synthembed")));
        ui::SamplesArea area;
        area.resize(1400, 800);
        area.show();
        area.setProject(project.get());
        QSignalSpy done(&area, &ui::SamplesArea::checkFinished);

        // Duplicates: samples 41..45 copy 1..5; the check lists them and changes nothing.
        QVERIFY(area.startDedupCheck());
        QVERIFY(area.checkRunning());
        QVERIFY(done.wait(20000));
        auto* table = area.checkResults();
        QCOMPARE(table->rowCount(), 5);
        for (int r = 0; r < 5; ++r) {
            QCOMPARE(table->item(r, 0)->data(Qt::UserRole).toLongLong(), qint64(41 + r));
            QCOMPARE(table->item(r, 1)->text(), QStringLiteral("duplicate"));
            QCOMPARE(table->item(r, 2)->text(), QStringLiteral("sample %1 (kept)").arg(1 + r));
            QCOMPARE(table->item(r, 4)->text(), QStringLiteral("duplicate of sample %1").arg(1 + r));
        }
        auto* summary = area.findChild<QLabel*>(QStringLiteral("checkSummary"));
        QVERIFY2(summary->text().startsWith(QStringLiteral("5 exact and 0 near duplicates among 45")), qPrintable(summary->text()));
        QCOMPARE(statusOf(*project, 41), QStringLiteral("accepted|"));
        QVERIFY(uitest::screenshot(&area, QStringLiteral("samples_dedup_check.png")));

        // Reject listed: one undo step for all five.
        QCOMPARE(area.rejectListed(), 5);
        for (int id = 41; id <= 45; ++id)
            QCOMPARE(statusOf(*project, id), QStringLiteral("rejected|duplicate of sample %1").arg(id - 40));
        auto* reasons = area.findChild<QTreeWidget*>(QStringLiteral("rejectReasons"));
        QCOMPARE(kindItem(reasons, QStringLiteral("duplicate"))->text(1), QStringLiteral("78"));
        QCOMPARE(area.undoStack()->count(), 1);
        area.undoStack()->undo();
        for (int id = 41; id <= 45; ++id) QCOMPARE(statusOf(*project, id), QStringLiteral("accepted|"));
        QCOMPARE(kindItem(reasons, QStringLiteral("duplicate"))->text(1), QStringLiteral("73"));
        area.undoStack()->redo();
        QCOMPARE(statusOf(*project, 45), QStringLiteral("rejected|duplicate of sample 5"));

        // Contamination against an evaluation file holding sample 7's positive.
        const QString positive = QString::fromStdString(gen::loadSample(*project, 7)->row.positive);
        const QString evalPath = dir.filePath(QStringLiteral("evalset/corpus.jsonl"));
        QVERIFY(uitest::writeText(evalPath, QJsonDocument(QJsonObject{{QStringLiteral("_id"), QStringLiteral("d1")},
                                                                       {QStringLiteral("text"), positive}})
                                                    .toJson(QJsonDocument::Compact) +
                                                "\n{\"_id\":\"d2\",\"text\":\"nothing like any sample here at all\"}\n"));
        QVERIFY(area.startContaminationCheck(QFileInfo(evalPath).absolutePath()));
        QVERIFY(done.wait(20000));
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toLongLong(), qint64(7));
        QVERIFY2(table->item(0, 2)->text().startsWith(QStringLiteral("evalset: ")), qPrintable(table->item(0, 2)->text()));
        QVERIFY(table->item(0, 1)->text().contains(QStringLiteral("positive")));
        QVERIFY2(summary->text().contains(QStringLiteral("overlap evalset (2 evaluation texts)")), qPrintable(summary->text()));
        QVERIFY(QString::fromStdString(gen::loadSample(*project, 7)->flags).contains(QStringLiteral("contamination")));
        QCOMPARE(statusOf(*project, 7), QStringLiteral("accepted|")); // flagged, not rejected
        QCOMPARE(area.rejectListed(), 1);
        QVERIFY(statusOf(*project, 7).startsWith(QStringLiteral("rejected|contamination: positive nearly duplicates an evaluation text of evalset")));
        // Double-clicking a result shows its sample, also under a filter that leaves it out.
        auto* status = area.findChild<QComboBox*>(QStringLiteral("statusFilter"));
        status->setCurrentIndex(status->findData(QStringLiteral("edited")));
        QCOMPARE(area.model()->rowCount(), 0);
        Q_EMIT table->cellDoubleClicked(0, 0);
        QCOMPARE(area.currentSampleId(), qint64(7));
        QCOMPARE(area.model()->rowCount(), 1);
        QVERIFY(area.openSample(12));
        QCOMPARE(area.currentSampleId(), qint64(12));
        QCOMPARE(area.view()->currentIndex().row(), 1); // kept samples in id order
        QVERIFY(!area.openSample(99'999));
        status->setCurrentIndex(0);

        // The menu offers the datasets registered in Evaluation, by name.
        eval::DatasetEntry entry;
        entry.name = "my-beir";
        entry.type = eval::TaskType::Retrieval;
        entry.folder = entry.data = QFileInfo(evalPath).absolutePath().toStdString();
        ui::evalsettings::setDatasets(project.get(), {entry});
        auto* menu = area.findChild<QMenu*>(QStringLiteral("contaminationMenu"));
        QVERIFY(menu);
        Q_EMIT menu->aboutToShow();
        QAction* byName = nullptr;
        for (auto* a : menu->actions())
            if (a->text() == QStringLiteral("my-beir")) byName = a;
        QVERIFY(byName);
        QVERIFY(gen::setSampleStatus(*project, 7, true).ok()); // accepted again: found again
        byName->trigger();
        QVERIFY(done.wait(20000));
        QCOMPARE(table->rowCount(), 1);
        QVERIFY2(table->item(0, 2)->text().startsWith(QStringLiteral("my-beir: ")), qPrintable(table->item(0, 2)->text()));
        QVERIFY2(summary->text().contains(QStringLiteral("overlap my-beir")), qPrintable(summary->text()));

        // A missing evaluation set is a clear error, not a crash.
        QVERIFY(area.startContaminationCheck(dir.filePath(QStringLiteral("nope.jsonl"))));
        QVERIFY(done.wait(20000));
        QVERIFY2(summary->text().contains(QStringLiteral("nope.jsonl")), qPrintable(summary->text()));
        QCOMPARE(table->rowCount(), 0);
    }

    void editMenuUndoRedoWhileSamplesIsShown() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("menu.synthembed"));
        auto project = fillSmall(path); // filled through its own connection, then opened by the window
        ui::MainWindow w;
        w.resize(1400, 900);
        QVERIFY(w.openProject(path, false, true));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        int samplesIndex = -1;
        ui::SamplesArea* area = nullptr;
        for (int i = 0; i < w.areaCount(); ++i)
            if (auto* a = qobject_cast<ui::SamplesArea*>(w.area(i))) {
                area = a;
                samplesIndex = i;
            }
        QVERIFY(area);
        auto* undo = w.findChild<QAction*>(QStringLiteral("undoAction"));
        auto* redo = w.findChild<QAction*>(QStringLiteral("redoAction"));
        QVERIFY(undo && redo);
        QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
        QVERIFY(redo->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)));
        w.showArea(samplesIndex);
        QVERIFY(!undo->isEnabled());
        QVERIFY(area->selectRow(1));
        QVERIFY(area->rejectCurrent());
        QCOMPARE(statusOf(*project, 2), QStringLiteral("rejected|rejected by hand"));
        QVERIFY(undo->isEnabled());
        QCOMPARE(undo->text(), QStringLiteral("&Undo Reject sample 2"));

        // Ctrl+Z / Ctrl+Shift+Z with the focus in the sample table.
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        area->view()->setFocus();
        QTest::keyClick(area->view(), Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(statusOf(*project, 2), QStringLiteral("accepted|"));
        QVERIFY(redo->isEnabled());
        QTest::keyClick(area->view(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(statusOf(*project, 2), QStringLiteral("rejected|rejected by hand"));
        // The menu actions do the same.
        undo->trigger();
        QCOMPARE(statusOf(*project, 2), QStringLiteral("accepted|"));
        redo->trigger();
        QCOMPARE(statusOf(*project, 2), QStringLiteral("rejected|rejected by hand"));

        // Another area shown: nothing to undo there; back in Samples the steps are still there.
        w.showArea(samplesIndex == 0 ? 1 : 0);
        QVERIFY(!undo->isEnabled());
        w.showArea(samplesIndex);
        QVERIFY(undo->isEnabled());
        // Another project: the steps of the old one are gone.
        QVERIFY(w.openProject(dir.filePath(QStringLiteral("other.synthembed")), true, true));
        QVERIFY(!undo->isEnabled());
        QCOMPARE(area->undoStack()->count(), 0);
    }

    void newRowsAppearWithoutReset() {
        ui::SamplesArea area;
        area.setProject(m_project.get());
        auto* model = area.model();
        const int before = model->rowCount();
        (void)model->data(model->index(0, 0));
        const int fetched = model->pagesFetched();
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        auto st = m_project->db().prepare("INSERT INTO samples(family, language, query, positive) VALUES ('sts','English','q','p')");
        st.run();
        QVERIFY(model->appendNewRows());
        QCOMPARE(model->rowCount(), before + 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model->data(model->index(0, 0)).toLongLong(), 1);
        QCOMPARE(model->pagesFetched(), fetched); // the first page stayed cached
        QVERIFY(!model->appendNewRows());
    }

    void aBackgroundRefreshWhereRowsLeftKeepsTheSample() {
        // Rows removed elsewhere before the selected one: the background refresh removes rows at
        // the end instead of resetting, and the same sample stays selected at its new row.
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project.ok());
        auto st = project->db().prepare("INSERT INTO samples(family, language, query, positive) VALUES ('sts', 'en', ?, 'p')");
        for (int i = 0; i < 10; ++i) st.bindAll("q " + std::to_string(i)).run();
        ui::SamplesArea area;
        area.resize(1200, 800);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        area.setProject(&*project);
        QTRY_VERIFY(!area.refreshRunning());
        QVERIFY(area.selectRow(7));
        const qint64 chosen = area.currentSampleId();
        QSignalSpy reset(area.model(), &QAbstractItemModel::modelReset);
        QSignalSpy removed(area.model(), &QAbstractItemModel::rowsRemoved);
        {
            auto other = store::Project::open(project->path());
            QVERIFY(other.ok());
            other->db().execute("DELETE FROM samples WHERE id IN (2, 3)");
        }
        const int applied = area.refreshesApplied();
        ui::ProjectChange change;
        change.tables = {QStringLiteral("samples")};
        area.projectDataChanged(change);
        QTRY_VERIFY(area.refreshesApplied() > applied);
        QCOMPARE(area.model()->rowCount(), 8);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(area.currentSampleId(), chosen);
        QCOMPARE(area.view()->currentIndex().row(), 5);
        QCOMPARE(area.model()->sampleId(5), chosen);
        area.setProject(nullptr);
    }

    // Last: it rejects 10k of the 100k samples, each with its own reason, as a long generation
    // run with many duplicates does.
    void tenThousandDistinctReasonsStayQuick() {
        m_project->db()
            .prepare("UPDATE samples SET status = 'rejected', reject_reason = 'duplicate: same normalised text as "
                     "sample ' || (id - 1) WHERE id > 50000 AND id <= 100000 AND id % 5 = 1")
            .run();
        gen::SampleFilter dupKind;
        dupKind.reasonKind = "duplicate";
        QElapsedTimer t;
        t.start();
        auto groups = gen::rejectReasonGroups(*m_project);
        const qint64 groupMs = t.elapsed();
        QVERIFY(groups.ok());
        QCOMPARE(groups->front().kind, std::string("duplicate"));
        QCOMPARE(groups->front().count, std::int64_t{10'000});
        ui::SamplesArea area;
        area.resize(1400, 800);
        area.show();
        t.restart();
        area.setProject(m_project.get());
        const qint64 openMs = t.elapsed();
        auto* reasons = area.findChild<QTreeWidget*>(QStringLiteral("rejectReasons"));
        auto* dup = kindItem(reasons, QStringLiteral("duplicate"));
        QVERIFY(dup);
        QCOMPARE(dup->text(1), QLocale().toString(10'000));
        QCOMPARE(dup->childCount(), 201); // 200 reasons and "… 9,800 more"
        t.restart();
        Q_EMIT reasons->itemClicked(dup, 0);
        QCOMPARE(area.model()->rowCount(), 10'000);
        QVERIFY(area.selectRow(9'999));
        const qint64 clickMs = t.elapsed();
        t.restart();
        QVERIFY(area.selectRow(5'000));
        QVERIFY(area.acceptCurrent()); // reload with the kept sample, regroup
        const qint64 curateMs = t.elapsed();
        QCOMPARE(area.model()->rowCount(), 10'000);
        qInfo("10k distinct reasons in 100k samples: grouping %lld ms, open area %lld ms, list the kind + jump to its end "
              "%lld ms, accept one (reload, regroup) %lld ms",
              groupMs, openMs, clickMs, curateMs);
        QVERIFY2(openMs < 5000 && clickMs < 5000 && curateMs < 5000, "far slower than expected");

        // A check over 90k samples cancelled at once: it says so and changes nothing.
        QSignalSpy done(&area, &ui::SamplesArea::checkFinished);
        QVERIFY(area.startDedupCheck());
        QVERIFY(!area.startDedupCheck()); // one at a time
        QVERIFY(area.findChild<QPushButton*>(QStringLiteral("cancelCheck"))->isEnabled());
        area.findChild<QPushButton*>(QStringLiteral("cancelCheck"))->click();
        QVERIFY(done.wait(60000));
        QCOMPARE(area.findChild<QLabel*>(QStringLiteral("checkSummary"))->text(),
                 QStringLiteral("Check cancelled; nothing was changed."));
        QCOMPARE(area.checkResults()->rowCount(), 0);
        QVERIFY(!area.checkRunning());
        QVERIFY(area.findChild<QPushButton*>(QStringLiteral("dedupButton"))->isEnabled());
    }
};

QTEST_MAIN(SamplesAreaTest)
#include "samples_area_test.moc"
