// SPDX-License-Identifier: GPL-3.0-or-later
// TimeMapping (ui/timeline/timemapping.*): time <-> pixel round trips, fitting, zoom around an
// anchor, panning, the zoom and pan limits, degenerate ranges, and the tick steps and labels;
// TimeAxisInput (timeaxisinput.*): the drag, wheel and key rules both time views share.
#include "timeline/timeaxisinput.h"
#include "timeline/timemapping.h"

#include <QLocale>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace mm;

namespace {
using M = TimeMapping;
// 2025-06-18T00:50:40.301173Z
constexpr qint64 T0 = 1'750'207'840'301'173LL;
constexpr double Width = 1000;
constexpr double Margin = 20;

TimeMapping fitted(qint64 from, qint64 to, double width = Width)
{
    TimeMapping m;
    m.setGeometry(width, Margin, Margin);
    m.fit(from, to);
    return m;
}
} // namespace

class TestTimeMapping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); }
    void roundTrip_data();
    void roundTrip();
    void fitPadsTheRange();
    void degenerateRanges_data();
    void degenerateRanges();
    void zoomKeepsAnchor_data();
    void zoomKeepsAnchor();
    void zoomIsClamped_data();
    void zoomIsClamped();
    void pan();
    void panKeepsDataInView();
    void ticks_data();
    void ticks();
    void tickLabels_data();
    void tickLabels();
    void dragStartsPastTheDistance();
    void wheelZoomsAndPans();
    void keysZoomFitAndPan();
};

void TestTimeMapping::roundTrip_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("zoom");
    QTest::addRow("1 ms, zoomed to the limit") << M::Ms << 1e6;
    QTest::addRow("30 s") << 30 * M::Sec << 1.0;
    QTest::addRow("2 h, zoomed in 50x") << 2 * M::Hour << 50.0;
    QTest::addRow("20 days") << 20 * M::Day << 1.0;
}

void TestTimeMapping::roundTrip()
{
    QFETCH(qint64, span);
    QFETCH(double, zoom);
    TimeMapping m = fitted(T0, T0 + span);
    m.zoom(zoom, Width / 2);
    const double usPerPx = m.spanUs() / m.plotWidth();
    // Every pixel maps to a time that maps back to the same pixel.
    for (double x = m.plotLeft(); x <= m.plotRight(); x += 37.5)
        QVERIFY2(std::abs(m.xForTime(m.timeAtX(x)) - x) <= 0.5 / usPerPx + 1e-9,
                 qPrintable(QString::number(x)));
    // And a time comes back to within the rounding of half a microsecond.
    for (qint64 t : {m.fromUs(), (m.fromUs() + m.toUs()) / 2, m.toUs()})
        QCOMPARE(m.timeAtX(m.xForTime(t)), t);
    // The ends are the edges of the plot, to the rounding of a microsecond.
    QVERIFY(std::abs(m.xForTime(m.fromUs()) - m.plotLeft()) <= 0.5 / usPerPx + 1e-9);
    QVERIFY(std::abs(m.xForTime(m.toUs()) - m.plotRight()) <= 0.5 / usPerPx + 1e-9);
}

void TestTimeMapping::fitPadsTheRange()
{
    const TimeMapping m = fitted(T0, T0 + 100 * M::Sec);
    QVERIFY(m.isFitted());
    QCOMPARE(m.spanUs(), 110.0 * M::Sec);
    QCOMPARE(m.fromUs(), T0 - 5 * M::Sec);
    QCOMPARE(m.toUs(), T0 + 105 * M::Sec);
    QCOMPARE(m.plotLeft(), Margin);
    QCOMPARE(m.plotRight(), Width - Margin);
    const double pad = 5.0 / 110.0 * m.plotWidth();
    QVERIFY(std::abs(m.xForTime(T0) - (Margin + pad)) < 1e-6);
    QVERIFY(std::abs(m.xForTime(T0 + 100 * M::Sec) - (Width - Margin - pad)) < 1e-6);
}

void TestTimeMapping::degenerateRanges_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<double>("span");
    QTest::addColumn<qint64>("centre");
    QTest::addRow("one event") << T0 << T0 << double(M::SinglePointSpanUs) << T0;
    QTest::addRow("reversed") << T0 + 10 * M::Sec << T0 << 11.0 * M::Sec << T0 + 5 * M::Sec;
    QTest::addRow("shorter than the deepest zoom") << T0 << T0 + 10 << double(M::MinSpanUs) << T0 + 5;
    QTest::addRow("epoch") << qint64(0) << qint64(0) << double(M::SinglePointSpanUs) << qint64(0);
    // Longer than the widest view: the end, where the migration is now, stays in view.
    QTest::addRow("90 days") << T0 << T0 + 90 * M::Day << double(M::MaxSpanUs)
                             << T0 + 90 * M::Day - qint64(0.45 * double(M::MaxSpanUs));
}

void TestTimeMapping::degenerateRanges()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(double, span);
    QFETCH(qint64, centre);
    const TimeMapping m = fitted(from, to);
    QCOMPARE(m.spanUs(), span);
    QVERIFY(std::isfinite(m.xForTime(from)));
    QVERIFY(std::abs(m.timeAtX(Width / 2) - centre) <= 1);
    QVERIFY(m.xForTime(std::max(from, to)) <= m.plotRight());
}

void TestTimeMapping::zoomKeepsAnchor_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("anchorFraction"); // of the plot width
    QTest::addRow("in at the centre") << 2.0 << 0.5;
    QTest::addRow("in near the left") << 1.25 << 0.15;
    QTest::addRow("in near the right") << 8.0 << 0.85;
    QTest::addRow("out at a third") << 0.5 << 0.33;
    QTest::addRow("out a little") << 0.8 << 0.7;
}

void TestTimeMapping::zoomKeepsAnchor()
{
    QFETCH(double, factor);
    QFETCH(double, anchorFraction);
    TimeMapping m = fitted(T0, T0 + 10 * M::Min);
    const double anchorX = m.plotLeft() + anchorFraction * m.plotWidth();
    const qint64 anchor = m.timeAtX(anchorX);
    const double spanBefore = m.spanUs();
    m.zoom(factor, anchorX);
    QVERIFY(!m.isFitted());
    QVERIFY(std::abs(m.spanUs() - spanBefore / factor) < 1e-6 * spanBefore);
    QVERIFY(std::abs(m.timeAtX(anchorX) - anchor) <= 1);
    QVERIFY(std::abs(m.xForTime(anchor) - anchorX) < 0.01);
    // Zooming back restores the view.
    m.zoom(1 / factor, anchorX);
    QVERIFY(std::abs(m.spanUs() - spanBefore) < 1e-6 * spanBefore);
    QVERIFY(std::abs(m.timeAtX(anchorX) - anchor) <= 1);
}

void TestTimeMapping::zoomIsClamped_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("span");
    QTest::addRow("deepest") << 1e12 << double(M::MinSpanUs);
    QTest::addRow("widest") << 1e-12 << double(M::MaxSpanUs);
}

void TestTimeMapping::zoomIsClamped()
{
    QFETCH(double, factor);
    QFETCH(double, span);
    TimeMapping m = fitted(T0, T0 + M::Hour);
    const double anchorX = m.xForTime(T0 + M::Hour / 2);
    m.zoom(factor, anchorX);
    QCOMPARE(m.spanUs(), span);
    QVERIFY(std::abs(m.timeAtX(anchorX) - (T0 + M::Hour / 2)) <= 1);
    m.zoom(factor, anchorX); // further in the same direction changes nothing
    QCOMPARE(m.spanUs(), span);
    // Nonsense factors are ignored.
    m.zoom(0, anchorX);
    m.zoom(-2, anchorX);
    m.zoom(std::nan(""), anchorX);
    QCOMPARE(m.spanUs(), span);
}

void TestTimeMapping::pan()
{
    TimeMapping m = fitted(T0, T0 + 100 * M::Sec);
    const qint64 from = m.fromUs();
    const double x = m.xForTime(T0 + 50 * M::Sec);
    // Dragging right by 96 px brings earlier times in: 96 px of 110 s over 960 px is 11 s.
    m.pan(96);
    QVERIFY(!m.isFitted());
    QCOMPARE(m.fromUs(), from - 11 * M::Sec);
    QCOMPARE(m.spanUs(), 110.0 * M::Sec);
    QVERIFY(std::abs(m.xForTime(T0 + 50 * M::Sec) - (x + 96)) < 1e-6);
    m.pan(-96);
    QCOMPARE(m.fromUs(), from);
}

void TestTimeMapping::panKeepsDataInView()
{
    TimeMapping m = fitted(T0, T0 + 100 * M::Sec);
    m.pan(1e9); // far to the past: the start of the data stays within the view
    QVERIFY(m.xForTime(T0) <= m.plotRight());
    QVERIFY(m.xForTime(T0) >= m.plotLeft() + 0.85 * m.plotWidth());
    m.pan(-1e9); // far to the future
    QVERIFY(m.xForTime(T0 + 100 * M::Sec) >= m.plotLeft());
    QVERIFY(m.xForTime(T0 + 100 * M::Sec) <= m.plotLeft() + 0.15 * m.plotWidth());
    // Zooming in far away from the data does not lose it either.
    m.fit(T0, T0 + 100 * M::Sec);
    m.zoom(1000, m.plotLeft());
    QVERIFY(m.xForTime(T0) <= m.plotRight());
}

void TestTimeMapping::ticks_data()
{
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("span");
    QTest::addColumn<qint64>("step");
    QTest::addRow("1 ms over 1000 px") << 1000.0 << double(M::MinSpanUs) << M::MinSpanUs; // one tick at most
    QTest::addRow("50 ms over 1000 px") << 1000.0 << 50.0 * M::Ms << 5 * M::Ms;
    QTest::addRow("10 s over 1000 px") << 1000.0 << 10.0 * M::Sec << 1 * M::Sec;
    QTest::addRow("10 s over 500 px") << 500.0 << 10.0 * M::Sec << 2 * M::Sec;
    QTest::addRow("110 s over 1000 px") << 1000.0 << 110.0 * M::Sec << 10 * M::Sec;
    QTest::addRow("1 h over 800 px") << 800.0 << double(M::Hour) << 10 * M::Min;
    QTest::addRow("1 day over 1100 px") << 1100.0 << double(M::Day) << 2 * M::Hour;
    QTest::addRow("30 days over 1000 px") << 1000.0 << double(M::MaxSpanUs) << 5 * M::Day;
    QTest::addRow("30 days over 300 px") << 300.0 << double(M::MaxSpanUs) << 10 * M::Day;
}

void TestTimeMapping::ticks()
{
    QFETCH(double, width);
    QFETCH(double, span);
    QFETCH(qint64, step);
    for (int offset : {0, 2 * 3600, -5 * 3600 - 1800}) {
        TimeMapping m;
        m.setGeometry(width, Margin, Margin);
        m.fit(T0, T0);
        m.zoom(m.spanUs() / span, width / 2);
        QCOMPARE(m.spanUs(), span);
        m.setUtcOffset(offset);
        QCOMPARE(m.tickStepUs(80), step);
        const QList<TimeMapping::Tick> ticks = m.ticks(80);
        QVERIFY(ticks.size() <= int(m.plotWidth() / 80) + 1);
        if (m.spanUs() >= 2 * double(step))
            QVERIFY(!ticks.isEmpty());
        for (qsizetype i = 0; i < ticks.size(); ++i) {
            const TimeMapping::Tick &t = ticks.at(i);
            QVERIFY(t.us >= m.fromUs() && t.us <= m.toUs());
            QCOMPARE(t.x, m.xForTime(t.us));
            QVERIFY(!t.label.isEmpty());
            // On the zone's wall clock: whole steps from its midnight.
            QCOMPARE((t.us + qint64(offset) * M::Sec) % step, 0);
            if (i > 0) {
                QCOMPARE(t.us - ticks.at(i - 1).us, step);
                QVERIFY(t.x - ticks.at(i - 1).x >= 80 - 1e-6);
            }
        }
    }
}

void TestTimeMapping::tickLabels_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("label"); // of the first tick at or after 2025-06-18T00:00:00Z
    QTest::addRow("seconds at UTC midnight") << 10 * M::Sec << 0 << QStringLiteral("18 Jun");
    QTest::addRow("seconds, 2 h ahead") << 10 * M::Sec << 7200 << QStringLiteral("02:00:00");
    QTest::addRow("minutes, 2 h ahead") << 50 * M::Min << 7200 << QStringLiteral("02:00");
    QTest::addRow("milliseconds") << 50 * M::Ms << 0 << QStringLiteral("00:00:00.000");
    QTest::addRow("days") << 10 * M::Day << 0 << QStringLiteral("18 Jun");
}

void TestTimeMapping::tickLabels()
{
    QFETCH(qint64, span);
    QFETCH(int, offset);
    QFETCH(QString, label);
    constexpr qint64 Midnight = 1'750'204'800LL * M::Sec; // 2025-06-18T00:00:00Z
    TimeMapping m;
    m.setGeometry(Width, Margin, Margin);
    m.setUtcOffset(offset);
    m.fit(Midnight, Midnight);
    m.zoom(m.spanUs() / double(span), m.xForTime(Midnight));
    const QList<TimeMapping::Tick> ticks = m.ticks(80);
    auto it = std::find_if(ticks.cbegin(), ticks.cend(), [](const auto &t) { return t.us >= Midnight; });
    QVERIFY(it != ticks.cend());
    QCOMPARE(it->us, Midnight);
    QCOMPARE(it->label, label);
}

void TestTimeMapping::dragStartsPastTheDistance()
{
    using G = TimeAxisInput::DragGesture;
    G g;
    QCOMPARE(g.release(), G::Release::None); // no press, nothing to end
    QVERIFY(!g.move(QPointF(50, 50), 10).dragging);
    g.press(QPointF(100, 100));
    QVERIFY(g.isPressed());
    auto m = g.move(QPointF(104, 103), 10); // 7 px: still a click
    QVERIFY(!m.dragging && !m.started);
    m = g.move(QPointF(106, 105), 10); // 11 px: a drag now, that moves the content from the press
    QVERIFY(m.started && m.dragging);
    QCOMPARE(m.delta, QPointF(6, 5));
    m = g.move(QPointF(90, 120), 10);
    QVERIFY(!m.started && m.dragging);
    QCOMPARE(m.delta, QPointF(-16, 15));
    QVERIFY(g.isDragging());
    QCOMPARE(g.release(), G::Release::Drag);
    QVERIFY(!g.isPressed() && !g.isDragging());
    g.press(QPointF(0, 0));
    g.move(QPointF(3, 0), 10);
    QCOMPARE(g.release(), G::Release::Click);
}

void TestTimeMapping::wheelZoomsAndPans()
{
    TimeMapping m = fitted(T0, T0 + 10 * M::Min);
    const double span = m.spanUs();
    const double anchor = 300;
    const qint64 underAnchor = m.timeAtX(anchor);
    QVERIFY(TimeAxisInput::wheel(m, QPoint(0, 120), anchor, 8)); // one notch up: zoom in
    QCOMPARE(m.spanUs(), span / TimeAxisInput::WheelNotchZoom);
    QVERIFY(std::abs(m.timeAtX(anchor) - underAnchor) <= 1);
    const qint64 from = m.fromUs();
    QVERIFY(TimeAxisInput::wheel(m, QPoint(120, 0), anchor, 8)); // sideways: pan three em
    QCOMPARE(m.fromUs(), m.timeAtX(m.plotLeft()));
    QVERIFY(m.fromUs() < from);
    QVERIFY(!TimeAxisInput::wheel(m, QPoint(0, 0), anchor, 8));
}

void TestTimeMapping::keysZoomFitAndPan()
{
    TimeMapping m = fitted(T0, T0 + 10 * M::Min);
    const qint64 from = m.fromUs();
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_Plus), TimeAxisInput::Key::ZoomIn);
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_Equal), TimeAxisInput::Key::ZoomIn);
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_Underscore), TimeAxisInput::Key::ZoomOut);
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_0), TimeAxisInput::Key::Fit);
    QCOMPARE(m.fromUs(), from); // those are the widget's to do
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_Left), TimeAxisInput::Key::Panned);
    QVERIFY(m.fromUs() < from); // earlier times come into view
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_Right), TimeAxisInput::Key::Panned);
    QVERIFY(std::abs(m.fromUs() - from) <= 1);
    QCOMPARE(TimeAxisInput::key(m, Qt::Key_A), TimeAxisInput::Key::None);
    const double span = m.spanUs();
    TimeAxisInput::zoomIn(m);
    QCOMPARE(m.spanUs(), span / TimeAxisInput::ZoomStep);
    TimeAxisInput::zoomOut(m);
    QVERIFY(std::abs(m.spanUs() - span) < 1);
}

QTEST_GUILESS_MAIN(TestTimeMapping)
#include "tst_timemapping.moc"
