// SPDX-License-Identifier: GPL-3.0-or-later
// Downtime gaps (core/model/downtime.*): from the receiver's recorded listening intervals,
// the stretches when nothing listened, and what to enter in the vendor's "Recover failed
// messages since". Clean stops end an interval at stoppedUs; a crash (no stoppedUs) ends it
// at the last heartbeat. Input order must not matter; overlaps merge; short gaps are noise.
#include "model/downtime.h"

#include <QTest>
#include <algorithm>

using namespace mm;

namespace {

constexpr qint64 Sec = 1'000'000;
constexpr qint64 Base = 1'750'207'840'000'000LL; // 2025-06-18T00:50:40Z
constexpr qint64 RecoveryMarginUs = 60 * Sec; // downtime.h: "a minute before the gap"

// An interval from `from` to `to` seconds after Base, stopped cleanly at `to`.
ListenInterval clean(qint64 from, qint64 to)
{
    return ListenInterval {Base + from * Sec, Base + to * Sec - 5 * Sec, Base + to * Sec,
                           QStringLiteral("http://127.0.0.1:8787/webhooks")};
}

// An interval that ended without a stop; its last heartbeat was at `alive`.
ListenInterval crashed(qint64 from, qint64 alive)
{
    return ListenInterval {Base + from * Sec, Base + alive * Sec, std::nullopt,
                           QStringLiteral("http://127.0.0.1:8787/webhooks")};
}

DowntimeGap gap(qint64 from, qint64 to, bool afterCrash)
{
    return DowntimeGap {Base + from * Sec, Base + to * Sec, afterCrash, Base + from * Sec - RecoveryMarginUs};
}

QString describe(const QList<DowntimeGap> &gaps)
{
    QStringList out;
    for (const DowntimeGap &g : gaps)
        out << QStringLiteral("[%1s..%2s%3 recover %4s]")
                   .arg(double(g.fromUs - Base) / Sec)
                   .arg(double(g.toUs - Base) / Sec)
                   .arg(g.afterCrash ? QStringLiteral(" crash") : QString())
                   .arg(double(g.recoverSinceUs - Base) / Sec);
    return out.join(QLatin1Char(' '));
}

} // namespace

Q_DECLARE_METATYPE(mm::ListenInterval)
Q_DECLARE_METATYPE(mm::DowntimeGap)

class TestDowntime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gaps_data();
    void gaps();
    void inputOrderDoesNotMatter_data();
    void inputOrderDoesNotMatter();
    void minGapIsAStrictLowerBound_data();
    void minGapIsAStrictLowerBound();
    void receiversUpByHeartbeat();
    void aGapNeedsEveryReceiverDown();
};

void TestDowntime::gaps_data()
{
    QTest::addColumn<QList<ListenInterval>>("intervals");
    QTest::addColumn<qint64>("minGapUs");
    QTest::addColumn<QList<DowntimeGap>>("expected");

    const qint64 oneSecond = Sec; // downtimeGaps' default
    QTest::addRow("nothing recorded") << QList<ListenInterval> {} << oneSecond << QList<DowntimeGap> {};
    QTest::addRow("one interval") << QList<ListenInterval> {clean(0, 100)} << oneSecond
                                  << QList<DowntimeGap> {};
    QTest::addRow("one crashed interval")
        << QList<ListenInterval> {crashed(0, 100)} << oneSecond << QList<DowntimeGap> {};
    QTest::addRow("still listening: no gap after the last")
        << QList<ListenInterval> {clean(0, 100), crashed(200, 200)} << oneSecond
        << QList<DowntimeGap> {gap(100, 200, false)};
    QTest::addRow("clean stop, then restart") << QList<ListenInterval> {clean(0, 100), clean(200, 300)}
                                              << oneSecond << QList<DowntimeGap> {gap(100, 200, false)};
    QTest::addRow("crash: the gap starts at the last heartbeat")
        << QList<ListenInterval> {crashed(0, 90), clean(200, 300)} << oneSecond
        << QList<DowntimeGap> {gap(90, 200, true)};
    QTest::addRow("crash before the first heartbeat: the gap starts at the start")
        << QList<ListenInterval> {crashed(50, 50), clean(200, 300)} << oneSecond
        << QList<DowntimeGap> {gap(50, 200, true)};
    QTest::addRow("several gaps, oldest first")
        << QList<ListenInterval> {clean(0, 100), crashed(150, 400), clean(1000, 1100), clean(5000, 5010)}
        << oneSecond
        << QList<DowntimeGap> {gap(100, 150, false), gap(400, 1000, true), gap(1100, 5000, false)};
    QTest::addRow("unsorted input") << QList<ListenInterval> {clean(1000, 1100), clean(0, 100),
                                                              crashed(150, 400)}
                                    << oneSecond
                                    << QList<DowntimeGap> {gap(100, 150, false), gap(400, 1000, true)};
    QTest::addRow("overlapping intervals merge")
        << QList<ListenInterval> {clean(0, 100), clean(50, 150), clean(300, 400)} << oneSecond
        << QList<DowntimeGap> {gap(150, 300, false)};
    QTest::addRow("an interval inside another adds nothing")
        << QList<ListenInterval> {clean(0, 500), clean(100, 200), clean(600, 700)} << oneSecond
        << QList<DowntimeGap> {gap(500, 600, false)};
    QTest::addRow("a crash inside a clean interval does not make the gap a crash's")
        << QList<ListenInterval> {clean(0, 500), crashed(100, 200), clean(600, 700)} << oneSecond
        << QList<DowntimeGap> {gap(500, 600, false)};
    QTest::addRow("a crash outliving an overlapping clean interval makes it a crash's")
        << QList<ListenInterval> {clean(0, 100), crashed(50, 300), clean(600, 700)} << oneSecond
        << QList<DowntimeGap> {gap(300, 600, true)};
    QTest::addRow("a clean interval outliving an overlapping crash")
        << QList<ListenInterval> {crashed(0, 100), clean(50, 300), clean(600, 700)} << oneSecond
        << QList<DowntimeGap> {gap(300, 600, false)};
    QTest::addRow("touching intervals leave no gap")
        << QList<ListenInterval> {clean(0, 100), clean(100, 200)} << oneSecond << QList<DowntimeGap> {};
    QTest::addRow("half a second is not downtime")
        << QList<ListenInterval> {clean(0, 100),
                                  ListenInterval {
                                      Base + 100 * Sec + Sec / 2, Base + 150 * Sec, Base + 200 * Sec, {}}}
        << oneSecond << QList<DowntimeGap> {};
    QTest::addRow("a larger minimum ignores a short restart and keeps a long one")
        << QList<ListenInterval> {clean(0, 100), clean(105, 200), clean(230, 300)} << 10 * Sec
        << QList<DowntimeGap> {gap(200, 230, false)};
    QTest::addRow("a restart right after a crash's heartbeat is no gap")
        << QList<ListenInterval> {crashed(0, 100), clean(100, 200)} << oneSecond << QList<DowntimeGap> {};
}

void TestDowntime::gaps()
{
    QFETCH(QList<ListenInterval>, intervals);
    QFETCH(qint64, minGapUs);
    QFETCH(QList<DowntimeGap>, expected);
    const QList<DowntimeGap> got
        = minGapUs == Sec ? downtimeGaps(intervals) : downtimeGaps(intervals, minGapUs);
    QVERIFY2(got.size() == expected.size(),
             qPrintable(QStringLiteral("got %1, expected %2").arg(describe(got), describe(expected))));
    for (qsizetype i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].fromUs, expected[i].fromUs);
        QCOMPARE(got[i].toUs, expected[i].toUs);
        QCOMPARE(got[i].afterCrash, expected[i].afterCrash);
        QCOMPARE(got[i].recoverSinceUs, expected[i].recoverSinceUs);
        QCOMPARE(got[i].recoverSinceUs, got[i].fromUs - 60 * Sec);
        QVERIFY(got[i].fromUs < got[i].toUs);
    }
}

void TestDowntime::inputOrderDoesNotMatter_data()
{
    QTest::addColumn<QList<ListenInterval>>("intervals");
    QTest::addRow("clean and crashed, overlapping") << QList<ListenInterval> {
        clean(0, 100), crashed(90, 250), clean(400, 500), crashed(520, 600), clean(1000, 1001)};
    QTest::addRow("nested") << QList<ListenInterval> {clean(0, 1000), clean(10, 20), crashed(30, 40),
                                                      clean(2000, 2100)};
}

void TestDowntime::inputOrderDoesNotMatter()
{
    QFETCH(QList<ListenInterval>, intervals);
    const QList<DowntimeGap> reference = downtimeGaps(intervals);
    QVERIFY(!reference.isEmpty());
    QList<int> order;
    for (int i = 0; i < intervals.size(); ++i)
        order.append(i);
    int permutations = 0;
    do {
        QList<ListenInterval> permuted;
        for (int i : order)
            permuted.append(intervals[i]);
        const QList<DowntimeGap> got = downtimeGaps(permuted);
        QVERIFY2(got.size() == reference.size(),
                 qPrintable(describe(got) + QStringLiteral(" vs ") + describe(reference)));
        for (qsizetype i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].fromUs, reference[i].fromUs);
            QCOMPARE(got[i].toUs, reference[i].toUs);
            QCOMPARE(got[i].afterCrash, reference[i].afterCrash);
            QCOMPARE(got[i].recoverSinceUs, reference[i].recoverSinceUs);
        }
        ++permutations;
    } while (std::next_permutation(order.begin(), order.end()));
    QVERIFY(permutations >= 24);
}

void TestDowntime::minGapIsAStrictLowerBound_data()
{
    QTest::addColumn<qint64>("gapUs");
    QTest::addColumn<bool>("reported");
    // downtime.h: "Gaps between intervals longer than minGapUs".
    QTest::addRow("shorter") << 5 * Sec - 1 << false;
    QTest::addRow("equal") << 5 * Sec << false;
    QTest::addRow("longer") << 5 * Sec + 1 << true;
}

void TestDowntime::minGapIsAStrictLowerBound()
{
    QFETCH(qint64, gapUs);
    QFETCH(bool, reported);
    const ListenInterval first = clean(0, 100);
    const ListenInterval second {*first.stoppedUs + gapUs,
                                 *first.stoppedUs + gapUs + 10 * Sec,
                                 *first.stoppedUs + gapUs + 20 * Sec,
                                 {}};
    const QList<DowntimeGap> got = downtimeGaps({first, second}, 5 * Sec);
    QCOMPARE(got.size(), qsizetype(reported ? 1 : 0));
    if (reported) {
        QCOMPARE(got[0].fromUs, *first.stoppedUs);
        QCOMPARE(got[0].toUs, second.startedUs);
        QVERIFY(!got[0].afterCrash);
    }
}

// Team mode: which receivers are listening now, each by its newest interval and its heartbeat.
void TestDowntime::receiversUpByHeartbeat()
{
    auto named = [](ListenInterval i, const char *instance) {
        i.instance = QLatin1String(instance);
        return i;
    };
    const qint64 now = Base + 1000 * Sec;
    const QList<ListenInterval> intervals {
        named(crashed(0, 200), "east"), // an old incarnation of east, crashed
        named(crashed(900, 990), "east"), // east now: beat 10 s ago
        named(crashed(100, 960), "west"), // beat 40 s ago: more than three beats missed
        named(clean(500, 995), "north"), // stopped cleanly
    };
    const QList<ReceiverPresence> up = receiversUp(intervals, now);
    QCOMPARE(up.size(), 1);
    QCOMPARE(up[0].instance, QStringLiteral("east"));
    QCOMPARE(up[0].aliveUs, Base + 990 * Sec);
    QVERIFY(receiversUp(intervals, now + HeartbeatTimeoutUs).isEmpty());
    QCOMPARE(receiversUp(intervals, Base + 970 * Sec).size(), 2); // west was still beating then
}

// Two receivers: while either listens there is no gap, whatever their instances.
void TestDowntime::aGapNeedsEveryReceiverDown()
{
    ListenInterval east = clean(0, 100);
    east.instance = QStringLiteral("east");
    ListenInterval west = clean(50, 300);
    west.instance = QStringLiteral("west");
    ListenInterval eastAgain = clean(400, 500);
    eastAgain.instance = QStringLiteral("east");
    QCOMPARE(describe(downtimeGaps({east, west, eastAgain})), describe({gap(300, 400, false)}));
}

QTEST_GUILESS_MAIN(TestDowntime)
#include "tst_downtime.moc"
