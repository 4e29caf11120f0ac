// SPDX-License-Identifier: GPL-3.0-or-later
// Tests core/alerts/coalescer with a fake clock: the per-migration and per-minute limits,
// burst summaries and their wording, and which notification an update replaces.
#include "alerts/coalescer.h"
#include "helperverify.h"

#include <QTest>

using namespace mm;

namespace {
Alert alert(AlertKind kind, const QString &migration, int count = 1)
{
    Alert a;
    a.kind = kind;
    a.migrationId = migration;
    a.count = count;
    a.urgency = kind == AlertKind::MigrationFailed ? AlertUrgency::Critical : AlertUrgency::Normal;
    a.title = QStringLiteral("title %1 %2").arg(int(kind)).arg(migration);
    a.body = QStringLiteral("body %1 %2").arg(int(kind)).arg(migration);
    return a;
}

QString mig(int i)
{
    return QStringLiteral("mig_%1").arg(i, 2, 10, QLatin1Char('0'));
}

struct Shown
{
    qint64 at;
    Notification n;
};
} // namespace

class TestCoalescer : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 0;
    QList<Shown> m_shown;
    Coalescer::Clock clock()
    {
        return [this] { return m_now; };
    }
    void add(Coalescer &c, const Alert &a)
    {
        for (const Notification &n : c.add(a))
            m_shown.append({m_now, n});
    }
    // Moves the clock to until, polling whenever the coalescer says something is due.
    [[nodiscard]] bool runUntil(Coalescer &c, qint64 until)
    {
        for (qint64 due = c.nextDue(); due >= 0 && due <= until; due = c.nextDue()) {
            m_now = std::max(m_now, due);
            const QList<Notification> out = c.poll();
            MM_HELPER_VERIFY2(!out.isEmpty(), qPrintable(QStringLiteral("nothing due at %1").arg(m_now)));
            for (const Notification &n : out)
                m_shown.append({m_now, n});
        }
        m_now = std::max(m_now, until);
        return true;
    }
    // The limits hold over everything shown so far.
    [[nodiscard]] bool checkLimits() const
    {
        for (qsizetype i = 0; i < m_shown.size(); ++i) {
            int inMinute = 0;
            for (qsizetype j = i; j < m_shown.size() && m_shown[j].at < m_shown[i].at + Coalescer::WindowMs;
                 ++j)
                ++inMinute;
            MM_HELPER_VERIFY2(inMinute <= Coalescer::PerWindow,
                              qPrintable(QStringLiteral("%1 notifications in the minute from %2")
                                             .arg(inMinute)
                                             .arg(m_shown[i].at)));
            for (qsizetype j = i + 1; j < m_shown.size(); ++j) {
                const QString &id = m_shown[i].n.migrationId;
                if (!id.isEmpty() && m_shown[j].n.migrationId == id) {
                    MM_HELPER_VERIFY2(m_shown[j].at - m_shown[i].at >= Coalescer::PerMigrationMs,
                                      qPrintable(QStringLiteral("%1 twice within 30 s").arg(id)));
                    break;
                }
            }
        }
        return true;
    }

private Q_SLOTS:
    void init()
    {
        m_now = 1000000;
        m_shown.clear();
    }
    void firstAlertShowsAtOnce();
    void taskFailureBurst_data();
    void taskFailureBurst();
    void perMigrationLimit();
    void manyMigrationsFail_data();
    void manyMigrationsFail();
    void appAlertsHaveTheirOwnKeys();
    void dismissedStartsAfresh();
    void quietKeyStartsNewBurst();
    void nextDue();
    void summaries_data();
    void summaries();
};

void TestCoalescer::firstAlertShowsAtOnce()
{
    Coalescer c(clock());
    const Alert a = alert(AlertKind::MigrationFailed, QStringLiteral("mig_1"));
    add(c, a);
    QCOMPARE(m_shown.size(), 1);
    const Notification &n = m_shown.first().n;
    QVERIFY(n.id != 0);
    QVERIFY(!n.replaces);
    QCOMPARE(n.migrationId, QStringLiteral("mig_1"));
    QCOMPARE(n.title, a.title);
    QCOMPARE(n.body, a.body);
    QCOMPARE(n.urgency, AlertUrgency::Critical);
    QCOMPARE(n.alerts, 1);
    QCOMPARE(c.nextDue(), -1);
}

void TestCoalescer::taskFailureBurst_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<qint64>("spanMs");
    QTest::addColumn<int>("notifications");
    QTest::addRow("200 in 5 s") << 200 << qint64(5000) << 2;
    QTest::addRow("37 in 1 s") << 37 << qint64(1000) << 2;
    QTest::addRow("2 in 100 ms") << 2 << qint64(100) << 2;
    QTest::addRow("one") << 1 << qint64(0) << 1;
    // Updates every 30 s while the failures go on, and one for the last.
    QTest::addRow("90 in 90 s") << 90 << qint64(90000) << 5;
}

void TestCoalescer::taskFailureBurst()
{
    QFETCH(int, failures);
    QFETCH(qint64, spanMs);
    QFETCH(int, notifications);
    Coalescer c(clock());
    const qint64 start = m_now;
    for (int i = 0; i < failures; ++i) {
        QVERIFY(runUntil(c, start + (failures > 1 ? spanMs * i / (failures - 1) : 0)));
        add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    }
    QVERIFY(runUntil(c, start + spanMs + 10 * 60 * 1000));
    QVERIFY(checkLimits());
    QCOMPARE(m_shown.size(), notifications);
    // Every update replaces the first notification; the last one counts them all.
    for (qsizetype i = 1; i < m_shown.size(); ++i) {
        QVERIFY(m_shown[i].n.replaces);
        QCOMPARE(m_shown[i].n.id, m_shown.first().n.id);
    }
    const Notification &last = m_shown.last().n;
    QCOMPARE(last.alerts, failures);
    if (failures > 1)
        QCOMPARE(last.title, QStringLiteral("%1 task failures in mig_1").arg(failures));
    QCOMPARE(last.migrationId, QStringLiteral("mig_1"));
    QCOMPARE(c.nextDue(), -1);
}

void TestCoalescer::perMigrationLimit()
{
    Coalescer c(clock());
    const qint64 start = m_now;
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QVERIFY(runUntil(c, start + 10000));
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QVERIFY(runUntil(c, start + 29999));
    QCOMPARE(m_shown.size(), 1);
    // Another migration is not held back by the first.
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_2")));
    QCOMPARE(m_shown.size(), 2);
    QVERIFY(!m_shown.last().n.replaces);
    QVERIFY(m_shown.last().n.id != m_shown.first().n.id);
    QVERIFY(runUntil(c, start + 30000));
    QCOMPARE(m_shown.size(), 3);
    QCOMPARE(m_shown.last().at, start + 30000);
    QCOMPARE(m_shown.last().n.title, QStringLiteral("2 task failures in mig_1"));
    QCOMPARE(m_shown.last().n.body, QStringLiteral("Latest: body 2 mig_1"));
    // A failure after a quiet 30 s shows at once, still replacing.
    QVERIFY(runUntil(c, start + 70000));
    add(c, alert(AlertKind::MigrationFailed, QStringLiteral("mig_1")));
    QCOMPARE(m_shown.size(), 4);
    QVERIFY(m_shown.last().n.replaces);
    QCOMPARE(m_shown.last().n.urgency, AlertUrgency::Critical);
    QCOMPARE(m_shown.last().n.title, QStringLiteral("title 0 mig_1"));
    QCOMPARE(m_shown.last().n.body, QStringLiteral("body 0 mig_1\n1 failed migration, 2 task failures"));
    QVERIFY(checkLimits());
}

void TestCoalescer::manyMigrationsFail_data()
{
    QTest::addColumn<int>("migrations");
    QTest::addColumn<int>("notifications");
    QTest::addColumn<QString>("lastTitle");
    QTest::addColumn<QString>("lastBody");
    QTest::addRow("three") << 3 << 3 << QStringLiteral("title 0 mig_03") << QStringLiteral("body 0 mig_03");
    QTest::addRow("four") << 4 << 4 << QStringLiteral("title 0 mig_04") << QStringLiteral("body 0 mig_04");
    QTest::addRow("five") << 5 << 5 << QStringLiteral("5 migrations failed")
                          << QStringLiteral("mig_01, mig_02, mig_03 and 2 more");
    QTest::addRow("twelve") << 12 << 6 << QStringLiteral("12 migrations failed")
                            << QStringLiteral("mig_01, mig_02, mig_03 and 9 more");
}

void TestCoalescer::manyMigrationsFail()
{
    QFETCH(int, migrations);
    QFETCH(int, notifications);
    QFETCH(QString, lastTitle);
    QFETCH(QString, lastBody);
    Coalescer c(clock());
    for (int i = 1; i <= migrations; ++i) {
        add(c, alert(AlertKind::MigrationFailed, mig(i)));
        m_now += 100;
    }
    QVERIFY(runUntil(c, m_now + 5 * 60 * 1000));
    QVERIFY(checkLimits());
    QCOMPARE(m_shown.size(), notifications);
    const Notification &last = m_shown.last().n;
    QCOMPARE(last.title, lastTitle);
    QCOMPARE(last.body, lastBody);
    QCOMPARE(last.urgency, AlertUrgency::Critical);
    if (migrations > 4) {
        // The storm summary opens no single migration, and its update replaces it.
        QVERIFY(last.migrationId.isEmpty());
        QCOMPARE(last.alerts, migrations);
        QCOMPARE(m_shown.last().n.replaces, migrations > 5);
    }
}

void TestCoalescer::appAlertsHaveTheirOwnKeys()
{
    Coalescer c(clock());
    add(c, alert(AlertKind::Rejections, QString(), 5));
    add(c, alert(AlertKind::ListenerDown, QString()));
    QCOMPARE(m_shown.size(), 2);
    add(c, alert(AlertKind::Rejections, QString(), 7));
    QCOMPARE(m_shown.size(), 2);
    QVERIFY(runUntil(c, m_now + 30000));
    QCOMPARE(m_shown.size(), 3);
    QCOMPARE(m_shown.last().n.title, QStringLiteral("12 deliveries rejected"));
    QCOMPARE(m_shown.last().n.id, m_shown.first().n.id);
    QVERIFY(m_shown.last().n.migrationId.isEmpty());
}

void TestCoalescer::dismissedStartsAfresh()
{
    Coalescer c(clock());
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QVERIFY(runUntil(c, m_now + 30000));
    QCOMPARE(m_shown.size(), 2);
    c.closed(m_shown.last().n.id, true);
    m_now += 30000;
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QCOMPARE(m_shown.size(), 3);
    QVERIFY(!m_shown.last().n.replaces);
    QVERIFY(m_shown.last().n.id != m_shown.first().n.id);
    QCOMPARE(m_shown.last().n.title, QStringLiteral("title 2 mig_1"));
    QCOMPARE(m_shown.last().n.alerts, 1);
    // Expired rather than dismissed: a new notification, but the count goes on.
    m_now += 30000;
    c.closed(m_shown.last().n.id, false);
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QVERIFY(!m_shown.last().n.replaces);
    QCOMPARE(m_shown.last().n.alerts, 2);
}

void TestCoalescer::quietKeyStartsNewBurst()
{
    Coalescer c(clock());
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QVERIFY(runUntil(c, m_now + 30000));
    QCOMPARE(m_shown.last().n.alerts, 2);
    m_now += Coalescer::BurstGapMs + 1;
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QCOMPARE(m_shown.size(), 3);
    QCOMPARE(m_shown.last().n.alerts, 1);
    QCOMPARE(m_shown.last().n.title, QStringLiteral("title 2 mig_1"));
}

void TestCoalescer::nextDue()
{
    Coalescer c(clock());
    QCOMPARE(c.nextDue(), -1);
    QVERIFY(c.poll().isEmpty());
    const qint64 start = m_now;
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QCOMPARE(c.nextDue(), -1);
    m_now += 5000;
    add(c, alert(AlertKind::TaskFailed, QStringLiteral("mig_1")));
    QCOMPARE(c.nextDue(), start + Coalescer::PerMigrationMs);
    m_now = start + Coalescer::PerMigrationMs - 1;
    QVERIFY(c.poll().isEmpty());
    m_now += 1;
    QCOMPARE(c.poll().size(), 1);
    QCOMPARE(c.nextDue(), -1);
    QCOMPARE(c.shownInWindow(), 2);
    m_now += Coalescer::WindowMs;
    QCOMPARE(c.shownInWindow(), 0);
}

void TestCoalescer::summaries_data()
{
    QTest::addColumn<QList<Alert>>("alerts");
    QTest::addColumn<QString>("migration");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("body");
    QList<Alert> tasks;
    for (int i = 0; i < 37; ++i)
        tasks.append(alert(AlertKind::TaskFailed, QStringLiteral("mig_7f3a")));
    QTest::addRow("task failures in one migration")
        << tasks << QStringLiteral("mig_7f3a") << QStringLiteral("37 task failures in mig_7f3a")
        << QStringLiteral("Latest: body 2 mig_7f3a");
    QList<Alert> failed;
    for (int i = 1; i <= 12; ++i)
        failed.append(alert(AlertKind::MigrationFailed, mig(i)));
    QTest::addRow("migrations failed") << failed << QString() << QStringLiteral("12 migrations failed")
                                       << QStringLiteral("mig_01, mig_02, mig_03 and 9 more");
    QList<Alert> two = {alert(AlertKind::Quiet, mig(1)), alert(AlertKind::Quiet, mig(2))};
    QTest::addRow("two quiet") << two << QString() << QStringLiteral("2 migrations quiet")
                               << QStringLiteral("mig_01, mig_02");
    QList<Alert> others = {alert(AlertKind::OtherFailure, mig(1)), alert(AlertKind::OtherFailure, mig(2))};
    QTest::addRow("other failures in two migrations")
        << others << QString() << QStringLiteral("2 migrations reported failures")
        << QStringLiteral("mig_01, mig_02\nLatest: body 7 mig_02");
    QTest::addRow("a task failure and another failure")
        << QList<Alert> {alert(AlertKind::TaskFailed, mig(1)), alert(AlertKind::OtherFailure, mig(2))}
        << QString() << QStringLiteral("2 alerts in 2 migrations")
        << QStringLiteral("1 task failure, 1 other failure\nmig_01, mig_02");
    QList<Alert> spread;
    for (int i = 0; i < 30; ++i)
        spread.append(alert(AlertKind::TaskFailed, mig(i % 3)));
    QTest::addRow("task failures in three migrations")
        << spread << QString() << QStringLiteral("30 task failures in 3 migrations")
        << QStringLiteral("mig_00, mig_01, mig_02\nLatest: body 2 mig_02");
    QList<Alert> mixed = spread;
    mixed.append(alert(AlertKind::MigrationFailed, mig(4)));
    QTest::addRow("mixed") << mixed << QString() << QStringLiteral("31 alerts in 4 migrations")
                           << QStringLiteral(
                                  "1 failed migration, 30 task failures\nmig_00, mig_01, mig_02 and 1 more");
    QTest::addRow("rejections") << QList<Alert> {alert(AlertKind::Rejections, {}, 5),
                                                 alert(AlertKind::Rejections, {}, 12)}
                                << QString() << QStringLiteral("17 deliveries rejected")
                                << QStringLiteral("The signing secret is likely wrong: compare it with the "
                                                  "endpoint's in the Anon dashboard.");
    QTest::addRow("one alert") << QList<Alert> {alert(AlertKind::CompletedWithFailures, mig(1))} << mig(1)
                               << QStringLiteral("title 1 mig_01") << QStringLiteral("body 1 mig_01");
    QTest::addRow("one task failure in a storm")
        << QList<Alert> {alert(AlertKind::TaskFailed, mig(1)), alert(AlertKind::TaskFailed, mig(1))}
        << QString() << QStringLiteral("2 task failures in mig_01")
        << QStringLiteral("Latest: body 2 mig_01");
}

void TestCoalescer::summaries()
{
    QFETCH(QList<Alert>, alerts);
    QFETCH(QString, migration);
    QFETCH(QString, title);
    QFETCH(QString, body);
    Coalescer::Tally tally;
    for (const Alert &a : alerts)
        tally.add(a);
    const auto [gotTitle, gotBody] = Coalescer::summary(tally, migration);
    QCOMPARE(gotTitle, title);
    QCOMPARE(gotBody, body);
}

QTEST_GUILESS_MAIN(TestCoalescer)
#include "tst_coalescer.moc"
