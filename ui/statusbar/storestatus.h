// SPDX-License-Identifier: GPL-3.0-or-later
// What the status bar says about the deliveries on show: loading, then how many were loaded and
// how fast, then (once deliveries arrive) how many there are and when the newest came. Pure logic
// beside MainWindow's label, so the wording is tested without a window.
#pragma once

#include <QDateTime>
#include <QString>

namespace mm {

struct StoreStatus
{
    bool loaded = false; // the start-up load finished
    qint64 loadedCount = 0; // deliveries it read
    qint64 loadMs = 0; // how long it took
    qint64 shownCount = 0; // deliveries in the model now
    qint64 newestReceivedUs = 0; // when the newest of them was received (0: none)
    bool arrivedSinceLoad = false;
    qint64 storedCount = -1; // deliveries in the store, when a memory cap keeps some out (-1: not read)
};

// The label's text: "Loading stored deliveries…", "12,345 stored deliveries loaded in 80 ms",
// "No deliveries yet: they appear here as they arrive", then "12,351 deliveries · newest 04:23:02".
// A newest delivery from another day than now gives its date too. Under a memory cap that left
// some out: "12,345 of 900,000 stored deliveries loaded in 80 ms", "900,006 deliveries, 12,351 in
// memory · newest 04:23:02".
QString storeStatusText(const StoreStatus &status, const QDateTime &now);
// The load's figures stay in the tooltip once the text has moved on.
QString storeStatusToolTip(const StoreStatus &status);

} // namespace mm
