// SPDX-License-Identifier: GPL-3.0-or-later
#include "appsettings.h"

#include "verify/signingsecret.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QSettings>
#include <QUrl>
#include <algorithm>

namespace mm {

namespace {
constexpr qint64 UsPerMinute = 60LL * 1000000;
constexpr int MaxToleranceSeconds = 86400;
constexpr int MaxStallMinutes = 7 * 24 * 60;
constexpr int MaxRetentionDays = 36500;
constexpr int MaxRetentionMb = 1024 * 1024;

const QString KeyAddress = QStringLiteral("receiver/address");
const QString KeyPort = QStringLiteral("receiver/port");
const QString KeyPath = QStringLiteral("receiver/path");
const QString KeyTlsCert = QStringLiteral("receiver/tlsCert");
const QString KeyTlsKey = QStringLiteral("receiver/tlsKey");
const QString KeyTolerance = QStringLiteral("receiver/toleranceSeconds");
const QString KeyStallWorking = QStringLiteral("stalls/workingMinutes");
const QString KeyStallNotStarted = QStringLiteral("stalls/notStartedMinutes");
const QString KeyDataDir = QStringLiteral("store/dataDir");
const QString KeyRetentionDays = QStringLiteral("store/retentionDays");
const QString KeyRetentionMaxMb = QStringLiteral("store/retentionMaxMb");
const QString KeyCloseToTray = QStringLiteral("window/closeToTray");
const QString KeyTrayHintShown = QStringLiteral("window/trayHintShown");
const QString KeyAlertsGroup = QStringLiteral("alerts");
const QString KeyForwardEnabled = QStringLiteral("forward/enabled");
const QString KeyForwardTarget = QStringLiteral("forward/target");
const QString KeyForwardResign = QStringLiteral("forward/resign");
const QString KeyReplayTarget = QStringLiteral("replay/target");
const QString KeyGeometry = QStringLiteral("window/geometry");
const QString KeyState = QStringLiteral("window/state");
const QString KeyWindowVersion = QStringLiteral("window/version");
const QString KeyFilterText = QStringLiteral("filter/text");
const QString KeyFilterType = QStringLiteral("filter/type");
const QString KeyFilterStatus = QStringLiteral("filter/status");
const QString KeyFilterMigration = QStringLiteral("filter/migration");

// The saved integer when it is one and within [low, high]; otherwise the fallback.
int boundedInt(const QSettings &s, const QString &key, int fallback, int low, int high)
{
    bool ok = false;
    const int v = s.value(key).toInt(&ok);
    return ok && v >= low && v <= high ? v : fallback;
}

bool isAddress(const QString &text)
{
    return text == QLatin1String("localhost") || !QHostAddress(text).isNull();
}

bool isPlainPath(const QString &path)
{
    if (!path.startsWith(u'/'))
        return false;
    for (QChar c : path) {
        if (c.isSpace() || c == u'?' || c == u'#')
            return false;
    }
    return true;
}

int minutes(qint64 us)
{
    return int(us / UsPerMinute);
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

StallThresholds SettingsValues::stallThresholds() const
{
    StallThresholds t;
    t.workingUs = stallWorkingMinutes * UsPerMinute;
    t.notStartedUs = stallNotStartedMinutes * UsPerMinute;
    return t;
}

QString SettingsValues::problem(Field *field) const
{
    auto fail = [field](Field f, const QString &text) {
        if (field)
            *field = f;
        return text;
    };
    if (!isAddress(listenAddress.trimmed()))
        return fail(Field::Address,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "The listen address '%1' is not an IP address "
                                                "(for example 127.0.0.1, 0.0.0.0 or ::1).")
                        .arg(listenAddress));
    if (!isPlainPath(path))
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
    if (toleranceSeconds < 1 || toleranceSeconds > MaxToleranceSeconds)
        return fail(Field::Tolerance,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "The timestamp tolerance must be between 1 and %1 seconds.")
                        .arg(MaxToleranceSeconds));
    if (stallWorkingMinutes < 1 || stallWorkingMinutes > MaxStallMinutes || stallNotStartedMinutes < 1
        || stallNotStartedMinutes > MaxStallMinutes)
        return fail(Field::Stall,
                    QCoreApplication::translate("mm::SettingsValues",
                                                "Stall thresholds must be between 1 and %1 minutes.")
                        .arg(MaxStallMinutes));
    QString why;
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
                                                "re-signed with, or keep their original headers."));
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
    m_settings->sync();
    if (m_settings->status() == QSettings::NoError)
        return true;
    if (error)
        *error = QCoreApplication::translate("mm::AppSettings", "Cannot write the settings file %1.")
                     .arg(fileName());
    return false;
}

QString AppSettings::listenAddress() const
{
    const QString v = m_settings->value(KeyAddress).toString().trimmed();
    return isAddress(v) ? v : SettingsValues().listenAddress;
}

void AppSettings::setListenAddress(const QString &address)
{
    m_settings->setValue(KeyAddress, address.trimmed());
}

quint16 AppSettings::port() const
{
    return quint16(boundedInt(*m_settings, KeyPort, SettingsValues().port, 1, 65535));
}

void AppSettings::setPort(quint16 port)
{
    m_settings->setValue(KeyPort, int(port));
}

QString AppSettings::path() const
{
    const QString v = m_settings->value(KeyPath).toString();
    return isPlainPath(v) ? v : SettingsValues().path;
}

void AppSettings::setPath(const QString &path)
{
    m_settings->setValue(KeyPath, path);
}

QString AppSettings::tlsCert() const
{
    return m_settings->value(KeyTlsCert).toString();
}

QString AppSettings::tlsKey() const
{
    return m_settings->value(KeyTlsKey).toString();
}

void AppSettings::setTls(const QString &certPath, const QString &keyPath)
{
    m_settings->setValue(KeyTlsCert, certPath);
    m_settings->setValue(KeyTlsKey, keyPath);
}

int AppSettings::toleranceSeconds() const
{
    return boundedInt(*m_settings, KeyTolerance, SettingsValues().toleranceSeconds, 1, MaxToleranceSeconds);
}

void AppSettings::setToleranceSeconds(int seconds)
{
    m_settings->setValue(KeyTolerance, seconds);
}

StallThresholds AppSettings::stallThresholds() const
{
    SettingsValues v;
    v.stallWorkingMinutes
        = boundedInt(*m_settings, KeyStallWorking, v.stallWorkingMinutes, 1, MaxStallMinutes);
    v.stallNotStartedMinutes
        = boundedInt(*m_settings, KeyStallNotStarted, v.stallNotStartedMinutes, 1, MaxStallMinutes);
    return v.stallThresholds();
}

void AppSettings::setStallThresholds(const StallThresholds &thresholds)
{
    m_settings->setValue(KeyStallWorking, minutes(thresholds.workingUs));
    m_settings->setValue(KeyStallNotStarted, minutes(thresholds.notStartedUs));
}

QString AppSettings::dataDir() const
{
    return m_settings->value(KeyDataDir).toString();
}

void AppSettings::setDataDir(const QString &dir)
{
    m_settings->setValue(KeyDataDir, dir);
}

int AppSettings::retentionDays() const
{
    return boundedInt(*m_settings, KeyRetentionDays, 0, 0, MaxRetentionDays);
}

int AppSettings::retentionMaxMb() const
{
    return boundedInt(*m_settings, KeyRetentionMaxMb, 0, 0, MaxRetentionMb);
}

void AppSettings::setRetention(int days, int maxMb)
{
    m_settings->setValue(KeyRetentionDays, std::clamp(days, 0, MaxRetentionDays));
    m_settings->setValue(KeyRetentionMaxMb, std::clamp(maxMb, 0, MaxRetentionMb));
}

bool AppSettings::closeToTray() const
{
    return m_settings->value(KeyCloseToTray, SettingsValues().closeToTray).toBool();
}

void AppSettings::setCloseToTray(bool on)
{
    m_settings->setValue(KeyCloseToTray, on);
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
    a.stalled = flag("stalled", a.stalled);
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
    m_settings->setValue(QStringLiteral("stalled"), a.stalled);
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
    v.listenAddress = listenAddress();
    v.port = port();
    v.path = path();
    v.tlsCert = tlsCert();
    v.tlsKey = tlsKey();
    v.toleranceSeconds = toleranceSeconds();
    const StallThresholds t = stallThresholds();
    v.stallWorkingMinutes = minutes(t.workingUs);
    v.stallNotStartedMinutes = minutes(t.notStartedUs);
    v.dataDir = dataDir();
    v.retentionDays = retentionDays();
    v.retentionMaxMb = retentionMaxMb();
    v.closeToTray = closeToTray();
    v.alerts = alertSettings();
    v.forwardEnabled = m_settings->value(KeyForwardEnabled, false).toBool();
    v.forwardTarget = m_settings->value(KeyForwardTarget).toString();
    v.forwardResign = m_settings->value(KeyForwardResign, false).toBool();
    return v;
}

void AppSettings::setValues(const SettingsValues &v)
{
    setListenAddress(v.listenAddress);
    setPort(v.port);
    setPath(v.path);
    setTls(v.tlsCert, v.tlsKey);
    setToleranceSeconds(v.toleranceSeconds);
    setStallThresholds(v.stallThresholds());
    setDataDir(v.dataDir);
    setRetention(v.retentionDays, v.retentionMaxMb);
    setCloseToTray(v.closeToTray);
    setAlertSettings(v.alerts);
    m_settings->setValue(KeyForwardEnabled, v.forwardEnabled);
    m_settings->setValue(KeyForwardTarget, v.forwardTarget.trimmed());
    m_settings->setValue(KeyForwardResign, v.forwardResign);
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
