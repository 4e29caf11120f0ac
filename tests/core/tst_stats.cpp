// SPDX-License-Identifier: GPL-3.0-or-later
// core/model/stats.*: the time windows, deliveries per minute, the duration histogram and
// outcomes by start hour, from hand-made facts with a fixed "now".
#include "model/eventlog.h"
#include "model/migrationbook.h"
#include "model/stats.h"
#include "store/records.h"

#include <QTest>
#include <algorithm>
#include <numeric>

using namespace mm;

namespace {

constexpr qint64 Sec = 1'000'000;
constexpr qint64 Min = 60 * Sec;
constexpr qint64 Hour = 60 * Min;
// 2025-06-18T00:00:00Z, on an hour boundary.
constexpr qint64 H = 1'750'204'800'000'000LL;
constexpr qint64 Now = H + 30 * Min;

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

// One delivery received at receivedUs, of a ping unless a type is given.
EventFacts received(qint64 rowId, qint64 receivedUs, bool replayed = false)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = QByteArrayLiteral("msg_") + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = s("svix.ping");
    f.receivedUs = receivedUs;
    f.parsed = true;
    f.replayed = replayed;
    return f;
}

// A lifecycle event of migration mig, created at createdUs (and received a second later).
EventFacts lifecycle(qint64 rowId, const char *mig, const char *type, qint64 createdUs, const char *status)
{
    EventFacts f = received(rowId, createdUs + Sec);
    f.type = s(type);
    f.migrationId = s(mig);
    f.createdUs = createdUs;
    f.status = s(status);
    return f;
}

struct Fixture
{
    EventLog log;
    MigrationBook book;

    explicit Fixture(const QList<EventFacts> &facts)
    {
        for (const EventFacts &f : facts)
            book.apply(log, log.upsert(f));
    }
    Stats stats() const { return Stats(log, book); }
};

// Migrations with every outcome; see outcomes_data() for where each one lands.
QList<EventFacts> migrations()
{
    qint64 row = 0;
    QList<EventFacts> out;
    // mig_a: started in the current hour, completed 8 minutes later.
    out << lifecycle(++row, "mig_a", "migration.created", H + 1 * Min, "NOT_STARTED");
    out << lifecycle(++row, "mig_a", "migration.started", H + 2 * Min, "WORKING");
    out << lifecycle(++row, "mig_a", "migration.completed", H + 10 * Min, "COMPLETE");
    // mig_b: started in the current hour, done with failures in 30 seconds.
    out << lifecycle(++row, "mig_b", "migration.started", H + 5 * Min, "WORKING");
    out << lifecycle(++row, "mig_b", "migration.completed", H + 5 * Min + 30 * Sec,
                     "COMPLETED_WITH_FAILURES");
    // mig_c: started in the previous hour, failed two hours later.
    out << lifecycle(++row, "mig_c", "migration.started", H - 55 * Min, "WORKING");
    out << lifecycle(++row, "mig_c", "migration.failed", H + 65 * Min, "FAILED");
    // mig_d: started two hours ago, still working.
    out << lifecycle(++row, "mig_d", "migration.created", H - 2 * Hour, "NOT_STARTED");
    out << lifecycle(++row, "mig_d", "migration.started", H - 2 * Hour + Min, "WORKING");
    // mig_e: created three hours ago, never started.
    out << lifecycle(++row, "mig_e", "migration.created", H - 3 * Hour + 10 * Min, "NOT_STARTED");
    // mig_f: started 30 hours ago (outside the day), completed five hours later.
    out << lifecycle(++row, "mig_f", "migration.started", H - 30 * Hour, "WORKING");
    out << lifecycle(++row, "mig_f", "migration.completed", H - 25 * Hour, "COMPLETE");
    // mig_g: dated in the future (a skewed clock), exactly one minute long.
    out << lifecycle(++row, "mig_g", "migration.started", H + 2 * Hour, "WORKING");
    out << lifecycle(++row, "mig_g", "migration.completed", H + 2 * Hour + Min, "COMPLETE");
    // mig_h: completed a minute before it started: a clock problem, not a duration.
    out << lifecycle(++row, "mig_h", "migration.started", H, "WORKING");
    out << lifecycle(++row, "mig_h", "migration.completed", H - Min, "COMPLETE");
    return out;
}

} // namespace

Q_DECLARE_METATYPE(mm::OutcomeBucket)

class TestStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windows_data();
    void windows();
    void eventRate_data();
    void eventRate();
    void durationBin_data();
    void durationBin();
    void durations_data();
    void durations();
    void outcomes_data();
    void outcomes();
    void emptyInput();
};

void TestStats::windows_data()
{
    QTest::addColumn<bool>("aligned");
    QTest::addColumn<qint64>("bucketUs");
    QTest::addColumn<int>("count");
    QTest::addColumn<qint64>("probeUs");
    QTest::addColumn<qint64>("startUs");
    QTest::addColumn<int>("bucket");

    const qint64 endStart = Now + 1 - 60 * Min;
    QTest::addRow("ending: now is in the last bucket") << false << Min << 60 << Now << endStart << 59;
    QTest::addRow("ending: a minute ago, plus 1 us") << false << Min << 60 << Now - Min + 1 << endStart << 59;
    QTest::addRow("ending: exactly a minute ago") << false << Min << 60 << Now - Min << endStart << 58;
    QTest::addRow("ending: the first microsecond") << false << Min << 60 << endStart << endStart << 0;
    QTest::addRow("ending: just before the window") << false << Min << 60 << endStart - 1 << endStart << -1;
    QTest::addRow("ending: after now") << false << Min << 60 << Now + 1 << endStart << -1;
    QTest::addRow("aligned: the current hour") << true << Hour << 24 << Now << H - 23 * Hour << 23;
    QTest::addRow("aligned: later this hour") << true << Hour << 24 << H + Hour - 1 << H - 23 * Hour << 23;
    QTest::addRow("aligned: the next hour") << true << Hour << 24 << H + Hour << H - 23 * Hour << -1;
    QTest::addRow("aligned: the first hour") << true << Hour << 24 << H - 23 * Hour << H - 23 * Hour << 0;
    QTest::addRow("aligned: an hour before it")
        << true << Hour << 24 << H - 23 * Hour - 1 << H - 23 * Hour << -1;
}

void TestStats::windows()
{
    QFETCH(bool, aligned);
    QFETCH(qint64, bucketUs);
    QFETCH(int, count);
    QFETCH(qint64, probeUs);
    QFETCH(qint64, startUs);
    QFETCH(int, bucket);

    const TimeWindow w
        = aligned ? TimeWindow::alignedTo(Now, bucketUs, count) : TimeWindow::endingAt(Now, bucketUs, count);
    QCOMPARE(w.startUs, startUs);
    QCOMPARE(w.count, count);
    QCOMPARE(w.endUs(), startUs + bucketUs * count);
    QCOMPARE(w.bucketOf(probeUs), bucket);
}

void TestStats::eventRate_data()
{
    QTest::addColumn<QList<EventFacts>>("facts");
    QTest::addColumn<int>("minutes");
    QTest::addColumn<QList<int>>("nonZero"); // pairs: bucket, count
    QTest::addColumn<int>("total");

    QTest::addRow("no deliveries") << QList<EventFacts> {} << 60 << QList<int> {} << 0;
    QTest::addRow("three in the last minute, one five minutes ago")
        << QList<EventFacts> {received(1, Now - 5 * Min), received(2, Now - 30 * Sec), received(3, Now - 1),
                              received(4, Now)}
        << 60 << QList<int> {54, 1, 59, 3} << 4;
    QTest::addRow("outside the window on both sides")
        << QList<EventFacts> {received(1, Now - 3 * Hour), received(2, Now - 60 * Min),
                              received(3, Now - 59 * Min), received(4, Now + Sec)}
        << 60 << QList<int> {0, 1} << 1;
    QTest::addRow("a thirty minute window")
        << QList<EventFacts> {received(1, Now - 45 * Min), received(2, Now - 29 * Min - 30 * Sec),
                              received(3, Now - 29 * Min - 10 * Sec), received(4, Now - 2 * Min)}
        << 30 << QList<int> {0, 2, 27, 1} << 3;
    // The walk back from the newest row must not stop at an old row fed back in.
    QTest::addRow("an old replayed row last")
        << QList<EventFacts> {received(1, Now - 10 * Min), received(2, Now - 9 * Min),
                              received(3, Now - 5 * Hour, true)}
        << 60 << QList<int> {49, 1, 50, 1} << 2;
    // A clock stepped back a little: the row before it is still in the window and counted.
    QTest::addRow("a small clock step")
        << QList<EventFacts> {received(1, Now - 20 * Min), received(2, Now - 70 * Min),
                              received(3, Now - Min + 1)}
        << 60 << QList<int> {39, 1, 59, 1} << 2;
}

void TestStats::eventRate()
{
    QFETCH(QList<EventFacts>, facts);
    QFETCH(int, minutes);
    QFETCH(QList<int>, nonZero);
    QFETCH(int, total);

    const Fixture fixture(facts);
    const EventRate rate = fixture.stats().eventRate(Now, minutes);
    QList<int> expected(minutes, 0);
    for (qsizetype i = 0; i + 1 < nonZero.size(); i += 2)
        expected[nonZero[i]] = nonZero[i + 1];
    QCOMPARE(rate.counts, expected);
    QCOMPARE(rate.total, total);
    QCOMPARE(rate.peak, *std::max_element(expected.cbegin(), expected.cend()));
    QCOMPARE(rate.current(), expected.constLast());
    QCOMPARE(rate.window.startUs, Now + 1 - minutes * Min);
}

void TestStats::durationBin_data()
{
    QTest::addColumn<qint64>("durationUs");
    QTest::addColumn<int>("bin");

    QTest::addRow("negative") << -Sec << -1;
    QTest::addRow("zero") << qint64(0) << 0;
    QTest::addRow("just under a minute") << Min - 1 << 0;
    QTest::addRow("one minute") << Min << 1;
    QTest::addRow("five minutes") << 5 * Min << 2;
    QTest::addRow("fourteen minutes") << 14 * Min << 2;
    QTest::addRow("fifteen minutes") << 15 * Min << 3;
    QTest::addRow("just under an hour") << Hour - 1 << 3;
    QTest::addRow("one hour") << Hour << 4;
    QTest::addRow("four hours") << 4 * Hour << 5;
    QTest::addRow("three days") << 72 * Hour << 5;
}

void TestStats::durationBin()
{
    QFETCH(qint64, durationUs);
    QFETCH(int, bin);
    QCOMPARE(Stats::durationBin(durationUs), bin);
    if (bin >= 0)
        QVERIFY(!DurationHistogram::binLabel(bin).isEmpty());
}

void TestStats::durations_data()
{
    QTest::addColumn<QList<EventFacts>>("facts");
    QTest::addColumn<QList<int>>("counts");

    QTest::addRow("no migrations") << QList<EventFacts> {} << QList<int> {0, 0, 0, 0, 0, 0};
    // a: 8 min, b: 30 s, c: 2 h, f: 5 h, g: 1 min; d and e are unfinished, h is negative.
    QTest::addRow("every outcome") << migrations() << QList<int> {1, 1, 1, 0, 1, 1};
    QTest::addRow("finished without a start")
        << QList<EventFacts> {lifecycle(1, "mig_x", "migration.completed", H, "COMPLETE")}
        << QList<int> {0, 0, 0, 0, 0, 0};
}

void TestStats::durations()
{
    QFETCH(QList<EventFacts>, facts);
    QFETCH(QList<int>, counts);

    const Fixture fixture(facts);
    const DurationHistogram histogram = fixture.stats().durations();
    QCOMPARE(QList<int>(histogram.counts.cbegin(), histogram.counts.cend()), counts);
    QCOMPARE(histogram.total, std::accumulate(counts.cbegin(), counts.cend(), 0));
}

void TestStats::outcomes_data()
{
    QTest::addColumn<QList<EventFacts>>("facts");
    QTest::addColumn<QList<int>>("buckets"); // the non-empty buckets' indexes
    QTest::addColumn<QList<OutcomeBucket>>("expected");

    QTest::addRow("no migrations") << QList<EventFacts> {} << QList<int> {} << QList<OutcomeBucket> {};
    // Hour 23 is [H, H+1h): a completed, b with failures, h completed (its dates are off).
    // c started in hour 22, d in hour 21, e was created in hour 20; f and g are outside.
    QTest::addRow("every outcome") << migrations() << QList<int> {20, 21, 22, 23}
                                   << QList<OutcomeBucket> {
                                          {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 1, 0}, {2, 1, 0, 0}};
}

void TestStats::outcomes()
{
    QFETCH(QList<EventFacts>, facts);
    QFETCH(QList<int>, buckets);
    QFETCH(QList<OutcomeBucket>, expected);

    const Fixture fixture(facts);
    const OutcomeSeries series = fixture.stats().outcomes(Now, 24);
    QCOMPARE(series.buckets.size(), 24);
    QCOMPARE(series.window.startUs, H - 23 * Hour);
    int total = 0;
    for (int i = 0; i < 24; ++i) {
        const qsizetype at = buckets.indexOf(i);
        const OutcomeBucket want = at >= 0 ? expected.at(at) : OutcomeBucket {};
        const OutcomeBucket &got = series.buckets.at(i);
        QVERIFY2(got == want,
                 qPrintable(QStringLiteral("hour %1: got %2/%3/%4/%5, want %6/%7/%8/%9")
                                .arg(i)
                                .arg(got.completed)
                                .arg(got.withFailures)
                                .arg(got.failed)
                                .arg(got.inProgress)
                                .arg(want.completed)
                                .arg(want.withFailures)
                                .arg(want.failed)
                                .arg(want.inProgress)));
        total += want.total();
    }
    QCOMPARE(series.total, total);
}

void TestStats::emptyInput()
{
    const Fixture fixture({});
    const Stats stats = fixture.stats();
    const EventRate rate = stats.eventRate(Now);
    QCOMPARE(rate.counts.size(), 60);
    QCOMPARE(rate.total, 0);
    QCOMPARE(rate.peak, 0);
    QCOMPARE(rate.current(), 0);
    QCOMPARE(stats.durations().total, 0);
    const OutcomeSeries series = stats.outcomes(Now);
    QCOMPARE(series.buckets.size(), 24);
    QCOMPARE(series.total, 0);
    // A zero-sized window holds nothing rather than failing.
    QCOMPARE(stats.eventRate(Now, 0).counts.size(), 0);
    QCOMPARE(stats.eventRate(Now, 0).current(), 0);
}

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
