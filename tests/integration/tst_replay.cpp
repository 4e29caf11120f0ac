// SPDX-License-Identifier: GPL-3.0-or-later
// Replay, forwarding, import and export through the real migration-monitor binary, against
// a loopback downstream (WebhookSink) that checks every signature with the openssl command
// line rather than with our own code.
#include "headlessprocess.h"
#include "testhttp.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
const QString &EndpointSecret = TestSecretText;
// The downstream dev server's own secret, different from the endpoint's.
const QString &DevSecret = OtherTestSecretText;

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the app to completion while this thread's event loop (and any sink) keeps running.
Run runApp(const QStringList &args, const QByteArray &stdinData = {})
{
    QProcess p;
    p.start(QStringLiteral(MM_APP_PATH), args);
    if (!p.waitForStarted(10000))
        return {};
    if (!stdinData.isNull()) {
        p.write(stdinData);
        p.closeWriteChannel();
    }
    QElapsedTimer timer;
    timer.start();
    while (p.state() != QProcess::NotRunning && timer.elapsed() < 60000)
        QTest::qWait(20);
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QJsonObject exportLine(const QByteArray &msgId, const QByteArray &body, const QString &receivedAt)
{
    return QJsonObject {{QStringLiteral("msg_id"), QString::fromLatin1(msgId)},
                        {QStringLiteral("received_at"), receivedAt},
                        {QStringLiteral("attempts"), 1},
                        {QStringLiteral("body"), QString::fromUtf8(body)}};
}

qint64 countRows(const QString &dataDir, const QString &sql)
{
    const QString name = QStringLiteral("tst-replay-count");
    qint64 n = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dataDir + QStringLiteral("/monitor.sqlite3"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                n = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}
} // namespace

class TestReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void replaysYesterdaysFailedMigrationResigned();
    void replayFiltersByTypeAndSince();
    void replayAsReceivedKeepsTheOriginalSignature();
    void replayWithNewIdsSignsTheNewIds();
    void replayNewIdsAreKeptAcrossRetries();
    void replaySendsTheHeaderNamesTheyCameWith();
    void replayFailuresExitNonZeroAndRetriesHelp();
    void replayRetriesEveryNonSuccessUnlessAsked();
    void replayOptionsAreCheckedAndSecretsHidden();
    void forwardsEachNewDeliveryOnceResigned();
    void forwardWithoutASecretKeepsTheIdAndSignsAfresh();
    void forwardQueueSurvivesAnOutageAndARestart();
    void exportImportExportIsByteExact();
    void harExportIsValidAndHoldsNoSecrets();

private:
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    // The headless app on dataDir() with the endpoint secret. Its waits spin the event loop,
    // so a WebhookSink in this thread keeps answering meanwhile.
    HeadlessProcess::Options headless(const QStringList &extraArgs) const
    {
        return HeadlessProcess::Options(dataDir(), extraArgs);
    }
    // Imports migration mig_y's lifecycle as received yesterday; returns the message ids oldest first.
    QList<QByteArray> importYesterday();
    // Sends signed deliveries to a fresh headless app and stops it; returns their bodies by id.
    QList<QPair<QByteArray, QByteArray>> receiveLive(const QList<QByteArray> &bodies, qint64 timestamp = 0);
    static SigningSecret endpoint() { return *SigningSecret::parse(EndpointSecret); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestReplay::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
        QSKIP("the openssl command line is not installed (scripts/bootstrap.sh installs it)");
}

QList<QByteArray> TestReplay::importYesterday()
{
    const qint64 yesterdayMs = QDateTime::currentMSecsSinceEpoch() - 24 * 3600 * 1000;
    QByteArray jsonl;
    QList<QByteArray> ids;
    const QList<QPair<QByteArray, QByteArray>> lifecycle {{"migration.created", "NOT_STARTED"},
                                                          {"migration.started", "WORKING"},
                                                          {"migration.failed", "FAILED"}};
    for (int i = 0; i < lifecycle.size(); ++i) {
        const QByteArray id = "msg_yesterday" + QByteArray::number(i);
        const QString at
            = QDateTime::fromMSecsSinceEpoch(yesterdayMs + i * 60000, Qt::UTC).toString(Qt::ISODateWithMs);
        const QByteArray body
            = envelope("evt_y" + QByteArray::number(i), lifecycle[i].first, "mig_y", lifecycle[i].second);
        jsonl += QJsonDocument(exportLine(id, body, at)).toJson(QJsonDocument::Compact) + '\n';
        ids.append(id);
    }
    // Another migration, interleaved in time, that must not be replayed.
    const QString at
        = QDateTime::fromMSecsSinceEpoch(yesterdayMs + 30000, Qt::UTC).toString(Qt::ISODateWithMs);
    jsonl += QJsonDocument(exportLine("msg_other", envelope("evt_o", "migration.created", "mig_other"), at))
                 .toJson(QJsonDocument::Compact)
        + '\n';
    const Run r = runApp(
        {QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--import"), QStringLiteral("-")}, jsonl);
    if (r.exitCode != 0 || !r.err.contains("imported 4 deliveries"))
        qWarning("import: %s", r.err.constData());
    return r.exitCode == 0 ? ids : QList<QByteArray>();
}

void TestReplay::replaysYesterdaysFailedMigrationResigned()
{
    const QList<QByteArray> ids = importYesterday();
    QCOMPARE(ids.size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    const Run r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                          QString::fromLatin1(sink.url()), QStringLiteral("--migration"),
                          QStringLiteral("mig_y"), QStringLiteral("--resign-secret"), DevSecret});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    // One line per delivery, oldest first, each OK.
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(lines[i].startsWith("OK") && lines[i].contains(ids[i]), lines[i].constData());
        QVERIFY(lines[i].contains(" 200 "));
    }
    QCOMPARE(sink.requests().size(), 3);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (int i = 0; i < 3; ++i) {
        const SinkRequest &req = sink.requests()[i];
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.header("svix-id"), ids[i]);
        const qint64 ts = req.header("svix-timestamp").toLongLong();
        QVERIFY2(qAbs(now - ts) <= 300, "a fresh timestamp, inside the 5-minute tolerance");
        QString why;
        QVERIFY2(opensslVerifies(DevSecret, req.header("svix-id"), req.header("svix-timestamp"), req.body,
                                 req.header("svix-signature"), &why),
                 qPrintable(why));
        QVERIFY(req.body.contains("\"migration_id\":\"mig_y\""));
    }
    QVERIFY(sink.requests()[2].body.contains("migration.failed"));
    QVERIFY2(!r.out.contains(DevSecret.toLatin1()) && !r.err.contains(DevSecret.toLatin1()),
             "no secret printed");
    // The run is in the history.
    QCOMPARE(countRows(dataDir(),
                       QStringLiteral("SELECT count(*) FROM replay_runs WHERE succeeded = 3 AND "
                                      "failed = 0 AND mode = 're-signed' AND finished_us IS NOT NULL")),
             1);
    QCOMPARE(countRows(dataDir(), QStringLiteral("SELECT count(*) FROM replay_requests WHERE status = 200")),
             3);
}

void TestReplay::replayFiltersByTypeAndSince()
{
    QCOMPARE(importYesterday().size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    Run r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                    QString::fromLatin1(sink.url()), QStringLiteral("--type"),
                    QStringLiteral("migration.failed"), QStringLiteral("--resign-secret"), DevSecret});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(sink.requests().size(), 1);
    QCOMPARE(sink.requests()[0].header("svix-id"), QByteArray("msg_yesterday2"));

    // --since after yesterday: nothing matches, nothing is sent, and that is not a failure.
    const QString today = QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODate);
    r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                QString::fromLatin1(sink.url()), QStringLiteral("--since"), today,
                QStringLiteral("--resign-secret"), DevSecret});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.contains("no stored delivery matches"));
    QCOMPARE(sink.requests().size(), 1);
}

QList<QPair<QByteArray, QByteArray>> TestReplay::receiveLive(const QList<QByteArray> &bodies,
                                                             qint64 timestamp)
{
    QList<QPair<QByteArray, QByteArray>> sent;
    HeadlessProcess app(headless({}));
    const quint16 port = app.start();
    if (!port)
        return sent;
    RawClient client(port);
    for (int i = 0; i < bodies.size(); ++i) {
        const QByteArray id = "msg_live" + QByteArray::number(i);
        if (client.roundTrip(signedRequest(endpoint(), id, bodies[i], timestamp)).status != 200)
            return {};
        sent.append({id, bodies[i]});
    }
    return app.terminate() == 0 ? sent : QList<QPair<QByteArray, QByteArray>>();
}

void TestReplay::replayAsReceivedKeepsTheOriginalSignature()
{
    const qint64 ts = QDateTime::currentSecsSinceEpoch() - 120;
    const auto sent = receiveLive({envelope("evt_1", "migration.created", "mig_live"),
                                   envelope("evt_2", "migration.started", "mig_live", "WORKING")},
                                  ts);
    QCOMPARE(sent.size(), 2);
    WebhookSink sink;
    QVERIFY(sink.listen());
    const Run r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                          QString::fromLatin1(sink.url())});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.err.contains("as received"));
    QCOMPARE(sink.requests().size(), 2);
    for (int i = 0; i < 2; ++i) {
        const SinkRequest &req = sink.requests()[i];
        QCOMPARE(req.header("svix-id"), sent[i].first);
        QCOMPARE(req.header("svix-timestamp"), QByteArray::number(ts)); // the original, not now
        QCOMPARE(req.body, sent[i].second);
        QString why;
        QVERIFY2(opensslVerifies(EndpointSecret, req.header("svix-id"), req.header("svix-timestamp"),
                                 req.body, req.header("svix-signature"), &why),
                 qPrintable(why));
    }
}

void TestReplay::replayWithNewIdsSignsTheNewIds()
{
    QCOMPARE(importYesterday().size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    const Run r
        = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                  QString::fromLatin1(sink.url()), QStringLiteral("--migration"), QStringLiteral("mig_y"),
                  QStringLiteral("--resign-secret"), DevSecret, QStringLiteral("--new-ids"),
                  QStringLiteral("--replay-concurrency"), QStringLiteral("3")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(sink.requests().size(), 3);
    QSet<QByteArray> seen;
    static const QRegularExpression svixId(QStringLiteral("^msg_[0-9A-Za-z]{27}$"));
    for (const SinkRequest &req : sink.requests()) {
        const QByteArray id = req.header("svix-id");
        QVERIFY2(svixId.match(QString::fromLatin1(id)).hasMatch(), id.constData());
        QVERIFY(!id.startsWith("msg_yesterday"));
        seen.insert(id);
        QString why;
        QVERIFY2(opensslVerifies(DevSecret, id, req.header("svix-timestamp"), req.body,
                                 req.header("svix-signature"), &why),
                 qPrintable(why));
    }
    QCOMPARE(seen.size(), 3);
    // Lines stay oldest first at concurrency 3 and show both ids.
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY2(lines[i].contains(QByteArray("msg_yesterday" + QByteArray::number(i) + " -> msg_")),
                 lines[i].constData());
}

void TestReplay::replayNewIdsAreKeptAcrossRetries()
{
    QCOMPARE(importYesterday().size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    // Each delivery's first try answers 500, its second 200: the target must see one id twice.
    QHash<QByteArray, int> tries;
    sink.setAnswer([&tries](const SinkRequest &req) {
        return ++tries[req.body] == 1 ? SinkAnswer {500, "boom", 0} : SinkAnswer {};
    });
    const Run r
        = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                  QString::fromLatin1(sink.url()), QStringLiteral("--migration"), QStringLiteral("mig_y"),
                  QStringLiteral("--resign-secret"), DevSecret, QStringLiteral("--new-ids"),
                  QStringLiteral("--replay-retries"), QStringLiteral("2")});
    QVERIFY2(r.exitCode == 0, r.out.constData());
    QCOMPARE(sink.requests().size(), 6);
    QHash<QByteArray, QSet<QByteArray>> idsByBody;
    QSet<QByteArray> allIds;
    for (const SinkRequest &req : sink.requests()) {
        idsByBody[req.body].insert(req.header("svix-id"));
        allIds.insert(req.header("svix-id"));
        QVERIFY(opensslVerifies(DevSecret, req.header("svix-id"), req.header("svix-timestamp"), req.body,
                                req.header("svix-signature")));
    }
    QCOMPARE(idsByBody.size(), 3);
    for (const QSet<QByteArray> &ids : std::as_const(idsByBody))
        QCOMPARE(ids.size(), 1); // both tries of a delivery carried the same new id
    QCOMPARE(allIds.size(), 3);
    // The line names the id that was sent, the one the target saw twice.
    for (const QByteArray &id : std::as_const(allIds))
        QVERIFY2(r.out.contains(QByteArray("-> " + id)), r.out.constData());
    QCOMPARE(r.out.count("(2 tries)"), 3);
}

void TestReplay::replaySendsTheHeaderNamesTheyCameWith()
{
    // Svix's libraries read each header as svix-* or else webhook-*: a delivery that came with
    // svix-id but webhook-timestamp and webhook-signature is accepted, stored, and replayed
    // under those same names.
    const qint64 ts = QDateTime::currentSecsSinceEpoch() - 30;
    const QByteArray mixedBody = envelope("evt_m", "migration.created", "mig_h");
    const QByteArray plainBody = envelope("evt_w", "migration.started", "mig_h", "WORKING");
    {
        HeadlessProcess app(headless({}));
        const quint16 port = app.start();
        QVERIFY(port > 0);
        RawClient client(port);
        auto raw = [&](const QByteArray &id, const QByteArray &body, const QByteArray &idName,
                       const QByteArray &tsName, const QByteArray &sigName) -> QByteArray {
            const QByteArray signature = endpoint().signature(id, QByteArray::number(ts), body);
            return "POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + idName
                + ": " + id + "\r\n" + tsName + ": " + QByteArray::number(ts) + "\r\n" + sigName + ": "
                + signature + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        };
        QCOMPARE(
            client.roundTrip(raw("msg_mixed", mixedBody, "svix-id", "webhook-timestamp", "webhook-signature"))
                .status,
            200);
        QCOMPARE(client
                     .roundTrip(raw("msg_unbranded", plainBody, "Webhook-Id", "Webhook-Timestamp",
                                    "Webhook-Signature"))
                     .status,
                 200);
        QCOMPARE(app.terminate(), 0);
    }
    auto names = [](const SinkRequest &req) {
        QByteArrayList out;
        for (const auto &[name, value] : req.headers) {
            if (name.startsWith("svix-") || name.startsWith("webhook-"))
                out.append(name);
        }
        return out;
    };
    for (const bool resign : {false, true}) {
        WebhookSink sink;
        QVERIFY(sink.listen());
        QStringList args {QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                          QString::fromLatin1(sink.url())};
        if (resign)
            args << QStringLiteral("--resign-secret") << DevSecret;
        const Run r = runApp(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(sink.requests().size(), 2);
        const SinkRequest &mixed = sink.requests().at(0);
        const SinkRequest &unbranded = sink.requests().at(1);
        QCOMPARE(names(mixed), (QByteArrayList {"svix-id", "webhook-timestamp", "webhook-signature"}));
        QCOMPARE(names(unbranded), (QByteArrayList {"webhook-id", "webhook-timestamp", "webhook-signature"}));
        QCOMPARE(mixed.header("svix-id"), QByteArray("msg_mixed"));
        QCOMPARE(unbranded.header("webhook-id"), QByteArray("msg_unbranded"));
        QVERIFY(opensslVerifies(resign ? DevSecret : EndpointSecret, "msg_unbranded",
                                unbranded.header("webhook-timestamp"), plainBody,
                                unbranded.header("webhook-signature")));
        // A replay says so, and accepts anything, as Svix's sender does.
        QCOMPARE(mixed.header("user-agent"), QByteArray("Migration-Monitor-Replay/" MM_VERSION));
        QCOMPARE(mixed.header("accept"), QByteArray("*/*"));
    }
}

void TestReplay::replayRetriesEveryNonSuccessUnlessAsked()
{
    QCOMPARE(importYesterday().size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    // Every first try is refused with a 4xx, as a target that was briefly misconfigured might.
    QSet<QByteArray> refusedOnce;
    sink.setAnswer([&refusedOnce](const SinkRequest &req) {
        if (refusedOnce.contains(req.body))
            return SinkAnswer {};
        refusedOnce.insert(req.body);
        return SinkAnswer {404, "no such route", 0};
    });
    const QStringList base {QStringLiteral("--data-dir"),       dataDir(),
                            QStringLiteral("--replay-to"),      QString::fromLatin1(sink.url()),
                            QStringLiteral("--migration"),      QStringLiteral("mig_y"),
                            QStringLiteral("--resign-secret"),  DevSecret,
                            QStringLiteral("--replay-retries"), QStringLiteral("1")};
    // As Svix: a 404 is a failure like any other non-2xx, and tried again.
    Run r = runApp(base);
    QVERIFY2(r.exitCode == 0, r.out.constData());
    QCOMPARE(r.out.count("(2 tries)"), 3);
    QCOMPARE(sink.requests().size(), 6);

    // --replay-retry-on transient leaves a 4xx alone.
    refusedOnce.clear();
    r = runApp(base + QStringList {QStringLiteral("--replay-retry-on"), QStringLiteral("transient")});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out.count("FAILED"), 3);
    QCOMPARE(sink.requests().size(), 9);
}

void TestReplay::replayFailuresExitNonZeroAndRetriesHelp()
{
    QCOMPARE(importYesterday().size(), 3);
    WebhookSink sink;
    QVERIFY(sink.listen());
    sink.setAnswer([](const SinkRequest &req) {
        return req.header("svix-id") == "msg_yesterday1" ? SinkAnswer {500, "boom", 0} : SinkAnswer {};
    });
    Run r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                    QString::fromLatin1(sink.url()), QStringLiteral("--migration"), QStringLiteral("mig_y"),
                    QStringLiteral("--resign-secret"), DevSecret});
    QCOMPARE(r.exitCode, 1);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[1].startsWith("FAILED") && lines[1].contains(" 500 "), lines[1].constData());
    QVERIFY(lines[0].startsWith("OK") && lines[2].startsWith("OK"));
    QVERIFY(r.err.contains("2 succeeded, 1 failed"));

    // The first try of each answers 503; with one retry every delivery gets through.
    QSet<QByteArray> refusedOnce;
    sink.setAnswer([&refusedOnce](const SinkRequest &req) {
        const QByteArray id = req.header("svix-id");
        if (refusedOnce.contains(id))
            return SinkAnswer {};
        refusedOnce.insert(id);
        return SinkAnswer {503, "later", 0};
    });
    r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                QString::fromLatin1(sink.url()), QStringLiteral("--migration"), QStringLiteral("mig_y"),
                QStringLiteral("--resign-secret"), DevSecret, QStringLiteral("--replay-retries"),
                QStringLiteral("1")});
    QVERIFY2(r.exitCode == 0, r.out.constData());
    QCOMPARE(r.out.count("(2 tries)"), 3);

    // Nobody listening: a clear failure per line.
    sink.close();
    r = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--replay-to"),
                QString::fromLatin1(sink.url()), QStringLiteral("--type"), QStringLiteral("migration.failed"),
                QStringLiteral("--resign-secret"), DevSecret});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.startsWith("FAILED ---") && r.out.contains("refused"), r.out.constData());
}

void TestReplay::replayOptionsAreCheckedAndSecretsHidden()
{
    const QList<QStringList> bad {
        {QStringLiteral("--replay-to"), QStringLiteral("ftp://x/y")},
        {QStringLiteral("--replay-to"), QStringLiteral("http://127.0.0.1:1/"), QStringLiteral("--new-ids")},
        {QStringLiteral("--replay-to"), QStringLiteral("http://127.0.0.1:1/"), QStringLiteral("--since"),
         QStringLiteral("yesterday")},
        {QStringLiteral("--replay-to"), QStringLiteral("http://127.0.0.1:1/"),
         QStringLiteral("--resign-secret"), QStringLiteral("whsec_!!!")},
        {QStringLiteral("--migration"), QStringLiteral("mig_1")},
        {QStringLiteral("--replay-to"), QStringLiteral("http://127.0.0.1:1/"), QStringLiteral("--headless")},
        {QStringLiteral("--replay-to"), QStringLiteral("http://127.0.0.1:1/"),
         QStringLiteral("--replay-retry-on"), QStringLiteral("sometimes")},
        {QStringLiteral("--replay-retry-on"), QStringLiteral("transient")},
        {QStringLiteral("--forward-secret"), DevSecret, QStringLiteral("--headless")},
    };
    for (const QStringList &args : bad) {
        const Run r = runApp(QStringList {QStringLiteral("--data-dir"), dataDir()} + args);
        QVERIFY2(r.exitCode == 2, qPrintable(args.join(u' ')));
        QVERIFY2(r.err.contains("migration-monitor: "), r.err.constData());
        QVERIFY2(!r.err.contains("!!!") && !r.err.contains(DevSecret.toLatin1()),
                 "the secret is not repeated");
    }
    // A forwarding secret never shows in the process listing.
    WebhookSink sink;
    QVERIFY(sink.listen());
    HeadlessProcess app(headless({QStringLiteral("--forward-to"), QString::fromLatin1(sink.url()),
                                  QStringLiteral("--forward-secret"), DevSecret}));
    QVERIFY(app.start() > 0);
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(app.pid()));
    QVERIFY(cmdline.open(QIODevice::ReadOnly));
    const QByteArray listed = cmdline.readAll();
    QVERIFY(listed.contains("--forward-secret"));
    QVERIFY2(!listed.contains(DevSecret.mid(6, 12).toLatin1()), "the secret was blanked in argv");
    QCOMPARE(app.terminate(), 0);
}

void TestReplay::forwardsEachNewDeliveryOnceResigned()
{
    WebhookSink sink;
    QVERIFY(sink.listen());
    HeadlessProcess app(headless({QStringLiteral("--forward-to"), QString::fromLatin1(sink.url()),
                                  QStringLiteral("--forward-secret"), DevSecret}));
    const quint16 port = app.start();
    QVERIFY(port > 0);
    RawClient client(port);
    const QList<QByteArray> bodies {envelope("evt_f1", "migration.created", "mig_f"),
                                    envelope("evt_f2", "migration.started", "mig_f", "WORKING"),
                                    envelope("evt_f3", "migration.completed", "mig_f", "COMPLETE")};
    for (int i = 0; i < bodies.size(); ++i) {
        QCOMPARE(
            client.roundTrip(signedRequest(endpoint(), "msg_f" + QByteArray::number(i), bodies[i])).status,
            200);
    }
    // Svix retrying the first: acknowledged again, but not forwarded again.
    QCOMPARE(client.roundTrip(signedRequest(endpoint(), "msg_f0", bodies[0])).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 3, 15000);
    QSet<QByteArray> ids;
    for (const SinkRequest &req : sink.requests()) {
        ids.insert(req.header("svix-id"));
        QString why;
        QVERIFY2(opensslVerifies(DevSecret, req.header("svix-id"), req.header("svix-timestamp"), req.body,
                                 req.header("svix-signature"), &why),
                 qPrintable(why));
        QVERIFY2(!opensslVerifies(EndpointSecret, req.header("svix-id"), req.header("svix-timestamp"),
                                  req.body, req.header("svix-signature")),
                 "re-signed with the forwarding secret, not the endpoint's");
    }
    QCOMPARE(ids, (QSet<QByteArray> {"msg_f0", "msg_f1", "msg_f2"}));
    QTRY_VERIFY_WITH_TIMEOUT(app.log().count(QLatin1String("forward delivered")) == 3, 10000);
    QCOMPARE(app.terminate(), 0);
    QCOMPARE(sink.requests().size(), 3);
    QCOMPARE(
        countRows(dataDir(), QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'delivered'")),
        3);
}

void TestReplay::forwardWithoutASecretKeepsTheIdAndSignsAfresh()
{
    WebhookSink sink;
    QVERIFY(sink.listen());
    HeadlessProcess app(headless({QStringLiteral("--forward-to"), QString::fromLatin1(sink.url())}));
    const quint16 port = app.start();
    QVERIFY(port > 0);
    RawClient client(port);
    const QByteArray body = envelope("evt_k", "migration.created", "mig_k");
    const QByteArray request = signedRequest(endpoint(), "msg_keep", body);
    QCOMPARE(client.roundTrip(request).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), 1, 15000);
    const SinkRequest &req = sink.requests()[0];
    QCOMPARE(req.header("svix-id"), QByteArray("msg_keep"));
    // Signed at the time of the try with the endpoint secret that verified it (its original
    // signature would be refused once 5 minutes old: a retry, a restart).
    QVERIFY(qAbs(req.header("svix-timestamp").toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
    QVERIFY(opensslVerifies(EndpointSecret, "msg_keep", req.header("svix-timestamp"), body,
                            req.header("svix-signature")));
    QCOMPARE(req.header("user-agent"), QByteArray("Migration-Monitor-Forward/" MM_VERSION));
    QCOMPARE(app.terminate(), 0);
}

void TestReplay::forwardQueueSurvivesAnOutageAndARestart()
{
    // A port nobody listens on yet: the downstream is down.
    quint16 downstreamPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        downstreamPort = probe.serverPort();
    }
    const QString target = QStringLiteral("http://127.0.0.1:%1/hook").arg(downstreamPort);
    constexpr int Count = 20;
    {
        HeadlessProcess app(headless(
            {QStringLiteral("--forward-to"), target, QStringLiteral("--forward-secret"), DevSecret}));
        const quint16 port = app.start();
        QVERIFY(port > 0);
        RawClient client(port);
        for (int i = 0; i < Count; ++i) {
            const QByteArray body = envelope("evt_o" + QByteArray::number(i), "migration.created",
                                             "mig_o" + QByteArray::number(i));
            // Acknowledged at once although the downstream is down.
            QCOMPARE(
                client.roundTrip(signedRequest(endpoint(), "msg_o" + QByteArray::number(i), body)).status,
                200);
        }
        // Each has been tried and refused at least once before the app stops.
        QTRY_VERIFY_WITH_TIMEOUT(app.log().count(QLatin1String("forward pending")) >= Count, 15000);
        QCOMPARE(app.terminate(), 0);
    }
    QCOMPARE(countRows(dataDir(),
                       QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'pending' AND "
                                      "tries >= 1 AND last_error IS NOT NULL")),
             Count);

    WebhookSink sink;
    QVERIFY(sink.listen(downstreamPort));
    {
        HeadlessProcess app(headless(
            {QStringLiteral("--forward-to"), target, QStringLiteral("--forward-secret"), DevSecret}));
        QVERIFY(app.start() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(sink.requests().size(), Count, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            countRows(dataDir(),
                      QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'delivered'")),
            qint64(Count), 10000);
        QCOMPARE(app.terminate(), 0);
    }
    // Exactly once: every id arrived, none twice, each with a valid signature.
    QCOMPARE(sink.requests().size(), Count);
    QSet<QByteArray> ids;
    for (const SinkRequest &req : sink.requests()) {
        ids.insert(req.header("svix-id"));
        QVERIFY(opensslVerifies(DevSecret, req.header("svix-id"), req.header("svix-timestamp"), req.body,
                                req.header("svix-signature")));
    }
    QCOMPARE(ids.size(), Count);
}

void TestReplay::exportImportExportIsByteExact()
{
    // Bodies a round trip could bend: unicode, a byte-order mark, bytes that are not UTF-8,
    // an unquoted "created", spaces and newlines.
    const QList<QByteArray> bodies {
        envelope("evt_a", "migration.created", "mig_rt"),
        QByteArray(
            R"({"id":"evt_b","type":"migration.started","data":{"migration_id":"mig_rt","note":"naïve ☃ 𝄞"}})"),
        QByteArray("\xEF\xBB\xBF{\"id\":\"evt_c\",\"type\":\"x\"}"),
        QByteArray("\xFF\xFE not utf-8 \x80\x81"),
        QByteArray("{\"id\":\"evt_d\",\"created\":2025-06-18T00:50:40.301173,\n  "
                   "\"type\":\"migration.completed\"}\n"),
    };
    QCOMPARE(receiveLive(bodies).size(), bodies.size());
    const Run first
        = runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--export"), QStringLiteral("-")});
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out.count('\n'), bodies.size());

    const QString copyDir = m_dir->filePath(QStringLiteral("copy"));
    const QString file = m_dir->filePath(QStringLiteral("export.jsonl"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(first.out);
    f.close();
    Run r = runApp({QStringLiteral("--data-dir"), copyDir, QStringLiteral("--import"), file});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("imported 5 deliveries, 0 already stored"), r.err.constData());
    const Run second
        = runApp({QStringLiteral("--data-dir"), copyDir, QStringLiteral("--export"), QStringLiteral("-")});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out, first.out);

    // Importing again adds nothing; a bad line is reported with its number and fails the command.
    QVERIFY(f.open(QIODevice::Append));
    f.write("{\"msg_id\":\"msg_bad\"}\nnot json\n");
    f.close();
    r = runApp({QStringLiteral("--data-dir"), copyDir, QStringLiteral("--import"), file});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("imported 0 deliveries, 5 already stored, 2 unreadable lines"),
             r.err.constData());
    QVERIFY2(r.err.contains("line 6: neither body nor body_base64") && r.err.contains("line 7: not JSON"),
             r.err.constData());
    const Run third
        = runApp({QStringLiteral("--data-dir"), copyDir, QStringLiteral("--export"), QStringLiteral("-")});
    QCOMPARE(third.out, first.out);
}

void TestReplay::harExportIsValidAndHoldsNoSecrets()
{
    const auto sent
        = receiveLive({envelope("evt_h1", "migration.created", "mig_h"), QByteArray("\x01\x02\xFF")});
    QCOMPARE(sent.size(), 2);
    const Run r = runApp(
        {QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--export-har"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject log = doc.object().value(QStringLiteral("log")).toObject();
    QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
    QCOMPARE(log.value(QStringLiteral("creator")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Migration Monitor"));
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 2);
    const QJsonObject request = entries[0].toObject().value(QStringLiteral("request")).toObject();
    QCOMPARE(request.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
    QVERIFY(request.value(QStringLiteral("url")).toString().startsWith(QLatin1String("http://127.0.0.1:")));
    QCOMPARE(request.value(QStringLiteral("postData"))
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString()
                 .toUtf8(),
             sent[0].second);
    bool sawSignature = false;
    for (const QJsonValue &h : request.value(QStringLiteral("headers")).toArray()) {
        if (h.toObject().value(QStringLiteral("name")).toString() == QLatin1String("svix-signature")) {
            sawSignature = true;
            QCOMPARE(h.toObject().value(QStringLiteral("value")).toString(), QStringLiteral("v1,[masked]"));
        }
    }
    QVERIFY(sawSignature);
    const QJsonObject binary = entries[1]
                                   .toObject()
                                   .value(QStringLiteral("request"))
                                   .toObject()
                                   .value(QStringLiteral("postData"))
                                   .toObject();
    QCOMPARE(binary.value(QStringLiteral("encoding")).toString(), QStringLiteral("base64"));
    QCOMPARE(QByteArray::fromBase64(binary.value(QStringLiteral("text")).toString().toLatin1()),
             sent[1].second);
    // Neither the secret nor any signature value is in the file.
    const QByteArray key = EndpointSecret.mid(6).toLatin1();
    QVERIFY(!r.out.contains(key));
    // Written to a file, owner-only, with the same content.
    const QString harFile = m_dir->filePath(QStringLiteral("deliveries.har"));
    QCOMPARE(
        runApp({QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--export-har"), harFile}).exitCode,
        0);
    const QFileDevice::Permissions perms = QFile::permissions(harFile);
    QVERIFY(perms.testFlag(QFileDevice::ReadOwner) && perms.testFlag(QFileDevice::WriteOwner));
    QVERIFY2(!(perms
               & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                  | QFileDevice::WriteOther)),
             "nobody but the owner can read the export");
    QFile har(harFile);
    QVERIFY(har.open(QIODevice::ReadOnly));
    QCOMPARE(har.readAll(), r.out);
    static const QRegularExpression signatureValue(QStringLiteral("v1,[A-Za-z0-9+/]{43}="));
    QVERIFY(!signatureValue.match(QString::fromUtf8(r.out)).hasMatch());
}

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
