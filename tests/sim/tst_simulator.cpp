// SPDX-License-Identifier: GPL-3.0-or-later
// The simulator against a real loopback HTTP server: Svix headers and signatures, re-signing on
// retry, the retry schedule, duplicates, the ack log, ordering, bad signatures and HTTP framing.
#include "fakereceiver.h"
#include "sim/simulator.h"
#include "testsecret.h"
#include "verify/verifier.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <limits>

using namespace mm;
using namespace mm::sim;

namespace {

SigningSecret testSecret()
{
    return *SigningSecret::parse(mm::test::TestSecretText);
}

SimOptions optionsFor(const FakeReceiver &receiver)
{
    SimOptions o;
    o.target = receiver.url();
    o.secrets = {testSecret()};
    o.seed = 1234;
    o.retryScale = 0.0001;
    o.requestTimeoutMs = 5000;
    return o;
}

// Runs until finished() or the timeout. QSignalSpy::wait spins a real event loop, so both ends
// run at full speed (QTest::qWaitFor would nap 10 ms between rounds).
bool runToEnd(Simulator &simulator, int timeoutMs = 20'000)
{
    QSignalSpy finished(&simulator, &Simulator::finished);
    if (!simulator.start()) {
        qWarning("start failed: %s", qPrintable(simulator.errorString()));
        return false;
    }
    return finished.wait(timeoutMs) && finished.count() == 1 && !simulator.isRunning();
}

Verdict verify(const Verifier &verifier, const ReceivedRequest &request)
{
    return verifier.verify(
        [&request](QByteArrayView name) { return request.headers.value(name.toByteArray()); }, request.body);
}

bool verifies(const ReceivedRequest &request)
{
    static const Verifier verifier({testSecret()});
    return verify(verifier, request).accepted();
}

QJsonObject json(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

// Position of an event type in a lifecycle; task failures share one rank.
int rank(const QString &type)
{
    if (type == u"migration.created")
        return 0;
    if (type == u"migration.started")
        return 1;
    if (type == u"migration_task.failed")
        return 2;
    return 3;
}

// Migrations whose events arrived in a different order from the lifecycle.
int migrationsOutOfOrder(const QList<ReceivedRequest> &requests)
{
    QHash<QString, int> lastRank;
    QSet<QString> disordered;
    for (const ReceivedRequest &r : requests) {
        const QJsonObject root = json(r.body);
        const QString migration = root.value(u"data").toObject().value(u"migration_id").toString();
        if (migration.isEmpty())
            continue;
        const int current = rank(root.value(u"type").toString());
        if (lastRank.contains(migration) && current < lastRank.value(migration))
            disordered.insert(migration);
        lastRank[migration] = qMax(current, lastRank.value(migration, 0));
    }
    return int(disordered.size());
}
} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deliveriesCarrySvixHeadersAndVerify();
    void retriesAreResignedWithAFreshTimestamp();
    void failsTwiceThenSucceedsInThreeAttempts();
    void givesUpAfterMaxAttempts_data();
    void givesUpAfterMaxAttempts();
    void connectionRefusedCountsAsFailure();
    void noAnswerTimesOut();
    void duplicatesResendTheSameIdAndBody();
    void ackLogHoldsExactlyTheAcknowledgedIds();
    void outOfOrderReorders();
    void inOrderKeepsEachLifecycleInOrder();
    void badSignaturesFailVerification_data();
    void badSignaturesFailVerification();
    void acceptingBadSignaturesIsReported();
    void responseFraming_data();
    void responseFraming();
    void concurrencyOpensThatManyKeepAliveConnections();
    void eventsCapAndPings();
    void seedQuirkIsSignedAsSent();
    void rateLimitsSending();
    void continuousRunsUntilStopped();
    void pacedRunSpreadsLifecyclesOverRealTime();
    void stoppingAFiniteRunIsAnInterruption();
    void invalidOptionsAreRejected();
    void retryWaitFollowsSvix_data();
    void retryWaitFollowsSvix();
    void retryDelaysAreJittered();
    void retryAfterIsObeyed_data();
    void retryAfterIsObeyed();
    void waitsAMinuteAfterATimeout();
    void rotationSignsWithBothSecrets();
    void unbrandedShareUsesWebhookHeaders();
};

void TestSimulator::deliveriesCarrySvixHeadersAndVerify()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.target = receiver.url(QStringLiteral("/hooks/anon?tenant=a%20b"));
    o.migrations = 20;
    o.pings = 2;
    Simulator simulator(o);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QVERIFY(runToEnd(simulator));

    QVERIFY(receiver.requests.size() >= 62);
    QSet<QByteArray> ids;
    for (const ReceivedRequest &r : receiver.requests) {
        QCOMPARE(r.method, QByteArrayLiteral("POST"));
        QCOMPARE(r.path, QByteArrayLiteral("/hooks/anon?tenant=a%20b"));
        QCOMPARE(r.header("content-type"), QByteArrayLiteral("application/json"));
        QCOMPARE(r.header("user-agent"), RequestBuilder::UserAgent.toByteArray());
        QCOMPARE(r.header("accept"), QByteArrayLiteral("*/*"));
        QCOMPARE(r.header("host"), QByteArray("127.0.0.1:" + QByteArray::number(receiver.port())));
        QCOMPARE(r.header("content-length").toLongLong(), r.body.size());
        QVERIFY(r.header("svix-id").startsWith("msg_"));
        QVERIFY(r.header("svix-signature").startsWith("v1,"));
        QVERIFY2(verifies(r), r.header("svix-id").constData());
        QVERIFY(!json(r.body).isEmpty());
        ids.insert(r.header("svix-id"));
    }
    QCOMPARE(ids.size(), receiver.requests.size());
    QCOMPARE(delivered.count(), receiver.requests.size());

    const SimSummary s = simulator.summary();
    QCOMPARE(s.sent, receiver.requests.size());
    QCOMPARE(s.acknowledged, ids.size());
    QCOMPARE(s.retried, 0);
    QCOMPARE(s.failed, 0);
    QVERIFY(s.success());
    QVERIFY(s.elapsedSeconds > 0);
    QVERIFY(s.p50Ms > 0 && s.p99Ms >= s.p50Ms);
    QVERIFY(s.toText().contains(u"acknowledged:"));
}

void TestSimulator::retriesAreResignedWithAFreshTimestamp()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    QSet<QByteArray> seen;
    receiver.respond = [&seen](const ReceivedRequest &r) {
        const QByteArray id = r.header("svix-id");
        const bool first = !seen.contains(id);
        seen.insert(id);
        return first ? 500 : 200;
    };
    SimOptions o = optionsFor(receiver);
    o.migrations = 3;
    // Each signing reads the clock; a clock that moves every call proves a fresh signature
    // per attempt without waiting a real second between them.
    auto tick = std::make_shared<qint64>(QDateTime::currentSecsSinceEpoch() - 100);
    o.signingClock = [tick] { return ++*tick; };
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    const auto byId = receiver.byId();
    QVERIFY(byId.size() >= 9);
    const Verifier verifier({testSecret()});
    for (auto it = byId.cbegin(); it != byId.cend(); ++it) {
        const QList<ReceivedRequest> &attempts = it.value();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts.at(1).body, attempts.at(0).body);
        QCOMPARE(attempts.at(1).header("svix-id"), attempts.at(0).header("svix-id"));
        QVERIFY(attempts.at(1).header("svix-timestamp").toLongLong()
                > attempts.at(0).header("svix-timestamp").toLongLong());
        QVERIFY(attempts.at(1).header("svix-signature") != attempts.at(0).header("svix-signature"));
        QVERIFY(verify(verifier, attempts.at(0)).accepted());
        QVERIFY(verify(verifier, attempts.at(1)).accepted());
    }
    const SimSummary s = simulator.summary();
    QCOMPARE(s.retried, byId.size());
    QCOMPARE(s.acknowledged, byId.size());
    QVERIFY(s.success());
}

void TestSimulator::failsTwiceThenSucceedsInThreeAttempts()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    int calls = 0;
    receiver.respond = [&calls](const ReceivedRequest &) { return ++calls <= 2 ? 500 : 200; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 1;
    o.retryScale = 0.001; // 5 s → 5 ms, 5 min → 300 ms
    Simulator simulator(o);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QVERIFY(runToEnd(simulator));

    QCOMPARE(receiver.requests.size(), 3);
    QCOMPARE(delivered.count(), 3);
    QCOMPARE(delivered.at(0).at(1).toInt(), 500);
    QCOMPARE(delivered.at(1).at(1).toInt(), 500);
    QCOMPARE(delivered.at(2).at(1).toInt(), 200);
    // The schedule's delays less Svix's 20 % jitter are lower bounds on the gaps (scaled 5 s and
    // 5 min).
    const qint64 gap1 = receiver.requests.at(1).atNs - receiver.requests.at(0).atNs;
    const qint64 gap2 = receiver.requests.at(2).atNs - receiver.requests.at(1).atNs;
    QVERIFY2(gap1 >= 3'500'000, qPrintable(QString::number(gap1)));
    QVERIFY2(gap2 >= 235'000'000, qPrintable(QString::number(gap2)));

    const SimSummary s = simulator.summary();
    QCOMPARE(s.sent, 3);
    QCOMPARE(s.retried, 2);
    QCOMPARE(s.acknowledged, 1);
    QCOMPARE(s.failed, 0);
    QVERIFY(s.success());
}

void TestSimulator::givesUpAfterMaxAttempts_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("maxAttempts");
    QTest::addRow("503") << 503 << 3;
    QTest::addRow("redirect is a failure") << 302 << 2;
    QTest::addRow("single attempt") << 400 << 1;
}

void TestSimulator::givesUpAfterMaxAttempts()
{
    QFETCH(int, status);
    QFETCH(int, maxAttempts);
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [status](const ReceivedRequest &) { return status; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 2;
    o.maxAttempts = maxAttempts;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    QCOMPARE(receiver.requests.size(), 2 * maxAttempts);
    for (const QList<ReceivedRequest> &attempts : receiver.byId())
        QCOMPARE(attempts.size(), maxAttempts);
    const SimSummary s = simulator.summary();
    QCOMPARE(s.failed, 2);
    QCOMPARE(s.acknowledged, 0);
    QCOMPARE(s.retried, 2 * (maxAttempts - 1));
    QVERIFY(!s.success());
}

void TestSimulator::connectionRefusedCountsAsFailure()
{
    quint16 port;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    } // closed: nothing listens there now
    SimOptions o;
    o.target = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port));
    o.secrets = {testSecret()};
    o.migrations = 0;
    o.pings = 3;
    o.maxAttempts = 2;
    o.retryScale = 0.0001;
    Simulator simulator(o);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QVERIFY(runToEnd(simulator));

    QCOMPARE(delivered.count(), 6);
    for (const QList<QVariant> &args : delivered)
        QCOMPARE(args.at(1).toInt(), 0);
    const SimSummary s = simulator.summary();
    QCOMPARE(s.sent, 6);
    QCOMPARE(s.failed, 3);
    QVERIFY(!s.success());
}

void TestSimulator::noAnswerTimesOut()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [](const ReceivedRequest &) { return -1; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 1;
    o.maxAttempts = 1;
    o.requestTimeoutMs = 300;
    Simulator simulator(o);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QVERIFY(runToEnd(simulator, 10'000));

    QCOMPARE(receiver.requests.size(), 1);
    QCOMPARE(delivered.count(), 1);
    QCOMPARE(delivered.at(0).at(1).toInt(), 0);
    QCOMPARE(simulator.summary().failed, 1);
}

void TestSimulator::duplicatesResendTheSameIdAndBody()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 8;
    o.duplicates = 1.0;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    const auto byId = receiver.byId();
    QVERIFY(byId.size() >= 24);
    for (const QList<ReceivedRequest> &copies : byId) {
        QCOMPARE(copies.size(), 2);
        QCOMPARE(copies.at(1).body, copies.at(0).body);
        QVERIFY(verifies(copies.at(0)) && verifies(copies.at(1)));
    }
    const SimSummary s = simulator.summary();
    QCOMPARE(s.duplicatesSent, byId.size());
    QCOMPARE(s.acknowledged, byId.size()); // distinct ids, not deliveries
    QCOMPARE(s.sent, 2 * byId.size());
    QVERIFY(s.success());

    // A ratio between 0 and 1 duplicates some messages and not others.
    FakeReceiver partial;
    QVERIFY(partial.listen());
    o = optionsFor(partial);
    o.migrations = 30;
    o.duplicates = 0.3;
    Simulator some(o);
    QVERIFY(runToEnd(some));
    int twice = 0;
    for (const QList<ReceivedRequest> &copies : partial.byId())
        twice += copies.size() == 2 ? 1 : 0;
    QVERIFY(twice > 0 && twice < partial.byId().size());
    QCOMPARE(some.summary().duplicatesSent, twice);
}

void TestSimulator::ackLogHoldsExactlyTheAcknowledgedIds()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("acks.log"));
    {
        QFile existing(path);
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("msg_fromAnEarlierRun\n");
    }

    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    QList<QByteArray> acknowledged;
    // Reject about a third of the ids on every attempt; acknowledge the rest.
    receiver.respond = [&acknowledged](const ReceivedRequest &r) {
        const QByteArray id = r.header("svix-id");
        if (qHash(id) % 3 == 0)
            return 400;
        acknowledged.append(id);
        return 202;
    };
    SimOptions o = optionsFor(receiver);
    o.migrations = 30;
    o.maxAttempts = 2;
    o.ackLog = path;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    QFile log(path);
    QVERIFY(log.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = log.readAll().split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // every line ends with a newline
    QCOMPARE(lines.takeFirst(), QByteArrayLiteral("msg_fromAnEarlierRun"));
    QCOMPARE(lines, acknowledged);
    QVERIFY(!lines.isEmpty());
    const int rejected = int(receiver.byId().size() - acknowledged.size());
    QVERIFY(rejected > 0);
    const SimSummary s = simulator.summary();
    QCOMPARE(s.acknowledged, acknowledged.size());
    QCOMPARE(s.failed, rejected);
    QVERIFY(!s.success());
}

void TestSimulator::outOfOrderReorders()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 40;
    o.concurrency = 1; // arrival order is exactly send order
    o.outOfOrder = true;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QVERIFY(simulator.summary().success());
    QVERIFY2(migrationsOutOfOrder(receiver.requests) >= 5,
             qPrintable(QString::number(migrationsOutOfOrder(receiver.requests))));
}

void TestSimulator::inOrderKeepsEachLifecycleInOrder()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 40;
    o.concurrency = 6; // many connections, yet each migration's events arrive in order
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QVERIFY(receiver.requests.size() >= 120);
    QCOMPARE(migrationsOutOfOrder(receiver.requests), 0);
    // Migrations still interleave, so concurrency is used.
    QSet<int> connections;
    for (const ReceivedRequest &r : receiver.requests)
        connections.insert(r.connection);
    QCOMPARE(connections.size(), 6);
}

void TestSimulator::badSignaturesFailVerification_data()
{
    QTest::addColumn<double>("wrongSecret");
    QTest::addColumn<double>("tamper");
    QTest::addRow("wrong secret") << 1.0 << 0.0;
    QTest::addRow("tampered") << 0.0 << 1.0;
    QTest::addRow("mixed") << 0.25 << 0.25;
}

void TestSimulator::badSignaturesFailVerification()
{
    QFETCH(double, wrongSecret);
    QFETCH(double, tamper);
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [](const ReceivedRequest &r) { return verifies(r) ? 204 : 401; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 25;
    o.maxAttempts = 2;
    o.wrongSecret = wrongSecret;
    o.tamper = tamper;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    int good = 0, bad = 0;
    for (const QList<ReceivedRequest> &attempts : receiver.byId()) {
        const bool firstVerifies = verifies(attempts.at(0));
        for (const ReceivedRequest &r : attempts) {
            QCOMPARE(verifies(r), firstVerifies); // a bad delivery stays bad on every attempt
            QVERIFY(!json(r.body).isEmpty()); // tampering keeps the JSON valid
        }
        QCOMPARE(attempts.size(), firstVerifies ? 1 : 2);
        (firstVerifies ? good : bad) += 1;
    }
    QVERIFY(bad > 0);
    if (wrongSecret + tamper >= 1.0)
        QCOMPARE(good, 0);
    else
        QVERIFY(good > 0);
    const SimSummary s = simulator.summary();
    QCOMPARE(s.rejectedAsIntended, bad);
    QCOMPARE(s.acknowledged, good);
    QCOMPARE(s.failed, 0);
    QCOMPARE(s.unexpectedlyAccepted, 0);
    QVERIFY(s.success()); // rejections were the point
}

void TestSimulator::acceptingBadSignaturesIsReported()
{
    FakeReceiver receiver; // answers 204 to anything
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 4;
    o.wrongSecret = 1.0;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    for (const ReceivedRequest &r : receiver.requests)
        QVERIFY(!verifies(r));
    const SimSummary s = simulator.summary();
    QCOMPARE(s.unexpectedlyAccepted, 4);
    QCOMPARE(s.acknowledged, 0);
    QVERIFY(!s.success());
    QVERIFY(s.toText().contains(u"UNEXPECTEDLY ACCEPTED"));
}

void TestSimulator::responseFraming_data()
{
    QTest::addColumn<int>("framing");
    QTest::addColumn<bool>("close");
    QTest::addRow("content-length, keep-alive") << int(FakeReceiver::Framing::ContentLength) << false;
    QTest::addRow("chunked, keep-alive") << int(FakeReceiver::Framing::Chunked) << false;
    QTest::addRow("content-length, Connection: close") << int(FakeReceiver::Framing::ContentLength) << true;
    QTest::addRow("chunked, Connection: close") << int(FakeReceiver::Framing::Chunked) << true;
    QTest::addRow("delimited by close") << int(FakeReceiver::Framing::CloseDelimited) << true;
}

void TestSimulator::responseFraming()
{
    QFETCH(int, framing);
    QFETCH(bool, close);
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.framing = FakeReceiver::Framing(framing);
    receiver.closeAfterResponse = close;
    receiver.respond = [](const ReceivedRequest &) { return 200; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 15;
    o.concurrency = 3;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));

    const SimSummary s = simulator.summary();
    QCOMPARE(s.sent, receiver.requests.size());
    QCOMPARE(s.acknowledged, receiver.requests.size());
    QCOMPARE(s.retried, 0);
    QVERIFY(s.success());
    if (close)
        QCOMPARE(receiver.connectionsAccepted, receiver.requests.size()); // reconnects each time
    else
        QCOMPARE(receiver.connectionsAccepted, 3); // keep-alive reuses them
}

void TestSimulator::concurrencyOpensThatManyKeepAliveConnections()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.events = 400;
    o.concurrency = 8;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QCOMPARE(receiver.requests.size(), 400);
    QCOMPARE(receiver.connectionsAccepted, 8);
    QCOMPARE(simulator.summary().acknowledged, 400);
}

void TestSimulator::eventsCapAndPings()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.events = 37;
    o.pings = 3;
    o.outOfOrder = true;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QCOMPARE(receiver.requests.size(), 40);
    int pings = 0;
    for (const ReceivedRequest &r : receiver.requests) {
        // Svix's own example body, as its Testing tab sends it: no envelope, no type.
        if (r.body == "{\"success\": true}") {
            ++pings;
            QVERIFY(verifies(r));
        } else {
            QVERIFY(json(r.body).contains(u"type"));
        }
    }
    QCOMPARE(pings, 3);
}

void TestSimulator::seedQuirkIsSignedAsSent()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 3;
    o.seedQuirk = 1.0;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QVERIFY(!receiver.requests.isEmpty());
    for (const ReceivedRequest &r : receiver.requests) {
        QVERIFY(r.body.contains("\"created\": 2")); // unquoted
        QVERIFY(json(r.body).isEmpty()); // so not JSON
        QVERIFY(verifies(r)); // but signed over the exact bytes
    }
}

void TestSimulator::rateLimitsSending()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.events = 30;
    o.rate = 100;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QCOMPARE(receiver.requests.size(), 30);
    // 30 sends at 100/s cannot take less than 29 intervals.
    const qint64 span = receiver.requests.constLast().atNs - receiver.requests.constFirst().atNs;
    QVERIFY2(span >= 270'000'000, qPrintable(QString::number(span)));
}

void TestSimulator::continuousRunsUntilStopped()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.continuous = true;
    o.rate = 2000;
    Simulator simulator(o);
    QSignalSpy finished(&simulator, &Simulator::finished);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QEventLoop loop;
    connect(&simulator, &Simulator::delivered, &loop, [&] {
        if (delivered.count() >= 200)
            loop.quit();
    });
    QTimer::singleShot(20'000, &loop, &QEventLoop::quit);
    QVERIFY(simulator.start());
    loop.exec();
    QVERIFY(delivered.count() >= 200);
    QVERIFY(simulator.isRunning());
    QCOMPARE(finished.count(), 0);
    simulator.stop();
    QCOMPARE(finished.count(), 1);
    QVERIFY(!simulator.isRunning());
    const SimSummary s = simulator.summary();
    QVERIFY(s.sent >= 200);
    QVERIFY(!s.interrupted);
    QVERIFY(s.unfinished <= o.concurrency);
    QVERIFY(s.success()); // stopping is how a continuous run ends
    QVERIFY(!simulator.start()); // one run per simulator
}

void TestSimulator::pacedRunSpreadsLifecyclesOverRealTime()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 5;
    o.pings = 1;
    o.pacing.enabled = true;
    o.pacing.timeScale = 0.004; // 40 s–3 min lifecycles take 160–720 ms
    const qint64 startUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QVERIFY(simulator.summary().success());

    QHash<QString, QList<qint64>> createdByMigration;
    qint64 firstCreatedUs = std::numeric_limits<qint64>::max(), lastCreatedUs = 0;
    int terminals = 0;
    for (const ReceivedRequest &r : receiver.requests) {
        QVERIFY(verifies(r));
        const QJsonObject root = json(r.body);
        if (r.body == "{\"success\": true}")
            continue; // the ping: Svix's example body, undated
        // The vendor writes UTC without a zone.
        const QDateTime created
            = QDateTime::fromString(root.value(u"created").toString().left(23), Qt::ISODateWithMs);
        const qint64 createdUs
            = QDateTime(created.date(), created.time(), Qt::UTC).toMSecsSinceEpoch() * 1000;
        firstCreatedUs = qMin(firstCreatedUs, createdUs);
        lastCreatedUs = qMax(lastCreatedUs, createdUs);
        const QString type = root.value(u"type").toString();
        terminals += type == u"migration.completed" || type == u"migration.failed";
        const QString migration = root.value(u"data").toObject().value(u"migration_id").toString();
        if (!migration.isEmpty())
            createdByMigration[migration].append(createdUs);
    }
    QCOMPARE(terminals, 5);
    QCOMPARE(createdByMigration.size(), 5);
    QCOMPARE(receiver.requests.size(), simulator.summary().sent);
    QVERIFY(receiver.requests.size() >= 5 * 3 + 1);
    // Dated from the wall clock at the start, not from a fixed epoch.
    QVERIFY(qAbs(firstCreatedUs - startUs) < 5'000'000);
    // Sent when dated, give or take a busy machine's lag: an unpaced sender would deliver all
    // of this within a few milliseconds.
    const qint64 datedSpanUs = lastCreatedUs - firstCreatedUs;
    const qint64 sentSpanUs = (receiver.requests.last().atNs - receiver.requests.first().atNs) / 1000;
    QVERIFY2(datedSpanUs >= 250'000, qPrintable(QString::number(datedSpanUs)));
    QVERIFY2(
        sentSpanUs >= datedSpanUs / 2,
        qPrintable(QStringLiteral("sent over %1 µs, dated over %2 µs").arg(sentSpanUs).arg(datedSpanUs)));
    for (const QList<qint64> &times : std::as_const(createdByMigration))
        QVERIFY(*std::max_element(times.begin(), times.end()) - *std::min_element(times.begin(), times.end())
                >= 70'000); // created → terminal is at least 20 s × 0.004, less the webhook's lag
}

void TestSimulator::stoppingAFiniteRunIsAnInterruption()
{
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.respond = [](const ReceivedRequest &) { return -1; }; // hold every request
    SimOptions o = optionsFor(receiver);
    o.migrations = 5;
    o.concurrency = 2;
    Simulator simulator(o);
    QSignalSpy finished(&simulator, &Simulator::finished);
    QVERIFY(simulator.start());
    QTRY_COMPARE(receiver.requests.size(), 2);
    simulator.stop();
    QCOMPARE(finished.count(), 1);
    const SimSummary s = simulator.summary();
    QVERIFY(s.interrupted);
    QCOMPARE(s.unfinished, 2);
    QCOMPARE(s.failed, 0);
    QVERIFY(!s.success());
    QVERIFY(s.toText().contains(u"stopped early"));
    simulator.stop(); // a second stop is harmless
    QCOMPARE(finished.count(), 1);
}

void TestSimulator::invalidOptionsAreRejected()
{
    SimOptions o;
    o.target = QUrl(QStringLiteral("http://127.0.0.1:9/"));
    Simulator noSecret(o);
    QVERIFY(!noSecret.start());
    QVERIFY(noSecret.errorString().contains(u"secret"));

    o.secrets = {testSecret()};
    o.target = QUrl(QStringLiteral("ftp://127.0.0.1/"));
    Simulator badScheme(o);
    QVERIFY(!badScheme.start());
    QVERIFY(badScheme.errorString().contains(u"http"));

    o.target = QUrl(QStringLiteral("http://127.0.0.1:9/"));
    o.duplicates = 1.5;
    Simulator badRatio(o);
    QVERIFY(!badRatio.start());

    o.duplicates = 0;
    o.ackLog = QStringLiteral("/nonexistent-dir/acks.log");
    Simulator badLog(o);
    QVERIFY(!badLog.start());
    QVERIFY(badLog.errorString().contains(u"ack log"));

    o.ackLog.clear();
    o.pacing.enabled = true;
    o.pacing.timeScale = 0;
    Simulator badPacing(o);
    QVERIFY(!badPacing.start());
    QVERIFY(badPacing.errorString().contains(u"pacing"));
    o.pacing.timeScale = 1;
    o.pacing.spanMinS = 200; // above spanMaxS
    QVERIFY(o.validate().contains(u"Pacing ranges"));
    o.pacing.spanMinS = 40;
    o.events = 10;
    QVERIFY(o.validate().contains(u"whole migrations"));
    o.continuous = true;
    QVERIFY(o.validate().isEmpty());
    o.unbranded = 1.5;
    QVERIFY(o.validate().contains(u"unbranded"));
    o.unbranded = 0.5;
    o.retryJitter = 1.0;
    QVERIFY(o.validate().contains(u"jitter"));
}

void TestSimulator::retryWaitFollowsSvix_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("timedOut");
    QTest::addColumn<qint64>("retryAfter");
    QTest::addColumn<double>("unit");
    QTest::addColumn<qint64>("expectedMs");
    // The schedule, ±20 %: the draw picks where in that range.
    QTest::addRow("5 s, shortest") << 2 << 500 << false << qint64(-1) << 0.0 << qint64(4'000);
    QTest::addRow("5 s, middle") << 2 << 500 << false << qint64(-1) << 0.5 << qint64(5'000);
    QTest::addRow("5 s, longest") << 2 << 500 << false << qint64(-1) << 1.0 << qint64(6'000);
    QTest::addRow("5 min, shortest") << 3 << 500 << false << qint64(-1) << 0.0 << qint64(240'000);
    QTest::addRow("10 h, longest") << 8 << 500 << false << qint64(-1) << 1.0 << qint64(43'200'000);
    // At least 60 s after a timeout or a 429 (not jittered below that).
    QTest::addRow("timeout") << 2 << 0 << true << qint64(-1) << 0.0 << qint64(60'000);
    QTest::addRow("refused is not a timeout") << 2 << 0 << false << qint64(-1) << 0.0 << qint64(4'000);
    QTest::addRow("429") << 2 << 429 << false << qint64(-1) << 1.0 << qint64(60'000);
    QTest::addRow("timeout, later attempt") << 3 << 0 << true << qint64(-1) << 0.0 << qint64(240'000);
    // Retry-After on 429 and 503 is a lower bound; on anything else it is not obeyed.
    QTest::addRow("503 Retry-After 120") << 2 << 503 << false << qint64(120) << 0.5 << qint64(120'000);
    QTest::addRow("429 Retry-After 90") << 2 << 429 << false << qint64(90) << 0.5 << qint64(90'000);
    QTest::addRow("503 Retry-After shorter") << 3 << 503 << false << qint64(1) << 0.5 << qint64(300'000);
    QTest::addRow("500 Retry-After ignored") << 2 << 500 << false << qint64(120) << 0.5 << qint64(5'000);
    QTest::addRow("Retry-After capped at 10 h")
        << 2 << 503 << false << qint64(1'000'000) << 0.5 << qint64(36'000'000);
}

void TestSimulator::retryWaitFollowsSvix()
{
    QFETCH(int, attempt);
    QFETCH(int, status);
    QFETCH(bool, timedOut);
    QFETCH(qint64, retryAfter);
    QFETCH(double, unit);
    QFETCH(qint64, expectedMs);
    QCOMPARE(svixRetryWaitMs(attempt, AttemptEnd {status, timedOut, retryAfter}, 0.2, unit), expectedMs);
}

void TestSimulator::retryDelaysAreJittered()
{
    // Each message fails once, then its retry comes 5 s (scaled to 500 ms) later, ±20 %: between
    // 400 and 600 ms. Without jitter no gap could be shorter than 500 ms. A connection per message,
    // so no retry waits for a free one.
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    QSet<QByteArray> seen;
    receiver.respond = [&seen](const ReceivedRequest &r) {
        const bool first = !seen.contains(r.msgId());
        seen.insert(r.msgId());
        return first ? 500 : 200;
    };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 40;
    o.concurrency = 40;
    o.retryScale = 0.1;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    qint64 shortestNs = std::numeric_limits<qint64>::max();
    qint64 longestNs = 0;
    const auto byId = receiver.byId();
    QCOMPARE(byId.size(), 40);
    for (const QList<ReceivedRequest> &attempts : byId) {
        QCOMPARE(attempts.size(), 2);
        const qint64 gap = attempts.at(1).atNs - attempts.at(0).atNs;
        shortestNs = qMin(shortestNs, gap);
        longestNs = qMax(longestNs, gap);
    }
    QVERIFY2(shortestNs >= 398'000'000, qPrintable(QString::number(shortestNs)));
    QVERIFY2(shortestNs < 480'000'000, qPrintable(QString::number(shortestNs)));
    QVERIFY2(longestNs > 520'000'000, qPrintable(QString::number(longestNs)));
}

void TestSimulator::retryAfterIsObeyed_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("retryAfter");
    // Scaled by 0.005: the schedule's 5 s is 20-30 ms, a 429's 60 s floor 300 ms.
    QTest::addRow("503, Retry-After 60 s") << 503 << 60; // 300 ms
    QTest::addRow("429, Retry-After 100 s") << 429 << 100; // 500 ms, above the 429's floor
}

void TestSimulator::retryAfterIsObeyed()
{
    QFETCH(int, status);
    QFETCH(int, retryAfter);
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.failureHeaders = "Retry-After: " + QByteArray::number(retryAfter) + "\r\n";
    int calls = 0;
    receiver.respond = [&calls, status](const ReceivedRequest &) { return ++calls == 1 ? status : 200; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 1;
    o.retryScale = 0.005;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QCOMPARE(receiver.requests.size(), 2);
    const qint64 gap = receiver.requests.at(1).atNs - receiver.requests.at(0).atNs;
    QVERIFY2(gap >= qint64(retryAfter) * 5'000'000 - 2'000'000, qPrintable(QString::number(gap)));
    QVERIFY(simulator.summary().success());
}

void TestSimulator::waitsAMinuteAfterATimeout()
{
    // The first try gets no answer; Svix waits at least 60 s (scaled: 300 ms) before the next,
    // not the schedule's 5 s (25 ms).
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    int calls = 0;
    receiver.respond = [&calls](const ReceivedRequest &) { return ++calls == 1 ? -1 : 200; };
    SimOptions o = optionsFor(receiver);
    o.migrations = 0;
    o.pings = 1;
    o.requestTimeoutMs = 100;
    o.retryScale = 0.005;
    Simulator simulator(o);
    QSignalSpy delivered(&simulator, &Simulator::delivered);
    QVERIFY(runToEnd(simulator));
    QCOMPARE(receiver.requests.size(), 2);
    QCOMPARE(delivered.at(0).at(1).toInt(), 0);
    const qint64 gap = receiver.requests.at(1).atNs - receiver.requests.at(0).atNs;
    QVERIFY2(gap >= 100'000'000 + 298'000'000, qPrintable(QString::number(gap)));
    QVERIFY(simulator.summary().success());
}

void TestSimulator::rotationSignsWithBothSecrets()
{
    // During a secret rotation Svix signs with the old and the new secret, both v1 entries in one
    // header: a receiver holding either one accepts every delivery.
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    SimOptions o = optionsFor(receiver);
    o.migrations = 3;
    o.rotateSecret = *SigningSecret::parse(mm::test::OtherTestSecretText);
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    QVERIFY(receiver.requests.size() >= 9);
    const Verifier oldOnly({testSecret()});
    const Verifier newOnly({*o.rotateSecret});
    for (const ReceivedRequest &r : receiver.requests) {
        const QList<QByteArray> entries = r.header("svix-signature").split(' ');
        QCOMPARE(entries.size(), 2);
        QVERIFY(entries.at(0).startsWith("v1,") && entries.at(1).startsWith("v1,"));
        QVERIFY(entries.at(0) != entries.at(1));
        QCOMPARE(verify(oldOnly, r).secretIndex, 0);
        QVERIFY(verify(newOnly, r).accepted());
    }
    QVERIFY(simulator.summary().success());
}

void TestSimulator::unbrandedShareUsesWebhookHeaders()
{
    // Some deliveries come with the unbranded webhook-* names; a message keeps its names on
    // every attempt.
    FakeReceiver receiver;
    QVERIFY(receiver.listen());
    QSet<QByteArray> seen;
    receiver.respond = [&seen](const ReceivedRequest &r) {
        const bool first = !seen.contains(r.msgId());
        seen.insert(r.msgId());
        return first ? 503 : 200;
    };
    SimOptions o = optionsFor(receiver);
    o.migrations = 15;
    o.unbranded = 0.5;
    Simulator simulator(o);
    QVERIFY(runToEnd(simulator));
    int unbranded = 0;
    const auto byId = receiver.byId();
    for (const QList<ReceivedRequest> &attempts : byId) {
        QCOMPARE(attempts.size(), 2);
        const bool webhook = !attempts.at(0).header("webhook-id").isEmpty();
        unbranded += webhook ? 1 : 0;
        for (const ReceivedRequest &r : attempts) {
            QCOMPARE(r.header("webhook-id").isEmpty(), !webhook);
            QCOMPARE(r.header("webhook-timestamp").isEmpty(), !webhook);
            QCOMPARE(r.header("webhook-signature").isEmpty(), !webhook);
            QCOMPARE(r.header("svix-id").isEmpty(), webhook);
            QCOMPARE(r.header("svix-signature").isEmpty(), webhook);
            QVERIFY(verifies(r));
        }
    }
    QVERIFY2(unbranded > 0 && unbranded < byId.size(),
             qPrintable(QStringLiteral("%1 of %2").arg(unbranded).arg(byId.size())));

    // All of them.
    FakeReceiver all;
    QVERIFY(all.listen());
    o = optionsFor(all);
    o.migrations = 2;
    o.unbranded = 1.0;
    Simulator every(o);
    QVERIFY(runToEnd(every));
    QVERIFY(!all.requests.isEmpty());
    for (const ReceivedRequest &r : all.requests)
        QVERIFY(!r.header("webhook-id").isEmpty() && r.header("svix-id").isEmpty() && verifies(r));
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
