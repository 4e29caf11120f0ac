// SPDX-License-Identifier: GPL-3.0-or-later
#include "appsettings.h"

#include "settingspecs.h"
#include "store/storelocation.h"
#include "util/durablefile.h"
#include "verify/signingsecret.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSettings>
#include <QUrl>
#include <algorithm>

namespace mm {

namespace {
constexpr qint64 UsPerMinute = 60LL * 1000000;

const QString KeyTrayHintShown = QStringLiteral("window/trayHintShown");
const QString KeyAlertsGroup = QStringLiteral("alerts");
const QString KeyReplayTarget = QStringLiteral("replay/target");
const QString KeyGeometry = QStringLiteral("window/geometry");
const QString KeyState = QStringLiteral("window/state");
const QString KeyWindowVersion = QStringLiteral("window/version");
const QString KeyFilterText = QStringLiteral("filter/text");
const QString KeyFilterType = QStringLiteral("filter/type");
const QString KeyFilterStatus = QStringLiteral("filter/status");
const QString KeyFilterMigration = QStringLiteral("filter/migration");
const QString KeyFormat = QStringLiteral("settings/format");

// Files written from this format on hold only values the user saw in the Settings dialog and
// kept; older ones may hold former defaults nobody chose (see formerDefaults()).
constexpr int SettingsFormat = 2;

// Defaults that have changed. Before settings format 2, accepting the Settings dialog wrote
// every setting, so a saved value equal to the default of that time says nothing about the
// user's wish: it reads as unsaved, and today's default applies. (A user who picked exactly
// that value on purpose gets the new default too; a file written since keeps whatever is in it.)
struct FormerDefault
{
    QLatin1String key;
    int value;
};
constexpr FormerDefault FormerDefaults[] = {
    {QLatin1String("stalls/workingMinutes"), 30}, // 120 since quiet replaced "stalled"
    {QLatin1String("stalls/notStartedMinutes"), 60}, // 1440 since then
};

bool isFormerDefault(QLatin1String key, const QVariant &saved)
{
    bool ok = false;
    const int v = saved.toInt(&ok);
    return ok
        && std::any_of(std::begin(FormerDefaults), std::end(FormerDefaults),
                       [key, v](const FormerDefault &d) { return d.key == key && d.value == v; });
}

// The saved integer when it is one and within [low, high]; otherwise the fallback.
int boundedInt(const QSettings &s, const QString &key, int fallback, int low, int high)
{
    bool ok = false;
    const int v = s.value(key).toInt(&ok);
    return ok && v >= low && v <= high ? v : fallback;
}

// An absolute http or https URL with a host: where replays and forwards may go.
bool isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.isRelative() && !url.host().isEmpty()
        && (scheme == QLatin1String("http") || scheme == QLatin1String("https"));
}
} // namespace

SettingsValues::SettingsValues()
{
    for (const SettingSpec &spec : settingSpecs())
        spec.set(*this, spec.fallback);
}

QuietThresholds SettingsValues::quietThresholds() const
{
    QuietThresholds t;
    t.workingUs = quietWorkingMinutes * UsPerMinute;
    t.notStartedUs = quietNotStartedMinutes * UsPerMinute;
    return t;
}

QString SettingsValues::problem(Field *field) const
{
    auto fail = [field](Field f, const QString &text) {
        if (field)
            *field = f;
        return text;
    };
    if (!isListenAddress(listenAddress.trimmed()))
        return fail(Field::Address,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "The listen address '%1' is not an IP address "
                                                "(for example 127.0.0.1, 0.0.0.0 or ::1).")
                        .arg(listenAddress));
    if (!isPlainUrlPath(path))
        return fail(Field::Path,
                    QCoreApplication::translate(
                        "mm::SettingsValues",
                        "The webhook path '%1' must start with / and contain no spaces, ? or #.")
                        .arg(path));
    if (tlsCert.isEmpty() != tlsKey.isEmpty())
        return fail(
            Field::Tls,
            QCoreApplication::translate("mm::SettingsValues",
                                        "HTTPS needs both a certificate and its private key, or neither."));
    const SettingSpec &tolerance = settingSpec(QLatin1String("toleranceSeconds"));
    if (toleranceSeconds < tolerance.low || toleranceSeconds > tolerance.high)
        return fail(Field::Tolerance,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "The timestamp tolerance must be between %1 and %2 seconds.")
                        .arg(tolerance.low)
                        .arg(tolerance.high));
    const SettingSpec &working = settingSpec(QLatin1String("quietWorkingMinutes"));
    const SettingSpec &notStarted = settingSpec(QLatin1String("quietNotStartedMinutes"));
    if (quietWorkingMinutes < working.low || quietWorkingMinutes > working.high
        || quietNotStartedMinutes < notStarted.low || quietNotStartedMinutes > notStarted.high)
        return fail(Field::Quiet,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "Quiet thresholds must be between %1 and %2 minutes.")
                        .arg(working.low)
                        .arg(working.high));
    QString why;
    if (!storeUrl.trimmed().isEmpty()) {
        const auto location = StoreLocation::parse(storeUrl, &why);
        if (!location)
            return fail(Field::Store, why);
        if (!location->password.isEmpty())
            return fail(Field::Store,
                        QCoreApplication::translate(
                            "mm::SettingsValues",
                            "Leave the password out of the store URL: it is read from PGPASSWORD, "
                            "~/.pgpass or the keyring, and settings are not the place for it."));
        if (!storeFolder.trimmed().isEmpty())
            return fail(
                Field::Store,
                QCoreApplication::translate("mm::SettingsValues",
                                            "Give a data folder or a store URL, not both: the URL names a "
                                            "store of its own."));
    }
    if (!parseSecretList(secrets, &why))
        return fail(Field::Secrets, why);
    if (forwardEnabled && !isHttpUrl(forwardTarget.trimmed()))
        return fail(Field::ForwardTarget,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "The forwarding target must be an http:// or https:// URL "
                                                "with a host, such as http://127.0.0.1:3000/webhooks."));
    if (forwardResign && forwardSecret.trimmed().isEmpty() && forwardEnabled)
        return fail(Field::ForwardSecret,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "Choose or type the secret that forwarded deliveries are "
                                                "re-signed with, or keep their own ids."));
    // Checked even while forwarding is off: it is saved, and must be readable when turned on.
    if (forwardResign && !forwardSecret.trimmed().isEmpty()
        && !SigningSecret::parse(forwardSecret.trimmed(), &why))
        return fail(Field::ForwardSecret,
                    QCoreApplication::translate("mm::SettingsValues", "The forwarding secret: %1").arg(why));
    return fail(Field::None, QString());
}

AppSettings::AppSettings()
{
    // Without an organisation, the file sits in the application's own config folder,
    // next to the secrets file.
    const QString app = QCoreApplication::applicationName();
    const QString org = QCoreApplication::organizationName();
    m_settings = std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                             org.isEmpty() ? app : org, app);
}

AppSettings::AppSettings(const QString &iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

AppSettings::~AppSettings() = default;

QString AppSettings::fileName() const
{
    return m_settings->fileName();
}

bool AppSettings::sync(QString *error)
{
    // QSettings writes through QSaveFile (a synced temporary file renamed over the old one);
    // the rename lasts through a power cut once the folder is synced too. Nothing written yet
    // (no file): nothing to sync.
    m_settings->sync();
    if (m_settings->status() == QSettings::NoError)
        return !QFile::exists(fileName()) || syncFolderOf(fileName(), error);
    if (error)
        *error = QCoreApplication::translate("mm::AppSettings", "Cannot write the settings file %1.")
                     .arg(fileName());
    return false;
}

AlertSettings AppSettings::alertSettings() const
{
    AlertSettings a;
    m_settings->beginGroup(KeyAlertsGroup);
    auto flag = [this](const char *key, bool fallback) {
        return m_settings->value(QLatin1String(key), fallback).toBool();
    };
    a.migrationFailed = flag("migrationFailed", a.migrationFailed);
    a.completedWithFailures = flag("completedWithFailures", a.completedWithFailures);
    a.taskFailed = flag("taskFailed", a.taskFailed);
    // A key of its own: "stalled" was on by default and saved with every change, so it says
    // nothing about a wish to be told of quiet migrations.
    a.quietMigrations = flag("quiet", a.quietMigrations);
    a.otherFailures = flag("otherFailures", a.otherFailures);
    a.rejections = flag("rejections", a.rejections);
    a.listener = flag("listener", a.listener);
    a.quietHours = flag("quietHours", a.quietHours);
    const int lastMinute = 24 * 60 - 1;
    a.quietStartMinute
        = boundedInt(*m_settings, QStringLiteral("quietStart"), a.quietStartMinute, 0, lastMinute);
    a.quietEndMinute = boundedInt(*m_settings, QStringLiteral("quietEnd"), a.quietEndMinute, 0, lastMinute);
    a.mutedMigrations = m_settings->value(QStringLiteral("muted")).toStringList();
    m_settings->endGroup();
    return a;
}

void AppSettings::setAlertSettings(const AlertSettings &a)
{
    m_settings->beginGroup(KeyAlertsGroup);
    m_settings->setValue(QStringLiteral("migrationFailed"), a.migrationFailed);
    m_settings->setValue(QStringLiteral("completedWithFailures"), a.completedWithFailures);
    m_settings->setValue(QStringLiteral("taskFailed"), a.taskFailed);
    m_settings->setValue(QStringLiteral("quiet"), a.quietMigrations);
    m_settings->setValue(QStringLiteral("otherFailures"), a.otherFailures);
    m_settings->remove(QStringLiteral("stalled")); // the rule quiet replaced
    m_settings->setValue(QStringLiteral("rejections"), a.rejections);
    m_settings->setValue(QStringLiteral("listener"), a.listener);
    m_settings->setValue(QStringLiteral("quietHours"), a.quietHours);
    m_settings->setValue(QStringLiteral("quietStart"), a.quietStartMinute);
    m_settings->setValue(QStringLiteral("quietEnd"), a.quietEndMinute);
    m_settings->setValue(QStringLiteral("muted"), a.mutedMigrations);
    m_settings->endGroup();
}

QString AppSettings::replayTarget() const
{
    return m_settings->value(KeyReplayTarget).toString();
}

void AppSettings::setReplayTarget(const QString &url)
{
    m_settings->setValue(KeyReplayTarget, url);
}

bool AppSettings::trayHintShown() const
{
    return m_settings->value(KeyTrayHintShown, false).toBool();
}

void AppSettings::setTrayHintShown(bool shown)
{
    m_settings->setValue(KeyTrayHintShown, shown);
}

SettingsValues AppSettings::values() const
{
    SettingsValues v;
    const bool olderFormat = m_settings->value(KeyFormat).toInt() < SettingsFormat;
    for (const SettingSpec &spec : settingSpecs()) {
        const QVariant saved = m_settings->value(spec.key);
        if (saved.isValid() && !(olderFormat && isFormerDefault(spec.key, saved))) {
            if (const auto value = spec.accept(saved))
                spec.set(v, *value);
        }
    }
    v.alerts = alertSettings();
    return v;
}

void AppSettings::setValues(const SettingsValues &v)
{
    for (const SettingSpec &spec : settingSpecs()) {
        QVariant value = spec.get(v);
        if (spec.kind == SettingSpec::Kind::Integer)
            value = std::clamp(value.toInt(), spec.low, spec.high);
        else if (spec.kind == SettingSpec::Kind::Text || spec.kind == SettingSpec::Kind::Address)
            value = value.toString().trimmed();
        else if (spec.kind == SettingSpec::Kind::StoreUrl) // never a password; nothing unreadable
            value = spec.accept(value).value_or(QString());
        m_settings->setValue(spec.key, value);
    }
    m_settings->setValue(KeyFormat, SettingsFormat);
    setAlertSettings(v.alerts);
}

QByteArray AppSettings::windowGeometry() const
{
    if (m_settings->value(KeyWindowVersion).toInt() != WindowStateVersion)
        return {};
    return m_settings->value(KeyGeometry).toByteArray();
}

QByteArray AppSettings::windowState() const
{
    if (m_settings->value(KeyWindowVersion).toInt() != WindowStateVersion)
        return {};
    return m_settings->value(KeyState).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    if (m_settings->value(KeyWindowVersion).toInt() != WindowStateVersion)
        m_settings->remove(KeyState); // written for another layout
    m_settings->setValue(KeyWindowVersion, WindowStateVersion);
    m_settings->setValue(KeyGeometry, geometry);
}

void AppSettings::setWindowState(const QByteArray &state)
{
    if (m_settings->value(KeyWindowVersion).toInt() != WindowStateVersion)
        m_settings->remove(KeyGeometry);
    m_settings->setValue(KeyWindowVersion, WindowStateVersion);
    m_settings->setValue(KeyState, state);
}

FilterBarState AppSettings::filterBar() const
{
    FilterBarState f;
    f.text = m_settings->value(KeyFilterText).toString();
    f.type = m_settings->value(KeyFilterType).toString();
    f.status = m_settings->value(KeyFilterStatus).toString();
    f.migration = m_settings->value(KeyFilterMigration).toString();
    return f;
}

void AppSettings::setFilterBar(const FilterBarState &state)
{
    m_settings->setValue(KeyFilterText, state.text);
    m_settings->setValue(KeyFilterType, state.type);
    m_settings->setValue(KeyFilterStatus, state.status);
    m_settings->setValue(KeyFilterMigration, state.migration);
}

} // namespace mm
