// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageid.h"

#include <QRandomGenerator>
#include <QStringBuilder>
#include <algorithm>

namespace mm {

namespace {
constexpr char Base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
} // namespace

QByteArray ksuid(qint64 secsSinceEpoch, QRandomGenerator &rng)
{
    // 20 bytes: a big-endian timestamp (seconds since the KSUID epoch, 2014-05-13) then 128
    // random bits, written as 27 base62 digits. Like Svix's message ids, they sort by time.
    constexpr qint64 KsuidEpoch = 1400000000;
    quint32 words[5];
    words[0] = quint32(std::max<qint64>(0, secsSinceEpoch - KsuidEpoch));
    for (int i = 1; i < 5; ++i)
        words[i] = rng.generate();
    QByteArray out(27, '0');
    for (int pos = 26; pos >= 0; --pos) {
        // Long division of the 160-bit number by 62.
        quint64 remainder = 0;
        for (quint32 &w : words) {
            const quint64 acc = (remainder << 32) | w;
            w = quint32(acc / 62);
            remainder = acc % 62;
        }
        out[pos] = Base62[remainder];
    }
    return out;
}

QByteArray svixMessageId(QRandomGenerator &rng, qint64 secsSinceEpoch)
{
    return QByteArrayLiteral("msg_") + ksuid(secsSinceEpoch, rng);
}

} // namespace mm
