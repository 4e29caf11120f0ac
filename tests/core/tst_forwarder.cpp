// SPDX-License-Identifier: GPL-3.0-or-later
// Forwarder on a real store, SQLite and PostgreSQL alike: rows are claimed under a lease, so a
// start makes due only the rows no forwarder holds, the rows of a forwarder that died come back
// when its lease ends, each sent row names its sender, and a stop gives back what was in flight.
#include "helperverify.h"
#include "pgcluster.h"
#include "replay/forwarder.h"
#include "store/store.h"
#include "webhooksink.h"

#include <QDateTime>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}
} // namespace

class TestForwarder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_pgUnavailable = PgCluster::unavailableReason();
        if (!m_pgUnavailable.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(m_pgUnavailable)); // CI installs PostgreSQL: it must run there
            return;
        }
        m_cluster = std::make_unique<PgCluster>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
    }
    void cleanupTestCase() { m_cluster.reset(); }

    void init()
    {
        QFETCH(bool, postgres);
        if (postgres && !m_cluster)
            QSKIP(qPrintable(m_pgUnavailable));
        m_dir = std::make_unique<QTemporaryDir>();
        Store::Options options;
        if (postgres)
            options.location = *StoreLocation::parse(m_cluster->url());
        else
            options.folder = m_dir->path();
        options.instance = QStringLiteral("tst-forwarder:1");
        m_store = std::make_unique<Store>(options);
        QString error;
        auto db = m_store->openConnection(u"test", &error);
        QVERIFY2(db, qPrintable(error));
        m_connection = db->connectionName();
        QVERIFY(exec(QStringLiteral("DELETE FROM forward_queue")));
        QVERIFY(exec(QStringLiteral("DELETE FROM attempts")));
        QVERIFY(exec(QStringLiteral("DELETE FROM deliveries")));
    }
    void cleanup()
    {
        if (!m_connection.isEmpty())
            Store::closeConnection(m_connection);
        m_connection.clear();
        m_store.reset();
        m_dir.reset();
    }

    void startTakesOnlyRowsNobodyHolds_data() { engines(); }
    void startTakesOnlyRowsNobodyHolds()
    {
        WebhookSink sink;
        QVERIFY(sink.listen());
        QHash<QByteArray, qint64> arrivedUs; // svix-id → wall clock
        connect(&sink, &WebhookSink::received, this, [&](int count) {
            arrivedUs.insert(sink.requests().at(count - 1).header("svix-id"), nowUs());
        });
        const QString target = QString::fromLatin1(sink.url());
        const qint64 now = nowUs();
        const qint64 leaseEnd = now + 5 * 1000 * 1000;
        // Waiting for its next try after a failure: nobody holds it, so a start makes it due.
        QVERIFY(queue("msg_backoff", target, "pending", now + 3600LL * 1000 * 1000, {}));
        // Held by a forwarder that died, whose lease has ended: anyone's now.
        QVERIFY(queue("msg_lease_over", target, "pending", now - 1000 * 1000, QStringLiteral("ghost pid 1")));
        // Held by a forwarder that is (as far as anyone knows) still sending it: not before leaseEnd.
        QVERIFY(queue("msg_leased", target, "pending", leaseEnd, QStringLiteral("ghost pid 1")));
        QVERIFY(queue("msg_done", target, "delivered", now, QStringLiteral("ghost pid 1")));

        Forwarder::Options options;
        options.store = m_store.get();
        options.poll = std::chrono::milliseconds(100);
        Forwarder forwarder(options);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 3, 15000);
        QVERIFY2(arrivedUs.value("msg_backoff") < leaseEnd, "sent at start, not after its backoff");
        QVERIFY2(arrivedUs.value("msg_lease_over") < leaseEnd, "sent at once: its lease was over");
        QVERIFY2(arrivedUs.value("msg_leased") >= leaseEnd,
                 qPrintable(QStringLiteral("sent %1 ms before the lease ended")
                                .arg((leaseEnd - arrivedUs.value("msg_leased")) / 1000)));
        QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM forward_queue "
                                                        "WHERE state = 'delivered'"))
                                      .toInt(),
                                  4, 10000);
        forwarder.stop();
        QCOMPARE(sink.requests().size(), 3); // msg_done is not sent again

        // Each row sent names this forwarder: the instance, then the process.
        const QString sender
            = scalar(QStringLiteral("SELECT claimed_by FROM forward_queue q JOIN deliveries d "
                                    "ON d.id = q.delivery_id WHERE d.msg_id = 'msg_leased'"))
                  .toString();
        QVERIFY2(sender.startsWith(QLatin1String("tst-forwarder:1 pid ")), qPrintable(sender));
        QCOMPARE(scalar(QStringLiteral("SELECT count(DISTINCT claimed_by) FROM forward_queue WHERE "
                                       "claimed_by <> 'ghost pid 1'"))
                     .toInt(),
                 1);
    }

    void stopGivesBackWhatIsInFlight_data() { engines(); }
    void stopGivesBackWhatIsInFlight()
    {
        WebhookSink sink;
        sink.setAnswer([](const SinkRequest &) {
            SinkAnswer answer;
            answer.held = true; // never answered: still in flight at the stop
            return answer;
        });
        QVERIFY(sink.listen());
        const qint64 now = nowUs();
        QVERIFY(queue("msg_in_flight", QString::fromLatin1(sink.url()), "pending", now, {}));
        Forwarder::Options options;
        options.store = m_store.get();
        Forwarder forwarder(options);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 1, 15000);
        // Claimed while in flight: held until well after the request's timeout.
        const QVariant holder = scalar(QStringLiteral("SELECT claimed_by FROM forward_queue"));
        QVERIFY2(holder.toString().startsWith(QLatin1String("tst-forwarder:1 pid ")),
                 qPrintable(holder.toString()));
        QVERIFY(scalar(QStringLiteral("SELECT next_us FROM forward_queue")).toLongLong()
                >= now + (options.timeout + options.leaseMargin).count() * 1000);

        forwarder.stop();
        // Given back, due at once, for whichever forwarder looks next.
        QCOMPARE(scalar(QStringLiteral("SELECT state FROM forward_queue")).toString(),
                 QStringLiteral("pending"));
        QVERIFY(scalar(QStringLiteral("SELECT claimed_by FROM forward_queue")).isNull());
        QVERIFY(scalar(QStringLiteral("SELECT next_us FROM forward_queue")).toLongLong() <= nowUs());
        QCOMPARE(scalar(QStringLiteral("SELECT tries FROM forward_queue")).toInt(), 0);
    }

    // A database restart leaves the forwarder's connection failing: it opens a new one and goes on.
    void survivesADatabaseRestart_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::addRow("PostgreSQL") << true;
    }
    void survivesADatabaseRestart()
    {
        WebhookSink sink;
        QVERIFY(sink.listen());
        const QString target = QString::fromLatin1(sink.url());
        QVERIFY(queue("msg_before", target, "pending", nowUs(), {}));
        Forwarder::Options options;
        options.store = m_store.get();
        options.poll = std::chrono::milliseconds(100);
        Forwarder forwarder(options);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 1, 15000);

        Store::closeConnection(m_connection);
        QVERIFY(m_cluster->shutdown());
        QString error;
        QVERIFY2(m_cluster->restart(&error), qPrintable(error));
        auto db = m_store->openConnection(u"test", &error);
        QVERIFY2(db, qPrintable(error));
        m_connection = db->connectionName();
        QVERIFY(queue("msg_after", target, "pending", nowUs(), {}));
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 2, 15000);
        QCOMPARE(sink.requests().at(1).header("svix-id"), QByteArray("msg_after"));
        forwarder.stop();
    }

private:
    void engines()
    {
        QTest::addColumn<bool>("postgres");
        QTest::addRow("SQLite") << false;
        QTest::addRow("PostgreSQL") << true;
    }

    [[nodiscard]] bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        MM_HELPER_VERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        return true;
    }

    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }

    // A delivery (with the headers it was received with) and its forwarding row.
    [[nodiscard]] bool queue(const QByteArray &msgId, const QString &target, const char *state, qint64 nextUs,
                             const QString &claimedBy)
    {
        const QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        QSqlQuery d(db);
        d.prepare(
            QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, timestamp_header, "
                           "signature) VALUES(?, ?, ?, ?, ?, ?)"));
        d.addBindValue(QString::fromLatin1(msgId));
        d.addBindValue(nowUs());
        d.addBindValue(false);
        d.addBindValue(QByteArray("{\"id\":\"evt_" + msgId + "\"}"));
        d.addBindValue(nowUs() / 1000000);
        d.addBindValue(QStringLiteral("v1,c2lnbmF0dXJl"));
        MM_HELPER_VERIFY2(d.exec(), qPrintable(d.lastError().text()));
        const QVariant id = scalar(
            QStringLiteral("SELECT id FROM deliveries WHERE msg_id = '%1'").arg(QString::fromLatin1(msgId)));
        QSqlQuery f(db);
        f.prepare(QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, state, enqueued_us, "
                                 "next_us, claimed_by) VALUES(?, ?, 0, ?, ?, ?, ?)"));
        f.addBindValue(id);
        f.addBindValue(target);
        f.addBindValue(QString::fromLatin1(state));
        f.addBindValue(nowUs());
        f.addBindValue(nextUs);
        f.addBindValue(claimedBy.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(claimedBy));
        MM_HELPER_VERIFY2(f.exec(), qPrintable(f.lastError().text()));
        return true;
    }

    QString m_pgUnavailable;
    std::unique_ptr<PgCluster> m_cluster;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    QString m_connection;
};

QTEST_GUILESS_MAIN(TestForwarder)
#include "tst_forwarder.moc"
