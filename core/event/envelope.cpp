// SPDX-License-Identifier: GPL-3.0-or-later
#include "envelope.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QTimeZone>
#include <cmath>

namespace mm {

namespace {
QString stringAt(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    return v.isString() ? v.toString() : QString();
}

// A count since the epoch in seconds, milliseconds, microseconds or nanoseconds, told apart
// by its size (any date from 1973 to 5138 reads right), to microseconds.
std::optional<qint64> epochCountToUs(double value)
{
    if (!std::isfinite(value) || value <= 0)
        return std::nullopt;
    double us = 0;
    if (value < 1e11)
        us = value * 1e6; // seconds, possibly with a fraction
    else if (value < 1e14)
        us = value * 1e3; // milliseconds
    else if (value < 1e17)
        us = value; // microseconds
    else
        us = value / 1e3; // nanoseconds
    // Past 9999-12-31T23:59:59.999999Z no ISO 8601 date can say it: not a time, but noise.
    if (us > 253402300799999999.0)
        return std::nullopt;
    return qint64(std::llround(us));
}

// "created" in any form a sender writes it: an ISO 8601 string, or a number (or a string of
// digits) since the epoch.
std::optional<qint64> timestampAt(const QJsonObject &o, QLatin1String key)
{
    const QJsonValue v = o.value(key);
    if (v.isDouble())
        return epochCountToUs(v.toDouble());
    if (!v.isString())
        return std::nullopt;
    const QString text = v.toString();
    if (auto iso = parseTimestampUs(text))
        return iso;
    bool ok = false;
    const double count = text.trimmed().toDouble(&ok);
    return ok ? epochCountToUs(count) : std::nullopt;
}

// Svix's "Send example" from an endpoint's Testing tab posts exactly this for svix.ping.
bool isBarePing(const QJsonObject &o)
{
    return o.size() == 1 && o.value(QLatin1String("success")).isBool();
}
} // namespace

QByteArray repairUnquotedTimestamps(QByteArrayView body)
{
    static const QRegularExpression bare(QStringLiteral(
        R"re(("created"\s*:\s*)(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)(?=\s*[,}]))re"));
    // Only valid UTF-8 is repaired: decoding would otherwise swap bad bytes for U+FFFD and
    // make an invalid body look parseable.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
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
    // YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:]MM], read by hand: this runs for every
    // delivery on the receiving path, where a regular expression costs more than the JSON.
    text = text.trimmed();
    qsizetype pos = 0;
    auto digits = [&](int count, int *out) {
        int value = 0;
        for (int i = 0; i < count; ++i, ++pos) {
            if (pos >= text.size() || !text[pos].isDigit() || text[pos].unicode() > '9')
                return false;
            value = value * 10 + (text[pos].unicode() - '0');
        }
        *out = value;
        return true;
    };
    auto expect = [&](char16_t c) {
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(4, &year) || !expect(u'-') || !digits(2, &month) || !expect(u'-') || !digits(2, &day))
        return std::nullopt;
    if (!expect(u'T') && !expect(u' '))
        return std::nullopt;
    if (!digits(2, &hour) || !expect(u':') || !digits(2, &minute) || !expect(u':') || !digits(2, &second))
        return std::nullopt;
    qint64 micros = 0;
    if (expect(u'.')) {
        int count = 0;
        while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
            if (count < 6)
                micros = micros * 10 + (text[pos].unicode() - '0');
            ++count;
            ++pos;
        }
        // Any number of digits: microseconds are kept, finer ones (nanoseconds and beyond,
        // as some serialisers write) are dropped, never the whole timestamp.
        if (count == 0)
            return std::nullopt;
        for (int i = count; i < 6; ++i)
            micros *= 10;
    }
    qint64 offsetSeconds = 0;
    if (pos < text.size() && text[pos] == u'Z') {
        ++pos;
    } else if (pos < text.size() && (text[pos] == u'+' || text[pos] == u'-')) {
        const int sign = text[pos] == u'-' ? -1 : 1;
        ++pos;
        int hh = 0, mm = 0;
        if (!digits(2, &hh))
            return std::nullopt;
        expect(u':');
        if (!digits(2, &mm))
            return std::nullopt;
        offsetSeconds = sign * (hh * 3600 + mm * 60);
    }
    if (pos != text.size())
        return std::nullopt;
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
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
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc())
               .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
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
    if (e.type.isEmpty() && isBarePing(e.json))
        e.type = QStringLiteral("svix.ping");
    e.createdUs = timestampAt(e.json, QLatin1String("created"));
    const QJsonObject data = e.json.value(QLatin1String("data")).toObject();
    const QJsonObject object = data.value(QLatin1String("object")).toObject();
    e.migrationId = stringAt(data, QLatin1String("migration_id"));
    e.errorMessage = stringAt(data, QLatin1String("error_message"));
    e.status = stringAt(object, QLatin1String("status"));
    e.companyId = stringAt(object, QLatin1String("company_id"));
    e.createdByUserId = stringAt(object, QLatin1String("created_by_user_id"));
    e.objectCreatedUs = timestampAt(object, QLatin1String("created"));
    const QString objectKind = stringAt(object, QLatin1String("object"));
    if (e.migrationId.isEmpty() && objectKind == QLatin1String("migration"))
        e.migrationId = stringAt(object, QLatin1String("id"));
    if (e.type.startsWith(QLatin1String("migration_task."))
        || objectKind == QLatin1String("migration_task")) {
        e.taskId = stringAt(object, QLatin1String("id"));
        if (e.errorMessage.isEmpty())
            e.errorMessage = stringAt(object, QLatin1String("error_message"));
    }
    return e;
}

} // namespace mm
