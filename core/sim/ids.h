// SPDX-License-Identifier: GPL-3.0-or-later
// Identifier formats the vendor uses (ULID-like evt_/mig_/usr_ ids, base62 strings, UUIDv4
// company ids), drawn from a caller-owned generator so runs are reproducible. Svix message
// ids (msg_ + KSUID) are in core: event/messageid.h.
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

} // namespace mm::sim
