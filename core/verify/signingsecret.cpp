// SPDX-License-Identifier: GPL-3.0-or-later
#include "signingsecret.h"

#include <QStringList>

namespace mm {

namespace {
constexpr QStringView Prefix = u"whsec_";

bool isBase64Char(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'+'
        || c == u'/';
}
} // namespace

SigningSecret::SigningSecret(std::shared_ptr<const HmacSha256> hmac, QString hint)
    : m_hmac(std::move(hmac))
    , m_hint(std::move(hint))
{
}

std::optional<SigningSecret> SigningSecret::parse(QStringView text, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<SigningSecret> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QStringView body = text.trimmed();
    if (body.startsWith(Prefix))
        body = body.mid(Prefix.size());
    // Strip padding ourselves so padded and unpadded forms are treated alike.
    while (body.endsWith(u'='))
        body.chop(1);
    if (body.isEmpty())
        return fail(QStringLiteral("The signing secret is empty."));
    for (QChar c : body) {
        if (!isBase64Char(c))
            return fail(QStringLiteral(
                "The signing secret is not valid base64 (expected whsec_ followed by base64)."));
    }
    if (body.size() % 4 == 1)
        return fail(QStringLiteral("The signing secret has an impossible base64 length."));
    const QByteArray key = QByteArray::fromBase64(body.toLatin1());
    if (key.isEmpty())
        return fail(QStringLiteral("The signing secret decodes to an empty key."));
    const QString hint = QStringLiteral("…") + body.right(4).toString();
    return SigningSecret(std::make_shared<const HmacSha256>(key), hint);
}

HmacSha256::Digest SigningSecret::mac(QByteArrayView msgId, QByteArrayView timestamp,
                                      QByteArrayView body) const
{
    return m_hmac->mac({msgId, QByteArrayView("."), timestamp, QByteArrayView("."), body});
}

QByteArray SigningSecret::signature(QByteArrayView msgId, QByteArrayView timestamp, QByteArrayView body) const
{
    const HmacSha256::Digest digest = mac(msgId, timestamp, body);
    return QByteArrayLiteral("v1,")
        + QByteArray::fromRawData(reinterpret_cast<const char *>(digest.data()), digest.size()).toBase64();
}

std::optional<QList<SigningSecret>> parseSecretList(const QStringList &texts, QString *error)
{
    QList<SigningSecret> secrets;
    int position = 0;
    for (const QString &text : texts) {
        ++position;
        QString why;
        auto secret = SigningSecret::parse(text, &why);
        if (!secret) {
            if (error)
                *error = QStringLiteral("Secret %1: %2").arg(position).arg(why);
            return std::nullopt;
        }
        secrets.append(*secret);
    }
    return secrets;
}

} // namespace mm
