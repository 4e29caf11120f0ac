// SPDX-License-Identifier: GPL-3.0-or-later
// Where the store lives: a folder, or a libpq URI parsed into its parts, shown without its
// password, and refused with a sentence when it cannot be used.
#include "store/database.h"
#include "store/store.h"
#include "store/storelocation.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

namespace {
// The options as "key=value" lines, for comparing.
QStringList optionLines(const StoreLocation &l)
{
    QStringList lines;
    for (const auto &[key, value] : l.options)
        lines.append(key + u'=' + value);
    return lines;
}
} // namespace

class TestStoreLocation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void folders_data();
    void folders();
    void postgres_data();
    void postgres();
    void refused_data();
    void refused();
    void passwordRanges_data();
    void passwordRanges();
    void defaultsAreSqlite();
    void storeOnAFolder();
    void postgresStoreIsRefusedForNow();
};

void TestStoreLocation::folders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("folder");
    QTest::addRow("absolute") << "/srv/monitor"
                              << "/srv/monitor";
    QTest::addRow("relative") << "data/store"
                              << "data/store";
    QTest::addRow("trimmed") << "  /srv/monitor \n"
                             << "/srv/monitor";
    QTest::addRow("a colon, no //") << "/srv/a:b"
                                    << "/srv/a:b";
    QTest::addRow("a name with a colon") << "backup:2024"
                                         << "backup:2024";
}

void TestStoreLocation::folders()
{
    QFETCH(QString, text);
    QFETCH(QString, folder);
    QString error;
    const auto l = StoreLocation::parse(text, &error);
    QVERIFY2(l, qPrintable(error));
    QCOMPARE(l->engine, StoreLocation::Engine::Sqlite);
    QVERIFY(!l->isPostgres());
    QCOMPARE(l->folder, folder);
    QCOMPARE(l->displayName(), folder);
    QCOMPARE(l->url(), folder);
    QCOMPARE(*l, StoreLocation::sqlite(folder));
}

void TestStoreLocation::postgres_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("display"); // url(false) and displayName()

    QTest::addRow("host and database") << "postgresql://db.example.com/monitor"
                                       << "db.example.com" << 5432 << "monitor"
                                       << ""
                                       << "" << QStringList() << "postgresql://db.example.com/monitor";
    QTest::addRow("postgres:// is the same") << "postgres://db.example.com/monitor"
                                             << "db.example.com" << 5432 << "monitor"
                                             << ""
                                             << "" << QStringList() << "postgresql://db.example.com/monitor";
    QTest::addRow("scheme in capitals") << "PostgreSQL://h/d"
                                        << "h" << 5432 << "d"
                                        << ""
                                        << "" << QStringList() << "postgresql://h/d";
    QTest::addRow("port") << "postgresql://h:6543/d"
                          << "h" << 6543 << "d"
                          << ""
                          << "" << QStringList() << "postgresql://h:6543/d";
    QTest::addRow("the default port is left out") << "postgresql://h:5432/d"
                                                  << "h" << 5432 << "d"
                                                  << ""
                                                  << "" << QStringList() << "postgresql://h/d";
    QTest::addRow("user") << "postgresql://monitor@h/d"
                          << "h" << 5432 << "d"
                          << "monitor"
                          << "" << QStringList() << "postgresql://monitor@h/d";
    QTest::addRow("user and password") << "postgresql://monitor:s3cret@h:5433/d"
                                       << "h" << 5433 << "d"
                                       << "monitor"
                                       << "s3cret" << QStringList() << "postgresql://monitor@h:5433/d";
    QTest::addRow("empty password") << "postgresql://monitor:@h/d"
                                    << "h" << 5432 << "d"
                                    << "monitor"
                                    << "" << QStringList() << "postgresql://monitor@h/d";
    QTest::addRow("password without a user") << "postgresql://:pw@h/d"
                                             << "h" << 5432 << "d"
                                             << ""
                                             << "pw" << QStringList() << "postgresql://h/d";
    QTest::addRow("percent-encoded password") << "postgresql://u:p%40ss%3Aw%2Fo%23rd%25@h/d"
                                              << "h" << 5432 << "d"
                                              << "u"
                                              << "p@ss:w/o#rd%" << QStringList() << "postgresql://u@h/d";
    QTest::addRow("an @ in the password, unencoded") << "postgresql://u:p@ss@h/d"
                                                     << "h" << 5432 << "d"
                                                     << "u"
                                                     << "p@ss" << QStringList() << "postgresql://u@h/d";
    QTest::addRow("UTF-8 user and database")
        << "postgresql://J%C3%BCrgen@h/m%C3%B6nitor"
        << "h" << 5432 << QString::fromUtf8("mönitor") << QString::fromUtf8("Jürgen") << "" << QStringList()
        << "postgresql://J%C3%BCrgen@h/m%C3%B6nitor";
    QTest::addRow("encoded database name") << "postgresql://h/my%20db"
                                           << "h" << 5432 << "my db"
                                           << ""
                                           << "" << QStringList() << "postgresql://h/my%20db";
    QTest::addRow("sslmode") << "postgresql://u@h/d?sslmode=require"
                             << "h" << 5432 << "d"
                             << "u"
                             << "" << QStringList {QStringLiteral("sslmode=require")}
                             << "postgresql://u@h/d?sslmode=require";
    QTest::addRow("several options, in order")
        << "postgresql://h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=10"
        << "h" << 5432 << "d"
        << ""
        << ""
        << QStringList {QStringLiteral("sslmode=verify-full"), QStringLiteral("sslrootcert=/etc/ca.pem"),
                        QStringLiteral("connect_timeout=10")}
        << "postgresql://h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=10";
    QTest::addRow("the last of an option counts")
        << "postgresql://h/d?sslmode=disable&sslmode=require"
        << "h" << 5432 << "d"
        << ""
        << "" << QStringList {QStringLiteral("sslmode=require")} << "postgresql://h/d?sslmode=require";
    QTest::addRow("password as a parameter")
        << "postgresql://u@h/d?password=pw%26x&sslmode=prefer"
        << "h" << 5432 << "d"
        << "u"
        << "pw&x" << QStringList {QStringLiteral("sslmode=prefer")} << "postgresql://u@h/d?sslmode=prefer";
    QTest::addRow("user, host, port and dbname as parameters")
        << "postgresql:///?user=u&host=h&port=7000&dbname=d"
        << "h" << 7000 << "d"
        << "u"
        << "" << QStringList() << "postgresql://u@h:7000/d";
    QTest::addRow("local socket (no host)") << "postgresql:///monitor"
                                            << "" << 5432 << "monitor"
                                            << ""
                                            << "" << QStringList() << "postgresql:///monitor";
    QTest::addRow("socket folder, encoded")
        << "postgresql://%2Fvar%2Frun%2Fpostgresql/monitor"
        << "/var/run/postgresql" << 5432 << "monitor"
        << ""
        << "" << QStringList() << "postgresql://%2Fvar%2Frun%2Fpostgresql/monitor";
    QTest::addRow("IPv6") << "postgresql://u@[::1]:5440/d"
                          << "::1" << 5440 << "d"
                          << "u"
                          << "" << QStringList() << "postgresql://u@[::1]:5440/d";
    QTest::addRow("IPv6, default port") << "postgresql://[2001:db8::7]/d"
                                        << "2001:db8::7" << 5432 << "d"
                                        << ""
                                        << "" << QStringList() << "postgresql://[2001:db8::7]/d";
    QTest::addRow("IPv4") << "postgresql://10.0.0.5:5433/d"
                          << "10.0.0.5" << 5433 << "d"
                          << ""
                          << "" << QStringList() << "postgresql://10.0.0.5:5433/d";
    QTest::addRow("trimmed") << "  postgresql://h/d\n"
                             << "h" << 5432 << "d"
                             << ""
                             << "" << QStringList() << "postgresql://h/d";
    QTest::addRow("highest port") << "postgresql://h:65535/d"
                                  << "h" << 65535 << "d"
                                  << ""
                                  << "" << QStringList() << "postgresql://h:65535/d";
}

void TestStoreLocation::postgres()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QStringList, options);
    QFETCH(QString, display);
    QString error;
    const auto l = StoreLocation::parse(text, &error);
    QVERIFY2(l, qPrintable(error));
    QCOMPARE(l->engine, StoreLocation::Engine::Postgres);
    QVERIFY(l->isPostgres());
    QVERIFY(l->folder.isEmpty());
    QCOMPARE(l->host, host);
    QCOMPARE(int(l->port), port);
    QCOMPARE(l->database, database);
    QCOMPARE(l->user, user);
    QCOMPARE(l->password, password);
    QCOMPARE(optionLines(*l), options);
    QCOMPARE(l->url(), display);
    QCOMPARE(l->displayName(), display);
    if (!password.isEmpty()) {
        QVERIFY(!l->displayName().contains(password));
        QVERIFY(l->url(true).contains(u':'));
    }
    // Both forms read back as what they say: the full one as the same location.
    const auto again = StoreLocation::parse(l->url(true), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(*again, *l);
    const auto shown = StoreLocation::parse(l->displayName(), &error);
    QVERIFY2(shown, qPrintable(error));
    StoreLocation withoutPassword = *l;
    withoutPassword.password.clear();
    QCOMPARE(*shown, withoutPassword);
}

void TestStoreLocation::refused_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    const QString noDatabase = QStringLiteral(
        "The store URL names no database: add it after the host, as in postgresql://host/dbname.");
    const QString badPort = QStringLiteral("The store URL's port must be a number from 1 to 65535.");
    const QString badEncoding = QStringLiteral(
        "The store URL has a bad percent-encoding: % must be followed by two hexadecimal digits.");
    QTest::addRow("empty") << ""
                           << "No store given: name a folder or a postgresql:// URL.";
    QTest::addRow("blank") << "   "
                           << "No store given: name a folder or a postgresql:// URL.";
    QTest::addRow("unknown scheme") << "mysql://h/d"
                                    << "The store URL's scheme mysql: is not known: use postgresql:// (or "
                                       "postgres://), or name a folder for the embedded store.";
    QTest::addRow("sqlite scheme") << "sqlite:///srv/monitor"
                                   << "The store URL's scheme sqlite: is not known: use postgresql:// (or "
                                      "postgres://), or name a folder for the embedded store.";
    QTest::addRow("no //")
        << "postgresql:monitor"
        << "A PostgreSQL store URL starts with postgresql://, as in postgresql://host/dbname.";
    QTest::addRow("no database") << "postgresql://h" << noDatabase;
    QTest::addRow("empty database") << "postgresql://u:pw@h:5433/" << noDatabase;
    QTest::addRow("empty database, options") << "postgresql://h/?sslmode=require" << noDatabase;
    QTest::addRow("nothing at all") << "postgresql://" << noDatabase;
    QTest::addRow("port not a number") << "postgresql://h:abc/d" << badPort;
    QTest::addRow("port too high") << "postgresql://h:65536/d" << badPort;
    QTest::addRow("port zero") << "postgresql://h:0/d" << badPort;
    QTest::addRow("port empty") << "postgresql://h:/d" << badPort;
    QTest::addRow("port negative") << "postgresql://h:-1/d" << badPort;
    QTest::addRow("port parameter") << "postgresql://h/d?port=x" << badPort;
    QTest::addRow("IPv6 port") << "postgresql://[::1]:99999/d" << badPort;
    QTest::addRow("IPv6 unclosed") << "postgresql://[::1/d"
                                   << "The store URL's IPv6 address has no closing ].";
    QTest::addRow("IPv6 then junk") << "postgresql://[::1]x/d"
                                    << "The store URL's IPv6 address must be followed by :port or nothing.";
    QTest::addRow("several hosts") << "postgresql://h1,h2/d"
                                   << "The store URL names several hosts: name one.";
    QTest::addRow("several hosts, parameter") << "postgresql:///d?host=h1,h2"
                                              << "The store URL names several hosts: name one.";
    QTest::addRow("bad encoding in password") << "postgresql://u:p%zz@h/d" << badEncoding;
    QTest::addRow("truncated encoding") << "postgresql://h/d%4" << badEncoding;
    QTest::addRow("bad encoding in host") << "postgresql://h%g1/d" << badEncoding;
    QTest::addRow("bad encoding in an option") << "postgresql://h/d?sslmode=%x" << badEncoding;
    QTest::addRow("fragment") << "postgresql://u:pa#ss@h/d"
                              << "The store URL has a # in it: write it as %23 (in a password, say).";
    QTest::addRow("parameter without value") << "postgresql://h/d?sslmode"
                                             << "The store URL's parameter sslmode has no value: write "
                                                "sslmode=….";
    QTest::addRow("unknown parameter") << "postgresql://h/d?colour=blue"
                                       << "The store URL's parameter colour is not a PostgreSQL connection "
                                          "parameter.";
    QTest::addRow("bad sslmode") << "postgresql://h/d?sslmode=always"
                                 << "The store URL's sslmode must be disable, allow, prefer, require, "
                                    "verify-ca or verify-full.";
    QTest::addRow("sslpassword") << "postgresql://h/d?sslpassword=x"
                                 << "The store URL cannot carry sslpassword: use a client key without a "
                                    "passphrase.";
}

void TestStoreLocation::refused()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    QString why = QStringLiteral("(unset)");
    QVERIFY(!StoreLocation::parse(text, &why));
    QCOMPARE(why, error);
    QVERIFY(!StoreLocation::parse(text)); // without a place for the sentence
}

void TestStoreLocation::passwordRanges_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("blanked");
    QTest::addRow("user and password")
        << QByteArray("postgresql://u:s3cret@h/d") << QByteArray("postgresql://u:xxxxxx@h/d");
    QTest::addRow("encoded password") << QByteArray("postgres://u:p%40ss@h:5433/d?sslmode=require")
                                      << QByteArray("postgres://u:xxxxxx@h:5433/d?sslmode=require");
    QTest::addRow("@ in the password")
        << QByteArray("postgresql://u:p@ss@h/d") << QByteArray("postgresql://u:xxxx@h/d");
    QTest::addRow("password parameter") << QByteArray("postgresql://u@h/d?sslmode=require&password=pw&x=1")
                                        << QByteArray("postgresql://u@h/d?sslmode=require&password=xx&x=1");
    QTest::addRow("both") << QByteArray("postgresql://u:a@h/d?password=bc")
                          << QByteArray("postgresql://u:x@h/d?password=xx");
    QTest::addRow("password parameter first, last")
        << QByteArray("postgresql://h/d?password=abc") << QByteArray("postgresql://h/d?password=xxx");
    QTest::addRow("no password") << QByteArray("postgresql://u@h:5432/d?sslmode=require")
                                 << QByteArray("postgresql://u@h:5432/d?sslmode=require");
    QTest::addRow("empty password") << QByteArray("postgresql://u:@h/d") << QByteArray("postgresql://u:@h/d");
    QTest::addRow("a port is no password")
        << QByteArray("postgresql://h:5433/d") << QByteArray("postgresql://h:5433/d");
    QTest::addRow("a folder") << QByteArray("/srv/u:p@h") << QByteArray("/srv/u:p@h");
    QTest::addRow("another scheme") << QByteArray("mysql://u:p@h/d") << QByteArray("mysql://u:p@h/d");
    QTest::addRow("not a URL at all") << QByteArray("") << QByteArray("");
}

void TestStoreLocation::passwordRanges()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, blanked);
    QByteArray result = text;
    for (const auto &[start, end] : StoreLocation::passwordRanges(text)) {
        QVERIFY(start < end);
        QVERIFY(end <= result.size());
        for (qsizetype i = start; i < end; ++i)
            result[i] = 'x';
    }
    QCOMPARE(result, blanked);
}

void TestStoreLocation::defaultsAreSqlite()
{
    const StoreLocation l;
    QCOMPARE(l.engine, StoreLocation::Engine::Sqlite);
    QCOMPARE(l.port, StoreLocation::DefaultPort);
    QCOMPARE(StoreLocation::DefaultPort, quint16(5432));
    QVERIFY(l.options.isEmpty());
}

// Store::Options: folder, as every caller has given it, or a location; both read back alike.
void TestStoreLocation::storeOnAFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Store byFolder(Store::Options {dir.path()});
    QCOMPARE(byFolder.location(), Database::databasePath(dir.path()));
    QCOMPARE(byFolder.displayName(), Database::databasePath(dir.path()));
    QCOMPARE(byFolder.folder(), dir.path());
    QCOMPARE(byFolder.options().location, StoreLocation::sqlite(dir.path()));
    QVERIFY(!byFolder.isPostgres());

    Store::Options o;
    o.location = StoreLocation::sqlite(dir.path());
    Store byLocation(o);
    QCOMPARE(byLocation.folder(), dir.path());
    QCOMPARE(byLocation.location(), Database::databasePath(dir.path()));
    QString error;
    QVERIFY2(byLocation.start(&error), qPrintable(error));
    byLocation.stop();
    QVERIFY(QFileInfo::exists(Database::databasePath(dir.path())));
}

void TestStoreLocation::postgresStoreIsRefusedForNow()
{
    // A PostgreSQL store nothing answers for (port 1 on loopback): refused with a sentence that
    // names it without its password, and the folder given beside it is never touched.
    QTemporaryDir dir;
    Store::Options o;
    o.folder = dir.path(); // a PostgreSQL location wins
    o.location = *StoreLocation::parse(QStringLiteral("postgresql://monitor:s3cret@127.0.0.1:1/mm"));
    Store store(o);
    QVERIFY(store.isPostgres());
    QVERIFY(store.folder().isEmpty());
    QCOMPARE(store.options().location.password, QStringLiteral("s3cret")); // in memory, for the engine
    QCOMPARE(store.location(), QStringLiteral("postgresql://monitor@127.0.0.1:1/mm"));
    QCOMPARE(store.displayName(), QStringLiteral("postgresql://monitor@127.0.0.1:1/mm"));
    QCOMPARE(store.sizeOnDisk(), qint64(0));
    const QString sentence
        = QStringLiteral("Cannot connect to the PostgreSQL store postgresql://monitor@127.0.0.1:1/mm");
    for (const Store::Open mode : {Store::Open::CreateIfMissing, Store::Open::MustExist}) {
        QString error;
        QVERIFY(!store.openConnection(u"test", &error, mode));
        QVERIFY2(error.startsWith(sentence), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("s3cret")), qPrintable(error));
    }
    QVERIFY(QDir(dir.path()).isEmpty()); // nothing was written to the folder
}

QTEST_GUILESS_MAIN(TestStoreLocation)
#include "tst_storelocation.moc"
