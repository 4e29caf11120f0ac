// SPDX-License-Identifier: GPL-3.0-or-later
// The command line: one parser for the GUI, --headless and the one-shot commands.
#pragma once

#include "metrics/metricsserver.h"
#include "receiver/receiver.h"
#include "settings/appsettings.h"
#include "store/durability.h"
#include "store/storelocation.h"

#include <QString>
#include <QStringList>
#include <optional>

class QCoreApplication;

namespace mm {

// Secrets given on the command line, taken out of argv (see takeSecretsFromArgv).
struct ArgvSecrets
{
    QStringList endpoint; // --secret
    QString resign; // --resign-secret
    QString forward; // --forward-secret
    QString store; // --store's URL as given, with its password (argv keeps it blanked)
};

struct ReplayArgs
{
    QString target; // --replay-to
    QString migrationId;
    QString type;
    std::optional<qint64> sinceUs;
    QString resignSecret;
    bool newIds = false;
    int concurrency = 1;
    double ratePerSecond = 0;
    int retries = 0;
    bool retryTransientOnly = false; // --replay-retry-on transient: not 4xx or redirects
    QString forwardTarget; // --forward-to
    QString forwardSecret;
    QString importSource; // --import
    QString harTarget; // --export-har
};

struct AppOptions
{
    enum class Mode {
        Gui,
        Headless,
        Export,
        ReportMigrations,
        Replay,
        Import,
        ExportHar,
        Follow,
        StorePassword,
        ExportCompanyNames,
        ImportCompanyNames
    };
    Mode mode = Mode::Gui;
    bool demo = false;
    bool minimized = false; // start hidden in the tray (minimised without one)
    // Started by the session bus (the D-Bus service file): the first call decides (app/guirunner.cpp).
    bool dbusActivated = false;
    // The window without a receiver of its own, watching a store that receivers elsewhere write.
    bool viewOnly = false;
    // --instance: this receiver's name in a shared store (default host:port).
    QString instance;

    // The declared settings' options (settingSpecs()): the values given, each named in given;
    // the others hold their defaults. resolveConfig() lays them over the saved settings.
    SettingsValues settings;
    QStringList given;

    // The same, set only when given on the command line (or, for the whole run, by
    // resolveConfig()), for the code that reads them from here. commandLineFields() fills them.
    std::optional<QHostAddress> address;
    std::optional<quint16> port;
    std::optional<QString> path;
    QStringList secretTexts;
    std::optional<QString> dataDir;
    // --store or MIGRATION_MONITOR_STORE (after resolveConfig(), else the saved store URL),
    // with storePassword, the password its URL carried: kept in memory for this run only.
    std::optional<StoreLocation> store;
    QString storePassword;
    QString tlsCert;
    QString tlsKey;
    std::optional<int> toleranceSeconds;
    std::optional<qint64> maxBody;
    std::optional<int> retentionDays; // --retention-days, 0: keep forever
    std::optional<int> retentionMaxMb; // --retention-max-mb, 0: no size limit
    std::optional<Durability> durability; // --durability (default power)
    std::optional<int> memoryCap; // --memory-cap, 0: every delivery in memory
    // --metrics-listen: /metrics and /healthz on their own port (--headless and the window).
    std::optional<MetricsConfig> metrics;
    QString exportTarget;
    QString reportTarget;
    QString companyNamesFile; // --export-company-names / --import-company-names (- : stdout/stdin)
    ReplayArgs replay; // --replay-to and its filters, --forward-to, --import, --export-har
};

// Takes --secret, --resign-secret and --forward-secret values out of argv and blanks them
// in place, so they do not stay visible in /proc/PID/cmdline and process listings; of --store
// URL, it blanks the password only (StoreLocation::passwordRanges). Call before
// QCoreApplication.
ArgvSecrets takeSecretsFromArgv(int argc, char **argv);

// Whether argv asks for a mode that needs no GUI (decides the application class).
bool wantsNoGui(int argc, char **argv);

// Parses the arguments. On --help/--version it prints and exits; on an error it
// returns nullopt with a sentence in error.
std::optional<AppOptions> parseOptions(const QCoreApplication &app, const ArgvSecrets &secretsFromArgv,
                                       QString *error);
// The same for these arguments (the program's name first), for tests.
std::optional<AppOptions> parseOptions(const QStringList &arguments, const ArgvSecrets &secretsFromArgv,
                                       QString *error);

// Sets address, port, path, dataDir, store, TLS, tolerance and retention from settings: those
// in given, or every one when all. The store URL is left alone when given has the data folder.
void commandLineFields(AppOptions &options, bool all = false);

// Builds the receiver configuration from options (secrets, TLS files, limits).
std::optional<ReceiverConfig> receiverConfig(const AppOptions &options, QString *error);

// False with a sentence when --metrics-listen names the webhook port itself (which is public).
bool metricsOffWebhookPort(const AppOptions &options, const ReceiverConfig &receiver, QString *error);

} // namespace mm
