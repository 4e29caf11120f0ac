// SPDX-License-Identifier: GPL-3.0-or-later
#include "memorycap.h"

#include <algorithm>

namespace mm {

EvictionPlan MemoryCap::plan(const EventLog &log, const MigrationBook &book,
                             const std::function<bool(qsizetype)> &pinned,
                             const QHash<qint64, qint64> &touchedUs) const
{
    EvictionPlan out;
    if (!isExceeded(log))
        return out;

    // Interned migration -> book index (-1: none, as for a ping).
    std::vector<qsizetype> bookIndex(size_t(log.migrations().size()), -1);
    for (qsizetype i = 1; i < log.migrations().size(); ++i)
        bookIndex[size_t(i)] = book.indexOf(log.migrations().at(quint32(i)));

    struct Candidate
    {
        qint64 usedUs;
        qsizetype weight; // rows it frees
        qsizetype migration; // book index, or -1 for a loose row
        quint32 row; // the loose row
    };
    std::vector<Candidate> candidates;
    for (qsizetype i = 0; i < log.size(); ++i) {
        const EventRow &row = log.at(i);
        const qsizetype migration = bookIndex[row.migration];
        if (migration >= 0 && !book.at(migration).frozen)
            continue; // goes with its migration, below
        if (migration >= 0 && pinned(migration))
            continue;
        const qint64 used = touchedUs.value(row.rowId, row.receivedUs);
        candidates.push_back({used, 1, -1, quint32(i)});
    }
    for (qsizetype m = 0; m < book.size(); ++m) {
        const Migration &migration = book.at(m);
        if (migration.frozen || migration.events.empty() || pinned(m))
            continue;
        // A migration fed back only (no arrival of its own) has no lastReceivedUs: its events' time.
        const qint64 used = migration.lastReceivedUs ? migration.lastReceivedUs : migration.lastEventUs;
        candidates.push_back({used, qsizetype(migration.events.size()), m, 0});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
        return a.usedUs != b.usedUs ? a.usedUs < b.usedUs : a.migration < b.migration;
    });

    qsizetype left = log.size();
    for (const Candidate &c : candidates) {
        if (left <= lowWater())
            break;
        left -= c.weight;
        if (c.migration < 0) {
            out.rows.push_back(c.row);
            continue;
        }
        out.migrations.append(c.migration);
        for (const Migration::Event &e : book.at(c.migration).events)
            out.rows.push_back(e.logIndex);
    }
    std::sort(out.migrations.begin(), out.migrations.end());
    std::sort(out.rows.begin(), out.rows.end());
    return out;
}

} // namespace mm
