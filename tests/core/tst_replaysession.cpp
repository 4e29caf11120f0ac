// SPDX-License-Identifier: GPL-3.0-or-later
// ReplaySession against a loopback sink: what it sends, what it reports, and that the
// replay history tables hold the run and each of its requests, cancelled ones included.
#include "helperverify.h"
#include "replay/replaysession.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testsecret.h"
#include "webhooksink.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
DeliveryRecord record(int n, const char *type = "migration.started")
{
    DeliveryRecord r;
    r.msgId = "msg_" + QByteArray::number(n);
    r.eventId = QStringLiteral("evt_%1").arg(n);
    r.type = QString::fromLatin1(type);
    r.migrationId = QStringLiteral("mig_%1").arg(n % 3);
    r.parsed = true;
    r.body = R"({"id":"evt_)" + QByteArray::number(n) + R"(","type":")" + type + R"("})";
    r.receivedUs = (1750000000LL + n) * 1000000;
    r.timestampHeader = 1750000000LL + n;
    r.signature = "v1,stored-signature-" + QByteArray::number(n);
    return r;
}

// A store holding deliveries msg_1 … msg_count (row ids 1 … count).
[[nodiscard]] bool fillStore(const QString &dir, int count)
{
    Store writerStore(Store::Options {dir, Durability::Power, 10000, false});
    StoreWriter &writer = writerStore.writer();
    QString error;
    MM_HELPER_VERIFY2(writer.start(&error), qPrintable(error));
    for (int n = 1; n <= count; ++n)
        writer.submit(quint64(n), record(n));
    writer.stop();
    return true;
}

ReplayOptions options(const WebhookSink &sink)
{
    ReplayOptions o;
    o.target = QUrl(QString::fromLatin1(sink.url()));
    o.signing.secret = SigningSecret::parse(TestSecretText);
    o.concurrency = 2;
    o.retryDelay = std::chrono::milliseconds(10);
    return o;
}

QList<qint64> rowIds(int count)
{
    QList<qint64> ids;
    for (int n = 1; n <= count; ++n)
        ids.append(n);
    return ids;
}
} // namespace

class TestReplaySession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void replaysSelectionAndRecordsHistory();
    void sendsAnEditedBodyOnce();
    void historyIsWrittenInBatches();
    void nothingToReplay();
    void badOptionsAreRefused();
    void cancelReportsTheRestAndRecordsIt();
    void destroyedMidRunStillRecords();
};

void TestReplaySession::replaysSelectionAndRecordsHistory()
{
    QTemporaryDir dir;
    QVERIFY(fillStore(dir.path(), 4));
    WebhookSink sink;
    QVERIFY(sink.listen());
    sink.setAnswer([](const SinkRequest &r) {
        return r.body.contains("evt_2") ? SinkAnswer {500, "down", 0} : SinkAnswer {202, "taken", 0};
    });
    Store source(Store::Options {dir.path()});
    ReplaySession session(source);
    QSignalSpy started(&session, &ReplaySession::started);
    QSignalSpy results(&session, &ReplaySession::resultReady);
    QSignalSpy finished(&session, &ReplaySession::finished);
    QSignalSpy recorded(&session, &ReplaySession::runRecorded);
    ReplaySelection selection;
    selection.rowIds = {3, 1, 2}; // sent oldest first whatever the order asked
    QString error;
    QVERIFY2(session.start(selection, options(sink), &error), qPrintable(error));
    QVERIFY(session.isRunning());
    QVERIFY(finished.wait(10000));
    QVERIFY(!session.isRunning());
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().first().toInt(), 3);
    QCOMPARE(results.size(), 3);
    const auto summary = finished.first().first().value<ReplaySummary>();
    QCOMPARE(summary.succeeded, 2);
    QCOMPARE(summary.failed, 1);
    QCOMPARE(summary.cancelled, 0);
    QTRY_COMPARE(recorded.size(), 1);
    const qint64 runId = recorded.first().first().toLongLong();
    QVERIFY(runId > 0);

    // Re-signed with the chosen secret, ids kept.
    QCOMPARE(sink.requests().size(), 3);
    const SigningSecret secret = *SigningSecret::parse(TestSecretText);
    for (const SinkRequest &r : sink.requests()) {
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.header("svix-signature"),
                 secret.signature(r.header("svix-id"), r.header("svix-timestamp"), r.body));
    }

    // The history, read back through the session.
    QSignalSpy runs(&session, &ReplaySession::runsLoaded);
    session.loadRuns();
    QVERIFY(runs.wait(5000));
    const auto list = runs.first().first().value<QList<ReplayRunInfo>>();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].id, runId);
    QCOMPARE(list[0].target, QString::fromLatin1(sink.url()));
    QCOMPARE(list[0].mode, QStringLiteral("re-signed"));
    QCOMPARE(list[0].requested, 3);
    QCOMPARE(list[0].summary.succeeded, 2);
    QCOMPARE(list[0].summary.failed, 1);
    QVERIFY(list[0].finishedUs >= list[0].startedUs);

    QSignalSpy requests(&session, &ReplaySession::requestsLoaded);
    session.loadRequests(runId);
    QVERIFY(requests.wait(5000));
    QCOMPARE(requests.first().at(0).toLongLong(), runId);
    const auto rows = requests.first().at(1).value<QList<ReplayResult>>();
    QCOMPARE(rows.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(rows[i].index, i);
        QCOMPARE(rows[i].rowId, qint64(i + 1));
        QCOMPARE(rows[i].originalMsgId, "msg_" + QByteArray::number(i + 1));
        QCOMPARE(rows[i].type, QStringLiteral("migration.started"));
        QCOMPARE(rows[i].tries, 1);
        QVERIFY(rows[i].latencyUs > 0);
    }
    QCOMPARE(rows[0].status, 202);
    QCOMPARE(rows[0].responseHead, QByteArray("taken"));
    QVERIFY(rows[0].error.isEmpty());
    QCOMPARE(rows[1].status, 500);
    QCOMPARE(rows[1].responseHead, QByteArray("down"));
    QVERIFY(rows[1].error.contains(QStringLiteral("500")));
}

void TestReplaySession::sendsAnEditedBodyOnce()
{
    QTemporaryDir dir;
    QVERIFY(fillStore(dir.path(), 1));
    WebhookSink sink;
    QVERIFY(sink.listen());
    Store source(Store::Options {dir.path()});
    ReplaySession session(source);
    QSignalSpy finished(&session, &ReplaySession::finished);
    QSignalSpy results(&session, &ReplaySession::resultReady);
    OutgoingDelivery edited;
    edited.msgId = "msg_1";
    edited.body = R"({"edited":true})";
    ReplayOptions o = options(sink);
    o.signing.newIds = true;
    QString error;
    QVERIFY2(session.start(QList<OutgoingDelivery> {edited}, o, &error), qPrintable(error));
    QVERIFY(finished.wait(10000));
    QCOMPARE(sink.requests().size(), 1);
    const SinkRequest &r = sink.requests().first();
    QCOMPARE(r.body, edited.body);
    QVERIFY(r.header("svix-id") != "msg_1");
    QVERIFY(r.header("svix-id").startsWith("msg_"));
    const auto result = results.first().first().value<ReplayResult>();
    QCOMPARE(result.sentMsgId, r.header("svix-id"));
    QCOMPARE(result.rowId, qint64(0));

    QSignalSpy runs(&session, &ReplaySession::runsLoaded);
    session.loadRuns();
    QVERIFY(runs.wait(5000));
    const auto list = runs.first().first().value<QList<ReplayRunInfo>>();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].mode, QStringLiteral("re-signed, new ids"));
    QSignalSpy requests(&session, &ReplaySession::requestsLoaded);
    session.loadRequests(list[0].id);
    QVERIFY(requests.wait(5000));
    const auto rows = requests.first().at(1).value<QList<ReplayResult>>();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].rowId, qint64(0)); // not a stored delivery
    QCOMPARE(rows[0].sentMsgId, result.sentMsgId);
}

void TestReplaySession::historyIsWrittenInBatches()
{
    QTemporaryDir dir;
    constexpr int Count = 250; // more than one batch
    QVERIFY(fillStore(dir.path(), Count));
    WebhookSink sink;
    QVERIFY(sink.listen());
    Store source(Store::Options {dir.path()});
    ReplaySession session(source);
    QSignalSpy finished(&session, &ReplaySession::finished);
    QSignalSpy recorded(&session, &ReplaySession::runRecorded);
    ReplayOptions o = options(sink);
    o.signing = {}; // as received: the stored signature goes out unchanged
    o.concurrency = 8;
    ReplaySelection all; // no filter: every stored delivery
    QString error;
    QVERIFY2(session.start(all, o, &error), qPrintable(error));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().value<ReplaySummary>().succeeded, Count);
    QCOMPARE(sink.requests().size(), Count);
    QCOMPARE(sink.requests()[7].header("svix-signature"), QByteArray("v1,stored-signature-8"));
    QTRY_COMPARE(recorded.size(), 1);

    QSignalSpy requests(&session, &ReplaySession::requestsLoaded);
    session.loadRequests(recorded.first().first().toLongLong());
    QVERIFY(requests.wait(5000));
    const auto rows = requests.first().at(1).value<QList<ReplayResult>>();
    QCOMPARE(rows.size(), Count);
    QCOMPARE(rows.last().index, Count - 1);
    QCOMPARE(rows.last().sentMsgId, QByteArray("msg_250"));
}

void TestReplaySession::nothingToReplay()
{
    QTemporaryDir dir;
    QVERIFY(fillStore(dir.path(), 1));
    WebhookSink sink;
    QVERIFY(sink.listen());
    Store store(Store::Options {dir.path()});
    ReplaySession session(store);
    QSignalSpy failed(&session, &ReplaySession::failed);
    QSignalSpy started(&session, &ReplaySession::started);
    ReplaySelection selection;
    selection.rowIds = {42};
    QString error;
    QVERIFY(session.start(selection, options(sink), &error));
    QVERIFY(failed.wait(5000));
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("Nothing to replay")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(started.size(), 0);
    QVERIFY(!session.isRunning());
    QCOMPARE(sink.requests().size(), 0);

    // A folder without a store says so.
    QTemporaryDir empty;
    Store none(Store::Options {empty.path() + QStringLiteral("/none")});
    ReplaySession elsewhere(none);
    QSignalSpy failedElsewhere(&elsewhere, &ReplaySession::failed);
    QVERIFY(elsewhere.start(selection, options(sink), &error));
    QVERIFY(failedElsewhere.wait(5000));
    QVERIFY(failedElsewhere.last().first().toString().contains(QStringLiteral("could not be read")));
}

void TestReplaySession::badOptionsAreRefused()
{
    Store store(Store::Options {QStringLiteral("/nonexistent")});
    ReplaySession session(store);
    ReplayOptions o;
    o.target = QUrl(QStringLiteral("ftp://example.com/x"));
    QString error;
    QVERIFY(!session.start(ReplaySelection {}, o, &error));
    QVERIFY(error.contains(QStringLiteral("http")));
    o.target = QUrl(QStringLiteral("http://127.0.0.1:9/x"));
    QVERIFY(!session.start(QList<OutgoingDelivery> {}, o, &error));
    QCOMPARE(error, QStringLiteral("Nothing to replay."));
    QVERIFY(!session.isRunning());
}

void TestReplaySession::cancelReportsTheRestAndRecordsIt()
{
    QTemporaryDir dir;
    QVERIFY(fillStore(dir.path(), 5));
    WebhookSink sink;
    QVERIFY(sink.listen());
    sink.setAnswer([](const SinkRequest &) { return SinkAnswer {200, "late", 30000}; });
    Store source(Store::Options {dir.path()});
    ReplaySession session(source);
    QSignalSpy finished(&session, &ReplaySession::finished);
    QSignalSpy results(&session, &ReplaySession::resultReady);
    QSignalSpy recorded(&session, &ReplaySession::runRecorded);
    QSignalSpy received(&sink, &WebhookSink::received);
    ReplayOptions o = options(sink);
    o.concurrency = 1;
    QString error;
    QVERIFY(session.start(ReplaySelection {rowIds(5), {}, {}, {}}, o, &error));
    QVERIFY(received.wait(10000)); // the first is in flight, waiting for its answer
    session.cancel();
    QTRY_COMPARE(finished.size(), 1);
    const auto summary = finished.first().first().value<ReplaySummary>();
    QCOMPARE(summary.cancelled, 5);
    QCOMPARE(results.size(), 5);
    QTRY_COMPARE(recorded.size(), 1);

    QSignalSpy runs(&session, &ReplaySession::runsLoaded);
    session.loadRuns();
    QVERIFY(runs.wait(5000));
    const auto list = runs.first().first().value<QList<ReplayRunInfo>>();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].summary.cancelled, 5);
    QVERIFY(list[0].finishedUs > 0);
    QSignalSpy requests(&session, &ReplaySession::requestsLoaded);
    session.loadRequests(list[0].id);
    QVERIFY(requests.wait(5000));
    const auto rows = requests.first().at(1).value<QList<ReplayResult>>();
    QCOMPARE(rows.size(), 5);
    for (const ReplayResult &r : rows)
        QVERIFY(r.cancelled);
}

void TestReplaySession::destroyedMidRunStillRecords()
{
    QTemporaryDir dir;
    QVERIFY(fillStore(dir.path(), 3));
    Store source(Store::Options {dir.path()});
    WebhookSink sink;
    QVERIFY(sink.listen());
    sink.setAnswer([](const SinkRequest &) { return SinkAnswer {200, "late", 30000}; });
    QSignalSpy received(&sink, &WebhookSink::received);
    {
        ReplaySession session(source);
        QSignalSpy recorded(&session, &ReplaySession::runRecorded);
        QString error;
        QVERIFY(session.start(ReplaySelection {rowIds(3), {}, {}, {}}, options(sink), &error));
        QVERIFY(received.wait(10000));
        QTRY_COMPARE(recorded.size(), 1);
    } // the destructor cancels and writes before its thread ends
    ReplayStore store(source);
    QVERIFY(store.isOpen());
    const QList<ReplayRunInfo> runs = store.runs();
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs[0].summary.cancelled, 3);
    QVERIFY(runs[0].finishedUs > 0);
    QCOMPARE(store.requests(runs[0].id).size(), 3);
}

QTEST_GUILESS_MAIN(TestReplaySession)
#include "tst_replaysession.moc"
