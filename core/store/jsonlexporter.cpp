// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonlexporter.h"

#include "event/envelope.h"
#include "store.h"

#include <QAtomicInteger>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringDecoder>

namespace mm {

namespace {

QJsonValue stringOrNull(const QString &s)
{
    return s.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

// Exact round trip: a body goes out as a JSON string only when it is valid UTF-8.
std::optional<QString> strictUtf8(const QByteArray &bytes)
{
    // ConvertInitialBom keeps a leading byte order mark as U+FEFF instead of dropping it.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}
} // namespace

QByteArray JsonlExporter::line(const QString &msgId, const QString &eventId, const QString &type,
                               const QString &migrationId, const QVariant &createdUs, qint64 receivedUs,
                               qint64 attempts, bool parsed, const QByteArray &body)
{
    QJsonObject o;
    o.insert(QLatin1String("msg_id"), msgId);
    o.insert(QLatin1String("event_id"), stringOrNull(eventId));
    o.insert(QLatin1String("type"), stringOrNull(type));
    o.insert(QLatin1String("migration_id"), stringOrNull(migrationId));
    o.insert(QLatin1String("created"),
             createdUs.isNull() ? QJsonValue(QJsonValue::Null)
                                : QJsonValue(formatTimestampUs(createdUs.toLongLong())));
    o.insert(QLatin1String("received_at"), formatTimestampUs(receivedUs));
    o.insert(QLatin1String("attempts"), attempts);
    o.insert(QLatin1String("parsed"), parsed);
    if (const auto text = strictUtf8(body))
        o.insert(QLatin1String("body"), *text);
    else
        o.insert(QLatin1String("body_base64"), QString::fromLatin1(body.toBase64()));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

qint64 JsonlExporter::exportStore(const Store &store, QIODevice &out, QString *error)
{
    // Exports may run on several threads at once: each gets its own connection.
    Store::Connection connection(store, u"export", error, Store::Open::MustExist);
    return connection.isOpen() ? exportWhere(connection.db(), QString(), out, error) : -1;
}

qint64 JsonlExporter::exportRows(const Store &store, const QList<qint64> &rowIds, QIODevice &out,
                                 QString *error)
{
    if (rowIds.isEmpty())
        return 0;
    Store::Connection connection(store, u"export", error, Store::Open::MustExist);
    return connection.isOpen() ? exportWhere(connection.db(), whereRows(rowIds), out, error) : -1;
}

qint64 JsonlExporter::exportRows(const QSqlDatabase &db, const QList<qint64> &rowIds, QIODevice &out,
                                 QString *error)
{
    return rowIds.isEmpty() ? 0 : exportWhere(db, whereRows(rowIds), out, error);
}

QString JsonlExporter::whereRows(const QList<qint64> &rowIds)
{
    QStringList ids;
    ids.reserve(rowIds.size());
    for (qint64 id : rowIds)
        ids.append(QString::number(id)); // integers only: nothing to escape
    return QStringLiteral("WHERE d.id IN (%1) ").arg(ids.join(u','));
}

qint64 JsonlExporter::exportWhere(const QSqlDatabase &db, const QString &where, QIODevice &out,
                                  QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    const bool ok
        = q.exec(QStringLiteral("SELECT d.msg_id, d.event_id, d.type, d.migration_id, d.created_us, "
                                "d.received_us, d.attempts, d.parsed, d.body "
                                "FROM deliveries d ")
                 + where + QStringLiteral("ORDER BY d.id"));
    if (!ok) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    qint64 count = 0;
    while (q.next()) {
        QByteArray l = line(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                            q.value(3).toString(), q.value(4), q.value(5).toLongLong(),
                            q.value(6).toLongLong(), q.value(7).toBool(), q.value(8).toByteArray());
        l.append('\n');
        if (out.write(l) != l.size()) {
            if (error)
                *error = QStringLiteral("Cannot write the export: %1").arg(out.errorString());
            return -1;
        }
        ++count;
    }
    return count;
}

} // namespace mm
