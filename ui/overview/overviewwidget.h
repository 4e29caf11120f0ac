// SPDX-License-Identifier: GPL-3.0-or-later
// Paints every migration the board's filter lets through on one time axis: a lane each,
// newest first (optionally grouped by company), with its phases in the status colours,
// task-failure ticks and a "now" line. Wheel and keys zoom, a drag pans (and scrolls the
// lanes), a click on a lane reports the migration. Only the lanes in view are painted;
// OverviewLayout decides what is where; overviewwidgetpaint.cpp paints.
#pragma once

#include "overviewlayout.h"
#include "timeline/timeaxisinput.h"
#include "timeline/timemapping.h"

#include <QTimer>
#include <QWidget>
#include <functional>

class QScrollBar;

namespace mm {

class MigrationFilterProxy;
class MigrationListModel;

class OverviewWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewWidget)

public:
    // filtered: the board's filtered model; its source is the MigrationListModel.
    explicit OverviewWidget(MigrationFilterProxy *filtered, QWidget *parent = nullptr);

    const TimeMapping &mapping() const { return m_mapping; }
    const OverviewLayout &layout() const; // brought up to date with the model first
    QScrollBar *verticalScrollBar() const { return m_scrollBar; }

    bool isGrouped() const { return m_layout.isGrouped(); }
    void setGrouped(bool grouped);
    QString selectedMigration() const { return m_selected; }
    void setSelectedMigration(const QString &id); // scrolls its lane into view
    // The clock for "now" and the growth of open migrations (a test can fix it), in µs.
    void setClock(std::function<qint64()> clock);

    QString migrationAt(const QPointF &pos) const; // empty off a lane
    QString toolTipAt(const QPointF &pos) const;
    // The rows the last paint drew (lanes and headers): what the viewport holds, never all.
    int paintedRows() const { return m_paintedRows; }
    bool isGrowing() const { return m_growTimer.isActive(); } // the 1 Hz repaint is running
    // Marks the layout stale, as a model change does (the bench times the rebuild with it).
    void invalidateLayout();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void fit();
    void zoomIn();
    void zoomOut();
    void zoom(double factor, double anchorX); // factor > 1 zooms in around anchorX

Q_SIGNALS:
    void migrationClicked(const QString &id);
    void groupedChanged(bool grouped);

protected:
    bool event(QEvent *e) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    double em() const;
    qint64 now() const { return m_clock(); }
    QRectF lanesRect() const;
    QRectF axisRect() const;
    void updateGeometries();
    void modelChanged();
    void ensureLayout() const;
    void fitToLanes() const;
    void scrollBy(double dy);
    void syncScrollBar() const;
    void growTick();
    void paintRow(QPainter &p, int row, qint64 nowUs) const;

    MigrationFilterProxy *m_filtered;
    MigrationListModel *m_source;
    // Rebuilt on demand from the model: a hidden overview costs nothing as migrations change.
    mutable OverviewLayout m_layout;
    mutable bool m_dirty = true;
    mutable bool m_revealSelected = false;
    mutable TimeMapping m_mapping; // refitted with the layout while the user has not zoomed
    QScrollBar *m_scrollBar;
    QTimer m_growTimer;
    std::function<qint64()> m_clock;
    QString m_selected;
    int m_paintedRows = 0;
    TimeAxisInput::DragGesture m_drag;
};

} // namespace mm
