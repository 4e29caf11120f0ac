// SPDX-License-Identifier: GPL-3.0-or-later
// Opens the SQLite store: owner-only folder and files, WAL mode, and schema migrations.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace mm {

class Database final
{
public:
    enum class Sync { Normal, Full };
    static constexpr int SchemaVersion = 6;

    // The default data folder (QStandardPaths::AppDataLocation).
    static QString defaultDataDir();
    static QString databasePath(const QString &dataDir);

    // Opens (creating when needed) a named connection for the calling thread. The
    // folder is made 0700 and the files 0600 before SQLite touches them.
    static std::optional<QSqlDatabase> open(const QString &dataDir, const QString &connectionName,
                                            QString *error, Sync sync = Sync::Normal);
    // Opens an existing store only; a missing one is an error, not a new empty store.
    static std::optional<QSqlDatabase> openExisting(const QString &dataDir, const QString &connectionName,
                                                    QString *error);
    static void close(const QString &connectionName);

    // Runs a statement; on failure fills error and returns false.
    static bool exec(QSqlDatabase &db, const QString &sql, QString *error);

private:
    static bool migrate(QSqlDatabase &db, QString *error);
};

} // namespace mm
