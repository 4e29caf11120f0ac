// SPDX-License-Identifier: GPL-3.0-or-later
#include "lifecyclegenerator.h"

#include "event/messageid.h"
#include "ids.h"

#include <chrono>

namespace mm::sim {

namespace {
// Messages the vendor could plausibly send; several share a stem so grouping is worth testing.
const QList<QByteArrayView> MigrationErrors {
    "Login workflow failed: the source system rejected the credentials",
    "Login workflow failed: multi-factor challenge timed out",
    "The source system returned HTTP 503 for 30 minutes; giving up",
    "Export job was cancelled by the source system",
    "Authorization expired before the migration could start",
};
const QList<QByteArrayView> TaskErrors {
    "Timed out downloading the payroll register after 300 s",
    "Source report \"Employee census\" is not available for this company",
    "Document export failed: file exceeds 2 GB",
    "Rate limited by the source system (HTTP 429)",
    "Unexpected response while paging time-off balances",
};

void appendJsonString(QByteArray &out, QByteArrayView text)
{
    out.append('"');
    for (char c : text) {
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (uchar(c) < 0x20) {
                static constexpr char Hex[] = "0123456789abcdef";
                out.append("\\u00");
                out.append(Hex[uchar(c) >> 4]);
                out.append(Hex[uchar(c) & 15]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

// Appends `"key": "value"` with the separators Python's json.dumps uses by default,
// which is what the vendor's payloads look like.
void appendField(QByteArray &out, QByteArrayView key, QByteArrayView value, bool first = false)
{
    if (!first)
        out.append(", ");
    appendJsonString(out, key);
    out.append(": ");
    appendJsonString(out, value);
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void putDigits(char *p, qint64 value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        p[i] = char('0' + value % 10);
        value /= 10;
    }
}
} // namespace

LifecycleGenerator::LifecycleGenerator(LifecycleOptions options)
    : m_options(std::move(options))
{
    const quint32 seedWords[2] = {quint32(m_options.seed), quint32(m_options.seed >> 32)};
    m_rng = QRandomGenerator(seedWords, 2);
    if (!m_options.clockUs)
        m_options.clockUs = [] {
            using namespace std::chrono;
            return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
        };
    const int companies = qMax(1, m_options.companies);
    const int users = qMax(1, m_options.usersPerCompany);
    const qint64 now = m_options.clockUs() / 1000;
    for (int c = 0; c < companies; ++c) {
        m_companies.append(uuid4(m_rng));
        QList<QByteArray> ids;
        for (int u = 0; u < users; ++u)
            ids.append(QByteArrayLiteral("usr_")
                       + ulid(now - 86'400'000LL * (1 + m_rng.bounded(400)), m_rng));
        m_users.append(ids);
    }
}

QByteArray LifecycleGenerator::formatTimestamp(qint64 usSinceEpoch)
{
    const qint64 secs = floorDiv(usSinceEpoch, 1'000'000);
    const qint64 micros = usSinceEpoch - secs * 1'000'000;
    qint64 days = floorDiv(secs, 86'400);
    const qint64 secOfDay = secs - days * 86'400;
    // Howard Hinnant's civil_from_days: cheaper than QDateTime and exact for any day.
    days += 719'468;
    const qint64 era = floorDiv(days, 146'097);
    const qint64 doe = days - era * 146'097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);

    QByteArray out(26, Qt::Uninitialized);
    char *p = out.data();
    putDigits(p, year, 4);
    p[4] = '-';
    putDigits(p + 5, month, 2);
    p[7] = '-';
    putDigits(p + 8, day, 2);
    p[10] = 'T';
    putDigits(p + 11, secOfDay / 3600, 2);
    p[13] = ':';
    putDigits(p + 14, secOfDay / 60 % 60, 2);
    p[16] = ':';
    putDigits(p + 17, secOfDay % 60, 2);
    p[19] = '.';
    putDigits(p + 20, micros, 6);
    return out;
}

qint64 LifecycleGenerator::stepUs(int minMs, int maxMs)
{
    // At least a millisecond, plus random microseconds, so times strictly increase.
    return qint64(minMs) * 1000 + qint64(m_rng.bounded(qMax(1, (maxMs - minMs) * 1000)));
}

QByteArrayView LifecycleGenerator::pick(const QList<QByteArrayView> &from)
{
    return from.at(m_rng.bounded(int(from.size())));
}

GeneratedEvent LifecycleGenerator::makeEvent(QByteArrayView type, qint64 createdUs)
{
    GeneratedEvent event;
    event.msgId = svixMessageId(m_rng, createdUs / 1000000);
    event.eventId = QByteArrayLiteral("evt_") + ulid(createdUs / 1000, m_rng);
    // Types and statuses are string literals: share them instead of copying per event.
    event.type = QByteArray::fromRawData(type.data(), type.size());
    event.createdUs = createdUs;
    event.quirk = m_options.seedQuirk > 0 && m_rng.generateDouble() < m_options.seedQuirk;
    return event;
}

void LifecycleGenerator::appendEnvelopeHead(GeneratedEvent &event)
{
    QByteArray &out = event.body;
    out.reserve(640);
    out.append('{');
    appendField(out, "id", event.eventId, true);
    appendField(out, "object", "event");
    if (event.quirk) {
        out.append(", \"created\": ");
        out.append(formatTimestamp(event.createdUs));
    } else {
        appendField(out, "created", formatTimestamp(event.createdUs));
    }
    appendField(out, "type", event.type);
    out.append(", \"data\": {");
}

void LifecycleGenerator::appendMigrationObject(QByteArray &out, const Migration &migration,
                                               QByteArrayView status)
{
    out.append("\"object\": {");
    appendField(out, "company_id", migration.companyId, true);
    appendField(out, "created", migration.created);
    appendField(out, "id", migration.id);
    appendField(out, "created_by_user_id", migration.userId);
    appendField(out, "object", "migration");
    appendField(out, "status", status);
    out.append('}');
}

GeneratedEvent LifecycleGenerator::migrationEvent(QByteArrayView type, const Migration &migration,
                                                  QByteArrayView status, qint64 createdUs,
                                                  QByteArrayView errorMessage)
{
    GeneratedEvent event = makeEvent(type, createdUs);
    event.migrationId = migration.id;
    event.status = QByteArray::fromRawData(status.data(), status.size());
    appendEnvelopeHead(event);
    appendField(event.body, "migration_id", migration.id, true);
    event.body.append(", ");
    appendMigrationObject(event.body, migration, status);
    if (!errorMessage.isEmpty())
        appendField(event.body, "error_message", errorMessage);
    event.body.append("}}");
    return event;
}

GeneratedEvent LifecycleGenerator::taskFailedEvent(const Migration &migration, qint64 createdUs)
{
    GeneratedEvent event = makeEvent("migration_task.failed", createdUs);
    event.migrationId = migration.id;
    event.status = QByteArray::fromRawData("FAILED", 6);
    const QByteArrayView error = pick(TaskErrors);
    QByteArray &out = event.body;
    appendEnvelopeHead(event);
    appendField(out, "migration_id", migration.id, true);
    // The vendor leaves the task schema open; this is the smallest shape that says which task failed.
    out.append(", \"object\": {");
    appendField(out, "object", "migration_task", true);
    appendField(out, "id", QByteArray(QByteArrayLiteral("task_") + ulid(createdUs / 1000, m_rng)));
    appendField(out, "migration_id", migration.id);
    appendField(out, "status", "FAILED");
    appendField(out, "error_message", error);
    out.append('}');
    appendField(out, "error_message", error);
    out.append("}}");
    return event;
}

LifecycleGenerator::Migration LifecycleGenerator::newMigration(qint64 recordUs)
{
    ++m_migrations;
    const int company = m_rng.bounded(int(m_companies.size()));
    const QList<QByteArray> &users = m_users.at(company);
    Migration migration;
    migration.id = QByteArrayLiteral("mig_") + ulid(recordUs / 1000, m_rng);
    migration.companyId = m_companies.at(company);
    migration.userId = users.at(m_rng.bounded(int(users.size())));
    migration.created = formatTimestamp(recordUs);
    return migration;
}

GeneratedEvent LifecycleGenerator::terminalEvent(const Migration &migration, bool fails, bool taskFailures,
                                                 qint64 createdUs)
{
    if (fails) {
        const QByteArrayView error = pick(MigrationErrors);
        return migrationEvent("migration.failed", migration, "FAILED", createdUs, error);
    }
    if (taskFailures)
        return migrationEvent("migration.completed", migration, "COMPLETED_WITH_FAILURES", createdUs, {});
    return migrationEvent("migration.completed", migration, "COMPLETE", createdUs, {});
}

QList<GeneratedEvent> LifecycleGenerator::nextMigration()
{
    const qint64 start = m_options.clockUs();
    const Migration migration = newMigration(start);

    const bool fails = m_rng.generateDouble() < m_options.failureRatio;
    int taskFailures = 0;
    if (m_options.maxTaskFailures > 0 && m_rng.generateDouble() < m_options.taskFailureRatio)
        taskFailures = 1 + m_rng.bounded(m_options.maxTaskFailures);

    QList<GeneratedEvent> events;
    events.reserve(3 + taskFailures);
    // The record is inserted first; its webhook is created a moment later.
    qint64 t = start + stepUs(1, 20);
    events.append(migrationEvent("migration.created", migration, "NOT_STARTED", t, {}));
    t += stepUs(20, 400);
    events.append(migrationEvent("migration.started", migration, "WORKING", t, {}));
    for (int i = 0; i < taskFailures; ++i) {
        t += stepUs(10, 300);
        events.append(taskFailedEvent(migration, t));
    }
    t += stepUs(10, 500);
    events.append(terminalEvent(migration, fails, taskFailures > 0, t));
    return events;
}

QList<GeneratedEvent> LifecycleGenerator::plannedMigration(const LifecyclePlan &plan)
{
    const Migration migration = newMigration(plan.recordUs);
    QList<GeneratedEvent> events;
    events.reserve(3 + plan.taskFailuresUs.size());
    events.append(migrationEvent("migration.created", migration, "NOT_STARTED", plan.createdUs, {}));
    events.append(migrationEvent("migration.started", migration, "WORKING", plan.startedUs, {}));
    for (qint64 t : plan.taskFailuresUs)
        events.append(taskFailedEvent(migration, t));
    events.append(terminalEvent(migration, plan.fails, !plan.taskFailuresUs.isEmpty(), plan.endUs));
    return events;
}

GeneratedEvent LifecycleGenerator::ping()
{
    return pingAt(m_options.clockUs());
}

GeneratedEvent LifecycleGenerator::pingAt(qint64 createdUs)
{
    // Svix's "send example" from an endpoint's Testing tab posts its own example payload, exactly
    // these bytes: no envelope, no type, no id (only the svix-id header names the message).
    GeneratedEvent event = makeEvent("svix.ping", createdUs);
    event.eventId.clear();
    event.quirk = false;
    event.body = QByteArrayLiteral("{\"success\": true}");
    return event;
}

} // namespace mm::sim
