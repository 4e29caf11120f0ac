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
    // One bit per header: which of the three came with its unbranded webhook-* name.
    enum Unbranded : quint8 {
        IdUnbranded = 1,
        TimestampUnbranded = 2,
        SignatureUnbranded = 4,
        AllUnbranded = 7
    };

    QByteArray id;
    QByteArray timestamp;
    QByteArray signature;
    quint8 unbranded = 0; // Unbranded bits; 0: every header present came as svix-*

    // Header by header, as Svix's JavaScript, Python and Rust libraries read them: svix-* when
    // present, else webhook-*. So svix-id with webhook-timestamp and webhook-signature verifies.
    static WebhookHeaders fromLookup(const HeaderLookup &lookup);

    // The name a header goes out with for the given Unbranded bits: "svix-id" or "webhook-id".
    // `which` is one bit; `unbrandedBits` what fromLookup found (or headerFamilyOf derived).
    static QByteArray name(quint8 unbrandedBits, Unbranded which);
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
