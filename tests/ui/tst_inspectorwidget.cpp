// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/inspector/inspectorwidget: what each page shows for hand-made deliveries.
#include "inspector/inspectortext.h"
#include "inspector/inspectorwidget.h"
#include "inspector/jsontreemodel.h"

#include <QAbstractButton>
#include <QAction>
#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeView>

using namespace mm;

namespace {
const QByteArray NestedJson
    = R"({"type":"migration.updated","timestamp":"2024-05-01T14:03:07Z",)"
      R"("data":{"object":{"id":"mig_1","status":"running","company":{"name":"Café ✓"}}}})";

AttemptInfo attempt(int seq, qint64 receivedUs, int secretIndex)
{
    AttemptInfo a;
    a.seq = seq;
    a.receivedUs = receivedUs;
    a.timestampHeader = 1714572187;
    a.remote = QStringLiteral("203.0.113.9");
    a.userAgent = QStringLiteral("Svix-Webhooks/1.24");
    a.secretIndex = secretIndex;
    return a;
}

DeliveryDetail detail(const QByteArray &body)
{
    DeliveryDetail d;
    d.rowId = 42;
    d.msgId = "msg_2Lh9cQ";
    d.body = body;
    d.found = true;
    AttemptInfo first = attempt(1, 1714572188500000, 1);
    first.headers = {{"content-type", "application/json"},
                     {"svix-id", "msg_2Lh9cQ"},
                     {"svix-timestamp", "1714572187"},
                     {"svix-signature", "v1,[masked]"}};
    d.attempts = {first, attempt(2, 1714572250000000, 1)};
    return d;
}

QModelIndex child(const QAbstractItemModel *model, const QModelIndex &parent, const QString &key)
{
    for (int row = 0; row < model->rowCount(parent); ++row) {
        const QModelIndex index = model->index(row, JsonTreeModel::Key, parent);
        if (index.data().toString() == key)
            return index;
    }
    return {};
}

template<typename T> T *find(const InspectorWidget &w, const char *name)
{
    T *child = w.findChild<T *>(QString::fromLatin1(name));
    if (!child)
        qFatal("no child %s", name);
    return child;
}

QAction *actionWith(QWidget *w, const QKeySequence &shortcut)
{
    const QList<QAction *> actions = w->actions();
    for (QAction *a : actions) {
        if (a->shortcut() == shortcut)
            return a;
    }
    return nullptr;
}
} // namespace

class TestInspectorWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyState();
    void jsonTree();
    void copyFromTree();
    void notJson();
    void rawUtf8IsByteExact();
    void rawNonUtf8IsHexDump();
    void copyBody();
    void headersMasked();
    void headersNotRecorded();
    void attempts();
    void verification();
    void notFound();
    void loading();
};

void TestInspectorWidget::emptyState()
{
    InspectorWidget w;
    QVERIFY(!w.isShowingDetail());
    QCOMPARE(find<QLabel>(w, "inspectorMessage")->text(), QStringLiteral("Select an event to inspect it"));
    w.showDetail(detail(NestedJson));
    QVERIFY(w.isShowingDetail());
    QCOMPARE(w.rowId(), 42);
    w.clear();
    QVERIFY(!w.isShowingDetail());
    QCOMPARE(w.rowId(), 0);
    QCOMPARE(find<QLabel>(w, "inspectorMessage")->text(), QStringLiteral("Select an event to inspect it"));
    QCOMPARE(find<QTreeView>(w, "jsonTree")->model()->rowCount(), 0);
}

void TestInspectorWidget::jsonTree()
{
    InspectorWidget w;
    w.showDetail(detail(NestedJson));
    auto *tree = find<QTreeView>(w, "jsonTree");
    const QAbstractItemModel *model = tree->model();
    QVERIFY(!tree->isHidden());
    QVERIFY(find<QLabel>(w, "jsonStatus")->isHidden());
    QCOMPARE(model->rowCount(), 3);
    const QModelIndex type = child(model, {}, QStringLiteral("type"));
    QCOMPARE(type.siblingAtColumn(JsonTreeModel::Value).data().toString(),
             QStringLiteral("\"migration.updated\""));
    const QModelIndex data = child(model, {}, QStringLiteral("data"));
    const QModelIndex object = child(model, data, QStringLiteral("object"));
    const QModelIndex company = child(model, object, QStringLiteral("company"));
    QCOMPARE(model->rowCount(object), 3);
    QCOMPARE(
        child(model, company, QStringLiteral("name")).siblingAtColumn(JsonTreeModel::Value).data().toString(),
        QStringLiteral("\"Café ✓\""));
    // Opened down to data.object's members, not deeper.
    QVERIFY(tree->isExpanded(data));
    QVERIFY(tree->isExpanded(object));
    QVERIFY(tree->isExpanded(company));
    QVERIFY(find<QLabel>(w, "inspectorTitle")->text().startsWith(QStringLiteral("msg_2Lh9cQ")));

    DeliveryDetail deep = detail(R"({"a":{"b":{"c":{"d":{"e":1}}}}})");
    w.showDetail(deep);
    const QModelIndex c = child(
        model, child(model, child(model, {}, QStringLiteral("a")), QStringLiteral("b")), QStringLiteral("c"));
    QVERIFY(tree->isExpanded(c.parent()));
    QVERIFY(tree->isExpanded(c));
    QVERIFY(!tree->isExpanded(child(model, c, QStringLiteral("d"))));
}

void TestInspectorWidget::copyFromTree()
{
    InspectorWidget w;
    w.showDetail(detail(NestedJson));
    auto *tree = find<QTreeView>(w, "jsonTree");
    const QAbstractItemModel *model = tree->model();
    const QModelIndex data = child(model, {}, QStringLiteral("data"));
    const QModelIndex id = child(model, child(model, data, QStringLiteral("object")), QStringLiteral("id"));
    tree->setCurrentIndex(id.siblingAtColumn(JsonTreeModel::Type));
    QAction *copy = actionWith(tree, QKeySequence(QKeySequence::Copy));
    QVERIFY(copy);
    QCOMPARE(copy->text(), QStringLiteral("Copy value"));
    copy->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("mig_1"));

    // And from the keyboard, with the tree focused.
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    tree->setFocus();
    tree->setCurrentIndex(child(model, {}, QStringLiteral("type")));
    QTest::keySequence(tree, QKeySequence::Copy);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("migration.updated"));
}

void TestInspectorWidget::notJson()
{
    InspectorWidget w;
    const QByteArray body = "status=ok&id=mig_1";
    w.showDetail(detail(body));
    auto *status = find<QLabel>(w, "jsonStatus");
    QVERIFY(!status->isHidden());
    QVERIFY(find<QTreeView>(w, "jsonTree")->isHidden());
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    QVERIFY(status->text().startsWith(QStringLiteral("Not JSON: %1 at offset %2.")
                                          .arg(error.errorString().toHtmlEscaped())
                                          .arg(error.offset)));
    QVERIFY(status->text().contains(QStringLiteral("Raw tab")));
    // The link leads to the Raw page, which still shows the body.
    w.tabs()->setCurrentIndex(InspectorWidget::JsonPage);
    Q_EMIT status->linkActivated(QStringLiteral("#raw"));
    QCOMPARE(w.tabs()->currentIndex(), int(InspectorWidget::RawPage));
    QCOMPARE(find<QPlainTextEdit>(w, "rawText")->toPlainText(), QString::fromUtf8(body));

    // A valid document afterwards brings the tree back.
    w.showDetail(detail(NestedJson));
    QVERIFY(status->isHidden());
    QVERIFY(!find<QTreeView>(w, "jsonTree")->isHidden());
}

void TestInspectorWidget::rawUtf8IsByteExact()
{
    InspectorWidget w;
    const QByteArray body = QByteArray("\xef\xbb\xbf") + NestedJson + "\n\t{\"x\": \"\xe2\x82\xac\"}";
    w.showDetail(detail(body));
    auto *raw = find<QPlainTextEdit>(w, "rawText");
    QVERIFY(raw->isReadOnly());
    QVERIFY(raw->font().fixedPitch() || raw->font().styleHint() == QFont::Monospace
            || raw->font().family() == QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
    QCOMPARE(raw->toPlainText().toUtf8(), body);
    QCOMPARE(find<QLabel>(w, "rawInfo")->text(),
             QStringLiteral("%1 bytes, UTF-8 text").arg(QLocale().toString(qlonglong(body.size()))));
}

void TestInspectorWidget::rawNonUtf8IsHexDump()
{
    InspectorWidget w;
    const QByteArray body = QByteArray("{\"name\":\"caf\xe9\"}") + QByteArray("\x00\xff", 2); // 17 bytes
    w.showDetail(detail(body));
    QCOMPARE(find<QPlainTextEdit>(w, "rawText")->toPlainText(), inspect::hexDump(body));
    QVERIFY(
        find<QPlainTextEdit>(w, "rawText")->toPlainText().startsWith(QStringLiteral("00000000  7b 22 6e")));
    QCOMPARE(find<QLabel>(w, "rawInfo")->text(),
             QStringLiteral("17 bytes, not valid UTF-8 text: shown as a hex dump"));
    QVERIFY(find<QLabel>(w, "jsonStatus")->text().startsWith(QStringLiteral("Not JSON: ")));

    // Large binary bodies are cut in the view, with a note.
    w.showDetail(detail(QByteArray(InspectorWidget::MaxHexBytes + 100, '\xff')));
    QVERIFY(find<QPlainTextEdit>(w, "rawText")
                ->toPlainText()
                .endsWith(QStringLiteral("… 100 more bytes not shown here; Copy body takes all of them.")));
}

void TestInspectorWidget::copyBody()
{
    InspectorWidget w;
    auto *button = find<QAbstractButton>(w, "copyBody");
    w.showDetail(detail(NestedJson + "\r\n"));
    button->click();
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), NestedJson + "\r\n");

    const QByteArray binary("\x00\x01\xfe\xff", 4);
    w.showDetail(detail(binary));
    button->click();
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    QVERIFY(mime);
    QCOMPARE(mime->data(QStringLiteral("application/octet-stream")), binary);
    QCOMPARE(mime->text(), inspect::hexDump(binary));
}

void TestInspectorWidget::headersMasked()
{
    InspectorWidget w;
    DeliveryDetail d = detail(NestedJson);
    // Even if a store kept a signature value, it is never shown.
    d.attempts[0].headers.append(qMakePair(QByteArray("webhook-signature"),
                                           QByteArray("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=")));
    w.showDetail(d);
    auto *table = find<QTableWidget>(w, "headersTable");
    QVERIFY(!table->isHidden());
    QVERIFY(find<QLabel>(w, "headersEmpty")->isHidden());
    QCOMPARE(table->rowCount(), 5);
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("svix-id"));
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("msg_2Lh9cQ"));
    QCOMPARE(table->item(3, 0)->text(), QStringLiteral("svix-signature"));
    QCOMPARE(table->item(3, 1)->text(), QStringLiteral("v1,[masked]"));
    QCOMPARE(table->item(4, 1)->text(), QStringLiteral("v1,[masked]"));
    for (int row = 0; row < table->rowCount(); ++row)
        QVERIFY(!table->item(row, 1)->text().contains(QStringLiteral("K5oZ")));
}

void TestInspectorWidget::headersNotRecorded()
{
    InspectorWidget w;
    DeliveryDetail d = detail(NestedJson);
    d.attempts[0].headers.clear();
    w.showDetail(d);
    auto *empty = find<QLabel>(w, "headersEmpty");
    QVERIFY(!empty->isHidden());
    QCOMPARE(empty->text(), QStringLiteral("Headers were not recorded for this delivery."));
    QVERIFY(find<QTableWidget>(w, "headersTable")->isHidden());
}

void TestInspectorWidget::attempts()
{
    InspectorWidget w;
    w.setSecretHints({QStringLiteral("abcd"), QStringLiteral("k3Fz")});
    DeliveryDetail d = detail(NestedJson);
    d.attempts[1].timestampHeader = 0;
    w.showDetail(d);
    auto *table = find<QTableWidget>(w, "attemptsTable");
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->columnCount(), int(InspectorWidget::AttemptColumnCount));
    QCOMPARE(table->item(0, InspectorWidget::Seq)->text(), QStringLiteral("1"));
    QCOMPARE(table->item(1, InspectorWidget::Seq)->text(), QStringLiteral("2"));
    QCOMPARE(table->item(0, InspectorWidget::Received)->text(), inspect::localTimeUs(1714572188500000));
    QCOMPARE(table->item(0, InspectorWidget::Timestamp)->toolTip(),
             QStringLiteral("svix-timestamp: 1714572187"));
    QCOMPARE(table->item(0, InspectorWidget::Skew)->text(),
             QStringLiteral("+%1 s").arg(QLocale().toString(1.5, 'f', 1)));
    QCOMPARE(table->item(1, InspectorWidget::Skew)->text(), QStringLiteral("—"));
    QCOMPARE(table->item(0, InspectorWidget::Remote)->text(), QStringLiteral("203.0.113.9"));
    QCOMPARE(table->item(0, InspectorWidget::UserAgent)->text(), QStringLiteral("Svix-Webhooks/1.24"));
    QCOMPARE(table->item(0, InspectorWidget::Secret)->text(), QStringLiteral("#2 (…k3Fz)"));
    QVERIFY(find<QLabel>(w, "inspectorTitle")->text().endsWith(QStringLiteral("2 attempts")));
}

void TestInspectorWidget::verification()
{
    InspectorWidget w;
    w.showDetail(detail(NestedJson));
    auto *label = find<QLabel>(w, "verification");
    QVERIFY(
        label->text().startsWith(QStringLiteral("Signature verified with secret #2 (not configured now).")));
    // The window sets the hints later (or changes them): the page follows.
    w.setSecretHints({QStringLiteral("abcd"), QStringLiteral("k3Fz")});
    QVERIFY(label->text().startsWith(QStringLiteral("Signature verified with secret #2 (…k3Fz).")));
    QVERIFY(label->text().contains(
        QStringLiteral("Received 2 times; first at %1").arg(inspect::localTimeUs(1714572188500000))));
    QCOMPARE(find<QTableWidget>(w, "attemptsTable")->item(1, InspectorWidget::Secret)->text(),
             QStringLiteral("#2 (…k3Fz)"));
}

void TestInspectorWidget::notFound()
{
    InspectorWidget w;
    DeliveryDetail missing;
    missing.rowId = 7;
    w.showDetail(missing);
    QVERIFY(!w.isShowingDetail());
    QCOMPARE(find<QLabel>(w, "inspectorMessage")->text(),
             QStringLiteral("This delivery is no longer in the store."));
    missing.error = QStringLiteral("database is locked");
    w.showDetail(missing);
    QCOMPARE(find<QLabel>(w, "inspectorMessage")->text(),
             QStringLiteral("Could not read this delivery: database is locked"));
    // Retention deleted it (the row was still shown, or the answer crossed the model's removal).
    DeliveryDetail deleted;
    deleted.rowId = 8;
    deleted.deleted = true;
    deleted.error = QStringLiteral("No stored delivery with id 8");
    w.showDetail(deleted);
    QVERIFY(!w.isShowingDetail());
    QVERIFY(find<QLabel>(w, "inspectorMessage")
                ->text()
                .startsWith(QStringLiteral("Retention deleted this delivery")));
}

void TestInspectorWidget::loading()
{
    InspectorWidget w;
    w.showLoading();
    QVERIFY(!w.isShowingDetail());
    QCOMPARE(find<QLabel>(w, "inspectorMessage")->text(), QStringLiteral("Loading…"));
    w.showDetail(detail(NestedJson));
    QVERIFY(w.tabs()->isEnabled());
    // With a delivery on show, loading the next dims it instead of blanking the pane.
    w.showLoading();
    QVERIFY(w.isShowingDetail());
    QVERIFY(!w.tabs()->isEnabled());
    QCOMPARE(find<QLabel>(w, "inspectorTitle")->text(), QStringLiteral("Loading…"));
    w.showDetail(detail("[]"));
    QVERIFY(w.tabs()->isEnabled());
    QCOMPARE(find<QTreeView>(w, "jsonTree")->model()->rowCount(), 0);
}

QTEST_MAIN(TestInspectorWidget)
#include "tst_inspectorwidget.moc"
