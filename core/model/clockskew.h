// SPDX-License-Identifier: GPL-3.0-or-later
// Tells when this computer's clock and the sender's disagree: the median of the last accepted
// deliveries' (received − svix-timestamp) beyond ±60 s. A median, so a few outliers (a delivery
// held up in a tunnel, say) do not count; Svix re-signs each retry, so retries are fair samples.
#pragma once

#include <QString>
#include <deque>
#include <optional>

namespace mm {

class ClockSkew final
{
public:
    static constexpr int Window = 20; // the last this many accepted deliveries
    static constexpr int MinSamples = 5; // no verdict on fewer
    static constexpr qint64 ThresholdUs = 60LL * 1000 * 1000;

    // One accepted delivery: when it arrived (local clock, µs) and its signed timestamp (s).
    // A zero timestamp (none recorded) is ignored.
    void add(qint64 receivedUs, qint64 timestampSeconds);
    void clear() { m_offsets.clear(); }
    int samples() const { return int(m_offsets.size()); }

    // The median of (received − timestamp) in µs: negative when this clock is behind the
    // sender's. Empty until MinSamples deliveries were seen.
    std::optional<qint64> medianUs() const;
    bool isSkewed() const;
    // A sentence for the user when skewed, else an empty string, e.g. "This computer's clock is
    // 95 s behind the sender's. Signatures will fail past 300 s: check NTP."
    QString warning(int toleranceSeconds) const;

private:
    std::deque<qint64> m_offsets; // oldest first
};

} // namespace mm
