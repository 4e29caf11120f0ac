// SPDX-License-Identifier: GPL-3.0-or-later
// The item models over the migration model (core/model/*model*, eventfilterproxy.*,
// monitormodel.*), driven through MonitorModel as the application drives them. Every model
// and proxy has a QAbstractItemModelTester attached before any data goes in, and keeps it
// while rows are ingested, published in batches, filtered, refiltered, changed by retries,
// reset by a load from a real store and while the timeline switches migrations.
#include "helperverify.h"
#include "model/eventfilter.h"
#include "model/eventfilterproxy.h"
#include "model/eventlogmodel.h"
#include "model/migrationfilter.h"
#include "model/migrationlistmodel.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "model/rejectionsmodel.h"
#include "model/timelinemodel.h"
#include "store/database.h"
#include "store/records.h"
#include "store/store.h"
#include "store/storereader.h"
#include "store/storewriter.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QSet>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

using namespace mm;

namespace {

constexpr qint64 Sec = 1'000'000;
constexpr qint64 Min = 60 * Sec;
// 2025-06-18T00:50:40.301173Z
constexpr qint64 T0 = 1'750'207'840'301'173LL;
constexpr qint64 ArrivalDelayUs = 250'000; // each fact arrives a quarter second after it was created

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

EventFacts fact(qint64 rowId, const QString &type, const QString &migration, std::optional<qint64> createdUs,
                const QString &status = {})
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = QByteArrayLiteral("msg_2ZkcXq") + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = type;
    f.migrationId = migration;
    f.createdUs = createdUs;
    f.status = status;
    f.receivedUs = (createdUs ? *createdUs : T0) + ArrivalDelayUs;
    f.parsed = true;
    return f;
}

// Eleven deliveries with every field the event filter looks at.
QList<EventFacts> corpus()
{
    QList<EventFacts> out;
    out << fact(1, s("migration.created"), s("mig_alpha"), T0, s("NOT_STARTED"));
    out << fact(2, s("migration.started"), s("mig_alpha"), T0 + 10 * Sec, s("WORKING"));
    EventFacts task = fact(3, s("migration_task.failed"), s("mig_alpha"), T0 + 20 * Sec, s("FAILED"));
    task.errorMessage = s("Timeout reading the payroll register");
    task.taskId = s("task_7");
    out << task;
    out << fact(4, s("migration.completed"), s("mig_alpha"), T0 + 30 * Sec, s("COMPLETED_WITH_FAILURES"));
    out << fact(5, s("migration.created"), s("mig_beta"), T0 + 5 * Sec, s("NOT_STARTED"));
    EventFacts retried = fact(6, s("migration.started"), s("mig_beta"), T0 + 15 * Sec, s("WORKING"));
    retried.attempts = 2;
    out << retried;
    EventFacts failed = fact(7, s("migration.failed"), s("mig_beta"), T0 + 25 * Sec, s("FAILED"));
    failed.errorMessage = s("Login workflow failed: credentials rejected");
    out << failed;
    out << fact(8, s("svix.ping"), QString(), T0 + 40 * Sec);
    EventFacts thrice = fact(9, s("migration.created"), s("mig_gamma"), T0 + 50 * Sec, s("NOT_STARTED"));
    thrice.attempts = 3;
    out << thrice;
    EventFacts task2 = fact(10, s("migration_task.failed"), s("mig_gamma"), T0 + 55 * Sec, s("FAILED"));
    task2.errorMessage = s("timeout contacting source");
    task2.taskId = s("task_8");
    out << task2;
    EventFacts replayed = fact(11, s("custom.audit"), s("mig_gamma"), std::nullopt);
    replayed.receivedUs = T0 + 60 * Sec; // no "created": the model uses the arrival time
    replayed.replayed = true;
    out << replayed;
    return out;
}

// Six migrations for the board (see migrationBoard for what each one is).
QList<EventFacts> board()
{
    QList<EventFacts> out;
    auto add = [&out](qint64 rowId, const char *type, const char *migration, qint64 created,
                      const char *status, const char *company) -> EventFacts & {
        EventFacts f = fact(rowId, s(type), s(migration), created, s(status));
        f.companyId = s(company);
        out << f;
        return out.last();
    };
    // mig_a: complete, 65 s
    add(101, "migration.created", "mig_a", T0, "NOT_STARTED", "acme-co");
    add(102, "migration.started", "mig_a", T0 + 10 * Sec, "WORKING", "acme-co");
    add(103, "migration.completed", "mig_a", T0 + 75 * Sec, "COMPLETE", "acme-co");
    // mig_b: complete, 9 s
    add(104, "migration.created", "mig_b", T0 + 1 * Sec, "NOT_STARTED", "globex");
    add(105, "migration.started", "mig_b", T0 + 20 * Sec, "WORKING", "globex");
    add(106, "migration.completed", "mig_b", T0 + 29 * Sec, "COMPLETE", "globex");
    // mig_c: completed with failures, 10 s, one task failure
    add(107, "migration.created", "mig_c", T0 + 2 * Sec, "NOT_STARTED", "acme-co");
    add(108, "migration.started", "mig_c", T0 + 30 * Sec, "WORKING", "acme-co");
    EventFacts &task = add(109, "migration_task.failed", "mig_c", T0 + 35 * Sec, "FAILED", "acme-co");
    task.taskId = s("task_c1");
    task.errorMessage = s("Timed out downloading the payroll register");
    add(110, "migration.completed", "mig_c", T0 + 40 * Sec, "COMPLETED_WITH_FAILURES", "acme-co");
    // mig_d: working, started without migration.created (an anomaly)
    add(111, "migration.started", "mig_d", T0 + 40 * Sec, "WORKING", "initech");
    // mig_e: not started
    add(112, "migration.created", "mig_e", T0 + 50 * Sec, "NOT_STARTED", "umbrella");
    // mig_f: failed, 30 s
    add(113, "migration.created", "mig_f", T0 + 3 * Sec, "NOT_STARTED", "hooli");
    add(114, "migration.started", "mig_f", T0 + 60 * Sec, "WORKING", "hooli");
    EventFacts &failed = add(115, "migration.failed", "mig_f", T0 + 90 * Sec, "FAILED", "hooli");
    failed.errorMessage = s("Login workflow failed: credentials rejected");
    return out;
}

QList<qint64> rowIdsOf(const QAbstractItemModel *model)
{
    QList<qint64> out;
    for (int row = 0; row < model->rowCount(); ++row)
        out << model->index(row, 0).data(RowIdRole).toLongLong();
    return out;
}

QStringList migrationIdsOf(const QAbstractItemModel *model)
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out << model->index(row, 0).data(MigrationIdRole).toString();
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// The row of a model whose `role` equals `value`, or -1.
int rowWith(const QAbstractItemModel *model, int role, const QVariant &value)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(role) == value)
            return row;
    }
    return -1;
}

QString localTime(qint64 us, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000, QTimeZone::utc()).toLocalTime().toString(format);
}

DeliveryRecord delivery(const QByteArray &msgId, const QString &type, const QString &migration,
                        qint64 createdUs, const QString &status)
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = type;
    r.migrationId = migration;
    r.createdUs = createdUs;
    r.status = status;
    r.companyId = QStringLiteral("acme-co");
    r.parsed = true;
    r.body = QByteArrayLiteral(R"({"type": "migration.created"})");
    r.receivedUs = createdUs + ArrivalDelayUs;
    r.timestampHeader = r.receivedUs / Sec;
    r.remote = QStringLiteral("127.0.0.1");
    r.userAgent = QStringLiteral("Svix-Webhooks/1.24");
    r.secretIndex = 0;
    return r;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void emptyModels();
    void publishIsBatched();
    void eventDisplayAndRoles();
    void eventSortRoleIsNumeric();
    void eventFilter_data();
    void eventFilter();
    void eventFilterAppliesToNewRows();
    void retryChangesRow();
    void retryMovesRowAcrossOutcomeFilter();
    void migrationBoard();
    void migrationSort();
    void migrationFilter_data();
    void migrationFilter();
    void migrationFilterFollowsChanges();
    void quietMigrations();
    void timeline();
    void rejections();
    void loadFromStore();
    void loadFromMissingStore();
    void loadAfterLiveIngest();
    void forgetDropsRowsAndMigrations();
    void forgetScatteredRowsResets();
    void forgetCompactsStrings();

private:
    // Ingests facts and waits for the publish timer to make them visible.
    [[nodiscard]] bool ingestAndWait(const QList<EventFacts> &facts);
    void attachTester(QAbstractItemModel *model);
    [[nodiscard]] bool checkRoundTrips(const QAbstractProxyModel *proxy);

    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MonitorModel> m_monitor;
};

void TestModels::init()
{
    // Each test function gets a store of its own, in a folder nothing has created yet.
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<Store>(Store::Options {m_dir->filePath(QStringLiteral("data"))});
    m_monitor = std::make_unique<MonitorModel>(m_store.get());
    // Before any data goes in (house style); they stay attached for the whole test function.
    attachTester(m_monitor->events());
    attachTester(m_monitor->filteredEvents());
    attachTester(m_monitor->migrations());
    attachTester(m_monitor->filteredMigrations());
    attachTester(m_monitor->timeline());
    attachTester(m_monitor->rejections());
}

void TestModels::cleanup()
{
    m_testers.clear();
    m_monitor.reset();
    m_store.reset();
    m_dir.reset();
}

void TestModels::attachTester(QAbstractItemModel *model)
{
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
        model, QAbstractItemModelTester::FailureReportingMode::QtTest));
}

bool TestModels::ingestAndWait(const QList<EventFacts> &facts)
{
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    MM_HELPER_VERIFY(updated.isValid());
    m_monitor->ingest(facts);
    const bool namesMigration = std::any_of(facts.cbegin(), facts.cend(),
                                            [](const EventFacts &f) { return !f.migrationId.isEmpty(); });
    if (namesMigration)
        MM_HELPER_VERIFY(updated.wait(5000)); // published: migrationUpdated comes last in a publish
    // QTRY_COMPARE, which would return from this helper only.
    (void)QTest::qWaitFor([&] { return m_monitor->events()->rowCount() == int(m_monitor->log().size()); });
    MM_HELPER_COMPARE(m_monitor->events()->rowCount(), int(m_monitor->log().size()));
    return true;
}

bool TestModels::checkRoundTrips(const QAbstractProxyModel *proxy)
{
    const QAbstractItemModel *source = proxy->sourceModel();
    QSet<int> mapped;
    for (int row = 0; row < proxy->rowCount(); ++row) {
        for (int column = 0; column < proxy->columnCount(); ++column) {
            const QModelIndex p = proxy->index(row, column);
            const QModelIndex src = proxy->mapToSource(p);
            MM_HELPER_VERIFY2(src.isValid(),
                              qPrintable(QStringLiteral("row %1 column %2").arg(row).arg(column)));
            MM_HELPER_COMPARE(src.model(), source);
            MM_HELPER_COMPARE(src.column(), column);
            MM_HELPER_COMPARE(proxy->mapFromSource(src), p);
            MM_HELPER_COMPARE(p.data(), src.data());
            MM_HELPER_COMPARE(p.data(RowIdRole), src.data(RowIdRole));
            if (column == 0)
                mapped.insert(src.row());
        }
    }
    MM_HELPER_COMPARE(mapped.size(), proxy->rowCount()); // no source row twice
    for (int row = 0; row < source->rowCount(); ++row) {
        if (!mapped.contains(row))
            MM_HELPER_VERIFY(!proxy->mapFromSource(source->index(row, 0)).isValid());
    }
    MM_HELPER_VERIFY(!proxy->mapToSource(QModelIndex()).isValid());
    MM_HELPER_VERIFY(!proxy->mapFromSource(QModelIndex()).isValid());
    return true;
}

void TestModels::emptyModels()
{
    QCOMPARE(m_monitor->events()->rowCount(), 0);
    QCOMPARE(m_monitor->events()->columnCount(), int(EventLogModel::ColumnCount));
    QCOMPARE(m_monitor->filteredEvents()->rowCount(), 0);
    QCOMPARE(m_monitor->filteredEvents()->columnCount(), int(EventLogModel::ColumnCount));
    QCOMPARE(m_monitor->migrations()->rowCount(), 0);
    QCOMPARE(m_monitor->migrations()->columnCount(), int(MigrationListModel::ColumnCount));
    QCOMPARE(m_monitor->filteredMigrations()->rowCount(), 0);
    QCOMPARE(m_monitor->timeline()->rowCount(), 0);
    QCOMPARE(m_monitor->timeline()->columnCount(), int(TimelineModel::ColumnCount));
    QCOMPARE(m_monitor->rejections()->rowCount(), 0);
    QCOMPARE(m_monitor->rejections()->columnCount(), int(RejectionsModel::ColumnCount));
    QVERIFY(!m_monitor->isLoading());
    QCOMPARE(m_monitor->events()->headerData(EventLogModel::Verdict, Qt::Horizontal).toString(),
             s("Verdict"));
    QCOMPARE(m_monitor->migrations()->headerData(MigrationListModel::TaskFailures, Qt::Horizontal).toString(),
             s("Task failures"));
}

void TestModels::publishIsBatched()
{
    EventLogModel *events = m_monitor->events();
    QSignalSpy inserted(events, &QAbstractItemModel::rowsInserted);
    QSignalSpy filteredInserted(m_monitor->filteredEvents(), &QAbstractItemModel::rowsInserted);
    QSignalSpy migrationsInserted(m_monitor->migrations(), &QAbstractItemModel::rowsInserted);
    QSignalSpy filteredMigrationsInserted(m_monitor->filteredMigrations(), &QAbstractItemModel::rowsInserted);

    // 20 ingests of two facts each, back to back: the timer cannot fire in between.
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 20; ++i) {
        const QString migration = QStringLiteral("mig_batch_%1").arg(i % 4);
        m_monitor->ingest({fact(2 * i + 1, s("migration.created"), migration, T0 + i * Sec, s("NOT_STARTED")),
                           fact(2 * i + 2, s("custom.note"), migration, T0 + i * Sec + 1)});
    }
    // Applied at once, visible later.
    QCOMPARE(m_monitor->log().size(), qsizetype(40));
    QCOMPARE(m_monitor->book().size(), qsizetype(4));
    QCOMPARE(events->rowCount(), 0);
    QCOMPARE(m_monitor->filteredEvents()->rowCount(), 0);
    QCOMPARE(m_monitor->migrations()->rowCount(), 0);
    QCOMPARE(m_monitor->filteredMigrations()->rowCount(), 0);
    QCoreApplication::processEvents();
    if (clock.elapsed() < 80)
        QCOMPARE(events->rowCount(), 0); // an event-loop pass alone does not publish

    QVERIFY(inserted.wait(5000));
    // The publish timer is 100 ms from the first ingest (coarse timers may fire 5% early).
    QVERIFY2(clock.elapsed() >= 90, qPrintable(QStringLiteral("published after %1 ms").arg(clock.elapsed())));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 39);
    QCOMPARE(events->rowCount(), 40);
    QCOMPARE(filteredInserted.count(), 1);
    QCOMPARE(filteredInserted.at(0).at(1).toInt(), 0);
    QCOMPARE(filteredInserted.at(0).at(2).toInt(), 39);
    QCOMPARE(migrationsInserted.count(), 1);
    QCOMPARE(migrationsInserted.at(0).at(1).toInt(), 0);
    QCOMPARE(migrationsInserted.at(0).at(2).toInt(), 3);
    QCOMPARE(m_monitor->filteredMigrations()->rowCount(), 4);
    QCOMPARE(filteredMigrationsInserted.count(), 1);
    QCOMPARE(rowIdsOf(events).size(), 40);
    for (int row = 0; row < 40; ++row)
        QCOMPARE(events->index(row, 0).data(RowIdRole).toLongLong(), qint64(row + 1)); // arrival order

    // Nothing more is pending: no second insert.
    QVERIFY(!inserted.wait(250));
    QCOMPARE(inserted.count(), 1);

    // A second batch spread over several event-loop passes, all within the 100 ms window.
    inserted.clear();
    migrationsInserted.clear();
    clock.restart();
    for (int i = 0; i < 5; ++i) {
        m_monitor->ingest({fact(41 + 2 * i, s("custom.note"), s("mig_batch_0"), T0 + 100 * Sec + i),
                           fact(42 + 2 * i, s("custom.note"), s("mig_batch_late"), T0 + 100 * Sec + i)});
        QCoreApplication::processEvents();
    }
    const qint64 spreadMs = clock.elapsed();
    QTRY_COMPARE(events->rowCount(), 50);
    if (spreadMs < 80) {
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 40);
        QCOMPARE(inserted.at(0).at(2).toInt(), 49);
    } else {
        qWarning("ingests took %lld ms; not checking that they formed one batch", spreadMs);
    }
    QTRY_COMPARE(m_monitor->migrations()->rowCount(), 5);
    QCOMPARE(migrationsInserted.count(), 1);
}

void TestModels::eventDisplayAndRoles()
{
    QVERIFY(ingestAndWait(corpus()));
    const EventLogModel *events = m_monitor->events();
    QCOMPARE(events->rowCount(), 11);
    const QString timeFormat = s("yyyy-MM-dd HH:mm:ss.zzz");

    // Row 2 (rowId 3): a task failure with an error, created 20 s after T0.
    QModelIndex i = events->index(2, EventLogModel::Time);
    QCOMPARE(i.data().toString(), localTime(T0 + 20 * Sec, timeFormat));
    QVERIFY(i.data().toString().endsWith(s(".301"))); // milliseconds of T0
    QCOMPARE(i.data(SortRole).typeId(), QMetaType::LongLong);
    QCOMPARE(i.data(SortRole).toLongLong(), T0 + 20 * Sec);
    QVERIFY(i.data(Qt::ToolTipRole).toString().startsWith(s("Event created ")));
    QCOMPARE(events->index(2, EventLogModel::Type).data().toString(), s("migration_task.failed"));
    QCOMPARE(events->index(2, EventLogModel::Migration).data().toString(), s("mig_alpha"));
    QCOMPARE(events->index(2, EventLogModel::Verdict).data().toString(), s("accepted"));
    QCOMPARE(events->index(2, EventLogModel::Attempts).data().toInt(), 1);
    QCOMPARE(events->index(2, EventLogModel::Type).data(Qt::ToolTipRole).toString(),
             s("Timeout reading the payroll register"));
    QCOMPARE(i.data(RowIdRole).toLongLong(), qint64(3));
    QCOMPARE(i.data(MigrationIdRole).toString(), s("mig_alpha"));
    QCOMPARE(i.data(LogIndexRole).toInt(), 2);
    QCOMPARE(i.data(StatusRole).toInt(), int(MigrationStatus::Failed));

    // Row 5 (rowId 6): retried by the sender.
    QCOMPARE(events->index(5, EventLogModel::Verdict).data().toString(), s("accepted, retried"));
    QCOMPARE(events->index(5, EventLogModel::Attempts).data().toInt(), 2);
    QCOMPARE(events->index(5, EventLogModel::Attempts).data(SortRole).toInt(), 2);
    QCOMPARE(events->index(5, 0).data(StatusRole).toInt(), int(MigrationStatus::Working));

    // Row 7 (rowId 8): a ping names no migration and carries no status.
    QCOMPARE(events->index(7, EventLogModel::Migration).data().toString(), QString());
    QCOMPARE(events->index(7, 0).data(MigrationIdRole).toString(), QString());
    QCOMPARE(events->index(7, 0).data(StatusRole).toInt(), int(MigrationStatus::Unknown));

    // Row 10 (rowId 11): replayed, no "created": shown and sorted by its arrival.
    QCOMPARE(events->index(10, EventLogModel::Verdict).data().toString(), s("replayed"));
    QCOMPARE(events->index(10, EventLogModel::Time).data().toString(), localTime(T0 + 60 * Sec, timeFormat));
    QCOMPARE(events->index(10, EventLogModel::Time).data(SortRole).toLongLong(), T0 + 60 * Sec);
    QVERIFY(
        events->index(10, EventLogModel::Time).data(Qt::ToolTipRole).toString().contains(s("(not given)")));

    for (int row = 0; row < events->rowCount(); ++row)
        QCOMPARE(events->index(row, 0).data(LogIndexRole).toInt(), row);
    QVERIFY(!events->index(11, 0).isValid());
    QCOMPARE(events->headerData(EventLogModel::Time, Qt::Horizontal).toString(), s("Time"));
    QCOMPARE(events->headerData(EventLogModel::Attempts, Qt::Horizontal).toString(), s("Attempts"));
}

void TestModels::eventSortRoleIsNumeric()
{
    // Sorting the log by its SortRole goes by microseconds and by number, not by the text.
    QSortFilterProxyModel sorter;
    const QAbstractItemModelTester sorterTester(&sorter,
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    sorter.setSortRole(SortRole);
    sorter.setSourceModel(m_monitor->events());

    QList<EventFacts> facts;
    // Within one millisecond: the same text, a different time; they arrive in reverse order.
    facts << fact(1, s("custom.a"), s("mig_s"), T0 + 500);
    facts << fact(2, s("custom.b"), s("mig_s"), T0 + 100);
    facts << fact(3, s("custom.c"), s("mig_s"), T0 + 1 * Sec);
    facts << fact(4, s("custom.d"), s("mig_s"), T0 - 24 * 3600 * Sec);
    facts[0].attempts = 10;
    facts[1].attempts = 9;
    facts[2].attempts = 2;
    facts[3].attempts = 1;
    QVERIFY(ingestAndWait(facts));
    QCOMPARE(m_monitor->events()->index(0, 0).data().toString(),
             m_monitor->events()->index(1, 0).data().toString());

    sorter.sort(EventLogModel::Time, Qt::AscendingOrder);
    QCOMPARE(rowIdsOf(&sorter), (QList<qint64> {4, 2, 1, 3}));
    sorter.sort(EventLogModel::Time, Qt::DescendingOrder);
    QCOMPARE(rowIdsOf(&sorter), (QList<qint64> {3, 1, 2, 4}));
    sorter.sort(EventLogModel::Attempts, Qt::AscendingOrder);
    QCOMPARE(rowIdsOf(&sorter), (QList<qint64> {4, 3, 2, 1}));
    sorter.sort(EventLogModel::Type, Qt::DescendingOrder);
    QCOMPARE(rowIdsOf(&sorter), (QList<qint64> {4, 3, 2, 1}));
}

void TestModels::eventFilter_data()
{
    QTest::addColumn<QStringList>("types");
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<QString>("migration");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<qint64>>("expected");

    const int any = int(EventFilter::Outcome::Any);
    const QList<qint64> all {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    QTest::addRow("empty") << QStringList() << QList<int>() << QString() << any << QString() << all;
    QTest::addRow("blank text") << QStringList() << QList<int>() << QString() << any << s("   ") << all;
    QTest::addRow("text in error, any case")
        << QStringList() << QList<int>() << QString() << any << s("TIMEOUT") << QList<qint64> {3, 10};
    QTest::addRow("text in error, phrase") << QStringList() << QList<int>() << QString() << any
                                           << s("Credentials Rejected") << QList<qint64> {7};
    QTest::addRow("text in task id") << QStringList() << QList<int>() << QString() << any << s("TASK_7")
                                     << QList<qint64> {3};
    QTest::addRow("text in message id")
        << QStringList() << QList<int>() << QString() << any << s("2zkcxq11") << QList<qint64> {11};
    QTest::addRow("text in event id")
        << QStringList() << QList<int>() << QString() << any << s("Evt_7") << QList<qint64> {7};
    QTest::addRow("text in migration id")
        << QStringList() << QList<int>() << QString() << any << s("GAMMA") << QList<qint64> {9, 10, 11};
    QTest::addRow("text in type, trimmed")
        << QStringList() << QList<int>() << QString() << any << s("  ping ") << QList<qint64> {8};
    QTest::addRow("text nowhere") << QStringList() << QList<int>() << QString() << any << s("zebra")
                                  << QList<qint64>();
    QTest::addRow("one type") << QStringList {s("migration.started")} << QList<int>() << QString() << any
                              << QString() << QList<qint64> {2, 6};
    QTest::addRow("two types") << QStringList {s("migration.created"), s("svix.ping")} << QList<int>()
                               << QString() << any << QString() << QList<qint64> {1, 5, 8, 9};
    QTest::addRow("unknown type") << QStringList {s("no.such.type")} << QList<int>() << QString() << any
                                  << QString() << QList<qint64>();
    QTest::addRow("status") << QStringList() << QList<int> {int(MigrationStatus::Failed)} << QString() << any
                            << QString() << QList<qint64> {3, 7, 10};
    QTest::addRow("migration part, any case")
        << QStringList() << QList<int>() << s("BETA") << any << QString() << QList<qint64> {5, 6, 7};
    QTest::addRow("migration prefix") << QStringList() << QList<int>() << s("mig_") << any << QString()
                                      << QList<qint64> {1, 2, 3, 4, 5, 6, 7, 9, 10, 11};
    QTest::addRow("first attempt") << QStringList() << QList<int>() << QString()
                                   << int(EventFilter::Outcome::FirstAttempt) << QString()
                                   << QList<qint64> {1, 2, 3, 4, 5, 7, 8, 10, 11};
    QTest::addRow("retried") << QStringList() << QList<int>() << QString()
                             << int(EventFilter::Outcome::Retried) << QString() << QList<qint64> {6, 9};
    QTest::addRow("type and retried") << QStringList {s("migration.created")} << QList<int>() << QString()
                                      << int(EventFilter::Outcome::Retried) << QString() << QList<qint64> {9};
    QTest::addRow("text and migration")
        << QStringList() << QList<int>() << s("alpha") << any << s("timeout") << QList<qint64> {3};
    QTest::addRow("type, migration, text: none") << QStringList {s("migration.failed")} << QList<int>()
                                                 << s("alpha") << any << s("credentials") << QList<qint64>();
}

void TestModels::eventFilter()
{
    QFETCH(QStringList, types);
    QFETCH(QList<int>, statuses);
    QFETCH(QString, migration);
    QFETCH(int, outcome);
    QFETCH(QString, text);
    QFETCH(QList<qint64>, expected);

    QVERIFY(ingestAndWait(corpus()));
    EventFilterProxy *proxy = m_monitor->filteredEvents();
    QCOMPARE(rowIdsOf(proxy), rowIdsOf(m_monitor->events())); // no filter yet: everything

    EventFilter filter;
    for (const QString &t : std::as_const(types))
        filter.types.insert(t);
    for (int st : std::as_const(statuses))
        filter.statuses.insert(MigrationStatus(st));
    filter.migration = migration;
    filter.outcome = EventFilter::Outcome(outcome);
    filter.text = text;

    QSignalSpy reset(proxy, &QAbstractItemModel::modelReset);
    proxy->setFilter(filter);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(rowIdsOf(proxy), expected); // in log order
    QCOMPARE(proxy->columnCount(), int(EventLogModel::ColumnCount));
    QVERIFY(checkRoundTrips(proxy));

    // Headers come from the source whatever the filter leaves.
    QCOMPARE(proxy->headerData(EventLogModel::Migration, Qt::Horizontal).toString(), s("Migration"));
    // The root of an empty filter result has no children (QAbstractProxyModel would ask the
    // source); QAbstractItemModelTester does not check this, the contract of hasChildren() does.
    QCOMPARE(proxy->hasChildren(), !expected.isEmpty());

    // Back to everything.
    proxy->setFilter(EventFilter());
    QCOMPARE(proxy->rowCount(), 11);
    QVERIFY(checkRoundTrips(proxy));
}

void TestModels::eventFilterAppliesToNewRows()
{
    QVERIFY(ingestAndWait(corpus()));
    EventFilterProxy *proxy = m_monitor->filteredEvents();
    QSignalSpy inserted(proxy, &QAbstractItemModel::rowsInserted);

    // A type set naming a type the log has not seen yet.
    EventFilter byType;
    byType.types = {s("migration.started"), s("custom.brand_new")};
    proxy->setFilter(byType);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {2, 6}));
    QVERIFY(ingestAndWait({fact(12, s("custom.brand_new"), s("mig_alpha"), T0 + 61 * Sec),
                           fact(13, s("custom.other_new"), s("mig_alpha"), T0 + 62 * Sec),
                           fact(14, s("migration.started"), s("mig_delta"), T0 + 63 * Sec, s("WORKING"))}));
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {2, 6, 12, 14}));
    QCOMPARE(inserted.count(), 1); // appended as one insert
    QCOMPARE(inserted.at(0).at(1).toInt(), 2);
    QCOMPARE(inserted.at(0).at(2).toInt(), 3);
    QVERIFY(checkRoundTrips(proxy));

    // A migration part matching a migration first seen after the filter was set.
    EventFilter byMigration;
    byMigration.migration = s("DELTA");
    proxy->setFilter(byMigration);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {14}));
    QVERIFY(
        ingestAndWait({fact(15, s("custom.note"), s("mig_delta_two"), T0 + 64 * Sec),
                       fact(16, s("migration.created"), s("mig_epsilon"), T0 + 65 * Sec, s("NOT_STARTED")),
                       fact(17, s("svix.ping"), QString(), T0 + 66 * Sec)}));
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {14, 15}));
    QVERIFY(checkRoundTrips(proxy));

    // Free text found only in strings new to the log: a migration id, an error message, a type,
    // a message id.
    EventFilter byText;
    byText.text = s("zebra");
    proxy->setFilter(byText);
    QCOMPARE(proxy->rowCount(), 0);
    EventFacts newMigration
        = fact(18, s("migration.created"), s("mig_ZEBRA_1"), T0 + 67 * Sec, s("NOT_STARTED"));
    EventFacts newError = fact(19, s("migration_task.failed"), s("mig_alpha"), T0 + 68 * Sec, s("FAILED"));
    newError.errorMessage = s("A Zebra crossed the wire");
    EventFacts newType = fact(20, s("zebra.sighted"), QString(), T0 + 69 * Sec);
    EventFacts newMsgId = fact(21, s("custom.note"), s("mig_alpha"), T0 + 70 * Sec);
    newMsgId.msgId = QByteArrayLiteral("msg_ZeBrA_21");
    EventFacts unrelated = fact(22, s("custom.note"), s("mig_omega"), T0 + 71 * Sec);
    unrelated.errorMessage = s("a horse");
    QVERIFY(ingestAndWait({newMigration, newError, newType, newMsgId, unrelated}));
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {18, 19, 20, 21}));
    QVERIFY(checkRoundTrips(proxy));

    // An outcome filter applies to new rows too.
    EventFilter retried;
    retried.outcome = EventFilter::Outcome::Retried;
    proxy->setFilter(retried);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {6, 9}));
    EventFacts again = fact(23, s("custom.note"), s("mig_alpha"), T0 + 72 * Sec);
    again.attempts = 2;
    QVERIFY(ingestAndWait({again, fact(24, s("custom.note"), s("mig_alpha"), T0 + 73 * Sec)}));
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {6, 9, 23}));
    QVERIFY(checkRoundTrips(proxy));
}

void TestModels::retryChangesRow()
{
    QVERIFY(ingestAndWait(corpus()));
    EventLogModel *events = m_monitor->events();
    EventFilterProxy *proxy = m_monitor->filteredEvents();
    EventFilter byText;
    byText.text = s("timeout"); // rows 3 and 10
    proxy->setFilter(byText);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {3, 10}));

    QSignalSpy changed(events, &QAbstractItemModel::dataChanged);
    QSignalSpy proxyChanged(proxy, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(events, &QAbstractItemModel::rowsInserted);
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);

    EventFacts retry = corpus().at(2); // rowId 3, log row 2
    retry.attempts = 3;
    m_monitor->ingest({retry});
    // The change of a visible row is signalled at once, not at the next publish.
    QCOMPARE(changed.count(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft, events->index(2, EventLogModel::Verdict));
    QCOMPARE(bottomRight, events->index(2, EventLogModel::Attempts));
    QCOMPARE(events->index(2, EventLogModel::Attempts).data().toInt(), 3);
    QCOMPARE(events->index(2, EventLogModel::Verdict).data().toString(), s("accepted, retried"));
    QCOMPARE(events->rowCount(), 11);
    // Forwarded through the filter, to the proxy row that shows it.
    QCOMPARE(proxyChanged.count(), 1);
    QCOMPARE(proxyChanged.at(0).at(0).value<QModelIndex>(), proxy->index(0, EventLogModel::Verdict));
    QCOMPARE(proxyChanged.at(0).at(1).value<QModelIndex>(), proxy->index(0, EventLogModel::Attempts));
    QCOMPARE(proxy->index(0, EventLogModel::Attempts).data().toInt(), 3);

    // A retry of a row the filter hides changes nothing in the proxy.
    EventFacts hidden = corpus().at(0); // rowId 1
    hidden.attempts = 2;
    m_monitor->ingest({hidden});
    QCOMPARE(changed.count(), 2);
    QCOMPARE(proxyChanged.count(), 1);

    // An older, lower count never lowers it.
    EventFacts stale = corpus().at(2);
    stale.attempts = 2;
    m_monitor->ingest({stale});
    QCOMPARE(events->index(2, EventLogModel::Attempts).data().toInt(), 3);

    // The migration is refreshed at the next publish; no row is added.
    QVERIFY(updated.wait(5000));
    QVERIFY(updated.count() >= 1);
    QCOMPARE(updated.at(0).at(0).toString(), s("mig_alpha"));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(events->rowCount(), 11);
    const int alpha = rowWith(m_monitor->migrations(), MigrationIdRole, s("mig_alpha"));
    QVERIFY(alpha >= 0);
    QCOMPARE(m_monitor->migrations()->index(alpha, MigrationListModel::Events).data().toInt(), 4);
    QCOMPARE(m_monitor->book().at(alpha).attemptCount, 3 + 2 + 1 + 1);

    // A retry of a row that is not published yet is shown with its count when it is.
    changed.clear();
    EventFacts fresh = fact(12, s("custom.note"), s("mig_alpha"), T0 + 61 * Sec);
    m_monitor->ingest({fresh});
    fresh.attempts = 4;
    m_monitor->ingest({fresh});
    QCOMPARE(changed.count(), 0);
    QTRY_COMPARE(events->rowCount(), 12);
    QCOMPARE(events->index(11, EventLogModel::Attempts).data().toInt(), 4);
    QCOMPARE(rowIdsOf(events).count(qint64(12)), qsizetype(1));
}

void TestModels::retryMovesRowAcrossOutcomeFilter()
{
    QVERIFY(ingestAndWait(corpus()));
    EventFilterProxy *proxy = m_monitor->filteredEvents();
    EventFilter first;
    first.outcome = EventFilter::Outcome::FirstAttempt;
    proxy->setFilter(first);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {1, 2, 3, 4, 5, 7, 8, 10, 11}));

    EventFacts retry = corpus().at(0); // rowId 1
    retry.attempts = 2;
    m_monitor->ingest({retry});
    // At once: the row no longer is a first attempt.
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {2, 3, 4, 5, 7, 8, 10, 11}));
    QVERIFY(checkRoundTrips(proxy));

    EventFilter retried;
    retried.outcome = EventFilter::Outcome::Retried;
    proxy->setFilter(retried);
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {1, 6, 9}));
    EventFacts retry2 = corpus().at(9); // rowId 10
    retry2.attempts = 5;
    m_monitor->ingest({retry2});
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {1, 6, 9, 10}));
    QCOMPARE(proxy->index(3, EventLogModel::Attempts).data().toInt(), 5);
    QVERIFY(checkRoundTrips(proxy));
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    QVERIFY(updated.wait(5000));
    QCOMPARE(rowIdsOf(proxy), (QList<qint64> {1, 6, 9, 10}));
}

void TestModels::migrationBoard()
{
    QVERIFY(ingestAndWait(board()));
    MigrationListModel *list = m_monitor->migrations();
    QCOMPARE(list->rowCount(), 6);
    // In order of first appearance.
    QCOMPARE(migrationIdsOf(list),
             (QStringList {s("mig_a"), s("mig_b"), s("mig_c"), s("mig_d"), s("mig_e"), s("mig_f")}));
    list->setNow(T0 + 45 * Min);

    const int c = 2;
    QCOMPARE(list->index(c, MigrationListModel::Status).data().toString(), s("Completed with failures"));
    QCOMPARE(list->index(c, MigrationListModel::Id).data().toString(), s("mig_c"));
    QCOMPARE(list->index(c, MigrationListModel::Company).data().toString(), s("acme-co"));
    QCOMPARE(list->index(c, MigrationListModel::Started).data().toString(),
             localTime(T0 + 30 * Sec, s("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(list->index(c, MigrationListModel::Started).data(SortRole).toLongLong(), T0 + 30 * Sec);
    QCOMPARE(list->index(c, MigrationListModel::Duration).data().toString(), s("10 s"));
    QCOMPARE(list->index(c, MigrationListModel::Duration).data(SortRole).toLongLong(), 10 * Sec);
    QCOMPARE(list->index(c, MigrationListModel::TaskFailures).data().toInt(), 1);
    QCOMPARE(list->index(c, MigrationListModel::Events).data().toInt(), 4);
    QCOMPARE(list->index(c, MigrationListModel::Flags).data().toString(), QString());
    QCOMPARE(list->index(c, 0).data(StatusRole).toInt(), int(MigrationStatus::CompletedWithFailures));
    QCOMPARE(list->index(c, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(c, 0).data(AnomalyCountRole).toInt(), 0);
    QCOMPARE(list->index(c, 0).data(MigrationIdRole).toString(), s("mig_c"));

    QCOMPARE(list->index(0, MigrationListModel::Duration).data().toString(), s("1 min 5 s"));
    QCOMPARE(list->index(4, MigrationListModel::Duration).data().toString(), QString()); // never started
    QCOMPARE(list->index(4, MigrationListModel::Duration).data(SortRole).toLongLong(), qint64(-1));
    QCOMPARE(list->index(4, 0).data(StatusRole).toInt(), int(MigrationStatus::NotStarted));
    QCOMPARE(list->index(5, MigrationListModel::Status).data().toString(), s("Failed"));
    QVERIFY(list->index(5, MigrationListModel::Status)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(s("credentials rejected")));

    // mig_d: working, silent for 44 minutes, and started without being created. Anon sends no
    // progress events, so that is how a healthy migration looks: not quiet (the default is 2 h).
    const int d = 3;
    QCOMPARE(list->index(d, 0).data(StatusRole).toInt(), int(MigrationStatus::Working));
    QCOMPARE(list->index(d, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(d, 0).data(AnomalyCountRole).toInt(), 1);
    QCOMPARE(list->index(d, MigrationListModel::Duration).data().toString(), s("44 min 20 s"));
    QCOMPARE(list->index(d, MigrationListModel::Flags).data().toString(), s("1 anomaly"));
    QString tip = list->index(d, MigrationListModel::Flags).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(s("migration.created")), qPrintable(tip));
    QVERIFY2(!tip.contains(s("Quiet")), qPrintable(tip));
    QCOMPARE(list->index(d, MigrationListModel::Flags).data(SortRole).toInt(), 1);
    // mig_e: not started for 44 minutes, as when it waits for the customer's login: not quiet.
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), false);

    // Over two hours without an event, mig_d is quiet; mig_e may wait a day.
    list->setNow(T0 + 135 * Min);
    QCOMPARE(list->index(d, 0).data(QuietRole).toBool(), true);
    const QString flags = list->index(d, MigrationListModel::Flags).data().toString();
    QCOMPARE(flags, s("quiet, 1 anomaly"));
    tip = list->index(d, MigrationListModel::Flags).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.startsWith(s("Quiet: no event for 2 h 14 min while working.")), qPrintable(tip));
    QVERIFY2(tip.contains(s("migration.created")), qPrintable(tip));
    QCOMPARE(list->index(d, MigrationListModel::Flags).data(SortRole).toInt(), 101);
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), false);
    list->setNow(T0 + 24 * 60 * Min + 51 * Sec);
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), true);
    tip = list->index(4, MigrationListModel::Flags).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.startsWith(s("Quiet: not started, and no event for 24 h 0 min.")), qPrintable(tip));
    QVERIFY2(tip.contains(s("waiting for the customer's login")), qPrintable(tip));
    list->setNow(T0 + 45 * Min);

    // Lower thresholds make it quiet; signalled as a change.
    QSignalSpy changed(list, &QAbstractItemModel::dataChanged);
    list->setQuietThresholds(QuietThresholds {30 * Min, 40 * Min});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), true);
    list->setNow(T0 + 10 * Min);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(list->index(3, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), false);

    QVERIFY(checkRoundTrips(m_monitor->filteredMigrations()));
}

void TestModels::migrationSort()
{
    QVERIFY(ingestAndWait(board()));
    MigrationFilterProxy *proxy = m_monitor->filteredMigrations();
    m_monitor->migrations()->setNow(T0 + 20 * Min);
    QCOMPARE(proxy->sortRole(), int(SortRole));

    // Durations: e none, b 9 s, c 10 s, f 30 s, a 65 s, d 19 min 20 s. By text, "10 s" < "9 s".
    proxy->sort(MigrationListModel::Duration, Qt::AscendingOrder);
    QCOMPARE(migrationIdsOf(proxy),
             (QStringList {s("mig_e"), s("mig_b"), s("mig_c"), s("mig_f"), s("mig_a"), s("mig_d")}));
    QVERIFY(checkRoundTrips(proxy));
    proxy->sort(MigrationListModel::Duration, Qt::DescendingOrder);
    QCOMPARE(migrationIdsOf(proxy),
             (QStringList {s("mig_d"), s("mig_a"), s("mig_f"), s("mig_c"), s("mig_b"), s("mig_e")}));

    proxy->sort(MigrationListModel::Started, Qt::AscendingOrder);
    QCOMPARE(migrationIdsOf(proxy),
             (QStringList {s("mig_e"), s("mig_a"), s("mig_b"), s("mig_c"), s("mig_d"), s("mig_f")}));
    proxy->sort(MigrationListModel::Id, Qt::DescendingOrder);
    QCOMPARE(migrationIdsOf(proxy),
             (QStringList {s("mig_f"), s("mig_e"), s("mig_d"), s("mig_c"), s("mig_b"), s("mig_a")}));
    QVERIFY(checkRoundTrips(proxy));

    // Sorted by event count, descending; new events re-sort it (dynamic sort).
    proxy->sort(MigrationListModel::Events, Qt::DescendingOrder);
    QCOMPARE(proxy->index(0, 0).data(MigrationIdRole).toString(), s("mig_c"));
    QList<EventFacts> notes;
    for (int i = 0; i < 4; ++i)
        notes << fact(200 + i, s("custom.note"), s("mig_e"), T0 + 51 * Sec + i);
    notes << fact(210, s("migration.created"), s("mig_new"), T0 + 52 * Sec, s("NOT_STARTED"));
    QVERIFY(ingestAndWait(notes));
    QCOMPARE(proxy->rowCount(), 7);
    QCOMPARE(proxy->index(0, 0).data(MigrationIdRole).toString(), s("mig_e"));
    QCOMPARE(proxy->index(0, MigrationListModel::Events).data().toInt(), 5);
    QCOMPARE(proxy->index(1, 0).data(MigrationIdRole).toString(), s("mig_c"));
    for (int row = 1; row < proxy->rowCount(); ++row) {
        QVERIFY(proxy->index(row - 1, MigrationListModel::Events).data(SortRole).toInt()
                >= proxy->index(row, MigrationListModel::Events).data(SortRole).toInt());
    }
    // One event each, in either order.
    QCOMPARE(sorted({proxy->index(5, 0).data(MigrationIdRole).toString(),
                     proxy->index(6, 0).data(MigrationIdRole).toString()}),
             (QStringList {s("mig_d"), s("mig_new")}));
    QVERIFY(checkRoundTrips(proxy));
}

void TestModels::migrationFilter_data()
{
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("onlyQuiet");
    QTest::addColumn<bool>("onlyAnomalies");
    QTest::addColumn<bool>("onlyWithTaskFailures");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<QStringList>("expected");

    const QStringList all {s("mig_a"), s("mig_b"), s("mig_c"), s("mig_d"), s("mig_e"), s("mig_f")};
    const qint64 early = T0 + 20 * Min;
    QTest::addRow("empty") << QList<int>() << QString() << false << false << false << early << all;
    QTest::addRow("complete") << QList<int> {int(MigrationStatus::Complete)} << QString() << false << false
                              << false << early << QStringList {s("mig_a"), s("mig_b")};
    QTest::addRow("two statuses") << QList<int> {int(MigrationStatus::Complete),
                                                 int(MigrationStatus::CompletedWithFailures)}
                                  << QString() << false << false << false << early
                                  << QStringList {s("mig_a"), s("mig_b"), s("mig_c")};
    QTest::addRow("working") << QList<int> {int(MigrationStatus::Working)} << QString() << false << false
                             << false << early << QStringList {s("mig_d")};
    QTest::addRow("text: id") << QList<int>() << s("MIG_F") << false << false << false << early
                              << QStringList {s("mig_f")};
    QTest::addRow("text: company") << QList<int>() << s(" Acme ") << false << false << false << early
                                   << QStringList {s("mig_a"), s("mig_c")};
    QTest::addRow("text: failure message")
        << QList<int>() << s("credentials") << false << false << false << early << QStringList {s("mig_f")};
    QTest::addRow("text: none") << QList<int>() << s("nothing-like-this") << false << false << false << early
                                << QStringList();
    QTest::addRow("quiet, 20 min") << QList<int>() << QString() << true << false << false << early
                                   << QStringList();
    QTest::addRow("quiet, 45 min") << QList<int>() << QString() << true << false << false << T0 + 45 * Min
                                   << QStringList {s("mig_d")};
    QTest::addRow("quiet, 2 h") << QList<int>() << QString() << true << false << false << T0 + 120 * Min
                                << QStringList {s("mig_d"), s("mig_e")};
    QTest::addRow("quiet and not started, 2 h")
        << QList<int> {int(MigrationStatus::NotStarted)} << QString() << true << false << false
        << T0 + 120 * Min << QStringList {s("mig_e")};
    QTest::addRow("anomalies") << QList<int>() << QString() << false << true << false << early
                               << QStringList {s("mig_d")};
    QTest::addRow("task failures") << QList<int>() << QString() << false << false << true << early
                                   << QStringList {s("mig_c")};
    QTest::addRow("task failures and text")
        << QList<int>() << s("globex") << false << false << true << early << QStringList();
}

void TestModels::migrationFilter()
{
    QFETCH(QList<int>, statuses);
    QFETCH(QString, text);
    QFETCH(bool, onlyQuiet);
    QFETCH(bool, onlyAnomalies);
    QFETCH(bool, onlyWithTaskFailures);
    QFETCH(qint64, now);
    QFETCH(QStringList, expected);

    QVERIFY(ingestAndWait(board()));
    m_monitor->migrations()->setQuietThresholds(QuietThresholds {30 * Min, 60 * Min});
    m_monitor->migrations()->setNow(now);
    MigrationFilterProxy *proxy = m_monitor->filteredMigrations();
    proxy->sort(MigrationListModel::Id, Qt::AscendingOrder);

    MigrationFilter filter;
    for (int st : std::as_const(statuses))
        filter.statuses.insert(MigrationStatus(st));
    filter.text = text;
    filter.onlyQuiet = onlyQuiet;
    filter.onlyAnomalies = onlyAnomalies;
    filter.onlyWithTaskFailures = onlyWithTaskFailures;
    proxy->setFilter(filter);
    QCOMPARE(migrationIdsOf(proxy), expected); // sorted by id
    QVERIFY(checkRoundTrips(proxy));

    proxy->setFilter(MigrationFilter());
    QCOMPARE(proxy->rowCount(), 6);
}

void TestModels::migrationFilterFollowsChanges()
{
    QVERIFY(ingestAndWait(board()));
    MigrationListModel *list = m_monitor->migrations();
    MigrationFilterProxy *proxy = m_monitor->filteredMigrations();
    proxy->sort(MigrationListModel::Id, Qt::AscendingOrder);

    // Quiet: follows the clock and the thresholds with no refilter call.
    MigrationFilter quiet;
    quiet.onlyQuiet = true;
    list->setQuietThresholds(QuietThresholds {30 * Min, 60 * Min});
    list->setNow(T0 + 20 * Min);
    proxy->setFilter(quiet);
    QCOMPARE(proxy->rowCount(), 0);
    list->setNow(T0 + 45 * Min);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_d")}));
    list->setNow(T0 + 120 * Min);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_d"), s("mig_e")}));
    list->setQuietThresholds(QuietThresholds {3 * 60 * Min, 3 * 60 * Min});
    QCOMPARE(proxy->rowCount(), 0);
    // The defaults: two hours working (mig_d's last event came at T0 + 40 s), a day not started.
    list->setQuietThresholds(QuietThresholds {});
    QCOMPARE(proxy->rowCount(), 0);
    list->setNow(T0 + 121 * Min);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_d")}));
    list->setNow(T0 + 25 * 60 * Min);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_d"), s("mig_e")}));
    list->setNow(T0 + 20 * Min);
    QCOMPARE(proxy->rowCount(), 0);

    // Status: follows new events and new migrations.
    MigrationFilter working;
    working.statuses = {MigrationStatus::Working};
    proxy->setFilter(working);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_d")}));
    QVERIFY(ingestAndWait({fact(300, s("migration.completed"), s("mig_d"), T0 + 100 * Sec, s("COMPLETE")),
                           fact(301, s("migration.started"), s("mig_e"), T0 + 101 * Sec, s("WORKING")),
                           fact(302, s("migration.started"), s("mig_g"), T0 + 102 * Sec, s("WORKING")),
                           fact(303, s("migration.created"), s("mig_h"), T0 + 103 * Sec, s("NOT_STARTED"))}));
    QCOMPARE(list->rowCount(), 8);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_e"), s("mig_g")}));
    QVERIFY(checkRoundTrips(proxy));

    // Task failures: a new one brings the migration in.
    MigrationFilter failures;
    failures.onlyWithTaskFailures = true;
    proxy->setFilter(failures);
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_c")}));
    EventFacts task = fact(304, s("migration_task.failed"), s("mig_g"), T0 + 104 * Sec, s("FAILED"));
    task.taskId = s("task_g1");
    QVERIFY(ingestAndWait({task}));
    QCOMPARE(migrationIdsOf(proxy), (QStringList {s("mig_c"), s("mig_g")}));
    QVERIFY(checkRoundTrips(proxy));
}

void TestModels::quietMigrations()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    auto at = [](EventFacts f, qint64 receivedUs) {
        f.receivedUs = receivedUs;
        return f;
    };
    QSignalSpy newly(m_monitor.get(), &MonitorModel::newlyQuiet);
    QVERIFY(ingestAndWait(
        {at(fact(1, s("migration.started"), s("mig_quiet"), now - 180 * Min, s("WORKING")), now - 180 * Min),
         at(fact(2, s("migration.created"), s("mig_waiting"), now - 25 * 60 * Min, s("NOT_STARTED")),
            now - 25 * 60 * Min),
         at(fact(3, s("migration.started"), s("mig_busy"), now - 1 * Min, s("WORKING")), now - 1 * Min),
         at(fact(4, s("migration.created"), s("mig_new"), now - 40 * Min, s("NOT_STARTED")), now - 40 * Min),
         // What real migrations look like: no progress events for 100 minutes of work, and five
         // hours waiting for the customer's login. Neither is news.
         at(fact(5, s("migration.started"), s("mig_long"), now - 100 * Min, s("WORKING")), now - 100 * Min),
         at(fact(6, s("migration.created"), s("mig_login"), now - 300 * Min, s("NOT_STARTED")),
            now - 300 * Min)}));
    m_monitor->checkQuiet();
    QCOMPARE(newly.count(), 1);
    QCOMPARE(sorted(newly.at(0).at(0).toStringList()), (QStringList {s("mig_quiet"), s("mig_waiting")}));
    const MigrationListModel *list = m_monitor->migrations();
    QCOMPARE(migrationIdsOf(list),
             (QStringList {s("mig_quiet"), s("mig_waiting"), s("mig_busy"), s("mig_new"), s("mig_long"),
                           s("mig_login")}));
    QCOMPARE(list->index(0, 0).data(QuietRole).toBool(), true);
    QCOMPARE(list->index(1, 0).data(QuietRole).toBool(), true);
    QCOMPARE(list->index(2, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(3, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(4, 0).data(QuietRole).toBool(), false);
    QCOMPARE(list->index(5, 0).data(QuietRole).toBool(), false);

    // Known quiet migrations are not reported again.
    m_monitor->checkQuiet();
    QCOMPARE(newly.count(), 1);

    // Lower thresholds: the others become quiet, and only they are new.
    m_monitor->setQuietThresholds(QuietThresholds {30 * Min, 30 * Min});
    QCOMPARE(newly.count(), 2);
    QCOMPARE(sorted(newly.at(1).at(0).toStringList()),
             (QStringList {s("mig_login"), s("mig_long"), s("mig_new")}));

    // An event revives mig_quiet; when it goes quiet again it is reported again.
    QVERIFY(ingestAndWait({at(fact(7, s("custom.note"), s("mig_quiet"), now, QString()),
                              QDateTime::currentMSecsSinceEpoch() * 1000)}));
    m_monitor->checkQuiet();
    QCOMPARE(newly.count(), 2);
    QCOMPARE(list->index(0, 0).data(QuietRole).toBool(), false);
    m_monitor->setQuietThresholds(QuietThresholds {-60 * Min, 30 * Min});
    QCOMPARE(newly.count(), 3);
    QVERIFY(newly.at(2).at(0).toStringList().contains(s("mig_quiet")));
}

void TestModels::timeline()
{
    TimelineModel *timeline = m_monitor->timeline();
    timeline->setMigration(s("mig_c"));
    QCOMPARE(timeline->rowCount(), 0); // nothing known yet
    QVERIFY(!timeline->migration());

    // mig_c's events arrive out of order; mig_t's two events have the same time.
    const QList<EventFacts> b = board();
    auto byRowId = [&b](qint64 rowId) {
        return *std::find_if(b.cbegin(), b.cend(), [rowId](const EventFacts &f) { return f.rowId == rowId; });
    };
    QSignalSpy reset(timeline, &QAbstractItemModel::modelReset);
    QVERIFY(ingestAndWait({byRowId(110), byRowId(109), byRowId(101), byRowId(107), byRowId(108),
                           fact(120, s("migration.started"), s("mig_t"), T0, s("WORKING")),
                           fact(121, s("migration.created"), s("mig_t"), T0, s("NOT_STARTED"))}));
    QVERIFY(reset.count() >= 1);
    QVERIFY(timeline->migration());
    QCOMPARE(timeline->migration()->id, s("mig_c"));
    QCOMPARE(timeline->rowCount(), 4);
    QCOMPARE(rowIdsOf(timeline), (QList<qint64> {107, 108, 109, 110}));
    const QStringList types {s("migration.created"), s("migration.started"), s("migration_task.failed"),
                             s("migration.completed")};
    const QStringList statuses {s("NOT_STARTED"), s("WORKING"), s("FAILED"), s("COMPLETED_WITH_FAILURES")};
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(timeline->index(row, TimelineModel::Type).data().toString(), types.at(row));
        QCOMPARE(timeline->index(row, TimelineModel::Status).data().toString(), statuses.at(row));
        QCOMPARE(timeline->index(row, 0).data(MigrationIdRole).toString(), s("mig_c"));
        QCOMPARE(timeline->index(row, TimelineModel::Attempts).data().toInt(), 1);
        if (row > 0)
            QVERIFY(timeline->index(row - 1, TimelineModel::Time).data(SortRole).toLongLong()
                    < timeline->index(row, TimelineModel::Time).data(SortRole).toLongLong());
        // LogIndexRole points at the same delivery in the event log.
        const int logIndex = timeline->index(row, 0).data(LogIndexRole).toInt();
        QCOMPARE(m_monitor->events()->index(logIndex, 0).data(RowIdRole),
                 timeline->index(row, 0).data(RowIdRole));
    }
    QCOMPARE(timeline->index(0, TimelineModel::Time).data(SortRole).toLongLong(), T0 + 2 * Sec);
    QCOMPARE(timeline->index(2, TimelineModel::Detail).data().toString(),
             s("task task_c1: Timed out downloading the payroll register"));
    QCOMPARE(timeline->index(0, TimelineModel::Detail).data().toString(), QString());
    QCOMPARE(timeline->headerData(TimelineModel::Type, Qt::Horizontal).toString(), s("Event"));
    // The task failure carries its task id (for "Copy task id") and the vendor's advice: its
    // files may still be there.
    QCOMPARE(timeline->index(2, TimelineModel::Time).data(TaskIdRole).toString(), s("task_c1"));
    QCOMPARE(timeline->index(2, TimelineModel::Type).data(Qt::ToolTipRole).toString(),
             s("task task_c1: Timed out downloading the payroll register\nFiles may still be available for "
               "task task_c1: poll Anon's files API for its partial extractions."));
    QCOMPARE(timeline->index(1, TimelineModel::Time).data(TaskIdRole).toString(), QString());
    QVERIFY(!timeline->index(1, TimelineModel::Type).data(Qt::ToolTipRole).isValid());

    // A late event dated between two known ones lands between them.
    reset.clear();
    QVERIFY(ingestAndWait({fact(130, s("custom.note"), s("mig_c"), T0 + 32 * Sec)}));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(rowIdsOf(timeline), (QList<qint64> {107, 108, 130, 109, 110}));

    // A retry of one of its events shows the new count after the publish.
    EventFacts retry = byRowId(108);
    retry.attempts = 3;
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    m_monitor->ingest({retry});
    QVERIFY(updated.wait(5000));
    QCOMPARE(timeline->index(1, TimelineModel::Attempts).data().toInt(), 3);
    QCOMPARE(reset.count(), 2);

    // Events of other migrations leave it alone.
    QVERIFY(ingestAndWait({fact(131, s("custom.note"), s("mig_a"), T0 + 33 * Sec)}));
    QCOMPARE(reset.count(), 2);
    QCOMPARE(timeline->rowCount(), 5);

    // Switching migrations.
    timeline->setMigration(s("mig_t"));
    QCOMPARE(reset.count(), 3);
    QCOMPARE(rowIdsOf(timeline), (QList<qint64> {121, 120})); // created before started at the same time
    QCOMPARE(timeline->index(0, 0).data(MigrationIdRole).toString(), s("mig_t"));
    timeline->setMigration(s("mig_a"));
    QCOMPARE(rowIdsOf(timeline), (QList<qint64> {101, 131}));
    timeline->setMigration(s("mig_unknown"));
    QCOMPARE(timeline->rowCount(), 0);
    QVERIFY(!timeline->migration());
    QCOMPARE(timeline->migrationId(), s("mig_unknown"));
    timeline->setMigration(QString());
    QCOMPARE(timeline->rowCount(), 0);
    timeline->setMigration(s("mig_c"));
    QCOMPARE(timeline->rowCount(), 5);
}

void TestModels::rejections()
{
    RejectionsModel *model = m_monitor->rejections();
    QList<RejectionRecord> list;
    for (int i = 0; i < 3; ++i) {
        RejectionRecord r;
        r.receivedUs = T0 + i * Sec;
        r.remote = QStringLiteral("10.0.0.%1").arg(i + 1);
        r.status = 401;
        r.reasonCode = s("bad_signature");
        r.reason = QStringLiteral("No signature matched (%1)").arg(i);
        r.msgId = QByteArrayLiteral("msg_rej_") + QByteArray::number(i);
        r.bodySize = (i == 1) ? 9 : 10 * (i + 1);
        list << r;
    }
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    model->setRejections(list);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->index(1, RejectionsModel::Time).data().toString(),
             localTime(T0 + Sec, s("yyyy-MM-dd HH:mm:ss")));
    QCOMPARE(model->index(1, RejectionsModel::Time).data(SortRole).toLongLong(), T0 + Sec);
    QCOMPARE(model->index(1, RejectionsModel::Reason).data().toString(), s("No signature matched (1)"));
    QCOMPARE(model->index(1, RejectionsModel::MessageId).data().toString(), s("msg_rej_1"));
    QCOMPARE(model->index(1, RejectionsModel::From).data().toString(), s("10.0.0.2"));
    QCOMPARE(model->index(1, RejectionsModel::BodySize).data().toLongLong(), qint64(9));
    QCOMPARE(model->index(2, RejectionsModel::BodySize).data(SortRole).toLongLong(), qint64(30));
    QCOMPARE(model->at(2).msgId, QByteArrayLiteral("msg_rej_2"));

    // Sorted by size: numeric (9 < 10 < 30).
    QSortFilterProxyModel sorter;
    const QAbstractItemModelTester sorterTester(&sorter,
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    sorter.setSortRole(SortRole);
    sorter.setSourceModel(model);
    sorter.sort(RejectionsModel::BodySize);
    QCOMPARE(sorter.index(0, RejectionsModel::MessageId).data().toString(), s("msg_rej_1"));
    QCOMPARE(sorter.index(1, RejectionsModel::MessageId).data().toString(), s("msg_rej_0"));
    QCOMPARE(sorter.index(2, RejectionsModel::MessageId).data().toString(), s("msg_rej_2"));

    model->setRejections({list.at(2)});
    QCOMPARE(reset.count(), 2);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(sorter.rowCount(), 1);
    model->setRejections({});
    QCOMPARE(model->rowCount(), 0);
}

void TestModels::loadFromStore()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = m_store->folder(); // not created yet

    // 50 migrations of six events each (300 deliveries); the first ten deliveries retried.
    constexpr int Migrations = 50;
    const QStringList lifecycle {s("migration.created"), s("migration.started"), s("migration_task.failed"),
                                 s("custom.note"),       s("custom.note"),       s("migration.completed")};
    const QStringList statuses {s("NOT_STARTED"), s("WORKING"), s("FAILED"),
                                QString(),        QString(),    s("COMPLETE")};
    {
        Store writerStore(Store::Options {dataDir, Durability::Power, 10000, false});
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        quint64 ticket = 0;
        std::vector<DeliveryRecord> sent;
        for (int m = 0; m < Migrations; ++m) {
            for (int e = 0; e < lifecycle.size(); ++e) {
                DeliveryRecord r = delivery(QByteArrayLiteral("msg_store_") + QByteArray::number(m * 10 + e),
                                            lifecycle.at(e), QStringLiteral("mig_s%1").arg(m),
                                            T0 + m * Min + e * Sec, statuses.at(e));
                if (e == 2) {
                    r.taskId = QStringLiteral("task_s%1").arg(m);
                    r.errorMessage = s("Timed out");
                }
                sent.push_back(r);
                writer.submit(++ticket, r);
            }
        }
        for (int i = 0; i < 10; ++i) {
            DeliveryRecord again = sent[size_t(i)];
            again.receivedUs += 30 * Sec;
            writer.submit(++ticket, again);
        }
        RejectionRecord rejected;
        rejected.receivedUs = T0;
        rejected.remote = s("192.0.2.7");
        rejected.reasonCode = s("bad_signature");
        rejected.reason = s("No signature matched");
        rejected.msgId = QByteArrayLiteral("msg_rejected");
        rejected.bodySize = 42;
        writer.submitRejection(rejected);
        writer.stop();
    }

    // What the store holds, as the reference.
    QList<EventFacts> stored;
    {
        StoreReader reader(*m_store);
        QVERIFY2(reader.isOpen(), qPrintable(reader.error()));
        reader.loadFacts([&stored](QList<EventFacts> &&batch) { stored.append(batch); });
    }
    QCOMPARE(stored.size(), qsizetype(300));
    QCOMPARE(stored.at(0).attempts, 2);
    QCOMPARE(stored.at(20).attempts, 1);
    qint64 maxRowId = 0;
    for (const EventFacts &f : std::as_const(stored))
        maxRowId = std::max(maxRowId, f.rowId);

    MonitorModel *monitor = m_monitor.get();
    EventFilter byText;
    byText.text = s("task"); // the task failures: type and task id
    monitor->filteredEvents()->setFilter(byText);
    monitor->filteredMigrations()->sort(MigrationListModel::Id);
    monitor->timeline()->setMigration(s("mig_s7"));

    QSignalSpy loaded(monitor, &MonitorModel::loaded);
    QSignalSpy failed(monitor, &MonitorModel::loadFailed);
    QSignalSpy eventsReset(monitor->events(), &QAbstractItemModel::modelReset);
    QSignalSpy filteredReset(monitor->filteredEvents(), &QAbstractItemModel::modelReset);
    QSignalSpy migrationsReset(monitor->migrations(), &QAbstractItemModel::modelReset);
    QSignalSpy filteredMigrationsReset(monitor->filteredMigrations(), &QAbstractItemModel::modelReset);
    QSignalSpy timelineReset(monitor->timeline(), &QAbstractItemModel::modelReset);

    monitor->loadFromStore();
    QVERIFY(monitor->isLoading());

    // Live facts while it loads: a new attempt of a stored delivery (once so far),
    // an older count of a retried one, new deliveries, one of them twice.
    EventFacts update = stored.at(25);
    update.attempts = 4;
    EventFacts older = stored.at(0);
    older.attempts = 1;
    EventFacts live1 = fact(maxRowId + 1, s("custom.note"), s("mig_s7"), T0 + 7 * Min + 30 * Sec);
    EventFacts live2
        = fact(maxRowId + 2, s("migration_task.failed"), s("mig_s7"), T0 + 7 * Min + 31 * Sec, s("FAILED"));
    live2.taskId = s("task_live");
    EventFacts live3
        = fact(maxRowId + 3, s("migration.created"), s("mig_live"), T0 + 100 * Min, s("NOT_STARTED"));
    EventFacts live4 = fact(maxRowId + 4, s("svix.ping"), QString(), T0 + 100 * Min);
    EventFacts live1Again = live1;
    live1Again.attempts = 2;
    monitor->ingest({update, older, live1});
    monitor->ingest({live2, live3, live4, live1Again});
    QCOMPARE(monitor->log().size(), qsizetype(0)); // held until the load is in
    QCOMPARE(monitor->events()->rowCount(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + failed.count(), 1, 15000);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(loaded.at(0).at(0).toLongLong(), qint64(300));
    QVERIFY(loaded.at(0).at(1).toLongLong() >= 0);
    QVERIFY(!monitor->isLoading());
    // One reset per model, not one per row or batch.
    QCOMPARE(eventsReset.count(), 1);
    QCOMPARE(filteredReset.count(), 1);
    QCOMPARE(migrationsReset.count(), 1);
    QCOMPARE(filteredMigrationsReset.count(), 1);
    QVERIFY(timelineReset.count() >= 1);
    QVERIFY(monitor->events()->rowCount() >= 300);
    QVERIFY(monitor->migrations()->rowCount() >= Migrations);

    // The held facts go in with the next publish.
    QTRY_COMPARE(monitor->events()->rowCount(), 304);
    QTRY_COMPARE(monitor->migrations()->rowCount(), Migrations + 1);
    const QList<qint64> ids = rowIdsOf(monitor->events());
    QSet<qint64> unique(ids.cbegin(), ids.cend());
    QCOMPARE(unique.size(), qsizetype(304)); // no row twice
    for (const EventFacts &f : std::as_const(stored))
        QVERIFY(unique.contains(f.rowId));
    for (qint64 id = maxRowId + 1; id <= maxRowId + 4; ++id)
        QVERIFY(unique.contains(id));
    QCOMPARE(monitor->log().size(), qsizetype(304));

    auto attemptsOf = [monitor](qint64 rowId) {
        const int row = rowWith(monitor->events(), RowIdRole, rowId);
        return row < 0 ? -1 : monitor->events()->index(row, EventLogModel::Attempts).data().toInt();
    };
    QCOMPARE(attemptsOf(stored.at(25).rowId), 4);
    QCOMPARE(attemptsOf(stored.at(0).rowId), 2);
    QCOMPARE(attemptsOf(stored.at(1).rowId), 2);
    QCOMPARE(attemptsOf(stored.at(20).rowId), 1);
    QCOMPARE(attemptsOf(maxRowId + 1), 2);

    // Migrations and their counts.
    MigrationListModel *list = monitor->migrations();
    auto eventsOf = [list](const QString &id) {
        const int row = rowWith(list, MigrationIdRole, id);
        return row < 0 ? -1 : list->index(row, MigrationListModel::Events).data().toInt();
    };
    QCOMPARE(eventsOf(s("mig_s0")), 6);
    QCOMPARE(eventsOf(s("mig_s49")), 6);
    QTRY_COMPARE(eventsOf(s("mig_s7")), 8);
    QCOMPARE(eventsOf(s("mig_live")), 1);
    QCOMPARE(list->index(rowWith(list, MigrationIdRole, s("mig_s3")), 0).data(StatusRole).toInt(),
             int(MigrationStatus::Complete));
    QCOMPARE(list->index(rowWith(list, MigrationIdRole, s("mig_s3")), MigrationListModel::TaskFailures)
                 .data()
                 .toInt(),
             1);
    QCOMPARE(list->index(rowWith(list, MigrationIdRole, s("mig_s7")), MigrationListModel::TaskFailures)
                 .data()
                 .toInt(),
             2);
    QCOMPARE(monitor->filteredMigrations()->rowCount(), Migrations + 1);
    QCOMPARE(monitor->filteredMigrations()->index(0, 0).data(MigrationIdRole).toString(), s("mig_live"));
    QVERIFY(checkRoundTrips(monitor->filteredMigrations()));

    // The filter set before the load applies to the loaded rows and the held ones.
    QCOMPARE(monitor->filteredEvents()->rowCount(), Migrations + 1);
    for (int row = 0; row < monitor->filteredEvents()->rowCount(); ++row)
        QCOMPARE(monitor->filteredEvents()->index(row, EventLogModel::Type).data().toString(),
                 s("migration_task.failed"));
    QVERIFY(checkRoundTrips(monitor->filteredEvents()));

    // The timeline chosen before the load shows the loaded events and the live ones, in order.
    QTRY_COMPARE(monitor->timeline()->rowCount(), 8);
    const QList<qint64> timelineIds = rowIdsOf(monitor->timeline());
    QCOMPARE(timelineIds.at(0), stored.at(7 * 6).rowId); // migration.created of mig_s7
    QCOMPARE(timelineIds.at(6), maxRowId + 1);
    QCOMPARE(timelineIds.at(7), maxRowId + 2);
    for (int row = 1; row < 8; ++row)
        QVERIFY(monitor->timeline()->index(row - 1, 0).data(SortRole).toLongLong()
                <= monitor->timeline()->index(row, 0).data(SortRole).toLongLong());

    // Live ingestion carries on as usual after the load.
    QVERIFY(ingestAndWait(
        {fact(maxRowId + 5, s("migration.started"), s("mig_live"), T0 + 101 * Min, s("WORKING"))}));
    QCOMPARE(monitor->events()->rowCount(), 305);
    QCOMPARE(eventsOf(s("mig_live")), 2);

    // The rejection journal, read on a background thread.
    QSignalSpy rejectionsRead(monitor, &MonitorModel::rejectionsRefreshed);
    monitor->refreshRejections();
    QVERIFY(rejectionsRead.wait(5000));
    QCOMPARE(rejectionsRead.first().first().toBool(), true);
    QCOMPARE(monitor->rejections()->rowCount(), 1);
    QCOMPARE(monitor->rejections()->index(0, RejectionsModel::Reason).data().toString(),
             s("No signature matched"));
    QCOMPARE(monitor->rejections()->index(0, RejectionsModel::MessageId).data().toString(),
             s("msg_rejected"));
    QCOMPARE(monitor->rejections()->index(0, RejectionsModel::BodySize).data().toLongLong(), qint64(42));
}

void TestModels::loadFromMissingStore()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(!QFileInfo::exists(m_store->folder())); // the fixture's store: never written
    QSignalSpy loaded(m_monitor.get(), &MonitorModel::loaded);
    QSignalSpy failed(m_monitor.get(), &MonitorModel::loadFailed);
    QSignalSpy eventsReset(m_monitor->events(), &QAbstractItemModel::modelReset);

    m_monitor->loadFromStore();
    QVERIFY(m_monitor->isLoading());
    m_monitor->ingest(corpus()); // held while it tries
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + failed.count(), 1, 15000);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!failed.at(0).at(0).toString().isEmpty());
    QVERIFY(!m_monitor->isLoading());
    QCOMPARE(eventsReset.count(), 0);
    // What arrived meanwhile is not lost.
    QTRY_COMPARE(m_monitor->events()->rowCount(), 11);
    QCOMPARE(m_monitor->migrations()->rowCount(), 3);

    // No rejection journal either: the model is left as it was.
    QSignalSpy rejectionsRead(m_monitor.get(), &MonitorModel::rejectionsRefreshed);
    m_monitor->refreshRejections();
    QVERIFY(rejectionsRead.wait(5000));
    QCOMPARE(rejectionsRead.first().first().toBool(), false);
    QCOMPARE(m_monitor->rejections()->rowCount(), 0);
}

void TestModels::loadAfterLiveIngest()
{
    // Facts ingested shortly before loadFromStore, while their publish is still pending. The
    // store replaces the log and the book wholesale; migration indexes noted for the pending
    // publish belonged to the old book and must not be reported against the new one (they once
    // were: a migration nothing touched was reported updated, and an index past the new book's
    // end crashed MonitorModel::publish).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = m_store->folder(); // not created yet
    {
        Store writerStore(Store::Options {dataDir, Durability::Power, 10000, false});
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        for (int m = 0; m < 3; ++m)
            writer.submit(quint64(m + 1),
                          delivery(QByteArrayLiteral("msg_stored_") + QByteArray::number(m),
                                   s("migration.created"), QStringLiteral("mig_s%1").arg(m), T0 + m * Sec,
                                   s("NOT_STARTED")));
        writer.stop();
    }
    QSignalSpy loaded(m_monitor.get(), &MonitorModel::loaded);
    QSignalSpy updated(m_monitor.get(), &MonitorModel::migrationUpdated);
    QSignalSpy inserted(m_monitor->events(), &QAbstractItemModel::rowsInserted);

    m_monitor->ingest({fact(9000, s("migration.created"), s("mig_before_load"), T0, s("NOT_STARTED"))});
    m_monitor->loadFromStore();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 15000);
    if (inserted.count() > 0 || updated.count() > 0)
        QSKIP("The load took longer than the publish timer: the pending publish ran before the swap");
    QCOMPARE(m_monitor->events()->rowCount(), 3);
    QCOMPARE(m_monitor->migrations()->rowCount(), 3);

    // Nothing was ingested during or after the load, so no migration was updated.
    const bool spurious = updated.wait(500);
    QVERIFY2(!spurious,
             qPrintable(QStringLiteral("migrationUpdated(\"%1\") after the load")
                            .arg(updated.isEmpty() ? QString() : updated.at(0).at(0).toString())));
    QCOMPARE(m_monitor->events()->rowCount(), 3);
    QCOMPARE(m_monitor->migrations()->rowCount(), 3);
}

void TestModels::forgetDropsRowsAndMigrations()
{
    QList<EventFacts> facts = board();
    EventFacts copy = facts.at(5); // 106 fed back in: a copy of a stored delivery
    copy.rowId = -106;
    copy.replayed = true;
    facts << copy;
    QVERIFY(ingestAndWait(facts));
    QCOMPARE(m_monitor->events()->rowCount(), 16);
    m_monitor->timeline()->setMigration(s("mig_c"));
    QCOMPARE(m_monitor->timeline()->rowCount(), 4);
    const int migBefore = int(m_monitor->book().indexOf(s("mig_b")));
    QCOMPARE(m_monitor->book().at(migBefore).status, MigrationStatus::Complete);
    QVERIFY(!m_monitor->book().at(migBefore).hasAnomaly(Anomaly::StartWithoutCreation));

    // The view's selection: the current row survives (and moves up), a selected one is deleted.
    QItemSelectionModel selection(m_monitor->filteredEvents());
    auto proxyRowOf = [this](qint64 rowId) {
        return m_monitor->filteredEvents()->index(rowWith(m_monitor->filteredEvents(), RowIdRole, rowId), 0);
    };
    selection.setCurrentIndex(proxyRowOf(110), QItemSelectionModel::NoUpdate);
    selection.select(proxyRowOf(102), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection.select(proxyRowOf(112), QItemSelectionModel::Select | QItemSelectionModel::Rows);

    QSignalSpy removed(m_monitor->events(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_monitor->events(), &QAbstractItemModel::modelReset);
    QSignalSpy boardRemoved(m_monitor->migrations(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy forgotten(m_monitor.get(), &MonitorModel::forgotten);
    // Retention deleted mig_a entirely, mig_b's and mig_c's creation, and ids the model never saw.
    m_monitor->forget({101, 102, 103, 104, 106, 107, 999});

    QCOMPARE(forgotten.size(), 1);
    QCOMPARE(forgotten.first().at(0).toLongLong(), 7); // 106's copy went with it
    QCOMPARE(forgotten.first().at(1).toLongLong(), 1);
    QCOMPARE(reset.size(), 0); // few runs: removals, not a reset
    QVERIFY(removed.size() >= 1);
    QCOMPARE(rowIdsOf(m_monitor->events()), (QList<qint64> {105, 108, 109, 110, 111, 112, 113, 114, 115}));
    QCOMPARE(rowIdsOf(m_monitor->filteredEvents()), rowIdsOf(m_monitor->events()));
    QVERIFY(checkRoundTrips(m_monitor->filteredEvents()));
    for (qsizetype i = 0; i < m_monitor->log().size(); ++i)
        QCOMPARE(m_monitor->log().indexOfRowId(m_monitor->log().at(i).rowId), i);
    QCOMPARE(m_monitor->log().indexOfRowId(101), -1);
    QCOMPARE(m_monitor->log().indexOfRowId(-106), -1);

    QCOMPARE(selection.currentIndex().data(RowIdRole).toLongLong(), 110);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().first().data(RowIdRole).toLongLong(), 112);

    // The same ids again (a receiver on a shared store hears its own retention, then the store's
    // deletion journal): nothing happens.
    const int removals = int(removed.size());
    const int boardRemovals = int(boardRemoved.size());
    m_monitor->forget({101, 102, 103, 104, 106, 107, 999});
    QCOMPARE(forgotten.size(), 1);
    QCOMPARE(removed.size(), removals);
    QCOMPARE(boardRemoved.size(), boardRemovals);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(rowIdsOf(m_monitor->events()), (QList<qint64> {105, 108, 109, 110, 111, 112, 113, 114, 115}));
    QCOMPARE(selection.currentIndex().data(RowIdRole).toLongLong(), 110);

    // mig_a left the board; mig_b and mig_c were rebuilt from what is left.
    QCOMPARE(boardRemoved.size(), 1);
    QCOMPARE(m_monitor->book().indexOf(s("mig_a")), -1);
    QCOMPARE(sorted(migrationIdsOf(m_monitor->migrations())),
             (QStringList {s("mig_b"), s("mig_c"), s("mig_d"), s("mig_e"), s("mig_f")}));
    for (qsizetype i = 0; i < m_monitor->book().size(); ++i)
        QCOMPARE(m_monitor->book().indexOf(m_monitor->book().at(i).id), i);
    const Migration &b = m_monitor->book().at(m_monitor->book().indexOf(s("mig_b")));
    QCOMPARE(b.eventCount, 1);
    QCOMPARE(b.status, MigrationStatus::Working); // only migration.started is left
    QVERIFY(b.hasAnomaly(Anomaly::StartWithoutCreation));
    const Migration &c = m_monitor->book().at(m_monitor->book().indexOf(s("mig_c")));
    QCOMPARE(c.eventCount, 3);
    QCOMPARE(c.status, MigrationStatus::CompletedWithFailures);
    QCOMPARE(c.taskFailureCount, 1);
    QCOMPARE(m_monitor->timeline()->rowCount(), 3);
    QCOMPARE(rowIdsOf(m_monitor->timeline()), (QList<qint64> {108, 109, 110}));

    // The log goes on: a new row and a new attempt of a kept one land where they should.
    EventFacts retry = board().at(13); // 114
    retry.attempts = 2;
    QVERIFY(ingestAndWait(
        {fact(116, s("migration.created"), s("mig_a"), T0 + 100 * Sec, s("NOT_STARTED")), retry}));
    QCOMPARE(rowIdsOf(m_monitor->events()).last(), 116);
    QCOMPARE(m_monitor->log().at(m_monitor->log().indexOfRowId(114)).attempts, 2);
    QCOMPARE(m_monitor->book().at(m_monitor->book().indexOf(s("mig_a"))).eventCount, 1);
    QCOMPARE(m_monitor->migrations()->rowCount(), 6);
}

void TestModels::forgetScatteredRowsResets()
{
    QList<EventFacts> facts;
    for (int i = 1; i <= 200; ++i)
        facts << fact(i, s("migration.created"), QStringLiteral("mig_%1").arg(i % 50), T0 + i * Sec);
    QVERIFY(ingestAndWait(facts));
    EventFilter byMigration;
    byMigration.migration = s("mig_7");
    m_monitor->filteredEvents()->setFilter(byMigration); // mig_7 and mig_7x
    QList<qint64> odd;
    for (int i = 1; i <= 200; i += 2)
        odd << i;
    QSignalSpy reset(m_monitor->events(), &QAbstractItemModel::modelReset);
    m_monitor->forget(odd); // a hundred runs: one reset is cheaper
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_monitor->events()->rowCount(), 100);
    QList<qint64> even;
    for (int i = 2; i <= 200; i += 2)
        even << i;
    QCOMPARE(rowIdsOf(m_monitor->events()), even);
    // Odd rows held the odd migrations: they are gone, the even ones stay.
    QCOMPARE(m_monitor->migrations()->rowCount(), 25);
    QCOMPARE(m_monitor->book().indexOf(s("mig_7")), -1);
    QVERIFY(m_monitor->book().indexOf(s("mig_8")) >= 0);
    QCOMPARE(rowIdsOf(m_monitor->filteredEvents()), (QList<qint64> {}));
    QVERIFY(checkRoundTrips(m_monitor->filteredEvents()));
}

void TestModels::forgetCompactsStrings()
{
    // Ten thousand migrations of one event each; retention deletes the oldest nine thousand.
    // Their ids must not stay interned for ever, and filters compiled before must still work.
    constexpr int Count = 10'000;
    // Thousands of rows: the testers' checks at every change would take minutes; the other
    // forget tests keep them.
    m_testers.clear();
    QList<EventFacts> facts;
    for (int i = 1; i <= Count; ++i) {
        EventFacts f
            = fact(i, s("migration.failed"), QStringLiteral("mig_%1").arg(i, 5, 10, QLatin1Char('0')),
                   T0 + i * Sec, s("FAILED"));
        f.errorMessage = QStringLiteral("error number %1").arg(i);
        facts << f;
    }
    for (qsizetype i = 0; i < facts.size(); i += 500) // live batches, as the receiver's commits come
        QVERIFY(ingestAndWait(facts.mid(i, 500)));
    EventFilter byText;
    byText.text = s("number 09999");
    m_monitor->filteredEvents()->setFilter(byText);
    QCOMPARE(rowIdsOf(m_monitor->filteredEvents()), (QList<qint64> {}));
    byText.text = s("error number 9999");
    m_monitor->filteredEvents()->setFilter(byText);
    QCOMPARE(rowIdsOf(m_monitor->filteredEvents()), (QList<qint64> {9999}));
    const qsizetype interned = m_monitor->log().internedCount();
    QVERIFY(interned > 2 * Count);

    QList<qint64> oldest;
    for (int i = 1; i <= 9000; ++i)
        oldest << i;
    m_monitor->forget(oldest);
    QCOMPARE(m_monitor->events()->rowCount(), 1000);
    QCOMPARE(m_monitor->migrations()->rowCount(), 1000);
    // Types, migration ids and error texts of the kept rows only (and the empty string each).
    QCOMPARE(m_monitor->log().internedCount(), 1 + 1 + 1000 + 1 + 1000 + 1);
    for (qsizetype i = 0; i < m_monitor->log().size(); ++i) {
        const EventRow &row = m_monitor->log().at(i);
        QCOMPARE(m_monitor->log().migrationId(row),
                 QStringLiteral("mig_%1").arg(row.rowId, 5, 10, QLatin1Char('0')));
        QCOMPARE(m_monitor->log().error(row), QStringLiteral("error number %1").arg(row.rowId));
    }
    QCOMPARE(rowIdsOf(m_monitor->filteredEvents()), (QList<qint64> {9999}));
    // New rows after the compaction match the filter compiled before it, and it is recompiled right.
    QVERIFY(ingestAndWait({fact(Count + 1, s("migration.failed"), s("mig_new"), T0, s("FAILED"))}));
    byText.text = s("mig_09");
    m_monitor->filteredEvents()->setFilter(byText);
    QCOMPARE(m_monitor->filteredEvents()->rowCount(), 999); // mig_09001 .. mig_09999
    QVERIFY(checkRoundTrips(m_monitor->filteredEvents()));
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
