// SPDX-License-Identifier: GPL-3.0-or-later
// Retention on a real PostgreSQL 15 store (retentionpg.cpp), with a fake clock: old deliveries
// (with their attempts and finished forwards) and old rejections go in short batches; young
// deliveries and those waiting to be forwarded or being sent stay; rows a receiver holds are
// skipped rather than waited for; a pass meets another receiver's pass and leaves it the work;
// two receivers' retention running together deletes each row once and fails nowhere. The ids a
// pass reports are exactly those deleted, and exactly those in the deletion journal (gapless, in
// the deleting transaction, pruned by age and count, never the newest entry).
#include "helperverify.h"
#include "pgcluster.h"
#include "store/retention.h"
#include "store/store.h"

#include <QDateTime>
#include <QMutex>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <algorithm>
#include <memory>

using namespace mm;
using namespace mm::test;

namespace {
constexpr qint64 Day = 86400LL * 1000 * 1000;
constexpr qint64 Now = 1750000000LL * 1000 * 1000; // the fake clock's "now"

QMutex s_mutex;
QStringList s_failures; // retention warnings, from any thread

void collect(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type != QtWarningMsg && type != QtCriticalMsg)
        return;
    QMutexLocker lock(&s_mutex);
    s_failures.append(message);
}

QStringList failures()
{
    QMutexLocker lock(&s_mutex);
    return s_failures;
}
} // namespace

class TestRetentionPg final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        MM_START_PG_CLUSTER(m_cluster);
        Store::Options options;
        options.location = *StoreLocation::parse(m_cluster->url());
        m_store = std::make_unique<Store>(options);
    }
    void cleanupTestCase()
    {
        m_store.reset();
        m_cluster.reset();
    }

    void init()
    {
        QString error;
        auto db = m_store->openConnection(u"test", &error); // migrates the schema the first time
        QVERIFY2(db, qPrintable(error));
        m_connection = db->connectionName();
        // A receiver's row locks must be skipped, never waited for: a wait fails the test instead.
        QVERIFY(exec(QStringLiteral("SET statement_timeout = '10s'")));
        QVERIFY(exec(QStringLiteral("SET client_min_messages = warning"))); // no "truncate cascades"
        QVERIFY(exec(
            QStringLiteral("TRUNCATE deliveries, rejections, deleted_deliveries RESTART IDENTITY CASCADE")));
    }
    void cleanup()
    {
        Store::closeConnection(m_connection);
        m_connection.clear();
    }

    void ageDeletesOldRowsAndKeepsForwardsInProgress()
    {
        QVERIFY(deliver(Now - 10 * Day, 100, 2)); // ids 1..100, two attempts each (one retry)
        QVERIFY(deliver(Now - 10 * Day, 4, 1)); // 101..104, with forwards:
        QVERIFY(forward(101, "pending", {})); // waiting for its next try
        QVERIFY(forward(102, "pending", QStringLiteral("host:8080 pid 7 0a0b0c0d"))); // being sent
        QVERIFY(forward(103, "delivered", QStringLiteral("host:8080 pid 7 0a0b0c0d")));
        QVERIFY(forward(104, "failed", QStringLiteral("host:8080 pid 7 0a0b0c0d")));
        QVERIFY(deliver(Now - 10 * Day, 350, 1)); // 105..454: more than two batches in all
        QVERIFY(deliver(Now - 6 * Day, 5, 3)); // 455..459: young
        QVERIFY(reject(Now - 8 * Day, Retention::BatchSize + 50));
        QVERIFY(reject(Now - 1 * Day, 3));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM attempts")), 100 + 5 * 2);

        Retention r = retention({7, 0});
        QList<qint64> reported;
        int calls = 0;
        const Retention::Pass pass = r.run({}, [&](const QList<qint64> &batch) {
            ++calls;
            reported += batch;
        });
        QVERIFY2(pass.complete, qPrintable(pass.error));
        QVERIFY(!pass.skipped);
        QCOMPARE(pass.deliveries, 100 + 2 + 350);
        // DELETE … RETURNING's ids, exactly: the old ones but the pending and the claimed forward.
        QList<qint64> expected;
        for (qint64 id = 1; id <= 454; ++id) {
            if (id != 101 && id != 102)
                expected.append(id);
        }
        QCOMPARE(reported, expected);
        QCOMPARE(calls, 3); // a batch of 200 ids each, in the order deleted
        // The journal holds the same, numbered from 1 without a gap, at the retention clock's time.
        QCOMPARE(ids(QStringLiteral("SELECT delivery_id FROM deleted_deliveries ORDER BY seq")), expected);
        QCOMPARE(scalar(QStringLiteral("SELECT min(seq) * 1000000 + max(seq) FROM deleted_deliveries")),
                 1000000 + expected.size());
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM deleted_deliveries WHERE deleted_us <> %1").arg(Now)),
            0);
        QCOMPARE(pass.rejections, Retention::BatchSize + 50);
        QCOMPARE(ids(QStringLiteral("SELECT id FROM deliveries ORDER BY id")),
                 (QList<qint64> {101, 102, 455, 456, 457, 458, 459}));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM attempts")), 5 * 2); // went with theirs
        // The finished forwards went with their deliveries; the waiting and the claimed one stay.
        QCOMPARE(ids(QStringLiteral("SELECT delivery_id FROM forward_queue ORDER BY delivery_id")),
                 (QList<qint64> {101, 102}));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM rejections")), 3);

        // The next pass finds nothing more to do.
        const Retention::Pass again = r.run();
        QVERIFY(again.complete);
        QCOMPARE(again.deliveries, 0);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), 7);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deleted_deliveries")), expected.size());
    }

    void journalGoesWithItsBatch()
    {
        // A batch whose journal entries cannot be written deletes nothing: one statement, one
        // transaction.
        QVERIFY(deliver(Now - 10 * Day, 5, 2));
        QVERIFY(exec(
            QStringLiteral("CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           "BEGIN IF NEW.delivery_id = 4 THEN RAISE EXCEPTION 'journal refused'; END IF; "
                           "RETURN NEW; END $$")));
        QVERIFY(exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON deleted_deliveries FOR EACH ROW "
                                    "EXECUTE FUNCTION pg_temp.refuse()")));
        Retention r = retention({7, 0});
        QList<qint64> reported;
        Retention::Pass pass = r.run({}, [&reported](const QList<qint64> &batch) { reported += batch; });
        QVERIFY(!pass.complete);
        QVERIFY2(pass.error.contains(QLatin1String("journal refused")), qPrintable(pass.error));
        QVERIFY(reported.isEmpty());
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), 5);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM attempts")), 5);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deleted_deliveries")), 0);

        QVERIFY(exec(QStringLiteral("DROP TRIGGER refuse ON deleted_deliveries")));
        pass = r.run({}, [&reported](const QList<qint64> &batch) { reported += batch; });
        QVERIFY2(pass.complete, qPrintable(pass.error));
        QCOMPARE(reported, (QList<qint64> {1, 2, 3, 4, 5}));
        QCOMPARE(ids(QStringLiteral("SELECT seq FROM deleted_deliveries ORDER BY seq")),
                 (QList<qint64> {1, 2, 3, 4, 5})); // the failed batch took no number
    }

    void journalIsPrunedByAgeAndCount()
    {
        QVERIFY(deliver(Now - 10 * Day, 3, 1)); // 1..3
        QCOMPARE(retention({7, 0}).run().deliveries, 3);
        QVERIFY(deliver(Now - Day, 2, 1)); // 4..5
        // More than a day after the first pass: its entries go, the second pass's stay.
        Retention later(m_connection, [] { return Now + 2 * Day; });
        later.setPolicy({1, 0});
        QCOMPARE(later.run().deliveries, 2);
        QCOMPARE(ids(QStringLiteral("SELECT seq FROM deleted_deliveries ORDER BY seq")),
                 (QList<qint64> {4, 5}));
        QCOMPARE(ids(QStringLiteral("SELECT delivery_id FROM deleted_deliveries ORDER BY seq")),
                 (QList<qint64> {4, 5}));

        // At most JournalMaxRows entries, the newest.
        QVERIFY(exec(QStringLiteral("INSERT INTO deleted_deliveries(seq, delivery_id, deleted_us) "
                                    "SELECT 5 + g, 1000000 + g, %1 FROM generate_series(1, %2) g")
                         .arg(Now + 2 * Day)
                         .arg(Retention::JournalMaxRows)));
        QVERIFY(deliver(Now, 1, 1)); // 6
        QCOMPARE(later.run().deliveries, 1);
        const qint64 newest = 5 + Retention::JournalMaxRows + 1;
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deleted_deliveries")),
                 Retention::JournalMaxRows);
        QCOMPARE(scalar(QStringLiteral("SELECT min(seq) FROM deleted_deliveries")),
                 newest - Retention::JournalMaxRows + 1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT delivery_id FROM deleted_deliveries WHERE seq = %1").arg(newest)),
            6);

        // Never the newest: long after everything, the last entry stays, and numbering goes on.
        QVERIFY(deliver(Now + 10 * Day, 1, 1)); // 7
        Retention muchLater(m_connection, [] { return Now + 30 * Day; });
        muchLater.setPolicy({1, 0});
        QCOMPARE(muchLater.run().deliveries, 1);
        QCOMPARE(ids(QStringLiteral("SELECT seq FROM deleted_deliveries")), (QList<qint64> {newest + 1}));
        QCOMPARE(ids(QStringLiteral("SELECT delivery_id FROM deleted_deliveries")), (QList<qint64> {7}));
    }

    void passStopsBetweenBatchesWhenAsked()
    {
        QVERIFY(deliver(Now - 10 * Day, 3 * Retention::BatchSize, 1));
        int calls = 0;
        const Retention::Pass pass = retention({7, 0}).run([&calls] { return ++calls < 2; });
        QVERIFY(!pass.complete);
        QVERIFY(pass.error.isEmpty());
        QCOMPARE(pass.deliveries, 2 * Retention::BatchSize);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), Retention::BatchSize);
    }

    void rowsAReceiverHoldsAreSkippedNotWaitedFor()
    {
        QVERIFY(deliver(Now - 10 * Day, 10, 1));
        // Another receiver counting a retry of delivery 4 holds its row until it commits.
        QSqlDatabase other = m_cluster->connect(QStringLiteral("retention-receiver"));
        QVERIFY(other.isOpen());
        QVERIFY(other.transaction());
        QSqlQuery hold(other);
        QVERIFY(hold.exec(QStringLiteral("UPDATE deliveries SET attempts = attempts + 1 WHERE id = 4")));

        Retention r = retention({7, 0});
        QList<qint64> reported;
        Retention::Pass pass = r.run({}, [&reported](const QList<qint64> &batch) { reported += batch; });
        QVERIFY2(pass.complete, qPrintable(pass.error));
        QCOMPARE(pass.deliveries, 9);
        QCOMPARE(ids(QStringLiteral("SELECT id FROM deliveries")), (QList<qint64> {4}));
        QCOMPARE(reported, (QList<qint64> {1, 2, 3, 5, 6, 7, 8, 9, 10})); // not the one skipped

        QVERIFY(other.commit());
        reported.clear();
        pass = r.run(
            {}, [&reported](const QList<qint64> &batch) { reported += batch; }); // the next pass takes it
        QCOMPARE(pass.deliveries, 1);
        QCOMPARE(reported, (QList<qint64> {4}));
        QCOMPARE(ids(QStringLiteral("SELECT delivery_id FROM deleted_deliveries ORDER BY seq")),
                 (QList<qint64> {1, 2, 3, 5, 6, 7, 8, 9, 10, 4}));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), 0);
        hold = QSqlQuery();
        other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("retention-receiver"));
    }

    void aPassMeetingAnotherReceiversEnds()
    {
        QVERIFY(deliver(Now - 10 * Day, 10, 1));
        QVERIFY(reject(Now - 10 * Day, 2));
        // Another receiver's retention is inside a batch: it holds the lock.
        QSqlDatabase other = m_cluster->connect(QStringLiteral("retention-other"));
        QVERIFY(other.isOpen());
        QVERIFY(other.transaction());
        QSqlQuery lock(other);
        QVERIFY(lock.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(Retention::PgLockKey)));

        Retention r = retention({7, 0});
        Retention::Pass pass = r.run();
        QVERIFY(pass.skipped);
        QVERIFY(!pass.complete);
        QVERIFY2(pass.error.isEmpty(), qPrintable(pass.error)); // not a failure
        QCOMPARE(pass.deliveries, 0);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), 10);

        QVERIFY(other.commit());
        pass = r.run();
        QVERIFY(pass.complete);
        QVERIFY(!pass.skipped);
        QCOMPARE(pass.deliveries, 10);
        QCOMPARE(pass.rejections, 2);
        lock = QSqlQuery();
        other = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("retention-other"));
    }

    void sizeLimitIsNotAppliedAndSaidOnce()
    {
        QVERIFY(deliver(Now - 10 * Day, 20, 1));
        Retention r = retention({0, 1024 * 1024});
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^store: the size limit \\(1 MiB\\) is not "
                                                               "applied to a PostgreSQL store: ")));
        Retention::Pass pass = r.run();
        QVERIFY(pass.complete);
        QCOMPARE(pass.deliveries, 0);
        QTest::failOnWarning(QRegularExpression(QStringLiteral("size limit")));
        pass = r.run();
        QCOMPARE(pass.deliveries, 0);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries")), 20);
    }

    void twoReceiversRetentionTogether()
    {
        // Real time: what the workers' clocks call old.
        const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
        QVERIFY(deliver(now - 10 * Day, 1500, 2));
        QVERIFY(forward(700, "pending", {}));
        QVERIFY(deliver(now, 3, 1)); // 1501..1503
        QVERIFY(reject(now - 10 * Day, 600));
        // The workers warn from their own threads: collected, and looked at once they stopped.
        const QtMessageHandler previous = qInstallMessageHandler(&collect);

        // Two receivers, each with its store object, connection and thread, passes back to back.
        Store::Options options = m_store->options();
        Store storeA(options);
        Store storeB(options);
        RetentionWorker a(storeA, {7, 0}, std::chrono::milliseconds(10), std::chrono::milliseconds(0));
        RetentionWorker b(storeB, {7, 0}, std::chrono::milliseconds(10), std::chrono::milliseconds(0));
        QMutex reportedMutex;
        QList<qint64> reported; // by both, from their threads
        auto sink = [&reportedMutex, &reported](const QList<qint64> &ids) {
            QMutexLocker lock(&reportedMutex);
            reported += ids;
        };
        a.setDeletedSink(sink);
        b.setDeletedSink(sink);
        a.start();
        b.start();
        QTRY_COMPARE_WITH_TIMEOUT(ids(QStringLiteral("SELECT id FROM deliveries ORDER BY id")),
                                  (QList<qint64> {700, 1501, 1502, 1503}), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM rejections")), 0, 10000);
        const int passesA = a.passes();
        const int passesB = b.passes();
        QTRY_VERIFY(a.passes() > passesA && b.passes() > passesB); // both kept going, and failed nowhere
        a.stop();
        b.stop();
        qInstallMessageHandler(previous);
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM attempts")), 1); // 700's retry
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM forward_queue")), 1);
        QCOMPARE(failures(), QStringList {});
        // Each deleted row reported once, by one or the other, and journaled once, without a gap.
        QList<qint64> expected;
        for (qint64 id = 1; id <= 1500; ++id) {
            if (id != 700)
                expected.append(id);
        }
        std::sort(reported.begin(), reported.end());
        QCOMPARE(reported, expected);
        QList<qint64> journaled
            = ids(QStringLiteral("SELECT delivery_id FROM deleted_deliveries ORDER BY seq"));
        std::sort(journaled.begin(), journaled.end());
        QCOMPARE(journaled, expected);
        QCOMPARE(ids(QStringLiteral("SELECT min(seq) FROM deleted_deliveries")), QList<qint64> {1});
        QCOMPARE(ids(QStringLiteral("SELECT max(seq) FROM deleted_deliveries")), QList<qint64> {1499});
    }

private:
    Retention retention(RetentionPolicy policy)
    {
        Retention r(m_connection, [] { return Now; });
        r.setPolicy(policy);
        return r;
    }

    [[nodiscard]] bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        MM_HELPER_VERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        return true;
    }

    qint64 scalar(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!q.exec(sql) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }

    QList<qint64> ids(const QString &sql)
    {
        QList<qint64> out;
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!q.exec(sql))
            return {-1};
        while (q.next())
            out.append(q.value(0).toLongLong());
        return out;
    }

    // count deliveries received at receivedUs (a microsecond apart), each with attempts - 1 retries.
    [[nodiscard]] bool deliver(qint64 receivedUs, int count, int attempts)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        q.prepare(QStringLiteral(
            "INSERT INTO deliveries(msg_id, received_us, parsed, body, attempts) "
            "SELECT 'msg_' || CAST(? AS text) || '_' || g, CAST(? AS bigint) + g, false, '\\x7b7d', ? "
            "FROM generate_series(1, ?) g"));
        q.addBindValue(QString::number(++m_batches));
        q.addBindValue(receivedUs);
        q.addBindValue(attempts);
        q.addBindValue(count);
        MM_HELPER_VERIFY2(q.exec(), qPrintable(q.lastError().text()));
        QSqlQuery a(QSqlDatabase::database(m_connection, false));
        a.prepare(
            QStringLiteral("INSERT INTO attempts(delivery_id, seq, received_us) "
                           "SELECT d.id, s, d.received_us + s FROM deliveries d, generate_series(2, ?) s "
                           "WHERE d.attempts >= s AND NOT EXISTS (SELECT 1 FROM attempts x "
                           "WHERE x.delivery_id = d.id AND x.seq = s)"));
        a.addBindValue(attempts);
        MM_HELPER_VERIFY2(a.exec(), qPrintable(a.lastError().text()));
        return true;
    }

    [[nodiscard]] bool forward(qint64 deliveryId, const char *state, const QString &claimedBy)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        q.prepare(QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, state, enqueued_us, "
                                 "next_us, claimed_by) VALUES(?, 'http://127.0.0.1:9/x', 0, ?, 0, ?, ?)"));
        q.addBindValue(deliveryId);
        q.addBindValue(QString::fromLatin1(state));
        q.addBindValue(claimedBy.isEmpty() ? qint64(0) : Now + Day); // a claim's lease ends later
        q.addBindValue(claimedBy.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(claimedBy));
        MM_HELPER_VERIFY2(q.exec(), qPrintable(q.lastError().text()));
        return true;
    }

    [[nodiscard]] bool reject(qint64 receivedUs, int count)
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        q.prepare(QStringLiteral(
            "INSERT INTO rejections(received_us, status, reason_code, reason, headers, body_size) "
            "SELECT CAST(? AS bigint) + g, 401, 'no_match', 'No matching signature', '', 0 "
            "FROM generate_series(1, ?) g"));
        q.addBindValue(receivedUs);
        q.addBindValue(count);
        MM_HELPER_VERIFY2(q.exec(), qPrintable(q.lastError().text()));
        return true;
    }

    std::unique_ptr<PgCluster> m_cluster;
    std::unique_ptr<Store> m_store;
    QString m_connection;
    int m_batches = 0;
};

QTEST_GUILESS_MAIN(TestRetentionPg)
#include "tst_retentionpg.moc"
