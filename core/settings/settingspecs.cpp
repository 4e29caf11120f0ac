// SPDX-License-Identifier: GPL-3.0-or-later
#include "settingspecs.h"

#include "appsettings.h"
#include "store/database.h"
#include "store/durability.h"
#include "store/storelocation.h"

#include <QHostAddress>
#include <array>

namespace mm {

namespace {
using Kind = SettingSpec::Kind;
using Merge = SettingSpec::Merge;
using L1 = QLatin1String;

constexpr int MaxToleranceSeconds = 86400;
constexpr int MaxQuietMinutes = 7 * 24 * 60;
constexpr int MaxMemoryCap = 1000 * 1000 * 1000;

const std::array<SettingSpec, 18> &specs()
{
    // clang-format off
    static const std::array<SettingSpec, 18> all = {{
        {L1("listenAddress"), L1("receiver/address"), &SettingsValues::listenAddress, Kind::Address,
         QStringLiteral("127.0.0.1"), 0, 0, Merge::CommandLine, L1("listen"), L1("HOST:PORT"),
         [] { return QStringLiteral("Address and port to listen on (default 127.0.0.1:8787)."); }},
        {L1("port"), L1("receiver/port"), &SettingsValues::port, Kind::Integer, 8787, 1, 65535,
         Merge::CommandLine, L1("listen")},
        {L1("path"), L1("receiver/path"), &SettingsValues::path, Kind::UrlPath, QStringLiteral("/webhooks"), 0,
         0, Merge::CommandLine, L1("path"), L1("PATH"),
         [] { return QStringLiteral("Webhook path (default /webhooks)."); }},
        {L1("storeFolder"), L1("store/dataDir"), &SettingsValues::storeFolder, Kind::Text, QString(), 0, 0,
         Merge::CommandLine, L1("data-dir"), L1("DIR"),
         [] { return QStringLiteral("Folder of the store (default %1).").arg(Database::defaultDataDir()); }},
        {L1("storeUrl"), L1("store/url"), &SettingsValues::storeUrl, Kind::StoreUrl, QString(), 0, 0,
         Merge::CommandLine, L1("store"), L1("URL"),
         [] {
             return QStringLiteral("The store: a PostgreSQL URL, postgresql://user@host:port/dbname?sslmode=..., "
                                   "or a folder (default: the embedded store, see --data-dir). Also "
                                   "MIGRATION_MONITOR_STORE. The password comes from PGPASSWORD, ~/.pgpass or the keyring "
                                   "(--store-password-stdin).");
         }},
        {L1("tlsCert"), L1("receiver/tlsCert"), &SettingsValues::tlsCert, Kind::Text, QString(), 0, 0,
         Merge::CommandLinePair, L1("tls-cert"), L1("FILE"),
         [] { return QStringLiteral("Serve HTTPS with this PEM certificate."); }, L1("tlsKey")},
        {L1("tlsKey"), L1("receiver/tlsKey"), &SettingsValues::tlsKey, Kind::Text, QString(), 0, 0,
         Merge::CommandLinePair, L1("tls-key"), L1("FILE"),
         [] { return QStringLiteral("PEM private key for --tls-cert."); }, L1("tlsCert")},
        {L1("toleranceSeconds"), L1("receiver/toleranceSeconds"), &SettingsValues::toleranceSeconds,
         Kind::Integer, 300, 1, MaxToleranceSeconds, Merge::CommandLine, L1("tolerance"), L1("SECONDS"),
         [] { return QStringLiteral("Accepted timestamp skew in seconds (default 300)."); }},
        {L1("retentionDays"), L1("store/retentionDays"), &SettingsValues::retentionDays, Kind::Integer, 0, 0,
         36500, Merge::CommandLine, L1("retention-days"), L1("N"),
         [] {
             return QStringLiteral(
                 "Delete stored deliveries older than N days (0 keeps them forever, the default).");
         }},
        {L1("retentionMaxMb"), L1("store/retentionMaxMb"), &SettingsValues::retentionMaxMb, Kind::Integer, 0,
         0, 1024 * 1024, Merge::CommandLine, L1("retention-max-mb"), L1("N"),
         [] {
             return QStringLiteral("Keep the store under N MiB by deleting the oldest deliveries, never ones "
                                   "younger than --retention-days (0: no limit, the default).");
         }},
        {L1("memoryCap"), L1("window/memoryCap"), &SettingsValues::memoryCap, Kind::Integer, 0, 0,
         MaxMemoryCap, Merge::CommandLine, L1("memory-cap"), L1("N"),
         [] {
             return QStringLiteral("The window keeps at most N deliveries in memory (0: all, the default); older "
                                   "ones stay in the store and are read back when shown.");
         }},
        {L1("durability"), L1("store/durability"), &SettingsValues::durability, Kind::Durability,
         QStringLiteral("power"), 0, 0, Merge::CommandLine, L1("durability"), L1("power|process"),
         [] {
             return QStringLiteral("When a delivery is acknowledged: power (the default) once the disk has "
                                   "confirmed it, so it survives a power cut; process once it is committed, "
                                   "so it survives a crash of the app but not of the machine.");
         }},
        // Quiet thresholds (the keys keep their first name). Before 2 h and 24 h they were 30 and 60
        // minutes: see FormerDefaults in appsettings.cpp.
        {L1("quietWorkingMinutes"), L1("stalls/workingMinutes"), &SettingsValues::quietWorkingMinutes,
         Kind::Integer, 120, 1, MaxQuietMinutes},
        {L1("quietNotStartedMinutes"), L1("stalls/notStartedMinutes"), &SettingsValues::quietNotStartedMinutes,
         Kind::Integer, 1440, 1, MaxQuietMinutes},
        {L1("closeToTray"), L1("window/closeToTray"), &SettingsValues::closeToTray, Kind::Flag, true},
        {L1("forwardEnabled"), L1("forward/enabled"), &SettingsValues::forwardEnabled, Kind::Flag, false},
        {L1("forwardTarget"), L1("forward/target"), &SettingsValues::forwardTarget, Kind::Text, QString()},
        {L1("forwardResign"), L1("forward/resign"), &SettingsValues::forwardResign, Kind::Flag, false},
    }};
    // clang-format on
    return all;
}
} // namespace

bool isListenAddress(const QString &text)
{
    return text == QLatin1String("localhost") || !QHostAddress(text).isNull();
}

bool isPlainUrlPath(const QString &path)
{
    if (!path.startsWith(u'/'))
        return false;
    for (QChar c : path) {
        if (c.isSpace() || c == u'?' || c == u'#')
            return false;
    }
    return true;
}

std::span<const SettingSpec> settingSpecs()
{
    return specs();
}

const SettingSpec &settingSpec(QLatin1String name)
{
    for (const SettingSpec &spec : specs()) {
        if (spec.name == name)
            return spec;
    }
    qFatal("No setting is declared as %s", name.data());
}

QVariant SettingSpec::get(const SettingsValues &values) const
{
    return std::visit([&values](auto member) { return QVariant::fromValue(values.*member); }, field);
}

void SettingSpec::set(SettingsValues &values, const QVariant &value) const
{
    std::visit(
        [&values, &value](auto member) {
            using T = std::remove_reference_t<decltype(values.*member)>;
            values.*member = value.value<T>();
        },
        field);
}

std::optional<QVariant> SettingSpec::accept(const QVariant &value) const
{
    switch (kind) {
    case Kind::Text:
        return value.toString().trimmed();
    case Kind::Address: {
        const QString text = value.toString().trimmed();
        return isListenAddress(text) ? std::optional<QVariant>(text) : std::nullopt;
    }
    case Kind::UrlPath: {
        const QString text = value.toString();
        return isPlainUrlPath(text) ? std::optional<QVariant>(text) : std::nullopt;
    }
    case Kind::Integer: {
        bool ok = false;
        const int n = value.toInt(&ok);
        return ok && n >= low && n <= high ? std::optional<QVariant>(n) : std::nullopt;
    }
    case Kind::Flag:
        return value.toBool();
    case Kind::Durability: {
        const auto d = parseDurability(value.toString().trimmed());
        return d ? std::optional<QVariant>(durabilityName(*d)) : std::nullopt;
    }
    case Kind::StoreUrl: {
        const QString text = value.toString().trimmed();
        if (text.isEmpty())
            return QString();
        const auto location = StoreLocation::parse(text);
        return location ? std::optional<QVariant>(location->url(false)) : std::nullopt;
    }
    }
    return std::nullopt;
}

} // namespace mm
