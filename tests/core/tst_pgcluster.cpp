// SPDX-License-Identifier: GPL-3.0-or-later
// The throwaway PostgreSQL cluster the team-mode tests build on: QPSQL connects, rows are
// written and read, LISTEN/NOTIFY delivers its payload, committed rows survive a crash, and
// nothing is left behind.
#include "pgcluster.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using mm::test::PgCluster;

namespace {

// Removes the named connection when it goes out of scope (after every handle to it is gone).
class Connection final
{
public:
    Connection(const PgCluster &cluster, QString name)
        : m_name(std::move(name))
        , m_db(cluster.connect(m_name))
    {
    }
    ~Connection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    QSqlDatabase &db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace

class TestPgCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void startsWithALoopbackUrl();
    void tableRowsWriteAndRead();
    void notifyDeliversThePayload();
    void committedRowsSurviveACrash();
    void stopRemovesTheFolder();

private:
    std::unique_ptr<PgCluster> m_cluster;
};

void TestPgCluster::initTestCase()
{
    const QString reason = PgCluster::unavailableReason();
    if (reason.isEmpty())
        return;
    // A developer's machine may lack PostgreSQL; CI installs it and must not silently skip.
    if (qEnvironmentVariableIsSet("CI"))
        QFAIL(qPrintable(reason));
    QSKIP(qPrintable(reason));
}

void TestPgCluster::init()
{
    m_cluster = std::make_unique<PgCluster>();
    QString error;
    QVERIFY2(m_cluster->start(&error), qPrintable(error));
    QVERIFY(m_cluster->isRunning());
}

void TestPgCluster::cleanup()
{
    m_cluster.reset();
}

void TestPgCluster::startsWithALoopbackUrl()
{
    QVERIFY(m_cluster->port() != 0);
    QCOMPARE(m_cluster->url(),
             QStringLiteral("postgresql://%1@127.0.0.1:%2/mm").arg(m_cluster->user()).arg(m_cluster->port()));
    QCOMPARE(m_cluster->url(QStringLiteral("postgres")).section(QLatin1Char('/'), -1),
             QStringLiteral("postgres"));
    // The unix socket lives in the cluster folder, not in the system's /var/run/postgresql.
    QVERIFY(
        QFileInfo::exists(m_cluster->directory() + QStringLiteral("/.s.PGSQL.%1").arg(m_cluster->port())));

    Connection c(*m_cluster, QStringLiteral("url"));
    QVERIFY2(c.db().isOpen(), qPrintable(c.db().lastError().text()));
    QSqlQuery q(c.db());
    QVERIFY2(q.exec(QStringLiteral("SELECT current_database(), current_user, inet_server_port(), "
                                   "current_setting('server_version_num')::int")),
             qPrintable(q.lastError().text()));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("mm"));
    QCOMPARE(q.value(1).toString(), m_cluster->user());
    QCOMPARE(q.value(2).toInt(), int(m_cluster->port()));
    QVERIFY2(q.value(3).toInt() >= 150000, qPrintable(q.value(3).toString()));
}

void TestPgCluster::tableRowsWriteAndRead()
{
    Connection c(*m_cluster, QStringLiteral("rows"));
    QVERIFY2(c.db().isOpen(), qPrintable(c.db().lastError().text()));
    QSqlQuery q(c.db());
    QVERIFY2(
        q.exec(QStringLiteral("CREATE TABLE msg (id bigserial PRIMARY KEY, body bytea NOT NULL, note text)")),
        qPrintable(q.lastError().text()));
    QVERIFY(q.prepare(QStringLiteral("INSERT INTO msg (body, note) VALUES (?, ?) RETURNING id")));
    const QByteArray body("\x00\x01\xff payload", 11);
    q.addBindValue(body);
    q.addBindValue(QStringLiteral("héllo"));
    QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    QVERIFY(q.next());
    const qlonglong id = q.value(0).toLongLong();
    QVERIFY(id > 0);

    QVERIFY(q.exec(QStringLiteral("SELECT id, body, note FROM msg")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toLongLong(), id);
    QCOMPARE(q.value(1).toByteArray(), body);
    QCOMPARE(q.value(2).toString(), QStringLiteral("héllo"));
    QVERIFY(!q.next());
}

void TestPgCluster::notifyDeliversThePayload()
{
    Connection listener(*m_cluster, QStringLiteral("listener"));
    Connection sender(*m_cluster, QStringLiteral("sender"));
    QVERIFY2(listener.db().isOpen(), qPrintable(listener.db().lastError().text()));
    QVERIFY2(sender.db().isOpen(), qPrintable(sender.db().lastError().text()));

    QSqlDriver *driver = listener.db().driver();
    QVERIFY(driver->hasFeature(QSqlDriver::EventNotifications));
    QVERIFY2(driver->subscribeToNotification(QStringLiteral("ch")), qPrintable(driver->lastError().text()));
    QCOMPARE(driver->subscribedToNotifications(), QStringList {QStringLiteral("ch")});
    QSignalSpy spy(driver, &QSqlDriver::notification);

    QSqlQuery q(sender.db());
    // A notification on another channel is not delivered to this listener.
    QVERIFY2(q.exec(QStringLiteral("NOTIFY other, 'ignored'")), qPrintable(q.lastError().text()));
    QVERIFY2(q.exec(QStringLiteral("NOTIFY ch, 'payload'")), qPrintable(q.lastError().text()));

    // The driver reads the socket from the event loop.
    QVERIFY(spy.wait());
    QCOMPARE(spy.count(), 1);
    const QList<QVariant> args = spy.takeFirst();
    QCOMPARE(args.at(0).toString(), QStringLiteral("ch"));
    QCOMPARE(args.at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
    QCOMPARE(args.at(2).toString(), QStringLiteral("payload"));

    // A NOTIFY inside a transaction arrives only once it commits.
    QVERIFY(sender.db().transaction());
    QVERIFY(q.exec(QStringLiteral("SELECT pg_notify('ch', '42')")));
    QCoreApplication::processEvents();
    QCOMPARE(spy.count(), 0);
    QVERIFY(sender.db().commit());
    // A query on the listener that reads the notification off the socket does not swallow it:
    // the driver checks for pending notifications after every statement.
    QVERIFY(listener.db().exec(QStringLiteral("SELECT 1")).isActive());
    QVERIFY(spy.wait());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(2).toString(), QStringLiteral("42"));

    QVERIFY(driver->unsubscribeFromNotification(QStringLiteral("ch")));
    QVERIFY(driver->subscribedToNotifications().isEmpty());
}

void TestPgCluster::committedRowsSurviveACrash()
{
    {
        Connection c(*m_cluster, QStringLiteral("before"));
        QVERIFY2(c.db().isOpen(), qPrintable(c.db().lastError().text()));
        QSqlQuery q(c.db());
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE kept (id int PRIMARY KEY)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO kept VALUES (1), (2)")));
        // Not committed when the server dies: gone after recovery.
        QVERIFY(c.db().transaction());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO kept VALUES (3)")));
        QVERIFY(m_cluster->crash());
        QVERIFY(!m_cluster->isRunning());
        // The server is gone: the connection fails.
        QVERIFY(!q.exec(QStringLiteral("SELECT 1")));
    }
    const quint16 port = m_cluster->port();
    QString error;
    QVERIFY2(m_cluster->restart(&error), qPrintable(error));
    QCOMPARE(m_cluster->port(), port);
    // An immediate stop skips the shutdown checkpoint: the restart replays the WAL.
    QVERIFY2(m_cluster->serverLog().contains(QLatin1String("automatic recovery in progress")),
             qPrintable(m_cluster->serverLog()));

    Connection c(*m_cluster, QStringLiteral("after"));
    QVERIFY2(c.db().isOpen(), qPrintable(c.db().lastError().text()));
    QSqlQuery q(c.db());
    QVERIFY(q.exec(QStringLiteral("SELECT id FROM kept ORDER BY id")));
    QList<int> ids;
    while (q.next())
        ids << q.value(0).toInt();
    QCOMPARE(ids, (QList<int> {1, 2}));

    // A clean shutdown and restart keeps them as well.
    QVERIFY(m_cluster->shutdown());
    QVERIFY(m_cluster->restart(&error));
    Connection again(*m_cluster, QStringLiteral("again"));
    QSqlQuery count(again.db());
    QVERIFY2(count.exec(QStringLiteral("SELECT count(*) FROM kept")), qPrintable(count.lastError().text()));
    QVERIFY(count.next());
    QCOMPARE(count.value(0).toInt(), 2);
}

void TestPgCluster::stopRemovesTheFolder()
{
    const QString dir = m_cluster->directory();
    QVERIFY(QFileInfo::exists(m_cluster->dataDirectory() + QStringLiteral("/PG_VERSION")));
    const QString tmpParent = QFileInfo(dir).path();
    m_cluster->stop();
    QVERIFY(!m_cluster->isRunning());
    QVERIFY(!QFileInfo::exists(dir));
    QVERIFY(!QFileInfo::exists(tmpParent));
    QVERIFY(m_cluster->directory().isEmpty());

    // Nothing listens on the port any more.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("gone"));
    db.setHostName(QStringLiteral("127.0.0.1"));
    db.setPort(m_cluster->port());
    db.setUserName(m_cluster->user());
    db.setDatabaseName(QStringLiteral("mm"));
    QVERIFY(!db.open());
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("gone"));
}

QTEST_GUILESS_MAIN(TestPgCluster)
#include "tst_pgcluster.moc"
