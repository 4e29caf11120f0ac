// SPDX-License-Identifier: GPL-3.0-or-later
#include "verifier.h"

#include <QDateTime>
#include <charconv>

namespace mm {

namespace {
constexpr qsizetype MaxIdLength = 256;

bool parseTimestamp(QByteArrayView text, qint64 *out)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    const auto res = std::from_chars(text.data(), text.data() + text.size(), *out);
    return res.ec == std::errc() && res.ptr == text.data() + text.size();
}
} // namespace

QString outcomeCode(VerifyOutcome outcome)
{
    switch (outcome) {
    case VerifyOutcome::Accepted:
        return QStringLiteral("accepted");
    case VerifyOutcome::MissingHeaders:
        return QStringLiteral("missing_headers");
    case VerifyOutcome::InvalidHeaders:
        return QStringLiteral("invalid_headers");
    case VerifyOutcome::TimestampTooOld:
        return QStringLiteral("timestamp_too_old");
    case VerifyOutcome::TimestampTooNew:
        return QStringLiteral("timestamp_too_new");
    case VerifyOutcome::NoMatchingSignature:
        return QStringLiteral("no_matching_signature");
    case VerifyOutcome::NoSecretConfigured:
        return QStringLiteral("no_secret_configured");
    }
    return QStringLiteral("unknown");
}

WebhookHeaders WebhookHeaders::fromLookup(const HeaderLookup &lookup)
{
    WebhookHeaders h;
    // The branded name first; the unbranded one only when it is absent (no extra lookups, and
    // no allocation, for a sender that uses svix-* throughout).
    auto take = [&](QByteArray *into, QByteArrayView branded, QByteArrayView unbranded, Unbranded bit) {
        *into = lookup(branded);
        if (into->isEmpty()) {
            *into = lookup(unbranded);
            if (!into->isEmpty())
                h.unbranded |= bit;
        }
    };
    take(&h.id, "svix-id", "webhook-id", IdUnbranded);
    take(&h.timestamp, "svix-timestamp", "webhook-timestamp", TimestampUnbranded);
    take(&h.signature, "svix-signature", "webhook-signature", SignatureUnbranded);
    return h;
}

QByteArray WebhookHeaders::name(quint8 unbrandedBits, Unbranded which)
{
    const bool unbranded = (unbrandedBits & which) != 0;
    switch (which) {
    case IdUnbranded:
        return unbranded ? QByteArrayLiteral("webhook-id") : QByteArrayLiteral("svix-id");
    case TimestampUnbranded:
        return unbranded ? QByteArrayLiteral("webhook-timestamp") : QByteArrayLiteral("svix-timestamp");
    case SignatureUnbranded:
    case AllUnbranded:
        break;
    }
    return unbranded ? QByteArrayLiteral("webhook-signature") : QByteArrayLiteral("svix-signature");
}

Verifier::Verifier(QList<SigningSecret> secrets, std::chrono::seconds tolerance, Clock clock)
    : m_secrets(std::move(secrets))
    , m_tolerance(tolerance)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentSecsSinceEpoch(); }))
{
}

Verdict Verifier::verify(const WebhookHeaders &headers, QByteArrayView body) const
{
    Verdict v;
    if (headers.id.isEmpty() || headers.timestamp.isEmpty() || headers.signature.isEmpty()) {
        // Missing headers are named in the family of those that came: webhook-* when every one
        // present was unbranded, else svix-* (also when none came).
        const QByteArray *const sent[] = {&headers.id, &headers.timestamp, &headers.signature};
        const char *const names[] = {"id", "timestamp", "signature"};
        bool anyBranded = false;
        for (int i = 0; i < 3; ++i)
            anyBranded = anyBranded || (!sent[i]->isEmpty() && !(headers.unbranded & (1 << i)));
        const QByteArray prefix = headers.unbranded && !anyBranded ? "webhook-" : "svix-";
        for (int i = 0; i < 3; ++i) {
            if (!sent[i]->isEmpty())
                continue;
            if (!v.missing.isEmpty())
                v.missing += ", ";
            v.missing += prefix + names[i];
        }
        v.outcome = VerifyOutcome::MissingHeaders;
        return v;
    }
    if (headers.id.size() > MaxIdLength || !parseTimestamp(headers.timestamp, &v.timestamp)) {
        v.outcome = VerifyOutcome::InvalidHeaders;
        return v;
    }
    const qint64 now = m_clock();
    v.skewSeconds = v.timestamp - now;
    if (v.skewSeconds < -m_tolerance.count()) {
        v.outcome = VerifyOutcome::TimestampTooOld;
        return v;
    }
    if (v.skewSeconds > m_tolerance.count()) {
        v.outcome = VerifyOutcome::TimestampTooNew;
        return v;
    }
    if (m_secrets.isEmpty()) {
        v.outcome = VerifyOutcome::NoSecretConfigured;
        return v;
    }

    // Each secret's expected value is computed once, then compared with every v1 entry.
    v.outcome = VerifyOutcome::NoMatchingSignature;
    const QByteArrayView sigHeader(headers.signature);
    for (int i = 0; i < m_secrets.size(); ++i) {
        const HmacSha256::Digest digest = m_secrets[i].mac(headers.id, headers.timestamp, body);
        const QByteArray expected
            = QByteArray::fromRawData(reinterpret_cast<const char *>(digest.data()), digest.size())
                  .toBase64();

        bool matched = false;
        qsizetype pos = 0;
        while (pos < sigHeader.size()) {
            qsizetype end = sigHeader.indexOf(' ', pos);
            if (end < 0)
                end = sigHeader.size();
            const QByteArrayView token = sigHeader.sliced(pos, end - pos);
            pos = end + 1;
            if (!token.startsWith("v1,"))
                continue;
            // No early exit: every entry is compared, so timing does not reveal which matched.
            matched = constantTimeEquals(token.sliced(3), expected) || matched;
        }
        if (matched) {
            v.outcome = VerifyOutcome::Accepted;
            v.secretIndex = i;
            return v;
        }
    }
    return v;
}

QString Verifier::describe(const Verdict &verdict, std::chrono::seconds tolerance)
{
    const qint64 skew = verdict.skewSeconds;
    switch (verdict.outcome) {
    case VerifyOutcome::Accepted:
        return QStringLiteral("Signature verified.");
    case VerifyOutcome::MissingHeaders:
        return QStringLiteral("Missing required header(s) %1: is this sender Svix?")
            .arg(QString::fromLatin1(verdict.missing));
    case VerifyOutcome::InvalidHeaders:
        return QStringLiteral(
            "Invalid signature headers: the id is too long or the timestamp is not a Unix time in seconds.");
    case VerifyOutcome::TimestampTooOld:
        return QStringLiteral("Timestamp %1 s old, beyond the %2 s tolerance: check this computer's clock, "
                              "or the delivery is a stale replay.")
            .arg(-skew)
            .arg(tolerance.count());
    case VerifyOutcome::TimestampTooNew:
        return QStringLiteral(
                   "Timestamp %1 s in the future, beyond the %2 s tolerance: check this computer's clock.")
            .arg(skew)
            .arg(tolerance.count());
    case VerifyOutcome::NoMatchingSignature:
        return QStringLiteral(
            "No matching signature: the configured secret is probably not this endpoint's.");
    case VerifyOutcome::NoSecretConfigured:
        return QStringLiteral("No signing secret is configured, so no delivery can be verified.");
    }
    return QStringLiteral("Unknown verification result.");
}

} // namespace mm
