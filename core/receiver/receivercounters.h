// SPDX-License-Identifier: GPL-3.0-or-later
// What the webhook endpoint has done since the process started, for /metrics: deliveries
// accepted, duplicate and refused (by reason), the answers waiting for their commit, and whether
// it listens. Written on the receiver thread with relaxed atomic adds (no lock on the receiving
// path), read from any thread. Owned by ReceiverHost, so the counts outlive a re-bind.
#pragma once

#include "verify/verifier.h"

#include <QLatin1String>
#include <array>
#include <atomic>

namespace mm {

// Why a request on the webhook port was not answered 200. A closed set: each is one label value.
enum class RejectReason : quint8 {
    MethodNotAllowed, // 405
    MissingHeaders, // 401, one per verification outcome
    InvalidHeaders,
    TimestampTooOld,
    TimestampTooNew,
    NoMatchingSignature,
    NoSecretConfigured,
    StoreFailed, // 503: the store could not write the batch (or be reached)
    StoreFull, // 503: the store's disk is full
    BadRequest, // the guard's answers: 400
    RequestTimeout, // 408
    BodyTooLarge, // 413
    ExpectationFailed, // 417
    HeadersTooLarge, // 431
    NotImplemented, // 501
    VersionNotSupported, // 505
    TooManyConnections, // 503
    Other, // any other status the guard may answer
    Count
};

// The label value: "no_matching_signature", "body_too_large" ...
QLatin1String rejectReasonCode(RejectReason reason);
RejectReason rejectReasonOf(VerifyOutcome outcome);
// The guard's answer (GuardServer::guardRejected's status) as a reason.
RejectReason guardRejectReason(int status);

struct ReceiverCounters
{
    std::atomic<quint64> accepted {0};
    std::atomic<quint64> duplicate {0};
    std::array<std::atomic<quint64>, size_t(RejectReason::Count)> rejected {};
    std::atomic<qint64> inFlight {0}; // verified deliveries whose answer waits for the commit
    std::atomic<bool> listening {false};

    void reject(RejectReason reason) { rejected[size_t(reason)].fetch_add(1, std::memory_order_relaxed); }

    // The counts at one moment, as plain values.
    struct Values
    {
        quint64 accepted = 0;
        quint64 duplicate = 0;
        std::array<quint64, size_t(RejectReason::Count)> rejected {};
        qint64 inFlight = 0;
        bool listening = false;
    };
    Values values() const;
};

} // namespace mm
