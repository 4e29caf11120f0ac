// SPDX-License-Identifier: GPL-3.0-or-later
// Maps time (microseconds since the epoch) to a pixel x and back for a timeline view, with
// the fit, zoom, pan and tick rules the view follows. No widgets: tested on its own.
#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

namespace mm {

class TimeMapping final
{
public:
    static constexpr qint64 Ms = 1000;
    static constexpr qint64 Sec = 1000 * Ms;
    static constexpr qint64 Min = 60 * Sec;
    static constexpr qint64 Hour = 60 * Min;
    static constexpr qint64 Day = 24 * Hour;
    static constexpr qint64 MinSpanUs = Ms; // the deepest zoom
    static constexpr qint64 MaxSpanUs = 30 * Day; // the widest
    static constexpr qint64 SinglePointSpanUs = Min; // a fit to one instant shows a minute
    static constexpr double FitPadding = 0.05; // of the fitted span, on each side

    struct Tick
    {
        qint64 us = 0;
        double x = 0;
        QString label;
    };

    // The widget's width and the pixels kept free on each side; the visible span fills the rest.
    void setGeometry(double width, double leftMargin, double rightMargin);
    double width() const { return m_width; }
    double plotLeft() const { return m_left; }
    double plotRight() const { return m_width - m_right; }
    double plotWidth() const;

    // Shows [fromUs, toUs] with padding. A zero-length range is centred in SinglePointSpanUs.
    void fit(qint64 fromUs, qint64 toUs);
    bool isFitted() const { return m_fitted; } // false once zoomed or panned

    qint64 fromUs() const; // the time at plotLeft()
    qint64 toUs() const; // the time at plotRight()
    double spanUs() const { return m_span; }

    double xForTime(qint64 us) const;
    qint64 timeAtX(double x) const;

    // factor > 1 zooms in. The time under anchorX stays under it unless a limit intervenes.
    void zoom(double factor, double anchorX);
    // Moves the content by dx pixels, as a drag does: dx > 0 brings earlier times into view.
    void pan(double dx);

    // Ticks and labels are aligned in a zone this many seconds ahead of UTC (the local one).
    void setUtcOffset(int seconds) { m_utcOffset = seconds; }
    int utcOffset() const { return m_utcOffset; }
    // The smallest "nice" step that leaves at least minSpacingPx between ticks.
    qint64 tickStepUs(double minSpacingPx) const;
    QList<Tick> ticks(double minSpacingPx) const;

private:
    // Keeps part of the fitted range in view, so a pan or zoom cannot lose the data.
    void clampStart();

    double m_width = 0;
    double m_left = 0;
    double m_right = 0;
    // The visible range as offsets from m_origin, in doubles: exact to well below a
    // microsecond at any zoom, where whole microseconds would make the anchor drift.
    qint64 m_origin = 0;
    double m_start = 0;
    double m_span = double(SinglePointSpanUs);
    double m_dataFrom = 0; // the fitted range, relative to m_origin
    double m_dataTo = 0;
    bool m_fitted = true;
    int m_utcOffset = 0;
};

} // namespace mm
