// SPDX-License-Identifier: GPL-3.0-or-later
#include "statsview.h"

#include "board/statuscolor.h"
#include "model/monitormodel.h"
#include "model/stats.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QLineSeries>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QValueAxis>
#include <algorithm>

namespace mm {

namespace {
// Even with nothing new, the windows slide with the clock: redraw this often while shown.
constexpr int SlideIntervalMs = 10000;

qint64 wallClockUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

// Counts are whole numbers: ticks on 1, 2, 5, 10, 20, 50… with about five of them.
void setCountRange(QValueAxis *axis, int max)
{
    int step = 1;
    for (int magnitude = 1; max > step * 5; magnitude *= 10) {
        for (int m : {1, 2, 5}) {
            step = m * magnitude;
            if (max <= step * 5)
                break;
        }
    }
    const int top = std::max(step, (max + step - 1) / step * step);
    axis->setRange(0, top);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setLabelFormat(QStringLiteral("%d"));
}

QChart *newChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->hide();
    return chart;
}

QBarSet *newBarSet(const QString &label, int count)
{
    auto *set = new QBarSet(label);
    for (int i = 0; i < count; ++i)
        set->append(0);
    return set;
}
} // namespace

StatsView::StatsView(MonitorModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_clock(wallClockUs)
{
    // Deliveries per minute.
    m_rateChart = newChart(tr("Deliveries per minute, last hour"));
    m_rateSeries = new QLineSeries(m_rateChart);
    m_rateSeries->setName(tr("Deliveries"));
    m_rateChart->addSeries(m_rateSeries);
    m_rateX = new QDateTimeAxis(m_rateChart);
    m_rateX->setFormat(QStringLiteral("HH:mm"));
    m_rateX->setTickCount(7);
    m_rateY = new QValueAxis(m_rateChart);
    m_rateChart->addAxis(m_rateX, Qt::AlignBottom);
    m_rateChart->addAxis(m_rateY, Qt::AlignLeft);
    m_rateSeries->attachAxis(m_rateX);
    m_rateSeries->attachAxis(m_rateY);

    // Durations of finished migrations.
    m_durationChart = newChart(tr("How long finished migrations took"));
    m_durationSeries = new QBarSeries(m_durationChart);
    m_durationSet = newBarSet(tr("Migrations"), DurationHistogram::BinCount);
    m_durationSeries->append(m_durationSet);
    m_durationSeries->setBarWidth(0.8);
    m_durationChart->addSeries(m_durationSeries);
    auto *durationX = new QBarCategoryAxis(m_durationChart);
    // Axis labels are rich text: "< 1 min" must be escaped to show at all.
    for (int bin = 0; bin < DurationHistogram::BinCount; ++bin)
        durationX->append(DurationHistogram::binLabel(bin).toHtmlEscaped());
    durationX->setTruncateLabels(false);
    m_durationY = new QValueAxis(m_durationChart);
    m_durationChart->addAxis(durationX, Qt::AlignBottom);
    m_durationChart->addAxis(m_durationY, Qt::AlignLeft);
    m_durationSeries->attachAxis(durationX);
    m_durationSeries->attachAxis(m_durationY);

    // Outcomes by the hour migrations started.
    m_outcomeChart = newChart(tr("Outcome by the hour migrations started, last day"));
    m_outcomeSeries = new QStackedBarSeries(m_outcomeChart);
    m_completed = newBarSet(statusDisplayName(MigrationStatus::Complete), OutcomeHours);
    m_withFailures = newBarSet(statusDisplayName(MigrationStatus::CompletedWithFailures), OutcomeHours);
    m_failed = newBarSet(statusDisplayName(MigrationStatus::Failed), OutcomeHours);
    m_inProgress = newBarSet(tr("In progress"), OutcomeHours);
    m_outcomeSeries->append({m_completed, m_withFailures, m_failed, m_inProgress});
    m_outcomeSeries->setBarWidth(0.8);
    m_outcomeChart->addSeries(m_outcomeSeries);
    // Bars sit on 0, 1, … 23; a time label marks every third hour's start, like a time axis.
    m_outcomeX = new QCategoryAxis(m_outcomeChart);
    m_outcomeX->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_outcomeX->setRange(-0.5, OutcomeHours - 0.5);
    m_outcomeX->setStartValue(-0.5);
    m_outcomeY = new QValueAxis(m_outcomeChart);
    m_outcomeChart->addAxis(m_outcomeX, Qt::AlignBottom);
    m_outcomeChart->addAxis(m_outcomeY, Qt::AlignLeft);
    m_outcomeSeries->attachAxis(m_outcomeX);
    m_outcomeSeries->attachAxis(m_outcomeY);
    m_outcomeChart->legend()->setAlignment(Qt::AlignBottom);
    m_outcomeChart->legend()->show();

    auto *layout = new QGridLayout(this);
    m_ratePanel = addPanel(m_rateChart, tr("No deliveries in the last hour."));
    m_durationPanel = addPanel(m_durationChart,
                               tr("No finished migrations yet. Durations appear here once "
                                  "migrations complete or fail."));
    m_outcomePanel = addPanel(m_outcomeChart, tr("No migrations started in the last 24 hours."));
    layout->addWidget(m_ratePanel.stack, 0, 0, 1, 2);
    layout->addWidget(m_durationPanel.stack, 1, 0);
    layout->addWidget(m_outcomePanel.stack, 1, 1);
    layout->setRowStretch(0, 1);
    layout->setRowStretch(1, 1);
    applyTheme();

    m_timer.setInterval(RefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StatsView::tick);
    connect(model->events(), &QAbstractItemModel::rowsInserted, this, &StatsView::markDirty);
    connect(model->events(), &QAbstractItemModel::modelReset, this, &StatsView::markDirty);
    connect(model, &MonitorModel::migrationUpdated, this, &StatsView::markDirty);
    connect(model, &MonitorModel::loaded, this, &StatsView::markDirty);
}

StatsView::Panel StatsView::addPanel(QChart *chart, const QString &emptyText)
{
    Panel panel;
    panel.stack = new QStackedWidget(this);
    panel.view = new QChartView(chart, panel.stack);
    panel.view->setRenderHint(QPainter::Antialiasing);
    panel.view->setFrameShape(QFrame::NoFrame);
    panel.view->setMinimumHeight(fontMetrics().height() * 12);
    panel.empty = new QLabel(
        QStringLiteral("<b>%1</b><br><br>%2").arg(chart->title().toHtmlEscaped(), emptyText.toHtmlEscaped()),
        panel.stack);
    panel.empty->setAlignment(Qt::AlignCenter);
    panel.empty->setWordWrap(true);
    panel.empty->setMargin(fontMetrics().height());
    panel.empty->setForegroundRole(QPalette::PlaceholderText);
    panel.stack->addWidget(panel.view);
    panel.stack->addWidget(panel.empty);
    panel.stack->setCurrentWidget(panel.empty);
    return panel;
}

void StatsView::setEmpty(const Panel &panel, bool empty)
{
    panel.stack->setCurrentWidget(empty ? static_cast<QWidget *>(panel.empty) : panel.view);
}

bool StatsView::isEmptyShown(const QChart *chart) const
{
    for (const Panel *panel : {&m_ratePanel, &m_durationPanel, &m_outcomePanel}) {
        if (panel->view->chart() == chart)
            return panel->stack->currentWidget() == panel->empty;
    }
    return false;
}

void StatsView::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    markDirty();
}

void StatsView::markDirty()
{
    m_dirty = true;
}

void StatsView::tick()
{
    if (isVisible() && (m_dirty || !m_sinceRefresh.isValid() || m_sinceRefresh.hasExpired(SlideIntervalMs)))
        refresh();
}

void StatsView::refresh()
{
    const qint64 nowUs = m_clock();
    refreshRate(nowUs);
    refreshDurations();
    refreshOutcomes(nowUs);
    m_dirty = false;
    m_sinceRefresh.start();
}

void StatsView::refreshRate(qint64 nowUs)
{
    const EventRate rate = Stats(m_model->log(), m_model->book()).eventRate(nowUs, RateMinutes);
    QList<QPointF> points;
    points.reserve(rate.counts.size());
    for (int i = 0; i < rate.counts.size(); ++i)
        points.append(QPointF(qreal(rate.window.bucketStartUs(i + 1) / 1000), rate.counts.at(i)));
    m_rateSeries->replace(points);
    m_rateX->setRange(QDateTime::fromMSecsSinceEpoch(rate.window.startUs / 1000),
                      QDateTime::fromMSecsSinceEpoch(rate.window.endUs() / 1000));
    setCountRange(m_rateY, rate.peak);
    setEmpty(m_ratePanel, rate.total == 0);
}

void StatsView::refreshDurations()
{
    const DurationHistogram histogram = Stats(m_model->log(), m_model->book()).durations();
    int peak = 0;
    for (int bin = 0; bin < DurationHistogram::BinCount; ++bin) {
        m_durationSet->replace(bin, histogram.counts[size_t(bin)]);
        peak = std::max(peak, histogram.counts[size_t(bin)]);
    }
    setCountRange(m_durationY, peak);
    setEmpty(m_durationPanel, histogram.total == 0);
}

void StatsView::refreshOutcomes(qint64 nowUs)
{
    const OutcomeSeries series = Stats(m_model->log(), m_model->book()).outcomes(nowUs, OutcomeHours);
    int peak = 0;
    for (int i = 0; i < series.buckets.size(); ++i) {
        const OutcomeBucket &b = series.buckets.at(i);
        m_completed->replace(i, b.completed);
        m_withFailures->replace(i, b.withFailures);
        m_failed->replace(i, b.failed);
        m_inProgress->replace(i, b.inProgress);
        peak = std::max(peak, b.total());
    }
    QStringList labels;
    for (int i = OutcomeLabelEvery; i <= series.window.count; i += OutcomeLabelEvery) {
        QString label = QDateTime::fromMSecsSinceEpoch(series.window.bucketStartUs(i) / 1000)
                            .toString(QStringLiteral("HH:mm"));
        // Labels must differ; a clock turned back for the winter repeats an hour.
        while (labels.contains(label))
            label.append(QChar(0x2032));
        labels.append(label);
    }
    if (m_outcomeX->categoriesLabels() != labels) {
        for (const QString &old : m_outcomeX->categoriesLabels())
            m_outcomeX->remove(old);
        for (int i = 0; i < labels.size(); ++i)
            m_outcomeX->append(labels.at(i), (i + 1) * OutcomeLabelEvery - 0.5);
    }
    setCountRange(m_outcomeY, peak);
    setEmpty(m_outcomePanel, series.total == 0);
}

void StatsView::applyTheme()
{
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    for (QChart *chart : {m_rateChart, m_durationChart, m_outcomeChart}) {
        // The theme sets fonts and defaults; the window's own colours then take over, so
        // the charts sit in the app rather than on the theme's gradient.
        chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(pal.brush(QPalette::Base));
        chart->setBackgroundRoundness(0);
        chart->setTitleBrush(pal.brush(QPalette::Text));
        chart->legend()->setLabelColor(pal.color(QPalette::Text));
        QColor grid = pal.color(QPalette::Text);
        grid.setAlphaF(0.15f);
        for (QAbstractAxis *axis : chart->axes()) {
            axis->setLabelsBrush(pal.brush(QPalette::Text));
            axis->setLinePenColor(pal.color(QPalette::Mid));
            axis->setGridLineColor(grid);
        }
    }
    // The view shows around the chart's own background: the same colour, one surface.
    for (const Panel *panel : {&m_ratePanel, &m_durationPanel, &m_outcomePanel})
        panel->view->setBackgroundBrush(pal.brush(QPalette::Base));
    const QColor accent = pal.color(QPalette::Highlight);
    QPen line(accent);
    line.setWidthF(std::max(1.5, fontMetrics().height() / 8.0));
    m_rateSeries->setPen(line);
    m_durationSet->setColor(accent);
    m_durationSet->setBorderColor(accent);
    const std::pair<QBarSet *, MigrationStatus> outcomes[] = {
        {m_completed, MigrationStatus::Complete},
        {m_withFailures, MigrationStatus::CompletedWithFailures},
        {m_failed, MigrationStatus::Failed},
        {m_inProgress, MigrationStatus::Working},
    };
    for (const auto &[set, status] : outcomes) {
        set->setColor(statusColor(status));
        set->setBorderColor(pal.color(QPalette::Base));
    }
}

void StatsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    tick();
    m_timer.start();
}

void StatsView::hideEvent(QHideEvent *event)
{
    m_timer.stop();
    QWidget::hideEvent(event);
}

void StatsView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QWidget::changeEvent(event);
}

} // namespace mm
