// SPDX-License-Identifier: GPL-3.0-or-later
// The run's configuration (app/config): the saved settings with the command line's over them,
// through the real command-line parser and the declarations in core/settings/settingspecs.
#include "config.h"
#include "settings/settingspecs.h"

#include <QTemporaryDir>
#include <QTest>

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
    void init() { qunsetenv("MIGRATION_MONITOR_SECRETS"); }

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
        saved.stallWorkingMinutes = 5;
        const ResolvedConfig r = resolveConfig(saved, demo.commandLine);
        QCOMPARE(r.options.port, std::optional<quint16>(0));
        QCOMPARE(r.options.address, std::optional<QHostAddress>(QHostAddress(QHostAddress::LocalHost)));
        QCOMPARE(r.options.path, std::optional<QString>(QStringLiteral("/webhooks")));
        QCOMPARE(r.options.dataDir, std::optional<QString>(QStringLiteral("/tmp/demo")));
        QCOMPARE(r.options.toleranceSeconds, std::optional<int>(300));
        QCOMPARE(r.options.retentionMaxMb, std::optional<int>(0));
        QCOMPARE(r.options.secretTexts, QStringList {secret});
        // What the window alone uses still follows the Settings dialog.
        QCOMPARE(r.settings.stallWorkingMinutes, 5);
    }

    void outOfRangeOptionsAreRefused_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addRow("retention-max-mb") << "--retention-max-mb=2000000";
        QTest::addRow("retention-days") << "--retention-days=-1";
        QTest::addRow("tolerance") << "--tolerance=0";
        QTest::addRow("path") << "--path=/a?b";
        QTest::addRow("listen") << "--listen=nowhere:80";
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
