// SPDX-License-Identifier: GPL-3.0-or-later
// The rejected-deliveries filter (rules and proxy) and the timeline's filter proxy, each
// watched by a QAbstractItemModelTester from before any data goes in.
#include "model/monitormodel.h"
#include "model/rejectionfilter.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
RejectionRecord rejection(const char *code, const char *reason, const char *msgId, const char *remote)
{
    RejectionRecord r;
    r.reasonCode = QString::fromLatin1(code);
    r.reason = QString::fromLatin1(reason);
    r.msgId = msgId;
    r.remote = QString::fromLatin1(remote);
    r.status = 401;
    return r;
}

EventFacts fact(qint64 rowId, const char *type, const char *migration, qint64 createdUs,
                const char *error = "")
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = QString::fromLatin1(migration);
    f.createdUs = createdUs;
    f.receivedUs = createdUs + 10;
    f.errorMessage = QString::fromLatin1(error);
    return f;
}
} // namespace

class TestFilters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectionRules_data();
    void rejectionRules();
    void rejectionProxy();
    void timelineProxy();
};

void TestFilters::rejectionRules_data()
{
    QTest::addColumn<QStringList>("codes");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("matches");
    QTest::addRow("no rules") << QStringList() << QString() << true;
    QTest::addRow("code listed") << QStringList {QStringLiteral("no_matching_signature")} << QString()
                                 << true;
    QTest::addRow("code not listed") << QStringList {QStringLiteral("timestamp_too_old")} << QString()
                                     << false;
    QTest::addRow("text in reason, any case") << QStringList() << QStringLiteral("PROBABLY") << true;
    QTest::addRow("text in message id") << QStringList() << QStringLiteral("msg_abc") << true;
    QTest::addRow("text in peer") << QStringList() << QStringLiteral("10.0.0.7") << true;
    QTest::addRow("text nowhere") << QStringList() << QStringLiteral("zebra") << false;
    QTest::addRow("code and text, text fails")
        << QStringList {QStringLiteral("no_matching_signature")} << QStringLiteral("zebra") << false;
    QTest::addRow("blank text is no rule") << QStringList() << QStringLiteral("   ") << true;
}

void TestFilters::rejectionRules()
{
    QFETCH(QStringList, codes);
    QFETCH(QString, text);
    QFETCH(bool, matches);
    RejectionFilter filter;
    filter.reasonCodes = QSet<QString>(codes.cbegin(), codes.cend());
    filter.text = text;
    const RejectionRecord r = rejection("no_matching_signature", "the secret is probably not this endpoint's",
                                        "msg_abc123", "10.0.0.7");
    QCOMPARE(filter.matches(r), matches);
}

void TestFilters::rejectionProxy()
{
    RejectionsModel model;
    RejectionFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setRejections({rejection("no_matching_signature", "wrong secret", "msg_1", "127.0.0.1"),
                         rejection("timestamp_too_old", "412 s old", "msg_2", "127.0.0.1"),
                         rejection("missing_headers", "no svix-id", "", "10.1.1.1")});
    QCOMPARE(proxy.rowCount(), 3);
    RejectionFilter byCode;
    byCode.reasonCodes = {QStringLiteral("timestamp_too_old")};
    proxy.setFilter(byCode);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, RejectionsModel::MessageId).data().toString(), QStringLiteral("msg_2"));
    RejectionFilter byText;
    byText.text = QStringLiteral("10.1");
    proxy.setFilter(byText);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, RejectionsModel::From).data().toString(), QStringLiteral("10.1.1.1"));
    // New data goes through the filter too.
    model.setRejections({rejection("missing_headers", "no svix-id", "", "10.1.2.3"),
                         rejection("missing_headers", "no svix-id", "", "10.1.2.4"),
                         rejection("missing_headers", "no svix-id", "", "192.168.0.1")});
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setFilter({});
    QCOMPARE(proxy.rowCount(), 3);
}

void TestFilters::timelineProxy()
{
    MonitorModel monitor;
    QAbstractItemModelTester tester(monitor.filteredTimeline(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester rejTester(monitor.filteredRejections(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    monitor.timeline()->setMigration(QStringLiteral("mig_a"));
    monitor.ingest({fact(1, "migration.created", "mig_a", 1000), fact(2, "migration.started", "mig_a", 2000),
                    fact(3, "migration_task.failed", "mig_a", 3000, "extraction timed out"),
                    fact(4, "migration.created", "mig_b", 1500)});
    QSignalSpy updated(&monitor, &MonitorModel::migrationUpdated);
    QVERIFY(updated.wait(2000)); // the publish timer ran
    QCOMPARE(monitor.filteredTimeline()->rowCount(), 3);

    EventFilter failures;
    failures.text = QStringLiteral("timed out");
    monitor.filteredTimeline()->setFilter(failures);
    QCOMPARE(monitor.filteredTimeline()->rowCount(), 1);
    QCOMPARE(monitor.filteredTimeline()->index(0, TimelineModel::Type).data().toString(),
             QStringLiteral("migration_task.failed"));

    // A later event of a type the log had not seen when the filter was compiled.
    EventFilter types;
    types.types = {QStringLiteral("migration.completed")};
    monitor.filteredTimeline()->setFilter(types);
    QCOMPARE(monitor.filteredTimeline()->rowCount(), 0);
    monitor.ingest({fact(5, "migration.completed", "mig_a", 4000)});
    QTRY_COMPARE(monitor.filteredTimeline()->rowCount(), 1);
    monitor.filteredTimeline()->setFilter({});
    QCOMPARE(monitor.filteredTimeline()->rowCount(), 4);
}

QTEST_GUILESS_MAIN(TestFilters)
#include "tst_filters.moc"
