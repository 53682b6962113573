#include "ui/explorer/map_view.h"

#include "ui/qcp.h"

#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace synthembed::ui {

namespace {
// Tableau-like qualitative palette: distinct on white, readable as small dots.
constexpr QRgb kPalette[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf,
                             0xbcbd22, 0x393b79, 0xad494a, 0x637939, 0x8c6d31, 0x7b4173, 0x3182bd, 0xe6550d,
                             0x31a354, 0x756bb1, 0x636363, 0x843c39};
constexpr QRgb kUncategorised = 0x9e9e9e;
constexpr QRgb kSelected = 0x111111;
constexpr std::size_t kSmoothLimit = 20000; // up to this many points are drawn as antialiased discs
} // namespace

/// The point cloud as one plottable: rasterised into an image cached per (view, data) state,
/// so hover markers and other overlays repaint without touching 100k points again.
class MapView::PointLayer : public QCPAbstractPlottable {
public:
    PointLayer(MapView* view, QCPAxis* keyAxis, QCPAxis* valueAxis)
        : QCPAbstractPlottable(keyAxis, valueAxis), m_view(view) {}

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain) const override { return range(0, found); }
    QCPRange getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const override { return range(1, found); }
    void invalidate() { m_valid = false; }
    int rasterCount = 0;

protected:
    void draw(QCPPainter* painter) override {
        const QRect r = clipRect();
        if (r.isEmpty()) return;
        const auto kr = keyAxis()->range(), vr = valueAxis()->range();
        if (!m_valid || r != m_rect || kr != m_kr || vr != m_vr) rasterise(r);
        painter->drawImage(r.topLeft(), m_image);
        drawOverlays(painter);
    }
    void drawLegendIcon(QCPPainter*, const QRectF&) const override {}

private:
    QCPRange range(int axis, bool& found) const {
        const auto& xy = m_view->m_xy;
        found = !xy.empty();
        if (!found) return {};
        float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
        for (std::size_t i = axis; i < xy.size(); i += 2) lo = std::min(lo, xy[i]), hi = std::max(hi, xy[i]);
        return {lo, hi};
    }

    void rasterise(const QRect& r) {
        ++rasterCount;
        m_rect = r;
        m_kr = keyAxis()->range();
        m_vr = valueAxis()->range();
        m_valid = true;
        m_image = QImage(r.size(), QImage::Format_ARGB32_Premultiplied);
        m_image.fill(Qt::transparent);
        const auto& xy = m_view->m_xy;
        const auto& cat = m_view->m_category;
        const std::size_t n = xy.size() / 2;
        // Linear axes: pixel = a + coord * b, computed once instead of per point.
        const double ax = keyAxis()->coordToPixel(0) - r.left(), bx = keyAxis()->coordToPixel(1) - r.left() - ax;
        const double ay = valueAxis()->coordToPixel(0) - r.top(), by = valueAxis()->coordToPixel(1) - r.top() - ay;
        const int size = n <= 50000 ? 3 : 2;
        const int w = m_image.width(), h = m_image.height();
        const int bpl = int(m_image.bytesPerLine() / 4);
        auto* bits = reinterpret_cast<QRgb*>(m_image.bits());
        std::vector<QRgb> colours(std::size_t(m_view->m_names.size()) + 1);
        colours[0] = 0xff000000 | kUncategorised;
        for (int c = 0; c < m_view->m_names.size(); ++c) colours[std::size_t(c) + 1] = m_view->categoryColor(c).rgb();
        auto plot = [&](std::size_t i, QRgb colour, int s) {
            const double px = ax + xy[2 * i] * bx, py = ay + xy[2 * i + 1] * by;
            if (!(px > -s && px < w + s && py > -s && py < h + s)) return;
            const int x0 = std::max(0, int(px) - s / 2), y0 = std::max(0, int(py) - s / 2);
            const int x1 = std::min(w, int(px) - s / 2 + s), y1 = std::min(h, int(py) - s / 2 + s);
            for (int y = y0; y < y1; ++y)
                for (int x = x0; x < x1; ++x) bits[std::size_t(y) * bpl + x] = colour;
        };
        auto colourOf = [&](std::size_t i) {
            const int c = i < cat.size() ? cat[i] : -1;
            return colours[c >= 0 && c < m_view->m_names.size() ? std::size_t(c) + 1 : 0];
        };
        if (n <= kSmoothLimit) {
            // Few points: antialiased discs read better than pixel blocks and cost little.
            QPainter p(&m_image);
            p.setRenderHint(QPainter::Antialiasing, true);
            p.setPen(Qt::NoPen);
            const double radius = n <= 2000 ? 4.0 : 2.5;
            std::vector<bool> selected(n, false);
            for (int i : m_view->m_selection) selected[std::size_t(i)] = true;
            for (std::size_t i = 0; i < n; ++i) {
                p.setBrush(QColor::fromRgb(selected[i] ? (0xff000000 | kSelected) : colourOf(i)));
                p.drawEllipse(QPointF(ax + xy[2 * i] * bx, ay + xy[2 * i + 1] * by), radius, radius);
            }
            return;
        }
        for (std::size_t i = 0; i < n; ++i) plot(i, colourOf(i), size);
        for (int i : m_view->m_selection) plot(std::size_t(i), 0xff000000 | kSelected, size + 1);
    }

    void drawOverlays(QCPPainter* painter) {
        const auto& hl = m_view->m_highlighted;
        painter->setRenderHint(QPainter::Antialiasing, true);
        for (std::size_t j = hl.size(); j-- > 0;) { // best hit drawn last, on top
            const QPointF p = m_view->pixelOf(hl[j]);
            painter->setPen(QPen(Qt::black, 1.5));
            painter->setBrush(j == 0 ? QBrush(QColor(255, 215, 0)) : QBrush(QColor(255, 255, 255, 200)));
            painter->drawEllipse(p, 5.5, 5.5);
        }
        const QPointF q = m_view->m_queryMarker;
        if (!std::isnan(q.x())) {
            const QPointF p(keyAxis()->coordToPixel(q.x()), valueAxis()->coordToPixel(q.y()));
            painter->setPen(QPen(QColor(200, 0, 0), 2.5));
            painter->drawLine(p + QPointF(-7, -7), p + QPointF(7, 7));
            painter->drawLine(p + QPointF(-7, 7), p + QPointF(7, -7));
        }
        if (!m_view->m_lasso.empty()) {
            const QPolygonF path = m_view->lassoPath();
            painter->setPen(QPen(QColor(20, 20, 20), 1.2, Qt::DashLine));
            painter->setBrush(QColor(30, 120, 220, 40));
            painter->drawPolygon(path);
        }
        if (m_view->m_hover >= 0) {
            painter->setPen(QPen(Qt::black, 1.5));
            painter->setBrush(Qt::NoBrush);
            painter->drawEllipse(m_view->pixelOf(m_view->m_hover), 7, 7);
        }
    }

    MapView* m_view;
    QImage m_image;
    QRect m_rect;
    QCPRange m_kr, m_vr;
    bool m_valid = false;
};

MapView::MapView(QWidget* parent) : QWidget(parent), m_queryMarker(qQNaN(), qQNaN()) {
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("mapPlot"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setAutoAddPlottableToLegend(false);
    m_plot->xAxis->setLabel(tr("PC 1"));
    m_plot->yAxis->setLabel(tr("PC 2"));
    m_plot->setMouseTracking(true);
    m_layer = new PointLayer(this, m_plot->xAxis, m_plot->yAxis);
    // Legend to the right of the map, not over the points.
    m_plot->legend->setVisible(false);
    auto* legendRect = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 1, legendRect);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    legendRect->addElement(0, 0, m_plot->legend);
    // An empty element below takes the free height so the legend entries stay packed at the top.
    legendRect->addElement(1, 0, new QCPLayoutElement(m_plot));
    legendRect->setRowStretchFactor(0, 0.001);
    legendRect->setRowStretchFactor(1, 1000);
    legendRect->setMargins(QMargins(0, 8, 8, 8));
    m_plot->legend->setFont(font());
    m_plot->legend->setBorderPen(Qt::NoPen);

    connect(m_plot, &QCustomPlot::mouseMove, this, &MapView::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, &MapView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &MapView::onMouseRelease);
    connect(m_plot->selectionRect(), &QCPSelectionRect::accepted, this, [this](const QRect& rect, QMouseEvent*) {
        // QRect(p1, p2) keeps both corners; QRectF(QRect) would add a pixel to width and height.
        setSelection(pointsInRect(QRectF(QPointF(rect.topLeft()), QPointF(rect.bottomRight())).normalized()));
        QList<int> list(m_selection.begin(), m_selection.end());
        Q_EMIT selectionChanged(list);
    });
    m_plot->installEventFilter(this);
}

MapView::~MapView() = default;

QColor MapView::paletteColor(int index) {
    if (index < 0) return QColor(kUncategorised);
    return QColor(kPalette[std::size_t(index) % std::size(kPalette)]);
}

QColor MapView::categoryColor(int category) const { return paletteColor(category); }

void MapView::setPoints(std::vector<float> xy) {
    m_xy = std::move(xy);
    if (m_xy.size() % 2) m_xy.pop_back();
    m_category.clear();
    m_names.clear();
    m_highlighted.clear();
    m_selection.clear();
    m_hover = -1;
    m_queryMarker = QPointF(qQNaN(), qQNaN());
    buildGrid();
    rebuildLegend();
    m_layer->invalidate();
    resetView();
}

void MapView::setCategories(std::vector<int> category, const QStringList& names) {
    m_category = std::move(category);
    m_names = names;
    rebuildLegend();
    m_layer->invalidate();
    requestReplot();
}

void MapView::setHighlighted(const std::vector<int>& points) {
    m_highlighted.clear();
    for (int i : points)
        if (i >= 0 && i < pointCount()) m_highlighted.push_back(i);
    requestReplot();
}

void MapView::setQueryMarker(QPointF xy) {
    m_queryMarker = xy;
    requestReplot();
}

void MapView::setAxisLabels(const QString& x, const QString& y) {
    m_plot->xAxis->setLabel(x);
    m_plot->yAxis->setLabel(y);
    requestReplot();
}

void MapView::setSelection(const std::vector<int>& points) {
    m_selection.clear();
    for (int i : points)
        if (i >= 0 && i < pointCount()) m_selection.push_back(i);
    m_layer->invalidate();
    requestReplot();
}

void MapView::setDragMode(DragMode mode) {
    m_mode = mode;
    m_plot->setSelectionRectMode(mode == DragMode::Box ? QCP::srmCustom : QCP::srmNone);
    m_plot->setCursor(mode == DragMode::Pan ? Qt::ArrowCursor : Qt::CrossCursor);
    if (m_lassoActive || !m_lasso.empty()) {
        m_lassoActive = false;
        m_lasso.clear();
        requestReplot();
    }
}

int MapView::pointCount() const { return int(m_xy.size() / 2); }
QPointF MapView::point(int i) const { return {m_xy[2 * std::size_t(i)], m_xy[2 * std::size_t(i) + 1]}; }
int MapView::rasterCount() const { return m_layer->rasterCount; }

QPointF MapView::pixelOf(int i) const {
    return {m_plot->xAxis->coordToPixel(m_xy[2 * std::size_t(i)]), m_plot->yAxis->coordToPixel(m_xy[2 * std::size_t(i) + 1])};
}

void MapView::resetView() {
    m_plot->rescaleAxes();
    for (auto* axis : {m_plot->xAxis, m_plot->yAxis}) {
        auto r = axis->range();
        const double pad = r.size() > 0 ? r.size() * 0.03 : 1.0;
        axis->setRange(r.lower - pad, r.upper + pad);
    }
    requestReplot();
}

void MapView::requestReplot() { m_plot->replot(QCustomPlot::rpQueuedReplot); }

void MapView::buildGrid() {
    const std::size_t n = m_xy.size() / 2;
    m_cellStart.clear();
    m_cellItems.clear();
    m_gridN = 0;
    if (n == 0) return;
    float x0 = m_xy[0], x1 = m_xy[0], y0 = m_xy[1], y1 = m_xy[1];
    for (std::size_t i = 0; i < n; ++i) {
        x0 = std::min(x0, m_xy[2 * i]), x1 = std::max(x1, m_xy[2 * i]);
        y0 = std::min(y0, m_xy[2 * i + 1]), y1 = std::max(y1, m_xy[2 * i + 1]);
    }
    // About four points per cell on uniform data.
    m_gridN = std::clamp(int(std::sqrt(double(n) / 4.0)), 1, 1024);
    m_x0 = x0;
    m_y0 = y0;
    m_cellW = x1 > x0 ? (double(x1) - x0) / m_gridN : 1.0;
    m_cellH = y1 > y0 ? (double(y1) - y0) / m_gridN : 1.0;
    auto cellOf = [&](std::size_t i) {
        const int cx = std::clamp(int((m_xy[2 * i] - m_x0) / m_cellW), 0, m_gridN - 1);
        const int cy = std::clamp(int((m_xy[2 * i + 1] - m_y0) / m_cellH), 0, m_gridN - 1);
        return std::size_t(cy) * m_gridN + cx;
    };
    // Counting sort of point indexes by cell.
    m_cellStart.assign(std::size_t(m_gridN) * m_gridN + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++m_cellStart[cellOf(i) + 1];
    for (std::size_t c = 1; c < m_cellStart.size(); ++c) m_cellStart[c] += m_cellStart[c - 1];
    m_cellItems.resize(n);
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (std::size_t i = 0; i < n; ++i) m_cellItems[std::size_t(fill[cellOf(i)]++)] = int(i);
}

namespace {
struct CellSpan {
    int x0, x1, y0, y1; // inclusive cell ranges; empty when x0 > x1
};
} // namespace

int MapView::nearestPoint(QPointF pixel, double maxPixels) const {
    if (m_gridN == 0) return -1;
    const double xa = m_plot->xAxis->pixelToCoord(pixel.x() - maxPixels), xb = m_plot->xAxis->pixelToCoord(pixel.x() + maxPixels);
    const double ya = m_plot->yAxis->pixelToCoord(pixel.y() - maxPixels), yb = m_plot->yAxis->pixelToCoord(pixel.y() + maxPixels);
    const double lx = std::min(xa, xb), hx = std::max(xa, xb), ly = std::min(ya, yb), hy = std::max(ya, yb);
    auto cell = [](double v, double origin, double size, int n) { return std::clamp(int(std::floor((v - origin) / size)), -1, n); };
    const int cx0 = std::max(0, cell(lx, m_x0, m_cellW, m_gridN)), cx1 = std::min(m_gridN - 1, cell(hx, m_x0, m_cellW, m_gridN));
    const int cy0 = std::max(0, cell(ly, m_y0, m_cellH, m_gridN)), cy1 = std::min(m_gridN - 1, cell(hy, m_y0, m_cellH, m_gridN));
    const double ax = m_plot->xAxis->coordToPixel(0), bx = m_plot->xAxis->coordToPixel(1) - ax;
    const double ay = m_plot->yAxis->coordToPixel(0), by = m_plot->yAxis->coordToPixel(1) - ay;
    int best = -1;
    double bestD = maxPixels * maxPixels;
    for (int cy = cy0; cy <= cy1; ++cy)
        for (int cx = cx0; cx <= cx1; ++cx) {
            const std::size_t c = std::size_t(cy) * m_gridN + cx;
            for (int k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                const int i = m_cellItems[std::size_t(k)];
                const double dx = ax + m_xy[2 * std::size_t(i)] * bx - pixel.x();
                const double dy = ay + m_xy[2 * std::size_t(i) + 1] * by - pixel.y();
                const double d = dx * dx + dy * dy;
                if (d < bestD || (d == bestD && best >= 0 && i < best)) bestD = d, best = i;
            }
        }
    return best;
}

std::vector<int> MapView::pointsInRect(const QRectF& pixels) const {
    std::vector<int> out;
    if (m_gridN == 0) return out;
    const double xa = m_plot->xAxis->pixelToCoord(pixels.left()), xb = m_plot->xAxis->pixelToCoord(pixels.right());
    const double ya = m_plot->yAxis->pixelToCoord(pixels.top()), yb = m_plot->yAxis->pixelToCoord(pixels.bottom());
    const double lx = std::min(xa, xb), hx = std::max(xa, xb), ly = std::min(ya, yb), hy = std::max(ya, yb);
    auto cell = [](double v, double origin, double size, int n) { return std::clamp(int(std::floor((v - origin) / size)), -1, n); };
    const int cx0 = std::max(0, cell(lx, m_x0, m_cellW, m_gridN)), cx1 = std::min(m_gridN - 1, cell(hx, m_x0, m_cellW, m_gridN));
    const int cy0 = std::max(0, cell(ly, m_y0, m_cellH, m_gridN)), cy1 = std::min(m_gridN - 1, cell(hy, m_y0, m_cellH, m_gridN));
    for (int cy = cy0; cy <= cy1; ++cy)
        for (int cx = cx0; cx <= cx1; ++cx) {
            const std::size_t c = std::size_t(cy) * m_gridN + cx;
            for (int k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                const int i = m_cellItems[std::size_t(k)];
                const double x = m_xy[2 * std::size_t(i)], y = m_xy[2 * std::size_t(i) + 1];
                if (x >= lx && x <= hx && y >= ly && y <= hy) out.push_back(i);
            }
        }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> MapView::pointsInPolygon(const QPolygonF& pixels) const {
    std::vector<QPointF> polygon;
    polygon.reserve(std::size_t(pixels.size()));
    for (const QPointF& p : pixels) polygon.emplace_back(m_plot->xAxis->pixelToCoord(p.x()), m_plot->yAxis->pixelToCoord(p.y()));
    return pointsInCoordPolygon(polygon);
}

std::vector<int> MapView::pointsInCoordPolygon(const std::vector<QPointF>& polygon) const {
    std::vector<int> out;
    const std::size_t nv = polygon.size();
    if (m_gridN == 0 || nv < 3) return out;
    double lx = std::numeric_limits<double>::infinity(), hx = -lx, ly = lx, hy = -lx;
    for (const QPointF& v : polygon) {
        lx = std::min(lx, v.x()), hx = std::max(hx, v.x());
        ly = std::min(ly, v.y()), hy = std::max(hy, v.y());
    }
    auto cell = [](double v, double origin, double size, int n) { return std::clamp(int(std::floor((v - origin) / size)), -1, n); };
    const int cx0 = std::max(0, cell(lx, m_x0, m_cellW, m_gridN)), cx1 = std::min(m_gridN - 1, cell(hx, m_x0, m_cellW, m_gridN));
    const int cy0 = std::max(0, cell(ly, m_y0, m_cellH, m_gridN)), cy1 = std::min(m_gridN - 1, cell(hy, m_y0, m_cellH, m_gridN));
    if (cx0 > cx1 || cy0 > cy1) return out;
    // Edges bucketed by grid row (one row of slack each side against rounding): a point meets
    // only the edges that can cross its horizontal ray, a handful for a freehand lasso.
    struct Edge {
        double ax, ay, by, slope; // x on the edge at height y: ax + (y - ay) * slope
    };
    std::vector<std::vector<Edge>> rows(std::size_t(cy1 - cy0 + 1));
    for (std::size_t e = 0; e < nv; ++e) {
        const QPointF a = polygon[e], b = polygon[(e + 1) % nv];
        if (a.y() == b.y()) continue; // never crosses a horizontal ray under the half-open rule
        const int r0 = std::max(cy0, cell(std::min(a.y(), b.y()), m_y0, m_cellH, m_gridN) - 1);
        const int r1 = std::min(cy1, cell(std::max(a.y(), b.y()), m_y0, m_cellH, m_gridN) + 1);
        const Edge edge{a.x(), a.y(), b.y(), (b.x() - a.x()) / (b.y() - a.y())};
        for (int r = r0; r <= r1; ++r) rows[std::size_t(r - cy0)].push_back(edge);
    }
    for (int cy = cy0; cy <= cy1; ++cy) {
        const auto& edges = rows[std::size_t(cy - cy0)];
        if (edges.empty()) continue; // no edge spans this band: nothing in it is inside
        for (int cx = cx0; cx <= cx1; ++cx) {
            const std::size_t c = std::size_t(cy) * m_gridN + cx;
            for (int k = m_cellStart[c]; k < m_cellStart[c + 1]; ++k) {
                const int i = m_cellItems[std::size_t(k)];
                const double x = m_xy[2 * std::size_t(i)], y = m_xy[2 * std::size_t(i) + 1];
                if (x < lx || x > hx || y < ly || y > hy) continue;
                // Even-odd rule: count the edges crossed by a ray from the point towards +x.
                bool inside = false;
                for (const Edge& e : edges)
                    if ((e.ay > y) != (e.by > y) && x < e.ax + (y - e.ay) * e.slope) inside = !inside;
                if (inside) out.push_back(i);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void MapView::selectPolygon(const QPolygonF& pixels) {
    setSelection(pointsInPolygon(pixels));
    Q_EMIT selectionChanged(QList<int>(m_selection.begin(), m_selection.end()));
}

QPolygonF MapView::lassoPath() const {
    QPolygonF path;
    for (const QPointF& p : m_lasso) path << QPointF(m_plot->xAxis->coordToPixel(p.x()), m_plot->yAxis->coordToPixel(p.y()));
    return path;
}

void MapView::finishLasso(QPointF pixel) {
    m_lassoActive = false;
    m_lasso.emplace_back(m_plot->xAxis->pixelToCoord(pixel.x()), m_plot->yAxis->pixelToCoord(pixel.y()));
    const QRectF extent = lassoPath().boundingRect();
    const auto polygon = std::move(m_lasso);
    m_lasso.clear();
    requestReplot();
    if (extent.width() + extent.height() <= 6) {
        // A click, not a drag: the nearest point, as in the other modes.
        const int i = nearestPoint(pixel);
        if (i >= 0) Q_EMIT pointClicked(i);
        return;
    }
    setSelection(pointsInCoordPolygon(polygon));
    Q_EMIT selectionChanged(QList<int>(m_selection.begin(), m_selection.end()));
}

void MapView::rebuildLegend() {
    m_plot->legend->clearItems();
    for (int g = m_plot->graphCount(); g-- > 0;) m_plot->removeGraph(g);
    if (m_names.isEmpty()) {
        m_plot->legend->setVisible(false);
        return;
    }
    std::vector<int> counts(std::size_t(m_names.size()), 0);
    int uncategorised = 0;
    for (int c : m_category) {
        if (c >= 0 && c < m_names.size()) ++counts[std::size_t(c)];
        else ++uncategorised;
    }
    auto addEntry = [&](const QString& name, const QColor& colour, int count) {
        auto* g = m_plot->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 8));
        g->setName(tr("%1 (%2)").arg(name).arg(count));
        g->addToLegend();
    };
    for (int c = 0; c < m_names.size(); ++c)
        if (counts[std::size_t(c)] > 0) addEntry(m_names[c], categoryColor(c), counts[std::size_t(c)]);
    if (uncategorised > 0 && uncategorised < int(m_category.size())) addEntry(tr("(none)"), paletteColor(-1), uncategorised);
    m_plot->legend->setVisible(true);
}

bool MapView::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_plot) return QWidget::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto* me = static_cast<QMouseEvent*>(event);
        const bool shift = me->modifiers() & Qt::ShiftModifier;
        if (m_mode == DragMode::Lasso && !shift && me->button() == Qt::LeftButton) {
            // The lasso is drawn here; QCustomPlot never sees the drag, so it does not pan.
            m_lassoActive = true;
            m_lasso.assign(1, QPointF(m_plot->xAxis->pixelToCoord(me->position().x()),
                                      m_plot->yAxis->pixelToCoord(me->position().y())));
            m_lassoLastPixel = me->position();
            m_hover = -1;
            QToolTip::hideText();
            requestReplot();
            return true;
        }
        // Decided per press, before QCustomPlot sees it: Shift-drag draws a box in any mode.
        m_plot->setSelectionRectMode(m_mode == DragMode::Box || shift ? QCP::srmCustom : QCP::srmNone);
        break;
    }
    case QEvent::MouseMove:
        if (m_lassoActive) {
            auto* me = static_cast<QMouseEvent*>(event);
            // A vertex every 2 pixels keeps the path smooth and the polygon small.
            if ((me->position() - m_lassoLastPixel).manhattanLength() >= 2) {
                m_lasso.emplace_back(m_plot->xAxis->pixelToCoord(me->position().x()),
                                     m_plot->yAxis->pixelToCoord(me->position().y()));
                m_lassoLastPixel = me->position();
                requestReplot();
            }
            return true;
        }
        break;
    case QEvent::MouseButtonRelease:
        if (m_lassoActive && static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton) {
            finishLasso(static_cast<QMouseEvent*>(event)->position());
            return true;
        }
        break;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void MapView::onMouseMove(QMouseEvent* event) {
    if (event->buttons() != Qt::NoButton) return;
    const int i = nearestPoint(event->position());
    if (i != m_hover) {
        m_hover = i;
        requestReplot();
    }
    if (i >= 0 && m_tooltip) QToolTip::showText(event->globalPosition().toPoint(), m_tooltip(i), m_plot);
    else QToolTip::hideText();
}

void MapView::onMousePress(QMouseEvent* event) { m_pressPos = event->position(); }

void MapView::onMouseRelease(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    if ((event->position() - m_pressPos).manhattanLength() > 3) return;
    const int i = nearestPoint(event->position());
    if (i >= 0) Q_EMIT pointClicked(i);
}

} // namespace synthembed::ui
