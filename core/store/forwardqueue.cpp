// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardqueue.h"

#include "store.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <algorithm>

namespace mm {

namespace {
bool fail(const QSqlQuery &q, QString *error)
{
    if (error)
        *error = q.lastError().text();
    return false;
}
} // namespace

ForwardQueue::ForwardQueue(const Store &store, QString connectionName, QString claimer)
    : m_postgres(store.isPostgres())
    , m_connection(std::move(connectionName))
    , m_claimer(std::move(claimer))
{
}

QString ForwardQueue::newClaimer(const QString &instance)
{
    return QStringLiteral("%1 pid %2 %3")
        .arg(instance.isEmpty() ? QSysInfo::machineHostName() : instance)
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
}

std::optional<QList<qint64>> ForwardQueue::claim(qint64 nowUs, qint64 leaseEndUs, int limit, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // A read first: on SQLite even an UPDATE that matches nothing takes the write lock, which the
    // receiver's commits would then wait for at every wake-up.
    QSqlQuery due(db);
    due.setForwardOnly(true);
    due.prepare(
        QStringLiteral("SELECT 1 FROM forward_queue WHERE state = 'pending' AND next_us <= ? LIMIT 1"));
    due.addBindValue(nowUs);
    if (!due.exec()) {
        fail(due, error);
        return std::nullopt;
    }
    if (!due.next())
        return QList<qint64> {};
    due.finish();

    // One statement, so one transaction. On PostgreSQL the rows another receiver is claiming at
    // this moment are skipped rather than waited for, and claimed by it alone.
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("UPDATE forward_queue SET next_us = ?, claimed_by = ? WHERE id IN ("
                             "SELECT id FROM forward_queue WHERE state = 'pending' AND next_us <= ? "
                             "ORDER BY next_us, id LIMIT ?%1) RETURNING id")
                  .arg(m_postgres ? QStringLiteral(" FOR UPDATE SKIP LOCKED") : QString()));
    q.addBindValue(leaseEndUs);
    q.addBindValue(m_claimer);
    q.addBindValue(nowUs);
    q.addBindValue(limit);
    if (!q.exec()) {
        fail(q, error);
        return std::nullopt;
    }
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool ForwardQueue::makeUnclaimedDue(qint64 nowUs, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE forward_queue SET next_us = ? "
                             "WHERE state = 'pending' AND next_us > ? AND claimed_by IS NULL"));
    q.addBindValue(nowUs);
    q.addBindValue(nowUs);
    return q.exec() || fail(q, error);
}

bool ForwardQueue::releaseClaims(qint64 nowUs, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE forward_queue SET next_us = ?, claimed_by = NULL "
                             "WHERE state = 'pending' AND claimed_by = ?"));
    q.addBindValue(nowUs);
    q.addBindValue(m_claimer);
    return q.exec() || fail(q, error);
}

} // namespace mm
