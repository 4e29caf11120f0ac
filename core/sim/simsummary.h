// SPDX-License-Identifier: GPL-3.0-or-later
// The outcome of a simulator run, and the acknowledgement-latency record it is computed from.
#pragma once

#include <QString>
#include <vector>

namespace mm::sim {

struct SimSummary
{
    qint64 sent = 0; // attempts written (first tries, retries and duplicates)
    qint64 acknowledged = 0; // distinct svix-ids that got a 2xx
    qint64 retried = 0; // attempts after the first for the same delivery
    qint64 failed = 0; // correctly signed deliveries given up on
    qint64 rejectedAsIntended = 0; // wrong-secret or tampered deliveries that never got a 2xx
    qint64 unexpectedlyAccepted = 0; // wrong-secret or tampered deliveries that got a 2xx
    qint64 duplicatesSent = 0; // second deliveries of a message (at-least-once)
    qint64 unfinished = 0; // deliveries still pending when the run was stopped
    bool interrupted = false; // a finite run was stopped before every delivery was resolved
    double elapsedSeconds = 0.0;
    double rate = 0.0; // acknowledged per second
    double p50Ms = 0.0;
    double p99Ms = 0.0;

    // Everything meant to be accepted was, nothing meant to be rejected was accepted, and a finite
    // run was not cut short. (Stopping a continuous run is its normal end.)
    bool success() const { return failed == 0 && unexpectedlyAccepted == 0 && !interrupted; }
    QString toText() const;
};

// Acknowledgement latencies. Appending is cheap; percentiles are computed on demand.
// Past `capacity` samples it keeps a uniform reservoir, so endless demo runs stay bounded.
class LatencyRecorder final
{
public:
    explicit LatencyRecorder(size_t capacity = size_t(1) << 20);

    void add(qint64 ns);
    qint64 count() const { return m_seen; }
    // Nearest-rank percentile in milliseconds; 0 when empty.
    double percentileMs(double p) const;

private:
    std::vector<qint64> m_samples;
    size_t m_capacity;
    qint64 m_seen = 0;
    quint64 m_state = 0x9E3779B97F4A7C15ULL; // xorshift state for the reservoir
};

} // namespace mm::sim
