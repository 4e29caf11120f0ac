// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventfilter.h"

#include <algorithm>
#include <thread>

namespace mm {

namespace {
// Evaluates a predicate once per interned string.
template<typename Pred> std::vector<bool> perString(const Interner &interner, Pred pred)
{
    std::vector<bool> out(size_t(interner.size()));
    for (qsizetype i = 0; i < interner.size(); ++i)
        out[size_t(i)] = pred(interner.at(quint32(i)));
    return out;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}
} // namespace

bool CompiledEventFilter::containsNoCase(QByteArrayView haystack, QByteArrayView needle)
{
    const qsizetype n = needle.size();
    if (n == 0)
        return true;
    const char first = needle[0];
    const char firstUpper = (first >= 'a' && first <= 'z') ? char(first - 32) : first;
    const char *h = haystack.data();
    for (qsizetype i = 0; i + n <= haystack.size(); ++i) {
        if (h[i] != first && h[i] != firstUpper)
            continue;
        qsizetype j = 1;
        while (j < n && lower(h[i + j]) == needle[j])
            ++j;
        if (j == n)
            return true;
    }
    return false;
}

CompiledEventFilter::CompiledEventFilter(const EventFilter &filter, const EventLog &log,
                                         const CompanyNames *names)
    : m_log(log)
    , m_names(names)
    , m_company(filter.company.trimmed())
    , m_types(filter.types)
    , m_migration(filter.migration.trimmed())
    , m_statuses(filter.statuses)
    , m_outcome(filter.outcome)
    , m_needle(filter.text.trimmed().toLower().toUtf8())
{
    m_all = filter.isEmpty();
    if (!filter.types.isEmpty())
        m_typeAllowed = perString(log.types(), [&](const QString &t) { return filter.types.contains(t); });
    const QString migration = filter.migration.trimmed();
    if (!migration.isEmpty())
        m_migrationAllowed = perString(
            log.migrations(), [&](const QString &m) { return m.contains(migration, Qt::CaseInsensitive); });
    if (!m_needle.isEmpty()) {
        const QString needle = QString::fromUtf8(m_needle);
        auto has = [&](const QString &s) { return s.contains(needle, Qt::CaseInsensitive); };
        m_textInType = perString(log.types(), has);
        m_textInMigration = perString(log.migrations(), has);
        m_textInText = perString(log.texts(), has);
        m_textInCompany = perString(
            log.texts(), [&](const QString &s) { return names ? names->matches(s, needle) : has(s); });
    }
    if (!m_company.isEmpty())
        m_companyAllowed
            = perString(log.texts(), [&](const QString &s) { return companyMatches(s, m_company); });
}

bool CompiledEventFilter::matches(const EventRow &row) const
{
    if (m_all)
        return true;
    // Strings interned after the filter was compiled are looked up directly.
    if (!m_typeAllowed.empty()
        && !(row.type < m_typeAllowed.size() ? bool(m_typeAllowed[row.type])
                                             : m_types.contains(m_log.type(row))))
        return false;
    if (!m_migrationAllowed.empty()
        && !(row.migration < m_migrationAllowed.size()
                 ? bool(m_migrationAllowed[row.migration])
                 : m_log.migrationId(row).contains(m_migration, Qt::CaseInsensitive)))
        return false;
    if (!m_statuses.isEmpty() && !m_statuses.contains(row.status))
        return false;
    if (!m_companyAllowed.empty()
        && !(row.company
             && (row.company < m_companyAllowed.size()
                     ? bool(m_companyAllowed[row.company])
                     : companyMatches(m_log.texts().at(row.company), m_company))))
        return false;
    if (m_outcome == EventFilter::Outcome::FirstAttempt && row.attempts > 1)
        return false;
    if (m_outcome == EventFilter::Outcome::Retried && row.attempts <= 1)
        return false;
    if (!m_needle.isEmpty()) {
        auto inInterned
            = [](const std::vector<bool> &table, quint32 index, const QString &s, const QByteArray &n) {
                  if (index < table.size())
                      return bool(table[index]);
                  return s.contains(QString::fromUtf8(n), Qt::CaseInsensitive);
              };
        if (inInterned(m_textInType, row.type, m_log.types().at(row.type), m_needle))
            return true;
        if (row.migration
            && inInterned(m_textInMigration, row.migration, m_log.migrations().at(row.migration), m_needle))
            return true;
        if (row.error && inInterned(m_textInText, row.error, m_log.texts().at(row.error), m_needle))
            return true;
        if (row.company
            && (row.company < m_textInCompany.size()
                    ? bool(m_textInCompany[row.company])
                    : companyMatches(m_log.texts().at(row.company), QString::fromUtf8(m_needle))))
            return true;
        // Message id, event id and task id, in one scan of the row's own strings.
        return containsNoCase(row.ids, m_needle);
    }
    return true;
}

bool CompiledEventFilter::companyMatches(const QString &companyId, const QString &needle) const
{
    return m_names ? m_names->matches(companyId, needle) : companyId.contains(needle, Qt::CaseInsensitive);
}

std::vector<quint32> CompiledEventFilter::matchingSerial(qsizetype from, qsizetype to) const
{
    std::vector<quint32> out;
    out.reserve(size_t(m_all ? to - from : (to - from) / 8));
    for (qsizetype i = from; i < to; ++i) {
        if (matches(m_log.at(i)))
            out.push_back(quint32(i));
    }
    return out;
}

std::vector<quint32> CompiledEventFilter::matching(qsizetype from, qsizetype to) const
{
    // Large refilters (a new filter over the whole log) use every core: matches() only
    // reads, and each part keeps its rows in order.
    constexpr qsizetype MinPerThread = 100000;
    const qsizetype n = to - from;
    const int threads
        = int(std::clamp<qsizetype>(n / MinPerThread, 1, std::max(1u, std::thread::hardware_concurrency())));
    if (threads == 1 || m_all)
        return matchingSerial(from, to);
    std::vector<std::vector<quint32>> parts(static_cast<size_t>(threads));
    std::vector<std::thread> workers;
    const qsizetype step = (n + threads - 1) / threads;
    for (int t = 1; t < threads; ++t) {
        const qsizetype a = from + t * step;
        const qsizetype b = std::min(to, a + step);
        workers.emplace_back([this, &parts, t, a, b] { parts[size_t(t)] = matchingSerial(a, b); });
    }
    parts[0] = matchingSerial(from, std::min(to, from + step));
    for (std::thread &w : workers)
        w.join();
    std::vector<quint32> out = std::move(parts[0]);
    for (size_t t = 1; t < parts.size(); ++t)
        out.insert(out.end(), parts[t].begin(), parts[t].end());
    return out;
}

} // namespace mm
