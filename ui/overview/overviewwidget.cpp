// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewwidget.h"

#include "model/migrationlistmodel.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

namespace mm {

namespace {
constexpr int GrowIntervalMs = 1000;

QString localTime(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}
} // namespace

OverviewWidget::OverviewWidget(MigrationFilterProxy *filtered, QWidget *parent)
    : QWidget(parent)
    , m_filtered(filtered)
    , m_source(qobject_cast<MigrationListModel *>(filtered->sourceModel()))
    , m_scrollBar(new QScrollBar(Qt::Vertical, this))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch() * 1000; })
{
    Q_ASSERT(m_source);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Overview of all migrations"));
    setAccessibleDescription(tr("Every migration the filter shows, one lane each, on one time axis. "
                                "The board above lists the same migrations."));

    auto addAction = [this](const QString &text, void (OverviewWidget::*slot)()) {
        auto *action = new QAction(text, this);
        connect(action, &QAction::triggered, this, slot);
        QWidget::addAction(action);
    };
    addAction(tr("Zoom in") + u'\t' + u'+', &OverviewWidget::zoomIn);
    addAction(tr("Zoom out") + u'\t' + u'-', &OverviewWidget::zoomOut);
    addAction(tr("Fit to all migrations") + u'\t' + u'0', &OverviewWidget::fit);
    setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(m_scrollBar, &QScrollBar::valueChanged, this, [this](int value) {
        m_layout.setScroll(value);
        update();
    });
    connect(m_filtered, &QAbstractItemModel::modelReset, this, &OverviewWidget::modelChanged);
    connect(m_filtered, &QAbstractItemModel::layoutChanged, this, &OverviewWidget::modelChanged);
    connect(m_filtered, &QAbstractItemModel::rowsInserted, this, &OverviewWidget::modelChanged);
    connect(m_filtered, &QAbstractItemModel::rowsRemoved, this, &OverviewWidget::modelChanged);
    connect(m_filtered, &QAbstractItemModel::dataChanged, this, &OverviewWidget::modelChanged);
    m_growTimer.setInterval(GrowIntervalMs);
    connect(&m_growTimer, &QTimer::timeout, this, &OverviewWidget::growTick);
    updateGeometries();
}

double OverviewWidget::em() const
{
    return fontMetrics().height();
}

QSize OverviewWidget::sizeHint() const
{
    return QSize(int(em() * 50), int(em() * 16));
}

QSize OverviewWidget::minimumSizeHint() const
{
    return QSize(int(em() * 20), int(em() * 6));
}

QRectF OverviewWidget::lanesRect() const
{
    const double axis = std::ceil(em() * 1.6);
    return QRectF(0, 0, width() - m_scrollBar->width(), std::max(0.0, height() - axis));
}

QRectF OverviewWidget::axisRect() const
{
    const QRectF lanes = lanesRect();
    return QRectF(m_mapping.plotLeft(), lanes.bottom(), m_mapping.plotWidth(), height() - lanes.bottom());
}

void OverviewWidget::updateGeometries()
{
    const int bar = m_scrollBar->sizeHint().width();
    const double axis = std::ceil(em() * 1.6);
    m_scrollBar->setGeometry(width() - bar, 0, bar, std::max(0, int(height() - axis)));
    // The left gutter holds the lanes' names; the scroll bar sits right of the plot.
    m_mapping.setGeometry(width() - bar, em() * 9, em() * 0.6);
    const QRectF lanes = lanesRect();
    m_layout.setViewport(lanes.top(), lanes.height(), std::round(em() * 1.3));
    syncScrollBar();
}

void OverviewWidget::syncScrollBar() const
{
    const QSignalBlocker block(m_scrollBar);
    m_scrollBar->setRange(0, int(std::ceil(m_layout.maxScroll())));
    m_scrollBar->setPageStep(int(m_layout.viewportHeight()));
    m_scrollBar->setSingleStep(int(m_layout.rowHeight()));
    m_scrollBar->setValue(int(std::lround(m_layout.scroll())));
}

void OverviewWidget::modelChanged()
{
    invalidateLayout();
}

void OverviewWidget::invalidateLayout()
{
    m_dirty = true;
    update();
}

const OverviewLayout &OverviewWidget::layout() const
{
    ensureLayout();
    return m_layout;
}

void OverviewWidget::ensureLayout() const
{
    if (m_dirty) {
        m_dirty = false;
        const MigrationBook &book = m_source->book();
        std::vector<OverviewLane> lanes;
        const int rows = m_filtered->rowCount();
        lanes.reserve(size_t(rows));
        for (int r = 0; r < rows; ++r) {
            // The company as the board shows it, through the model: names show once it has them.
            const QModelIndex company = m_filtered->index(r, MigrationListModel::Company);
            const int bookRow = m_filtered->mapToSource(company).row();
            lanes.push_back(OverviewLane::of(book.at(bookRow), company.data(Qt::DisplayRole).toString()));
        }
        m_layout.setLanes(std::move(lanes));
        if (m_mapping.isFitted())
            fitToLanes(); // follow new migrations until the user zooms or pans
        syncScrollBar();
    }
    if (m_revealSelected) {
        m_revealSelected = false;
        const int row = m_layout.rowOf(m_selected);
        if (row >= 0) {
            const double top = row * m_layout.rowHeight();
            if (top < m_layout.scroll())
                m_layout.setScroll(top);
            else if (top + m_layout.rowHeight() > m_layout.scroll() + m_layout.viewportHeight())
                m_layout.setScroll(top + m_layout.rowHeight() - m_layout.viewportHeight());
            syncScrollBar();
        }
    }
}

void OverviewWidget::fitToLanes() const
{
    const auto [from, to] = m_layout.extent(now());
    if (!m_layout.lanes().empty())
        m_mapping.fit(from, to);
}

void OverviewWidget::setGrouped(bool grouped)
{
    if (grouped == m_layout.isGrouped())
        return;
    m_layout.setGrouped(grouped);
    m_revealSelected = !m_selected.isEmpty();
    syncScrollBar();
    update();
    Q_EMIT groupedChanged(grouped);
}

void OverviewWidget::setSelectedMigration(const QString &id)
{
    if (id == m_selected)
        return;
    m_selected = id;
    m_revealSelected = !id.isEmpty();
    update();
}

void OverviewWidget::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    if (m_mapping.isFitted())
        fitToLanes();
    update();
}

void OverviewWidget::fit()
{
    ensureLayout();
    fitToLanes();
    update();
}

void OverviewWidget::zoomIn()
{
    TimeAxisInput::zoomIn(m_mapping);
    update();
}

void OverviewWidget::zoomOut()
{
    TimeAxisInput::zoomOut(m_mapping);
    update();
}

void OverviewWidget::zoom(double factor, double anchorX)
{
    m_mapping.zoom(factor, anchorX);
    update();
}

void OverviewWidget::scrollBy(double dy)
{
    ensureLayout();
    m_layout.setScroll(m_layout.scroll() + dy);
    syncScrollBar();
    update();
}

void OverviewWidget::growTick()
{
    // Open migrations grow with the clock; a fitted view keeps "now" in it.
    if (m_mapping.isFitted())
        fitToLanes();
    update();
}

QString OverviewWidget::migrationAt(const QPointF &pos) const
{
    ensureLayout();
    if (pos.x() < 0 || pos.x() >= lanesRect().right())
        return {};
    return m_layout.migrationAt(pos.y());
}

QString OverviewWidget::toolTipAt(const QPointF &pos) const
{
    const QString id = migrationAt(pos);
    if (id.isEmpty())
        return {};
    const OverviewLane &lane = m_layout.lanes()[size_t(m_layout.row(m_layout.rowAt(pos.y())).lane)];
    QStringList lines {u"<b>" + lane.id.toHtmlEscaped() + u"</b>"};
    if (!lane.group.isEmpty())
        lines.append(tr("Company: %1").arg(lane.group.toHtmlEscaped()));
    lines.append(tr("Status: %1").arg(statusDisplayName(lane.status)));
    if (lane.createdUs)
        lines.append(tr("Created: %1").arg(localTime(*lane.createdUs)));
    if (lane.startedUs)
        lines.append(tr("Started: %1").arg(localTime(*lane.startedUs)));
    if (lane.finishedUs)
        lines.append(tr("Finished: %1").arg(localTime(*lane.finishedUs)));
    if (!lane.taskFailuresUs.empty())
        lines.append(tr("Task failures: %1").arg(lane.taskFailuresUs.size()));
    lines.append(tr("<i>Click to select it on the board.</i>"));
    return lines.join(QStringLiteral("<br>"));
}

bool OverviewWidget::event(QEvent *e)
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
        updateGeometries();
        updateGeometry();
    }
    return QWidget::event(e);
}

void OverviewWidget::resizeEvent(QResizeEvent *event)
{
    updateGeometries();
    QWidget::resizeEvent(event);
}

void OverviewWidget::hideEvent(QHideEvent *event)
{
    m_growTimer.stop(); // the next paint starts it again if something grows
    QWidget::hideEvent(event);
}

void OverviewWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_drag.press(event->position());
}

void OverviewWidget::mouseMoveEvent(QMouseEvent *event)
{
    const auto move = m_drag.move(event->position(), QApplication::startDragDistance());
    if (move.started)
        setCursor(Qt::ClosedHandCursor);
    if (!move.dragging)
        return;
    // A drag moves the content with the pointer: sideways in time, up and down through lanes.
    m_mapping.pan(move.delta.x());
    scrollBy(-move.delta.y());
}

void OverviewWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_drag.isPressed())
        return QWidget::mouseReleaseEvent(event);
    const auto released = m_drag.release();
    unsetCursor();
    if (released == TimeAxisInput::DragGesture::Release::Drag)
        return;
    const QString id = migrationAt(event->position());
    if (!id.isEmpty()) {
        m_selected = id;
        update();
        Q_EMIT migrationClicked(id);
    }
}

void OverviewWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    // The first click of the pair already chose a lane; below the lanes a double-click refits.
    if (event->button() == Qt::LeftButton && migrationAt(event->position()).isEmpty())
        fit();
}

void OverviewWidget::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ShiftModifier) {
        // Shift+wheel goes through the lanes (some systems turn it into a sideways delta).
        const int notches = delta.y() != 0 ? delta.y() : delta.x();
        scrollBy(-notches / 120.0 * m_layout.rowHeight() * 3);
    } else if (!TimeAxisInput::wheel(m_mapping, delta, event->position().x(), em())) {
        return event->ignore();
    }
    event->accept();
    update();
}

void OverviewWidget::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) { // the lanes' keys; the time axis's are the timeline's
    case Qt::Key_Up:
    case Qt::Key_Down:
        scrollBy((event->key() == Qt::Key_Up ? -1 : 1) * m_layout.rowHeight());
        return event->accept();
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
        scrollBy((event->key() == Qt::Key_PageUp ? -1 : 1) * m_layout.viewportHeight());
        return event->accept();
    case Qt::Key_Home:
    case Qt::Key_End:
        scrollBy((event->key() == Qt::Key_Home ? -1 : 1) * m_layout.contentHeight());
        return event->accept();
    default:
        break;
    }
    if (!TimeAxisInput::handleKey(*this, m_mapping, event->key()))
        return QWidget::keyPressEvent(event);
    event->accept();
}

} // namespace mm
