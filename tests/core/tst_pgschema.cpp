// SPDX-License-Identifier: GPL-3.0-or-later
// PgSchema on a real PostgreSQL 15 cluster: an empty database is brought to the current
// version, a second migration finds nothing to do, a newer store is refused untouched, the
// delivery upsert counts attempts, and every new delivery is announced on mm_deliveries. A
// version 3 store gets the deletion journal and keeps its data, with the team roles' grants on
// the journal; a statement that journals deletions is announced on mm_deletions, once.
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
        for (const char *table :
             {"deliveries", "attempts", "rejections", "listen_intervals", "replay_runs", "replay_requests",
              "forward_queue", "company_names", "deleted_deliveries"}) {
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

    void upgradingVersionThreeKeepsItsDataAndGrantsTheJournal()
    {
        {
            QSqlDatabase admin = m_cluster->connect(QStringLiteral("schema-v3-admin"));
            QSqlQuery q(admin);
            QVERIFY2(q.exec(QStringLiteral("CREATE DATABASE schema_v3")), qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("schema-v3-admin"));
        {
            QSqlDatabase db = m_cluster->connect(QStringLiteral("schema-v3"), QStringLiteral("schema_v3"));
            QVERIFY2(db.isOpen(), qPrintable(db.lastError().text()));
            QString error;
            QVERIFY2(PgSchema::migrate(db, &error), qPrintable(error));
            // Back to version 3 (before the journal), with a delivery and a company name in it, and
            // the roles team-roles.sql made then.
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE deleted_deliveries")));
            QVERIFY(q.exec(QStringLiteral("DROP FUNCTION mm_notify_deletions()")));
            QVERIFY(q.exec(QStringLiteral("UPDATE mm_schema SET version = 3")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) "
                                          "VALUES('msg_v3', 1, true, '\\x7b7d')")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO company_names(company_id, name, updated_us) VALUES('c-v3', 'Three', 1)")));
            QVERIFY(q.exec(QStringLiteral("CREATE ROLE mm_receiver NOLOGIN")));
            QVERIFY(q.exec(QStringLiteral("CREATE ROLE mm_viewer NOLOGIN")));
            QCOMPARE(PgSchema::version(db), 3);

            QVERIFY2(PgSchema::migrate(db, &error), qPrintable(error));
            QCOMPARE(PgSchema::version(db), PgSchema::SchemaVersion);
            QCOMPARE(PgSchema::SchemaVersion, 4);
            QVERIFY(q.exec(QStringLiteral("SELECT msg_id, body FROM deliveries")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("msg_v3"));
            QCOMPARE(q.value(1).toByteArray(), QByteArray("{}"));
            QVERIFY(q.exec(QStringLiteral("SELECT name FROM company_names WHERE company_id = 'c-v3'"))
                    && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("Three"));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM deleted_deliveries")) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            // Receivers journal and prune (retention), viewers read; nothing more.
            const QList<std::pair<QString, bool>> privileges {
                {QStringLiteral("'mm_receiver', 'deleted_deliveries', 'SELECT'"), true},
                {QStringLiteral("'mm_receiver', 'deleted_deliveries', 'INSERT'"), true},
                {QStringLiteral("'mm_receiver', 'deleted_deliveries', 'DELETE'"), true},
                {QStringLiteral("'mm_receiver', 'deleted_deliveries', 'UPDATE'"), false},
                {QStringLiteral("'mm_viewer', 'deleted_deliveries', 'SELECT'"), true},
                {QStringLiteral("'mm_viewer', 'deleted_deliveries', 'INSERT'"), false},
                {QStringLiteral("'mm_viewer', 'deleted_deliveries', 'DELETE'"), false},
            };
            for (const auto &[args, expected] : privileges) {
                QVERIFY(q.exec(QStringLiteral("SELECT has_table_privilege(%1)").arg(args)) && q.next());
                QVERIFY2(q.value(0).toBool() == expected, qPrintable(args));
            }
            QVERIFY(q.exec(QStringLiteral("DROP OWNED BY mm_receiver, mm_viewer")));
            QVERIFY(q.exec(QStringLiteral("DROP ROLE mm_receiver, mm_viewer")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("schema-v3"));
    }

    void deletionsAreAnnouncedOncePerStatement()
    {
        QSqlDatabase listener = m_cluster->connect(QStringLiteral("schema-deletions-listen"));
        QSqlDatabase writer = m_cluster->connect(QStringLiteral("schema-deletions-write"));
        QVERIFY(listener.isOpen() && writer.isOpen());
        QString error;
        QVERIFY2(PgSchema::migrate(writer, &error), qPrintable(error));
        QVERIFY(listener.driver()->subscribeToNotification(QStringLiteral("mm_deletions")));
        QSignalSpy notified(listener.driver(),
                            qOverload<const QString &, QSqlDriver::NotificationSource, const QVariant &>(
                                &QSqlDriver::notification));
        QSqlQuery q(writer);
        // Nothing journaled: no announcement. Then three entries in one statement: one. A marker
        // last: notifications arrive in commit order, so once it is here every earlier one is.
        QVERIFY(q.exec(QStringLiteral("INSERT INTO deleted_deliveries(seq, delivery_id, deleted_us) "
                                      "SELECT 1000, 1, 0 WHERE false")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO deleted_deliveries(seq, delivery_id, deleted_us) "
                                      "VALUES (1000, 41, 0), (1001, 42, 0), (1002, 43, 0)")));
        QVERIFY(q.exec(QStringLiteral("SELECT pg_notify('mm_deletions', 'marker')")));
        auto payloads = [&notified] {
            QStringList out;
            for (const QList<QVariant> &n : std::as_const(notified)) {
                if (n.at(0).toString() == QLatin1String("mm_deletions"))
                    out.append(n.at(2).toString());
            }
            return out;
        };
        QTRY_VERIFY(payloads().contains(QStringLiteral("marker")));
        QCOMPARE(payloads(), (QStringList {QString(), QStringLiteral("marker")}));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM deleted_deliveries")));
        q = QSqlQuery();
        writer = QSqlDatabase();
        listener = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("schema-deletions-listen"));
        QSqlDatabase::removeDatabase(QStringLiteral("schema-deletions-write"));
    }

private:
    std::unique_ptr<PgCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestPgSchema)
#include "tst_pgschema.moc"
