// SPDX-License-Identifier: GPL-3.0-or-later
#include "rejectionfilter.h"

namespace mm {

bool RejectionFilter::matches(const RejectionRecord &r) const
{
    if (!reasonCodes.isEmpty() && !reasonCodes.contains(r.reasonCode))
        return false;
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return true;
    return r.reason.contains(needle, Qt::CaseInsensitive)
        || r.reasonCode.contains(needle, Qt::CaseInsensitive)
        || QString::fromLatin1(r.msgId).contains(needle, Qt::CaseInsensitive)
        || r.remote.contains(needle, Qt::CaseInsensitive);
}

} // namespace mm
