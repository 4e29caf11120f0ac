// SPDX-License-Identifier: GPL-3.0-or-later
// The text the inspector shows for one stored delivery, kept out of the widget so it can be
// tested alone: strict UTF-8 decoding, hex dumps, times, skew and the verification summary.
#pragma once

#include "store/records.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace mm::inspect {

// The body as text when it is valid UTF-8 without NUL bytes (a BOM is kept); nullopt
// otherwise, and it is shown as a hex dump instead.
std::optional<QString> decodeUtf8(const QByteArray &bytes);

// 16 bytes a line: offset, hex, and the printable ASCII. At most maxBytes are dumped
// (all of them when maxBytes < 0).
QString hexDump(QByteArrayView bytes, qsizetype maxBytes = -1);

// Local time with milliseconds, e.g. "2024-05-01 14:03:07.412".
QString localTimeUs(qint64 us);

// The svix-timestamp header (seconds) against the receipt: "+1.3 s" when it arrived
// after the stated time. Empty when there was no timestamp.
QString skewText(qint64 receivedUs, qint64 timestampHeader);

// "#2 (…k3Fz)" for secretIndex 1 (shown counting from one); "—" for none.
QString secretLabel(int secretIndex, const QStringList &hints);

// A header value as it may be shown: signature values masked even if the store kept them.
QByteArray displayedHeaderValue(QByteArrayView name, QByteArrayView value);

// "Signature verified with secret #2 (…k3Fz). Received 3 times; first at …, last at …."
QString verificationText(const DeliveryDetail &detail, const QStringList &hints);

} // namespace mm::inspect
