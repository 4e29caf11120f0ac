// SPDX-License-Identifier: GPL-3.0-or-later
// A parsed Svix endpoint secret ("whsec_" + base64 key). Parsed once; the key
// schedule is kept so signing and verifying never re-decode it.
#pragma once

#include "hmacsha256.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <optional>

namespace mm {

class SigningSecret final
{
public:
    // Accepts the secret with or without "whsec_", with padded or unpadded base64.
    // On failure returns nullopt and, when error is given, a sentence that does not
    // repeat the secret.
    static std::optional<SigningSecret> parse(QStringView text, QString *error = nullptr);

    // "…" and the last four characters, so people can tell secrets apart.
    QString hint() const { return m_hint; }

    // The "v1,<base64>" signature Svix sends for this content.
    QByteArray signature(QByteArrayView msgId, QByteArrayView timestamp, QByteArrayView body) const;
    HmacSha256::Digest mac(QByteArrayView msgId, QByteArrayView timestamp, QByteArrayView body) const;

private:
    SigningSecret(std::shared_ptr<const HmacSha256> hmac, QString hint);

    std::shared_ptr<const HmacSha256> m_hmac;
    QString m_hint;
};

// Splits a whitespace-separated list (as in MIGRATION_MONITOR_SECRETS) into secrets.
// Returns nullopt and an error naming the position of the first bad one.
std::optional<QList<SigningSecret>> parseSecretList(const QStringList &texts, QString *error = nullptr);

} // namespace mm
