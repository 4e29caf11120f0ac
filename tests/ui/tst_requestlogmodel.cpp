// SPDX-License-Identifier: GPL-3.0-or-later
// RequestLogModel (ui/receiver/requestlogmodel.*): the receiver's verdicts appended in batches,
// newest last, counted by verdict, the oldest dropped beyond MaxRows. A
// QAbstractItemModelTester watches every change.
#include "receiver/requestlogmodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace mm;

namespace {
DeliveryLogEntry entry(int n, int status = 200, const QString &verdict = QStringLiteral("accepted"))
{
    DeliveryLogEntry e;
    e.atUs = (1750000000000LL + n) * 1000;
    e.status = status;
    e.verdict = verdict;
    e.msgId = "msg_" + QByteArray::number(n);
    e.type = QStringLiteral("migration.started");
    e.remote = QStringLiteral("127.0.0.1");
    return e;
}

QString cell(const RequestLogModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}
} // namespace

class TestRequestLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendsBatchesNewestLast();
    void showsEachField();
    void countsVerdicts();
    void emptyBatchChangesNothing();
    void dropsTheOldestBeyondMaxRows();
};

void TestRequestLogModel::appendsBatchesNewestLast()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(RequestLogModel::ColumnCount));

    model.append({entry(1), entry(2)});
    model.append({entry(3)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 2); // one insertion per batch
    QCOMPARE(inserted[0].at(1).toInt(), 0);
    QCOMPARE(inserted[0].at(2).toInt(), 1);
    QCOMPARE(inserted[1].at(1).toInt(), 2);
    QCOMPARE(inserted[1].at(2).toInt(), 2);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(cell(model, row, RequestLogModel::MessageId), QStringLiteral("msg_%1").arg(row + 1));
}

void TestRequestLogModel::showsEachField()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model);
    model.append({entry(7), entry(8, 401, QStringLiteral("no_matching_signature")),
                  entry(9, 200, QStringLiteral("duplicate"))});

    QCOMPARE(model.headerData(RequestLogModel::Status, Qt::Horizontal).toString(), QStringLiteral("HTTP"));
    QCOMPARE(model.headerData(RequestLogModel::Remote, Qt::Horizontal).toString(), QStringLiteral("From"));
    QVERIFY(!model.headerData(0, Qt::Vertical).isValid());

    QCOMPARE(cell(model, 0, RequestLogModel::Time),
             QDateTime::fromMSecsSinceEpoch(1750000000007LL).toString(QStringLiteral("HH:mm:ss.zzz")));
    QCOMPARE(model.index(1, RequestLogModel::Status).data().toInt(), 401);
    QCOMPARE(cell(model, 1, RequestLogModel::Verdict), QStringLiteral("no_matching_signature"));
    QCOMPARE(cell(model, 1, RequestLogModel::MessageId), QStringLiteral("msg_8"));
    QCOMPARE(cell(model, 1, RequestLogModel::Type), QStringLiteral("migration.started"));
    QCOMPARE(cell(model, 1, RequestLogModel::Remote), QStringLiteral("127.0.0.1"));

    // Refusals stand out in red, duplicates are greyed, acceptances keep the default colour.
    const QVariant accepted = model.index(0, RequestLogModel::Verdict).data(Qt::ForegroundRole);
    const QVariant refused = model.index(1, RequestLogModel::Verdict).data(Qt::ForegroundRole);
    const QVariant duplicate = model.index(2, RequestLogModel::Verdict).data(Qt::ForegroundRole);
    QVERIFY(!accepted.isValid());
    QVERIFY(refused.isValid() && duplicate.isValid());
    QVERIFY(refused.value<QBrush>().color() != duplicate.value<QBrush>().color());
    QVERIFY(refused.value<QBrush>().color().red() > refused.value<QBrush>().color().green());
    QVERIFY(!model.index(1, RequestLogModel::MessageId).data(Qt::ForegroundRole).isValid());
}

void TestRequestLogModel::countsVerdicts()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model);
    QSignalSpy counts(&model, &RequestLogModel::countsChanged);
    model.append({entry(1), entry(2), entry(3, 200, QStringLiteral("duplicate"))});
    model.append({entry(4, 401, QStringLiteral("timestamp_too_old")),
                  entry(5, 401, QStringLiteral("no_matching_signature")),
                  entry(6, 503, QStringLiteral("store_failed")),
                  entry(7, 405, QStringLiteral("method_not_allowed"))});
    QCOMPARE(counts.size(), 2);
    QCOMPARE(model.accepted(), 2);
    QCOMPARE(model.duplicates(), 1);
    QCOMPARE(model.rejected(), 2); // signature refusals only, not 503 or 405
    QCOMPARE(model.rowCount(), 7);
}

void TestRequestLogModel::emptyBatchChangesNothing()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model);
    model.append({entry(1)});
    QSignalSpy counts(&model, &RequestLogModel::countsChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.append({});
    QCOMPARE(counts.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(model.rowCount(), 1);
}

void TestRequestLogModel::dropsTheOldestBeyondMaxRows()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model);
    QList<DeliveryLogEntry> many;
    many.reserve(RequestLogModel::MaxRows - 1);
    for (int i = 0; i < RequestLogModel::MaxRows - 1; ++i)
        many.append(entry(i));
    model.append(many);
    QCOMPARE(model.rowCount(), RequestLogModel::MaxRows - 1);

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.append({entry(RequestLogModel::MaxRows - 1), entry(RequestLogModel::MaxRows),
                  entry(RequestLogModel::MaxRows + 1)});
    QCOMPARE(model.rowCount(), RequestLogModel::MaxRows);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed[0].at(1).toInt(), 0);
    QCOMPARE(removed[0].at(2).toInt(), 1); // the two oldest
    QCOMPARE(cell(model, 0, RequestLogModel::MessageId), QStringLiteral("msg_2"));
    QCOMPARE(cell(model, RequestLogModel::MaxRows - 1, RequestLogModel::MessageId),
             QStringLiteral("msg_%1").arg(RequestLogModel::MaxRows + 1));
    // The counts cover everything seen, not only what is still shown.
    QCOMPARE(model.accepted(), qint64(RequestLogModel::MaxRows) + 2);
}

QTEST_MAIN(TestRequestLogModel)
#include "tst_requestlogmodel.moc"
