// SPDX-License-Identifier: GPL-3.0-or-later
// The Stats tab: deliveries per minute over the last hour, how long finished migrations
// took, and how the last day's migrations ended, drawn from MonitorModel through Stats.
#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>
#include <functional>

class QCategoryAxis;
class QBarSeries;
class QBarSet;
class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QStackedBarSeries;
class QStackedWidget;
class QValueAxis;

namespace mm {

class MonitorModel;

class StatsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatsView)

public:
    static constexpr int RefreshIntervalMs = 2000;
    static constexpr int RateMinutes = 60;
    static constexpr int OutcomeHours = 24;
    static constexpr int OutcomeLabelEvery = 3; // hours between time labels

    explicit StatsView(MonitorModel *model, QWidget *parent = nullptr);

    // The clock the windows end at, in microseconds since the epoch (tests fix it).
    void setClock(std::function<qint64()> clock);
    // Recomputes every chart now. Called at most every RefreshIntervalMs while visible.
    void refresh();

    QChart *rateChart() const { return m_rateChart; }
    QChart *durationChart() const { return m_durationChart; }
    QChart *outcomeChart() const { return m_outcomeChart; }
    // Whether a chart shows its empty-state text instead of the chart.
    bool isEmptyShown(const QChart *chart) const;

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Panel
    {
        QStackedWidget *stack = nullptr;
        QChartView *view = nullptr;
        QLabel *empty = nullptr;
    };
    Panel addPanel(QChart *chart, const QString &emptyText);
    void setEmpty(const Panel &panel, bool empty);
    void markDirty();
    void tick();
    void refreshRate(qint64 nowUs);
    void refreshDurations();
    void refreshOutcomes(qint64 nowUs);
    void applyTheme();

    MonitorModel *m_model;
    std::function<qint64()> m_clock;
    QTimer m_timer;
    QElapsedTimer m_sinceRefresh;
    bool m_dirty = true;

    QChart *m_rateChart = nullptr;
    QLineSeries *m_rateSeries = nullptr;
    QDateTimeAxis *m_rateX = nullptr;
    QValueAxis *m_rateY = nullptr;
    Panel m_ratePanel;

    QChart *m_durationChart = nullptr;
    QBarSeries *m_durationSeries = nullptr;
    QBarSet *m_durationSet = nullptr;
    QValueAxis *m_durationY = nullptr;
    Panel m_durationPanel;

    QChart *m_outcomeChart = nullptr;
    QStackedBarSeries *m_outcomeSeries = nullptr;
    QBarSet *m_completed = nullptr;
    QBarSet *m_withFailures = nullptr;
    QBarSet *m_failed = nullptr;
    QBarSet *m_inProgress = nullptr;
    QCategoryAxis *m_outcomeX = nullptr;
    QValueAxis *m_outcomeY = nullptr;
    Panel m_outcomePanel;
};

} // namespace mm
