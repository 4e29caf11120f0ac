// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog.h"

namespace mm {

void EventLog::reserve(qsizetype rows)
{
    m_rows.reserve(size_t(rows));
    m_byRowId.reserve(rows);
}

quint32 EventLog::upsert(const EventFacts &f, bool *isNew)
{
    const auto known = m_byRowId.constFind(f.rowId);
    if (known != m_byRowId.cend()) {
        EventRow &row = m_rows[*known];
        row.attempts = quint16(std::clamp(f.attempts, int(row.attempts), 65535));
        if (isNew)
            *isNew = false;
        return *known;
    }
    EventRow row;
    row.rowId = f.rowId;
    row.createdUs = f.createdUs.value_or(EventRow::NoTime);
    row.receivedUs = f.receivedUs;
    row.msgId = f.msgId;
    row.eventId = f.eventId.toUtf8();
    row.migration = m_migrations.intern(f.migrationId);
    row.type = m_types.intern(f.type);
    row.error = m_texts.intern(f.errorMessage);
    row.task = m_texts.intern(f.taskId);
    row.company = m_texts.intern(f.companyId);
    row.creator = m_texts.intern(f.createdByUserId);
    row.objectCreatedUs = f.objectCreatedUs.value_or(EventRow::NoTime);
    row.attempts = quint16(std::clamp(f.attempts, 1, 65535));
    row.status = statusFromString(f.status);
    row.kind = eventKindOf(f.type);
    row.parsed = f.parsed;
    row.replayed = f.replayed;
    const auto index = quint32(m_rows.size());
    m_rows.push_back(std::move(row));
    m_byRowId.insert(f.rowId, index);
    if (isNew)
        *isNew = true;
    return index;
}

} // namespace mm
