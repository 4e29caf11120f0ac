// SPDX-License-Identifier: GPL-3.0-or-later
#include "headermask.h"

#include <QList>

namespace mm {

bool isSignatureHeader(QByteArrayView name)
{
    return name.compare("svix-signature", Qt::CaseInsensitive) == 0
        || name.compare("webhook-signature", Qt::CaseInsensitive) == 0;
}

bool isCredentialHeader(QByteArrayView name)
{
    return name.compare("authorization", Qt::CaseInsensitive) == 0
        || name.compare("cookie", Qt::CaseInsensitive) == 0
        || name.compare("proxy-authorization", Qt::CaseInsensitive) == 0;
}

QByteArray maskedHeaderValue(QByteArrayView name, QByteArrayView value)
{
    if (isCredentialHeader(name))
        return QByteArrayLiteral("[masked]");
    if (!isSignatureHeader(name))
        return value.toByteArray();
    QByteArray out;
    for (const QByteArray &token : value.toByteArray().split(' ')) {
        if (token.isEmpty())
            continue;
        const qsizetype comma = token.indexOf(',');
        if (!out.isEmpty())
            out += ' ';
        out += comma >= 0 ? token.first(comma + 1) + "[masked]" : QByteArray("[masked]");
    }
    return out;
}

} // namespace mm
