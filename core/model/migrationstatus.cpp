// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrationstatus.h"

#include <QCoreApplication>

namespace mm {

EventKind eventKindOf(QStringView type)
{
    if (type == u"migration.created")
        return EventKind::Created;
    if (type == u"migration.started")
        return EventKind::Started;
    if (type == u"migration_task.failed")
        return EventKind::TaskFailed;
    if (type == u"migration.completed")
        return EventKind::Completed;
    if (type == u"migration.failed")
        return EventKind::Failed;
    if (type == u"svix.ping")
        return EventKind::Ping;
    return EventKind::Other;
}

MigrationStatus statusFromString(QStringView status)
{
    if (status == u"NOT_STARTED")
        return MigrationStatus::NotStarted;
    if (status == u"WORKING")
        return MigrationStatus::Working;
    if (status == u"COMPLETE")
        return MigrationStatus::Complete;
    if (status == u"COMPLETED_WITH_FAILURES")
        return MigrationStatus::CompletedWithFailures;
    if (status == u"FAILED")
        return MigrationStatus::Failed;
    return MigrationStatus::Unknown;
}

QString statusToString(MigrationStatus status)
{
    switch (status) {
    case MigrationStatus::NotStarted:
        return QStringLiteral("NOT_STARTED");
    case MigrationStatus::Working:
        return QStringLiteral("WORKING");
    case MigrationStatus::Complete:
        return QStringLiteral("COMPLETE");
    case MigrationStatus::CompletedWithFailures:
        return QStringLiteral("COMPLETED_WITH_FAILURES");
    case MigrationStatus::Failed:
        return QStringLiteral("FAILED");
    case MigrationStatus::Unknown:
        break;
    }
    return QStringLiteral("UNKNOWN");
}

QString statusDisplayName(MigrationStatus status)
{
    switch (status) {
    case MigrationStatus::NotStarted:
        return QCoreApplication::translate("mm", "Not started");
    case MigrationStatus::Working:
        return QCoreApplication::translate("mm", "Working");
    case MigrationStatus::Complete:
        return QCoreApplication::translate("mm", "Complete");
    case MigrationStatus::CompletedWithFailures:
        return QCoreApplication::translate("mm", "Completed with failures");
    case MigrationStatus::Failed:
        return QCoreApplication::translate("mm", "Failed");
    case MigrationStatus::Unknown:
        break;
    }
    return QCoreApplication::translate("mm", "Unknown");
}

bool isTerminal(EventKind kind)
{
    return kind == EventKind::Completed || kind == EventKind::Failed;
}

bool isTerminal(MigrationStatus status)
{
    return status == MigrationStatus::Complete || status == MigrationStatus::CompletedWithFailures
        || status == MigrationStatus::Failed;
}

int lifecycleRank(EventKind kind)
{
    switch (kind) {
    case EventKind::Created:
        return 0;
    case EventKind::Started:
        return 1;
    case EventKind::TaskFailed:
        return 2;
    case EventKind::Completed:
    case EventKind::Failed:
        return 3;
    case EventKind::Ping:
    case EventKind::Other:
        return 4;
    }
    return 4;
}

MigrationStatus impliedStatus(EventKind kind)
{
    switch (kind) {
    case EventKind::Created:
        return MigrationStatus::NotStarted;
    case EventKind::Started:
        return MigrationStatus::Working;
    case EventKind::Completed:
        return MigrationStatus::Complete;
    case EventKind::Failed:
        return MigrationStatus::Failed;
    default:
        return MigrationStatus::Unknown;
    }
}

} // namespace mm
