// SPDX-License-Identifier: GPL-3.0-or-later
// Delivery order: per-migration gating in order, the shuffle window, event caps and pings.
#include "sim/deliverysource.h"

#include <QHash>
#include <QTest>
#include <memory>

using namespace mm::sim;

namespace {
DeliverySource::Options options(quint64 seed)
{
    DeliverySource::Options o;
    o.seed = seed;
    o.lifecycle.seed = seed;
    o.lifecycle.clockUs = [] { return 1'750'207'840'301'173LL; };
    return o;
}

// Pulls everything, releasing each lane at once, as a sender with instant answers would.
QList<GeneratedEvent> drain(DeliverySource &source)
{
    QList<GeneratedEvent> out;
    while (std::optional<SourcedDelivery> d = source.next()) {
        out.append(d->event);
        source.release(d->lane);
        if (out.size() > 100'000)
            break;
    }
    return out;
}

int rank(const QByteArray &type)
{
    if (type == "migration.created")
        return 0;
    if (type == "migration.started")
        return 1;
    if (type == "migration_task.failed")
        return 2;
    return 3;
}

int inversions(const QList<GeneratedEvent> &events)
{
    QHash<QByteArray, int> last;
    int count = 0;
    for (const GeneratedEvent &e : events) {
        if (e.migrationId.isEmpty())
            continue;
        const int r = rank(e.type);
        if (r < last.value(e.migrationId, 0))
            ++count;
        last[e.migrationId] = qMax(r, last.value(e.migrationId, 0));
    }
    return count;
}
} // namespace

class TestDeliverySource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void migrationsAreComplete();
    void eventsCapIsExact_data();
    void eventsCapIsExact();
    void inOrderWaitsForTheFirstAttempt();
    void shuffleWindow();
    void pingsAreSpreadOut();
    void continuousNeverRunsOut();
    void pacedWaitsForTheClock();
};

void TestDeliverySource::migrationsAreComplete()
{
    DeliverySource::Options o = options(1);
    o.migrations = 25;
    DeliverySource source(o);
    const QList<GeneratedEvent> events = drain(source);
    QVERIFY(source.exhausted());
    QCOMPARE(source.migrationsGenerated(), 25);
    QCOMPARE(source.produced(), events.size());
    QHash<QByteArray, int> terminals;
    for (const GeneratedEvent &e : events) {
        if (e.type == "migration.completed" || e.type == "migration.failed")
            ++terminals[e.migrationId];
    }
    QCOMPARE(terminals.size(), 25);
    for (int n : terminals)
        QCOMPARE(n, 1);
    QCOMPARE(inversions(events), 0);
}

void TestDeliverySource::eventsCapIsExact_data()
{
    QTest::addColumn<bool>("outOfOrder");
    QTest::addRow("in order") << false;
    QTest::addRow("out of order") << true;
}

void TestDeliverySource::eventsCapIsExact()
{
    QFETCH(bool, outOfOrder);
    DeliverySource::Options o = options(2);
    o.events = 37;
    o.migrations = 1; // ignored when events is set
    o.outOfOrder = outOfOrder;
    DeliverySource source(o);
    QCOMPARE(drain(source).size(), 37);
    QVERIFY(source.exhausted());
    QVERIFY(source.migrationsGenerated() > 5);
}

void TestDeliverySource::inOrderWaitsForTheFirstAttempt()
{
    DeliverySource::Options o = options(3);
    o.migrations = 5;
    o.lanes = 2;
    DeliverySource source(o);
    std::optional<SourcedDelivery> a = source.next();
    std::optional<SourcedDelivery> b = source.next();
    QVERIFY(a && b);
    QCOMPARE(a->event.type, QByteArrayLiteral("migration.created"));
    QCOMPARE(b->event.type, QByteArrayLiteral("migration.created"));
    QVERIFY(a->event.migrationId != b->event.migrationId);
    // Both lanes wait for their first attempt, so nothing may go now, yet more is to come.
    QVERIFY(!source.next());
    QVERIFY(!source.exhausted());
    source.release(a->lane);
    std::optional<SourcedDelivery> c = source.next();
    QVERIFY(c);
    QCOMPARE(c->event.migrationId, a->event.migrationId);
    QCOMPARE(c->event.type, QByteArrayLiteral("migration.started"));
    QVERIFY(!source.next());
}

void TestDeliverySource::shuffleWindow()
{
    DeliverySource::Options o = options(4);
    o.migrations = 60;
    o.outOfOrder = true;
    o.window = 1; // a window of one is the natural order
    DeliverySource narrow(o);
    const QList<GeneratedEvent> natural = drain(narrow);
    QCOMPARE(inversions(natural), 0);

    o.window = 16;
    DeliverySource wide(o);
    const QList<GeneratedEvent> shuffled = drain(wide);
    QCOMPARE(shuffled.size(), natural.size());
    QVERIFY(inversions(shuffled) > 10);
    // Same events, different order.
    QList<QByteArray> a, b;
    for (const GeneratedEvent &e : natural)
        a.append(e.body);
    for (const GeneratedEvent &e : shuffled)
        b.append(e.body);
    QVERIFY(a != b);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    QCOMPARE(a, b);
}

void TestDeliverySource::pingsAreSpreadOut()
{
    DeliverySource::Options o = options(5);
    o.migrations = 40;
    o.pings = 6;
    DeliverySource source(o);
    const QList<GeneratedEvent> events = drain(source);
    QList<qsizetype> at;
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events.at(i).type == "svix.ping")
            at.append(i);
    }
    QCOMPARE(at.size(), 6);
    QVERIFY(at.constFirst() < events.size() / 2); // not all bunched at the end
    QVERIFY(at.constLast() > 0);

    o.migrations = 0; // pings alone are a valid run
    DeliverySource onlyPings(o);
    QCOMPARE(drain(onlyPings).size(), 6);
    QVERIFY(onlyPings.exhausted());
}

void TestDeliverySource::continuousNeverRunsOut()
{
    DeliverySource::Options o = options(6);
    o.continuous = true;
    o.migrations = 1;
    DeliverySource source(o);
    for (int i = 0; i < 2000; ++i) {
        std::optional<SourcedDelivery> d = source.next();
        QVERIFY(d);
        source.release(d->lane);
    }
    QVERIFY(!source.exhausted());
    QVERIFY(source.migrationsGenerated() > 300);
}

void TestDeliverySource::pacedWaitsForTheClock()
{
    auto now = std::make_shared<qint64>(1'750'207'840'000'000LL);
    DeliverySource::Options o = options(7);
    o.continuous = true;
    o.pacing.enabled = true;
    o.clockUs = [now] { return *now; };
    DeliverySource source(o);
    // The first record exists now; its webhook is due a moment later, not at once.
    QVERIFY(!source.next());
    const qint64 wait = source.waitUs();
    QVERIFY2(wait > 0 && wait <= 500'000, qPrintable(QString::number(wait)));
    *now += wait;
    std::optional<SourcedDelivery> created = source.next();
    QVERIFY(created);
    QCOMPARE(created->event.type, QByteArrayLiteral("migration.created"));
    QCOMPARE(created->event.createdUs, *now);
    QCOMPARE(created->lane, -1);
    QVERIFY(!source.next()); // migration.started comes seconds later
    QVERIFY(source.waitUs() >= 2'000'000);
    QCOMPARE(source.produced(), 1);
    QCOMPARE(source.migrationsGenerated(), 1);
    QVERIFY(!source.exhausted());

    // An hour later: one start every 10–25 s, and everything due has been sent.
    *now += 3'600'000'000LL;
    int delivered = 0;
    while (source.next())
        ++delivered;
    QVERIFY(source.migrationsGenerated() >= 140 && source.migrationsGenerated() <= 360);
    QVERIFY(delivered > 400);
    QVERIFY(source.waitUs() > 0); // nothing more is due until the clock moves
}

QTEST_GUILESS_MAIN(TestDeliverySource)
#include "tst_deliverysource.moc"
