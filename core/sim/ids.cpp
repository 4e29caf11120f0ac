// SPDX-License-Identifier: GPL-3.0-or-later
#include "ids.h"

#include <QRandomGenerator>

namespace mm::sim {

namespace {
constexpr char Crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char Base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr char Hex[] = "0123456789abcdef";
} // namespace

QByteArray ulid(qint64 msecsSinceEpoch, QRandomGenerator &rng)
{
    QByteArray out(26, Qt::Uninitialized);
    char *p = out.data();
    // The time part is big-endian base32 over 50 bits, as in the ULID spec (48 bits used).
    quint64 t = quint64(msecsSinceEpoch) & ((quint64(1) << 48) - 1);
    for (int i = 9; i >= 0; --i) {
        p[i] = Crockford[t & 31];
        t >>= 5;
    }
    // 80 random bits: twelve characters from one 64-bit draw, four from a second.
    quint64 r = rng.generate64();
    for (int i = 10; i < 26; ++i) {
        if (i == 22)
            r = rng.generate64();
        p[i] = Crockford[r & 31];
        r >>= 5;
    }
    return out;
}

QByteArray base62(int count, QRandomGenerator &rng)
{
    QByteArray out(count, Qt::Uninitialized);
    for (char &c : out)
        c = Base62[rng.bounded(62)];
    return out;
}

QByteArray uuid4(QRandomGenerator &rng)
{
    quint8 bytes[16];
    for (int i = 0; i < 16; i += 4) {
        const quint32 v = rng.generate();
        bytes[i] = quint8(v);
        bytes[i + 1] = quint8(v >> 8);
        bytes[i + 2] = quint8(v >> 16);
        bytes[i + 3] = quint8(v >> 24);
    }
    bytes[6] = quint8((bytes[6] & 0x0f) | 0x40); // version 4
    bytes[8] = quint8((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
    QByteArray out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out.append('-');
        out.append(Hex[bytes[i] >> 4]);
        out.append(Hex[bytes[i] & 15]);
    }
    return out;
}

} // namespace mm::sim
