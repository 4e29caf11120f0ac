// SPDX-License-Identifier: GPL-3.0-or-later
// ReplayResultsModel (core/model/replayresultsmodel.*): a replay's requests as a table, live
// results published in batches, a past run's loaded with one reset. A
// QAbstractItemModelTester watches every change.
#include "model/modelroles.h"
#include "model/replayresultsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
ReplayResult result(int n, int status = 200)
{
    ReplayResult r;
    r.index = n;
    r.rowId = 100 + n;
    r.originalMsgId = "msg_" + QByteArray::number(n);
    r.sentMsgId = r.originalMsgId;
    r.type = QStringLiteral("migration.started");
    r.migrationId = QStringLiteral("mig_%1").arg(n % 2);
    r.status = status;
    r.latencyUs = 12345;
    r.tries = 1;
    if (status < 200 || status >= 300)
        r.error = QStringLiteral("HTTP %1").arg(status);
    return r;
}

QVariant cell(const ReplayResultsModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role);
}
} // namespace

class TestReplayResultsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendedResultsWaitForPublish();
    void publishesByItselfWithinTheInterval();
    void setResultsResetsAndDropsPending();
    void statusText_data();
    void statusText();
    void showsEachField();
    void messageIds_data();
    void messageIds();
};

void TestReplayResultsModel::appendedResultsWaitForPublish()
{
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.columnCount(), int(ReplayResultsModel::ColumnCount));
    model.append(result(0));
    model.append(result(1));
    model.append(result(2));
    QCOMPARE(model.rowCount(), 0);
    model.publish();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1); // one batch
    QCOMPARE(inserted[0].at(1).toInt(), 0);
    QCOMPARE(inserted[0].at(2).toInt(), 2);
    model.publish(); // nothing pending: nothing happens
    QCOMPARE(inserted.size(), 1);
    model.append(result(3));
    model.publish();
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.result(3).rowId, 103);
}

void TestReplayResultsModel::publishesByItselfWithinTheInterval()
{
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.append(result(0));
    model.append(result(1));
    QVERIFY(inserted.wait(5000));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 2);
}

void TestReplayResultsModel::setResultsResetsAndDropsPending()
{
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    model.append(result(0));
    model.publish();
    model.append(result(1)); // pending when the past run is loaded
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setResults({result(5), result(6, 500)});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.result(0).rowId, 105);
    model.publish();
    QCOMPARE(inserted.size(), 0); // the pending one went with the reset
    QCOMPARE(model.rowCount(), 2);
    model.clear();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(model.rowCount(), 0);
}

void TestReplayResultsModel::statusText_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("tries");
    QTest::addColumn<bool>("cancelled");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("sortValue");
    QTest::addRow("answered") << 200 << 1 << false << QStringLiteral("200") << 200;
    QTest::addRow("refused") << 503 << 2 << false << QStringLiteral("503") << 503;
    QTest::addRow("no answer") << 0 << 3 << false << QStringLiteral("no answer") << 0;
    QTest::addRow("not sent") << 0 << 0 << false << QStringLiteral("not sent") << 0;
    QTest::addRow("cancelled") << 0 << 1 << true << QStringLiteral("cancelled") << -1;
}

void TestReplayResultsModel::statusText()
{
    QFETCH(int, status);
    QFETCH(int, tries);
    QFETCH(bool, cancelled);
    QFETCH(QString, text);
    QFETCH(int, sortValue);
    ReplayResult r = result(0, status);
    r.tries = tries;
    r.cancelled = cancelled;
    QCOMPARE(ReplayResultsModel::statusText(r), text);
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    model.setResults({r});
    QCOMPARE(cell(model, 0, ReplayResultsModel::Status).toString(), text);
    QCOMPARE(cell(model, 0, ReplayResultsModel::Status, SortRole).toInt(), sortValue);
    // A latency only for a request that was sent and not cancelled.
    QCOMPARE(cell(model, 0, ReplayResultsModel::Latency).toString().isEmpty(), tries == 0 || cancelled);
}

void TestReplayResultsModel::showsEachField()
{
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    model.setResults({result(1), result(2, 500)});
    QCOMPARE(model.headerData(ReplayResultsModel::Tries, Qt::Horizontal).toString(), QStringLiteral("Tries"));
    QVERIFY(!model.headerData(0, Qt::Vertical).isValid());

    QCOMPARE(cell(model, 0, ReplayResultsModel::Latency).toString(), QStringLiteral("12.3 ms"));
    QCOMPARE(cell(model, 0, ReplayResultsModel::Latency, SortRole).toLongLong(), 12345);
    QCOMPARE(cell(model, 0, ReplayResultsModel::Type).toString(), QStringLiteral("migration.started"));
    QCOMPARE(cell(model, 0, ReplayResultsModel::Migration).toString(), QStringLiteral("mig_1"));
    QCOMPARE(cell(model, 0, ReplayResultsModel::Tries).toInt(), 1);
    QCOMPARE(cell(model, 0, ReplayResultsModel::Error).toString(), QString());
    QVERIFY(!cell(model, 0, ReplayResultsModel::Error, Qt::ToolTipRole).isValid());
    QCOMPARE(cell(model, 1, ReplayResultsModel::Error).toString(), QStringLiteral("HTTP 500"));
    QCOMPARE(cell(model, 1, ReplayResultsModel::Error, Qt::ToolTipRole).toString(),
             QStringLiteral("HTTP 500"));
    QCOMPARE(cell(model, 1, ReplayResultsModel::Type, RowIdRole).toLongLong(), 102);
    QCOMPARE(cell(model, 1, ReplayResultsModel::Status, MigrationIdRole).toString(), QStringLiteral("mig_0"));
    QCOMPARE(cell(model, 0, ReplayResultsModel::Tries, Qt::TextAlignmentRole).value<Qt::Alignment>(),
             Qt::AlignRight | Qt::AlignVCenter);
    QVERIFY(!cell(model, 0, ReplayResultsModel::Type, Qt::TextAlignmentRole).isValid());
}

void TestReplayResultsModel::messageIds_data()
{
    QTest::addColumn<QByteArray>("original");
    QTest::addColumn<QByteArray>("sent");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("toolTip");
    QTest::addRow("as received") << QByteArray("msg_a") << QByteArray("msg_a") << QStringLiteral("msg_a")
                                 << QString();
    QTest::addRow("not sent yet") << QByteArray("msg_a") << QByteArray() << QStringLiteral("msg_a")
                                  << QString();
    QTest::addRow("new id") << QByteArray("msg_a") << QByteArray("msg_b") << QStringLiteral("msg_a → msg_b")
                            << QStringLiteral("Sent as msg_b");
    QTest::addRow("edited, no original")
        << QByteArray() << QByteArray("msg_b") << QStringLiteral("msg_b") << QStringLiteral("Sent as msg_b");
}

void TestReplayResultsModel::messageIds()
{
    QFETCH(QByteArray, original);
    QFETCH(QByteArray, sent);
    QFETCH(QString, shown);
    QFETCH(QString, toolTip);
    ReplayResult r = result(0);
    r.originalMsgId = original;
    r.sentMsgId = sent;
    ReplayResultsModel model;
    QAbstractItemModelTester tester(&model);
    model.setResults({r});
    QCOMPARE(cell(model, 0, ReplayResultsModel::MessageIds).toString(), shown);
    QCOMPARE(cell(model, 0, ReplayResultsModel::MessageIds, Qt::ToolTipRole).toString(), toolTip);
}

QTEST_GUILESS_MAIN(TestReplayResultsModel)
#include "tst_replayresultsmodel.moc"
