// SPDX-License-Identifier: GPL-3.0-or-later
// A stored delivery on its way out again (replay, forwarding), and the headers it is sent
// with: as received, or signed afresh with a secret and a new timestamp (and maybe a new id),
// under the header names (svix-* or webhook-*) it came with.
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
    // Which signature headers came as webhook-* (WebhookHeaders::Unbranded bits, from the kept
    // header lines: headerFamilyOf); 0 sends svix-* throughout.
    quint8 unbranded = 0;
    int secretIndex = -1; // the endpoint secret that verified it, in the receiver's order then
};

struct SigningChoice
{
    // nullopt: send the headers as received. Otherwise sign afresh with this secret.
    std::optional<SigningSecret> secret;
    bool newIds = false; // mint a new svix-id (only with a secret: the old signature covers the old id)
};

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// Who sends: the user agent says so.
enum class Sender : quint8 { Replay, Forward };

// The id a delivery goes out with: its own, or a new one with newIds. Called once per delivery,
// never per try: a target that processed a try which then timed out must see the retry's id
// again to skip it, which is what ids are for.
QByteArray outgoingMsgId(const OutgoingDelivery &delivery, const SigningChoice &choice);

// The headers for one try of a delivery sent with msgId (outgoingMsgId's). nowSeconds is the
// fresh timestamp. Returns nullopt and an error when "as received" is asked of a delivery
// without its original signature.
std::optional<HeaderList> outgoingHeaders(const OutgoingDelivery &delivery, const SigningChoice &choice,
                                          const QByteArray &msgId, qint64 nowSeconds, QString *error,
                                          Sender sender = Sender::Replay);

// The headers for a try signed afresh at nowSeconds with each of `secrets` (one v1 entry each,
// space-separated, as Svix signs during a secret rotation), keeping the delivery's own id.
HeaderList resignedHeaders(const OutgoingDelivery &delivery, const QList<SigningSecret> &secrets,
                           qint64 nowSeconds, Sender sender);

// Those of `secrets` whose signature of the delivery's original id, timestamp and body is one of
// the v1 entries it came with: the endpoint secrets that verified it (or, during a rotation,
// could have). secretIndex is tried first. Empty when the original signature was not stored or
// none of them matches (the secret was removed since).
QList<SigningSecret> verifyingSecrets(const OutgoingDelivery &delivery, const QList<SigningSecret> &secrets);

// The Unbranded bits of a delivery from its kept header lines ("name: value\n", names as
// received; deliveries.headers): a header counts as webhook-* when that name came and the
// svix-* one did not, as the verifier chose. 0 for an empty text (imports, schema 1).
quint8 headerFamilyOf(QByteArrayView keptHeaderLines);

// "msg_" and a KSUID for now: the shape of a Svix message id, unique per call.
QByteArray mintMessageId();

// The user agent an outgoing request carries: "Migration-Monitor-Replay/<version>" or
// "Migration-Monitor-Forward/<version>".
QByteArray outgoingUserAgent(Sender sender = Sender::Replay);

} // namespace mm
