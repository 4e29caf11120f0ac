// SPDX-License-Identifier: GPL-3.0-or-later
// The pure parts of the single-instance check (app/instancekey.*): the store's identity, the bus
// and socket name derived from it, what a second launch is told, and the local socket's messages.
#include "instancekey.h"
#include "util/appid.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace mm;

Q_DECLARE_METATYPE(mm::LaunchRequest)
Q_DECLARE_METATYPE(mm::InstanceState)

namespace {
AppOptions parsed(const QStringList &args)
{
    QString error;
    const auto o
        = parseOptions(QStringList {QStringLiteral("migration-monitor")} + args, ArgvSecrets {}, &error);
    if (!o)
        qFatal("%s", qPrintable(error));
    return *o;
}
} // namespace

class TestInstanceKey final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // The default store's folder comes from XDG_DATA_HOME; the environment names no store.
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("data"))));
        qunsetenv("MIGRATION_MONITOR_STORE");
        QCoreApplication::setApplicationName(QStringLiteral("migration-monitor"));
    }

    void sqliteIdentityIsTheCanonicalFolder()
    {
        const QString real = m_home.filePath(QStringLiteral("real"));
        QVERIFY(QDir().mkpath(real));
        const QString link = m_home.filePath(QStringLiteral("link"));
        QVERIFY(QFile::link(real, link));
        const QString canonical = QStringLiteral("sqlite:") + QFileInfo(real).canonicalFilePath();
        QCOMPARE(storeIdentity(StoreLocation::sqlite(real)), canonical);
        QCOMPARE(storeIdentity(StoreLocation::sqlite(link)), canonical);
        QCOMPARE(storeIdentity(StoreLocation::sqlite(real + QStringLiteral("/"))), canonical);
        QCOMPARE(storeIdentity(StoreLocation::sqlite(real + QStringLiteral("/sub/.."))), canonical);
        // Not there yet: the cleaned absolute path, which is where it will be made.
        const QString later = m_home.filePath(QStringLiteral("later"));
        QCOMPARE(storeIdentity(StoreLocation::sqlite(later + QStringLiteral("//"))),
                 QStringLiteral("sqlite:") + QDir::cleanPath(later));
        QVERIFY(storeIdentity(StoreLocation::sqlite(real)) != storeIdentity(StoreLocation::sqlite(later)));
    }

    void postgresIdentityLeavesOutThePassword()
    {
        const auto a = StoreLocation::parse(
            QStringLiteral("postgresql://mm:secret@DB.example:5433/team?sslmode=require"));
        const auto b = StoreLocation::parse(QStringLiteral("postgresql://mm:other@db.example:5433/team"));
        const auto c = StoreLocation::parse(QStringLiteral("postgresql://mm@db.example:5433/other"));
        const auto d = StoreLocation::parse(QStringLiteral("postgresql://viewer@db.example:5433/team"));
        QVERIFY(a && b && c && d);
        QCOMPARE(storeIdentity(*a), QStringLiteral("postgresql://mm@db.example:5433/team"));
        QVERIFY(!storeIdentity(*a).contains(QLatin1String("secret")));
        QCOMPARE(storeIdentity(*a), storeIdentity(*b));
        QVERIFY(storeIdentity(*a) != storeIdentity(*c));
        QVERIFY(storeIdentity(*a) != storeIdentity(*d));
    }

    void namesAreValidBusNames_data()
    {
        QTest::addColumn<QString>("identity");
        QTest::addRow("folder") << QStringLiteral("sqlite:/home/ana/.local/share/migration-monitor");
        QTest::addRow("odd folder") << QStringLiteral("sqlite:/tmp/é ü/../$x\n");
        QTest::addRow("postgres") << QStringLiteral("postgresql://mm@db:5432/team");
        QTest::addRow("empty") << QString();
    }
    void namesAreValidBusNames()
    {
        QFETCH(QString, identity);
        QCOMPARE(instanceName(identity, true), QLatin1String(AppId));
        const QString name = instanceName(identity, false);
        QVERIFY2(isValidBusName(name), qPrintable(name));
        QVERIFY(name.startsWith(QLatin1String(AppId) + QStringLiteral(".Store_")));
        QCOMPARE(name, instanceName(identity, false)); // stable
        QVERIFY(name != instanceName(identity + u'x', false));
        // A file name too, short enough for a socket path in the runtime folder.
        QVERIFY(!name.contains(u'/'));
        QVERIFY(name.size() < 64);
    }

    void busNameRules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::addRow("app id") << QStringLiteral("io.github.anon.MigrationMonitor") << true;
        QTest::addRow("hyphen, underscore") << QStringLiteral("a.b-c_d") << true;
        QTest::addRow("one element") << QStringLiteral("MigrationMonitor") << false;
        QTest::addRow("digit first") << QStringLiteral("io.github.anon.3store") << false;
        QTest::addRow("empty element") << QStringLiteral("io..anon") << false;
        QTest::addRow("trailing dot") << QStringLiteral("io.anon.") << false;
        QTest::addRow("unique name") << QStringLiteral(":1.42") << false;
        QTest::addRow("slash") << QStringLiteral("io.anon/x") << false;
        QTest::addRow("non-ASCII") << QStringLiteral("io.anön") << false;
        QTest::addRow("256 characters") << QStringLiteral("a.") + QString(254, u'b') << false;
        QTest::addRow("255 characters") << QStringLiteral("a.") + QString(253, u'b') << true;
    }
    void busNameRules()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidBusName(name), valid);
    }

    void keyFollowsTheStore()
    {
        SettingsValues saved; // nothing saved: the default folder
        const InstanceKey bare = instanceKeyFor(parsed({}), saved);
        QVERIFY(bare.configuredStore);
        QCOMPARE(bare.name(), QLatin1String(AppId));
        // Options that are not the store do not change the key.
        QCOMPARE(instanceKeyFor(parsed({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:9000"),
                                        QStringLiteral("--view-only")}),
                                saved)
                     .name(),
                 QLatin1String(AppId));
        // The default folder named on the command line is the same store.
        const QString defaultFolder = m_home.filePath(QStringLiteral("data/migration-monitor"));
        QCOMPARE(instanceKeyFor(parsed({QStringLiteral("--data-dir"), defaultFolder}), saved).name(),
                 QLatin1String(AppId));
        // Another folder, or a PostgreSQL store: another window, another name.
        const QString other = m_home.filePath(QStringLiteral("other"));
        const InstanceKey otherKey = instanceKeyFor(parsed({QStringLiteral("--data-dir"), other}), saved);
        QVERIFY(!otherKey.configuredStore);
        QCOMPARE(otherKey.identity, storeIdentity(StoreLocation::sqlite(other)));
        QVERIFY(isValidBusName(otherKey.name()));
        QCOMPARE(instanceKeyFor(parsed({QStringLiteral("--store"), other}), saved).name(), otherKey.name());
        const InstanceKey pg = instanceKeyFor(
            parsed({QStringLiteral("--store"), QStringLiteral("postgresql://mm@db/team")}), saved);
        QVERIFY(!pg.configuredStore);
        QVERIFY(pg.name() != otherKey.name());

        // A store saved in Settings is what a bare launch opens: it keeps the app id.
        saved.storeFolder = other;
        QCOMPARE(instanceKeyFor(parsed({}), saved).name(), QLatin1String(AppId));
        QCOMPARE(instanceKeyFor(parsed({}), saved).identity, otherKey.identity);
        QCOMPARE(instanceKeyFor(parsed({QStringLiteral("--data-dir"), other}), saved).name(),
                 QLatin1String(AppId));
        QVERIFY(instanceKeyFor(parsed({QStringLiteral("--data-dir"), defaultFolder}), saved).name()
                != QLatin1String(AppId));

        // MIGRATION_MONITOR_STORE is part of what a bare launch opens here.
        qputenv("MIGRATION_MONITOR_STORE", QFile::encodeName(m_home.filePath(QStringLiteral("env"))));
        const InstanceKey fromEnv = instanceKeyFor(parsed({}), SettingsValues {});
        qunsetenv("MIGRATION_MONITOR_STORE");
        QCOMPARE(fromEnv.name(), QLatin1String(AppId));
        QCOMPARE(fromEnv.identity,
                 storeIdentity(StoreLocation::sqlite(m_home.filePath(QStringLiteral("env")))));
    }

    void demoMeetsTheConfiguredStore()
    {
        const InstanceKey demo
            = instanceKeyFor(parsed({QStringLiteral("--demo"), QStringLiteral("--data-dir"),
                                     m_home.filePath(QStringLiteral("x"))}),
                             SettingsValues {});
        QCOMPARE(demo.name(), QLatin1String(AppId));
    }

    void notes_data()
    {
        QTest::addColumn<LaunchRequest>("asked");
        QTest::addColumn<InstanceState>("running");
        QTest::addColumn<QStringList>("starts"); // each note's beginning, in order

        QTest::addRow("plain on plain") << LaunchRequest {} << InstanceState {} << QStringList {};
        QTest::addRow("demo on demo")
            << LaunchRequest {true, false, false, {}} << InstanceState {true, false} << QStringList {};
        QTest::addRow("viewer on viewer")
            << LaunchRequest {false, true, false, {}} << InstanceState {false, true} << QStringList {};
        QTest::addRow("demo on store") << LaunchRequest {true, false, false, {}} << InstanceState {}
                                       << QStringList {QStringLiteral("--demo was not applied")};
        QTest::addRow("store on demo") << LaunchRequest {} << InstanceState {true, false}
                                       << QStringList {QStringLiteral("the running window is the demo")};
        QTest::addRow("view-only on receiver") << LaunchRequest {false, true, false, {}} << InstanceState {}
                                               << QStringList {QStringLiteral("--view-only was not applied")};
        QTest::addRow("receiver on viewer") << LaunchRequest {} << InstanceState {false, true}
                                            << QStringList {QStringLiteral("the running window only views")};
        QTest::addRow("options") << LaunchRequest {false,
                                                   false,
                                                   false,
                                                   {QStringLiteral("--listen"),
                                                    QStringLiteral("--retention-days")}}
                                 << InstanceState {}
                                 << QStringList {QStringLiteral("not applied to the running window")};
        QTest::addRow("demo and options on store")
            << LaunchRequest {true, false, false, {QStringLiteral("--listen")}} << InstanceState {}
            << QStringList {QStringLiteral("--demo was not applied"), QStringLiteral("not applied")};
    }
    void notes()
    {
        QFETCH(LaunchRequest, asked);
        QFETCH(InstanceState, running);
        QFETCH(QStringList, starts);
        const QStringList notes = activationNotes(asked, running);
        QCOMPARE(notes.size(), starts.size());
        for (qsizetype i = 0; i < notes.size(); ++i)
            QVERIFY2(notes[i].startsWith(starts[i]), qPrintable(notes[i]));
        for (const QString &option : asked.options)
            QVERIFY(notes.join(u' ').contains(option));
    }

    void launchRequestNamesStartOptions()
    {
        const LaunchRequest plain = launchRequestFor(parsed({}));
        QVERIFY(plain.options.isEmpty());
        const LaunchRequest r = launchRequestFor(parsed(
            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:9000"), QStringLiteral("--data-dir"),
             m_home.filePath(QStringLiteral("y")), QStringLiteral("--minimized")}));
        QCOMPARE(r.options, QStringList {QStringLiteral("--listen")}); // once, and the store is the key
        QVERIFY(r.minimized);
        QVERIFY(!r.demo && !r.viewOnly);
    }

    void dbusActivatedIsForTheWindow()
    {
        QVERIFY(parsed({QStringLiteral("--dbus-activated")}).dbusActivated);
        QVERIFY(!parsed({}).dbusActivated);
        QVERIFY(launchRequestFor(parsed({QStringLiteral("--dbus-activated")})).options.isEmpty());
        QString error;
        QVERIFY(!parseOptions({QStringLiteral("migration-monitor"), QStringLiteral("--dbus-activated"),
                               QStringLiteral("--headless")},
                              ArgvSecrets {}, &error));
        QVERIFY2(error.contains(QLatin1String("--dbus-activated")), qPrintable(error));
    }

    void localMessagesRoundTrip()
    {
        const LocalRequest request {QStringLiteral("Activate"),
                                    {{QStringLiteral("activation-token"), QStringLiteral("t0k")}}};
        const QByteArray line = encodeRequest(request);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        const auto back = decodeRequest(line);
        QVERIFY(back);
        QCOMPARE(back->method, request.method);
        QCOMPARE(back->platformData.value(QStringLiteral("activation-token")).toString(),
                 QStringLiteral("t0k"));
        QVERIFY(decodeRequest(encodeRequest({QStringLiteral("State"), {}})));

        for (const InstanceState s :
             {InstanceState {}, InstanceState {true, false}, InstanceState {false, true}}) {
            const auto state = decodeState(encodeState(s));
            QVERIFY(state);
            QCOMPARE(*state, s);
        }
    }

    void localMessagesRefuseOthers_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addRow("empty") << QByteArray("\n");
        QTest::addRow("not JSON") << QByteArray("activate\n");
        QTest::addRow("array") << QByteArray("[]\n");
        QTest::addRow("unknown method") << QByteArray(R"({"method":"Quit"})"
                                                      "\n");
        QTest::addRow("platform data not an object")
            << QByteArray(R"({"method":"Activate","platform-data":1})"
                          "\n");
    }
    void localMessagesRefuseOthers()
    {
        QFETCH(QByteArray, line);
        QVERIFY(!decodeRequest(line));
        QVERIFY(!decodeState(line));
        QVERIFY(!decodeState(R"({"demo":"yes","view-only":false})"));
        QVERIFY(!decodeState(R"({"demo":true})"));
    }

private:
    QTemporaryDir m_home;
};

QTEST_GUILESS_MAIN(TestInstanceKey)
#include "tst_instancekey.moc"
