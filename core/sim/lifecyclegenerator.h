// SPDX-License-Identifier: GPL-3.0-or-later
// Generates realistic Anon migration lifecycles (created → started → task failures → terminal)
// and svix.ping events (Svix's own {"success": true}) as the exact bytes that would be posted.
// Deterministic for a seed and clock.
#pragma once

#include <QByteArray>
#include <QList>
#include <QRandomGenerator>
#include <functional>

namespace mm::sim {

struct GeneratedEvent
{
    QByteArray msgId; // svix-id of the delivery that carries this event
    QByteArray eventId; // evt_…; empty for pings
    QByteArray type; // "migration.created", …, "svix.ping" (a ping's body does not say so)
    QByteArray migrationId; // empty for pings
    QByteArray status; // the resource's status ("NOT_STARTED", …; "FAILED" for tasks); empty for pings
    qint64 createdUs = 0; // the envelope's "created", microseconds since the Unix epoch (UTC)
    bool quirk = false; // "created" written unquoted, as in the vendor's example; not JSON
    QByteArray body;
};

// One lifecycle whose timing and ending were decided elsewhere (the paced demo schedule).
// Times are microseconds since the epoch and must increase in the order listed.
struct LifecyclePlan
{
    qint64 recordUs = 0; // the migration record's own "created"
    qint64 createdUs = 0; // migration.created
    qint64 startedUs = 0; // migration.started
    QList<qint64> taskFailuresUs; // migration_task.failed, one each
    qint64 endUs = 0; // migration.completed or migration.failed
    bool fails = false; // ends in migration.failed
};

struct LifecycleOptions
{
    quint64 seed = 0;
    double seedQuirk = 0.0; // share of events whose top-level "created" is unquoted
    double failureRatio = 0.12; // share of migrations that end in migration.failed
    double taskFailureRatio = 0.3; // share of migrations with at least one migration_task.failed
    int maxTaskFailures = 3;
    int companies = 3;
    int usersPerCompany = 4;
    // Wall clock in microseconds since the epoch. Injectable so tests get identical bytes.
    std::function<qint64()> clockUs;
};

class LifecycleGenerator final
{
public:
    explicit LifecycleGenerator(LifecycleOptions options = {});

    // One migration's events in the order they happened.
    QList<GeneratedEvent> nextMigration();
    // One migration's events, dated as the plan says.
    QList<GeneratedEvent> plannedMigration(const LifecyclePlan &plan);
    GeneratedEvent ping();
    GeneratedEvent pingAt(qint64 createdUs);

    qint64 migrationsGenerated() const { return m_migrations; }

    // "2025-06-18T00:50:40.301173": no zone, six fractional digits, as the vendor writes it.
    static QByteArray formatTimestamp(qint64 usSinceEpoch);

private:
    struct Migration
    {
        QByteArray id;
        QByteArray companyId;
        QByteArray userId;
        QByteArray created;
    };

    Migration newMigration(qint64 recordUs);
    GeneratedEvent terminalEvent(const Migration &migration, bool fails, bool taskFailures, qint64 createdUs);
    // `type` and `status` arguments must be string literals; events refer to them without copying.
    GeneratedEvent makeEvent(QByteArrayView type, qint64 createdUs);
    void appendEnvelopeHead(GeneratedEvent &event);
    void appendMigrationObject(QByteArray &out, const Migration &migration, QByteArrayView status);
    GeneratedEvent migrationEvent(QByteArrayView type, const Migration &migration, QByteArrayView status,
                                  qint64 createdUs, QByteArrayView errorMessage);
    GeneratedEvent taskFailedEvent(const Migration &migration, qint64 createdUs);
    QByteArrayView pick(const QList<QByteArrayView> &from);
    qint64 stepUs(int minMs, int maxMs);

    LifecycleOptions m_options;
    QRandomGenerator m_rng;
    QList<QByteArray> m_companies;
    QList<QList<QByteArray>> m_users; // per company
    qint64 m_migrations = 0;
};

} // namespace mm::sim
