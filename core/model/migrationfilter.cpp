// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrationfilter.h"

namespace mm {

bool MigrationFilter::matches(const Migration &m, bool quiet, const CompanyNames *names) const
{
    auto companyHas = [&](const QString &needle) {
        return names ? names->matches(m.companyId, needle)
                     : m.companyId.contains(needle, Qt::CaseInsensitive);
    };
    if (const QString wanted = company.trimmed(); !wanted.isEmpty() && !companyHas(wanted))
        return false;
    if (!statuses.isEmpty() && !statuses.contains(m.status))
        return false;
    if (onlyQuiet && !quiet)
        return false;
    if (onlyAnomalies && m.anomalies == 0)
        return false;
    if (onlyWithTaskFailures && m.taskFailureCount == 0)
        return false;
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return true;
    return m.id.contains(needle, Qt::CaseInsensitive) || companyHas(needle)
        || m.createdByUserId.contains(needle, Qt::CaseInsensitive)
        || m.failureMessage.contains(needle, Qt::CaseInsensitive);
}

} // namespace mm
