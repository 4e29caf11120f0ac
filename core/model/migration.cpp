// SPDX-License-Identifier: GPL-3.0-or-later
#include "migration.h"

#include "eventlog.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <algorithm>

namespace mm {

namespace {
bool eventLess(const Migration::Event &a, const Migration::Event &b)
{
    // Nothing here depends on when (or how often) an event arrived: an event without a time
    // sorts by what it is, not by its arrival time, so its place is the same in any order.
    if (a.timed != b.timed)
        return !a.timed;
    if (a.timed && a.when != b.when)
        return a.when < b.when;
    const int ra = lifecycleRank(a.kind);
    const int rb = lifecycleRank(b.kind);
    if (ra != rb)
        return ra < rb;
    if (a.tieBreak != b.tieBreak)
        return a.tieBreak < b.tieBreak;
    // Copies of one event (resent under another message id): the earlier received first when the
    // sender gave no time; the same in any arrival order, since each copy's receive time is its own.
    if (a.identified && b.identified && a.when != b.when)
        return a.when < b.when;
    if (a.messageTieBreak != b.messageTieBreak)
        return a.messageTieBreak < b.messageTieBreak;
    return a.logIndex < b.logIndex;
}

// 64-bit FNV-1a. Not qHash: Qt seeds that per process, and ties must break alike in every
// process (two desktops on one team store, or one app after a restart).
quint64 stableHash(QByteArrayView bytes)
{
    quint64 h = 14695981039346656037ULL;
    for (const char c : bytes) {
        h ^= quint8(c);
        h *= 1099511628211ULL;
    }
    return h;
}

// The earliest time among events of one kind, preferring those the sender dated.
std::optional<qint64> earliestOf(const std::vector<Migration::Event> &events, EventKind kind)
{
    std::optional<qint64> timed;
    std::optional<qint64> untimed;
    for (const Migration::Event &e : events) {
        if (e.kind != kind)
            continue;
        std::optional<qint64> &slot = e.timed ? timed : untimed;
        slot = slot ? std::min(*slot, e.when) : e.when;
    }
    return timed ? timed : untimed;
}

bool statusAgreesWithKind(EventKind kind, MigrationStatus status)
{
    if (status == MigrationStatus::Unknown)
        return true; // no object.status to disagree with
    switch (kind) {
    case EventKind::Created:
        return status == MigrationStatus::NotStarted;
    case EventKind::Started:
        return status == MigrationStatus::Working;
    case EventKind::Completed:
        return status == MigrationStatus::Complete || status == MigrationStatus::CompletedWithFailures;
    case EventKind::Failed:
        return status == MigrationStatus::Failed;
    default:
        return true;
    }
}

MigrationStatus outcomeOf(const Migration::Event &e)
{
    if (e.kind == EventKind::Failed)
        return MigrationStatus::Failed;
    return e.status == MigrationStatus::CompletedWithFailures ? MigrationStatus::CompletedWithFailures
                                                              : MigrationStatus::Complete;
}
} // namespace

QString anomalyCode(Anomaly anomaly)
{
    switch (anomaly) {
    case Anomaly::TerminalWithoutStart:
        return QStringLiteral("terminal_without_start");
    case Anomaly::StartWithoutCreation:
        return QStringLiteral("start_without_creation");
    case Anomaly::ConflictingTerminals:
        return QStringLiteral("conflicting_terminals");
    case Anomaly::StatusMismatch:
        return QStringLiteral("status_mismatch");
    case Anomaly::EventAfterTerminal:
        return QStringLiteral("event_after_terminal");
    case Anomaly::TaskFailureWithoutStart:
        return QStringLiteral("task_failure_without_start");
    }
    return QStringLiteral("unknown");
}

QList<Anomaly> anomaliesIn(quint8 mask)
{
    QList<Anomaly> out;
    for (quint8 bit = 0; bit <= quint8(Anomaly::TaskFailureWithoutStart); ++bit) {
        if (mask & (1u << bit))
            out.append(Anomaly(bit));
    }
    return out;
}

std::optional<qint64> Migration::durationUs(qint64 nowUs) const
{
    if (!startedUs)
        return std::nullopt;
    return (finishedUs ? *finishedUs : nowUs) - *startedUs;
}

bool Migration::isQuiet(qint64 nowUs, qint64 workingLimitUs, qint64 notStartedLimitUs) const
{
    if (status == MigrationStatus::Working)
        return nowUs - lastReceivedUs > workingLimitUs;
    if (status == MigrationStatus::NotStarted)
        return nowUs - lastReceivedUs > notStartedLimitUs;
    return false;
}

void Migration::sortEvents()
{
    std::sort(events.begin(), events.end(), eventLess);
}

Migration::Event Migration::Event::of(const EventRow &row, quint32 logIndex)
{
    Event e;
    e.when = row.when();
    e.timed = row.hasCreated();
    e.identified = !row.eventId().isEmpty();
    e.tieBreak = stableHash(row.eventId());
    e.messageTieBreak = stableHash(row.msgId());
    e.logIndex = logIndex;
    e.kind = row.kind;
    e.status = row.status;
    return e;
}

void Migration::add(const EventLog &log, quint32 logIndex)
{
    const Event e = Event::of(log.at(logIndex), logIndex);
    const auto pos = std::lower_bound(events.begin(), events.end(), e, eventLess);
    if (pos != events.end() && pos->logIndex == logIndex)
        return;
    events.insert(pos, e);
    refresh(log);
}

void Migration::refresh(const EventLog &log)
{
    status = MigrationStatus::Unknown;
    createdUs.reset();
    startedUs.reset();
    finishedUs.reset();
    companyId.clear();
    createdByUserId.clear();
    failureMessage.clear();
    taskFailureCount = 0;
    eventCount = int(events.size());
    duplicateCount = 0;
    attemptCount = 0;
    anomalies = 0;
    lastReceivedUs = 0;
    firstEventUs = 0;
    lastEventUs = 0;
    if (!events.empty()) { // not the ends of the sort order: undated events sort first
        const auto [first, last] = std::minmax_element(
            events.cbegin(), events.cend(), [](const Event &a, const Event &b) { return a.when < b.when; });
        firstEventUs = first->when;
        lastEventUs = last->when;
    }

    // Status: the most advanced lifecycle event wins; among outcomes the latest does.
    // A function of the set, so an older event arriving late cannot move it backwards.
    const Event *statusEvent = nullptr;
    const Event *firstTimedTerminal = nullptr;
    bool hasCreated = false;
    bool hasStarted = false;
    bool hasTaskFailure = false;
    QSet<MigrationStatus> outcomes;
    QSet<QByteArrayView> eventIds; // views into the log's rows, which outlive this call
    for (const Event &e : events) {
        const EventRow &row = log.at(e.logIndex);
        // A delivery fed back in is a copy of a stored one: it takes part in the status and
        // the anomalies (which it cannot change) but is not counted, and is not news.
        const bool copy = row.replayed;
        if (copy)
            --eventCount;
        else {
            attemptCount += row.attempts;
            duplicateCount += row.attempts - 1;
        }
        bool resent = false;
        if (!copy && !row.eventId().isEmpty()) {
            // The same event under a second message id (a resend) is a duplicate too.
            resent = eventIds.contains(row.eventId());
            if (resent)
                ++duplicateCount;
            else
                eventIds.insert(row.eventId());
        }
        if (!copy)
            lastReceivedUs = std::max(lastReceivedUs, row.receivedUs);
        // Who and when: from the earliest event that says so (events are sorted).
        if (companyId.isEmpty() && row.company)
            companyId = log.texts().at(row.company);
        if (createdByUserId.isEmpty() && row.creator)
            createdByUserId = log.texts().at(row.creator);
        if (!createdUs && row.objectCreatedUs != EventRow::NoTime)
            createdUs = row.objectCreatedUs;
        if (!statusAgreesWithKind(e.kind, e.status))
            anomalies |= 1u << quint8(Anomaly::StatusMismatch);

        switch (e.kind) {
        case EventKind::Created:
            hasCreated = true;
            break;
        case EventKind::Started:
            hasStarted = true;
            break;
        case EventKind::TaskFailed:
            hasTaskFailure = true;
            if (!resent && !copy)
                ++taskFailureCount;
            break;
        case EventKind::Completed:
        case EventKind::Failed:
            outcomes.insert(outcomeOf(e));
            if (!firstTimedTerminal && e.timed)
                firstTimedTerminal = &e;
            break;
        default:
            break;
        }
        const int rank = lifecycleRank(e.kind);
        // A task failure means the migration is running, even when its migration.started has not
        // arrived (yet): it ranks between started and the outcome.
        if (e.kind == EventKind::Created || e.kind == EventKind::Started || e.kind == EventKind::TaskFailed
            || isTerminal(e.kind)) {
            // events are sorted, so a later one of equal or higher rank replaces the current
            if (!statusEvent || rank >= lifecycleRank(statusEvent->kind))
                statusEvent = &e;
        }
    }
    startedUs = earliestOf(events, EventKind::Started);
    if (statusEvent) {
        status = isTerminal(statusEvent->kind)           ? outcomeOf(*statusEvent)
            : statusEvent->kind == EventKind::TaskFailed ? MigrationStatus::Working
                                                         : impliedStatus(statusEvent->kind);
        if (isTerminal(statusEvent->kind)) {
            finishedUs = statusEvent->when;
            if (statusEvent->kind == EventKind::Failed)
                failureMessage = log.error(log.at(statusEvent->logIndex));
        }
    }

    if (!createdUs)
        createdUs = earliestOf(events, EventKind::Created);

    if (isTerminal(status) && !hasStarted)
        anomalies |= 1u << quint8(Anomaly::TerminalWithoutStart);
    if (hasStarted && !hasCreated)
        anomalies |= 1u << quint8(Anomaly::StartWithoutCreation);
    if (hasTaskFailure && !hasStarted && !isTerminal(status))
        anomalies |= 1u << quint8(Anomaly::TaskFailureWithoutStart);
    if (outcomes.size() > 1)
        anomalies |= 1u << quint8(Anomaly::ConflictingTerminals);
    // Only lifecycle events the sender dated count: an event of a type this app does not know
    // (a login workflow's, say) may well come after the outcome, and an undated one has no
    // "after".
    if (firstTimedTerminal) {
        for (const Event &e : events) {
            if (e.timed && e.when > firstTimedTerminal->when
                && (e.kind == EventKind::Created || e.kind == EventKind::Started)) {
                anomalies |= 1u << quint8(Anomaly::EventAfterTerminal);
                break;
            }
        }
    }
}

QList<TaskFailure> Migration::taskFailures(const EventLog &log) const
{
    QList<TaskFailure> out;
    QSet<QByteArrayView> seen; // a task failure resent under another message id is listed once
    for (const Event &e : events) {
        if (e.kind != EventKind::TaskFailed)
            continue;
        const EventRow &row = log.at(e.logIndex);
        if (row.replayed || (!row.eventId().isEmpty() && seen.contains(row.eventId())))
            continue;
        seen.insert(row.eventId());
        out.append(TaskFailure {e.when, EventLog::taskId(row), log.error(row)});
    }
    // In time order, undated ones (which sort first) by when they arrived.
    std::stable_sort(out.begin(), out.end(),
                     [](const TaskFailure &a, const TaskFailure &b) { return a.atUs < b.atUs; });
    return out;
}

QStringList Migration::anomalySentences() const
{
    QStringList out;
    for (Anomaly a : anomaliesIn(anomalies)) {
        switch (a) {
        case Anomaly::TerminalWithoutStart:
            out.append(
                QCoreApplication::translate("mm", "Finished, but no migration.started event arrived."));
            break;
        case Anomaly::StartWithoutCreation:
            out.append(QCoreApplication::translate("mm", "Started, but no migration.created event arrived."));
            break;
        case Anomaly::ConflictingTerminals:
            out.append(QCoreApplication::translate(
                "mm", "Conflicting outcomes: more than one final status was reported."));
            break;
        case Anomaly::StatusMismatch:
            out.append(
                QCoreApplication::translate("mm", "An event's type disagrees with the status it carries."));
            break;
        case Anomaly::EventAfterTerminal:
            out.append(QCoreApplication::translate(
                "mm", "Lifecycle events are dated after the migration had finished."));
            break;
        case Anomaly::TaskFailureWithoutStart:
            out.append(QCoreApplication::translate(
                "mm", "A task failed, so the migration is running, but no migration.started event arrived."));
            break;
        }
    }
    return out;
}

bool Migration::sameAggregate(const Migration &o, const EventLog &log, const EventLog &otherLog) const
{
    if (id != o.id || status != o.status || createdUs != o.createdUs || startedUs != o.startedUs
        || finishedUs != o.finishedUs || firstEventUs != o.firstEventUs || lastEventUs != o.lastEventUs
        || companyId != o.companyId || createdByUserId != o.createdByUserId
        || failureMessage != o.failureMessage || taskFailureCount != o.taskFailureCount
        || eventCount != o.eventCount || duplicateCount != o.duplicateCount || attemptCount != o.attemptCount
        || anomalies != o.anomalies || events.size() != o.events.size())
        return false;
    for (size_t i = 0; i < events.size(); ++i) {
        if (log.at(events[i].logIndex).eventId() != otherLog.at(o.events[i].logIndex).eventId())
            return false;
    }
    return taskFailures(log).size() == o.taskFailures(otherLog).size();
}

} // namespace mm
