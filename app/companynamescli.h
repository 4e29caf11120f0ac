// SPDX-License-Identifier: GPL-3.0-or-later
// --export-company-names and --import-company-names: the store's company names as CSV
// (CompanyNamesCsv), for bulk editing and for sharing between stores.
#pragma once

#include "options.h"

namespace mm {

int runExportCompanyNames(const AppOptions &options);
// All rows in one transaction, or none (a bad row is named by its line, exit status 1).
int runImportCompanyNames(const AppOptions &options);

} // namespace mm
