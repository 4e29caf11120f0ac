// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinewidget.h"

#include "model/failureadvice.h"
#include "model/monitormodel.h"
#include "timelinepainter.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QSet>
#include <QStyleOptionFocusRect>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace mm {

namespace {

QString localTime(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}
} // namespace

TimelineWidget::TimelineWidget(MonitorModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAccessibleName(tr("Migration timeline"));
    setAccessibleDescription(tr("The selected migration's status phases and events over time. "
                                "The table below lists the same events."));

    // "\t" puts the key in the menu's shortcut column; keyPressEvent handles the keys.
    auto addAction = [this](const QString &text, void (TimelineWidget::*slot)()) {
        auto *action = new QAction(text, this);
        connect(action, &QAction::triggered, this, slot);
        QWidget::addAction(action);
    };
    addAction(tr("Zoom in") + u'\t' + u'+', &TimelineWidget::zoomIn);
    addAction(tr("Zoom out") + u'\t' + u'-', &TimelineWidget::zoomOut);
    addAction(tr("Fit to the migration") + u'\t' + u'0', &TimelineWidget::fit);
    setContextMenuPolicy(Qt::ActionsContextMenu);

    const TimelineModel *timeline = m_model->timeline();
    connect(timeline, &QAbstractItemModel::modelReset, this, &TimelineWidget::modelChanged);
    connect(timeline, &QAbstractItemModel::rowsInserted, this, &TimelineWidget::modelChanged);
    connect(timeline, &QAbstractItemModel::rowsRemoved, this, &TimelineWidget::modelChanged);
    connect(timeline, &QAbstractItemModel::dataChanged, this, &TimelineWidget::modelChanged);
    connect(timeline, &QAbstractItemModel::layoutChanged, this, &TimelineWidget::modelChanged);
    m_mapping.setGeometry(width(), em(), em());
    modelChanged();
}

const Migration *TimelineWidget::migration() const
{
    return m_model->timeline()->migration();
}

double TimelineWidget::em() const
{
    return fontMetrics().height();
}

QSize TimelineWidget::sizeHint() const
{
    return QSize(int(em() * 40), int(std::ceil(em() * 7.5)));
}

QSize TimelineWidget::minimumSizeHint() const
{
    return QSize(int(em() * 12), int(std::ceil(em() * 7.5)));
}

TimelineWidget::Bands TimelineWidget::bands() const
{
    const double e = em();
    const double left = m_mapping.plotLeft();
    const double w = m_mapping.plotWidth();
    const QRectF phases(left, e * 0.5, w, e * 1.5);
    const double axisHeight = e * 1.5;
    const double laneHeight = std::max(e * 3, height() - phases.bottom() - e * 0.5 - axisHeight - e * 0.3);
    const QRectF lane(left, phases.bottom() + e * 0.3, w, laneHeight);
    return {phases, lane, QRectF(left, lane.bottom() + e * 0.2, w, axisHeight)};
}

QRectF TimelineWidget::eventLane() const
{
    return bands().lane;
}

std::vector<TimelineMarker> TimelineWidget::markers() const
{
    std::vector<TimelineMarker> out;
    const Migration *m = migration();
    if (!m)
        return out;
    const EventLog &log = m_model->log();
    const double e = em();
    const double radius = e * 0.36;
    const double laneY = eventLane().center().y();
    // Markers that would overlap step up or down, on one of three rows.
    const std::array<double, 3> rows {0, -e * 0.85, e * 0.85};
    std::array<double, 3> lastX;
    lastX.fill(-std::numeric_limits<double>::infinity());
    QSet<QByteArrayView> seen;
    out.reserve(m->events.size());
    // Copies of one event sit side by side in the model's order; the first delivered gets the
    // full marker and the others the small "resent" ones.
    std::vector<const Migration::Event *> shown;
    shown.reserve(m->events.size());
    for (const Migration::Event &ev : m->events)
        shown.push_back(&ev);
    for (auto run = shown.begin(); run != shown.end();) {
        auto end = std::find_if(run + 1, shown.end(), [&](const Migration::Event *other) {
            return !(*run)->identified || other->tieBreak != (*run)->tieBreak || other->when != (*run)->when;
        });
        std::sort(run, end, [&log](const Migration::Event *a, const Migration::Event *b) {
            return log.at(a->logIndex).storeRowId() < log.at(b->logIndex).storeRowId();
        });
        run = end;
    }
    for (const Migration::Event *shownEvent : shown) {
        const Migration::Event &ev = *shownEvent;
        const EventRow &row = log.at(ev.logIndex);
        TimelineMarker marker;
        marker.resent = !row.eventId().isEmpty() && seen.contains(row.eventId());
        seen.insert(row.eventId());
        const double x = m_mapping.xForTime(ev.when);
        if (x < m_mapping.plotLeft() - e || x > m_mapping.plotRight() + e)
            continue;
        size_t level = 0;
        while (level < rows.size() && x - lastX[level] < radius * 2.2)
            ++level;
        if (level == rows.size())
            level = size_t(std::min_element(lastX.begin(), lastX.end()) - lastX.begin());
        lastX[level] = x;
        marker.centre = QPointF(x, laneY + rows[level]);
        marker.radius = marker.resent          ? radius * 0.7
            : ev.kind == EventKind::TaskFailed ? radius * 1.4
                                               : radius;
        marker.rowId = row.rowId;
        marker.logIndex = ev.logIndex;
        marker.kind = ev.kind;
        marker.status = row.status;
        marker.attempts = row.attempts;
        out.push_back(marker);
    }
    return out;
}

const TimelineMarker *TimelineWidget::markerAt(const std::vector<TimelineMarker> &all,
                                               const QPointF &pos) const
{
    const TimelineMarker *best = nullptr;
    double bestDistance = std::numeric_limits<double>::infinity();
    const double slop = em() * 0.2;
    for (const TimelineMarker &marker : all) {
        const double distance = QLineF(marker.centre, pos).length();
        if (distance <= std::max(marker.radius, em() * 0.35) + slop && distance < bestDistance) {
            best = &marker;
            bestDistance = distance;
        }
    }
    return best;
}

qint64 TimelineWidget::rowIdAt(const QPointF &pos) const
{
    const std::vector<TimelineMarker> all = markers();
    const TimelineMarker *marker = markerAt(all, pos);
    return marker ? marker->rowId : 0;
}

QString TimelineWidget::toolTipAt(const QPointF &pos) const
{
    const std::vector<TimelineMarker> all = markers();
    const TimelineMarker *marker = markerAt(all, pos);
    if (!marker)
        return {};
    const EventLog &log = m_model->log();
    const EventRow &row = log.at(marker->logIndex);
    QStringList lines {u"<b>" + log.type(row).toHtmlEscaped() + u"</b>", localTime(row.when())};
    if (!row.hasCreated())
        lines.last() += tr(" (arrival: the sender gave no time)");
    if (row.status != MigrationStatus::Unknown)
        lines.append(tr("Status: %1").arg(statusDisplayName(row.status)));
    if (!row.taskId().isEmpty())
        lines.append(tr("Task: %1").arg(EventLog::taskId(row).toHtmlEscaped()));
    if (row.error)
        lines.append(tr("Error: %1").arg(log.error(row).toHtmlEscaped()));
    if (marker->kind == EventKind::TaskFailed)
        lines.append(partialExtractionAdvice(EventLog::taskId(row)).toHtmlEscaped());
    lines.append(tr("Attempts: %1").arg(row.attempts));
    if (marker->resent)
        lines.append(tr("A resend: this event arrived before under another message id."));
    lines.append(tr("<i>Click to show it in the event log.</i>"));
    return lines.join(QStringLiteral("<br>"));
}

void TimelineWidget::setSelectedRowId(qint64 rowId)
{
    if (rowId == m_selectedRowId)
        return;
    m_selectedRowId = rowId;
    update();
}

void TimelineWidget::setHoverRowId(qint64 rowId)
{
    if (rowId == m_hoverRowId)
        return;
    m_hoverRowId = rowId;
    if (!m_drag.isDragging()) {
        if (rowId)
            setCursor(Qt::PointingHandCursor);
        else
            unsetCursor();
    }
    update();
}

void TimelineWidget::modelChanged()
{
    const Migration *m = migration();
    const QString id = m ? m->id : QString();
    if (id != m_shownId) {
        m_shownId = id;
        m_selectedRowId = 0;
        m_hoverRowId = 0;
        if (m)
            fitTo(*m);
    } else if (m && m_mapping.isFitted()) {
        fitTo(*m); // follow new events until the user zooms or pans
    }
    update();
}

void TimelineWidget::fitTo(const Migration &m)
{
    qint64 from = m.firstEventUs;
    qint64 to = m.lastEventUs;
    if (m.createdUs)
        from = std::min(from, *m.createdUs);
    if (m.finishedUs)
        to = std::max(to, *m.finishedUs);
    m_mapping.fit(from, to);
}

void TimelineWidget::fit()
{
    if (const Migration *m = migration())
        fitTo(*m);
    update();
}

void TimelineWidget::zoomIn()
{
    TimeAxisInput::zoomIn(m_mapping);
    update();
}

void TimelineWidget::zoomOut()
{
    TimeAxisInput::zoomOut(m_mapping);
    update();
}

bool TimelineWidget::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(e);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            e->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    if (e->type() == QEvent::FontChange) {
        m_mapping.setGeometry(width(), em(), em());
        updateGeometry();
    }
    return QWidget::event(e);
}

void TimelineWidget::resizeEvent(QResizeEvent *event)
{
    m_mapping.setGeometry(width(), em(), em());
    QWidget::resizeEvent(event);
}

void TimelineWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_drag.press(event->position());
}

void TimelineWidget::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    const auto move = m_drag.move(pos, QApplication::startDragDistance());
    if (move.started)
        setCursor(Qt::ClosedHandCursor);
    if (move.dragging) {
        m_mapping.pan(move.delta.x());
        update();
        return;
    }
    setHoverRowId(rowIdAt(pos));
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_drag.isPressed())
        return QWidget::mouseReleaseEvent(event);
    const auto released = m_drag.release();
    unsetCursor();
    if (released == TimeAxisInput::DragGesture::Release::Drag)
        return setHoverRowId(rowIdAt(event->position()));
    if (const qint64 rowId = rowIdAt(event->position())) {
        setSelectedRowId(rowId);
        Q_EMIT eventClicked(rowId);
    }
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    // The first click of the pair already chose a marker; on empty space a double-click refits.
    if (event->button() == Qt::LeftButton && !rowIdAt(event->position()))
        fit();
}

void TimelineWidget::wheelEvent(QWheelEvent *event)
{
    if (!TimeAxisInput::wheel(m_mapping, event->angleDelta(), event->position().x(), em()))
        return event->ignore();
    event->accept();
    update();
}

void TimelineWidget::keyPressEvent(QKeyEvent *event)
{
    if (!TimeAxisInput::handleKey(*this, m_mapping, event->key()))
        return QWidget::keyPressEvent(event);
    event->accept();
}

void TimelineWidget::leaveEvent(QEvent *event)
{
    setHoverRowId(0);
    QWidget::leaveEvent(event);
}

void TimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    p.fillRect(rect(), pal.base());
    if (hasFocus()) {
        QStyleOptionFocusRect focus;
        focus.initFrom(this);
        focus.rect = rect().adjusted(1, 1, -1, -1);
        style()->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, &p, this);
    }
    const Migration *m = migration();
    if (!m || m->events.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        const QString text = m_model->timeline()->migrationId().isEmpty()
            ? tr("Select a migration above to see its timeline.")
            : tr("No events for this migration yet.");
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        return;
    }
    p.setRenderHint(QPainter::Antialiasing);
    const Bands b = bands();
    m_mapping.setUtcOffset(QDateTime::fromMSecsSinceEpoch(m_mapping.fromUs() / 1000).offsetFromUtc());
    const TimelinePainter painter(p, *this, m_mapping);
    painter.axis(b.phases.united(b.lane), b.axis);
    painter.phases(*m, b.phases);
    p.setClipRect(QRectF(0, b.lane.top() - em() * 0.3, width(), b.lane.height() + em() * 0.6));
    for (const TimelineMarker &marker : markers())
        painter.marker(marker, marker.rowId == m_selectedRowId, marker.rowId == m_hoverRowId);
}

} // namespace mm
