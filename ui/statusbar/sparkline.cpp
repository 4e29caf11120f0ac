// SPDX-License-Identifier: GPL-3.0-or-later
#include "sparkline.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace mm {

namespace {
qreal lineWidth(const QFontMetrics &fm)
{
    return std::max(1.0, fm.height() / 10.0);
}
} // namespace

Sparkline::Sparkline(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setAccessibleName(tr("Deliveries per minute"));
    setValues({});
}

void Sparkline::setValues(const QList<int> &values)
{
    m_values = values;
    const int peak = m_values.isEmpty() ? 0 : *std::max_element(m_values.cbegin(), m_values.cend());
    const int now = m_values.isEmpty() ? 0 : m_values.constLast();
    const QString text = m_values.isEmpty()
        ? tr("Deliveries per minute: no data yet")
        : tr("%L1 deliveries per minute now; peak %L2 per minute over the last %L3 min")
              .arg(now)
              .arg(peak)
              .arg(m_values.size());
    setToolTip(text);
    setAccessibleDescription(text);
    update();
}

QSize Sparkline::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.averageCharWidth() * 14, fm.height()};
}

QSize Sparkline::minimumSizeHint() const
{
    return sizeHint();
}

QRectF Sparkline::plotRect() const
{
    // Room for the newest value's dot on every side, so the extremes are not clipped.
    const qreal m = lineWidth(fontMetrics()) * 1.5;
    return QRectF(contentsRect()).adjusted(m, m, -m, -m);
}

void Sparkline::paintEvent(QPaintEvent *)
{
    if (m_values.isEmpty())
        return;
    const QRectF r = plotRect();
    const int peak = std::max(1, *std::max_element(m_values.cbegin(), m_values.cend()));
    const qsizetype n = m_values.size();
    auto point = [&](qsizetype i) {
        const qreal x = n == 1 ? r.right() : r.left() + r.width() * qreal(i) / qreal(n - 1);
        return QPointF(x, r.bottom() - r.height() * qreal(m_values.at(i)) / qreal(peak));
    };

    QPainterPath line(point(0));
    for (qsizetype i = 1; i < n; ++i)
        line.lineTo(point(i));
    QPainterPath area = line;
    area.lineTo(r.right(), r.bottom());
    area.lineTo(point(0).x(), r.bottom());
    area.closeSubpath();

    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlphaF(0.25f);
    p.fillPath(area, fill);
    const qreal width = lineWidth(fontMetrics());
    p.setPen(QPen(accent, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(line);
    // The newest value as a dot: the rate the tooltip reports.
    p.setPen(Qt::NoPen);
    p.setBrush(accent);
    p.drawEllipse(point(n - 1), width * 1.5, width * 1.5);
}

} // namespace mm
