// SPDX-License-Identifier: GPL-3.0-or-later
// docs/TEAM.md's least-privilege roles, done as the document says on a throwaway PostgreSQL 15
// cluster: the owner's first start makes the tables, packaging/postgresql/team-roles.sql (run with
// psql) grants, and log-in roles join mm_receiver and mm_viewer. A receiver that logs in as one
// stores, retries and refuses deliveries and runs retention (journaling what it deletes); a
// viewer exports, reports, follows (deletions too) and replays; neither can do the other's work or
// change the schema. The grants the document shows are the file's.
#include "headlessprocess.h"
#include "pgcluster.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/storefollower.h"
#include "testhttp.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString squeezed(QString text)
{
    return text.replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" ")).trimmed();
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the app with the event loop turning meanwhile (a WebhookSink in this thread must answer).
Run runApp(const QStringList &args)
{
    QProcess p;
    p.start(HeadlessProcess::appPath(), args);
    Run r;
    QDeadlineTimer deadline(60000);
    while (p.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}
} // namespace

class TestTeamRoles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        MM_START_PG_CLUSTER(m_cluster);
        QVERIFY(m_dir.isValid());

        // Section 1: an owner and its database; the owner's first start makes the tables.
        QVERIFY(admin(QStringLiteral("postgres"),
                      {QStringLiteral("CREATE ROLE mm_owner LOGIN"),
                       QStringLiteral("CREATE DATABASE migration_monitor OWNER mm_owner")}));
        const Run first = runApp({QStringLiteral("--store"), url(QStringLiteral("mm_owner")),
                                  QStringLiteral("--report-migrations"), QStringLiteral("-")});
        QVERIFY2(first.exitCode == 0, first.err.constData());

        // Section 5: the script, with psql as the document runs it, then the log-in roles.
        QProcess psql;
        psql.start(PgCluster::binDir() + QStringLiteral("/psql"),
                   {QStringLiteral("-X"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                    QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                    QString::number(m_cluster->port()), QStringLiteral("-U"), m_cluster->user(),
                    QStringLiteral("-d"), QStringLiteral("migration_monitor"), QStringLiteral("-f"),
                    QStringLiteral(MM_SOURCE_DIR "/packaging/postgresql/team-roles.sql")});
        QVERIFY(psql.waitForFinished(30000));
        QVERIFY2(psql.exitStatus() == QProcess::NormalExit && psql.exitCode() == 0,
                 psql.readAllStandardError().constData());
        QVERIFY(admin(QStringLiteral("migration_monitor"),
                      {QStringLiteral("CREATE ROLE receiver_a LOGIN IN ROLE mm_receiver"),
                       QStringLiteral("CREATE ROLE alice LOGIN IN ROLE mm_viewer")}));
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void theDocumentShowsTheScriptsGrants()
    {
        const QString doc = squeezed(readText(QStringLiteral(MM_SOURCE_DIR "/docs/TEAM.md")));
        const QString script = readText(QStringLiteral(MM_SOURCE_DIR "/packaging/postgresql/team-roles.sql"));
        QVERIFY(!doc.isEmpty() && !script.isEmpty());
        // Each GRANT statement, comments aside.
        QString code;
        for (const QString &line : script.split(u'\n')) {
            if (!line.trimmed().startsWith(QLatin1String("--")))
                code += line + u'\n';
        }
        int grants = 0;
        for (const QString &statement : code.split(u';')) {
            const QString s = squeezed(statement);
            if (!s.startsWith(QLatin1String("GRANT")))
                continue;
            ++grants;
            QVERIFY2(doc.contains(s + u';'), qPrintable(QStringLiteral("docs/TEAM.md lacks: %1;").arg(s)));
        }
        QCOMPARE(grants, 8);
    }

    void aReceiverRoleReceives()
    {
        HeadlessProcess::Options o(m_dir.path(),
                                   {QStringLiteral("--store"), url(QStringLiteral("receiver_a"))});
        o.logFile = m_dir.filePath(QStringLiteral("receiver.log"));
        HeadlessProcess receiver(o);
        const quint16 port = receiver.start();
        QVERIFY2(port, qPrintable(receiver.logTail()));
        const auto secret = SigningSecret::parse(TestSecretText);
        const auto wrong = SigningSecret::parse(OtherTestSecretText);
        auto send = [&](const SigningSecret &with, const QByteArray &msgId, const QByteArray &type) {
            RawClient client(port);
            return client
                .roundTrip(signedRequest(with, msgId, envelope("evt_" + msgId, type, "mig_roles", "WORKING")))
                .status;
        };
        QCOMPARE(send(*secret, "msg_roles_1", "migration.created"), 200);
        QCOMPARE(send(*secret, "msg_roles_2", "migration.started"), 200);
        QCOMPARE(send(*secret, "msg_roles_2", "migration.started"), 200); // a retry: attempts
        QCOMPARE(send(*wrong, "msg_roles_bad", "migration.started"), 401); // the rejection journal
        QCOMPARE(receiver.terminate(), 0); // its listening interval closed
        QVERIFY2(!receiver.log().contains(QLatin1String("permission denied")), qPrintable(receiver.log()));

        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM deliveries WHERE migration_id = 'mig_roles'")),
                 2);
        QCOMPARE(count(QStringLiteral("SELECT attempts FROM deliveries WHERE msg_id = 'msg_roles_2'")), 2);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rejections WHERE msg_id = 'msg_roles_bad'")), 1);
        QVERIFY(count(QStringLiteral("SELECT count(*) FROM listen_intervals WHERE stopped_us IS NOT NULL"))
                >= 1);
    }

    void aViewerRoleReadsAndReplays()
    {
        const QString viewer = url(QStringLiteral("alice"));
        const Run exported
            = runApp({QStringLiteral("--store"), viewer, QStringLiteral("--export"), QStringLiteral("-")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QCOMPARE(exported.out.count('\n'), 2);
        const Run report = runApp(
            {QStringLiteral("--store"), viewer, QStringLiteral("--report-migrations"), QStringLiteral("-")});
        QVERIFY2(report.exitCode == 0, report.err.constData());
        QVERIFY(report.out.contains("mig_roles"));

        QProcess follow;
        follow.start(HeadlessProcess::appPath(),
                     {QStringLiteral("--store"), viewer, QStringLiteral("--follow")});
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += follow.readAllStandardError()).contains("following "), 15000);
        follow.terminate();
        QVERIFY(follow.waitForFinished(10000));
        QCOMPARE(follow.exitCode(), 0);

        WebhookSink sink;
        QVERIFY(sink.listen());
        const Run replay = runApp({QStringLiteral("--store"), viewer, QStringLiteral("--replay-to"),
                                   QString::fromLatin1(sink.url()), QStringLiteral("--migration"),
                                   QStringLiteral("mig_roles")});
        QVERIFY2(replay.exitCode == 0, QByteArray(replay.out + replay.err).constData());
        QCOMPARE(sink.requests().size(), 2);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM replay_runs")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM replay_requests")), 2);
    }

    void eachRoleIsRefusedTheRest_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("sql");
        QTest::addRow("a viewer stores") << "alice"
                                         << "INSERT INTO deliveries(msg_id, received_us, parsed, body) "
                                            "VALUES ('x', 0, true, '')";
        QTest::addRow("a viewer deletes") << "alice"
                                          << "DELETE FROM deliveries";
        QTest::addRow("a viewer queues forwarding") << "alice"
                                                    << "UPDATE forward_queue SET tries = 0";
        QTest::addRow("a receiver reads replays") << "receiver_a"
                                                  << "SELECT count(*) FROM replay_runs";
        QTest::addRow("a receiver records replays")
            << "receiver_a"
            << "INSERT INTO replay_runs(started_us, target, mode, requested) VALUES (0, '', '', 0)";
        QTest::addRow("a receiver drops") << "receiver_a"
                                          << "DROP TABLE rejections";
        QTest::addRow("a viewer alters") << "alice"
                                         << "ALTER TABLE deliveries ADD COLUMN x int";
        QTest::addRow("a receiver creates") << "receiver_a"
                                            << "CREATE TABLE mine(x int)";
        QTest::addRow("a viewer changes the version") << "alice"
                                                      << "UPDATE mm_schema SET version = 0";
        QTest::addRow("a receiver names companies")
            << "receiver_a"
            << "INSERT INTO company_names(company_id, name, updated_us) VALUES ('c', 'n', 0)";
        QTest::addRow("a receiver reads company names") << "receiver_a"
                                                        << "SELECT count(*) FROM company_names";
        QTest::addRow("a viewer journals deletions")
            << "alice"
            << "INSERT INTO deleted_deliveries(seq, delivery_id, deleted_us) VALUES (1000000, 1, 0)";
        QTest::addRow("a viewer prunes the journal") << "alice"
                                                     << "DELETE FROM deleted_deliveries";
        QTest::addRow("a receiver rewrites the journal") << "receiver_a"
                                                         << "UPDATE deleted_deliveries SET delivery_id = 0";
    }

    void eachRoleIsRefusedTheRest()
    {
        QFETCH(QString, role);
        QFETCH(QString, sql);
        const QString name = QStringLiteral("roles-") + role;
        {
            QSqlDatabase db = m_cluster->connect(name, QStringLiteral("migration_monitor"));
            db.close();
            db.setUserName(role);
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery q(db);
            QVERIFY(!q.exec(sql));
            QVERIFY2(q.lastError().text().contains(QLatin1String("permission denied"))
                         || q.lastError().text().contains(QLatin1String("must be owner")),
                     qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(name);
    }

    void aViewerNamesCompanies()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("names.csv")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("company_id,name\nc-roles,\"Roles, Inc.\"\n");
        file.close();
        const Run imported = runApp({QStringLiteral("--store"), url(QStringLiteral("alice")),
                                     QStringLiteral("--import-company-names"), file.fileName()});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const Run exported = runApp({QStringLiteral("--store"), url(QStringLiteral("alice")),
                                     QStringLiteral("--export-company-names"), QStringLiteral("-")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QCOMPARE(exported.out, QByteArray("company_id,name\r\nc-roles,\"Roles, Inc.\"\r\n"));
        const Run receiver = runApp({QStringLiteral("--store"), url(QStringLiteral("receiver_a")),
                                     QStringLiteral("--import-company-names"), file.fileName()});
        QVERIFY(receiver.exitCode != 0);
        QVERIFY2(receiver.err.contains("permission denied"), receiver.err.constData());
    }

    void aViewerCannotImport()
    {
        // A line of an export, under a new id, as an import file.
        const Run exported = runApp({QStringLiteral("--store"), url(QStringLiteral("alice")),
                                     QStringLiteral("--export"), QStringLiteral("-")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QByteArray line = exported.out.left(exported.out.indexOf('\n') + 1);
        QVERIFY(line.contains("\"msg_roles_1\""));
        line.replace("\"msg_roles_1\"", "\"msg_import\"");
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("one.jsonl")));
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(line) == line.size());
        file.close();
        const Run viewer = runApp({QStringLiteral("--store"), url(QStringLiteral("alice")),
                                   QStringLiteral("--import"), file.fileName()});
        QVERIFY(viewer.exitCode != 0);
        QVERIFY2(viewer.err.contains("permission denied"), viewer.err.constData());
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM deliveries WHERE msg_id = 'msg_import'")), 0);
        const Run receiver = runApp({QStringLiteral("--store"), url(QStringLiteral("receiver_a")),
                                     QStringLiteral("--import"), file.fileName()});
        QVERIFY2(receiver.exitCode == 0, receiver.err.constData());
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM deliveries WHERE msg_id = 'msg_import'")), 1);
    }

    void aReceiverRoleRunsRetentionAViewerFollowsIt()
    {
        // The first delivery, made old (retention goes oldest first and stops at the first young).
        QVERIFY(
            admin(QStringLiteral("migration_monitor"),
                  {QStringLiteral("UPDATE deliveries SET received_us = 1 WHERE msg_id = 'msg_roles_1'")}));
        const qint64 old = count(QStringLiteral("SELECT id FROM deliveries WHERE msg_id = 'msg_roles_1'"));
        QCOMPARE(old, count(QStringLiteral("SELECT min(id) FROM deliveries")));

        // A desktop as the viewer follows the store.
        Store::Options viewerOptions;
        viewerOptions.location = *StoreLocation::parse(url(QStringLiteral("alice")));
        Store viewerStore(viewerOptions);
        StoreFollower follower(viewerStore);
        QSignalSpy deleted(&follower, &StoreFollower::deleted);
        QString error;
        QVERIFY2(follower.start(&error), qPrintable(error));

        // A receiver's retention (a week): only the old one goes, journaled with the receiver's role.
        Store::Options receiverOptions;
        receiverOptions.location = *StoreLocation::parse(url(QStringLiteral("receiver_a")));
        Store receiverStore(receiverOptions);
        QList<qint64> reported;
        {
            Store::Connection connection(receiverStore, u"test-retention", &error);
            QVERIFY2(connection.isOpen(), qPrintable(error));
            Retention retention(connection.db().connectionName());
            retention.setPolicy({7, 0});
            const Retention::Pass pass
                = retention.run({}, [&reported](const QList<qint64> &ids) { reported += ids; });
            QVERIFY2(pass.complete, qPrintable(pass.error));
        }
        QCOMPARE(reported, QList<qint64> {old});
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM deliveries WHERE msg_id = 'msg_roles_1'")), 0);
        QCOMPARE(count(QStringLiteral("SELECT delivery_id FROM deleted_deliveries")), old);
        QTRY_COMPARE(deleted.size(), 1);
        QCOMPARE(deleted.first().first().value<QList<qint64>>(), QList<qint64> {old});
    }

private:
    QString url(const QString &role) const
    {
        return QStringLiteral("postgresql://%1@127.0.0.1:%2/migration_monitor")
            .arg(role)
            .arg(m_cluster->port());
    }

    // Runs statements as the superuser in db.
    bool admin(const QString &db, const QStringList &statements)
    {
        bool ok = true;
        {
            QSqlDatabase c = m_cluster->connect(QStringLiteral("roles-admin"), db);
            QSqlQuery q(c);
            for (const QString &s : statements) {
                if (!q.exec(s)) {
                    qWarning("%s: %s", qPrintable(s), qPrintable(q.lastError().text()));
                    ok = false;
                }
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("roles-admin"));
        return ok;
    }

    qint64 count(const QString &sql)
    {
        qint64 n = -1;
        {
            QSqlDatabase c
                = m_cluster->connect(QStringLiteral("roles-count"), QStringLiteral("migration_monitor"));
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                n = q.value(0).toLongLong();
            else
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("roles-count"));
        return n;
    }

    std::unique_ptr<PgCluster> m_cluster;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestTeamRoles)
#include "tst_teamroles.moc"
