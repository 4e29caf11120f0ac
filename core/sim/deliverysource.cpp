// SPDX-License-Identifier: GPL-3.0-or-later
#include "deliverysource.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace mm::sim {

DeliverySource::DeliverySource(Options options)
    : m_options(std::move(options))
    , m_generator(m_options.lifecycle)
{
    const quint32 seedWords[3] = {quint32(m_options.seed), quint32(m_options.seed >> 32), 0x50c3u};
    m_rng = QRandomGenerator(seedWords, 3);
    m_eventsLeft = m_options.events;
    m_options.window = qMax(1, m_options.window);
    m_options.lanes = qMax(1, m_options.lanes);
    if (m_options.pacing.enabled) {
        if (!m_options.clockUs)
            m_options.clockUs = [] {
                using namespace std::chrono;
                return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
            };
        PacedSchedule::Options paced;
        paced.pacing = m_options.pacing;
        paced.lifecycle = m_options.lifecycle;
        paced.originUs = m_options.clockUs();
        paced.migrations = m_options.continuous ? 0 : qMax(1, m_options.migrations);
        paced.pings = m_options.pings;
        paced.outOfOrder = m_options.outOfOrder;
        m_paced = std::make_unique<PacedSchedule>(std::move(paced));
        return;
    }
    // Place each ping before a random migration of the expected run (about four events each).
    const qint64 horizon
        = m_options.events > 0 ? qMax(1, m_options.events / 4) : qMax(1, m_options.migrations);
    m_pingAt.reserve(size_t(qMax(0, m_options.pings)));
    for (int i = 0; i < m_options.pings; ++i)
        m_pingAt.push_back(qint64(m_rng.bounded(double(horizon))));
    std::sort(m_pingAt.begin(), m_pingAt.end());
}

bool DeliverySource::canGenerate() const
{
    if (m_options.continuous)
        return true;
    if (m_options.events > 0)
        return m_eventsLeft > 0;
    return m_generator.migrationsGenerated() < m_options.migrations;
}

void DeliverySource::takePings(qint64 upToMigration, std::deque<GeneratedEvent> &into)
{
    while (m_pingCursor < m_pingAt.size() && m_pingAt[m_pingCursor] <= upToMigration) {
        into.push_back(m_generator.ping());
        ++m_pingCursor;
    }
}

QList<GeneratedEvent> DeliverySource::generateMigration()
{
    QList<GeneratedEvent> events = m_generator.nextMigration();
    if (!m_options.continuous && m_options.events > 0) {
        // The last migration is cut short so the run sends exactly the requested number.
        if (events.size() > m_eventsLeft)
            events.resize(m_eventsLeft);
        m_eventsLeft -= events.size();
    }
    return events;
}

std::optional<SourcedDelivery> DeliverySource::next()
{
    std::optional<SourcedDelivery> out;
    if (m_paced) {
        if (std::optional<GeneratedEvent> due = m_paced->takeDue(m_options.clockUs()))
            out = SourcedDelivery {std::move(*due), -1};
    } else {
        out = m_options.outOfOrder ? nextShuffled() : nextInOrder();
    }
    if (out)
        ++m_produced;
    return out;
}

std::optional<SourcedDelivery> DeliverySource::nextInOrder()
{
    while (m_readyPings.empty() && m_activeLanes < m_options.lanes && canGenerate()) {
        takePings(m_generator.migrationsGenerated(), m_readyPings);
        QList<GeneratedEvent> events = generateMigration();
        int lane;
        if (!m_freeLanes.empty()) {
            lane = m_freeLanes.back();
            m_freeLanes.pop_back();
        } else {
            lane = int(m_lanes.size());
            m_lanes.emplace_back();
        }
        m_lanes[size_t(lane)].events = std::move(events);
        m_lanes[size_t(lane)].next = 0;
        ++m_activeLanes;
        m_readyLanes.push_back(lane);
    }
    if (!canGenerate())
        takePings(std::numeric_limits<qint64>::max(), m_readyPings);
    if (!m_readyPings.empty()) {
        SourcedDelivery out {std::move(m_readyPings.front()), -1};
        m_readyPings.pop_front();
        return out;
    }
    if (m_readyLanes.empty())
        return std::nullopt;
    const int lane = m_readyLanes.front();
    m_readyLanes.pop_front();
    Lane &l = m_lanes[size_t(lane)];
    return SourcedDelivery {std::move(l.events[l.next++]), lane};
}

void DeliverySource::release(int lane)
{
    if (m_options.outOfOrder || lane < 0 || size_t(lane) >= m_lanes.size())
        return;
    Lane &l = m_lanes[size_t(lane)];
    if (l.next < l.events.size()) {
        m_readyLanes.push_back(lane);
        return;
    }
    l.events.clear();
    l.next = 0;
    m_freeLanes.push_back(lane);
    --m_activeLanes;
}

std::optional<SourcedDelivery> DeliverySource::nextShuffled()
{
    while (m_window.size() < size_t(m_options.window)) {
        if (m_stream.empty()) {
            if (canGenerate()) {
                takePings(m_generator.migrationsGenerated(), m_stream);
                const QList<GeneratedEvent> events = generateMigration();
                for (const GeneratedEvent &event : events)
                    m_stream.push_back(event);
            } else {
                takePings(std::numeric_limits<qint64>::max(), m_stream);
                if (m_stream.empty())
                    break;
            }
        }
        m_window.push_back(std::move(m_stream.front()));
        m_stream.pop_front();
    }
    if (m_window.empty())
        return std::nullopt;
    const size_t pick = size_t(m_rng.bounded(int(m_window.size())));
    std::swap(m_window[pick], m_window.back());
    SourcedDelivery out {std::move(m_window.back()), -1};
    m_window.pop_back();
    return out;
}

qint64 DeliverySource::waitUs() const
{
    if (!m_paced || m_paced->exhausted())
        return -1;
    return qMax<qint64>(0, m_paced->nextDueUs() - m_options.clockUs());
}

bool DeliverySource::exhausted() const
{
    if (m_paced)
        return m_paced->exhausted();
    return !canGenerate() && m_pingCursor == m_pingAt.size() && m_readyPings.empty() && m_activeLanes == 0
        && m_stream.empty() && m_window.empty();
}

} // namespace mm::sim
