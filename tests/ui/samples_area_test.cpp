// Samples area over 100k samples: the model never loads all rows (pages on demand, keyset from a
// neighbouring page, bounded cache), filters give the right counts, and accept/reject/edit through
// the detail view change the rows (the original kept on edit) and the reject list.

#include "ui/areas/samples_area.h"
#include "ui/samples/sample_table_model.h"

#include "core/gen/sample_browse.h"
#include "core/runtime/runtime.h"
#include "core/store/project.h"
#include "core/store/sqlite.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
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
        auto* reasons = area.findChild<QTableWidget*>(QStringLiteral("rejectReasons"));
        QCOMPARE(reasons->rowCount(), 2);

        // Reject sample 5 with a reason through the buttons.
        QVERIFY(area.selectRow(4));
        QCOMPARE(area.currentSampleId(), qint64(5));
        area.findChild<QLineEdit*>(QStringLiteral("rejectReason"))->setText(QStringLiteral("off topic"));
        area.findChild<QPushButton*>(QStringLiteral("rejectButton"))->click();
        auto d = gen::loadSample(*m_project, 5);
        QCOMPARE(QString::fromStdString(d->row.status), QStringLiteral("rejected"));
        QCOMPARE(QString::fromStdString(d->row.rejectReason), QStringLiteral("off topic"));
        QCOMPARE(reasons->rowCount(), 3); // the reject list shows the new reason
        QCOMPARE(area.model()->data(area.model()->index(4, ui::SampleTableModel::Status)).toString(), QStringLiteral("rejected"));

        // Under the "rejected" filter, accepting makes it leave the list.
        status->setCurrentIndex(status->findData(QStringLiteral("rejected")));
        const int rejectedBefore = area.model()->rowCount();
        QCOMPARE(rejectedBefore, kRows / 10 + 1);
        QVERIFY(area.selectRow(0));
        QCOMPARE(area.currentSampleId(), qint64(5));
        area.findChild<QPushButton*>(QStringLiteral("acceptButton"))->click();
        QCOMPARE(area.model()->rowCount(), rejectedBefore - 1);
        QCOMPARE(QString::fromStdString(gen::loadSample(*m_project, 5)->row.status), QStringLiteral("accepted"));
        QCOMPARE(reasons->rowCount(), 2);

        // Double-clicking a reason lists its samples.
        status->setCurrentIndex(0);
        int row = -1;
        for (int r = 0; r < reasons->rowCount(); ++r)
            if (reasons->item(r, 0)->text() == QStringLiteral("too short")) row = r;
        QVERIFY(row >= 0);
        Q_EMIT reasons->cellDoubleClicked(row, 0);
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
};

QTEST_MAIN(SamplesAreaTest)
#include "samples_area_test.moc"
