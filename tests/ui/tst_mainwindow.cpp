// SPDX-License-Identifier: GPL-3.0-or-later
// The window keeps the board, the timeline, the event log and the inspector in step: a
// migration chosen on the board is drawn in the timeline; a marker clicked there selects
// that delivery in the log, and the inspector shows its stored payload.
#include "inspector/inspectorwidget.h"
#include "mainwindow.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "overview/overviewwidget.h"
#include "receiver/requestlogmodel.h"
#include "store/records.h"
#include "store/store.h"
#include "store/storewriter.h"
#include "timeline/timelinewidget.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
constexpr qint64 Sec = 1000000;
constexpr qint64 T0 = 1750207841LL * Sec;

DeliveryRecord record(const QByteArray &msgId, const char *migration, const char *type, const char *status,
                      qint64 createdUs)
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = QString::fromLatin1(type);
    r.migrationId = QString::fromLatin1(migration);
    r.status = QString::fromLatin1(status);
    r.createdUs = createdUs;
    r.parsed = true;
    r.body = R"({"type":")" + QByteArray(type) + R"(","msg":")" + msgId + R"("})";
    r.receivedUs = createdUs;
    r.timestampHeader = createdUs / Sec;
    r.headers = "svix-id: " + msgId + "\nsvix-signature: v1,[masked]\n";
    return r;
}

EventFacts facts(qint64 rowId, const char *migration, const char *type, qint64 us, int attempts = 1)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = QString::fromLatin1(migration);
    f.createdUs = us;
    f.receivedUs = us;
    f.attempts = attempts;
    f.parsed = true;
    return f;
}
} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timelineLogAndInspectorStayInStep();
    void warningsStandUntilCleared();
    void defaultSizeShowsEveryColumnAndNoEmptyInspector();
    void statusBarFollowsDeliveries();
    void overviewAndBoardSelectTogether();
    void memoryCapShowsOlderDeliveriesOnDemand();
};

void TestMainWindow::memoryCapShowsOlderDeliveriesOnDemand()
{
    // 30 migrations of two events each (60 deliveries); the window keeps 20 in memory.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        Store writerStore(Store::Options {dir.path(), Durability::Power, 10000, false});
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        quint64 ticket = 0;
        for (int m = 0; m < 30; ++m) {
            const QByteArray id = "mig_" + QByteArray::number(m);
            const qint64 at = T0 + m * 3600 * Sec;
            writer.submit(++ticket,
                          record(id + "_1", id.constData(), "migration.created", "NOT_STARTED", at));
            writer.submit(++ticket,
                          record(id + "_2", id.constData(), "migration.failed", "FAILED", at + 60 * Sec));
        }
        writer.stop();
    }
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    model.setMemoryCap(20);
    RequestLogModel requestLog;
    MainWindow window(&model, &requestLog);
    window.setStoreAvailable(true);
    window.resize(1200, 800);
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    QVERIFY(loaded.wait(10000));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *board = window.findChild<QTableView *>(QStringLiteral("board"));
    auto *events = window.findChild<QTableView *>(QStringLiteral("events"));
    auto *bar = window.findChild<QWidget *>(QStringLiteral("olderDeliveries"));
    auto *loadOlder = window.findChild<QPushButton *>(QStringLiteral("loadOlder"));
    auto *status = window.findChild<QLabel *>(QStringLiteral("storeStatus"));
    QVERIFY(board && events && bar && loadOlder && status);
    // Every migration is on the board, failed; memory holds at most the cap.
    QCOMPARE(board->model()->rowCount(), 30);
    QVERIFY(events->model()->rowCount() <= 20);
    QTRY_VERIFY(bar->isVisible());
    const QLabel *text = bar->findChild<QLabel *>();
    QVERIFY(text->text().contains(QStringLiteral("of 60 stored deliveries are in memory")));
    QTRY_VERIFY(status->text().contains(QStringLiteral("of 60 stored deliveries loaded")));
    QVERIFY(loadOlder->isEnabled());

    // Load older: the newest stored rows not in memory come back into the event log; a page is
    // a quarter of the cap, so room is made for it and it stays.
    QCOMPARE(loadOlder->text(), QStringLiteral("Load 5 older"));
    qint64 newestAway = 60;
    while (model.log().indexOfRowId(newestAway) >= 0)
        --newestAway;
    QVERIFY(newestAway > 5);
    QTest::mouseClick(loadOlder, Qt::LeftButton);
    QTRY_VERIFY(model.log().indexOfRowId(newestAway) >= 0);
    QVERIFY(events->model()->rowCount() <= 20);
    QTRY_VERIFY(loadOlder->isEnabled());

    // A frozen migration chosen on the board shows its events in the timeline.
    int boardRow = -1;
    for (int r = 0; r < board->model()->rowCount(); ++r) {
        if (board->model()->index(r, 0).data(MigrationIdRole).toString() == QStringLiteral("mig_0"))
            boardRow = r;
    }
    QVERIFY(boardRow >= 0);
    board->setCurrentIndex(board->model()->index(boardRow, 0));
    QTRY_COMPARE(model.timeline()->rowCount(), 2);

    // The filter's migration field naming a frozen migration reads it back for the event log.
    const QString frozen = QStringLiteral("mig_12"); // as part of an id it matches no other
    QVERIFY(model.book().at(model.book().indexOf(frozen)).frozen);
    window.setFilterState(FilterState {QString(), QString(), QString(), frozen});
    QTRY_COMPARE(events->model()->rowCount(), 2);
    QVERIFY(!model.book().at(model.book().indexOf(frozen)).frozen);
}

void TestMainWindow::overviewAndBoardSelectTogether()
{
    MonitorModel model;
    RequestLogModel requestLog;
    MainWindow window(&model, &requestLog);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    model.ingest(
        {facts(1, "mig_A", "migration.created", T0), facts(2, "mig_B", "migration.created", T0 + 60 * Sec)});
    QTRY_COMPARE(model.filteredMigrations()->rowCount(), 2);
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("tabs"));
    auto *overview = window.findChild<OverviewWidget *>();
    QVERIFY(tabs && overview);
    tabs->setCurrentWidget(overview->parentWidget());
    QTRY_VERIFY(overview->isVisible());

    // A click on mig_B's lane selects it on the board; the overview stays in front.
    const OverviewLayout &layout = overview->layout();
    const int row = layout.rowOf(QStringLiteral("mig_B"));
    QVERIFY(row >= 0);
    const QPoint at(qRound((overview->mapping().plotLeft() + overview->mapping().plotRight()) / 2),
                    qRound(layout.rowTop(row) + layout.rowHeight() / 2));
    QTest::mouseClick(overview, Qt::LeftButton, {}, at);
    QCOMPARE(window.selectedMigration(), QStringLiteral("mig_B"));
    QCOMPARE(tabs->currentWidget(), overview->parentWidget());
    // A migration chosen elsewhere is marked in the overview too.
    QVERIFY(window.selectMigration(QStringLiteral("mig_A")));
    QCOMPARE(overview->selectedMigration(), QStringLiteral("mig_A"));
}

void TestMainWindow::warningsStandUntilCleared()
{
    MonitorModel model;
    RequestLogModel requestLog;
    QAbstractItemModelTester logTester(&requestLog);
    MainWindow window(&model, &requestLog);
    window.show();
    QVERIFY(!window.findChild<QLabel *>(QStringLiteral("warningBanner")));
    window.setWarning(QStringLiteral("clock"),
                      QStringLiteral("This computer's clock is 95 s behind the sender's."));
    window.setWarning(QStringLiteral("storage"), QStringLiteral("Storage full."));
    auto *banner = window.findChild<QLabel *>(QStringLiteral("warningBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->text(),
             QStringLiteral("This computer's clock is 95 s behind the sender's.\nStorage full."));
    window.setWarning(QStringLiteral("clock"), QString());
    QCOMPARE(banner->text(), QStringLiteral("Storage full."));
    QVERIFY(banner->isVisible());
    window.setWarning(QStringLiteral("storage"), QString());
    QVERIFY(!banner->isVisible());
    QVERIFY(window.warningText().isEmpty());
}

void TestMainWindow::timelineLogAndInspectorStayInStep()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        Store writerStore(Store::Options {dir.path(), Durability::Power, 10000, false});
        StoreWriter &writer = writerStore.writer();
        QString error;
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.submit(1, record("msg_a1", "mig_A", "migration.created", "NOT_STARTED", T0));
        writer.submit(2, record("msg_b1", "mig_B", "migration.created", "NOT_STARTED", T0 + Sec));
        writer.submit(3, record("msg_a2", "mig_A", "migration.started", "WORKING", T0 + 60 * Sec));
        writer.submit(4, record("msg_a3", "mig_A", "migration.failed", "FAILED", T0 + 600 * Sec));
        writer.stop();
    }
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    QVERIFY(loaded.wait(10000));
    RequestLogModel requestLog;
    QAbstractItemModelTester logTester(&requestLog);
    MainWindow window(&model, &requestLog);
    window.setStoreAvailable(true);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *board = window.findChild<QTableView *>(QStringLiteral("board"));
    auto *events = window.findChild<QTableView *>(QStringLiteral("events"));
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("tabs"));
    auto *timeline = window.findChild<TimelineWidget *>();
    auto *inspector = window.findChild<InspectorWidget *>();
    QVERIFY(board && events && tabs && timeline && inspector);

    // Choose mig_A on the board.
    int boardRow = -1;
    for (int r = 0; r < board->model()->rowCount(); ++r)
        if (board->model()->index(r, 0).data(MigrationIdRole).toString() == QStringLiteral("mig_A"))
            boardRow = r;
    QVERIFY(boardRow >= 0);
    board->setCurrentIndex(board->model()->index(boardRow, 0));
    tabs->setCurrentWidget(timeline->parentWidget());
    QTRY_VERIFY(timeline->isVisible());

    // Find the markers by scanning the event lane: mig_A has three, mig_B's is not drawn.
    const QRectF lane = timeline->eventLane();
    QList<qint64> found;
    QPoint failedAt;
    for (int x = int(lane.left()); x <= int(lane.right()); ++x) {
        for (int y = int(lane.top()); y <= int(lane.bottom()); y += 2) {
            const qint64 id = timeline->rowIdAt(QPointF(x, y));
            if (id != 0 && !found.contains(id)) {
                found.append(id);
                failedAt = QPoint(x, y); // the rightmost marker is the last event: migration.failed
            }
        }
    }
    QCOMPARE(found.size(), qsizetype(3));

    // Clicking it selects that delivery in the event log...
    QTest::mouseClick(timeline, Qt::LeftButton, Qt::NoModifier, failedAt);
    QCOMPARE(tabs->currentWidget(), events->parentWidget());
    const QModelIndex current = events->currentIndex();
    QVERIFY(current.isValid());
    const qint64 rowId = current.data(RowIdRole).toLongLong();
    QCOMPARE(rowId, found.last());
    QCOMPARE(current.siblingAtColumn(EventLogModel::Type).data().toString(),
             QStringLiteral("migration.failed"));

    // ...and the inspector shows that delivery, read from the store.
    QTRY_COMPARE_WITH_TIMEOUT(inspector->rowId(), rowId, 10000);
    QVERIFY(inspector->isShowingDetail());

    // Moving in the log moves the inspector with it.
    const QModelIndex other = events->model()->index(0, 0);
    QVERIFY(other.data(RowIdRole).toLongLong() != rowId);
    events->setCurrentIndex(other);
    QTRY_COMPARE_WITH_TIMEOUT(inspector->rowId(), other.data(RowIdRole).toLongLong(), 10000);
}

namespace {
// Is the column's whole width inside the view's viewport?
bool columnInView(const QTableView *view, int column)
{
    const int left = view->columnViewportPosition(column);
    return left >= 0 && left + view->columnWidth(column) <= view->viewport()->width();
}
} // namespace

void TestMainWindow::defaultSizeShowsEveryColumnAndNoEmptyInspector()
{
    MonitorModel model;
    QList<EventFacts> batch;
    for (int i = 1; i <= 3; ++i) // two attempts: "accepted, retried", the widest verdict
        batch.append(facts(i, "mig_01M97BTMP485FG984YJG4TAM2C", "migration_task.failed", T0 + i * Sec, 2));
    model.ingest(batch);
    RequestLogModel requestLog;
    MainWindow window(&model, &requestLog); // at its own default size
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *events = window.findChild<QTableView *>(QStringLiteral("events"));
    auto *inspector = window.findChild<InspectorWidget *>();
    QVERIFY(events && inspector);
    QTRY_COMPARE(events->model()->rowCount(), 3);

    // Nothing selected: no half-window of "Select an event to inspect it".
    QVERIFY(!inspector->isVisible());
    QVERIFY(columnInView(events, EventLogModel::Verdict));

    // Selected: the inspector shows beside the log, and the log still shows its columns whole.
    events->setCurrentIndex(events->model()->index(0, 0));
    QTRY_VERIFY(inspector->isVisible());
    QTRY_VERIFY(inspector->width() >= window.width() / 4);
    // Its title and buttons do not force it wider than the log leaves it.
    QVERIFY(inspector->minimumSizeHint().width() < window.width() / 3);
    const QString verdict = events->model()->index(0, EventLogModel::Verdict).data().toString();
    QCOMPARE(verdict, QStringLiteral("accepted, retried"));
    QVERIFY(events->columnWidth(EventLogModel::Verdict) > events->fontMetrics().horizontalAdvance(verdict));
    for (int c = 0; c < EventLogModel::ColumnCount; ++c)
        QVERIFY2(columnInView(events, c), qPrintable(QStringLiteral("column %1 is cut off").arg(c)));
    QVERIFY(events->horizontalScrollBar()->maximum() == 0 || !events->horizontalScrollBar()->isVisible());

    // Another tab hides it; back on the event log it returns with the selection.
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("tabs"));
    tabs->setCurrentIndex(1);
    QVERIFY(!inspector->isVisible());
    tabs->setCurrentWidget(events->parentWidget());
    QVERIFY(inspector->isVisible());
}

void TestMainWindow::statusBarFollowsDeliveries()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    { // a new, empty store
        Store created(Store::Options {dir.path(), Durability::Power, 10000, false});
        QString error;
        QVERIFY2(created.writer().start(&error), qPrintable(error));
        created.writer().stop();
    }
    Store store(Store::Options {dir.path()});
    MonitorModel model(&store);
    RequestLogModel requestLog;
    MainWindow window(&model, &requestLog);
    auto *label = window.findChild<QLabel *>(QStringLiteral("storeStatus"));
    QVERIFY(label);
    QCOMPARE(label->text(), QStringLiteral("Loading stored deliveries…"));
    QSignalSpy loaded(&model, &MonitorModel::loaded);
    model.loadFromStore();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(label->text(), QStringLiteral("No deliveries yet: they appear here as they arrive"));

    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    model.ingest({facts(1, "mig_A", "migration.created", now), facts(2, "mig_A", "migration.started", now)});
    const QString newest = QDateTime::fromMSecsSinceEpoch(now / 1000).toString(QStringLiteral("HH:mm:ss"));
    QTRY_COMPARE(label->text(), QStringLiteral("2 deliveries · newest %1").arg(newest));
    QVERIFY(!label->text().contains(QStringLiteral("New store")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
