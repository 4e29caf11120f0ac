// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/inspector/jsontreemodel: the tree's shape, keys, values, types, copy text and paths.
#include "inspector/jsontreemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace mm;

namespace {
QJsonDocument parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return document;
}

// The child of parent whose Key column reads key; invalid when there is none.
QModelIndex child(const QAbstractItemModel &model, const QModelIndex &parent, const QString &key)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, JsonTreeModel::Key, parent);
        if (index.data().toString() == key)
            return index;
    }
    return {};
}

QString cell(const QModelIndex &keyIndex, int column, int role = Qt::DisplayRole)
{
    return keyIndex.siblingAtColumn(column).data(role).toString();
}
} // namespace

class TestJsonTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyModel();
    void nestedObject();
    void topLevelArray();
    void scalars_data();
    void scalars();
    void paths();
    void containerCopyIsJson();
    void resetReplacesTree();
};

void TestJsonTreeModel::emptyModel()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(JsonTreeModel::ColumnCount));
    QCOMPARE(model.headerData(JsonTreeModel::Key, Qt::Horizontal).toString(), QStringLiteral("Key"));
    QCOMPARE(model.headerData(JsonTreeModel::Value, Qt::Horizontal).toString(), QStringLiteral("Value"));
    QCOMPARE(model.headerData(JsonTreeModel::Type, Qt::Horizontal).toString(), QStringLiteral("Type"));
}

void TestJsonTreeModel::nestedObject()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(parse(
        R"({"type":"migration.updated","data":{"object":{"id":"mig_1","tasks":[1,"two",null,true]}},"empty":{}})"));

    QCOMPARE(model.rowCount(), 3);
    const QModelIndex data = child(model, {}, QStringLiteral("data"));
    QVERIFY(data.isValid());
    QCOMPARE(cell(data, JsonTreeModel::Value), QStringLiteral("{1 key}"));
    QCOMPARE(cell(data, JsonTreeModel::Type), QStringLiteral("object"));
    QCOMPARE(model.rowCount(data), 1);

    const QModelIndex object = child(model, data, QStringLiteral("object"));
    QVERIFY(object.isValid());
    QCOMPARE(model.parent(object), data);
    QCOMPARE(model.rowCount(object), 2);
    QCOMPARE(cell(object, JsonTreeModel::Value), QStringLiteral("{2 keys}"));

    const QModelIndex tasks = child(model, object, QStringLiteral("tasks"));
    QCOMPARE(cell(tasks, JsonTreeModel::Value), QStringLiteral("[4 items]"));
    QCOMPARE(cell(tasks, JsonTreeModel::Type), QStringLiteral("array"));
    QCOMPARE(model.rowCount(tasks), 4);
    const QStringList values {QStringLiteral("1"), QStringLiteral("\"two\""), QStringLiteral("null"),
                              QStringLiteral("true")};
    const QStringList types {QStringLiteral("number"), QStringLiteral("string"), QStringLiteral("null"),
                             QStringLiteral("boolean")};
    for (int i = 0; i < 4; ++i) {
        const QModelIndex element = model.index(i, JsonTreeModel::Key, tasks);
        QCOMPARE(element.data().toString(), QStringLiteral("[%1]").arg(i));
        QCOMPARE(cell(element, JsonTreeModel::Value), values.at(i));
        QCOMPARE(cell(element, JsonTreeModel::Type), types.at(i));
        QVERIFY(model.flags(element) & Qt::ItemNeverHasChildren);
    }

    const QModelIndex empty = child(model, {}, QStringLiteral("empty"));
    QCOMPARE(cell(empty, JsonTreeModel::Value), QStringLiteral("{0 keys}"));
    QCOMPARE(model.rowCount(empty), 0);
    QCOMPARE(cell(child(model, {}, QStringLiteral("type")), JsonTreeModel::Value),
             QStringLiteral("\"migration.updated\""));
}

void TestJsonTreeModel::topLevelArray()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(parse(R"([{"a":1},[],"x"])"));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, JsonTreeModel::Key).data().toString(), QStringLiteral("[0]"));
    QCOMPARE(model.index(0, JsonTreeModel::Value).data().toString(), QStringLiteral("{1 key}"));
    QCOMPARE(model.index(1, JsonTreeModel::Value).data().toString(), QStringLiteral("[0 items]"));
    QCOMPARE(model.index(2, JsonTreeModel::Value).data().toString(), QStringLiteral("\"x\""));
    QCOMPARE(model.rowCount(model.index(0, 0)), 1);
    // Only the Key column has children.
    QCOMPARE(model.rowCount(model.index(0, JsonTreeModel::Value)), 0);
}

void TestJsonTreeModel::scalars_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("copy");
    QTest::addRow("string") << QByteArray(R"("café")") << QStringLiteral("\"café\"")
                            << QStringLiteral("string") << QStringLiteral("café");
    QTest::addRow("escaped string") << QByteArray(R"("a\"b\nc")") << QStringLiteral("\"a\\\"b\\nc\"")
                                    << QStringLiteral("string") << QStringLiteral("a\"b\nc");
    QTest::addRow("empty string") << QByteArray(R"("")") << QStringLiteral("\"\"") << QStringLiteral("string")
                                  << QString();
    QTest::addRow("integer") << QByteArray("1714572187") << QStringLiteral("1714572187")
                             << QStringLiteral("number") << QStringLiteral("1714572187");
    QTest::addRow("fraction") << QByteArray("0.1") << QStringLiteral("0.1") << QStringLiteral("number")
                              << QStringLiteral("0.1");
    QTest::addRow("negative") << QByteArray("-2.5") << QStringLiteral("-2.5") << QStringLiteral("number")
                              << QStringLiteral("-2.5");
    QTest::addRow("false") << QByteArray("false") << QStringLiteral("false") << QStringLiteral("boolean")
                           << QStringLiteral("false");
    QTest::addRow("null") << QByteArray("null") << QStringLiteral("null") << QStringLiteral("null")
                          << QStringLiteral("null");
}

void TestJsonTreeModel::scalars()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, display);
    QFETCH(QString, type);
    QFETCH(QString, copy);
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(QJsonDocument::fromJson("{\"v\":" + json + '}'));
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex v = model.index(0, JsonTreeModel::Key);
    QCOMPARE(v.data().toString(), QStringLiteral("v"));
    QCOMPARE(cell(v, JsonTreeModel::Value), display);
    QCOMPARE(cell(v, JsonTreeModel::Type), type);
    // Copy gives the same text from any column.
    QCOMPARE(cell(v, JsonTreeModel::Key, JsonTreeModel::CopyTextRole), copy);
    QCOMPARE(cell(v, JsonTreeModel::Value, JsonTreeModel::CopyTextRole), copy);
}

void TestJsonTreeModel::paths()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(parse(R"({"data":{"items":[{"id":"a"},{"the id":"b"}]}})"));
    const QModelIndex data = child(model, {}, QStringLiteral("data"));
    const QModelIndex items = child(model, data, QStringLiteral("items"));
    const QModelIndex first = model.index(0, 0, items);
    const QModelIndex second = model.index(1, 0, items);
    QCOMPARE(data.data(JsonTreeModel::PathRole).toString(), QStringLiteral("data"));
    QCOMPARE(items.data(JsonTreeModel::PathRole).toString(), QStringLiteral("data.items"));
    QCOMPARE(child(model, first, QStringLiteral("id")).data(JsonTreeModel::PathRole).toString(),
             QStringLiteral("data.items[0].id"));
    QCOMPARE(child(model, second, QStringLiteral("the id")).data(JsonTreeModel::PathRole).toString(),
             QStringLiteral("data.items[1][\"the id\"]"));
    // The key's tooltip names the path too.
    QCOMPARE(items.data(Qt::ToolTipRole).toString(), QStringLiteral("data.items"));
}

void TestJsonTreeModel::containerCopyIsJson()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(parse(R"({"object":{"id":"mig_1","n":[1,2]}})"));
    const QString copied = model.index(0, 0).data(JsonTreeModel::CopyTextRole).toString();
    QJsonParseError error;
    const QJsonDocument back = QJsonDocument::fromJson(copied.toUtf8(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(back.object(), parse(R"({"id":"mig_1","n":[1,2]})").object());
}

void TestJsonTreeModel::resetReplacesTree()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(parse(R"({"a":1,"b":2,"c":{"d":3}})"));
    QCOMPARE(model.rowCount(), 3);
    model.setDocument(parse(R"(["only"])"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, JsonTreeModel::Value).data().toString(), QStringLiteral("\"only\""));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestJsonTreeModel)
#include "tst_jsontreemodel.moc"
