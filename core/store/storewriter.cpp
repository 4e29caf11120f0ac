// SPDX-License-Identifier: GPL-3.0-or-later
#include "storewriter.h"

#include "store.h"
#include "storewriterpg.h"
#include "syncpipeline.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaMethod>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <optional>
#include <sqlite3.h>

namespace mm {

namespace {
constexpr auto CheckpointInterval = std::chrono::milliseconds(500);
// Under sustained load a PASSIVE checkpoint never finds the WAL fully copied at a
// transaction's start, so the WAL only grows. Past this size the checkpoint thread
// restarts it; writers wait for that (milliseconds: PASSIVE has copied almost all of it).
constexpr qint64 MaxWalBytes = 256 * 1024 * 1024;

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

QByteArray headersJson(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray {QString::fromLatin1(name), QString::fromLatin1(value)});
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}
} // namespace

namespace {
// A prepared statement on the writer's connection, reset after each use.
class RawStatement final
{
public:
    RawStatement(sqlite3 *db, const char *sql)
    {
        if (db)
            sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    }
    ~RawStatement() { sqlite3_finalize(m_stmt); }
    RawStatement(const RawStatement &) = delete;
    RawStatement &operator=(const RawStatement &) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    sqlite3_stmt *get() const { return m_stmt; }
    void text(int i, const QByteArray &utf8)
    {
        if (utf8.isEmpty())
            sqlite3_bind_null(m_stmt, i);
        else
            sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    }
    void text(int i, const QString &s) { text(i, s.toUtf8()); }
    void blob(int i, const QByteArray &b)
    {
        sqlite3_bind_blob(m_stmt, i, b.constData(), int(b.size()), SQLITE_STATIC);
    }
    void integer(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void optional(int i, const std::optional<qint64> &v)
    {
        if (v)
            sqlite3_bind_int64(m_stmt, i, *v);
        else
            sqlite3_bind_null(m_stmt, i);
    }
    int step() { return sqlite3_step(m_stmt); }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

sqlite3 *nativeHandle(const QSqlDatabase &db)
{
    // The QSQLITE driver hands out its sqlite3* (Qt documents this use of handle()).
    const QVariant v = db.driver()->handle();
    if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(v.constData());
    return nullptr;
}
} // namespace

// The hot path (one delivery, one attempt, the transaction) goes straight to SQLite:
// Qt SQL's binding costs more per value than the insert itself. Rarer statements use
// QSqlQuery on the same connection.
struct StoreWriter::Queries
{
    explicit Queries(const QSqlDatabase &db)
        : handle(nativeHandle(db))
        , begin(handle, "BEGIN IMMEDIATE")
        , commit(handle, "COMMIT")
        , rollback(handle, "ROLLBACK")
        , insertDelivery(
              handle,
              "INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, parsed, "
              "body, timestamp_header, remote, user_agent, secret_index, status, error_message, task_id, "
              "company_id, created_by, object_created_us, headers, signature) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
              "?20) "
              "ON CONFLICT(msg_id) DO UPDATE SET attempts = attempts + 1 RETURNING id, attempts")
        , insertAttempt(
              handle,
              "INSERT INTO attempts(delivery_id, seq, received_us, timestamp_header, remote, user_agent, "
              "secret_index, headers) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        , insertForward(handle,
                        "INSERT INTO forward_queue(delivery_id, target, resign, enqueued_us, next_us) "
                        "VALUES(?1, ?2, ?3, ?4, ?4)")
        , insertRejection(db)
        , trimRejections(db)
        , listen(db)
    {
        insertRejection.prepare(
            QStringLiteral("INSERT INTO rejections(received_us, remote, status, reason_code, reason, msg_id, "
                           "timestamp_header, "
                           "headers, body_head, body_size) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        trimRejections.prepare(
            QStringLiteral("DELETE FROM rejections WHERE id <= (SELECT max(id) FROM rejections) - ?"));
    }
    bool isValid() const
    {
        return handle && begin.isValid() && commit.isValid() && rollback.isValid() && insertDelivery.isValid()
            && insertAttempt.isValid() && insertForward.isValid();
    }
    QString lastError() const
    {
        return QString::fromUtf8(handle ? sqlite3_errmsg(handle) : "no SQLite handle");
    }

    sqlite3 *handle;
    RawStatement begin;
    RawStatement commit;
    RawStatement rollback;
    RawStatement insertDelivery;
    RawStatement insertAttempt;
    RawStatement insertForward;
    QSqlQuery insertRejection;
    QSqlQuery trimRejections;
    QSqlQuery listen;
};

StoreWriter::StoreWriter(const Store &store, Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_options(std::move(options))
{
    qRegisterMetaType<mm::EventFacts>();
    qRegisterMetaType<QList<mm::EventFacts>>();
}

StoreWriter::~StoreWriter()
{
    stop();
}

StoreWriter::Stats StoreWriter::stats() const
{
    Stats s;
    {
        std::lock_guard lock(m_mutex);
        s = m_stats;
    }
    if (m_syncer) {
        const SyncPipeline::Stats p = m_syncer->stats();
        s.syncs = p.flushes;
        s.syncedDeliveries = p.flushedOutcomes;
        s.syncNs = p.flushNs;
    }
    return s;
}

QString StoreWriter::syncFailure() const
{
    return m_syncer ? m_syncer->failure() : QString();
}

void StoreWriter::answer(QList<WriteOutcome> outcomes)
{
    if (outcomes.isEmpty())
        return;
    if (m_syncer && m_syncer->isRunning())
        m_syncer->push(std::move(outcomes));
    else
        release(std::move(outcomes));
}

void StoreWriter::release(QList<WriteOutcome> outcomes)
{
    std::lock_guard lock(m_sinkMutex);
    if (m_sink)
        m_sink(std::move(outcomes));
}

void StoreWriter::noteWal(sqlite3 *handle)
{
    // The connection's write-ahead log, as SQLite's VFS sees it: syncing through it (not a file
    // descriptor of our own) is what a VFS layered on top, such as the power-cut test's, sees.
    sqlite3_file *wal = nullptr;
    if (sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK)
        wal = nullptr;
    if (wal == m_wal.load(std::memory_order_relaxed))
        return;
    // A new WAL file's first sync also syncs its folder (and clears that flag in the VFS's file
    // object): done here, on the thread that writes, before the sync thread ever uses it.
    if (wal && wal->pMethods)
        wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    m_wal.store(wal, std::memory_order_release);
}

QString StoreWriter::syncWal()
{
    sqlite3_file *wal = m_wal.load(std::memory_order_acquire);
    if (!wal || !wal->pMethods)
        return QStringLiteral("The store's write-ahead log is not open, so nothing can be synced.");
    const int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc == SQLITE_OK)
        return {};
    return QStringLiteral("The disk did not confirm a write to the store (%1): what was written may be lost. "
                          "Deliveries are answered 503 until Migration Monitor is restarted; check the disk.")
        .arg(QString::fromUtf8(sqlite3_errstr(rc)));
}

void StoreWriter::setCompletionSink(CompletionSink sink)
{
    // Waits for a call in progress: once this returns, the old sink is never called again.
    std::lock_guard lock(m_sinkMutex);
    m_sink = std::move(sink);
}

bool StoreWriter::start(QString *error)
{
    Q_ASSERT(!m_writerThread.isRunning() && !m_checkpointThread.isRunning());
    if (m_options.durability == Durability::Power && !usesPostgres()) {
        // PostgreSQL's COMMIT waits for its own WAL flush (synchronous_commit).
        if (!m_syncer)
            m_syncer = std::make_unique<SyncPipeline>(
                [this] { return syncWal(); }, [this](QList<WriteOutcome> o) { release(std::move(o)); },
                [this](const QString &why) {
                    qWarning("store: %s", qPrintable(why));
                    Q_EMIT syncFailed(why);
                });
        if (!m_syncer->isRunning())
            m_syncer->start();
    }
    if (m_options.commitOnCallerThread) {
        // Check now that the store opens (folder, permissions, schema); the committing
        // thread opens its own connection on first use.
        if (!Store::Connection(m_store, u"probe", error).isOpen())
            return false;
        startCheckpointer();
        m_callerMode = true;
        return true;
    }
    m_writerThread.startFunction([this] { run(); }, [this] { wakeToStop(); });
    std::unique_lock lock(m_mutex);
    m_started.wait(lock, [this] { return m_startDone; });
    if (!m_startOk) {
        if (error)
            *error = m_startError;
        lock.unlock();
        m_writerThread.stop(); // it has returned already
        return false;
    }
    lock.unlock();
    startCheckpointer();
    return true;
}

void StoreWriter::startCheckpointer()
{
    if (usesPostgres())
        return; // the server checkpoints
    m_checkpointThread.startFunction([this] { runCheckpointer(); }, [this] { wakeToStop(); });
}

void StoreWriter::wakeToStop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_checkpointWake.notify_all();
}

void StoreWriter::stop()
{
    // The checkpointer first, then the writer, which commits what is still queued before it
    // returns, then the sync thread, which syncs and answers the last of it.
    m_checkpointThread.stop();
    m_writerThread.stop();
    if (m_syncer)
        m_syncer->stop();
    m_callerMode = false;
}

void StoreWriter::runCheckpointer()
{
    // Its own connection: a PASSIVE checkpoint copies committed pages into the database
    // file without taking the write lock, so commits (and answers) never wait for it.
    {
        QString error;
        auto db = m_store.openConnection(u"checkpoint", &error);
        if (!db) {
            qWarning("store: checkpoints disabled: %s", qPrintable(error));
            return;
        }
        m_checkpointConnection = db->connectionName();
        const QString walPath = m_store.location() + QStringLiteral("-wal");
        bool failing = false;
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            m_checkpointWake.wait_for(lock, CheckpointInterval, [this] { return m_stopping; });
            if (m_stopping)
                break;
            lock.unlock();
            QString why;
            bool ok = Database::exec(*db, QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"), &why);
            if (ok && QFileInfo(walPath).size() > MaxWalBytes)
                ok = Database::exec(*db, QStringLiteral("PRAGMA wal_checkpoint(RESTART)"), &why);
            // A failing checkpoint (a full disk, say) only lets the WAL grow; it is said once,
            // and tried again at the next interval.
            if (!ok && !failing)
                qWarning("store: checkpoint failed: %s", qPrintable(why));
            else if (ok && failing)
                qWarning("store: checkpoints work again");
            failing = !ok;
            lock.lock();
        }
    }
    Database::close(m_checkpointConnection);
}

void StoreWriter::wakeWriterIf(bool wasEmpty)
{
    // The writer only sleeps on an empty queue; later jobs join the batch it takes next.
    if (wasEmpty && !m_callerMode)
        m_wake.notify_one();
}

void StoreWriter::enqueue(Job job)
{
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_queue.empty();
        m_queue.push_back(std::move(job));
    }
    wakeWriterIf(wasEmpty);
}

void StoreWriter::submit(std::vector<std::pair<quint64, DeliveryRecord>> records)
{
    if (records.empty())
        return;
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_queue.empty();
        for (auto &[ticket, record] : records)
            m_queue.push_back(DeliveryJob {ticket, std::move(record)});
    }
    wakeWriterIf(wasEmpty);
}

void StoreWriter::submit(quint64 ticket, DeliveryRecord record)
{
    enqueue(DeliveryJob {ticket, std::move(record)});
}

void StoreWriter::setForwarding(Forwarding forwarding)
{
    std::lock_guard lock(m_mutex);
    m_forwarding = std::move(forwarding);
}

StoreWriter::Forwarding StoreWriter::forwarding() const
{
    std::lock_guard lock(m_mutex);
    return m_forwarding;
}

void StoreWriter::submitRejection(RejectionRecord record)
{
    enqueue(std::move(record));
}

void StoreWriter::listeningStarted(const QString &url)
{
    enqueue(ListenEvent {ListenEvent::Started, url, nowUs()});
}

void StoreWriter::listeningAlive()
{
    enqueue(ListenEvent {ListenEvent::Alive, {}, nowUs()});
}

void StoreWriter::listeningStopped()
{
    enqueue(ListenEvent {ListenEvent::Stopped, {}, nowUs()});
}

void StoreWriter::setCallerWake(std::function<void()> wake)
{
    std::lock_guard lock(m_sinkMutex);
    m_callerWake = std::move(wake);
}

void StoreWriter::probe(ProbeDone done)
{
    enqueue(ListenEvent {ListenEvent::Alive, {}, nowUs(), std::move(done)});
    if (m_options.commitOnCallerThread) {
        // Nobody commits on our behalf in this mode: ask the committing thread to.
        std::lock_guard lock(m_sinkMutex);
        if (m_callerWake)
            m_callerWake();
    }
}

void StoreWriter::finishProbes(std::deque<Job> &batch, const QString &problem)
{
    for (Job &job : batch) {
        if (auto *l = std::get_if<ListenEvent>(&job); l && l->done)
            std::exchange(l->done, {})(problem);
    }
}

std::optional<QSqlDatabase> StoreWriter::openWriterConnection(QString *error)
{
    auto db = m_store.openConnection(u"writer", error);
    if (db)
        m_writerConnection = db->connectionName();
    // Checkpoints run on their own thread (runCheckpointer), never inside a COMMIT. The COMMIT
    // itself does not sync (synchronous=NORMAL): with Durability::Power the sync pipeline does,
    // off this thread, for all the batches committed meanwhile at once.
    if (db
        && (!Database::exec(*db, QStringLiteral("PRAGMA wal_autocheckpoint=0"), error)
            || !Database::exec(*db, QStringLiteral("PRAGMA synchronous=NORMAL"), error))) {
        db.reset();
        Store::closeConnection(m_writerConnection);
    }
    return db;
}

bool StoreWriter::commit(Queries &queries, std::deque<Job> &batch, QString *error)
{
    return commitWith([&](QList<WriteOutcome> &outcomes, int &stored, QList<EventFacts> *facts,
                          QString *why) { return writeBatch(queries, batch, outcomes, stored, facts, why); },
                      error);
}

template<typename Write> bool StoreWriter::commitWith(Write &&write, QString *error)
{
    QList<WriteOutcome> outcomes;
    int stored = 0;
    QString batchError;
    QElapsedTimer writeTimer;
    writeTimer.start();
    // Facts for the model are gathered only when someone listens (the window, not headless).
    QList<EventFacts> facts;
    const bool wantFacts = isSignalConnected(QMetaMethod::fromSignal(&StoreWriter::committed));
    m_batchFull = false;
    const bool ok = write(outcomes, stored, wantFacts ? &facts : nullptr, &batchError);
    if (!ok) {
        for (WriteOutcome &o : outcomes) {
            o.result = WriteResult::Failed;
            o.error = batchError;
            o.storageFull = m_batchFull;
        }
    }
    // Told on a change only: full at the first failure for want of space, cleared by the first
    // write that succeeds (other failures leave it as it was).
    if ((ok || m_batchFull) && m_storageFull.load(std::memory_order_relaxed) != m_batchFull) {
        m_storageFull.store(m_batchFull, std::memory_order_relaxed);
        Q_EMIT storageFull(m_batchFull, m_batchFull ? batchError : QString());
    }
    const qint64 writeNs = writeTimer.nsecsElapsed();
    if (ok)
        m_commitLatency.observe(writeNs);
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.transactions;
        m_stats.failedTransactions += ok ? 0 : 1;
        m_stats.deliveries += outcomes.size();
        m_stats.writeNs += writeNs;
    }
    answer(std::move(outcomes));
    if (stored > 0)
        Q_EMIT deliveriesCommitted(stored);
    if (!facts.isEmpty())
        Q_EMIT committed(facts);
    if (error)
        *error = ok ? QString() : batchError;
    return ok;
}

void StoreWriter::commitQueued()
{
    Q_ASSERT(m_options.commitOnCallerThread);
    std::deque<Job> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_queue);
    }
    if (batch.empty())
        return;
    if (usesPostgres()) {
        commitQueuedPg(batch);
        return;
    }
    // A Qt SQL connection belongs to one thread: every commit until closeOnCallerThread() comes
    // from the thread that made the first one.
    Q_ASSERT(!m_callerQueries || m_committingThread == QThread::currentThread());
    if (!m_callerQueries) {
        // Opened on first use, in the thread that commits.
        QString error;
        if (openWriterConnection(&error)) {
            m_callerQueries = std::make_unique<Queries>(QSqlDatabase::database(m_writerConnection, false));
            m_committingThread = QThread::currentThread();
        }
    }
    if (!m_callerQueries) {
        failAll(batch, QStringLiteral("the store is not open"));
        finishProbes(batch, QStringLiteral("the store is not open"));
        return;
    }
    QString error;
    const bool ok = commit(*m_callerQueries, batch, &error);
    finishProbes(batch, ok ? QString() : error);
}

void StoreWriter::closeOnCallerThread()
{
    if (m_options.commitOnCallerThread && m_callerPg) {
        commitQueued();
        closePg(m_callerPg);
        m_committingThread = nullptr;
        return;
    }
    if (!m_options.commitOnCallerThread || !m_callerQueries)
        return;
    commitQueued();
    if (m_syncer)
        m_syncer->drain(); // its last syncs use this connection's WAL file
    m_callerQueries.reset();
    m_committingThread = nullptr;
    {
        QSqlDatabase db = QSqlDatabase::database(m_writerConnection, false);
        Database::exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), nullptr);
    }
    Database::close(m_writerConnection);
}

void StoreWriter::run()
{
    if (usesPostgres()) {
        runPg();
        return;
    }
    QString error;
    {
        auto db = openWriterConnection(&error);
        {
            std::lock_guard lock(m_mutex);
            m_startDone = true;
            m_startOk = db.has_value();
            m_startError = error;
        }
        m_started.notify_all();
        if (!db)
            return;

        Queries queries(*db);
        for (;;) {
            std::deque<Job> batch;
            bool stopping = false;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
                batch.swap(m_queue);
                stopping = m_stopping;
            }
            if (!batch.empty()) {
                QString failure;
                const bool ok = commit(queries, batch, &failure);
                finishProbes(batch, ok ? QString() : failure);
            }
            if (stopping) {
                std::lock_guard lock(m_mutex);
                if (m_queue.empty())
                    break;
            }
        }
        if (m_syncer)
            m_syncer->drain(); // its last syncs use this connection's WAL file
        Database::exec(*db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), nullptr);
    }
    Database::close(m_writerConnection);
}

bool StoreWriter::usesPostgres() const
{
    return m_store.isPostgres();
}

void StoreWriter::failAll(const std::deque<Job> &batch, const QString &why)
{
    QList<WriteOutcome> failed;
    for (const Job &job : batch) {
        if (const auto *d = std::get_if<DeliveryJob>(&job))
            failed.append(WriteOutcome {d->ticket, WriteResult::Failed, why});
    }
    answer(std::move(failed));
}

void StoreWriter::noteReachable(bool reachable, const QString &reason)
{
    // Said on a change only: one line when the database goes away, one when it is back.
    if (m_unreachable.load(std::memory_order_relaxed) == !reachable)
        return;
    m_unreachable.store(!reachable, std::memory_order_relaxed);
    Q_EMIT reachabilityChanged(reachable, reachable ? QString() : reason);
}

void StoreWriter::commitQueuedPg(std::deque<Job> &batch)
{
    Q_ASSERT(!m_callerPg || m_committingThread == QThread::currentThread());
    QString error;
    if (!m_callerPg) {
        // (Re)connected on use: after the database went away, the next batch tries again.
        m_callerPg = openPg(&error);
        if (m_callerPg)
            m_committingThread = QThread::currentThread();
    }
    if (!m_callerPg) {
        noteReachable(false, error);
        const QString why = error.isEmpty() ? QStringLiteral("the store is not open") : error;
        failAll(batch, why);
        finishProbes(batch, why);
        return;
    }
    QString failure;
    const bool ok = commitWith(
        [&](QList<WriteOutcome> &outcomes, int &stored, QList<EventFacts> *facts, QString *why) {
            return writeBatchPg(*m_callerPg, batch, outcomes, stored, facts, why);
        },
        &failure);
    noteReachable(ok, failure);
    finishProbes(batch, ok ? QString() : failure);
    if (!ok) { // the connection may be gone: a fresh one for the next batch
        closePg(m_callerPg);
        m_committingThread = nullptr;
    }
}

void StoreWriter::runPg()
{
    QString error;
    std::unique_ptr<PgQueries> queries = openPg(&error);
    {
        std::lock_guard lock(m_mutex);
        m_startDone = true;
        m_startOk = queries != nullptr;
        m_startError = error;
    }
    m_started.notify_all();
    if (!queries)
        return;
    for (;;) {
        std::deque<Job> batch;
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
            batch.swap(m_queue);
            stopping = m_stopping;
        }
        if (!batch.empty()) {
            if (!queries)
                queries = openPg(&error);
            if (!queries) {
                noteReachable(false, error);
                failAll(batch, error);
                finishProbes(batch, error);
            } else {
                QString failure;
                const bool ok = commitWith(
                    [&](QList<WriteOutcome> &outcomes, int &stored, QList<EventFacts> *facts, QString *why) {
                        return writeBatchPg(*queries, batch, outcomes, stored, facts, why);
                    },
                    &failure);
                noteReachable(ok, failure);
                finishProbes(batch, ok ? QString() : failure);
                if (!ok)
                    closePg(queries);
            }
        }
        if (stopping) {
            std::lock_guard lock(m_mutex);
            if (m_queue.empty())
                break;
        }
    }
    closePg(queries);
}

EventFacts StoreWriter::factsOf(const DeliveryRecord &r, qint64 rowId, int attempts)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = r.msgId;
    f.eventId = r.eventId;
    f.type = r.type;
    f.migrationId = r.migrationId;
    f.createdUs = r.createdUs;
    f.status = r.status;
    f.errorMessage = r.errorMessage;
    f.taskId = r.taskId;
    f.companyId = r.companyId;
    f.createdByUserId = r.createdByUserId;
    f.objectCreatedUs = r.objectCreatedUs;
    f.receivedUs = r.receivedUs;
    f.timestampHeader = r.timestampHeader;
    f.attempts = attempts;
    f.parsed = r.parsed;
    return f;
}

bool StoreWriter::writeBatch(Queries &q, std::deque<Job> &batch, QList<WriteOutcome> &outcomes, int &stored,
                             QList<EventFacts> *facts, QString *error)
{
    for (const Job &job : batch) {
        if (const auto *d = std::get_if<DeliveryJob>(&job))
            outcomes.append(WriteOutcome {d->ticket, WriteResult::Failed, {}});
    }
    auto failWith = [&](const QString &why) {
        *error = why;
        // Read before ROLLBACK replaces it: SQLite reports a full disk (ENOSPC) as SQLITE_FULL.
        m_batchFull = q.handle && (sqlite3_extended_errcode(q.handle) & 0xff) == SQLITE_FULL;
        q.rollback.step();
        q.rollback.reset();
        if (q.handle && !sqlite3_get_autocommit(q.handle)) {
            // Still in the transaction (a statement left mid-step can keep ROLLBACK from
            // finishing): reset every statement and roll back again, so the next BEGIN works.
            for (sqlite3_stmt *st = sqlite3_next_stmt(q.handle, nullptr); st;
                 st = sqlite3_next_stmt(q.handle, st))
                sqlite3_reset(st);
            q.rollback.step();
            q.rollback.reset();
        }
        stored = 0;
        if (facts)
            facts->clear();
        return false;
    };
    if (!q.isValid())
        return failWith(q.lastError());
    if (m_syncer) {
        // After a failed sync nothing more is acknowledged (see SyncPipeline).
        if (QString failure = m_syncer->failure(); !failure.isEmpty()) {
            *error = std::move(failure);
            stored = 0;
            return false;
        }
    }
    const int began = q.begin.step();
    q.begin.reset();
    if (began != SQLITE_DONE)
        return failWith(q.lastError());

    std::optional<Forwarding> forward;
    {
        std::lock_guard lock(m_mutex);
        if (!m_forwarding.target.isEmpty())
            forward = m_forwarding;
    }
    int outcomeIndex = 0;
    bool rejected = false;
    qint64 startedRowId = -1; // becomes m_listenRowId only once committed
    for (Job &job : batch) {
        if (auto *d = std::get_if<DeliveryJob>(&job)) {
            const DeliveryRecord &r = d->record;
            RawStatement &ins = q.insertDelivery;
            ins.text(1, r.msgId);
            ins.text(2, r.eventId);
            ins.text(3, r.type);
            ins.text(4, r.migrationId);
            ins.optional(5, r.createdUs);
            ins.integer(6, r.receivedUs);
            ins.integer(7, r.parsed ? 1 : 0);
            ins.blob(8, r.body); // an empty body is bound as an empty blob, never NULL
            ins.integer(9, r.timestampHeader);
            ins.text(10, r.remote);
            ins.text(11, r.userAgent);
            ins.integer(12, r.secretIndex);
            ins.text(13, r.status);
            ins.text(14, r.errorMessage);
            ins.text(15, r.taskId);
            ins.text(16, r.companyId);
            ins.text(17, r.createdByUserId);
            ins.optional(18, r.objectCreatedUs);
            ins.text(19, r.headers);
            ins.text(20, r.signature);
            // One statement decides new or duplicate and counts the attempt; a new
            // delivery's first attempt is recorded in its own row.
            if (ins.step() != SQLITE_ROW) {
                const QString why = q.lastError();
                ins.reset();
                return failWith(why);
            }
            const qint64 deliveryId = sqlite3_column_int64(ins.get(), 0);
            const qint64 seq = sqlite3_column_int64(ins.get(), 1);
            const int done = ins.step(); // finishes the statement (RETURNING gives one row)
            ins.reset();
            if (done != SQLITE_DONE)
                return failWith(q.lastError());
            const bool isNew = seq == 1;
            if (!isNew) {
                RawStatement &att = q.insertAttempt;
                att.integer(1, deliveryId);
                att.integer(2, seq);
                att.integer(3, r.receivedUs);
                att.integer(4, r.timestampHeader);
                att.text(5, r.remote);
                att.text(6, r.userAgent);
                att.integer(7, r.secretIndex);
                att.text(8, r.headers);
                const int rc = att.step();
                att.reset();
                if (rc != SQLITE_DONE)
                    return failWith(q.lastError());
            }
            if (isNew && forward) {
                // Queued in the delivery's own transaction: acknowledged means queued.
                RawStatement &fwd = q.insertForward;
                fwd.integer(1, deliveryId);
                fwd.text(2, forward->target);
                fwd.integer(3, forward->resign ? 1 : 0);
                fwd.integer(4, r.receivedUs);
                const int rc = fwd.step();
                fwd.reset();
                if (rc != SQLITE_DONE)
                    return failWith(q.lastError());
            }
            outcomes[outcomeIndex++].result = isNew ? WriteResult::Stored : WriteResult::Duplicate;
            if (facts)
                facts->append(factsOf(r, deliveryId, int(seq)));
            stored += isNew ? 1 : 0;
        } else if (auto *r = std::get_if<RejectionRecord>(&job)) {
            QSqlQuery &ins = q.insertRejection;
            ins.bindValue(0, r->receivedUs);
            ins.bindValue(1, r->remote);
            ins.bindValue(2, r->status);
            ins.bindValue(3, r->reasonCode);
            ins.bindValue(4, r->reason);
            ins.bindValue(5,
                          r->msgId.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                                             : QVariant(QString::fromLatin1(r->msgId)));
            ins.bindValue(6, r->timestampHeader);
            ins.bindValue(7, QString::fromUtf8(headersJson(r->headers)));
            ins.bindValue(8, r->bodyHead);
            ins.bindValue(9, r->bodySize);
            if (!ins.exec())
                return failWith(ins.lastError().text());
            rejected = true;
        } else if (auto *l = std::get_if<ListenEvent>(&job)) {
            QSqlQuery &sql = q.listen;
            if (l->kind == ListenEvent::Started) {
                sql.prepare(QStringLiteral(
                    "INSERT INTO listen_intervals(started_us, alive_us, url) VALUES(?, ?, ?)"));
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->url);
            } else if (const qint64 rowId = startedRowId >= 0 ? startedRowId : m_listenRowId; rowId >= 0) {
                if (l->kind == ListenEvent::Alive) {
                    sql.prepare(QStringLiteral("UPDATE listen_intervals SET alive_us = ? WHERE id = ?"));
                } else {
                    sql.prepare(QStringLiteral(
                        "UPDATE listen_intervals SET alive_us = ?, stopped_us = ? WHERE id = ?"));
                    sql.addBindValue(l->atUs);
                }
                sql.addBindValue(l->atUs);
                sql.addBindValue(rowId);
            } else {
                continue;
            }
            if (!sql.exec())
                return failWith(sql.lastError().text());
            if (l->kind == ListenEvent::Started)
                startedRowId = sql.lastInsertId().toLongLong();
        }
    }
    if (rejected) {
        q.trimRejections.bindValue(0, m_options.rejectionJournalLimit);
        if (!q.trimRejections.exec())
            return failWith(q.trimRejections.lastError().text());
    }
    const int committed = q.commit.step();
    q.commit.reset();
    if (committed != SQLITE_DONE)
        return failWith(q.lastError());
    if (startedRowId >= 0)
        m_listenRowId = startedRowId;
    if (m_syncer)
        noteWal(q.handle);
    return true;
}

namespace {
QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QVariant optionalInt(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}
} // namespace

std::optional<StoreWriter::ImportCounts>
StoreWriter::writeImported(QSqlDatabase &db, const QList<ImportedDelivery> &batch, QString *error)
{
    // Off the receiving path (an import runs on the reader thread, or in --import): Qt SQL on the
    // caller's own connection. The receiver's commits wait for this transaction at most.
    auto fail = [&](const QString &why) -> std::optional<ImportCounts> {
        if (error)
            *error = QStringLiteral("Cannot write the store: %1").arg(why);
        db.rollback();
        return std::nullopt;
    };
    if (!db.transaction())
        return fail(db.lastError().text());
    QSqlQuery ins(db);
    ins.prepare(QStringLiteral(
        "INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, attempts, "
        "parsed, body, status, error_message, task_id, company_id, created_by, object_created_us) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(msg_id) DO NOTHING RETURNING id"));
    QSqlQuery fwd(db);
    const Forwarding forward = forwarding();
    if (!forward.target.isEmpty())
        fwd.prepare(
            QStringLiteral("INSERT INTO forward_queue(delivery_id, target, resign, enqueued_us, next_us) "
                           "VALUES(?, ?, ?, ?, ?)"));
    const bool wantFacts = isSignalConnected(QMetaMethod::fromSignal(&StoreWriter::committed));
    QList<EventFacts> facts;
    ImportCounts counts;
    for (const ImportedDelivery &d : batch) {
        const DeliveryRecord &rec = d.record;
        ins.addBindValue(QString::fromUtf8(rec.msgId));
        ins.addBindValue(textOrNull(rec.eventId));
        ins.addBindValue(textOrNull(rec.type));
        ins.addBindValue(textOrNull(rec.migrationId));
        ins.addBindValue(optionalInt(rec.createdUs));
        ins.addBindValue(rec.receivedUs);
        ins.addBindValue(d.attempts);
        ins.addBindValue(rec.parsed);
        ins.addBindValue(rec.body.isNull() ? QByteArray("") : rec.body);
        ins.addBindValue(textOrNull(rec.status));
        ins.addBindValue(textOrNull(rec.errorMessage));
        ins.addBindValue(textOrNull(rec.taskId));
        ins.addBindValue(textOrNull(rec.companyId));
        ins.addBindValue(textOrNull(rec.createdByUserId));
        ins.addBindValue(optionalInt(rec.objectCreatedUs));
        if (!ins.exec())
            return fail(ins.lastError().text());
        if (!ins.next()) { // no row returned: the message id was stored already
            ++counts.duplicates;
            continue;
        }
        const qint64 rowId = ins.value(0).toLongLong();
        ins.finish();
        ++counts.imported;
        if (!forward.target.isEmpty()) {
            fwd.addBindValue(rowId);
            fwd.addBindValue(forward.target);
            fwd.addBindValue(forward.resign ? 1 : 0);
            fwd.addBindValue(rec.receivedUs);
            fwd.addBindValue(rec.receivedUs);
            if (!fwd.exec())
                return fail(fwd.lastError().text());
        }
        if (wantFacts)
            facts.append(factsOf(rec, rowId, d.attempts));
    }
    if (!db.commit())
        return fail(db.lastError().text());
    if (counts.imported > 0)
        Q_EMIT deliveriesCommitted(int(counts.imported));
    if (!facts.isEmpty())
        Q_EMIT committed(facts);
    return counts;
}

} // namespace mm
