// SPDX-License-Identifier: GPL-3.0-or-later
// The window, wired to the receiver and store; with --demo, to a simulated sender too.
#pragma once

#include "options.h"

namespace mm {

int runGui(const AppOptions &options);

} // namespace mm
