// Explorer: the map keeps every one of 100k points and finds hovered, boxed and lassoed points
// like brute force (the lasso against Qt's own polygon test, and exactly on a concave outline);
// the area embeds a JSONL corpus, project samples and a registered dataset off-thread through the
// embedding cache, answers a query with the right neighbour, lists lassoed points, and walks to a
// neighbour's neighbours. With SYNTHEMBED_SCREENSHOT_DIR set, saves explorer_*.png there.

#include "ui/areas/explorer_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/explorer/map_view.h"
#include "ui/qcp.h"
#include "area_test_support.h"

#include "core/eval/embedding_cache.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QListView>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <random>

using namespace synthembed;

namespace {

// A left-button drag along a path over the plot, as the mouse would do it (press, moves, release).
void drag(QWidget* plot, const QPolygonF& path) {
    auto send = [&](QEvent::Type type, QPointF p, Qt::MouseButton button, Qt::MouseButtons buttons) {
        QMouseEvent e(type, p, plot->mapToGlobal(p), button, buttons, Qt::NoModifier);
        QApplication::sendEvent(plot, &e);
    };
    send(QEvent::MouseButtonPress, path.front(), Qt::LeftButton, Qt::LeftButton);
    for (qsizetype i = 1; i + 1 < path.size(); ++i) send(QEvent::MouseMove, path[i], Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, path.back(), Qt::LeftButton, Qt::NoButton);
}

// Points (in pixels) inside a polygon by Qt's own even-odd test: the independent reference.
std::vector<int> insideByQt(const std::vector<QPointF>& pix, const QPolygonF& polygon) {
    std::vector<int> out;
    for (std::size_t i = 0; i < pix.size(); ++i)
        if (polygon.containsPoint(pix[i], Qt::OddEvenFill)) out.push_back(int(i));
    return out;
}

double distanceToBoundary(QPointF p, const QPolygonF& polygon) {
    double best = std::numeric_limits<double>::max();
    for (qsizetype i = 0; i < polygon.size(); ++i) {
        const QPointF a = polygon[i], b = polygon[(i + 1) % polygon.size()];
        const QPointF ab = b - a;
        const double len2 = QPointF::dotProduct(ab, ab);
        const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
        const QPointF d = p - (a + t * ab);
        best = std::min(best, std::hypot(d.x(), d.y()));
    }
    return best;
}

// The lasso's selection equals the reference except, at most, for points within a rounding error
// of the outline (the map tests in plot coordinates, the reference in pixels).
bool sameSelection(const std::vector<int>& got, const std::vector<int>& expect, const std::vector<QPointF>& pix,
                   const QPolygonF& polygon) {
    std::vector<int> diff;
    std::set_symmetric_difference(got.begin(), got.end(), expect.begin(), expect.end(), std::back_inserter(diff));
    for (int i : diff)
        if (distanceToBoundary(pix[std::size_t(i)], polygon) > 1e-3) {
            qWarning("point %d (%.3f, %.3f) differs, %.4f px from the outline", i, pix[std::size_t(i)].x(),
                     pix[std::size_t(i)].y(), distanceToBoundary(pix[std::size_t(i)], polygon));
            return false;
        }
    return diff.size() <= 2;
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
    void initTestCase() { QVERIFY(uitest::initEnvironment(m_dataDir)); }

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

        // Lasso: a concave, star-shaped freehand outline over the dense middle, its vertices at
        // least 3 pixels apart (as mouse moves arrive while drawing).
        QPolygonF star;
        const QPointF centre = axisRect.center();
        for (int v = 0; v < 2000; ++v) {
            const double a = 2 * M_PI * v / 2000.0;
            const double r = 40 + 110 * (0.5 + 0.5 * std::sin(5 * a)) + 3 * std::sin(37 * a);
            const QPointF p = centre + QPointF(r * std::cos(a), 0.8 * r * std::sin(a));
            if (star.isEmpty() || (p - star.back()).manhattanLength() >= 3) star << p;
        }
        QVERIFY(star.size() > 300);
        const auto starExpect = insideByQt(pix, star);
        QVERIFY(starExpect.size() > 1000);
        timer.restart();
        const auto starGot = map.pointsInPolygon(star);
        qInfo("lasso of %d vertices over 100k points: %d inside, %lld ms", int(star.size()), int(starGot.size()),
              timer.elapsed());
        QVERIFY(sameSelection(starGot, starExpect, pix, star));
        // The same outline drawn with the mouse in lasso mode: the map does not pan, and the points
        // inside become the selection (signal included), exactly like a box.
        map.setDragMode(ui::MapView::DragMode::Lasso);
        const auto xRange = map.plot()->xAxis->range();
        selected.clear();
        drag(map.plot(), star);
        QCOMPARE(map.plot()->xAxis->range(), xRange);
        QCOMPARE(selected.count(), 1);
        const auto lassoList = selected.first().at(0).value<QList<int>>();
        QVERIFY(sameSelection(std::vector<int>(lassoList.begin(), lassoList.end()), starExpect, pix, star));
        QCOMPARE(map.selection(), std::vector<int>(lassoList.begin(), lassoList.end()));
        QVERIFY(map.lassoPath().isEmpty()); // the outline is gone once the drag ends
        // An outline mostly outside the view selects only what lies inside it, and a click
        // (no drag) in lasso mode still picks the nearest point instead of selecting.
        const QPolygonF edge{axisRect.topLeft() - QPointF(300, 300), axisRect.topLeft() + QPointF(120, -300),
                             axisRect.topLeft() + QPointF(120, 100), axisRect.topLeft() + QPointF(-300, 100)};
        QVERIFY(sameSelection(map.pointsInPolygon(edge), insideByQt(pix, edge), pix, edge));
        QSignalSpy clicked(&map, &ui::MapView::pointClicked);
        const QPointF onPoint = map.pixelOf(n / 2);
        drag(map.plot(), QPolygonF{onPoint, onPoint});
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(selected.count(), 1); // unchanged

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
        QVERIFY(uitest::screenshot(&map, QStringLiteral("explorer_map_100k.png")));
    }

    void lassoSelectsExactlyTheEnclosedPoints() {
        // A 5x5 lattice and an L-shaped (concave) lasso around the bottom row and the left column:
        // exactly those 9 points, not the 25 of the outline's bounding box.
        ui::MapView map;
        map.resize(600, 500);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        std::vector<float> xy;
        for (int j = 0; j < 5; ++j)
            for (int i = 0; i < 5; ++i) xy.insert(xy.end(), {float(i), float(j)}); // index 5 * j + i
        map.setPoints(xy);
        map.plot()->xAxis->setRange(-1, 5); // the outline runs half a unit outside the lattice
        map.plot()->yAxis->setRange(-1, 5);
        map.plot()->replot();
        auto px = [&](double x, double y) { return QPointF(map.plot()->xAxis->coordToPixel(x), map.plot()->yAxis->coordToPixel(y)); };
        const QPointF corners[] = {px(-0.5, -0.5), px(4.5, -0.5), px(4.5, 0.5), px(0.5, 0.5), px(0.5, 4.5), px(-0.5, 4.5), px(-0.5, -0.5)};
        QPolygonF path; // the outline as a hand draws it: many small steps along each side
        for (int c = 0; c + 1 < int(std::size(corners)); ++c)
            for (int s = 0; s < 20; ++s) path << corners[c] + (corners[c + 1] - corners[c]) * (s / 20.0);
        path << corners[std::size(corners) - 1];
        QSignalSpy selected(&map, &ui::MapView::selectionChanged);
        map.setDragMode(ui::MapView::DragMode::Lasso);
        QCOMPARE(map.dragMode(), ui::MapView::DragMode::Lasso);
        QVERIFY(!map.boxSelectMode());
        const std::vector<int> expect{0, 1, 2, 3, 4, 5, 10, 15, 20};
        // While dragging, the outline is drawn (and kept in the map's coordinates).
        QMouseEvent press(QEvent::MouseButtonPress, path[0], map.plot()->mapToGlobal(path[0]), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(map.plot(), &press);
        for (int k = 1; k < 90; ++k) {
            QMouseEvent move(QEvent::MouseMove, path[k], map.plot()->mapToGlobal(path[k]), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(map.plot(), &move);
        }
        QVERIFY(map.lassoPath().size() > 10);
        map.plot()->replot(); // the outline is an overlay on the cached raster
        QVERIFY(uitest::screenshot(&map, QStringLiteral("explorer_lasso_drawing.png")));
        map.setDragMode(ui::MapView::DragMode::Pan); // switching modes drops a half-drawn lasso
        QVERIFY(map.lassoPath().isEmpty());
        QCOMPARE(selected.count(), 0);
        map.setDragMode(ui::MapView::DragMode::Lasso);
        drag(map.plot(), path);
        QCOMPARE(selected.count(), 1);
        const auto list = selected.first().at(0).value<QList<int>>();
        QCOMPARE(std::vector<int>(list.begin(), list.end()), expect);
        QCOMPARE(map.selection(), expect);
        // The programmatic form gives the same, and fewer than three vertices select nothing.
        QPolygonF outline;
        for (int c = 0; c + 1 < int(std::size(corners)); ++c) outline << corners[c];
        QCOMPARE(map.pointsInPolygon(outline), expect);
        QVERIFY(map.pointsInPolygon(QPolygonF{px(0, 0), px(4, 4)}).empty());
        // A triangle through lattice-free space around the point (3, 3) only.
        map.selectPolygon(QPolygonF{px(2.6, 2.6), px(3.6, 2.8), px(3.1, 3.7)});
        QCOMPARE(map.selection(), std::vector<int>{18});
        QCOMPARE(selected.count(), 2);
    }

    void searchesAJsonlCorpusAndWalksNeighbours() {
        QTemporaryDir dir;
        QByteArray jsonl;
        for (auto& row : kCorpus)
            jsonl += QStringLiteral("{\"text\": \"%1\", \"family\": \"%2\", \"language\": \"%3\"}\n")
                         .arg(QString::fromUtf8(row[0]), QString::fromUtf8(row[1]), QString::fromUtf8(row[2]))
                         .toUtf8();
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("corpus.jsonl")), jsonl));
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
        QVERIFY(uitest::screenshot(&area, QStringLiteral("explorer_query.png")));

        // Lasso select from the toolbar: a small outline around the best hit lists it (and only
        // what lies inside the outline) in the selection list under the map.
        auto* lasso = area.findChild<QToolButton*>(QStringLiteral("explorerLasso"));
        QVERIFY(lasso);
        lasso->click();
        QCOMPARE(area.mapView()->dragMode(), ui::MapView::DragMode::Lasso);
        area.mapView()->plot()->replot();
        {
            auto* map = area.mapView();
            const QPointF c = map->pixelOf(area.hits().front());
            QPolygonF ring;
            for (int v = 0; v < 24; ++v)
                ring << c + QPointF(9 * std::cos(2 * M_PI * v / 24), 9 * std::sin(2 * M_PI * v / 24));
            std::vector<QPointF> pix;
            for (int i = 0; i < map->pointCount(); ++i) pix.push_back(map->pixelOf(i));
            const auto expect = insideByQt(pix, ring);
            QVERIFY(std::find(expect.begin(), expect.end(), area.hits().front()) != expect.end());
            drag(map->plot(), ring);
            auto* list = area.findChild<QListView*>(QStringLiteral("explorerSelection"));
            QCOMPARE(list->model()->rowCount(), int(expect.size()));
            std::vector<int> listed;
            for (int r = 0; r < list->model()->rowCount(); ++r) listed.push_back(list->model()->index(r, 0).data(Qt::UserRole).toInt());
            QCOMPARE(listed, expect);
            QCOMPARE(list->model()->index(0, 0).data().toString(), area.itemText(expect.front()).simplified());
            QVERIFY(area.findChild<QLabel*>(QStringLiteral("explorerSelectionLabel"))->text().contains(QString::number(expect.size())));
        }

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
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("mini/mini-test.csv")),
                  "A man plays guitar.,A man is playing a guitar.,4.8\nA woman cooks.,A man plays guitar.,0.4\n"));
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
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("bad.jsonl")), "{\"text\": \"ok\"}\nnot json\n"));
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Jsonl, dir.filePath(QStringLiteral("bad.jsonl"))));
        area.embed();
        QVERIFY(embedded.wait(60000));
        QVERIFY(embedded.last().at(1).toString().contains(QStringLiteral("bad.jsonl:2")));
        QCOMPARE(area.itemCount(), 3); // the previous set stays
    }
};

QTEST_MAIN(ExplorerAreaTest)
#include "explorer_area_test.moc"
