// SPDX-License-Identifier: GPL-3.0-or-later
// Team mode on a real PostgreSQL 15 cluster: two real headless receivers (`--store URL`) write into
// one database. Every delivery answered 2xx is stored once, a delivery retried to the other
// receiver counts its attempts across both and names the receiver of each, and `--export` and
// `--report-migrations` read it back through the same URL. With `--forward-to`, each delivery
// reaches the downstream once, whichever receiver stored it and whichever forwards it.
#include "headlessprocess.h"
#include "pgcluster.h"
#include "testhttp.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using namespace mm::test;

class TestTeamStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { MM_START_PG_CLUSTER(m_cluster); }
    void cleanupTestCase() { m_cluster.reset(); }

    void twoReceiversShareOneStore()
    {
        QTemporaryDir dir;
        const QString url = m_cluster->url();
        const quint16 portA = HeadlessProcess::freePortBelowEphemeralRange();
        quint16 portB = HeadlessProcess::freePortBelowEphemeralRange();
        while (portB == portA)
            portB = HeadlessProcess::freePortBelowEphemeralRange();
        auto receiver = [&](quint16 port) {
            return std::make_unique<HeadlessProcess>(
                HeadlessProcess::Options(dir.path(),
                                         {QStringLiteral("--store"), url, QStringLiteral("--listen"),
                                          QStringLiteral("127.0.0.1:%1").arg(port)}));
        };
        auto a = receiver(portA);
        auto b = receiver(portB);
        QCOMPARE(a->start(), portA);
        QCOMPARE(b->start(), portB); // the second finds the schema made by the first
        QVERIFY2(a->stdoutText().contains(QLatin1String("store: ") + url), qPrintable(a->stdoutText()));

        const auto secret = SigningSecret::parse(TestSecretText);
        QVERIFY(secret);
        auto send = [&](quint16 port, const QByteArray &msgId, const QByteArray &body) {
            RawClient client(port);
            return client.roundTrip(signedRequest(*secret, msgId, body)).status;
        };
        const QByteArray created = envelope("evt_1", "migration.created", "mig_team", "NOT_STARTED");
        const QByteArray started = envelope("evt_2", "migration.started", "mig_team", "WORKING");
        const QByteArray finished = envelope("evt_3", "migration.completed", "mig_team", "COMPLETED");
        QCOMPARE(send(portA, "msg_team_1", created), 200);
        QCOMPARE(send(portB, "msg_team_2", started), 200);
        // Svix retries msg_team_3 and the load balancer sends the retry to the other receiver.
        QCOMPARE(send(portA, "msg_team_3", finished), 200);
        QCOMPARE(send(portB, "msg_team_3", finished), 200);

        QCOMPARE(a->terminate(), 0);
        QCOMPARE(b->terminate(), 0);

        // Stored once each, the retry counted, and each attempt names the receiver that took it.
        {
            QSqlDatabase db = m_cluster->connect(QStringLiteral("team-check"));
            QVERIFY(db.isOpen());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT msg_id, attempts, instance FROM deliveries ORDER BY id")));
            QStringList rows;
            while (q.next())
                rows.append(q.value(0).toString() + u' ' + q.value(1).toString() + u' '
                            + q.value(2).toString().section(u':', -1));
            QCOMPARE(rows,
                     (QStringList {QStringLiteral("msg_team_1 1 %1").arg(portA),
                                   QStringLiteral("msg_team_2 1 %1").arg(portB),
                                   QStringLiteral("msg_team_3 2 %1").arg(portA)}));
            QVERIFY(q.exec(QStringLiteral("SELECT seq, instance FROM attempts")) && q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            QCOMPARE(q.value(1).toString().section(u':', -1), QString::number(portB));
            QVERIFY(q.exec(QStringLiteral("SELECT count(DISTINCT instance) FROM listen_intervals "
                                          "WHERE stopped_us IS NOT NULL"))
                    && q.next());
            QCOMPARE(q.value(0).toInt(), 2); // both listened, and stopped cleanly
            q = QSqlQuery();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("team-check"));
        }

        // The one-shot commands read the same store through the same URL.
        QProcess exporter;
        exporter.start(HeadlessProcess::appPath(),
                       {QStringLiteral("--store"), url, QStringLiteral("--export"), QStringLiteral("-")});
        QVERIFY(exporter.waitForFinished(30000));
        QCOMPARE(exporter.exitCode(), 0);
        const QList<QByteArray> lines = exporter.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(last.value(QLatin1String("msg_id")).toString(), QStringLiteral("msg_team_3"));
        QCOMPARE(last.value(QLatin1String("attempts")).toInt(), 2);

        QProcess report;
        report.start(
            HeadlessProcess::appPath(),
            {QStringLiteral("--store"), url, QStringLiteral("--report-migrations"), QStringLiteral("-")});
        QVERIFY(report.waitForFinished(30000));
        QCOMPARE(report.exitCode(), 0);
        const QJsonObject migration
            = QJsonDocument::fromJson(report.readAllStandardOutput().trimmed()).object();
        QCOMPARE(migration.value(QLatin1String("id")).toString(), QStringLiteral("mig_team"));
        QCOMPARE(migration.value(QLatin1String("status")).toString(), QStringLiteral("COMPLETE"));
        QCOMPARE(migration.value(QLatin1String("event_count")).toInt(), 3);
    }

    void aDatabaseRestartIsSurvived()
    {
        QTemporaryDir dir;
        const QString url = m_cluster->url();
        HeadlessProcess app(HeadlessProcess::Options(dir.path(), {QStringLiteral("--store"), url}));
        const quint16 port = app.start();
        QVERIFY(port > 0);
        const auto secret = SigningSecret::parse(TestSecretText);
        auto send = [&](const QByteArray &msgId) {
            RawClient client(port);
            return client.roundTrip(signedRequest(
                *secret, msgId, envelope("evt_" + msgId, "migration.created", "mig_restart", "NOT_STARTED")));
        };
        QCOMPARE(send("msg_before").status, 200);

        QVERIFY(m_cluster->shutdown());
        // While the database is down: 503 with Retry-After, so Svix retries; said once, not per request.
        for (int i = 0; i < 3; ++i) {
            const HttpResponse r = send("msg_down_" + QByteArray::number(i));
            QCOMPARE(r.status, 503);
            QVERIFY(!r.header("retry-after").isEmpty());
        }
        QVERIFY(app.running());
        QTRY_VERIFY(app.log().contains(QLatin1String("store unreachable")));
        QCOMPARE(app.log().count(QLatin1String("store unreachable")), 1);

        QString error;
        QVERIFY2(m_cluster->restart(&error), qPrintable(error));
        // Svix's retry of the first refused one: the receiver reconnects by itself (a retry or two
        // may still meet the connection the restart broke; each is answered 503, never 2xx).
        int status = 0;
        for (int tries = 0; tries < 5 && status != 200; ++tries) {
            status = send("msg_down_0").status;
            QVERIFY(status == 200 || status == 503);
        }
        QCOMPARE(status, 200);
        QCOMPARE(send("msg_after").status, 200);
        QTRY_VERIFY(app.log().contains(QLatin1String("store reachable again")));
        QCOMPARE(app.terminate(), 0);

        // Everything answered 2xx is there; what was refused and not retried is not.
        QSqlDatabase db = m_cluster->connect(QStringLiteral("restart-check"));
        QVERIFY(db.isOpen());
        QSqlQuery q(db);
        QVERIFY(q.exec(
            QStringLiteral("SELECT msg_id FROM deliveries WHERE migration_id = 'mig_restart' ORDER BY id")));
        QStringList stored;
        while (q.next())
            stored.append(q.value(0).toString());
        QCOMPARE(stored,
                 (QStringList {QStringLiteral("msg_before"), QStringLiteral("msg_down_0"),
                               QStringLiteral("msg_after")}));
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("restart-check"));
    }

    void followSeesEveryReceiversDeliveries_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::addRow("PostgreSQL, two receivers") << true;
        QTest::addRow("SQLite, one receiver") << false;
    }

    void followSeesEveryReceiversDeliveries()
    {
        QFETCH(bool, postgres);
        QTemporaryDir dir;
        const QStringList store = postgres
            ? QStringList {QStringLiteral("--store"), m_cluster->url()}
            : QStringList {QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data"))};
        auto a = std::make_unique<HeadlessProcess>(HeadlessProcess::Options(dir.path(), store));
        const quint16 portA = a->start();
        QVERIFY(portA > 0);
        std::unique_ptr<HeadlessProcess> b;
        quint16 portB = portA;
        if (postgres) {
            b = std::make_unique<HeadlessProcess>(HeadlessProcess::Options(dir.path(), store));
            portB = b->start();
            QVERIFY(portB > 0);
        }
        const auto secret = SigningSecret::parse(TestSecretText);
        auto send = [&](quint16 port, const QByteArray &msgId) {
            RawClient client(port);
            return client
                .roundTrip(
                    signedRequest(*secret, msgId,
                                  envelope("evt_" + msgId, "migration.created", "mig_follow", "NOT_STARTED")))
                .status;
        };
        QCOMPARE(send(portA, "msg_follow_before"), 200); // before --follow starts: not printed

        QProcess follow;
        follow.start(HeadlessProcess::appPath(), store + QStringList {QStringLiteral("--follow")});
        QByteArray err; // accumulated: QTRY evaluates its expression once more after it holds
        QTRY_VERIFY_WITH_TIMEOUT((err += follow.readAllStandardError()).contains("following "), 15000);
        QCOMPARE(send(portA, "msg_follow_1"), 200);
        QCOMPARE(send(portB, "msg_follow_2"), 200);
        QCOMPARE(send(portA, "msg_follow_3"), 200);
        QCOMPARE(send(portB, "msg_follow_3"), 200); // a retry: the same delivery, not printed again
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += follow.readAllStandardOutput()).count('\n') >= 3, 15000);
        follow.terminate();
        QVERIFY(follow.waitForFinished(10000));
        QCOMPARE(follow.exitCode(), 0);
        out += follow.readAllStandardOutput();
        QStringList ids;
        for (const QByteArray &line : out.trimmed().split('\n'))
            ids.append(QJsonDocument::fromJson(line).object().value(QLatin1String("msg_id")).toString());
        QCOMPARE(ids,
                 (QStringList {QStringLiteral("msg_follow_1"), QStringLiteral("msg_follow_2"),
                               QStringLiteral("msg_follow_3")}));
        QCOMPARE(a->terminate(), 0);
        if (b)
            QCOMPARE(b->terminate(), 0);
    }

    void forwardingWithTwoReceiversDeliversEachOnce()
    {
        // The downstream holds its answers while `hold` is set: those deliveries stay in flight,
        // pending in the queue, for as long as the test needs.
        WebhookSink sink;
        bool hold = true;
        sink.setAnswer([&hold](const SinkRequest &) {
            SinkAnswer answer;
            answer.held = hold;
            return answer;
        });
        QVERIFY(sink.listen());
        QTemporaryDir dir;
        const QStringList args {QStringLiteral("--store"), m_cluster->url(), QStringLiteral("--forward-to"),
                                QString::fromLatin1(sink.url())};
        const auto secret = SigningSecret::parse(TestSecretText);
        auto send = [&](quint16 port, const QByteArray &msgId) {
            RawClient client(port);
            return client
                .roundTrip(signedRequest(
                    *secret, msgId, envelope("evt_" + msgId, "migration.created", "mig_fwd", "NOT_STARTED")))
                .status;
        };
        QSet<QByteArray> sent;

        HeadlessProcess a(HeadlessProcess::Options(dir.path(), args));
        const quint16 portA = a.start();
        QVERIFY(portA > 0);
        for (int i = 0; i < 6; ++i) {
            const QByteArray id = "msg_fwd_a" + QByteArray::number(i);
            QCOMPARE(send(portA, id), 200);
            sent.insert(id);
        }
        // A forwards four at a time: four are in flight, held, and two wait in the queue.
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 4, 15000);

        // B starts meanwhile. Its start-up makes what was left pending due, but the four A holds
        // stay A's: B sends only the two that wait.
        HeadlessProcess b(HeadlessProcess::Options(dir.path(), args));
        const quint16 portB = b.start();
        QVERIFY(portB > 0);
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 6, 15000);

        // New deliveries to B, and one that Svix retries to the other receiver: stored once,
        // queued once. A is full (four held), so B forwards these.
        hold = false;
        for (int i = 0; i < 6; ++i) {
            const QByteArray id = "msg_fwd_b" + QByteArray::number(i);
            QCOMPARE(send(portB, id), 200);
            sent.insert(id);
        }
        QCOMPARE(send(portA, "msg_fwd_retry"), 200);
        QCOMPARE(send(portB, "msg_fwd_retry"), 200);
        sent.insert("msg_fwd_retry");
        sink.releaseHeld();

        // Every row delivered. A row is settled only after its answer, so by then every request
        // that was made for it has arrived.
        QSqlDatabase db = m_cluster->connect(QStringLiteral("forward-check"));
        QVERIFY(db.isOpen());
        auto scalar = [&db](const QString &sql) {
            QSqlQuery q(db);
            return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
        };
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'delivered'")),
            qint64(sent.size()), 20000);
        QCOMPARE(a.terminate(), 0);
        QCOMPARE(b.terminate(), 0);

        // Exactly once each, by svix-id.
        QHash<QByteArray, int> arrivals;
        for (const SinkRequest &r : sink.requests())
            ++arrivals[r.header("svix-id")];
        QCOMPARE(QSet<QByteArray>(arrivals.keyBegin(), arrivals.keyEnd()), sent);
        for (auto it = arrivals.cbegin(); it != arrivals.cend(); ++it)
            QVERIFY2(it.value() == 1,
                     qPrintable(QStringLiteral("%1 arrived %2 times")
                                    .arg(QString::fromLatin1(it.key()))
                                    .arg(it.value())));
        QCOMPARE(sink.requests().size(), sent.size());

        // The work was shared: each row names the forwarder that sent it, and both did.
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM forward_queue")), qint64(sent.size()));
        QCOMPARE(scalar(QStringLiteral("SELECT count(claimed_by) FROM forward_queue")), qint64(sent.size()));
        QCOMPARE(scalar(QStringLiteral("SELECT count(DISTINCT claimed_by) FROM forward_queue")), qint64(2));
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("forward-check"));
    }

    void anUnreachableDatabaseIsSaidClearly()
    {
        QTemporaryDir dir;
        HeadlessProcess app(HeadlessProcess::Options(
            dir.path(), {QStringLiteral("--store"), QStringLiteral("postgresql://mm@127.0.0.1:1/mm")}));
        QCOMPARE(app.start(10000), quint16(0));
        QVERIFY(app.waitForExit());
        QCOMPARE(app.exitCode(), 1);
        QVERIFY2(app.log().contains(QLatin1String("Cannot connect to the PostgreSQL store")),
                 qPrintable(app.log()));
    }

private:
    std::unique_ptr<PgCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestTeamStore)
#include "tst_teamstore.moc"
