// SPDX-License-Identifier: GPL-3.0-or-later
// The migration aggregate (core/model/migration.*, migrationbook.*, eventlog.*, interner.h):
// - the headline property: a migration rebuilt from its events is the same whatever order the
//   deliveries arrive in, through MigrationBook::apply one by one and through applyBulk, for
//   lifecycles from the simulator's LifecycleGenerator and from a generator of this file that
//   adds what the vendor's at-least-once, unordered delivery produces (missing events, equal
//   timestamps, retries, the same event under two message ids, clock skew, conflicting and
//   mismatched statuses). The in-order result is also checked against an oracle written here
//   from the rules in migration.h, so "the same in every order" cannot hide "wrong in every order";
// - status semantics, anomalies, counts, stall detection, and the event log's upsert/interning.
// MM_PROPERTY_SEED=<n> replaces the fixed seeds of the property test.
#include "event/envelope.h"
#include "model/eventlog.h"
#include "model/interner.h"
#include "model/migration.h"
#include "model/migrationbook.h"
#include "model/migrationstatus.h"
#include "sim/lifecyclegenerator.h"
#include "store/records.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

using namespace mm;

namespace mm {
char *toString(MigrationStatus status)
{
    return qstrdup(qPrintable(statusToString(status)));
}
} // namespace mm

namespace {

constexpr qint64 Sec = 1'000'000;
constexpr qint64 Ms = 1'000;
// 2025-06-18T00:50:40.301173Z, the seed document's "created".
constexpr qint64 T0 = 1'750'207'840'301'173LL;
constexpr qint64 NoTime = -1; // "none" in data columns

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

QString optionalText(const std::optional<qint64> &v)
{
    return v ? QString::number(*v) : QStringLiteral("none");
}

std::optional<qint64> optionalFrom(qint64 v)
{
    return v == NoTime ? std::nullopt : std::optional<qint64>(v);
}

// This file's own reading of the event types (not eventKindOf), for the oracle.
enum class Kind { Created, Started, Task, Completed, Failed, Ping, Other };

Kind kindOf(const QString &type)
{
    if (type == QLatin1String("migration.created"))
        return Kind::Created;
    if (type == QLatin1String("migration.started"))
        return Kind::Started;
    if (type == QLatin1String("migration_task.failed"))
        return Kind::Task;
    if (type == QLatin1String("migration.completed"))
        return Kind::Completed;
    if (type == QLatin1String("migration.failed"))
        return Kind::Failed;
    if (type == QLatin1String("svix.ping"))
        return Kind::Ping;
    return Kind::Other;
}

// The status an event's object should carry for its type (WEBHOOKS.md), empty for "any".
QStringList statusesFor(Kind kind)
{
    switch (kind) {
    case Kind::Created:
        return {QStringLiteral("NOT_STARTED")};
    case Kind::Started:
        return {QStringLiteral("WORKING")};
    case Kind::Completed:
        return {QStringLiteral("COMPLETE"), QStringLiteral("COMPLETED_WITH_FAILURES")};
    case Kind::Failed:
        return {QStringLiteral("FAILED")};
    case Kind::Task:
    case Kind::Ping:
    case Kind::Other:
        break;
    }
    return {};
}

// migrationstatus.h: created < started < task failure < terminal; anything else last.
int rankOf(Kind kind)
{
    switch (kind) {
    case Kind::Created:
        return 0;
    case Kind::Started:
        return 1;
    case Kind::Task:
        return 2;
    case Kind::Completed:
    case Kind::Failed:
        return 3;
    case Kind::Ping:
    case Kind::Other:
        break;
    }
    return 4;
}

qint64 whenOf(const EventFacts &f)
{
    return f.createdUs ? *f.createdUs : f.receivedUs;
}

// ---------------------------------------------------------------------------------------------
// Minimal hand-written lifecycles.

// Builds the deliveries of a scenario in arrival order. Row ids follow arrival; migration
// events carry the migration object's company, creator and created time.
class Events
{
public:
    explicit Events(const char *migrationId = "mig_1")
        : m_migration(s(migrationId))
    {
    }

    // status: nullptr means the status matching the type; "" means none.
    Events &add(const char *type, std::optional<qint64> createdUs, const char *status = nullptr,
                const char *error = "", const char *task = "")
    {
        const int n = int(m_facts.size()) + 1;
        EventFacts f;
        f.rowId = n;
        f.msgId = "msg_" + m_migration.toLatin1() + '_' + QByteArray::number(n);
        f.eventId = QStringLiteral("evt_%1_%2").arg(m_migration).arg(n);
        f.type = s(type);
        f.migrationId = m_migration;
        f.createdUs = createdUs;
        const Kind kind = kindOf(f.type);
        if (status)
            f.status = s(status);
        else if (kind == Kind::Task)
            f.status = QStringLiteral("FAILED");
        else if (!statusesFor(kind).isEmpty())
            f.status = statusesFor(kind).first();
        f.errorMessage = s(error);
        f.taskId = s(task);
        if (kind != Kind::Task) {
            f.companyId = QStringLiteral("3f1c0f0e-5f7e-4a53-9d7b-0c1e2d3f4a5b");
            f.createdByUserId = QStringLiteral("usr_01J0000000000000000000000");
            f.objectCreatedUs = T0;
        }
        f.receivedUs = T0 + 1000 * Sec + n * Sec;
        f.parsed = true;
        m_facts.append(f);
        return *this;
    }
    Events &attempts(int count)
    {
        m_facts.last().attempts = count;
        return *this;
    }
    Events &receivedAt(qint64 us)
    {
        m_facts.last().receivedUs = us;
        return *this;
    }
    Events &eventId(const char *id)
    {
        m_facts.last().eventId = s(id);
        return *this;
    }
    // The last event again, under a second message id (a resend by the vendor).
    Events &resendLast(qint64 receivedUs = 0)
    {
        EventFacts f = m_facts.last();
        f.rowId = m_facts.size() + 1;
        f.msgId += "_resent";
        f.attempts = 1;
        f.receivedUs = receivedUs ? receivedUs : f.receivedUs + 7 * Sec;
        m_facts.append(f);
        return *this;
    }
    QList<EventFacts> facts() const { return m_facts; }

private:
    QString m_migration;
    QList<EventFacts> m_facts;
};

struct Applied
{
    EventLog log;
    MigrationBook book;

    const Migration *find(const QString &id) const
    {
        const qsizetype i = book.indexOf(id);
        return i < 0 ? nullptr : &book.at(i);
    }
    const Migration *only() const { return book.size() == 1 ? &book.at(0) : nullptr; }
};

std::unique_ptr<Applied> applyOneByOne(const QList<EventFacts> &arrivals)
{
    auto out = std::make_unique<Applied>();
    for (const EventFacts &f : arrivals)
        out->book.apply(out->log, out->log.upsert(f));
    return out;
}

std::unique_ptr<Applied> applyInBulk(const QList<EventFacts> &arrivals)
{
    auto out = std::make_unique<Applied>();
    for (const EventFacts &f : arrivals)
        out->log.upsert(f);
    out->book.applyBulk(out->log, 0);
    return out;
}

QList<EventFacts> reversed(QList<EventFacts> list)
{
    std::reverse(list.begin(), list.end());
    return list;
}

QString anomalyText(quint8 mask)
{
    QStringList codes;
    for (Anomaly a : anomaliesIn(mask))
        codes << anomalyCode(a);
    return QLatin1Char('[') + codes.join(QLatin1Char(',')) + QLatin1Char(']');
}

QString taskFailuresText(const QList<TaskFailure> &list)
{
    QStringList out;
    for (const TaskFailure &t : list)
        out << QStringLiteral("(%1 %2 \"%3\")").arg(t.atUs).arg(t.taskId, t.error);
    return QLatin1Char('[') + out.join(QLatin1Char(' ')) + QLatin1Char(']');
}

QString eventIdsText(const Migration &m, const EventLog &log)
{
    QStringList out;
    for (const Migration::Event &e : m.events)
        out << QString::fromUtf8(log.at(e.logIndex).eventId());
    return out.join(QLatin1Char(' '));
}

// Every derived field, named, so a failure says which one differs. Empty when all agree.
QString differences(const Migration &a, const EventLog &la, const Migration &b, const EventLog &lb)
{
    QStringList out;
    auto field = [&out](const char *name, const QString &x, const QString &y) {
        if (x != y)
            out << QStringLiteral("%1: %2 vs %3").arg(s(name), x, y);
    };
    auto number = [&field](const char *name, qint64 x, qint64 y) {
        field(name, QString::number(x), QString::number(y));
    };
    field("id", a.id, b.id);
    field("status", statusToString(a.status), statusToString(b.status));
    field("createdUs", optionalText(a.createdUs), optionalText(b.createdUs));
    field("startedUs", optionalText(a.startedUs), optionalText(b.startedUs));
    field("finishedUs", optionalText(a.finishedUs), optionalText(b.finishedUs));
    number("firstEventUs", a.firstEventUs, b.firstEventUs);
    number("lastEventUs", a.lastEventUs, b.lastEventUs);
    number("lastReceivedUs", a.lastReceivedUs, b.lastReceivedUs);
    field("companyId", a.companyId, b.companyId);
    field("createdByUserId", a.createdByUserId, b.createdByUserId);
    field("failureMessage", a.failureMessage, b.failureMessage);
    number("taskFailureCount", a.taskFailureCount, b.taskFailureCount);
    number("eventCount", a.eventCount, b.eventCount);
    number("duplicateCount", a.duplicateCount, b.duplicateCount);
    number("attemptCount", a.attemptCount, b.attemptCount);
    field("anomalies", anomalyText(a.anomalies), anomalyText(b.anomalies));
    field("taskFailures", taskFailuresText(a.taskFailures(la)), taskFailuresText(b.taskFailures(lb)));
    field("events", eventIdsText(a, la), eventIdsText(b, lb));
    if (out.isEmpty() && !a.sameAggregate(b, la, lb))
        out << QStringLiteral("sameAggregate() is false although every field agrees");
    if (!out.isEmpty() && a.sameAggregate(b, la, lb))
        out << QStringLiteral("(and sameAggregate() says they are the same)");
    return out.join(QStringLiteral("; "));
}

// ---------------------------------------------------------------------------------------------
// The oracle: what the rules in migration.h say, computed from the facts alone.

struct Row
{
    EventFacts facts; // attempts: the final count
    Kind kind;
    qint64 when; // shown: "created", else when it arrived
    // Where it sorts: events the sender did not date come before all dated ones (their arrival
    // time must not place them), and tie among themselves.
    qint64 order() const { return facts.createdUs ? when : std::numeric_limits<qint64>::min(); }
};

QString outcomeOf(const Row &r)
{
    if (r.kind == Kind::Failed)
        return QStringLiteral("FAILED");
    return r.facts.status == QLatin1String("COMPLETED_WITH_FAILURES")
        ? QStringLiteral("COMPLETED_WITH_FAILURES")
        : QStringLiteral("COMPLETE");
}

// Compares the aggregate with the oracle; returns what disagrees. checkTaskCount is false
// when a task failure was resent under a second message id (see taskFailureResentUnderSecondMessageId).
QString oracleDifferences(const QList<EventFacts> &deliveries, const Migration &m, const EventLog &log,
                          bool checkTaskCount)
{
    QList<Row> rows;
    for (const EventFacts &f : deliveries)
        rows.append(Row {f, kindOf(f.type), whenOf(f)});
    QStringList out;
    auto expect = [&out](const char *name, const QString &expected, const QString &actual) {
        if (expected != actual)
            out << QStringLiteral("%1: expected %2, got %3").arg(s(name), expected, actual);
    };

    // Status: terminal beats task failure and started (both mean running) beats created; among
    // terminals the latest (undated ones before every dated one, tied among themselves).
    QList<const Row *> terminals;
    bool hasCreated = false;
    bool hasStarted = false;
    bool hasTask = false;
    for (const Row &r : rows) {
        hasCreated |= r.kind == Kind::Created;
        hasStarted |= r.kind == Kind::Started;
        hasTask |= r.kind == Kind::Task;
        if (r.kind == Kind::Completed || r.kind == Kind::Failed)
            terminals.append(&r);
    }
    QString status = QStringLiteral("UNKNOWN");
    std::optional<qint64> finished;
    QSet<qint64> finishedCandidates; // tied undated outcomes: the one chosen gives the time
    if (!terminals.isEmpty()) {
        qint64 latest = terminals.first()->order();
        for (const Row *r : terminals)
            latest = std::max(latest, r->order());
        QSet<QString> outcomes;
        QSet<QString> errors;
        for (const Row *r : terminals) {
            if (r->order() == latest) {
                outcomes.insert(outcomeOf(*r));
                finishedCandidates.insert(r->when);
                if (r->kind == Kind::Failed)
                    errors.insert(r->facts.errorMessage);
            }
        }
        finished = finishedCandidates.size() == 1 ? std::optional<qint64>(*finishedCandidates.cbegin())
                                                  : std::nullopt;
        const QString actual = statusToString(m.status);
        if (outcomes.size() == 1) {
            status = *outcomes.cbegin();
            expect("status", status, actual);
        } else if (!outcomes.contains(actual)) {
            out << QStringLiteral("status: expected one of the tied outcomes, got %1").arg(actual);
        }
        if (actual == QLatin1String("FAILED")) {
            if (errors.size() == 1)
                expect("failureMessage", *errors.cbegin(), m.failureMessage);
            else if (!errors.contains(m.failureMessage))
                out << QStringLiteral("failureMessage: not one of the tied failures' messages");
        } else {
            expect("failureMessage", QString(), m.failureMessage);
        }
    } else {
        status = hasStarted || hasTask
            ? QStringLiteral("WORKING")
            : (hasCreated ? QStringLiteral("NOT_STARTED") : QStringLiteral("UNKNOWN"));
        expect("status", status, statusToString(m.status));
        expect("failureMessage", QString(), m.failureMessage);
    }
    if (finishedCandidates.size() > 1) {
        if (!m.finishedUs || !finishedCandidates.contains(*m.finishedUs))
            out << QStringLiteral("finishedUs: not the time of one of the tied outcomes: %1")
                       .arg(optionalText(m.finishedUs));
    } else {
        expect("finishedUs", optionalText(finished), optionalText(m.finishedUs));
    }

    // The earliest of a kind, dated events first.
    auto earliest = [&rows](Kind kind) {
        std::optional<qint64> dated;
        std::optional<qint64> undated;
        for (const Row &r : rows) {
            if (r.kind != kind)
                continue;
            std::optional<qint64> &slot = r.facts.createdUs ? dated : undated;
            slot = slot ? std::min(*slot, r.when) : r.when;
        }
        return dated ? dated : undated;
    };
    const std::optional<qint64> started = earliest(Kind::Started);
    const std::optional<qint64> createdEvent = earliest(Kind::Created);
    qint64 first = rows.first().when;
    qint64 last = rows.first().when;
    qint64 lastReceived = 0;
    int attempts = 0;
    int retries = 0;
    QSet<QString> eventIds;
    int withEventId = 0;
    QList<TaskFailure> tasks;
    for (const Row &r : rows) {
        first = std::min(first, r.when);
        last = std::max(last, r.when);
        lastReceived = std::max(lastReceived, r.facts.receivedUs);
        attempts += r.facts.attempts;
        retries += r.facts.attempts - 1;
        if (!r.facts.eventId.isEmpty()) {
            ++withEventId;
            eventIds.insert(r.facts.eventId);
        }
        if (r.kind == Kind::Task)
            tasks.append(TaskFailure {r.when, r.facts.taskId, r.facts.errorMessage});
    }
    expect("startedUs", optionalText(started), optionalText(m.startedUs));
    // Who and when the record was created: from the earliest event (by time, then lifecycle
    // order) that says so. Skipped when events tied for earliest say different things.
    auto earliestSaying = [&rows](const std::function<QString(const EventFacts &)> &get, QString *value) {
        const Row *best = nullptr;
        QSet<QString> tied;
        for (const Row &r : rows) {
            const QString v = get(r.facts);
            if (v.isEmpty())
                continue;
            if (!best
                || std::make_pair(r.order(), rankOf(r.kind))
                    < std::make_pair(best->order(), rankOf(best->kind))) {
                best = &r;
                tied = {v};
            } else if (std::make_pair(r.order(), rankOf(r.kind))
                       == std::make_pair(best->order(), rankOf(best->kind))) {
                tied.insert(v);
            }
        }
        if (tied.size() > 1)
            return false;
        *value = tied.isEmpty() ? QString() : *tied.cbegin();
        return true;
    };
    QString value;
    if (earliestSaying(
            [](const EventFacts &f) {
                return f.objectCreatedUs ? QString::number(*f.objectCreatedUs) : QString();
            },
            &value)) {
        if (value.isEmpty())
            value = optionalText(createdEvent);
        expect("createdUs", value, optionalText(m.createdUs));
    }
    if (earliestSaying([](const EventFacts &f) { return f.companyId; }, &value))
        expect("companyId", value, m.companyId);
    if (earliestSaying([](const EventFacts &f) { return f.createdByUserId; }, &value))
        expect("createdByUserId", value, m.createdByUserId);
    expect("firstEventUs", QString::number(first), QString::number(m.firstEventUs));
    expect("lastEventUs", QString::number(last), QString::number(m.lastEventUs));
    expect("lastReceivedUs", QString::number(lastReceived), QString::number(m.lastReceivedUs));
    expect("eventCount", QString::number(rows.size()), QString::number(m.eventCount));
    expect("attemptCount", QString::number(attempts), QString::number(m.attemptCount));
    expect("duplicateCount", QString::number(retries + withEventId - int(eventIds.size())),
           QString::number(m.duplicateCount));
    if (checkTaskCount) {
        expect("taskFailureCount", QString::number(tasks.size()), QString::number(m.taskFailureCount));
        QList<TaskFailure> actual = m.taskFailures(log);
        bool ascending = true;
        for (qsizetype i = 1; i < actual.size(); ++i)
            ascending &= actual[i - 1].atUs <= actual[i].atUs;
        if (!ascending)
            out << QStringLiteral("taskFailures: not in time order: %1").arg(taskFailuresText(actual));
        auto byContent = [](const TaskFailure &x, const TaskFailure &y) {
            return std::tie(x.atUs, x.taskId, x.error) < std::tie(y.atUs, y.taskId, y.error);
        };
        std::sort(tasks.begin(), tasks.end(), byContent);
        std::sort(actual.begin(), actual.end(), byContent);
        expect("taskFailures", taskFailuresText(tasks), taskFailuresText(actual));
    }

    // Anomalies.
    quint8 anomalies = 0;
    auto flag = [&anomalies](Anomaly a) { anomalies |= quint8(1u << quint8(a)); };
    const bool terminal = !terminals.isEmpty();
    if (terminal && !hasStarted)
        flag(Anomaly::TerminalWithoutStart);
    if (hasStarted && !hasCreated)
        flag(Anomaly::StartWithoutCreation);
    if (hasTask && !hasStarted && !terminal)
        flag(Anomaly::TaskFailureWithoutStart);
    QSet<QString> allOutcomes;
    for (const Row *r : terminals)
        allOutcomes.insert(outcomeOf(*r));
    if (allOutcomes.size() > 1)
        flag(Anomaly::ConflictingTerminals);
    for (const Row &r : rows) {
        const QStringList allowed = statusesFor(r.kind);
        if (!r.facts.status.isEmpty() && !allowed.isEmpty() && !allowed.contains(r.facts.status))
            flag(Anomaly::StatusMismatch);
    }
    // A dated migration.created or .started after the first dated outcome; events of other types
    // (the vendor may add some, a login workflow's say) and undated ones never count.
    std::optional<qint64> firstOutcome;
    for (const Row *r : terminals) {
        if (r->facts.createdUs)
            firstOutcome = firstOutcome ? std::min(*firstOutcome, r->when) : r->when;
    }
    for (const Row &r : rows) {
        if (firstOutcome && r.facts.createdUs && (r.kind == Kind::Created || r.kind == Kind::Started)
            && r.when > *firstOutcome)
            flag(Anomaly::EventAfterTerminal);
    }
    expect("anomalies", anomalyText(anomalies), anomalyText(m.anomalies));
    return out.join(QStringLiteral("; "));
}

// ---------------------------------------------------------------------------------------------
// Lifecycles for the property test.

struct Delivery
{
    EventFacts facts; // rowId assigned on first arrival; attempts: the final count
    int arrivals = 1; // how often the row is upserted (first receipt, then retries)
};

struct Lifecycle
{
    QString label;
    QList<Delivery> deliveries;
    bool taskResent = false;
    // What the lifecycle exercises, for the coverage check.
    bool equalTimes = false;
    bool missingCreated = false;
    bool missingEvent = false;
    bool retried = false;
    bool resent = false;
};

bool chance(QRandomGenerator &rng, double p)
{
    return rng.generateDouble() < p;
}

const QList<const char *> MigrationErrors {
    "Login workflow failed: the source system rejected the credentials",
    "The source system returned HTTP 503 for 30 minutes; giving up",
    "Export job was cancelled by the source system",
};
const QList<const char *> TaskErrors {
    "Timed out downloading the payroll register after 300 s",
    "Document export failed: file exceeds 2 GB",
    "Rate limited by the source system (HTTP 429)",
};

void addRetriesAndResends(Lifecycle &lc, QRandomGenerator &rng)
{
    const qsizetype original = lc.deliveries.size();
    for (qsizetype i = 0; i < original; ++i) {
        Delivery &d = lc.deliveries[i];
        if (chance(rng, 0.2)) {
            d.facts.attempts = 2 + int(rng.bounded(3));
            d.arrivals = 1 + int(rng.bounded(d.facts.attempts));
            lc.retried = true;
        }
        if (chance(rng, 0.1)) {
            Delivery again = lc.deliveries[i];
            again.facts.msgId += "_resent";
            again.facts.receivedUs += (1 + rng.bounded(600)) * Sec;
            again.facts.attempts = 1 + int(rng.bounded(2));
            again.arrivals = again.facts.attempts;
            lc.resent = true;
            lc.taskResent |= kindOf(again.facts.type) == Kind::Task;
            lc.deliveries.append(again);
        }
    }
}

// This file's generator: every lifecycle event optional, any terminal (or two), unknown
// event types, equal and skewed times, missing "created", wrong statuses, retries, resends.
Lifecycle syntheticLifecycle(QRandomGenerator &rng, int n)
{
    Lifecycle lc;
    lc.label = QStringLiteral("synthetic #%1").arg(n);
    const QString migration = QStringLiteral("mig_s%1").arg(n);
    const qint64 base = T0 + qint64(n) * 3600 * Sec;
    struct Plan
    {
        const char *type;
        const char *status;
    };
    QList<Plan> plan;
    if (chance(rng, 0.85))
        plan.append(Plan {"migration.created", "NOT_STARTED"});
    if (chance(rng, 0.1))
        plan.append(Plan {"migration.login_workflow.succeeded", ""});
    if (chance(rng, 0.85))
        plan.append(Plan {"migration.started", "WORKING"});
    if (chance(rng, 0.07))
        plan.append(Plan {"migration.started", "WORKING"}); // started again, as a second event
    const int tasks = chance(rng, 0.4) ? 1 + int(rng.bounded(3)) : 0;
    for (int i = 0; i < tasks; ++i)
        plan.append(Plan {"migration_task.failed", "FAILED"});
    const double terminal = rng.generateDouble();
    if (terminal < 0.12) {
        // still running, or its outcome never arrived
    } else if (terminal < 0.45) {
        plan.append(Plan {"migration.completed", "COMPLETE"});
    } else if (terminal < 0.65) {
        plan.append(Plan {"migration.completed", "COMPLETED_WITH_FAILURES"});
    } else if (terminal < 0.88) {
        plan.append(Plan {"migration.failed", "FAILED"});
    } else if (terminal < 0.95) {
        plan.append(Plan {"migration.completed", chance(rng, 0.5) ? "COMPLETE" : "COMPLETED_WITH_FAILURES"});
        plan.append(Plan {"migration.failed", "FAILED"});
        if (chance(rng, 0.5))
            std::swap(plan[plan.size() - 1], plan[plan.size() - 2]);
    } else {
        plan.append(Plan {"migration.completed", "COMPLETE"}); // reported twice, as two events
        plan.append(Plan {"migration.completed", chance(rng, 0.5) ? "COMPLETE" : "COMPLETED_WITH_FAILURES"});
    }
    if (plan.isEmpty())
        plan.append(Plan {"migration.created", "NOT_STARTED"});

    const QStringList validStatuses {QStringLiteral("NOT_STARTED"), QStringLiteral("WORKING"),
                                     QStringLiteral("COMPLETE"), QStringLiteral("COMPLETED_WITH_FAILURES"),
                                     QStringLiteral("FAILED")};
    const bool objectFields = chance(rng, 0.9);
    const bool varyingObject = chance(rng, 0.15);
    qint64 t = base + (1 + rng.bounded(20)) * Ms;
    for (int i = 0; i < plan.size(); ++i) {
        EventFacts f;
        f.msgId = "msg_" + migration.toLatin1() + '_' + QByteArray::number(i);
        f.eventId = QStringLiteral("evt_%1_%2").arg(migration).arg(i);
        f.type = s(plan[i].type);
        f.migrationId = migration;
        if (i > 0) {
            if (chance(rng, 0.2))
                lc.equalTimes = true; // same "created" as the previous event
            else
                t += (1 + rng.bounded(300)) * Ms + rng.bounded(1000);
        }
        f.createdUs = t;
        f.status = s(plan[i].status);
        const double statusRoll = rng.generateDouble();
        if (statusRoll < 0.05)
            f.status = validStatuses.at(rng.bounded(int(validStatuses.size())));
        else if (statusRoll < 0.12)
            f.status.clear();
        const Kind kind = kindOf(f.type);
        if (kind == Kind::Failed)
            f.errorMessage = s(MigrationErrors.at(rng.bounded(int(MigrationErrors.size()))));
        if (kind == Kind::Task) {
            f.taskId = QStringLiteral("task_%1_%2").arg(n).arg(i);
            f.errorMessage = s(TaskErrors.at(rng.bounded(int(TaskErrors.size()))));
        } else if (objectFields && chance(rng, 0.9)) {
            // Usually one migration object throughout; sometimes each event says something else.
            f.companyId = varyingObject ? QStringLiteral("cmp_%1_%2").arg(n).arg(i)
                                        : QStringLiteral("cmp_%1").arg(n % 3);
            f.createdByUserId = varyingObject ? QStringLiteral("usr_%1_%2").arg(n).arg(i)
                                              : QStringLiteral("usr_%1").arg(n % 5);
            f.objectCreatedUs = varyingObject ? base + i * Ms : base;
        }
        f.receivedUs = base + 600 * Sec + rng.bounded(3600) * Sec + rng.bounded(1000);
        f.parsed = true;
        lc.deliveries.append(Delivery {f, 1});
    }
    // Clock skew: two events swap their times (a started dated after the outcome, ...).
    if (lc.deliveries.size() > 1 && chance(rng, 0.1)) {
        const int a = int(rng.bounded(int(lc.deliveries.size())));
        const int b = int(rng.bounded(int(lc.deliveries.size())));
        std::swap(lc.deliveries[a].facts.createdUs, lc.deliveries[b].facts.createdUs);
    }
    // No "created": the event sorts by when it arrived.
    for (Delivery &d : lc.deliveries) {
        if (chance(rng, 0.08)) {
            d.facts.createdUs.reset();
            lc.missingCreated = true;
        }
    }
    addRetriesAndResends(lc, rng);
    return lc;
}

// Lifecycles as the simulator sends them, parsed with parseEnvelope like the receiver does;
// mutated ones lose events, share timestamps, lose "created", are retried and resent.
QList<Lifecycle> simulatorLifecycles(quint64 seed, int count, bool mutate, QRandomGenerator &rng,
                                     QString *error)
{
    sim::LifecycleOptions options;
    options.seed = seed;
    options.clockUs = [t = T0]() mutable { return t += 45 * Sec; };
    sim::LifecycleGenerator generator(options);
    QList<Lifecycle> out;
    for (int n = 0; n < count; ++n) {
        const QList<sim::GeneratedEvent> events = generator.nextMigration();
        Lifecycle lc;
        lc.label
            = QStringLiteral("simulator #%1%2").arg(n).arg(mutate ? QStringLiteral(" (mutated)") : QString());
        for (const sim::GeneratedEvent &g : events) {
            const Envelope e = parseEnvelope(g.body);
            if (!e.parsed || e.eventId != QString::fromLatin1(g.eventId)
                || e.type != QString::fromLatin1(g.type)
                || e.migrationId != QString::fromLatin1(g.migrationId) || e.createdUs != g.createdUs) {
                *error = QStringLiteral("the generated body does not parse as generated: %1")
                             .arg(QString::fromUtf8(g.body));
                return {};
            }
            EventFacts f;
            f.msgId = g.msgId;
            f.eventId = e.eventId;
            f.type = e.type;
            f.migrationId = e.migrationId;
            f.createdUs = e.createdUs;
            f.status = e.status;
            f.errorMessage = e.errorMessage;
            f.taskId = e.taskId;
            f.companyId = e.companyId;
            f.createdByUserId = e.createdByUserId;
            f.objectCreatedUs = e.objectCreatedUs;
            f.receivedUs = g.createdUs + (1 + rng.bounded(2000)) * Ms;
            f.parsed = e.parsed;
            lc.deliveries.append(Delivery {f, 1});
        }
        if (mutate) {
            for (qsizetype i = 1; i < lc.deliveries.size(); ++i) {
                if (chance(rng, 0.15)) {
                    lc.deliveries[i].facts.createdUs = lc.deliveries[i - 1].facts.createdUs;
                    lc.equalTimes = true;
                }
            }
            if (lc.deliveries.size() > 1 && chance(rng, 0.3)) {
                lc.deliveries.removeAt(rng.bounded(int(lc.deliveries.size())));
                lc.missingEvent = true;
            }
            for (Delivery &d : lc.deliveries) {
                if (chance(rng, 0.05)) {
                    d.facts.createdUs.reset();
                    lc.missingCreated = true;
                }
            }
            addRetriesAndResends(lc, rng);
        }
        out.append(lc);
    }
    return out;
}

// One upsert: which delivery, carrying which attempt count.
struct Arrival
{
    qsizetype delivery;
    int attempts;
};

// The attempt counts a delivery's arrivals carry: any values up to the final count, which
// one of them carries. A stale, lower count after a higher one must not lower it.
QList<int> attemptCounts(const Delivery &d, QRandomGenerator *rng)
{
    QList<int> counts;
    for (int k = 0; k < d.arrivals; ++k)
        counts.append(rng ? 1 + int(rng->bounded(d.facts.attempts))
                          : std::max(1, d.facts.attempts - d.arrivals + 1 + k));
    if (rng)
        counts[rng->bounded(int(counts.size()))] = d.facts.attempts;
    return counts;
}

// The orderly stream: by time, then lifecycle order; retries right after their first receipt.
QList<Arrival> sortedArrivals(const Lifecycle &lc)
{
    QList<qsizetype> order;
    for (qsizetype i = 0; i < lc.deliveries.size(); ++i)
        order.append(i);
    const QList<Kind> lifecycleOrder {Kind::Created, Kind::Started, Kind::Task, Kind::Completed,
                                      Kind::Failed,  Kind::Ping,    Kind::Other};
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        const EventFacts &x = lc.deliveries[a].facts;
        const EventFacts &y = lc.deliveries[b].facts;
        const auto rx = lifecycleOrder.indexOf(kindOf(x.type));
        const auto ry = lifecycleOrder.indexOf(kindOf(y.type));
        const qint64 wx = whenOf(x);
        const qint64 wy = whenOf(y);
        return std::tie(wx, rx, x.receivedUs) < std::tie(wy, ry, y.receivedUs);
    });
    QList<Arrival> out;
    for (qsizetype i : order) {
        for (int count : attemptCounts(lc.deliveries[i], nullptr))
            out.append(Arrival {i, count});
    }
    return out;
}

// The orderly stream backwards; each row's retries still count up.
QList<Arrival> reversedArrivals(const Lifecycle &lc, QList<Arrival> arrivals)
{
    std::reverse(arrivals.begin(), arrivals.end());
    QHash<qsizetype, QList<int>> counts;
    for (qsizetype i = 0; i < lc.deliveries.size(); ++i)
        counts.insert(i, attemptCounts(lc.deliveries[i], nullptr));
    for (Arrival &a : arrivals)
        a.attempts = counts[a.delivery].takeFirst();
    return arrivals;
}

QList<Arrival> shuffledArrivals(const Lifecycle &lc, QRandomGenerator &rng)
{
    QList<qsizetype> slots;
    for (qsizetype i = 0; i < lc.deliveries.size(); ++i) {
        for (int k = 0; k < lc.deliveries[i].arrivals; ++k)
            slots.append(i);
    }
    for (qsizetype i = slots.size() - 1; i > 0; --i) // Fisher-Yates with the seeded generator
        std::swap(slots[i], slots[rng.bounded(int(i + 1))]);
    QHash<qsizetype, QList<int>> counts;
    for (qsizetype i = 0; i < lc.deliveries.size(); ++i)
        counts.insert(i, attemptCounts(lc.deliveries[i], &rng));
    QList<Arrival> out;
    for (qsizetype i : slots)
        out.append(Arrival {i, counts[i].takeFirst()});
    return out;
}

QString arrivalsText(const Lifecycle &lc, const QList<Arrival> &arrivals)
{
    QStringList out;
    for (const Arrival &a : arrivals)
        out << QStringLiteral("%1#%2")
                   .arg(QString::fromLatin1(lc.deliveries[a.delivery].facts.msgId))
                   .arg(a.attempts);
    return out.join(QLatin1Char(' '));
}

QString lifecycleText(const Lifecycle &lc)
{
    QStringList out;
    for (const Delivery &d : lc.deliveries) {
        const EventFacts &f = d.facts;
        out << QStringLiteral("  %1 %2 %3 created=%4 received=%5 status=%6 attempts=%7x%8")
                   .arg(QString::fromLatin1(f.msgId), f.eventId, f.type, optionalText(f.createdUs))
                   .arg(f.receivedUs)
                   .arg(f.status)
                   .arg(f.attempts)
                   .arg(d.arrivals);
    }
    return lc.label + QLatin1Char('\n') + out.join(QLatin1Char('\n'));
}

enum class Path { OneByOne, Bulk, BulkInTwoBatches };

QString pathName(Path p)
{
    switch (p) {
    case Path::OneByOne:
        return QStringLiteral("apply() one by one");
    case Path::Bulk:
        return QStringLiteral("applyBulk()");
    case Path::BulkInTwoBatches:
        return QStringLiteral("applyBulk() in two batches");
    }
    return {};
}

// Feeds the arrivals to a fresh log and book. Row ids are handed out in arrival order, from
// a random base, as the store would. split: where BulkInTwoBatches cuts.
std::unique_ptr<Applied> feed(const Lifecycle &lc, const QList<Arrival> &arrivals, Path path, qint64 rowBase,
                              qsizetype split, QString *error)
{
    auto out = std::make_unique<Applied>();
    QHash<qsizetype, qint64> rowIds;
    QSet<quint32> updatedOld;
    qsizetype firstNew = 0;
    for (qsizetype i = 0; i < arrivals.size(); ++i) {
        if (path == Path::BulkInTwoBatches && i == split) {
            out->book.applyBulk(out->log, 0);
            firstNew = out->log.size();
        }
        const Arrival &a = arrivals[i];
        EventFacts f = lc.deliveries[a.delivery].facts;
        const bool firstTime = !rowIds.contains(a.delivery);
        if (firstTime)
            rowIds.insert(a.delivery, rowBase + rowIds.size());
        f.rowId = rowIds.value(a.delivery);
        f.attempts = a.attempts;
        bool isNew = !firstTime;
        const quint32 index = out->log.upsert(f, &isNew);
        if (isNew != firstTime) {
            *error = QStringLiteral("upsert of row %1 said isNew=%2").arg(f.rowId).arg(isNew);
            return nullptr;
        }
        if (path == Path::OneByOne) {
            if (out->book.apply(out->log, index) != out->book.indexOf(f.migrationId)) {
                *error = QStringLiteral("apply() returned another migration's index");
                return nullptr;
            }
        } else if (!isNew && qsizetype(index) < firstNew) {
            updatedOld.insert(index);
        }
    }
    if (path == Path::Bulk)
        out->book.applyBulk(out->log, 0);
    if (path == Path::BulkInTwoBatches) {
        if (split >= arrivals.size())
            out->book.applyBulk(out->log, 0);
        else
            out->book.applyBulk(out->log, firstNew);
        // A retry of a row loaded by the first batch is not a new row: applied on its own.
        for (quint32 index : std::as_const(updatedOld))
            out->book.apply(out->log, index);
    }
    if (out->book.size() != 1) {
        *error = QStringLiteral("expected one migration in the book, found %1").arg(out->book.size());
        return nullptr;
    }
    return out;
}

QList<EventFacts> finalFacts(const Lifecycle &lc)
{
    QList<EventFacts> out;
    for (const Delivery &d : lc.deliveries)
        out.append(d.facts);
    return out;
}

enum class Source { Simulator, SimulatorMutated, Synthetic };

} // namespace

namespace QTest {
template<> char *toString(const std::optional<qint64> &v)
{
    return qstrdup(qPrintable(optionalText(v)));
}
} // namespace QTest

Q_DECLARE_METATYPE(Source)
Q_DECLARE_METATYPE(mm::Anomaly)

class TestMigration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The headline property.
    void arrivalOrderDoesNotMatter_data();
    void arrivalOrderDoesNotMatter();
    void timesAsSendersWriteThemDoNotFollowArrival();
    void undatedOutcomesDoNotFollowArrival();
    void taskFailureMeansRunning();
    void unknownTypesAfterTheOutcomeAreNoAnomaly();

    // Status semantics.
    void status_data();
    void status();
    void equalTimesConflictingOutcomesAreDeterministic();
    void completedWithFailuresAndTaskFailures();
    void counts_data();
    void counts();
    void taskFailureResentUnderSecondMessageId();
    void createdAndWhoFromTheEvents();

    // Anomalies.
    void anomalies_data();
    void anomalies();
    void anomalyCodesAndSentences();

    // Stalls.
    void stalled_data();
    void stalled();
    void bookListsStalledMigrations();
    void defaultQuietThresholds();

    // The book and the log.
    void bookSeparatesMigrationsAndSkipsPings();
    void applyBulkTwiceIncrementally();
    void upsertOfAKnownRowUpdatesAttempts_data();
    void upsertOfAKnownRowUpdatesAttempts();
    void upsertKeepsTheFacts();
    void rowsArrivingBelowTheHighestRowId_data();
    void rowsArrivingBelowTheHighestRowId();
    void interning();
    void whenFallsBackToReceived();
    void vocabulary();
};

// ---------------------------------------------------------------------------------------------

namespace {
// "created" in one of the forms senders write: ISO 8601 with microseconds, ISO with twelve
// fractional digits, seconds since the epoch as a number with a fraction, milliseconds as an
// integer, or not at all. Returns the JSON value, or undefined for none.
QJsonValue createdInForm(qint64 us, int form)
{
    switch (form) {
    case 0:
        return formatTimestampUs(us);
    case 1:
        return QString(formatTimestampUs(us).chopped(1) + QStringLiteral("123456Z"));
    case 2:
        return double(us) / 1e6;
    case 3:
        return double(us / 1000);
    default:
        return QJsonValue(QJsonValue::Undefined);
    }
}

// What must not follow arrival: the status and its message, the anomalies, the counts, who,
// and the order of the events.
QString arrivalFreeDifferences(const Migration &a, const EventLog &la, const Migration &b, const EventLog &lb)
{
    QStringList out;
    auto field = [&out](const char *name, const QString &x, const QString &y) {
        if (x != y)
            out << QStringLiteral("%1: %2 vs %3").arg(s(name), x, y);
    };
    field("status", statusToString(a.status), statusToString(b.status));
    field("failureMessage", a.failureMessage, b.failureMessage);
    field("anomalies", anomalyText(a.anomalies), anomalyText(b.anomalies));
    field("taskFailureCount", QString::number(a.taskFailureCount), QString::number(b.taskFailureCount));
    field("eventCount", QString::number(a.eventCount), QString::number(b.eventCount));
    field("companyId", a.companyId, b.companyId);
    field("createdByUserId", a.createdByUserId, b.createdByUserId);
    // Events by their event id (copies of one event are one event), else their message id.
    auto sequence = [](const Migration &m, const EventLog &log) {
        QStringList ids;
        for (const Migration::Event &e : m.events) {
            const EventRow &row = log.at(e.logIndex);
            ids << QString::fromLatin1(row.eventId().isEmpty() ? row.msgId() : row.eventId());
        }
        return ids.join(QLatin1Char(' '));
    };
    field("events", sequence(a, la), sequence(b, lb));
    return out.join(QStringLiteral("; "));
}
} // namespace

// In life an event's arrival time follows its arrival order. Lifecycles whose events carry
// "created" in every form senders use (or none), fed in different orders with each delivery's
// receive time set by when it arrived: the status, the anomalies and the event order must be
// the same. Before, a numeric, over-precise or missing "created" fell back to the arrival time,
// and the later of two outcomes won by arriving later.
void TestMigration::timesAsSendersWriteThemDoNotFollowArrival()
{
    quint64 seed = 16'2026;
    if (qEnvironmentVariableIsSet("MM_PROPERTY_SEED"))
        seed = qEnvironmentVariable("MM_PROPERTY_SEED").toULongLong();
    QRandomGenerator rng {quint32(seed)};
    int undatedOutcomes = 0;
    int forms[5] = {};
    for (int n = 0; n < 300; ++n) {
        Lifecycle lc = syntheticLifecycle(rng, n);
        int undatedTerminals = 0;
        for (Delivery &d : lc.deliveries) {
            EventFacts &f = d.facts;
            const int form = f.createdUs ? int(rng.bounded(5)) : 4;
            ++forms[form];
            // Through the envelope parser, as a delivery's body would be.
            QJsonObject body {{QStringLiteral("id"), f.eventId}, {QStringLiteral("type"), f.type}};
            if (const QJsonValue created = createdInForm(f.createdUs.value_or(0), form);
                !created.isUndefined())
                body.insert(QStringLiteral("created"), created);
            const Envelope e = parseEnvelope(QJsonDocument(body).toJson(QJsonDocument::Compact));
            QVERIFY(e.parsed);
            if (form == 0 || form == 1)
                QCOMPARE(e.createdUs, f.createdUs);
            else if (form == 3)
                QCOMPARE(e.createdUs, std::optional<qint64>(*f.createdUs / 1000 * 1000));
            else if (form == 2)
                QVERIFY(e.createdUs && qAbs(*e.createdUs - *f.createdUs) <= 1);
            else
                QVERIFY(!e.createdUs);
            f.createdUs = e.createdUs;
            const Kind kind = kindOf(f.type);
            undatedTerminals += !f.createdUs && (kind == Kind::Completed || kind == Kind::Failed);
        }
        undatedOutcomes += undatedTerminals > 1;

        std::unique_ptr<Applied> reference;
        QString referenceOrder;
        for (int p = 0; p < 12; ++p) {
            const QList<Arrival> order = p == 0 ? sortedArrivals(lc) : shuffledArrivals(lc, rng);
            Lifecycle stamped = lc;
            QSet<qsizetype> seen;
            for (qsizetype i = 0; i < order.size(); ++i) {
                if (!seen.contains(order[i].delivery)) {
                    seen.insert(order[i].delivery);
                    stamped.deliveries[order[i].delivery].facts.receivedUs = T0 + 1000 * Sec + i * Sec;
                }
            }
            QString error;
            auto applied = feed(stamped, order, p % 2 ? Path::Bulk : Path::OneByOne, 1, 0, &error);
            QVERIFY2(applied, qPrintable(error));
            if (!reference) {
                reference = std::move(applied);
                referenceOrder = arrivalsText(stamped, order);
                continue;
            }
            const QString diff = arrivalFreeDifferences(reference->book.at(0), reference->log,
                                                        applied->book.at(0), applied->log);
            if (!diff.isEmpty())
                qWarning("%s\nfirst order: %s\nthis order: %s", qPrintable(lifecycleText(stamped)),
                         qPrintable(referenceOrder), qPrintable(arrivalsText(stamped, order)));
            QVERIFY2(diff.isEmpty(),
                     qPrintable(QStringLiteral("%1 (seed %2): %3").arg(lc.label).arg(seed).arg(diff)));
        }
    }
    // Every form came up, and so did migrations with two undated outcomes.
    for (int form = 0; form < 5; ++form)
        QVERIFY2(forms[form] > 20,
                 qPrintable(QStringLiteral("form %1 used %2 times").arg(form).arg(forms[form])));
    QVERIFY(undatedOutcomes > 3);
}

// Two outcomes and no "created" on either: the winner must not be the one that arrived last.
// (Events gives each delivery a receive time by its arrival.)
void TestMigration::undatedOutcomesDoNotFollowArrival()
{
    const qint64 t1 = T0 + Sec, t2 = T0 + 2 * Sec;
    const char *err = "Extraction failed";
    auto build = [&](bool completedFirst) {
        Events e;
        e.add("migration.created", t1).add("migration.started", t2);
        if (completedFirst) {
            e.add("migration.completed", std::nullopt).eventId("evt_done");
            e.add("migration.failed", std::nullopt, nullptr, err).eventId("evt_fail");
        } else {
            e.add("migration.failed", std::nullopt, nullptr, err).eventId("evt_fail");
            e.add("migration.completed", std::nullopt).eventId("evt_done");
        }
        return e.facts();
    };
    for (auto apply : {applyOneByOne, applyInBulk}) {
        const auto a = apply(build(true));
        const auto b = apply(build(false));
        QCOMPARE(statusToString(a->only()->status), statusToString(b->only()->status));
        QCOMPARE(a->only()->failureMessage, b->only()->failureMessage);
        QVERIFY(a->only()->hasAnomaly(Anomaly::ConflictingTerminals));
        // Nothing dated them, so nothing says they came after the start: no such anomaly.
        QVERIFY(!a->only()->hasAnomaly(Anomaly::EventAfterTerminal));
    }
    // A dated outcome beats undated ones, whatever arrives when.
    for (bool datedFirst : {true, false}) {
        Events e;
        e.add("migration.created", t1).add("migration.started", t2);
        if (datedFirst)
            e.add("migration.failed", t2 + Sec, nullptr, err).add("migration.completed", std::nullopt);
        else
            e.add("migration.completed", std::nullopt).add("migration.failed", t2 + Sec, nullptr, err);
        const auto applied = applyOneByOne(e.facts());
        QCOMPARE(applied->only()->status, MigrationStatus::Failed);
        QCOMPARE(applied->only()->finishedUs, std::optional<qint64>(t2 + Sec));
    }
}

// A migration_task.failed means the migration runs: WORKING, with the missing
// migration.started flagged, until the started arrives.
void TestMigration::taskFailureMeansRunning()
{
    const qint64 t1 = T0 + Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec;
    Events e;
    e.add("migration.created", t1).add("migration_task.failed", t3, nullptr, "Export timed out", "task_1");
    auto applied = applyOneByOne(e.facts());
    const Migration *m = applied->only();
    QVERIFY(m);
    QCOMPARE(m->status, MigrationStatus::Working);
    QVERIFY(m->hasAnomaly(Anomaly::TaskFailureWithoutStart));
    QVERIFY(!m->startedUs);
    QCOMPARE(m->taskFailureCount, 1);
    QVERIFY(m->anomalySentences().join(u' ').contains(QLatin1String("no migration.started")));
    QCOMPARE(anomalyCode(Anomaly::TaskFailureWithoutStart), QStringLiteral("task_failure_without_start"));

    // The started arrives late: still WORKING, and nothing is missing any more.
    e.add("migration.started", t2);
    applied = applyInBulk(e.facts());
    QCOMPARE(applied->only()->status, MigrationStatus::Working);
    QVERIFY(!applied->only()->hasAnomaly(Anomaly::TaskFailureWithoutStart));
    QCOMPARE(applied->only()->startedUs, std::optional<qint64>(t2));

    // A task failure dated before the created: still running, never "not started".
    applied = applyOneByOne(Events()
                                .add("migration_task.failed", t1, nullptr, "Export timed out", "task_1")
                                .add("migration.created", t2)
                                .facts());
    QCOMPARE(applied->only()->status, MigrationStatus::Working);

    // An outcome without a start says so once, as before, not twice.
    applied = applyOneByOne(Events()
                                .add("migration.created", t1)
                                .add("migration_task.failed", t2, nullptr, "Export timed out", "task_1")
                                .add("migration.failed", t3, nullptr, "Gave up")
                                .facts());
    QCOMPARE(applied->only()->status, MigrationStatus::Failed);
    QVERIFY(applied->only()->hasAnomaly(Anomaly::TerminalWithoutStart));
    QVERIFY(!applied->only()->hasAnomaly(Anomaly::TaskFailureWithoutStart));
}

// Events of types this app does not know (the vendor's login workflow, say) may follow the
// outcome: that is no anomaly. A lifecycle event dated after it is.
void TestMigration::unknownTypesAfterTheOutcomeAreNoAnomaly()
{
    const qint64 t1 = T0 + Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec, t4 = T0 + 4 * Sec;
    auto applied = applyOneByOne(Events()
                                     .add("migration.created", t1)
                                     .add("migration.started", t2)
                                     .add("migration.completed", t3)
                                     .add("migration.login_rejected", t4, "")
                                     .facts());
    QCOMPARE(applied->only()->status, MigrationStatus::Complete);
    QVERIFY(!applied->only()->hasAnomaly(Anomaly::EventAfterTerminal));
    applied = applyOneByOne(Events()
                                .add("migration.created", t1)
                                .add("migration.completed", t3)
                                .add("migration.started", t4)
                                .facts());
    QVERIFY(applied->only()->hasAnomaly(Anomaly::EventAfterTerminal));
}

void TestMigration::arrivalOrderDoesNotMatter_data()
{
    QTest::addColumn<Source>("source");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("lifecycles");
    QTest::addColumn<int>("permutations");
    QTest::addRow("simulator lifecycles as generated") << Source::Simulator << quint64(20250618) << 150 << 50;
    QTest::addRow("simulator lifecycles, mutated") << Source::SimulatorMutated << quint64(42) << 300 << 50;
    QTest::addRow("synthetic lifecycles") << Source::Synthetic << quint64(7) << 400 << 60;
    QTest::addRow("synthetic lifecycles, another seed")
        << Source::Synthetic << quint64(1'000'003) << 400 << 50;
}

void TestMigration::arrivalOrderDoesNotMatter()
{
    QFETCH(Source, source);
    QFETCH(quint64, seed);
    QFETCH(int, lifecycles);
    QFETCH(int, permutations);
    if (qEnvironmentVariableIsSet("MM_PROPERTY_SEED"))
        seed = qEnvironmentVariable("MM_PROPERTY_SEED").toULongLong();
    const QString replay = QStringLiteral("seed %1 (MM_PROPERTY_SEED=%1 replays it)").arg(seed);

    QRandomGenerator rng(quint32(seed ^ (seed >> 32)));
    QList<Lifecycle> all;
    if (source == Source::Synthetic) {
        for (int n = 0; n < lifecycles; ++n)
            all.append(syntheticLifecycle(rng, n));
    } else {
        QString error;
        all = simulatorLifecycles(seed, lifecycles, source == Source::SimulatorMutated, rng, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QCOMPARE(all.size(), qsizetype(lifecycles));

    // What the lifecycles covered: the property must not hold only because nothing happened.
    QSet<QString> statuses;
    QSet<int> anomalies;
    int equalTimes = 0, missingCreated = 0, missingEvent = 0, retried = 0, resent = 0, taskFailures = 0;
    qint64 checkedOrders = 0;

    for (int n = 0; n < all.size(); ++n) {
        const Lifecycle &lc = all[n];
        QString error;
        const QList<Arrival> sorted = sortedArrivals(lc);
        const auto reference = feed(lc, sorted, Path::OneByOne, 1, 0, &error);
        QVERIFY2(reference, qPrintable(error));
        const Migration &expected = reference->book.at(0);

        // The in-order result against the rules themselves.
        const QString wrong = oracleDifferences(finalFacts(lc), expected, reference->log, !lc.taskResent);
        if (!wrong.isEmpty()) // the context first: QTest cuts long failure messages
            qWarning("%s\n%s", qPrintable(replay), qPrintable(lifecycleText(lc)));
        QVERIFY2(wrong.isEmpty(), qPrintable(QStringLiteral("%1, in order: %2").arg(lc.label, wrong)));

        statuses.insert(statusToString(expected.status));
        for (Anomaly a : anomaliesIn(expected.anomalies))
            anomalies.insert(int(a));
        equalTimes += lc.equalTimes;
        missingCreated += lc.missingCreated;
        missingEvent += lc.missingEvent;
        retried += lc.retried;
        resent += lc.resent;
        taskFailures += expected.taskFailureCount > 0;

        for (int p = 0; p <= permutations; ++p) {
            // Permutation 0 is the reverse of the orderly stream; the others are random.
            const QList<Arrival> order = p == 0 ? reversedArrivals(lc, sorted) : shuffledArrivals(lc, rng);
            const qint64 rowBase = 1 + rng.bounded(1'000'000);
            const qsizetype split = rng.bounded(int(order.size()) + 1);
            for (Path path : {Path::OneByOne, Path::Bulk, Path::BulkInTwoBatches}) {
                const auto actual = feed(lc, order, path, rowBase, split, &error);
                QVERIFY2(actual, qPrintable(error));
                const QString diff = differences(expected, reference->log, actual->book.at(0), actual->log);
                if (!diff.isEmpty()) {
                    qWarning("%s\n%s\npermutation %d via %s (split at %lld), arrivals: %s",
                             qPrintable(replay), qPrintable(lifecycleText(lc)), p, qPrintable(pathName(path)),
                             static_cast<long long>(split), qPrintable(arrivalsText(lc, order)));
                }
                QVERIFY2(diff.isEmpty(),
                         qPrintable(QStringLiteral("%1, permutation %2 via %3 differs from the "
                                                   "orderly stream: %4")
                                        .arg(lc.label)
                                        .arg(p)
                                        .arg(pathName(path), diff)));
                ++checkedOrders;
            }
        }
    }
    qInfo("%s: %d lifecycles, %lld orders checked; statuses %s; %lld anomaly kinds; equal times %d, "
          "missing created %d, missing event %d, retried %d, resent %d, with task failures %d",
          QTest::currentDataTag(), lifecycles, static_cast<long long>(checkedOrders),
          qPrintable(QStringList(statuses.cbegin(), statuses.cend()).join(QLatin1Char(','))),
          static_cast<long long>(anomalies.size()), equalTimes, missingCreated, missingEvent, retried, resent,
          taskFailures);

    QVERIFY(statuses.contains(QStringLiteral("COMPLETE")));
    QVERIFY(statuses.contains(QStringLiteral("COMPLETED_WITH_FAILURES")));
    QVERIFY(statuses.contains(QStringLiteral("FAILED")));
    QVERIFY(taskFailures > 0);
    if (source != Source::Simulator) {
        QVERIFY(equalTimes > 0);
        QVERIFY(missingCreated > 0);
        QVERIFY(retried > 0);
        QVERIFY(resent > 0);
    }
    if (source == Source::SimulatorMutated) {
        QVERIFY(missingEvent > 0);
        QVERIFY(anomalies.contains(int(Anomaly::TerminalWithoutStart)));
        QVERIFY(anomalies.contains(int(Anomaly::StartWithoutCreation)));
    }
    if (source == Source::Synthetic) {
        QVERIFY(statuses.contains(QStringLiteral("WORKING")));
        QVERIFY(statuses.contains(QStringLiteral("NOT_STARTED")));
        QCOMPARE(anomalies.size(), qsizetype(6)); // every anomaly occurs
    }
}

// ---------------------------------------------------------------------------------------------

void TestMigration::status_data()
{
    QTest::addColumn<QList<EventFacts>>("arrivals");
    QTest::addColumn<QString>("status");
    QTest::addColumn<qint64>("startedUs");
    QTest::addColumn<qint64>("finishedUs");
    QTest::addColumn<QString>("failureMessage");

    const qint64 t1 = T0 + 1 * Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec, t4 = T0 + 4 * Sec;
    const char *err = "Login workflow failed: multi-factor challenge timed out";
    const QString error = s(err);

    QTest::addRow("in order") << Events()
                                     .add("migration.created", t1)
                                     .add("migration.started", t2)
                                     .add("migration.completed", t3)
                                     .facts()
                              << s("COMPLETE") << t2 << t3 << QString();
    QTest::addRow("completed, then a late started") << Events()
                                                           .add("migration.created", t1)
                                                           .add("migration.completed", t3)
                                                           .add("migration.started", t2)
                                                           .facts()
                                                    << s("COMPLETE") << t2 << t3 << QString();
    QTest::addRow("outcome first, created last") << Events()
                                                        .add("migration.completed", t3)
                                                        .add("migration.started", t2)
                                                        .add("migration.created", t1)
                                                        .facts()
                                                 << s("COMPLETE") << t2 << t3 << QString();
    QTest::addRow("started, then a late created")
        << Events().add("migration.started", t2).add("migration.created", t1).facts() << s("WORKING") << t2
        << NoTime << QString();
    QTest::addRow("failed, then a late started") << Events()
                                                        .add("migration.created", t1)
                                                        .add("migration.failed", t3, nullptr, err)
                                                        .add("migration.started", t2)
                                                        .facts()
                                                 << s("FAILED") << t2 << t3 << error;
    QTest::addRow("started and completed at the same time, completed first")
        << Events()
               .add("migration.created", t1)
               .add("migration.completed", t2)
               .add("migration.started", t2)
               .facts()
        << s("COMPLETE") << t2 << t2 << QString();
    QTest::addRow("created and started at the same time, started first")
        << Events().add("migration.started", t1).add("migration.created", t1).facts() << s("WORKING") << t1
        << NoTime << QString();
    QTest::addRow("all three at the same time, in reverse") << Events()
                                                                   .add("migration.completed", t1)
                                                                   .add("migration.started", t1)
                                                                   .add("migration.created", t1)
                                                                   .facts()
                                                            << s("COMPLETE") << t1 << t1 << QString();
    QTest::addRow("failed at the same time as started, failed first")
        << Events()
               .add("migration.created", t1)
               .add("migration.failed", t2, nullptr, err)
               .add("migration.started", t2)
               .facts()
        << s("FAILED") << t2 << t2 << error;
    QTest::addRow("completed with failures")
        << Events()
               .add("migration.created", t1)
               .add("migration.started", t2)
               .add("migration_task.failed", t3, nullptr, "Rate limited", "task_1")
               .add("migration.completed", t4, "COMPLETED_WITH_FAILURES")
               .facts()
        << s("COMPLETED_WITH_FAILURES") << t2 << t4 << QString();
    QTest::addRow("failed carries error_message") << Events()
                                                         .add("migration.created", t1)
                                                         .add("migration.started", t2)
                                                         .add("migration.failed", t3, nullptr, err)
                                                         .facts()
                                                  << s("FAILED") << t2 << t3 << error;
    QTest::addRow("the latest outcome wins: failed, then completed")
        << Events()
               .add("migration.created", t1)
               .add("migration.started", t2)
               .add("migration.failed", t3, nullptr, err)
               .add("migration.completed", t4)
               .facts()
        << s("COMPLETE") << t2 << t4 << QString();
    QTest::addRow("the latest outcome wins: completed, then failed, arriving first")
        << Events()
               .add("migration.failed", t4, nullptr, err)
               .add("migration.created", t1)
               .add("migration.started", t2)
               .add("migration.completed", t3)
               .facts()
        << s("FAILED") << t2 << t4 << error;
    QTest::addRow("only created") << Events().add("migration.created", t1).facts() << s("NOT_STARTED")
                                  << NoTime << NoTime << QString();
    // A task failed, so the migration runs (flagged: task_failure_without_start).
    QTest::addRow("only a task failure: running")
        << Events().add("migration_task.failed", t3, nullptr, "Rate limited", "task_1").facts()
        << s("WORKING") << NoTime << NoTime << QString();
    QTest::addRow("an unknown event type sets no status")
        << Events().add("migration.created", t1).add("migration.login_workflow.succeeded", t2, "").facts()
        << s("NOT_STARTED") << NoTime << NoTime << QString();
    QTest::addRow("the earliest start is the start") << Events()
                                                            .add("migration.created", t1)
                                                            .add("migration.started", t3)
                                                            .add("migration.started", t2)
                                                            .facts()
                                                     << s("WORKING") << t2 << NoTime << QString();
    QTest::addRow("a started without created time dates from its arrival")
        << Events()
               .add("migration.created", t1)
               .add("migration.started", std::nullopt)
               .receivedAt(t2 + 500 * Ms)
               .add("migration.completed", t3)
               .facts()
        << s("COMPLETE") << t2 + 500 * Ms << t3 << QString();
    QTest::addRow("a retried outcome is still one outcome") << Events()
                                                                   .add("migration.created", t1)
                                                                   .add("migration.started", t2)
                                                                   .add("migration.failed", t3, nullptr, err)
                                                                   .attempts(4)
                                                                   .facts()
                                                            << s("FAILED") << t2 << t3 << error;
}

void TestMigration::status()
{
    QFETCH(QList<EventFacts>, arrivals);
    QFETCH(QString, status);
    QFETCH(qint64, startedUs);
    QFETCH(qint64, finishedUs);
    QFETCH(QString, failureMessage);

    for (const bool bulk : {false, true}) {
        const auto applied = bulk ? applyInBulk(arrivals) : applyOneByOne(arrivals);
        const Migration *m = applied->only();
        QVERIFY(m);
        QCOMPARE(m->id, QStringLiteral("mig_1"));
        QCOMPARE(statusToString(m->status), status);
        QCOMPARE(m->startedUs, optionalFrom(startedUs));
        QCOMPARE(m->finishedUs, optionalFrom(finishedUs));
        QCOMPARE(m->failureMessage, failureMessage);
        QCOMPARE(isTerminal(m->status), finishedUs != NoTime);
        if (m->startedUs) {
            QCOMPARE(m->durationUs(T0 + 100 * Sec),
                     std::optional<qint64>((finishedUs != NoTime ? finishedUs : T0 + 100 * Sec) - startedUs));
        } else {
            QCOMPARE(m->durationUs(T0 + 100 * Sec), std::optional<qint64>());
        }
    }
    // And the opposite arrival order gives the same.
    const auto forward = applyOneByOne(arrivals);
    const auto backward = applyOneByOne(reversed(arrivals));
    const QString diff = differences(*forward->only(), forward->log, *backward->only(), backward->log);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestMigration::equalTimesConflictingOutcomesAreDeterministic()
{
    // A completed and a failed with the same "created": both are terminal, so neither the
    // time nor the lifecycle rank decides. Whatever wins must win in every arrival order.
    const qint64 t = T0 + 3 * Sec;
    const QList<EventFacts> arrivals = Events()
                                           .add("migration.created", T0)
                                           .add("migration.started", T0 + Sec)
                                           .add("migration.completed", t)
                                           .add("migration.failed", t, nullptr, "Export job was cancelled")
                                           .facts();
    QList<int> order {0, 1, 2, 3};
    std::optional<MigrationStatus> first;
    do {
        QList<EventFacts> permuted;
        for (int i : order)
            permuted.append(arrivals[i]);
        const auto applied = applyOneByOne(permuted);
        const Migration *m = applied->only();
        QVERIFY(m);
        QVERIFY2(m->status == MigrationStatus::Complete || m->status == MigrationStatus::Failed,
                 qPrintable(statusToString(m->status)));
        QVERIFY(m->hasAnomaly(Anomaly::ConflictingTerminals));
        QCOMPARE(m->finishedUs, std::optional<qint64>(t));
        QCOMPARE(m->failureMessage.isEmpty(), m->status != MigrationStatus::Failed);
        if (!first)
            first = m->status;
        QCOMPARE(m->status, *first);
    } while (std::next_permutation(order.begin(), order.end()));
}

void TestMigration::completedWithFailuresAndTaskFailures()
{
    const qint64 t1 = T0 + 1 * Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec, t4 = T0 + 4 * Sec,
                 t5 = T0 + 5 * Sec;
    // Task failures arrive newest first, and after the outcome.
    const QList<EventFacts> arrivals = Events()
                                           .add("migration.created", t1)
                                           .add("migration.started", t2)
                                           .add("migration.completed", t5, "COMPLETED_WITH_FAILURES")
                                           .add("migration_task.failed", t4, nullptr,
                                                "Document export failed: file exceeds 2 GB", "task_B")
                                           .add("migration_task.failed", t3, nullptr,
                                                "Rate limited by the source system (HTTP 429)", "task_A")
                                           .facts();
    for (const bool bulk : {false, true}) {
        const auto applied = bulk ? applyInBulk(arrivals) : applyOneByOne(arrivals);
        const Migration *m = applied->only();
        QVERIFY(m);
        QCOMPARE(m->status, MigrationStatus::CompletedWithFailures);
        QCOMPARE(statusDisplayName(m->status), QStringLiteral("Completed with failures"));
        QCOMPARE(m->taskFailureCount, 2);
        const QList<TaskFailure> tasks = m->taskFailures(applied->log);
        QCOMPARE(tasks.size(), qsizetype(2));
        QCOMPARE(tasks[0].atUs, t3);
        QCOMPARE(tasks[0].taskId, QStringLiteral("task_A"));
        QCOMPARE(tasks[0].error, QStringLiteral("Rate limited by the source system (HTTP 429)"));
        QCOMPARE(tasks[1].atUs, t4);
        QCOMPARE(tasks[1].taskId, QStringLiteral("task_B"));
        QCOMPARE(tasks[1].error, QStringLiteral("Document export failed: file exceeds 2 GB"));
        // A task failure is not a lifecycle event: it neither ends the migration nor is
        // "after the outcome", and the outcome carries no failure message.
        QCOMPARE(m->failureMessage, QString());
        QCOMPARE(m->anomalies, quint8(0));
    }
}

void TestMigration::counts_data()
{
    QTest::addColumn<QList<EventFacts>>("arrivals");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("duplicates");
    QTest::addColumn<int>("attempts");

    const qint64 t1 = T0 + 1 * Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec;
    QTest::addRow("one attempt each") << Events()
                                             .add("migration.created", t1)
                                             .add("migration.started", t2)
                                             .add("migration.completed", t3)
                                             .facts()
                                      << 3 << 0 << 3;
    QTest::addRow("retries count as duplicates") << Events()
                                                        .add("migration.created", t1)
                                                        .attempts(3)
                                                        .add("migration.started", t2)
                                                        .add("migration.completed", t3)
                                                        .attempts(2)
                                                        .facts()
                                                 << 3 << 3 << 6;
    QTest::addRow("the same event under a second message id")
        << Events().add("migration.created", t1).add("migration.started", t2).resendLast().facts() << 3 << 1
        << 3;
    QTest::addRow("resent and retried")
        << Events().add("migration.created", t1).attempts(2).resendLast().attempts(3).facts() << 2
        << 1 + 1 + 2 << 5;
    QTest::addRow("the same event under three message ids")
        << Events().add("migration.started", t2).resendLast().resendLast().facts() << 3 << 2 << 3;
    QTest::addRow("events without an id are never the same event")
        << Events().add("migration.created", t1).eventId("").add("migration.started", t2).eventId("").facts()
        << 2 << 0 << 2;
}

void TestMigration::counts()
{
    QFETCH(QList<EventFacts>, arrivals);
    QFETCH(int, events);
    QFETCH(int, duplicates);
    QFETCH(int, attempts);
    for (const bool bulk : {false, true}) {
        const auto applied = bulk ? applyInBulk(arrivals) : applyOneByOne(arrivals);
        const Migration *m = applied->only();
        QVERIFY(m);
        QCOMPARE(m->eventCount, events);
        QCOMPARE(m->duplicateCount, duplicates);
        QCOMPARE(m->attemptCount, attempts);
    }
}

void TestMigration::taskFailureResentUnderSecondMessageId()
{
    // The vendor resends one migration_task.failed (same evt_ id) under a second svix-id. The
    // model itself recognises the second copy as a duplicate (duplicateCount 1), so it is one
    // task failure, not two.
    const QList<EventFacts> arrivals
        = Events()
              .add("migration.created", T0 + 1 * Sec)
              .add("migration.started", T0 + 2 * Sec)
              .add("migration_task.failed", T0 + 3 * Sec, nullptr, "Rate limited", "task_1")
              .resendLast()
              .add("migration.completed", T0 + 4 * Sec, "COMPLETED_WITH_FAILURES")
              .facts();
    const auto applied = applyOneByOne(arrivals);
    const Migration *m = applied->only();
    QVERIFY(m);
    QCOMPARE(m->duplicateCount, 1);
    QCOMPARE(m->taskFailureCount, 1);
    QCOMPARE(m->taskFailures(applied->log).size(), qsizetype(1));
}

void TestMigration::createdAndWhoFromTheEvents()
{
    // object.created says when the record was created; without it, migration.created's time does.
    {
        QList<EventFacts> arrivals
            = Events().add("migration.started", T0 + 5 * Sec).add("migration.created", T0 + 2 * Sec).facts();
        for (EventFacts &f : arrivals)
            f.objectCreatedUs = T0 - 7 * Sec;
        const auto applied = applyOneByOne(arrivals);
        QCOMPARE(applied->only()->createdUs, std::optional<qint64>(T0 - 7 * Sec));
        QCOMPARE(applied->only()->companyId, QStringLiteral("3f1c0f0e-5f7e-4a53-9d7b-0c1e2d3f4a5b"));
        QCOMPARE(applied->only()->createdByUserId, QStringLiteral("usr_01J0000000000000000000000"));
        QCOMPARE(applied->only()->firstEventUs, T0 + 2 * Sec);
        QCOMPARE(applied->only()->lastEventUs, T0 + 5 * Sec);
    }
    {
        QList<EventFacts> arrivals
            = Events().add("migration.started", T0 + 5 * Sec).add("migration.created", T0 + 2 * Sec).facts();
        for (EventFacts &f : arrivals) {
            f.objectCreatedUs.reset();
            f.companyId.clear();
            f.createdByUserId.clear();
        }
        const auto applied = applyOneByOne(arrivals);
        QCOMPARE(applied->only()->createdUs, std::optional<qint64>(T0 + 2 * Sec));
        QCOMPARE(applied->only()->companyId, QString());
        QCOMPARE(applied->only()->createdByUserId, QString());
    }
    {
        const auto applied
            = applyOneByOne(Events().add("migration_task.failed", T0, nullptr, "x", "task_1").facts());
        QCOMPARE(applied->only()->createdUs, std::optional<qint64>());
    }
}

// ---------------------------------------------------------------------------------------------

void TestMigration::anomalies_data()
{
    QTest::addColumn<Anomaly>("anomaly");
    QTest::addColumn<QList<EventFacts>>("arrivals");
    QTest::addColumn<bool>("expected");

    const qint64 t1 = T0 + 1 * Sec, t2 = T0 + 2 * Sec, t3 = T0 + 3 * Sec, t4 = T0 + 4 * Sec;
    const Anomaly noStart = Anomaly::TerminalWithoutStart;
    QTest::addRow("terminal without start: completed")
        << noStart << Events().add("migration.created", t1).add("migration.completed", t3).facts() << true;
    QTest::addRow("terminal without start: failed")
        << noStart << Events().add("migration.created", t1).add("migration.failed", t3, nullptr, "x").facts()
        << true;
    QTest::addRow("terminal without start: not when started, even late")
        << noStart
        << Events()
               .add("migration.created", t1)
               .add("migration.completed", t3)
               .add("migration.started", t2)
               .facts()
        << false;
    QTest::addRow("terminal without start: not without an outcome")
        << noStart
        << Events()
               .add("migration.created", t1)
               .add("migration_task.failed", t2, nullptr, "x", "task_1")
               .facts()
        << false;

    const Anomaly noCreation = Anomaly::StartWithoutCreation;
    QTest::addRow("start without creation")
        << noCreation << Events().add("migration.started", t2).facts() << true;
    QTest::addRow("start without creation: finished too")
        << noCreation << Events().add("migration.started", t2).add("migration.completed", t3).facts() << true;
    QTest::addRow("start without creation: not when created arrives late")
        << noCreation << Events().add("migration.started", t2).add("migration.created", t1).facts() << false;
    QTest::addRow("start without creation: not when never started")
        << noCreation << Events().add("migration.completed", t3).facts() << false;

    const Anomaly conflict = Anomaly::ConflictingTerminals;
    QTest::addRow("conflicting: completed and failed") << conflict
                                                       << Events()
                                                              .add("migration.started", t2)
                                                              .add("migration.completed", t3)
                                                              .add("migration.failed", t4, nullptr, "x")
                                                              .facts()
                                                       << true;
    QTest::addRow("conflicting: COMPLETE and COMPLETED_WITH_FAILURES")
        << conflict
        << Events()
               .add("migration.started", t2)
               .add("migration.completed", t3, "COMPLETE")
               .add("migration.completed", t4, "COMPLETED_WITH_FAILURES")
               .facts()
        << true;
    QTest::addRow("conflicting: not for the same outcome twice") << conflict
                                                                 << Events()
                                                                        .add("migration.started", t2)
                                                                        .add("migration.completed", t3)
                                                                        .add("migration.completed", t4)
                                                                        .facts()
                                                                 << false;
    QTest::addRow("conflicting: not for one outcome resent") << conflict
                                                             << Events()
                                                                    .add("migration.started", t2)
                                                                    .add("migration.failed", t3, nullptr, "x")
                                                                    .resendLast()
                                                                    .facts()
                                                             << false;

    const Anomaly mismatch = Anomaly::StatusMismatch;
    QTest::addRow("mismatch: started saying NOT_STARTED")
        << mismatch
        << Events().add("migration.created", t1).add("migration.started", t2, "NOT_STARTED").facts() << true;
    QTest::addRow("mismatch: completed saying FAILED")
        << mismatch << Events().add("migration.started", t2).add("migration.completed", t3, "FAILED").facts()
        << true;
    QTest::addRow("mismatch: failed saying COMPLETE")
        << mismatch
        << Events().add("migration.started", t2).add("migration.failed", t3, "COMPLETE", "x").facts() << true;
    QTest::addRow("mismatch: created saying WORKING")
        << mismatch << Events().add("migration.created", t1, "WORKING").facts() << true;
    QTest::addRow("mismatch: not for COMPLETED_WITH_FAILURES")
        << mismatch
        << Events()
               .add("migration.started", t2)
               .add("migration.completed", t3, "COMPLETED_WITH_FAILURES")
               .facts()
        << false;
    QTest::addRow("mismatch: not without a status")
        << mismatch << Events().add("migration.created", t1, "").add("migration.started", t2, "").facts()
        << false;
    QTest::addRow("mismatch: not for a failed task")
        << mismatch
        << Events()
               .add("migration.started", t2)
               .add("migration_task.failed", t3, "FAILED", "x", "task_1")
               .facts()
        << false;

    const Anomaly after = Anomaly::EventAfterTerminal;
    QTest::addRow("after terminal: started dated after completed") << after
                                                                   << Events()
                                                                          .add("migration.created", t1)
                                                                          .add("migration.completed", t2)
                                                                          .add("migration.started", t3)
                                                                          .facts()
                                                                   << true;
    QTest::addRow("after terminal: created dated after failed")
        << after
        << Events()
               .add("migration.started", t1)
               .add("migration.failed", t2, nullptr, "x")
               .add("migration.created", t3)
               .facts()
        << true;
    QTest::addRow("after terminal: not for a later task failure")
        << after
        << Events()
               .add("migration.created", t1)
               .add("migration.started", t2)
               .add("migration.completed", t3)
               .add("migration_task.failed", t4, nullptr, "x", "task_1")
               .facts()
        << false;
    QTest::addRow("after terminal: not at the same time") << after
                                                          << Events()
                                                                 .add("migration.created", t1)
                                                                 .add("migration.completed", t2)
                                                                 .add("migration.started", t2)
                                                                 .facts()
                                                          << false;
    QTest::addRow("after terminal: not in order") << after
                                                  << Events()
                                                         .add("migration.created", t1)
                                                         .add("migration.started", t2)
                                                         .add("migration.completed", t3)
                                                         .facts()
                                                  << false;
}

void TestMigration::anomalies()
{
    QFETCH(Anomaly, anomaly);
    QFETCH(QList<EventFacts>, arrivals);
    QFETCH(bool, expected);
    for (const bool bulk : {false, true}) {
        for (const QList<EventFacts> &order : {arrivals, reversed(arrivals)}) {
            const auto applied = bulk ? applyInBulk(order) : applyOneByOne(order);
            const Migration *m = applied->only();
            QVERIFY(m);
            QVERIFY2(m->hasAnomaly(anomaly) == expected, qPrintable(anomalyText(m->anomalies)));
            QCOMPARE(anomaliesIn(m->anomalies).contains(anomaly), expected);
            const QStringList sentences = m->anomalySentences();
            QCOMPARE(sentences.size(), anomaliesIn(m->anomalies).size());
            for (const QString &sentence : sentences)
                QVERIFY(!sentence.trimmed().isEmpty());
        }
    }
}

void TestMigration::anomalyCodesAndSentences()
{
    const QList<Anomaly> all {Anomaly::TerminalWithoutStart, Anomaly::StartWithoutCreation,
                              Anomaly::ConflictingTerminals, Anomaly::StatusMismatch,
                              Anomaly::EventAfterTerminal};
    QCOMPARE(anomalyCode(Anomaly::TerminalWithoutStart),
             QStringLiteral("terminal_without_start")); // migration.h
    QSet<QString> codes;
    QSet<QString> sentences;
    quint8 mask = 0;
    for (Anomaly a : all) {
        const QString code = anomalyCode(a);
        static const QRegularExpression snake(QStringLiteral("^[a-z]+(_[a-z]+)*$"));
        QVERIFY2(snake.match(code).hasMatch(), qPrintable(code));
        codes.insert(code);
        Migration m;
        m.anomalies = quint8(1u << quint8(a));
        QVERIFY(m.hasAnomaly(a));
        QCOMPARE(anomaliesIn(m.anomalies), QList<Anomaly> {a});
        const QStringList said = m.anomalySentences();
        QCOMPARE(said.size(), qsizetype(1));
        QVERIFY(said.first().size() > 10);
        sentences.insert(said.first());
        mask |= m.anomalies;
    }
    QCOMPARE(codes.size(), all.size()); // no two anomalies share a code
    QCOMPARE(sentences.size(), all.size()); // nor a sentence
    QCOMPARE(anomaliesIn(mask), all);
    QCOMPARE(anomaliesIn(0), QList<Anomaly>());
    Migration none;
    QVERIFY(none.anomalySentences().isEmpty());
}

// ---------------------------------------------------------------------------------------------

void TestMigration::stalled_data()
{
    QTest::addColumn<QList<EventFacts>>("arrivals");
    QTest::addColumn<qint64>("nowUs");
    QTest::addColumn<bool>("expected");

    // Limits used in every row: WORKING 10 min, NOT_STARTED 60 min. Each scenario's last
    // delivery arrived at R.
    const qint64 R = T0 + 5000 * Sec;
    const qint64 minute = 60 * Sec;
    auto working = [R] {
        return Events()
            .add("migration.created", T0)
            .receivedAt(R - 5 * Sec)
            .add("migration.started", T0 + Sec)
            .receivedAt(R);
    };
    auto notStarted = [R] { return Events().add("migration.created", T0).receivedAt(R); };
    QTest::addRow("working, quiet just over its limit") << working().facts() << R + 10 * minute + 1 << true;
    QTest::addRow("working, quiet long") << working().facts() << R + 300 * minute << true;
    QTest::addRow("working, quiet just under its limit") << working().facts() << R + 10 * minute - 1 << false;
    QTest::addRow("working, just heard from") << working().facts() << R << false;
    QTest::addRow("working: a late old event counts as news")
        << working()
               .add("migration_task.failed", T0 + 2 * Sec, nullptr, "x", "task_1")
               .receivedAt(R + 20 * minute)
               .facts()
        << R + 25 * minute << false;
    QTest::addRow("not started, over the working limit only")
        << notStarted().facts() << R + 30 * minute << false;
    QTest::addRow("not started, over its own limit") << notStarted().facts() << R + 60 * minute + 1 << true;
    QTest::addRow("complete is never stalled")
        << working().add("migration.completed", T0 + 2 * Sec).receivedAt(R).facts() << R + 10000 * minute
        << false;
    QTest::addRow("failed is never stalled")
        << working().add("migration.failed", T0 + 2 * Sec, nullptr, "x").receivedAt(R).facts()
        << R + 10000 * minute << false;
    QTest::addRow("unknown is never stalled")
        << Events().add("migration.login_rejected", T0, "").receivedAt(R).facts() << R + 10000 * minute
        << false;
    // A task failure alone means the migration runs (taskFailureMeansRunning): it can go quiet.
    QTest::addRow("a task failure alone is working")
        << Events().add("migration_task.failed", T0, nullptr, "x", "task_1").receivedAt(R).facts()
        << R + 10000 * minute << true;
}

void TestMigration::stalled()
{
    QFETCH(QList<EventFacts>, arrivals);
    QFETCH(qint64, nowUs);
    QFETCH(bool, expected);
    const qint64 workingUs = 10 * 60 * Sec;
    const qint64 notStartedUs = 60 * 60 * Sec;
    const auto applied = applyOneByOne(arrivals);
    const Migration *m = applied->only();
    QVERIFY(m);
    QCOMPARE(m->isQuiet(nowUs, workingUs, notStartedUs), expected);
    const QList<qsizetype> stalledList
        = applied->book.quiet(nowUs, QuietThresholds {workingUs, notStartedUs});
    QCOMPARE(stalledList, expected ? QList<qsizetype> {0} : QList<qsizetype> {});
}

void TestMigration::bookListsStalledMigrations()
{
    const qint64 now = T0 + 100'000 * Sec;
    const qint64 hour = 3600 * Sec;
    QList<EventFacts> all;
    auto take = [&all](const Events &e) {
        for (EventFacts f : e.facts()) {
            f.rowId = all.size() + 1;
            all.append(f);
        }
    };
    take(Events("mig_quiet_working")
             .add("migration.created", T0)
             .receivedAt(now - 3 * hour)
             .add("migration.started", T0 + Sec)
             .receivedAt(now - 2 * hour));
    take(Events("mig_busy_working")
             .add("migration.started", T0)
             .receivedAt(now - 2 * hour)
             .add("migration_task.failed", T0 + Sec, nullptr, "x", "task_1")
             .receivedAt(now - Sec));
    take(Events("mig_old_not_started").add("migration.created", T0).receivedAt(now - 2 * hour));
    take(Events("mig_new_not_started").add("migration.created", T0).receivedAt(now - hour / 2));
    take(Events("mig_done")
             .add("migration.started", T0)
             .receivedAt(now - 9 * hour)
             .add("migration.completed", T0 + Sec)
             .receivedAt(now - 9 * hour));
    for (const bool bulk : {false, true}) {
        const auto applied = bulk ? applyInBulk(all) : applyOneByOne(all);
        QCOMPARE(applied->book.size(), qsizetype(5));
        const QuietThresholds limits {hour, 90 * 60 * Sec};
        QList<qsizetype> got = applied->book.quiet(now, limits);
        std::sort(got.begin(), got.end());
        QList<qsizetype> want {applied->book.indexOf(QStringLiteral("mig_quiet_working")),
                               applied->book.indexOf(QStringLiteral("mig_old_not_started"))};
        std::sort(want.begin(), want.end());
        QVERIFY(!want.contains(-1));
        QCOMPARE(got, want);
        // With more patience, nothing is stalled.
        QCOMPARE(applied->book.quiet(now, QuietThresholds {10 * hour, 10 * hour}), QList<qsizetype>());
    }
}

void TestMigration::defaultQuietThresholds()
{
    // Room for real migrations: the vendor sends nothing between migration.started and the
    // outcome, and nothing while a migration waits for the customer's login.
    const QuietThresholds t;
    QCOMPARE(t.workingUs, 2 * 3600 * Sec); // WORKING with no event for 2 hours
    QCOMPARE(t.notStartedUs, 24 * 3600 * Sec); // NOT_STARTED for a day
}

// ---------------------------------------------------------------------------------------------

void TestMigration::bookSeparatesMigrationsAndSkipsPings()
{
    EventLog log;
    MigrationBook book;
    QList<EventFacts> facts
        = Events("mig_a").add("migration.created", T0).add("migration.started", T0 + Sec).facts();
    const QList<EventFacts> b = Events("mig_b")
                                    .add("migration.created", T0 + 2 * Sec)
                                    .add("migration.failed", T0 + 3 * Sec, nullptr, "x")
                                    .facts();
    facts.insert(1, b[0]);
    facts.append(b[1]);
    EventFacts ping;
    ping.msgId = "msg_ping";
    ping.eventId = QStringLiteral("evt_ping");
    ping.type = QStringLiteral("svix.ping");
    ping.createdUs = T0;
    ping.receivedUs = T0;
    facts.insert(2, ping);
    qint64 rowId = 100;
    QList<qsizetype> returned;
    for (EventFacts f : facts) {
        f.rowId = rowId++;
        returned.append(book.apply(log, log.upsert(f)));
    }
    QCOMPARE(log.size(), qsizetype(5));
    QCOMPARE(book.size(), qsizetype(2));
    const qsizetype a = book.indexOf(QStringLiteral("mig_a"));
    const qsizetype bi = book.indexOf(QStringLiteral("mig_b"));
    QVERIFY(a >= 0 && bi >= 0 && a != bi);
    QCOMPARE(book.indexOf(QStringLiteral("mig_unknown")), qsizetype(-1));
    QCOMPARE(returned, (QList<qsizetype> {a, bi, -1, a, bi}));
    QCOMPARE(book.at(a).status, MigrationStatus::Working);
    QCOMPARE(book.at(a).eventCount, 2);
    QCOMPARE(book.at(bi).status, MigrationStatus::Failed);
    QCOMPARE(book.at(bi).eventCount, 2);

    // Bulk: the same, and the ping still belongs to no migration.
    MigrationBook bulk;
    bulk.applyBulk(log, 0);
    QCOMPARE(bulk.size(), qsizetype(2));
    for (const QString &id : {QStringLiteral("mig_a"), QStringLiteral("mig_b")}) {
        const QString diff = differences(book.at(book.indexOf(id)), log, bulk.at(bulk.indexOf(id)), log);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    // Applying a known row again changes nothing.
    const Migration before = book.at(a);
    QCOMPARE(book.apply(log, 0), a);
    QVERIFY(before.sameAggregate(book.at(a), log, log));
    QCOMPARE(book.at(a).events.size(), before.events.size());
}

void TestMigration::applyBulkTwiceIncrementally()
{
    const QList<EventFacts> all = Events()
                                      .add("migration.completed", T0 + 3 * Sec)
                                      .add("migration.created", T0 + 1 * Sec)
                                      .add("migration_task.failed", T0 + 2 * Sec, nullptr, "x", "task_1")
                                      .add("migration.started", T0 + 2 * Sec)
                                      .facts();
    EventLog log;
    MigrationBook book;
    log.upsert(all[0]);
    log.upsert(all[1]);
    book.applyBulk(log, 0);
    QCOMPARE(book.at(0).status, MigrationStatus::Complete);
    QVERIFY(book.at(0).hasAnomaly(Anomaly::TerminalWithoutStart));
    log.upsert(all[2]);
    log.upsert(all[3]);
    book.applyBulk(log, 2);
    QCOMPARE(book.size(), qsizetype(1));
    const auto reference = applyOneByOne(all);
    const QString diff = differences(*reference->only(), reference->log, book.at(0), log);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QVERIFY(!book.at(0).hasAnomaly(Anomaly::TerminalWithoutStart));
    QCOMPARE(book.at(0).eventCount, 4);
}

void TestMigration::upsertOfAKnownRowUpdatesAttempts_data()
{
    QTest::addColumn<QList<int>>("sent");
    QTest::addColumn<QList<int>>("kept");
    QTest::addRow("rising") << QList<int> {1, 2, 3} << QList<int> {1, 2, 3};
    QTest::addRow("a stale lower count is ignored") << QList<int> {1, 4, 2, 3} << QList<int> {1, 4, 4, 4};
    QTest::addRow("first seen with several attempts") << QList<int> {5, 1} << QList<int> {5, 5};
    QTest::addRow("repeated") << QList<int> {2, 2, 2} << QList<int> {2, 2, 2};
}

void TestMigration::upsertOfAKnownRowUpdatesAttempts()
{
    QFETCH(QList<int>, sent);
    QFETCH(QList<int>, kept);
    EventLog log;
    log.upsert(Events("mig_other").add("migration.created", T0).facts().first());
    EventFacts f = Events().add("migration.started", T0).facts().first();
    f.rowId = 77;
    MigrationBook book;
    book.applyBulk(log, 0);
    for (qsizetype i = 0; i < sent.size(); ++i) {
        f.attempts = sent[i];
        bool isNew = i != 0;
        const quint32 index = log.upsert(f, &isNew);
        QCOMPARE(isNew, i == 0);
        QCOMPARE(index, quint32(1));
        QCOMPARE(log.size(), qsizetype(2));
        QCOMPARE(log.indexOfRowId(77), qsizetype(1));
        QCOMPARE(int(log.at(index).attempts), kept[i]);
        // The migration's counts follow the row.
        const qsizetype m = book.apply(log, index);
        QCOMPARE(book.at(m).attemptCount, kept[i]);
        QCOMPARE(book.at(m).duplicateCount, kept[i] - 1);
        QCOMPARE(book.at(m).eventCount, 1);
    }
}

void TestMigration::upsertKeepsTheFacts()
{
    EventFacts f;
    f.rowId = 9;
    f.msgId = "msg_2ZkcXqCFqYy1T3pbU9d6A0nVqGz";
    f.eventId = QStringLiteral("evt_01J0ZK3AV1P9M5M2G8T3W4X5Y6");
    f.type = QStringLiteral("migration.failed");
    f.migrationId = QStringLiteral("mig_9");
    f.createdUs = T0 + 5;
    f.status = QStringLiteral("FAILED");
    f.errorMessage = QStringLiteral("Export job was cancelled by the source system");
    f.taskId = QString();
    f.companyId = QStringLiteral("3f1c0f0e-5f7e-4a53-9d7b-0c1e2d3f4a5b");
    f.createdByUserId = QStringLiteral("usr_1");
    f.objectCreatedUs = T0 - 5;
    f.receivedUs = T0 + 99;
    f.attempts = 2;
    f.parsed = true;
    f.replayed = true;
    EventLog log;
    bool isNew = false;
    const quint32 index = log.upsert(f, &isNew);
    QVERIFY(isNew);
    const EventRow &r = log.at(index);
    QCOMPARE(r.rowId, qint64(9));
    QCOMPARE(r.msgId().toByteArray(), f.msgId);
    QCOMPARE(r.eventId().toByteArray(), f.eventId.toUtf8());
    QCOMPARE(log.type(r), f.type);
    QCOMPARE(log.migrationId(r), f.migrationId);
    QCOMPARE(r.createdUs, T0 + 5);
    QCOMPARE(r.receivedUs, T0 + 99);
    QCOMPARE(r.status, MigrationStatus::Failed);
    QCOMPARE(r.kind, EventKind::Failed);
    QCOMPARE(log.error(r), f.errorMessage);
    QCOMPARE(EventLog::taskId(r), QString());
    QCOMPARE(log.texts().at(r.company), f.companyId);
    QCOMPARE(log.texts().at(r.creator), f.createdByUserId);
    QCOMPARE(r.objectCreatedUs, T0 - 5);
    QCOMPARE(int(r.attempts), 2);
    QVERIFY(r.parsed);
    QVERIFY(r.replayed);

    // A later upsert of the same row changes only the attempt count.
    EventFacts changed = f;
    changed.type = QStringLiteral("migration.completed");
    changed.errorMessage = QStringLiteral("something else");
    changed.attempts = 3;
    QCOMPARE(log.upsert(changed, &isNew), index);
    QVERIFY(!isNew);
    QCOMPARE(log.type(log.at(index)), QStringLiteral("migration.failed"));
    QCOMPARE(log.error(log.at(index)), f.errorMessage);
    QCOMPARE(int(log.at(index).attempts), 3);
}

void TestMigration::rowsArrivingBelowTheHighestRowId_data()
{
    // eventlog.h: rows "that arrived below the highest rowId (rare)" are kept findable.
    QTest::addColumn<QList<qint64>>("rowIds");
    QTest::addRow("ascending") << QList<qint64> {10, 20, 30, 40};
    QTest::addRow("one late row below the last") << QList<qint64> {10, 20, 5};
    QTest::addRow("descending") << QList<qint64> {40, 30, 20, 10};
    QTest::addRow("late row, then one between") << QList<qint64> {10, 20, 5, 15};
    QTest::addRow("late row, then in order again") << QList<qint64> {10, 20, 30, 5, 40, 50};
    QTest::addRow("interleaved") << QList<qint64> {100, 3, 50, 7, 60, 2, 80, 90};
}

void TestMigration::rowsArrivingBelowTheHighestRowId()
{
    QFETCH(QList<qint64>, rowIds);
    EventLog log;
    for (qint64 id : rowIds) {
        EventFacts f = Events().add("migration.started", T0 + id).facts().first();
        f.rowId = id;
        f.msgId = "msg_" + QByteArray::number(id);
        bool isNew = false;
        log.upsert(f, &isNew);
        QVERIFY(isNew);
    }
    QStringList lost;
    for (qsizetype i = 0; i < rowIds.size(); ++i) {
        if (log.indexOfRowId(rowIds[i]) != i)
            lost << QString::number(rowIds[i]);
    }
    QVERIFY2(lost.isEmpty(),
             qPrintable(QStringLiteral("indexOfRowId cannot find rows %1").arg(lost.join(u' '))));
    // A retry of every row: each is known, nothing is added.
    QStringList duplicated;
    for (qint64 id : rowIds) {
        EventFacts f = Events().add("migration.started", T0 + id).facts().first();
        f.rowId = id;
        f.attempts = 2;
        bool isNew = true;
        log.upsert(f, &isNew);
        if (isNew)
            duplicated << QString::number(id);
    }
    QVERIFY2(duplicated.isEmpty() && log.size() == rowIds.size(),
             qPrintable(QStringLiteral("retries added as new rows: %1").arg(duplicated.join(u' '))));
}

void TestMigration::interning()
{
    Interner interner;
    QCOMPARE(interner.size(), qsizetype(1));
    QCOMPARE(interner.intern(QString()), quint32(0));
    QCOMPARE(interner.intern(QStringLiteral("")), quint32(0));
    QCOMPARE(interner.at(0), QString());
    const quint32 a = interner.intern(QStringLiteral("migration.started"));
    const quint32 b = interner.intern(QStringLiteral("migration.completed"));
    QVERIFY(a != 0 && b != 0 && a != b);
    QCOMPARE(interner.intern(QStringLiteral("migration.started")), a);
    QCOMPARE(interner.find(QStringLiteral("migration.completed")), b);
    QCOMPARE(interner.find(QStringLiteral("never seen")), quint32(0));
    QCOMPARE(interner.at(a), QStringLiteral("migration.started"));
    QCOMPARE(interner.size(), qsizetype(3));

    // In the log: repeated strings share one index; texts hold errors, tasks, companies, users.
    EventLog log;
    const QList<EventFacts> facts
        = Events("mig_x")
              .add("migration.started", T0)
              .add("migration_task.failed", T0 + 1, nullptr, "Rate limited", "task_1")
              .add("migration_task.failed", T0 + 2, nullptr, "Rate limited", "task_2")
              .facts();
    QList<quint32> indexes;
    for (const EventFacts &f : facts)
        indexes.append(log.upsert(f));
    const EventRow &r0 = log.at(indexes[0]);
    const EventRow &r1 = log.at(indexes[1]);
    const EventRow &r2 = log.at(indexes[2]);
    QCOMPARE(r0.migration, r1.migration);
    QCOMPARE(r1.migration, r2.migration);
    QVERIFY(r0.migration != 0);
    QCOMPARE(log.migrations().size(), qsizetype(2)); // "" and mig_x
    QCOMPARE(r1.type, r2.type);
    QVERIFY(r0.type != r1.type);
    QCOMPARE(log.types().size(), qsizetype(3));
    QCOMPARE(r1.error, r2.error);
    QVERIFY(r1.error != 0);
    QCOMPARE(EventLog::taskId(r1), QStringLiteral("task_1"));
    QCOMPARE(EventLog::taskId(r2), QStringLiteral("task_2"));
    QCOMPARE(r2.msgId().toByteArray(), QByteArrayLiteral("msg_mig_x_3"));
    QCOMPARE(r2.eventId().toByteArray(), QByteArrayLiteral("evt_mig_x_3"));
    QCOMPARE(r0.error, quint32(0)); // none
    QCOMPARE(log.texts().find(QStringLiteral("Rate limited")), r1.error);
    // texts: "", the error, the company, the creator (task ids are kept with the row)
    QCOMPARE(log.texts().size(), qsizetype(4));
}

void TestMigration::whenFallsBackToReceived()
{
    EventLog log;
    EventFacts withTime
        = Events().add("migration.started", T0 + 3 * Sec).receivedAt(T0 + 90 * Sec).facts().first();
    EventFacts without = withTime;
    without.rowId = 2;
    without.createdUs.reset();
    const EventRow a = log.at(log.upsert(withTime)); // copies: a later upsert may move the rows
    QVERIFY(a.hasCreated());
    QCOMPARE(a.when(), T0 + 3 * Sec);
    const EventRow b = log.at(log.upsert(without));
    QVERIFY(!b.hasCreated());
    QCOMPARE(b.createdUs, EventRow::NoTime);
    QCOMPARE(b.when(), T0 + 90 * Sec);
    QCOMPARE(log.at(0).when(), T0 + 3 * Sec);
}

void TestMigration::vocabulary()
{
    QCOMPARE(eventKindOf(u"migration.created"), EventKind::Created);
    QCOMPARE(eventKindOf(u"migration.started"), EventKind::Started);
    QCOMPARE(eventKindOf(u"migration_task.failed"), EventKind::TaskFailed);
    QCOMPARE(eventKindOf(u"migration.completed"), EventKind::Completed);
    QCOMPARE(eventKindOf(u"migration.failed"), EventKind::Failed);
    QCOMPARE(eventKindOf(u"svix.ping"), EventKind::Ping);
    QCOMPARE(eventKindOf(u"migration.login_workflow.succeeded"), EventKind::Other);
    for (const char *name : {"NOT_STARTED", "WORKING", "COMPLETE", "COMPLETED_WITH_FAILURES", "FAILED"})
        QCOMPARE(statusToString(statusFromString(s(name))), s(name));
    QCOMPARE(statusFromString(u"working"), MigrationStatus::Unknown);
    QVERIFY(isTerminal(MigrationStatus::CompletedWithFailures));
    QVERIFY(!isTerminal(MigrationStatus::Working));
    QVERIFY(lifecycleRank(EventKind::Created) < lifecycleRank(EventKind::Started));
    QVERIFY(lifecycleRank(EventKind::Started) < lifecycleRank(EventKind::TaskFailed));
    QVERIFY(lifecycleRank(EventKind::TaskFailed) < lifecycleRank(EventKind::Completed));
    QCOMPARE(lifecycleRank(EventKind::Completed), lifecycleRank(EventKind::Failed));
}

QTEST_GUILESS_MAIN(TestMigration)
#include "tst_migration.moc"
