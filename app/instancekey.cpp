// SPDX-License-Identifier: GPL-3.0-or-later
#include "instancekey.h"

#include "config.h"
#include "settings/settingspecs.h"
#include "store/database.h"
#include "util/appid.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace mm {

namespace {
StoreLocation storeOf(const AppOptions &resolved)
{
    return resolved.store ? *resolved.store
                          : StoreLocation::sqlite(resolved.dataDir.value_or(Database::defaultDataDir()));
}

bool isNameCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'
        || c == u'-';
}
} // namespace

QString storeIdentity(const StoreLocation &location)
{
    if (!location.isPostgres()) {
        const QFileInfo folder(location.folder);
        const QString canonical = folder.canonicalFilePath();
        return QStringLiteral("sqlite:")
            + (canonical.isEmpty() ? QDir::cleanPath(folder.absoluteFilePath()) : canonical);
    }
    return QStringLiteral("postgresql://%1@%2:%3/%4")
        .arg(location.user, location.host.toLower(), QString::number(location.port), location.database);
}

QString instanceName(const QString &identity, bool configuredStore)
{
    const QString appId = QLatin1String(AppId);
    if (configuredStore)
        return appId;
    const QByteArray hash = QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha256).toHex();
    return appId + QStringLiteral(".Store_") + QString::fromLatin1(hash.left(16));
}

bool isValidBusName(QStringView name)
{
    if (name.isEmpty() || name.size() > 255)
        return false;
    const auto elements = name.split(u'.');
    if (elements.size() < 2)
        return false;
    for (QStringView element : elements) {
        if (element.isEmpty() || element.front().isDigit())
            return false;
        for (QChar c : element) {
            if (!isNameCharacter(c))
                return false;
        }
    }
    return true;
}

InstanceKey instanceKeyFor(const AppOptions &options, const SettingsValues &saved)
{
    // A bare launch, in this environment (MIGRATION_MONITOR_STORE counts): the menu's.
    QString error;
    const QStringList bareArguments {QCoreApplication::applicationName()};
    const std::optional<AppOptions> bare = parseOptions(bareArguments, ArgvSecrets {}, &error);
    const QString configured
        = storeIdentity(storeOf(resolveConfig(saved, bare.value_or(AppOptions {})).options));
    if (options.demo)
        return {configured, true};
    const QString identity = storeIdentity(storeOf(resolveConfig(saved, options).options));
    return {identity, identity == configured};
}

LaunchRequest launchRequestFor(const AppOptions &options)
{
    LaunchRequest r;
    r.demo = options.demo;
    r.viewOnly = options.viewOnly;
    r.minimized = options.minimized;
    for (const SettingSpec &spec : settingSpecs()) {
        // The store is the key itself: a launch on another store starts its own window.
        if (spec.name == QLatin1String("storeFolder") || spec.name == QLatin1String("storeUrl"))
            continue;
        const QString option = QStringLiteral("--") + spec.option;
        if (options.given.contains(spec.name) && !r.options.contains(option))
            r.options.append(option);
    }
    if (!options.secretTexts.isEmpty())
        r.options.append(QStringLiteral("--secret (or MIGRATION_MONITOR_SECRETS)"));
    if (!options.replay.forwardTarget.isEmpty())
        r.options.append(QStringLiteral("--forward-to"));
    if (options.metrics)
        r.options.append(QStringLiteral("--metrics-listen"));
    if (!options.instance.isEmpty())
        r.options.append(QStringLiteral("--instance"));
    return r;
}

QStringList activationNotes(const LaunchRequest &asked, const InstanceState &running)
{
    QStringList notes;
    if (asked.demo && !running.demo)
        notes << QStringLiteral("--demo was not applied: the running window shows your store, not the demo. "
                                "Quit it (File → Quit) to run the demo.");
    else if (!asked.demo && running.demo)
        notes << QStringLiteral("the running window is the demo, not your store. Quit it (File → Quit), "
                                "then start Migration Monitor again to open your store.");
    if (!asked.demo && !running.demo) {
        if (asked.viewOnly && !running.viewOnly)
            notes << QStringLiteral("--view-only was not applied: the running window already shows this "
                                    "store, and receives for it.");
        else if (!asked.viewOnly && running.viewOnly)
            notes << QStringLiteral("the running window only views this store (--view-only) and receives "
                                    "nothing. Quit it to start one that receives.");
    }
    if (!asked.options.isEmpty())
        notes << QStringLiteral("not applied to the running window, as they take effect at start: %1. "
                                "Change them in File → Settings…, or quit the window first.")
                     .arg(asked.options.join(QStringLiteral(", ")));
    return notes;
}

QByteArray encodeRequest(const LocalRequest &request)
{
    const QJsonObject o {
        {QStringLiteral("method"), request.method},
        {QStringLiteral("platform-data"), QJsonObject::fromVariantMap(request.platformData)}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<LocalRequest> decodeRequest(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    const QString method = o.value(QStringLiteral("method")).toString();
    if (method != QLatin1String("Activate") && method != QLatin1String("State"))
        return std::nullopt;
    const QJsonValue data = o.value(QStringLiteral("platform-data"));
    if (!data.isUndefined() && !data.isObject())
        return std::nullopt;
    return LocalRequest {method, data.toObject().toVariantMap()};
}

QByteArray encodeState(const InstanceState &state)
{
    const QJsonObject o {{QStringLiteral("demo"), state.demo}, {QStringLiteral("view-only"), state.viewOnly}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<InstanceState> decodeState(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonValue demo = doc.object().value(QStringLiteral("demo"));
    const QJsonValue viewOnly = doc.object().value(QStringLiteral("view-only"));
    if (!demo.isBool() || !viewOnly.isBool())
        return std::nullopt;
    return InstanceState {demo.toBool(), viewOnly.toBool()};
}

} // namespace mm
