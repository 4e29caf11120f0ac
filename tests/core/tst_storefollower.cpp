// SPDX-License-Identifier: GPL-3.0-or-later
// StoreFollower (core/store/storefollower.*), what --follow and the --view-only window stand on.
// FollowCursor's hole rule alone; then the follower on both engines: every delivery committed
// after it starts is named once, also when a transaction that took a lower id commits after a
// higher one (two receivers on PostgreSQL), and a retried delivery is named as updated.
#include "pgcluster.h"
#include "store/store.h"
#include "store/storefollower.h"

#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using mm::test::PgCluster;

namespace {
using Ids = QList<qint64>;

QList<qint64> allNamed(const QSignalSpy &spy)
{
    QList<qint64> out;
    for (const QList<QVariant> &call : spy)
        out += call.at(0).value<QList<qint64>>();
    return out;
}

bool insert(QSqlDatabase &db, const QString &msgId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES(?, 1, ?, ?)"));
    q.addBindValue(msgId);
    q.addBindValue(false);
    q.addBindValue(QByteArray("{}"));
    if (!q.exec())
        qWarning("insert: %s", qPrintable(q.lastError().text()));
    return q.numRowsAffected() == 1;
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
};

QTEST_GUILESS_MAIN(TestStoreFollower)
#include "tst_storefollower.moc"
