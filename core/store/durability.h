// SPDX-License-Identifier: GPL-3.0-or-later
// What a 2xx promises about a delivery (--durability, Settings).
#pragma once

#include <QString>
#include <QStringView>
#include <optional>

namespace mm {

enum class Durability {
    // The default: answered only once a sync of the write-ahead log that covers the delivery's
    // COMMIT has returned, so an acknowledged delivery survives a power cut or a kernel panic.
    Power,
    // Answered once the COMMIT returned (the data is in the operating system's cache): it
    // survives a crash of this process, not of the machine.
    Process,
};

// "power" or "process" (case-insensitive), else nullopt.
std::optional<Durability> parseDurability(QStringView text);
QString durabilityName(Durability durability);

} // namespace mm
