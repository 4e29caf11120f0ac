// SPDX-License-Identifier: GPL-3.0-or-later
// Tests core/alerts/alertrules: which facts alert, how they read, and what keeps them quiet.
#include "alerts/alertrules.h"

#include <QDateTime>
#include <QTest>

using namespace mm;

namespace {
EventFacts fact(const QString &type, const QString &migration, const QString &eventId,
                const QString &status = {}, const QString &error = {})
{
    EventFacts f;
    f.type = type;
    f.migrationId = migration;
    f.eventId = eventId;
    f.msgId = "msg_" + eventId.toLatin1();
    f.status = status;
    f.errorMessage = error;
    f.parsed = true;
    if (type.startsWith(QLatin1String("migration_task.")))
        f.taskId = QStringLiteral("tsk_9");
    return f;
}

// (ms after the start, refusals)
using Refusals = QList<QPair<qint64, int>>;

qint64 localTime(int hour, int minute)
{
    return QDateTime(QDate(2025, 6, 18), QTime(hour, minute)).toMSecsSinceEpoch();
}
} // namespace

class TestAlertRules : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = localTime(12, 0);
    AlertRules::Clock clock()
    {
        return [this] { return m_now; };
    }

private Q_SLOTS:
    void init() { m_now = localTime(12, 0); }
    void factsRaiseAlerts_data();
    void factsRaiseAlerts();
    void aDeliveryAlertsOnce();
    void rulesCanBeTurnedOff_data();
    void rulesCanBeTurnedOff();
    void quietHours_data();
    void quietHours();
    void pauseEnds();
    void muteOneMigration();
    void quietAlertsOnlyWhenTurnedOn();
    void knownFailuresKeepTheirOwnRule();
    void rejections_data();
    void rejections();
    void listener();
};

void TestAlertRules::factsRaiseAlerts_data()
{
    QTest::addColumn<EventFacts>("facts");
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("urgency");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("body");

    const int critical = int(AlertUrgency::Critical);
    const int normal = int(AlertUrgency::Normal);
    QTest::addRow("failed") << fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"),
                                    QStringLiteral("e1"), QStringLiteral("FAILED"),
                                    QStringLiteral("disk full"))
                            << 1 << int(AlertKind::MigrationFailed) << critical
                            << QStringLiteral("Migration failed")
                            << QStringLiteral("mig_1 failed: disk full");
    QTest::addRow("failed, no message")
        << fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e1")) << 1
        << int(AlertKind::MigrationFailed) << critical << QStringLiteral("Migration failed")
        << QStringLiteral("mig_1 failed.");
    QTest::addRow("completed with failures")
        << fact(QStringLiteral("migration.completed"), QStringLiteral("mig_2"), QStringLiteral("e2"),
                QStringLiteral("COMPLETED_WITH_FAILURES"))
        << 1 << int(AlertKind::CompletedWithFailures) << normal
        << QStringLiteral("Migration completed with failures")
        << QStringLiteral("mig_2 completed, but some of its tasks failed.");
    QTest::addRow("task failed") << fact(QStringLiteral("migration_task.failed"), QStringLiteral("mig_3"),
                                         QStringLiteral("e3"), QStringLiteral("FAILED"),
                                         QStringLiteral("timeout"))
                                 << 1 << int(AlertKind::TaskFailed) << normal
                                 << QStringLiteral("Task failed in mig_3")
                                 << QStringLiteral("Task tsk_9 failed: timeout\nFiles may still be available "
                                                   "for task tsk_9: poll Anon's files API for its partial "
                                                   "extractions.");
    EventFacts noTaskId = fact(QStringLiteral("migration_task.failed"), QStringLiteral("mig_3"),
                               QStringLiteral("e3b"), QStringLiteral("FAILED"));
    noTaskId.taskId.clear();
    QTest::addRow("task failed, no task id")
        << noTaskId << 1 << int(AlertKind::TaskFailed) << normal << QStringLiteral("Task failed in mig_3")
        << QStringLiteral("A task failed.\nFiles may still be available for this task: poll Anon's files "
                          "API for its partial extractions.");
    QTest::addRow("login rejected") << fact(QStringLiteral("migration.login_rejected"),
                                            QStringLiteral("mig_7"), QStringLiteral("e10"),
                                            QStringLiteral("NOT_STARTED"), QStringLiteral("MFA code expired"))
                                    << 1 << int(AlertKind::OtherFailure) << normal
                                    << QStringLiteral("migration.login_rejected in mig_7")
                                    << QStringLiteral("MFA code expired");
    QTest::addRow("a new failure type, no message")
        << fact(QStringLiteral("migration_export.failed"), QStringLiteral("mig_8"), QStringLiteral("e11"))
        << 1 << int(AlertKind::OtherFailure) << normal << QStringLiteral("migration_export.failed in mig_8")
        << QStringLiteral("An event of a type this app has no rule for; see the event log.");
    QTest::addRow("rejected, no migration")
        << fact(QStringLiteral("login.REJECTED"), QString(), QStringLiteral("e12"), QString(),
                QStringLiteral("denied"))
        << 1 << int(AlertKind::OtherFailure) << normal << QStringLiteral("login.REJECTED")
        << QStringLiteral("denied");
    QTest::addRow("other type, not a failure")
        << fact(QStringLiteral("migration.progress"), QStringLiteral("mig_9"), QStringLiteral("e13")) << 0
        << 0 << 0 << QString() << QString();
    QTest::addRow("a word that only ends like one")
        << fact(QStringLiteral("migration.unfailed"), QStringLiteral("mig_9"), QStringLiteral("e14")) << 0
        << 0 << 0 << QString() << QString();
    QTest::addRow("completed") << fact(QStringLiteral("migration.completed"), QStringLiteral("mig_4"),
                                       QStringLiteral("e4"), QStringLiteral("COMPLETE"))
                               << 0 << 0 << 0 << QString() << QString();
    QTest::addRow("started") << fact(QStringLiteral("migration.started"), QStringLiteral("mig_5"),
                                     QStringLiteral("e5"), QStringLiteral("WORKING"))
                             << 0 << 0 << 0 << QString() << QString();
    QTest::addRow("ping") << fact(QStringLiteral("svix.ping"), QString(), QStringLiteral("e6")) << 0 << 0 << 0
                          << QString() << QString();
    EventFacts unparsed
        = fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e7"));
    unparsed.parsed = false;
    QTest::addRow("unparsed") << unparsed << 0 << 0 << 0 << QString() << QString();
    EventFacts replayed
        = fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e8"));
    replayed.replayed = true;
    replayed.attempts = 3; // fed back in on purpose: alerts whatever its attempts, marked
    QTest::addRow("replayed") << replayed << 1 << int(AlertKind::MigrationFailed) << critical
                              << QStringLiteral("Migration failed (replayed)")
                              << QStringLiteral("mig_1 failed.");
    EventFacts retry
        = fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e9"));
    retry.attempts = 2;
    QTest::addRow("second attempt") << retry << 0 << 0 << 0 << QString() << QString();
}

void TestAlertRules::factsRaiseAlerts()
{
    QFETCH(EventFacts, facts);
    QFETCH(int, alerts);
    AlertRules rules(clock());
    const QList<Alert> out = rules.facts({facts});
    QCOMPARE(out.size(), alerts);
    if (alerts == 0)
        return;
    QFETCH(int, kind);
    QFETCH(int, urgency);
    QFETCH(QString, title);
    QFETCH(QString, body);
    QCOMPARE(int(out.first().kind), kind);
    QCOMPARE(int(out.first().urgency), urgency);
    QCOMPARE(out.first().migrationId, facts.migrationId);
    QCOMPARE(out.first().title, title);
    QCOMPARE(out.first().body, body);
    QCOMPARE(out.first().count, 1);
}

void TestAlertRules::aDeliveryAlertsOnce()
{
    AlertRules rules(clock());
    const EventFacts f
        = fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e1"));
    QCOMPARE(rules.facts({f}).size(), 1);
    // The same delivery again, and the same event under another message id.
    QCOMPARE(rules.facts({f}).size(), 0);
    EventFacts again = f;
    again.msgId = "msg_other";
    QCOMPARE(rules.facts({again}).size(), 0);
    // Fed back in, it alerts again (marked), and does not make the live event new again.
    EventFacts replayed = f;
    replayed.replayed = true;
    const QList<Alert> out = rules.facts({replayed});
    QCOMPARE(out.size(), 1);
    QVERIFY(out.first().replayed);
    QCOMPARE(out.first().title, QStringLiteral("Migration failed (replayed)"));
    QCOMPARE(rules.facts({replayed}).size(), 1);
    QCOMPARE(rules.facts({f}).size(), 0);
    // A batch with two failures alerts twice.
    QCOMPARE(
        rules
            .facts({fact(QStringLiteral("migration.failed"), QStringLiteral("mig_2"), QStringLiteral("e2")),
                    fact(QStringLiteral("migration.failed"), QStringLiteral("mig_3"), QStringLiteral("e3"))})
            .size(),
        2);
}

void TestAlertRules::rulesCanBeTurnedOff_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<EventFacts>("facts");
    QTest::addRow("failed") << QStringLiteral(
        "failed") << fact(QStringLiteral("migration.failed"), QStringLiteral("m"), QStringLiteral("e"));
    QTest::addRow("completed with failures")
        << QStringLiteral("completed")
        << fact(QStringLiteral("migration.completed"), QStringLiteral("m"), QStringLiteral("e"),
                QStringLiteral("COMPLETED_WITH_FAILURES"));
    QTest::addRow("task failed") << QStringLiteral(
        "task") << fact(QStringLiteral("migration_task.failed"), QStringLiteral("m"), QStringLiteral("e"));
    QTest::addRow("other failure") << QStringLiteral("other")
                                   << fact(QStringLiteral("migration.login_rejected"), QStringLiteral("m"),
                                           QStringLiteral("e"));
}

void TestAlertRules::rulesCanBeTurnedOff()
{
    QFETCH(QString, rule);
    QFETCH(EventFacts, facts);
    AlertSettings settings;
    settings.migrationFailed = rule != QLatin1String("failed");
    settings.completedWithFailures = rule != QLatin1String("completed");
    settings.taskFailed = rule != QLatin1String("task");
    settings.otherFailures = rule != QLatin1String("other");
    AlertRules off(clock());
    off.setSettings(settings);
    QCOMPARE(off.facts({facts}).size(), 0);
    AlertRules on(clock());
    QCOMPARE(on.facts({facts}).size(), 1);
}

void TestAlertRules::quietHours_data()
{
    QTest::addColumn<bool>("enabled");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("end");
    QTest::addColumn<qint64>("at");
    QTest::addColumn<bool>("quiet");
    const int ten = 22 * 60;
    const int seven = 7 * 60;
    QTest::addRow("over midnight, late") << true << ten << seven << localTime(23, 30) << true;
    QTest::addRow("over midnight, at start") << true << ten << seven << localTime(22, 0) << true;
    QTest::addRow("over midnight, early") << true << ten << seven << localTime(6, 59) << true;
    QTest::addRow("over midnight, at end") << true << ten << seven << localTime(7, 0) << false;
    QTest::addRow("over midnight, noon") << true << ten << seven << localTime(12, 0) << false;
    QTest::addRow("daytime, inside") << true << 9 * 60 << 17 * 60 << localTime(12, 0) << true;
    QTest::addRow("daytime, before") << true << 9 * 60 << 17 * 60 << localTime(8, 59) << false;
    QTest::addRow("switched off") << false << ten << seven << localTime(23, 30) << false;
    QTest::addRow("empty span") << true << ten << ten << localTime(22, 0) << false;
}

void TestAlertRules::quietHours()
{
    QFETCH(bool, enabled);
    QFETCH(int, start);
    QFETCH(int, end);
    QFETCH(qint64, at);
    QFETCH(bool, quiet);
    AlertSettings settings;
    settings.quietHours = enabled;
    settings.quietStartMinute = start;
    settings.quietEndMinute = end;
    settings.quietMigrations = true;
    AlertRules rules(clock());
    rules.setSettings(settings);
    m_now = at;
    QCOMPARE(rules.isSilenced(), quiet);
    const EventFacts f
        = fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e1"));
    QCOMPARE(rules.facts({f}).size(), quiet ? 0 : 1);
    QCOMPARE(rules.quiet({QStringLiteral("mig_2")}).size(), quiet ? 0 : 1);
    QCOMPARE(rules.listenerStopped({}).size(), quiet ? 0 : 1);
}

void TestAlertRules::pauseEnds()
{
    AlertRules rules(clock());
    rules.setPausedUntil(m_now + 3600 * 1000);
    QVERIFY(rules.isSilenced());
    QCOMPARE(
        rules.facts({fact(QStringLiteral("migration.failed"), QStringLiteral("m"), QStringLiteral("e1"))})
            .size(),
        0);
    m_now += 3600 * 1000;
    QVERIFY(!rules.isSilenced());
    QCOMPARE(
        rules.facts({fact(QStringLiteral("migration.failed"), QStringLiteral("m"), QStringLiteral("e2"))})
            .size(),
        1);
}

void TestAlertRules::muteOneMigration()
{
    AlertRules rules(clock());
    AlertSettings quietOn;
    quietOn.quietMigrations = true;
    rules.setSettings(quietOn);
    rules.setMuted(QStringLiteral("mig_noisy"), true);
    QVERIFY(rules.isMuted(QStringLiteral("mig_noisy")));
    QCOMPARE(rules.settings().mutedMigrations, QStringList {QStringLiteral("mig_noisy")});
    const QList<Alert> out = rules.facts(
        {fact(QStringLiteral("migration_task.failed"), QStringLiteral("mig_noisy"), QStringLiteral("e1")),
         fact(QStringLiteral("migration.failed"), QStringLiteral("mig_noisy"), QStringLiteral("e2")),
         fact(QStringLiteral("migration.failed"), QStringLiteral("mig_other"), QStringLiteral("e3"))});
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().migrationId, QStringLiteral("mig_other"));
    QCOMPARE(rules.quiet({QStringLiteral("mig_noisy")}).size(), 0);

    rules.setMuted(QStringLiteral("mig_noisy"), false);
    QVERIFY(rules.settings().mutedMigrations.isEmpty());
    QCOMPARE(rules
                 .facts({fact(QStringLiteral("migration.failed"), QStringLiteral("mig_noisy"),
                              QStringLiteral("e4"))})
                 .size(),
             1);

    // Muted through the settings, as saved between runs.
    AlertSettings settings;
    settings.quietMigrations = true;
    settings.mutedMigrations = {QStringLiteral("mig_saved")};
    rules.setSettings(settings);
    QVERIFY(rules.isMuted(QStringLiteral("mig_saved")));
    QCOMPARE(rules.quiet({QStringLiteral("mig_saved"), QStringLiteral("mig_x")}).size(), 1);
}

void TestAlertRules::quietAlertsOnlyWhenTurnedOn()
{
    // Anon sends no progress events: a quiet migration is usually a long or a waiting one, so
    // the rule is off until the user turns it on.
    QVERIFY(!AlertSettings().quietMigrations);
    AlertRules rules(clock());
    QCOMPARE(rules.quiet({QStringLiteral("mig_1"), QStringLiteral("mig_2")}).size(), 0);
    AlertSettings settings;
    settings.quietMigrations = true;
    rules.setSettings(settings);
    const QList<Alert> out = rules.quiet({QStringLiteral("mig_1"), QStringLiteral("mig_2")});
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).kind, AlertKind::Quiet);
    QCOMPARE(out.at(0).urgency, AlertUrgency::Low);
    QCOMPARE(out.at(1).migrationId, QStringLiteral("mig_2"));
    QCOMPARE(out.at(1).title, QStringLiteral("Migration quiet"));
    QCOMPARE(out.at(1).body,
             QStringLiteral("mig_2 has sent no event for longer than its quiet threshold. "
                            "Anon sends no progress events, so this is often normal."));
}

void TestAlertRules::knownFailuresKeepTheirOwnRule()
{
    // migration.failed and migration_task.failed end in .failed too, but alert once, through
    // their own rule; with that rule off, the catch-all does not bring them back.
    QVERIFY(AlertSettings().otherFailures);
    AlertRules rules(clock());
    const QList<Alert> out = rules.facts(
        {fact(QStringLiteral("migration.failed"), QStringLiteral("mig_1"), QStringLiteral("e1")),
         fact(QStringLiteral("migration_task.failed"), QStringLiteral("mig_2"), QStringLiteral("e2")),
         fact(QStringLiteral("migration.login_rejected"), QStringLiteral("mig_3"), QStringLiteral("e3"))});
    QCOMPARE(out.size(), 3);
    QCOMPARE(out.at(0).kind, AlertKind::MigrationFailed);
    QCOMPARE(out.at(1).kind, AlertKind::TaskFailed);
    QCOMPARE(out.at(2).kind, AlertKind::OtherFailure);
    AlertSettings settings;
    settings.migrationFailed = false;
    settings.taskFailed = false;
    rules.setSettings(settings);
    QCOMPARE(
        rules
            .facts({fact(QStringLiteral("migration.failed"), QStringLiteral("mig_4"), QStringLiteral("e4")),
                    fact(QStringLiteral("migration_task.failed"), QStringLiteral("mig_5"),
                         QStringLiteral("e5"))})
            .size(),
        0);
    // A retry of the rejection stays quiet, like any other delivery seen before.
    QCOMPARE(rules
                 .facts({fact(QStringLiteral("migration.login_rejected"), QStringLiteral("mig_3"),
                              QStringLiteral("e3"))})
                 .size(),
             0);
}

void TestAlertRules::rejections_data()
{
    // (ms after the start, refusals) in order; the alerts and what the last one counts.
    QTest::addColumn<Refusals>("refusals");
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("lastCount");
    QTest::addRow("four in a minute") << Refusals {{0, 1}, {10000, 1}, {20000, 1}, {30000, 1}} << 0 << 0;
    QTest::addRow("five in a minute")
        << Refusals {{0, 1}, {10000, 1}, {20000, 1}, {30000, 1}, {59000, 1}} << 1 << 5;
    QTest::addRow("five, spread over more than a minute")
        << Refusals {{0, 1}, {10000, 1}, {20000, 1}, {30000, 1}, {60000, 1}} << 0 << 0;
    QTest::addRow("ten in one batch") << Refusals {{0, 10}} << 1 << 10;
    QTest::addRow("a second run of five") << Refusals {{0, 5}, {1000, 4}, {2000, 1}} << 2 << 5;
    QTest::addRow("none") << Refusals {{0, 0}} << 0 << 0;
}

void TestAlertRules::rejections()
{
    QFETCH(Refusals, refusals);
    QFETCH(int, alerts);
    QFETCH(int, lastCount);
    AlertRules rules(clock());
    const qint64 start = m_now;
    QList<Alert> out;
    for (const auto &[at, count] : refusals) {
        m_now = start + at;
        out.append(rules.rejected(count));
    }
    QCOMPARE(out.size(), alerts);
    if (alerts == 0)
        return;
    QCOMPARE(out.last().kind, AlertKind::Rejections);
    QCOMPARE(out.last().count, lastCount);
    QVERIFY(out.last().migrationId.isEmpty());
    QCOMPARE(out.last().title, QStringLiteral("Deliveries rejected"));
    QVERIFY2(out.last().body.contains(QLatin1String("likely wrong")), qPrintable(out.last().body));
}

void TestAlertRules::listener()
{
    AlertRules rules(clock());
    const QList<Alert> out = rules.listenerStopped(QStringLiteral("Port 8787 is in use."));
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().kind, AlertKind::ListenerDown);
    QCOMPARE(out.first().urgency, AlertUrgency::Critical);
    QVERIFY(out.first().body.startsWith(QLatin1String("Port 8787 is in use.\n")));
    AlertSettings settings;
    settings.listener = false;
    rules.setSettings(settings);
    QCOMPARE(rules.listenerStopped({}).size(), 0);
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
