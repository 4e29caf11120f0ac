// SPDX-License-Identifier: GPL-3.0-or-later
// Plain values that cross from the receiver thread to the store thread.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <optional>

namespace mm {

// What one stored delivery says, without its body: enough for the migration model,
// the views and their filters. Carried from the store to the model after each COMMIT
// and loaded from the store at start-up.
struct EventFacts
{
    qint64 rowId = 0; // deliveries.id
    QByteArray msgId;
    QString eventId;
    QString type;
    QString migrationId;
    std::optional<qint64> createdUs;
    QString status; // data.object.status
    QString errorMessage; // data.error_message
    QString taskId; // a migration_task object's id
    QString companyId;
    QString createdByUserId;
    std::optional<qint64> objectCreatedUs; // data.object.created
    qint64 receivedUs = 0; // first receipt
    qint64 timestampHeader = 0; // the signed svix-timestamp (s) that came with receivedUs
    int attempts = 1;
    bool parsed = false;
    bool replayed = false; // fed back in locally, not received
};

// One accepted delivery attempt. The delivery row is written once per message id;
// every attempt is recorded.
struct DeliveryRecord
{
    QByteArray msgId;
    QString eventId;
    QString type;
    QString migrationId;
    std::optional<qint64> createdUs;
    QString status;
    QString errorMessage;
    QString taskId;
    QString companyId;
    QString createdByUserId;
    std::optional<qint64> objectCreatedUs;
    bool parsed = false;
    QByteArray body;
    qint64 receivedUs = 0;
    qint64 timestampHeader = 0;
    QString remote;
    QString userAgent;
    int secretIndex = -1;
    QByteArray headers; // "name: value" lines as received, signature and credential values masked
    QByteArray signature; // the signature header's value as received (replay and forward "as received")
};

// A delivery read back from an export (JsonlImporter), as the store needs it.
struct ImportedDelivery
{
    DeliveryRecord record; // body, parsed facts, receivedUs; no headers
    int attempts = 1;
};

// A refused delivery, kept in a bounded journal for diagnostics. Headers are stored
// with signature values masked, and only the head of the body is kept.
struct RejectionRecord
{
    qint64 receivedUs = 0;
    QString remote;
    int status = 401;
    QString reasonCode;
    QString reason;
    QByteArray msgId;
    qint64 timestampHeader = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray bodyHead;
    qint64 bodySize = 0;
};

struct AttemptInfo
{
    int seq = 1;
    qint64 receivedUs = 0;
    qint64 timestampHeader = 0;
    QString remote;
    QString userAgent;
    int secretIndex = -1;
    // The attempt's request headers as received, signature values masked. Empty for
    // attempts stored before schema version 2.
    QList<QPair<QByteArray, QByteArray>> headers;
};

// Everything the inspector shows for one stored delivery, read on demand.
struct DeliveryDetail
{
    qint64 rowId = 0;
    quint64 request = 0; // MonitorModel::requestDetail's number for the request this answers
    QByteArray msgId;
    QByteArray body; // byte-exact as received
    bool found = false; // false: no such delivery, or the store could not be read (see error)
    // No such delivery: retention deleted it (nothing else deletes deliveries).
    bool deleted = false;
    QString error;
    QList<AttemptInfo> attempts; // oldest first; attempts.first() is the first receipt
};

// A company's name as people know it (the vendor sends only its id), shared through the store.
struct CompanyName
{
    QString companyId;
    QString name; // empty: no name (an import or a rename removes it)
    bool operator==(const CompanyName &) const = default;
};

// When the receiver listened, as recorded in the store (the downtime maths lives in model/downtime).
struct ListenInterval
{
    qint64 startedUs = 0;
    qint64 aliveUs = 0; // last heartbeat (every 10 s while listening)
    std::optional<qint64> stoppedUs; // none: the process ended without stopping (crash, kill)
    QString url;
    QString instance {}; // the receiver's name in a shared (PostgreSQL) store
};

enum class WriteResult : quint8 { Stored, Duplicate, Failed };

struct WriteOutcome
{
    quint64 ticket = 0;
    WriteResult result = WriteResult::Failed;
    QString error; // set when Failed
    bool storageFull = false; // Failed because the disk is full
};

} // namespace mm

Q_DECLARE_METATYPE(mm::EventFacts)
Q_DECLARE_METATYPE(mm::RejectionRecord)
Q_DECLARE_METATYPE(mm::DeliveryDetail)
