// SPDX-License-Identifier: GPL-3.0-or-later
// Tolerant reading of an Anon event envelope. It survives the vendor's quirks (an
// unquoted "created" timestamp, no time zone, microseconds, more fractional digits than that, a
// number since the epoch) and never throws input away. Svix's bare ping body
// {"success": true} reads as type svix.ping.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace mm {

struct Envelope
{
    bool parsed = false; // the body was a JSON object (possibly after repair)
    bool repaired = false; // the unquoted "created" had to be quoted first
    QString eventId; // "id"
    QString type; // "type"
    QString migrationId; // data.migration_id (or data.object.id for migrations)
    // "created", microseconds since the epoch, UTC: ISO 8601 (any number of fractional digits),
    // or seconds, milliseconds, microseconds or nanoseconds since the epoch as a number
    std::optional<qint64> createdUs;
    QString status; // data.object.status
    QString errorMessage; // data.error_message
    QString taskId; // data.object.id of a migration_task object
    QString companyId; // data.object.company_id
    QString createdByUserId; // data.object.created_by_user_id
    std::optional<qint64> objectCreatedUs; // data.object.created
    QJsonObject json; // the whole envelope, when parsed

    bool isPing() const { return type == QLatin1String("svix.ping"); }
};

Envelope parseEnvelope(QByteArrayView body);

// Quotes a bare ISO 8601 timestamp after "created": (as the vendor's example shows it).
// Returns an empty array when there was nothing to repair.
QByteArray repairUnquotedTimestamps(QByteArrayView body);

// "2025-06-18T00:50:40.301173" (no zone means UTC), "…Z" or "…+02:00" to microseconds.
std::optional<qint64> parseTimestampUs(QStringView text);

// Microseconds since the epoch to "2025-06-18T00:50:40.301173Z".
QString formatTimestampUs(qint64 us);

} // namespace mm
