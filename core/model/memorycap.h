// SPDX-License-Identifier: GPL-3.0-or-later
// Which rows leave memory when the event log holds more than its cap: pure logic, beside the
// MonitorModel that carries it out and tested on its own.
//
// The unit is a whole migration, so every migration still in memory is exact: one whose events
// all leave is frozen (MigrationBook::freeze) and keeps its row on the board; a late event, the
// timeline or a retention pass thaws it by reading its deliveries back. Rows no migration holds
// (pings, rows paged back in for the event log, rows of frozen migrations) go one by one.
// Least recently used goes first: a migration by its latest arrival, a row by when it arrived
// or was last read back (touchedUs).
#pragma once

#include "eventlog.h"
#include "migrationbook.h"

#include <QHash>
#include <QList>
#include <functional>
#include <vector>

namespace mm {

struct EvictionPlan
{
    QList<qsizetype> migrations; // to freeze, ascending
    std::vector<quint32> rows; // to erase from the log, ascending: theirs and the loose ones

    bool isEmpty() const { return rows.empty(); }
};

class MemoryCap final
{
public:
    explicit MemoryCap(qsizetype rows = 0)
        : m_cap(rows)
    {
    }
    qsizetype rows() const { return m_cap; } // 0: no cap
    bool isOn() const { return m_cap > 0; }
    // Eviction starts above the cap and goes down to this, so it runs once per tenth of the cap.
    qsizetype lowWater() const { return m_cap - m_cap / 10; }
    bool isExceeded(const EventLog &log) const { return isOn() && log.size() > m_cap; }

    // What to evict to bring log down to lowWater(). pinned(index) keeps a migration (and the
    // loose rows of a frozen one) in memory: the one the timeline shows, those being thawed.
    // touchedUs: row id -> when it was read back, for rows paged in (later than their arrival).
    EvictionPlan plan(const EventLog &log, const MigrationBook &book,
                      const std::function<bool(qsizetype)> &pinned,
                      const QHash<qint64, qint64> &touchedUs = {}) const;

private:
    qsizetype m_cap;
};

} // namespace mm
