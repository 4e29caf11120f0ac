// SPDX-License-Identifier: GPL-3.0-or-later
// --metrics-listen on the real `--headless` binary: /metrics counts what the webhook port did
// (signed deliveries, a duplicate, a bad signature, a wrong method), parses as Prometheus text,
// follows the forwarding queue, and is not served on the webhook port; /healthz is 200 while the
// store takes writes and 503 with the reason while a PostgreSQL store is down, 200 again after.
#include "headlessprocess.h"
#include "pgcluster.h"
#include "prometheusparse.h"
#include "testhttp.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
HttpResponse get(quint16 port, const QByteArray &path, const QByteArray &method = "GET")
{
    RawClient client(port);
    return client.roundTrip(method + ' ' + path
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
}

// The metrics port the app printed ("metrics on http://127.0.0.1:PORT/metrics ..."), 0 if none.
quint16 metricsPort(HeadlessProcess &app)
{
    const auto match = QRegularExpression(QStringLiteral("metrics on http://[^ ]+:(\\d+)/metrics"))
                           .match(app.stdoutText());
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

// One scrape, parsed; the error (or the status) in *error when it is not valid Prometheus text.
PromText scrape(quint16 port, QString *error = nullptr)
{
    const HttpResponse r = get(port, "/metrics");
    PromText text = PromText::parse(r.body);
    if (error)
        *error = r.status != 200 ? QStringLiteral("status %1").arg(r.status) : text.error();
    return text;
}

double sample(quint16 port, const QByteArray &name, const QMap<QByteArray, QByteArray> &labels = {})
{
    return scrape(port).value(name, labels).value_or(-1);
}

const QByteArray Rejected = "migration_monitor_deliveries_rejected_total";
} // namespace

class TestMetricsEndpoint final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void countsWhatTheWebhookPortDid()
    {
        HeadlessProcess app(
            HeadlessProcess::Options(m_dir->filePath(QStringLiteral("data")),
                                     {QStringLiteral("--metrics-listen"), QStringLiteral("127.0.0.1:0")}));
        const quint16 port = app.start();
        QVERIFY2(port > 0, qPrintable(app.logTail()));
        const quint16 metrics = metricsPort(app);
        QVERIFY2(metrics > 0 && metrics != port, qPrintable(app.stdoutText()));

        const HttpResponse healthy = get(metrics, "/healthz");
        QCOMPARE(healthy.status, 200);
        QCOMPARE(healthy.body, QByteArray("ok\n"));

        const auto secret = SigningSecret::parse(TestSecretText);
        auto send = [&](const SigningSecret &key, const QByteArray &msgId) {
            RawClient client(port);
            return client.roundTrip(
                signedRequest(key, msgId, envelope("evt_" + msgId, "migration.created", "mig_m")));
        };
        constexpr int Sent = 6;
        for (int i = 0; i < Sent; ++i)
            QCOMPARE(send(*secret, "msg_metrics_" + QByteArray::number(i)).status, 200);
        const HttpResponse again = send(*secret, "msg_metrics_0"); // Svix retries one
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, QByteArray("duplicate\n"));
        const QString otherText
            = QStringLiteral("whsec_") + QString::fromLatin1(QByteArray(24, 'k').toBase64());
        const auto other = SigningSecret::parse(otherText);
        QVERIFY(other);
        QCOMPARE(send(*other, "msg_forged").status, 401);
        QCOMPARE(get(port, "/webhooks").status, 405);

        const HttpResponse r = get(metrics, "/metrics");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.header("content-type").startsWith("text/plain; version=0.0.4"),
                 r.header("content-type").constData());
        const PromText m = PromText::parse(r.body);
        QVERIFY2(m.isValid(), qPrintable(m.error() + u'\n' + QString::fromUtf8(r.body)));
        QCOMPARE(m.value("migration_monitor_deliveries_accepted_total"), std::optional<double>(Sent));
        QCOMPARE(m.value("migration_monitor_deliveries_duplicate_total"), std::optional<double>(1));
        QCOMPARE(m.value(Rejected, {{"reason", "no_matching_signature"}}), std::optional<double>(1));
        QCOMPARE(m.value(Rejected, {{"reason", "method_not_allowed"}}), std::optional<double>(1));
        double rejected = 0;
        for (const PromSample &s : m.samples())
            rejected += s.name == Rejected ? s.value : 0;
        QCOMPARE(rejected, 2.0); // nothing else counted as refused
        QCOMPARE(m.value("migration_monitor_requests_in_flight"), std::optional<double>(0));
        QCOMPARE(m.value("migration_monitor_store_reachable"), std::optional<double>(1));
        QCOMPARE(m.value("migration_monitor_receiver_listening"), std::optional<double>(1));
        // Every delivery went through a committed transaction (with the listening interval's).
        const double commits = m.value("migration_monitor_store_commit_seconds_count").value_or(0);
        QVERIFY2(commits >= 1, qPrintable(QString::number(commits)));
        QCOMPARE(m.value("migration_monitor_forward_queue_depth"), std::nullopt); // not forwarding

        // The guard's refusals are counted under their reason too.
        {
            RawClient client(port);
            const HttpResponse tooBig
                = client.roundTrip("POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n");
            QCOMPARE(tooBig.status, 413);
        }
        QTRY_COMPARE(sample(metrics, Rejected, {{"reason", "body_too_large"}}), 1.0);

        // Only GET, only these paths, and never on the public webhook port.
        QCOMPARE(get(metrics, "/metrics", "POST").status, 405);
        QCOMPARE(get(metrics, "/webhooks").status, 404);
        QCOMPARE(get(port, "/metrics").status, 404);
        QCOMPARE(get(port, "/healthz").status, 404);

        QCOMPARE(app.terminate(), 0);
    }

    // The forwarding queue's depth: deliveries the target refuses stay pending, then drain.
    void followsTheForwardingQueue()
    {
        WebhookSink sink;
        QVERIFY(sink.listen());
        bool refuse = true;
        sink.setAnswer([&refuse](const SinkRequest &) { return SinkAnswer {refuse ? 503 : 200, "x", 0}; });
        HeadlessProcess app(
            HeadlessProcess::Options(m_dir->filePath(QStringLiteral("data")),
                                     {QStringLiteral("--metrics-listen"), QStringLiteral("0"),
                                      QStringLiteral("--forward-to"), QString::fromLatin1(sink.url())}));
        const quint16 port = app.start();
        QVERIFY2(port > 0, qPrintable(app.logTail()));
        const quint16 metrics = metricsPort(app);
        QVERIFY(metrics > 0);
        QTRY_COMPARE(sample(metrics, "migration_monitor_forward_queue_depth"), 0.0);

        const auto secret = SigningSecret::parse(TestSecretText);
        constexpr int Sent = 3;
        for (int i = 0; i < Sent; ++i) {
            RawClient client(port);
            const QByteArray id = "msg_fwd_" + QByteArray::number(i);
            QCOMPARE(client
                         .roundTrip(
                             signedRequest(*secret, id, envelope("evt_" + id, "migration.created", "mig_f")))
                         .status,
                     200);
        }
        QTRY_VERIFY(sink.requests().size() >= Sent); // each tried once, and refused
        QTRY_COMPARE(sample(metrics, "migration_monitor_forward_queue_depth"), double(Sent));
        refuse = false;
        QTRY_COMPARE_WITH_TIMEOUT(sample(metrics, "migration_monitor_forward_queue_depth"), 0.0, 20000);
        QCOMPARE(app.terminate(), 0);
    }

    void optionsAreCheckedLikeListen_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::addRow("not an address")
            << QStringList {QStringLiteral("--metrics-listen"), QStringLiteral("nowhere:9100")}
            << QStringLiteral("--metrics-listen: 'nowhere' is not an IP address");
        QTest::addRow("not a port") << QStringList {QStringLiteral("--metrics-listen"),
                                                    QStringLiteral("127.0.0.1:http")}
                                    << QStringLiteral("--metrics-listen: 'http' is not a port number");
        QTest::addRow("the webhook port")
            << QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:18787"),
                            QStringLiteral("--metrics-listen"), QStringLiteral("0.0.0.0:18787")}
            << QStringLiteral("--metrics-listen: port 18787 is the webhook port");
        QTest::addRow("a one-shot command")
            << QStringList {QStringLiteral("--export"), QStringLiteral("-"),
                            QStringLiteral("--metrics-listen"), QStringLiteral("9100")}
            << QStringLiteral("--metrics-listen is for a running receiver");
    }

    void optionsAreCheckedLikeListen()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MIGRATION_MONITOR_SECRETS"), TestSecretText);
        p.setProcessEnvironment(env);
        const QStringList mode = args.contains(QLatin1String("--export"))
            ? QStringList()
            : QStringList {QStringLiteral("--headless")};
        p.start(HeadlessProcess::appPath(),
                mode + QStringList {QStringLiteral("--data-dir"), m_dir->filePath(QStringLiteral("data"))}
                    + args);
        QVERIFY(p.waitForFinished(30000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(message), qPrintable(err));
    }

    void metricsPortTakenExitsWithClearMessage()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        HeadlessProcess app(
            HeadlessProcess::Options(m_dir->filePath(QStringLiteral("data")),
                                     QStringList {QStringLiteral("--metrics-listen"),
                                                  QStringLiteral("127.0.0.1:%1").arg(taken.serverPort())}));
        QCOMPARE(app.start(), quint16(0));
        QVERIFY(app.waitForExit());
        QCOMPARE(app.exitCode(), 1);
        QVERIFY2(app.log().contains(QLatin1String("the port is already in use")), qPrintable(app.log()));
    }

    // PostgreSQL stopped under a running receiver: /healthz says so (503, the reason) and the
    // reachable gauge drops to 0; started again, both recover by themselves.
    void healthFollowsAPostgresRestart()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(why)); // CI installs PostgreSQL: it must run there
            QSKIP(qPrintable(why));
        }
        PgCluster cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        HeadlessProcess app(
            HeadlessProcess::Options(m_dir->filePath(QStringLiteral("data")),
                                     {QStringLiteral("--store"), cluster.url(),
                                      QStringLiteral("--metrics-listen"), QStringLiteral("127.0.0.1:0")}));
        const quint16 port = app.start();
        QVERIFY2(port > 0, qPrintable(app.logTail()));
        const quint16 metrics = metricsPort(app);
        QVERIFY(metrics > 0);
        QCOMPARE(get(metrics, "/healthz").status, 200);
        QCOMPARE(sample(metrics, "migration_monitor_store_reachable"), 1.0);

        QVERIFY(cluster.shutdown());
        // Re-asked on each try: a fresh probe once the last answer is a second old.
        QTRY_COMPARE_WITH_TIMEOUT(get(metrics, "/healthz").status, 503, 15000);
        const HttpResponse down = get(metrics, "/healthz");
        QCOMPARE(down.status, 503);
        QVERIFY2(down.body.startsWith("store not writable: ") && down.body.count('\n') == 1,
                 down.body.constData());
        QCOMPARE(sample(metrics, "migration_monitor_store_reachable"), 0.0);
        QVERIFY(app.running());

        QVERIFY2(cluster.restart(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(get(metrics, "/healthz").status, 200, 15000);
        QCOMPARE(sample(metrics, "migration_monitor_store_reachable"), 1.0);
        QCOMPARE(app.terminate(), 0);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestMetricsEndpoint)
#include "tst_metricsendpoint.moc"
