// SPDX-License-Identifier: GPL-3.0-or-later
// A histogram of durations that any thread adds to without a lock (relaxed atomic adds: a bucket,
// the sum), read as a snapshot for /metrics. Fixed buckets from 100 us to 10 s.
#pragma once

#include "prometheustext.h"

#include <array>
#include <atomic>

namespace mm {

class LatencyHistogram final
{
public:
    static constexpr std::array<double, 16> UpperBoundsSeconds {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    LatencyHistogram() = default;
    Q_DISABLE_COPY_MOVE(LatencyHistogram)

    void observe(qint64 ns);
    // Buckets and sum as they are now. Each is read on its own, so an observation in progress may
    // be in its bucket and not yet in the sum; the count is the buckets' total, never apart from them.
    prometheus::HistogramSample snapshot() const;

private:
    std::array<std::atomic<quint64>, UpperBoundsSeconds.size() + 1> m_buckets {};
    std::atomic<quint64> m_sumNs {0};
};

} // namespace mm
