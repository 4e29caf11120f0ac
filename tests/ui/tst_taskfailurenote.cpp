// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ui/timeline/taskfailurenote: the vendor's advice after task failures under the timeline
// (their files may still be there; the ids selectable), and "Copy task id" on the timeline's
// table. Also, in the window: the note follows the chosen migration.
#include "mainwindow.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "receiver/requestlogmodel.h"
#include "timeline/taskfailurenote.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

using namespace mm;

Q_DECLARE_METATYPE(mm::TaskFailure)

namespace {
TaskFailure failure(const char *taskId)
{
    return TaskFailure {0, QString::fromLatin1(taskId), QStringLiteral("timeout")};
}

EventFacts fact(qint64 rowId, const char *type, const char *taskId = nullptr)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = QStringLiteral("mig_tasks");
    f.createdUs = 1750207841LL * 1000000 + rowId * 1000000;
    f.receivedUs = *f.createdUs;
    f.taskId = QString::fromLatin1(taskId);
    f.parsed = true;
    return f;
}
} // namespace

class TestTaskFailureNote final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_data();
    void text();
    void copyTaskId();
    void followsTheChosenMigration();
};

void TestTaskFailureNote::text_data()
{
    QTest::addColumn<QList<TaskFailure>>("failures");
    QTest::addColumn<QString>("html");
    QTest::addRow("none") << QList<TaskFailure>() << QString();
    QTest::addRow("one") << QList<TaskFailure> {failure("tsk_1")}
                         << QStringLiteral("⚠ Files may still be available for task tsk_1: poll Anon's files "
                                           "API for its partial extractions.");
    QTest::addRow("one task, twice") << QList<TaskFailure> {failure("tsk_1"), failure("tsk_1")}
                                     << QStringLiteral("⚠ Files may still be available for task tsk_1: poll "
                                                       "Anon's files API for its partial extractions.");
    QTest::addRow("no id") << QList<TaskFailure> {failure("")}
                           << QStringLiteral(
                                  "⚠ Files may still be available for this task: poll Anon's files "
                                  "API for its partial extractions.");
    QTest::addRow("two") << QList<TaskFailure> {failure("tsk_1"), failure("tsk_<2>")}
                         << QStringLiteral(
                                "⚠ Files may still be available for the failed tasks: poll Anon's "
                                "files API for their partial extractions. Tasks: <code>tsk_1</code>, "
                                "<code>tsk_&lt;2&gt;</code>.");
    QList<TaskFailure> many;
    for (int i = 0; i < 23; ++i)
        many.append(TaskFailure {0, QStringLiteral("t%1").arg(i), QString()});
    QStringList listed;
    for (int i = 0; i < 20; ++i)
        listed.append(QStringLiteral("<code>t%1</code>").arg(i));
    QTest::addRow("many") << many
                          << QStringLiteral(
                                 "⚠ Files may still be available for the failed tasks: poll Anon's "
                                 "files API for their partial extractions. Tasks: %1 and 3 more.")
                                 .arg(listed.join(QStringLiteral(", ")));
}

void TestTaskFailureNote::text()
{
    QFETCH(QList<TaskFailure>, failures);
    QFETCH(QString, html);
    QCOMPARE(TaskFailureNote::html(failures), html);
}

void TestTaskFailureNote::copyTaskId()
{
    QStandardItemModel model(3, 2);
    QAbstractItemModelTester tester(&model);
    model.setData(model.index(1, 0), QStringLiteral("tsk_42"), TaskIdRole);
    model.setData(model.index(1, 1), QStringLiteral("tsk_42"), TaskIdRole);
    QTableView view;
    view.setModel(&model);
    QAction *copy = addCopyTaskIdAction(&view);
    QCOMPARE(copy->objectName(), QStringLiteral("copyTaskId"));
    QVERIFY(view.actions().contains(copy));
    QCOMPARE(view.contextMenuPolicy(), Qt::ActionsContextMenu);
    QVERIFY(!copy->isEnabled());
    view.setCurrentIndex(model.index(0, 1));
    QVERIFY(!copy->isEnabled()); // not a task failure
    view.setCurrentIndex(model.index(1, 1));
    QVERIFY(copy->isEnabled());
    QApplication::clipboard()->clear();
    copy->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("tsk_42"));
    view.setCurrentIndex(model.index(2, 0));
    QVERIFY(!copy->isEnabled());
}

void TestTaskFailureNote::followsTheChosenMigration()
{
    MonitorModel model;
    RequestLogModel requestLog;
    MainWindow window(&model, &requestLog);
    window.show();
    EventFacts task1 = fact(2, "migration_task.failed", "tsk_first");
    task1.errorMessage = QStringLiteral("Timed out");
    model.ingest({fact(1, "migration.started"), task1, fact(3, "migration_task.failed", "tsk_second")});
    QTRY_COMPARE(model.migrations()->rowCount(), 1);
    auto *note = window.findChild<TaskFailureNote *>(QStringLiteral("taskFailureNote"));
    QVERIFY(note);
    QVERIFY(!note->isVisibleTo(&window));
    QVERIFY(window.selectMigration(QStringLiteral("mig_tasks")));
    QVERIFY(note->isVisibleTo(&window));
    QVERIFY2(note->text().contains(QStringLiteral("<code>tsk_first</code>, <code>tsk_second</code>"))
                 && note->text().contains(QStringLiteral("poll Anon's files API")),
             qPrintable(note->text()));
    QVERIFY(note->textInteractionFlags() & Qt::TextSelectableByMouse);

    // The timeline's table offers "Copy task id" on a task failure.
    QTableView *table = nullptr;
    for (QTableView *v : window.findChildren<QTableView *>()) {
        if (v->model() == model.filteredTimeline())
            table = v;
    }
    QVERIFY(table);
    auto *copy = table->findChild<QAction *>(QStringLiteral("copyTaskId"));
    QVERIFY(copy);
    QCOMPARE(table->model()->rowCount(), 3);
    table->setCurrentIndex(table->model()->index(2, 0));
    QVERIFY(copy->isEnabled());
    QApplication::clipboard()->clear();
    copy->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("tsk_second"));
    table->setCurrentIndex(table->model()->index(0, 0));
    QVERIFY(!copy->isEnabled());

    // A migration without task failures hides the note.
    EventFacts other = fact(4, "migration.started");
    other.migrationId = QStringLiteral("mig_calm");
    model.ingest({other});
    QTRY_COMPARE(model.migrations()->rowCount(), 2);
    QVERIFY(window.selectMigration(QStringLiteral("mig_calm")));
    QVERIFY(!note->isVisibleTo(&window));
}

QTEST_MAIN(TestTaskFailureNote)
#include "tst_taskfailurenote.moc"
