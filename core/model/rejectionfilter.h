// SPDX-License-Identifier: GPL-3.0-or-later
// The rules behind the rejected-deliveries filter, as a plain class: which verification
// outcomes to show, and free text over the reason, message id and peer.
#pragma once

#include "store/records.h"

#include <QSet>
#include <QString>

namespace mm {

struct RejectionFilter
{
    QSet<QString> reasonCodes; // e.g. "no_matching_signature", "timestamp_too_old"; empty: all
    QString text;

    bool matches(const RejectionRecord &r) const;
    bool isEmpty() const { return reasonCodes.isEmpty() && text.trimmed().isEmpty(); }
};

} // namespace mm
