// SPDX-License-Identifier: GPL-3.0-or-later
// Tests core/alerts/alertmonitor: what reaches the rules (live facts, stalls after the
// start-up baseline, refusals, the listener) and what comes out as notifications.
#include "alerts/alertmonitor.h"
#include "model/monitormodel.h"

#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
EventFacts failed(const QString &migration, const QString &eventId)
{
    EventFacts f;
    f.type = QStringLiteral("migration.failed");
    f.migrationId = migration;
    f.eventId = eventId;
    f.parsed = true;
    return f;
}

DeliveryLogEntry entry(int status)
{
    DeliveryLogEntry e;
    e.status = status;
    e.verdict = status == 401 ? QStringLiteral("no_matching_signature") : QStringLiteral("accepted");
    return e;
}
} // namespace

class TestAlertMonitor : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 1750000000000;
    AlertMonitor::Clock clock()
    {
        return [this] { return m_now; };
    }

private Q_SLOTS:
    void liveFailureNotifies();
    void replayedFailureNotifiesMarked();
    void stallsAfterTheBaseline();
    void refusalsInAMinute();
    void listenerStopsOnce();
    void storageFullOnceUntilWritable();
    void pauseSilences();
};

void TestAlertMonitor::liveFailureNotifies()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    QSignalSpy raised(&monitor, &AlertMonitor::raised);
    monitor.ingest({failed(QStringLiteral("mig_1"), QStringLiteral("e1"))});
    QCOMPARE(raised.size(), 1);
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.migrationId, QStringLiteral("mig_1"));
    QCOMPARE(n.title, QStringLiteral("Migration failed"));
    QCOMPARE(n.urgency, AlertUrgency::Critical);
    QVERIFY(!n.replaces);
    // The same migration again within 30 s is held for a summary, not shown.
    monitor.ingest({failed(QStringLiteral("mig_1"), QStringLiteral("e2"))});
    QCOMPARE(raised.size(), 2);
    QCOMPARE(notified.size(), 1);
    // Muted: not even raised.
    monitor.setMuted(QStringLiteral("mig_2"), true);
    monitor.ingest({failed(QStringLiteral("mig_2"), QStringLiteral("e3"))});
    QCOMPARE(raised.size(), 2);
}

void TestAlertMonitor::replayedFailureNotifiesMarked()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    monitor.ingest({failed(QStringLiteral("mig_1"), QStringLiteral("e1"))});
    QCOMPARE(notified.size(), 1);
    // The same event fed back in: shown at once, apart from the live one's 30 s hold, and marked.
    EventFacts replayed = failed(QStringLiteral("mig_1"), QStringLiteral("e1"));
    replayed.replayed = true;
    monitor.ingest({replayed});
    QCOMPARE(notified.size(), 2);
    const auto n = notified.last().first().value<Notification>();
    QCOMPARE(n.title, QStringLiteral("Migration failed (replayed)"));
    QCOMPARE(n.migrationId, QStringLiteral("mig_1"));
    QVERIFY(!n.replaces);
    // Task failures replayed within 30 s are held; their summary, once due, stays marked.
    EventFacts task = failed(QStringLiteral("mig_2"), QStringLiteral("t1"));
    task.type = QStringLiteral("migration_task.failed");
    task.replayed = true;
    monitor.ingest({task});
    QCOMPARE(notified.size(), 3);
    QCOMPARE(notified.last().first().value<Notification>().title,
             QStringLiteral("Task failed in mig_2 (replayed)"));
    task.eventId = QStringLiteral("t2");
    monitor.ingest({task});
    QCOMPARE(notified.size(), 3);
    m_now += 31000;
    task.eventId = QStringLiteral("t3");
    monitor.ingest({task});
    QCOMPARE(notified.size(), 4);
    const auto summary = notified.last().first().value<Notification>();
    QCOMPARE(summary.title, QStringLiteral("3 task failures in mig_2 (replayed)"));
    QVERIFY(summary.replaces);
}

void TestAlertMonitor::stallsAfterTheBaseline()
{
    MonitorModel model;
    AlertMonitor monitor(clock());
    monitor.watchStalls(&model);
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    // Before the store is loaded, and in the check that follows the load, stalls are old news.
    Q_EMIT model.newlyStalled({QStringLiteral("mig_before")});
    Q_EMIT model.loaded(10, 5);
    Q_EMIT model.newlyStalled({QStringLiteral("mig_old")});
    QCOMPARE(notified.size(), 0);
    QCoreApplication::processEvents();
    Q_EMIT model.newlyStalled({QStringLiteral("mig_new")});
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.migrationId, QStringLiteral("mig_new"));
    QCOMPARE(n.title, QStringLiteral("Migration stalled"));
}

void TestAlertMonitor::refusalsInAMinute()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    monitor.handled({entry(401), entry(200), entry(401), entry(401), entry(401)});
    QCOMPARE(notified.size(), 0);
    m_now += 30000;
    monitor.handled({entry(401)});
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.title, QStringLiteral("Deliveries rejected"));
    QVERIFY(n.body.startsWith(QLatin1String("5 deliveries were refused within a minute")));
    QVERIFY(n.migrationId.isEmpty());
}

void TestAlertMonitor::listenerStopsOnce()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    monitor.setListening(true);
    QCOMPARE(notified.size(), 0);
    monitor.setListening(false, QStringLiteral("Port 8787 is in use."));
    QCOMPARE(notified.size(), 1);
    QCOMPARE(notified.first().first().value<Notification>().urgency, AlertUrgency::Critical);
    monitor.setListening(false, QStringLiteral("Still in use."));
    QCOMPARE(notified.size(), 1);
    m_now += 60000;
    monitor.setListening(true);
    monitor.setListening(false);
    QCOMPARE(notified.size(), 2);
}

void TestAlertMonitor::storageFullOnceUntilWritable()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    monitor.setStorageFull(false);
    QCOMPARE(notified.size(), 0);
    monitor.setStorageFull(true, QStringLiteral("database or disk is full"));
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.title, QStringLiteral("Storage full"));
    QCOMPARE(n.urgency, AlertUrgency::Critical);
    QVERIFY(n.body.startsWith(QLatin1String("The store cannot write: database or disk is full.")));
    QVERIFY(n.migrationId.isEmpty());
    // Every failed write says so again; one alert is enough.
    monitor.setStorageFull(true, QStringLiteral("database or disk is full"));
    QCOMPARE(notified.size(), 1);
    // A write succeeded: cleared. Filling up again later alerts again.
    m_now += 120000;
    monitor.setStorageFull(false);
    QCOMPARE(notified.size(), 1);
    monitor.setStorageFull(true);
    QCOMPARE(notified.size(), 2);
}

void TestAlertMonitor::pauseSilences()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    monitor.pauseFor(3600 * 1000);
    QVERIFY(monitor.isSilenced());
    monitor.ingest({failed(QStringLiteral("mig_1"), QStringLiteral("e1"))});
    QCOMPARE(notified.size(), 0);
    monitor.pauseFor(0);
    QVERIFY(!monitor.isSilenced());
    monitor.ingest({failed(QStringLiteral("mig_1"), QStringLiteral("e2"))});
    QCOMPARE(notified.size(), 1);
}

QTEST_GUILESS_MAIN(TestAlertMonitor)
#include "tst_alertmonitor.moc"
