// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestbuilder.h"

#include <QRandomGenerator>
#include <QStringBuilder>

namespace mm::sim {

RequestBuilder::RequestBuilder(const QUrl &target, SigningSecret secret, std::function<qint64()> clock,
                               QRandomGenerator &rng)
    : m_secret(std::move(secret))
    , m_clock(std::move(clock))
{
    QByteArray path = target.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = QByteArrayLiteral("/");
    if (target.hasQuery())
        path += '?' + target.query(QUrl::FullyEncoded).toLatin1();
    // Lower-case names, as Svix's sender writes them.
    m_head = QByteArrayLiteral("POST ") + path + QByteArrayLiteral(" HTTP/1.1\r\nhost: ")
        + target.authority(QUrl::RemoveUserInfo | QUrl::FullyEncoded).toLatin1()
        + QByteArrayLiteral("\r\ncontent-type: application/json\r\nuser-agent: ") + UserAgent.toByteArray()
        + QByteArrayLiteral("\r\naccept: */*\r\n");

    for (int i = 0; i < WrongSecretCount; ++i) {
        QByteArray key(32, Qt::Uninitialized);
        for (char &c : key)
            c = char(rng.bounded(256));
        m_wrongSecrets.append(*SigningSecret::parse(QString::fromLatin1("whsec_" + key.toBase64())));
    }
}

QByteArrayView RequestBuilder::timestamp()
{
    const qint64 now = m_clock();
    if (now != m_tsSeconds) {
        m_tsSeconds = now;
        m_tsText = QByteArray::number(now);
    }
    return m_tsText;
}

QByteArray RequestBuilder::tampered(const QByteArray &body)
{
    // Changing the event id keeps the JSON valid, so a receiver rejects it for the signature
    // and not for a parse error.
    QByteArray out = body;
    qsizetype at = out.indexOf("\"evt_");
    at = at >= 0 ? at + 8 : out.size() / 2;
    if (at < out.size())
        out[at] = out.at(at) == '0' ? '1' : '0';
    return out;
}

QByteArray RequestBuilder::build(const QByteArray &msgId, const QByteArray &body, Fault fault, int wrongKey)
{
    // Signed afresh on every attempt, as Svix does: same svix-id, new timestamp.
    const QByteArrayView ts = timestamp();
    const SigningSecret &secret = fault == Fault::WrongSecret
        ? m_wrongSecrets.at(qBound(0, wrongKey, WrongSecretCount - 1))
        : m_secret;
    const QByteArray signature = secret.signature(msgId, ts, body);
    const QByteArray sent = fault == Fault::Tamper ? tampered(body) : body;

    QByteArray request;
    request.reserve(m_head.size() + 200 + sent.size());
    request.append(m_head);
    request.append("svix-id: ").append(msgId);
    request.append("\r\nsvix-timestamp: ").append(ts);
    request.append("\r\nsvix-signature: ").append(signature);
    request.append("\r\ncontent-length: ").append(QByteArray::number(sent.size()));
    request.append("\r\n\r\n").append(sent);
    return request;
}

} // namespace mm::sim
