// SPDX-License-Identifier: GPL-3.0-or-later
// The store's single writer: every delivery, rejection, listening interval and import goes
// through it. Deliveries queued while one transaction commits go into the next one together
// (group commit). Each is answered only after its COMMIT returned and, with Durability::Power
// (the default), after a sync of the write-ahead log that began after that COMMIT: the sync runs
// on a thread of its own (SyncPipeline), so the thread that commits never waits on the disk.
// It commits on its own thread, or on the receiver's (commitOnCallerThread). Owned by Store.
#pragma once

#include "database.h"
#include "durability.h"
#include "metrics/latencyhistogram.h"
#include "records.h"
#include "util/workerthread.h"

#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>

class QThread;
struct sqlite3;
struct sqlite3_file;

namespace mm {

class Store;
class SyncPipeline;

class StoreWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreWriter)

public:
    struct Options
    {
        // Power: answers wait for a sync of the WAL (SQLite) or synchronous_commit (PostgreSQL).
        // Process: answers follow the COMMIT; PostgreSQL sessions turn synchronous_commit off.
        Durability durability = Durability::Power;
        int rejectionJournalLimit = 10000;
        // No writer thread: the thread that receives calls commitQueued() once per pass
        // of its event loop. Saves two thread hand-offs per batch, which on a small
        // machine cost more than the commit itself.
        bool commitOnCallerThread = false;
        // The receiver that takes the deliveries (team mode: recorded with each attempt,
        // rejection and listening interval; host:port by default).
        QString instance;
    };
    // Runs after each COMMIT (or failed batch) on the thread that commits, or with
    // Durability::Power on a SQLite store after the sync that covered it, on the sync thread.
    using CompletionSink = std::function<void(QList<WriteOutcome>)>;

    StoreWriter(const Store &store, Options options, QObject *parent = nullptr);
    ~StoreWriter() override;

    // Opens the store on the writer thread; returns once it is open or has failed.
    bool start(QString *error);
    // Writes what is queued, closes the store and joins the thread.
    void stop();

    void setCompletionSink(CompletionSink sink);

    bool commitsOnCallerThread() const { return m_options.commitOnCallerThread; }
    // commitOnCallerThread mode: writes everything queued in one transaction, now, on
    // the calling thread (always the same one), then calls the completion sink.
    void commitQueued();
    // commitOnCallerThread mode: commits what is left and closes that thread's connection.
    void closeOnCallerThread();

    // Thread-safe.
    void submit(quint64 ticket, DeliveryRecord record);
    // Several at once: one lock and at most one wake-up for the lot.
    void submit(std::vector<std::pair<quint64, DeliveryRecord>> records);
    void submitRejection(RejectionRecord record);

    // Live forwarding: while target is set, every new delivery is also queued for it in
    // forward_queue, in the same transaction. An empty target stops queueing. Thread-safe.
    struct Forwarding
    {
        QString target;
        bool resign = false; // re-sign with the forwarder's secret instead of the original headers
    };
    void setForwarding(Forwarding forwarding);
    Forwarding forwarding() const;
    void listeningStarted(const QString &url);
    void listeningAlive();
    void listeningStopped();

    // Thread-safe: writes a heartbeat (the listening interval's alive time) with the next batch
    // and calls done from the thread that commits, with an empty problem once that batch
    // committed, else why it did not. The health check's question "can the store be written?".
    using ProbeDone = std::function<void(const QString &problem)>;
    void probe(ProbeDone done);
    // commitOnCallerThread mode: how a probe from another thread asks the committing thread for
    // a commitQueued() (thread-safe; like the completion sink, never called once replaced).
    void setCallerWake(std::function<void()> wake);

    // For /metrics, from any thread, without a lock: each committed transaction's time from
    // BEGIN to COMMIT, and the store's state after the last write.
    prometheus::HistogramSample commitLatency() const { return m_commitLatency.snapshot(); }
    bool isReachable() const { return !m_unreachable.load(std::memory_order_relaxed); }
    bool isStorageFull() const { return m_storageFull.load(std::memory_order_relaxed); }
    // Why a sync of the store failed (nothing is acknowledged any more until a restart), or empty.
    QString syncFailure() const;

    const Options &options() const { return m_options; }
    const Store &store() const { return m_store; }

    // Imported deliveries (JsonlImporter), in one transaction on db, a connection of the calling
    // thread's (Store::openConnection): message ids already stored are skipped; new ones are
    // queued for forwarding like live ones and reported by committed(). Returns how many were
    // new, or nullopt with a sentence in error (nothing of the batch is stored then).
    struct ImportCounts
    {
        qint64 imported = 0;
        qint64 duplicates = 0;
    };
    std::optional<ImportCounts> writeImported(QSqlDatabase &db, const QList<ImportedDelivery> &batch,
                                              QString *error);

    // Counters for logs and benchmarks; read after stop() or approximately while running.
    struct Stats
    {
        qint64 transactions = 0;
        qint64 deliveries = 0;
        qint64 failedTransactions = 0;
        qint64 writeNs = 0; // time spent between BEGIN and COMMIT returning
        qint64 syncs = 0; // Durability::Power on SQLite: syncs of the WAL
        qint64 syncedDeliveries = 0; // deliveries those syncs acknowledged
        qint64 syncNs = 0; // time spent in them
    };
    Stats stats() const;

Q_SIGNALS:
    // Emitted from the writer thread after each successful commit that stored new deliveries.
    void deliveriesCommitted(int count);
    // After each COMMIT, the facts of every delivery in it (new ones and new attempts of
    // old ones, with their attempt count), for the migration model. Only built when
    // connected.
    void committed(const QList<mm::EventFacts> &facts);
    // The disk is full (SQLITE_FULL): emitted once when a write fails for that reason, and once
    // (full false) when a write succeeds again. From the thread that commits.
    void storageFull(bool full, const QString &reason);
    // A shared (PostgreSQL) store cannot be reached or written: emitted once when a batch fails
    // for that reason (deliveries are answered 503 meanwhile), and once (reachable true) when a
    // batch is written again. From the thread that commits.
    void reachabilityChanged(bool reachable, const QString &reason);
    // A sync of the store's write-ahead log failed: what is written may not be on the disk, so
    // every delivery is answered 503 from now on, until a restart. Emitted once, from the sync
    // thread.
    void syncFailed(const QString &reason);

private:
    struct ListenEvent
    {
        enum Kind { Started, Alive, Stopped } kind;
        QString url;
        qint64 atUs;
        ProbeDone done = {}; // a probe's: told how the batch went
    };
    struct DeliveryJob
    {
        quint64 ticket;
        DeliveryRecord record;
    };
    using Job = std::variant<DeliveryJob, RejectionRecord, ListenEvent>;

    void enqueue(Job job);
    // Hands outcomes to the sink: at once, or through the sync pipeline when one runs.
    void answer(QList<WriteOutcome> outcomes);
    void release(QList<WriteOutcome> outcomes); // calls the sink
    void noteWal(sqlite3 *handle); // after a COMMIT: the WAL file the pipeline syncs
    QString syncWal(); // the pipeline's flush
    void wakeWriterIf(bool wasEmpty);
    void run(); // the writer thread's body
    void startCheckpointer();
    void wakeToStop(); // both threads' wake-up for stop()
    std::optional<QSqlDatabase> openWriterConnection(QString *error);
    struct Queries;
    struct PgQueries; // storewriterpg.cpp
    bool commit(Queries &queries, std::deque<Job> &batch, QString *error);
    template<typename Write> bool commitWith(Write &&write, QString *error);
    static void finishProbes(std::deque<Job> &batch, const QString &problem);
    bool usesPostgres() const;
    void commitQueuedPg(std::deque<Job> &batch);
    void runPg();
    void failAll(const std::deque<Job> &batch, const QString &why);
    void noteReachable(bool reachable, const QString &reason);
    std::unique_ptr<PgQueries> openPg(QString *error);
    void closePg(std::unique_ptr<PgQueries> &queries);
    bool writeBatchPg(PgQueries &q, std::deque<Job> &batch, QList<WriteOutcome> &outcomes, int &stored,
                      QList<EventFacts> *facts, QString *error);
    void runCheckpointer(); // the checkpoint thread's body
    bool writeBatch(Queries &q, std::deque<Job> &batch, QList<WriteOutcome> &outcomes, int &stored,
                    QList<EventFacts> *facts, QString *error);
    static EventFacts factsOf(const DeliveryRecord &r, qint64 rowId, int attempts);

    const Store &m_store;
    Options m_options;
    QString m_writerConnection;
    QString m_checkpointConnection;
    WorkerThread m_writerThread {QStringLiteral("mm-store")};
    WorkerThread m_checkpointThread {QStringLiteral("mm-checkpoint")};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake; // the writer: work arrived, or stop
    std::condition_variable m_checkpointWake; // the checkpointer: stop
    std::deque<Job> m_queue;
    bool m_stopping = false;
    std::mutex m_sinkMutex; // held while the sink or the caller wake runs, and while either is replaced
    CompletionSink m_sink;
    std::function<void()> m_callerWake;
    LatencyHistogram m_commitLatency;

    // Start-up handshake with the writer thread.
    std::condition_variable m_started;
    bool m_startDone = false;
    bool m_startOk = false;
    QString m_startError;
    qint64 m_listenRowId = -1;
    Stats m_stats; // guarded by m_mutex
    Forwarding m_forwarding; // guarded by m_mutex
    bool m_callerMode = false;
    // Written by the thread that commits only; read by /metrics.
    std::atomic<bool> m_storageFull = false;
    std::atomic<bool> m_unreachable = false;
    bool m_batchFull = false; // the last failed batch failed with SQLITE_FULL
    std::unique_ptr<Queries> m_callerQueries; // commitOnCallerThread mode, owned by that thread
    std::unique_ptr<PgQueries> m_callerPg; // the same for a PostgreSQL store
    // Durability::Power on SQLite: made by start(), lives until the writer goes.
    std::unique_ptr<SyncPipeline> m_syncer;
    std::atomic<sqlite3_file *> m_wal = nullptr; // set by the thread that commits
    QThread *m_committingThread = nullptr; // that thread, for the affinity check
};

} // namespace mm
