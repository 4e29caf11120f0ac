// SPDX-License-Identifier: GPL-3.0-or-later
// How the time views (the migration's timeline and the overview) take the pointer, the wheel and
// the keys on their shared time axis: one set of rules on a TimeMapping, so both behave alike.
// No widgets: tested on its own (tests/ui/tst_timemapping.cpp).
#pragma once

#include "timeline/timemapping.h"

#include <QPoint>
#include <QPointF>

namespace mm::TimeAxisInput {

constexpr double ZoomStep = 1.5; // the keys and menus
constexpr double WheelNotchZoom = 1.25; // one 15° wheel notch

// A left press becomes a drag once the pointer has moved startDistance pixels (the platform's
// QApplication::startDragDistance()); released before that, it was a click.
class DragGesture final
{
public:
    struct Move
    {
        bool started = false; // this move turned the press into a drag
        bool dragging = false;
        QPointF delta; // while dragging: the movement since the last move (the press, at first)
    };
    enum class Release { None, Click, Drag };

    void press(QPointF pos);
    Move move(QPointF pos, int startDistance);
    Release release();
    bool isPressed() const { return m_pressed; }
    bool isDragging() const { return m_dragging; }

private:
    QPointF m_press;
    QPointF m_last;
    bool m_pressed = false;
    bool m_dragging = false;
};

// Zooms around the middle of the plot, by ZoomStep (in) or its inverse (out).
void zoomIn(TimeMapping &mapping);
void zoomOut(TimeMapping &mapping);

// A wheel turn: vertical notches zoom around x, sideways ones pan three em a notch. False when
// the delta is zero (the event is the widget's to ignore).
bool wheel(TimeMapping &mapping, QPoint angleDelta, double x, double em);

// +/=, -/_, 0: the widget zooms or fits (it knows what "fit" spans); Left/Right pan an eighth of
// the plot here. None: not a time-axis key.
enum class Key { None, ZoomIn, ZoomOut, Fit, Panned };
Key key(TimeMapping &mapping, int qtKey);

// key(), carried out on a view that has zoomIn(), zoomOut(), fit() and update(). False: not a
// time-axis key, the view's own to handle.
template<typename View> bool handleKey(View &view, TimeMapping &mapping, int qtKey)
{
    switch (key(mapping, qtKey)) {
    case Key::ZoomIn:
        view.zoomIn();
        return true;
    case Key::ZoomOut:
        view.zoomOut();
        return true;
    case Key::Fit:
        view.fit();
        return true;
    case Key::Panned:
        view.update();
        return true;
    case Key::None:
        break;
    }
    return false;
}

} // namespace mm::TimeAxisInput
