// SPDX-License-Identifier: GPL-3.0-or-later
// StoreFollower (core/store/storefollower.*), what --follow and the --view-only window stand on.
// FollowCursor's hole rule and JournalCursor's gap rule alone; then the follower on both engines:
// every delivery committed after it starts is named once, also when a transaction that took a
// lower id commits after a higher one (two receivers on PostgreSQL), and a retried delivery is
// named as updated. Deletions: two desktops' followers hear exactly the ids a third connection's
// retention deleted; one started after a load hears those deleted before it started; one that
// was away while the journal was pruned asks for a reload; an id SQLite gave again is not named.
#include "helperverify.h"
#include "pgcluster.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/storefollower.h"

#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using mm::test::PgCluster;

namespace {
using Ids = QList<qint64>;
using Entry = JournalCursor::Entry;
constexpr qint64 Day = 86400LL * 1000 * 1000;
constexpr qint64 Now = 1750000000LL * 1000 * 1000; // the fake clock's "now"

QList<qint64> allNamed(const QSignalSpy &spy)
{
    QList<qint64> out;
    for (const QList<QVariant> &call : spy)
        out += call.at(0).value<QList<qint64>>();
    return out;
}

bool insert(QSqlDatabase &db, const QString &msgId, qint64 receivedUs = 1)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES(?, ?, ?, ?)"));
    q.addBindValue(msgId);
    q.addBindValue(receivedUs);
    q.addBindValue(false);
    q.addBindValue(QByteArray("{}"));
    if (!q.exec())
        qWarning("insert: %s", qPrintable(q.lastError().text()));
    return q.numRowsAffected() == 1;
}

// count deliveries received at receivedUs on db; their ids, rising.
[[nodiscard]] bool insertMany(QSqlDatabase &db, const QString &prefix, int count, qint64 receivedUs, Ids *ids)
{
    for (int i = 0; i < count; ++i) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES(?, ?, ?, ?) RETURNING id"));
        q.addBindValue(QStringLiteral("%1_%2").arg(prefix).arg(i));
        q.addBindValue(receivedUs);
        q.addBindValue(false);
        q.addBindValue(QByteArray("{}"));
        MM_HELPER_VERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
        ids->append(q.value(0).toLongLong());
    }
    return true;
}

// One retention pass (age limit ageUs, the fake clock at nowUs) on a new connection of store: the
// ids it reports deleted, or {-1} when it failed.
Ids runRetention(const Store &store, qint64 nowUs, qint64 ageUs = Day)
{
    QString error;
    Store::Connection connection(store, u"test-retention", &error);
    if (!connection.isOpen()) {
        qWarning("retention connection: %s", qPrintable(error));
        return {-1};
    }
    Retention retention(connection.db().connectionName(), [nowUs] { return nowUs; });
    RetentionPolicy policy;
    policy.maxAgeUs = ageUs;
    retention.setPolicy(policy);
    Ids deleted;
    const Retention::Pass pass = retention.run({}, [&deleted](const Ids &ids) { deleted += ids; });
    if (!pass.complete) {
        qWarning("retention: %s", qPrintable(pass.error));
        return {-1};
    }
    return deleted;
}
} // namespace

class TestStoreFollower final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cursorNamesEachRowOnce()
    {
        FollowCursor c(10);
        QCOMPARE(c.take({11, 12, 15}, 0), (Ids {11, 12, 15}));
        QCOMPARE(c.holes(), (Ids {13, 14})); // skipped over: maybe not committed yet
        QVERIFY(c.wasNamed(12));
        QVERIFY(!c.wasNamed(13));
        QVERIFY(!c.wasNamed(16));
        QCOMPARE(c.take({14}, 100), (Ids {14})); // a late commit below the highest
        QCOMPARE(c.take({14, 15}, 200), Ids()); // never twice
        QCOMPARE(c.holes(), (Ids {13}));
        c.expire(FollowCursor::HoleTtlMs); // not yet
        QCOMPARE(c.holes(), (Ids {13}));
        c.expire(FollowCursor::HoleTtlMs + 1); // a rollback, or a sequence value an upsert took
        QCOMPARE(c.holes(), Ids());
        QCOMPARE(c.take({13}, FollowCursor::HoleTtlMs + 2), Ids()); // too late: given up on
        QCOMPARE(c.last(), 15);
    }

    void cursorKeepsHolesBounded()
    {
        FollowCursor c;
        QCOMPARE(c.take({1}, 0), (Ids {1}));
        QCOMPARE(c.take({1 + 5 * FollowCursor::MaxHoles}, 0), (Ids {1 + 5 * FollowCursor::MaxHoles}));
        QCOMPARE(c.holes().size(), FollowCursor::MaxHoles);
        QCOMPARE(c.holes().last(), 5 * FollowCursor::MaxHoles); // the nearest are kept
    }

    void journalCursorNamesEachDeletionOnce()
    {
        JournalCursor c(4);
        bool missed = false;
        QCOMPARE(c.take({Entry {5, 10}, Entry {6, 11}}, &missed), (Ids {10, 11}));
        QVERIFY(!missed);
        QCOMPARE(c.last(), 6);
        QCOMPARE(c.take({Entry {6, 11}, Entry {7, 12}}, &missed), (Ids {12})); // never twice
        QVERIFY(!missed);
        // An id stored again (SQLite gave it to a new delivery) is not about the row one holds.
        QCOMPARE(c.take({Entry {8, 13, true}, Entry {9, 14}}, &missed), (Ids {14}));
        QVERIFY(!missed);
        QCOMPARE(c.last(), 9);
        QCOMPARE(c.take({}, &missed), Ids());
        QVERIFY(!missed);
    }

    void journalCursorSeesPrunedEntries()
    {
        // Entries 6 to 9 were pruned before this cursor read them: it says so, and goes on.
        JournalCursor c(5);
        bool missed = false;
        QCOMPARE(c.take({Entry {10, 20}, Entry {11, 21}}, &missed), (Ids {20, 21}));
        QVERIFY(missed);
        QCOMPARE(c.last(), 11);
        missed = false;
        QCOMPARE(c.take({Entry {12, 22}}, &missed), (Ids {22}));
        QVERIFY(!missed);
        // A gap after the first entry read counts too.
        QCOMPARE(c.take({Entry {13, 23}, Entry {15, 25}}, &missed), (Ids {23, 25}));
        QVERIFY(missed);
    }

    void followsSqlite()
    {
        QTemporaryDir dir;
        Store::Options options;
        options.folder = dir.path();
        Store store(options);
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        Store::Connection writer(store, u"test-write", &error);
        QVERIFY2(writer.isOpen(), qPrintable(error));
        QVERIFY(insert(writer.db(), QStringLiteral("before")));

        StoreFollower follower(store);
        QSignalSpy appended(&follower, &StoreFollower::appended);
        QVERIFY2(follower.start(&error), qPrintable(error));
        QVERIFY(insert(writer.db(), QStringLiteral("a")));
        QVERIFY(insert(writer.db(), QStringLiteral("b")));
        QTRY_COMPARE(allNamed(appended), (Ids {2, 3})); // not the one from before the start
        store.stop();
    }

    void twoDesktopsHearAnotherConnectionsRetentionOnSqlite()
    {
        QTemporaryDir dir;
        Store::Options options;
        options.folder = dir.path();
        Store receiver(options); // the process that receives and runs retention
        QString error;
        QVERIFY2(receiver.start(&error), qPrintable(error));
        Ids old;
        Ids young;
        {
            Store::Connection writer(receiver, u"test-write", &error);
            QVERIFY2(writer.isOpen(), qPrintable(error));
            QVERIFY(insertMany(writer.db(), QStringLiteral("old"), 6, Now - 2 * Day, &old));
            QVERIFY(insertMany(writer.db(), QStringLiteral("young"), 2, Now, &young));
            // Waiting to be forwarded: retention keeps it, so no follower may name it.
            QSqlQuery q(writer.db());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, "
                                          "enqueued_us, next_us) VALUES(%1, 'http://127.0.0.1:9/', 0, 0, 0)")
                               .arg(old.at(2))));
        }
        // Two desktops, each with its own store object and follower.
        Store first(options);
        Store second(options);
        StoreFollower a(first);
        StoreFollower b(second);
        QSignalSpy deletedA(&a, &StoreFollower::deleted);
        QSignalSpy deletedB(&b, &StoreFollower::deleted);
        QSignalSpy missedA(&a, &StoreFollower::deletionsMissed);
        QVERIFY2(a.start(&error), qPrintable(error));
        QVERIFY2(b.start(&error), qPrintable(error));

        const Ids deleted = runRetention(receiver, Now);
        Ids expected = old;
        expected.removeAt(2);
        QCOMPARE(deleted, expected);
        QTRY_COMPARE(allNamed(deletedA), expected);
        QTRY_COMPARE(allNamed(deletedB), expected);

        // Later deletions are named after those, once.
        const Ids later = runRetention(receiver, Now + 2 * Day);
        QCOMPARE(later, young);
        QTRY_COMPARE(allNamed(deletedA), expected + young);
        QTRY_COMPARE(allNamed(deletedB), expected + young);
        QCOMPARE(missedA.size(), 0);
        receiver.stop();
    }

    void aFollowerStartedAfterALoadHearsEarlierDeletions()
    {
        // A window read the store up to its newest row, then retention deleted some before the
        // window's follower started: the follower names them (and only them), so the window drops
        // what its read took.
        QTemporaryDir dir;
        Store::Options options;
        options.folder = dir.path();
        Store receiver(options);
        QString error;
        QVERIFY2(receiver.start(&error), qPrintable(error));
        Ids old;
        Ids young;
        {
            Store::Connection writer(receiver, u"test-write", &error);
            QVERIFY2(writer.isOpen(), qPrintable(error));
            QVERIFY(insertMany(writer.db(), QStringLiteral("old"), 3, Now - 2 * Day, &old));
            QVERIFY(insertMany(writer.db(), QStringLiteral("young"), 2, Now, &young));
        }
        const qint64 loadedUpTo = young.last();
        QCOMPARE(runRetention(receiver, Now), old);

        Store desktop(options);
        StoreFollower follower(desktop);
        QSignalSpy deleted(&follower, &StoreFollower::deleted);
        QSignalSpy appended(&follower, &StoreFollower::appended);
        QVERIFY2(follower.start(&error, loadedUpTo), qPrintable(error));
        QTRY_COMPARE(allNamed(deleted), old);
        QCOMPARE(deleted.size(), 1); // in one go
        QCOMPARE(appended.size(), 0);
        receiver.stop();
    }

    void aFollowerAwayWhileTheJournalWasPrunedAsksForAReload()
    {
        QTemporaryDir dir;
        Store::Options options;
        options.folder = dir.path();
        Store receiver(options);
        QString error;
        QVERIFY2(receiver.start(&error), qPrintable(error));
        Store::Connection writer(receiver, u"test-write", &error);
        QVERIFY2(writer.isOpen(), qPrintable(error));
        Ids first;
        Ids second;
        QVERIFY(insertMany(writer.db(), QStringLiteral("first"), 3, Now - 2 * Day, &first));
        QVERIFY(insertMany(writer.db(), QStringLiteral("second"), 2, Now, &second));

        Store desktop(options);
        StoreFollower follower(desktop);
        QSignalSpy deleted(&follower, &StoreFollower::deleted);
        QSignalSpy missed(&follower, &StoreFollower::deletionsMissed);
        QVERIFY2(follower.start(&error), qPrintable(error));
        // The follower reads nothing until this thread's event loop turns: it is away while
        // retention deletes the first rows, then, more than a day later, the second ones, which
        // prunes the first pass's entries from the journal.
        QCOMPARE(runRetention(receiver, Now), first);
        QCOMPARE(runRetention(receiver, Now + 2 * Day), second);
        QSqlQuery q(writer.db());
        QVERIFY(q.exec(QStringLiteral("SELECT min(seq), max(seq) FROM deleted_deliveries")) && q.next());
        QCOMPARE(q.value(0).toLongLong(), 4);
        QCOMPARE(q.value(1).toLongLong(), 5);
        q.finish();

        QVERIFY(missed.wait(5000));
        QCOMPARE(missed.size(), 1);
        QCOMPARE(allNamed(deleted), second); // what is left is still named
        QCOMPARE(follower.lastJournalSeq(), 5);
        receiver.stop();
    }

    void anIdSqliteGaveAgainIsNotNamed()
    {
        // Retention emptied the table, so SQLite numbers the next delivery from 1 again: a window
        // started after it loaded that delivery must not drop it for the old entry about id 1.
        QTemporaryDir dir;
        Store::Options options;
        options.folder = dir.path();
        Store receiver(options);
        QString error;
        QVERIFY2(receiver.start(&error), qPrintable(error));
        Store::Connection writer(receiver, u"test-write", &error);
        QVERIFY2(writer.isOpen(), qPrintable(error));
        Ids old;
        QVERIFY(insertMany(writer.db(), QStringLiteral("old"), 3, Now - 2 * Day, &old));
        QCOMPARE(old, (Ids {1, 2, 3}));
        QCOMPARE(runRetention(receiver, Now), old);
        Ids fresh;
        QVERIFY(insertMany(writer.db(), QStringLiteral("fresh"), 1, Now, &fresh));
        QCOMPARE(fresh, (Ids {1}));

        Store desktop(options);
        StoreFollower follower(desktop);
        QSignalSpy deleted(&follower, &StoreFollower::deleted);
        QVERIFY2(follower.start(&error, 1), qPrintable(error));
        QTRY_COMPARE(allNamed(deleted), (Ids {2, 3}));
        receiver.stop();
    }

    void followsPostgresInCommitOrder()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        PgCluster cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        Store::Options options;
        options.location = *StoreLocation::parse(cluster.url());
        {
            Store store(options);
            QVERIFY2(store.start(&error), qPrintable(error)); // makes the schema
            StoreFollower follower(store);
            QSignalSpy appended(&follower, &StoreFollower::appended);
            QSignalSpy updated(&follower, &StoreFollower::updated);
            QVERIFY2(follower.start(&error), qPrintable(error));

            // Receiver A takes id 1 and is slow to commit; receiver B takes id 2 and commits.
            QSqlDatabase a = cluster.connect(QStringLiteral("follow-a"));
            QSqlDatabase b = cluster.connect(QStringLiteral("follow-b"));
            QVERIFY(a.transaction());
            QVERIFY(insert(a, QStringLiteral("slow")));
            QVERIFY(insert(b, QStringLiteral("quick")));
            QTRY_COMPARE(allNamed(appended), (Ids {2}));
            QVERIFY(a.commit());
            QTRY_COMPARE(allNamed(appended), (Ids {2, 1})); // found although below the highest
            // A retry of a delivery already named is an update, not a new row.
            QSqlQuery retry(b);
            QVERIFY(retry.exec(QStringLiteral("UPDATE deliveries SET attempts = attempts + 1 WHERE id = 2")));
            QTRY_COMPARE(updated.size(), 1);
            QCOMPARE(updated.at(0).at(0).value<QList<qint64>>(), (Ids {2}));
            QCOMPARE(allNamed(appended), (Ids {2, 1}));
            retry = QSqlQuery();
            a = QSqlDatabase();
            b = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("follow-a"));
            QSqlDatabase::removeDatabase(QStringLiteral("follow-b"));
            store.stop();
        }
    }

    void twoDesktopsHearAThirdsRetentionOnPostgres()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        PgCluster cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        Store::Options options;
        options.location = *StoreLocation::parse(cluster.url());
        Store receiver(options); // a headless receiver on a server: writes and runs retention
        QVERIFY2(receiver.start(&error), qPrintable(error)); // makes the schema
        Ids old;
        Ids young;
        {
            Store::Connection writer(receiver, u"test-write", &error);
            QVERIFY2(writer.isOpen(), qPrintable(error));
            QVERIFY(insertMany(writer.db(), QStringLiteral("old"), 250, Now - 2 * Day, &old)); // 2 batches
            QVERIFY(insertMany(writer.db(), QStringLiteral("young"), 3, Now, &young));
        }
        // Two desktops, each its own store object, connection and LISTEN.
        Store first(options);
        Store second(options);
        StoreFollower a(first);
        StoreFollower b(second);
        QSignalSpy deletedA(&a, &StoreFollower::deleted);
        QSignalSpy deletedB(&b, &StoreFollower::deleted);
        QSignalSpy missedA(&a, &StoreFollower::deletionsMissed);
        QSignalSpy missedB(&b, &StoreFollower::deletionsMissed);
        QVERIFY2(a.start(&error), qPrintable(error));
        QVERIFY2(b.start(&error), qPrintable(error));
        // Woken by the journal's NOTIFY, not only by the poll a second.
        QVERIFY(a.database().driver()->subscribedToNotifications().contains(QStringLiteral("mm_deletions")));
        QVERIFY(b.database().driver()->subscribedToNotifications().contains(QStringLiteral("mm_deletions")));

        const Ids deleted = runRetention(receiver, Now);
        QCOMPARE(deleted, old);
        QTRY_COMPARE(allNamed(deletedA), old);
        QTRY_COMPARE(allNamed(deletedB), old);
        QCOMPARE(runRetention(receiver, Now + 2 * Day), young);
        QTRY_COMPARE(allNamed(deletedA), old + young);
        QTRY_COMPARE(allNamed(deletedB), old + young);
        QCOMPARE(missedA.size(), 0);
        QCOMPARE(missedB.size(), 0);
        // The journal kept the newest entry only: the first pass's are more than a day old.
        {
            Store::Connection check(receiver, u"test-check", &error);
            QVERIFY2(check.isOpen(), qPrintable(error));
            QSqlQuery q(check.db());
            QVERIFY(q.exec(QStringLiteral("SELECT min(seq), max(seq), count(*) FROM deleted_deliveries"))
                    && q.next());
            QCOMPARE(q.value(0).toLongLong(), qint64(old.size() + 1));
            QCOMPARE(q.value(1).toLongLong(), qint64(old.size() + young.size()));
            QCOMPARE(q.value(2).toLongLong(), qint64(young.size()));
        }
        receiver.stop();
    }
};

QTEST_GUILESS_MAIN(TestStoreFollower)
#include "tst_storefollower.moc"
