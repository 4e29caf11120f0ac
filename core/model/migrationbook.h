// SPDX-License-Identifier: GPL-3.0-or-later
// All migrations, fed from the event log. Also answers the questions asked of all of
// them at once: which are quiet, and where the receiver was not listening.
#pragma once

#include "eventlog.h"
#include "migration.h"

#include <QHash>
#include <vector>

namespace mm {

// How long a migration may go without an event before it counts as quiet. The vendor sends
// no progress or heartbeat events, so a healthy migration is silent from migration.started to
// its outcome, and one waiting for the customer's login is silent until it starts: the
// defaults leave room for both.
struct QuietThresholds
{
    qint64 workingUs = 2LL * 3600 * 1000000; // WORKING with no event for 2 hours
    qint64 notStartedUs = 24LL * 3600 * 1000000; // NOT_STARTED for a day
};

class MigrationBook final
{
public:
    // Applies log row logIndex (new, or an updated attempt count). Returns the index of
    // the migration it belongs to, or -1 when the event names no migration (svix.ping).
    // A frozen migration is left as it is, but notes the row's delivery: the caller thaws it.
    qsizetype apply(const EventLog &log, quint32 logIndex);
    // Applies every new log row from firstNew on, recomputing each migration once: the
    // fast path for loading a store.
    void applyBulk(const EventLog &log, qsizetype firstNew);

    // The log erased these rows (their old indexes, ascending): drops their events, renumbers
    // the rest and recomputes each migration that lost some from what is left. changed gets
    // those (ascending), emptied those left with no event at all, which erase() then removes.
    void forgetRows(const EventLog &log, const std::vector<quint32> &removed, QList<qsizetype> *changed,
                    QList<qsizetype> *emptied);
    // Removes these migrations (indexes, ascending): the later ones move down.
    void erase(const QList<qsizetype> &indexes);

    // The memory cap (MemoryCap). Freezes these migrations: each keeps its derived state and
    // the ids of its stored deliveries, and drops its events, whose rows the caller then erases
    // from the log (forgetRows).
    void freeze(const EventLog &log, const QList<qsizetype> &indexes);
    // Rebuilds these frozen migrations from every row of theirs the log now holds (the caller
    // read them back with EventLog::insertStored). One pass over the log for all of them.
    void thaw(const EventLog &log, const QList<qsizetype> &indexes);
    // The log inserted rows at these indexes (ascending, EventLog::insertStored): events after
    // them move up.
    void noteInserted(const std::vector<quint32> &inserted);
    // Retention deleted these stored deliveries (ascending): frozen migrations drop them.
    // emptied gets those left with none (ascending), shrunk those that lost only some, whose
    // derived state is then stale until thawed.
    void forgetFrozen(const std::vector<qint64> &rowIds, QList<qsizetype> *emptied, QList<qsizetype> *shrunk);
    qsizetype frozenCount() const { return m_frozen; }
    // Frozen migrations that rows from firstRow on belong to (ascending, once each).
    QList<qsizetype> frozenAmong(const EventLog &log, qsizetype firstRow) const;

    qsizetype size() const { return m_migrations.size(); }
    const Migration &at(qsizetype index) const { return m_migrations.at(index); }
    qsizetype indexOf(const QString &id) const;

    QList<qsizetype> quiet(qint64 nowUs, const QuietThresholds &thresholds) const;

private:
    qsizetype append(const QString &id);
    qsizetype indexOfSerial(quint64 serial) const;

    QList<Migration> m_migrations;
    // Each migration's serial number, given in order of appearance: ascending, and contiguous
    // until a migration other than the oldest is erased. The index maps ids to serials, not to
    // positions, so erasing the oldest migrations (retention) updates none of the others' entries.
    std::vector<quint64> m_serials;
    QHash<QString, quint64> m_byId;
    quint64 m_nextSerial = 0;
    qsizetype m_frozen = 0;
};

} // namespace mm
