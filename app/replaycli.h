// SPDX-License-Identifier: GPL-3.0-or-later
// --replay-to, --import and --export-har as one-shot commands, and the live forwarding
// that --forward-to adds to the window or --headless.
#pragma once

#include "options.h"
#include "services.h"

#include <memory>

namespace mm {

int runReplay(const AppOptions &options);
int runImport(const AppOptions &options);
int runExportHar(const AppOptions &options);

// When --forward-to is given: tells the store to queue new deliveries for it and starts a
// --forward-to and --forward-secret as a forwarding choice (an empty target: none), or nullopt
// with a sentence on a bad --forward-secret.
std::optional<ForwardChoice> forwardChoice(const AppOptions &options, QString *error);

} // namespace mm
