// SPDX-License-Identifier: GPL-3.0-or-later
#include "simoptions.h"

#include <QSslSocket>
#include <array>

namespace mm::sim {

namespace {
bool isRatio(double v)
{
    return v >= 0.0 && v <= 1.0;
}
} // namespace

namespace {
constexpr std::array<qint64, 8> Schedule {
    0, 5'000, 300'000, 1'800'000, 7'200'000, 18'000'000, 36'000'000, 36'000'000,
};
constexpr qint64 AfterTimeoutMs = 60'000;
} // namespace

qint64 svixRetryDelayMs(int attempt)
{
    if (attempt <= 1)
        return 0;
    return Schedule[size_t(qMin(attempt, int(Schedule.size())) - 1)];
}

qint64 svixRetryWaitMs(int attempt, const AttemptEnd &previous, double jitter, double unit)
{
    const double scheduled = double(svixRetryDelayMs(attempt));
    qint64 wait = qint64(scheduled * (1.0 - jitter + 2.0 * jitter * qBound(0.0, unit, 1.0)));
    if (previous.timedOut || previous.status == 429)
        wait = qMax(wait, AfterTimeoutMs);
    if ((previous.status == 429 || previous.status == 503) && previous.retryAfterSeconds >= 0)
        wait = qMax(wait, qMin(previous.retryAfterSeconds * 1000, Schedule.back()));
    return wait;
}

QString PacingOptions::validate() const
{
    if (!enabled)
        return QString();
    if (!(timeScale > 0.0))
        return QStringLiteral("The pacing time scale must be positive.");
    const bool ranges = 0.0 <= startGapMinS && startGapMinS <= startGapMaxS && 0.0 <= startDelayMinS
        && startDelayMinS <= startDelayMaxS && 0.0 < spanMinS && spanMinS <= spanMaxS && 0.0 <= warmupGapMinS
        && warmupGapMinS <= warmupGapMaxS && 0.0 < warmupSpanMinS && warmupSpanMinS <= warmupSpanMaxS;
    if (!ranges)
        return QStringLiteral(
            "Pacing ranges need each minimum at or below its maximum, none negative, and spans above 0.");
    if (!isRatio(failureRatio) || !isRatio(taskFailureRatio) || !isRatio(holdBack))
        return QStringLiteral("Pacing ratios (failures, task failures, hold-back) must be between 0 and 1.");
    if (warmup < 0 || maxTaskFailures < 0)
        return QStringLiteral("Pacing counts (warm-up, task failures) cannot be negative.");
    return QString();
}

QString SimOptions::validate() const
{
    if (!target.isValid() || target.host().isEmpty())
        return QStringLiteral("The target must be a full URL such as http://127.0.0.1:8080/webhooks.");
    const QString scheme = target.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return QStringLiteral("The target URL must start with http:// or https://.");
    if (scheme == u"https" && !QSslSocket::supportsSsl())
        return QStringLiteral("This Qt build has no TLS support, so https:// targets cannot be used.");
    if (target.port() == 0)
        return QStringLiteral("The target URL has port 0.");
    if (secrets.isEmpty())
        return QStringLiteral("No signing secret: pass --secret or set MIGRATION_MONITOR_SECRETS.");
    if (migrations < 0 || events < 0 || pings < 0)
        return QStringLiteral("Counts of migrations, events and pings cannot be negative.");
    if (!continuous && migrations == 0 && events == 0 && pings == 0)
        return QStringLiteral("Nothing to send: ask for at least one migration, event or ping.");
    if (!(rate >= 0.0))
        return QStringLiteral("The rate cannot be negative.");
    if (concurrency < 1 || concurrency > 4096)
        return QStringLiteral("Concurrency must be between 1 and 4096.");
    if (reorderWindow < 1)
        return QStringLiteral("The reorder window must be at least 1.");
    if (!isRatio(duplicates) || !isRatio(wrongSecret) || !isRatio(tamper) || !isRatio(seedQuirk)
        || !isRatio(unbranded))
        return QStringLiteral(
            "Ratios (duplicates, wrong secret, tamper, seed quirk, unbranded) must be between 0 and 1.");
    if (!(retryJitter >= 0.0 && retryJitter < 1.0))
        return QStringLiteral("The retry jitter must be at least 0 and below 1.");
    if (wrongSecret + tamper > 1.0)
        return QStringLiteral("The wrong-secret and tamper ratios together cannot exceed 1.");
    if (!(retryScale >= 0.0))
        return QStringLiteral("The retry scale cannot be negative.");
    if (maxAttempts < 1)
        return QStringLiteral("At least one attempt is needed.");
    if (requestTimeoutMs < 1)
        return QStringLiteral("The request timeout must be positive.");
    if (pacing.enabled && !continuous && events > 0)
        return QStringLiteral("Paced runs send whole migrations: ask for migrations, not events.");
    if (const QString why = pacing.validate(); !why.isEmpty())
        return why;
    return QString();
}

} // namespace mm::sim
