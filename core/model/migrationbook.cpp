// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrationbook.h"

namespace mm {

qsizetype MigrationBook::indexOfSerial(quint64 serial) const
{
    if (m_serials.empty())
        return -1;
    // Contiguous (nothing but the oldest ever erased): a subtraction.
    const quint64 first = m_serials.front();
    if (m_serials.back() - first == m_serials.size() - 1)
        return serial >= first && serial <= m_serials.back() ? qsizetype(serial - first) : -1;
    const auto at = std::lower_bound(m_serials.begin(), m_serials.end(), serial);
    return at != m_serials.end() && *at == serial ? qsizetype(at - m_serials.begin()) : -1;
}

qsizetype MigrationBook::indexOf(const QString &id) const
{
    const auto it = m_byId.constFind(id);
    return it == m_byId.cend() ? -1 : indexOfSerial(*it);
}

qsizetype MigrationBook::append(const QString &id)
{
    const qsizetype index = m_migrations.size();
    Migration m;
    m.id = id;
    m_migrations.append(std::move(m));
    m_serials.push_back(m_nextSerial);
    m_byId.insert(id, m_nextSerial++);
    return index;
}

qsizetype MigrationBook::apply(const EventLog &log, quint32 logIndex)
{
    const EventRow &row = log.at(logIndex);
    if (!row.migration)
        return -1;
    const QString &id = log.migrations().at(row.migration);
    qsizetype index = indexOf(id);
    if (index < 0)
        index = append(id);
    Migration &m = m_migrations[index];
    if (m.frozen) {
        const qint64 stored = row.storeRowId();
        const auto at = std::lower_bound(m.frozenRowIds.begin(), m.frozenRowIds.end(), stored);
        if (at == m.frozenRowIds.end() || *at != stored)
            m.frozenRowIds.insert(at, stored);
        return index;
    }
    const bool known = std::any_of(m.events.begin(), m.events.end(),
                                   [logIndex](const Migration::Event &e) { return e.logIndex == logIndex; });
    if (known)
        m.refresh(log); // a new attempt of a known delivery: only the counts change
    else
        m.add(log, logIndex);
    return index;
}

void MigrationBook::applyBulk(const EventLog &log, qsizetype firstNew)
{
    std::vector<bool> touched(size_t(m_migrations.size()), false);
    for (qsizetype i = firstNew; i < log.size(); ++i) {
        const EventRow &row = log.at(i);
        if (!row.migration)
            continue;
        const QString &id = log.migrations().at(row.migration);
        qsizetype index = indexOf(id);
        if (index < 0)
            index = append(id);
        if (size_t(index) >= touched.size())
            touched.resize(size_t(index) + 1, false);
        if (m_migrations[index].frozen) {
            apply(log, quint32(i)); // notes the delivery; the caller thaws it
            continue;
        }
        touched[size_t(index)] = true;
        m_migrations[index].events.push_back(Migration::Event::of(row, quint32(i)));
    }
    for (size_t index = 0; index < touched.size(); ++index) {
        if (!touched[index])
            continue;
        Migration &m = m_migrations[qsizetype(index)];
        m.sortEvents();
        m.refresh(log);
    }
}

QList<qsizetype> MigrationBook::quiet(qint64 nowUs, const QuietThresholds &t) const
{
    QList<qsizetype> out;
    for (qsizetype i = 0; i < m_migrations.size(); ++i) {
        if (m_migrations[i].isQuiet(nowUs, t.workingUs, t.notStartedUs))
            out.append(i);
    }
    return out;
}

void MigrationBook::forgetRows(const EventLog &log, const std::vector<quint32> &removed,
                               QList<qsizetype> *changed, QList<qsizetype> *emptied)
{
    if (removed.empty())
        return;
    for (qsizetype i = 0; i < m_migrations.size(); ++i) {
        Migration &m = m_migrations[i];
        const auto before = m.events.size();
        // Erasing keeps the order, and events sort by what they say, never by log index: the
        // survivors stay sorted.
        std::erase_if(m.events, [&removed](Migration::Event &e) {
            // Retention removes the oldest rows: most events are past them all, some before.
            if (e.logIndex > removed.back()) {
                e.logIndex -= quint32(removed.size());
                return false;
            }
            if (e.logIndex < removed.front())
                return false;
            const auto at = std::lower_bound(removed.begin(), removed.end(), e.logIndex);
            if (at != removed.end() && *at == e.logIndex)
                return true;
            e.logIndex -= quint32(at - removed.begin());
            return false;
        });
        if (m.events.size() == before)
            continue;
        if (m.events.empty()) {
            emptied->append(i);
            continue;
        }
        m.refresh(log);
        changed->append(i);
    }
}

void MigrationBook::erase(const QList<qsizetype> &indexes)
{
    if (indexes.isEmpty())
        return;
    for (const qsizetype index : indexes) {
        m_byId.remove(m_migrations.at(index).id);
        m_frozen -= m_migrations.at(index).frozen ? 1 : 0;
    }
    qsizetype out = indexes.constFirst();
    for (qsizetype in = out, next = 0; in < m_migrations.size(); ++in) {
        if (next < indexes.size() && indexes[next] == in) {
            ++next;
            continue;
        }
        if (out != in) {
            m_migrations[out] = std::move(m_migrations[in]);
            m_serials[size_t(out)] = m_serials[size_t(in)];
        }
        ++out;
    }
    m_migrations.resize(out);
    m_serials.resize(size_t(out));
}

void MigrationBook::freeze(const EventLog &log, const QList<qsizetype> &indexes)
{
    for (const qsizetype index : indexes) {
        Migration &m = m_migrations[index];
        if (m.frozen)
            continue;
        m.frozenRowIds.clear();
        m.frozenRowIds.reserve(m.events.size());
        for (const Migration::Event &e : m.events)
            m.frozenRowIds.push_back(log.at(e.logIndex).storeRowId()); // a fed-back copy names its original
        std::sort(m.frozenRowIds.begin(), m.frozenRowIds.end());
        m.frozenRowIds.erase(std::unique(m.frozenRowIds.begin(), m.frozenRowIds.end()), m.frozenRowIds.end());
        m.frozenRowIds.shrink_to_fit();
        m.events = {};
        m.frozen = true;
        ++m_frozen;
    }
}

void MigrationBook::thaw(const EventLog &log, const QList<qsizetype> &indexes)
{
    // Interned migration index -> book index, for the migrations thawed.
    QHash<quint32, qsizetype> wanted;
    for (const qsizetype index : indexes) {
        Migration &m = m_migrations[index];
        if (!m.frozen)
            continue;
        if (const quint32 interned = log.migrations().find(m.id))
            wanted.insert(interned, index);
        m.frozen = false;
        m.frozenRowIds = {};
        --m_frozen;
    }
    if (wanted.isEmpty())
        return;
    for (qsizetype i = 0; i < log.size(); ++i) {
        const EventRow &row = log.at(i);
        const auto it = wanted.constFind(row.migration);
        if (it != wanted.cend())
            m_migrations[*it].events.push_back(Migration::Event::of(row, quint32(i)));
    }
    for (const qsizetype index : std::as_const(wanted)) {
        Migration &m = m_migrations[index];
        m.sortEvents();
        m.refresh(log);
    }
}

QList<qsizetype> MigrationBook::frozenAmong(const EventLog &log, qsizetype firstRow) const
{
    QList<qsizetype> out;
    if (!m_frozen)
        return out;
    for (qsizetype i = firstRow; i < log.size(); ++i) {
        const EventRow &row = log.at(i);
        if (!row.migration)
            continue;
        const qsizetype index = indexOf(log.migrations().at(row.migration));
        if (index >= 0 && m_migrations.at(index).frozen)
            out.append(index);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void MigrationBook::noteInserted(const std::vector<quint32> &inserted)
{
    if (inserted.empty())
        return;
    // The i-th inserted row went to inserted[i]: an old index o moves up by the number of
    // inserted rows whose old place, inserted[i] - i, is at or below o.
    std::vector<quint32> before(inserted.size());
    for (size_t i = 0; i < inserted.size(); ++i)
        before[i] = inserted[i] - quint32(i);
    for (Migration &m : m_migrations) {
        for (Migration::Event &e : m.events) {
            if (e.logIndex < before.front())
                continue;
            e.logIndex
                += quint32(std::upper_bound(before.begin(), before.end(), e.logIndex) - before.begin());
        }
    }
}

void MigrationBook::forgetFrozen(const std::vector<qint64> &rowIds, QList<qsizetype> *emptied,
                                 QList<qsizetype> *shrunk)
{
    if (rowIds.empty() || !m_frozen)
        return;
    for (qsizetype i = 0; i < m_migrations.size(); ++i) {
        Migration &m = m_migrations[i];
        if (!m.frozen || m.frozenRowIds.empty() || m.frozenRowIds.front() > rowIds.back())
            continue;
        const auto before = m.frozenRowIds.size();
        std::erase_if(m.frozenRowIds,
                      [&rowIds](qint64 id) { return std::binary_search(rowIds.begin(), rowIds.end(), id); });
        if (m.frozenRowIds.size() == before)
            continue;
        (m.frozenRowIds.empty() ? emptied : shrunk)->append(i);
    }
}

} // namespace mm
