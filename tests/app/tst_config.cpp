// SPDX-License-Identifier: GPL-3.0-or-later
// The run's configuration (app/config): the saved settings with the command line's over them,
// through the real command-line parser and the declarations in core/settings/settingspecs.
#include "config.h"
#include "settings/settingspecs.h"
#include "store/database.h"
#include "storehealth.h"

#include <QTemporaryDir>
#include <QTest>
#include <vector>

using namespace mm;

namespace {
AppOptions parse(QStringList arguments)
{
    arguments.prepend(QStringLiteral("migration-monitor"));
    QString error;
    const auto options = parseOptions(arguments, ArgvSecrets(), &error);
    if (!options)
        qFatal("%s", qPrintable(error));
    return *options;
}

QString parseError(QStringList arguments)
{
    arguments.prepend(QStringLiteral("migration-monitor"));
    QString error;
    if (parseOptions(arguments, ArgvSecrets(), &error))
        return QStringLiteral("(parsed)");
    return error;
}

// argv as main() gets it: writable C strings, so takeSecretsFromArgv can blank them in place.
class Argv
{
public:
    explicit Argv(const QStringList &arguments)
    {
        for (const QString &a : arguments)
            m_storage.push_back(a.toLocal8Bit());
        for (QByteArray &a : m_storage)
            m_pointers.push_back(a.data());
    }
    int argc() const { return int(m_pointers.size()); }
    char **argv() { return m_pointers.data(); }
    QStringList arguments() const
    {
        QStringList list;
        for (const char *a : m_pointers)
            list.append(QString::fromLocal8Bit(a));
        return list;
    }

private:
    std::vector<QByteArray> m_storage;
    std::vector<char *> m_pointers;
};

const char *const StoreEnv = "MIGRATION_MONITOR_STORE";

SettingsValues savedRetention(int days, int maxMb)
{
    SettingsValues saved;
    saved.retentionDays = days;
    saved.retentionMaxMb = maxMb;
    return saved;
}
} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        qunsetenv("MIGRATION_MONITOR_SECRETS");
        qunsetenv(StoreEnv);
    }
    void cleanup() { qunsetenv(StoreEnv); }

    // The worked example: --retention-max-mb over the saved limit, for this run only.
    void commandLineOverridesSaved()
    {
        const ResolvedConfig r
            = resolveConfig(savedRetention(7, 50), parse({QStringLiteral("--retention-max-mb=100")}));
        QCOMPARE(r.settings.retentionMaxMb, 100);
        QCOMPARE(r.options.retentionMaxMb, std::optional<int>(100));
        QVERIFY(r.isFromCommandLine(QLatin1String("retentionMaxMb")));
        // What the command line leaves alone stays saved.
        QCOMPARE(r.settings.retentionDays, 7);
        QCOMPARE(r.options.retentionDays, std::optional<int>(7));
        QVERIFY(!r.isFromCommandLine(QLatin1String("retentionDays")));
    }

    void unsetCommandLineKeepsSaved()
    {
        SettingsValues saved = savedRetention(30, 512);
        saved.listenAddress = QStringLiteral("::1");
        saved.port = 9443;
        saved.path = QStringLiteral("/hooks");
        saved.storeFolder = QStringLiteral("/srv/monitor");
        saved.toleranceSeconds = 60;
        saved.secrets = {QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")};
        const ResolvedConfig r = resolveConfig(saved, parse({}));
        QCOMPARE(r.settings, saved);
        QVERIFY(r.fromCommandLine.isEmpty());
        QCOMPARE(r.options.retentionMaxMb, std::optional<int>(512));
        QCOMPARE(r.options.retentionDays, std::optional<int>(30));
        QCOMPARE(r.options.address, std::optional<QHostAddress>(QHostAddress(QHostAddress::LocalHostIPv6)));
        QCOMPARE(r.options.port, std::optional<quint16>(9443));
        QCOMPARE(r.options.path, std::optional<QString>(QStringLiteral("/hooks")));
        QCOMPARE(r.options.dataDir, std::optional<QString>(QStringLiteral("/srv/monitor")));
        QCOMPARE(r.options.toleranceSeconds, std::optional<int>(60));
        QCOMPARE(r.options.secretTexts, saved.secrets);
    }

    void defaults()
    {
        const AppOptions commandLine = parse({});
        QVERIFY(commandLine.given.isEmpty());
        QVERIFY(!commandLine.retentionMaxMb);
        QVERIFY(!commandLine.dataDir);
        const ResolvedConfig r = resolveConfig(SettingsValues(), commandLine);
        QCOMPARE(r.settings, SettingsValues());
        QCOMPARE(r.settings.retentionMaxMb, 0);
        QCOMPARE(r.settings.port, quint16(8787));
        QCOMPARE(r.options.retentionMaxMb, std::optional<int>(0));
        QCOMPARE(r.options.port, std::optional<quint16>(8787));
        QVERIFY(!r.options.dataDir); // the default folder
        QString error;
        const auto config = receiverConfig(r.options, &error);
        QVERIFY2(config, qPrintable(error));
        QCOMPARE(config->address, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(config->port, quint16(8787));
        QCOMPARE(config->path, QStringLiteral("/webhooks"));
    }

    // Every declared setting with an option: given on the command line, it wins over the saved value.
    void everyOptionOverridesSaved()
    {
        QTemporaryDir dir;
        for (const SettingSpec &spec : settingSpecs()) {
            if (spec.merge == SettingSpec::Merge::SavedOnly || !spec.help)
                continue;
            QStringList arguments;
            QVariant expected;
            switch (spec.kind) {
            case SettingSpec::Kind::Address:
                arguments = {QStringLiteral("--listen=[::1]:9001")};
                expected = QStringLiteral("::1");
                break;
            case SettingSpec::Kind::UrlPath:
                arguments = {QStringLiteral("--") + spec.option, QStringLiteral("given")};
                expected = QStringLiteral("/given");
                break;
            case SettingSpec::Kind::Integer:
                arguments = {QStringLiteral("--") + spec.option, QString::number(spec.high)};
                expected = spec.high;
                break;
            case SettingSpec::Kind::Text:
                arguments = {QStringLiteral("--") + spec.option, dir.filePath(QString(spec.name))};
                expected = dir.filePath(QString(spec.name));
                if (spec.merge == SettingSpec::Merge::CommandLinePair) {
                    const SettingSpec &pair = settingSpec(spec.pair);
                    arguments += {QStringLiteral("--") + pair.option, dir.filePath(QString(pair.name))};
                }
                break;
            case SettingSpec::Kind::Flag:
                arguments = {QStringLiteral("--") + spec.option};
                expected = true;
                break;
            case SettingSpec::Kind::StoreUrl:
                arguments = {QStringLiteral("--") + spec.option,
                             QStringLiteral("postgresql://cli@db.example.com/mm")};
                expected = QStringLiteral("postgresql://cli@db.example.com/mm");
                break;
            case SettingSpec::Kind::Durability:
                arguments = {QStringLiteral("--") + spec.option, QStringLiteral("Process")};
                expected = QStringLiteral("process");
                break;
            }
            SettingsValues saved;
            spec.set(saved,
                     spec.kind == SettingSpec::Kind::Integer ? QVariant(spec.low)
                                                             : QVariant(QStringLiteral("/saved")));
            const ResolvedConfig r = resolveConfig(saved, parse(arguments));
            QCOMPARE(spec.get(r.settings).toString(), expected.toString());
            QVERIFY2(r.isFromCommandLine(spec.name), spec.name.data());
        }
    }

    void tlsCertAndKeyGoTogether()
    {
        SettingsValues saved;
        saved.tlsCert = QStringLiteral("/saved/cert.pem");
        saved.tlsKey = QStringLiteral("/saved/key.pem");
        const ResolvedConfig r = resolveConfig(
            saved,
            parse({QStringLiteral("--tls-cert=/cli/cert.pem"), QStringLiteral("--tls-key=/cli/key.pem")}));
        QCOMPARE(r.settings.tlsCert, QStringLiteral("/cli/cert.pem"));
        QCOMPARE(r.settings.tlsKey, QStringLiteral("/cli/key.pem"));
        QCOMPARE(r.options.tlsKey, QStringLiteral("/cli/key.pem"));
        QVERIFY(
            parseError({QStringLiteral("--tls-key=/cli/key.pem")}).contains(QStringLiteral("go together")));
    }

    void commandLineSecretsWin()
    {
        const QString saved = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        const QString given = QStringLiteral("whsec_c2Vjb25kLWVuZHBvaW50LWtleS1ieXRl");
        SettingsValues values;
        values.secrets = {saved};
        AppOptions commandLine = parse({});
        QCOMPARE(resolveConfig(values, commandLine).options.secretTexts, QStringList {saved});
        commandLine.secretTexts = {given};
        const ResolvedConfig r = resolveConfig(values, commandLine);
        QCOMPARE(r.options.secretTexts, QStringList {given});
        QVERIFY(r.isFromCommandLine(QLatin1String("secrets")));
    }

    // The demo is a configuration: its folder, its secret, loopback on a port the system picks,
    // and receiver and store settings that saved (or applied) ones never change.
    void demoIsAConfiguration()
    {
        const QString secret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        const SessionConfig demo
            = demoSession(parse({QStringLiteral("--demo")}), QStringLiteral("/tmp/demo"), secret);
        QCOMPARE(demo.privateFolder, QStringLiteral("/tmp/demo"));
        QVERIFY(!demo.note.isEmpty());
        // The demo is a configuration: its sender paced for a person, never aimed anywhere yet.
        QVERIFY(demo.demoTraffic.has_value());
        QVERIFY(demo.demoTraffic->continuous && demo.demoTraffic->pacing.enabled);
        QVERIFY(demo.demoTraffic->target.isEmpty());
        SettingsValues saved = savedRetention(3, 10);
        saved.port = 9443;
        saved.path = QStringLiteral("/elsewhere");
        saved.storeFolder = QStringLiteral("/srv/monitor");
        saved.toleranceSeconds = 60;
        saved.secrets = {QStringLiteral("whsec_c2Vjb25kLWVuZHBvaW50LWtleS1ieXRl")};
        saved.quietWorkingMinutes = 5;
        const ResolvedConfig r = resolveConfig(saved, demo.commandLine);
        QCOMPARE(r.options.port, std::optional<quint16>(0));
        QCOMPARE(r.options.address, std::optional<QHostAddress>(QHostAddress(QHostAddress::LocalHost)));
        QCOMPARE(r.options.path, std::optional<QString>(QStringLiteral("/webhooks")));
        QCOMPARE(r.options.dataDir, std::optional<QString>(QStringLiteral("/tmp/demo")));
        QCOMPARE(r.options.toleranceSeconds, std::optional<int>(300));
        QCOMPARE(r.options.retentionMaxMb, std::optional<int>(0));
        QCOMPARE(r.options.secretTexts, QStringList {secret});
        // What the window alone uses still follows the Settings dialog.
        QCOMPARE(r.settings.quietWorkingMinutes, 5);
    }

    // --metrics-listen takes --listen's forms; it stays off unless given.
    void metricsListenTakesTheListenForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QHostAddress>("address");
        QTest::addColumn<int>("port");
        QTest::addRow("port") << "9100" << QHostAddress(QHostAddress::LocalHost) << 9100;
        QTest::addRow("localhost") << "localhost:9100" << QHostAddress(QHostAddress::LocalHost) << 9100;
        QTest::addRow("any") << "0.0.0.0:9464" << QHostAddress(QStringLiteral("0.0.0.0")) << 9464;
        QTest::addRow("IPv6") << "[::1]:9100" << QHostAddress(QStringLiteral("::1")) << 9100;
        QTest::addRow("free port") << "127.0.0.1:0" << QHostAddress(QHostAddress::LocalHost) << 0;
    }

    void metricsListenTakesTheListenForms()
    {
        QFETCH(QString, text);
        QFETCH(QHostAddress, address);
        QFETCH(int, port);
        QVERIFY(!parse({QStringLiteral("--headless")}).metrics);
        const AppOptions o = parse({QStringLiteral("--headless"), QStringLiteral("--metrics-listen"), text});
        QVERIFY(o.metrics);
        QCOMPARE(o.metrics->address, address);
        QCOMPARE(int(o.metrics->port), port);
        // It is not a saved setting: the window's effective options keep it as given.
        QVERIFY(resolveConfig(SettingsValues(), parse({QStringLiteral("--metrics-listen"), text}))
                    .options.metrics);
    }

    void outOfRangeOptionsAreRefused_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addRow("retention-max-mb") << "--retention-max-mb=2000000";
        QTest::addRow("retention-days") << "--retention-days=-1";
        QTest::addRow("tolerance") << "--tolerance=0";
        QTest::addRow("path") << "--path=/a?b";
        QTest::addRow("listen") << "--listen=nowhere:80";
        QTest::addRow("metrics-listen host") << "--metrics-listen=nowhere:80";
        QTest::addRow("metrics-listen port") << "--metrics-listen=127.0.0.1:65536";
        QTest::addRow("metrics-listen IPv6") << "--metrics-listen=[::1]9100";
        QTest::addRow("store port") << "--store=postgresql://db.example.com:99999/mm";
        QTest::addRow("store scheme") << "--store=mysql://db.example.com/mm";
        QTest::addRow("store database") << "--store=postgresql://db.example.com";
        QTest::addRow("durability") << "--durability=sometimes";
    }

    // --durability: power unless asked, on the command line or in the saved settings.
    void durabilityDefaultsToPower()
    {
        QVERIFY(!parse({QStringLiteral("--headless")}).durability);
        QCOMPARE(storeOptions(parse({QStringLiteral("--headless")})).durability, Durability::Power);
        QCOMPARE(storeOptions(parse({QStringLiteral("--durability=process")})).durability,
                 Durability::Process);
        SettingsValues saved;
        saved.durability = QStringLiteral("process");
        QCOMPARE(storeOptions(resolveConfig(saved, parse({})).options).durability, Durability::Process);
        QCOMPARE(storeOptions(resolveConfig(saved, parse({QStringLiteral("--durability=power")})).options)
                     .durability,
                 Durability::Power);
    }

    // --store: the URL is saved and shown without its password, which is kept for the run.
    void storeOptionNamesTheStore()
    {
        const AppOptions commandLine
            = parse({QStringLiteral("--store"),
                     QStringLiteral("postgres://monitor:s3cret@db.example.com:5433/mm"
                                    "?sslmode=require")});
        const QString shown = QStringLiteral("postgresql://monitor@db.example.com:5433/mm?sslmode=require");
        QVERIFY(commandLine.given.contains(QLatin1String("storeUrl")));
        QCOMPARE(commandLine.settings.storeUrl, shown);
        QCOMPARE(commandLine.storePassword, QStringLiteral("s3cret"));
        QVERIFY(commandLine.store);
        QCOMPARE(commandLine.store->password, QStringLiteral("s3cret"));
        SettingsValues saved;
        saved.storeFolder = QStringLiteral("/srv/monitor");
        saved.storeUrl = QStringLiteral("postgresql://saved@elsewhere/mm");
        const ResolvedConfig r = resolveConfig(saved, commandLine);
        QVERIFY(r.isFromCommandLine(QLatin1String("storeUrl")));
        QCOMPARE(r.settings.storeUrl, shown); // what the dialog could show: no password
        QVERIFY(r.options.store);
        QCOMPARE(r.options.store->displayName(), shown);
        const Store::Options o = storeOptions(r.options);
        QVERIFY(o.location.isPostgres());
        QCOMPARE(o.location.host, QStringLiteral("db.example.com"));
        QCOMPARE(o.location.port, quint16(5433));
        QCOMPARE(o.location.database, QStringLiteral("mm"));
        QCOMPARE(o.location.user, QStringLiteral("monitor"));
        QCOMPARE(o.location.password, QStringLiteral("s3cret"));
        QCOMPARE(
            o.location.options,
            (QList<std::pair<QString, QString>> {{QStringLiteral("sslmode"), QStringLiteral("require")}}));
        const Store store(o);
        QCOMPARE(store.displayName(), shown);
    }

    // --store DIR is --data-dir DIR.
    void storeOptionTakesAFolder()
    {
        const ResolvedConfig r
            = resolveConfig(SettingsValues(), parse({QStringLiteral("--store=/srv/other")}));
        const Store store(storeOptions(r.options));
        QVERIFY(!store.isPostgres());
        QCOMPARE(store.folder(), QStringLiteral("/srv/other"));
        QCOMPARE(store.location(), Database::databasePath(QStringLiteral("/srv/other")));
    }

    void storeAndDataDirExcludeEachOther()
    {
        const QString sentence
            = QStringLiteral("--store and --data-dir both say where the store is; give one of "
                             "them (--data-dir DIR is the same as --store DIR).");
        QCOMPARE(parseError({QStringLiteral("--store=postgresql://db.example.com/mm"),
                             QStringLiteral("--data-dir=/srv/monitor")}),
                 sentence);
        QCOMPARE(parseError({QStringLiteral("--data-dir"), QStringLiteral("/srv/monitor"),
                             QStringLiteral("--store"), QStringLiteral("/srv/other")}),
                 sentence);
    }

    // --view-only is the window without a receiver; --instance names a receiver, and is checked.
    void viewOnlyAndInstance()
    {
        const AppOptions viewer = parse(
            {QStringLiteral("--view-only"), QStringLiteral("--store=postgresql://db.example.com/mm")});
        QVERIFY(viewer.viewOnly);
        QCOMPARE(viewer.mode, AppOptions::Mode::Gui);
        QVERIFY(!parse({}).viewOnly);
        const QString notWith
            = QStringLiteral("--view-only is for the window without a receiver; it cannot be "
                             "combined with --headless, --demo or a one-shot command.");
        QCOMPARE(parseError({QStringLiteral("--view-only"), QStringLiteral("--headless")}), notWith);
        QCOMPARE(parseError({QStringLiteral("--view-only"), QStringLiteral("--demo")}), notWith);
        QCOMPARE(parseError({QStringLiteral("--view-only"), QStringLiteral("--export=-")}), notWith);

        const AppOptions named = parse({QStringLiteral("--headless"), QStringLiteral("--instance=eu-west-1a"),
                                        QStringLiteral("--listen=127.0.0.1:9000")});
        QCOMPARE(named.instance, QStringLiteral("eu-west-1a"));
        QCOMPARE(storeOptions(named).instance, QStringLiteral("eu-west-1a"));
        // Unnamed: host:port, so two receivers on one host differ.
        QCOMPARE(
            storeOptions(parse({QStringLiteral("--headless"), QStringLiteral("--listen=127.0.0.1:9000")}))
                .instance.section(u':', -1),
            QStringLiteral("9000"));
        const QString badName
            = QStringLiteral("--instance: expected a name of 1 to 100 letters, digits or . _ : @ / -");
        QCOMPARE(parseError({QStringLiteral("--headless"), QStringLiteral("--instance=two words")}), badName);
        QCOMPARE(parseError({QStringLiteral("--headless"), QStringLiteral("--instance=")}), badName);
        QCOMPARE(parseError({QStringLiteral("--view-only"), QStringLiteral("--instance=x")}),
                 QStringLiteral("--instance names a receiver; give it with --headless or the window."));
    }

    // --store-password-stdin is a command of its own, for the store --store names, with no window.
    void storePasswordIsACommand()
    {
        const AppOptions o
            = parse({QStringLiteral("--store"), QStringLiteral("postgresql://alice@db.example.com/mm"),
                     QStringLiteral("--store-password-stdin")});
        QCOMPARE(o.mode, AppOptions::Mode::StorePassword);
        QVERIFY(o.store && o.store->isPostgres());
        QCOMPARE(o.store->user, QStringLiteral("alice"));
        QVERIFY(parseError({QStringLiteral("--store-password-stdin"), QStringLiteral("--export"),
                            QStringLiteral("-")})
                    .contains(QLatin1String("separate commands")));
        QByteArray program("migration-monitor");
        QByteArray option("--store-password-stdin");
        char *argv[] = {program.data(), option.data()};
        QVERIFY(wantsNoGui(2, argv));
    }

    // --export-company-names / --import-company-names: one-shot commands with no window.
    void companyNamesAreCommands()
    {
        const AppOptions out = parse({QStringLiteral("--data-dir"), QStringLiteral("/tmp/x"),
                                      QStringLiteral("--export-company-names"), QStringLiteral("-")});
        QCOMPARE(out.mode, AppOptions::Mode::ExportCompanyNames);
        QCOMPARE(out.companyNamesFile, QStringLiteral("-"));
        const AppOptions in = parse({QStringLiteral("--import-company-names=names.csv")});
        QCOMPARE(in.mode, AppOptions::Mode::ImportCompanyNames);
        QCOMPARE(in.companyNamesFile, QStringLiteral("names.csv"));
        QVERIFY(parseError({QStringLiteral("--import-company-names"), QStringLiteral("a.csv"),
                            QStringLiteral("--export-company-names"), QStringLiteral("b.csv")})
                    .contains(QLatin1String("separate commands")));
        QByteArray program("migration-monitor");
        QByteArray option("--import-company-names=a.csv");
        char *argv[] = {program.data(), option.data()};
        QVERIFY(wantsNoGui(2, argv));
    }

    // Neither option: the saved store URL, else the saved folder, else the default folder; the
    // command line's --data-dir wins over a saved URL.
    void storeFromSettings()
    {
        {
            const Store::Options o = storeOptions(resolveConfig(SettingsValues(), parse({})).options);
            QVERIFY(!o.location.isPostgres());
            QCOMPARE(Store(o).folder(), Database::defaultDataDir());
        }
        SettingsValues saved;
        saved.storeUrl = QStringLiteral("postgresql://saved@db.example.com/mm");
        {
            const ResolvedConfig r = resolveConfig(saved, parse({}));
            QVERIFY(!r.isFromCommandLine(QLatin1String("storeUrl")));
            QVERIFY(r.options.store);
            QCOMPARE(r.options.store->user, QStringLiteral("saved"));
            QVERIFY(r.options.store->password.isEmpty());
            QVERIFY(storeOptions(r.options).location.isPostgres());
        }
        {
            const ResolvedConfig r = resolveConfig(saved, parse({QStringLiteral("--data-dir=/cli")}));
            QVERIFY(!r.options.store);
            const Store store(storeOptions(r.options));
            QVERIFY(!store.isPostgres());
            QCOMPARE(store.folder(), QStringLiteral("/cli"));
        }
    }

    // MIGRATION_MONITOR_STORE does what --store does, but the command line wins.
    void storeFromTheEnvironment()
    {
        qputenv(StoreEnv, "postgresql://env:envpass@db.example.com/envdb");
        {
            const ResolvedConfig r = resolveConfig(SettingsValues(), parse({}));
            QVERIFY(r.isFromCommandLine(QLatin1String("storeUrl")));
            QVERIFY(r.options.store);
            QCOMPARE(r.options.store->database, QStringLiteral("envdb"));
            QCOMPARE(r.options.store->password, QStringLiteral("envpass"));
            QCOMPARE(r.settings.storeUrl, QStringLiteral("postgresql://env@db.example.com/envdb"));
        }
        {
            const AppOptions o = parse({QStringLiteral("--store=postgresql://cli@db.example.com/clidb")});
            QCOMPARE(o.store->database, QStringLiteral("clidb"));
            QVERIFY(o.store->password.isEmpty()); // not the environment's
        }
        {
            const ResolvedConfig r
                = resolveConfig(SettingsValues(), parse({QStringLiteral("--data-dir=/cli")}));
            QVERIFY(!r.options.store);
            QCOMPARE(r.options.dataDir, std::optional<QString>(QStringLiteral("/cli")));
        }
        qputenv(StoreEnv, "postgresql://env:envpass@db.example.com:0/envdb");
        QCOMPARE(parseError({}),
                 QStringLiteral("MIGRATION_MONITOR_STORE: The store URL's port must be a number "
                                "from 1 to 65535."));
        qputenv(StoreEnv, "   ");
        QVERIFY(!parse({}).store); // blank is unset
    }

    // The demo's store is its throw-away folder, whatever --store says.
    void demoIgnoresTheStore()
    {
        qputenv(StoreEnv, "postgresql://env@db.example.com/envdb");
        const SessionConfig demo = demoSession(
            parse({QStringLiteral("--demo"), QStringLiteral("--store=postgresql://h/d")}),
            QStringLiteral("/tmp/demo"), QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        SettingsValues saved;
        saved.storeUrl = QStringLiteral("postgresql://saved@db.example.com/mm");
        const ResolvedConfig r = resolveConfig(saved, demo.commandLine);
        QVERIFY(!r.options.store);
        const Store store(storeOptions(r.options));
        QCOMPARE(store.folder(), QStringLiteral("/tmp/demo"));
    }

    // The password in --store's URL is blanked in argv, in place, and kept in memory: the
    // parser gets the URL as given. The rest of the argument stays readable.
    void storePasswordIsBlankedInArgv_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("blanked");
        QTest::addColumn<QString>("password");
        QTest::addRow("--store URL")
            << QStringList {QStringLiteral("--headless"), QStringLiteral("--store"),
                            QStringLiteral("postgresql://monitor:Sup3r%40Secret@db:5433/mm")}
            << QStringList {QStringLiteral("--headless"), QStringLiteral("--store"),
                            QStringLiteral("postgresql://monitor:xxxxxxxxxxxxxx@db:5433/mm")}
            << QStringLiteral("Sup3r@Secret");
        QTest::addRow("--store=URL")
            << QStringList {QStringLiteral("--store=postgres://m:Sup3rSecret@db/mm?sslmode=require")}
            << QStringList {QStringLiteral("--store=postgres://m:xxxxxxxxxxx@db/mm?sslmode=require")}
            << QStringLiteral("Sup3rSecret");
        QTest::addRow("password parameter")
            << QStringList {QStringLiteral("--store"),
                            QStringLiteral("postgresql://db/mm?password=Sup3rSecret&sslmode=require")}
            << QStringList {QStringLiteral("--store"),
                            QStringLiteral("postgresql://db/mm?password=xxxxxxxxxxx&sslmode=require")}
            << QStringLiteral("Sup3rSecret");
        QTest::addRow("with a --secret")
            << QStringList {QStringLiteral("--secret"),
                            QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                            QStringLiteral("--store=postgresql://m:Sup3rSecret@db/mm")}
            << QStringList {QStringLiteral("--secret"),
                            QString(QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").size(), u'x'),
                            QStringLiteral("--store=postgresql://m:xxxxxxxxxxx@db/mm")}
            << QStringLiteral("Sup3rSecret");
        QTest::addRow("no password") << QStringList {QStringLiteral("--store"),
                                                     QStringLiteral("postgresql://m@db/mm")}
                                     << QStringList {QStringLiteral("--store"),
                                                     QStringLiteral("postgresql://m@db/mm")}
                                     << QString();
        QTest::addRow("a folder") << QStringList {QStringLiteral("--store"), QStringLiteral("/srv/a:b@c")}
                                  << QStringList {QStringLiteral("--store"), QStringLiteral("/srv/a:b@c")}
                                  << QString();
        // A value that only looks like --store: --path's, say.
        QTest::addRow("not --store") << QStringList {QStringLiteral("--path"),
                                                     QStringLiteral("/postgresql://m:p@db/mm")}
                                     << QStringList {QStringLiteral("--path"),
                                                     QStringLiteral("/postgresql://m:p@db/mm")}
                                     << QString();
    }

    void storePasswordIsBlankedInArgv()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, blanked);
        QFETCH(QString, password);
        arguments.prepend(QStringLiteral("migration-monitor"));
        blanked.prepend(QStringLiteral("migration-monitor"));
        Argv argv(arguments);
        const ArgvSecrets secrets = takeSecretsFromArgv(argv.argc(), argv.argv());
        QCOMPARE(argv.arguments(), blanked);
        if (!password.isEmpty())
            QVERIFY(!argv.arguments().join(u' ').contains(password));
        QString error;
        const auto options = parseOptions(argv.arguments(), secrets, &error);
        QVERIFY2(options, qPrintable(error));
        QCOMPARE(options->storePassword, password);
        if (options->given.contains(QLatin1String("storeUrl"))) {
            QVERIFY(options->store);
            QCOMPARE(options->store->password, password);
            QVERIFY(!options->settings.storeUrl.contains(QLatin1String("xxx")));
            if (!password.isEmpty())
                QVERIFY(!options->settings.storeUrl.contains(password));
        }
    }

    void outOfRangeOptionsAreRefused()
    {
        QFETCH(QString, argument);
        const QString error = parseError({argument});
        QVERIFY2(error.startsWith(argument.section(u'=', 0, 0) + u':'), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
