// SPDX-License-Identifier: GPL-3.0-or-later
// The forwarding log's model: loads, updates in place by queue id, appends new rows in one
// batch, keeps the latest 1,000 and counts what is pending or failing.
#include "model/forwardlogmodel.h"
#include "model/modelroles.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
ForwardEntry entry(qint64 id, const QString &state = QStringLiteral("pending"), int tries = 0,
                   const QString &error = {})
{
    ForwardEntry e;
    e.id = id;
    e.deliveryId = id + 100;
    e.msgId = "msg_" + QByteArray::number(id);
    e.type = QStringLiteral("migration.started");
    e.migrationId = QStringLiteral("mig_1");
    e.target = QStringLiteral("http://127.0.0.1:9/hook");
    e.state = state;
    e.tries = tries;
    e.lastError = error;
    e.lastStatus = error.isEmpty() ? (tries ? 200 : 0) : 503;
    e.enqueuedUs = 1750000000LL * 1000000 + id;
    return e;
}

QList<ForwardEntry> entries(qint64 from, qint64 to)
{
    QList<ForwardEntry> out;
    for (qint64 id = from; id <= to; ++id)
        out.append(entry(id));
    return out;
}

QString cell(const ForwardLogModel &m, int row, int column)
{
    return m.index(row, column).data().toString();
}
} // namespace

class TestForwardLogModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsSortedAndBounded();
    void updatesInPlaceAndAppendsInOneBatch();
    void keepsTheLatestRows();
    void olderRowsFitInOrder();
    void countsPendingAndFailing();
};

void TestForwardLogModel::loadsSortedAndBounded()
{
    ForwardLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QList<ForwardEntry> list = entries(1, 1200);
    std::reverse(list.begin(), list.end());
    model.setEntries(list);
    QCOMPARE(model.rowCount(), ForwardLogModel::MaxRows);
    QCOMPARE(model.entry(0).id, qint64(201));
    QCOMPARE(model.entry(ForwardLogModel::MaxRows - 1).id, qint64(1200));
    QCOMPARE(cell(model, 0, ForwardLogModel::MessageId), QStringLiteral("msg_201"));
    QCOMPARE(cell(model, 0, ForwardLogModel::State), QStringLiteral("pending"));
    QCOMPARE(model.index(0, ForwardLogModel::Time).data(RowIdRole).toLongLong(), qint64(301));
    QCOMPARE(model.headerData(ForwardLogModel::LastStatus, Qt::Horizontal).toString(),
             QStringLiteral("Last status"));
}

void TestForwardLogModel::updatesInPlaceAndAppendsInOneBatch()
{
    ForwardLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries(entries(1, 3));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.update(entry(2, QStringLiteral("delivered"), 1));
    model.update(entry(4));
    model.update(entry(5));
    model.update(entry(6, QStringLiteral("pending"), 2, QStringLiteral("HTTP 503 Service Unavailable")));
    QCOMPARE(model.rowCount(), 3); // nothing before the next publish
    QTRY_COMPARE(model.rowCount(), 6); // the timer publishes
    QCOMPARE(inserted.size(), 1); // one insert for the three new rows
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cell(model, 1, ForwardLogModel::State), QStringLiteral("delivered"));
    QCOMPARE(cell(model, 1, ForwardLogModel::LastStatus), QStringLiteral("200"));
    QCOMPARE(cell(model, 5, ForwardLogModel::State), QStringLiteral("retrying"));
    QCOMPARE(cell(model, 5, ForwardLogModel::Tries), QStringLiteral("2"));
    QCOMPARE(cell(model, 5, ForwardLogModel::Error), QStringLiteral("HTTP 503 Service Unavailable"));
    QVERIFY(model.index(5, ForwardLogModel::State)
                .data(Qt::ToolTipRole)
                .toString()
                .startsWith(QStringLiteral("Next try at")));

    // A second update of the same row before publishing: the latest wins.
    model.update(entry(6, QStringLiteral("pending"), 3, QStringLiteral("no answer")));
    model.update(entry(6, QStringLiteral("failed"), 4, QStringLiteral("HTTP 500")));
    model.publish();
    QCOMPARE(cell(model, 5, ForwardLogModel::State), QStringLiteral("gave up"));
    QCOMPARE(cell(model, 5, ForwardLogModel::Tries), QStringLiteral("4"));
}

void TestForwardLogModel::keepsTheLatestRows()
{
    ForwardLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries(entries(1, ForwardLogModel::MaxRows));
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (qint64 id = ForwardLogModel::MaxRows + 1; id <= ForwardLogModel::MaxRows + 10; ++id)
        model.update(entry(id));
    model.publish();
    QCOMPARE(model.rowCount(), ForwardLogModel::MaxRows);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.entry(0).id, qint64(11));
    QCOMPARE(model.entry(model.rowCount() - 1).id, qint64(ForwardLogModel::MaxRows + 10));
    // A row older than every one kept is not brought back.
    model.update(entry(3, QStringLiteral("delivered"), 5));
    model.publish();
    QCOMPARE(model.rowCount(), ForwardLogModel::MaxRows);
    QCOMPARE(model.entry(0).id, qint64(11));
}

void TestForwardLogModel::olderRowsFitInOrder()
{
    ForwardLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries({entry(10), entry(20)});
    model.update(entry(15));
    model.update(entry(5));
    model.publish();
    QCOMPARE(model.rowCount(), 4);
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.entry(row).id);
    QCOMPARE(ids, (QList<qint64> {5, 10, 15, 20}));
}

void TestForwardLogModel::countsPendingAndFailing()
{
    ForwardLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counts(&model, &ForwardLogModel::countsChanged);
    model.setEntries({entry(1), entry(2, QStringLiteral("pending"), 1, QStringLiteral("HTTP 502")),
                      entry(3, QStringLiteral("delivered"), 1),
                      entry(4, QStringLiteral("failed"), 30, QStringLiteral("x"))});
    QCOMPARE(counts.size(), 1);
    QCOMPARE(model.pendingCount(), 2);
    QCOMPARE(model.failingCount(), 1);
    QCOMPARE(model.failedCount(), 1);
    model.update(entry(2, QStringLiteral("delivered"), 2));
    model.update(entry(1, QStringLiteral("delivered"), 1));
    model.publish();
    QCOMPARE(counts.size(), 2);
    QCOMPARE(model.pendingCount(), 0);
    QCOMPARE(model.failingCount(), 0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.failedCount(), 0);
}

QTEST_GUILESS_MAIN(TestForwardLogModel)
#include "tst_forwardlogmodel.moc"
