// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter's PostgreSQL batch (team mode): the same group commit as SQLite's, through Qt's
// QPSQL driver. Every receiver writes into the one database; a delivery retried to another
// receiver is stored once (the unique msg_id) and its attempts are counted across them, each
// attempt naming the receiver (instance) that took it.
#include "storewriterpg.h"

#include "store.h"
#include "storewriter.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>
#include <tuple>

namespace mm {

namespace {
QVariant text(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QVariant text(const QByteArray &utf8)
{
    return utf8.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(QString::fromUtf8(utf8));
}

QVariant optional(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

QString headersJson(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray {QString::fromLatin1(name), QString::fromLatin1(value)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}
} // namespace

std::unique_ptr<StoreWriter::PgQueries> StoreWriter::openPg(QString *error)
{
    auto db = m_store.openConnection(u"writer", error);
    if (!db)
        return nullptr;
    m_writerConnection = db->connectionName();
    // Durability::Process: COMMIT returns before the server's WAL flush (a server crash can
    // lose the last few hundred milliseconds; the database stays consistent). Power keeps the
    // server's default, on.
    if (m_options.durability == Durability::Process
        && !Database::exec(*db, QStringLiteral("SET synchronous_commit TO off"), error)) {
        db.reset();
        Store::closeConnection(m_writerConnection);
        return nullptr;
    }
    auto queries = std::make_unique<PgQueries>(*db);
    if (!queries->ok) {
        if (error)
            *error = queries->error;
        queries.reset();
        db.reset();
        Store::closeConnection(m_writerConnection);
    }
    return queries;
}

void StoreWriter::closePg(std::unique_ptr<PgQueries> &queries)
{
    if (!queries)
        return;
    queries.reset();
    Store::closeConnection(m_writerConnection);
}

bool StoreWriter::writeBatchPg(PgQueries &q, std::deque<Job> &batch, QList<WriteOutcome> &outcomes,
                               int &stored, QList<EventFacts> *facts, QString *error)
{
    for (const Job &job : batch) {
        if (const auto *d = std::get_if<DeliveryJob>(&job))
            outcomes.append(WriteOutcome {d->ticket, WriteResult::Failed, {}});
    }
    auto failWith = [&](const QString &why) {
        *error = why;
        q.db.rollback();
        stored = 0;
        if (facts)
            facts->clear();
        return false;
    };
    if (!q.db.transaction())
        return failWith(q.db.lastError().text());
    std::optional<Forwarding> forward;
    {
        std::lock_guard lock(m_mutex);
        if (!m_forwarding.target.isEmpty())
            forward = m_forwarding;
    }
    const QVariant instance = text(m_options.instance);
    auto deliveryValues = [&instance](const DeliveryRecord &r) {
        return QVariantList {text(r.msgId),
                             text(r.eventId),
                             text(r.type),
                             text(r.migrationId),
                             optional(r.createdUs),
                             r.receivedUs,
                             r.parsed,
                             r.body.isNull() ? QByteArray("") : r.body,
                             r.timestampHeader,
                             text(r.remote),
                             text(r.userAgent),
                             r.secretIndex,
                             text(r.status),
                             text(r.errorMessage),
                             text(r.taskId),
                             text(r.companyId),
                             text(r.createdByUserId),
                             optional(r.objectCreatedUs),
                             text(r.headers),
                             text(r.signature),
                             instance};
    };
    // Each message's first delivery in the batch goes in one multi-row upsert per 64: a round trip
    // per row cost more than the commit. A second one of the same message in the batch (a retry
    // that arrived meanwhile) takes the one-row upsert below, in order, so it counts as an attempt.
    QHash<QByteArray, std::pair<qint64, int>> upserted; // msg_id -> (id, attempts), until used
    {
        QList<const DeliveryRecord *> firsts;
        QSet<QByteArray> seen;
        for (const Job &job : batch) {
            if (const auto *d = std::get_if<DeliveryJob>(&job); d && !seen.contains(d->record.msgId)) {
                seen.insert(d->record.msgId);
                firsts.append(&d->record);
            }
        }
        // In msg_id order: two receivers upserting the same retried messages lock them in one order,
        // so their batches cannot deadlock.
        std::sort(firsts.begin(), firsts.end(),
                  [](const DeliveryRecord *a, const DeliveryRecord *b) { return a->msgId < b->msgId; });
        for (qsizetype from = 0; from < firsts.size() && firsts.size() > 1;
             from += PgQueries::MaxRowsPerUpsert) {
            const int n = int(std::min<qsizetype>(PgQueries::MaxRowsPerUpsert, firsts.size() - from));
            QSqlQuery *many = q.upsertMany(n);
            if (!many)
                return failWith(q.error);
            for (int row = 0; row < n; ++row) {
                const QVariantList values = deliveryValues(*firsts.at(from + row));
                for (int i = 0; i < values.size(); ++i)
                    many->bindValue(row * PgQueries::DeliveryColumns + i, values.at(i));
            }
            if (!many->exec())
                return failWith(many->lastError().text());
            while (many->next())
                upserted.insert(many->value(2).toString().toUtf8(),
                                {many->value(0).toLongLong(), many->value(1).toInt()});
            many->finish();
        }
    }
    int outcomeIndex = 0;
    bool rejected = false;
    qint64 startedRowId = -1;
    for (Job &job : batch) {
        if (auto *d = std::get_if<DeliveryJob>(&job)) {
            const DeliveryRecord &r = d->record;
            qint64 deliveryId = 0;
            int seq = 0;
            if (const auto it = upserted.constFind(r.msgId); it != upserted.constEnd()) {
                std::tie(deliveryId, seq) = *it;
                upserted.erase(it);
            } else {
                QSqlQuery &ins = q.insertDelivery;
                const QVariantList values = deliveryValues(r);
                for (int i = 0; i < values.size(); ++i)
                    ins.bindValue(i, values.at(i));
                if (!ins.exec() || !ins.next())
                    return failWith(ins.lastError().text());
                deliveryId = ins.value(0).toLongLong();
                seq = ins.value(1).toInt();
                ins.finish();
            }
            const bool isNew = seq == 1;
            if (!isNew) {
                QSqlQuery &att = q.insertAttempt;
                const QVariantList a {
                    deliveryId,        seq,           r.receivedUs,    r.timestampHeader, text(r.remote),
                    text(r.userAgent), r.secretIndex, text(r.headers), instance};
                for (int i = 0; i < a.size(); ++i)
                    att.bindValue(i, a.at(i));
                if (!att.exec())
                    return failWith(att.lastError().text());
            }
            if (isNew && forward) {
                QSqlQuery &fwd = q.insertForward;
                const QVariantList f {deliveryId, forward->target, forward->resign ? 1 : 0, r.receivedUs,
                                      r.receivedUs};
                for (int i = 0; i < f.size(); ++i)
                    fwd.bindValue(i, f.at(i));
                if (!fwd.exec())
                    return failWith(fwd.lastError().text());
            }
            outcomes[outcomeIndex++].result = isNew ? WriteResult::Stored : WriteResult::Duplicate;
            if (facts)
                facts->append(factsOf(r, deliveryId, seq));
            stored += isNew ? 1 : 0;
        } else if (auto *rej = std::get_if<RejectionRecord>(&job)) {
            QSqlQuery &ins = q.insertRejection;
            const QVariantList v {rej->receivedUs,
                                  text(rej->remote),
                                  rej->status,
                                  rej->reasonCode,
                                  rej->reason,
                                  text(rej->msgId),
                                  rej->timestampHeader,
                                  headersJson(rej->headers),
                                  rej->bodyHead,
                                  rej->bodySize,
                                  instance};
            for (int i = 0; i < v.size(); ++i)
                ins.bindValue(i, v.at(i));
            if (!ins.exec())
                return failWith(ins.lastError().text());
            rejected = true;
        } else if (auto *l = std::get_if<ListenEvent>(&job)) {
            QSqlQuery &sql = q.listen;
            if (l->kind == ListenEvent::Started) {
                sql.prepare(
                    QStringLiteral("INSERT INTO listen_intervals(started_us, alive_us, url, instance) "
                                   "VALUES(?, ?, ?, ?) RETURNING id"));
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->url);
                sql.addBindValue(m_options.instance);
            } else if (const qint64 rowId = startedRowId >= 0 ? startedRowId : m_listenRowId; rowId >= 0) {
                if (l->kind == ListenEvent::Alive) {
                    sql.prepare(QStringLiteral("UPDATE listen_intervals SET alive_us = ? WHERE id = ?"));
                } else {
                    sql.prepare(QStringLiteral(
                        "UPDATE listen_intervals SET alive_us = ?, stopped_us = ? WHERE id = ?"));
                    sql.addBindValue(l->atUs);
                }
                sql.addBindValue(l->atUs);
                sql.addBindValue(rowId);
            } else {
                continue;
            }
            if (!sql.exec())
                return failWith(sql.lastError().text());
            if (l->kind == ListenEvent::Started && sql.next())
                startedRowId = sql.value(0).toLongLong();
        }
    }
    if (rejected) {
        q.trimRejections.bindValue(0, m_options.rejectionJournalLimit);
        if (!q.trimRejections.exec())
            return failWith(q.trimRejections.lastError().text());
    }
    // With Durability::Power synchronous_commit is on: COMMIT returns once the WAL is on disk.
    if (!q.db.commit())
        return failWith(q.db.lastError().text());
    if (startedRowId >= 0)
        m_listenRowId = startedRowId;
    return true;
}

} // namespace mm
