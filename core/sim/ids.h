// SPDX-License-Identifier: GPL-3.0-or-later
// Identifier formats the vendor and Svix use (ULID-like evt_/mig_/usr_ ids, base62 msg_ ids,
// UUIDv4 company ids), drawn from a caller-owned generator so runs are reproducible.
#pragma once

#include <QByteArray>

class QRandomGenerator;

namespace mm::sim {

// 26 characters of Crockford base32: 10 for the millisecond time, 16 random.
QByteArray ulid(qint64 msecsSinceEpoch, QRandomGenerator &rng);

// `count` random characters from [0-9A-Za-z].
QByteArray base62(int count, QRandomGenerator &rng);

// A random (version 4) UUID in lower-case 8-4-4-4-12 form.
QByteArray uuid4(QRandomGenerator &rng);

// "msg_" + a KSUID (27 base62 characters), the shape of a Svix message id.
// A KSUID: 27 base62 characters that sort by creation time.
QByteArray ksuid(qint64 secsSinceEpoch, QRandomGenerator &rng);
QByteArray svixMessageId(QRandomGenerator &rng, qint64 secsSinceEpoch);

} // namespace mm::sim
