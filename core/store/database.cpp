// SPDX-License-Identifier: GPL-3.0-or-later
#include "database.h"

#include "util/durablefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mm {

namespace {
constexpr QFileDevice::Permissions DirPerms
    = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

// Each entry upgrades the schema by one version; never edit a shipped entry.
const char *const Migrations[] = {
    // 1: deliveries, attempts, the rejection journal and listening intervals.
    // Indexes are few on purpose: each is another page written per commit. The first
    // attempt's details live in the delivery row; retries (seq >= 2) go to attempts,
    // clustered by delivery. Svix message ids are KSUIDs, which sort by time, so the
    // msg_id index grows at its right edge.
    R"sql(
    CREATE TABLE deliveries(
        id INTEGER PRIMARY KEY,
        msg_id TEXT NOT NULL UNIQUE,
        event_id TEXT,
        type TEXT,
        migration_id TEXT,
        created_us INTEGER,
        status TEXT,
        error_message TEXT,
        task_id TEXT,
        company_id TEXT,
        created_by TEXT,
        object_created_us INTEGER,
        received_us INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1,
        parsed INTEGER NOT NULL,
        body BLOB NOT NULL,
        timestamp_header INTEGER,
        remote TEXT,
        user_agent TEXT,
        secret_index INTEGER);
    CREATE TABLE attempts(
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
        seq INTEGER NOT NULL,
        received_us INTEGER NOT NULL,
        timestamp_header INTEGER,
        remote TEXT,
        user_agent TEXT,
        secret_index INTEGER,
        PRIMARY KEY(delivery_id, seq)) WITHOUT ROWID;
    CREATE TABLE rejections(
        id INTEGER PRIMARY KEY,
        received_us INTEGER NOT NULL,
        remote TEXT,
        status INTEGER NOT NULL,
        reason_code TEXT NOT NULL,
        reason TEXT NOT NULL,
        msg_id TEXT,
        timestamp_header INTEGER,
        headers TEXT NOT NULL,
        body_head BLOB,
        body_size INTEGER NOT NULL);
    CREATE TABLE listen_intervals(
        id INTEGER PRIMARY KEY,
        started_us INTEGER NOT NULL,
        alive_us INTEGER NOT NULL,
        stopped_us INTEGER,
        url TEXT NOT NULL);
    )sql",
    // 2: each accepted attempt's request headers ("name: value" lines, signature values
    // masked), for the inspector. Older rows keep NULL.
    R"sql(
    ALTER TABLE deliveries ADD COLUMN headers TEXT;
    ALTER TABLE attempts ADD COLUMN headers TEXT;
    )sql",
    // 3: replay and forwarding. The first attempt's signature header as received, so a
    // delivery can be replayed or forwarded "as received" (it proves one message at one
    // time, and holds no secret). Replay runs and their requests are the replay history;
    // forward_queue is the persisted forwarding queue and log: a row is written in the same
    // transaction as the delivery it forwards, and left as the log once done.
    R"sql(
    ALTER TABLE deliveries ADD COLUMN signature TEXT;
    CREATE TABLE replay_runs(
        id INTEGER PRIMARY KEY,
        started_us INTEGER NOT NULL,
        finished_us INTEGER,
        target TEXT NOT NULL,
        mode TEXT NOT NULL,
        requested INTEGER NOT NULL,
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE replay_requests(
        run_id INTEGER NOT NULL REFERENCES replay_runs(id),
        seq INTEGER NOT NULL,
        delivery_id INTEGER,
        msg_id TEXT NOT NULL,
        sent_us INTEGER NOT NULL,
        status INTEGER NOT NULL,
        latency_us INTEGER NOT NULL,
        tries INTEGER NOT NULL,
        error TEXT,
        response_head BLOB,
        PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
    CREATE TABLE forward_queue(
        id INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
        target TEXT NOT NULL,
        resign INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        enqueued_us INTEGER NOT NULL,
        next_us INTEGER NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        last_status INTEGER,
        last_error TEXT,
        done_us INTEGER);
    CREATE INDEX forward_pending ON forward_queue(state, next_us);
    )sql",
    // 4: the forwarding lease, as in the PostgreSQL store's version 2: claimed_by names the
    // forwarder holding a row until next_us (once finished: who sent it, or gave up). Retention
    // finds a delivery's forwards by delivery_id instead of scanning the queue.
    R"sql(
    ALTER TABLE forward_queue ADD COLUMN claimed_by TEXT;
    CREATE INDEX forward_queue_delivery ON forward_queue(delivery_id);
    )sql",
    // 5: company names, as people know them (the vendor sends only ids), as in the PostgreSQL
    // store's version 3. updated_us lets a watching window notice a change (StoreFollower).
    R"sql(
    CREATE TABLE company_names(
        company_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        updated_us INTEGER NOT NULL) WITHOUT ROWID;
    )sql",
    // 6: the deletion journal, as in the PostgreSQL store's version 4: retention writes the id of
    // each delivery it deletes here, in the transaction that deletes it, so a window that does not
    // run retention itself (--view-only) drops those rows too (StoreFollower). seq is gapless and
    // never reused: SQLite numbers a row past the largest seq, and retention's pruning always keeps
    // the newest entry.
    R"sql(
    CREATE TABLE deleted_deliveries(
        seq INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL,
        deleted_us INTEGER NOT NULL);
    )sql",
};
static_assert(std::size(Migrations) == Database::SchemaVersion);

bool ensurePrivateFile(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    // An existing store is never opened here: closing any descriptor of the file drops every
    // POSIX lock this process holds on it, including the shared lock of a connection that is
    // already open. Another process closing its connection would then take itself for the
    // last one and delete the WAL that this process still writes to (commits invisible to
    // readers, and lost on a crash).
    if (::chmod(native.constData(), 0600) == 0)
        return true;
    if (errno != ENOENT) {
        *error
            = QStringLiteral("Cannot make %1 private: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("Cannot create %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    const bool ok = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    if (!ok) {
        *error
            = QStringLiteral("Cannot make %1 private: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    // A new store: its name in the folder, and the folder's in its parent, last through a power
    // cut (SQLite syncs the folder for a new WAL file, not for the database file).
    const QString folder = QFileInfo(path).absolutePath();
    return syncFolder(folder, error) && syncFolderOf(folder, error);
}
} // namespace

QString Database::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Database::databasePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("monitor.sqlite3"));
}

bool Database::exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

std::optional<QSqlDatabase> Database::openExisting(const QString &dataDir, const QString &connectionName,
                                                   QString *error)
{
    if (!QFile::exists(databasePath(dataDir))) {
        if (error)
            *error = QStringLiteral("No store at %1").arg(databasePath(dataDir));
        return std::nullopt;
    }
    return open(dataDir, connectionName, error);
}

std::optional<QSqlDatabase> Database::open(const QString &dataDir, const QString &connectionName,
                                           QString *error, Sync sync)
{
    QString scratch;
    if (!error)
        error = &scratch;
    const QString path = databasePath(dataDir);
    if (!QDir().mkpath(dataDir)) {
        *error = QStringLiteral("Cannot create the data folder %1").arg(dataDir);
        return std::nullopt;
    }
    if (!QFile::setPermissions(dataDir, DirPerms)) {
        *error = QStringLiteral("Cannot make the data folder %1 private").arg(dataDir);
        return std::nullopt;
    }
    // SQLite gives its -wal and -shm files the main file's mode, so 0600 here covers all three.
    if (!ensurePrivateFile(path, error))
        return std::nullopt;

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db.open()) {
        *error = QStringLiteral("Cannot open the store %1: %2").arg(path, db.lastError().text());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
        return std::nullopt;
    }
    auto fail = [&](const QString &what) -> std::optional<QSqlDatabase> {
        *error = QStringLiteral("%1 (%2): %3").arg(what, path, *error);
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
        return std::nullopt;
    };
    if (!exec(db, QStringLiteral("PRAGMA journal_mode=WAL"), error))
        return fail(QStringLiteral("Cannot switch the store to WAL mode"));
    const QString syncSql = sync == Sync::Full ? QStringLiteral("PRAGMA synchronous=FULL")
                                               : QStringLiteral("PRAGMA synchronous=NORMAL");
    if (!exec(db, syncSql, error))
        return fail(QStringLiteral("Cannot configure the store"));
    if (!migrate(db, error))
        return fail(QStringLiteral("Cannot upgrade the store's schema"));
    return db;
}

void Database::close(const QString &connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

bool Database::migrate(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        *error = q.lastError().text();
        return false;
    }
    int version = q.value(0).toInt();
    q.finish();
    if (version > SchemaVersion) {
        *error = QStringLiteral("the store was written by a newer version (schema %1, this build knows %2)")
                     .arg(version)
                     .arg(SchemaVersion);
        return false;
    }
    while (version < SchemaVersion) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        const QStringList statements = QString::fromUtf8(Migrations[version]).split(u';', Qt::SkipEmptyParts);
        for (const QString &statement : statements) {
            if (statement.trimmed().isEmpty())
                continue;
            if (!exec(db, statement, error)) {
                db.rollback();
                return false;
            }
        }
        ++version;
        if (!exec(db, QStringLiteral("PRAGMA user_version=%1").arg(version), error) || !db.commit()) {
            db.rollback();
            return false;
        }
    }
    return true;
}

} // namespace mm
