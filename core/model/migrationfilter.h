// SPDX-License-Identifier: GPL-3.0-or-later
// The rules behind the migrations board's filter, as a plain class.
#pragma once

#include "migration.h"

#include <QSet>

namespace mm {

struct MigrationFilter
{
    QSet<MigrationStatus> statuses; // empty: any
    QString text; // id, company or failure message, case-insensitive
    bool onlyQuiet = false;
    bool onlyAnomalies = false;
    bool onlyWithTaskFailures = false;

    bool matches(const Migration &m, bool quiet) const;
    bool isEmpty() const
    {
        return statuses.isEmpty() && text.trimmed().isEmpty() && !onlyQuiet && !onlyAnomalies
            && !onlyWithTaskFailures;
    }
};

} // namespace mm
