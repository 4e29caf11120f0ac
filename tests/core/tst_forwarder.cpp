// SPDX-License-Identifier: GPL-3.0-or-later
// Forwarder on a real store, SQLite and PostgreSQL alike: rows are claimed under a lease, so a
// start makes due only the rows no forwarder holds, the rows of a forwarder that died come back
// when its lease ends, each sent row names its sender, and a stop gives back what was in flight.
// Rows kept with their own headers are signed afresh, each try, with the endpoint secret that
// verified them; a row whose secret is gone is given up at once, saying so.
#include "helperverify.h"
#include "pgcluster.h"
#include "replay/forwarder.h"
#include "store/store.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QDateTime>
#include <QHash>
#include <QSignalSpy>
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

SigningSecret endpointSecret()
{
    return *SigningSecret::parse(TestSecretText);
}

SigningSecret otherSecret()
{
    return *SigningSecret::parse(OtherTestSecretText);
}

// How a queued delivery was received: when it was signed, with which of the receiver's secrets
// (its index then), and under which header names.
struct Received
{
    qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    int secretIndex = 0;
    QByteArray headers = "svix-id: x\nsvix-timestamp: 1\nsvix-signature: v1,****\n";
};
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
        options.endpointSecrets = {endpointSecret()};
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
        options.endpointSecrets = {endpointSecret()};
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

    // Svix refuses a signature 5 minutes old: a row kept with its own headers goes out with its own
    // id, its own header names, and a timestamp and signature made at each try, with the endpoint
    // secret that verified it (found again when the receiver's list has changed order since).
    void resignsEachTryWithTheSecretThatVerifiedIt_data() { engines(); }
    void resignsEachTryWithTheSecretThatVerifiedIt()
    {
        WebhookSink sink;
        QHash<QByteArray, int> tries;
        sink.setAnswer([&tries](const SinkRequest &req) {
            const QByteArray id = req.header("svix-id") + req.header("webhook-id");
            return SinkAnswer {++tries[id] == 1 ? 500 : 200, "x", 0}; // each fails once first
        });
        QVERIFY(sink.listen());
        const QString target = QString::fromLatin1(sink.url());
        const qint64 hourAgo = QDateTime::currentSecsSinceEpoch() - 3600;
        // Verified by the receiver's first secret then; it is second in the list now.
        QVERIFY(queue("msg_stale", target, "pending", nowUs(), {}, {hourAgo, 0, {}}));
        Received unbranded {hourAgo, 1, "webhook-id: x\nwebhook-timestamp: 1\nwebhook-signature: v1,****\n"};
        QVERIFY(queue("msg_unbranded", target, "pending", nowUs(), {}, unbranded));

        Forwarder::Options options;
        options.store = m_store.get();
        options.endpointSecrets = {otherSecret(), endpointSecret()};
        options.poll = std::chrono::milliseconds(100);
        options.retryBase = std::chrono::milliseconds(20);
        Forwarder forwarder(options);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 4, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'delivered'")).toInt(), 2,
            10000);
        forwarder.stop();

        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const SigningSecret secret = endpointSecret();
        for (const SinkRequest &req : sink.requests()) {
            const bool webhook = !req.header("webhook-id").isEmpty();
            const QByteArray prefix = webhook ? "webhook-" : "svix-";
            const QByteArray id = req.header(QByteArray(prefix + "id"));
            const QByteArray ts = req.header(QByteArray(prefix + "timestamp"));
            QCOMPARE(id, webhook ? QByteArray("msg_unbranded") : QByteArray("msg_stale"));
            QVERIFY2(qAbs(ts.toLongLong() - now) < 60, ts.constData()); // fresh, not an hour old
            // One entry, by the secret that verified it (not the other one now first in the list).
            QCOMPARE(req.header(QByteArray(prefix + "signature")), secret.signature(id, ts, req.body));
            QCOMPARE(req.header("user-agent"), QByteArray("Migration-Monitor-Forward/" MM_VERSION));
            QCOMPARE(req.header("accept"), QByteArray("*/*"));
            QVERIFY(req.header(webhook ? "svix-id" : "webhook-id").isEmpty());
        }
        QCOMPARE(tries.value("msg_stale"), 2);
        QCOMPARE(tries.value("msg_unbranded"), 2);
    }

    // The secret that verified a row is no longer configured: it cannot be signed with its own id
    // any more, so it is given up at once, saying why, instead of retried for hours.
    void givesUpWhenItsSecretIsGone_data() { engines(); }
    void givesUpWhenItsSecretIsGone()
    {
        WebhookSink sink;
        QVERIFY(sink.listen());
        const QString target = QString::fromLatin1(sink.url());
        QVERIFY(
            queue("msg_orphan", target, "pending", nowUs(), {}, {QDateTime::currentSecsSinceEpoch(), 1, {}}));
        Forwarder::Options options;
        options.store = m_store.get();
        options.endpointSecrets = {otherSecret()}; // the endpoint's secret was removed
        options.poll = std::chrono::milliseconds(100);
        Forwarder forwarder(options);
        QSignalSpy notices(&forwarder, &Forwarder::notice);
        QSignalSpy updates(&forwarder, &Forwarder::entryUpdated);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT state FROM forward_queue")).toString(),
                                  QStringLiteral("failed"), 10000);
        QTRY_COMPARE(notices.size(), 1);
        QVERIFY2(notices.at(0).at(0).toString().startsWith(QLatin1String("msg_orphan: ")),
                 qPrintable(notices.at(0).at(0).toString()));
        QTRY_COMPARE(updates.size(), 1);
        const ForwardEntry entry = updates.at(0).at(0).value<ForwardEntry>();
        QCOMPARE(entry.state, QStringLiteral("failed"));
        QCOMPARE(entry.tries, 0); // nothing was sent
        QVERIFY2(entry.lastError.contains(QLatin1String("#2"))
                     && entry.lastError.contains(QLatin1String("no longer")),
                 qPrintable(entry.lastError));
        QCOMPARE(scalar(QStringLiteral("SELECT last_error FROM forward_queue")).toString(), entry.lastError);
        forwarder.stop();
        QCOMPARE(sink.requests().size(), 0);
    }

    // Before the receiver has said which secrets it has (a start), rows wait without using a try,
    // and go as soon as the secrets are known.
    void waitsForTheEndpointSecrets_data() { engines(); }
    void waitsForTheEndpointSecrets()
    {
        WebhookSink sink;
        QVERIFY(sink.listen());
        QVERIFY(queue("msg_early", QString::fromLatin1(sink.url()), "pending", nowUs(), {}));
        Forwarder::Options options;
        options.store = m_store.get();
        options.poll = std::chrono::milliseconds(100);
        Forwarder forwarder(options);
        QSignalSpy updates(&forwarder, &Forwarder::entryUpdated);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(updates.size(), 1, 10000);
        const ForwardEntry waiting = updates.at(0).at(0).value<ForwardEntry>();
        QCOMPARE(waiting.state, QStringLiteral("pending"));
        QCOMPARE(waiting.tries, 0);
        QVERIFY2(waiting.lastError.contains(QLatin1String("Waiting")), qPrintable(waiting.lastError));
        QCOMPARE(sink.requests().size(), 0);

        forwarder.setEndpointSecrets({endpointSecret()});
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 1, 10000);
        QTRY_COMPARE(scalar(QStringLiteral("SELECT state FROM forward_queue")).toString(),
                     QStringLiteral("delivered"));
        QCOMPARE(scalar(QStringLiteral("SELECT tries FROM forward_queue")).toInt(), 1);
        forwarder.stop();
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
        options.endpointSecrets = {endpointSecret()};
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

    // A delivery (with the headers it was received with, signed with the endpoint secret) and its
    // forwarding row.
    [[nodiscard]] bool queue(const QByteArray &msgId, const QString &target, const char *state, qint64 nextUs,
                             const QString &claimedBy, const Received &received = {})
    {
        const QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        QSqlQuery d(db);
        d.prepare(
            QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, timestamp_header, "
                           "signature, secret_index, headers) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
        const QByteArray body = "{\"id\":\"evt_" + msgId + "\"}";
        d.addBindValue(QString::fromLatin1(msgId));
        d.addBindValue(nowUs());
        d.addBindValue(false);
        d.addBindValue(body);
        d.addBindValue(received.timestamp);
        // A Svix signature header with a decoy entry first, as during a rotation.
        d.addBindValue(QString::fromLatin1(
            QByteArray("v1,c2lnbmF0dXJl "
                       + endpointSecret().signature(msgId, QByteArray::number(received.timestamp), body))));
        d.addBindValue(received.secretIndex);
        d.addBindValue(QString::fromLatin1(received.headers));
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
