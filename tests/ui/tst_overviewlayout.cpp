// SPDX-License-Identifier: GPL-3.0-or-later
// OverviewLayout (ui/overview/overviewlayout.*): lane order, grouping by company, the visible
// rows among many lanes, hit testing, phase spans clipped at the plot's edges, one-pixel marks,
// task-failure ticks, and open migrations growing to "now" as the clock moves.
#include "overview/overviewlayout.h"
#include "timeline/timemapping.h"

#include <QTest>

using namespace mm;

namespace {
constexpr qint64 Sec = 1'000'000;
constexpr qint64 T0 = 1'750'207'840'301'173LL; // 2025-06-18T00:50:40.301173Z
constexpr double Width = 1000;
constexpr double Left = 100;
constexpr double Right = 20;

OverviewLane lane(const QString &id, qint64 createdUs, const QString &group = {})
{
    OverviewLane l;
    l.id = id;
    l.group = group;
    l.createdUs = createdUs;
    l.firstEventUs = l.lastEventUs = createdUs;
    l.status = MigrationStatus::NotStarted;
    return l;
}

OverviewLane finished(const QString &id, qint64 created, qint64 started, qint64 done, MigrationStatus status)
{
    OverviewLane l = lane(id, created);
    l.startedUs = started;
    l.finishedUs = done;
    l.lastEventUs = done;
    l.status = status;
    return l;
}

// The plot runs from x = 100 to x = 980 and shows [T0, T0 + 880 s]: a second a pixel.
TimeMapping secondPerPixel()
{
    TimeMapping m;
    m.setGeometry(Width, Left, Right);
    m.fit(T0, T0 + 800 * Sec); // padded by 5 % each side: 880 s
    m.pan(Left - m.xForTime(T0)); // T0 at the plot's left edge
    return m;
}

QStringList ids(const OverviewLayout &layout)
{
    QStringList out;
    for (int i = 0; i < layout.rowCount(); ++i) {
        const OverviewLayout::Row &r = layout.row(i);
        out << (r.isHeader() ? QStringLiteral("#") + layout.groups()[r.group]
                             : layout.lanes()[size_t(r.lane)].id);
    }
    return out;
}
} // namespace

class TestOverviewLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laneOrderIsNewestFirst();
    void beginFallsBackToStartAndFirstEvent();
    void groupsByCompany();
    void visibleRowsAmongManyLanes_data();
    void visibleRowsAmongManyLanes();
    void scrollIsClamped();
    void hitTesting();
    void spansClipAtTheEdges_data();
    void spansClipAtTheEdges();
    void subPixelPhasesBecomeOnePixelMarks();
    void workingGrowsToNow();
    void growsInViewOnlyWhenVisibleAndNowInView();
    void failureTicksInViewOnePerPixel();
    void extentCoversEveryLane();
};

void TestOverviewLayout::laneOrderIsNewestFirst()
{
    OverviewLayout layout;
    layout.setLanes({lane(QStringLiteral("b"), T0), lane(QStringLiteral("c"), T0 + 5 * Sec),
                     lane(QStringLiteral("a"), T0), lane(QStringLiteral("d"), T0 - Sec)});
    // Newest first; the same begin orders by id, so arrival order never matters.
    QCOMPARE(ids(layout), (QStringList {u"c"_qs, u"a"_qs, u"b"_qs, u"d"_qs}));
}

void TestOverviewLayout::beginFallsBackToStartAndFirstEvent()
{
    OverviewLane noCreated;
    noCreated.id = QStringLiteral("s");
    noCreated.startedUs = T0 + 3 * Sec;
    noCreated.firstEventUs = T0 + Sec; // a task failure dated before the start arrived
    QCOMPARE(noCreated.beginUs(), T0 + 3 * Sec);
    OverviewLane onlyEvents;
    onlyEvents.id = QStringLiteral("e");
    onlyEvents.firstEventUs = T0 + 2 * Sec;
    QCOMPARE(onlyEvents.beginUs(), T0 + 2 * Sec);
    OverviewLayout layout;
    layout.setLanes({onlyEvents, noCreated, lane(QStringLiteral("c"), T0)});
    QCOMPARE(ids(layout), (QStringList {u"s"_qs, u"e"_qs, u"c"_qs}));
}

void TestOverviewLayout::groupsByCompany()
{
    OverviewLayout layout;
    layout.setLanes({lane(QStringLiteral("m1"), T0, QStringLiteral("beta")),
                     lane(QStringLiteral("m2"), T0 + Sec, QStringLiteral("Acme")),
                     lane(QStringLiteral("m3"), T0 + 2 * Sec, {}),
                     lane(QStringLiteral("m4"), T0 + 3 * Sec, QStringLiteral("beta")),
                     lane(QStringLiteral("m5"), T0 + 4 * Sec, QStringLiteral("acme"))});
    QCOMPARE(ids(layout), (QStringList {u"m5"_qs, u"m4"_qs, u"m3"_qs, u"m2"_qs, u"m1"_qs}));
    layout.setGrouped(true);
    // Companies by name whatever the case, those without one last; newest first inside each.
    QCOMPARE(ids(layout),
             (QStringList {u"#Acme"_qs, u"m2"_qs, u"#acme"_qs, u"m5"_qs, u"#beta"_qs, u"m4"_qs, u"m1"_qs,
                           u"#"_qs, u"m3"_qs}));
    QCOMPARE(layout.groupSize(2), 2);
    QCOMPARE(layout.groupSize(3), 1);
    QCOMPARE(layout.rowOf(QStringLiteral("m1")), 6);
    layout.setGrouped(false);
    QCOMPARE(layout.rowCount(), 5);
    QVERIFY(layout.groups().isEmpty());
}

void TestOverviewLayout::visibleRowsAmongManyLanes_data()
{
    QTest::addColumn<double>("scroll");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");
    // 10,000 lanes of 20 px in a 500 px viewport.
    QTest::addRow("top") << 0.0 << 0 << 25;
    QTest::addRow("a row down") << 20.0 << 1 << 26;
    QTest::addRow("between rows") << 4010.0 << 200 << 226; // a row cut at each edge
    QTest::addRow("bottom") << 1e9 << 9975 << 10000; // clamped to the last page
}

void TestOverviewLayout::visibleRowsAmongManyLanes()
{
    QFETCH(double, scroll);
    QFETCH(int, first);
    QFETCH(int, last);
    std::vector<OverviewLane> lanes;
    for (int i = 0; i < 10000; ++i)
        lanes.push_back(lane(QStringLiteral("m%1").arg(i), T0 + i * Sec));
    OverviewLayout layout;
    layout.setLanes(std::move(lanes));
    layout.setViewport(30, 500, 20);
    layout.setScroll(scroll);
    const OverviewLayout::Range visible = layout.visibleRows();
    QCOMPARE(visible.first, first);
    QCOMPARE(visible.last, last);
    QVERIFY(visible.size() <= 26);
    QCOMPARE(layout.rowTop(first), 30 + first * 20 - layout.scroll());
}

void TestOverviewLayout::scrollIsClamped()
{
    OverviewLayout layout;
    layout.setLanes({lane(QStringLiteral("a"), T0), lane(QStringLiteral("b"), T0 + Sec)});
    layout.setViewport(0, 500, 20);
    layout.setScroll(300); // two rows fit: nothing to scroll
    QCOMPARE(layout.scroll(), 0.0);
    QCOMPARE(layout.maxScroll(), 0.0);
    layout.setViewport(0, 30, 20);
    QCOMPARE(layout.maxScroll(), 10.0);
    layout.setScroll(-5);
    QCOMPARE(layout.scroll(), 0.0);
    layout.setScroll(std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(layout.scroll(), 0.0);
}

void TestOverviewLayout::hitTesting()
{
    OverviewLayout layout;
    layout.setLanes({lane(QStringLiteral("old"), T0, QStringLiteral("acme")),
                     lane(QStringLiteral("new"), T0 + Sec, QStringLiteral("acme")),
                     lane(QStringLiteral("other"), T0 + 2 * Sec, QStringLiteral("zeta"))});
    layout.setViewport(10, 200, 20);
    QCOMPARE(layout.migrationAt(15), QStringLiteral("other"));
    QCOMPARE(layout.migrationAt(55), QStringLiteral("old"));
    QCOMPARE(layout.rowAt(5), -1); // above the lanes
    QCOMPARE(layout.rowAt(70), -1); // below the last
    QCOMPARE(layout.migrationAt(70), QString());
    layout.setGrouped(true); // #acme new old #zeta other
    QCOMPARE(layout.migrationAt(15), QString()); // a header
    QCOMPARE(layout.rowAt(15), 0);
    QCOMPARE(layout.migrationAt(35), QStringLiteral("new"));
    QCOMPARE(layout.migrationAt(95), QStringLiteral("other"));
    layout.setViewport(10, 50, 20); // 80 px of rows in 50: scrolled, a point lands lower
    layout.setScroll(25);
    QCOMPARE(layout.migrationAt(10), QStringLiteral("new")); // row 1 spans 20..40 from the top
    QCOMPARE(layout.migrationAt(30), QStringLiteral("old"));
    QCOMPARE(layout.rowAt(60), -1); // past the viewport's bottom, though a row is there
}

void TestOverviewLayout::spansClipAtTheEdges_data()
{
    QTest::addColumn<qint64>("created");
    QTest::addColumn<qint64>("started");
    QTest::addColumn<qint64>("done");
    QTest::addColumn<QList<double>>("edges"); // x0, x1 of each span in order
    // One second a pixel; the plot is x 100 .. 980, T0 at 100. The outcome mark is 4 px.
    QTest::addRow("inside") << T0 + 10 * Sec << T0 + 20 * Sec << T0 + 50 * Sec
                            << QList<double> {110, 120, 120, 150, 150, 154};
    QTest::addRow("crosses the left edge")
        << T0 - 30 * Sec << T0 - 10 * Sec << T0 + 5 * Sec << QList<double> {100, 105, 105, 109};
    QTest::addRow("crosses the right edge")
        << T0 + 800 * Sec << T0 + 870 * Sec << T0 + 900 * Sec << QList<double> {900, 970, 970, 980};
    QTest::addRow("before the view") << T0 - 300 * Sec << T0 - 200 * Sec << T0 - 100 * Sec
                                     << QList<double> {};
    QTest::addRow("after the view") << T0 + 1000 * Sec << T0 + 1100 * Sec << T0 + 1200 * Sec
                                    << QList<double> {};
}

void TestOverviewLayout::spansClipAtTheEdges()
{
    QFETCH(qint64, created);
    QFETCH(qint64, started);
    QFETCH(qint64, done);
    QFETCH(QList<double>, edges);
    const TimeMapping m = secondPerPixel();
    QCOMPARE(m.xForTime(T0), Left);
    const OverviewLane l = finished(QStringLiteral("x"), created, started, done, MigrationStatus::Complete);
    const std::vector<OverviewSpan> spans = OverviewLayout::spans(l, m, T0 + 2000 * Sec, 4);
    QList<double> got;
    for (const OverviewSpan &s : spans) {
        QVERIFY(s.x0 >= m.plotLeft() && s.x1 <= m.plotRight());
        got << std::round(s.x0) << std::round(s.x1);
    }
    QCOMPARE(got, edges);
}

void TestOverviewLayout::subPixelPhasesBecomeOnePixelMarks()
{
    const TimeMapping m = secondPerPixel();
    // Created and started 200 ms apart, then ten seconds of work: the waiting phase is under a
    // pixel and shares it with the start, so the working phase takes that pixel.
    const OverviewLane quickStart = finished(QStringLiteral("q"), T0 + 100 * Sec, T0 + 100 * Sec + 200'000,
                                             T0 + 110 * Sec, MigrationStatus::Complete);
    std::vector<OverviewSpan> spans = OverviewLayout::spans(quickStart, m, T0, 3);
    QCOMPARE(spans.size(), size_t(2));
    QCOMPARE(spans[0].status, MigrationStatus::Working);
    QCOMPARE(std::round(spans[0].x0 * 10), 2002.0);
    QCOMPARE(spans[1].status, MigrationStatus::Complete);
    QVERIFY(spans[1].outcome);
    // Created, started and failed within 300 ms: all in one pixel, and the outcome says most.
    const OverviewLane instant = finished(QStringLiteral("x"), T0 + 100 * Sec, T0 + 100 * Sec + 100'000,
                                          T0 + 100 * Sec + 300'000, MigrationStatus::Failed);
    spans = OverviewLayout::spans(instant, m, T0, 3);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].status, MigrationStatus::Failed);
    QVERIFY(qAbs(spans[0].x1 - spans[0].x0 - 3) < 1e-9);
    // A lone sub-pixel phase is a one-pixel mark, not nothing.
    OverviewLane blip = lane(QStringLiteral("b"), T0 + 100 * Sec);
    blip.status = MigrationStatus::Unknown; // closed: it ends at its last event
    spans = OverviewLayout::spans(blip, m, T0 + 500 * Sec, 3);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].x1 - spans[0].x0, 1.0);
}

void TestOverviewLayout::workingGrowsToNow()
{
    const TimeMapping m = secondPerPixel();
    OverviewLane l = lane(QStringLiteral("w"), T0 + 10 * Sec);
    l.startedUs = T0 + 20 * Sec;
    l.lastEventUs = T0 + 20 * Sec;
    l.status = MigrationStatus::Working;
    QVERIFY(l.isOpen());
    for (qint64 now : {T0 + 100 * Sec, T0 + 400 * Sec}) {
        QCOMPARE(l.endUs(now), now);
        const std::vector<OverviewSpan> spans = OverviewLayout::spans(l, m, now, 4);
        QCOMPARE(spans.size(), size_t(2));
        QCOMPARE(spans[1].status, MigrationStatus::Working);
        QCOMPARE(spans[1].x1, m.xForTime(now)); // the injected clock, not the last event
    }
    // Now past the view: the working phase runs to the right edge.
    QCOMPARE(OverviewLayout::spans(l, m, T0 + 5000 * Sec, 4).back().x1, m.plotRight());
    // Once an outcome arrives it stops growing.
    l.finishedUs = T0 + 50 * Sec;
    l.status = MigrationStatus::Complete;
    QVERIFY(!l.isOpen());
    QCOMPARE(l.endUs(T0 + 400 * Sec), T0 + 50 * Sec);
    // A migration not started yet waits until now, too.
    OverviewLane waiting = lane(QStringLiteral("n"), T0 + 10 * Sec);
    QVERIFY(waiting.isOpen());
    QCOMPARE(OverviewLayout::spans(waiting, m, T0 + 300 * Sec, 4).front().x1, m.xForTime(T0 + 300 * Sec));
}

void TestOverviewLayout::growsInViewOnlyWhenVisibleAndNowInView()
{
    const TimeMapping m = secondPerPixel();
    OverviewLane working = lane(QStringLiteral("w"), T0 + 10 * Sec);
    working.startedUs = T0 + 20 * Sec;
    working.status = MigrationStatus::Working;
    std::vector<OverviewLane> lanes {working};
    for (int i = 0; i < 100; ++i) // newer, finished: they push the working lane down
        lanes.push_back(finished(QStringLiteral("f%1").arg(i), T0 + (100 + i) * Sec, T0 + (101 + i) * Sec,
                                 T0 + (102 + i) * Sec, MigrationStatus::Complete));
    OverviewLayout layout;
    layout.setLanes(lanes);
    layout.setViewport(0, 200, 20);
    QVERIFY(!layout.growsInView(m, T0 + 300 * Sec)); // the working lane is scrolled out of view
    layout.setScroll(layout.maxScroll());
    QVERIFY(layout.growsInView(m, T0 + 300 * Sec));
    QVERIFY(!layout.growsInView(m, T0 + 5000 * Sec)); // its growing end is past the view
}

void TestOverviewLayout::failureTicksInViewOnePerPixel()
{
    const TimeMapping m = secondPerPixel();
    OverviewLane l = lane(QStringLiteral("t"), T0 - 100 * Sec);
    // Before the view, twice in one pixel, once more, after the view.
    l.taskFailuresUs
        = {T0 - 50 * Sec, T0 + 10 * Sec, T0 + 10 * Sec + 200'000, T0 + 30 * Sec, T0 + 2000 * Sec};
    const std::vector<double> ticks = OverviewLayout::failureTicks(l, m);
    QCOMPARE(ticks.size(), size_t(2));
    QCOMPARE(std::round(ticks[0]), 110.0);
    QCOMPARE(std::round(ticks[1]), 130.0);
}

void TestOverviewLayout::extentCoversEveryLane()
{
    OverviewLayout layout;
    QCOMPARE(layout.extent(T0), (std::pair<qint64, qint64> {0, 0}));
    OverviewLane open = lane(QStringLiteral("o"), T0 + 10 * Sec);
    layout.setLanes(
        {finished(QStringLiteral("a"), T0, T0 + Sec, T0 + 5 * Sec, MigrationStatus::Failed), open});
    QCOMPARE(layout.extent(T0 + 60 * Sec), (std::pair<qint64, qint64> {T0, T0 + 60 * Sec}));
    layout.setLanes({finished(QStringLiteral("a"), T0, T0 + Sec, T0 + 5 * Sec, MigrationStatus::Failed)});
    QCOMPARE(layout.extent(T0 + 60 * Sec), (std::pair<qint64, qint64> {T0, T0 + 5 * Sec}));
}

QTEST_GUILESS_MAIN(TestOverviewLayout)
#include "tst_overviewlayout.moc"
