// SPDX-License-Identifier: GPL-3.0-or-later
// ClockSkew: the median of the last accepted deliveries' offsets, immune to a few outliers.
#include "model/clockskew.h"

#include <QTest>

using namespace mm;

namespace {
constexpr qint64 Sec = 1000 * 1000;
constexpr qint64 T0 = 1750000000; // a signed timestamp, in seconds

// A delivery signed at T0 + i and received offsetSeconds later (by this computer's clock).
void feed(ClockSkew &skew, int count, double offsetSeconds, int first = 0)
{
    for (int i = first; i < first + count; ++i)
        skew.add((T0 + i) * Sec + qint64(offsetSeconds * Sec), T0 + i);
}
} // namespace

class TestClockSkew : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inSyncIsQuiet()
    {
        ClockSkew skew;
        feed(skew, 30, 0.2); // network latency only
        QVERIFY(!skew.isSkewed());
        QVERIFY(skew.warning(300).isEmpty());
        QCOMPARE(skew.samples(), ClockSkew::Window);
        QCOMPARE(*skew.medianUs(), qint64(0.2 * Sec));
    }

    void consistentlyBehindWarnsWithTheOffset()
    {
        ClockSkew skew;
        feed(skew, 20, -95);
        QVERIFY(skew.isSkewed());
        QCOMPARE(skew.warning(300),
                 QStringLiteral("This computer's clock is 95 s behind the sender's. "
                                "Signatures will fail past 300 s: check NTP."));
    }

    void consistentlyAheadWarnsToo()
    {
        ClockSkew skew;
        feed(skew, 20, 130.4);
        QCOMPARE(skew.warning(200),
                 QStringLiteral("This computer's clock is 130 s ahead of the sender's. "
                                "Signatures will fail past 200 s: check NTP."));
    }

    void fewOutliersDoNotTrigger()
    {
        ClockSkew skew;
        feed(skew, 18, 0.5);
        feed(skew, 2, 250, 18); // two deliveries held up somewhere
        QVERIFY(!skew.isSkewed());
        // Even many outliers, as long as they are fewer than half the window.
        feed(skew, 9, -200, 20);
        QCOMPARE(skew.samples(), ClockSkew::Window);
        QVERIFY(!skew.isSkewed());
    }

    void tooFewSamplesGiveNoVerdict()
    {
        ClockSkew skew;
        feed(skew, ClockSkew::MinSamples - 1, -500);
        QVERIFY(!skew.medianUs());
        QVERIFY(!skew.isSkewed());
        feed(skew, 1, -500, 10);
        QVERIFY(skew.isSkewed());
    }

    void thresholdIsSixtySecondsEitherWay_data()
    {
        QTest::addColumn<double>("offset");
        QTest::addColumn<bool>("skewed");
        QTest::addRow("59 s behind") << -59.0 << false;
        QTest::addRow("61 s behind") << -61.0 << true;
        QTest::addRow("59 s ahead") << 59.0 << false;
        QTest::addRow("61 s ahead") << 61.0 << true;
    }

    void thresholdIsSixtySecondsEitherWay()
    {
        QFETCH(double, offset);
        QFETCH(bool, skewed);
        ClockSkew skew;
        feed(skew, 20, offset);
        QCOMPARE(skew.isSkewed(), skewed);
    }

    void recoversWhenTheClockIsFixed()
    {
        ClockSkew skew;
        feed(skew, 20, -95);
        QVERIFY(skew.isSkewed());
        feed(skew, 11, 0.1, 20); // NTP fixed it: the newer half of the window is in sync
        QVERIFY(!skew.isSkewed());
    }

    void missingTimestampsAreIgnored()
    {
        ClockSkew skew;
        for (int i = 0; i < 10; ++i)
            skew.add(T0 * Sec, 0);
        QCOMPARE(skew.samples(), 0);
    }
};

QTEST_GUILESS_MAIN(TestClockSkew)
#include "tst_clockskew.moc"
