// SPDX-License-Identifier: GPL-3.0-or-later
// Where a store lives, as a plain value: a folder for the embedded SQLite engine, or a PostgreSQL
// database named by a libpq URI (postgresql://user@host:port/dbname?sslmode=…). A password, when
// one is given, is kept in memory only: displayName() and url() leave it out, and no error
// sentence repeats any part of the URL but its scheme.
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace mm {

struct StoreLocation
{
    enum class Engine { Sqlite, Postgres };
    static constexpr quint16 DefaultPort = 5432;

    Engine engine = Engine::Sqlite;
    QString folder; // Sqlite: the folder of the database, its WAL and shared memory
    // Postgres, as libpq takes them. An empty host is libpq's default (the local socket); a host
    // starting with / is a socket folder; an empty user is the login name.
    QString host;
    quint16 port = DefaultPort;
    QString database;
    QString user;
    QString password; // memory only: never shown, logged or saved
    QList<std::pair<QString, QString>> options; // the other parameters (sslmode=…), in order

    static StoreLocation sqlite(const QString &folder);
    // A postgresql:// (or postgres://) URI, else a folder for SQLite. nullopt with a sentence in
    // error when it cannot be used: an unknown scheme, no database name, a bad port…
    static std::optional<StoreLocation> parse(const QString &urlOrPath, QString *error = nullptr);
    // Where the passwords are in a store URL as typed (the user information's and any password=
    // parameter's), as [start, end) byte ranges: for blanking them in place, in argv.
    static QList<std::pair<qsizetype, qsizetype>> passwordRanges(QByteArrayView text);

    bool isPostgres() const { return engine == Engine::Postgres; }
    // For people and logs: the folder, or the URL without its password.
    QString displayName() const;
    // The folder, or the URI percent-encoded (the port only when it is not 5432), with the
    // password only when asked for.
    QString url(bool withPassword = false) const;

    bool operator==(const StoreLocation &) const = default;
};

} // namespace mm
