// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a refused delivery into a sentence a person can act on: which secret is probably
// wrong, how far the clock is off, which header is missing.
#pragma once

#include "store/records.h"

#include <QStringList>

namespace mm {

// secretHints: the last four characters of each configured secret, in order. They are
// for the local user only; the sender's 401 answer never names a secret.
QString diagnoseRejection(const RejectionRecord &rejection, const QStringList &secretHints);

} // namespace mm
