// SPDX-License-Identifier: GPL-3.0-or-later
#include "timemapping.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>
#include <algorithm>
#include <array>
#include <cmath>

namespace mm {

namespace {
using M = TimeMapping;

// 1, 2 and 5 of each unit, with 15 and 30 where a minute or an hour needs them, and
// 3, 6 and 12 hours so that steps fall on the hours of a day.
constexpr std::array NiceSteps {
    1 * M::Ms,   2 * M::Ms,   5 * M::Ms,   10 * M::Ms,  20 * M::Ms,   50 * M::Ms,  100 * M::Ms,
    200 * M::Ms, 500 * M::Ms, 1 * M::Sec,  2 * M::Sec,  5 * M::Sec,   10 * M::Sec, 15 * M::Sec,
    30 * M::Sec, 1 * M::Min,  2 * M::Min,  5 * M::Min,  10 * M::Min,  15 * M::Min, 30 * M::Min,
    1 * M::Hour, 2 * M::Hour, 3 * M::Hour, 6 * M::Hour, 12 * M::Hour, 1 * M::Day,  2 * M::Day,
    5 * M::Day,  10 * M::Day, 20 * M::Day, 50 * M::Day, 100 * M::Day,
};

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

QString tickLabel(qint64 us, qint64 stepUs, int utcOffset)
{
    // Shifted by the offset and read as UTC: the same wall clock, without a zone database.
    const QDateTime dt
        = QDateTime::fromMSecsSinceEpoch(floorDiv(us, M::Ms) + qint64(utcOffset) * 1000, QTimeZone::utc());
    const QLocale locale;
    const bool midnight = dt.time() == QTime(0, 0);
    if (stepUs >= M::Day || (midnight && stepUs >= M::Sec))
        return locale.toString(dt.date(), QStringLiteral("d MMM"));
    if (stepUs < M::Sec)
        return dt.toString(QStringLiteral("HH:mm:ss.zzz"));
    if (stepUs < M::Min)
        return dt.toString(QStringLiteral("HH:mm:ss"));
    return dt.toString(QStringLiteral("HH:mm"));
}
} // namespace

void TimeMapping::setGeometry(double width, double leftMargin, double rightMargin)
{
    m_width = std::max(0.0, width);
    m_left = std::max(0.0, leftMargin);
    m_right = std::max(0.0, rightMargin);
}

double TimeMapping::plotWidth() const
{
    return std::max(1.0, m_width - m_left - m_right);
}

void TimeMapping::fit(qint64 fromUs, qint64 toUs)
{
    if (fromUs > toUs)
        std::swap(fromUs, toUs);
    m_origin = fromUs;
    m_dataFrom = 0;
    m_dataTo = double(toUs - fromUs);
    const double length = m_dataTo;
    if (length <= 0) {
        m_span = double(SinglePointSpanUs);
        m_start = -m_span / 2;
    } else {
        m_span = std::clamp(length * (1 + 2 * FitPadding), double(MinSpanUs), double(MaxSpanUs));
        if (m_span < length) // longer than the widest view: show its end, where it is now
            m_start = m_dataTo - m_span * (1 - FitPadding);
        else
            m_start = length / 2 - m_span / 2;
    }
    m_fitted = true;
}

qint64 TimeMapping::fromUs() const
{
    return m_origin + std::llround(m_start);
}

qint64 TimeMapping::toUs() const
{
    return m_origin + std::llround(m_start + m_span);
}

double TimeMapping::xForTime(qint64 us) const
{
    return m_left + (double(us - m_origin) - m_start) / m_span * plotWidth();
}

qint64 TimeMapping::timeAtX(double x) const
{
    return m_origin + std::llround(m_start + (x - m_left) / plotWidth() * m_span);
}

void TimeMapping::zoom(double factor, double anchorX)
{
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const double fraction = (anchorX - m_left) / plotWidth();
    const double anchor = m_start + fraction * m_span;
    m_span = std::clamp(m_span / factor, double(MinSpanUs), double(MaxSpanUs));
    m_start = anchor - fraction * m_span;
    clampStart();
    m_fitted = false;
}

void TimeMapping::pan(double dx)
{
    if (!std::isfinite(dx))
        return;
    m_start -= dx / plotWidth() * m_span;
    clampStart();
    m_fitted = false;
}

void TimeMapping::clampStart()
{
    // At least a tenth of the view stays on the fitted range.
    m_start = std::clamp(m_start, m_dataFrom - 0.9 * m_span, m_dataTo - 0.1 * m_span);
}

qint64 TimeMapping::tickStepUs(double minSpacingPx) const
{
    const double pxPerUs = plotWidth() / m_span;
    for (qint64 step : NiceSteps) {
        if (double(step) * pxPerUs >= minSpacingPx)
            return step;
    }
    return NiceSteps.back();
}

QList<TimeMapping::Tick> TimeMapping::ticks(double minSpacingPx) const
{
    QList<Tick> out;
    const qint64 step = tickStepUs(minSpacingPx);
    const qint64 offset = qint64(m_utcOffset) * Sec;
    const qint64 from = fromUs();
    const qint64 to = toUs();
    // Aligned on the wall clock of the zone: midnight, whole hours, whole seconds.
    for (qint64 t = floorDiv(from + offset, step) * step - offset; t <= to; t += step) {
        if (t < from)
            continue;
        out.append(Tick {t, xForTime(t), tickLabel(t, step, m_utcOffset)});
    }
    return out;
}

} // namespace mm
