// SPDX-License-Identifier: GPL-3.0-or-later
// --headless and --export: the receiver and store without a window, and the export command.
#pragma once

#include "options.h"

#include <functional>

class QIODevice;

namespace mm {

int runHeadless(const AppOptions &options);
int runExport(const AppOptions &options);
// --follow: every delivery any receiver commits, as a JSON line on stdout, until SIGINT/SIGTERM.
int runFollow(const AppOptions &options);
int runReportMigrations(const AppOptions &options);

// Writes to a file through a temporary, owner-only (so a failure leaves no half file), or
// to stdout for "-". Prints the error and returns 1 on failure, 0 on success.
int writeOutput(const QString &target, const std::function<bool(QIODevice &, QString *)> &write);

} // namespace mm
