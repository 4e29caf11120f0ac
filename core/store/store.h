// SPDX-License-Identifier: GPL-3.0-or-later
// The store as one object, created once by the app and injected where it is needed: where it
// lives, how its connections are named, its single writer, and one long-lived reader thread for
// detail reads, exports and journals. Its interface is the seam for a second engine.
#pragma once

#include "database.h"
#include "durability.h"
#include "records.h"
#include "storelocation.h"
#include "util/workerthread.h"

#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace mm {

class StoreReader;
class StoreWriter;

class Store final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Store)

public:
    struct Options
    {
        QString folder; // the SQLite engine's folder (database, WAL, shared memory)
        // What a 2xx promises (durability.h). With Power, the writer's answers wait for a sync
        // of the WAL, and every other connection (imports, forwarding, settings kept in the
        // store) commits with synchronous=FULL.
        Durability durability = Durability::Power;
        int rejectionJournalLimit = 10000;
        // No writer thread: the thread that receives commits once per pass of its event loop
        // (StoreWriter::Options::commitOnCallerThread).
        bool commitOnCallerThread = false;
        // Where the store lives. A PostgreSQL location wins over folder; for SQLite, folder
        // wins over location.folder when both are given. The store's options() hold both
        // filled in alike.
        StoreLocation location {};
        // The receiver writing through this store, recorded with each attempt, rejection and
        // listening interval in a shared (PostgreSQL) store.
        QString instance {};
    };

    explicit Store(Options options, QObject *parent = nullptr);
    ~Store() override;

    const Options &options() const { return m_options; }
    bool isPostgres() const { return m_options.location.isPostgres(); }
    // SQLite: the database file. PostgreSQL: the URL without its password.
    QString location() const;
    // For people, logs and errors: the database file, or the URL without its password.
    QString displayName() const;
    // The store's files on disk, in bytes (database, WAL, shared memory): three stat calls.
    // 0 for a PostgreSQL store, whose files are the server's.
    qint64 sizeOnDisk() const;
    // The folder the store lives in, for "Open data folder"; empty for a PostgreSQL store.
    QString folder() const { return m_options.folder; }

    // The single writer: deliveries, rejections, listening intervals, imports.
    StoreWriter &writer() { return *m_writer; }
    const StoreWriter &writer() const { return *m_writer; }

    // Opens the writer (creating the store when needed). The reader thread starts on first use.
    bool start(QString *error);
    // Stops the reader thread, then the writer (what is queued is written first).
    void stop();

    // A connection for the calling thread, named after this store, the purpose and a counter,
    // so that no two users share one. The caller closes it with closeConnection(name) on the
    // same thread. mustExist: a missing store is an error, not a new empty one.
    enum class Open { CreateIfMissing, MustExist };
    std::optional<QSqlDatabase> openConnection(QStringView purpose, QString *error,
                                               Open mode = Open::CreateIfMissing) const;
    static void closeConnection(const QString &name);

    // The same, closed when it goes out of scope (queries on it must go first).
    class Connection final
    {
        Q_DISABLE_COPY_MOVE(Connection)

    public:
        Connection(const Store &store, QStringView purpose, QString *error,
                   Open mode = Open::CreateIfMissing);
        ~Connection();
        bool isOpen() const { return m_db.has_value(); }
        QSqlDatabase &db() { return *m_db; }

    private:
        std::optional<QSqlDatabase> m_db;
        QString m_name;
    };

    // Runs work with the reader thread's StoreReader (opened on first use, reopened after a
    // failure), then then(result) on this object's thread unless context is gone by then.
    // Reads run one at a time, in the order asked.
    template<typename Result>
    void read(QObject *context, std::function<Result(StoreReader &)> work, std::function<void(Result)> then)
    {
        post(context,
             [work = std::move(work), then = std::move(then)](StoreReader &reader) -> std::function<void()> {
                 return [then, result = work(reader)]() mutable { then(std::move(result)); };
             });
    }

private:
    std::optional<QSqlDatabase> openPostgres(const QString &name, QString *error) const;
    using Job = std::function<std::function<void()>(StoreReader &)>;
    void post(QObject *context, Job job);
    void stopReader();

    const Options m_options;
    const quint64 m_instance;
    mutable std::mutex m_schemaMutex;
    mutable bool m_schemaReady = false; // PostgreSQL: migrated by this object's first connection
    std::unique_ptr<StoreWriter> m_writer;
    WorkerThread m_readerThread {QStringLiteral("mm-read")};
    QObject *m_readerContext = nullptr; // lives on m_readerThread, which deletes it
    std::unique_ptr<StoreReader> m_reader; // used on m_readerThread only
};

} // namespace mm
