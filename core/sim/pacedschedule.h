// SPDX-License-Identifier: GPL-3.0-or-later
// Plans migrations over real time for the paced demo: when each starts, how long it runs, how it
// ends and when each of its events is due to be sent. Pure: the caller passes the clock in.
#pragma once

#include "lifecyclegenerator.h"
#include "simoptions.h"

#include <QRandomGenerator>
#include <limits>
#include <optional>
#include <vector>

namespace mm::sim {

class PacedSchedule final
{
public:
    struct Options
    {
        PacingOptions pacing;
        LifecycleOptions lifecycle; // ids, seed and quirks; the pacing decides outcomes
        qint64 originUs = 0; // the first migration starts here (µs since the epoch)
        int migrations = 0; // 0: forever
        int pings = 0; // svix.ping events, within the first two minutes
        bool outOfOrder = false; // hold some events back until just after their successor
    };

    static constexpr qint64 Never = std::numeric_limits<qint64>::max();

    explicit PacedSchedule(Options options);

    // The next event due at `nowUs` or earlier, earliest first; nullopt when none is due yet.
    // Events carry the time they were planned for as "created", whenever they are taken.
    std::optional<GeneratedEvent> takeDue(qint64 nowUs);
    // When the next event falls due; Never when none will.
    qint64 nextDueUs() const;
    bool exhausted() const { return nextDueUs() == Never; }
    qint64 migrationsStarted() const { return m_started; }

private:
    struct Pending
    {
        qint64 dueUs;
        qint64 order; // ties go in the order events were planned
        GeneratedEvent event;
        bool operator>(const Pending &other) const
        {
            return dueUs != other.dueUs ? dueUs > other.dueUs : order > other.order;
        }
    };

    void advanceTo(qint64 nowUs);
    void startMigration();
    LifecyclePlan plan(qint64 startUs, bool warmup);
    qint64 scaledUs(double minS, double maxS);
    void push(qint64 dueUs, GeneratedEvent event);
    bool moreMigrations() const;

    Options m_options;
    LifecycleGenerator m_generator;
    QRandomGenerator m_rng;
    qint64 m_started = 0;
    qint64 m_nextStartUs = 0;
    std::vector<qint64> m_pingAt; // sorted
    size_t m_pingCursor = 0;
    std::vector<Pending> m_pending; // a min-heap on (dueUs, order)
    qint64 m_order = 0;
};

} // namespace mm::sim
