// SPDX-License-Identifier: GPL-3.0-or-later
// The memory cap (core/model/memorycap.*, MigrationBook::freeze/thaw, EventLog::insertStored,
// monitormodelmemory.cpp):
// - MemoryCap's plan: nothing under the cap; least recently used first; a migration goes whole;
//   loose rows go one by one; pinned migrations stay; rows read back count as used when read;
// - the property the cap rests on: a migration frozen, its rows erased, read back in any order
//   and thawed is the same aggregate as one never frozen, and the others' events still point at
//   their own rows;
// - through a real store: a capped model holds at most the cap in memory yet shows every
//   migration as an uncapped one does; a late event, the timeline and retention read a frozen
//   migration back; loadOlder() pages the rest into the event log in row-id order.
#include "event/deliveryrecord.h"
#include "event/envelope.h"
#include "helperverify.h"
#include "model/eventlog.h"
#include "model/memorycap.h"
#include "model/migrationbook.h"
#include "model/monitormodel.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace mm;

namespace {
constexpr qint64 Sec = 1000000;
constexpr qint64 T0 = 1750207841LL * Sec;

const char *const Lifecycle[][2] = {{"migration.created", "NOT_STARTED"},
                                    {"migration.started", "WORKING"},
                                    {"migration_task.failed", "FAILED"},
                                    {"migration.completed", "COMPLETE"}};

EventFacts fact(qint64 rowId, const QString &migration, int step, qint64 atUs)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.migrationId = migration;
    f.type = QString::fromLatin1(Lifecycle[step][0]);
    f.status = QString::fromLatin1(Lifecycle[step][1]);
    if (step == 2) {
        f.taskId = QStringLiteral("tsk_%1").arg(rowId);
        f.errorMessage = QStringLiteral("timeout");
    }
    f.companyId = QStringLiteral("co_") + migration.right(1);
    f.createdUs = atUs;
    f.receivedUs = atUs;
    f.parsed = true;
    return f;
}

EventFacts ping(qint64 rowId, qint64 atUs)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.type = QStringLiteral("svix.ping");
    f.receivedUs = atUs;
    return f;
}

// Migrations m0..m(n-1), each created, started, (a task failure,) completed, one minute apart
// each; migration i runs at T0 + i hours, so m0 is the least recently used.
QList<EventFacts> stream(int migrations, qint64 firstRowId = 1, const QString &prefix = QStringLiteral("m"))
{
    QList<EventFacts> out;
    qint64 row = firstRowId;
    for (int m = 0; m < migrations; ++m) {
        const QString id = prefix + QString::number(m);
        for (int step = 0; step < 4; ++step) {
            if (step == 2 && m % 2)
                continue;
            out.append(fact(row++, id, step, T0 + m * 3600 * Sec + step * 60 * Sec));
        }
    }
    return out;
}

void feed(EventLog &log, MigrationBook &book, const QList<EventFacts> &facts)
{
    for (const EventFacts &f : facts)
        book.apply(log, log.upsert(f));
}

bool never(qsizetype)
{
    return false;
}

// The rows' event ids, in log order.
QStringList eventIdsOf(const EventLog &log, const Migration &m)
{
    QStringList out;
    for (const Migration::Event &e : m.events)
        out.append(QString::fromUtf8(log.at(e.logIndex).eventId()));
    return out;
}

QByteArray envelope(const EventFacts &f)
{
    QJsonObject object;
    object.insert(QLatin1String("object"),
                  f.taskId.isEmpty() ? QLatin1String("migration") : QLatin1String("migration_task"));
    object.insert(QLatin1String("id"), f.taskId.isEmpty() ? f.migrationId : f.taskId);
    object.insert(QLatin1String("status"), f.status);
    QJsonObject data;
    data.insert(QLatin1String("migration_id"), f.migrationId);
    data.insert(QLatin1String("company_id"), f.companyId);
    data.insert(QLatin1String("object"), object);
    if (!f.errorMessage.isEmpty())
        data.insert(QLatin1String("error_message"), f.errorMessage);
    QJsonObject root;
    root.insert(QLatin1String("id"), f.eventId);
    root.insert(QLatin1String("object"), QLatin1String("event"));
    root.insert(QLatin1String("created"), formatTimestampUs(*f.createdUs));
    root.insert(QLatin1String("type"), f.type);
    root.insert(QLatin1String("data"), data);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

DeliveryRecord record(const EventFacts &f)
{
    DeliveryRecord r = deliveryRecordFromBody(envelope(f));
    r.msgId = f.msgId;
    r.receivedUs = f.receivedUs;
    r.timestampHeader = f.receivedUs / Sec;
    return r;
}

[[nodiscard]] bool start(Store &store)
{
    QString error;
    MM_HELPER_VERIFY2(store.writer().start(&error), qPrintable(error));
    return true;
}

// These deliveries, written through the store's running writer (row ids 1, 2, … in order).
// committed() comes from the writer's thread: counted through a queued connection to this
// thread, so no emission can fall between a check and a wait.
[[nodiscard]] bool write(Store &store, const QList<EventFacts> &facts)
{
    StoreWriter &writer = store.writer();
    QObject context;
    qsizetype seen = 0;
    QObject::connect(
        &writer, &StoreWriter::committed, &context,
        [&seen](const QList<EventFacts> &done) { seen += done.size(); }, Qt::QueuedConnection);
    static quint64 ticket = 0;
    for (const EventFacts &f : facts)
        writer.submit(++ticket, record(f));
    MM_HELPER_VERIFY(QTest::qWaitFor([&] { return seen >= facts.size(); }, 10000));
    return true;
}

[[nodiscard]] bool load(MonitorModel &model)
{
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    MM_HELPER_VERIFY(loaded.wait(10000));
    return true;
}

[[nodiscard]] bool sameBoard(const MonitorModel &capped, const MonitorModel &full)
{
    MM_HELPER_COMPARE(capped.book().size(), full.book().size());
    for (qsizetype i = 0; i < full.book().size(); ++i) {
        const Migration &want = full.book().at(i);
        const qsizetype at = capped.book().indexOf(want.id);
        MM_HELPER_VERIFY2(at >= 0, qPrintable(want.id));
        const Migration &got = capped.book().at(at);
        MM_HELPER_COMPARE(got.status, want.status);
        MM_HELPER_COMPARE(got.eventCount, want.eventCount);
        MM_HELPER_COMPARE(got.taskFailureCount, want.taskFailureCount);
        MM_HELPER_COMPARE(got.startedUs, want.startedUs);
        MM_HELPER_COMPARE(got.finishedUs, want.finishedUs);
        MM_HELPER_COMPARE(got.companyId, want.companyId);
        MM_HELPER_COMPARE(got.anomalies, want.anomalies);
    }
    return true;
}
} // namespace

class TestMemoryCap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingUnderTheCap();
    void leastRecentlyUsedGoesWhole();
    void pinnedMigrationsStay();
    void looseRowsGoOneByOne();
    void insertStoredPlacesRowsByRowId();
    void freezeThenThawIsTheSameAggregate();
    void cappedModelShowsEveryMigration();
    void capSetWhileLoadingApplies();
    void lateEventThawsAFrozenMigration();
    void timelineThawsTheShownMigration();
    void retentionForgetsFrozenMigrations();
    void loadOlderPagesTheRestInOrder();
};

void TestMemoryCap::nothingUnderTheCap()
{
    EventLog log;
    MigrationBook book;
    feed(log, book, stream(5)); // 5 migrations, 18 rows
    QCOMPARE(log.size(), 18);
    QVERIFY(MemoryCap(18).plan(log, book, never).isEmpty());
    QVERIFY(MemoryCap(0).plan(log, book, never).isEmpty()); // no cap
    QVERIFY(!MemoryCap(17).plan(log, book, never).isEmpty());
}

void TestMemoryCap::leastRecentlyUsedGoesWhole()
{
    EventLog log;
    MigrationBook book;
    feed(log, book, stream(5)); // m0 (4 rows), m1 (3), m2 (4), m3 (3), m4 (4)
    const MemoryCap cap(16); // low water 15: m0's four rows go, m1 stays
    QCOMPARE(cap.lowWater(), 15);
    const EvictionPlan plan = cap.plan(log, book, never);
    QCOMPARE(plan.migrations, QList<qsizetype> {book.indexOf(QStringLiteral("m0"))});
    QCOMPARE(plan.rows, (std::vector<quint32> {0, 1, 2, 3}));

    const EvictionPlan more = MemoryCap(10).plan(log, book, never); // down to 9: m0, m1, m2
    QCOMPARE(more.migrations.size(), 3);
    QCOMPARE(more.rows.size(), size_t(11));
    QCOMPARE(more.rows.back(), quint32(10));
}

void TestMemoryCap::pinnedMigrationsStay()
{
    EventLog log;
    MigrationBook book;
    feed(log, book, stream(5));
    const qsizetype m0 = book.indexOf(QStringLiteral("m0"));
    const EvictionPlan plan = MemoryCap(16).plan(log, book, [m0](qsizetype i) { return i == m0; });
    QCOMPARE(plan.migrations, QList<qsizetype> {book.indexOf(QStringLiteral("m1"))}); // the next oldest
}

void TestMemoryCap::looseRowsGoOneByOne()
{
    EventLog log;
    MigrationBook book;
    log.upsert(ping(1, T0 - 2 * Sec));
    log.upsert(ping(2, T0 - Sec));
    feed(log, book, stream(2, 3)); // m0 rows 3-6, m1 rows 7-9
    QCOMPARE(log.size(), 9);
    // Low water 8: the oldest ping alone is enough.
    EvictionPlan plan = MemoryCap(8).plan(log, book, never);
    QVERIFY(plan.migrations.isEmpty());
    QCOMPARE(plan.rows, std::vector<quint32> {0});
    // The same ping read back just now counts as used now: the other ping goes, then m0.
    const QHash<qint64, qint64> touched {{1, T0 + 100 * 3600 * Sec}};
    plan = MemoryCap(8).plan(log, book, never, touched);
    QCOMPARE(plan.rows, std::vector<quint32> {1});
    plan = MemoryCap(7).plan(log, book, never, touched); // low water 7: ping 2 and m0
    QCOMPARE(plan.migrations, QList<qsizetype> {book.indexOf(QStringLiteral("m0"))});
    QCOMPARE(plan.rows, (std::vector<quint32> {1, 2, 3, 4, 5}));

    // A frozen migration's rows in the log (a late arrival) are loose rows too, unless pinned.
    book.freeze(log, {book.indexOf(QStringLiteral("m0"))});
    QVERIFY(book.at(book.indexOf(QStringLiteral("m0"))).frozen);
    QCOMPARE(book.frozenCount(), 1);
    plan
        = MemoryCap(2).plan(log, book, [&book](qsizetype i) { return book.at(i).id == QLatin1String("m0"); });
    QCOMPARE(plan.rows, (std::vector<quint32> {0, 1, 6, 7, 8})); // pings and m1, not m0's rows
}

void TestMemoryCap::insertStoredPlacesRowsByRowId()
{
    EventLog log;
    const QList<EventFacts> all = stream(3); // rows 1..11
    for (const EventFacts &f : all) {
        if (f.rowId % 3 == 0)
            log.upsert(f);
    }
    QCOMPARE(log.size(), 3); // rows 3, 6, 9
    QList<EventFacts> back;
    for (const EventFacts &f : all) {
        if (f.rowId % 3 != 0 || f.rowId == 6) // 6 is held already: skipped
            back.prepend(f); // any order
    }
    const std::vector<quint32> inserted = log.insertStored(back);
    QCOMPARE(log.size(), 11);
    QCOMPARE(inserted.size(), size_t(8));
    for (qsizetype i = 0; i < log.size(); ++i) {
        QCOMPARE(log.at(i).rowId, i + 1);
        QCOMPARE(log.indexOfRowId(i + 1), i);
    }
    QCOMPARE(inserted, (std::vector<quint32> {0, 1, 3, 4, 6, 7, 9, 10}));
    QCOMPARE(log.highestRowId(), 11);
    // A row arriving later still goes at the end and is found.
    bool isNew = false;
    log.upsert(ping(12, T0), &isNew);
    QVERIFY(isNew);
    QCOMPARE(log.indexOfRowId(12), 11);
}

void TestMemoryCap::freezeThenThawIsTheSameAggregate()
{
    // Shuffled arrival, duplicates of some events under a second message id, and random subsets
    // frozen: after erasing, reading back in a random order and thawing, every migration equals
    // the reference, and the unfrozen ones' events still name their own rows.
    for (quint32 seed = 1; seed <= 40; ++seed) {
        QRandomGenerator rng(seed);
        QList<EventFacts> facts = stream(12);
        const qsizetype originals = facts.size();
        for (qsizetype i = 0; i < originals; i += 5) {
            EventFacts copy = facts[i];
            copy.rowId = facts.size() + 1;
            copy.msgId = "msg_resent_" + QByteArray::number(copy.rowId);
            copy.receivedUs += 7 * Sec;
            facts.append(copy);
        }
        std::shuffle(facts.begin(), facts.end(), rng);
        EventLog refLog;
        MigrationBook ref;
        feed(refLog, ref, facts);

        // The store: facts by row id. Arrival order is the shuffled one, so row ids arrive out of order.
        EventLog log;
        MigrationBook book;
        feed(log, book, facts);
        QList<qsizetype> frozen;
        for (qsizetype i = 0; i < book.size(); ++i) {
            if (rng.bounded(2))
                frozen.append(i);
        }
        QHash<QString, QStringList> otherRows; // unfrozen migrations' event ids, before
        for (qsizetype i = 0; i < book.size(); ++i) {
            if (!frozen.contains(i))
                otherRows.insert(book.at(i).id, eventIdsOf(log, book.at(i)));
        }
        std::vector<quint32> rows;
        QList<EventFacts> stored;
        for (const qsizetype i : std::as_const(frozen)) {
            for (const Migration::Event &e : book.at(i).events)
                rows.push_back(e.logIndex);
        }
        std::sort(rows.begin(), rows.end());
        for (const quint32 r : rows) {
            const qint64 id = log.at(r).rowId;
            stored.append(*std::find_if(facts.cbegin(), facts.cend(),
                                        [id](const EventFacts &f) { return f.rowId == id; }));
        }
        book.freeze(log, frozen);
        log.erase(rows);
        QList<qsizetype> changed;
        QList<qsizetype> emptied;
        book.forgetRows(log, rows, &changed, &emptied);
        QVERIFY(changed.isEmpty() && emptied.isEmpty());
        QCOMPARE(log.size(), refLog.size() - qsizetype(rows.size()));
        for (const qsizetype i : std::as_const(frozen)) {
            const Migration &m = book.at(i);
            QVERIFY(m.frozen && m.events.empty());
            const Migration &want = ref.at(ref.indexOf(m.id));
            QCOMPARE(m.status, want.status); // the state stays while frozen
            QCOMPARE(m.eventCount, want.eventCount);
            QCOMPARE(qsizetype(m.frozenRowIds.size()), qsizetype(want.events.size()));
        }
        for (auto it = otherRows.cbegin(); it != otherRows.cend(); ++it)
            QCOMPARE(eventIdsOf(log, book.at(book.indexOf(it.key()))), it.value());

        std::shuffle(stored.begin(), stored.end(), rng);
        book.noteInserted(log.insertStored(stored));
        for (auto it = otherRows.cbegin(); it != otherRows.cend(); ++it)
            QCOMPARE(eventIdsOf(log, book.at(book.indexOf(it.key()))), it.value());
        book.thaw(log, frozen);
        QCOMPARE(book.frozenCount(), 0);
        for (qsizetype i = 0; i < ref.size(); ++i) {
            const Migration &want = ref.at(i);
            const Migration &got = book.at(book.indexOf(want.id));
            QVERIFY2(got.sameAggregate(want, log, refLog),
                     qPrintable(QStringLiteral("seed %1, %2").arg(seed).arg(want.id)));
        }
    }
}

void TestMemoryCap::cappedModelShowsEveryMigration()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    const QList<EventFacts> facts = stream(60); // 210 rows
    QVERIFY(write(store, facts));

    MonitorModel full(&store);
    QVERIFY(load(full));
    QCOMPARE(full.log().size(), 210);

    MonitorModel capped(&store);
    QAbstractItemModelTester tester(capped.events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    capped.setMemoryCap(50);
    QVERIFY(load(capped));
    QVERIFY2(capped.log().size() <= 50, qPrintable(QString::number(capped.log().size())));
    QVERIFY(capped.book().frozenCount() > 40);
    QVERIFY(sameBoard(capped, full));
    QCOMPARE(capped.events()->rowCount(), capped.log().size());
    QVERIFY(capped.canLoadOlder());
    // The newest migration is in memory, the oldest frozen.
    QVERIFY(!capped.book().at(capped.book().indexOf(QStringLiteral("m59"))).frozen);
    QVERIFY(capped.book().at(capped.book().indexOf(QStringLiteral("m0"))).frozen);
    QCOMPARE(capped.rowIdsOfMigration(QStringLiteral("m0")), (QList<qint64> {1, 2, 3, 4}));

    // Lowering the cap on a loaded model evicts at once.
    QSignalSpy evicted(&capped, &MonitorModel::evicted);
    capped.setMemoryCap(20);
    QCOMPARE(evicted.size(), 1);
    QVERIFY(capped.log().size() <= 20);
    QVERIFY(sameBoard(capped, full));
}

void TestMemoryCap::capSetWhileLoadingApplies()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    QVERIFY(write(store, stream(60)));
    MonitorModel model(&store);
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore(); // read without a cap
    model.setMemoryCap(50);
    QVERIFY(loaded.wait(10000));
    QVERIFY2(model.log().size() <= 50, qPrintable(QString::number(model.log().size())));
    QCOMPARE(model.book().size(), 60);
}

void TestMemoryCap::lateEventThawsAFrozenMigration()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    QList<EventFacts> facts = stream(30);
    QVERIFY(write(store, facts));
    MonitorModel full(&store);
    MonitorModel capped(&store);
    capped.setMemoryCap(40);
    QVERIFY(load(full));
    QVERIFY(load(capped));
    QVERIFY(capped.book().at(capped.book().indexOf(QStringLiteral("m1"))).frozen);
    connect(&store.writer(), &StoreWriter::committed, &full, &MonitorModel::ingest);
    connect(&store.writer(), &StoreWriter::committed, &capped, &MonitorModel::ingest);

    // m1 had no task failure: one arrives late (dated before its completion), then a conflicting outcome.
    EventFacts late = fact(0, QStringLiteral("m1"), 2, T0 + 3600 * Sec + 150 * Sec);
    late.msgId = "msg_late";
    late.eventId = QStringLiteral("evt_late");
    late.taskId = QStringLiteral("tsk_late");
    QSignalSpy updated(&capped, &MonitorModel::migrationUpdated);
    QVERIFY(write(store, {late}));
    QTRY_VERIFY(!capped.book().at(capped.book().indexOf(QStringLiteral("m1"))).frozen);
    QVERIFY(updated.contains(QVariantList {QStringLiteral("m1")}));
    const Migration &m1 = capped.book().at(capped.book().indexOf(QStringLiteral("m1")));
    QCOMPARE(m1.eventCount, 4);
    QCOMPARE(m1.taskFailureCount, 1);
    QCOMPARE(m1.events.size(), size_t(4));
    QTRY_VERIFY(capped.log().size() <= 40);
    QVERIFY(sameBoard(capped, full));
}

void TestMemoryCap::timelineThawsTheShownMigration()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    QVERIFY(write(store, stream(30)));
    MonitorModel capped(&store);
    capped.setMemoryCap(30);
    QVERIFY(load(capped));
    const QString m0 = QStringLiteral("m0");
    QVERIFY(capped.book().at(capped.book().indexOf(m0)).frozen);
    capped.timeline()->setMigration(m0);
    QCOMPARE(capped.timeline()->rowCount(), 0); // not read back yet
    QTRY_COMPARE(capped.timeline()->rowCount(), 4);
    QVERIFY(!capped.book().at(capped.book().indexOf(m0)).frozen);
    QCOMPARE(capped.timeline()->index(0, TimelineModel::Type).data().toString(),
             QStringLiteral("migration.created"));
    // The shown migration is pinned: more traffic does not freeze it again.
    connect(&store.writer(), &StoreWriter::committed, &capped, &MonitorModel::ingest);
    QSignalSpy evicted(&capped, &MonitorModel::evicted);
    QVERIFY(write(store, stream(10, 200, QStringLiteral("later"))));
    QTRY_VERIFY(!evicted.isEmpty());
    QVERIFY(!capped.book().at(capped.book().indexOf(m0)).frozen);
    QCOMPARE(capped.timeline()->rowCount(), 4);
}

void TestMemoryCap::retentionForgetsFrozenMigrations()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    QVERIFY(write(store, stream(30)));
    MonitorModel capped(&store);
    capped.setMemoryCap(30);
    QVERIFY(load(capped));
    QVERIFY(capped.book().at(capped.book().indexOf(QStringLiteral("m0"))).frozen);
    QVERIFY(capped.book().at(capped.book().indexOf(QStringLiteral("m1"))).frozen);
    const qsizetype before = capped.book().size();

    // Every delivery of m0 (rows 1-4): it leaves the board.
    QSignalSpy forgotten(&capped, &MonitorModel::forgotten);
    capped.forget({1, 2, 3, 4});
    QCOMPARE(forgotten.size(), 1);
    QCOMPARE(forgotten.at(0).at(1).toLongLong(), 1);
    QCOMPARE(capped.book().indexOf(QStringLiteral("m0")), -1);
    QCOMPARE(capped.book().size(), before - 1);

    // Some of m1's (rows 5-7: created, started, completed): the rest is read back. Retention
    // deleted row 5 from the store as well.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("delete"));
        db.setDatabaseName(dir.filePath(QStringLiteral("monitor.sqlite3")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("DELETE FROM attempts WHERE delivery_id = 5")));
        QVERIFY2(q.exec(QStringLiteral("DELETE FROM deliveries WHERE id = 5")),
                 qPrintable(q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("delete"));
    capped.forget({5});
    QTRY_VERIFY(!capped.book().at(capped.book().indexOf(QStringLiteral("m1"))).frozen);
    const Migration &m1 = capped.book().at(capped.book().indexOf(QStringLiteral("m1")));
    QCOMPARE(m1.eventCount, 2);
    QVERIFY(m1.hasAnomaly(Anomaly::StartWithoutCreation));
}

void TestMemoryCap::loadOlderPagesTheRestInOrder()
{
    QTemporaryDir dir;
    Store store(Store::Options {dir.path()});
    QVERIFY(start(store));
    QVERIFY(write(store, stream(40))); // 140 rows
    MonitorModel capped(&store);
    QAbstractItemModelTester tester(capped.events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    capped.setMemoryCap(100);
    QVERIFY(load(capped));
    QVERIFY(capped.log().size() <= 90);
    QList<qint64> away; // stored, not in memory, newest first
    for (qint64 id = 140; id >= 1; --id) {
        if (capped.log().indexOfRowId(id) < 0)
            away.append(id);
    }
    QVERIFY(away.size() >= 50);
    auto inMemory = [&capped](const QList<qint64> &ids) {
        return std::all_of(ids.cbegin(), ids.cend(),
                           [&capped](qint64 id) { return capped.log().indexOfRowId(id) >= 0; });
    };
    auto inOrder = [&capped] {
        for (qsizetype i = 1; i < capped.log().size(); ++i) {
            if (capped.log().at(i - 1).rowId >= capped.log().at(i).rowId)
                return false;
        }
        return true;
    };

    QSignalSpy older(&capped, &MonitorModel::olderLoaded);
    QSignalSpy counted(&capped, &MonitorModel::memoryCounted);
    const qsizetype before = capped.log().size();
    capped.loadOlder(10);
    QVERIFY(older.wait(10000));
    QCOMPARE(older.last().at(0).toLongLong(), 10);
    QVERIFY(inMemory(away.mid(0, 10)));
    QCOMPARE(capped.log().size(), before + 10);
    QVERIFY(inOrder());

    // Past the cap, older migrations make room, not the rows just read.
    capped.loadOlder(25);
    QVERIFY(older.wait(10000));
    QCOMPARE(older.last().at(0).toLongLong(), 25);
    QVERIFY(capped.log().size() <= 100);
    QVERIFY(inMemory(away.mid(10, 25)));
    QVERIFY(inOrder());
    QTRY_VERIFY(!counted.isEmpty());
    QCOMPARE(counted.last().at(1).toLongLong(), 140);
}

QTEST_GUILESS_MAIN(TestMemoryCap)
#include "tst_memorycap.moc"
