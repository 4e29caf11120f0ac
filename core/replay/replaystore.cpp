// SPDX-License-Identifier: GPL-3.0-or-later
#include "replaystore.h"

#include "store/store.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace mm {

namespace {

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}
} // namespace

ReplayStore::ReplayStore(const Store &store)
{
    const auto db = store.openConnection(u"replay", &m_error, Store::Open::MustExist);
    m_open = db.has_value();
    if (db)
        m_connection = db->connectionName();
}

ReplayStore::~ReplayStore()
{
    if (m_open)
        Store::closeConnection(m_connection);
}

QString ReplayStore::modeName(const SigningChoice &signing)
{
    if (!signing.secret)
        return QStringLiteral("as received");
    return signing.newIds ? QStringLiteral("re-signed, new ids") : QStringLiteral("re-signed");
}

std::optional<QList<OutgoingDelivery>> ReplayStore::load(const ReplaySelection &s)
{
    if (!m_open)
        return std::nullopt;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QString sql = QStringLiteral("SELECT id, msg_id, body, timestamp_header, signature, type, migration_id, "
                                 "secret_index, headers FROM deliveries WHERE TRUE");
    if (!s.rowIds.isEmpty()) {
        QStringList ids;
        ids.reserve(s.rowIds.size());
        for (qint64 id : s.rowIds)
            ids.append(QString::number(id)); // integers only: nothing to escape
        sql += QStringLiteral(" AND id IN (%1)").arg(ids.join(u','));
    } else {
        if (!s.migrationId.isEmpty())
            sql += QStringLiteral(" AND migration_id = :migration");
        if (!s.type.isEmpty())
            sql += QStringLiteral(" AND type = :type");
        if (s.sinceUs)
            sql += QStringLiteral(" AND received_us >= :since");
    }
    sql += QStringLiteral(" ORDER BY received_us, id");
    if (!q.prepare(sql)) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    if (s.rowIds.isEmpty()) {
        if (!s.migrationId.isEmpty())
            q.bindValue(QStringLiteral(":migration"), s.migrationId);
        if (!s.type.isEmpty())
            q.bindValue(QStringLiteral(":type"), s.type);
        if (s.sinceUs)
            q.bindValue(QStringLiteral(":since"), *s.sinceUs);
    }
    if (!q.exec()) {
        m_error = q.lastError().text();
        return std::nullopt;
    }
    QList<OutgoingDelivery> out;
    while (q.next()) {
        OutgoingDelivery d;
        d.rowId = q.value(0).toLongLong();
        d.msgId = q.value(1).toString().toLatin1();
        d.body = q.value(2).toByteArray();
        d.timestampHeader = q.value(3).toLongLong();
        d.signature = q.value(4).toString().toLatin1();
        d.type = q.value(5).toString();
        d.migrationId = q.value(6).toString();
        d.secretIndex = q.value(7).isNull() ? -1 : q.value(7).toInt();
        // Sent again under the header names it came with (svix-* or webhook-*).
        d.unbranded = headerFamilyOf(q.value(8).toString().toLatin1());
        out.append(std::move(d));
    }
    return out;
}

qint64 ReplayStore::beginRun(const QString &target, const QString &mode, int requested)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "INSERT INTO replay_runs(started_us, target, mode, requested) VALUES(?, ?, ?, ?) RETURNING id"));
    q.addBindValue(nowUs());
    q.addBindValue(target);
    q.addBindValue(mode);
    q.addBindValue(requested);
    if (!m_open || !q.exec()) {
        m_error = m_open ? q.lastError().text() : m_error;
        return -1;
    }
    // RETURNING: the same on SQLite and PostgreSQL (whose driver has no last insert id).
    return q.next() ? q.value(0).toLongLong() : -1;
}

bool ReplayStore::record(qint64 runId, const QList<ReplayResult> &results)
{
    if (!m_open || results.isEmpty())
        return m_open;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        m_error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO replay_requests(run_id, seq, delivery_id, msg_id, sent_us, "
        "status, latency_us, tries, error, response_head) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, seq) DO UPDATE SET "
        "delivery_id = excluded.delivery_id, msg_id = excluded.msg_id, sent_us = excluded.sent_us, "
        "status = excluded.status, latency_us = excluded.latency_us, tries = excluded.tries, "
        "error = excluded.error, response_head = excluded.response_head"));
    for (const ReplayResult &r : results) {
        q.addBindValue(runId);
        q.addBindValue(r.index);
        q.addBindValue(r.rowId > 0 ? QVariant(r.rowId) : QVariant(QMetaType(QMetaType::LongLong)));
        q.addBindValue(QString::fromLatin1(r.sentMsgId.isEmpty() ? r.originalMsgId : r.sentMsgId));
        q.addBindValue(r.sentUs);
        q.addBindValue(r.status);
        q.addBindValue(r.latencyUs);
        q.addBindValue(r.tries);
        q.addBindValue(r.error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(r.error));
        q.addBindValue(r.responseHead);
        if (!q.exec()) {
            m_error = q.lastError().text();
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        m_error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

bool ReplayStore::finishRun(qint64 runId, const ReplaySummary &summary)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "UPDATE replay_runs SET finished_us = ?, succeeded = ?, failed = ?, cancelled = ? WHERE id = ?"));
    q.addBindValue(nowUs());
    q.addBindValue(summary.succeeded);
    q.addBindValue(summary.failed);
    q.addBindValue(summary.cancelled);
    q.addBindValue(runId);
    if (!m_open || !q.exec()) {
        m_error = m_open ? q.lastError().text() : m_error;
        return false;
    }
    return true;
}

QList<ReplayRunInfo> ReplayStore::runs(int limit)
{
    QList<ReplayRunInfo> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("SELECT id, started_us, finished_us, target, mode, requested, succeeded, failed, "
                       "cancelled FROM replay_runs ORDER BY id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (!m_open || !q.exec())
        return out;
    while (q.next()) {
        ReplayRunInfo r;
        r.id = q.value(0).toLongLong();
        r.startedUs = q.value(1).toLongLong();
        r.finishedUs = q.value(2).toLongLong();
        r.target = q.value(3).toString();
        r.mode = q.value(4).toString();
        r.requested = q.value(5).toInt();
        r.summary.succeeded = q.value(6).toInt();
        r.summary.failed = q.value(7).toInt();
        r.summary.cancelled = q.value(8).toInt();
        out.append(r);
    }
    return out;
}

QList<ReplayResult> ReplayStore::requests(qint64 runId)
{
    QList<ReplayResult> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    // The delivery's own id, type and migration, for the history view (gone when the
    // delivery was deleted since, and none for an edited body).
    q.prepare(QStringLiteral(
        "SELECT r.seq, r.delivery_id, r.msg_id, r.sent_us, r.status, r.latency_us, r.tries, r.error, "
        "r.response_head, d.msg_id, d.type, d.migration_id FROM replay_requests r "
        "LEFT JOIN deliveries d ON d.id = r.delivery_id WHERE r.run_id = ? ORDER BY r.seq"));
    q.addBindValue(runId);
    if (!m_open || !q.exec())
        return out;
    while (q.next()) {
        ReplayResult r;
        r.index = q.value(0).toInt();
        r.rowId = q.value(1).toLongLong();
        r.sentMsgId = q.value(2).toString().toLatin1();
        r.sentUs = q.value(3).toLongLong();
        r.status = q.value(4).toInt();
        r.latencyUs = q.value(5).toLongLong();
        r.tries = q.value(6).toInt();
        r.error = q.value(7).toString();
        r.responseHead = q.value(8).toByteArray();
        r.originalMsgId = q.value(9).toString().toLatin1();
        r.type = q.value(10).toString();
        r.migrationId = q.value(11).toString();
        r.cancelled = r.error == QLatin1String("cancelled");
        out.append(r);
    }
    return out;
}

} // namespace mm
