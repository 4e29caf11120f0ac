// SPDX-License-Identifier: GPL-3.0-or-later
// The rules behind the migrations board's filter, as a plain class.
#pragma once

#include "companynames.h"
#include "migration.h"

#include <QSet>

namespace mm {

struct MigrationFilter
{
    QSet<MigrationStatus> statuses; // empty: any
    QString text; // id, company (id or name) or failure message, case-insensitive
    QString company; // a company id or name, or part of one (the "company:" term)
    bool onlyQuiet = false;
    bool onlyAnomalies = false;
    bool onlyWithTaskFailures = false;

    // names: what companies are called (may be null: ids only).
    bool matches(const Migration &m, bool quiet, const CompanyNames *names = nullptr) const;
    bool isEmpty() const
    {
        return statuses.isEmpty() && text.trimmed().isEmpty() && company.trimmed().isEmpty() && !onlyQuiet
            && !onlyAnomalies && !onlyWithTaskFailures;
    }
    bool usesCompanyNames() const { return !text.trimmed().isEmpty() || !company.trimmed().isEmpty(); }
};

} // namespace mm
