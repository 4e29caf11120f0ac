// SPDX-License-Identifier: GPL-3.0-or-later
// "Copy as curl": a shell command that re-sends a stored delivery, signed afresh so the
// receiver's 5-minute tolerance accepts it. The command holds a signature, never a secret.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace mm {

class SigningSecret;

struct CurlRequest
{
    QUrl target;
    QByteArray msgId;
    QByteArray body;
    qint64 timestamp = 0; // Unix seconds, normally now
    const SigningSecret *secret = nullptr; // nullptr: no signature headers
};

// Single-quoted for POSIX shells. A body that is not printable UTF-8 is sent through
// base64 -d so every byte survives the clipboard.
QString curlCommand(const CurlRequest &request);

// Quotes one argument for a POSIX shell.
QString shellQuote(const QString &text);

} // namespace mm
