// SPDX-License-Identifier: GPL-3.0-or-later
// Paints the selected migration (MonitorModel::timeline()) against time: its status phases,
// a marker for every delivery and a time axis. Wheel and keys zoom, a drag pans, a click on
// a marker reports the delivery's rowId.
#pragma once

#include "timeaxisinput.h"
#include "timelinepainter.h"
#include "timemapping.h"

#include <QWidget>
#include <vector>

namespace mm {

class MonitorModel;
struct Migration;

class TimelineWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineWidget)

public:
    explicit TimelineWidget(MonitorModel *model, QWidget *parent = nullptr);

    const TimeMapping &mapping() const { return m_mapping; }
    // The band the markers sit on; markers that do not crowd each other sit on its centre line.
    QRectF eventLane() const;

    qint64 selectedRowId() const { return m_selectedRowId; }
    void setSelectedRowId(qint64 rowId); // 0: none
    qint64 rowIdAt(const QPointF &pos) const; // the marker under pos, or 0
    QString toolTipAt(const QPointF &pos) const; // empty away from markers

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void fit();
    void zoomIn();
    void zoomOut();

Q_SIGNALS:
    void eventClicked(qint64 rowId);

protected:
    bool event(QEvent *e) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Bands
    {
        QRectF phases;
        QRectF lane;
        QRectF axis;
    };

    const Migration *migration() const;
    Bands bands() const;
    double em() const;
    std::vector<TimelineMarker> markers() const;
    const TimelineMarker *markerAt(const std::vector<TimelineMarker> &all, const QPointF &pos) const;
    void modelChanged();
    void fitTo(const Migration &m);
    void setHoverRowId(qint64 rowId);

    MonitorModel *m_model;
    TimeMapping m_mapping;
    QString m_shownId; // the migration the view was last fitted to
    qint64 m_selectedRowId = 0;
    qint64 m_hoverRowId = 0;
    TimeAxisInput::DragGesture m_drag;
};

} // namespace mm
