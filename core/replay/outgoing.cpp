// SPDX-License-Identifier: GPL-3.0-or-later
#include "outgoing.h"

#include "event/messageid.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace mm {

QByteArray mintMessageId()
{
    return svixMessageId(*QRandomGenerator::system(), QDateTime::currentSecsSinceEpoch());
}

QByteArray outgoingUserAgent()
{
    return QByteArrayLiteral("migration-monitor/" MM_VERSION " (replay)");
}

std::optional<HeaderList> outgoingHeaders(const OutgoingDelivery &d, const SigningChoice &choice,
                                          qint64 nowSeconds, QByteArray *sentMsgId, QString *error)
{
    HeaderList headers {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")},
                        {QByteArrayLiteral("user-agent"), outgoingUserAgent()}};
    if (!choice.secret) {
        if (d.signature.isEmpty()) {
            if (error)
                *error = QStringLiteral("%1 was stored without its signature header (by an earlier version); "
                                        "re-sign it instead")
                             .arg(QString::fromLatin1(d.msgId));
            return std::nullopt;
        }
        *sentMsgId = d.msgId;
        headers.append({QByteArrayLiteral("svix-id"), d.msgId});
        headers.append({QByteArrayLiteral("svix-timestamp"), QByteArray::number(d.timestampHeader)});
        headers.append({QByteArrayLiteral("svix-signature"), d.signature});
        return headers;
    }
    const QByteArray id = choice.newIds ? mintMessageId() : d.msgId;
    const QByteArray ts = QByteArray::number(nowSeconds);
    *sentMsgId = id;
    headers.append({QByteArrayLiteral("svix-id"), id});
    headers.append({QByteArrayLiteral("svix-timestamp"), ts});
    headers.append({QByteArrayLiteral("svix-signature"), choice.secret->signature(id, ts, d.body)});
    return headers;
}

} // namespace mm
