// SPDX-License-Identifier: GPL-3.0-or-later
// The window's replay, import and export commands: File → Import JSON Lines… adds an export
// to the store and the event log; "Feed selection back" adds copies marked replayed; the
// Replay menu offers the selection, the migration and what the filter shows; the inspector's
// "Edit and replay…" opens the payload; HAR export of the selection; the Forwarding tab.
#include "eventlog/eventactions.h"
#include "files/fileactions.h"
#include "forwarding/forwardingview.h"
#include "helperverify.h"
#include "inspector/inspectorwidget.h"
#include "mainwindow.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "receiver/requestlogmodel.h"
#include "replay/editreplaydialog.h"
#include "replay/replayactions.h"
#include "replay/replaydialog.h"
#include "replaytestdata.h"
#include "store/jsonlexporter.h"
#include "store/store.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace mm;
using namespace mm::test;

namespace {
// The window over a loaded store, as guirunner builds it.
struct Window
{
    std::unique_ptr<Store> store;
    std::unique_ptr<MonitorModel> modelPtr;
    RequestLogModel requestLog;
    QAbstractItemModelTester logTester {&requestLog};
    std::unique_ptr<MainWindow> window;

    MonitorModel &model() { return *modelPtr; }
    ReplaySessionFactory sessions()
    {
        return [s = store.get()](QObject *parent) { return new ReplaySession(*s, parent); };
    }

    bool open(const QString &dataDir)
    {
        store = std::make_unique<Store>(Store::Options {dataDir});
        modelPtr = std::make_unique<MonitorModel>(store.get());
        // As guirunner wires it: what the writer commits (an import's rows) reaches the model.
        QObject::connect(&store->writer(), &StoreWriter::committed, modelPtr.get(), &MonitorModel::ingest);
        QSignalSpy loaded(modelPtr.get(), &MonitorModel::loaded);
        modelPtr->loadFromStore();
        if (!loaded.wait(10000))
            return false;
        window = std::make_unique<MainWindow>(modelPtr.get(), &requestLog);
        window->setStoreAvailable(true);
        window->resize(1200, 800);
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }
    QTableView *events() const { return window->findChild<QTableView *>(QStringLiteral("events")); }
    QTableView *board() const { return window->findChild<QTableView *>(QStringLiteral("board")); }
    QAction *menuAction(const char *name) const
    {
        for (QAction *menu : window->menuBar()->actions()) {
            for (QAction *action : menu->menu()->actions()) {
                if (action->objectName() == QLatin1String(name))
                    return action;
            }
        }
        qFatal("no menu action %s", name);
    }
};

[[nodiscard]] bool createEmptyStore(const QString &dir)
{
    Store writerStore(Store::Options {dir, Durability::Power, 10000, false});
    StoreWriter &writer = writerStore.writer();
    QString error;
    MM_HELPER_VERIFY2(writer.start(&error), qPrintable(error));
    writer.stop();
    return true;
}

// Answers the next file dialog with path, as a user would.
void answerFileDialog(const QString &path)
{
    auto *poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, path] {
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
        if (!name || !name->isVisible())
            return;
        poll->deleteLater();
        name->setText(path); // typed into "File name:", then Enter
        QTest::keyClick(name, Qt::Key_Return);
    });
    poll->start();
}

int rowOfMigration(QTableView *board, const QString &id)
{
    for (int r = 0; r < board->model()->rowCount(); ++r)
        if (board->model()->index(r, 0).data(MigrationIdRole).toString() == id)
            return r;
    return -1;
}
} // namespace

class TestReplayWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importMenuActionImportsAFile();
    void importWithBadLinesSaysSo();
    void feedBackAddsCopiesMarkedReplayed();
    void replayMenuOffersWhatIsChosen();
    void inspectorOpensEditAndReplay();
    void exportsSelectionAsHar();
    void forwardingTabSaysWhenOff();
};

void TestReplayWindow::importMenuActionImportsAFile()
{
    QTemporaryDir source;
    QTemporaryDir target;
    QVERIFY(fillReplayStore(source.path(), 3));
    QVERIFY(createEmptyStore(target.path()));
    const QString file = target.filePath(QStringLiteral("export.jsonl"));
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        QString error;
        QCOMPARE(JsonlExporter::exportStore(Store(Store::Options {source.path()}), out, &error), 3);
    }
    Window w;
    QVERIFY(w.open(target.path()));
    QCOMPARE(w.model().events()->rowCount(), 0);
    QSignalSpy imported(&w.model(), &MonitorModel::importFinished);
    QAction *import = w.menuAction("importJsonl");
    QVERIFY(import->isEnabled());
    answerFileDialog(file);
    import->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 1, 10000);
    const auto report = imported.first().first().value<ImportReport>();
    QVERIFY(report.result);
    QCOMPARE(report.result->imported, 3);
    QTRY_COMPARE_WITH_TIMEOUT(w.model().events()->rowCount(), 3, 10000);
    QVERIFY2(w.window->statusBar()->currentMessage().contains(QStringLiteral("Imported 3")),
             qPrintable(w.window->statusBar()->currentMessage()));
    QVERIFY(import->isEnabled()); // ready for the next one
    auto *banner = w.window->findChild<QLabel *>(QStringLiteral("alertBanner"));
    QVERIFY(!banner || !banner->isVisible()); // a clean import needs no banner

    // The same file again: everything is already stored.
    imported.clear();
    w.window->fileActions()->importFrom(file);
    QVERIFY(imported.wait(10000));
    QCOMPARE(imported.first().first().value<ImportReport>().result->duplicates, 3);
    QCOMPARE(w.model().events()->rowCount(), 3);
}

void TestReplayWindow::importWithBadLinesSaysSo()
{
    QTemporaryDir dir;
    QVERIFY(createEmptyStore(dir.path()));
    const QString file = dir.filePath(QStringLiteral("broken.jsonl"));
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("this is not JSON\n");
    }
    Window w;
    QVERIFY(w.open(dir.path()));
    QSignalSpy imported(&w.model(), &MonitorModel::importFinished);
    w.window->fileActions()->importFrom(file);
    QVERIFY(imported.wait(10000));
    auto *banner = w.window->findChild<QLabel *>(QStringLiteral("alertBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QStringLiteral("could not be imported")), qPrintable(banner->text()));
    QVERIFY2(banner->text().contains(QStringLiteral("1 unreadable line")), qPrintable(banner->text()));
}

void TestReplayWindow::feedBackAddsCopiesMarkedReplayed()
{
    QTemporaryDir dir;
    QVERIFY(fillReplayStore(dir.path(), 2));
    Window w;
    QVERIFY(w.open(dir.path()));
    QTableView *events = w.events();
    QCOMPARE(events->model()->rowCount(), 2);
    QAction *feed = w.menuAction("feedSelection");
    QVERIFY(!feed->isEnabled());
    events->selectAll();
    QVERIFY(feed->isEnabled());
    QSignalSpy finished(&w.model(), &MonitorModel::reinjectFinished);
    feed->trigger();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toLongLong(), 2);
    QTRY_COMPARE(events->model()->rowCount(), 4);
    int replayed = 0;
    for (int row = 0; row < 4; ++row)
        replayed += events->model()->index(row, EventLogModel::Verdict).data().toString()
            == QStringLiteral("replayed");
    QCOMPARE(replayed, 2);
    QVERIFY2(w.window->statusBar()->currentMessage().contains(QStringLiteral("Fed 2 deliveries")),
             qPrintable(w.window->statusBar()->currentMessage()));
}

void TestReplayWindow::replayMenuOffersWhatIsChosen()
{
    QTemporaryDir dir;
    QVERIFY(fillReplayStore(dir.path(), 5)); // mig_1: msg_1, msg_3, msg_5; mig_0: msg_2, msg_4
    Window w;
    QVERIFY(w.open(dir.path()));
    QAction *replaySelection = w.menuAction("replaySelection");
    QAction *replayFiltered = w.menuAction("replayFiltered");
    // Without a session factory from app/, replay is not offered at all.
    QVERIFY(!replayFiltered->isEnabled());
    QVERIFY(
        !w.window->findChild<QPushButton *>(QStringLiteral("editAndReplay"))->isVisibleTo(w.window.get()));
    w.window->setReplaySessionFactory(w.sessions());
    w.window->setReplayTarget(QStringLiteral("http://127.0.0.1:3000/webhooks"));
    QVERIFY(replayFiltered->isEnabled());
    QVERIFY(!replaySelection->isEnabled()); // nothing selected yet

    const int boardRow = rowOfMigration(w.board(), QStringLiteral("mig_1"));
    QVERIFY(boardRow >= 0);
    w.board()->setCurrentIndex(w.board()->model()->index(boardRow, 0));
    w.events()->selectRow(0);
    QVERIFY(replaySelection->isEnabled());
    const qint64 selected = w.events()->model()->index(0, 0).data(RowIdRole).toLongLong();

    int current = -1;
    const QList<ReplayScope> scopes = w.window->replayActions()->scopes(ReplayActions::Migration, &current);
    QCOMPARE(scopes.size(), qsizetype(3));
    QCOMPARE(current, 1);
    QCOMPARE(scopes.at(0).selection.rowIds, QList<qint64> {selected});
    QCOMPARE(scopes.at(1).selection.rowIds, (QList<qint64> {1, 3, 5}));
    QVERIFY(scopes.at(1).label.contains(QStringLiteral("mig_1")));
    QVERIFY(scopes.at(2).selection.rowIds.isEmpty()); // no filter: every stored delivery
    QVERIFY(scopes.at(2).label.contains(QStringLiteral("Every stored delivery (5)")));

    // With a filter, "what the filter shows" is exactly those rows; the dialog opens on it.
    FilterState filter;
    filter.migration = QStringLiteral("mig_0");
    w.window->setFilterState(filter);
    QTRY_COMPARE(w.model().filteredEvents()->rowCount(), 2);
    replayFiltered->trigger();
    ReplayDialog *dialog = w.window->replayActions()->replayDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto *scope = dialog->findChild<QComboBox *>(QStringLiteral("scope"));
    QVERIFY2(scope->currentText().contains(QStringLiteral("The 2 deliveries the filter shows")),
             qPrintable(scope->currentText()));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("target"))->text(),
             QStringLiteral("http://127.0.0.1:3000/webhooks"));
    dialog->close();
    QTRY_VERIFY(!w.window->replayActions()->replayDialog()); // deleted on close
}

void TestReplayWindow::inspectorOpensEditAndReplay()
{
    QTemporaryDir dir;
    QVERIFY(fillReplayStore(dir.path(), 2));
    Window w;
    QVERIFY(w.open(dir.path()));
    w.window->setReplaySessionFactory(w.sessions());
    auto *inspector = w.window->findChild<InspectorWidget *>();
    w.events()->setCurrentIndex(w.events()->model()->index(1, 0));
    const qint64 rowId = w.events()->currentIndex().data(RowIdRole).toLongLong();
    QTRY_COMPARE_WITH_TIMEOUT(inspector->rowId(), rowId, 10000);
    auto *edit = inspector->findChild<QPushButton *>(QStringLiteral("editAndReplay"));
    QVERIFY(edit->isVisible());
    QVERIFY(edit->isEnabled());
    QTest::mouseClick(edit, Qt::LeftButton);
    auto *dialog = w.window->findChild<EditReplayDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->editor()->toPlainText().toUtf8(), replayRecord(int(rowId)).body);
    QVERIFY(dialog->canSend());
}

void TestReplayWindow::exportsSelectionAsHar()
{
    QTemporaryDir dir;
    QVERIFY(fillReplayStore(dir.path(), 3));
    Window w;
    QVERIFY(w.open(dir.path()));
    auto *actions = w.window->findChild<EventActions *>();
    QVERIFY(actions);
    QVERIFY(!actions->exportHarAction()->isEnabled());
    w.events()->selectRow(0);
    w.events()->selectionModel()->select(w.events()->model()->index(2, 0),
                                         QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY(actions->exportHarAction()->isEnabled());
    const QString path = dir.filePath(QStringLiteral("selection.har"));
    QSignalSpy exported(&w.model(), &MonitorModel::exportFinished);
    actions->exportSelectionTo(path, MonitorModel::ExportFormat::Har);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.first().first().toLongLong(), 2);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonDocument har = QJsonDocument::fromJson(file.readAll());
    QCOMPARE(har.object()
                 .value(QStringLiteral("log"))
                 .toObject()
                 .value(QStringLiteral("entries"))
                 .toArray()
                 .size(),
             2);
    QVERIFY2(w.window->statusBar()->currentMessage().contains(QStringLiteral("Exported 2")),
             qPrintable(w.window->statusBar()->currentMessage()));
}

void TestReplayWindow::forwardingTabSaysWhenOff()
{
    QTemporaryDir dir;
    QVERIFY(createEmptyStore(dir.path()));
    Window w;
    QVERIFY(w.open(dir.path()));
    auto *tabs = w.window->findChild<QTabWidget *>(QStringLiteral("tabs"));
    ForwardingView *view = w.window->forwardingView();
    QVERIFY(view);
    QCOMPARE(tabs->tabText(tabs->indexOf(view)), QStringLiteral("Forwarding"));
    QVERIFY(view->stateText().contains(QStringLiteral("Forwarding is off")));
    QSignalSpy settings(w.window.get(), &MainWindow::settingsRequested);
    Q_EMIT view->settingsRequested();
    QCOMPARE(settings.size(), 1);
}

QTEST_MAIN(TestReplayWindow)
#include "tst_replaywindow.moc"
