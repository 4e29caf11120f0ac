// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrationbook.h"

namespace mm {

qsizetype MigrationBook::apply(const EventLog &log, quint32 logIndex)
{
    const EventRow &row = log.at(logIndex);
    if (!row.migration)
        return -1;
    const QString &id = log.migrations().at(row.migration);
    qsizetype index = m_byId.value(id, -1);
    if (index < 0) {
        index = m_migrations.size();
        Migration m;
        m.id = id;
        m_migrations.append(std::move(m));
        m_byId.insert(id, index);
    }
    Migration &m = m_migrations[index];
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
        auto it = m_byId.constFind(id);
        qsizetype index = 0;
        if (it == m_byId.cend()) {
            index = m_migrations.size();
            Migration m;
            m.id = id;
            m_migrations.append(std::move(m));
            m_byId.insert(id, index);
        } else {
            index = *it;
        }
        if (size_t(index) >= touched.size())
            touched.resize(size_t(index) + 1, false);
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

} // namespace mm
