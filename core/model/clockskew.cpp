// SPDX-License-Identifier: GPL-3.0-or-later
#include "clockskew.h"

#include <QCoreApplication>
#include <algorithm>
#include <vector>

namespace mm {

void ClockSkew::add(qint64 receivedUs, qint64 timestampSeconds)
{
    if (timestampSeconds <= 0 || receivedUs <= 0)
        return;
    m_offsets.push_back(receivedUs - timestampSeconds * 1000 * 1000);
    while (m_offsets.size() > size_t(Window))
        m_offsets.pop_front();
}

std::optional<qint64> ClockSkew::medianUs() const
{
    if (m_offsets.size() < size_t(MinSamples))
        return std::nullopt;
    std::vector<qint64> sorted(m_offsets.cbegin(), m_offsets.cend());
    std::sort(sorted.begin(), sorted.end());
    const size_t mid = sorted.size() / 2;
    return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

bool ClockSkew::isSkewed() const
{
    const auto median = medianUs();
    return median && (*median > ThresholdUs || *median < -ThresholdUs);
}

QString ClockSkew::warning(int toleranceSeconds) const
{
    if (!isSkewed())
        return {};
    const qint64 median = *medianUs();
    const qint64 rounded = ((median < 0 ? -median : median) + 500000) / 1000000;
    const QString sentence = median < 0
        ? QCoreApplication::translate("mm::ClockSkew", "This computer's clock is %1 s behind the sender's.")
        : QCoreApplication::translate("mm::ClockSkew",
                                      "This computer's clock is %1 s ahead of the sender's.");
    return sentence.arg(rounded) + u' '
        + QCoreApplication::translate("mm::ClockSkew", "Signatures will fail past %1 s: check NTP.")
              .arg(toleranceSeconds);
}

} // namespace mm
