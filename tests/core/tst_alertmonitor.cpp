// SPDX-License-Identifier: GPL-3.0-or-later
// Tests core/alerts/alertmonitor: what reaches the rules (live facts, quiet migrations after the
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
    void quietAfterTheBaseline();
    void quietMigrationsDoNotAlertByDefault();
    void unknownFailureTypeNotifies();
    void taskFailureNamesTheTaskAndTheFilesApi();
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

void TestAlertMonitor::quietAfterTheBaseline()
{
    MonitorModel model;
    AlertMonitor monitor(clock());
    AlertSettings settings;
    settings.quietMigrations = true;
    monitor.setSettings(settings);
    monitor.watchQuiet(&model);
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    // Before the store is loaded, and in the check that follows the load, quiet ones are old news.
    Q_EMIT model.newlyQuiet({QStringLiteral("mig_before")});
    Q_EMIT model.loaded(10, 5);
    Q_EMIT model.newlyQuiet({QStringLiteral("mig_old")});
    QCOMPARE(notified.size(), 0);
    QCoreApplication::processEvents();
    Q_EMIT model.newlyQuiet({QStringLiteral("mig_new")});
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.migrationId, QStringLiteral("mig_new"));
    QCOMPARE(n.title, QStringLiteral("Migration quiet"));
}

void TestAlertMonitor::quietMigrationsDoNotAlertByDefault()
{
    // The model still finds them (the board flags them); the alert waits for the user's say-so.
    MonitorModel model;
    AlertMonitor monitor(clock());
    monitor.watchQuiet(&model);
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    QSignalSpy raised(&monitor, &AlertMonitor::raised);
    Q_EMIT model.loaded(10, 5);
    QCoreApplication::processEvents();
    Q_EMIT model.newlyQuiet({QStringLiteral("mig_long"), QStringLiteral("mig_waiting_for_login")});
    QCOMPARE(raised.size(), 0);
    QCOMPARE(notified.size(), 0);
}

void TestAlertMonitor::taskFailureNamesTheTaskAndTheFilesApi()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    EventFacts task = failed(QStringLiteral("mig_4"), QStringLiteral("t1"));
    task.type = QStringLiteral("migration_task.failed");
    task.taskId = QStringLiteral("tsk_01HX4J3SQ4");
    task.errorMessage = QStringLiteral("Timed out");
    monitor.ingest({task});
    QCOMPARE(notified.size(), 1);
    QCOMPARE(notified.first().first().value<Notification>().body,
             QStringLiteral("Task tsk_01HX4J3SQ4 failed: Timed out\nFiles may still be available for task "
                            "tsk_01HX4J3SQ4: poll Anon's files API for its partial extractions."));
    // A burst's summary ends with the latest one, its task id and the advice with it.
    task.eventId = QStringLiteral("t2");
    task.taskId = QStringLiteral("tsk_2");
    monitor.ingest({task});
    QCOMPARE(notified.size(), 1); // held: one notification per migration per 30 s
    m_now += 31000;
    task.eventId = QStringLiteral("t3");
    task.taskId = QStringLiteral("tsk_3");
    monitor.ingest({task});
    QCOMPARE(notified.size(), 2);
    const auto summary = notified.last().first().value<Notification>();
    QCOMPARE(summary.title, QStringLiteral("3 task failures in mig_4"));
    QVERIFY2(summary.body.contains(QStringLiteral("poll Anon's files API"))
                 && summary.body.contains(QStringLiteral("tsk_3")),
             qPrintable(summary.body));
}

void TestAlertMonitor::unknownFailureTypeNotifies()
{
    AlertMonitor monitor(clock());
    QSignalSpy notified(&monitor, &AlertMonitor::notify);
    EventFacts f;
    f.type = QStringLiteral("migration.login_rejected");
    f.migrationId = QStringLiteral("mig_9");
    f.eventId = QStringLiteral("e9");
    f.errorMessage = QStringLiteral("MFA code expired");
    f.parsed = true;
    monitor.ingest({f});
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.migrationId, QStringLiteral("mig_9"));
    QCOMPARE(n.title, QStringLiteral("migration.login_rejected in mig_9"));
    QCOMPARE(n.body, QStringLiteral("MFA code expired"));
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
