// SPDX-License-Identifier: GPL-3.0-or-later
// Naming a company from the window (ui/board/companyactions.*, ui/settings/companiespage.*): the
// board's context menu offers "Name this company…", the name typed goes to the store and the
// board, filter, timeline title and inspector show it; Settings → Companies edits it in place.
#include "inspector/inspectorwidget.h"
#include "mainwindow.h"
#include "model/companynamesmodel.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "receiver/requestlogmodel.h"
#include "settings/companiespage.h"
#include "store/store.h"
#include "store/storewriter.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace mm;

namespace {
const QString AcmeId = QStringLiteral("fdc39e8b-e54a-4c2e-9d51-0a1b2c3d4e5f");
constexpr qint64 T0 = 1750207841000000;

DeliveryRecord record(const QByteArray &msgId, const char *migration, const QString &company,
                      qint64 createdUs)
{
    DeliveryRecord r;
    r.msgId = msgId;
    r.eventId = QStringLiteral("evt_") + QString::fromLatin1(msgId);
    r.type = QStringLiteral("migration.created");
    r.migrationId = QString::fromLatin1(migration);
    r.createdUs = createdUs;
    r.status = QStringLiteral("NOT_STARTED");
    r.companyId = company;
    r.parsed = true;
    r.body = "{}";
    r.receivedUs = createdUs;
    return r;
}

// Answers the next input dialog with text (QInputDialog::getText runs its own event loop).
void answerNextInputDialog(const QString &text, QString *prompt)
{
    QTimer::singleShot(0, qApp, [text, prompt] {
        auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            answerNextInputDialog(text, prompt); // not shown yet
            return;
        }
        *prompt = dialog->labelText();
        dialog->setTextValue(text);
        dialog->accept();
    });
}
} // namespace

class TestCompanyActions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nameFromTheBoard()
    {
        QTemporaryDir dir;
        {
            Store writerStore(Store::Options {dir.path()});
            QString error;
            QVERIFY2(writerStore.writer().start(&error), qPrintable(error));
            writerStore.writer().submit(1, record("msg_a", "mig_A", AcmeId, T0));
            writerStore.writer().submit(2, record("msg_b", "mig_B", QString(), T0 + 1000000));
            writerStore.writer().stop();
        }
        Store store(Store::Options {dir.path()});
        MonitorModel model(&store);
        QSignalSpy loaded(&model, &MonitorModel::loaded);
        model.loadFromStore();
        QVERIFY(loaded.wait(10000));
        RequestLogModel requestLog;
        MainWindow window(&model, &requestLog);
        window.setStoreAvailable(true);
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *board = window.findChild<QTableView *>(QStringLiteral("board"));
        QVERIFY(board);
        QAction *name = nullptr;
        for (QAction *a : board->actions()) {
            if (a->objectName() == QLatin1String("nameCompany"))
                name = a;
        }
        QVERIFY2(name, "the board's context menu has no Name this company…");
        QCOMPARE(board->contextMenuPolicy(), Qt::ActionsContextMenu);
        QVERIFY(name->text().contains(QLatin1String("Name this company")));

        auto rowOf = [&](const char *migration) {
            for (int r = 0; r < board->model()->rowCount(); ++r) {
                if (board->model()->index(r, 0).data(MigrationIdRole).toString() == QLatin1String(migration))
                    return r;
            }
            return -1;
        };
        // A migration without a company has nothing to name.
        board->setCurrentIndex(board->model()->index(rowOf("mig_B"), 0));
        QVERIFY(!name->isEnabled());
        board->setCurrentIndex(board->model()->index(rowOf("mig_A"), 0));
        QVERIFY(name->isEnabled());
        const QModelIndex company = board->model()->index(rowOf("mig_A"), MigrationListModel::Company);
        QCOMPARE(company.data().toString(), AcmeId);

        QString prompt;
        answerNextInputDialog(QStringLiteral("Acme"), &prompt);
        name->trigger();
        QVERIFY2(prompt.contains(AcmeId), qPrintable(prompt));
        QTRY_COMPARE(company.data().toString(), QStringLiteral("Acme"));
        QCOMPARE(company.data(Qt::ToolTipRole).toString(), QStringLiteral("Acme (%1)").arg(AcmeId));
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(QLatin1String("Acme")));

        // The timeline's title (of the migration selected) names it with its id.
        auto windowSays = [&window](const QString &text) {
            const QList<QLabel *> labels = window.findChildren<QLabel *>();
            return std::any_of(labels.cbegin(), labels.cend(),
                               [&](const QLabel *l) { return l->text().contains(text); });
        };
        QVERIFY(windowSays(QStringLiteral("Company: Acme (%1)").arg(AcmeId)));

        // The inspector names the selected delivery's company, with its id.
        auto *events = window.findChild<QTableView *>(QStringLiteral("events"));
        auto *inspector = window.findChild<InspectorWidget *>();
        QVERIFY(events && inspector);
        for (int r = 0; r < events->model()->rowCount(); ++r) {
            if (events->model()->index(r, 0).data(MigrationIdRole).toString() == QLatin1String("mig_A"))
                events->setCurrentIndex(events->model()->index(r, 0));
        }
        auto inspectorSays = [inspector](const QString &text) {
            const QList<QLabel *> labels = inspector->findChildren<QLabel *>();
            return std::any_of(labels.cbegin(), labels.cend(),
                               [&](const QLabel *l) { return l->text().contains(text); });
        };
        QTRY_VERIFY(inspectorSays(QStringLiteral("company Acme (%1)").arg(AcmeId)));

        // The filter bar finds it by name.
        FilterState state;
        state.text = QStringLiteral("company:acme");
        window.setFilterState(state);
        QTRY_COMPARE(board->model()->rowCount(), 1);
        QCOMPARE(board->model()->index(0, 0).data(MigrationIdRole).toString(), QStringLiteral("mig_A"));
        window.setFilterState(FilterState());
        QTRY_COMPARE(board->model()->rowCount(), 2);

        // An empty name removes it.
        board->setCurrentIndex(board->model()->index(rowOf("mig_A"), 0));
        answerNextInputDialog(QString(), &prompt);
        name->trigger();
        QTRY_COMPARE(board->model()->index(rowOf("mig_A"), MigrationListModel::Company).data().toString(),
                     AcmeId);
        QCOMPARE(model.companies()->names().size(), 0);

        // Settings → Companies: the same companies, named in place.
        CompaniesPage page(model.companies(), model.book());
        QAbstractItemModelTester tester(page.model());
        QCOMPARE(page.model()->rowCount(), 1);
        const QModelIndex cell = page.model()->index(0, CompanyNamesModel::Name);
        QVERIFY(page.model()->setData(cell, QStringLiteral("Acme Europe")));
        QTRY_COMPARE(board->model()->index(rowOf("mig_A"), MigrationListModel::Company).data().toString(),
                     QStringLiteral("Acme Europe"));
        QTRY_VERIFY(page.status().contains(QLatin1String("Acme Europe")));
        store.stop();
    }
};

QTEST_MAIN(TestCompanyActions)
#include "tst_companyactions.moc"
