// SPDX-License-Identifier: GPL-3.0-or-later
// The shape of a Svix message id ("msg_" + a KSUID), minted by replay and forwarding when
// they sign afresh with new ids, and by the simulator for the deliveries it sends.
#pragma once

#include <QByteArray>

class QRandomGenerator;

namespace mm {

// A KSUID: 27 base62 characters that sort by creation time.
QByteArray ksuid(qint64 secsSinceEpoch, QRandomGenerator &rng);

// "msg_" + a KSUID (27 base62 characters), the shape of a Svix message id.
QByteArray svixMessageId(QRandomGenerator &rng, qint64 secsSinceEpoch);

} // namespace mm
