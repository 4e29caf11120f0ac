// SPDX-License-Identifier: GPL-3.0-or-later
// A PostgreSQL store's password in the desktop's keyring: read at start-up when the URL,
// PGPASSWORD and the password file give none (libpq is asked), saved by --store-password-stdin.
// Kept in memory and handed to the driver (QSqlDatabase::setPassword): never argv, a log line,
// a URL or QSettings.
#pragma once

#include "settings/secretkeeper.h"
#include "store/storelocation.h"

#include <QString>
#include <functional>
#include <memory>

namespace mm {

class SecretBackend;
struct AppOptions;

// The keyring entry named key (PgPasswordLookup::keyringKey) in the app's service, or null when
// there is no keyring to ask (MM_SECRET_BACKEND=file).
using StoreKeyring = std::function<std::unique_ptr<SecretBackend>(const QString &key)>;
StoreKeyring systemStoreKeyring();

enum class StorePassword {
    NotNeeded, // not PostgreSQL, or the URL, PGPASSWORD or the password file has one
    FromKeyring, // location->password is the keyring's
    NotInKeyring, // the keyring answered, with nothing for this store
    NoKeyring, // none to ask, it failed, or it did not answer in time
};

// Fills location->password from the keyring when location is a PostgreSQL store without one
// that libpq would not find one for either. Waits for the keyring at most waitMs, running the
// event loop (user input aside).
StorePassword passwordFromKeyring(StoreLocation *location, const StoreKeyring &keyring = systemStoreKeyring(),
                                  int waitMs = SecretKeeper::StartupWaitMs);

// Saves password in the keyring as location's. On success *message says where, and whether libpq
// will use PGPASSWORD or the password file first; on failure it says why.
bool saveStorePassword(const StoreLocation &location, const QString &password, const StoreKeyring &keyring,
                       QString *message, int waitMs = SecretKeeper::WriteWaitMs);

// --store-password-stdin: one line from stdin (not echoed when it is a terminal) saved as the
// password of the store the options name. 0 saved, 1 the keyring refused it, 2 unusable input.
int runStorePassword(const AppOptions &options, const StoreKeyring &keyring = systemStoreKeyring());

} // namespace mm
