// SPDX-License-Identifier: GPL-3.0-or-later
// Verifies Svix / Standard Webhooks signatures: headers, timestamp tolerance and a
// constant-time comparison of every v1 signature against every configured secret.
#pragma once

#include "signingsecret.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <chrono>
#include <functional>

namespace mm {

enum class VerifyOutcome : quint8 {
    Accepted,
    MissingHeaders,
    InvalidHeaders,
    TimestampTooOld,
    TimestampTooNew,
    NoMatchingSignature,
    NoSecretConfigured,
};

// A stable short code for logs, the store and exports ("no_matching_signature").
QString outcomeCode(VerifyOutcome outcome);

// Looks a header up by its lower-case name; returns an empty array when absent.
using HeaderLookup = std::function<QByteArray(QByteArrayView lowerName)>;

struct WebhookHeaders
{
    QByteArray id;
    QByteArray timestamp;
    QByteArray signature;
    bool unbranded = false; // webhook-* rather than svix-*

    // Prefers svix-*, falls back to the unbranded webhook-* set.
    static WebhookHeaders fromLookup(const HeaderLookup &lookup);
};

struct Verdict
{
    VerifyOutcome outcome = VerifyOutcome::MissingHeaders;
    int secretIndex = -1; // which configured secret matched, when accepted
    qint64 timestamp = 0; // the timestamp header, when it parsed
    qint64 skewSeconds = 0; // timestamp minus local time
    QByteArray missing; // names of the missing headers, comma-separated

    bool accepted() const { return outcome == VerifyOutcome::Accepted; }
};

class Verifier final
{
public:
    using Clock = std::function<qint64()>; // seconds since the Unix epoch
    static constexpr std::chrono::seconds DefaultTolerance {300};

    explicit Verifier(QList<SigningSecret> secrets = {}, std::chrono::seconds tolerance = DefaultTolerance,
                      Clock clock = {});

    Verdict verify(const WebhookHeaders &headers, QByteArrayView body) const;
    Verdict verify(const HeaderLookup &lookup, QByteArrayView body) const
    {
        return verify(WebhookHeaders::fromLookup(lookup), body);
    }

    const QList<SigningSecret> &secrets() const { return m_secrets; }
    std::chrono::seconds tolerance() const { return m_tolerance; }

    // A sentence for people. It never contains a secret or a signature value.
    static QString describe(const Verdict &verdict, std::chrono::seconds tolerance = DefaultTolerance);

private:
    QList<SigningSecret> m_secrets;
    std::chrono::seconds m_tolerance;
    Clock m_clock;
};

} // namespace mm
