// SPDX-License-Identifier: GPL-3.0-or-later
// The receiver in-process over real loopback sockets: every answer code, store before
// acknowledge, and hostile clients. The receiver and store run on their own threads;
// the test talks to them with blocking sockets.
#include "helperverify.h"
#include "receiver/receiverhost.h"
#include "store/database.h"
#include "store/jsonlexporter.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testhttp.h"
#include "testsecret.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

class TestReceiver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void acceptsStoresAndDeduplicates();
    void svixTestingTabPingIsStoredAsAPing();
    void rejectsBadSignaturesWithoutLeaking();
    void answersProtocolErrors_data();
    void answersProtocolErrors();
    void oversizedContentLengthIsRefusedWithoutTheBody();
    void chunkedBodyOverTheLimitIsRefused();
    void expectContinueIsAnswered();
    void connectionCloseIsHonoured();
    void keepAliveAndPipelining();
    void unparseableBodiesAreStoredRaw_data();
    void unparseableBodiesAreStoredRaw();
    void lockedStoreAnswers503AndRecovers();
    void disconnectBeforeTheAnswerIsSurvived();
    void slowClientDoesNotHoldUpOthers();
    void slowAndIdleClientsAreDropped();
    void connectionCapAnswers503();
    void portInUseIsAClearError();

private:
    [[nodiscard]] bool startReceiver(ReceiverConfig config = {});
    QList<QJsonObject> exported();
    quint16 port() const { return quint16(m_host->url().port()); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ReceiverHost> m_host;
    std::optional<SigningSecret> m_secret;
};

void TestReceiver::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_secret = SigningSecret::parse(TestSecretText);
    QVERIFY(m_secret);
}

void TestReceiver::cleanup()
{
    if (m_host)
        m_host->stop();
    m_host.reset();
    if (m_store)
        m_store->stop();
    m_store.reset();
    m_dir.reset();
}

bool TestReceiver::startReceiver(ReceiverConfig config)
{
    // Both ways of committing are tested: on the receiver thread (the default in the app)
    // and on a writer thread of its own (MM_STORE_THREAD=1, the second ctest entry).
    const bool storeThread = qEnvironmentVariableIntValue("MM_STORE_THREAD") != 0;
    m_store = std::make_unique<Store>(Store::Options {m_dir->path(), Durability::Power, 10000, !storeThread});
    QString error;
    MM_HELPER_VERIFY2(m_store->start(&error), qPrintable(error));
    config.port = 0;
    if (config.secrets.isEmpty())
        config.secrets = {*m_secret};
    m_host = std::make_unique<ReceiverHost>();
    MM_HELPER_VERIFY2(m_host->start(config, &m_store->writer(), &error), qPrintable(error));
    MM_HELPER_VERIFY(port() > 0);
    return true;
}

QList<QJsonObject> TestReceiver::exported()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    const qint64 n = JsonlExporter::exportStore(*m_store, buffer, &error);
    if (n < 0)
        qWarning("export failed: %s", qPrintable(error));
    QList<QJsonObject> lines;
    for (const QByteArray &line : buffer.data().split('\n')) {
        if (!line.isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

// Svix's "Send example" for svix.ping posts {"success": true}, with no type and no id: it is
// stored and shown as a ping, and the log says so.
void TestReceiver::svixTestingTabPingIsStoredAsAPing()
{
    QVERIFY(startReceiver());
    QSignalSpy handled(m_host.get(), &ReceiverHost::handled);
    RawClient client(port());
    const HttpResponse r = client.roundTrip(signedRequest(*m_secret, "msg_ping", R"({"success": true})"));
    QCOMPARE(r.status, 200);
    const QList<QJsonObject> rows = exported();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].value(QLatin1String("type")).toString(), QStringLiteral("svix.ping"));
    QCOMPARE(rows[0].value(QLatin1String("body")).toString(), QStringLiteral(R"({"success": true})"));
    QTRY_VERIFY(!handled.isEmpty());
    const auto entries = handled.first().first().value<QList<DeliveryLogEntry>>();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().type, QStringLiteral("svix.ping"));
}

void TestReceiver::acceptsStoresAndDeduplicates()
{
    QVERIFY(startReceiver());
    RawClient client(port());
    const QByteArray body = envelope("evt_1", "migration.started", "mig_1");
    HttpResponse r = client.roundTrip(signedRequest(*m_secret, "msg_1", body));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("stored\n"));
    // Svix re-sends with a fresh timestamp and the same id.
    r = client.roundTrip(signedRequest(*m_secret, "msg_1", body, QDateTime::currentSecsSinceEpoch() + 2));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("duplicate\n"));
    r = client.roundTrip(
        signedRequest(*m_secret, "msg_2", envelope("evt_2", "migration.completed", "mig_1", "COMPLETE")));
    QCOMPARE(r.status, 200);

    // The 2xx came after COMMIT, so the rows are there now, without waiting.
    const QList<QJsonObject> rows = exported();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].value(QLatin1String("msg_id")).toString(), QStringLiteral("msg_1"));
    QCOMPARE(rows[0].value(QLatin1String("attempts")).toInt(), 2);
    QCOMPARE(rows[0].value(QLatin1String("type")).toString(), QStringLiteral("migration.started"));
    QCOMPARE(rows[0].value(QLatin1String("migration_id")).toString(), QStringLiteral("mig_1"));
    QCOMPARE(rows[0].value(QLatin1String("body")).toString().toUtf8(), body);
    QCOMPARE(rows[0].value(QLatin1String("parsed")).toBool(), true);
    QCOMPARE(rows[1].value(QLatin1String("attempts")).toInt(), 1);
}

void TestReceiver::rejectsBadSignaturesWithoutLeaking()
{
    QVERIFY(startReceiver());
    RawClient client(port());
    const QByteArray body = envelope("evt_1", "migration.started", "mig_1");
    const auto wrong = SigningSecret::parse(OtherTestSecretText);
    QByteArray request = signedRequest(*wrong, "msg_bad", body);
    const QByteArray sentSignature
        = wrong->signature("msg_bad", request.mid(request.indexOf("svix-timestamp: ") + 16, 10), body);
    HttpResponse r = client.roundTrip(request);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.count('\n'), 1);
    QVERIFY(r.body.startsWith("No matching signature"));
    QVERIFY(!r.body.contains("MfKQ9r8G"));
    QVERIFY(!r.body.contains(sentSignature.mid(3, 12)));

    r = client.roundTrip(signedRequest(*m_secret, "msg_old", body, QDateTime::currentSecsSinceEpoch() - 412));
    QCOMPARE(r.status, 401);
    QVERIFY2(r.body.contains("412 s old"), r.body.constData());

    QByteArray unsigned_ = "POST /webhooks HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
    r = client.roundTrip(unsigned_);
    QCOMPARE(r.status, 401);
    QVERIFY(r.body.contains("svix-id"));
    QVERIFY(exported().isEmpty());

    // The rejection journal keeps the headers with signature values masked.
    m_host->stop();
    m_store->stop();
    {
        auto db = Database::openExisting(m_dir->path(), QStringLiteral("check"), nullptr);
        QVERIFY(db);
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("SELECT reason_code, headers, msg_id FROM rejections ORDER BY id")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("no_matching_signature"));
        QVERIFY(q.value(1).toString().contains(QLatin1String("v1,[masked]")));
        QVERIFY(!q.value(1).toString().contains(QString::fromLatin1(sentSignature.mid(3, 12))));
        QCOMPARE(q.value(2).toString(), QStringLiteral("msg_bad"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("timestamp_too_old"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("missing_headers"));
    }
    Database::close(QStringLiteral("check"));
}

void TestReceiver::answersProtocolErrors_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addRow("garbage bytes") << QByteArray("\x01\x02\x03 garbage\r\n\r\n") << 400;
    QTest::addRow("no version") << QByteArray("POST /webhooks\r\n\r\n") << 400;
    QTest::addRow("bad content-length")
        << QByteArray("POST /webhooks HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << 400;
    QTest::addRow("smuggling: CL and TE") << QByteArray(
        "POST /webhooks HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                          << 400;
    QTest::addRow("unknown path") << QByteArray("POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << 404;
    QTest::addRow("GET") << QByteArray("GET /webhooks HTTP/1.1\r\n\r\n") << 405;
    QTest::addRow("PUT") << QByteArray("PUT /webhooks HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << 405;
    QTest::addRow("huge header line")
        << (QByteArray("POST /webhooks HTTP/1.1\r\nX-Big: ") + QByteArray(1024 * 1024, 'a') + "\r\n\r\n")
        << 431;
    QTest::addRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505;
}

void TestReceiver::answersProtocolErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QVERIFY(startReceiver());
    {
        RawClient client(port());
        const HttpResponse r = client.roundTrip(request);
        QCOMPARE(r.status, status);
    }
    // Whatever came before, the next valid delivery is accepted.
    RawClient client(port());
    QCOMPARE(client.roundTrip(signedRequest(*m_secret, "msg_after", envelope("e", "migration.created", "m")))
                 .status,
             200);
}

void TestReceiver::oversizedContentLengthIsRefusedWithoutTheBody()
{
    ReceiverConfig config;
    config.limits.framer.maxBodyBytes = 1024;
    QVERIFY(startReceiver(config));
    RawClient client(port());
    // The body never comes: the answer must not wait for it.
    const HttpResponse r
        = client.roundTrip("POST /webhooks HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 2000);
    QCOMPARE(r.status, 413);
    QVERIFY(client.waitClosed(5000));
    QCOMPARE(r.header("connection"), QByteArray("close"));
}

void TestReceiver::chunkedBodyOverTheLimitIsRefused()
{
    ReceiverConfig config;
    config.limits.framer.maxBodyBytes = 1024;
    QVERIFY(startReceiver(config));
    RawClient client(port());
    QByteArray request = "POST /webhooks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 5; ++i)
        request += "200\r\n" + QByteArray(0x200, 'a') + "\r\n";
    QCOMPARE(client.roundTrip(request).status, 413);
}

void TestReceiver::expectContinueIsAnswered()
{
    QVERIFY(startReceiver());
    RawClient client(port());
    const QByteArray body = envelope("evt_c", "migration.created", "mig_c");
    const QByteArray full
        = signedRequest(*m_secret, "msg_c", body, 0, "/webhooks", "Expect: 100-continue\r\n");
    const QByteArray head = full.left(full.indexOf("\r\n\r\n") + 4);
    client.send(head);
    QVERIFY(client.socket().waitForReadyRead(2000));
    QVERIFY(client.socket().readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    QCOMPARE(client.roundTrip(full.mid(head.size())).status, 200);
}

void TestReceiver::connectionCloseIsHonoured()
{
    QVERIFY(startReceiver());
    RawClient client(port());
    const HttpResponse r
        = client.roundTrip(signedRequest(*m_secret, "msg_cc", envelope("e", "migration.created", "m"), 0,
                                         "/webhooks", "Connection: close\r\n"));
    QCOMPARE(r.status, 200);
    QVERIFY(client.waitClosed(3000));
}

void TestReceiver::keepAliveAndPipelining()
{
    QVERIFY(startReceiver());
    RawClient client(port());
    for (int i = 0; i < 50; ++i) {
        const QByteArray id = "msg_ka_" + QByteArray::number(i);
        QCOMPARE(
            client.roundTrip(signedRequest(*m_secret, id, envelope(id, "migration.created", "m"))).status,
            200);
    }
    // Three requests in one write: three answers, in order, the middle one refused.
    QByteArray three = signedRequest(*m_secret, "msg_p1", envelope("p1", "migration.created", "m"))
        + signedRequest(*m_secret, "msg_p2", "{}", QDateTime::currentSecsSinceEpoch() - 1000)
        + signedRequest(*m_secret, "msg_p3", envelope("p3", "migration.created", "m"));
    client.send(three);
    QCOMPARE(client.read().status, 200);
    QCOMPARE(client.read().status, 401);
    const HttpResponse third = client.read();
    QCOMPARE(third.status, 200);
    QCOMPARE(third.body, QByteArray("stored\n"));
    QCOMPARE(exported().size(), 52);
}

void TestReceiver::unparseableBodiesAreStoredRaw_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("parsed");
    QTest::addColumn<bool>("utf8");
    QTest::addRow("empty") << QByteArray() << false << true;
    QTest::addRow("not JSON") << QByteArray("hello, world") << false << true;
    QTest::addRow("not UTF-8") << QByteArray("\xff\xfe{\x80}", 5) << false << false;
    QTest::addRow("JSON array") << QByteArray("[1,2,3]") << false << true;
    QTest::addRow("vendor's unquoted created") << QByteArray(
        R"({"id":"evt_q","object":"event","created": 2025-06-18T00:50:40.301173,"type":"migration.created","data":{"migration_id":"mig_q"}})")
                                               << true << true;
}

void TestReceiver::unparseableBodiesAreStoredRaw()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, parsed);
    QFETCH(bool, utf8);
    QVERIFY(startReceiver());
    RawClient client(port());
    QCOMPARE(client.roundTrip(signedRequest(*m_secret, "msg_raw", body)).status, 200);
    const QList<QJsonObject> rows = exported();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].value(QLatin1String("parsed")).toBool(), parsed);
    if (utf8)
        QCOMPARE(rows[0].value(QLatin1String("body")).toString().toUtf8(), body);
    else
        QCOMPARE(QByteArray::fromBase64(rows[0].value(QLatin1String("body_base64")).toString().toLatin1()),
                 body);
    if (parsed) {
        QCOMPARE(rows[0].value(QLatin1String("created")).toString(),
                 QStringLiteral("2025-06-18T00:50:40.301173Z"));
        QCOMPARE(rows[0].value(QLatin1String("migration_id")).toString(), QStringLiteral("mig_q"));
    }
}

void TestReceiver::lockedStoreAnswers503AndRecovers()
{
    QVERIFY(startReceiver());
    const QString blockerName = QStringLiteral("blocker");
    {
        auto blocker = Database::openExisting(m_dir->path(), blockerName, nullptr);
        QVERIFY(blocker);
        QSqlQuery q(*blocker);
        QVERIFY2(q.exec(QStringLiteral("BEGIN IMMEDIATE")), qPrintable(q.lastError().text()));

        RawClient client(port());
        const QByteArray body = envelope("evt_l", "migration.failed", "mig_l", "FAILED");
        HttpResponse r = client.roundTrip(signedRequest(*m_secret, "msg_locked", body), 10000);
        QCOMPARE(r.status, 503);
        QVERIFY(!r.header("retry-after").isEmpty());

        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        // The sender's retry now succeeds, and nothing was half-stored before.
        r = client.roundTrip(signedRequest(*m_secret, "msg_locked", body), 10000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("stored\n"));
    }
    Database::close(blockerName);
    const QList<QJsonObject> rows = exported();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].value(QLatin1String("attempts")).toInt(), 1);
}

void TestReceiver::disconnectBeforeTheAnswerIsSurvived()
{
    QVERIFY(startReceiver());
    const QString blockerName = QStringLiteral("blocker2");
    {
        // Hold the store so every answer is deferred while its client goes away.
        auto blocker = Database::openExisting(m_dir->path(), blockerName, nullptr);
        QVERIFY(blocker);
        QSqlQuery q(*blocker);
        QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
        for (int i = 0; i < 40; ++i) {
            RawClient client(port());
            client.send(signedRequest(*m_secret, "msg_gone_" + QByteArray::number(i),
                                      envelope("g", "migration.created", "m")));
            client.socket().abort();
        }
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
    }
    Database::close(blockerName);
    RawClient client(port());
    QCOMPARE(
        client
            .roundTrip(signedRequest(*m_secret, "msg_alive", envelope("a", "migration.created", "m")), 10000)
            .status,
        200);
}

void TestReceiver::slowClientDoesNotHoldUpOthers()
{
    // The default request timeout (10 s) cannot end the slow request while this runs.
    QVERIFY(startReceiver());
    const QByteArray slowRequest
        = signedRequest(*m_secret, "msg_slow", envelope("s", "migration.created", "m"));
    const qsizetype half = slowRequest.indexOf("\r\n\r\n") + 10;
    RawClient slow(port());
    slow.send(slowRequest.left(half));

    // A valid delivery on another connection is answered while the slow request is half sent,
    // and the slow connection has had no answer meanwhile.
    RawClient good(port());
    QCOMPARE(
        good.roundTrip(signedRequest(*m_secret, "msg_fast", envelope("f", "migration.created", "m"))).status,
        200);
    QVERIFY(slow.connected());
    QCOMPARE(slow.socket().bytesAvailable(), 0);

    // The slow request was kept, not dropped: its end completes it, and it is stored after the fast one.
    slow.send(slowRequest.mid(half));
    const HttpResponse r = slow.read(5000);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("stored\n"));
    const QList<QJsonObject> rows = exported();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].value(QLatin1String("msg_id")).toString(), QStringLiteral("msg_fast"));
    QCOMPARE(rows[1].value(QLatin1String("msg_id")).toString(), QStringLiteral("msg_slow"));
}

void TestReceiver::slowAndIdleClientsAreDropped()
{
    ReceiverConfig config;
    config.limits.requestTimeout = std::chrono::milliseconds(600);
    config.limits.idleTimeout = std::chrono::milliseconds(600);
    QVERIFY(startReceiver(config));

    RawClient slow(port());
    slow.send("POST /webhooks HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part");
    RawClient idle(port());
    QVERIFY(idle.connected());

    // A valid delivery is answered while the slow one dawdles (slowClientDoesNotHoldUpOthers
    // shows the order without a short timeout in the way).
    RawClient good(port());
    QCOMPARE(
        good.roundTrip(signedRequest(*m_secret, "msg_fast", envelope("f", "migration.created", "m"))).status,
        200);

    QCOMPARE(slow.read(5000).status, 408);
    QVERIFY(slow.waitClosed(5000));
    QVERIFY(idle.waitClosed(5000));
}

void TestReceiver::connectionCapAnswers503()
{
    ReceiverConfig config;
    config.limits.maxConnections = 4;
    QVERIFY(startReceiver(config));
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<RawClient>(port()));
        // A round trip proves the guard has taken the connection.
        QCOMPARE(held.back()->roundTrip("GET /webhooks HTTP/1.1\r\n\r\n").status, 405);
    }
    RawClient extra(port());
    QCOMPARE(extra.read(3000).status, 503);
    held.clear();
    // Once they are gone, new clients are served again.
    QTRY_VERIFY_WITH_TIMEOUT(
        RawClient(port()).roundTrip("GET /webhooks HTTP/1.1\r\n\r\n", 1000).status == 405, 5000);
}

void TestReceiver::portInUseIsAClearError()
{
    QVERIFY(startReceiver());
    ReceiverConfig config;
    config.port = port();
    config.secrets = {*m_secret};
    ReceiverHost second;
    QString error;
    QVERIFY(!second.start(config, &m_store->writer(), &error));
    QVERIFY2(error.contains(QLatin1String("already in use")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
