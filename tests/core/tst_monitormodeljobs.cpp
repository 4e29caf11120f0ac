// SPDX-License-Identifier: GPL-3.0-or-later
// MonitorModel's store jobs: feeding stored deliveries back in (shown as replayed, counted
// once, alerting again marked "(replayed)"), importing JSON Lines and showing the new rows,
// and exports written owner-only.
#include "alerts/alertmonitor.h"
#include "event/deliveryrecord.h"
#include "event/envelope.h"
#include "helperverify.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "store/jsonlexporter.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
constexpr qint64 Sec = 1000000;
constexpr qint64 T0 = 1750207841LL * Sec;

// A body as Anon sends it, so that what the store holds for it is what the receiver (and the
// importer, which reads the same facts from the body) would have stored.
QByteArray envelope(const QString &eventId, const QString &type, const QString &migration,
                    const QString &status, qint64 createdUs, const QString &taskId = {},
                    const QString &errorMessage = {})
{
    QJsonObject object;
    if (taskId.isEmpty()) {
        object.insert(QLatin1String("object"), QLatin1String("migration"));
        object.insert(QLatin1String("id"), migration);
    } else {
        object.insert(QLatin1String("object"), QLatin1String("migration_task"));
        object.insert(QLatin1String("id"), taskId);
    }
    object.insert(QLatin1String("status"), status);
    QJsonObject data;
    data.insert(QLatin1String("migration_id"), migration);
    data.insert(QLatin1String("object"), object);
    if (!errorMessage.isEmpty())
        data.insert(QLatin1String("error_message"), errorMessage);
    QJsonObject root;
    root.insert(QLatin1String("id"), eventId);
    root.insert(QLatin1String("object"), QLatin1String("event"));
    root.insert(QLatin1String("created"), formatTimestampUs(createdUs));
    root.insert(QLatin1String("type"), type);
    root.insert(QLatin1String("data"), data);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

DeliveryRecord record(const QByteArray &msgId, const char *migration, const char *type, const char *status,
                      qint64 createdUs, const QString &taskId = {}, const QString &errorMessage = {})
{
    DeliveryRecord r = deliveryRecordFromBody(envelope(
        QStringLiteral("evt_") + QString::fromLatin1(msgId), QString::fromLatin1(type),
        QString::fromLatin1(migration), QString::fromLatin1(status), createdUs, taskId, errorMessage));
    r.msgId = msgId;
    r.receivedUs = createdUs;
    r.timestampHeader = createdUs / Sec;
    return r;
}

[[nodiscard]] bool write(const QString &dir, const QList<DeliveryRecord> &records)
{
    Store writerStore(Store::Options {dir, Durability::Power, 10000, false});
    StoreWriter &writer = writerStore.writer();
    QString error;
    MM_HELPER_VERIFY2(writer.start(&error), qPrintable(error));
    quint64 ticket = 0;
    for (const DeliveryRecord &r : records)
        writer.submit(++ticket, r);
    writer.stop();
    return true;
}

// mig_A: created, started, a task failure, failed (row ids 1-4); mig_B: created (row 5).
QList<DeliveryRecord> lifecycle()
{
    const DeliveryRecord task = record("msg_a3", "mig_A", "migration_task.failed", "FAILED", T0 + 120 * Sec,
                                       QStringLiteral("tsk_1"), QStringLiteral("timeout"));
    return {record("msg_a1", "mig_A", "migration.created", "NOT_STARTED", T0),
            record("msg_a2", "mig_A", "migration.started", "WORKING", T0 + 60 * Sec), task,
            record("msg_a4", "mig_A", "migration.failed", "FAILED", T0 + 600 * Sec),
            record("msg_b1", "mig_B", "migration.created", "NOT_STARTED", T0 + Sec)};
}

[[nodiscard]] bool load(MonitorModel &model)
{
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    MM_HELPER_VERIFY(loaded.wait(10000));
    return true;
}

const Migration &migration(const MonitorModel &model, const QString &id)
{
    return model.book().at(model.book().indexOf(id));
}
} // namespace

class TestMonitorModelJobs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reinjectShowsReplayedRowsCountedOnce();
    void reinjectRaisesMarkedAlerts();
    void importShowsTheNewRows();
    void aLargeImportResetsOnce();
    void exportsAreOwnerOnly_data();
    void exportsAreOwnerOnly();
};

void TestMonitorModelJobs::reinjectShowsReplayedRowsCountedOnce()
{
    QTemporaryDir dir;
    QVERIFY(write(dir.path(), lifecycle()));
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    QAbstractItemModelTester tester(model.events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(load(model));
    const Migration before = migration(model, QStringLiteral("mig_A"));
    QCOMPARE(before.eventCount, 4);
    QCOMPARE(before.taskFailureCount, 1);
    QCOMPARE(model.rowIdsOfMigration(QStringLiteral("mig_A")), (QList<qint64> {1, 2, 3, 4}));

    QSignalSpy done(&model, &MonitorModel::reinjectFinished);
    QSignalSpy reinjected(&model, &MonitorModel::reinjected);
    model.reinject(model.rowIdsOfMigration(QStringLiteral("mig_A")));
    QVERIFY(done.wait(5000));
    QCOMPARE(done.first().first().toLongLong(), qint64(4));
    QCOMPARE(reinjected.size(), 1);
    const auto facts = reinjected.first().first().value<QList<EventFacts>>();
    QCOMPARE(facts.size(), 4);
    for (const EventFacts &f : facts)
        QVERIFY(f.replayed);

    // Four rows of their own, shown as replayed, each naming its stored delivery.
    QTRY_COMPARE(model.events()->rowCount(), 9);
    for (int row = 5; row < 9; ++row) {
        QCOMPARE(model.events()->index(row, EventLogModel::Verdict).data().toString(),
                 QStringLiteral("replayed"));
        QCOMPARE(model.events()->index(row, 0).data(RowIdRole).toLongLong(), qint64(row - 4));
    }
    // The migration is rebuilt from them and counts each event once.
    const Migration &after = migration(model, QStringLiteral("mig_A"));
    QCOMPARE(after.status, before.status);
    QCOMPARE(after.eventCount, 4);
    QCOMPARE(after.taskFailureCount, 1);
    QCOMPARE(after.duplicateCount, before.duplicateCount);
    QCOMPARE(after.attemptCount, before.attemptCount);
    QCOMPARE(after.lastReceivedUs, before.lastReceivedUs);
    QCOMPARE(after.anomalies, before.anomalies);
    QCOMPARE(after.taskFailures(model.log()).size(), 1);
    QCOMPARE(model.rowIdsOfMigration(QStringLiteral("mig_A")), (QList<qint64> {1, 2, 3, 4}));

    // Fed back in again: the copies are already there, nothing is added twice.
    model.reinject({1, 2});
    QVERIFY(done.wait(5000));
    QCOMPARE(done.last().first().toLongLong(), qint64(2));
    QTest::qWait(2 * 100); // two publish intervals: nothing new may appear
    QCOMPARE(model.events()->rowCount(), 9);
    QCOMPARE(migration(model, QStringLiteral("mig_A")).eventCount, 4);

    // Rows no longer stored are simply not there.
    model.reinject({99});
    QVERIFY(done.wait(5000));
    QCOMPARE(done.last().first().toLongLong(), qint64(0));
}

void TestMonitorModelJobs::reinjectRaisesMarkedAlerts()
{
    QTemporaryDir dir;
    QVERIFY(write(dir.path(), lifecycle()));
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    QVERIFY(load(model));
    AlertMonitor alerts;
    QObject::connect(&model, &MonitorModel::reinjected, &alerts, &AlertMonitor::ingest);
    QSignalSpy notified(&alerts, &AlertMonitor::notify);
    QSignalSpy done(&model, &MonitorModel::reinjectFinished);
    model.reinject({4});
    QVERIFY(done.wait(5000));
    QCOMPARE(notified.size(), 1);
    const auto n = notified.first().first().value<Notification>();
    QCOMPARE(n.title, QStringLiteral("Migration failed (replayed)"));
    QCOMPARE(n.migrationId, QStringLiteral("mig_A"));
}

void TestMonitorModelJobs::importShowsTheNewRows()
{
    QTemporaryDir dir;
    const QList<DeliveryRecord> all = lifecycle();
    QVERIFY(write(dir.path(), {all[0]})); // the store already holds msg_a1
    QFile file(dir.filePath(QStringLiteral("in.jsonl")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (const DeliveryRecord &r : all)
        file.write(JsonlExporter::line(QString::fromLatin1(r.msgId), r.eventId, r.type, r.migrationId,
                                       QVariant(*r.createdUs), r.receivedUs, 1, true, r.body)
                   + '\n');
    file.write("{\"not\":\"an export\"}\n");
    file.close();

    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    QAbstractItemModelTester tester(model.events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(load(model));
    QCOMPARE(model.events()->rowCount(), 1);
    // As the app wires it: imported rows reach the model through the writer, like live ones.
    QObject::connect(&store.writer(), &StoreWriter::committed, &model, &MonitorModel::ingest);
    QSignalSpy committed(&store.writer(), &StoreWriter::committed);
    store.writer().setForwarding({QStringLiteral("http://127.0.0.1:9/"), false});
    QSignalSpy imported(&model, &MonitorModel::importFinished);
    model.importJsonl(file.fileName());
    QVERIFY(imported.wait(10000));
    const auto report = imported.first().first().value<ImportReport>();
    QVERIFY(report.result.has_value());
    QCOMPARE(report.result->imported, qint64(4));
    QCOMPARE(report.result->duplicates, qint64(1));
    QCOMPARE(report.result->invalid, qint64(1));
    QVERIFY2(report.summary().startsWith(
                 QStringLiteral("Imported 4, 1 already stored, 1 unreadable line (first: line 6: ")),
             qPrintable(report.summary()));
    // One transaction, committed before the report: the four new deliveries only.
    QCOMPARE(committed.size(), 1);
    QCOMPARE(committed.first().first().value<QList<EventFacts>>().size(), 4);
    QTRY_COMPARE(model.events()->rowCount(), 5);
    // Queued for forwarding in the transaction that stored them, as live deliveries are.
    {
        QString error;
        auto db = store.openConnection(u"test", &error, Store::Open::MustExist);
        QVERIFY2(db, qPrintable(error));
        QSqlQuery q(*db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM forward_queue")) && q.next());
        QCOMPARE(q.value(0).toInt(), 4);
    }
    QCOMPARE(migration(model, QStringLiteral("mig_A")).status, MigrationStatus::Failed);
    QCOMPARE(migration(model, QStringLiteral("mig_A")).eventCount, 4);

    // A file that is not there says so.
    model.importJsonl(dir.filePath(QStringLiteral("missing.jsonl")));
    QVERIFY(imported.wait(5000));
    const auto failed = imported.last().first().value<ImportReport>();
    QVERIFY(!failed.result);
    QVERIFY(failed.summary().startsWith(QStringLiteral("Import failed: Cannot read")));
}

void TestMonitorModelJobs::aLargeImportResetsOnce()
{
    QTemporaryDir dir;
    QVERIFY(write(dir.path(), {lifecycle()[0]}));
    QFile file(dir.filePath(QStringLiteral("big.jsonl")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    constexpr int Count = 1500;
    for (int i = 0; i < Count; ++i) {
        const QByteArray id = "msg_big" + QByteArray::number(i);
        const QString migration = QStringLiteral("mig_%1").arg(i % 50);
        const QString eventId = QStringLiteral("evt_%1").arg(i);
        const QString type = QStringLiteral("migration.started");
        file.write(JsonlExporter::line(QString::fromLatin1(id), eventId, type, migration, QVariant(T0 + i),
                                       T0 + i, 1, true,
                                       envelope(eventId, type, migration, QStringLiteral("WORKING"), T0 + i))
                   + '\n');
    }
    file.close();
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    QAbstractItemModelTester tester(model.events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(load(model));
    QObject::connect(&store.writer(), &StoreWriter::committed, &model, &MonitorModel::ingest);
    QSignalSpy reset(model.events(), &QAbstractItemModel::modelReset);
    QSignalSpy imported(&model, &MonitorModel::importFinished);
    model.importJsonl(file.fileName());
    QVERIFY(imported.wait(20000));
    QCOMPARE(imported.first().first().value<ImportReport>().result->imported, qint64(Count));
    // The first transaction (1,000 lines) is applied with one reset, the other 500 row by row.
    QTRY_COMPARE(model.events()->rowCount(), Count + 1);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.events()->rowCount(), Count + 1);
    QCOMPARE(model.book().size(), 51);
    QCOMPARE(migration(model, QStringLiteral("mig_7")).eventCount, Count / 50);
}

void TestMonitorModelJobs::exportsAreOwnerOnly_data()
{
    QTest::addColumn<bool>("har");
    QTest::addColumn<bool>("all");
    QTest::addRow("JSON Lines, selection") << false << false;
    QTest::addRow("HAR, selection") << true << false;
    QTest::addRow("HAR, everything") << true << true;
}

void TestMonitorModelJobs::exportsAreOwnerOnly()
{
    QFETCH(bool, har);
    QFETCH(bool, all);
    QTemporaryDir dir;
    QVERIFY(write(dir.path(), lifecycle()));
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    const QString path = dir.filePath(QStringLiteral("out"));
    QSignalSpy finished(&model, &MonitorModel::exportFinished);
    const auto format = har ? MonitorModel::ExportFormat::Har : MonitorModel::ExportFormat::JsonLines;
    if (all)
        model.exportAll(path, format);
    else
        model.exportRows({2, 4}, path, format);
    QVERIFY(finished.wait(5000));
    QVERIFY2(finished.first().at(2).toString().isEmpty(), qPrintable(finished.first().at(2).toString()));
    QCOMPARE(finished.first().first().toLongLong(), all ? qint64(5) : qint64(2));
    QCOMPARE(QFile::permissions(path) & 0x7777,
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                 | QFileDevice::WriteUser);
    QFile out(path);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray bytes = out.readAll();
    if (har) {
        const QJsonObject log
            = QJsonDocument::fromJson(bytes).object().value(QLatin1String("log")).toObject();
        QCOMPARE(log.value(QLatin1String("entries")).toArray().size(), all ? 5 : 2);
    } else {
        QCOMPARE(bytes.count('\n'), 2);
        QVERIFY(bytes.contains("msg_a2") && bytes.contains("msg_a4") && !bytes.contains("msg_a1"));
    }
}

QTEST_GUILESS_MAIN(TestMonitorModelJobs)
#include "tst_monitormodeljobs.moc"
