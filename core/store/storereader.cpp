// SPDX-License-Identifier: GPL-3.0-or-later
#include "storereader.h"

#include "companynamestore.h"
#include "database.h"
#include "store.h"

#include <QAtomicInteger>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <sqlite3.h>

namespace mm {

namespace {

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}
} // namespace

StoreReader::StoreReader(const Store &store)
    : m_path(store.location())
    , m_postgres(store.isPostgres())
{
    const auto db = store.openConnection(u"read", &m_error, Store::Open::MustExist);
    m_open = db.has_value();
    if (db)
        m_connection = db->connectionName();
}

StoreReader::~StoreReader()
{
    if (m_open)
        Store::closeConnection(m_connection);
}

qint64 StoreReader::deliveryCount()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT count(*) FROM deliveries")) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

std::pair<qint64, qint64> StoreReader::deliveryCountAndHighest()
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT count(*), coalesce(max(id), 0) FROM deliveries")) || !q.next())
        return {-1, 0};
    return {q.value(0).toLongLong(), q.value(1).toLongLong()};
}

qint64 StoreReader::loadFacts(const std::function<void(QList<EventFacts> &&)> &batch, qint64 afterRowId,
                              int batchSize)
{
    return loadFactsWhere(batch, Range {afterRowId}, batchSize);
}

std::optional<QList<EventFacts>> StoreReader::factsBefore(qint64 beforeRowId, int limit)
{
    QList<EventFacts> out;
    if (beforeRowId <= 1 || limit <= 0)
        return out;
    Range range;
    range.before = beforeRowId;
    range.newest = limit;
    if (loadFactsWhere([&out](QList<EventFacts> &&batch) { out.append(std::move(batch)); }, range, 4096) < 0)
        return std::nullopt;
    return out;
}

QByteArray StoreReader::rangeSql(const Range &range)
{
    // Integers only: nothing to escape.
    QByteArray sql
        = "SELECT id, msg_id, event_id, type, migration_id, created_us, status, error_message, task_id, "
          "company_id, created_by, object_created_us, received_us, attempts, parsed, timestamp_header "
          "FROM deliveries WHERE id > "
        + QByteArray::number(range.after);
    if (range.only) {
        QByteArrayList ids;
        ids.reserve(range.only->size());
        for (qint64 id : *range.only)
            ids.append(QByteArray::number(id));
        sql += " AND id IN (" + (ids.isEmpty() ? QByteArray("NULL") : ids.join(',')) + ')';
    }
    if (range.before > 0)
        sql += " AND id < " + QByteArray::number(range.before);
    if (range.newest > 0)
        sql += " ORDER BY id DESC LIMIT " + QByteArray::number(range.newest);
    else
        sql += " ORDER BY id";
    return sql;
}

std::optional<QList<EventFacts>> StoreReader::factsOf(QList<qint64> rowIds)
{
    QList<EventFacts> out;
    if (rowIds.isEmpty())
        return out;
    Range range;
    range.only = &rowIds;
    if (loadFactsWhere([&out](QList<EventFacts> &&batch) { out.append(std::move(batch)); }, range, 4096) < 0)
        return std::nullopt;
    return out;
}

qint64 StoreReader::loadFactsWithQtSql(const std::function<void(QList<EventFacts> &&)> &batch,
                                       const Range &range, int batchSize)
{
    // Any engine's Qt driver (PostgreSQL in team mode); SQLite has the faster path below.
    const QString sql = QString::fromLatin1(rangeSql(range));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        m_error = q.lastError().text();
        return -1;
    }
    auto optionalColumn = [&q](int column) -> std::optional<qint64> {
        const QVariant v = q.value(column);
        return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
    };
    qint64 count = 0;
    QList<EventFacts> facts;
    facts.reserve(batchSize);
    while (q.next()) {
        EventFacts f;
        f.rowId = q.value(0).toLongLong();
        f.msgId = q.value(1).toString().toUtf8();
        f.eventId = q.value(2).toString();
        f.type = q.value(3).toString();
        f.migrationId = q.value(4).toString();
        f.createdUs = optionalColumn(5);
        f.status = q.value(6).toString();
        f.errorMessage = q.value(7).toString();
        f.taskId = q.value(8).toString();
        f.companyId = q.value(9).toString();
        f.createdByUserId = q.value(10).toString();
        f.objectCreatedUs = optionalColumn(11);
        f.receivedUs = q.value(12).toLongLong();
        f.attempts = q.value(13).toInt();
        f.parsed = q.value(14).toBool();
        f.timestampHeader = q.value(15).toLongLong();
        facts.append(std::move(f));
        ++count;
        if (facts.size() >= batchSize) {
            batch(std::move(facts));
            facts = {};
            facts.reserve(batchSize);
        }
    }
    if (q.lastError().isValid()) {
        m_error = q.lastError().text();
        return -1;
    }
    if (!facts.isEmpty())
        batch(std::move(facts));
    return count;
}

qint64 StoreReader::loadFactsWhere(const std::function<void(QList<EventFacts> &&)> &batch, const Range &range,
                                   int batchSize)
{
    if (!m_open)
        return -1;
    if (QSqlDatabase::database(m_connection, false).driverName() != QLatin1String("QSQLITE"))
        return loadFactsWithQtSql(batch, range, batchSize);
    // A million rows through QSqlQuery take ~14 s (a QVariant per value); SQLite's own API
    // reads them in about a second, on a connection of its own that only reads.
    sqlite3 *db = nullptr;
    const QByteArray path = QFile::encodeName(m_path);
    if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr)
        != SQLITE_OK) {
        m_error = QString::fromUtf8(db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 2000);
    const QByteArray sql = rangeSql(range);
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }

    // Values that repeat (types, statuses, migration ids, companies) are decoded once.
    QHash<QByteArray, QString> seen;
    auto text = [&seen](sqlite3_stmt *st, int column, bool repeats) -> QString {
        const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(st, column));
        if (!data)
            return {};
        const int size = sqlite3_column_bytes(st, column);
        if (!repeats)
            return QString::fromUtf8(data, size);
        const QByteArray key = QByteArray::fromRawData(data, size);
        auto it = seen.constFind(key);
        if (it == seen.cend())
            it = seen.insert(QByteArray(data, size), QString::fromUtf8(data, size));
        return *it;
    };
    auto optionalColumn = [](sqlite3_stmt *st, int column) -> std::optional<qint64> {
        if (sqlite3_column_type(st, column) == SQLITE_NULL)
            return std::nullopt;
        return sqlite3_column_int64(st, column);
    };

    qint64 count = 0;
    QList<EventFacts> facts;
    facts.reserve(batchSize);
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        EventFacts f;
        f.rowId = sqlite3_column_int64(stmt, 0);
        f.msgId = QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1)),
                             sqlite3_column_bytes(stmt, 1));
        f.eventId = text(stmt, 2, false);
        f.type = text(stmt, 3, true);
        f.migrationId = text(stmt, 4, true);
        f.createdUs = optionalColumn(stmt, 5);
        f.status = text(stmt, 6, true);
        f.errorMessage = text(stmt, 7, true);
        f.taskId = text(stmt, 8, false);
        f.companyId = text(stmt, 9, true);
        f.createdByUserId = text(stmt, 10, true);
        f.objectCreatedUs = optionalColumn(stmt, 11);
        f.receivedUs = sqlite3_column_int64(stmt, 12);
        f.attempts = sqlite3_column_int(stmt, 13);
        f.parsed = sqlite3_column_int(stmt, 14) != 0;
        f.timestampHeader = sqlite3_column_int64(stmt, 15);
        facts.append(std::move(f));
        ++count;
        if (facts.size() >= batchSize) {
            batch(std::move(facts));
            facts = {};
            facts.reserve(batchSize);
            // Migration ids repeat within a migration's lifetime; keep the cache bounded.
            if (seen.size() > 200000)
                seen.clear();
        }
    }
    if (rc != SQLITE_DONE) {
        m_error = QString::fromUtf8(sqlite3_errmsg(db));
        count = -1;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (!facts.isEmpty() && count >= 0)
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

namespace {
// "name: value" lines, as the receiver keeps them, back into pairs.
QList<QPair<QByteArray, QByteArray>> headerPairs(const QByteArray &lines)
{
    QList<QPair<QByteArray, QByteArray>> out;
    for (const QByteArray &line : lines.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        out.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return out;
}
} // namespace

QList<AttemptInfo> StoreReader::attempts(qint64 rowId)
{
    QList<AttemptInfo> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "SELECT 1, received_us, timestamp_header, remote, user_agent, secret_index, headers FROM deliveries "
        "WHERE id = ? "
        "UNION ALL SELECT seq, received_us, timestamp_header, remote, user_agent, secret_index, headers "
        "FROM attempts WHERE delivery_id = ? ORDER BY 1"));
    // Two plain placeholders: Qt SQL rewrites a repeated "?1" into two different names.
    q.addBindValue(rowId);
    q.addBindValue(rowId);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(AttemptInfo {q.value(0).toInt(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                                q.value(3).toString(), q.value(4).toString(), q.value(5).toInt(),
                                headerPairs(q.value(6).toByteArray())});
    return out;
}

DeliveryDetail StoreReader::detail(qint64 rowId)
{
    DeliveryDetail d;
    d.rowId = rowId;
    if (!m_open) {
        d.error = m_error;
        return d;
    }
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT msg_id, body FROM deliveries WHERE id = ?"));
    q.addBindValue(rowId);
    if (!q.exec()) {
        d.error = q.lastError().text();
        return d;
    }
    if (!q.next()) {
        d.error = QStringLiteral("No stored delivery with id %1").arg(rowId);
        d.deleted = true;
        return d;
    }
    d.msgId = q.value(0).toByteArray();
    d.body = q.value(1).toByteArray();
    q.finish();
    d.attempts = attempts(rowId);
    d.found = true;
    return d;
}

QList<RejectionRecord> StoreReader::rejections(int limit)
{
    QList<RejectionRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral(
        "SELECT received_us, remote, status, reason_code, reason, msg_id, timestamp_header, headers, "
        "body_head, "
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
    // Only a shared store names the receiver of each interval.
    if (!q.exec(QStringLiteral(
                    "SELECT started_us, alive_us, stopped_us, url, %1 FROM listen_intervals ORDER BY id")
                    .arg(m_postgres ? QStringLiteral("instance") : QStringLiteral("''"))))
        return out;
    while (q.next())
        out.append(ListenInterval {q.value(0).toLongLong(), q.value(1).toLongLong(), optionalInt(q.value(2)),
                                   q.value(3).toString(), q.value(4).toString()});
    return out;
}

std::optional<QList<CompanyName>> StoreReader::companyNames()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    return CompanyNameStore::readAll(db, &m_error);
}

} // namespace mm
