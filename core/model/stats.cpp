// SPDX-License-Identifier: GPL-3.0-or-later
#include "stats.h"

#include <QCoreApplication>
#include <algorithm>

namespace mm {

namespace {
qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
} // namespace

int TimeWindow::bucketOf(qint64 us) const
{
    if (bucketUs <= 0 || us < startUs || us >= endUs())
        return -1;
    return int((us - startUs) / bucketUs);
}

TimeWindow TimeWindow::endingAt(qint64 nowUs, qint64 bucketUs, int count)
{
    return TimeWindow {nowUs + 1 - bucketUs * count, bucketUs, count};
}

TimeWindow TimeWindow::alignedTo(qint64 nowUs, qint64 bucketUs, int count)
{
    const qint64 end = (floorDiv(nowUs, bucketUs) + 1) * bucketUs;
    return TimeWindow {end - bucketUs * count, bucketUs, count};
}

QString DurationHistogram::binLabel(int bin)
{
    switch (bin) {
    case 0:
        return QCoreApplication::translate("mm::Stats", "< 1 min");
    case 1:
        return QCoreApplication::translate("mm::Stats", "1–5 min");
    case 2:
        return QCoreApplication::translate("mm::Stats", "5–15 min");
    case 3:
        return QCoreApplication::translate("mm::Stats", "15–60 min");
    case 4:
        return QCoreApplication::translate("mm::Stats", "1–4 h");
    case 5:
        return QCoreApplication::translate("mm::Stats", "> 4 h");
    default:
        return {};
    }
}

EventRate Stats::eventRate(const TimeWindow &window) const
{
    EventRate rate;
    rate.window = window;
    rate.counts.fill(0, std::max(window.count, 0));
    // The log is in arrival order, so receivedUs rises along it: walk back from the newest
    // row and stop a margin before the window, which absorbs clock steps; rows fed back in
    // keep their first receipt time and do not end the walk.
    constexpr qint64 MarginUs = 15 * Stats::MinuteUs;
    const qint64 stopBelow = window.startUs - MarginUs;
    for (qsizetype i = m_log.size() - 1; i >= 0; --i) {
        const EventRow &row = m_log.at(i);
        const int bucket = window.bucketOf(row.receivedUs);
        if (bucket >= 0) {
            ++rate.counts[bucket];
            ++rate.total;
        } else if (row.receivedUs < stopBelow && !row.replayed) {
            break;
        }
    }
    for (int count : std::as_const(rate.counts))
        rate.peak = std::max(rate.peak, count);
    return rate;
}

int Stats::durationBin(qint64 durationUs)
{
    if (durationUs < 0)
        return -1;
    const auto &bounds = DurationHistogram::LowerBoundsUs;
    const auto above = std::upper_bound(bounds.begin(), bounds.end(), durationUs);
    return int(above - bounds.begin()) - 1;
}

DurationHistogram Stats::durations() const
{
    DurationHistogram histogram;
    for (qsizetype i = 0; i < m_book.size(); ++i) {
        const Migration &m = m_book.at(i);
        if (!m.startedUs || !m.finishedUs)
            continue;
        // A negative duration says the sender's clock is off, not how long it took.
        const int bin = durationBin(*m.finishedUs - *m.startedUs);
        if (bin < 0)
            continue;
        ++histogram.counts[size_t(bin)];
        ++histogram.total;
    }
    return histogram;
}

qint64 Stats::beganUs(const Migration &m)
{
    if (m.startedUs)
        return *m.startedUs;
    if (m.createdUs)
        return *m.createdUs;
    return m.firstEventUs;
}

OutcomeSeries Stats::outcomes(const TimeWindow &window) const
{
    OutcomeSeries series;
    series.window = window;
    series.buckets.fill(OutcomeBucket {}, std::max(window.count, 0));
    for (qsizetype i = 0; i < m_book.size(); ++i) {
        const Migration &m = m_book.at(i);
        const int bucket = window.bucketOf(beganUs(m));
        if (bucket < 0)
            continue;
        OutcomeBucket &b = series.buckets[bucket];
        switch (m.status) {
        case MigrationStatus::Complete:
            ++b.completed;
            break;
        case MigrationStatus::CompletedWithFailures:
            ++b.withFailures;
            break;
        case MigrationStatus::Failed:
            ++b.failed;
            break;
        case MigrationStatus::Unknown:
        case MigrationStatus::NotStarted:
        case MigrationStatus::Working:
            ++b.inProgress;
            break;
        }
        ++series.total;
    }
    return series;
}

} // namespace mm
