// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter's prepared statements on a PostgreSQL connection (storewriterpg.cpp); private to
// the writer.
#pragma once

#include "storewriter.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <map>

namespace mm {

struct StoreWriter::PgQueries
{
    explicit PgQueries(const QSqlDatabase &connection)
        : db(connection)
        , insertDelivery(db)
        , insertAttempt(db)
        , insertForward(db)
        , insertRejection(db)
        , trimRejections(db)
        , listen(db)
    {
        ok = insertDelivery.prepare(upsertDeliveries(1))
            && insertAttempt.prepare(QStringLiteral(
                "INSERT INTO attempts(delivery_id, seq, received_us, timestamp_header, remote, user_agent, "
                "secret_index, headers, instance) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            && insertForward.prepare(
                QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, enqueued_us, next_us) "
                               "VALUES(?, ?, ?, ?, ?)"))
            && insertRejection.prepare(QStringLiteral(
                "INSERT INTO rejections(received_us, remote, status, reason_code, reason, msg_id, "
                "timestamp_header, headers, body_head, body_size, instance) VALUES(?, ?, ?, ?, ?, ?, ?, ?, "
                "?, "
                "?, ?)"))
            && trimRejections.prepare(
                QStringLiteral("DELETE FROM rejections WHERE id <= (SELECT max(id) FROM rejections) - ?"));
        if (!ok)
            error = db.lastError().text();
    }

    // The delivery upsert for rows deliveries at once (columns as DeliveryColumns), returning each
    // one's msg_id, id and attempts.
    static QString upsertDeliveries(int rows)
    {
        QStringList tuples;
        for (int i = 0; i < rows; ++i)
            tuples.append(QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        return QStringLiteral(
                   "INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, "
                   "parsed, body, timestamp_header, remote, user_agent, secret_index, status, error_message, "
                   "task_id, company_id, created_by, object_created_us, headers, signature, instance) "
                   "VALUES ")
            + tuples.join(u',')
            + QStringLiteral(
                   " ON CONFLICT(msg_id) DO UPDATE SET attempts = deliveries.attempts + 1 RETURNING id, "
                   "attempts, msg_id");
    }
    static constexpr int DeliveryColumns = 21;
    static constexpr int MaxRowsPerUpsert = 64;
    // The same for n rows, prepared on first use.
    QSqlQuery *upsertMany(int n)
    {
        auto it = insertMany.find(n);
        if (it == insertMany.end()) {
            it = insertMany.emplace(n, QSqlQuery(db)).first;
            if (!it->second.prepare(upsertDeliveries(n))) {
                error = it->second.lastError().text();
                insertMany.erase(it);
                return nullptr;
            }
        }
        return &it->second;
    }

    QSqlDatabase db;
    std::map<int, QSqlQuery> insertMany;
    QSqlQuery insertDelivery;
    QSqlQuery insertAttempt;
    QSqlQuery insertForward;
    QSqlQuery insertRejection;
    QSqlQuery trimRejections;
    QSqlQuery listen;
    bool ok = false;
    QString error;
};

} // namespace mm
