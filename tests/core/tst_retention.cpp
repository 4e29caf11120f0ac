// SPDX-License-Identifier: GPL-3.0-or-later
// Retention on a real SQLite store with a fake clock: the age limit, the size limit, young
// deliveries and deliveries waiting to be forwarded kept, and the file shrinking afterwards. The
// deletion journal: exactly the ids deleted, in the deleting transaction, pruned by age and count
// (never the newest entry); a version 5 store is upgraded to have one and keeps its data.
#include "helperverify.h"
#include "model/monitormodel.h"
#include "store/database.h"
#include "store/retention.h"
#include "store/store.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <tuple>

using namespace mm;

namespace {
constexpr qint64 Day = 86400LL * 1000 * 1000;
constexpr qint64 Now = 1750000000LL * 1000 * 1000; // the fake clock's "now"
const QString Connection = QStringLiteral("tst-retention");

qint64 scalar(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(Connection, false));
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}
} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void ageDeletesOldDeliveriesTheirAttemptsAndRejections();
    void pendingForwardsAreKept();
    void sizeLimitDeletesOldestUntilItFits();
    void sizeLimitNeverDeletesYoungDeliveries();
    void sizeLimitAloneKeepsPendingForwards();
    void fileShrinksAfterIncrementalVacuum();
    void existingStoreIsSwitchedToIncrementalVacuum();
    void passStopsBetweenBatchesWhenAsked();
    void workerRunsOnItsOwnThread();
    void passReportsExactlyTheDeletedIds();
    void sizeLimitReportsTheDeletedIds();
    void workerTellsTheModelWithItsClock();
    void journalHoldsExactlyTheDeletedIds();
    void journalGoesWithItsBatch();
    void journalIsPrunedByAgeAndCount();
    void upgradingAVersion5StoreKeepsItsData();

private:
    [[nodiscard]] bool sql(const QString &statement)
    {
        QSqlQuery q(m_db);
        MM_HELPER_VERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
        return true;
    }
    // The journal's entries as (seq, delivery_id, deleted_us), by seq.
    QList<std::tuple<qint64, qint64, qint64>> journal()
    {
        QList<std::tuple<qint64, qint64, qint64>> out;
        QSqlQuery q(m_db);
        if (!q.exec(
                QStringLiteral("SELECT seq, delivery_id, deleted_us FROM deleted_deliveries ORDER BY seq")))
            return {{-1, -1, -1}};
        while (q.next())
            out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()});
        return out;
    }

    // A delivery received at receivedUs with a body of bodyBytes; returns its id.
    qint64 deliver(qint64 receivedUs, int bodyBytes = 64, int retries = 0);
    [[nodiscard]] bool forward(qint64 deliveryId, const char *state);
    [[nodiscard]] bool reject(qint64 receivedUs);
    qint64 count(const char *table)
    {
        return scalar(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
    }
    Retention retention(RetentionPolicy policy)
    {
        Retention r(Connection, [] { return Now; });
        r.setPolicy(policy);
        return r;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QSqlDatabase m_db;
    int m_next = 0;
};

void TestRetention::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QString error;
    QVERIFY2(Retention::prepareStore(Store(Store::Options {m_dir->path()}), &error), qPrintable(error));
    auto db = Database::open(m_dir->path(), Connection, &error);
    QVERIFY2(db, qPrintable(error));
    m_db = *db;
    QCOMPARE(scalar(QStringLiteral("PRAGMA auto_vacuum")), 2);
}

void TestRetention::cleanup()
{
    m_db = QSqlDatabase();
    Database::close(Connection);
    m_dir.reset();
}

qint64 TestRetention::deliver(qint64 receivedUs, int bodyBytes, int retries)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, attempts) "
                             "VALUES(?, ?, 1, ?, ?)"));
    q.addBindValue(QStringLiteral("msg_%1").arg(++m_next));
    q.addBindValue(receivedUs);
    q.addBindValue(QByteArray(bodyBytes, char('a' + m_next % 26)));
    q.addBindValue(1 + retries);
    if (!q.exec())
        qFatal("insert: %s", qPrintable(q.lastError().text()));
    const qint64 id = q.lastInsertId().toLongLong();
    for (int seq = 2; seq <= 1 + retries; ++seq) {
        QSqlQuery a(m_db);
        a.prepare(QStringLiteral("INSERT INTO attempts(delivery_id, seq, received_us) VALUES(?, ?, ?)"));
        a.addBindValue(id);
        a.addBindValue(seq);
        a.addBindValue(receivedUs + seq);
        if (!a.exec())
            qFatal("insert attempt: %s", qPrintable(a.lastError().text()));
    }
    return id;
}

bool TestRetention::forward(qint64 deliveryId, const char *state)
{
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, state, enqueued_us, next_us) "
                       "VALUES(?, 'http://127.0.0.1:9/x', 0, ?, 0, 0)"));
    q.addBindValue(deliveryId);
    q.addBindValue(QString::fromLatin1(state));
    MM_HELPER_VERIFY2(q.exec(), qPrintable(q.lastError().text()));
    return true;
}

bool TestRetention::reject(qint64 receivedUs)
{
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("INSERT INTO rejections(received_us, status, reason_code, reason, headers, body_size) "
                       "VALUES(?, 401, 'no_match', 'No matching signature', '[]', 0)"));
    q.addBindValue(receivedUs);
    MM_HELPER_VERIFY2(q.exec(), qPrintable(q.lastError().text()));
    return true;
}

void TestRetention::ageDeletesOldDeliveriesTheirAttemptsAndRejections()
{
    for (int i = 0; i < 450; ++i) // more than two batches
        deliver(Now - 10 * Day + i, 64, i % 3);
    QList<qint64> young;
    for (int i = 0; i < 5; ++i)
        young.append(deliver(Now - 6 * Day + i, 64, 2));
    QVERIFY(reject(Now - 8 * Day));
    QVERIFY(reject(Now - 1 * Day));
    const qint64 youngAttempts = 5 * 2;
    QCOMPARE(count("attempts"), 150 * 1 + 150 * 2 + youngAttempts);

    Retention r = retention({7, 0});
    const Retention::Pass pass = r.run();
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(pass.deliveries, 450);
    QCOMPARE(pass.rejections, 1);
    QCOMPARE(count("deliveries"), 5);
    QCOMPARE(scalar(QStringLiteral("SELECT min(id) FROM deliveries")), young.first());
    QCOMPARE(count("attempts"), youngAttempts); // every deleted delivery's attempts went with it
    QCOMPARE(count("rejections"), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT received_us FROM rejections")), Now - 1 * Day);

    // A day later the next pass finds nothing more to do; at the boundary, kept.
    QCOMPARE(r.run().deliveries, 0);
    QCOMPARE(count("deliveries"), 5);
}

void TestRetention::pendingForwardsAreKept()
{
    const qint64 pending = deliver(Now - 30 * Day);
    const qint64 delivered = deliver(Now - 30 * Day);
    const qint64 failed = deliver(Now - 30 * Day);
    const qint64 young = deliver(Now - Day);
    QVERIFY(forward(pending, "pending"));
    QVERIFY(forward(delivered, "delivered"));
    QVERIFY(forward(failed, "failed"));
    QVERIFY(forward(young, "pending"));

    const Retention::Pass pass = retention({7, 0}).run();
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(pass.deliveries, 2);
    QCOMPARE(
        scalar(
            QStringLiteral("SELECT count(*) FROM deliveries WHERE id IN (%1, %2)").arg(pending).arg(young)),
        2);
    // The finished forwards went with their deliveries; the waiting ones stay queued.
    QCOMPARE(count("forward_queue"), 2);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'pending'")), 2);
}

void TestRetention::sizeLimitDeletesOldestUntilItFits()
{
    QList<qint64> ids;
    for (int i = 0; i < 200; ++i)
        ids.append(deliver(Now - Day + i, 16 * 1024));
    Retention r = retention({0, 1024 * 1024});
    QVERIFY(r.usedBytes() > 3 * 1024 * 1024);

    const Retention::Pass pass = r.run();
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QVERIFY(!pass.sizeLimitUnmet);
    QVERIFY2(r.usedBytes() <= 1024 * 1024, qPrintable(QString::number(r.usedBytes())));
    // The oldest went, the newest stayed, and not many more went than needed (16 KiB each).
    const qint64 left = count("deliveries");
    QVERIFY2(left >= 30 && left < 64, qPrintable(QString::number(left)));
    QCOMPARE(scalar(QStringLiteral("SELECT max(id) FROM deliveries")), ids.last());
    QCOMPARE(scalar(QStringLiteral("SELECT min(id) FROM deliveries")), ids.at(200 - left));
}

void TestRetention::sizeLimitNeverDeletesYoungDeliveries()
{
    QList<qint64> ids;
    for (int i = 0; i < 100; ++i)
        ids.append(deliver(Now - 2 * Day + i, 16 * 1024));
    Retention r = retention({30, 1024 * 1024});
    QVERIFY(r.usedBytes() > 1024 * 1024);
    QTest::ignoreMessage(
        QtWarningMsg,
        "store: the size limit (1 MiB) cannot be met without deleting deliveries younger than "
        "30 days; they are kept");
    Retention::Pass pass = r.run();
    QVERIFY(pass.complete);
    QVERIFY(pass.sizeLimitUnmet);
    QCOMPARE(pass.deliveries, 0);
    QCOMPARE(count("deliveries"), 100);

    // Said once, not at every pass.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("size limit")));
    pass = r.run();
    QVERIFY(pass.sizeLimitUnmet);
    QCOMPARE(count("deliveries"), 100);
}

void TestRetention::sizeLimitAloneKeepsPendingForwards()
{
    for (int i = 0; i < 100; ++i)
        QVERIFY(forward(deliver(Now - 2 * Day + i, 16 * 1024), "pending"));
    Retention r = retention({0, 1024 * 1024});
    QTest::ignoreMessage(
        QtWarningMsg, "store: the size limit (1 MiB) cannot be met: what is left is waiting to be forwarded");
    const Retention::Pass pass = r.run();
    QVERIFY(pass.sizeLimitUnmet);
    QCOMPARE(pass.deliveries, 0);
    QCOMPARE(count("deliveries"), 100);
}

void TestRetention::fileShrinksAfterIncrementalVacuum()
{
    for (int i = 0; i < 300; ++i)
        deliver(Now - 20 * Day + i, 8 * 1024);
    for (int i = 0; i < 10; ++i)
        deliver(Now - Day + i, 8 * 1024);
    QSqlQuery(m_db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    const QString file = Database::databasePath(m_dir->path());
    const qint64 before = QFileInfo(file).size();
    QVERIFY(before > 2 * 1024 * 1024);

    const Retention::Pass pass = retention({7, 0}).run();
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(pass.deliveries, 300);
    QVERIFY(pass.pagesFreed > 0);
    QCOMPARE(scalar(QStringLiteral("PRAGMA freelist_count")), 0);
    const qint64 after = QFileInfo(file).size();
    QVERIFY2(after < before / 5, qPrintable(QStringLiteral("%1 -> %2 bytes").arg(before).arg(after)));
    QCOMPARE(count("deliveries"), 10);
}

void TestRetention::existingStoreIsSwitchedToIncrementalVacuum()
{
    QTemporaryDir dir;
    const QString name = QStringLiteral("tst-retention-old");
    {
        QString error;
        auto db = Database::open(dir.path(), name, &error);
        QVERIFY2(db, qPrintable(error));
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA auto_vacuum")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0); // what stores made before retention have
        QVERIFY(q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) "
                                      "VALUES('msg_old', 1, 1, x'00')")));
    }
    Database::close(name);
    QString error;
    QVERIFY2(Retention::prepareStore(Store(Store::Options {dir.path()}), &error), qPrintable(error));
    QVERIFY2(Retention::prepareStore(Store(Store::Options {dir.path()}), &error),
             qPrintable(error)); // a second time: nothing to do
    {
        auto db = Database::open(dir.path(), name, &error);
        QVERIFY2(db, qPrintable(error));
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA auto_vacuum")) && q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        QVERIFY(q.exec(QStringLiteral("SELECT msg_id FROM deliveries")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("msg_old"));
    }
    Database::close(name);
}

void TestRetention::passStopsBetweenBatchesWhenAsked()
{
    for (int i = 0; i < 3 * Retention::BatchSize; ++i)
        deliver(Now - 10 * Day + i);
    int calls = 0;
    const Retention::Pass pass = retention({7, 0}).run([&calls] { return ++calls < 2; });
    QVERIFY(!pass.complete);
    QVERIFY(pass.error.isEmpty());
    QCOMPARE(pass.deliveries, 2 * Retention::BatchSize);
    QCOMPARE(count("deliveries"), Retention::BatchSize);
}

void TestRetention::workerRunsOnItsOwnThread()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    for (int i = 0; i < 20; ++i)
        deliver(now - 3 * Day + i);
    const qint64 kept = deliver(now);
    const Store store(Store::Options {m_dir->path()});
    RetentionWorker worker(store, RetentionPolicy {}, std::chrono::minutes(1), std::chrono::milliseconds(0));
    worker.start();
    QTRY_COMPARE(worker.passes(), 1);
    QCOMPARE(count("deliveries"), 21); // no limits, nothing deleted
    worker.setPolicy({2, 0}); // a new policy runs a pass at once
    QTRY_COMPARE(count("deliveries"), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT id FROM deliveries")), kept);
    worker.stop();
}

void TestRetention::passReportsExactlyTheDeletedIds()
{
    QList<qint64> old;
    for (int i = 0; i < 2 * Retention::BatchSize + 7; ++i) // three batches
        old.append(deliver(Now - 10 * Day + i));
    const qint64 pending = old.takeAt(3); // waiting to be forwarded: kept, so not reported
    QVERIFY(forward(pending, "pending"));
    deliver(Now - Day);
    QList<qint64> reported;
    int calls = 0;
    const Retention::Pass pass = retention({7, 0}).run({}, [&](const QList<qint64> &ids) {
        ++calls;
        QVERIFY(std::is_sorted(ids.begin(), ids.end()));
        reported.append(ids);
    });
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(reported, old);
    QCOMPARE(pass.deliveries, old.size());
    QCOMPARE(calls, 3); // once a committed batch
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM deliveries WHERE id = %1").arg(pending)), 1);
}

void TestRetention::sizeLimitReportsTheDeletedIds()
{
    // A size limit is no time cutoff: what went is known only by id.
    QList<qint64> ids;
    for (int i = 0; i < 100; ++i)
        ids.append(deliver(Now - Day + i, 16 * 1024));
    QList<qint64> reported;
    const Retention::Pass pass
        = retention({0, 512 * 1024}).run({}, [&](const QList<qint64> &batch) { reported.append(batch); });
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QVERIFY(pass.deliveries > 50);
    QCOMPARE(reported, ids.first(pass.deliveries));
    QCOMPARE(scalar(QStringLiteral("SELECT min(id) FROM deliveries")), ids.at(pass.deliveries));
}

void TestRetention::workerTellsTheModelWithItsClock()
{
    // The worker measures age with the clock it is given (a fake one, hours ahead of the
    // deliveries), reports the ids it deleted, and the model, told on its thread, drops them.
    constexpr qint64 Hour = 3600LL * 1000 * 1000;
    QList<qint64> old;
    for (int i = 0; i < 30; ++i)
        old.append(deliver(Now - 7 * Hour + i));
    QList<qint64> kept;
    for (int i = 0; i < 5; ++i)
        kept.append(deliver(Now - 5 * Hour + i));
    Store store(Store::Options {m_dir->path()});
    QString error;
    QVERIFY2(store.start(&error), qPrintable(error));
    MonitorModel model(&store);
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(model.log().size(), 35);

    RetentionPolicy policy;
    policy.maxAgeUs = 6 * Hour;
    RetentionWorker worker(store, policy, std::chrono::minutes(1), std::chrono::milliseconds(0));
    worker.setClock([] { return Now; });
    QList<qint64> reported; // on the main thread, as the owner passes them on
    worker.setDeletedSink([&model, &reported](QList<qint64> ids) {
        QMetaObject::invokeMethod(
            &model,
            [&model, &reported, ids] {
                reported.append(ids);
                model.forget(ids);
            },
            Qt::QueuedConnection);
    });
    QSignalSpy forgotten(&model, &MonitorModel::forgotten);
    worker.start();
    QVERIFY(forgotten.wait(5000));
    worker.stop();
    QCOMPARE(reported, old);
    QCOMPARE(forgotten.first().at(0).toLongLong(), 30);
    QCOMPARE(model.log().size(), 5);
    QCOMPARE(model.events()->rowCount(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(model.log().at(i).rowId, kept.at(i));
    QCOMPARE(count("deliveries"), 5);
}

void TestRetention::journalHoldsExactlyTheDeletedIds()
{
    QList<qint64> old;
    for (int i = 0; i < Retention::BatchSize + 50; ++i) // two batches
        old.append(deliver(Now - 10 * Day + i));
    QVERIFY(forward(old.takeAt(7), "pending")); // kept: not journaled
    deliver(Now - Day);
    QList<qint64> reported;
    const Retention::Pass pass
        = retention({7, 0}).run({}, [&reported](const QList<qint64> &ids) { reported.append(ids); });
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(reported, old);
    // Numbered from 1 without a gap, in the order deleted, at the retention clock's time.
    QList<std::tuple<qint64, qint64, qint64>> expected;
    for (qsizetype i = 0; i < old.size(); ++i)
        expected.append({i + 1, old.at(i), Now});
    QCOMPARE(journal(), expected);
    // A pass that deletes nothing journals nothing.
    QCOMPARE(retention({7, 0}).run().deliveries, 0);
    QCOMPARE(count("deleted_deliveries"), old.size());
}

void TestRetention::journalGoesWithItsBatch()
{
    // A batch whose journal entry cannot be written deletes nothing: one transaction.
    QList<qint64> old;
    for (int i = 0; i < 5; ++i)
        old.append(deliver(Now - 10 * Day + i, 64, 1));
    QVERIFY(sql(QStringLiteral("CREATE TRIGGER journal_refuses BEFORE INSERT ON deleted_deliveries "
                               "WHEN NEW.delivery_id = %1 BEGIN SELECT RAISE(ABORT, 'journal refused'); END")
                    .arg(old.at(3))));
    QList<qint64> reported;
    Retention::Pass pass
        = retention({7, 0}).run({}, [&reported](const QList<qint64> &ids) { reported.append(ids); });
    QVERIFY(!pass.complete);
    QVERIFY2(pass.error.contains(QLatin1String("journal refused")), qPrintable(pass.error));
    QVERIFY(reported.isEmpty());
    QCOMPARE(count("deliveries"), 5);
    QCOMPARE(count("attempts"), 5);
    QCOMPARE(count("deleted_deliveries"), 0);

    QVERIFY(sql(QStringLiteral("DROP TRIGGER journal_refuses")));
    pass = retention({7, 0}).run({}, [&reported](const QList<qint64> &ids) { reported.append(ids); });
    QVERIFY2(pass.complete, qPrintable(pass.error));
    QCOMPARE(reported, old);
    QCOMPARE(journal().size(), 5);
    QCOMPARE(std::get<0>(journal().first()), 1); // the failed batch took no number
}

void TestRetention::journalIsPrunedByAgeAndCount()
{
    // By age: a pass more than a day after the last prunes that one's entries.
    const QList<qint64> first {deliver(Now - 10 * Day), deliver(Now - 10 * Day)};
    const QList<qint64> second {deliver(Now - 5 * Day), deliver(Now - 5 * Day)};
    QCOMPARE(retention({7, 0}).run().deliveries, 2);
    QCOMPARE(count("deleted_deliveries"), 2);
    Retention later(Connection, [] { return Now + Day - 1; }); // not yet a day
    later.setPolicy({3, 0});
    QCOMPARE(later.run().deliveries, 2);
    QCOMPARE(journal(),
             (QList<std::tuple<qint64, qint64, qint64>> {{1, first.at(0), Now},
                                                         {2, first.at(1), Now},
                                                         {3, second.at(0), Now + Day - 1},
                                                         {4, second.at(1), Now + Day - 1}}));
    const qint64 third = deliver(Now - Day);
    Retention dayLater(Connection, [] { return Now + Day + 1; });
    dayLater.setPolicy({1, 0});
    QCOMPARE(dayLater.run().deliveries, 1);
    QCOMPARE(journal(),
             (QList<std::tuple<qint64, qint64, qint64>> {{3, second.at(0), Now + Day - 1},
                                                         {4, second.at(1), Now + Day - 1},
                                                         {5, third, Now + Day + 1}}));

    // By count: at most JournalMaxRows entries, the newest.
    QVERIFY(sql(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                               "WHERE i < %1) INSERT INTO deleted_deliveries(delivery_id, deleted_us) "
                               "SELECT 1000000 + i, %2 FROM n")
                    .arg(Retention::JournalMaxRows)
                    .arg(Now + Day + 1)));
    QCOMPARE(count("deleted_deliveries"), Retention::JournalMaxRows + 3);
    deliver(Now - Day);
    QCOMPARE(dayLater.run().deliveries, 1);
    const qint64 newest = 5 + Retention::JournalMaxRows + 1;
    QCOMPARE(count("deleted_deliveries"), Retention::JournalMaxRows);
    QCOMPARE(scalar(QStringLiteral("SELECT min(seq) FROM deleted_deliveries")),
             newest - Retention::JournalMaxRows + 1);
    QCOMPARE(scalar(QStringLiteral("SELECT max(seq) FROM deleted_deliveries")), newest);

    // Never the newest: long after everything, the last entry stays, so numbering goes on from it.
    const qint64 last = deliver(Now - Day);
    Retention muchLater(Connection, [] { return Now + 30 * Day; });
    muchLater.setPolicy({1, 0});
    QCOMPARE(muchLater.run().deliveries, 1);
    QCOMPARE(journal(), (QList<std::tuple<qint64, qint64, qint64>> {{newest + 1, last, Now + 30 * Day}}));
}

void TestRetention::upgradingAVersion5StoreKeepsItsData()
{
    QTemporaryDir dir;
    const QString name = QStringLiteral("tst-retention-v5");
    QString error;
    {
        auto db = Database::open(dir.path(), name, &error);
        QVERIFY2(db, qPrintable(error));
        // Back to version 5 (before the journal), with a delivery and a company name in it.
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("DROP TABLE deleted_deliveries")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body) "
                                      "VALUES('msg_v5', %1, 1, x'7b7d')")
                           .arg(Now - 10 * Day)));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO company_names(company_id, name, updated_us) VALUES('c-v5', 'Five', 1)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=5")));
    }
    Database::close(name);
    {
        auto db = Database::open(dir.path(), name, &error);
        QVERIFY2(db, qPrintable(error));
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Database::SchemaVersion);
        QCOMPARE(Database::SchemaVersion, 6);
        QVERIFY(q.exec(QStringLiteral("SELECT msg_id FROM deliveries")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("msg_v5"));
        QVERIFY(q.exec(QStringLiteral("SELECT name FROM company_names")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("Five"));
        q.finish();
        Retention r(name, [] { return Now; });
        r.setPolicy({7, 0});
        QCOMPARE(r.run().deliveries, 1);
        QVERIFY(q.exec(QStringLiteral("SELECT seq, delivery_id FROM deleted_deliveries")) && q.next());
        QCOMPARE(q.value(0).toLongLong(), 1);
        QCOMPARE(q.value(1).toLongLong(), 1);
    }
    Database::close(name);
}

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"
