// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/tray/trayhealth.*: which state the tray shows and what counts as unseen.
#include "tray/trayhealth.h"

#include <QTest>

using mm::EventFacts;
using mm::TrayHealth;

namespace {
EventFacts facts(const QString &type, const QString &status = {}, int attempts = 1, bool replayed = false)
{
    EventFacts f;
    f.type = type;
    f.status = status;
    f.migrationId = QStringLiteral("mig_1");
    f.attempts = attempts;
    f.replayed = replayed;
    return f;
}

const QUrl Url(QStringLiteral("http://127.0.0.1:8787/webhooks"));
} // namespace

class TestTrayHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void failureKinds_data();
    void failureKinds();
    void startsDownAndListens();
    void listenerDownOutranksFailures();
    void countsOnlyWhileUnattended();
    void attendingClearsUnseen();
    void retriesAndReplaysAreNotNews();
    void toolTipSaysWhatIsWrong();
    void pauseShownUntilItEnds();
    void badgeText_data();
    void badgeText();
};

void TestTrayHealth::failureKinds_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("status");
    QTest::addColumn<TrayHealth::Failure>("failure");
    QTest::addRow("failed") << QStringLiteral("migration.failed") << QStringLiteral("FAILED")
                            << TrayHealth::Failure::MigrationFailed;
    QTest::addRow("task failed") << QStringLiteral("migration_task.failed") << QStringLiteral("WORKING")
                                 << TrayHealth::Failure::TaskFailed;
    QTest::addRow("completed with failures")
        << QStringLiteral("migration.completed") << QStringLiteral("COMPLETED_WITH_FAILURES")
        << TrayHealth::Failure::CompletedWithFailures;
    QTest::addRow("completed") << QStringLiteral("migration.completed") << QStringLiteral("COMPLETE")
                               << TrayHealth::Failure::None;
    QTest::addRow("started") << QStringLiteral("migration.started") << QStringLiteral("WORKING")
                             << TrayHealth::Failure::None;
    QTest::addRow("ping") << QStringLiteral("svix.ping") << QString() << TrayHealth::Failure::None;
    QTest::addRow("unknown type") << QStringLiteral("migration.exploded") << QStringLiteral("FAILED")
                                  << TrayHealth::Failure::None;
}

void TestTrayHealth::failureKinds()
{
    QFETCH(QString, type);
    QFETCH(QString, status);
    QFETCH(TrayHealth::Failure, failure);
    QCOMPARE(TrayHealth::failureOf(facts(type, status)), failure);
}

void TestTrayHealth::startsDownAndListens()
{
    TrayHealth h;
    QCOMPARE(h.state(), TrayHealth::State::ListenerDown);
    QVERIFY(h.setListener(true, Url));
    QCOMPARE(h.state(), TrayHealth::State::Listening);
    QCOMPARE(h.url(), Url);
    QVERIFY(!h.setListener(true, Url)); // nothing new
    QVERIFY(h.setListener(false, Url));
    QCOMPARE(h.state(), TrayHealth::State::ListenerDown);
    QVERIFY(h.url().isEmpty()); // no address is shown for a stopped listener
}

void TestTrayHealth::listenerDownOutranksFailures()
{
    TrayHealth h;
    h.setListener(true, Url);
    QVERIFY(h.noteDeliveries({facts(QStringLiteral("migration.failed"), QStringLiteral("FAILED"))}));
    QCOMPARE(h.state(), TrayHealth::State::UnseenFailures);
    h.setListener(false, {});
    QCOMPARE(h.state(), TrayHealth::State::ListenerDown);
    QCOMPARE(h.unseen().total(), 1); // kept for when the listener is back
    h.setListener(true, Url);
    QCOMPARE(h.state(), TrayHealth::State::UnseenFailures);
}

void TestTrayHealth::countsOnlyWhileUnattended()
{
    TrayHealth h;
    h.setListener(true, Url);
    h.setAttended(true);
    QVERIFY(!h.noteDeliveries({facts(QStringLiteral("migration.failed"), QStringLiteral("FAILED"))}));
    QCOMPARE(h.state(), TrayHealth::State::Listening);

    QVERIFY(h.setAttended(false));
    QVERIFY(h.noteDeliveries({
        facts(QStringLiteral("migration.failed"), QStringLiteral("FAILED")),
        facts(QStringLiteral("migration_task.failed"), QStringLiteral("WORKING")),
        facts(QStringLiteral("migration_task.failed"), QStringLiteral("WORKING")),
        facts(QStringLiteral("migration.completed"), QStringLiteral("COMPLETED_WITH_FAILURES")),
        facts(QStringLiteral("migration.completed"), QStringLiteral("COMPLETE")),
        facts(QStringLiteral("migration.started"), QStringLiteral("WORKING")),
    }));
    QCOMPARE(h.unseen().migrationsFailed, 1);
    QCOMPARE(h.unseen().taskFailures, 2);
    QCOMPARE(h.unseen().completedWithFailures, 1);
    QCOMPARE(h.unseen().total(), 4);
    QCOMPARE(h.state(), TrayHealth::State::UnseenFailures);
    // Deliveries with no failure in them change nothing.
    QVERIFY(!h.noteDeliveries({facts(QStringLiteral("migration.started"), QStringLiteral("WORKING"))}));
}

void TestTrayHealth::attendingClearsUnseen()
{
    TrayHealth h;
    h.setListener(true, Url);
    h.noteDeliveries({facts(QStringLiteral("migration_task.failed"))});
    QCOMPARE(h.unseen().total(), 1);
    QVERIFY(h.setAttended(true));
    QCOMPARE(h.unseen().total(), 0);
    QCOMPARE(h.state(), TrayHealth::State::Listening);
    // Leaving the window does not bring them back.
    h.setAttended(false);
    QCOMPARE(h.unseen().total(), 0);
    h.noteDeliveries({facts(QStringLiteral("migration.failed"))});
    QVERIFY(h.clearUnseen());
    QVERIFY(!h.clearUnseen());
    QCOMPARE(h.state(), TrayHealth::State::Listening);
}

void TestTrayHealth::retriesAndReplaysAreNotNews()
{
    TrayHealth h;
    h.setListener(true, Url);
    QVERIFY(!h.noteDeliveries({facts(QStringLiteral("migration.failed"), QStringLiteral("FAILED"), 2)}));
    QVERIFY(
        !h.noteDeliveries({facts(QStringLiteral("migration.failed"), QStringLiteral("FAILED"), 1, true)}));
    QCOMPARE(h.state(), TrayHealth::State::Listening);
}

void TestTrayHealth::toolTipSaysWhatIsWrong()
{
    const QDateTime now = QDateTime::currentDateTime();
    TrayHealth h;
    QVERIFY2(h.toolTip(now).contains(QLatin1String("Not listening")), qPrintable(h.toolTip(now)));
    h.setListener(true, Url);
    QString tip = h.toolTip(now);
    QVERIFY2(tip.startsWith(QLatin1String("Migration Monitor\n")), qPrintable(tip));
    QVERIFY2(tip.contains(Url.toString()), qPrintable(tip));
    QVERIFY2(tip.contains(QLatin1String("No unseen failures")), qPrintable(tip));
    h.noteDeliveries({facts(QStringLiteral("migration.failed")), facts(QStringLiteral("migration.failed")),
                      facts(QStringLiteral("migration_task.failed"))});
    tip = h.toolTip(now);
    QVERIFY2(tip.contains(QLatin1String("2 migrations failed")), qPrintable(tip));
    QVERIFY2(tip.contains(QLatin1String("1 task failure")), qPrintable(tip));
    QVERIFY2(!tip.contains(QLatin1String("completed with failures")), qPrintable(tip));
}

void TestTrayHealth::pauseShownUntilItEnds()
{
    const QDateTime now(QDate(2024, 5, 1), QTime(10, 0));
    TrayHealth h;
    h.setListener(true, Url);
    QVERIFY(h.setAlertsPausedUntil(now.addSecs(3600)));
    QVERIFY(!h.setAlertsPausedUntil(now.addSecs(3600)));
    const QString until = QLocale().toString(QTime(11, 0), QLocale::ShortFormat);
    QVERIFY2(h.toolTip(now).contains(QStringLiteral("Alerts paused until ") + until),
             qPrintable(h.toolTip(now)));
    // Once the time has passed, the tooltip no longer claims a pause.
    QVERIFY(!h.toolTip(now.addSecs(3601)).contains(QLatin1String("paused")));
    QVERIFY(h.setAlertsPausedUntil(QDateTime()));
    QVERIFY(!h.toolTip(now).contains(QLatin1String("paused")));
}

void TestTrayHealth::badgeText_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("text");
    QTest::addRow("none") << 0 << QString();
    QTest::addRow("one") << 1 << QStringLiteral("1");
    QTest::addRow("two digits") << 42 << QStringLiteral("42");
    QTest::addRow("edge") << 99 << QStringLiteral("99");
    QTest::addRow("many") << 100 << QStringLiteral("99+");
}

void TestTrayHealth::badgeText()
{
    QFETCH(int, count);
    QFETCH(QString, text);
    QCOMPARE(TrayHealth::badgeText(count), text);
}

QTEST_GUILESS_MAIN(TestTrayHealth)
#include "tst_trayhealth.moc"
