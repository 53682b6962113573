#pragma once
// A 2-D scatter map of an embedding set drawn with QCustomPlot that stays interactive at 100k+
// points: every point is kept (no down-sampling cap) and rasterised into one image per view
// change; hover and click find the nearest point through a uniform grid; box selection
// (mode or Shift-drag) and lasso selection (a freehand polygon, tested in plot coordinates
// against the grid's candidates) list the points inside; highlighted points (query results) are
// drawn on top.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QPolygonF>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QCustomPlot;
class QMouseEvent;

namespace synthembed::ui {

class MapView : public QWidget {
    Q_OBJECT
public:
    explicit MapView(QWidget* parent = nullptr);
    ~MapView() override;

    /// Points as x0, y0, x1, y1, ...; all of them are drawn. Clears categories, highlights,
    /// selection, and fits the view.
    void setPoints(std::vector<float> xy);
    /// Category (index into names) per point; -1 = uncategorised (grey). The legend lists the
    /// names with their colours and counts.
    void setCategories(std::vector<int> category, const QStringList& names);
    /// Query results: drawn as large outlined markers, the first (best) one filled.
    void setHighlighted(const std::vector<int>& points);
    /// An extra marker (e.g. the query's own position), or none with a NaN point.
    void setQueryMarker(QPointF xy);
    void setSelection(const std::vector<int>& points);
    /// Axis titles ("PC 1" / "PC 2" by default).
    void setAxisLabels(const QString& x, const QString& y);
    /// Text for the hover tooltip of a point.
    void setTooltipProvider(std::function<QString(int)> provider) { m_tooltip = std::move(provider); }
    /// What a left-button drag does: pan the view, draw a selection box, or draw a freehand
    /// lasso. Shift-drag draws a box in pan mode too.
    enum class DragMode { Pan, Box, Lasso };
    void setDragMode(DragMode mode);
    DragMode dragMode() const { return m_mode; }
    /// true: Box mode; false: Pan mode.
    void setBoxSelectMode(bool on) { setDragMode(on ? DragMode::Box : DragMode::Pan); }
    bool boxSelectMode() const { return m_mode == DragMode::Box; }

    int pointCount() const;
    QPointF point(int i) const;
    const std::vector<int>& selection() const { return m_selection; }
    const std::vector<int>& highlighted() const { return m_highlighted; }
    QColor categoryColor(int category) const;
    static QColor paletteColor(int index);

    /// Nearest point to a widget-pixel position of the plot within maxPixels, or -1.
    int nearestPoint(QPointF pixel, double maxPixels = 8.0) const;
    /// Points inside a rectangle in plot-widget pixels, in index order.
    std::vector<int> pointsInRect(const QRectF& pixels) const;
    /// Points inside a polygon (vertices in plot-widget pixels, implicitly closed, even-odd rule),
    /// in index order. The test runs in plot coordinates over the grid cells the polygon covers.
    std::vector<int> pointsInPolygon(const QPolygonF& pixels) const;
    /// Selects the points inside a polygon in plot-widget pixels and emits selectionChanged, as a
    /// finished lasso drag does.
    void selectPolygon(const QPolygonF& pixels);
    /// The lasso being drawn, in plot-widget pixels (empty when none).
    QPolygonF lassoPath() const;
    /// Plot pixel of a point under the current view.
    QPointF pixelOf(int i) const;
    /// Shows every point.
    void resetView();
    /// Repaint (queued: repeated calls in one event-loop turn draw once).
    void requestReplot();
    QCustomPlot* plot() const { return m_plot; }
    /// How many times the point layer was rasterised (tests check cached hover redraws).
    int rasterCount() const;

Q_SIGNALS:
    void pointClicked(int index);
    void selectionChanged(const QList<int>& points);

private:
    class PointLayer;
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    std::vector<int> pointsInCoordPolygon(const std::vector<QPointF>& polygon) const;
    void finishLasso(QPointF pixel);
    void buildGrid();
    void rebuildLegend();
    bool eventFilter(QObject* watched, QEvent* event) override;

    QCustomPlot* m_plot;
    PointLayer* m_layer; // owned by m_plot
    std::vector<float> m_xy;
    std::vector<int> m_category;
    QStringList m_names;
    std::vector<int> m_highlighted, m_selection;
    QPointF m_queryMarker;
    int m_hover = -1;
    DragMode m_mode = DragMode::Pan;
    QPointF m_pressPos;
    // The lasso being drawn, in plot coordinates (so a zoom while drawing keeps it in place).
    std::vector<QPointF> m_lasso;
    bool m_lassoActive = false;
    QPointF m_lassoLastPixel;
    std::function<QString(int)> m_tooltip;
    // Uniform grid over the data bounds: the points of cell c are m_cellItems[m_cellStart[c] ..
    // m_cellStart[c + 1]).
    int m_gridN = 0;
    double m_x0 = 0, m_y0 = 0, m_cellW = 1, m_cellH = 1;
    std::vector<int> m_cellStart, m_cellItems;
};

} // namespace synthembed::ui
