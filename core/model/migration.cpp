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
    if (a.when != b.when)
        return a.when < b.when;
    const int ra = lifecycleRank(a.kind);
    const int rb = lifecycleRank(b.kind);
    if (ra != rb)
        return ra < rb;
    if (a.tieBreak != b.tieBreak)
        return a.tieBreak < b.tieBreak;
    return a.logIndex < b.logIndex;
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
    }
    return QStringLiteral("unknown");
}

QList<Anomaly> anomaliesIn(quint8 mask)
{
    QList<Anomaly> out;
    for (quint8 bit = 0; bit <= quint8(Anomaly::EventAfterTerminal); ++bit) {
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

bool Migration::isStalled(qint64 nowUs, qint64 workingLimitUs, qint64 notStartedLimitUs) const
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

void Migration::add(const EventLog &log, quint32 logIndex)
{
    const EventRow &row = log.at(logIndex);
    Event e;
    e.when = row.when();
    e.tieBreak = qHash(row.eventId(), 0x4d4d); // MigrationBook::applyBulk computes it the same way
    e.logIndex = logIndex;
    e.kind = row.kind;
    e.status = row.status;
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
    firstEventUs = events.empty() ? 0 : events.front().when;
    lastEventUs = events.empty() ? 0 : events.back().when;

    // Status: the most advanced lifecycle event wins; among outcomes the latest does.
    // A function of the set, so an older event arriving late cannot move it backwards.
    const Event *statusEvent = nullptr;
    const Event *firstTerminal = nullptr;
    bool hasCreated = false;
    bool hasStarted = false;
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
            if (!startedUs)
                startedUs = e.when;
            break;
        case EventKind::TaskFailed:
            if (!resent && !copy)
                ++taskFailureCount;
            break;
        case EventKind::Completed:
        case EventKind::Failed:
            outcomes.insert(outcomeOf(e));
            if (!firstTerminal)
                firstTerminal = &e;
            break;
        default:
            break;
        }
        const int rank = lifecycleRank(e.kind);
        if (e.kind == EventKind::Created || e.kind == EventKind::Started || isTerminal(e.kind)) {
            // events are sorted, so a later one of equal or higher rank replaces the current
            if (!statusEvent || rank >= lifecycleRank(statusEvent->kind))
                statusEvent = &e;
        }
    }
    if (statusEvent) {
        status = isTerminal(statusEvent->kind) ? outcomeOf(*statusEvent) : impliedStatus(statusEvent->kind);
        if (isTerminal(statusEvent->kind)) {
            finishedUs = statusEvent->when;
            if (statusEvent->kind == EventKind::Failed)
                failureMessage = log.error(log.at(statusEvent->logIndex));
        }
    }

    if (!createdUs) {
        for (const Event &e : events) {
            if (e.kind == EventKind::Created) {
                createdUs = e.when;
                break;
            }
        }
    }

    if (isTerminal(status) && !hasStarted)
        anomalies |= 1u << quint8(Anomaly::TerminalWithoutStart);
    if (hasStarted && !hasCreated)
        anomalies |= 1u << quint8(Anomaly::StartWithoutCreation);
    if (outcomes.size() > 1)
        anomalies |= 1u << quint8(Anomaly::ConflictingTerminals);
    if (firstTerminal) {
        for (const Event &e : events) {
            if (e.when > firstTerminal->when && e.kind != EventKind::TaskFailed && e.kind != EventKind::Ping
                && !isTerminal(e.kind)) {
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
