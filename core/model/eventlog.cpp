// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog.h"

#include <algorithm>

namespace mm {

void EventLog::reserve(qsizetype rows)
{
    m_rows.reserve(size_t(rows));
    m_sorted.reserve(size_t(rows));
}

qsizetype EventLog::indexOfRowId(qint64 rowId) const
{
    // Rows nearly always come in rowId order: a binary search over those, 4 bytes a row
    // instead of a hash entry; the few that came late are in m_outOfOrder.
    const auto it = std::lower_bound(m_sorted.begin(), m_sorted.end(), rowId,
                                     [this](quint32 index, qint64 id) { return m_rows[index].rowId < id; });
    if (it != m_sorted.end() && m_rows[*it].rowId == rowId)
        return qsizetype(*it);
    const auto other = m_outOfOrder.constFind(rowId);
    return other == m_outOfOrder.cend() ? -1 : qsizetype(*other);
}

qint64 EventLog::highestRowId() const
{
    return m_sorted.empty() ? 0 : std::max<qint64>(0, m_rows[m_sorted.back()].rowId);
}

EventRow EventLog::rowOf(const EventFacts &f)
{
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
    return row;
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
    EventRow row = rowOf(f);
    const auto index = quint32(m_rows.size());
    if (m_sorted.empty() || f.rowId > m_rows[m_sorted.back()].rowId)
        m_sorted.push_back(index);
    else
        m_outOfOrder.insert(f.rowId, index); // below the highest rowId: kept findable here
    m_rows.push_back(std::move(row));
    if (isNew)
        *isNew = true;
    return index;
}

std::vector<quint32> EventLog::insertStored(QList<EventFacts> facts)
{
    std::sort(facts.begin(), facts.end(),
              [](const EventFacts &a, const EventFacts &b) { return a.rowId < b.rowId; });
    std::vector<EventRow> fresh;
    for (const EventFacts &f : std::as_const(facts)) {
        if (indexOfRowId(f.rowId) < 0 && (fresh.empty() || fresh.back().rowId != f.rowId))
            fresh.push_back(rowOf(f));
    }
    std::vector<quint32> inserted;
    if (fresh.empty())
        return inserted;
    inserted.reserve(fresh.size());
    std::vector<EventRow> merged;
    merged.reserve(m_rows.size() + fresh.size());
    size_t next = 0; // in fresh
    size_t rising = 0; // in m_sorted
    for (size_t i = 0; i < m_rows.size(); ++i) {
        // Before each row that arrived in order, the fresh rows below it; rows that came late
        // (and fed-back copies, whose ids are negative) keep their place.
        if (rising < m_sorted.size() && m_sorted[rising] == i) {
            while (next < fresh.size() && fresh[next].rowId < m_rows[i].rowId) {
                inserted.push_back(quint32(merged.size()));
                merged.push_back(std::move(fresh[next++]));
            }
            ++rising;
        }
        merged.push_back(std::move(m_rows[i]));
    }
    for (; next < fresh.size(); ++next) {
        inserted.push_back(quint32(merged.size()));
        merged.push_back(std::move(fresh[next]));
    }
    m_rows = std::move(merged);
    reindex();
    return inserted;
}

void EventLog::reindex()
{
    m_sorted.clear();
    m_outOfOrder.clear();
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_sorted.empty() || m_rows[i].rowId > m_rows[m_sorted.back()].rowId)
            m_sorted.push_back(quint32(i));
        else
            m_outOfOrder.insert(m_rows[i].rowId, quint32(i));
    }
}

void EventLog::erase(const std::vector<quint32> &indexes)
{
    if (indexes.empty())
        return;
    const size_t first = indexes.front();
    size_t out = first;
    for (size_t in = first, next = 0; in < m_rows.size(); ++in) {
        if (next < indexes.size() && indexes[next] == in) {
            ++next;
            continue;
        }
        m_rows[out++] = std::move(m_rows[in]);
    }
    m_rows.resize(out);
    // m_sorted's indexes rise with its rowIds (rows arrive in rowId order), so one walk beside
    // the removed ones tells each entry's fate and how far it moves down; the order is kept.
    size_t kept = 0;
    size_t below = 0; // removed indexes below the current entry
    for (const quint32 index : m_sorted) {
        while (below < indexes.size() && indexes[below] < index)
            ++below;
        if (below < indexes.size() && indexes[below] == index)
            continue;
        m_sorted[kept++] = index - quint32(below);
    }
    m_sorted.resize(kept);
    for (auto it = m_outOfOrder.begin(); it != m_outOfOrder.end();) {
        const auto at = std::lower_bound(indexes.begin(), indexes.end(), *it);
        if (at != indexes.end() && *at == *it) {
            it = m_outOfOrder.erase(it);
        } else {
            *it -= quint32(at - indexes.begin());
            ++it;
        }
    }
}

void EventLog::compactStrings()
{
    Interner types;
    Interner migrations;
    Interner texts;
    // Old index -> new one; 0 (the empty string) stays 0.
    constexpr quint32 Unseen = std::numeric_limits<quint32>::max();
    std::vector<quint32> typeMap(size_t(m_types.size()), Unseen);
    std::vector<quint32> migrationMap(size_t(m_migrations.size()), Unseen);
    std::vector<quint32> textMap(size_t(m_texts.size()), Unseen);
    auto remap = [](quint32 &index, std::vector<quint32> &map, const Interner &from, Interner &to) {
        quint32 &slot = map[index];
        if (slot == Unseen)
            slot = to.intern(from.at(index));
        index = slot;
    };
    for (EventRow &row : m_rows) {
        remap(row.type, typeMap, m_types, types);
        remap(row.migration, migrationMap, m_migrations, migrations);
        remap(row.error, textMap, m_texts, texts);
        remap(row.company, textMap, m_texts, texts);
        remap(row.creator, textMap, m_texts, texts);
    }
    m_types = std::move(types);
    m_migrations = std::move(migrations);
    m_texts = std::move(texts);
}

} // namespace mm
