// SPDX-License-Identifier: GPL-3.0-or-later
#include "pacedschedule.h"

#include <algorithm>
#include <functional>

namespace mm::sim {

namespace {
PacedSchedule::Options withFixedClock(PacedSchedule::Options options)
{
    // The generator reads its clock only for user ids; the origin keeps them tied to the run.
    if (!options.lifecycle.clockUs)
        options.lifecycle.clockUs = [origin = options.originUs] { return origin; };
    return options;
}
} // namespace

PacedSchedule::PacedSchedule(Options options)
    : m_options(withFixedClock(std::move(options)))
    , m_generator(m_options.lifecycle)
    , m_nextStartUs(m_options.originUs)
{
    const quint64 seed = m_options.lifecycle.seed;
    const quint32 seedWords[3] = {quint32(seed), quint32(seed >> 32), 0x9ace5u};
    m_rng = QRandomGenerator(seedWords, 3);
    for (int i = 0; i < m_options.pings; ++i)
        m_pingAt.push_back(m_options.originUs + scaledUs(1.0, 120.0));
    std::sort(m_pingAt.begin(), m_pingAt.end());
}

qint64 PacedSchedule::scaledUs(double minS, double maxS)
{
    const double seconds = minS + (maxS - minS) * m_rng.generateDouble();
    return qint64(seconds * m_options.pacing.timeScale * 1e6);
}

bool PacedSchedule::moreMigrations() const
{
    return m_options.migrations <= 0 || m_started < m_options.migrations;
}

void PacedSchedule::push(qint64 dueUs, GeneratedEvent event)
{
    m_pending.push_back(Pending {dueUs, m_order++, std::move(event)});
    std::push_heap(m_pending.begin(), m_pending.end(), std::greater<> {});
}

LifecyclePlan PacedSchedule::plan(qint64 startUs, bool warmup)
{
    const PacingOptions &p = m_options.pacing;
    LifecyclePlan out;
    out.recordUs = startUs;
    // The webhook follows its record by a moment; every later time is at least a µs on.
    out.createdUs = startUs + qMax<qint64>(1, scaledUs(0.05, 0.5));
    const qint64 span
        = warmup ? scaledUs(p.warmupSpanMinS, p.warmupSpanMaxS) : scaledUs(p.spanMinS, p.spanMaxS);
    const qint64 startDelay = qMin(scaledUs(p.startDelayMinS, p.startDelayMaxS), span / 3);
    out.startedUs = out.createdUs + qMax<qint64>(1, startDelay);

    int taskFailures = 0;
    if (warmup) {
        // One of each ending, in the order a first look benefits from: task failures that still
        // complete, then an outright failure, then a clean run.
        const qint64 kind = m_started % 3;
        out.fails = kind == 1;
        if (kind == 0)
            taskFailures = 1 + m_rng.bounded(qMax(1, p.maxTaskFailures));
    } else {
        out.fails = m_rng.generateDouble() < p.failureRatio;
        if (p.maxTaskFailures > 0 && m_rng.generateDouble() < p.taskFailureRatio)
            taskFailures = 1 + m_rng.bounded(p.maxTaskFailures);
    }

    const qint64 working = qMax<qint64>(0, startUs + span - out.startedUs);
    for (int i = 0; i < taskFailures; ++i)
        out.taskFailuresUs.append(out.startedUs
                                  + qint64(double(working) * (0.1 + 0.8 * m_rng.generateDouble())));
    std::sort(out.taskFailuresUs.begin(), out.taskFailuresUs.end());
    qint64 previous = out.startedUs;
    for (qint64 &t : out.taskFailuresUs)
        previous = t = qMax(t, previous + 1);
    out.endUs = qMax(startUs + span, previous + 1);
    return out;
}

void PacedSchedule::startMigration()
{
    const PacingOptions &p = m_options.pacing;
    const bool warmup = m_started < p.warmup;
    const LifecyclePlan lifecycle = plan(m_nextStartUs, warmup);
    const QList<GeneratedEvent> events = m_generator.plannedMigration(lifecycle);
    for (qsizetype i = 0; i < events.size(); ++i) {
        qint64 due = events.at(i).createdUs;
        // Out of order: now and then an event is sent just after the one that followed it.
        if (m_options.outOfOrder && i + 1 < events.size() && m_rng.generateDouble() < p.holdBack)
            due = events.at(i + 1).createdUs + qMax<qint64>(1, scaledUs(0.2, 2.0));
        push(due, events.at(i));
    }
    ++m_started;
    const bool nextInWarmup = m_started < p.warmup;
    m_nextStartUs += nextInWarmup ? scaledUs(p.warmupGapMinS, p.warmupGapMaxS)
                                  : scaledUs(p.startGapMinS, p.startGapMaxS);
}

void PacedSchedule::advanceTo(qint64 nowUs)
{
    // Migrations and pings are generated in time order, so the bytes do not depend on how
    // often the caller looks.
    for (;;) {
        const bool migrationDue = moreMigrations() && m_nextStartUs <= nowUs;
        const bool pingDue = m_pingCursor < m_pingAt.size() && m_pingAt[m_pingCursor] <= nowUs;
        if (pingDue && (!migrationDue || m_pingAt[m_pingCursor] < m_nextStartUs)) {
            const qint64 at = m_pingAt[m_pingCursor++];
            push(at, m_generator.pingAt(at));
        } else if (migrationDue) {
            startMigration();
        } else {
            return;
        }
    }
}

std::optional<GeneratedEvent> PacedSchedule::takeDue(qint64 nowUs)
{
    advanceTo(nowUs);
    if (m_pending.empty() || m_pending.front().dueUs > nowUs)
        return std::nullopt;
    std::pop_heap(m_pending.begin(), m_pending.end(), std::greater<> {});
    GeneratedEvent event = std::move(m_pending.back().event);
    m_pending.pop_back();
    return event;
}

qint64 PacedSchedule::nextDueUs() const
{
    qint64 next = m_pending.empty() ? Never : m_pending.front().dueUs;
    if (moreMigrations())
        next = qMin(next, m_nextStartUs);
    if (m_pingCursor < m_pingAt.size())
        next = qMin(next, m_pingAt[m_pingCursor]);
    return next;
}

} // namespace mm::sim
