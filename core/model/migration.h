// SPDX-License-Identifier: GPL-3.0-or-later
// One migration, rebuilt from its events. Every derived value is a function of the
// set of events, never of their arrival order, so a late or repeated delivery gives
// the same answer as an orderly stream.
#pragma once

#include "migrationstatus.h"

#include <QList>
#include <QString>
#include <optional>
#include <vector>

namespace mm {

class EventLog;
struct EventRow;

enum class Anomaly : quint8 {
    TerminalWithoutStart, // completed or failed, but never started
    StartWithoutCreation, // started, but no migration.created
    ConflictingTerminals, // both completed and failed, or two different outcomes
    StatusMismatch, // an event's type disagrees with its object.status
    EventAfterTerminal, // a migration.created or .started dated after the outcome
    TaskFailureWithoutStart, // a task failed (so it started), but no migration.started arrived
};
QString anomalyCode(Anomaly anomaly); // "terminal_without_start"
QList<Anomaly> anomaliesIn(quint8 mask);

struct TaskFailure
{
    qint64 atUs = 0;
    QString taskId;
    QString error;
};

struct Migration
{
    // One event as the aggregate sees it: where it sorts, and what it says.
    struct Event
    {
        qint64 when = 0; // created, or received when the sender gave no time (shown, never sorted by)
        quint64 tieBreak = 0; // a stable hash of the event id: same order whatever the arrival
        quint64 messageTieBreak = 0; // a stable hash of the message id, for events without an id
        quint32 logIndex = 0;
        EventKind kind = EventKind::Other;
        MigrationStatus status = MigrationStatus::Unknown;
        bool timed = false; // the sender said when ("created")
        bool identified = false; // it has an event id

        static Event of(const EventRow &row, quint32 logIndex);
    };

    QString id;
    // Sorted by a key that never depends on arrival: events without a time first (the sender
    // gave none, so nothing says they are later), then by time; ties by lifecycle rank, the
    // event id's hash, the message id's hash. Undated copies of one event (an event id resent
    // under another message id) go by when each was received.
    std::vector<Event> events;

    // Derived by refresh().
    MigrationStatus status = MigrationStatus::Unknown;
    std::optional<qint64> createdUs; // when the migration record was created
    std::optional<qint64> startedUs;
    std::optional<qint64> finishedUs;
    qint64 firstEventUs = 0;
    qint64 lastEventUs = 0;
    qint64 lastReceivedUs = 0; // wall clock of the latest arrival, for telling a quiet migration
    QString companyId;
    QString createdByUserId;
    QString failureMessage;
    int taskFailureCount = 0;
    int eventCount = 0;
    int duplicateCount = 0; // repeated attempts, and events seen under more than one message
    int attemptCount = 0;
    quint8 anomalies = 0; // bit (1 << Anomaly)

    // Under a memory cap (MemoryCap) a migration may be frozen: its events' rows left the log and
    // events is empty, but the derived state above stays as it was. frozenRowIds names its stored
    // deliveries (ascending), to read them back and thaw it (MigrationBook::thaw).
    bool frozen = false;
    std::vector<qint64> frozenRowIds;

    bool hasAnomaly(Anomaly a) const { return anomalies & (1u << quint8(a)); }
    std::optional<qint64> durationUs(qint64 nowUs) const;
    bool isQuiet(qint64 nowUs, qint64 workingLimitUs, qint64 notStartedLimitUs) const;

    QList<TaskFailure> taskFailures(const EventLog &log) const;
    // Plain sentences for the anomalies, e.g. "Completed, but no migration.started arrived".
    QStringList anomalySentences() const;

    // Adds log row logIndex (once) and recomputes. The log supplies the row's details.
    void add(const EventLog &log, quint32 logIndex);
    void refresh(const EventLog &log);
    void sortEvents();

    // Same derived state and same events (for tests: arrival order must not matter).
    bool sameAggregate(const Migration &other, const EventLog &log, const EventLog &otherLog) const;
};

} // namespace mm
