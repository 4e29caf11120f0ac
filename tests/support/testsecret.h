// SPDX-License-Identifier: GPL-3.0-or-later
// The signing secrets the tests sign and verify with, in one place. Both are the example keys
// of Svix's documentation, so nothing here is a secret.
#pragma once

#include <QString>

namespace mm::test {

// The endpoint's secret: what senders sign with and what the receiver is given.
inline const QString TestSecretText = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
// A second, different secret: a wrong one, or a downstream server's own.
inline const QString OtherTestSecretText = QStringLiteral("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");

} // namespace mm::test
