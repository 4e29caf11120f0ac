// SPDX-License-Identifier: GPL-3.0-or-later
#include "downtime.h"

#include <QMap>
#include <algorithm>

namespace mm {

namespace {
constexpr qint64 RecoveryMarginUs = 60LL * 1000000;
}

QList<DowntimeGap> downtimeGaps(QList<ListenInterval> intervals, qint64 minGapUs)
{
    std::sort(intervals.begin(), intervals.end(),
              [](const ListenInterval &a, const ListenInterval &b) { return a.startedUs < b.startedUs; });
    QList<DowntimeGap> gaps;
    qint64 coveredUntil = 0;
    bool crashed = false;
    bool first = true;
    for (const ListenInterval &i : intervals) {
        if (!first && i.startedUs - coveredUntil > minGapUs) {
            const qint64 from = coveredUntil;
            gaps.append(DowntimeGap {from, i.startedUs, crashed, from - RecoveryMarginUs});
        }
        const qint64 end = i.stoppedUs.value_or(std::max(i.aliveUs, i.startedUs));
        if (first || end > coveredUntil) {
            coveredUntil = end;
            crashed = !i.stoppedUs.has_value();
        }
        first = false;
    }
    return gaps;
}

QList<ReceiverPresence> receiversUp(const QList<ListenInterval> &intervals, qint64 nowUs)
{
    QMap<QString, const ListenInterval *> newest;
    for (const ListenInterval &i : intervals) {
        const ListenInterval *&seen = newest[i.instance];
        if (!seen || i.startedUs >= seen->startedUs)
            seen = &i;
    }
    QList<ReceiverPresence> up;
    for (const ListenInterval *i : std::as_const(newest)) {
        if (!i->stoppedUs && nowUs - i->aliveUs <= HeartbeatTimeoutUs)
            up.append(ReceiverPresence {i->instance, i->url, i->aliveUs});
    }
    return up;
}

} // namespace mm
