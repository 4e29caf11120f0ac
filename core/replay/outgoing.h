// SPDX-License-Identifier: GPL-3.0-or-later
// A stored delivery on its way out again (replay, forwarding), and the headers it is sent
// with: as received, or signed afresh with a secret and a new timestamp (and maybe a new id).
#pragma once

#include "verify/signingsecret.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <optional>

namespace mm {

struct OutgoingDelivery
{
    qint64 rowId = 0; // deliveries.id; 0 for an edited body that is not stored
    QByteArray msgId; // as received
    QByteArray body;
    qint64 timestampHeader = 0; // as received
    QByteArray signature; // as received; empty when the store predates schema 3
    QString type;
    QString migrationId;
};

struct SigningChoice
{
    // nullopt: send the headers as received. Otherwise sign afresh with this secret.
    std::optional<SigningSecret> secret;
    bool newIds = false; // mint a new svix-id (only with a secret: the old signature covers the old id)
};

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The headers for one send. nowSeconds is the fresh timestamp; *sentMsgId receives the id
// used. Returns nullopt and an error when "as received" is asked of a delivery without its
// original signature.
std::optional<HeaderList> outgoingHeaders(const OutgoingDelivery &delivery, const SigningChoice &choice,
                                          qint64 nowSeconds, QByteArray *sentMsgId, QString *error);

// "msg_" and a KSUID for now: the shape of a Svix message id, unique per call.
QByteArray mintMessageId();

// The user agent every outgoing request carries.
QByteArray outgoingUserAgent();

} // namespace mm
