// SPDX-License-Identifier: GPL-3.0-or-later
// Figures for the charts, from the event log and the migrations: deliveries per minute,
// how long finished migrations took, and how migrations ended by the hour they started.
#pragma once

#include "eventlog.h"
#include "migrationbook.h"

#include <QList>
#include <array>

namespace mm {

// Equal buckets over time: bucket i covers [startUs + i * bucketUs, startUs + (i + 1) * bucketUs).
struct TimeWindow
{
    qint64 startUs = 0;
    qint64 bucketUs = 60'000'000;
    int count = 0;

    qint64 endUs() const { return startUs + bucketUs * count; }
    qint64 bucketStartUs(int i) const { return startUs + bucketUs * i; }
    int bucketOf(qint64 us) const; // -1 outside the window

    // count buckets whose last one ends with nowUs (inclusive): the newest bucket is the
    // last bucketUs, whole, so its count is the current rate.
    static TimeWindow endingAt(qint64 nowUs, qint64 bucketUs, int count);
    // count buckets on bucketUs boundaries (since the epoch, UTC), the newest holding nowUs.
    static TimeWindow alignedTo(qint64 nowUs, qint64 bucketUs, int count);
};

struct EventRate
{
    TimeWindow window;
    QList<int> counts; // one per bucket
    int total = 0;
    int peak = 0;

    int current() const { return counts.isEmpty() ? 0 : counts.constLast(); }
};

struct DurationHistogram
{
    // Lower bounds of the bins in microseconds; bin i holds [bounds[i], bounds[i + 1]).
    static constexpr std::array<qint64, 6> LowerBoundsUs {
        0, 60'000'000LL, 5 * 60'000'000LL, 15 * 60'000'000LL, 60 * 60'000'000LL, 4 * 60 * 60'000'000LL};
    static constexpr int BinCount = int(LowerBoundsUs.size());
    static QString binLabel(int bin); // "< 1 min", "1–5 min", … "> 4 h"

    std::array<int, BinCount> counts {};
    int total = 0;
};

struct OutcomeBucket
{
    int completed = 0;
    int withFailures = 0;
    int failed = 0;
    int inProgress = 0; // not finished yet: not started, working, or status unknown

    int total() const { return completed + withFailures + failed + inProgress; }
    bool operator==(const OutcomeBucket &) const = default;
};

struct OutcomeSeries
{
    TimeWindow window;
    QList<OutcomeBucket> buckets;
    int total = 0;
};

class Stats final
{
public:
    static constexpr qint64 MinuteUs = 60'000'000LL;
    static constexpr qint64 HourUs = 60 * MinuteUs;

    Stats(const EventLog &log, const MigrationBook &book)
        : m_log(log)
        , m_book(book)
    {
    }

    // New deliveries by when they were first received, per minute over the last minutes
    // minutes up to nowUs.
    EventRate eventRate(qint64 nowUs, int minutes = 60) const
    {
        return eventRate(TimeWindow::endingAt(nowUs, MinuteUs, minutes));
    }
    EventRate eventRate(const TimeWindow &window) const;

    // Durations (start to outcome) of every finished migration that has a start.
    DurationHistogram durations() const;

    // Migrations by the hour they started (or were created, or first heard of) and how
    // they stand now, over the last hours hours up to nowUs.
    OutcomeSeries outcomes(qint64 nowUs, int hours = 24) const
    {
        return outcomes(TimeWindow::alignedTo(nowUs, HourUs, hours));
    }
    OutcomeSeries outcomes(const TimeWindow &window) const;

    static int durationBin(qint64 durationUs); // -1 for a negative duration
    static qint64 beganUs(const Migration &m); // started, else created, else first event

private:
    const EventLog &m_log;
    const MigrationBook &m_book;
};

} // namespace mm
