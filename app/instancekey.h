// SPDX-License-Identifier: GPL-3.0-or-later
// Which running window a launch belongs to, and what the two say to each other: the pure parts of
// SingleInstance (app/singleinstance.*), tested without processes. One window per store: the key
// is the store a window shows, so windows on two different stores run side by side.
#pragma once

#include "options.h"
#include "settings/appsettings.h"
#include "store/storelocation.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <optional>

namespace mm {

// The store as a stable text: "sqlite:" and the canonical folder (the cleaned absolute path while
// the folder does not exist yet), or "postgresql://" with the user, host, port and database: the
// password and the other parameters (sslmode…) name no other store.
QString storeIdentity(const StoreLocation &location);

// The D-Bus name (and the local socket's file name) of a window on this store. The configured
// store, the one a bare launch from the menu opens, keeps the app id itself, which the desktop
// entry's DBusActivatable names; another store gets <app id>.Store_<16 hex digits of its
// identity's SHA-256>.
QString instanceName(const QString &identity, bool configuredStore);
// A well-known bus name by the D-Bus specification's rules: at most 255 characters, two or more
// dot-separated elements of [A-Za-z0-9_-], none empty or starting with a digit.
bool isValidBusName(QStringView name);

struct InstanceKey
{
    QString identity; // storeIdentity() of the store this launch would open
    bool configuredStore = true; // the same store as a launch without --store or --data-dir
    QString name() const { return instanceName(identity, configuredStore); }
};
// The key of a window started with options over the saved settings. The demo's store is thrown
// away at exit, so the demo takes the configured store's name: a launch while it runs meets it.
InstanceKey instanceKeyFor(const AppOptions &options, const SettingsValues &saved);

// What a running window is, as a second launch is told.
struct InstanceState
{
    bool demo = false;
    bool viewOnly = false;
    bool operator==(const InstanceState &) const = default;
};

// What a second launch asked for beyond "show the window".
struct LaunchRequest
{
    bool demo = false;
    bool viewOnly = false;
    bool minimized = false; // leave the window as it is (a start at login while it runs)
    QStringList options; // other options given that only take effect at start (--port, …)
};
// The options of a launch that a running window does not take on (they apply at start).
LaunchRequest launchRequestFor(const AppOptions &options);

// The sentences a second launch prints when it found the window running: each option it asked
// for that the running window does not apply, and why. Empty when everything asked holds.
QStringList activationNotes(const LaunchRequest &asked, const InstanceState &running);

// The local socket's protocol (where there is no session bus): one JSON object a line. A launch
// sends {"method": "Activate" or "State", "platform-data": {…}}; the window answers
// {"demo": bool, "view-only": bool} and, for Activate, comes to the front.
struct LocalRequest
{
    QString method; // "Activate" or "State"
    QVariantMap platformData; // as org.freedesktop.Application.Activate's
};
QByteArray encodeRequest(const LocalRequest &request);
std::optional<LocalRequest> decodeRequest(const QByteArray &line);
QByteArray encodeState(const InstanceState &state);
std::optional<InstanceState> decodeState(const QByteArray &line);
// The longest line either side reads: more is not this protocol.
inline constexpr qsizetype MaxLocalLine = 64 * 1024;

} // namespace mm
