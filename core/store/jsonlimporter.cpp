// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonlimporter.h"

#include "event/deliveryrecord.h"
#include "event/envelope.h"
#include "store.h"
#include "storewriter.h"

#include <QAtomicInteger>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace mm {

namespace {
constexpr int BatchLines = 1000;
constexpr int KeptErrors = 20;
constexpr qint64 MaxLineBytes = 64 * 1024 * 1024; // a 2 MiB body in base64 and then some

// Reads one line (without its '\n') in pieces. QIODevice::readLine(maxSize) would allocate
// maxSize bytes for every line, and would cut a longer line into several; here a line longer
// than MaxLineBytes is read to its end, its bytes dropped and tooLong set, so line numbers
// stay right. Returns false at the end of the input.
bool readLineBounded(QIODevice &in, QByteArray *line, bool *tooLong)
{
    line->clear();
    *tooLong = false;
    char chunk[64 * 1024];
    bool any = false;
    for (;;) {
        const qint64 n = in.readLine(chunk, sizeof chunk);
        if (n <= 0)
            return any;
        any = true;
        const bool complete = chunk[n - 1] == '\n';
        const qint64 bytes = complete ? n - 1 : n;
        if (!*tooLong && line->size() + bytes > MaxLineBytes) {
            *tooLong = true;
            line->clear();
        }
        if (!*tooLong)
            line->append(chunk, bytes);
        if (complete)
            return true;
    }
}
} // namespace

std::optional<ImportedDelivery> JsonlImporter::parseLine(QByteArrayView line, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<ImportedDelivery> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not JSON (%1 at offset %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return fail(QStringLiteral("not a JSON object"));
    const QJsonObject o = doc.object();

    const QJsonValue msgId = o.value(QLatin1String("msg_id"));
    if (!msgId.isString() || msgId.toString().isEmpty())
        return fail(QStringLiteral("no msg_id"));
    const QByteArray id = msgId.toString().toUtf8();
    if (id.size() > 256)
        return fail(QStringLiteral("msg_id longer than 256 bytes"));

    QByteArray body;
    if (const QJsonValue text = o.value(QLatin1String("body")); text.isString()) {
        body = text.toString().toUtf8();
    } else if (const QJsonValue b64 = o.value(QLatin1String("body_base64")); b64.isString()) {
        const auto decoded = QByteArray::fromBase64Encoding(b64.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(QStringLiteral("body_base64 is not valid base64"));
        body = *decoded;
    } else {
        return fail(QStringLiteral("neither body nor body_base64"));
    }

    const QJsonValue received = o.value(QLatin1String("received_at"));
    const auto receivedUs = received.isString() ? parseTimestampUs(received.toString()) : std::nullopt;
    if (!receivedUs)
        return fail(QStringLiteral("no valid received_at timestamp"));

    int attempts = 1;
    if (const QJsonValue a = o.value(QLatin1String("attempts")); !a.isUndefined()) {
        const double n = a.toDouble(-1);
        if (!a.isDouble() || n < 1 || n > 1e6 || n != double(qint64(n)))
            return fail(QStringLiteral("attempts is not a positive whole number"));
        attempts = int(n);
    }

    ImportedDelivery out;
    out.record = deliveryRecordFromBody(body);
    out.record.msgId = id;
    out.record.receivedUs = *receivedUs;
    out.attempts = attempts;
    return out;
}

std::optional<JsonlImporter::Result> JsonlImporter::importFrom(Store &store, QIODevice &in, QString *error)
{
    Store::Connection connection(store, u"import", error);
    if (!connection.isOpen())
        return std::nullopt;
    std::optional<Result> result;
    {
        // Through the store's writer, a transaction per BatchLines lines: new deliveries are
        // queued for forwarding and reach the model as committed ones, like live deliveries.
        Result r;
        QList<ImportedDelivery> batch;
        bool ok = true;
        auto write = [&]() {
            if (batch.isEmpty())
                return;
            const auto counts = store.writer().writeImported(connection.db(), batch, error);
            batch.clear();
            if (!counts) {
                ok = false;
                return;
            }
            r.imported += counts->imported;
            r.duplicates += counts->duplicates;
        };
        qint64 lineNumber = 0;
        QByteArray line;
        bool tooLong = false;
        while (ok && readLineBounded(in, &line, &tooLong)) {
            ++lineNumber;
            if (line.endsWith('\r'))
                line.chop(1);
            if (!tooLong && line.trimmed().isEmpty())
                continue;
            ++r.lines;
            QString why;
            auto d = tooLong ? std::nullopt : parseLine(line, &why);
            if (tooLong)
                why = QStringLiteral("longer than %1 MiB").arg(MaxLineBytes / (1024 * 1024));
            if (!d) {
                ++r.invalid;
                if (r.errors.size() < KeptErrors)
                    r.errors.append(QStringLiteral("line %1: %2").arg(lineNumber).arg(why));
                continue;
            }
            batch.append(std::move(*d));
            if (batch.size() >= BatchLines)
                write();
        }
        write();
        if (ok)
            result = r;
    }
    return result;
}

} // namespace mm
