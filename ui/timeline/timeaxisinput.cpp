// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeline/timeaxisinput.h"

#include <Qt>
#include <cmath>

namespace mm::TimeAxisInput {

void DragGesture::press(QPointF pos)
{
    m_pressed = true;
    m_dragging = false;
    m_press = m_last = pos;
}

DragGesture::Move DragGesture::move(QPointF pos, int startDistance)
{
    Move out;
    if (m_pressed && !m_dragging && (pos - m_press).manhattanLength() >= startDistance) {
        m_dragging = true;
        out.started = true;
    }
    if (!m_dragging)
        return out;
    out.dragging = true;
    out.delta = pos - m_last;
    m_last = pos;
    return out;
}

DragGesture::Release DragGesture::release()
{
    if (!m_pressed)
        return Release::None;
    const bool wasDrag = m_dragging;
    m_pressed = m_dragging = false;
    return wasDrag ? Release::Drag : Release::Click;
}

void zoomIn(TimeMapping &mapping)
{
    mapping.zoom(ZoomStep, (mapping.plotLeft() + mapping.plotRight()) / 2);
}

void zoomOut(TimeMapping &mapping)
{
    mapping.zoom(1 / ZoomStep, (mapping.plotLeft() + mapping.plotRight()) / 2);
}

bool wheel(TimeMapping &mapping, QPoint angleDelta, double x, double em)
{
    if (angleDelta.y() != 0)
        mapping.zoom(std::pow(WheelNotchZoom, angleDelta.y() / 120.0), x);
    else if (angleDelta.x() != 0)
        mapping.pan(angleDelta.x() / 120.0 * em * 3);
    else
        return false;
    return true;
}

Key key(TimeMapping &mapping, int qtKey)
{
    switch (qtKey) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        return Key::ZoomIn;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        return Key::ZoomOut;
    case Qt::Key_0:
        return Key::Fit;
    case Qt::Key_Left:
    case Qt::Key_Right:
        mapping.pan((qtKey == Qt::Key_Left ? 1 : -1) * mapping.plotWidth() / 8);
        return Key::Panned;
    default:
        return Key::None;
    }
}

} // namespace mm::TimeAxisInput
