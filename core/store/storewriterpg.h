// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter's prepared statements on a PostgreSQL connection (storewriterpg.cpp); private to
// the writer.
#pragma once

#include "storewriter.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

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
        ok = insertDelivery.prepare(QStringLiteral(
                 "INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, "
                 "parsed, body, timestamp_header, remote, user_agent, secret_index, status, error_message, "
                 "task_id, company_id, created_by, object_created_us, headers, signature, instance) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT(msg_id) DO UPDATE SET attempts = deliveries.attempts + 1 RETURNING id, "
                 "attempts"))
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

    QSqlDatabase db;
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
