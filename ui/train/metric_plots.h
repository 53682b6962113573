#pragma once
// Live training curves against the optimiser step: loss (raw and smoothed), learning rate,
// gradient norm, throughput, in-batch/dev accuracy, positive/negative cosine. Two slots: the
// run being looked at and a second run overlaid for comparison. Data may arrive at any rate;
// repaints are coalesced by a 40 ms single-shot timer (PlotJuggler), never one per step.
// Wheel zooms, drag pans (x axes move together); a double click returns to following the data.

#include "core/train/config.h"
#include "core/train/run_store.h"

#include <QColor>
#include <QRectF>
#include <QString>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPRange;
class QMenu;

namespace synthembed::ui {

class MetricPlots : public QWidget {
    Q_OBJECT
public:
    enum Slot { Primary = 0, Compare = 1, SlotCount = 2 };

    explicit MetricPlots(QWidget* parent = nullptr);

    void clear(Slot slot);
    /// Shown in the legend ("run 3", "run 5").
    void setLabel(Slot slot, const QString& label);
    /// Appends one step (a live run); the repaint is scheduled, not done here.
    void appendStep(Slot slot, const train::StepMetrics& metrics);
    /// Replaces a slot's curves with a stored run's series (train_metrics names).
    void setSeries(Slot slot, const std::vector<train::MetricSeries>& series);

    /// Metric keys of the curves: loss, loss_smooth, lr, grad_norm, samples_per_s, accuracy,
    /// dev_accuracy, pos_cos, neg_cos.
    static QStringList metricKeys();
    /// Points in one curve (tests).
    int pointCount(const QString& metric, Slot slot) const;
    /// Replots done so far (tests: coalescing).
    int replotCount() const { return m_replots; }
    /// Largest step shown in a slot (-1 when empty).
    qint64 lastStep(Slot slot) const { return m_lastStep[slot]; }
    /// Legend entries of plot `plot` (0 = loss, 4 = accuracy, 5 = cosine) as shown after the last
    /// replot; 0 / empty while the legend is hidden (tests).
    int legendItemCount(int plot) const;
    QStringList legendTexts(int plot) const;
    /// Follows the data again after the user zoomed or panned.
    void resetView();

    /// Where a plot's legend sits; right-click a plot with a legend to change it (remembered in the
    /// settings). Defaults keep clear of where the curves end: loss top right, accuracy and cosine top left.
    enum class LegendPlace { TopRight, TopLeft, BottomRight, BottomLeft, Hidden };
    void setLegendPlace(int plot, LegendPlace place);
    LegendPlace legendPlace(int plot) const;
    /// Plots that show a legend (0 = loss, 4 = accuracy, 5 = cosine).
    const std::vector<int>& legendPlots() const { return m_legendPlots; }
    /// The right-click menu of a plot with a legend (tests).
    QMenu* legendMenu(int plot);
    /// The legend's rectangle as fractions of its plot's axis rect (0,0 top left; tests).
    QRectF legendRectInAxes(int plot) const;

Q_SIGNALS:
    /// After each (coalesced) repaint: the plots now show up to lastStep().
    void replotted();

private:
    struct Curve {
        QString key;
        QString name;   ///< legend text after the run label
        int plot;       ///< index into m_plots
        QCPGraph* graph[SlotCount]{};
    };
    QCustomPlot* addPlot(const QString& title, const QString& yLabel);
    void addCurve(const QString& key, int plot, const QString& name, int variant, bool light);
    Curve* curve(const QString& key);
    const Curve* curve(const QString& key) const;
    void addPoint(Slot slot, const QString& key, double step, double value);
    void scheduleReplot();
    void replot();
    void updateLegends();
    void applyLegendPlace(int plot);
    void onUserRange(const QCPRange& range, QCustomPlot* source);

    QVector<QCustomPlot*> m_plots;
    std::vector<int> m_legendPlots; ///< plots that show a legend
    std::vector<LegendPlace> m_legendPlace; ///< per plot
    std::vector<Curve> m_curves;
    QTimer m_replotTimer;
    int m_replots = 0;
    bool m_follow = true;  ///< auto-rescale to the data (off after the user zooms or pans)
    bool m_syncing = false;
    double m_ema[SlotCount]{};
    double m_emaWeight[SlotCount]{};
    qint64 m_lastStep[SlotCount]{-1, -1};
    QString m_label[SlotCount];
};

} // namespace synthembed::ui
