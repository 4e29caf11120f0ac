// SPDX-License-Identifier: GPL-3.0-or-later
#include "envelope.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QTimeZone>

namespace mm {

namespace {
QString stringAt(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? v.toString() : QString();
}
} // namespace

QByteArray repairUnquotedTimestamps(QByteArrayView body)
{
    static const QRegularExpression bare(QStringLiteral(
        R"re(("created"\s*:\s*)(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)(?=\s*[,}]))re"));
    // Only valid UTF-8 is repaired: decoding would otherwise swap bad bytes for U+FFFD and
    // make an invalid body look parseable.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    const QString text = decoder.decode(body);
    if (decoder.hasError())
        return {};
    QString repaired = text;
    repaired.replace(bare, QStringLiteral("\\1\"\\2\""));
    if (repaired == text)
        return {};
    return repaired.toUtf8();
}

std::optional<qint64> parseTimestampUs(QStringView text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$)"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.capturedView(1).toInt(), m.capturedView(2).toInt(), m.capturedView(3).toInt());
    const QTime time(m.capturedView(4).toInt(), m.capturedView(5).toInt(), m.capturedView(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    qint64 micros = 0;
    if (m.hasCaptured(7)) {
        QString frac = m.captured(7).left(6);
        while (frac.size() < 6)
            frac.append(u'0');
        micros = frac.toLongLong();
    }
    qint64 offsetSeconds = 0;
    const QStringView zone = m.capturedView(8);
    if (!zone.isEmpty() && zone != u"Z") {
        const int sign = zone.front() == u'-' ? -1 : 1;
        const QStringView digits = zone.sliced(1);
        const int hh = digits.first(2).toInt();
        const int mm = digits.last(2).toInt();
        offsetSeconds = sign * (hh * 3600 + mm * 60);
    }
    const qint64 secs = QDateTime(date, time, QTimeZone::utc()).toSecsSinceEpoch() - offsetSeconds;
    return secs * 1000000 + micros;
}

QString formatTimestampUs(qint64 us)
{
    qint64 secs = us / 1000000;
    qint64 micros = us % 1000000;
    if (micros < 0) {
        micros += 1000000;
        secs -= 1;
    }
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
        + u'.' + QString::number(micros).rightJustified(6, u'0') + u'Z';
}

Envelope parseEnvelope(QByteArrayView body)
{
    Envelope e;
    QJsonParseError error {};
    QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        const QByteArray repaired = repairUnquotedTimestamps(body);
        if (repaired.isEmpty())
            return e;
        doc = QJsonDocument::fromJson(repaired, &error);
        if (error.error != QJsonParseError::NoError)
            return e;
        e.repaired = true;
    }
    if (!doc.isObject())
        return e;
    e.parsed = true;
    e.json = doc.object();
    e.eventId = stringAt(e.json, QLatin1String("id"));
    e.type = stringAt(e.json, QLatin1String("type"));
    if (const QString created = stringAt(e.json, QLatin1String("created")); !created.isEmpty())
        e.createdUs = parseTimestampUs(created);
    const QJsonObject data = e.json.value(QLatin1String("data")).toObject();
    const QJsonObject object = data.value(QLatin1String("object")).toObject();
    e.migrationId = stringAt(data, QLatin1String("migration_id"));
    e.errorMessage = stringAt(data, QLatin1String("error_message"));
    e.status = stringAt(object, QLatin1String("status"));
    e.companyId = stringAt(object, QLatin1String("company_id"));
    e.createdByUserId = stringAt(object, QLatin1String("created_by_user_id"));
    if (const QString created = stringAt(object, QLatin1String("created")); !created.isEmpty())
        e.objectCreatedUs = parseTimestampUs(created);
    const QString objectKind = stringAt(object, QLatin1String("object"));
    if (e.migrationId.isEmpty() && objectKind == QLatin1String("migration"))
        e.migrationId = stringAt(object, QLatin1String("id"));
    if (e.type.startsWith(QLatin1String("migration_task.")) || objectKind == QLatin1String("migration_task")) {
        e.taskId = stringAt(object, QLatin1String("id"));
        if (e.errorMessage.isEmpty())
            e.errorMessage = stringAt(object, QLatin1String("error_message"));
    }
    return e;
}

} // namespace mm
