// SPDX-License-Identifier: GPL-3.0-or-later
// Everything that shapes a simulator run, shared by migration-monitor-sim, --demo mode,
// benchmarks and crash tests; plus Svix's retry schedule.
#pragma once

#include "verify/signingsecret.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

namespace mm::sim {

// Real-time pacing (the app's --demo): a few migrations start a minute, several run at once,
// and each unfolds over minutes of wall-clock time with events dated when they are sent, so
// durations on a board are real. Off by default; without it a lifecycle takes milliseconds.
struct PacingOptions
{
    bool enabled = false;
    double timeScale = 1.0; // multiplies every duration below; tests turn minutes into milliseconds
    double startGapMinS = 10.0; // from one migration's start to the next
    double startGapMaxS = 25.0;
    double startDelayMinS = 3.0; // migration.created → migration.started (at most a third of the span)
    double startDelayMaxS = 15.0;
    double spanMinS = 40.0; // record created → terminal event
    double spanMaxS = 180.0;
    // The first lifecycles come closer together, run shorter and end one of each way, so a first
    // look sees live, completed and failed migrations within a minute.
    int warmup = 3;
    double warmupGapMinS = 5.0;
    double warmupGapMaxS = 12.0;
    double warmupSpanMinS = 20.0;
    double warmupSpanMaxS = 45.0;
    double failureRatio = 0.2; // after the warm-up: share ending in migration.failed
    double taskFailureRatio = 0.35; // after the warm-up: share with migration_task.failed events
    int maxTaskFailures = 3;
    double holdBack = 0.15; // with outOfOrder: share of events sent just after their successor

    // An empty string when the pacing can run; otherwise one sentence saying what is wrong.
    QString validate() const;
};

struct SimOptions
{
    QUrl target; // http:// or https:// endpoint the deliveries are POSTed to
    QList<SigningSecret> secrets; // deliveries are signed with the first
    // A secret rotation in progress: every delivery is also signed with this (the new secret),
    // both v1 entries space-separated in one svix-signature header, as Svix does for 24 hours.
    std::optional<SigningSecret> rotateSecret;
    double unbranded = 0.0; // share of messages sent with webhook-* headers instead of svix-*
    int migrations = 10; // lifecycles to generate (ignored when events > 0 or continuous)
    int events = 0; // when > 0: generate migrations until this many deliveries
    double rate = 0.0; // attempts per second; 0 = as fast as the connections allow
    int concurrency = 4; // connections, one request in flight on each
    bool outOfOrder = false; // shuffle deliveries within a sliding window of reorderWindow
    int reorderWindow = 16;
    double duplicates = 0.0; // share of messages sent a second time, same svix-id and body
    double wrongSecret = 0.0; // share signed with a secret the receiver does not know
    double tamper = 0.0; // share whose body is changed after signing
    double seedQuirk = 0.0; // share with the vendor's unquoted top-level "created"
    double retryScale = 1.0; // multiplies every retry delay (0.001 turns hours into seconds)
    double retryJitter = 0.2; // each scheduled delay is drawn within ± this share of it (Svix: 20 %)
    int maxAttempts = 8; // Svix makes 8
    quint64 seed = 0;
    QString ackLog; // when set, each acknowledged svix-id is appended here and flushed at once
    bool insecure = false; // https: accept any certificate
    int pings = 0; // svix.ping deliveries mixed in, on top of the lifecycle events
    bool continuous = false; // demo mode: new migrations forever, paced by rate
    PacingOptions pacing; // real-time lifecycles; `migrations` of them unless continuous
    int requestTimeoutMs = 15'000; // Svix waits about 15 s for an answer
    // Seconds since the epoch for svix-timestamp; injectable so tests can prove re-signing.
    std::function<qint64()> signingClock;
    // When set, events are dated from this fixed time (µs since the epoch) rather than the
    // wall clock, so the same seed generates byte-identical events in every run.
    qint64 epochUs = 0;

    // An empty string when the options can run; otherwise one sentence saying what is wrong.
    QString validate() const;
};

// Delay before attempt `attempt` (2-based; attempt 1 is immediate), in milliseconds, unscaled.
// Svix: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; later attempts repeat the last.
qint64 svixRetryDelayMs(int attempt);

// How the previous attempt ended, as far as the wait before the next one goes.
struct AttemptEnd
{
    int status = 0; // HTTP status; 0 when no answer came
    bool timedOut = false; // no answer within the request timeout
    qint64 retryAfterSeconds = -1; // the answer's Retry-After, -1 when absent or unreadable
};

// The wait before attempt `attempt` (2-based) after `previous`, in milliseconds, unscaled, as Svix
// waits: the schedule's delay with ±jitter (`unit`, uniform in [0, 1), picks where: 0 is the
// shortest), then at least 60 s after a timeout or a 429, and at least Retry-After (at most the
// schedule's longest delay) on a 429 or 503.
qint64 svixRetryWaitMs(int attempt, const AttemptEnd &previous, double jitter, double unit);

} // namespace mm::sim
