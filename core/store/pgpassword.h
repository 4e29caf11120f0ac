// SPDX-License-Identifier: GPL-3.0-or-later
// Where a PostgreSQL store's password comes from. libpq finds one by itself in PGPASSWORD, a
// service file or the password file (~/.pgpass, PGPASSFILE, passfile=); when none has one, the
// app looks in the keyring under the name this gives the store.
#pragma once

#include "storelocation.h"

#include <QString>

namespace mm {

struct PgPasswordLookup
{
    // postgresql://user@host:port/dbname: the store's URL without password or parameters, with the
    // user, host and port libpq would use (PGUSER or the login name, the socket folder, 5432).
    QString keyringKey;
    // Whether libpq has a password for this store without being given one.
    bool libpqHasOne = false;
};

// Asks libpq itself, so its own rules apply (the file's permissions and wildcards, a socket
// counting as localhost, the environment): it starts a connection and drops it before any
// password is asked for, as psql does. Reads no keyring.
PgPasswordLookup lookUpPgPassword(const StoreLocation &location);

} // namespace mm
