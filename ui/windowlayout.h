// SPDX-License-Identifier: GPL-3.0-or-later
// What a user arranges in a window, beyond QMainWindow::saveState: the sizes of its named
// splitters, its named tables' columns (widths, order, sort), its named tab widgets' current tab
// (by page name) and named check boxes marked RememberedSwitch. Versioned: a layout saved by
// another version is ignored, never misapplied.
#pragma once

#include <QByteArray>

class QMainWindow;
class QWidget;

namespace mm {

// A QCheckBox with this property set to true is saved with the layout (a view's switch, such as
// the Overview's "Group by company"); other check boxes are left alone.
inline constexpr char RememberedSwitch[] = "mmRememberedSwitch";

QByteArray saveWindowLayout(const QMainWindow *window, int version);
// Returns false (and changes nothing) when the data is from another version or damaged.
bool restoreWindowLayout(QMainWindow *window, const QByteArray &layout, int version);

// Shows the window (restored if minimised, from the tray if hidden), raises it and asks for the
// keyboard focus: what a notification, the tray and a second launch all do.
void bringToFront(QWidget *window);

} // namespace mm
