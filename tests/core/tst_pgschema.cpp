// SPDX-License-Identifier: GPL-3.0-or-later
// PgSchema on a real PostgreSQL 15 cluster: an empty database is brought to the current
// version, a second migration finds nothing to do, a newer store is refused untouched, the
// delivery upsert counts attempts, and every new delivery is announced on mm_deliveries.
#include "pgcluster.h"
#include "store/pgschema.h"

#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <memory>

using mm::PgSchema;
using mm::test::PgCluster;

class TestPgSchema final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(why));
        m_cluster = std::make_unique<PgCluster>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void migratesAnEmptyDatabaseOnce()
    {
        QSqlDatabase db = m_cluster->connect(QStringLiteral("schema-1"));
        QVERIFY2(db.isOpen(), qPrintable(db.lastError().text()));
        QCOMPARE(PgSchema::version(db), 0);
        QString error;
        QVERIFY2(PgSchema::migrate(db, &error), qPrintable(error));
        QCOMPARE(PgSchema::version(db), PgSchema::SchemaVersion);
        // A receiver starting later finds it done, and changes nothing.
        QVERIFY2(PgSchema::migrate(db, &error), qPrintable(error));
        QCOMPARE(PgSchema::version(db), PgSchema::SchemaVersion);
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM mm_schema")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        for (const char *table : {"deliveries", "attempts", "rejections", "listen_intervals", "replay_runs",
                                  "replay_requests", "forward_queue"}) {
            QVERIFY2(q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table))), table);
        }
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("schema-1"));
    }

    void upsertCountsAttemptsAndNotifies()
    {
        QSqlDatabase listener = m_cluster->connect(QStringLiteral("schema-listen"));
        QSqlDatabase writer = m_cluster->connect(QStringLiteral("schema-write"));
        QVERIFY(listener.isOpen() && writer.isOpen());
        QString error;
        QVERIFY2(PgSchema::migrate(writer, &error), qPrintable(error));
        QVERIFY(listener.driver()->subscribeToNotification(QStringLiteral("mm_deliveries")));
        QSignalSpy notified(listener.driver(),
                            qOverload<const QString &, QSqlDriver::NotificationSource, const QVariant &>(
                                &QSqlDriver::notification));

        const QString upsert = QStringLiteral(
            "INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES(?, ?, false, ?) "
            "ON CONFLICT(msg_id) DO UPDATE SET attempts = deliveries.attempts + 1 RETURNING id, attempts");
        qint64 firstId = 0;
        for (int attempt = 1; attempt <= 3; ++attempt) {
            QSqlQuery q(writer);
            QVERIFY(q.prepare(upsert));
            q.addBindValue(QStringLiteral("msg_schema_1"));
            q.addBindValue(qint64(1750000000000000) + attempt);
            q.addBindValue(QByteArray("{\"n\":1}\0bytes", 13));
            QVERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
            if (attempt == 1)
                firstId = q.value(0).toLongLong();
            QCOMPARE(q.value(0).toLongLong(), firstId); // stored once
            QCOMPARE(q.value(1).toInt(), attempt); // every attempt counted
        }
        {
            QSqlQuery q(writer);
            QVERIFY(q.exec(QStringLiteral("SELECT body FROM deliveries WHERE id = %1").arg(firstId))
                    && q.next());
            QCOMPARE(q.value(0).toByteArray(), QByteArray("{\"n\":1}\0bytes", 13)); // byte-exact
        }
        // Each committed insert or new attempt is announced with the row id, not the body.
        QTRY_COMPARE(notified.size(), 3);
        for (const QList<QVariant> &n : std::as_const(notified)) {
            QCOMPARE(n.at(0).toString(), QStringLiteral("mm_deliveries"));
            QCOMPARE(n.at(2).toString(), QString::number(firstId));
        }
        writer = QSqlDatabase();
        listener = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("schema-listen"));
        QSqlDatabase::removeDatabase(QStringLiteral("schema-write"));
    }

    void aNewerStoreIsRefusedUntouched()
    {
        QSqlDatabase db = m_cluster->connect(QStringLiteral("schema-newer"));
        QVERIFY(db.isOpen());
        QString error;
        QVERIFY2(PgSchema::migrate(db, &error), qPrintable(error));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("UPDATE mm_schema SET version = %1").arg(PgSchema::SchemaVersion + 1)));
        QVERIFY(!PgSchema::migrate(db, &error));
        QVERIFY2(error.contains(QStringLiteral("newer than this build")), qPrintable(error));
        QCOMPARE(PgSchema::version(db), PgSchema::SchemaVersion + 1);
        QVERIFY(q.exec(QStringLiteral("UPDATE mm_schema SET version = %1").arg(PgSchema::SchemaVersion)));
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("schema-newer"));
    }

    // A role that may read the schema version but create nothing (least privilege, docs/TEAM.md)
    // opens a store that is up to date; an empty one it cannot migrate, and says why.
    void aCurrentStoreOpensWithoutCreatePrivilege()
    {
        QSqlDatabase admin = m_cluster->connect(QStringLiteral("schema-admin"));
        QVERIFY(admin.isOpen());
        QString error;
        QVERIFY2(PgSchema::migrate(admin, &error), qPrintable(error));
        QSqlQuery q(admin);
        QVERIFY(q.exec(QStringLiteral("CREATE ROLE schema_reader LOGIN")));
        QVERIFY(q.exec(QStringLiteral("CREATE DATABASE schema_empty")));
        QVERIFY(q.exec(QStringLiteral("REVOKE CREATE ON SCHEMA public FROM PUBLIC")));
        {
            QSqlDatabase reader = m_cluster->connect(QStringLiteral("schema-reader"));
            reader.close();
            reader.setUserName(QStringLiteral("schema_reader"));
            QVERIFY2(reader.open(), qPrintable(reader.lastError().text()));
            QVERIFY(!PgSchema::migrate(reader, &error)); // may not read mm_schema yet
            QVERIFY(q.exec(QStringLiteral("GRANT SELECT ON mm_schema TO schema_reader")));
            QVERIFY2(PgSchema::migrate(reader, &error), qPrintable(error));
            reader.close();
            reader.setDatabaseName(QStringLiteral("schema_empty"));
            QVERIFY2(reader.open(), qPrintable(reader.lastError().text()));
            QVERIFY(!PgSchema::migrate(reader, &error));
            QVERIFY2(error.contains(QLatin1String("permission denied")), qPrintable(error));
            QCOMPARE(PgSchema::version(reader), 0);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("schema-reader"));
        QVERIFY(q.exec(QStringLiteral("DROP DATABASE schema_empty")));
        q = QSqlQuery();
        admin = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("schema-admin"));
    }

private:
    std::unique_ptr<PgCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestPgSchema)
#include "tst_pgschema.moc"
