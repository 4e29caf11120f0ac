// SPDX-License-Identifier: GPL-3.0-or-later
#include "statuscolor.h"

namespace mm {

QColor statusColor(MigrationStatus status)
{
    switch (status) {
    case MigrationStatus::NotStarted:
        return QColor(0x6c, 0x75, 0x7d);
    case MigrationStatus::Working:
        return QColor(0x0d, 0x6e, 0xfd);
    case MigrationStatus::Complete:
        return QColor(0x19, 0x87, 0x54);
    case MigrationStatus::CompletedWithFailures:
        return QColor(0xcc, 0x8a, 0x00);
    case MigrationStatus::Failed:
        return QColor(0xdc, 0x35, 0x45);
    case MigrationStatus::Unknown:
        break;
    }
    return QColor(0x6c, 0x75, 0x7d);
}

} // namespace mm
