// SPDX-License-Identifier: GPL-3.0-or-later
#include "options.h"

#include "replayoptions.h"
#include "settings/settingspecs.h"
#include "store/database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
#include <cstring>

namespace mm {

namespace {
const char *const SecretsEnv = "MIGRATION_MONITOR_SECRETS";
const char *const StoreEnv = "MIGRATION_MONITOR_STORE";

// HOST:PORT, [IPv6]:PORT or PORT (host localhost), for --listen and --metrics-listen alike.
bool parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error,
                 QLatin1String option = QLatin1String("--listen"))
{
    QString host;
    QString portText;
    if (text.startsWith(u'[')) { // [::1]:8787
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || close + 1 >= text.size() || text[close + 1] != u':') {
            *error = QStringLiteral("%1: expected [IPv6]:PORT, got '%2'").arg(option, text);
            return false;
        }
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else if (text.contains(u':')) {
        const qsizetype colon = text.lastIndexOf(u':');
        host = text.left(colon);
        portText = text.mid(colon + 1);
    } else {
        portText = text;
    }
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535) {
        *error = QStringLiteral("%1: '%2' is not a port number (0-65535)").arg(option, portText);
        return false;
    }
    *port = quint16(p);
    if (host.isEmpty() || host == QLatin1String("localhost")) {
        *address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address->setAddress(host)) {
        *error = QStringLiteral("%1: '%2' is not an IP address").arg(option, host);
        return false;
    }
    return true;
}
// Reads a declared setting's option into o.settings, naming it in o.given.
bool readSetting(const SettingSpec &spec, const QString &text, AppOptions &o, QString *error)
{
    auto given = [&o](const SettingSpec &s, const QVariant &value) {
        s.set(o.settings, value);
        if (!o.given.contains(s.name))
            o.given.append(QString(s.name));
    };
    switch (spec.kind) {
    case SettingSpec::Kind::Address: { // HOST:PORT, the address and the port settings at once
        QHostAddress address;
        quint16 port = 0;
        if (!parseListen(text, &address, &port, error))
            return false;
        given(spec, address.toString());
        given(settingSpec(QLatin1String("port")), port);
        return true;
    }
    case SettingSpec::Kind::UrlPath: {
        QString p = text;
        if (!p.startsWith(u'/'))
            p.prepend(u'/');
        if (!isPlainUrlPath(p)) {
            *error = QStringLiteral("--%1: '%2' is not a plain URL path.").arg(spec.option, text);
            return false;
        }
        given(spec, p);
        return true;
    }
    case SettingSpec::Kind::Integer: {
        bool ok = false;
        const int n = text.toInt(&ok);
        if (!ok || n < spec.low || n > spec.high) {
            *error = QStringLiteral("--%1: expected a whole number from %2 to %3.")
                         .arg(spec.option)
                         .arg(spec.low)
                         .arg(spec.high);
            return false;
        }
        given(spec, n);
        return true;
    }
    case SettingSpec::Kind::Flag:
        given(spec, true);
        return true;
    case SettingSpec::Kind::Text:
        given(spec, text);
        return true;
    case SettingSpec::Kind::Durability: {
        const auto d = parseDurability(text.trimmed());
        if (!d) {
            *error = QStringLiteral("--%1: expected power or process, not '%2'.").arg(spec.option, text);
            return false;
        }
        given(spec, durabilityName(*d));
        return true;
    }
    case SettingSpec::Kind::StoreUrl: {
        // Saved and shown without the password, which is kept for this run only.
        QString why;
        const auto location = StoreLocation::parse(text, &why);
        if (!location) {
            *error = QStringLiteral("--%1: %2").arg(spec.option, why);
            return false;
        }
        given(spec, location->url(false));
        o.storePassword = location->password;
        return true;
    }
    }
    return false;
}
} // namespace

ArgvSecrets takeSecretsFromArgv(int argc, char **argv)
{
    ArgvSecrets secrets;
    // The value of `name` at argv[*i] (as "--name V" or "--name=V"), or null.
    auto valueOf = [argc, argv](int *i, const char *name) -> char * {
        char *arg = argv[*i];
        const size_t n = std::strlen(name);
        if (std::strcmp(arg, name) == 0 && *i + 1 < argc)
            return argv[++*i];
        if (std::strncmp(arg, name, n) == 0 && arg[n] == '=')
            return arg + n + 1;
        return nullptr;
    };
    // Takes the value of `name`, blanking it.
    auto take = [&valueOf](int *i, const char *name, QString *into) {
        char *value = valueOf(i, name);
        if (!value)
            return false;
        *into = QString::fromLocal8Bit(value);
        std::memset(value, 'x', std::strlen(value));
        return true;
    };
    for (int i = 1; i < argc; ++i) {
        QString value;
        if (take(&i, "--secret", &value)) {
            secrets.endpoint.append(value);
            continue;
        }
        if (take(&i, "--resign-secret", &secrets.resign) || take(&i, "--forward-secret", &secrets.forward))
            continue;
        if (char *store = valueOf(&i, "--store")) {
            // The URL stays readable; its password does not.
            secrets.store = QString::fromLocal8Bit(store);
            for (const auto &[start, end] : StoreLocation::passwordRanges(store))
                std::memset(store + start, 'x', size_t(end - start));
        }
    }
    return secrets;
}

bool wantsNoGui(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!std::strcmp(a, "--headless") || !std::strcmp(a, "--export") || !std::strncmp(a, "--export=", 9)
            || !std::strcmp(a, "--report-migrations") || !std::strncmp(a, "--report-migrations=", 20)
            || !std::strcmp(a, "--replay-to") || !std::strncmp(a, "--replay-to=", 12)
            || !std::strcmp(a, "--import") || !std::strncmp(a, "--import=", 9)
            || !std::strcmp(a, "--export-har") || !std::strncmp(a, "--export-har=", 13)
            || !std::strcmp(a, "--follow") || !std::strcmp(a, "--store-password-stdin")
            || !std::strcmp(a, "--export-company-names") || !std::strncmp(a, "--export-company-names=", 23)
            || !std::strcmp(a, "--import-company-names") || !std::strncmp(a, "--import-company-names=", 23)
            || !std::strcmp(a, "--help") || !std::strcmp(a, "-h") || !std::strcmp(a, "--version")
            || !std::strcmp(a, "-v"))
            return true;
    }
    return false;
}

std::optional<AppOptions> parseOptions(const QCoreApplication &app, const ArgvSecrets &secretsFromArgv,
                                       QString *error)
{
    return parseOptions(app.arguments(), secretsFromArgv, error);
}

std::optional<AppOptions> parseOptions(const QStringList &arguments, const ArgvSecrets &secretsFromArgv,
                                       QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Migration Monitor receives Anon's Svix-signed migration webhooks, stores them durably and shows "
            "migrations live.\n\nSecrets: pass them in the %1 environment variable (whitespace-separated) "
            "rather than with --secret, which process listings can see.")
            .arg(QLatin1String(SecretsEnv)));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the receiver and store without a window."));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral("Start with a built-in simulated sender and a throw-away store."));
    const QCommandLineOption minimized(
        QStringLiteral("minimized"),
        QStringLiteral("Start with the window hidden in the system tray, or minimised where there is no tray "
                       "(used by Start at login)."));
    // The D-Bus service file's: the window waits for the call that made the bus start it.
    QCommandLineOption dbusActivated(
        QStringLiteral("dbus-activated"),
        QStringLiteral(
            "Started by the session bus: run as its first call (Activate, or the demo action) asks."));
    dbusActivated.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption viewOnly(
        QStringLiteral("view-only"),
        QStringLiteral("Open the window without a receiver of its own: it shows what the receivers writing "
                       "to the store (--store) commit, live."));
    const QCommandLineOption instance(
        QStringLiteral("instance"),
        QStringLiteral("This receiver's name in a shared store, recorded with each attempt and listening "
                       "interval (default HOST:PORT)."),
        QStringLiteral("NAME"));
    // The saved settings' options, declared with them (settingSpecs()).
    std::vector<std::pair<QCommandLineOption, const SettingSpec *>> settingOptions;
    for (const SettingSpec &spec : settingSpecs()) {
        if (spec.help)
            settingOptions.emplace_back(
                QCommandLineOption(QString(spec.option), spec.help(), QString(spec.valueName)), &spec);
    }
    const QCommandLineOption secret(
        QStringLiteral("secret"), QStringLiteral("Endpoint signing secret (whsec_...); repeat for rotation."),
        QStringLiteral("S"));
    const QCommandLineOption maxBody(QStringLiteral("max-body"),
                                     QStringLiteral("Largest accepted body in bytes (default 2097152)."),
                                     QStringLiteral("BYTES"));
    const QCommandLineOption exportTo(
        QStringLiteral("export"),
        QStringLiteral("Write the stored deliveries as JSON Lines to FILE (- for stdout) "
                       "and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption report(
        QStringLiteral("report-migrations"),
        QStringLiteral("Write one JSON line per migration rebuilt from the store to FILE "
                       "(- for stdout) and exit."),
        QStringLiteral("FILE"));
    parser.addOptions({headless, demo, minimized, dbusActivated, viewOnly, instance});
    for (const auto &[option, spec] : settingOptions)
        parser.addOption(option);
    const QCommandLineOption follow(
        QStringLiteral("follow"),
        QStringLiteral("Print every delivery as a JSON line (the --export fields) as soon as any receiver "
                       "commits it, until interrupted."));
    const QCommandLineOption metricsListen(
        QStringLiteral("metrics-listen"),
        QStringLiteral("Serve GET /metrics (Prometheus text) and GET /healthz on HOST:PORT, a port of their "
                       "own, never the public webhook one (default: off; HOST defaults to 127.0.0.1)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption storePassword(
        QStringLiteral("store-password-stdin"),
        QStringLiteral("Read the PostgreSQL store's password as one line from stdin, save it in the keyring "
                       "and exit. It is used when PGPASSWORD and ~/.pgpass have none for the store."));
    const QCommandLineOption exportNames(
        QStringLiteral("export-company-names"),
        QStringLiteral("Write the company names kept in the store as CSV (company_id,name) to FILE "
                       "(- for stdout) and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption importNames(
        QStringLiteral("import-company-names"),
        QStringLiteral("Set company names from a CSV file (company_id,name with a header row; an empty name "
                       "removes one; - for stdin) in one transaction, and exit. A bad row imports nothing."),
        QStringLiteral("FILE"));
    parser.addOptions(
        {secret, maxBody, exportTo, report, follow, metricsListen, storePassword, exportNames, importNames});
    const ReplayCommandLine replayOptions;
    replayOptions.addTo(parser);
    parser.process(arguments);

    AppOptions o;
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("Unexpected argument '%1' (see --help).")
                     .arg(parser.positionalArguments().first());
        return std::nullopt;
    }
    o.demo = parser.isSet(demo);
    o.minimized = parser.isSet(minimized);
    o.dbusActivated = parser.isSet(dbusActivated);
    if (int(parser.isSet(exportTo)) + int(parser.isSet(report)) + int(parser.isSet(follow))
            + int(parser.isSet(storePassword)) + int(parser.isSet(exportNames))
            + int(parser.isSet(importNames))
        > 1) {
        *error = QStringLiteral(
            "--export, --report-migrations, --follow, --store-password-stdin, --export-company-names and "
            "--import-company-names are separate commands; run them one at a time.");
        return std::nullopt;
    }
    if (parser.isSet(exportNames)) {
        o.mode = AppOptions::Mode::ExportCompanyNames;
        o.companyNamesFile = parser.value(exportNames);
    } else if (parser.isSet(importNames)) {
        o.mode = AppOptions::Mode::ImportCompanyNames;
        o.companyNamesFile = parser.value(importNames);
    } else if (parser.isSet(storePassword)) {
        o.mode = AppOptions::Mode::StorePassword;
    } else if (parser.isSet(report)) {
        o.mode = AppOptions::Mode::ReportMigrations;
        o.reportTarget = parser.value(report);
    } else if (parser.isSet(follow)) {
        o.mode = AppOptions::Mode::Follow;
    } else if (parser.isSet(exportTo)) {
        o.mode = AppOptions::Mode::Export;
        o.exportTarget = parser.value(exportTo);
    } else if (parser.isSet(headless)) {
        o.mode = AppOptions::Mode::Headless;
    }
    if (!replayOptions.read(parser, secretsFromArgv, o, error))
        return std::nullopt;
    if (o.demo && o.mode != AppOptions::Mode::Gui) {
        *error
            = QStringLiteral("--demo is for the window; it cannot be combined with --headless or --export.");
        return std::nullopt;
    }
    o.viewOnly = parser.isSet(viewOnly);
    if (o.viewOnly && (o.mode != AppOptions::Mode::Gui || o.demo)) {
        *error
            = QStringLiteral("--view-only is for the window without a receiver; it cannot be combined with "
                             "--headless, --demo or a one-shot command.");
        return std::nullopt;
    }
    if (parser.isSet(instance)) {
        o.instance = parser.value(instance).trimmed();
        static const QRegularExpression valid(QStringLiteral("^[\\w.:@/-]{1,100}$"));
        if (!valid.match(o.instance).hasMatch()) {
            *error = QStringLiteral("--instance: expected a name of 1 to 100 letters, digits or . _ : @ / -");
            return std::nullopt;
        }
        if (o.mode != AppOptions::Mode::Headless && (o.mode != AppOptions::Mode::Gui || o.viewOnly)) {
            *error = QStringLiteral("--instance names a receiver; give it with --headless or the window.");
            return std::nullopt;
        }
    }
    if (parser.isSet(metricsListen)) {
        if ((o.mode != AppOptions::Mode::Gui && o.mode != AppOptions::Mode::Headless) || o.viewOnly) {
            *error = QStringLiteral("--metrics-listen is for a running receiver (--headless or the window); "
                                    "it cannot be combined with a one-shot command or --view-only.");
            return std::nullopt;
        }
        MetricsConfig metrics;
        if (!parseListen(parser.value(metricsListen), &metrics.address, &metrics.port, error,
                         QLatin1String("--metrics-listen")))
            return std::nullopt;
        o.metrics = metrics;
    }
    if (o.dbusActivated && o.mode != AppOptions::Mode::Gui) {
        *error
            = QStringLiteral("--dbus-activated is for the window; it cannot be combined with --headless or "
                             "--export.");
        return std::nullopt;
    }
    if (o.minimized && o.mode != AppOptions::Mode::Gui) {
        *error = QStringLiteral(
            "--minimized is for the window; it cannot be combined with --headless or --export.");
        return std::nullopt;
    }
    for (const auto &[option, spec] : settingOptions) {
        // --store's URL as given, before argv's password was blanked.
        const QString text = spec->kind == SettingSpec::Kind::StoreUrl && !secretsFromArgv.store.isEmpty()
            ? secretsFromArgv.store
            : parser.value(option);
        if (parser.isSet(option) && !readSetting(*spec, text, o, error))
            return std::nullopt;
    }
    const bool storeGiven = o.given.contains(QLatin1String("storeUrl"));
    const bool folderGiven = o.given.contains(QLatin1String("storeFolder"));
    if (storeGiven && folderGiven) {
        *error = QStringLiteral("--store and --data-dir both say where the store is; give one of them "
                                "(--data-dir DIR is the same as --store DIR).");
        return std::nullopt;
    }
    // The environment's store, unless the command line names one.
    if (const QString env = qEnvironmentVariable(StoreEnv).trimmed();
        !env.isEmpty() && !storeGiven && !folderGiven) {
        QString why;
        const auto location = StoreLocation::parse(env, &why);
        if (!location) {
            *error = QStringLiteral("%1: %2").arg(QLatin1String(StoreEnv), why);
            return std::nullopt;
        }
        settingSpec(QLatin1String("storeUrl")).set(o.settings, location->url(false));
        o.given.append(QStringLiteral("storeUrl"));
        o.storePassword = location->password;
    }
    for (const SettingSpec &spec : settingSpecs()) {
        if (spec.merge == SettingSpec::Merge::CommandLinePair && o.given.contains(spec.name)
            && !o.given.contains(spec.pair)) {
            const SettingSpec &pair = settingSpec(spec.pair);
            const bool first = &spec < &pair;
            *error = QStringLiteral("--%1 and --%2 go together.")
                         .arg(first ? spec.option : pair.option, first ? pair.option : spec.option);
            return std::nullopt;
        }
    }
    commandLineFields(o);
    o.secretTexts = secretsFromArgv.endpoint;
    const QString env = qEnvironmentVariable(SecretsEnv);
    o.secretTexts += env.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (parser.isSet(maxBody)) {
        bool ok = false;
        const qint64 b = parser.value(maxBody).toLongLong(&ok);
        if (!ok || b < 1 || b > 512LL * 1024 * 1024) {
            *error = QStringLiteral("--max-body: expected a byte count between 1 and 536870912.");
            return std::nullopt;
        }
        o.maxBody = b;
    }
    return o;
}

void commandLineFields(AppOptions &o, bool all)
{
    const SettingsValues &v = o.settings;
    auto take = [&o, all](const char *name) { return all || o.given.contains(QLatin1String(name)); };
    if (take("listenAddress")) {
        const QString text = v.listenAddress.trimmed();
        const QHostAddress address
            = text == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(text);
        if (!address.isNull())
            o.address = address;
    }
    if (take("port"))
        o.port = v.port;
    if (take("path"))
        o.path = v.path;
    const bool folderGiven = o.given.contains(QLatin1String("storeFolder"));
    if (folderGiven || (all && !v.storeFolder.isEmpty()))
        o.dataDir = v.storeFolder;
    // A saved store URL gives way to --data-dir; the password is the command line's.
    if (o.given.contains(QLatin1String("storeUrl")) || (all && !folderGiven)) {
        o.store.reset();
        if (auto location = StoreLocation::parse(v.storeUrl); location && !v.storeUrl.trimmed().isEmpty()) {
            location->password = o.storePassword;
            o.store = *location;
        }
    }
    if (take("tlsCert")) {
        o.tlsCert = v.tlsCert;
        o.tlsKey = v.tlsKey;
    }
    if (take("toleranceSeconds"))
        o.toleranceSeconds = v.toleranceSeconds;
    if (take("retentionDays"))
        o.retentionDays = v.retentionDays;
    if (take("retentionMaxMb"))
        o.retentionMaxMb = v.retentionMaxMb;
    if (take("durability"))
        o.durability = parseDurability(v.durability);
    if (take("memoryCap"))
        o.memoryCap = v.memoryCap;
}

bool metricsOffWebhookPort(const AppOptions &o, const ReceiverConfig &receiver, QString *error)
{
    if (!o.metrics || o.metrics->port == 0 || o.metrics->port != receiver.port)
        return true;
    // The same port on overlapping addresses: one of them could not bind, and the metrics would be
    // public if it did.
    auto isAny = [](const QHostAddress &a) {
        return a == QHostAddress(QHostAddress::Any) || a == QHostAddress(QHostAddress::AnyIPv4)
            || a == QHostAddress(QHostAddress::AnyIPv6);
    };
    if (o.metrics->address != receiver.address && !isAny(o.metrics->address) && !isAny(receiver.address))
        return true;
    *error = QStringLiteral("--metrics-listen: port %1 is the webhook port (--listen); give the metrics a "
                            "port of their own, off the public one.")
                 .arg(receiver.port);
    return false;
}

std::optional<ReceiverConfig> receiverConfig(const AppOptions &o, QString *error)
{
    ReceiverConfig c;
    if (o.address)
        c.address = *o.address;
    if (o.port)
        c.port = *o.port;
    if (o.path)
        c.path = *o.path;
    if (o.toleranceSeconds)
        c.tolerance = std::chrono::seconds(*o.toleranceSeconds);
    if (o.maxBody)
        c.limits.framer.maxBodyBytes = *o.maxBody;
    const auto secrets = parseSecretList(o.secretTexts, error);
    if (!secrets)
        return std::nullopt;
    c.secrets = *secrets;
    if (!o.tlsCert.isEmpty()) {
        QFile certFile(o.tlsCert);
        QFile keyFile(o.tlsKey);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("Cannot read the TLS certificate %1: %2")
                         .arg(o.tlsCert, certFile.errorString());
            return std::nullopt;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("Cannot read the TLS key %1: %2").arg(o.tlsKey, keyFile.errorString());
            return std::nullopt;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (chain.isEmpty() || chain.first().isNull()) {
            *error = QStringLiteral("%1 holds no PEM certificate.").arg(o.tlsCert);
            return std::nullopt;
        }
        if (key.isNull()) {
            *error = QStringLiteral("%1 holds no unencrypted PEM RSA or EC private key.").arg(o.tlsKey);
            return std::nullopt;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        c.tls = tls;
    }
    return c;
}

} // namespace mm
