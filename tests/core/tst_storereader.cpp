// SPDX-License-Identifier: GPL-3.0-or-later
// The store reader (core/store/storereader.*), against stores written by the real
// StoreWriter in a temporary folder: every field of EventFacts, rowid order, batches and
// afterRowId, byte-exact bodies, attempts (the first from the delivery row, retries from the
// attempts table), the rejection journal, listening intervals, and a missing store.
#include "model/downtime.h"
#include "store/database.h"
#include "store/records.h"
#include "store/store.h"
#include "store/storereader.h"
#include "store/storewriter.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

using namespace mm;

namespace {

constexpr qint64 Sec = 1'000'000;
// 2025-06-18T00:50:40.301173Z, the seed's "created".
constexpr qint64 SeedCreatedUs = 1'750'207'840'301'173LL;

qint64 wallClockUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

// Runs a fresh writer on dataDir (a writer is not restartable), lets `fill` queue work, and
// stops it, which commits everything queued.
bool writeStore(const QString &dataDir, const std::function<void(StoreWriter &)> &fill, QString *error)
{
    Store writerStore(Store::Options {dataDir, Durability::Power, 10000, false});
    StoreWriter &writer = writerStore.writer();
    if (!writer.start(error))
        return false;
    fill(writer);
    writer.stop();
    return true;
}

DeliveryRecord record(const QByteArray &msgId, qint64 receivedUs)
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = QStringLiteral("migration.started");
    r.migrationId = QStringLiteral("mig_01J0ZK3AV1P9M5M2G8T3W4X5Y6");
    r.createdUs = SeedCreatedUs;
    r.status = QStringLiteral("WORKING");
    r.companyId = QStringLiteral("3f1c0f0e-5f7e-4a53-9d7b-0c1e2d3f4a5b");
    r.createdByUserId = QStringLiteral("usr_01HZY0000000000000000000");
    r.objectCreatedUs = SeedCreatedUs - 20'000;
    r.parsed = true;
    r.body = QByteArrayLiteral(R"({"id": "evt_x", "type": "migration.started"})");
    r.receivedUs = receivedUs;
    r.timestampHeader = receivedUs / Sec;
    r.remote = QStringLiteral("127.0.0.1");
    r.userAgent = QStringLiteral("Svix-Webhooks/1.24 (sender-X; +https://www.svix.com/http-sender/)");
    r.secretIndex = 0;
    return r;
}

QString optionalText(const std::optional<qint64> &v)
{
    return v ? QString::number(*v) : QStringLiteral("none");
}

// What loadFacts must say for a stored record; empty when it does.
QString factDifferences(const EventFacts &got, const DeliveryRecord &want, int attempts)
{
    QStringList out;
    auto field = [&out](const char *name, const QString &g, const QString &w) {
        if (g != w)
            out << QStringLiteral("%1: got \"%2\", expected \"%3\"").arg(QString::fromLatin1(name), g, w);
    };
    field("msgId", QString::fromLatin1(got.msgId), QString::fromLatin1(want.msgId));
    field("eventId", got.eventId, want.eventId);
    field("type", got.type, want.type);
    field("migrationId", got.migrationId, want.migrationId);
    field("createdUs", optionalText(got.createdUs), optionalText(want.createdUs));
    field("status", got.status, want.status);
    field("errorMessage", got.errorMessage, want.errorMessage);
    field("taskId", got.taskId, want.taskId);
    field("companyId", got.companyId, want.companyId);
    field("createdByUserId", got.createdByUserId, want.createdByUserId);
    field("objectCreatedUs", optionalText(got.objectCreatedUs), optionalText(want.objectCreatedUs));
    field("receivedUs", QString::number(got.receivedUs), QString::number(want.receivedUs));
    field("attempts", QString::number(got.attempts), QString::number(attempts));
    field("parsed", QString::number(got.parsed), QString::number(want.parsed));
    field("replayed", QString::number(got.replayed), QStringLiteral("0"));
    return out.join(QStringLiteral("; "));
}

QList<EventFacts> loadAll(StoreReader &reader, qint64 afterRowId = 0, int batchSize = 4096,
                          qint64 *count = nullptr)
{
    QList<EventFacts> all;
    const qint64 n
        = reader.loadFacts([&all](QList<EventFacts> &&batch) { all.append(batch); }, afterRowId, batchSize);
    if (count)
        *count = n;
    return all;
}

} // namespace

class TestStoreReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void loadFactsReturnsEveryField();
    void loadFactsInBatches_data();
    void loadFactsInBatches();
    void loadFactsSeesLaterCommits();
    void bodyIsByteExact_data();
    void bodyIsByteExact();
    void attemptsListFirstAndRetries();
    void detailGivesBodyHeadersAndAttempts();
    void rejections();
    void listenIntervals();
    void missingStore();

private:
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStoreReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStoreReader::loadFactsReturnsEveryField()
{
    const qint64 t = SeedCreatedUs + 3600 * Sec;

    DeliveryRecord failed = record("msg_2ZkcXqCFqYy1T3pbU9d6A0nVqGz", t);
    failed.eventId = QStringLiteral("evt_01J0ZK3AV1P9M5M2G8T3W4X5Y7");
    failed.type = QStringLiteral("migration.failed");
    failed.status = QStringLiteral("FAILED");
    failed.errorMessage = QStringLiteral(
        "Login workflow failed: the source system rejected the credentials \u2014 r\u00e9essayez");
    failed.createdUs = SeedCreatedUs + 5 * Sec + 17;

    DeliveryRecord task = record("msg_2ZkcXqCFqYy1T3pbU9d6A0nVqH0", t + Sec);
    task.type = QStringLiteral("migration_task.failed");
    task.status = QStringLiteral("FAILED");
    task.taskId = QStringLiteral("task_01J0ZK3AV1P9M5M2G8T3W4X5Y8");
    task.errorMessage = QStringLiteral("Timed out downloading the payroll register after 300 s");
    task.companyId.clear();
    task.createdByUserId.clear();
    task.objectCreatedUs.reset();

    DeliveryRecord unparsed = record("msg_2ZkcXqCFqYy1T3pbU9d6A0nVqH1", t + 2 * Sec);
    unparsed.eventId.clear();
    unparsed.type.clear();
    unparsed.migrationId.clear();
    unparsed.createdUs.reset();
    unparsed.status.clear();
    unparsed.companyId.clear();
    unparsed.createdByUserId.clear();
    unparsed.objectCreatedUs.reset();
    unparsed.parsed = false;
    unparsed.body = QByteArrayLiteral("{\"created\": 2025-06-18T00:50:40.301173, \"id\":");

    DeliveryRecord ping = record("msg_2ZkcXqCFqYy1T3pbU9d6A0nVqH2", t + 3 * Sec);
    ping.type = QStringLiteral("svix.ping");
    ping.migrationId.clear();
    ping.status.clear();
    ping.companyId.clear();
    ping.createdByUserId.clear();
    ping.objectCreatedUs.reset();

    // The failed delivery is retried after the others: one row, two attempts, first receipt kept.
    DeliveryRecord retry = failed;
    retry.receivedUs = t + 300 * Sec;
    retry.timestampHeader = retry.receivedUs / Sec;

    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [&](StoreWriter &w) {
                     w.submit(1, failed);
                     w.submit(2, task);
                     w.submit(3, unparsed);
                     w.submit(4, ping);
                     w.submit(5, retry);
                 },
                 &error),
             qPrintable(error));

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    QCOMPARE(reader.deliveryCount(), qint64(4));
    qint64 count = 0;
    const QList<EventFacts> facts = loadAll(reader, 0, 4096, &count);
    QCOMPARE(count, qint64(4));
    QCOMPARE(facts.size(), qsizetype(4));
    const QList<DeliveryRecord> expected {failed, task, unparsed, ping};
    const QList<int> attempts {2, 1, 1, 1};
    for (qsizetype i = 0; i < facts.size(); ++i) {
        const QString diff = factDifferences(facts[i], expected[i], attempts[i]);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("row %1: %2").arg(i).arg(diff)));
        if (i > 0)
            QVERIFY2(facts[i].rowId > facts[i - 1].rowId, "not in rowid order");
        QVERIFY(facts[i].rowId > 0);
    }
    // Empty values come back empty, and absent times absent.
    QVERIFY(facts[2].eventId.isEmpty() && facts[2].type.isEmpty() && facts[2].status.isEmpty());
    QVERIFY(!facts[2].createdUs && !facts[2].objectCreatedUs);

    // A second reader on the same store, at the same time, reads the same.
    const Store secondStore(Store::Options {dataDir()});
    StoreReader second(secondStore);
    QVERIFY2(second.isOpen(), qPrintable(second.error()));
    const QList<EventFacts> again = loadAll(second);
    QCOMPARE(again.size(), facts.size());
    for (qsizetype i = 0; i < again.size(); ++i)
        QCOMPARE(again[i].rowId, facts[i].rowId);
}

void TestStoreReader::loadFactsInBatches_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("after"); // load rows after the after-th row (0: from the start)
    QTest::addRow("10 in threes") << 10 << 3 << 0;
    QTest::addRow("10 in fives: no empty batch at the end") << 10 << 5 << 0;
    QTest::addRow("10 one by one") << 10 << 1 << 0;
    QTest::addRow("10 in one default-sized batch") << 10 << 4096 << 0;
    QTest::addRow("after the 4th, in threes") << 10 << 3 << 4;
    QTest::addRow("after the 9th") << 10 << 3 << 9;
    QTest::addRow("after the last: nothing") << 10 << 3 << 10;
    QTest::addRow("an empty store") << 0 << 3 << 0;
    QTest::addRow("5000 in the default size") << 5000 << 4096 << 0;
}

void TestStoreReader::loadFactsInBatches()
{
    QFETCH(int, rows);
    QFETCH(int, batchSize);
    QFETCH(int, after);
    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [rows](StoreWriter &w) {
                     std::vector<std::pair<quint64, DeliveryRecord>> all;
                     for (int i = 0; i < rows; ++i)
                         all.emplace_back(
                             quint64(i),
                             record("msg_" + QByteArray::number(100000 + i), SeedCreatedUs + i * Sec));
                     w.submit(std::move(all));
                 },
                 &error),
             qPrintable(error));

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<EventFacts> everything = loadAll(reader);
    QCOMPARE(everything.size(), qsizetype(rows));
    for (int i = 0; i < rows; ++i)
        QCOMPARE(everything[i].msgId, QByteArray("msg_" + QByteArray::number(100000 + i))); // written order
    const qint64 afterRowId = after == 0 ? 0 : everything[after - 1].rowId;

    QList<qsizetype> sizes;
    QList<EventFacts> got;
    const qint64 count = reader.loadFacts(
        [&](QList<EventFacts> &&batch) {
            sizes.append(batch.size());
            got.append(batch);
        },
        afterRowId, batchSize);

    const int remaining = rows - after;
    QList<qsizetype> expectedSizes;
    for (int left = remaining; left > 0; left -= batchSize)
        expectedSizes.append(std::min(left, batchSize));
    QCOMPARE(count, qint64(remaining));
    QCOMPARE(sizes, expectedSizes);
    QCOMPARE(got.size(), qsizetype(remaining));
    for (qsizetype i = 0; i < got.size(); ++i) {
        QVERIFY(got[i].rowId > afterRowId);
        QCOMPARE(got[i].rowId, everything[after + i].rowId);
        QCOMPARE(got[i].msgId, everything[after + i].msgId);
    }
}

void TestStoreReader::loadFactsSeesLaterCommits()
{
    // The reader stays open while more deliveries are committed; afterRowId fetches just those.
    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [](StoreWriter &w) {
                     w.submit(1, record("msg_a", SeedCreatedUs));
                     w.submit(2, record("msg_b", SeedCreatedUs + Sec));
                 },
                 &error),
             qPrintable(error));
    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<EventFacts> first = loadAll(reader);
    QCOMPARE(first.size(), qsizetype(2));

    QVERIFY2(writeStore(
                 dataDir(),
                 [](StoreWriter &w) {
                     w.submit(3, record("msg_c", SeedCreatedUs + 2 * Sec));
                     w.submit(4, record("msg_a", SeedCreatedUs + 3 * Sec)); // a retry of an old one
                     w.submit(5, record("msg_d", SeedCreatedUs + 4 * Sec));
                 },
                 &error),
             qPrintable(error));
    qint64 count = -1;
    const QList<EventFacts> later = loadAll(reader, first.last().rowId, 4096, &count);
    QCOMPARE(count, qint64(2));
    QCOMPARE(later.size(), qsizetype(2));
    QCOMPARE(later[0].msgId, QByteArray("msg_c"));
    QCOMPARE(later[1].msgId, QByteArray("msg_d"));
    // The retry is seen by reading the row again.
    const QList<EventFacts> all = loadAll(reader);
    QCOMPARE(all.size(), qsizetype(4));
    QCOMPARE(all[0].msgId, QByteArray("msg_a"));
    QCOMPARE(all[0].attempts, 2);
    QCOMPARE(all[0].receivedUs, SeedCreatedUs);
    QCOMPARE(reader.deliveryCount(), qint64(4));
}

void TestStoreReader::bodyIsByteExact_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("json") << QByteArrayLiteral(
        R"({"id": "evt_1", "object": "event", "data": {"migration_id": "mig_1"}})");
    QTest::addRow("NUL bytes and invalid UTF-8") << QByteArray("\x00\x01{\xff\xfe\xc3(\x00}", 10);
    QTest::addRow("CRLF, tabs and trailing spaces") << QByteArrayLiteral("{\r\n\t\"a\": 1 \r\n}  \n");
    QTest::addRow("byte order mark") << QByteArrayLiteral("\xef\xbb\xbf{\"a\":\"\xc3\xa9\"}");
    QTest::addRow("empty") << QByteArray("");
    QByteArray large(350 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < large.size(); ++i)
        large[i] = char((i * 131 + 7) % 256);
    QTest::addRow("350 KiB of every byte value") << large;
}

void TestStoreReader::bodyIsByteExact()
{
    QFETCH(QByteArray, body);
    DeliveryRecord r = record("msg_body", SeedCreatedUs);
    r.body = body;
    r.parsed = false;
    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [&r](StoreWriter &w) {
                     w.submit(1, record("msg_before", SeedCreatedUs - Sec));
                     w.submit(2, r);
                 },
                 &error),
             qPrintable(error));
    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<EventFacts> facts = loadAll(reader);
    QCOMPARE(facts.size(), qsizetype(2));
    const std::optional<QByteArray> got = reader.body(facts[1].rowId);
    QVERIFY(got.has_value());
    QCOMPARE(got->size(), body.size());
    QCOMPARE(*got, body);
    QCOMPARE(reader.body(facts[0].rowId), std::optional<QByteArray>(record("msg_before", 0).body));
    QCOMPARE(reader.body(facts[1].rowId + 1000), std::optional<QByteArray>());
}

void TestStoreReader::detailGivesBodyHeadersAndAttempts()
{
    DeliveryRecord first = record("msg_detail", SeedCreatedUs);
    first.body = QByteArray("{\"a\":1}\xff\x00tail", 12); // not UTF-8, with a NUL: kept byte-exact
    first.headers = "svix-id: msg_detail\nsvix-signature: v1,[masked]\nuser-agent: Svix-Webhooks/1.24\n";
    first.secretIndex = 1;
    DeliveryRecord retry = first;
    retry.receivedUs = first.receivedUs + 5 * Sec;
    retry.headers = "svix-id: msg_detail\nx-note: a: b\n";
    retry.secretIndex = 0;

    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [&](StoreWriter &w) {
                     w.submit(1, first);
                     w.submit(2, retry);
                 },
                 &error),
             qPrintable(error));

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<EventFacts> facts = loadAll(reader);
    QCOMPARE(facts.size(), qsizetype(1));
    const DeliveryDetail d = reader.detail(facts[0].rowId);
    QVERIFY2(d.found, qPrintable(d.error));
    QCOMPARE(d.rowId, facts[0].rowId);
    QCOMPARE(d.msgId, QByteArray("msg_detail"));
    QCOMPARE(d.body, first.body);
    QCOMPARE(d.attempts.size(), qsizetype(2));
    QCOMPARE(d.attempts[0].seq, 1);
    QCOMPARE(d.attempts[0].secretIndex, 1);
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    QCOMPARE(d.attempts[0].headers,
             (Headers {{"svix-id", "msg_detail"},
                       {"svix-signature", "v1,[masked]"},
                       {"user-agent", "Svix-Webhooks/1.24"}}));
    QCOMPARE(d.attempts[1].seq, 2);
    QCOMPARE(d.attempts[1].receivedUs, retry.receivedUs);
    QCOMPARE(d.attempts[1].headers, (Headers {{"svix-id", "msg_detail"}, {"x-note", "a: b"}}));

    const DeliveryDetail missing = reader.detail(facts[0].rowId + 1000);
    QVERIFY(!missing.found);
    QVERIFY(missing.deleted); // only retention deletes deliveries
    QVERIFY(missing.error.contains(QString::number(facts[0].rowId + 1000)));
    QVERIFY(!d.deleted);
}

void TestStoreReader::attemptsListFirstAndRetries()
{
    DeliveryRecord a1 = record("msg_retried", SeedCreatedUs + 1 * Sec);
    a1.remote = QStringLiteral("10.0.0.1");
    a1.userAgent = QStringLiteral("Svix-Webhooks/1.24 (sender-A)");
    a1.secretIndex = 0;
    a1.timestampHeader = 1750207841;
    DeliveryRecord a2 = a1;
    a2.receivedUs = SeedCreatedUs + 6 * Sec;
    a2.remote = QStringLiteral("10.0.0.2");
    a2.userAgent = QStringLiteral("Svix-Webhooks/1.24 (sender-B)");
    a2.secretIndex = 1;
    a2.timestampHeader = 1750207846;
    DeliveryRecord a3 = a1;
    a3.receivedUs = SeedCreatedUs + 306 * Sec;
    a3.remote = QStringLiteral("10.0.0.3");
    a3.userAgent = QStringLiteral("Svix-Webhooks/1.25 (sender-C)");
    a3.secretIndex = 0;
    a3.timestampHeader = 1750208146;
    const DeliveryRecord single = record("msg_single", SeedCreatedUs + 2 * Sec);

    QString error;
    // The retries come in later transactions, with another delivery in between.
    QVERIFY2(writeStore(
                 dataDir(),
                 [&](StoreWriter &w) {
                     w.submit(1, a1);
                     w.submit(2, single);
                 },
                 &error),
             qPrintable(error));
    QVERIFY2(writeStore(
                 dataDir(), [&](StoreWriter &w) { w.submit(3, a2); }, &error),
             qPrintable(error));
    QVERIFY2(writeStore(
                 dataDir(), [&](StoreWriter &w) { w.submit(4, a3); }, &error),
             qPrintable(error));

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<EventFacts> facts = loadAll(reader);
    QCOMPARE(facts.size(), qsizetype(2));
    QCOMPARE(facts[0].msgId, QByteArray("msg_retried"));
    QCOMPARE(facts[0].attempts, 3);

    {
        // The retries are in the store (read here with plain SQL), and the reader lists them.
        const QString connection = QStringLiteral("tst_storereader-raw");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            db.setDatabaseName(Database::databasePath(dataDir()));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.prepare(QStringLiteral("SELECT seq, received_us, remote, user_agent, secret_index FROM "
                                             "attempts WHERE delivery_id = ? ORDER BY seq")));
            q.addBindValue(facts[0].rowId);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QList<qint64> seqs;
            QList<qint64> received;
            while (q.next()) {
                seqs.append(q.value(0).toLongLong());
                received.append(q.value(1).toLongLong());
            }
            QCOMPARE(seqs, (QList<qint64> {2, 3}));
            QCOMPARE(received, (QList<qint64> {a2.receivedUs, a3.receivedUs}));
        }
        QSqlDatabase::removeDatabase(connection);
    }
    const QList<AttemptInfo> retried = reader.attempts(facts[0].rowId);
    QCOMPARE(retried.size(), qsizetype(3));
    const QList<DeliveryRecord> sent {a1, a2, a3};
    for (int i = 0; i < std::min<int>(3, int(retried.size())); ++i) {
        QCOMPARE(retried[i].seq, i + 1);
        QCOMPARE(retried[i].receivedUs, sent[i].receivedUs);
        QCOMPARE(retried[i].timestampHeader, sent[i].timestampHeader);
        QCOMPARE(retried[i].remote, sent[i].remote);
        QCOMPARE(retried[i].userAgent, sent[i].userAgent);
        QCOMPARE(retried[i].secretIndex, sent[i].secretIndex);
    }
    const QList<AttemptInfo> once = reader.attempts(facts[1].rowId);
    QCOMPARE(once.size(), qsizetype(1));
    if (!once.isEmpty()) {
        QCOMPARE(once[0].seq, 1);
        QCOMPARE(once[0].receivedUs, single.receivedUs);
        QCOMPARE(once[0].remote, single.remote);
        QCOMPARE(once[0].userAgent, single.userAgent);
    }
    QVERIFY(reader.attempts(facts[1].rowId + 1000).isEmpty());
}

void TestStoreReader::rejections()
{
    auto rejection = [](qint64 receivedUs, const QByteArray &msgId, const QString &code) {
        RejectionRecord r;
        r.receivedUs = receivedUs;
        r.remote = QStringLiteral("192.0.2.7");
        r.status = code == QLatin1String("too_large") ? 413 : 401;
        r.reasonCode = code;
        r.reason = QStringLiteral("Refused: %1").arg(code);
        r.msgId = msgId;
        r.timestampHeader = receivedUs / Sec;
        if (!msgId.isEmpty())
            r.headers.append({QByteArrayLiteral("svix-id"), msgId});
        r.headers.append({QByteArrayLiteral("svix-signature"), QByteArrayLiteral("v1,[masked]")});
        r.headers.append({QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")});
        r.bodyHead = QByteArray("{\"id\":\x00\xff", 8);
        r.bodySize = 4321 + receivedUs % 7;
        return r;
    };
    // Written in this order; received at 300, 100 and 200 s.
    const QList<RejectionRecord> written {
        rejection(SeedCreatedUs + 300 * Sec, "msg_late", QStringLiteral("no_matching_signature")),
        rejection(SeedCreatedUs + 100 * Sec, QByteArray(), QStringLiteral("missing_headers")),
        rejection(SeedCreatedUs + 200 * Sec, "msg_big", QStringLiteral("too_large")),
    };
    QString error;
    QVERIFY2(writeStore(
                 dataDir(),
                 [&written](StoreWriter &w) {
                     for (const RejectionRecord &r : written)
                         w.submitRejection(r);
                 },
                 &error),
             qPrintable(error));

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<RejectionRecord> got = reader.rejections();
    QCOMPARE(got.size(), qsizetype(3));
    // Oldest first by the time received.
    const QList<RejectionRecord> expected {written[1], written[2], written[0]};
    for (qsizetype i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].receivedUs, expected[i].receivedUs);
        QCOMPARE(got[i].remote, expected[i].remote);
        QCOMPARE(got[i].status, expected[i].status);
        QCOMPARE(got[i].reasonCode, expected[i].reasonCode);
        QCOMPARE(got[i].reason, expected[i].reason);
        QCOMPARE(got[i].msgId, expected[i].msgId);
        QCOMPARE(got[i].timestampHeader, expected[i].timestampHeader);
        QCOMPARE(got[i].headers, expected[i].headers);
        QCOMPARE(got[i].bodyHead, expected[i].bodyHead);
        QCOMPARE(got[i].bodySize, expected[i].bodySize);
    }
    // A limit keeps the newest entries of the journal (the last written), still oldest first.
    const QList<RejectionRecord> two = reader.rejections(2);
    QCOMPARE(two.size(), qsizetype(2));
    QVERIFY(two[0].receivedUs <= two[1].receivedUs);
    const bool hasLastWritten = std::any_of(two.cbegin(), two.cend(), [&written](const RejectionRecord &r) {
        return r.receivedUs == written.last().receivedUs;
    });
    QVERIFY(hasLastWritten);
}

void TestStoreReader::listenIntervals()
{
    const QString url1 = QStringLiteral("http://127.0.0.1:8787/webhooks");
    const QString url2 = QStringLiteral("https://127.0.0.1:8443/hooks");
    QString error;
    const qint64 before1 = wallClockUs();
    QVERIFY2(writeStore(
                 dataDir(),
                 [&url1](StoreWriter &w) {
                     w.listeningStarted(url1);
                     w.listeningAlive();
                     w.listeningStopped();
                 },
                 &error),
             qPrintable(error));
    const qint64 after1 = wallClockUs();
    // The second run ends without a stop, as after a crash.
    QVERIFY2(writeStore(
                 dataDir(),
                 [&url2](StoreWriter &w) {
                     w.listeningStarted(url2);
                     w.listeningAlive();
                 },
                 &error),
             qPrintable(error));
    const qint64 after2 = wallClockUs();

    const Store readerStore(Store::Options {dataDir()});
    StoreReader reader(readerStore);
    QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
    const QList<ListenInterval> intervals = reader.listenIntervals();
    QCOMPARE(intervals.size(), qsizetype(2));
    const ListenInterval &a = intervals[0];
    const ListenInterval &b = intervals[1];
    QCOMPARE(a.url, url1);
    QCOMPARE(b.url, url2);
    QVERIFY(a.stoppedUs.has_value());
    QVERIFY(!b.stoppedUs.has_value());
    // Times are the writer's wall clock (milliseconds), in order, inside each run.
    QVERIFY2(before1 - 1000 <= a.startedUs && a.startedUs <= a.aliveUs && a.aliveUs <= *a.stoppedUs
                 && *a.stoppedUs <= after1,
             qPrintable(QStringLiteral("%1 <= %2 <= %3 <= %4 <= %5")
                            .arg(before1)
                            .arg(a.startedUs)
                            .arg(a.aliveUs)
                            .arg(*a.stoppedUs)
                            .arg(after1)));
    QVERIFY(*a.stoppedUs <= b.startedUs);
    QVERIFY(b.startedUs <= b.aliveUs && b.aliveUs <= after2);
    // As downtimeGaps sees them: whatever the gap, it ends where the second run began.
    const QList<DowntimeGap> gaps = downtimeGaps(intervals, 0);
    QVERIFY(gaps.size() <= 1);
    if (!gaps.isEmpty()) {
        QCOMPARE(gaps[0].fromUs, *a.stoppedUs);
        QCOMPARE(gaps[0].toUs, b.startedUs);
        QVERIFY(!gaps[0].afterCrash);
    }

    QVERIFY(reader.rejections().isEmpty());
    QCOMPARE(reader.deliveryCount(), qint64(0));
}

void TestStoreReader::missingStore()
{
    const QString absent = m_dir->filePath(QStringLiteral("absent"));
    {
        const Store store(Store::Options {absent});
        StoreReader reader(store);
        QVERIFY(!reader.isOpen());
        QVERIFY(!reader.error().isEmpty());
        QVERIFY2(reader.error().contains(absent), qPrintable(reader.error()));
        bool called = false;
        QCOMPARE(reader.loadFacts([&called](QList<EventFacts> &&) { called = true; }), qint64(-1));
        QVERIFY(!called);
        QCOMPARE(reader.body(1), std::optional<QByteArray>());
        QVERIFY(reader.attempts(1).isEmpty());
        QVERIFY(reader.rejections().isEmpty());
        QVERIFY(reader.listenIntervals().isEmpty());
    }
    // Reading must not create a store, nor its folder.
    QVERIFY(!QFileInfo::exists(absent));

    // A folder without a store is missing too.
    QVERIFY(QDir().mkpath(dataDir()));
    const Store emptyStore(Store::Options {dataDir()});
    StoreReader empty(emptyStore);
    QVERIFY(!empty.isOpen());
    QVERIFY(!empty.error().isEmpty());
    QVERIFY(!QFileInfo::exists(Database::databasePath(dataDir())));
}

QTEST_GUILESS_MAIN(TestStoreReader)
#include "tst_storereader.moc"
