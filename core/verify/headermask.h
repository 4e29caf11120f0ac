// SPDX-License-Identifier: GPL-3.0-or-later
// Which request headers carry secrets or signatures, and how their values are masked
// wherever headers are kept or shown (the store, the views, exports).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mm {

bool isSignatureHeader(QByteArrayView name); // svix-signature, webhook-signature
bool isCredentialHeader(QByteArrayView name); // authorization, cookie, proxy-authorization
// A signature header keeps its shape ("v1,[masked] v1a,[masked]") and no signature value;
// a credential becomes "[masked]"; any other value is returned as it is. Idempotent.
QByteArray maskedHeaderValue(QByteArrayView name, QByteArrayView value);

} // namespace mm
