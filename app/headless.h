// SPDX-License-Identifier: GPL-3.0-or-later
// --headless and --export: the receiver and store without a window, and the export command.
#pragma once

#include "options.h"

namespace mm {

int runHeadless(const AppOptions &options);
int runExport(const AppOptions &options);
int runReportMigrations(const AppOptions &options);

} // namespace mm
