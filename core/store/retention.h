// SPDX-License-Identifier: GPL-3.0-or-later
// Keeps the store within its retention limits: deletes the oldest deliveries (with their attempts
// and finished forwarding rows) in short transactions, then, on SQLite, gives the freed pages back
// to the disk. On PostgreSQL several receivers may run it at once (retentionpg.cpp).
#pragma once

#include "util/workerthread.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

namespace mm {

class Store;

struct RetentionPolicy
{
    int maxAgeDays = 0; // 0: keep deliveries forever
    qint64 maxBytes = 0; // 0: no size limit
    // Finer than days, for tests and benchmarks (a fake clock's hours); wins over maxAgeDays when set.
    qint64 maxAgeUs = 0;

    bool hasAgeLimit() const { return maxAgeUs > 0 || maxAgeDays > 0; }
    qint64 ageLimitUs() const { return maxAgeUs > 0 ? maxAgeUs : maxAgeDays * 86400LL * 1000 * 1000; }
    bool isUnlimited() const { return !hasAgeLimit() && maxBytes <= 0; }
    bool operator==(const RetentionPolicy &) const = default;
};

// One retention pass at a time on a connection the caller opened on this thread. Every deleted
// delivery's id goes to the deletion journal in the transaction that deletes it. Deliveries
// younger than maxAgeDays are never deleted, not even to meet maxBytes (a size limit alone,
// with no age, deletes the oldest until the store fits). A delivery still waiting to be
// forwarded (or being sent) is never deleted.
//
// On PostgreSQL each batch is a transaction holding a transaction-level advisory lock (taken
// with a try, never waited for): a receiver whose batch finds another's pass holding it ends
// its own pass there (Pass::skipped). Rows a receiver has locked are skipped, not waited for.
// The size limit is not applied there: deleted rows do not shrink the server's files, so the
// size cannot tell when to stop (said once with a warning).
class Retention final
{
public:
    using Clock = std::function<qint64()>; // microseconds since the epoch
    // The ids of the deliveries one committed batch deleted, ascending: exact, since a size limit
    // is no time cutoff and a delivery waiting to be forwarded is kept whatever its age.
    using Deleted = std::function<void(const QList<qint64> &ids)>;
    static constexpr int BatchSize = 200; // deliveries per transaction
    static constexpr int VacuumPages = 256; // pages returned per incremental_vacuum step

    struct Pass
    {
        qint64 deliveries = 0; // deleted
        qint64 rejections = 0; // deleted
        qint64 pagesFreed = 0; // returned to the file system
        bool sizeLimitUnmet = false;
        bool complete = true; // false: stopped early, or failed (see error)
        bool skipped = false; // PostgreSQL: another receiver's pass was running; this one ended
        QString error;
    };

    // A key for pg_try_advisory_xact_lock: one receiver's batch at a time.
    static constexpr qint64 PgLockKey = 0x4d4d'5245'5445'4e; // "MMRETEN"

    // The deletion journal (deleted_deliveries): each batch writes the ids it deletes there, in
    // its own transaction, numbered on from the newest entry (gapless, so a follower can tell
    // that entries were pruned before it read them), then prunes it: entries older than
    // JournalKeepUs by this clock go, and any beyond the newest JournalMaxRows, but never the
    // newest entry. A desktop away for longer misses entries and reloads (StoreFollower).
    static constexpr qint64 JournalKeepUs = 24LL * 3600 * 1000 * 1000;
    static constexpr qint64 JournalMaxRows = 100000;
    // Prunes the journal as a batch does (on db's open transaction, either engine).
    static bool pruneJournal(QSqlDatabase &db, qint64 nowUs, QString *error);

    // An empty clock reads the system clock.
    explicit Retention(QString connectionName, Clock clock = {});
    // Another connection of the same store, for the next pass (after a failed one).
    void setConnection(QString connectionName) { m_connection = std::move(connectionName); }

    const RetentionPolicy &policy() const { return m_policy; }
    void setPolicy(const RetentionPolicy &policy);

    // One pass. betweenBatches runs between transactions; returning false ends the pass there.
    // deleted hears of each batch once it is committed.
    Pass run(const std::function<bool()> &betweenBatches = {}, const Deleted &deleted = {});
    // SQLite: pages in use (not on the free list) times the page size; -1 on PostgreSQL.
    qint64 usedBytes() const;

    // Switches an existing store to incremental auto-vacuum; a store that is not in that mode
    // needs one full VACUUM (SQLite cannot change it otherwise). Does nothing when already so.
    static bool enableIncrementalVacuum(QSqlDatabase &db, QString *error);
    // Opens the store and does the above. Meant for start-up, before the writer opens. Nothing
    // to do on PostgreSQL, whose autovacuum reuses the space.
    static bool prepareStore(const Store &store, QString *error);

private:
    // retentionpg.cpp
    enum class Batch { Done, Busy, Failed };
    Pass runPostgres(const std::function<bool()> &betweenBatches, const Deleted &deleted);
    Batch underPgLock(const std::function<bool(QSqlDatabase &, QString *)> &work, QString *error);
    Batch deletePgDeliveries(qint64 cutoffUs, qint64 *afterId, bool *more, QList<qint64> *deleted,
                             QString *error);
    Batch deletePgRejections(qint64 cutoffUs, qint64 *deleted, QString *error);

    // The ids deleted (ascending), or nullopt with a sentence in error (nothing deleted then).
    std::optional<QList<qint64>> deleteBatch(qint64 cutoffUs, int limit, bool hasForwardQueue,
                                             QString *error);
    qint64 vacuum(const std::function<bool()> &betweenBatches, QString *error);
    QSqlDatabase db() const;

    QString m_connection;
    Clock m_clock;
    RetentionPolicy m_policy;
    bool m_sizeWarned = false; // "the size limit cannot be met" is said once
};

// Runs retention on its own thread and connection: a pass shortly after start, then every
// interval, and at once when the policy changes. Off the receiving path; each batch is a
// short transaction, so the receiver's commits wait for one batch at most. After a failed pass
// the next one opens a new connection (a PostgreSQL server may have restarted).
class RetentionWorker final
{
public:
    RetentionWorker(const Store &store, RetentionPolicy policy,
                    std::chrono::milliseconds interval = std::chrono::minutes(1),
                    std::chrono::milliseconds firstPass = std::chrono::seconds(5));
    ~RetentionWorker();
    RetentionWorker(const RetentionWorker &) = delete;
    RetentionWorker &operator=(const RetentionWorker &) = delete;

    void start();
    void stop();
    // Thread-safe; the next pass uses it, and runs now.
    void setPolicy(const RetentionPolicy &policy);
    // Before start(): hears, on the retention thread, the ids of the deliveries deleted (ascending
    // within a call), gathered over a pass: once at its end, and every MaxReported ids on the way
    // so a long pass holds no more than that. The owner passes them on to the model.
    static constexpr qsizetype MaxReported = 65536;
    void setDeletedSink(Retention::Deleted sink) { m_deletedSink = std::move(sink); }
    // Before start(): the clock the age limit is measured against (empty: the system clock).
    void setClock(Retention::Clock clock) { m_clock = std::move(clock); }
    // Passes completed so far (for tests and diagnostics).
    int passes() const;

private:
    void run();

    const Store &m_store;
    Retention::Deleted m_deletedSink;
    Retention::Clock m_clock;
    const std::chrono::milliseconds m_interval;
    const std::chrono::milliseconds m_firstPass;
    WorkerThread m_thread {QStringLiteral("mm-retention")};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    RetentionPolicy m_policy; // guarded by m_mutex
    bool m_policyChanged = false;
    bool m_stopping = false;
    int m_passes = 0;
};

} // namespace mm
