// SPDX-License-Identifier: GPL-3.0-or-later
// Turns migration-monitor-sim's arguments (and MIGRATION_MONITOR_SECRETS) into SimOptions,
// or into one clear sentence about what is wrong.
#pragma once

#include "sim/simoptions.h"

#include <QStringList>

namespace mm::sim {

struct SimCommandLine
{
    SimOptions options;
    bool quiet = false;
    bool verbose = false;
    bool seedGiven = false;
    QString error; // empty when the arguments are usable
    bool exitNow = false; // --help or --version was answered
};

SimCommandLine parseSimCommandLine(const QStringList &arguments, const QString &secretsFromEnvironment);

} // namespace mm::sim
