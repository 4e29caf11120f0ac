// SPDX-License-Identifier: GPL-3.0-or-later
// All migrations, fed from the event log. Also answers the questions asked of all of
// them at once: which are stalled, and where the receiver was not listening.
#pragma once

#include "eventlog.h"
#include "migration.h"

#include <QHash>

namespace mm {

struct StallThresholds
{
    qint64 workingUs = 30LL * 60 * 1000000; // WORKING with no event for 30 minutes
    qint64 notStartedUs = 60LL * 60 * 1000000; // NOT_STARTED for an hour
};

class MigrationBook final
{
public:
    // Applies log row logIndex (new, or an updated attempt count). Returns the index of
    // the migration it belongs to, or -1 when the event names no migration (svix.ping).
    qsizetype apply(const EventLog &log, quint32 logIndex);
    // Applies every new log row from firstNew on, recomputing each migration once: the
    // fast path for loading a store.
    void applyBulk(const EventLog &log, qsizetype firstNew);

    qsizetype size() const { return m_migrations.size(); }
    const Migration &at(qsizetype index) const { return m_migrations.at(index); }
    qsizetype indexOf(const QString &id) const { return m_byId.value(id, -1); }

    QList<qsizetype> stalled(qint64 nowUs, const StallThresholds &thresholds) const;

private:
    QList<Migration> m_migrations;
    QHash<QString, qsizetype> m_byId;
};

} // namespace mm
