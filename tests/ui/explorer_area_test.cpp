// Explorer: the map keeps every one of 100k points and finds hovered, boxed and lassoed points
// like brute force (the lasso against Qt's own polygon test, and exactly on a concave outline);
// the area embeds a JSONL corpus, project samples and a registered dataset off-thread through the
// embedding cache, answers a query with the right neighbour, lists lassoed points, and walks to a
// neighbour's neighbours; lists selected points in a table (id, family, label, text) that copies as
// tab-separated text and opens a sample in the Samples area of the main window; lists one neighbour
// per sample and per text; embeds negatives and colours by role; computes the UMAP-style layout in
// the background (cached per set, cancellable). With SYNTHEMBED_SCREENSHOT_DIR set, saves
// explorer_*.png there.

#include "ui/areas/explorer_area.h"
#include "ui/areas/samples_area.h"
#include "ui/eval/eval_settings.h"
#include "ui/explorer/map_view.h"
#include "ui/mainwindow.h"
#include "ui/qcp.h"
#include "area_test_support.h"

#include "core/eval/embedding_cache.h"
#include "core/search/layout.h"
#include "core/store/project.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
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
            auto* list = area.findChild<QTableView*>(QStringLiteral("explorerSelection"));
            QCOMPARE(list, area.selectionTable());
            QCOMPARE(list->model()->rowCount(), int(expect.size()));
            // A table: id (the JSONL line), family, label, text.
            QCOMPARE(list->model()->columnCount(), 4);
            QStringList headers;
            for (int c = 0; c < 4; ++c) headers << list->model()->headerData(c, Qt::Horizontal).toString();
            QCOMPARE(headers, (QStringList{QStringLiteral("Id"), QStringLiteral("Family"), QStringLiteral("Label"), QStringLiteral("Text")}));
            std::vector<int> listed;
            for (int r = 0; r < list->model()->rowCount(); ++r) listed.push_back(list->model()->index(r, 0).data(Qt::UserRole).toInt());
            QCOMPARE(listed, expect);
            QCOMPARE(list->model()->index(0, 3).data().toString(), area.itemText(expect.front()).simplified());
            QCOMPARE(list->model()->index(0, 1).data().toString(), QString::fromUtf8(kCorpus[expect.front()][1]));
            QCOMPARE(list->model()->index(0, 0).data().toString(), QString::number(expect.front() + 1)); // line number
            QVERIFY(area.findChild<QLabel*>(QStringLiteral("explorerSelectionLabel"))->text().contains(QString::number(expect.size())));
            // Copy: a header line and one tab-separated line per row; not samples, so nothing to open.
            auto* copy = area.findChild<QPushButton*>(QStringLiteral("explorerCopySelection"));
            QVERIFY(copy->isEnabled());
            QApplication::clipboard()->clear();
            copy->click();
            const QStringList lines = QApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            QCOMPARE(lines.size(), int(expect.size()) + 1);
            QCOMPARE(lines[0], QStringLiteral("Id\tFamily\tLabel\tText"));
            QCOMPARE(lines[1].split(QLatin1Char('\t')).value(3), area.itemText(expect.front()));
            list->setCurrentIndex(list->model()->index(0, 0));
            QVERIFY(!area.findChild<QPushButton*>(QStringLiteral("explorerOpenInSamples"))->isEnabled());
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

    void listsOneNeighbourPerSampleAndText() {
        // The same sentence twice in a corpus is one neighbour, not two.
        QTemporaryDir dir;
        QByteArray jsonl;
        for (auto& row : kCorpus)
            jsonl += QStringLiteral("{\"text\": \"%1\", \"family\": \"%2\"}\n").arg(QString::fromUtf8(row[0]), QString::fromUtf8(row[1])).toUtf8();
        jsonl += "{\"text\": \"The cat sleeps on the sofa all day\", \"family\": \"animals\"}\n";
        jsonl += "{\"text\": \"The cat sleeps on the sofa all day\", \"family\": \"copy\"}\n";
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("dups.jsonl")), jsonl));
        ui::ExplorerArea area;
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Jsonl, dir.filePath(QStringLiteral("dups.jsonl"))));
        area.setModel(QStringLiteral("hash:512"));
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        area.embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(area.itemCount(), 14);
        QSignalSpy searched(&area, &ui::ExplorerArea::searched);
        area.search(QStringLiteral("the cat sleeps on the sofa"), QString(), 5);
        QVERIFY(searched.wait(30000));
        QCOMPARE(int(area.hits().size()), 5);
        QStringList texts;
        for (int h : area.hits()) texts << area.itemText(h);
        QCOMPARE(texts.count(QStringLiteral("The cat sleeps on the sofa all day")), 1);
        QCOMPARE(texts.removeDuplicates(), 0);
        // Neighbours of one copy: neither itself nor its twins.
        const int first = area.hits().front();
        area.neighboursOf(first, 5);
        QVERIFY(searched.wait(30000));
        for (int h : area.hits()) QVERIFY(area.itemText(h) != area.itemText(first));
    }

    void samplesRolesTableOpenInSamplesAndUmapLayout() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.synthembed"));
        {
            auto project = store::Project::create(path.toStdString());
            QVERIFY(project);
            auto ins = project->db().prepare(
                "INSERT INTO samples (family, language, query, positive, negative, status) VALUES (?,?,?,?,?,?)");
            const char* topics[][3] = {
                {"how do cats sleep", "Cats sleep sixteen hours a day on soft sofas.", "Dogs bark at the mailman."},
                {"central bank interest rates", "The central bank raised interest rates again.", "Bread is baked in the morning."},
                {"tomato soup recipe", "Tomato soup with basil and cream.", "Stock markets fell sharply."},
                {"guitar lessons", "A man is playing the guitar on stage.", "The train left the station late."},
                {"rainy weather", "Heavy rain and wind are expected tomorrow.", "Pasta with garlic and olive oil."},
            };
            for (int round = 0; round < 4; ++round)
                for (auto& t : topics)
                    ins.bindAll(round % 2 ? "short-long" : "long-long", "en",
                                QStringLiteral("%1 %2").arg(QString::fromUtf8(t[0])).arg(round).toStdString(),
                                QStringLiteral("%1 (%2)").arg(QString::fromUtf8(t[1])).arg(round).toStdString(),
                                QStringLiteral("%1 [%2]").arg(QString::fromUtf8(t[2])).arg(round).toStdString(), "accepted")
                        .run();
            // A sample whose positive repeats its query: one neighbour, not two.
            ins.bindAll("sts", "en", "cats sleeping on sofas", "cats sleeping on sofas", "", "accepted").run();
        }
        ui::MainWindow w;
        w.resize(1400, 900);
        QVERIFY(w.openProject(path, false, true));
        auto* area = w.findChild<ui::ExplorerArea*>();
        auto* samples = w.findChild<ui::SamplesArea*>();
        QVERIFY(area && samples);
        for (int i = 0; i < w.areaCount(); ++i)
            if (w.area(i) == area) w.showArea(i);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        area->setModel(QStringLiteral("hash:256"));
        QVERIFY(area->setSource(ui::ExplorerArea::Source::Samples));
        // Queries, positives and negatives.
        QVERIFY(area->findChild<QCheckBox*>(QStringLiteral("explorerRoleNegative")));
        area->setSampleRoles(true, true, true);
        QSignalSpy embedded(area, &ui::ExplorerArea::embedded);
        area->embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(embedded.last().at(1).toString(), QString());
        QCOMPARE(area->itemCount(), 20 * 3 + 2); // the last sample has no negative
        area->setColourBy(3);
        QCOMPARE(area->mapView()->plot()->legend->itemCount(), 3); // query, positive, negative
        for (int i = 0; i < area->itemCount(); ++i) QVERIFY(area->sampleIdOf(i) >= 1 && area->sampleIdOf(i) <= 21);
        // Only negatives: 20 points.
        area->setSampleRoles(false, false, true);
        area->embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(area->itemCount(), 20);
        area->setSampleRoles(true, true, false);
        area->embed();
        QVERIFY(embedded.wait(60000));
        QCOMPARE(area->itemCount(), 20 * 2 + 2);

        // One neighbour per sample: a sample's query and positive are one row.
        QSignalSpy searched(area, &ui::ExplorerArea::searched);
        area->search(QStringLiteral("cats sleeping on sofas"), QString(), 8);
        QVERIFY(searched.wait(30000));
        QCOMPARE(int(area->hits().size()), 8);
        QSet<qint64> seen;
        for (int h : area->hits()) {
            QVERIFY2(!seen.contains(area->sampleIdOf(h)), "a sample listed twice");
            seen.insert(area->sampleIdOf(h));
        }
        QCOMPARE(area->sampleIdOf(area->hits().front()), qint64(21));

        // UMAP layout in the background: progress, then the map switches; PCA points before.
        const QPointF pca0 = area->mapPoint(0), pca5 = area->mapPoint(5);
        QSignalSpy layout(area, &ui::ExplorerArea::layoutFinished);
        auto* choice = area->findChild<QComboBox*>(QStringLiteral("explorerLayout"));
        QVERIFY(choice);
        QCOMPARE(choice->count(), 2);
        area->setMapLayout(ui::ExplorerArea::MapLayout::Umap);
        QVERIFY(area->isLayoutBusy());
        QCOMPARE(area->mapPoint(0), pca0); // PCA until the layout is ready
        QVERIFY(layout.wait(60000));
        QCOMPARE(layout.last().at(0).toString(), QString());
        QCOMPARE(layout.last().at(1).toBool(), false);
        QVERIFY(!area->isLayoutBusy());
        QCOMPARE(area->mapView()->pointCount(), area->itemCount());
        QVERIFY(area->mapPoint(0) != pca0 && area->mapPoint(5) != pca5);
        QVERIFY(area->findChild<QLabel*>(QStringLiteral("explorerStatus"))->text().contains(QStringLiteral("UMAP")));
        // Neighbours in the layout: a query lies near its own positive (the same sample) more often
        // than a random pair of points does.
        {
            double own = 0, any = 0;
            int pairs = 0;
            for (int i = 0; i < area->itemCount(); ++i)
                for (int j = 0; j < area->itemCount(); ++j) {
                    if (i == j) continue;
                    const QPointF d = area->mapPoint(i) - area->mapPoint(j);
                    const double dist = std::hypot(d.x(), d.y());
                    any += dist;
                    if (area->sampleIdOf(i) == area->sampleIdOf(j)) own += dist, ++pairs;
                }
            own /= pairs;
            any /= double(area->itemCount()) * (area->itemCount() - 1);
            QVERIFY2(own < 0.6 * any, qPrintable(QStringLiteral("%1 vs %2").arg(own).arg(any)));
        }
        // The layout was cached for this set.
        QVERIFY(QDir(QString::fromStdString(search::defaultLayoutCacheDir().string())).entryList({QStringLiteral("*.layout")}).size() >= 1);
        const QPointF umap0 = area->mapPoint(0);
        area->setMapLayout(ui::ExplorerArea::MapLayout::Pca);
        QCOMPARE(area->mapPoint(0), pca0);
        area->setMapLayout(ui::ExplorerArea::MapLayout::Umap); // kept for the set: no new job
        QVERIFY(!area->isLayoutBusy());
        QCOMPARE(area->mapPoint(0), umap0);
        // Embedding the same set again reads the layout from the cache.
        area->embed();
        QVERIFY(embedded.wait(60000));
        QVERIFY(layout.wait(30000));
        QCOMPARE(layout.last().at(1).toBool(), true);
        QCOMPARE(area->mapPoint(0), umap0);
        area->setColourBy(0);
        area->search(QStringLiteral("cats sleeping on sofas"), QString(), 8);
        QVERIFY(searched.wait(30000));

        // Nothing selected yet: nothing to open or copy.
        QVERIFY(!area->findChild<QPushButton*>(QStringLiteral("explorerOpenInSamples"))->isEnabled());
        QVERIFY(!area->findChild<QPushButton*>(QStringLiteral("explorerCopySelection"))->isEnabled());
        // Select every point: the table lists sample id, family, role and text.
        auto* map = area->mapView();
        map->plot()->replot();
        const QRect r = map->plot()->axisRect()->rect();
        map->selectPolygon(QPolygonF(QRectF(r).adjusted(-5, -5, 5, 5)));
        auto* table = area->selectionTable();
        QCOMPARE(table->model()->rowCount(), area->itemCount());
        int row = -1;
        for (int i = 0; i < table->model()->rowCount(); ++i)
            if (table->model()->index(i, 3).data().toString() == QStringLiteral("Tomato soup with basil and cream. (2)")) row = i;
        QVERIFY(row >= 0);
        const int item = table->model()->index(row, 0).data(Qt::UserRole).toInt();
        const qint64 sampleId = area->sampleIdOf(item);
        QCOMPARE(sampleId, qint64(13)); // round 2, third topic
        QCOMPARE(table->model()->index(row, 0).data().toString(), QStringLiteral("13"));
        QCOMPARE(table->model()->index(row, 1).data().toString(), QStringLiteral("long-long"));
        QCOMPARE(table->model()->index(row, 2).data().toString(), QStringLiteral("positive"));
        table->setCurrentIndex(table->model()->index(row, 0));
        auto* open = area->findChild<QPushButton*>(QStringLiteral("explorerOpenInSamples"));
        QVERIFY(open->isEnabled());
        QVERIFY(uitest::screenshot(&w, QStringLiteral("explorer_umap_samples.png")));
        QSignalSpy openRequested(area, &ui::ExplorerArea::openSampleRequested);
        open->click();
        QCOMPARE(openRequested.count(), 1);
        QCOMPARE(openRequested.first().at(0).toLongLong(), sampleId);
        QCOMPARE(w.area(w.currentArea()), static_cast<ui::Area*>(samples));
        QCOMPARE(samples->currentSampleId(), sampleId);
        QVERIFY(uitest::screenshot(&w, QStringLiteral("explorer_opened_in_samples.png")));
    }

    void umapLayoutCancels() {
        // A set large enough that the layout is still running when Cancel is pressed.
        QTemporaryDir dir;
        QByteArray jsonl;
        std::mt19937 rng(4);
        const char* words[] = {"alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "maple", "orbit", "pixel",
                               "quartz", "ember", "fjord", "lumen", "nadir", "opal"};
        for (int i = 0; i < 4000; ++i) {
            QStringList t;
            for (int w = 0; w < 6; ++w) t << QString::fromUtf8(words[rng() % 16]);
            jsonl += QStringLiteral("{\"text\": \"%1 %2\"}\n").arg(t.join(QLatin1Char(' '))).arg(i).toUtf8();
        }
        QVERIFY(uitest::writeText(dir.filePath(QStringLiteral("big.jsonl")), jsonl));
        ui::ExplorerArea area;
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Jsonl, dir.filePath(QStringLiteral("big.jsonl"))));
        area.setModel(QStringLiteral("hash:128"));
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        area.embed();
        QVERIFY(embedded.wait(60000));
        const QPointF pca = area.mapPoint(7);
        QSignalSpy layout(&area, &ui::ExplorerArea::layoutFinished);
        area.setMapLayout(ui::ExplorerArea::MapLayout::Umap);
        QVERIFY(area.isLayoutBusy());
        area.cancel();
        QVERIFY(layout.wait(30000));
        QCOMPARE(layout.last().at(0).toString(), QStringLiteral("Cancelled"));
        QVERIFY(!area.isLayoutBusy());
        QCOMPARE(area.mapPoint(7), pca); // the map still shows PCA
        QVERIFY(area.findChild<QLabel*>(QStringLiteral("explorerStatus"))->text().contains(QStringLiteral("cancelled")));
    }

    void umapScreenshotOfARealDataset() {
        // Only for the screenshots: banking77 (77 intents) from the shared data, coloured by label.
        if (qEnvironmentVariable("SYNTHEMBED_SCREENSHOT_DIR").isEmpty()) QSKIP("screenshots not requested");
        const QString shared = qEnvironmentVariable("SYNTHEMBED_SHARED");
        const QString folder = shared + QStringLiteral("/data/banking77");
        if (!QFileInfo::exists(folder)) QSKIP("banking77 not in SYNTHEMBED_SHARED");
        auto d = eval::detectDataset(folder.toStdString());
        QVERIFY(d);
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.synthembed")).toStdString());
        QVERIFY(project);
        ui::evalsettings::setDatasets(&*project, {*d});
        ui::ExplorerArea area;
        area.setProject(&*project);
        area.resize(1300, 850);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        const QString model = qEnvironmentVariable("SYNTHEMBED_EXPLORER_MODEL", QStringLiteral("hash:512"));
        area.setModel(model);
        QVERIFY(area.setSource(ui::ExplorerArea::Source::Dataset, QString::fromStdString(d->name)));
        area.setLimit(4000);
        QSignalSpy embedded(&area, &ui::ExplorerArea::embedded);
        area.embed();
        QVERIFY(embedded.wait(600000));
        QCOMPARE(embedded.last().at(1).toString(), QString());
        area.setColourBy(2);
        QVERIFY(uitest::screenshot(&area, QStringLiteral("explorer_banking77_pca.png")));
        QSignalSpy layout(&area, &ui::ExplorerArea::layoutFinished);
        area.setMapLayout(ui::ExplorerArea::MapLayout::Umap);
        QVERIFY(layout.wait(300000));
        QCOMPARE(layout.last().at(0).toString(), QString());
        QVERIFY(uitest::screenshot(&area, QStringLiteral("explorer_banking77_umap.png")));
    }
};

QTEST_MAIN(ExplorerAreaTest)
#include "explorer_area_test.moc"
