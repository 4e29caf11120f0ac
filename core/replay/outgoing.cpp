// SPDX-License-Identifier: GPL-3.0-or-later
#include "outgoing.h"

#include "event/messageid.h"
#include "verify/verifier.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace mm {

namespace {
HeaderList baseHeaders(Sender sender)
{
    // Svix sends accept: */* too; a target that checks for it sees what it would from Svix.
    return {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")},
            {QByteArrayLiteral("accept"), QByteArrayLiteral("*/*")},
            {QByteArrayLiteral("user-agent"), outgoingUserAgent(sender)}};
}

void appendSignatureHeaders(HeaderList &headers, quint8 unbranded, const QByteArray &id, const QByteArray &ts,
                            const QByteArray &signature)
{
    headers.append({WebhookHeaders::name(unbranded, WebhookHeaders::IdUnbranded), id});
    headers.append({WebhookHeaders::name(unbranded, WebhookHeaders::TimestampUnbranded), ts});
    headers.append({WebhookHeaders::name(unbranded, WebhookHeaders::SignatureUnbranded), signature});
}

bool hasEntry(QByteArrayView header, QByteArrayView entry)
{
    qsizetype pos = 0;
    while (pos < header.size()) {
        qsizetype end = header.indexOf(' ', pos);
        if (end < 0)
            end = header.size();
        if (header.sliced(pos, end - pos) == entry)
            return true;
        pos = end + 1;
    }
    return false;
}
} // namespace

QByteArray mintMessageId()
{
    return svixMessageId(*QRandomGenerator::system(), QDateTime::currentSecsSinceEpoch());
}

QByteArray outgoingUserAgent(Sender sender)
{
    return sender == Sender::Forward ? QByteArrayLiteral("Migration-Monitor-Forward/" MM_VERSION)
                                     : QByteArrayLiteral("Migration-Monitor-Replay/" MM_VERSION);
}

QByteArray outgoingMsgId(const OutgoingDelivery &d, const SigningChoice &choice)
{
    return choice.secret && choice.newIds ? mintMessageId() : d.msgId;
}

std::optional<HeaderList> outgoingHeaders(const OutgoingDelivery &d, const SigningChoice &choice,
                                          const QByteArray &msgId, qint64 nowSeconds, QString *error,
                                          Sender sender)
{
    HeaderList headers = baseHeaders(sender);
    if (!choice.secret) {
        if (d.signature.isEmpty()) {
            if (error)
                *error = QStringLiteral("%1 was stored without its signature header (by an earlier version); "
                                        "re-sign it instead")
                             .arg(QString::fromLatin1(d.msgId));
            return std::nullopt;
        }
        appendSignatureHeaders(headers, d.unbranded, d.msgId, QByteArray::number(d.timestampHeader),
                               d.signature);
        return headers;
    }
    const QByteArray ts = QByteArray::number(nowSeconds);
    appendSignatureHeaders(headers, d.unbranded, msgId, ts, choice.secret->signature(msgId, ts, d.body));
    return headers;
}

HeaderList resignedHeaders(const OutgoingDelivery &d, const QList<SigningSecret> &secrets, qint64 nowSeconds,
                           Sender sender)
{
    HeaderList headers = baseHeaders(sender);
    const QByteArray ts = QByteArray::number(nowSeconds);
    QByteArray signature;
    for (const SigningSecret &secret : secrets) {
        if (!signature.isEmpty())
            signature += ' ';
        signature += secret.signature(d.msgId, ts, d.body);
    }
    appendSignatureHeaders(headers, d.unbranded, d.msgId, ts, signature);
    return headers;
}

QList<SigningSecret> verifyingSecrets(const OutgoingDelivery &d, const QList<SigningSecret> &secrets)
{
    QList<SigningSecret> out;
    if (d.signature.isEmpty())
        return out;
    const QByteArray ts = QByteArray::number(d.timestampHeader);
    auto matches
        = [&](const SigningSecret &s) { return hasEntry(d.signature, s.signature(d.msgId, ts, d.body)); };
    const bool indexed = d.secretIndex >= 0 && d.secretIndex < secrets.size();
    if (indexed && matches(secrets.at(d.secretIndex)))
        out.append(secrets.at(d.secretIndex));
    for (int i = 0; i < secrets.size(); ++i) {
        if ((!indexed || i != d.secretIndex) && matches(secrets.at(i)))
            out.append(secrets.at(i));
    }
    return out;
}

quint8 headerFamilyOf(QByteArrayView lines)
{
    static constexpr struct
    {
        QByteArrayView branded;
        QByteArrayView unbranded;
        WebhookHeaders::Unbranded bit;
    } Names[] = {{"svix-id", "webhook-id", WebhookHeaders::IdUnbranded},
                 {"svix-timestamp", "webhook-timestamp", WebhookHeaders::TimestampUnbranded},
                 {"svix-signature", "webhook-signature", WebhookHeaders::SignatureUnbranded}};
    quint8 branded = 0;
    quint8 unbranded = 0;
    qsizetype pos = 0;
    while (pos < lines.size()) {
        qsizetype end = lines.indexOf('\n', pos);
        if (end < 0)
            end = lines.size();
        const QByteArrayView line = lines.sliced(pos, end - pos);
        pos = end + 1;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        for (const auto &n : Names) {
            if (name.compare(n.branded, Qt::CaseInsensitive) == 0)
                branded |= n.bit;
            else if (name.compare(n.unbranded, Qt::CaseInsensitive) == 0)
                unbranded |= n.bit;
        }
    }
    return quint8(unbranded & ~branded);
}

} // namespace mm
