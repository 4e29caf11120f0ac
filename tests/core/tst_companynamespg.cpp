// SPDX-License-Identifier: GPL-3.0-or-later
// Company names on a PostgreSQL store (team mode): a round trip through CompanyDirectory, an
// import that fails mid-way applies nothing, a version 2 store keeps its data when upgraded, and a
// rename on one desktop reaches another desktop's watch (NOTIFY mm_company_names) at once.
#include "model/companydirectory.h"
#include "pgcluster.h"
#include "store/companynamestore.h"
#include "store/pgschema.h"
#include "store/store.h"
#include "store/storewatch.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mm;
using mm::test::PgCluster;

namespace {
const QString AcmeId = QStringLiteral("fdc39e8b-e54a-4c2e-9d51-0a1b2c3d4e5f");
} // namespace

class TestCompanyNamesPg final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { MM_START_PG_CLUSTER(m_cluster); }
    void cleanupTestCase() { m_cluster.reset(); }

    void roundTrip()
    {
        Store store(options());
        QString error;
        QVERIFY2(store.start(&error), qPrintable(error));
        CompanyDirectory companies(&store);
        QSignalSpy finished(&companies, &CompanyDirectory::finished);
        companies.setName(AcmeId, QStringLiteral("Acme"));
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QTRY_COMPARE(companies.names().name(AcmeId), QStringLiteral("Acme"));
        companies.setName(AcmeId, QStringLiteral("Acme Corp")); // the upsert's update
        QTRY_COMPARE(companies.names().name(AcmeId), QStringLiteral("Acme Corp"));
        QCOMPARE(stored(store).value(AcmeId), QStringLiteral("Acme Corp"));

        // A row the database refuses mid-way (a trigger here) rolls back the rows before it.
        {
            QSqlDatabase db = m_cluster->connect(QStringLiteral("refuse"));
            QSqlQuery q(db);
            QVERIFY2(
                q.exec(QStringLiteral("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                      "IF NEW.company_id = 'c-refused' THEN RAISE EXCEPTION 'refused'; END "
                                      "IF; RETURN NEW; END $$; "
                                      "CREATE TRIGGER refuse BEFORE INSERT ON company_names FOR EACH ROW "
                                      "EXECUTE FUNCTION refuse()")),
                qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("refuse"));
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("names.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("company_id,name\n" + AcmeId.toUtf8() + ",Renamed\nc-new,New\nc-refused,X\n");
        f.close();
        companies.importCsv(csv);
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(finished.last().at(1).toString().contains(QLatin1String("refused")),
                 qPrintable(finished.last().at(1).toString()));
        const QHash<QString, QString> after = stored(store);
        QCOMPARE(after.value(AcmeId), QStringLiteral("Acme Corp"));
        QVERIFY(!after.contains(QStringLiteral("c-new")));
        store.stop();
    }

    void aRenameReachesAnotherDesktop()
    {
        // Two desktops on one team store: each has its own Store, as two processes would.
        Store mine(options());
        Store theirs(options());
        QString error;
        QVERIFY2(mine.start(&error), qPrintable(error));
        QVERIFY2(theirs.start(&error), qPrintable(error));
        StoreWatch watch(theirs);
        CompanyDirectory seen(&theirs);
        connect(&watch, &StoreWatch::companyNamesChanged, &seen, &CompanyDirectory::refresh);
        QSignalSpy announced(&watch, &StoreWatch::companyNamesChanged);
        watch.start();
        QVERIFY(announced.wait(10000)); // once at its start
        announced.clear();

        CompanyDirectory editor(&mine);
        QElapsedTimer clock;
        clock.start();
        editor.setName(QStringLiteral("c-live"), QStringLiteral("Globex"));
        QTRY_COMPARE_WITH_TIMEOUT(seen.names().name(QStringLiteral("c-live")), QStringLiteral("Globex"),
                                  10000);
        QCOMPARE(announced.size(), 1);
        editor.setName(QStringLiteral("c-live"), QString());
        QTRY_COMPARE_WITH_TIMEOUT(seen.names().name(QStringLiteral("c-live")), QString(), 10000);
        qInfo("two renames seen in %lld ms", static_cast<long long>(clock.elapsed()));
        watch.stop();
        theirs.stop();
        mine.stop();
    }

    void upgradingVersionTwoKeepsItsData()
    {
        QString error;
        {
            QSqlDatabase db = m_cluster->connect(QStringLiteral("old"), QStringLiteral("postgres"));
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("CREATE DATABASE old_store")), qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        Store::Options o;
        o.location = *StoreLocation::parse(m_cluster->url(QStringLiteral("old_store")));
        {
            Store store(o);
            QVERIFY2(store.start(&error), qPrintable(error));
            store.stop();
        }
        // Back to version 2 (before company names), with a delivery in it.
        {
            QSqlDatabase db = m_cluster->connect(QStringLiteral("downgrade"), QStringLiteral("old_store"));
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE company_names")));
            QVERIFY(q.exec(QStringLiteral("DROP FUNCTION mm_notify_company_names()")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE deleted_deliveries"))); // version 4's
            QVERIFY(q.exec(QStringLiteral("DROP FUNCTION mm_notify_deletions()")));
            QVERIFY(q.exec(QStringLiteral("UPDATE mm_schema SET version = 2")));
            QVERIFY2(
                q.exec(QStringLiteral("INSERT INTO deliveries(msg_id, received_us, parsed, body, company_id) "
                                      "VALUES('msg_old', 1, true, '\\x7b7d', 'c-old')")),
                qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("downgrade"));
        Store store(o);
        QVERIFY2(store.start(&error), qPrintable(error));
        {
            Store::Connection conn(store, u"test", &error);
            QVERIFY2(conn.isOpen(), qPrintable(error));
            QCOMPARE(PgSchema::version(conn.db()), PgSchema::SchemaVersion);
            QSqlQuery q(conn.db());
            QVERIFY(q.exec(QStringLiteral("SELECT company_id FROM deliveries WHERE msg_id = 'msg_old'"))
                    && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("c-old"));
            QVERIFY(CompanyNameStore::set(
                conn.db(), CompanyName {QStringLiteral("c-old"), QStringLiteral("Old Co")}, 1, &error));
        }
        QCOMPARE(stored(store).value(QStringLiteral("c-old")), QStringLiteral("Old Co"));
        store.stop();
    }

private:
    Store::Options options() const
    {
        Store::Options o;
        o.location = *StoreLocation::parse(m_cluster->url());
        return o;
    }
    static QHash<QString, QString> stored(const Store &store)
    {
        QString error;
        Store::Connection conn(store, u"test", &error);
        QHash<QString, QString> out;
        if (const auto names = conn.isOpen() ? CompanyNameStore::readAll(conn.db(), &error) : std::nullopt) {
            for (const CompanyName &n : *names)
                out.insert(n.companyId, n.name);
        } else {
            qWarning("cannot read names: %s", qPrintable(error));
        }
        return out;
    }

    std::unique_ptr<PgCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestCompanyNamesPg)
#include "tst_companynamespg.moc"
