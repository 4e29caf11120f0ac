// SPDX-License-Identifier: GPL-3.0-or-later
#include "storereader.h"

#include "database.h"

#include <QAtomicInteger>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace mm {

namespace {
QAtomicInteger<quint64> s_readerCount;

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}
} // namespace

StoreReader::StoreReader(const QString &dataDir)
    : m_connection(QStringLiteral("mm-reader-%1").arg(s_readerCount.fetchAndAddRelaxed(1)))
{
    m_open = Database::openExisting(dataDir, m_connection, &m_error).has_value();
}

StoreReader::~StoreReader()
{
    if (m_open)
        Database::close(m_connection);
}

qint64 StoreReader::deliveryCount()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT count(*) FROM deliveries")) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

qint64 StoreReader::loadFacts(const std::function<void(QList<EventFacts> &&)> &batch, qint64 afterRowId,
                              int batchSize)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT id, msg_id, event_id, type, migration_id, created_us, status, error_message, task_id, company_id, "
        "created_by, object_created_us, received_us, attempts, parsed FROM deliveries WHERE id > ? ORDER BY id"));
    q.addBindValue(afterRowId);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return -1;
    }
    qint64 count = 0;
    QList<EventFacts> facts;
    facts.reserve(batchSize);
    while (q.next()) {
        EventFacts f;
        f.rowId = q.value(0).toLongLong();
        f.msgId = q.value(1).toString().toLatin1();
        f.eventId = q.value(2).toString();
        f.type = q.value(3).toString();
        f.migrationId = q.value(4).toString();
        f.createdUs = optionalInt(q.value(5));
        f.status = q.value(6).toString();
        f.errorMessage = q.value(7).toString();
        f.taskId = q.value(8).toString();
        f.companyId = q.value(9).toString();
        f.createdByUserId = q.value(10).toString();
        f.objectCreatedUs = optionalInt(q.value(11));
        f.receivedUs = q.value(12).toLongLong();
        f.attempts = q.value(13).toInt();
        f.parsed = q.value(14).toBool();
        facts.append(std::move(f));
        ++count;
        if (facts.size() >= batchSize) {
            batch(std::move(facts));
            facts = {};
            facts.reserve(batchSize);
        }
    }
    if (!facts.isEmpty())
        batch(std::move(facts));
    return count;
}

std::optional<QByteArray> StoreReader::body(qint64 rowId)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT body FROM deliveries WHERE id = ?"));
    q.addBindValue(rowId);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return q.value(0).toByteArray();
}

QList<AttemptInfo> StoreReader::attempts(qint64 rowId)
{
    QList<AttemptInfo> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "SELECT 1, received_us, timestamp_header, remote, user_agent, secret_index FROM deliveries WHERE id = ?1 "
        "UNION ALL SELECT seq, received_us, timestamp_header, remote, user_agent, secret_index FROM attempts "
        "WHERE delivery_id = ?1 ORDER BY 1"));
    q.addBindValue(rowId);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(AttemptInfo {q.value(0).toInt(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                                q.value(3).toString(), q.value(4).toString(), q.value(5).toInt()});
    return out;
}

QList<RejectionRecord> StoreReader::rejections(int limit)
{
    QList<RejectionRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "SELECT received_us, remote, status, reason_code, reason, msg_id, timestamp_header, headers, body_head, "
        "body_size FROM (SELECT * FROM rejections ORDER BY id DESC LIMIT ?) ORDER BY received_us"));
    q.addBindValue(limit);
    if (!q.exec())
        return out;
    while (q.next()) {
        RejectionRecord r;
        r.receivedUs = q.value(0).toLongLong();
        r.remote = q.value(1).toString();
        r.status = q.value(2).toInt();
        r.reasonCode = q.value(3).toString();
        r.reason = q.value(4).toString();
        r.msgId = q.value(5).toString().toLatin1();
        r.timestampHeader = q.value(6).toLongLong();
        const QJsonArray headers = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array();
        for (const QJsonValue &h : headers) {
            const QJsonArray pair = h.toArray();
            r.headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
        }
        r.bodyHead = q.value(8).toByteArray();
        r.bodySize = q.value(9).toLongLong();
        out.append(std::move(r));
    }
    return out;
}

QList<ListenInterval> StoreReader::listenIntervals()
{
    QList<ListenInterval> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT started_us, alive_us, stopped_us, url FROM listen_intervals ORDER BY id")))
        return out;
    while (q.next())
        out.append(ListenInterval {q.value(0).toLongLong(), q.value(1).toLongLong(), optionalInt(q.value(2)),
                                   q.value(3).toString()});
    return out;
}

} // namespace mm
