// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencyhistogram.h"

#include <algorithm>

namespace mm {

namespace {
constexpr std::array<qint64, LatencyHistogram::UpperBoundsSeconds.size()> boundsNs()
{
    std::array<qint64, LatencyHistogram::UpperBoundsSeconds.size()> ns {};
    for (size_t i = 0; i < ns.size(); ++i)
        ns[i] = qint64(LatencyHistogram::UpperBoundsSeconds[i] * 1e9 + 0.5);
    return ns;
}
constexpr auto BoundsNs = boundsNs();
} // namespace

void LatencyHistogram::observe(qint64 ns)
{
    ns = std::max<qint64>(ns, 0);
    // A bucket counts values up to and including its bound ("le").
    const size_t bucket = size_t(std::lower_bound(BoundsNs.begin(), BoundsNs.end(), ns) - BoundsNs.begin());
    m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    m_sumNs.fetch_add(quint64(ns), std::memory_order_relaxed);
}

prometheus::HistogramSample LatencyHistogram::snapshot() const
{
    prometheus::HistogramSample h;
    h.upperBounds = QList<double>(UpperBoundsSeconds.begin(), UpperBoundsSeconds.end());
    for (const auto &count : m_buckets)
        h.bucketCounts.append(count.load(std::memory_order_relaxed));
    h.sum = double(m_sumNs.load(std::memory_order_relaxed)) / 1e9;
    return h;
}

} // namespace mm
