#include "ui/train/metric_plots.h"

#include <QActionGroup>
#include <QGridLayout>
#include <QMenu>
#include <QSettings>

#include "ui/qcp.h" // last: defines Qt keywords for QCustomPlot

#include <algorithm>
#include <cmath>
#include <limits>

namespace synthembed::ui {

namespace {
constexpr double kSmoothing = 0.9; // TensorBoard-style EMA weight for the smoothed loss
constexpr int kReplotMs = 40;

QColor slotColor(int slot, int variant) {
    // Primary in blues/greens, comparison in oranges/purples; variant picks the second curve of a plot.
    static const QColor primary[] = {QColor(0x1f, 0x77, 0xb4), QColor(0x2c, 0xa0, 0x2c)};
    static const QColor compare[] = {QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd)};
    return slot == 0 ? primary[variant] : compare[variant];
}
} // namespace

MetricPlots::MetricPlots(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("metricPlots"));
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);

    const int loss = 0, lr = 1, grad = 2, speed = 3, acc = 4, cos = 5;
    addPlot(tr("Loss"), tr("InfoNCE"));
    addPlot(tr("Learning rate"), tr("lr"));
    addPlot(tr("Gradient norm"), tr("L2 norm"));
    addPlot(tr("Throughput"), tr("samples/s"));
    addPlot(tr("In-batch accuracy"), tr("top-1"));
    addPlot(tr("Cosine similarity"), tr("cos"));
    for (int i = 0; i < m_plots.size(); ++i) grid->addWidget(m_plots[i], i / 3, i % 3);

    addCurve(QStringLiteral("loss"), loss, tr("loss"), 0, true);
    addCurve(QStringLiteral("loss_smooth"), loss, tr("smoothed"), 0, false);
    addCurve(QStringLiteral("lr"), lr, tr("lr"), 0, false);
    addCurve(QStringLiteral("grad_norm"), grad, tr("grad norm"), 0, false);
    addCurve(QStringLiteral("samples_per_s"), speed, tr("samples/s"), 0, false);
    addCurve(QStringLiteral("accuracy"), acc, tr("in-batch"), 0, false);
    addCurve(QStringLiteral("dev_accuracy"), acc, tr("dev"), 1, false);
    addCurve(QStringLiteral("pos_cos"), cos, tr("positive"), 1, false);
    addCurve(QStringLiteral("neg_cos"), cos, tr("negative"), 0, false);
    for (auto& c : m_curves)
        if (c.key == QLatin1String("dev_accuracy"))
            for (auto* g : c.graph) {
                g->setLineStyle(QCPGraph::lsNone);
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
            }

    // Legends where a plot holds several curves; replot() fills them with the curves that have data.
    m_legendPlace.assign(std::size_t(m_plots.size()), LegendPlace::TopRight);
    m_legendPlace[std::size_t(acc)] = m_legendPlace[std::size_t(cos)] = LegendPlace::TopLeft;
    for (int p : {loss, acc, cos}) {
        auto* legend = m_plots[p]->legend;
        legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 2)));
        legend->setRowSpacing(-3);
        legend->setBrush(QColor(255, 255, 255, 200));
        m_legendPlots.push_back(p);
        const QVariant saved = QSettings().value(QStringLiteral("training/legendPlace%1").arg(p));
        if (saved.isValid() && saved.toInt() >= 0 && saved.toInt() <= int(LegendPlace::Hidden))
            m_legendPlace[std::size_t(p)] = LegendPlace(saved.toInt());
        applyLegendPlace(p);
        m_plots[p]->setContextMenuPolicy(Qt::CustomContextMenu);
        m_plots[p]->setToolTip(tr("Right-click to move or hide the legend."));
        connect(m_plots[p], &QWidget::customContextMenuRequested, this, [this, p](const QPoint& pos) {
            auto* menu = legendMenu(p);
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(m_plots[p]->mapToGlobal(pos));
        });
    }
    for (auto* plot : m_plots) {
        plot->setAutoAddPlottableToLegend(false);
        plot->legend->clearItems();
        plot->legend->setVisible(false);
    }

    m_replotTimer.setSingleShot(true);
    m_replotTimer.setInterval(kReplotMs);
    connect(&m_replotTimer, &QTimer::timeout, this, &MetricPlots::replot);
    setLabel(Primary, tr("run"));
    setLabel(Compare, tr("compare"));
    clear(Primary);
    clear(Compare);
}

QCustomPlot* MetricPlots::addPlot(const QString& title, const QString& yLabel) {
    auto* plot = new QCustomPlot(this);
    plot->setObjectName(QStringLiteral("plot_%1").arg(m_plots.size()));
    plot->setMinimumSize(220, 150);
    plot->setNoAntialiasingOnDrag(true);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->plotLayout()->insertRow(0);
    auto* heading = new QCPTextElement(plot, title, QFont(font().family(), font().pointSize(), QFont::Bold));
    plot->plotLayout()->addElement(0, 0, heading);
    plot->xAxis->setLabel(tr("step"));
    plot->yAxis->setLabel(yLabel);
    for (auto* axis : {plot->xAxis, plot->yAxis}) {
        QFont f = axis->tickLabelFont();
        f.setPointSize(std::max(7, f.pointSize() - 1));
        axis->setTickLabelFont(f);
    }
    plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    connect(plot, &QCustomPlot::mousePress, this, [this] { m_follow = false; });
    connect(plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
    connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this, plot](const QCPRange& r) { onUserRange(r, plot); });
    m_plots.push_back(plot);
    return plot;
}

void MetricPlots::addCurve(const QString& key, int plot, const QString& name, int variant, bool light) {
    Curve c{key, name, plot, {}};
    for (int s = 0; s < SlotCount; ++s) {
        auto* g = m_plots[plot]->addGraph();
        QColor color = slotColor(s, variant);
        if (light) color.setAlpha(90);
        QPen pen(color, light ? 1.0 : 1.6);
        if (s == Compare) pen.setStyle(Qt::DashLine);
        g->setPen(pen);
        g->setName(name);
        g->setAdaptiveSampling(true);
        c.graph[s] = g;
    }
    m_curves.push_back(c);
}

MetricPlots::Curve* MetricPlots::curve(const QString& key) {
    for (auto& c : m_curves)
        if (c.key == key) return &c;
    return nullptr;
}

const MetricPlots::Curve* MetricPlots::curve(const QString& key) const {
    for (const auto& c : m_curves)
        if (c.key == key) return &c;
    return nullptr;
}

QStringList MetricPlots::metricKeys() {
    return {QStringLiteral("loss"),          QStringLiteral("loss_smooth"), QStringLiteral("lr"),
            QStringLiteral("grad_norm"),     QStringLiteral("samples_per_s"), QStringLiteral("accuracy"),
            QStringLiteral("dev_accuracy"),  QStringLiteral("pos_cos"),     QStringLiteral("neg_cos")};
}

void MetricPlots::setLabel(Slot slot, const QString& label) {
    m_label[slot] = label;
    for (auto& c : m_curves) c.graph[slot]->setName(QStringLiteral("%1: %2").arg(label, c.name));
    scheduleReplot();
}

void MetricPlots::clear(Slot slot) {
    for (auto& c : m_curves) {
        c.graph[slot]->data()->clear();
    }
    m_ema[slot] = 0;
    m_emaWeight[slot] = 0;
    m_lastStep[slot] = -1;
    scheduleReplot();
}

void MetricPlots::addPoint(Slot slot, const QString& key, double step, double value) {
    if (!std::isfinite(value)) return;
    auto* c = curve(key);
    if (!c) return;
    c->graph[slot]->addData(step, value);
}

void MetricPlots::appendStep(Slot slot, const train::StepMetrics& m) {
    const double x = double(m.step);
    if (m.step <= m_lastStep[slot]) {
        // A resumed run repeats the steps after its last checkpoint: its new values replace the old.
        for (auto& c : m_curves) c.graph[slot]->data()->remove(x, std::numeric_limits<double>::max());
        m_ema[slot] = m_emaWeight[slot] = 0;
        for (const auto& p : *curve(QStringLiteral("loss"))->graph[slot]->data()) {
            m_ema[slot] = kSmoothing * m_ema[slot] + (1 - kSmoothing) * p.value;
            m_emaWeight[slot] = kSmoothing * m_emaWeight[slot] + (1 - kSmoothing);
        }
        m_lastStep[slot] = m.step - 1;
    }
    addPoint(slot, QStringLiteral("loss"), x, m.loss);
    if (std::isfinite(m.loss)) {
        m_ema[slot] = kSmoothing * m_ema[slot] + (1 - kSmoothing) * m.loss;
        m_emaWeight[slot] = kSmoothing * m_emaWeight[slot] + (1 - kSmoothing);
        addPoint(slot, QStringLiteral("loss_smooth"), x, m_ema[slot] / m_emaWeight[slot]);
    }
    addPoint(slot, QStringLiteral("lr"), x, m.lr);
    addPoint(slot, QStringLiteral("grad_norm"), x, m.gradNorm);
    addPoint(slot, QStringLiteral("samples_per_s"), x, m.samplesPerSec);
    addPoint(slot, QStringLiteral("accuracy"), x, m.accuracy);
    addPoint(slot, QStringLiteral("pos_cos"), x, m.posCos);
    addPoint(slot, QStringLiteral("neg_cos"), x, m.negCos);
    if (m.devAccuracy) addPoint(slot, QStringLiteral("dev_accuracy"), x, *m.devAccuracy);
    m_lastStep[slot] = std::max(m_lastStep[slot], qint64(m.step));
    scheduleReplot();
}

void MetricPlots::setSeries(Slot slot, const std::vector<train::MetricSeries>& series) {
    clear(slot);
    for (const auto& s : series) {
        const QString key = QString::fromStdString(s.name);
        for (const auto& [step, value] : s.points) {
            addPoint(slot, key, double(step), value);
            m_lastStep[slot] = std::max(m_lastStep[slot], qint64(step));
            if (key == QLatin1String("loss") && std::isfinite(value)) {
                m_ema[slot] = kSmoothing * m_ema[slot] + (1 - kSmoothing) * value;
                m_emaWeight[slot] = kSmoothing * m_emaWeight[slot] + (1 - kSmoothing);
                addPoint(slot, QStringLiteral("loss_smooth"), double(step), m_ema[slot] / m_emaWeight[slot]);
            }
        }
    }
    scheduleReplot();
}

int MetricPlots::pointCount(const QString& metric, Slot slot) const {
    const auto* c = curve(metric);
    return c ? c->graph[slot]->dataCount() : -1;
}

void MetricPlots::resetView() {
    m_follow = true;
    scheduleReplot();
}

void MetricPlots::scheduleReplot() {
    if (!m_replotTimer.isActive()) m_replotTimer.start();
}

void MetricPlots::replot() {
    ++m_replots;
    m_syncing = true;
    updateLegends();
    for (auto* plot : m_plots) {
        if (m_follow) {
            bool any = false;
            for (int i = 0; i < plot->graphCount(); ++i) any = any || !plot->graph(i)->data()->isEmpty();
            if (any) {
                plot->rescaleAxes(true);
                // A flat curve (constant lr) would otherwise sit on the frame.
                auto y = plot->yAxis->range();
                const double pad = y.size() > 0 ? y.size() * 0.05 : std::max(std::abs(y.center()) * 0.05, 1e-12);
                plot->yAxis->setRange(y.lower - pad, y.upper + pad);
                if (plot->xAxis->range().size() <= 0) plot->xAxis->setRange(plot->xAxis->range().lower - 1, plot->xAxis->range().upper + 1);
            } else {
                plot->xAxis->setRange(0, 10);
                plot->yAxis->setRange(0, 1);
            }
        }
        plot->replot();
    }
    m_syncing = false;
    Q_EMIT replotted();
}

MetricPlots::LegendPlace MetricPlots::legendPlace(int plot) const {
    return plot >= 0 && plot < int(m_legendPlace.size()) ? m_legendPlace[std::size_t(plot)] : LegendPlace::Hidden;
}

void MetricPlots::setLegendPlace(int plot, LegendPlace place) {
    if (std::find(m_legendPlots.begin(), m_legendPlots.end(), plot) == m_legendPlots.end()) return;
    m_legendPlace[std::size_t(plot)] = place;
    QSettings().setValue(QStringLiteral("training/legendPlace%1").arg(plot), int(place));
    applyLegendPlace(plot);
    replot();
}

void MetricPlots::applyLegendPlace(int plot) {
    Qt::Alignment corner = Qt::AlignTop | Qt::AlignRight;
    switch (m_legendPlace[std::size_t(plot)]) {
    case LegendPlace::TopLeft: corner = Qt::AlignTop | Qt::AlignLeft; break;
    case LegendPlace::BottomRight: corner = Qt::AlignBottom | Qt::AlignRight; break;
    case LegendPlace::BottomLeft: corner = Qt::AlignBottom | Qt::AlignLeft; break;
    default: break;
    }
    m_plots[plot]->axisRect()->insetLayout()->setInsetAlignment(0, corner);
}

QRectF MetricPlots::legendRectInAxes(int plot) const {
    if (plot < 0 || plot >= m_plots.size()) return {};
    const QRect legend = m_plots[plot]->legend->outerRect(), axes = m_plots[plot]->axisRect()->rect();
    if (axes.width() <= 0 || axes.height() <= 0) return {};
    return {double(legend.left() - axes.left()) / axes.width(), double(legend.top() - axes.top()) / axes.height(),
            double(legend.width()) / axes.width(), double(legend.height()) / axes.height()};
}

QMenu* MetricPlots::legendMenu(int plot) {
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("legendMenu"));
    auto* group = new QActionGroup(menu);
    const std::pair<LegendPlace, QString> choices[] = {
        {LegendPlace::TopRight, tr("Legend top right")},     {LegendPlace::TopLeft, tr("Legend top left")},
        {LegendPlace::BottomRight, tr("Legend bottom right")}, {LegendPlace::BottomLeft, tr("Legend bottom left")},
        {LegendPlace::Hidden, tr("Hide legend")}};
    for (const auto& [place, text] : choices) {
        auto* a = menu->addAction(text);
        a->setCheckable(true);
        a->setChecked(legendPlace(plot) == place);
        a->setData(int(place));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, plot, place = place] { setLegendPlace(plot, place); });
    }
    return menu;
}

void MetricPlots::updateLegends() {
    // Each legend lists the curves of its plot that have data, in curve order, and is hidden while
    // there is none (an empty legend frame otherwise sits in the corner). Rebuilt only on change.
    for (int p : m_legendPlots) {
        auto* legend = m_plots[p]->legend;
        std::vector<QCPGraph*> want;
        for (int s = 0; s < SlotCount; ++s)
            for (const auto& c : m_curves)
                if (c.plot == p && !c.graph[s]->data()->isEmpty()) want.push_back(c.graph[s]);
        bool same = legend->itemCount() == int(want.size());
        for (int i = 0; same && i < legend->itemCount(); ++i) {
            auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
            same = item && item->plottable() == want[std::size_t(i)];
        }
        if (!same) {
            legend->clearItems();
            for (auto* g : want) legend->addItem(new QCPPlottableLegendItem(legend, g));
        }
        legend->setVisible(!want.empty() && m_legendPlace[std::size_t(p)] != LegendPlace::Hidden);
    }
}

int MetricPlots::legendItemCount(int plot) const {
    return plot >= 0 && plot < m_plots.size() && m_plots[plot]->legend->visible() ? m_plots[plot]->legend->itemCount() : 0;
}

QStringList MetricPlots::legendTexts(int plot) const {
    QStringList out;
    if (plot < 0 || plot >= m_plots.size() || !m_plots[plot]->legend->visible()) return out;
    for (int i = 0; i < m_plots[plot]->legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(m_plots[plot]->legend->item(i)))
            out << item->plottable()->name();
    return out;
}

void MetricPlots::onUserRange(const QCPRange& range, QCustomPlot* source) {
    if (m_syncing) return;
    // The user zoomed or panned one plot: every plot shows the same steps.
    m_syncing = true;
    for (auto* plot : m_plots)
        if (plot != source) {
            plot->xAxis->setRange(range);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
    m_syncing = false;
}

} // namespace synthembed::ui
