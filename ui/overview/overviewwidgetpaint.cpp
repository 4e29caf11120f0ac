// SPDX-License-Identifier: GPL-3.0-or-later
// OverviewWidget's painting: the rows in view, the axis and the "now" line.
#include "board/statuscolor.h"
#include "model/migrationlistmodel.h"
#include "overviewwidget.h"
#include "timeline/timelinepainter.h"

#include <QDateTime>
#include <QPainter>
#include <QStyleOptionFocusRect>
#include <cmath>

namespace mm {

namespace {
QColor tint(MigrationStatus status, int alpha)
{
    QColor c = statusColor(status);
    c.setAlpha(alpha);
    return c;
}
} // namespace

void OverviewWidget::paintRow(QPainter &p, int index, qint64 nowUs) const
{
    const QPalette &pal = palette();
    const OverviewLayout::Row &row = m_layout.row(index);
    const double e = em();
    const double top = m_layout.rowTop(index);
    const double h = m_layout.rowHeight();
    const double right = lanesRect().right();
    const double gutter = m_mapping.plotLeft();
    const QFontMetricsF fm(font());
    if (row.isHeader()) {
        p.fillRect(QRectF(0, top, right, h), pal.button());
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(pal.color(QPalette::ButtonText));
        const QString name
            = m_layout.groups()[row.group].isEmpty() ? tr("No company") : m_layout.groups()[row.group];
        const int n = m_layout.groupSize(row.group);
        const QString text
            = n == 1 ? tr("%1 (1 migration)").arg(name) : tr("%1 (%2 migrations)").arg(name).arg(n);
        p.drawText(QRectF(e * 0.3, top, right - e * 0.6, h), Qt::AlignVCenter | Qt::AlignLeft,
                   QFontMetricsF(bold).elidedText(text, Qt::ElideRight, right - e * 0.6));
        p.setFont(font());
        return;
    }
    const OverviewLane &lane = m_layout.lanes()[size_t(row.lane)];
    const bool selected = lane.id == m_selected;
    if (selected) {
        QColor highlight = pal.color(QPalette::Highlight);
        highlight.setAlpha(60);
        p.fillRect(QRectF(0, top, right, h), highlight);
    } else if (index % 2) {
        p.fillRect(QRectF(0, top, right, h), pal.alternateBase());
    }
    p.setPen(pal.color(selected ? QPalette::Text : QPalette::PlaceholderText));
    p.drawText(QRectF(e * 0.3, top, gutter - e * 0.6, h), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(lane.id, Qt::ElideMiddle, gutter - e * 0.6));

    const double barTop = top + h * 0.2;
    const double barHeight = h * 0.6;
    // The outcome is a solid block at the finish, wide enough to tell its colour at a glance.
    const double outcomePx = std::max(4.0, std::round(e * 0.6));
    for (const OverviewSpan &span : OverviewLayout::spans(lane, m_mapping, nowUs, outcomePx)) {
        if (span.outcome)
            p.fillRect(QRectF(span.x0, top + h * 0.1, span.x1 - span.x0, h * 0.8), statusColor(span.status));
        else
            p.fillRect(QRectF(span.x0, barTop, span.x1 - span.x0, barHeight), tint(span.status, 150));
    }
    const std::vector<double> ticks = OverviewLayout::failureTicks(lane, m_mapping);
    if (!ticks.empty()) {
        const QColor failed = statusColor(MigrationStatus::Failed);
        const double w = std::max(2.0, e / 8);
        for (double x : ticks)
            p.fillRect(QRectF(x - w / 2, top + h * 0.08, w, h * 0.84), failed);
    }
}

void OverviewWidget::paintEvent(QPaintEvent *)
{
    ensureLayout();
    QPainter p(this);
    const QPalette &pal = palette();
    p.fillRect(rect(), pal.base());
    m_paintedRows = 0;
    if (hasFocus()) {
        QStyleOptionFocusRect focus;
        focus.initFrom(this);
        focus.rect = rect().adjusted(1, 1, -1, -1);
        style()->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, &p, this);
    }
    if (m_layout.lanes().empty()) {
        m_growTimer.stop();
        p.setPen(pal.color(QPalette::PlaceholderText));
        const QString text
            = m_source->rowCount() == 0 ? tr("No migrations yet.") : tr("No migration matches the filter.");
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        return;
    }
    const qint64 nowUs = now();
    const QRectF lanes = lanesRect();
    m_mapping.setUtcOffset(QDateTime::fromMSecsSinceEpoch(m_mapping.fromUs() / 1000).offsetFromUtc());
    const TimelinePainter painter(p, *this, m_mapping);
    painter.axis(QRectF(m_mapping.plotLeft(), lanes.top(), m_mapping.plotWidth(), lanes.height()),
                 axisRect());

    p.save();
    p.setClipRect(lanes);
    const OverviewLayout::Range visible = m_layout.visibleRows();
    for (int i = visible.first; i < visible.last; ++i)
        paintRow(p, i, nowUs);
    m_paintedRows = visible.size();
    const double nowX = m_mapping.xForTime(nowUs);
    const bool nowInView = nowX >= m_mapping.plotLeft() && nowX <= m_mapping.plotRight();
    const QColor nowColor = pal.color(QPalette::Text);
    if (nowInView) {
        p.setPen(QPen(nowColor, 1, Qt::DashLine));
        p.drawLine(QLineF(nowX, lanes.top(), nowX, lanes.bottom()));
    }
    p.restore();
    if (nowInView) {
        const QString label = tr("now");
        const QFontMetricsF fm(font());
        const double w = fm.horizontalAdvance(label) + em() * 0.4;
        const QRectF box(std::min(nowX - w / 2, width() - w), axisRect().top() + em() * 0.3, w, fm.height());
        // "now" takes the place of the tick labels it would overlap.
        for (const QRectF &tick : painter.axisLabelRects(axisRect())) {
            if (tick.intersects(box))
                p.fillRect(tick, pal.base());
        }
        p.fillRect(box, pal.base());
        p.setPen(nowColor);
        p.drawText(box, Qt::AlignCenter, label);
    }
    // Repaint every second only while an open migration grows in view.
    const bool grows = m_layout.growsInView(m_mapping, nowUs);
    if (grows && !m_growTimer.isActive())
        m_growTimer.start();
    else if (!grows)
        m_growTimer.stop();
}

} // namespace mm
