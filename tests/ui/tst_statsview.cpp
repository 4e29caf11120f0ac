// SPDX-License-Identifier: GPL-3.0-or-later
// ui/stats/statsview.*: a MonitorModel fed hand-made facts, a fixed clock, and the chart
// series checked point by point; empty states, refresh while shown, and the theme.
#include "model/monitormodel.h"
#include "stats/statsview.h"
#include "store/records.h"

#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QLineSeries>
#include <QStackedBarSeries>
#include <QTest>

using namespace mm;

namespace {

constexpr qint64 Sec = 1'000'000;
constexpr qint64 Min = 60 * Sec;
constexpr qint64 Hour = 60 * Min;
constexpr qint64 H = 1'750'204'800'000'000LL; // 2025-06-18T00:00:00Z
constexpr qint64 Now = H + 30 * Min;

EventFacts fact(qint64 rowId, const char *mig, const char *type, qint64 createdUs, const char *status,
                qint64 receivedUs)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = QByteArrayLiteral("msg_") + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = QString::fromLatin1(mig);
    f.createdUs = createdUs;
    f.status = QString::fromLatin1(status);
    f.receivedUs = receivedUs;
    f.parsed = true;
    return f;
}

// Three migrations, all received in the last hour (arrival times are Now minus a few minutes).
QList<EventFacts> corpus()
{
    return {
        // mig_a: 8 minutes, complete; received five minutes ago.
        fact(1, "mig_a", "migration.started", H + 2 * Min, "WORKING", Now - 5 * Min),
        fact(2, "mig_a", "migration.completed", H + 10 * Min, "COMPLETE", Now - 5 * Min),
        // mig_b: 2 hours, failed, started in the previous hour; received in the last minute.
        fact(3, "mig_b", "migration.started", H - 55 * Min, "WORKING", Now - 30 * Sec),
        fact(4, "mig_b", "migration.failed", H + 65 * Min, "FAILED", Now - 20 * Sec),
        // mig_c: started this hour and still working; received in the last minute.
        fact(5, "mig_c", "migration.started", H + 20 * Min, "WORKING", Now - 10 * Sec),
    };
}

QList<qreal> yValues(const QLineSeries *series)
{
    QList<qreal> out;
    for (const QPointF &p : series->points())
        out.append(p.y());
    return out;
}

QList<qreal> values(const QBarSet *set)
{
    QList<qreal> out;
    for (int i = 0; i < set->count(); ++i)
        out.append(set->at(i));
    return out;
}

} // namespace

class TestStatsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyModel();
    void seriesFromFacts();
    void refreshesWhileShown();
    void followsPalette_data();
    void followsPalette();

private:
    static QLineSeries *rateSeries(const StatsView &view)
    {
        return qobject_cast<QLineSeries *>(view.rateChart()->series().value(0));
    }
    static QBarSet *durationSet(const StatsView &view)
    {
        auto *series = qobject_cast<QAbstractBarSeries *>(view.durationChart()->series().value(0));
        return series ? series->barSets().value(0) : nullptr;
    }
    static QList<QBarSet *> outcomeSets(const StatsView &view)
    {
        auto *series = qobject_cast<QStackedBarSeries *>(view.outcomeChart()->series().value(0));
        return series ? series->barSets() : QList<QBarSet *> {};
    }
};

void TestStatsView::emptyModel()
{
    MonitorModel model;
    StatsView view(&model);
    view.setClock([] { return Now; });
    view.refresh();

    QLineSeries *rate = rateSeries(view);
    QVERIFY(rate);
    QCOMPARE(rate->count(), StatsView::RateMinutes);
    QCOMPARE(yValues(rate), QList<qreal>(StatsView::RateMinutes, 0));
    QCOMPARE(values(durationSet(view)), QList<qreal>(6, 0));
    QCOMPARE(outcomeSets(view).size(), 4);
    for (const QBarSet *set : outcomeSets(view))
        QCOMPARE(values(set), QList<qreal>(StatsView::OutcomeHours, 0));
    QVERIFY(view.isEmptyShown(view.rateChart()));
    QVERIFY(view.isEmptyShown(view.durationChart()));
    QVERIFY(view.isEmptyShown(view.outcomeChart()));
}

void TestStatsView::seriesFromFacts()
{
    MonitorModel model;
    StatsView view(&model);
    view.setClock([] { return Now; });
    model.ingest(corpus());
    view.refresh();

    // Deliveries per minute: two five minutes ago (bucket 54), three in the last minute.
    QList<qreal> rate(StatsView::RateMinutes, 0);
    rate[54] = 2;
    rate[59] = 3;
    QLineSeries *series = rateSeries(view);
    QCOMPARE(yValues(series), rate);
    QCOMPARE(qint64(series->points().constLast().x()), Now / 1000);
    QVERIFY(!view.isEmptyShown(view.rateChart()));

    // Durations: 8 minutes (5–15 min) and 2 hours (1–4 h); mig_c has not finished.
    QCOMPARE(values(durationSet(view)), (QList<qreal> {0, 0, 1, 0, 1, 0}));
    QVERIFY(!view.isEmptyShown(view.durationChart()));

    // Outcomes by start hour: hour 23 holds mig_a (complete) and mig_c (in progress), hour 22 mig_b.
    const QList<QBarSet *> sets = outcomeSets(view);
    QCOMPARE(sets.size(), 4);
    QList<qreal> completed(StatsView::OutcomeHours, 0), withFailures(StatsView::OutcomeHours, 0),
        failed(StatsView::OutcomeHours, 0), inProgress(StatsView::OutcomeHours, 0);
    completed[23] = 1;
    failed[22] = 1;
    inProgress[23] = 1;
    QCOMPARE(values(sets.at(0)), completed);
    QCOMPARE(values(sets.at(1)), withFailures);
    QCOMPARE(values(sets.at(2)), failed);
    QCOMPARE(values(sets.at(3)), inProgress);
    const auto axes = view.outcomeChart()->axes(Qt::Horizontal);
    QCOMPARE(axes.size(), 1);
    // A label at the start of every third hour, the last at the end of the current hour.
    auto *hours = qobject_cast<QCategoryAxis *>(axes.first());
    QVERIFY(hours);
    QCOMPARE(hours->count(), StatsView::OutcomeHours / StatsView::OutcomeLabelEvery);
    QCOMPARE(hours->endValue(hours->categoriesLabels().constLast()), StatsView::OutcomeHours - 0.5);
    QCOMPARE(hours->categoriesLabels().constLast(),
             QDateTime::fromMSecsSinceEpoch((H + Hour) / 1000).toString(QStringLiteral("HH:mm")));
    QVERIFY(!view.isEmptyShown(view.outcomeChart()));

    // An hour later the deliveries have left the rate window; the rest stays.
    view.setClock([] { return Now + 2 * Hour; });
    view.refresh();
    QCOMPARE(yValues(rateSeries(view)), QList<qreal>(StatsView::RateMinutes, 0));
    QVERIFY(view.isEmptyShown(view.rateChart()));
    QVERIFY(!view.isEmptyShown(view.durationChart()));
}

void TestStatsView::refreshesWhileShown()
{
    MonitorModel model;
    StatsView view(&model);
    view.setClock([] { return Now; });
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.isEmptyShown(view.rateChart()));

    model.ingest(corpus());
    // The model publishes within 100 ms, the view redraws within its 2 s interval.
    QTRY_COMPARE_WITH_TIMEOUT(yValues(rateSeries(view)).value(59), 3.0, 5000);
    QVERIFY(!view.isEmptyShown(view.rateChart()));
    QCOMPARE(values(durationSet(view)).value(4), 1.0);
}

void TestStatsView::followsPalette_data()
{
    QTest::addColumn<QColor>("window");
    QTest::addColumn<int>("theme");

    QTest::addRow("light") << QColor(0xf4, 0xf4, 0xf4) << int(QChart::ChartThemeLight);
    QTest::addRow("dark") << QColor(0x2a, 0x2a, 0x2e) << int(QChart::ChartThemeDark);
}

void TestStatsView::followsPalette()
{
    QFETCH(QColor, window);
    QFETCH(int, theme);

    MonitorModel model;
    StatsView view(&model);
    QPalette pal = view.palette();
    pal.setColor(QPalette::Window, window);
    pal.setColor(QPalette::Base, window);
    pal.setColor(QPalette::Text, window.lightness() < 128 ? Qt::white : Qt::black);
    view.setPalette(pal);
    for (const QChart *chart : {view.rateChart(), view.durationChart(), view.outcomeChart()}) {
        QCOMPARE(int(chart->theme()), theme);
        QCOMPARE(chart->backgroundBrush().color(), window);
        QCOMPARE(chart->titleBrush().color(), pal.color(QPalette::Text));
    }
}

QTEST_MAIN(TestStatsView)
#include "tst_statsview.moc"
