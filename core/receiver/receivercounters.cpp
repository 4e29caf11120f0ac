// SPDX-License-Identifier: GPL-3.0-or-later
#include "receivercounters.h"

namespace mm {

QLatin1String rejectReasonCode(RejectReason reason)
{
    switch (reason) {
    case RejectReason::MethodNotAllowed:
        return QLatin1String("method_not_allowed");
    case RejectReason::MissingHeaders:
        return QLatin1String("missing_headers");
    case RejectReason::InvalidHeaders:
        return QLatin1String("invalid_headers");
    case RejectReason::TimestampTooOld:
        return QLatin1String("timestamp_too_old");
    case RejectReason::TimestampTooNew:
        return QLatin1String("timestamp_too_new");
    case RejectReason::NoMatchingSignature:
        return QLatin1String("no_matching_signature");
    case RejectReason::NoSecretConfigured:
        return QLatin1String("no_secret_configured");
    case RejectReason::StoreFailed:
        return QLatin1String("store_failed");
    case RejectReason::StoreFull:
        return QLatin1String("store_full");
    case RejectReason::BadRequest:
        return QLatin1String("bad_request");
    case RejectReason::RequestTimeout:
        return QLatin1String("request_timeout");
    case RejectReason::BodyTooLarge:
        return QLatin1String("body_too_large");
    case RejectReason::ExpectationFailed:
        return QLatin1String("expectation_failed");
    case RejectReason::HeadersTooLarge:
        return QLatin1String("headers_too_large");
    case RejectReason::NotImplemented:
        return QLatin1String("not_implemented");
    case RejectReason::VersionNotSupported:
        return QLatin1String("http_version_not_supported");
    case RejectReason::TooManyConnections:
        return QLatin1String("too_many_connections");
    case RejectReason::Other:
    case RejectReason::Count:
        break;
    }
    return QLatin1String("other");
}

RejectReason rejectReasonOf(VerifyOutcome outcome)
{
    switch (outcome) {
    case VerifyOutcome::MissingHeaders:
        return RejectReason::MissingHeaders;
    case VerifyOutcome::InvalidHeaders:
        return RejectReason::InvalidHeaders;
    case VerifyOutcome::TimestampTooOld:
        return RejectReason::TimestampTooOld;
    case VerifyOutcome::TimestampTooNew:
        return RejectReason::TimestampTooNew;
    case VerifyOutcome::NoMatchingSignature:
        return RejectReason::NoMatchingSignature;
    case VerifyOutcome::NoSecretConfigured:
        return RejectReason::NoSecretConfigured;
    case VerifyOutcome::Accepted:
        break;
    }
    return RejectReason::Other;
}

RejectReason guardRejectReason(int status)
{
    switch (status) {
    case 400:
        return RejectReason::BadRequest;
    case 408:
        return RejectReason::RequestTimeout;
    case 413:
        return RejectReason::BodyTooLarge;
    case 417:
        return RejectReason::ExpectationFailed;
    case 431:
        return RejectReason::HeadersTooLarge;
    case 501:
        return RejectReason::NotImplemented;
    case 505:
        return RejectReason::VersionNotSupported;
    case 503:
        return RejectReason::TooManyConnections;
    default:
        return RejectReason::Other;
    }
}

ReceiverCounters::Values ReceiverCounters::values() const
{
    Values v;
    v.accepted = accepted.load(std::memory_order_relaxed);
    v.duplicate = duplicate.load(std::memory_order_relaxed);
    for (size_t i = 0; i < rejected.size(); ++i)
        v.rejected[i] = rejected[i].load(std::memory_order_relaxed);
    v.inFlight = inFlight.load(std::memory_order_relaxed);
    v.listening = listening.load(std::memory_order_relaxed);
    return v;
}

} // namespace mm
