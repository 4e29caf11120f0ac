// SPDX-License-Identifier: GPL-3.0-or-later
#include "simsummary.h"

#include <QStringList>
#include <algorithm>
#include <cmath>

namespace mm::sim {

QString SimSummary::toText() const
{
    const auto n = [](qint64 v) { return QString::number(v); };
    QStringList lines;
    lines << QStringLiteral("sent:                  %1 attempts").arg(n(sent))
          << QStringLiteral("acknowledged:          %1").arg(n(acknowledged))
          << QStringLiteral("retried:               %1").arg(n(retried))
          << QStringLiteral("failed:                %1").arg(n(failed))
          << QStringLiteral("rejected as intended:  %1").arg(n(rejectedAsIntended));
    if (unexpectedlyAccepted > 0)
        lines << QStringLiteral("UNEXPECTEDLY ACCEPTED: %1 (wrong secret or tampered, yet answered 2xx)")
                     .arg(n(unexpectedlyAccepted));
    if (duplicatesSent > 0)
        lines << QStringLiteral("duplicates sent:       %1").arg(n(duplicatesSent));
    if (unfinished > 0 || interrupted)
        lines << QStringLiteral("unfinished:            %1 in flight or awaiting retry%2")
                     .arg(n(unfinished), interrupted ? QStringLiteral(" (stopped early)") : QString());
    lines << QStringLiteral("elapsed:               %1 s").arg(elapsedSeconds, 0, 'f', 3)
          << QStringLiteral("rate:                  %1 acknowledged/s").arg(rate, 0, 'f', 1)
          << QStringLiteral("latency p50:           %1 ms").arg(p50Ms, 0, 'f', 3)
          << QStringLiteral("latency p99:           %1 ms").arg(p99Ms, 0, 'f', 3)
          << QStringLiteral("result:                %1")
                 .arg(success() ? QStringLiteral("OK") : QStringLiteral("FAILED"));
    return lines.join(u'\n') + u'\n';
}

LatencyRecorder::LatencyRecorder(size_t capacity)
    : m_capacity(qMax<size_t>(1, capacity))
{
    m_samples.reserve(qMin<size_t>(m_capacity, 1 << 16));
}

void LatencyRecorder::add(qint64 ns)
{
    ++m_seen;
    if (m_samples.size() < m_capacity) {
        m_samples.push_back(ns);
        return;
    }
    // Algorithm R: keep each new sample with probability capacity / seen.
    m_state ^= m_state << 13;
    m_state ^= m_state >> 7;
    m_state ^= m_state << 17;
    const quint64 slot = m_state % quint64(m_seen);
    if (slot < m_capacity)
        m_samples[size_t(slot)] = ns;
}

double LatencyRecorder::percentileMs(double p) const
{
    if (m_samples.empty())
        return 0.0;
    std::vector<qint64> copy = m_samples;
    const double rank = std::ceil(p / 100.0 * double(copy.size()));
    const size_t index = size_t(qBound(1.0, rank, double(copy.size()))) - 1;
    std::nth_element(copy.begin(), copy.begin() + qsizetype(index), copy.end());
    return double(copy[index]) / 1e6;
}

} // namespace mm::sim
