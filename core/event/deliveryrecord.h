// SPDX-License-Identifier: GPL-3.0-or-later
// A delivery's columns read from its body: the envelope's fields (parseEnvelope, the
// tolerant parse) laid out as the store keeps them.
#pragma once

#include "store/records.h"

#include <QByteArray>

namespace mm {

// A delivery's columns as the receiver fills them from its body (the tolerant parse).
// The body itself is kept; msgId, receivedUs and the other transport columns are left empty.
DeliveryRecord deliveryRecordFromBody(const QByteArray &body);

} // namespace mm
