// SPDX-License-Identifier: GPL-3.0-or-later
// Every stored delivery as a compact row, in order of first receipt. Bodies stay in
// SQLite; repeated strings are interned. Sized for a million rows.
#pragma once

#include "interner.h"
#include "migrationstatus.h"
#include "store/records.h"

#include <QByteArray>
#include <QHash>
#include <limits>
#include <vector>

namespace mm {

struct EventRow
{
    static constexpr qint64 NoTime = std::numeric_limits<qint64>::min();

    qint64 rowId = 0;
    qint64 createdUs = NoTime;
    qint64 receivedUs = 0;
    // The row's own strings in one allocation: message id, event id and task id,
    // separated by \x1f. A million rows is a million fewer heap blocks than three fields.
    QByteArray ids;
    quint32 migration = 0; // EventLog::migrations() index; 0: none
    quint32 type = 0; // EventLog::types() index
    quint32 error = 0; // EventLog::texts() index; 0: none
    quint32 company = 0; // EventLog::texts() index; 0: none
    quint32 creator = 0; // EventLog::texts() index; 0: none
    qint64 objectCreatedUs = NoTime; // data.object.created
    quint16 attempts = 1;
    MigrationStatus status = MigrationStatus::Unknown; // data.object.status
    EventKind kind = EventKind::Other;
    bool parsed = false;
    bool replayed = false;

    bool hasCreated() const { return createdUs != NoTime; }
    // The delivery in the store. A delivery fed back in (MonitorModel::reinject) is a row of
    // its own, with the stored row's id negated.
    qint64 storeRowId() const { return rowId < 0 ? -rowId : rowId; }
    QByteArrayView msgId() const { return part(0); }
    QByteArrayView eventId() const { return part(1); }
    QByteArrayView taskId() const { return part(2); }
    // The time the event happened, or when it arrived when the sender did not say.
    qint64 when() const { return hasCreated() ? createdUs : receivedUs; }

private:
    QByteArrayView part(int n) const
    {
        qsizetype start = 0;
        for (int i = 0; i < n; ++i)
            start = ids.indexOf('\x1f', start) + 1;
        const qsizetype end = ids.indexOf('\x1f', start);
        return QByteArrayView(ids).sliced(start, (end < 0 ? ids.size() : end) - start);
    }
};

class EventLog final
{
public:
    // Adds a delivery, or updates its attempt count when the row is known. Returns the
    // row's index; isNew tells which.
    quint32 upsert(const EventFacts &facts, bool *isNew = nullptr);
    void reserve(qsizetype rows);
    // Rows read back from the store (paged in, or a frozen migration's, MemoryCap): each goes
    // where its row id puts it among the rows that arrived in order, not at the end. Rows already
    // held are skipped. Returns the new rows' indexes, ascending; every later row moves up by
    // those inserted before it (MigrationBook::noteInserted). O(rows).
    std::vector<quint32> insertStored(QList<EventFacts> facts);
    // Removes these rows (indexes, ascending, no repeats): the later ones move down, keeping
    // their order. Their strings stay interned until compactStrings().
    void erase(const std::vector<quint32> &indexes);
    // Interns again only the strings rows still use, so a log that forgets old rows (retention)
    // does not keep every migration id it ever saw. Changes the rows' string indexes, not their
    // order: a CompiledEventFilter made before is stale. O(rows).
    void compactStrings();
    // Interned strings (all three tables), to tell when compactStrings() is worth its pass.
    qsizetype internedCount() const { return m_types.size() + m_migrations.size() + m_texts.size(); }

    qsizetype size() const { return qsizetype(m_rows.size()); }
    const EventRow &at(qsizetype index) const { return m_rows[size_t(index)]; }
    qsizetype indexOfRowId(qint64 rowId) const;
    // The highest row id seen (0 when none): rows stored later have higher ones.
    qint64 highestRowId() const;

    const Interner &types() const { return m_types; }
    const Interner &migrations() const { return m_migrations; }
    const Interner &texts() const { return m_texts; }
    QString type(const EventRow &r) const { return m_types.at(r.type); }
    QString migrationId(const EventRow &r) const { return m_migrations.at(r.migration); }
    QString error(const EventRow &r) const { return m_texts.at(r.error); }
    static QString taskId(const EventRow &r) { return QString::fromUtf8(r.taskId()); }

private:
    EventRow rowOf(const EventFacts &facts);
    void reindex();

    std::vector<EventRow> m_rows; // in arrival order: the store's and the commits' rowId order
    std::vector<quint32> m_sorted; // indexes of the rows that arrived in rising rowId order
    QHash<qint64, quint32> m_outOfOrder; // rows that arrived below the highest rowId so far (rare)
    Interner m_types;
    Interner m_migrations;
    Interner m_texts;
};

} // namespace mm
