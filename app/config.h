// SPDX-License-Identifier: GPL-3.0-or-later
// What a run is configured with: the saved settings, the command line's over them, by the
// declarations in settingspecs.cpp. Pure: nothing is read from or written to disk here.
#pragma once

#include "options.h"
#include "settings/appsettings.h"

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

} // namespace mm
