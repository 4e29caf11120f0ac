// SPDX-License-Identifier: GPL-3.0-or-later
// Replayer against a loopback sink: order, the concurrency and rate limits, retries,
// cancel, the response head, and the headers it sends in each signing mode.
#include "replay/replayer.h"
#include "testsecret.h"
#include "verify/verifier.h"
#include "webhooksink.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {

QList<OutgoingDelivery> deliveries(int count)
{
    QList<OutgoingDelivery> out;
    const SigningSecret secret = *SigningSecret::parse(TestSecretText);
    for (int i = 0; i < count; ++i) {
        OutgoingDelivery d;
        d.rowId = i + 1;
        d.msgId = "msg_" + QByteArray::number(i);
        d.body = "{\"n\":" + QByteArray::number(i) + "}";
        d.timestampHeader = 1700000000 + i;
        d.signature = secret.signature(d.msgId, QByteArray::number(d.timestampHeader), d.body);
        d.type = QStringLiteral("migration.created");
        out.append(d);
    }
    return out;
}

struct Collected
{
    QList<ReplayResult> results;
    std::optional<ReplaySummary> summary;
};

void collect(Replayer &replayer, Collected &c)
{
    QObject::connect(&replayer, &Replayer::resultReady, &replayer,
                     [&c](const ReplayResult &r) { c.results.append(r); });
    QObject::connect(&replayer, &Replayer::finished, &replayer,
                     [&c](const ReplaySummary &s) { c.summary = s; });
}

// A sink on loopback, a replayer collecting what it reports, and options aimed at the sink.
struct Rig
{
    WebhookSink sink;
    Replayer replayer;
    Collected c;
    ReplayOptions o;

    bool listen()
    {
        if (!sink.listen())
            return false;
        collect(replayer, c);
        o.target = QUrl(QString::fromLatin1(sink.url()));
        return true;
    }
};
} // namespace

class TestReplayer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sendsAsReceivedInOrder();
    void resignsWithAFreshTimestamp();
    void keepsToTheConcurrencyLimit();
    void keepsToTheRate();
    void retriesEveryNonSuccessAnswer();
    void retriesOnlyTransientFailuresWhenAsked();
    void newIdsStayTheSameAcrossRetries();
    void sendsTheHeaderNamesItCameWith();
    void cancelReportsTheRest();
    void keepsOnlyTheResponseHead();
    void asReceivedNeedsTheOriginalSignature();
    void rejectsBadOptions_data();
    void rejectsBadOptions();
    void emptyBatchFinishes();
};

void TestReplayer::sendsAsReceivedInOrder()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    o.concurrency = 1;
    const auto input = deliveries(5);
    QString error;
    QVERIFY2(replayer.start(input, o, &error), qPrintable(error));
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(c.summary->succeeded, 5);
    QCOMPARE(sink.requests().size(), 5);
    for (int i = 0; i < 5; ++i) {
        const SinkRequest &req = sink.requests()[i];
        QCOMPARE(req.header("svix-id"), input[i].msgId);
        QCOMPARE(req.header("svix-timestamp"), QByteArray::number(input[i].timestampHeader));
        QCOMPARE(req.header("svix-signature"), input[i].signature);
        QCOMPARE(req.body, input[i].body);
        QCOMPARE(req.header("content-type"), QByteArray("application/json"));
        QCOMPARE(req.header("accept"), QByteArray("*/*"));
        QCOMPARE(req.header("user-agent"), QByteArray("Migration-Monitor-Replay/" MM_VERSION));
        QCOMPARE(c.results[i].index, i);
        QCOMPARE(c.results[i].status, 200);
        QCOMPARE(c.results[i].tries, 1);
        QCOMPARE(c.results[i].responseHead, QByteArray("ok"));
        QVERIFY(c.results[i].latencyUs > 0);
    }
}

void TestReplayer::resignsWithAFreshTimestamp()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    const SigningSecret secret = *SigningSecret::parse(OtherTestSecretText);
    o.signing.secret = secret;
    o.signing.newIds = true;
    QVERIFY(replayer.start(deliveries(2), o, nullptr));
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(sink.requests().size(), 2);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const SinkRequest &req : sink.requests()) {
        const QByteArray id = req.header("svix-id");
        const QByteArray ts = req.header("svix-timestamp");
        QVERIFY(id.startsWith("msg_") && id.size() == 31);
        QVERIFY(qAbs(ts.toLongLong() - now) < 60);
        QCOMPARE(req.header("svix-signature"), secret.signature(id, ts, req.body));
    }
    // Results come in the order the answers did (two are in flight): each names its original.
    QCOMPARE(c.results.size(), 2);
    QSet<QByteArray> originals;
    for (const auto &r : c.results) {
        QVERIFY(r.sentMsgId != r.originalMsgId);
        originals.insert(r.originalMsgId);
    }
    QCOMPARE(originals, (QSet<QByteArray> {"msg_0", "msg_1"}));
}

void TestReplayer::keepsToTheConcurrencyLimit()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    sink.setAnswer([](const SinkRequest &) { return SinkAnswer {200, "ok", 50}; });
    o.concurrency = 3;
    QVERIFY(replayer.start(deliveries(12), o, nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(c.summary.has_value(), 10000);
    QCOMPARE(c.summary->succeeded, 12);
    QVERIFY2(sink.maxConcurrent() <= 3, qPrintable(QString::number(sink.maxConcurrent())));
    QVERIFY2(sink.maxConcurrent() >= 2, "requests did overlap");
}

void TestReplayer::keepsToTheRate()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    o.concurrency = 8;
    o.ratePerSecond = 20; // one start every 50 ms
    QVERIFY(replayer.start(deliveries(6), o, nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(c.summary.has_value(), 10000);
    QCOMPARE(sink.requests().size(), 6);
    // Starts are paced on a schedule: start i not before i intervals after the first. After a
    // late start the pacer catches up, so a single gap can be short by as much as the previous
    // start was late (a loaded machine, a sanitizer build); the schedule is what it keeps.
    // Checked on the replayer's own start times (sentUs): arrivals at the sink also carry
    // connection set-up, which differs between the first request and the rest. 3 ms allow for
    // a coarse timer firing early.
    QCOMPARE(c.results.size(), 6);
    QList<qint64> starts(6);
    for (const ReplayResult &r : std::as_const(c.results))
        starts[r.index] = r.sentUs;
    for (int i = 1; i < 6; ++i) {
        const qint64 sinceMs = (starts[i] - starts[0]) / 1000;
        QVERIFY2(sinceMs >= i * 50 - 3,
                 qPrintable(QStringLiteral("start %1 after %2 ms").arg(i).arg(sinceMs)));
    }
}

void TestReplayer::retriesEveryNonSuccessAnswer()
{
    // As Svix does: any answer that is not 2xx (a 4xx, a redirect) is a failure worth another try.
    WebhookSink sink;
    QVERIFY(sink.listen());
    QHash<QByteArray, int> seen;
    sink.setAnswer([&seen](const SinkRequest &req) {
        const QByteArray id = req.header("svix-id");
        const int n = ++seen[id];
        if (id == "msg_0")
            return SinkAnswer {n == 1 ? 503 : 200, "x", 0}; // succeeds on the second try
        if (id == "msg_1")
            return SinkAnswer {n == 1 ? 400 : 200, "bad", 0}; // a 4xx is retried too
        if (id == "msg_2")
            return SinkAnswer {n == 1 ? 302 : 204, "moved", 0}; // and a redirect (never followed)
        return SinkAnswer {500, "down", 0}; // retried, then given up
    });
    Replayer replayer;
    Collected c;
    collect(replayer, c);
    ReplayOptions o;
    o.target = QUrl(QString::fromLatin1(sink.url()));
    o.retries = 2;
    o.retryDelay = std::chrono::milliseconds(10);
    QCOMPARE(o.retryOn, RetryOn::NonSuccess); // the default
    QVERIFY(replayer.start(deliveries(4), o, nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(c.summary.has_value(), 10000);
    QCOMPARE(c.summary->succeeded, 3);
    QCOMPARE(c.summary->failed, 1);
    QCOMPARE(seen.value("msg_0"), 2);
    QCOMPARE(seen.value("msg_1"), 2);
    QCOMPARE(seen.value("msg_2"), 2);
    QCOMPARE(seen.value("msg_3"), 3);
    std::sort(c.results.begin(), c.results.end(), [](auto &a, auto &b) { return a.index < b.index; });
    QCOMPARE(c.results[0].tries, 2);
    QCOMPARE(c.results[1].tries, 2);
    QCOMPARE(c.results[1].status, 200);
    QCOMPARE(c.results[2].status, 204);
    QCOMPARE(c.results[3].tries, 3);
    QVERIFY(c.results[3].error.contains(QLatin1String("500")));
}

void TestReplayer::retriesOnlyTransientFailuresWhenAsked()
{
    WebhookSink sink;
    QVERIFY(sink.listen());
    QHash<QByteArray, int> seen;
    sink.setAnswer([&seen](const SinkRequest &req) {
        const QByteArray id = req.header("svix-id");
        const int n = ++seen[id];
        if (id == "msg_0")
            return SinkAnswer {n == 1 ? 429 : 200, "slow down", 0}; // retried
        return SinkAnswer {n == 1 ? 400 : 200, "bad", 0}; // not retried
    });
    Replayer replayer;
    Collected c;
    collect(replayer, c);
    ReplayOptions o;
    o.target = QUrl(QString::fromLatin1(sink.url()));
    o.retries = 2;
    o.retryDelay = std::chrono::milliseconds(10);
    o.retryOn = RetryOn::Transient;
    QVERIFY(replayer.start(deliveries(2), o, nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(c.summary.has_value(), 10000);
    QCOMPARE(seen.value("msg_0"), 2);
    QCOMPARE(seen.value("msg_1"), 1);
    QCOMPARE(c.summary->succeeded, 1);
    QCOMPARE(c.summary->failed, 1);
}

void TestReplayer::newIdsStayTheSameAcrossRetries()
{
    // A target that processed a try and then failed must see the retry's id again, or it
    // processes the message twice: one new id per delivery, kept for all of its tries.
    WebhookSink sink;
    QVERIFY(sink.listen());
    QHash<QByteArray, int> seen; // by body: the ids are what is under test
    sink.setAnswer([&seen](const SinkRequest &req) {
        return SinkAnswer {++seen[req.body] == 1 ? 500 : 200, "x", 0};
    });
    Replayer replayer;
    Collected c;
    collect(replayer, c);
    ReplayOptions o;
    o.target = QUrl(QString::fromLatin1(sink.url()));
    const SigningSecret secret = *SigningSecret::parse(OtherTestSecretText);
    o.signing.secret = secret;
    o.signing.newIds = true;
    o.retries = 2;
    o.retryDelay = std::chrono::milliseconds(10);
    const auto input = deliveries(3);
    QVERIFY(replayer.start(input, o, nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(c.summary.has_value(), 10000);
    QCOMPARE(c.summary->succeeded, 3);
    QCOMPARE(sink.requests().size(), 6);
    QHash<QByteArray, QList<QByteArray>> idsByBody;
    for (const SinkRequest &req : sink.requests()) {
        const QByteArray id = req.header("svix-id");
        idsByBody[req.body].append(id);
        QCOMPARE(req.header("svix-signature"), secret.signature(id, req.header("svix-timestamp"), req.body));
    }
    QSet<QByteArray> distinct;
    for (const OutgoingDelivery &d : input) {
        const QList<QByteArray> ids = idsByBody.value(d.body);
        QCOMPARE(ids.size(), 2);
        QCOMPARE(ids.at(1), ids.at(0)); // the retry kept the id
        QVERIFY(ids.at(0) != d.msgId); // a new one
        distinct.insert(ids.at(0));
    }
    QCOMPARE(distinct.size(), 3); // one per delivery
    for (const ReplayResult &r : std::as_const(c.results)) {
        QCOMPARE(r.tries, 2);
        QCOMPARE(r.sentMsgId, idsByBody.value(input.at(r.index).body).at(0));
    }
}

void TestReplayer::sendsTheHeaderNamesItCameWith()
{
    // A delivery that came with webhook-* headers (all, or some: the libraries fall back one by
    // one) goes out under the same names, as received and re-signed alike.
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    o.concurrency = 1;
    auto input = deliveries(3);
    input[0].unbranded = WebhookHeaders::AllUnbranded;
    input[1].unbranded = WebhookHeaders::TimestampUnbranded | WebhookHeaders::SignatureUnbranded;
    QVERIFY(replayer.start(input, o, nullptr));
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(c.summary->succeeded, 3);
    auto names = [](const SinkRequest &req) {
        QByteArrayList out;
        for (const auto &[name, value] : req.headers) {
            if (name.endsWith("-id") || name.endsWith("-timestamp") || name.endsWith("-signature"))
                out.append(name);
        }
        return out;
    };
    QCOMPARE(names(sink.requests().at(0)),
             (QByteArrayList {"webhook-id", "webhook-timestamp", "webhook-signature"}));
    QCOMPARE(sink.requests().at(0).header("webhook-signature"), input[0].signature);
    QCOMPARE(names(sink.requests().at(1)),
             (QByteArrayList {"svix-id", "webhook-timestamp", "webhook-signature"}));
    QCOMPARE(names(sink.requests().at(2)), (QByteArrayList {"svix-id", "svix-timestamp", "svix-signature"}));

    // Re-signed: the same names, a fresh signature under them.
    Rig resigned;
    QVERIFY(resigned.listen());
    const SigningSecret secret = *SigningSecret::parse(OtherTestSecretText);
    resigned.o.signing.secret = secret;
    QVERIFY(resigned.replayer.start(input.first(1), resigned.o, nullptr));
    QTRY_VERIFY(resigned.c.summary.has_value());
    const SinkRequest &req = resigned.sink.requests().at(0);
    QCOMPARE(names(req), (QByteArrayList {"webhook-id", "webhook-timestamp", "webhook-signature"}));
    QCOMPARE(req.header("webhook-signature"),
             secret.signature(req.header("webhook-id"), req.header("webhook-timestamp"), req.body));
}

void TestReplayer::cancelReportsTheRest()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    sink.setAnswer([](const SinkRequest &) { return SinkAnswer {200, "ok", 5000}; });
    o.concurrency = 2;
    QVERIFY(replayer.start(deliveries(10), o, nullptr));
    QTRY_COMPARE(sink.requests().size(), 2);
    replayer.cancel();
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(c.summary->cancelled, 10);
    QCOMPARE(c.results.size(), 10);
    QVERIFY(!replayer.isRunning());
    QCOMPARE(sink.requests().size(), 2); // nothing more was sent
}

void TestReplayer::keepsOnlyTheResponseHead()
{
    WebhookSink sink;
    QVERIFY(sink.listen());
    const QByteArray big(1024 * 1024, 'z');
    sink.setAnswer([&big](const SinkRequest &) { return SinkAnswer {200, big, 0}; });
    Replayer replayer;
    Collected c;
    collect(replayer, c);
    ReplayOptions o;
    o.target = QUrl(QString::fromLatin1(sink.url()));
    QVERIFY(replayer.start(deliveries(1), o, nullptr));
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(c.results[0].responseHead.size(), Replayer::ResponseHeadBytes);
    QCOMPARE(c.results[0].responseHead, big.first(Replayer::ResponseHeadBytes));
}

void TestReplayer::asReceivedNeedsTheOriginalSignature()
{
    Rig rig;
    QVERIFY(rig.listen());
    auto &[sink, replayer, c, o] = rig;
    auto input = deliveries(2);
    input[0].signature.clear(); // stored before schema 3
    QVERIFY(replayer.start(input, o, nullptr));
    QTRY_VERIFY(c.summary.has_value());
    QCOMPARE(c.summary->failed, 1);
    QCOMPARE(c.summary->succeeded, 1);
    QCOMPARE(sink.requests().size(), 1);
    QVERIFY(c.results[0].error.contains(QLatin1String("re-sign")));
}

void TestReplayer::rejectsBadOptions_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("concurrency");
    QTest::addColumn<bool>("newIdsWithoutSecret");
    QTest::newRow("relative") << QStringLiteral("/hook") << 1 << false;
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1/x") << 1 << false;
    QTest::newRow("no host") << QStringLiteral("http:///x") << 1 << false;
    QTest::newRow("concurrency 0") << QStringLiteral("http://127.0.0.1/x") << 0 << false;
    QTest::newRow("concurrency 65") << QStringLiteral("http://127.0.0.1/x") << 65 << false;
    QTest::newRow("new ids, no secret") << QStringLiteral("http://127.0.0.1/x") << 1 << true;
}

void TestReplayer::rejectsBadOptions()
{
    QFETCH(QString, url);
    QFETCH(int, concurrency);
    QFETCH(bool, newIdsWithoutSecret);
    Replayer replayer;
    ReplayOptions o;
    o.target = QUrl(url);
    o.concurrency = concurrency;
    o.signing.newIds = newIdsWithoutSecret;
    QString error;
    QVERIFY(!replayer.start(deliveries(1), o, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!replayer.isRunning());
}

void TestReplayer::emptyBatchFinishes()
{
    Replayer replayer;
    QSignalSpy finished(&replayer, &Replayer::finished);
    ReplayOptions o;
    o.target = QUrl(QStringLiteral("http://127.0.0.1:9/x"));
    QVERIFY(replayer.start({}, o, nullptr));
    QCOMPARE(finished.size(), 0); // never before start() returned
    QVERIFY(finished.wait(2000));
    QCOMPARE(finished.size(), 1);
}

QTEST_GUILESS_MAIN(TestReplayer)
#include "tst_replayer.moc"
