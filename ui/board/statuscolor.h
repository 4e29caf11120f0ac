// SPDX-License-Identifier: GPL-3.0-or-later
// The one colour for each migration status, shared by the board's badges and the timeline.
// Mid-tone hues that read on light and dark palettes alike, and carry white text.
#pragma once

#include "model/migrationstatus.h"

#include <QColor>

namespace mm {

QColor statusColor(MigrationStatus status);

} // namespace mm
