// SPDX-License-Identifier: GPL-3.0-or-later
// A PostgreSQL store's password from the keyring (a fake one here): asked only when the URL,
// PGPASSWORD and the password file give none (libpq's own rules decide), under the store's URL
// without its password; saved by --store-password-stdin's code; and, on a real cluster that asks
// for a password, what lets the store open.
#include "fakekeyring.h"
#include "pgcluster.h"
#include "store/pgpassword.h"
#include "store/store.h"
#include "storepassword.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;
using namespace mm::test;

namespace {
// A keyring factory over one shelf that records the keys it was asked for.
struct Keyring
{
    std::shared_ptr<FakeKeyring::Shelf> shelf = std::make_shared<FakeKeyring::Shelf>();
    QStringList keys;
    StoreKeyring factory()
    {
        return [this](const QString &key) -> std::unique_ptr<SecretBackend> {
            keys.append(key);
            return std::make_unique<FakeKeyring>(shelf);
        };
    }
};

StoreLocation location(const QString &url)
{
    QString why;
    const auto l = StoreLocation::parse(url, &why);
    if (!l)
        qFatal("%s: %s", qPrintable(url), qPrintable(why));
    return *l;
}

bool writePrivate(const QString &path, const QByteArray &text, QFile::Permissions mode)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size()
        && f.setPermissions(mode);
}
} // namespace

class TestStorePassword final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        // libpq reads these; each test sets what it needs. Port 1 on loopback refuses at once.
        QVERIFY(m_dir.isValid());
        m_passfile = m_dir.filePath(QStringLiteral("pgpass"));
        QFile::remove(m_passfile);
        qputenv("PGPASSFILE", QFile::encodeName(m_passfile));
        for (const char *name : {"PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGUSER", "PGHOST", "PGPORT",
                                 "PGDATABASE", SecretKeeper::BackendEnv})
            qunsetenv(name);
    }

    void theKeyIsTheUrlWithoutPassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("pgUser");
        QTest::addColumn<QString>("key");
        QTest::addRow("all given, options dropped")
            << "postgresql://alice@127.0.0.1:1/mm?sslmode=disable&application_name=x" << QByteArray()
            << "postgresql://alice@127.0.0.1:1/mm";
        QTest::addRow("default port named")
            << "postgresql://alice@127.0.0.1/mm" << QByteArray() << "postgresql://alice@127.0.0.1:5432/mm";
        QTest::addRow("user from PGUSER, as libpq takes it")
            << "postgresql://127.0.0.1:1/mm" << QByteArray("bob") << "postgresql://bob@127.0.0.1:1/mm";
        QTest::addRow("IPv6 in brackets")
            << "postgresql://alice@[::1]:1/mm" << QByteArray() << "postgresql://alice@[::1]:1/mm";
    }

    void theKeyIsTheUrlWithoutPassword()
    {
        QFETCH(QString, url);
        QFETCH(QByteArray, pgUser);
        QFETCH(QString, key);
        if (!pgUser.isEmpty())
            qputenv("PGUSER", pgUser);
        Keyring k;
        k.shelf->text = QStringLiteral("from-the-keyring");
        StoreLocation l = location(url);
        QCOMPARE(passwordFromKeyring(&l, k.factory(), 5000), StorePassword::FromKeyring);
        QCOMPARE(k.keys, QStringList {key});
        QCOMPARE(l.password, QStringLiteral("from-the-keyring"));
        QVERIFY(!l.displayName().contains(QLatin1String("from-the-keyring")));
        QCOMPARE(lookUpPgPassword(location(url)).keyringKey, key);
    }

    void libpqsOwnSourcesComeFirst_data()
    {
        QTest::addColumn<QByteArray>("pgPassword");
        QTest::addColumn<QByteArray>("passfile"); // empty: none
        QTest::addColumn<int>("passfileMode");
        QTest::addColumn<bool>("keyringAsked");
        const int privateMode = int(QFile::ReadOwner | QFile::WriteOwner);
        QTest::addRow("nothing: the keyring") << QByteArray() << QByteArray() << privateMode << true;
        QTest::addRow("PGPASSWORD") << QByteArray("env-password") << QByteArray() << privateMode << false;
        QTest::addRow("the password file's line")
            << QByteArray() << QByteArray("127.0.0.1:1:mm:alice:file-password\n") << privateMode << false;
        QTest::addRow("a wildcard line")
            << QByteArray() << QByteArray("# comment\n*:*:*:alice:file-password\n") << privateMode << false;
        QTest::addRow("a line for another database: the keyring")
            << QByteArray() << QByteArray("127.0.0.1:1:other:alice:file-password\n") << privateMode << true;
        // libpq ignores a password file others can read, with a warning; so the keyring is asked.
        QTest::addRow("a file others can read: the keyring")
            << QByteArray() << QByteArray("127.0.0.1:1:mm:alice:file-password\n")
            << int(privateMode | QFile::ReadGroup | QFile::ReadOther) << true;
    }

    void libpqsOwnSourcesComeFirst()
    {
        QFETCH(QByteArray, pgPassword);
        QFETCH(QByteArray, passfile);
        QFETCH(int, passfileMode);
        QFETCH(bool, keyringAsked);
        if (!pgPassword.isEmpty())
            qputenv("PGPASSWORD", pgPassword);
        if (!passfile.isEmpty())
            QVERIFY(writePrivate(m_passfile, passfile, QFile::Permissions(passfileMode)));
        Keyring k;
        k.shelf->text = QStringLiteral("keyring-password");
        StoreLocation l = location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm"));
        const StorePassword got = passwordFromKeyring(&l, k.factory(), 5000);
        QCOMPARE(got, keyringAsked ? StorePassword::FromKeyring : StorePassword::NotNeeded);
        QCOMPARE(k.keys.size(), keyringAsked ? 1 : 0);
        // libpq's own password is left to libpq: never copied into the location.
        QCOMPARE(l.password, keyringAsked ? QStringLiteral("keyring-password") : QString());
        QCOMPARE(lookUpPgPassword(location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm"))).libpqHasOne,
                 !keyringAsked);
    }

    void noKeyringWhenNotNeeded()
    {
        Keyring k;
        k.shelf->text = QStringLiteral("keyring-password");
        StoreLocation withPassword = location(QStringLiteral("postgresql://alice:in-url@127.0.0.1:1/mm"));
        QCOMPARE(passwordFromKeyring(&withPassword, k.factory(), 5000), StorePassword::NotNeeded);
        QCOMPARE(withPassword.password, QStringLiteral("in-url"));
        StoreLocation folder = StoreLocation::sqlite(m_dir.path());
        QCOMPARE(passwordFromKeyring(&folder, k.factory(), 5000), StorePassword::NotNeeded);
        QVERIFY(k.keys.isEmpty());
    }

    void whatTheKeyringSays()
    {
        const QString url = QStringLiteral("postgresql://alice@127.0.0.1:1/mm");
        {
            Keyring k; // holds nothing
            StoreLocation l = location(url);
            QCOMPARE(passwordFromKeyring(&l, k.factory(), 5000), StorePassword::NotInKeyring);
            QVERIFY(l.password.isEmpty());
        }
        {
            Keyring k;
            k.shelf->available = false;
            StoreLocation l = location(url);
            QCOMPARE(passwordFromKeyring(&l, k.factory(), 5000), StorePassword::NoKeyring);
            QVERIFY(l.password.isEmpty());
        }
        {
            // A keyring that never answers (an unlock prompt left open) does not hold start-up.
            Keyring k;
            k.shelf->text = QStringLiteral("late");
            k.shelf->holdReads = true;
            StoreLocation l = location(url);
            QElapsedTimer timer;
            timer.start();
            QCOMPARE(passwordFromKeyring(&l, k.factory(), 300), StorePassword::NoKeyring);
            QVERIFY(timer.elapsed() >= 250);
            QCOMPARE(k.shelf->held.size(), size_t(1));
            k.shelf->release(); // after the backend has gone: nothing happens
            QVERIFY(l.password.isEmpty());
        }
        {
            qputenv(SecretKeeper::BackendEnv, "file");
            QVERIFY(!systemStoreKeyring()(QStringLiteral("postgresql://alice@127.0.0.1:1/mm")));
            StoreLocation l = location(url);
            QCOMPARE(passwordFromKeyring(&l, systemStoreKeyring(), 5000), StorePassword::NoKeyring);
        }
    }

    void savedUnderTheStoresKey()
    {
        Keyring k;
        QString message;
        QVERIFY(
            saveStorePassword(location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm?sslmode=disable")),
                              QStringLiteral("pa:ss word"), k.factory(), &message, 5000));
        QCOMPARE(k.keys, QStringList {QStringLiteral("postgresql://alice@127.0.0.1:1/mm")});
        QCOMPARE(k.shelf->text, QStringLiteral("pa:ss word"));
        QVERIFY2(message.contains(QLatin1String("postgresql://alice@127.0.0.1:1/mm")), qPrintable(message));
        QVERIFY(!message.contains(QLatin1String("pa:ss")));
        QVERIFY(!message.contains(QLatin1String("used first")));

        // Read back as the next start would.
        StoreLocation l = location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm"));
        QCOMPARE(passwordFromKeyring(&l, k.factory(), 5000), StorePassword::FromKeyring);
        QCOMPARE(l.password, QStringLiteral("pa:ss word"));

        // Saved, with a note, when libpq has one of its own that wins.
        qputenv("PGPASSWORD", "env-password");
        QVERIFY(saveStorePassword(location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm")),
                                  QStringLiteral("other"), k.factory(), &message, 5000));
        QVERIFY2(message.contains(QLatin1String("used first")), qPrintable(message));

        Keyring refusing;
        refusing.shelf->refuseWrites = true;
        QVERIFY(!saveStorePassword(location(QStringLiteral("postgresql://alice@127.0.0.1:1/mm")),
                                   QStringLiteral("x"), refusing.factory(), &message, 5000));
        QVERIFY2(message.contains(QLatin1String("~/.pgpass")), qPrintable(message));
        QVERIFY(!refusing.shelf->text);
    }

    // On a real cluster whose role needs a password: without one the store cannot open; with the
    // keyring's, handed to the driver, it can.
    void theKeyringsPasswordOpensTheStore()
    {
        if (const QString why = PgCluster::unavailableReason(); !why.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        PgCluster cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        {
            QSqlDatabase admin = cluster.connect(QStringLiteral("admin"));
            QVERIFY(admin.isOpen());
            QSqlQuery q(admin);
            QVERIFY(q.exec(QStringLiteral("CREATE ROLE alice LOGIN PASSWORD 'alice secret'")));
            QVERIFY(q.exec(QStringLiteral("GRANT ALL ON SCHEMA public TO alice")));
            // alice over TCP must give a password (SCRAM); the first matching line wins.
            const QString hbaPath = cluster.dataDirectory() + QStringLiteral("/pg_hba.conf");
            QFile hba(hbaPath);
            QVERIFY(hba.open(QIODevice::ReadOnly));
            const QByteArray rest = hba.readAll();
            hba.close();
            QVERIFY(hba.open(QIODevice::WriteOnly | QIODevice::Truncate));
            hba.write("host all alice 127.0.0.1/32 scram-sha-256\n" + rest);
            hba.close();
            QVERIFY(q.exec(QStringLiteral("SELECT pg_reload_conf()")));
            q = QSqlQuery();
            admin = QSqlDatabase();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("admin"));

        const QString url = QStringLiteral("postgresql://alice@127.0.0.1:%1/mm").arg(cluster.port());
        auto opens = [](const StoreLocation &where, QString *why) {
            Store::Options o;
            o.location = where;
            const Store store(o);
            const Store::Connection c(store, u"check", why);
            return c.isOpen();
        };
        StoreLocation without = location(url);
        QVERIFY(!opens(without, &error)); // reloading pg_hba.conf is done before pg_reload_conf returns
        QVERIFY2(error.contains(QLatin1String("password")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1String("alice secret")));

        Keyring k;
        k.shelf->text = QStringLiteral("alice secret");
        StoreLocation with = location(url);
        QCOMPARE(passwordFromKeyring(&with, k.factory(), 5000), StorePassword::FromKeyring);
        QCOMPARE(k.keys,
                 QStringList {QStringLiteral("postgresql://alice@127.0.0.1:%1/mm").arg(cluster.port())});
        QVERIFY2(opens(with, &error), qPrintable(error));

        k.shelf->text = QStringLiteral("wrong");
        StoreLocation wrong = location(url);
        QCOMPARE(passwordFromKeyring(&wrong, k.factory(), 5000), StorePassword::FromKeyring);
        QVERIFY(!opens(wrong, &error));
    }

private:
    QTemporaryDir m_dir;
    QString m_passfile;
};

QTEST_GUILESS_MAIN(TestStorePassword)
#include "tst_storepassword.moc"
