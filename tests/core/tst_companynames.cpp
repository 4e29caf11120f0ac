// SPDX-License-Identifier: GPL-3.0-or-later
// Company names: the lookup and the filter's "company:" term (core/model/companynames.*), the
// filters matching names, and CompanyDirectory through a real SQLite store: the board's model
// shows the name with the id in its tooltip, CSV import is all or nothing, export reads back,
// an old store keeps its data when upgraded, and a watch sees another process's rename.
#include "model/companydirectory.h"
#include "model/companynamesmodel.h"
#include "model/eventfilter.h"
#include "model/migrationfilter.h"
#include "model/modelroles.h"
#include "model/monitormodel.h"
#include "store/companynamestore.h"
#include "store/database.h"
#include "store/store.h"
#include "store/storewatch.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
const QString AcmeId = QStringLiteral("fdc39e8b-e54a-4c2e-9d51-0a1b2c3d4e5f");
const QString GlobexId = QStringLiteral("0b7f3c11-2222-4333-8444-555566667777");

CompanyName name(const QString &id, const char *text)
{
    return CompanyName {id, QString::fromUtf8(text)};
}

EventFacts fact(qint64 rowId, const char *migration, const QString &company)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QStringLiteral("migration.created");
    f.migrationId = QString::fromLatin1(migration);
    f.status = QStringLiteral("NOT_STARTED");
    f.createdUs = 1750000000000000 + rowId;
    f.receivedUs = *f.createdUs + 10;
    f.companyId = company;
    f.parsed = true;
    return f;
}

QString storedName(const Store &store, const QString &id)
{
    QString error;
    Store::Connection conn(store, u"test", &error);
    const auto names = conn.isOpen() ? CompanyNameStore::readAll(conn.db(), &error) : std::nullopt;
    if (!names)
        qWarning("cannot read names: %s", qPrintable(error));
    return names ? CompanyNames(*names).name(id) : QStringLiteral("(unreadable)");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

int boardRowOf(QAbstractItemModel *model, const char *migration)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(MigrationIdRole).toString() == QLatin1String(migration))
            return r;
    }
    return -1;
}
} // namespace

class TestCompanyNames final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lookup()
    {
        const CompanyNames names({name(AcmeId, "Acme"), name(GlobexId, "")});
        QCOMPARE(names.size(), 1); // an empty name is no name
        QCOMPARE(names.name(AcmeId), QStringLiteral("Acme"));
        QCOMPARE(names.display(AcmeId), QStringLiteral("Acme"));
        QCOMPARE(names.display(GlobexId), GlobexId);
        QCOMPARE(names.labelWithId(AcmeId), QStringLiteral("Acme (%1)").arg(AcmeId));
        QCOMPARE(names.labelWithId(GlobexId), GlobexId);
        QVERIFY(names.matches(AcmeId, QStringLiteral("acm")));
        QVERIFY(names.matches(AcmeId, QStringLiteral("FDC39E8B")));
        QVERIFY(!names.matches(GlobexId, QStringLiteral("acme")));
    }

    void companyTerm_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("company");
        QTest::addColumn<QString>("rest");
        QTest::addRow("none") << QStringLiteral(" failed ") << QString() << QStringLiteral("failed");
        QTest::addRow("alone") << QStringLiteral("company:acme") << QStringLiteral("acme") << QString();
        QTest::addRow("with words") << QStringLiteral("timeout Company:fdc39e8b mig")
                                    << QStringLiteral("fdc39e8b") << QStringLiteral("timeout mig");
        QTest::addRow("quoted") << QStringLiteral("company:\"Acme Corp\" failed")
                                << QStringLiteral("Acme Corp") << QStringLiteral("failed");
        QTest::addRow("inside a word is text")
            << QStringLiteral("mycompany:x") << QString() << QStringLiteral("mycompany:x");
    }
    void companyTerm()
    {
        QFETCH(QString, text);
        QFETCH(QString, company);
        QFETCH(QString, rest);
        const CompanyTerm term = takeCompanyTerm(text);
        QCOMPARE(term.company, company);
        QCOMPARE(term.rest, rest);
    }

    void filtersMatchNames()
    {
        const CompanyNames names({name(AcmeId, "Acme Corp")});
        EventLog log;
        log.upsert(fact(1, "mig_a", AcmeId));
        log.upsert(fact(2, "mig_g", GlobexId));
        auto eventRows = [&](const EventFilter &f, const CompanyNames *with) {
            const CompiledEventFilter compiled(f, log, with);
            QList<qint64> out;
            for (quint32 i : compiled.matching(0, log.size()))
                out.append(log.at(i).rowId);
            return out;
        };
        EventFilter byText;
        byText.text = QStringLiteral("acme");
        QCOMPARE(eventRows(byText, &names), QList<qint64> {1});
        QCOMPARE(eventRows(byText, nullptr), QList<qint64> {}); // the name is what matched
        byText.text = QStringLiteral("0b7f3c11"); // the id still matches
        QCOMPARE(eventRows(byText, &names), QList<qint64> {2});
        EventFilter byCompany;
        byCompany.company = QStringLiteral("corp");
        QCOMPARE(eventRows(byCompany, &names), QList<qint64> {1});
        byCompany.company = QStringLiteral("nobody");
        QCOMPARE(eventRows(byCompany, &names), QList<qint64> {});

        // A company interned after the filter was compiled is looked up by name too.
        EventFilter late;
        late.text = QStringLiteral("initech");
        const CompanyNames more({name(QStringLiteral("c-late"), "Initech")});
        const CompiledEventFilter compiled(late, log, &more);
        log.upsert(fact(3, "mig_i", QStringLiteral("c-late")));
        QVERIFY(compiled.matches(log.at(2)));
        QVERIFY(!compiled.matches(log.at(0)));

        Migration acme;
        acme.id = QStringLiteral("mig_a");
        acme.companyId = AcmeId;
        MigrationFilter board;
        board.text = QStringLiteral("ACME");
        QVERIFY(board.matches(acme, false, &names));
        QVERIFY(!board.matches(acme, false, nullptr));
        board.text.clear();
        board.company = QStringLiteral("acme corp");
        QVERIFY(board.matches(acme, false, &names));
        board.company = QStringLiteral("globex");
        QVERIFY(!board.matches(acme, false, &names));
    }

    void boardShowsNamesFromTheStore()
    {
        QTemporaryDir dir;
        Store store(Store::Options {dir.path()});
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        MonitorModel model(&store);
        QAbstractItemModelTester tester(model.migrations());
        QAbstractItemModelTester proxyTester(model.filteredMigrations());
        model.ingest({fact(1, "mig_a", AcmeId), fact(2, "mig_g", GlobexId)});
        QTRY_COMPARE(model.migrations()->rowCount(), 2);
        QAbstractItemModel *board = model.migrations();
        const int a = boardRowOf(board, "mig_a");
        QVERIFY(a >= 0);
        const QModelIndex company = board->index(a, MigrationListModel::Company);
        QCOMPARE(company.data().toString(), AcmeId);

        CompanyDirectory *companies = model.companies();
        QSignalSpy changed(companies, &CompanyDirectory::changed);
        QSignalSpy finished(companies, &CompanyDirectory::finished);
        QSignalSpy redrawn(board, &QAbstractItemModel::dataChanged);
        companies->setName(AcmeId, QStringLiteral("  Acme   Corp "));
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTRY_COMPARE(changed.size(), 1);
        QVERIFY(!redrawn.isEmpty());
        QCOMPARE(company.data().toString(), QStringLiteral("Acme Corp"));
        QCOMPARE(company.data(Qt::ToolTipRole).toString(), QStringLiteral("Acme Corp (%1)").arg(AcmeId));
        QCOMPARE(company.data(CompanyIdRole).toString(), AcmeId);
        QCOMPARE(company.data(SortRole).toString(), QStringLiteral("Acme Corp"));

        // The board's filter finds it by name, and by a company: term.
        MigrationFilter f;
        f.text = QStringLiteral("corp");
        model.filteredMigrations()->setFilter(f);
        QCOMPARE(model.filteredMigrations()->rowCount(), 1);
        QCOMPARE(model.filteredMigrations()->index(0, 0).data(MigrationIdRole).toString(),
                 QStringLiteral("mig_a"));
        EventFilter e;
        e.company = QStringLiteral("acme");
        model.filteredEvents()->setFilter(e);
        QCOMPARE(model.filteredEvents()->rowCount(), 1);

        // Renamed: the filter follows the new name without being set again.
        companies->setName(AcmeId, QStringLiteral("Initech"));
        QTRY_COMPARE(changed.size(), 2);
        QCOMPARE(company.data().toString(), QStringLiteral("Initech"));
        QCOMPARE(model.filteredMigrations()->rowCount(), 0);
        QCOMPARE(model.filteredEvents()->rowCount(), 0);

        // An empty name removes it: the id again.
        companies->setName(AcmeId, QString());
        QTRY_COMPARE(changed.size(), 3);
        QCOMPARE(company.data().toString(), AcmeId);
        QCOMPARE(companies->names().size(), 0);

        // Settings' list: every company the board knows, its name editable.
        CompanyNamesModel list(companies, model.book());
        QAbstractItemModelTester listTester(&list);
        QCOMPARE(list.rowCount(), 2);
        int g = -1;
        for (int r = 0; r < list.rowCount(); ++r) {
            if (list.index(r, CompanyNamesModel::Id).data().toString() == GlobexId)
                g = r;
        }
        QVERIFY(g >= 0);
        QVERIFY(list.flags(list.index(g, CompanyNamesModel::Name)) & Qt::ItemIsEditable);
        QVERIFY(!(list.flags(list.index(g, CompanyNamesModel::Id)) & Qt::ItemIsEditable));
        QVERIFY(list.setData(list.index(g, CompanyNamesModel::Name), QStringLiteral("Globex")));
        QTRY_COMPARE(changed.size(), 4);
        QCOMPARE(board->index(boardRowOf(board, "mig_g"), MigrationListModel::Company).data().toString(),
                 QStringLiteral("Globex"));
        QTRY_COMPARE(list.index(g, CompanyNamesModel::Name).data().toString(), QStringLiteral("Globex"));
        store.stop();
    }

    void csvImportIsAllOrNothing()
    {
        QTemporaryDir dir;
        Store store(Store::Options {dir.path()});
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        CompanyDirectory companies(&store);
        QSignalSpy finished(&companies, &CompanyDirectory::finished);

        const QString good = dir.filePath(QStringLiteral("good.csv"));
        QVERIFY(writeFile(good,
                          "company_id,name\n" + AcmeId.toUtf8() + ",\"Acme, Inc.\"\n" + GlobexId.toUtf8()
                              + ",Globex\n"));
        companies.importCsv(good);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QTRY_COMPARE(companies.names().size(), 2);
        QCOMPARE(companies.names().name(AcmeId), QStringLiteral("Acme, Inc."));

        // Line 3 is bad: line 2's rename must not be applied either.
        const QString bad = dir.filePath(QStringLiteral("bad.csv"));
        QVERIFY(writeFile(bad, "company_id,name\n" + AcmeId.toUtf8() + ",Renamed\nc3,too,many\n"));
        companies.importCsv(bad);
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        const QString message = finished.last().at(1).toString();
        QVERIFY2(message.contains(QLatin1String("line 3:"))
                     && message.contains(QLatin1String("Nothing was imported")),
                 qPrintable(message));
        QCOMPARE(storedName(store, AcmeId), QStringLiteral("Acme, Inc."));

        // A store that refuses a row mid-way (here a trigger) rolls back the rows before it.
        {
            Store::Connection conn(store, u"test", &error);
            QVERIFY(conn.isOpen());
            QSqlQuery q(conn.db());
            QVERIFY(q.exec(QStringLiteral(
                "CREATE TRIGGER refuse BEFORE INSERT ON company_names "
                "WHEN NEW.company_id = 'c-refused' BEGIN SELECT RAISE(ABORT, 'refused'); END")));
        }
        const QString refused = dir.filePath(QStringLiteral("refused.csv"));
        QVERIFY(writeFile(refused, "company_id,name\n" + AcmeId.toUtf8() + ",Renamed\nc-refused,X\n"));
        companies.importCsv(refused);
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(finished.last().at(1).toString().contains(QLatin1String("refused")),
                 qPrintable(finished.last().at(1).toString()));
        QCOMPARE(storedName(store, AcmeId), QStringLiteral("Acme, Inc."));
        QCOMPARE(storedName(store, QStringLiteral("c-refused")), QString());

        // Export reads back as what was imported.
        const QString out = dir.filePath(QStringLiteral("out.csv"));
        companies.exportCsv(out);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QFile written(out);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray csv = written.readAll();
        QVERIFY2(csv.contains(QByteArray(AcmeId.toUtf8() + ",\"Acme, Inc.\"\r\n")), csv.constData());
        QVERIFY2(csv.contains(QByteArray(GlobexId.toUtf8() + ",Globex\r\n")), csv.constData());
        store.stop();
    }

    void upgradingAnOldStoreKeepsItsData()
    {
        QTemporaryDir dir;
        QString error;
        {
            Store store(Store::Options {dir.path()});
            QVERIFY2(store.start(&error), qPrintable(error));
            store.stop();
        }
        // Make it a version 4 store (before company names) with a delivery in it.
        {
            Store store(Store::Options {dir.path()});
            Store::Connection conn(store, u"test", &error);
            QVERIFY2(conn.isOpen(), qPrintable(error));
            QSqlQuery q(conn.db());
            QVERIFY(q.exec(QStringLiteral("DROP TABLE company_names")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE deleted_deliveries"))); // version 6's
            QVERIFY(
                q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, company_id) "
                                      "VALUES('msg_old', 1, 1, x'7b7d', 'c-old')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=4")));
        }
        Store store(Store::Options {dir.path()});
        Store::Connection conn(store, u"test", &error);
        QVERIFY2(conn.isOpen(), qPrintable(error));
        QSqlQuery q(conn.db());
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Database::SchemaVersion);
        QVERIFY(q.exec(QStringLiteral("SELECT company_id FROM deliveries WHERE msg_id = 'msg_old'"))
                && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("c-old"));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM company_names")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void aWatchSeesAnotherProcesssRename()
    {
        // --view-only on SQLite: the window watches a store another process writes.
        QTemporaryDir dir;
        QString error;
        Store writer(Store::Options {dir.path()});
        QVERIFY2(writer.start(&error), qPrintable(error));
        Store viewer(Store::Options {dir.path()});
        StoreWatch watch(viewer);
        QSignalSpy renamed(&watch, &StoreWatch::companyNamesChanged);
        CompanyDirectory seen(&viewer);
        connect(&watch, &StoreWatch::companyNamesChanged, &seen, &CompanyDirectory::refresh);
        watch.start();
        QVERIFY(renamed.wait(10000)); // once at its start: the names are read then
        renamed.clear();

        CompanyDirectory other(&writer);
        other.setName(AcmeId, QStringLiteral("Acme"));
        QTRY_COMPARE_WITH_TIMEOUT(seen.names().name(AcmeId), QStringLiteral("Acme"), 10000);
        QVERIFY(!renamed.isEmpty());
        other.setName(AcmeId, QString());
        QTRY_COMPARE_WITH_TIMEOUT(seen.names().size(), 0, 10000);
        watch.stop();
        viewer.stop();
        writer.stop();
    }
};

QTEST_GUILESS_MAIN(TestCompanyNames)
#include "tst_companynames.moc"
