// SPDX-License-Identifier: GPL-3.0-or-later
// MonitorModel under a memory cap: evicting (MemoryCap decides what), thawing frozen migrations
// and paging older deliveries back into the event log. Reads run on the store's reader thread.
#include "monitormodel.h"
#include "store/store.h"
#include "store/storereader.h"

#include <QDateTime>

namespace mm {

namespace {
// The highest stored delivery among these rows (0: none).
qint64 highestStored(const EventLog &log, const std::vector<quint32> &rows)
{
    qint64 highest = 0;
    for (const quint32 row : rows)
        highest = std::max(highest, log.at(row).storeRowId());
    return highest;
}
} // namespace

qint64 MonitorModel::evictLoaded(EventLog &log, MigrationBook &book, const MemoryCap &cap)
{
    const EvictionPlan plan = cap.plan(log, book, [](qsizetype) { return false; });
    if (plan.isEmpty())
        return 0;
    const qint64 highest = highestStored(log, plan.rows);
    book.freeze(log, plan.migrations);
    log.erase(plan.rows);
    QList<qsizetype> changed;
    QList<qsizetype> emptied;
    book.forgetRows(log, plan.rows, &changed, &emptied); // renumbers the others' events; none lose any
    Q_ASSERT(changed.isEmpty() && emptied.isEmpty());
    return highest;
}

void MonitorModel::setMemoryCap(qsizetype rows)
{
    m_cap = MemoryCap(std::max<qsizetype>(0, rows));
    if (!m_loading && m_cap.isExceeded(m_log))
        enforceCap();
}

void MonitorModel::enforceCap()
{
    const QString shown = m_timeline.migrationId();
    const EvictionPlan plan = m_cap.plan(
        m_log, m_book,
        [this, &shown](qsizetype index) {
            const QString &id = m_book.at(index).id;
            return id == shown || m_thawing.contains(id);
        },
        m_touchedUs);
    if (plan.isEmpty())
        return;
    m_pageBefore = std::max(m_pageBefore, highestStored(m_log, plan.rows) + 1);
    for (const quint32 row : plan.rows)
        m_touchedUs.remove(m_log.at(row).rowId);
    m_book.freeze(m_log, plan.migrations);
    forgetLogRows(plan.rows);
    QList<qsizetype> changed;
    QList<qsizetype> emptied;
    m_book.forgetRows(m_log, plan.rows, &changed, &emptied);
    Q_ASSERT(changed.isEmpty() && emptied.isEmpty());
    m_timeline.refresh();
    compactStringsIfWorthIt();
    Q_EMIT evicted(qint64(plan.rows.size()), plan.migrations.size());
    countMemory();
}

void MonitorModel::bringBack(const QString &migrationId)
{
    const qsizetype index = m_book.indexOf(migrationId);
    if (index >= 0 && m_book.at(index).frozen)
        thaw({index});
}

void MonitorModel::thawAmong(qsizetype firstRow)
{
    const QList<qsizetype> frozen = m_book.frozenAmong(m_log, firstRow);
    if (!frozen.isEmpty())
        thaw(frozen);
}

void MonitorModel::thaw(const QList<qsizetype> &indexes)
{
    if (!m_store)
        return;
    QStringList ids;
    QList<qint64> rowIds;
    for (const qsizetype index : indexes) {
        const Migration &m = m_book.at(index);
        if (!m.frozen || m_thawing.contains(m.id))
            continue;
        m_thawing.insert(m.id);
        ids.append(m.id);
        rowIds.append(QList<qint64>(m.frozenRowIds.cbegin(), m.frozenRowIds.cend()));
    }
    if (ids.isEmpty())
        return;
    using Read = std::optional<QList<EventFacts>>;
    m_store->read<Read>(
        this,
        [rowIds](StoreReader &reader) -> Read {
            return reader.isOpen() ? reader.factsOf(rowIds) : std::nullopt;
        },
        [this, ids, generation = m_generation](Read facts) {
            if (generation != m_generation)
                return; // the log was loaded again meanwhile
            for (const QString &id : ids)
                m_thawing.remove(id);
            if (!facts) {
                qWarning("Could not read frozen migrations back from the store; they keep their last state");
                return;
            }
            publish();
            insertStored(std::move(*facts));
            QList<qsizetype> thawed;
            for (const QString &id : ids) {
                const qsizetype index = m_book.indexOf(id);
                if (index >= 0 && m_book.at(index).frozen)
                    thawed.append(index);
            }
            std::sort(thawed.begin(), thawed.end());
            m_book.thaw(m_log, thawed);
            QList<qsizetype> emptied; // retention deleted every delivery it had
            for (const qsizetype index : std::as_const(thawed)) {
                if (m_book.at(index).events.empty()) {
                    emptied.append(index);
                    continue;
                }
                m_migrations.migrationChanged(index);
                Q_EMIT migrationUpdated(m_book.at(index).id);
            }
            forgetMigrations(emptied);
            m_timeline.refresh();
            if (m_cap.isExceeded(m_log))
                enforceCap();
        });
}

void MonitorModel::insertStored(QList<EventFacts> facts)
{
    if (facts.isEmpty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_events.beginReplace();
    const std::vector<quint32> inserted = m_log.insertStored(std::move(facts));
    m_book.noteInserted(inserted);
    m_events.endReplace();
    for (const quint32 row : inserted)
        m_touchedUs.insert(m_log.at(row).rowId, now);
    m_timeline.refresh();
}

void MonitorModel::loadOlder(int count)
{
    if (!m_store) {
        Q_EMIT olderLoaded(-1, noStore());
        return;
    }
    using Read = std::pair<std::optional<QList<EventFacts>>, QString>;
    m_store->read<Read>(
        this,
        [before = m_pageBefore, count](StoreReader &reader) -> Read {
            if (!reader.isOpen())
                return {std::nullopt, reader.error()};
            std::optional<QList<EventFacts>> facts = reader.factsBefore(before, count);
            return {std::move(facts), facts ? QString() : reader.error()};
        },
        [this, generation = m_generation](Read read) {
            if (generation != m_generation)
                return;
            if (!read.first) {
                Q_EMIT olderLoaded(-1, read.second);
                return;
            }
            QList<EventFacts> facts = std::move(*read.first);
            // Newest first: the last is the lowest, the next page starts below it.
            m_pageBefore = facts.isEmpty() ? 0 : facts.constLast().rowId;
            publish();
            const qsizetype before = m_log.size();
            insertStored(std::move(facts));
            const qint64 added = m_log.size() - before;
            // Past the cap, the least recently used migrations make room: not the rows just asked for.
            if (m_cap.isExceeded(m_log))
                enforceCap();
            Q_EMIT olderLoaded(added, QString());
            countMemory();
        });
}

void MonitorModel::countMemory()
{
    if (!m_store || m_countPending)
        return;
    m_countPending = true;
    using Count = std::pair<qint64, qint64>;
    m_store->read<Count>(
        this,
        [](StoreReader &reader) {
            return reader.isOpen() ? reader.deliveryCountAndHighest() : Count {-1, 0};
        },
        [this, generation = m_generation](Count counted) {
            m_countPending = false;
            if (generation != m_generation || counted.first < 0)
                return;
            // Rows that arrived after the count was read are counted on top (they are the newest).
            qint64 later = 0;
            for (qsizetype i = m_log.size() - 1; i >= 0 && m_log.at(i).rowId > counted.second; --i)
                ++later;
            m_storedCount = counted.first + later;
            Q_EMIT memoryCounted(m_log.size(), m_storedCount);
        });
}

} // namespace mm
