// SPDX-License-Identifier: GPL-3.0-or-later
// Item data roles shared by the monitor's models. Display text stays in DisplayRole;
// these carry raw values for sorting, filtering and selection.
#pragma once

#include <Qt>

namespace mm {

enum ModelRole {
    SortRole = Qt::UserRole, // a value that sorts correctly (numbers, times)
    RowIdRole, // deliveries.id of an event
    MigrationIdRole, // the migration an item belongs to
    LogIndexRole, // the event's index in the EventLog
    StatusRole, // MigrationStatus as int
    QuietRole, // bool
    AnomalyCountRole, // int
    TaskIdRole, // the failed task's id (migration_task.failed), else empty
    CompanyIdRole, // the migration's company id (the board), else empty
};

} // namespace mm
