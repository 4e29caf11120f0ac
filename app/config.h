// SPDX-License-Identifier: GPL-3.0-or-later
// What a run is configured with: the saved settings, the command line's over them, by the
// declarations in settingspecs.cpp. Pure: nothing is read from or written to disk here.
#pragma once

#include "options.h"
#include "settings/appsettings.h"
#include "sim/simoptions.h"

namespace mm {

struct ResolvedConfig
{
    // In effect for this run: the saved settings with the command line's (and
    // MIGRATION_MONITOR_SECRETS's secrets) over them.
    SettingsValues settings;
    // The settings (SettingSpec::name, and "secrets") the command line set for this run.
    QStringList fromCommandLine;
    // The command line with every setting filled in from settings: what receiverConfig(), the
    // store and retention read.
    AppOptions options;

    bool isFromCommandLine(QLatin1String name) const { return fromCommandLine.contains(name); }
};

// Whatever the command line sets wins for this run; the rest is saved (or the default).
ResolvedConfig resolveConfig(const SettingsValues &saved, const AppOptions &commandLine);

// A window's session: its command line, and where what it saves is kept.
struct SessionConfig
{
    AppOptions commandLine;
    // Empty: the user's settings file, keyring, secrets files and autostart entry. Else all of
    // them in this folder, and nothing the user keeps is read or written (the demo).
    QString privateFolder;
    // The Settings dialog's note, in place of the one naming what the command line sets.
    QString note;
    // The demo's simulated sender (its target and secrets are the receiver's, filled in when it
    // listens); nullopt: no sender.
    std::optional<sim::SimOptions> demoTraffic;
};

// The demo: a throw-away folder for the store and everything saved, its own endpoint secret,
// loopback on a port the system picks, and the receiver and store settings fixed for the run
// (the command line's, else the defaults), whatever the Settings dialog says.
SessionConfig demoSession(const AppOptions &commandLine, const QString &folder, const QString &secret);

} // namespace mm
