// SPDX-License-Identifier: GPL-3.0-or-later
// The SQLite store and its group-commit writer, checked from the outside: file modes,
// schema, outcomes (Stored, Duplicate, Failed on a locked store), the bounded rejection
// journal, listening intervals, stop() draining the queue, and the JSONL export.
#include "pgcluster.h"
#include "store/database.h"
#include "store/jsonlexporter.h"
#include "store/records.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "testsecret.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace mm;
using mm::test::modeOf;

namespace mm {
char *toString(WriteResult r)
{
    switch (r) {
    case WriteResult::Stored:
        return qstrdup("Stored");
    case WriteResult::Duplicate:
        return qstrdup("Duplicate");
    case WriteResult::Failed:
        return qstrdup("Failed");
    }
    return qstrdup("?");
}
} // namespace mm

namespace {

// 2025-06-18T00:50:40.301173Z, the seed's "created" (`date -u -d 2025-06-18T00:50:40Z +%s`).
constexpr qint64 SeedCreatedUs = Q_INT64_C(1750207840) * 1000000 + 301173;
constexpr int BusyTimeoutMs = 2000; // Database::open's QSQLITE_BUSY_TIMEOUT

qint64 wallClockUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

// Spins (no sleeping) until the wall clock has moved to a later millisecond, so that two
// events stamped by the writer get different times.
void letTheClockTick()
{
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    while (QDateTime::currentMSecsSinceEpoch() <= start) { }
}

DeliveryRecord delivery(const QByteArray &msgId, qint64 receivedUs = SeedCreatedUs + 1000000,
                        const QByteArray &body = QByteArrayLiteral(R"({"type":"migration.started"})"))
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = QStringLiteral("migration.started");
    r.migrationId = QStringLiteral("mig_1");
    r.createdUs = SeedCreatedUs;
    r.parsed = true;
    r.body = body;
    r.receivedUs = receivedUs;
    r.timestampHeader = receivedUs / 1000000;
    r.remote = QStringLiteral("127.0.0.1");
    r.userAgent = QStringLiteral("Svix-Webhooks/1.24 (sender-X; +https://www.svix.com/http-sender/)");
    r.secretIndex = 0;
    return r;
}

RejectionRecord rejection(int i, const QByteArray &msgId = {})
{
    RejectionRecord r;
    r.receivedUs = 1000 + i;
    r.remote = QStringLiteral("127.0.0.1");
    r.status = 401;
    r.reasonCode = QStringLiteral("no_matching_signature");
    r.reason = QStringLiteral("No matching signature #%1").arg(i);
    r.msgId = msgId;
    r.timestampHeader = 1750207840;
    r.headers = {{"svix-id", msgId}, {"svix-signature", "v1,[masked]"}};
    r.bodyHead = QByteArrayLiteral(R"({"id":)");
    r.bodySize = 4321;
    return r;
}

Store::Options options(const QString &dataDir, int rejectionJournalLimit = 10000)
{
    Store::Options o;
    o.folder = dataDir;
    o.rejectionJournalLimit = rejectionJournalLimit;
    return o;
}

struct UmaskGuard
{
    explicit UmaskGuard(mode_t mask)
        : previous(::umask(mask))
    {
    }
    ~UmaskGuard() { ::umask(previous); }
    mode_t previous;
};

// Collects the writer's completions. The sink runs on the writer thread: it records under a
// mutex, and also forwards the news to this object's thread, where QSignalSpy can watch it.
class Collector final : public QObject
{
    Q_OBJECT

public:
    Collector()
        : m_owner(QThread::currentThread())
    {
    }

    StoreWriter::CompletionSink sink()
    {
        return [this](QList<WriteOutcome> outcomes) {
            {
                std::lock_guard lock(m_mutex);
                if (QThread::currentThread() == m_owner)
                    m_ranOnOwnerThread = true;
                for (const WriteOutcome &o : outcomes) {
                    m_order.append(o.ticket);
                    m_outcomes.insert(o.ticket, o);
                }
            }
            const int n = int(outcomes.size());
            QMetaObject::invokeMethod(
                this, [this, n] { Q_EMIT outcomesArrived(n); }, Qt::QueuedConnection);
        };
    }

    qsizetype count() const
    {
        std::lock_guard lock(m_mutex);
        return m_order.size();
    }
    qsizetype distinctTickets() const
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes.size();
    }
    bool has(quint64 ticket) const
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes.contains(ticket);
    }
    WriteOutcome outcome(quint64 ticket) const
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes.value(ticket,
                                WriteOutcome {ticket, WriteResult::Failed, QStringLiteral("no outcome")});
    }
    qsizetype countOf(WriteResult result) const
    {
        std::lock_guard lock(m_mutex);
        return std::count_if(m_outcomes.cbegin(), m_outcomes.cend(),
                             [result](const WriteOutcome &o) { return o.result == result; });
    }
    bool ranOnOwnerThread() const
    {
        std::lock_guard lock(m_mutex);
        return m_ranOnOwnerThread;
    }
    int committed() const { return m_committed; }

public Q_SLOTS:
    void addCommitted(int n)
    {
        Q_ASSERT(QThread::currentThread() == m_owner);
        m_committed += n;
        Q_EMIT committedArrived(n);
    }

Q_SIGNALS:
    void outcomesArrived(int count);
    void committedArrived(int count);

private:
    QThread *const m_owner;
    mutable std::mutex m_mutex;
    QList<quint64> m_order;
    QHash<quint64, WriteOutcome> m_outcomes;
    bool m_ranOnOwnerThread = false;
    int m_committed = 0; // owner thread only
};

// A separate Qt SQL connection on the store file, under its own connection name.
class SqlConnection final
{
public:
    explicit SqlConnection(const QString &dataDir)
        : m_name(QStringLiteral("tst-storewriter-%1").arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(Database::databasePath(dataDir));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            qWarning("cannot open the store: %s", qPrintable(db.lastError().text()));
    }
    ~SqlConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(SqlConnection)

    bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (q.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }
    QList<QVariantList> rows(const QString &sql)
    {
        QList<QVariantList> out;
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql)) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return out;
        }
        while (q.next()) {
            QVariantList row;
            for (int i = 0; i < q.record().count(); ++i)
                row.append(q.value(i));
            out.append(row);
        }
        return out;
    }
    QVariant scalar(const QString &sql)
    {
        const QList<QVariantList> r = rows(sql);
        return r.isEmpty() || r.constFirst().isEmpty() ? QVariant() : r.constFirst().constFirst();
    }
    qint64 count(const QString &table, const QString &where = {})
    {
        const QString sql = QStringLiteral("SELECT count(*) FROM %1").arg(table)
            + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
        const QVariant v = scalar(sql);
        return v.isValid() ? v.toLongLong() : -1;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
};

// What an exported body decodes back to, whichever representation the line chose.
QByteArray exportedBody(const QJsonObject &line)
{
    if (line.contains(QLatin1String("body")))
        return line.value(QLatin1String("body")).toString().toUtf8();
    return QByteArray::fromBase64(line.value(QLatin1String("body_base64")).toString().toLatin1(),
                                  QByteArray::AbortOnBase64DecodingErrors);
}

QList<QJsonObject> parseJsonl(const QByteArray &text)
{
    QList<QJsonObject> out;
    const QByteArrayList lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i == lines.size() - 1 && lines.at(i).isEmpty())
            break; // after the last newline
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(lines.at(i), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning("line %lld is not a JSON object: %s", qint64(i), lines.at(i).constData());
            return {};
        }
        out.append(doc.object());
    }
    return out;
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

// The store as JsonlExporter sees it: one object per delivery, keyed by msg_id.
QHash<QString, QJsonObject> exportByMsgId(const QString &dataDir)
{
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    QString error;
    if (JsonlExporter::exportStore(Store(Store::Options {dataDir}), out, &error) < 0)
        qWarning("export failed: %s", qPrintable(error));
    QHash<QString, QJsonObject> byId;
    for (const QJsonObject &line : parseJsonl(out.data()))
        byId.insert(line.value(QLatin1String("msg_id")).toString(), line);
    return byId;
}

qint64 attemptsOf(const QHash<QString, QJsonObject> &exported, const char *msgId)
{
    const auto it = exported.constFind(QString::fromLatin1(msgId));
    return it == exported.cend() ? -1 : it->value(QLatin1String("attempts")).toInteger(-1);
}

qint64 totalAttempts(const QHash<QString, QJsonObject> &exported)
{
    qint64 total = 0;
    for (const QJsonObject &line : exported)
        total += line.value(QLatin1String("attempts")).toInteger();
    return total;
}

} // namespace

// Waits until the writer has answered `ticket`.
#define WAIT_FOR_TICKET(collector, ticket) QTRY_VERIFY_WITH_TIMEOUT((collector).has(ticket), 10000)

// Everything queued before this point is committed once a delivery queued after it is answered.
#define BARRIER(writer, collector)                                                                           \
    do {                                                                                                     \
        const quint64 barrierTicket = m_nextTicket++;                                                        \
        (writer).submit(barrierTicket, delivery("barrier_" + QByteArray::number(barrierTicket)));            \
        WAIT_FOR_TICKET(collector, barrierTicket);                                                           \
        QCOMPARE((collector).outcome(barrierTicket).result, WriteResult::Stored);                            \
    } while (false)

class TestStoreWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void privateFolderAndFiles_data();
    void privateFolderAndFiles();
    void schema();
    void upgradesAVersion1Store();
    void newerSchemaIsRefused();
    void unusableFolderFailsToStart();

    void storedThenDuplicate();
    void duplicatesWithinOneBatch();
    void duplicatesWithinOneBatchOnPostgres();
    void concurrentSubmitters();
    void recordFieldsAreStored();
    void emptyBodyIsStored();
    void duplicatesSurviveARestart();

    void exportJsonl();
    void exportLineBodyRoundTrips_data();
    void exportLineBodyRoundTrips();
    void exportNeedsAnExistingStore();

    void rejectionJournalIsBounded();
    void listenIntervals();
    void listenEventsWithoutStartAreIgnored();

    void lockedStoreFailsThenRecovers();
    void probeSaysWhetherTheStoreTakesAWrite();
    void probeOnCallerThreadAsksForACommit();
    void stopWritesEverythingQueued();

private:
    quint64 m_nextTicket = 1000000;
};

void TestStoreWriter::privateFolderAndFiles_data()
{
    QTest::addColumn<bool>("preexisting");
    QTest::addRow("new folder and store") << false;
    QTest::addRow("existing world-readable folder and file") << true;
}

void TestStoreWriter::privateFolderAndFiles()
{
    QFETCH(bool, preexisting);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dataDir = tmp.filePath(QStringLiteral("share/migration-monitor"));
    const QString dbPath = Database::databasePath(dataDir);
    if (preexisting) {
        QVERIFY(QDir().mkpath(dataDir));
        QCOMPARE(::chmod(QFile::encodeName(dataDir).constData(), 0777), 0);
        const int fd = ::open(QFile::encodeName(dbPath).constData(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
        QVERIFY(fd >= 0);
        QCOMPARE(::fchmod(fd, 0666), 0);
        ::close(fd);
        QCOMPARE(modeOf(dataDir), 0777);
        QCOMPARE(modeOf(dbPath), 0666);
    }

    // With no umask at all, only the store's own care keeps the files private.
    UmaskGuard noMask(0);
    Collector collector;
    Store writerStore(options(dataDir));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.submit(1, delivery("msg_1"));
    WAIT_FOR_TICKET(collector, 1);

    QCOMPARE(modeOf(dataDir), 0700);
    QCOMPARE(modeOf(dbPath), 0600);
    // SQLite's side files hold the same data: they must be as private as the store.
    QVERIFY(QFile::exists(dbPath + QStringLiteral("-wal")));
    QVERIFY(QFile::exists(dbPath + QStringLiteral("-shm")));
    QCOMPARE(modeOf(dbPath + QStringLiteral("-wal")), 0600);
    QCOMPARE(modeOf(dbPath + QStringLiteral("-shm")), 0600);
    // QFileInfo agrees.
    const QFileDevice::Permissions others
        = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    QVERIFY(!(QFileInfo(dbPath).permissions() & others));
    QVERIFY(!(QFileInfo(dataDir).permissions() & others));
    writer.stop();
    QCOMPARE(modeOf(dbPath), 0600);
}

// The schema as version 1 shipped it, to prove that a store written then still opens,
// keeps its rows and takes the columns version 2 added.
const char *const SchemaV1[] = {
    "CREATE TABLE deliveries( id INTEGER PRIMARY KEY, msg_id TEXT NOT NULL UNIQUE, event_id TEXT, type TEXT, "
    "migration_id TEXT, created_us INTEGER, status TEXT, error_message TEXT, task_id TEXT, company_id TEXT, "
    "created_by TEXT, object_created_us INTEGER, received_us INTEGER NOT NULL, attempts INTEGER NOT NULL "
    "DEFAULT 1, parsed INTEGER NOT NULL, body BLOB NOT NULL, timestamp_header INTEGER, remote TEXT, "
    "user_agent TEXT, secret_index INTEGER)",
    "CREATE TABLE attempts( delivery_id INTEGER NOT NULL REFERENCES deliveries(id), seq INTEGER NOT NULL, "
    "received_us INTEGER NOT NULL, timestamp_header INTEGER, remote TEXT, user_agent TEXT, secret_index "
    "INTEGER, PRIMARY KEY(delivery_id, seq)) WITHOUT ROWID",
    "CREATE TABLE rejections( id INTEGER PRIMARY KEY, received_us INTEGER NOT NULL, remote TEXT, status "
    "INTEGER NOT NULL, reason_code TEXT NOT NULL, reason TEXT NOT NULL, msg_id TEXT, timestamp_header "
    "INTEGER, headers TEXT NOT NULL, body_head BLOB, body_size INTEGER NOT NULL)",
    "CREATE TABLE listen_intervals( id INTEGER PRIMARY KEY, started_us INTEGER NOT NULL, alive_us INTEGER "
    "NOT NULL, stopped_us INTEGER, url TEXT NOT NULL)",
};

void TestStoreWriter::upgradesAVersion1Store()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    {
        QString error;
        QVERIFY2(QDir().mkpath(tmp.path()), "mkpath");
        SqlConnection db(tmp.path());
        for (const char *statement : SchemaV1)
            QVERIFY2(db.exec(QString::fromLatin1(statement)), statement);
        QVERIFY(
            db.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, secret_index) "
                                   "VALUES('msg_old', 1750207841000000, 1, x'7b7d', 0)")));
        QVERIFY(db.exec(QStringLiteral("PRAGMA user_version=1")));
    }
    DeliveryRecord retry;
    retry.msgId = "msg_old";
    retry.body = "{}";
    retry.receivedUs = 1750207846000000;
    retry.headers = "svix-id: msg_old\n";
    {
        Store writerStore(options(tmp.path()));
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.submit(1, retry);
        writer.stop();
    }
    SqlConnection db(tmp.path());
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), Database::SchemaVersion);
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(1));
    QVERIFY(db.scalar(QStringLiteral("SELECT signature FROM deliveries")).isNull()); // written before v3
    QCOMPARE(db.scalar(QStringLiteral("SELECT attempts FROM deliveries WHERE msg_id = 'msg_old'")).toInt(),
             2);
    QVERIFY(db.scalar(QStringLiteral("SELECT headers FROM deliveries")).isNull()); // written before v2
    QCOMPARE(db.scalar(QStringLiteral("SELECT headers FROM attempts WHERE seq = 2")).toString(),
             QStringLiteral("svix-id: msg_old\n"));
}

void TestStoreWriter::schema()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    {
        Store writerStore(options(tmp.path()));
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.stop();
    }
    SqlConnection db(tmp.path());
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), Database::SchemaVersion);
    QCOMPARE(Database::SchemaVersion, 6);
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QStringList tables;
    for (const QVariantList &row :
         db.rows(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")))
        tables.append(row.constFirst().toString());
    QCOMPARE(tables,
             (QStringList {QStringLiteral("attempts"), QStringLiteral("company_names"),
                           QStringLiteral("deleted_deliveries"), QStringLiteral("deliveries"),
                           QStringLiteral("forward_queue"), QStringLiteral("listen_intervals"),
                           QStringLiteral("rejections"), QStringLiteral("replay_requests"),
                           QStringLiteral("replay_runs")}));
    // msg_id is unique: that is what makes a retried delivery a duplicate.
    QVERIFY(db.exec(
        QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES('m', 1, 0, x'')")));
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(1));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("UNIQUE constraint failed")));
    QVERIFY(!db.exec(
        QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) VALUES('m', 2, 0, x'')")));

    // Opening it again does not migrate twice.
    {
        Store writerStore(options(tmp.path()));
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.stop();
    }
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), Database::SchemaVersion);
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(1));
}

void TestStoreWriter::newerSchemaIsRefused()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    {
        Store writerStore(options(tmp.path()));
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.stop();
    }
    {
        SqlConnection db(tmp.path());
        QVERIFY(db.exec(QStringLiteral("PRAGMA user_version=%1").arg(Database::SchemaVersion + 1)));
    }
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    QString error;
    QVERIFY(!writer.start(&error));
    QVERIFY(error.contains(QLatin1String("newer")));
    SqlConnection db(tmp.path());
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(), Database::SchemaVersion + 1);
}

void TestStoreWriter::unusableFolderFailsToStart()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QFile plainFile(tmp.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(plainFile.open(QIODevice::WriteOnly));
    plainFile.close();
    {
        Store writerStore(options(tmp.filePath(QStringLiteral("not-a-folder/data"))));
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY(!writer.start(&error));
        QVERIFY(!error.isEmpty());
        writer.stop(); // harmless after a failed start
    }
    // The failed attempt left nothing behind that blocks the next writer.
    Collector collector;
    Store writerStore(options(tmp.filePath(QStringLiteral("data"))));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.submit(1, delivery("msg_1"));
    WAIT_FOR_TICKET(collector, 1);
    QCOMPARE(collector.outcome(1).result, WriteResult::Stored);
}

void TestStoreWriter::storedThenDuplicate()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    QSignalSpy outcomesSpy(&collector, &Collector::outcomesArrived);
    QSignalSpy committedSpy(&collector, &Collector::committedArrived);
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    connect(&writer, &StoreWriter::deliveriesCommitted, &collector, &Collector::addCommitted);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));

    constexpr int N = 50;
    for (int i = 0; i < N; ++i)
        writer.submit(quint64(i + 1), delivery("msg_" + QByteArray::number(i), SeedCreatedUs + i));
    QTRY_COMPARE(collector.count(), qsizetype(N));
    for (int i = 0; i < N; ++i) {
        const WriteOutcome o = collector.outcome(quint64(i + 1));
        QCOMPARE(o.result, WriteResult::Stored);
        QVERIFY(o.error.isEmpty());
    }
    QVERIFY2(!collector.ranOnOwnerThread(), "the completion sink runs on the writer thread");
    QTRY_COMPARE(collector.committed(), N);
    QVERIFY(outcomesSpy.count() >= 1);
    QVERIFY(committedSpy.count() >= 1);

    // The same message ids again: retries of deliveries already stored.
    for (int i = 0; i < N; ++i)
        writer.submit(quint64(i + 1001), delivery("msg_" + QByteArray::number(i), SeedCreatedUs + 1000 + i));
    QTRY_COMPARE(collector.count(), qsizetype(2 * N));
    QCOMPARE(collector.distinctTickets(), qsizetype(2 * N));
    for (int i = 0; i < N; ++i)
        QCOMPARE(collector.outcome(quint64(i + 1001)).result, WriteResult::Duplicate);
    QCOMPARE(collector.countOf(WriteResult::Stored), qsizetype(N));
    QCOMPARE(collector.countOf(WriteResult::Duplicate), qsizetype(N));

    // Seen from another connection: one row per message, every attempt counted.
    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(N));
    const auto exported = exportByMsgId(tmp.path());
    QCOMPARE(exported.size(), qsizetype(N));
    QCOMPARE(totalAttempts(exported), qint64(2 * N));
    QCOMPARE(attemptsOf(exported, "msg_7"), qint64(2));
    // The delivery keeps its first attempt's data.
    QCOMPARE(
        db.scalar(QStringLiteral("SELECT received_us FROM deliveries WHERE msg_id = 'msg_7'")).toLongLong(),
        SeedCreatedUs + 7);
    // Duplicates are not counted as newly committed deliveries.
    QCOMPARE(collector.committed(), N);
}

void TestStoreWriter::duplicatesWithinOneBatch()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    // Queued before start(): the writer finds them all at once and writes them in one batch.
    writer.submit(1, delivery("msg_same", SeedCreatedUs + 1));
    writer.submit(2, delivery("msg_other"));
    writer.submit(3, delivery("msg_same", SeedCreatedUs + 3));
    writer.submit(4, delivery("msg_same", SeedCreatedUs + 4));
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QTRY_COMPARE(collector.count(), qsizetype(4));
    QCOMPARE(collector.outcome(1).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(2).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(3).result, WriteResult::Duplicate);
    QCOMPARE(collector.outcome(4).result, WriteResult::Duplicate);
    writer.stop();

    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(2));
    const auto exported = exportByMsgId(tmp.path());
    QCOMPARE(attemptsOf(exported, "msg_same"), qint64(3));
    QCOMPARE(attemptsOf(exported, "msg_other"), qint64(1));
    QCOMPARE(db.scalar(QStringLiteral("SELECT received_us FROM deliveries WHERE msg_id = 'msg_same'"))
                 .toLongLong(),
             SeedCreatedUs + 1);
}

// PostgreSQL's batch upserts each message's first delivery in one multi-row statement and the
// batch's later ones row by row: the outcomes, attempts and attempt rows are the same as SQLite's.
void TestStoreWriter::duplicatesWithinOneBatchOnPostgres()
{
    if (const QString why = mm::test::PgCluster::unavailableReason(); !why.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
    mm::test::PgCluster cluster;
    QString error;
    QVERIFY2(cluster.start(&error), qPrintable(error));
    Store::Options o;
    o.location = *StoreLocation::parse(cluster.url());
    o.instance = QStringLiteral("tst");
    Collector collector;
    {
        Store store(o);
        StoreWriter &writer = store.writer();
        writer.setCompletionSink(collector.sink());
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.submit(1, delivery("msg_old"));
        QTRY_COMPARE(collector.count(), qsizetype(1));
        writer.stop();
    }
    Store store(o);
    StoreWriter &writer = store.writer();
    writer.setCompletionSink(collector.sink());
    // Queued before start(): one batch, out of msg_id order, with repeats and an earlier message.
    writer.submit(2, delivery("msg_b"));
    writer.submit(3, delivery("msg_a"));
    writer.submit(4, delivery("msg_b", SeedCreatedUs + 4));
    writer.submit(5, delivery("msg_old", SeedCreatedUs + 5));
    writer.submit(6, delivery("msg_c"));
    writer.submit(7, delivery("msg_a", SeedCreatedUs + 7));
    writer.submit(8, delivery("msg_b", SeedCreatedUs + 8));
    QVERIFY2(writer.start(&error), qPrintable(error));
    QTRY_COMPARE(collector.count(), qsizetype(8));
    const WriteResult expected[]
        = {WriteResult::Stored, WriteResult::Stored,    WriteResult::Duplicate, WriteResult::Duplicate,
           WriteResult::Stored, WriteResult::Duplicate, WriteResult::Duplicate};
    for (int ticket = 2; ticket <= 8; ++ticket)
        QCOMPARE(collector.outcome(ticket).result, expected[ticket - 2]);
    writer.stop();

    Store::Connection db(store, u"check", &error);
    QVERIFY2(db.isOpen(), qPrintable(error));
    QSqlQuery q(db.db());
    QVERIFY(q.exec(QStringLiteral("SELECT msg_id, attempts FROM deliveries ORDER BY msg_id")));
    QStringList rows;
    while (q.next())
        rows.append(q.value(0).toString() + u' ' + q.value(1).toString());
    QCOMPARE(rows,
             (QStringList {QStringLiteral("msg_a 2"), QStringLiteral("msg_b 3"), QStringLiteral("msg_c 1"),
                           QStringLiteral("msg_old 2")}));
    // Each repeat is an attempt row, numbered in arrival order, with its own receive time.
    QVERIFY(q.exec(QStringLiteral("SELECT d.msg_id, a.seq, a.received_us FROM attempts a JOIN deliveries d "
                                  "ON d.id = a.delivery_id ORDER BY d.msg_id, a.seq")));
    QStringList attempts;
    while (q.next())
        attempts.append(QStringLiteral("%1 %2 %3")
                            .arg(q.value(0).toString())
                            .arg(q.value(1).toInt())
                            .arg(q.value(2).toLongLong() - SeedCreatedUs));
    QCOMPARE(attempts,
             (QStringList {QStringLiteral("msg_a 2 7"), QStringLiteral("msg_b 2 4"),
                           QStringLiteral("msg_b 3 8"), QStringLiteral("msg_old 2 5")}));
    q = QSqlQuery();
}

void TestStoreWriter::concurrentSubmitters()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));

    constexpr int Threads = 4;
    constexpr int PerThread = 300;
    QList<QThread *> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.append(QThread::create([&writer, t] {
            for (int i = 0; i < PerThread; ++i) {
                const quint64 ticket = quint64(t) * 10000 + quint64(i) + 1;
                writer.submit(ticket, delivery("msg_" + QByteArray::number(t) + '_' + QByteArray::number(i)));
            }
            // Every thread also delivers the same message once.
            writer.submit(quint64(t) * 10000 + 9999, delivery("msg_shared"));
        }));
    }
    for (QThread *thread : threads)
        thread->start();
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(30000));
        delete thread;
    }
    QTRY_COMPARE(collector.count(), qsizetype(Threads * (PerThread + 1)));
    QCOMPARE(collector.distinctTickets(), qsizetype(Threads * (PerThread + 1)));
    QCOMPARE(collector.countOf(WriteResult::Failed), qsizetype(0));
    QCOMPARE(collector.countOf(WriteResult::Duplicate), qsizetype(Threads - 1));
    writer.stop();

    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(Threads * PerThread + 1));
    const auto exported = exportByMsgId(tmp.path());
    QCOMPARE(totalAttempts(exported), qint64(Threads * (PerThread + 1)));
    QCOMPARE(attemptsOf(exported, "msg_shared"), qint64(Threads));
}

void TestStoreWriter::recordFieldsAreStored()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));

    QByteArray binary;
    for (int i = 0; i < 256; ++i)
        binary.append(char(i));
    DeliveryRecord full = delivery("msg_full", SeedCreatedUs + 5, binary);
    full.timestampHeader = 1750207841;
    full.remote = QStringLiteral("::1");
    full.secretIndex = 2;
    DeliveryRecord sparse;
    sparse.msgId = "msg_sparse";
    sparse.body = "not json";
    sparse.receivedUs = 42;
    writer.submit(1, full);
    writer.submit(2, sparse);
    QTRY_COMPARE(collector.count(), qsizetype(2));
    QCOMPARE(collector.outcome(1).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(2).result, WriteResult::Stored);

    SqlConnection db(tmp.path());
    const QList<QVariantList> rows
        = db.rows(QStringLiteral("SELECT msg_id, event_id, type, migration_id, created_us, received_us, "
                                 "parsed, body FROM deliveries ORDER BY id"));
    QCOMPARE(rows.size(), qsizetype(2));
    const QVariantList &f = rows.at(0);
    QCOMPARE(f.at(0).toString(), QStringLiteral("msg_full"));
    QCOMPARE(f.at(1).toString(), QStringLiteral("evt_msg_full"));
    QCOMPARE(f.at(2).toString(), QStringLiteral("migration.started"));
    QCOMPARE(f.at(3).toString(), QStringLiteral("mig_1"));
    QCOMPARE(f.at(4).toLongLong(), SeedCreatedUs);
    QCOMPARE(f.at(5).toLongLong(), SeedCreatedUs + 5);
    QCOMPARE(f.at(6).toInt(), 1);
    QCOMPARE(f.at(7).toByteArray(), binary); // byte-exact, NULs and invalid UTF-8 included
    const QVariantList &s = rows.at(1);
    QCOMPARE(s.at(0).toString(), QStringLiteral("msg_sparse"));
    QVERIFY(s.at(4).isNull()); // no "created"
    QCOMPARE(s.at(6).toInt(), 0);
    QCOMPARE(s.at(7).toByteArray(), QByteArray("not json"));

    // The first attempt is recorded in the delivery row itself (retries go to attempts).
    const QList<QVariantList> attempts = db.rows(QStringLiteral(
        "SELECT received_us, timestamp_header, remote, user_agent, secret_index FROM deliveries "
        "WHERE msg_id = 'msg_full'"));
    QCOMPARE(attempts.size(), qsizetype(1));
    QCOMPARE(attempts.at(0).at(0).toLongLong(), SeedCreatedUs + 5);
    QCOMPARE(attempts.at(0).at(1).toLongLong(), qint64(1750207841));
    QCOMPARE(attempts.at(0).at(2).toString(), QStringLiteral("::1"));
    QCOMPARE(attempts.at(0).at(3).toString(), full.userAgent);
    QCOMPARE(attempts.at(0).at(4).toInt(), 2);
}

void TestStoreWriter::emptyBodyIsStored()
{
    // A correctly signed POST may have an empty body (the signature covers "<id>.<ts>.").
    // QHttpServerRequest::body() then may be a null QByteArray, which must not be bound as
    // SQL NULL against `body BLOB NOT NULL`, nor fail the deliveries sharing its batch.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    // Queued before start(): one batch, so a failure of one would show in its neighbours.
    writer.submit(1, delivery("msg_before"));
    writer.submit(2, delivery("msg_null", SeedCreatedUs, QByteArray()));
    writer.submit(3, delivery("msg_empty", SeedCreatedUs, QByteArray("")));
    writer.submit(4, delivery("msg_after"));
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QTRY_COMPARE(collector.count(), qsizetype(4));
    for (quint64 t : {1, 2, 3, 4})
        QCOMPARE(collector.outcome(t).result, WriteResult::Stored);

    SqlConnection db(tmp.path());
    const QList<QVariantList> rows = db.rows(QStringLiteral(
        "SELECT msg_id, typeof(body), length(body) FROM deliveries WHERE msg_id IN ('msg_null', 'msg_empty') "
        "ORDER BY id"));
    QCOMPARE(rows.size(), qsizetype(2));
    for (const QVariantList &row : rows) {
        QCOMPARE(row.at(1).toString(), QStringLiteral("blob"));
        QCOMPARE(row.at(2).toInt(), 0);
    }
}

void TestStoreWriter::duplicatesSurviveARestart()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    {
        Collector collector;
        Store writerStore(options(tmp.path()));
        StoreWriter &writer = writerStore.writer();
        writer.setCompletionSink(collector.sink());
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.submit(1, delivery("msg_1"));
        WAIT_FOR_TICKET(collector, 1);
        QCOMPARE(collector.outcome(1).result, WriteResult::Stored);
    } // the destructor stops the writer
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.submit(2, delivery("msg_1"));
    writer.submit(3, delivery("msg_2"));
    QTRY_COMPARE(collector.count(), qsizetype(2));
    QCOMPARE(collector.outcome(2).result, WriteResult::Duplicate);
    QCOMPARE(collector.outcome(3).result, WriteResult::Stored);
}

void TestStoreWriter::exportJsonl()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));

    QByteArray allBytes;
    for (int i = 0; i < 256; ++i)
        allBytes.append(char(i));
    const QByteArray jsonBody = QByteArrayLiteral(
        "{\"id\":\"evt_a\",\"created\": 2025-06-18T00:50:40.301173,\"note\":\"caf\xc3\xa9 \xe2\x9c\x93\"}");
    const QByteArray trickyUtf8
        = QByteArrayLiteral("nul:\0 quote:\" backslash:\\ nl:\n ls:\xe2\x80\xa8 emoji:\xf0\x9f\x9a\x80");
    const QByteArray surrogate = QByteArrayLiteral("{\"x\":\"\xed\xa0\x80\"}");
    const QByteArray truncated = QByteArrayLiteral("abc\xe2\x82");

    DeliveryRecord a = delivery("msg_a", Q_INT64_C(1750207841000000), jsonBody);
    a.eventId = QStringLiteral("evt_a");
    a.type = QStringLiteral("<event_type>");
    a.migrationId = QStringLiteral("mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ");
    a.createdUs = SeedCreatedUs;
    DeliveryRecord b;
    b.msgId = "msg_b";
    b.body = allBytes;
    b.receivedUs = Q_INT64_C(1750207841000001);
    DeliveryRecord c = delivery("msg_c", Q_INT64_C(1750207842123456), trickyUtf8);
    c.parsed = false;
    c.createdUs.reset();
    const DeliveryRecord d = delivery("msg_d", Q_INT64_C(1750207843000000), surrogate);
    const DeliveryRecord e = delivery("msg_e", Q_INT64_C(1750207844000000), truncated);

    writer.submit(1, a);
    writer.submit(2, b);
    writer.submit(3, c);
    writer.submit(4, d);
    writer.submit(5, e);
    // Retries: two more attempts of a, one more of c. Their own data does not replace the first.
    writer.submit(6, delivery("msg_a", Q_INT64_C(1750207900000000), "retry body"));
    writer.submit(7, delivery("msg_a", Q_INT64_C(1750207901000000), "retry body"));
    writer.submit(8, delivery("msg_c", Q_INT64_C(1750207902000000), "retry body"));
    QTRY_COMPARE(collector.count(), qsizetype(8));
    QCOMPARE(collector.countOf(WriteResult::Stored), qsizetype(5));
    QCOMPARE(collector.countOf(WriteResult::Duplicate), qsizetype(3));

    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QString exportError;
    QCOMPARE(JsonlExporter::exportStore(Store(Store::Options {tmp.path()}), out, &exportError), qint64(5));
    QVERIFY2(exportError.isEmpty(), qPrintable(exportError));
    const QByteArray text = out.data();
    QVERIFY(text.endsWith('\n'));
    QCOMPARE(text.count('\n'), qsizetype(5)); // one line per delivery: no raw newline inside a line
    const QList<QJsonObject> lines = parseJsonl(text);
    QCOMPARE(lines.size(), qsizetype(5));

    const QStringList textKeys {
        QStringLiteral("attempts"), QStringLiteral("body"),         QStringLiteral("created"),
        QStringLiteral("event_id"), QStringLiteral("migration_id"), QStringLiteral("msg_id"),
        QStringLiteral("parsed"),   QStringLiteral("received_at"),  QStringLiteral("type")};
    QStringList base64Keys = textKeys;
    base64Keys[1] = QStringLiteral("body_base64");
    base64Keys.sort();

    // Oldest first.
    QStringList order;
    for (const QJsonObject &l : lines)
        order.append(l.value(QLatin1String("msg_id")).toString());
    QCOMPARE(order,
             (QStringList {QStringLiteral("msg_a"), QStringLiteral("msg_b"), QStringLiteral("msg_c"),
                           QStringLiteral("msg_d"), QStringLiteral("msg_e")}));

    const QJsonObject &la = lines.at(0);
    QCOMPARE(sortedKeys(la), textKeys);
    QCOMPARE(la.value(QLatin1String("event_id")).toString(), QStringLiteral("evt_a"));
    QCOMPARE(la.value(QLatin1String("type")).toString(), QStringLiteral("<event_type>"));
    QCOMPARE(la.value(QLatin1String("migration_id")).toString(),
             QStringLiteral("mig_01HX4J3SQ4QZZ9V9JMP8J2V7KZ"));
    QCOMPARE(la.value(QLatin1String("created")).toString(), QStringLiteral("2025-06-18T00:50:40.301173Z"));
    QCOMPARE(la.value(QLatin1String("received_at")).toString(),
             QStringLiteral("2025-06-18T00:50:41.000000Z"));
    QCOMPARE(la.value(QLatin1String("attempts")).toInteger(), qint64(3));
    QCOMPARE(la.value(QLatin1String("parsed")), QJsonValue(true));
    QCOMPARE(la.value(QLatin1String("body")).toString().toUtf8(),
             jsonBody); // the raw body, never re-serialized

    const QJsonObject &lb = lines.at(1);
    QCOMPARE(sortedKeys(lb), base64Keys);
    QVERIFY(lb.value(QLatin1String("event_id")).isNull());
    QVERIFY(lb.value(QLatin1String("type")).isNull());
    QVERIFY(lb.value(QLatin1String("migration_id")).isNull());
    QVERIFY(lb.value(QLatin1String("created")).isNull());
    QCOMPARE(lb.value(QLatin1String("received_at")).toString(),
             QStringLiteral("2025-06-18T00:50:41.000001Z"));
    QCOMPARE(lb.value(QLatin1String("attempts")).toInteger(), qint64(1));
    QCOMPARE(lb.value(QLatin1String("parsed")), QJsonValue(false));
    QCOMPARE(exportedBody(lb), allBytes);

    const QJsonObject &lc = lines.at(2);
    QCOMPARE(sortedKeys(lc), textKeys);
    QVERIFY(lc.value(QLatin1String("created")).isNull());
    QCOMPARE(lc.value(QLatin1String("received_at")).toString(),
             QStringLiteral("2025-06-18T00:50:42.123456Z"));
    QCOMPARE(lc.value(QLatin1String("attempts")).toInteger(), qint64(2));
    QCOMPARE(lc.value(QLatin1String("parsed")), QJsonValue(false));
    QCOMPARE(exportedBody(lc), trickyUtf8);

    for (int i : {3, 4}) {
        const QJsonObject &l = lines.at(i);
        QCOMPARE(sortedKeys(l), base64Keys);
        QCOMPARE(l.value(QLatin1String("attempts")).toInteger(), qint64(1));
        QCOMPARE(exportedBody(l), i == 3 ? surrogate : truncated);
    }

    // The export reads a live store, and changes nothing in it.
    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(5));
    QCOMPARE(totalAttempts(exportByMsgId(tmp.path())), qint64(8));
}

void TestStoreWriter::exportLineBodyRoundTrips_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("asText"); // a readable "body" rather than "body_base64"

    QTest::addRow("ASCII JSON") << QByteArray(R"({"a":1})") << true;
    QTest::addRow("empty") << QByteArray("") << true;
    QTest::addRow("multi-byte UTF-8") << QByteArray("\xc3\xa9\xe2\x9c\x93\xf0\x9f\x9a\x80") << true;
    QTest::addRow("NUL and controls") << QByteArray("a\0b\x01\x1f\x7f", 6) << true;
    QTest::addRow("noncharacter U+FFFF") << QByteArray("\xef\xbf\xbf") << true;
    QTest::addRow("UTF-8 byte order mark") << QByteArray("\xef\xbb\xbf{\"a\":1}") << true;
    QTest::addRow("lone continuation byte") << QByteArray("a\x80z") << false;
    QTest::addRow("Latin-1") << QByteArray("caf\xe9") << false;
    QTest::addRow("overlong slash") << QByteArray("\xc0\xaf") << false;
    QTest::addRow("encoded surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::addRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::addRow("truncated sequence at the end") << QByteArray("abc\xe2\x82") << false;
    QTest::addRow("0xff") << QByteArray("\xff") << false;
}

void TestStoreWriter::exportLineBodyRoundTrips()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, asText);
    const QByteArray line = JsonlExporter::line(QStringLiteral("msg_1"), QString(), QString(), QString(),
                                                QVariant(), 0, 1, false, body);
    QVERIFY(!line.contains('\n'));
    QJsonParseError error {};
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.contains(QLatin1String("body")), asText);
    QCOMPARE(o.contains(QLatin1String("body_base64")), !asText);
    QCOMPARE(o.value(QLatin1String("received_at")).toString(), QStringLiteral("1970-01-01T00:00:00.000000Z"));
    QVERIFY(o.value(QLatin1String("created")).isNull());
    QCOMPARE(exportedBody(o), body);
}

void TestStoreWriter::exportNeedsAnExistingStore()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QBuffer out;
    QVERIFY(out.open(QIODevice::WriteOnly));
    QString error;
    QCOMPARE(JsonlExporter::exportStore(Store(Store::Options {tmp.path()}), out, &error), qint64(-1));
    QVERIFY(!error.isEmpty());
    QVERIFY(out.data().isEmpty());
    QVERIFY2(!QFile::exists(Database::databasePath(tmp.path())), "an export must not create an empty store");
}

void TestStoreWriter::rejectionJournalIsBounded()
{
    constexpr int Limit = 50;
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path(), Limit));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    SqlConnection db(tmp.path());

    // 200 at once.
    for (int i = 0; i < 200; ++i)
        writer.submitRejection(rejection(i, "msg_" + QByteArray::number(i)));
    BARRIER(writer, collector);
    QCOMPARE(db.count(QStringLiteral("rejections")), qint64(Limit));
    QCOMPARE(db.scalar(QStringLiteral("SELECT min(received_us) FROM rejections")).toLongLong(),
             qint64(1000 + 150));
    QCOMPARE(db.scalar(QStringLiteral("SELECT max(received_us) FROM rejections")).toLongLong(),
             qint64(1000 + 199));

    // Then over several batches: still bounded, still the newest.
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < 30; ++i)
            writer.submitRejection(rejection(200 + round * 30 + i));
        BARRIER(writer, collector);
        QCOMPARE(db.count(QStringLiteral("rejections")), qint64(Limit));
    }
    QStringList reasons;
    for (const QVariantList &row : db.rows(QStringLiteral("SELECT reason FROM rejections ORDER BY id")))
        reasons.append(row.constFirst().toString());
    QStringList expected;
    for (int i = 320 - Limit; i < 320; ++i)
        expected.append(QStringLiteral("No matching signature #%1").arg(i));
    QCOMPARE(reasons, expected);

    // What a row holds: headers as a JSON list of pairs, no msg id when there was none.
    const QList<QVariantList> last = db.rows(QStringLiteral(
        "SELECT status, reason_code, msg_id, timestamp_header, headers, body_head, body_size, remote "
        "FROM rejections ORDER BY id DESC LIMIT 1"));
    QCOMPARE(last.size(), qsizetype(1));
    const QVariantList &r = last.constFirst();
    QCOMPARE(r.at(0).toInt(), 401);
    QCOMPARE(r.at(1).toString(), QStringLiteral("no_matching_signature"));
    QVERIFY(r.at(2).isNull());
    QCOMPARE(r.at(3).toLongLong(), qint64(1750207840));
    const QJsonArray headers = QJsonDocument::fromJson(r.at(4).toString().toUtf8()).array();
    QCOMPARE(headers,
             (QJsonArray {QJsonArray {QStringLiteral("svix-id"), QStringLiteral("")},
                          QJsonArray {QStringLiteral("svix-signature"), QStringLiteral("v1,[masked]")}}));
    QCOMPARE(r.at(5).toByteArray(), QByteArray(R"({"id":)"));
    QCOMPARE(r.at(6).toLongLong(), qint64(4321));
    QCOMPARE(r.at(7).toString(), QStringLiteral("127.0.0.1"));
}

void TestStoreWriter::listenIntervals()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    SqlConnection db(tmp.path());
    const QString select
        = QStringLiteral("SELECT started_us, alive_us, stopped_us, url FROM listen_intervals ORDER BY id");
    const QString url = QStringLiteral("http://127.0.0.1:8787/anon/webhooks");

    const qint64 beforeStart = wallClockUs();
    writer.listeningStarted(url);
    BARRIER(writer, collector);
    const qint64 afterStart = wallClockUs();
    QList<QVariantList> rows = db.rows(select);
    QCOMPARE(rows.size(), qsizetype(1));
    const qint64 started = rows.at(0).at(0).toLongLong();
    QVERIFY(started >= beforeStart && started <= afterStart);
    QCOMPARE(rows.at(0).at(1).toLongLong(), started); // alive since it started
    QVERIFY(rows.at(0).at(2).isNull()); // not stopped
    QCOMPARE(rows.at(0).at(3).toString(), url);

    letTheClockTick();
    writer.listeningAlive();
    BARRIER(writer, collector);
    rows = db.rows(select);
    QCOMPARE(rows.size(), qsizetype(1));
    QCOMPARE(rows.at(0).at(0).toLongLong(), started);
    const qint64 alive = rows.at(0).at(1).toLongLong();
    QVERIFY(alive > started);
    QVERIFY(alive <= wallClockUs());
    QVERIFY(rows.at(0).at(2).isNull());

    letTheClockTick();
    writer.listeningStopped();
    BARRIER(writer, collector);
    rows = db.rows(select);
    QCOMPARE(rows.size(), qsizetype(1));
    QCOMPARE(rows.at(0).at(0).toLongLong(), started);
    QVERIFY(!rows.at(0).at(2).isNull());
    const qint64 stopped = rows.at(0).at(2).toLongLong();
    QVERIFY(stopped > alive);
    QVERIFY(rows.at(0).at(1).toLongLong() >= alive);
    QVERIFY(rows.at(0).at(1).toLongLong() <= stopped);

    // A second interval is a new row; the first stays as it was.
    letTheClockTick();
    const QString url2 = QStringLiteral("https://play.svix.com/in/e_abc/");
    writer.listeningStarted(url2);
    letTheClockTick();
    writer.listeningAlive();
    BARRIER(writer, collector);
    rows = db.rows(select);
    QCOMPARE(rows.size(), qsizetype(2));
    QCOMPARE(rows.at(0).at(2).toLongLong(), stopped);
    QVERIFY(rows.at(1).at(0).toLongLong() > stopped);
    QVERIFY(rows.at(1).at(1).toLongLong() > rows.at(1).at(0).toLongLong());
    QVERIFY(rows.at(1).at(2).isNull());
    QCOMPARE(rows.at(1).at(3).toString(), url2);
}

void TestStoreWriter::listenEventsWithoutStartAreIgnored()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.listeningAlive();
    writer.listeningStopped();
    BARRIER(writer, collector);
    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("listen_intervals")), qint64(0));
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(1)); // the barrier: the batch itself was fine
}

void TestStoreWriter::lockedStoreFailsThenRecovers()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.submit(1, delivery("msg_before"));
    WAIT_FOR_TICKET(collector, 1);
    QCOMPARE(collector.outcome(1).result, WriteResult::Stored);

    auto blocker = std::make_unique<SqlConnection>(tmp.path());
    QVERIFY(blocker->exec(QStringLiteral("BEGIN IMMEDIATE")));
    QVERIFY(blocker->exec(
        QStringLiteral("INSERT INTO rejections(received_us, status, reason_code, reason, headers, "
                       "body_size) VALUES(1, 401, 'blocker', 'blocker', '[]', 0)")));

    // The writer waits out its busy timeout, then answers Failed: the sender will retry.
    writer.submit(2, delivery("msg_locked_1"));
    writer.submit(3, delivery("msg_locked_2"));
    writer.submit(4, delivery("msg_before")); // would be a Duplicate, but nothing can be known
    QTRY_VERIFY_WITH_TIMEOUT(collector.has(2) && collector.has(3) && collector.has(4),
                             6 * BusyTimeoutMs + 10000);
    for (quint64 t : {2, 3, 4}) {
        const WriteOutcome o = collector.outcome(t);
        QCOMPARE(o.result, WriteResult::Failed);
        QVERIFY2(o.error.contains(QLatin1String("locked")), qPrintable(o.error)); // says why
    }

    QVERIFY(blocker->exec(QStringLiteral("ROLLBACK")));
    blocker.reset();

    // The same messages again: nothing of the failed attempts was kept, so they are new.
    writer.submit(5, delivery("msg_locked_1"));
    writer.submit(6, delivery("msg_locked_2"));
    writer.submit(7, delivery("msg_after"));
    writer.submit(8, delivery("msg_before"));
    QTRY_VERIFY_WITH_TIMEOUT(collector.has(5) && collector.has(6) && collector.has(7) && collector.has(8),
                             10000);
    QCOMPARE(collector.outcome(5).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(6).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(7).result, WriteResult::Stored);
    QCOMPARE(collector.outcome(8).result, WriteResult::Duplicate);

    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(4));
    const auto exported = exportByMsgId(tmp.path());
    QCOMPARE(attemptsOf(exported, "msg_locked_1"), qint64(1));
    QCOMPARE(attemptsOf(exported, "msg_locked_2"), qint64(1));
    QCOMPARE(attemptsOf(exported, "msg_before"), qint64(2)); // the failed attempt left no trace
    QCOMPARE(db.count(QStringLiteral("rejections")), qint64(0)); // the blocker's row was rolled back
}

namespace {
// A probe's answer, from whichever thread commits; read on the test's thread with QTRY.
struct ProbeAnswer
{
    StoreWriter::ProbeDone callback()
    {
        return [this](const QString &problem) {
            std::lock_guard lock(mutex);
            answers.append(problem);
        };
    }
    QStringList taken()
    {
        std::lock_guard lock(mutex);
        return answers;
    }
    std::mutex mutex;
    QStringList answers;
};
} // namespace

// /healthz's question: a heartbeat written on demand, answered with how its batch went; and every
// committed transaction timed in the commit latency histogram.
void TestStoreWriter::probeSaysWhetherTheStoreTakesAWrite()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    writer.listeningStarted(QStringLiteral("http://127.0.0.1:8787/webhooks"));
    BARRIER(writer, collector);
    SqlConnection db(tmp.path());
    const qint64 aliveBefore
        = db.rows(QStringLiteral("SELECT alive_us FROM listen_intervals")).at(0).at(0).toLongLong();

    letTheClockTick();
    ProbeAnswer ok;
    writer.probe(ok.callback());
    QTRY_COMPARE(ok.taken().size(), qsizetype(1));
    QCOMPARE(ok.taken().first(), QString()); // committed
    QVERIFY(db.rows(QStringLiteral("SELECT alive_us FROM listen_intervals")).at(0).at(0).toLongLong()
            > aliveBefore);
    QVERIFY(writer.isReachable());
    QVERIFY(!writer.isStorageFull());

    // A store that cannot be written: the probe says why, once the busy timeout has run out.
    auto blocker = std::make_unique<SqlConnection>(tmp.path());
    QVERIFY(blocker->exec(QStringLiteral("BEGIN IMMEDIATE")));
    ProbeAnswer locked;
    writer.probe(locked.callback());
    QTRY_COMPARE_WITH_TIMEOUT(locked.taken().size(), qsizetype(1), 6 * BusyTimeoutMs + 10000);
    QVERIFY2(locked.taken().first().contains(QLatin1String("locked")), qPrintable(locked.taken().first()));
    QVERIFY(blocker->exec(QStringLiteral("ROLLBACK")));
    blocker.reset();
    ProbeAnswer again;
    writer.probe(again.callback());
    QTRY_COMPARE(again.taken(), QStringList {QString()});

    // Every committed transaction, and only those, is in the histogram.
    writer.stop();
    const StoreWriter::Stats stats = writer.stats();
    const prometheus::HistogramSample h = writer.commitLatency();
    quint64 timed = 0;
    for (quint64 c : h.bucketCounts)
        timed += c;
    QCOMPARE(stats.failedTransactions, qint64(1));
    QCOMPARE(qint64(timed), stats.transactions - stats.failedTransactions);
    QVERIFY(h.sum > 0);
}

// In the receiver's commit-on-caller mode nobody else commits: a probe from another thread asks
// the committing thread for a pass, and is answered from that pass.
void TestStoreWriter::probeOnCallerThreadAsksForACommit()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Store::Options o = options(tmp.path());
    o.commitOnCallerThread = true;
    Store writerStore(o);
    StoreWriter &writer = writerStore.writer();
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    std::atomic<int> wakes = 0;
    writer.setCallerWake([&wakes] { ++wakes; });
    writer.listeningStarted(QStringLiteral("http://127.0.0.1:8787/webhooks"));
    writer.commitQueued();

    ProbeAnswer answer;
    std::thread other([&writer, &answer] { writer.probe(answer.callback()); });
    other.join();
    QCOMPARE(wakes.load(), 1);
    QVERIFY(answer.taken().isEmpty()); // queued, not yet written
    writer.commitQueued(); // what the receiver thread does when woken
    QCOMPARE(answer.taken(), QStringList {QString()});

    // Once the wake is taken back (the receiver is going), a probe asks nobody.
    writer.setCallerWake({});
    writer.probe(answer.callback());
    QCOMPARE(wakes.load(), 1);
    writer.closeOnCallerThread(); // commits what is left: the probe too
    QCOMPARE(answer.taken().size(), qsizetype(2));
    writer.stop();
}

void TestStoreWriter::stopWritesEverythingQueued()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    Collector collector;
    Store writerStore(options(tmp.path()));
    StoreWriter &writer = writerStore.writer();
    writer.setCompletionSink(collector.sink());
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));

    constexpr int Deliveries = 3000;
    constexpr int Rejections = 100;
    writer.listeningStarted(QStringLiteral("http://127.0.0.1:8787/"));
    for (int i = 0; i < Deliveries; ++i) {
        writer.submit(quint64(i + 1), delivery("msg_" + QByteArray::number(i), SeedCreatedUs + i));
        if (i % 30 == 0)
            writer.submitRejection(rejection(i));
    }
    writer.listeningStopped();
    writer.stop();

    // stop() returned: every completion has been delivered (on the joined writer thread).
    QCOMPARE(collector.count(), qsizetype(Deliveries));
    QCOMPARE(collector.countOf(WriteResult::Stored), qsizetype(Deliveries));

    SqlConnection db(tmp.path());
    QCOMPARE(db.count(QStringLiteral("deliveries")), qint64(Deliveries));
    QCOMPARE(totalAttempts(exportByMsgId(tmp.path())), qint64(Deliveries));
    QCOMPARE(db.count(QStringLiteral("rejections")), qint64(Rejections));
    QCOMPARE(db.count(QStringLiteral("listen_intervals"), QStringLiteral("stopped_us IS NOT NULL")),
             qint64(1));
    QCOMPARE(db.scalar(QStringLiteral("SELECT max(received_us) FROM deliveries")).toLongLong(),
             SeedCreatedUs + Deliveries - 1);

    writer.stop(); // a second stop is harmless
}

QTEST_GUILESS_MAIN(TestStoreWriter)
#include "tst_storewriter.moc"
