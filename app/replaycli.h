// SPDX-License-Identifier: GPL-3.0-or-later
// --replay-to, --import and --export-har as one-shot commands, and the live forwarding
// that --forward-to adds to the window or --headless.
#pragma once

#include "options.h"

#include <memory>

namespace mm {

class Forwarder;
class Store;

int runReplay(const AppOptions &options);
int runImport(const AppOptions &options);
int runExportHar(const AppOptions &options);

// When --forward-to is given: tells the store to queue new deliveries for it and starts a
// Forwarder on the store, woken after each commit. Returns nullptr when not forwarding, or
// on a bad --forward-secret (with error set).
std::unique_ptr<Forwarder> startForwarding(const AppOptions &options, Store &store, QString *error);

} // namespace mm
