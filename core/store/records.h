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

// One accepted delivery attempt. The delivery row is written once per message id;
// every attempt is recorded.
struct DeliveryRecord
{
    QByteArray msgId;
    QString eventId;
    QString type;
    QString migrationId;
    std::optional<qint64> createdUs;
    bool parsed = false;
    QByteArray body;
    qint64 receivedUs = 0;
    qint64 timestampHeader = 0;
    QString remote;
    QString userAgent;
    int secretIndex = -1;
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

enum class WriteResult : quint8 { Stored, Duplicate, Failed };

struct WriteOutcome
{
    quint64 ticket = 0;
    WriteResult result = WriteResult::Failed;
    QString error; // set when Failed
};

} // namespace mm
