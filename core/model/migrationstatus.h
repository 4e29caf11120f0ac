// SPDX-License-Identifier: GPL-3.0-or-later
// The vocabulary of migrations: statuses, the kinds of lifecycle event, and how they map
// from the vendor's strings.
#pragma once

#include <QString>

namespace mm {

enum class MigrationStatus : quint8 {
    Unknown,
    NotStarted,
    Working,
    Complete,
    CompletedWithFailures,
    Failed,
};

enum class EventKind : quint8 {
    Created, // migration.created
    Started, // migration.started
    TaskFailed, // migration_task.failed
    Completed, // migration.completed
    Failed, // migration.failed
    Ping, // svix.ping
    Other, // anything else: kept, shown, not part of the lifecycle
};

EventKind eventKindOf(QStringView type);
MigrationStatus statusFromString(QStringView status); // "WORKING" -> Working
QString statusToString(MigrationStatus status); // the vendor's spelling
QString statusDisplayName(MigrationStatus status); // for people: "Completed with failures"

bool isTerminal(EventKind kind);
bool isTerminal(MigrationStatus status);

// Ties between events with the same "created" break by lifecycle order:
// created < started < task failure < terminal.
int lifecycleRank(EventKind kind);

// The status an event of this kind implies, or Unknown when it implies none.
MigrationStatus impliedStatus(EventKind kind);

} // namespace mm
