// SPDX-License-Identifier: GPL-3.0-or-later
#include "requestbuilder.h"

#include <QRandomGenerator>
#include <QStringBuilder>

namespace mm::sim {

RequestBuilder::RequestBuilder(const QUrl &target, QList<SigningSecret> signers,
                               std::function<qint64()> clock, QRandomGenerator &rng)
    : m_signers(std::move(signers))
    , m_clock(std::move(clock))
{
    Q_ASSERT(!m_signers.isEmpty());
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

QByteArray RequestBuilder::build(const QByteArray &msgId, const QByteArray &body, Fault fault, int wrongKey,
                                 bool unbranded)
{
    // Signed afresh on every attempt, as Svix does: same svix-id, new timestamp.
    const QByteArrayView ts = timestamp();
    QByteArray signature;
    if (fault == Fault::WrongSecret) {
        signature = m_wrongSecrets.at(qBound(0, wrongKey, WrongSecretCount - 1)).signature(msgId, ts, body);
    } else {
        signature = m_signers.constFirst().signature(msgId, ts, body);
        for (qsizetype i = 1; i < m_signers.size(); ++i)
            signature.append(' ').append(m_signers.at(i).signature(msgId, ts, body));
    }
    const QByteArray sent = fault == Fault::Tamper ? tampered(body) : body;

    QByteArray request;
    request.reserve(m_head.size() + 200 + signature.size() + sent.size());
    request.append(m_head);
    request.append(unbranded ? "webhook-id: " : "svix-id: ").append(msgId);
    request.append(unbranded ? "\r\nwebhook-timestamp: " : "\r\nsvix-timestamp: ").append(ts);
    request.append(unbranded ? "\r\nwebhook-signature: " : "\r\nsvix-signature: ").append(signature);
    request.append("\r\ncontent-length: ").append(QByteArray::number(sent.size()));
    request.append("\r\n\r\n").append(sent);
    return request;
}

} // namespace mm::sim
