// SPDX-License-Identifier: GPL-3.0-or-later
// The signing secrets the tests sign and verify with, in one place. Both are the example keys
// of Svix's documentation, so nothing here is a secret.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <sys/stat.h>

namespace mm::test {

// The endpoint's secret: what senders sign with and what the receiver is given.
inline const QString TestSecretText = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
// A second, different secret: a wrong one, or a downstream server's own.
inline const QString OtherTestSecretText = QStringLiteral("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");

// A secret in Svix's format made from key's bytes, for tests that need several distinct ones.
inline QString secretFor(const char *key)
{
    return QStringLiteral("whsec_") + QString::fromLatin1(QByteArray(key).toBase64());
}

// A file's permission bits (0600, say), or -1 when it cannot be read: secrets and stores are the
// owner's alone.
inline int modeOf(const QString &path)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

} // namespace mm::test
