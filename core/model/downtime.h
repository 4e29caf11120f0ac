// SPDX-License-Identifier: GPL-3.0-or-later
// When was nothing listening? From the receiver's recorded listening intervals, the
// gaps, and for each the time to give the vendor's "recover failed messages since".
#pragma once

#include "store/records.h"

#include <QList>
#include <QString>
#include <optional>

namespace mm {

struct DowntimeGap
{
    qint64 fromUs = 0;
    qint64 toUs = 0;
    bool afterCrash = false; // the interval before it ended without a clean stop
    qint64 recoverSinceUs = 0; // what to enter in "Recover failed messages since"
};

// Gaps between intervals longer than minGapUs, oldest first. A crashed interval is
// taken to end at its last heartbeat; recovery starts a minute before the gap to cover
// the heartbeat's uncertainty and clock skew.
QList<DowntimeGap> downtimeGaps(QList<ListenInterval> intervals, qint64 minGapUs = 1000000);

// A receiver that is listening now, by its heartbeat.
struct ReceiverPresence
{
    QString instance; // its name (empty in a store of one receiver)
    QString url;
    qint64 aliveUs = 0; // its last heartbeat
    bool operator==(const ReceiverPresence &) const = default;
};

// How long a receiver's heartbeat (every 10 s) stays good: three beats.
constexpr qint64 HeartbeatTimeoutUs = 30LL * 1000000;

// The receivers listening at nowUs: each instance's newest interval that has not stopped and has
// beaten within HeartbeatTimeoutUs, by name.
QList<ReceiverPresence> receiversUp(const QList<ListenInterval> &intervals, qint64 nowUs);

} // namespace mm
