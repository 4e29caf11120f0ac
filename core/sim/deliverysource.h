// SPDX-License-Identifier: GPL-3.0-or-later
// Decides which fresh delivery goes next. In order: a migration's next event waits until the
// previous one was tried once, as when events are seconds apart. Out of order: a sliding window
// is shuffled, so a migration.completed can overtake its migration.started. Paced: whatever the
// PacedSchedule says is due by the clock.
#pragma once

#include "lifecyclegenerator.h"
#include "pacedschedule.h"

#include <QRandomGenerator>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mm::sim {

struct SourcedDelivery
{
    GeneratedEvent event;
    int lane = -1; // in-order mode: pass to release() after the first attempt; -1 otherwise
};

class DeliverySource final
{
public:
    struct Options
    {
        LifecycleOptions lifecycle;
        int migrations = 10;
        int events = 0; // > 0: generate migrations until this many lifecycle events
        int pings = 0; // extra svix.ping events, spread over the run
        bool continuous = false;
        bool outOfOrder = false;
        int window = 16; // out-of-order: deliveries the next one is drawn from
        int lanes = 16; // in order: migrations in progress at once
        quint64 seed = 0; // for the shuffle and ping placement
        // Paced: events go when the schedule says, read from this clock (µs since the epoch;
        // the wall clock when unset), so next() returns nothing until one is due.
        PacingOptions pacing;
        std::function<qint64()> clockUs;
    };

    explicit DeliverySource(Options options);

    // The next delivery that may go now; nullopt when none may (all lanes wait) or none is left.
    std::optional<SourcedDelivery> next();
    // In order: the delivery from `lane` was tried once, so that migration may move on.
    void release(int lane);
    // Nothing more will ever come from next().
    bool exhausted() const;

    // Paced: microseconds until next() may have something; -1 when not paced or nothing will.
    qint64 waitUs() const;

    qint64 produced() const { return m_produced; }
    qint64 migrationsGenerated() const
    {
        return m_paced ? m_paced->migrationsStarted() : m_generator.migrationsGenerated();
    }

private:
    struct Lane
    {
        QList<GeneratedEvent> events;
        qsizetype next = 0;
    };

    bool canGenerate() const;
    QList<GeneratedEvent> generateMigration();
    void takePings(qint64 upToMigration, std::deque<GeneratedEvent> &into);
    std::optional<SourcedDelivery> nextInOrder();
    std::optional<SourcedDelivery> nextShuffled();

    Options m_options;
    LifecycleGenerator m_generator;
    std::unique_ptr<PacedSchedule> m_paced;
    QRandomGenerator m_rng;
    qint64 m_produced = 0;
    qint64 m_eventsLeft = 0; // budget when events > 0
    std::vector<qint64> m_pingAt; // sorted migration indices the pings precede
    size_t m_pingCursor = 0;

    // In order.
    std::vector<Lane> m_lanes;
    std::vector<int> m_freeLanes;
    std::deque<int> m_readyLanes;
    int m_activeLanes = 0;
    std::deque<GeneratedEvent> m_readyPings;

    // Out of order.
    std::deque<GeneratedEvent> m_stream;
    std::vector<GeneratedEvent> m_window;
};

} // namespace mm::sim
