// SPDX-License-Identifier: GPL-3.0-or-later
// Decides which happenings deserve a desktop alert: failed migrations and tasks, other events
// that say something failed or was rejected, quiet migrations (when asked), bursts of rejected
// deliveries and a stopped listener, minus quiet hours and muted migrations.
#pragma once

#include "store/records.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <deque>
#include <functional>

namespace mm {

enum class AlertKind : quint8 {
    MigrationFailed, // migration.failed
    CompletedWithFailures, // migration.completed with status COMPLETED_WITH_FAILURES
    TaskFailed, // migration_task.failed
    Quiet, // no event for longer than the quiet threshold (off unless the user turns it on)
    Rejections, // many deliveries refused in a minute: likely a wrong secret
    ListenerDown, // the receiver stopped or could not bind its port
    StorageFull, // the store's disk is full: deliveries are refused (503) until space returns
    OtherFailure, // an event of another type that ends in .failed or .rejected (isFailureType)
};

// Values match the freedesktop urgency hint (0 low, 1 normal, 2 critical).
enum class AlertUrgency : quint8 { Low = 0, Normal = 1, Critical = 2 };

struct Alert
{
    AlertKind kind = AlertKind::MigrationFailed;
    QString migrationId; // empty for alerts about the app itself
    QString title;
    QString body;
    AlertUrgency urgency = AlertUrgency::Normal;
    int count = 1; // what it stands for: one event, or N rejected deliveries
    bool replayed = false; // raised by a delivery fed back in, not a live one
};

// Which rules are on, and when to keep quiet. Quiet hours run from quietStartMinute to
// quietEndMinute (minutes after local midnight) and may wrap past midnight.
struct AlertSettings
{
    bool migrationFailed = true;
    bool completedWithFailures = true;
    bool taskFailed = true;
    // Off by default: the vendor sends no progress or heartbeat events, so a healthy long
    // migration, or one waiting for the customer's login, is quiet too.
    bool quietMigrations = false;
    // Types the app has no rule of its own for (a login rejection, say), so a new failure
    // type is never silent. migration.failed and migration_task.failed are left to their rules.
    bool otherFailures = true;
    bool rejections = true;
    bool listener = true;
    bool quietHours = false;
    int quietStartMinute = 22 * 60;
    int quietEndMinute = 7 * 60;
    QStringList mutedMigrations;

    static constexpr int RejectionThreshold = 5; // refused deliveries within RejectionWindowMs
    static constexpr qint64 RejectionWindowMs = 60 * 1000;

    bool operator==(const AlertSettings &) const = default;
};

class AlertRules final
{
public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    // An empty clock reads the system clock.
    explicit AlertRules(Clock clock = {});

    const AlertSettings &settings() const { return m_settings; }
    void setSettings(const AlertSettings &settings);
    void setMuted(const QString &migrationId, bool muted);
    bool isMuted(const QString &migrationId) const;
    // "Pause alerts for 1 h": nothing alerts before this time (ms since the epoch; 0 ends a pause).
    void setPausedUntil(qint64 ms) { m_pausedUntilMs = ms; }
    qint64 pausedUntil() const { return m_pausedUntilMs; }
    // True in quiet hours or while paused: every rule stays silent.
    bool isSilenced() const;
    bool inQuietHours(qint64 ms) const;

    // Facts of live deliveries. A delivery seen before (another attempt, or the same event
    // under a second message id) raises nothing. Replayed facts (fed back in on purpose)
    // always raise theirs, marked "(replayed)" in the title.
    QList<Alert> facts(const QList<EventFacts> &facts);
    // Migrations that became quiet (no event for longer than the thresholds).
    QList<Alert> quiet(const QStringList &migrationIds);
    // count more deliveries were refused just now.
    QList<Alert> rejected(int count);
    // The receiver is not listening (any more); reason says why, in a sentence.
    QList<Alert> listenerStopped(const QString &reason);
    // The store's disk is full; reason is SQLite's sentence.
    QList<Alert> storageFull(const QString &reason);

private:
    qint64 now() const;
    bool firstSighting(const EventFacts &f);
    bool allowed(const QString &migrationId) const;

    Clock m_clock;
    AlertSettings m_settings;
    QSet<QString> m_muted;
    qint64 m_pausedUntilMs = 0;
    // Events already judged, oldest first, so repeats stay quiet (bounded).
    QSet<QString> m_seen;
    std::deque<QString> m_seenOrder;
    // Refusals within the last minute: (ms, count).
    std::deque<std::pair<qint64, int>> m_rejections;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::Alert)
