// SPDX-License-Identifier: GPL-3.0-or-later
#include "harexporter.h"

#include "store.h"
#include "verify/headermask.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringDecoder>

namespace mm {

namespace {
const QString FallbackUrl = QStringLiteral("http://127.0.0.1:8787/webhooks");

QString isoMs(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject nameValue(const QString &name, const QString &value)
{
    return QJsonObject {{QStringLiteral("name"), name}, {QStringLiteral("value"), value}};
}

// Stored "name: value" lines (already masked), masked once more in case of an old row.
QJsonArray headerArray(const QByteArray &lines, const QByteArray &msgId, qint64 timestampHeader)
{
    QJsonArray out;
    if (lines.isEmpty()) {
        // Imported rows keep no headers: give the ones that identify the message.
        out.append(nameValue(QStringLiteral("svix-id"), QString::fromLatin1(msgId)));
        if (timestampHeader > 0)
            out.append(nameValue(QStringLiteral("svix-timestamp"), QString::number(timestampHeader)));
        return out;
    }
    for (const QByteArray &line : lines.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.first(colon).trimmed();
        const QByteArray value = maskedHeaderValue(name, line.mid(colon + 1).trimmed());
        out.append(nameValue(QString::fromLatin1(name), QString::fromLatin1(value)));
    }
    return out;
}

QJsonObject postData(const QByteArray &body)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(body);
    QJsonObject o {{QStringLiteral("mimeType"), QStringLiteral("application/json")}};
    if (utf8.hasError()) {
        // HAR 1.2 has "encoding" for response content; tools read it here too.
        o.insert(QStringLiteral("text"), QString::fromLatin1(body.toBase64()));
        o.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    } else {
        o.insert(QStringLiteral("text"), text);
    }
    return o;
}
} // namespace

qint64 HarExporter::exportStore(const Store &store, QIODevice &out, QString *error)
{
    return exportWhere(store, QString(), out, error);
}

qint64 HarExporter::exportRows(const Store &store, const QList<qint64> &rowIds, QIODevice &out,
                               QString *error)
{
    QStringList ids;
    for (qint64 id : rowIds)
        ids.append(QString::number(id)); // integers only: nothing to escape
    return exportWhere(
        store,
        QStringLiteral("WHERE d.id IN (%1) ").arg(ids.isEmpty() ? QStringLiteral("NULL") : ids.join(u',')),
        out, error);
}

qint64 HarExporter::exportWhere(const Store &store, const QString &where, QIODevice &out, QString *error)
{
    // Exports may run on several threads at once: each gets its own connection.
    Store::Connection connection(store, u"har", error, Store::Open::MustExist);
    if (!connection.isOpen())
        return -1;
    qint64 count = -1;
    {
        QSqlQuery q(connection.db());
        q.setForwardOnly(true);
        // The URL the receiver listened on when the delivery arrived.
        const bool ok
            = q.exec(QStringLiteral(
                         "SELECT d.msg_id, d.received_us, d.body, d.headers, d.timestamp_header, d.attempts, "
                         "d.type, d.migration_id, d.remote, "
                         "(SELECT url FROM listen_intervals l WHERE l.started_us <= d.received_us "
                         " ORDER BY l.started_us DESC LIMIT 1) "
                         "FROM deliveries d ")
                     + where + QStringLiteral("ORDER BY d.received_us, d.id"));
        if (!ok) {
            if (error)
                *error = q.lastError().text();
        } else {
            const QJsonObject creator {{QStringLiteral("name"), QStringLiteral("Migration Monitor")},
                                       {QStringLiteral("version"), QStringLiteral(MM_VERSION)}};
            QByteArray head = "{\"log\":{\"version\":\"1.2\",\"creator\":"
                + QJsonDocument(creator).toJson(QJsonDocument::Compact) + ",\"entries\":[\n";
            bool written = out.write(head) == head.size();
            count = 0;
            while (written && q.next()) {
                const QByteArray msgId = q.value(0).toString().toLatin1();
                const QByteArray body = q.value(2).toByteArray();
                const QString url = q.value(9).isNull() ? FallbackUrl : q.value(9).toString();
                QJsonObject request {
                    {QStringLiteral("method"), QStringLiteral("POST")},
                    {QStringLiteral("url"), url},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("cookies"), QJsonArray()},
                    {QStringLiteral("headers"),
                     headerArray(q.value(3).toByteArray(), msgId, q.value(4).toLongLong())},
                    {QStringLiteral("queryString"), QJsonArray()},
                    {QStringLiteral("postData"), postData(body)},
                    {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), qint64(body.size())},
                };
                QJsonObject response {
                    {QStringLiteral("status"), 200},
                    {QStringLiteral("statusText"), QStringLiteral("OK")},
                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                    {QStringLiteral("cookies"), QJsonArray()},
                    {QStringLiteral("headers"), QJsonArray()},
                    {QStringLiteral("content"),
                     QJsonObject {{QStringLiteral("size"), 0},
                                  {QStringLiteral("mimeType"), QStringLiteral("text/plain")}}},
                    {QStringLiteral("redirectURL"), QString()},
                    {QStringLiteral("headersSize"), -1},
                    {QStringLiteral("bodySize"), -1},
                };
                QJsonObject entry {
                    {QStringLiteral("startedDateTime"), isoMs(q.value(1).toLongLong())},
                    {QStringLiteral("time"), 0},
                    {QStringLiteral("request"), request},
                    {QStringLiteral("response"), response},
                    {QStringLiteral("cache"), QJsonObject()},
                    {QStringLiteral("timings"),
                     QJsonObject {{QStringLiteral("send"), 0},
                                  {QStringLiteral("wait"), 0},
                                  {QStringLiteral("receive"), 0}}},
                    {QStringLiteral("comment"),
                     QStringLiteral("%1 %2, %3 attempt(s), from %4")
                         .arg(q.value(6).toString(), q.value(7).toString())
                         .arg(q.value(5).toLongLong())
                         .arg(q.value(8).toString())
                         .simplified()},
                };
                QByteArray line
                    = (count > 0 ? ",\n" : "") + QJsonDocument(entry).toJson(QJsonDocument::Compact);
                written = out.write(line) == line.size();
                ++count;
            }
            const QByteArray tail = "\n]}}\n";
            if (!written || out.write(tail) != tail.size()) {
                if (error)
                    *error = QStringLiteral("Cannot write the export: %1").arg(out.errorString());
                count = -1;
            }
        }
    }
    return count;
}

} // namespace mm
