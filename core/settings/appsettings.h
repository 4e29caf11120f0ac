// SPDX-License-Identifier: GPL-3.0-or-later
// The user's saved preferences: a typed wrapper over QSettings. Signing secrets are
// never written here; SecretStore keeps them in their own private file.
#pragma once

#include "alerts/alertrules.h"
#include "model/migrationbook.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <memory>

class QSettings;

namespace mm {

// Everything the settings dialog edits, as plain values. The saved ones are declared, with
// their keys, defaults and command-line options, in settingspecs.cpp; a default-constructed
// SettingsValues holds those defaults.
struct SettingsValues
{
    SettingsValues();

    QString listenAddress;
    quint16 port = 0;
    QString path;
    QString tlsCert; // empty: plain HTTP
    QString tlsKey;
    int toleranceSeconds = 0;
    int quietWorkingMinutes = 0; // WORKING with no event for this long counts as quiet
    int quietNotStartedMinutes = 0; // NOT_STARTED for this long counts as quiet
    QString storeFolder; // empty: the default folder
    // empty: the embedded store in storeFolder. Else a postgresql:// URL (or a folder), never
    // with a password: that comes from PGPASSWORD or ~/.pgpass.
    QString storeUrl;
    int retentionDays = 0; // delete deliveries older than this; 0 keeps them forever
    int retentionMaxMb = 0; // keep the store under this (never deleting younger ones); 0: no limit
    int memoryCap = 0; // deliveries the window keeps in memory (MonitorModel::setMemoryCap); 0: all
    QString durability; // "power" (a 2xx survives a power cut) or "process" (a crash of the app)
    bool closeToTray = false; // closing the window hides it to the tray, when there is one
    // Start at login, minimised to the tray: the XDG autostart entry (Autostart), which
    // GuiSession reads and writes; AppSettings never stores it.
    bool startAtLogin = false;
    AlertSettings alerts; // which desktop alerts, quiet hours, muted migrations
    // Live forwarding of every new delivery to forwardTarget, with its original headers or
    // re-signed with forwardSecret.
    bool forwardEnabled = false;
    QString forwardTarget;
    bool forwardResign = false;
    // Carried for the dialog and the session; AppSettings never stores them.
    QStringList secrets;
    QString forwardSecret; // kept in its own private file beside the signing secrets

    QuietThresholds quietThresholds() const;
    enum class Field {
        None,
        Address,
        Path,
        Tls,
        Tolerance,
        Quiet,
        Store,
        Secrets,
        ForwardTarget,
        ForwardSecret
    };
    // The first thing wrong with these values (port aside, which cannot be), or an empty string;
    // field, when given, says where. Secrets are checked with the verifier's own parser and
    // the sentence never repeats them, nor a password in the store URL.
    QString problem(Field *field = nullptr) const;

    bool operator==(const SettingsValues &) const = default;
};

// The filter bar as it was left, restored at the next start. Strings only, so a
// value the bar no longer knows is simply ignored.
struct FilterBarState
{
    QString text;
    QString type;
    QString status;
    QString migration;

    bool operator==(const FilterBarState &) const = default;
};

class AppSettings final
{
    Q_DISABLE_COPY_MOVE(AppSettings)

public:
    // Bumped when the window's layout changes so an old saved state is not applied to it.
    static constexpr int WindowStateVersion = 1;

    // The user's settings file, named after the application (and organisation, if set).
    AppSettings();
    // An explicit INI file, for tests.
    explicit AppSettings(const QString &iniPath);
    ~AppSettings();

    QString fileName() const;
    // Writes pending changes; false (with a sentence in error) when the file cannot be written.
    bool sync(QString *error = nullptr);

    AlertSettings alertSettings() const;
    void setAlertSettings(const AlertSettings &alerts);

    // Every declared setting (settingSpecs()) and the alerts: each saved value, or its default
    // when not saved (or saved in a form that cannot be read).
    // values().secrets, forwardSecret and startAtLogin are never read here; setValues() ignores them.
    SettingsValues values() const;
    void setValues(const SettingsValues &values);

    // Window geometry and state blobs; empty when none was saved for this WindowStateVersion.
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowGeometry(const QByteArray &geometry);
    void setWindowState(const QByteArray &state);

    FilterBarState filterBar() const;
    void setFilterBar(const FilterBarState &state);

    // The last target URL a replay was sent to (never a secret).
    QString replayTarget() const;
    void setReplayTarget(const QString &url);

    // Whether the one-time "still running in the tray" hint has been shown.
    bool trayHintShown() const;
    void setTrayHintShown(bool shown);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace mm
