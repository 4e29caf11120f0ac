// SPDX-License-Identifier: GPL-3.0-or-later
// The PostgreSQL engine's schema (team mode): the SQLite store's tables, plus which receiver
// (instance) took each attempt and listened when, versioned and migrated step by step. Several
// receivers may start at once: the migration runs under an advisory lock, in one transaction.
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace mm {

class PgSchema final
{
public:
    static constexpr int SchemaVersion = 4;
    // A key for pg_advisory_xact_lock, so only one receiver migrates at a time.
    static constexpr qint64 MigrationLockKey = 0x4d4d'5354'4f52'45; // "MMSTORE"

    // Brings db's schema to SchemaVersion (creating it in an empty database). A database whose
    // version is newer than this build's is refused with a sentence, never touched.
    static bool migrate(QSqlDatabase &db, QString *error);
    // The version db holds now: 0 for an empty database, -1 when it cannot be read.
    static int version(QSqlDatabase &db);
};

} // namespace mm
