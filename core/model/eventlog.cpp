// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog.h"

#include <algorithm>

namespace mm {

void EventLog::reserve(qsizetype rows)
{
    m_rows.reserve(size_t(rows));
}

qsizetype EventLog::indexOfRowId(qint64 rowId) const
{
    // Rows come in rowId order, so a binary search needs no index of its own.
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), rowId,
                                     [](const EventRow &r, qint64 id) { return r.rowId < id; });
    if (it != m_rows.end() && it->rowId == rowId)
        return it - m_rows.begin();
    const auto other = m_outOfOrder.constFind(rowId);
    return other == m_outOfOrder.cend() ? -1 : qsizetype(*other);
}

quint32 EventLog::upsert(const EventFacts &f, bool *isNew)
{
    const qsizetype known = indexOfRowId(f.rowId);
    if (known >= 0) {
        EventRow &row = m_rows[size_t(known)];
        row.attempts = quint16(std::clamp(f.attempts, int(row.attempts), 65535));
        if (isNew)
            *isNew = false;
        return quint32(known);
    }
    EventRow row;
    row.rowId = f.rowId;
    row.createdUs = f.createdUs.value_or(EventRow::NoTime);
    row.receivedUs = f.receivedUs;
    row.ids = f.msgId + '\x1f' + f.eventId.toUtf8() + '\x1f' + f.taskId.toUtf8();
    row.migration = m_migrations.intern(f.migrationId);
    row.type = m_types.intern(f.type);
    row.error = m_texts.intern(f.errorMessage);
    row.company = m_texts.intern(f.companyId);
    row.creator = m_texts.intern(f.createdByUserId);
    row.objectCreatedUs = f.objectCreatedUs.value_or(EventRow::NoTime);
    row.attempts = quint16(std::clamp(f.attempts, 1, 65535));
    row.status = statusFromString(f.status);
    row.kind = eventKindOf(f.type);
    row.parsed = f.parsed;
    row.replayed = f.replayed;
    const auto index = quint32(m_rows.size());
    if (!m_rows.empty() && f.rowId < m_rows.back().rowId)
        m_outOfOrder.insert(f.rowId, index); // kept findable; appending keeps the log's order
    m_rows.push_back(std::move(row));
    if (isNew)
        *isNew = true;
    return index;
}

} // namespace mm
