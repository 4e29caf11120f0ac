// SPDX-License-Identifier: GPL-3.0-or-later
// Draws the parts of a migration's timeline (status phases, the time axis, event markers)
// for TimelineWidget, in palette colours and sizes scaled to the font.
#pragma once

#include "model/migrationstatus.h"

#include <QList>
#include <QPointF>
#include <QRectF>

class QPainter;
class QWidget;

namespace mm {

class TimeMapping;
struct Migration;

// One delivery as the timeline places it.
struct TimelineMarker
{
    QPointF centre;
    double radius = 0;
    qint64 rowId = 0;
    quint32 logIndex = 0;
    EventKind kind = EventKind::Other;
    MigrationStatus status = MigrationStatus::Unknown;
    int attempts = 1;
    bool resent = false; // the same event id arrived earlier under another message id
};

class TimelinePainter final
{
public:
    TimelinePainter(QPainter &painter, const QWidget &widget, const TimeMapping &mapping);

    void phases(const Migration &m, const QRectF &band) const;
    void axis(const QRectF &grid, const QRectF &axis) const;
    // Where axis() writes each tick's label (the overview clears the ones its "now" covers).
    QList<QRectF> axisLabelRects(const QRectF &axis) const;
    void marker(const TimelineMarker &marker, bool selected, bool hovered) const;

private:
    QPainter &m_p;
    const QWidget &m_widget;
    const TimeMapping &m_mapping;
    double m_em;
};

} // namespace mm
