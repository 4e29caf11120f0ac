// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinepainter.h"

#include "board/statuscolor.h"
#include "model/migration.h"
#include "timemapping.h"

#include <QPainter>
#include <QPainterPath>
#include <QWidget>
#include <algorithm>

namespace mm {

namespace {
QColor kindColor(EventKind kind, MigrationStatus status, const QPalette &palette)
{
    switch (kind) {
    case EventKind::Created:
        return statusColor(MigrationStatus::NotStarted);
    case EventKind::Started:
        return statusColor(MigrationStatus::Working);
    case EventKind::Completed:
        return statusColor(status == MigrationStatus::CompletedWithFailures
                               ? MigrationStatus::CompletedWithFailures
                               : MigrationStatus::Complete);
    case EventKind::Failed:
    case EventKind::TaskFailed:
        return statusColor(MigrationStatus::Failed);
    case EventKind::Ping:
    case EventKind::Other:
        break;
    }
    return palette.color(QPalette::WindowText);
}
} // namespace

TimelinePainter::TimelinePainter(QPainter &painter, const QWidget &widget, const TimeMapping &mapping)
    : m_p(painter)
    , m_widget(widget)
    , m_mapping(mapping)
    , m_em(widget.fontMetrics().height())
{
}

void TimelinePainter::phases(const Migration &m, const QRectF &band) const
{
    const double edge = std::max(2.0, m_em / 6);
    const QFontMetricsF fm(m_widget.font());
    // Each phase runs until the next begins; the current one runs to the right edge.
    auto span = [&](qint64 fromUs, std::optional<qint64> toUs, MigrationStatus status) {
        const double x0 = std::max(m_mapping.xForTime(fromUs), band.left());
        const double x1 = toUs ? std::min(m_mapping.xForTime(*toUs), band.right()) : band.right();
        if (x1 <= x0)
            return;
        const QRectF r(x0, band.top(), x1 - x0, band.height());
        const QColor color = statusColor(status);
        QColor fill = color;
        fill.setAlpha(70); // a tint, so the label reads in the palette's text colour
        m_p.fillRect(r, fill);
        m_p.fillRect(QRectF(r.left(), r.bottom() - edge, r.width(), edge), color);
        const QString text = statusDisplayName(status);
        if (fm.horizontalAdvance(text) + m_em * 0.6 <= r.width()) {
            m_p.setPen(m_widget.palette().color(QPalette::Text));
            m_p.drawText(r.adjusted(m_em * 0.3, 0, 0, -edge), Qt::AlignVCenter | Qt::AlignLeft, text);
        }
    };
    if (m.createdUs)
        span(*m.createdUs, m.startedUs ? m.startedUs : m.finishedUs, MigrationStatus::NotStarted);
    if (m.startedUs)
        span(*m.startedUs, m.finishedUs, MigrationStatus::Working);
    if (m.finishedUs && isTerminal(m.status))
        span(*m.finishedUs, std::nullopt, m.status);
}

namespace {
// Labels at least 80 px apart, and never closer than the widest label allows.
double tickSpacing(const QFontMetricsF &fm, double em)
{
    return std::max(80.0, fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + em);
}

QRectF labelRect(const TimeMapping::Tick &tick, const QRectF &axis, const QFontMetricsF &fm, double em,
                 double widgetWidth)
{
    const double w = fm.horizontalAdvance(tick.label) + 2;
    const double left = std::clamp(tick.x - w / 2, 0.0, std::max(0.0, widgetWidth - w));
    return QRectF(left, axis.top() + em * 0.3, w, fm.height());
}
} // namespace

QList<QRectF> TimelinePainter::axisLabelRects(const QRectF &axis) const
{
    const QFontMetricsF fm(m_widget.font());
    QList<QRectF> out;
    for (const TimeMapping::Tick &tick : m_mapping.ticks(tickSpacing(fm, m_em)))
        out.append(labelRect(tick, axis, fm, m_em, m_widget.width()));
    return out;
}

void TimelinePainter::axis(const QRectF &grid, const QRectF &axis) const
{
    const QPalette &pal = m_widget.palette();
    const QFontMetricsF fm(m_widget.font());
    const double minSpacing = tickSpacing(fm, m_em);
    const QColor mid = pal.color(QPalette::Mid);
    QColor faint = mid;
    faint.setAlpha(90);
    m_p.setPen(QPen(mid, 1));
    m_p.drawLine(QLineF(axis.left(), axis.top(), axis.right(), axis.top()));
    for (const TimeMapping::Tick &tick : m_mapping.ticks(minSpacing)) {
        m_p.setPen(QPen(faint, 1));
        m_p.drawLine(QLineF(tick.x, grid.top(), tick.x, axis.top()));
        m_p.setPen(QPen(mid, 1));
        m_p.drawLine(QLineF(tick.x, axis.top(), tick.x, axis.top() + m_em * 0.3));
        m_p.setPen(pal.color(QPalette::Text));
        m_p.drawText(labelRect(tick, axis, fm, m_em, m_widget.width()), Qt::AlignCenter, tick.label);
    }
}

void TimelinePainter::marker(const TimelineMarker &marker, bool selected, bool hovered) const
{
    const QPalette &pal = m_widget.palette();
    const double e = m_em;
    const QColor color = kindColor(marker.kind, marker.status, pal);
    const QPointF c = marker.centre;
    const double r = marker.radius;
    const double line = std::max(1.0, e / 12);
    if (marker.resent) {
        // A duplicate delivery: a small tick, not a second full marker.
        m_p.setPen(QPen(color, std::max(1.5, e / 8), Qt::SolidLine, Qt::RoundCap));
        m_p.drawLine(QLineF(c.x(), c.y() - r * 1.6, c.x(), c.y() + r * 1.6));
    } else if (marker.kind == EventKind::TaskFailed) {
        m_p.setPen(QPen(pal.color(QPalette::Base), line));
        m_p.setBrush(color);
        QPainterPath diamond;
        diamond.moveTo(c.x(), c.y() - r);
        diamond.lineTo(c.x() + r, c.y());
        diamond.lineTo(c.x(), c.y() + r);
        diamond.lineTo(c.x() - r, c.y());
        diamond.closeSubpath();
        m_p.drawPath(diamond);
    } else if (marker.kind == EventKind::Ping || marker.kind == EventKind::Other) {
        m_p.setPen(QPen(color, std::max(1.5, e / 10)));
        m_p.setBrush(pal.base());
        m_p.drawEllipse(c, r * 0.8, r * 0.8);
    } else {
        m_p.setPen(QPen(pal.color(QPalette::Base), line));
        m_p.setBrush(color);
        m_p.drawEllipse(c, r, r);
    }
    // Repeated attempts of one delivery: a small tick above the marker for each extra one.
    const int extra = std::min(marker.attempts - 1, 5);
    m_p.setPen(QPen(color, line, Qt::SolidLine, Qt::RoundCap));
    for (int i = 0; i < extra; ++i) {
        const double x = c.x() + (i - (extra - 1) / 2.0) * e * 0.3;
        m_p.drawLine(QLineF(x, c.y() - r - e * 0.2, x, c.y() - r - e * 0.45));
    }
    m_p.setBrush(Qt::NoBrush);
    if (selected) {
        m_p.setPen(QPen(pal.color(QPalette::Highlight), std::max(2.0, e / 7)));
        m_p.drawEllipse(c, r + e * 0.22, r + e * 0.22);
    } else if (hovered) {
        QColor ring = pal.color(QPalette::Text);
        ring.setAlpha(120);
        m_p.setPen(QPen(ring, line));
        m_p.drawEllipse(c, r + e * 0.18, r + e * 0.18);
    }
}

} // namespace mm
