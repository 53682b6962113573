// Explorer: the map keeps every one of 100k points and finds hovered/boxed points like brute
// force; the area embeds a JSONL corpus, project samples and a registered dataset off-thread
// through the embedding cache, answers a query with the right neighbour, and walks to a
// neighbour's neighbours. With SYNTHEMBED_SCREENSHOT_DIR set, saves explorer_*.png there.

#include "ui/areas/explorer_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/explorer/map_view.h"
#include "ui/qcp.h"

#include "core/eval/embedding_cache.h"
#include "core/runtime/runtime.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace synthembed;

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

void screenshot(QWidget* w, const QString& name) {
    const QString dir = qEnvironmentVariable("SYNTHEMBED_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QTest::qWait(200);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

const char* kCorpus[][3] = {
    {"The cat sleeps on the sofa all day", "animals", "en"},
    {"A dog barks at the mailman every morning", "animals", "en"},
    {"Kittens and cats love warm sunny windows", "animals", "en"},
    {"Stock markets fell sharply after the announcement", "finance", "en"},
    {"The central bank raised interest rates again", "finance", "en"},
    {"Investors moved money into government bonds", "finance", "en"},
    {"Die Katze schläft auf dem Sofa", "animals", "de"},
    {"Der Hund bellt den Briefträger an", "animals", "de"},
    {"Die Zentralbank erhöht die Zinsen", "finance", "de"},
    {"Fresh bread is baked every morning in the village", "food", "en"},
    {"Tomato soup with basil and cream", "food", "en"},
    {"Pasta with garlic olive oil and chili", "food", "en"},
};

} // namespace

class ExplorerAreaTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dataDir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("synthembed-test"));
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dataDir.isValid());
        qputenv("SYNTHEMBED_DATA_DIR", m_dataDir.path().toUtf8());
        initialize();
    }

    void mapKeepsAllHundredThousandPoints() {
        ui::MapView map;
        map.resize(900, 700);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        constexpr int n = 100000;
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0.0f, 1.0f);
        std::vector<float> xy(2 * n);
        for (int i = 0; i < n; ++i) {
            const float cx = float(i % 5) * 3.0f; // five clusters
            xy[2 * std::size_t(i)] = cx + g(rng);
            xy[2 * std::size_t(i) + 1] = g(rng) * (1.0f + float(i % 5) * 0.3f);
        }
        QElapsedTimer timer;
        timer.start();
        map.setPoints(xy);
        std::vector<int> cat(n);
        for (int i = 0; i < n; ++i) cat[std::size_t(i)] = i % 5;
        map.setCategories(cat, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")});
        QCOMPARE(map.pointCount(), n); // no down-sampling cap
        QCOMPARE(map.point(n - 1), QPointF(xy[2 * n - 2], xy[2 * n - 1]));
        const int before = map.rasterCount();
        map.plot()->replot();
        qInfo("100k points: set + first replot %lld ms", timer.elapsed());
        QCOMPARE(map.rasterCount(), before + 1);
        timer.restart();
        map.plot()->replot();
        qInfo("100k points: cached replot %lld ms", timer.elapsed());
        QCOMPARE(map.rasterCount(), before + 1); // nothing changed: the raster is reused
        // Every point lies inside the fitted view.
        const QRect axisRect = map.plot()->axisRect()->rect();
        for (int i = 0; i < n; i += 997) QVERIFY(axisRect.contains(map.pixelOf(i).toPoint()));
        // The legend lists the categories with counts.
        QCOMPARE(map.plot()->legend->itemCount(), 5);

        // Hover lookup through the grid equals brute force.
        std::vector<QPointF> pix(n);
        for (int i = 0; i < n; ++i) pix[std::size_t(i)] = map.pixelOf(i);
        std::mt19937 prng(5);
        std::uniform_real_distribution<double> ux(axisRect.left(), axisRect.right()), uy(axisRect.top(), axisRect.bottom());
        int found = 0;
        for (int t = 0; t < 200; ++t) {
            const QPointF p(ux(prng), uy(prng));
            int best = -1;
            double bestD = 8.0 * 8.0;
            for (int i = 0; i < n; ++i) {
                const double dx = pix[std::size_t(i)].x() - p.x(), dy = pix[std::size_t(i)].y() - p.y();
                if (dx * dx + dy * dy < bestD) bestD = dx * dx + dy * dy, best = i;
            }
            const int got = map.nearestPoint(p, 8.0);
            if (best < 0) {
                QCOMPARE(got, -1);
                continue;
            }
            ++found;
            QVERIFY(got >= 0);
            const double dx = pix[std::size_t(got)].x() - p.x(), dy = pix[std::size_t(got)].y() - p.y();
            QVERIFY(std::abs(dx * dx + dy * dy - bestD) < 1e-6);
        }
        QVERIFY(found > 50);

        // Box selection (a drag with the selection rect) lists exactly the points inside.
        const QRectF box(axisRect.center().x() - 75, axisRect.center().y() - 60, 150, 120); // dense middle
        std::vector<int> expect;
        for (int i = 0; i < n; ++i)
            if (box.contains(pix[std::size_t(i)])) expect.push_back(i);
        qInfo("axis rect %dx%d, %d points in the box", axisRect.width(), axisRect.height(), int(expect.size()));
        QVERIFY(expect.size() > 100);
        auto inside = map.pointsInRect(box);
        // Pixel/coordinate round trips may move a border point by a rounding error.
        QVERIFY(std::abs(int(inside.size()) - int(expect.size())) <= 2);
        QSignalSpy selected(&map, &ui::MapView::selectionChanged);
        map.setBoxSelectMode(true);
        QTest::mousePress(map.plot(), Qt::LeftButton, {}, box.topLeft().toPoint());
        QMouseEvent move(QEvent::MouseMove, box.bottomRight(), map.plot()->mapToGlobal(box.bottomRight()), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(map.plot(), &move);
        QTest::mouseRelease(map.plot(), Qt::LeftButton, {}, box.bottomRight().toPoint());
        QCOMPARE(selected.count(), 1);
        const auto list = selected.first().at(0).value<QList<int>>();
        QVERIFY(std::abs(int(list.size()) - int(expect.size())) <= 2);
        QCOMPARE(int(map.selection().size()), int(list.size()));

        // The selection is drawn into a new raster; highlights and the hover ring reuse it.
        map.setBoxSelectMode(false);
        map.plot()->replot();
        const int rasters = map.rasterCount();
        map.setHighlighted({1, 2, 3});
        map.plot()->replot();
        map.setHighlighted({4, 5});
        map.plot()->replot();
        QCOMPARE(map.rasterCount(), rasters);
        QCOMPARE(map.highlighted(), (std::vector<int>{4, 5}));
        map.setQueryMarker(map.point(4));
        screenshot(&map, QStringLiteral("explorer_map_100k.png"));
    }

    void searchesAJsonlCorpusAndWalksNeighbours() {
        QTemporaryDir dir;
        QByteArray jsonl;
        for (auto& row : kCorpus)
            jsonl += QStringLiteral("{\"text\": \"%1\", \"family\": \"%2\", \"language\": \"%3\"}\n")
                         .arg(QString::fromUtf8(row[0]), QString::fromUtf8(row[1]), QString::fromUtf8(row[2]))
                         .toUtf8();
        writeText(dir.filePath(QStringLiteral("corpus.jsonl")), jsonl);
        ui::ExplorerArea area;
        // Fits beside the navigation and the guide panel of a 1200-pixel main window.
        QVERIFY2(area.minimumSizeHint().width() < 880, qPrintable(QString::number(area.minimumSizeHint().width())));
        area.resize(1300, 800);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Jsonl, dir.filePath(QStringLiteral("corpus.jsonl"))));
        area.setModel(QStringLiteral("hash:512"));
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        area.embed();
        QVERIFY(area.isBusy());
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.first().at(1).toString(), QString());
        QCOMPARE(embedded.first().at(0).toInt(), 12);
        QCOMPARE(area.itemCount(), 12);
        QCOMPARE(area.mapView()->pointCount(), 12);
        // Coloured by family: three families in the legend.
        QCOMPARE(area.mapView()->plot()->legend->itemCount(), 3);
        // The vectors went through the embedding cache.
        {
            eval::EmbeddingCache cache(eval::EmbeddingCache::defaultPath());
            QVERIFY(cache.size() >= 12);
        }

        QSignalSpy searched(&area, &ui::ExplorerArea::searched);
        area.search(QStringLiteral("the cat sleeps on the sofa"), QString(), 3);
        QVERIFY(searched.wait(30000));
        QCOMPARE(searched.first().at(0).toInt(), 3);
        QCOMPARE(area.itemText(area.hits().front()), QStringLiteral("The cat sleeps on the sofa all day"));
        QCOMPARE(area.resultsTable()->rowCount(), 3);
        QCOMPARE(area.resultsTable()->item(0, 3)->text(), QStringLiteral("The cat sleeps on the sofa all day"));
        const double s0 = area.resultsTable()->item(0, 1)->text().toDouble(), s1 = area.resultsTable()->item(1, 1)->text().toDouble();
        QVERIFY(s0 >= s1 && s0 > 0.5);
        QCOMPARE(area.mapView()->highlighted(), area.hits()); // results highlighted on the map
        screenshot(&area, QStringLiteral("explorer_query.png"));

        // Double-clicking the best hit searches its neighbours (itself excluded).
        const int first = area.hits().front();
        searched.clear();
        area.neighboursOf(first, 4);
        QVERIFY(searched.wait(30000));
        QCOMPARE(int(area.hits().size()), 4);
        for (int h : area.hits()) QVERIFY(h != first);
        // Re-embedding the same set is served from the cache: same count, no error.
        embedded.clear();
        area.embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.first().at(0).toInt(), 12);
    }

    void embedsProjectSamplesAndRegisteredDatasets() {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        auto ins = project->db().prepare("INSERT INTO samples (family, language, query, positive, status) VALUES (?,?,?,?,?)");
        ins.bindAll("short-long", "en", "how do vaccines work", "Vaccines train the immune system.", "accepted").run();
        ins.bindAll("sts", "de", "Ein Hund rennt", "Ein Hund läuft", "accepted").run();
        ins.bindAll("sts", "fr", "rejected query", "rejected positive", "rejected").run();
        writeText(dir.filePath(QStringLiteral("mini/mini-test.csv")),
                  "A man plays guitar.,A man is playing a guitar.,4.8\nA woman cooks.,A man plays guitar.,0.4\n");
        auto d = eval::detectDataset(dir.filePath(QStringLiteral("mini")).toStdString());
        QVERIFY(d);
        ui::evalsettings::setDatasets(&*project, {*d});

        ui::ExplorerArea area;
        area.setProject(&*project);
        area.setModel(QStringLiteral("hash:128"));
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Samples));
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        area.embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.last().at(0).toInt(), 4); // query + positive of the two accepted samples
        area.setColourBy(1);                         // language: en, de
        QCOMPARE(area.mapView()->plot()->legend->itemCount(), 2);

        QVERIFY(!area.setSource(ui::ExplorerArea::Source::Dataset, QStringLiteral("unknown")));
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Dataset, QStringLiteral("mini")));
        area.embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.last().at(0).toInt(), 3); // distinct sentences
        QSignalSpy searched(&area, &ui::ExplorerArea::searched);
        area.search(QStringLiteral("a man is playing a guitar"), QStringLiteral("Retrieve semantically similar text."), 2);
        QVERIFY(searched.wait(30000));
        QCOMPARE(area.itemText(area.hits().front()), QStringLiteral("A man is playing a guitar."));

        // A broken JSONL file is an error message, not a crash or an empty map.
        writeText(dir.filePath(QStringLiteral("bad.jsonl")), "{\"text\": \"ok\"}\nnot json\n");
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Jsonl, dir.filePath(QStringLiteral("bad.jsonl"))));
        area.embed();
        QVERIFY(embedded.wait(60000));
        QVERIFY(embedded.last().at(1).toString().contains(QStringLiteral("bad.jsonl:2")));
        QCOMPARE(area.itemCount(), 3); // the previous set stays
    }
};

QTEST_MAIN(ExplorerAreaTest)
#include "explorer_area_test.moc"
