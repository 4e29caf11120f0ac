// SPDX-License-Identifier: GPL-3.0-or-later
#include "storewriter.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaMethod>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <optional>

namespace mm {

namespace {
const QString Connection = QStringLiteral("mm-store-writer");
const QString CheckpointConnection = QStringLiteral("mm-store-checkpoint");
constexpr auto CheckpointInterval = std::chrono::milliseconds(500);
// Past this the writer itself resets the WAL (only under long sustained load, when the
// background checkpoint never sees a quiet moment to finish).
constexpr qint64 MaxWalBytes = 64 * 1024 * 1024;

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

QVariant optionalInt(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QByteArray headersJson(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray {QString::fromLatin1(name), QString::fromLatin1(value)});
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}
} // namespace

struct StoreWriter::Queries
{
    explicit Queries(const QSqlDatabase &db)
        : insertDelivery(db)
        , insertAttempt(db)
        , insertRejection(db)
        , trimRejections(db)
        , listen(db)
    {
        insertDelivery.prepare(QStringLiteral(
            "INSERT INTO deliveries(msg_id, event_id, type, migration_id, created_us, received_us, parsed, body, "
            "timestamp_header, remote, user_agent, secret_index, status, error_message, task_id, company_id, "
            "created_by, object_created_us) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(msg_id) DO UPDATE SET attempts = attempts + 1 RETURNING id, attempts"));
        insertAttempt.prepare(QStringLiteral(
            "INSERT INTO attempts(delivery_id, seq, received_us, timestamp_header, remote, user_agent, secret_index) "
            "VALUES(?, ?, ?, ?, ?, ?, ?)"));
        insertRejection.prepare(QStringLiteral(
            "INSERT INTO rejections(received_us, remote, status, reason_code, reason, msg_id, timestamp_header, "
            "headers, body_head, body_size) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        trimRejections.prepare(QStringLiteral("DELETE FROM rejections WHERE id <= (SELECT max(id) FROM rejections) - ?"));
    }
    QSqlQuery insertDelivery;
    QSqlQuery insertAttempt;
    QSqlQuery insertRejection;
    QSqlQuery trimRejections;
    QSqlQuery listen;
};

StoreWriter::StoreWriter(Options options, QObject *parent)
    : QObject(parent)
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
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void StoreWriter::setCompletionSink(CompletionSink sink)
{
    std::lock_guard lock(m_mutex);
    m_sink = std::move(sink);
}

bool StoreWriter::start(QString *error)
{
    Q_ASSERT(!m_thread);
    if (m_options.commitOnCallerThread) {
        // Check now that the store opens (folder, permissions, schema); the committing
        // thread opens its own connection on first use.
        {
            const QString probe = QStringLiteral("mm-store-probe");
            if (!Database::open(m_options.dataDir, probe, error, m_options.sync))
                return false;
            Database::close(probe);
        }
        m_checkpointThread = QThread::create([this] { runCheckpointer(); });
        m_checkpointThread->setObjectName(QStringLiteral("mm-checkpoint"));
        m_checkpointThread->start();
        m_callerMode = true;
        return true;
    }
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("mm-store"));
    m_thread->start();
    std::unique_lock lock(m_mutex);
    m_started.wait(lock, [this] { return m_startDone; });
    if (!m_startOk) {
        if (error)
            *error = m_startError;
        lock.unlock();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        return false;
    }
    lock.unlock();
    m_checkpointThread = QThread::create([this] { runCheckpointer(); });
    m_checkpointThread->setObjectName(QStringLiteral("mm-checkpoint"));
    m_checkpointThread->start();
    return true;
}

void StoreWriter::stop()
{
    if (m_callerMode) {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_checkpointWake.notify_all();
        if (m_checkpointThread) {
            m_checkpointThread->wait();
            delete m_checkpointThread;
            m_checkpointThread = nullptr;
        }
        m_callerMode = false;
        return;
    }
    if (!m_thread)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_checkpointWake.notify_all();
    if (m_checkpointThread) {
        m_checkpointThread->wait();
        delete m_checkpointThread;
        m_checkpointThread = nullptr;
    }
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void StoreWriter::runCheckpointer()
{
    // Its own connection: a PASSIVE checkpoint copies committed pages into the database
    // file without taking the write lock, so commits (and answers) never wait for it.
    {
        QString error;
        auto db = Database::open(m_options.dataDir, CheckpointConnection, &error, m_options.sync);
        if (!db) {
            qWarning("store: checkpoints disabled: %s", qPrintable(error));
            return;
        }
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            m_checkpointWake.wait_for(lock, CheckpointInterval, [this] { return m_stopping; });
            if (m_stopping)
                break;
            lock.unlock();
            Database::exec(*db, QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"), nullptr);
            lock.lock();
        }
    }
    Database::close(CheckpointConnection);
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

std::optional<QSqlDatabase> StoreWriter::openWriterConnection(QString *error)
{
    auto db = Database::open(m_options.dataDir, Connection, error, m_options.sync);
    // Checkpoints run on their own thread (runCheckpointer), never inside a COMMIT.
    if (db && !Database::exec(*db, QStringLiteral("PRAGMA wal_autocheckpoint=0"), error)) {
        db.reset();
        Database::close(Connection);
    }
    return db;
}

void StoreWriter::commit(Queries &queries, std::deque<Job> &batch, const CompletionSink &sink)
{
    QList<WriteOutcome> outcomes;
    int stored = 0;
    QString batchError;
    QElapsedTimer writeTimer;
    writeTimer.start();
    // Facts for the model are gathered only when someone listens (the window, not headless).
    QList<EventFacts> facts;
    const bool wantFacts = isSignalConnected(QMetaMethod::fromSignal(&StoreWriter::committed));
    const bool ok = writeBatch(queries, batch, outcomes, stored, wantFacts ? &facts : nullptr, &batchError);
    if (!ok) {
        for (WriteOutcome &o : outcomes) {
            o.result = WriteResult::Failed;
            o.error = batchError;
        }
    }
    qint64 transactions = 0;
    {
        std::lock_guard lock(m_mutex);
        transactions = ++m_stats.transactions;
        m_stats.failedTransactions += ok ? 0 : 1;
        m_stats.deliveries += outcomes.size();
        m_stats.writeNs += writeTimer.nsecsElapsed();
    }
    if (sink && !outcomes.isEmpty())
        sink(std::move(outcomes));
    if (stored > 0)
        Q_EMIT deliveriesCommitted(stored);
    if (!facts.isEmpty())
        Q_EMIT committed(facts);
    if (transactions % 256 == 0
        && QFileInfo(Database::databasePath(m_options.dataDir) + QStringLiteral("-wal")).size() > MaxWalBytes) {
        QSqlDatabase db = QSqlDatabase::database(Connection, false);
        Database::exec(db, QStringLiteral("PRAGMA wal_checkpoint(RESTART)"), nullptr);
    }
}

void StoreWriter::commitQueued()
{
    Q_ASSERT(m_options.commitOnCallerThread);
    std::deque<Job> batch;
    CompletionSink sink;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_queue);
        sink = m_sink;
    }
    if (batch.empty())
        return;
    if (!m_callerQueries) {
        // Opened on first use, in the thread that commits: a Qt SQL connection belongs to one thread.
        QString error;
        if (openWriterConnection(&error))
            m_callerQueries = std::make_unique<Queries>(QSqlDatabase::database(Connection, false));
    }
    if (!m_callerQueries) {
        QList<WriteOutcome> failed;
        for (const Job &job : batch) {
            if (const auto *d = std::get_if<DeliveryJob>(&job))
                failed.append(WriteOutcome {d->ticket, WriteResult::Failed, QStringLiteral("the store is not open")});
        }
        if (sink && !failed.isEmpty())
            sink(std::move(failed));
        return;
    }
    commit(*m_callerQueries, batch, sink);
}

void StoreWriter::closeOnCallerThread()
{
    if (!m_options.commitOnCallerThread || !m_callerQueries)
        return;
    commitQueued();
    m_callerQueries.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(Connection, false);
        Database::exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), nullptr);
    }
    Database::close(Connection);
}

void StoreWriter::run()
{
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
            CompletionSink sink;
            bool stopping = false;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
                batch.swap(m_queue);
                sink = m_sink;
                stopping = m_stopping;
            }
            if (!batch.empty())
                commit(queries, batch, sink);
            if (stopping) {
                std::lock_guard lock(m_mutex);
                if (m_queue.empty())
                    break;
            }
        }
        Database::exec(*db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), nullptr);
    }
    Database::close(Connection);
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
    f.attempts = attempts;
    f.parsed = r.parsed;
    return f;
}

bool StoreWriter::writeBatch(Queries &q, std::deque<Job> &batch, QList<WriteOutcome> &outcomes, int &stored,
                             QList<EventFacts> *facts, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(Connection, false);
    for (const Job &job : batch) {
        if (const auto *d = std::get_if<DeliveryJob>(&job))
            outcomes.append(WriteOutcome {d->ticket, WriteResult::Failed, {}});
    }
    auto failWith = [&](const QSqlError &e) {
        *error = e.text();
        db.rollback();
        stored = 0;
        if (facts)
            facts->clear();
        return false;
    };
    if (!db.transaction())
        return failWith(db.lastError());

    int outcomeIndex = 0;
    bool rejected = false;
    for (Job &job : batch) {
        if (auto *d = std::get_if<DeliveryJob>(&job)) {
            const DeliveryRecord &r = d->record;
            QSqlQuery &ins = q.insertDelivery;
            ins.bindValue(0, QString::fromLatin1(r.msgId));
            ins.bindValue(1, r.eventId);
            ins.bindValue(2, r.type);
            ins.bindValue(3, r.migrationId);
            ins.bindValue(4, optionalInt(r.createdUs));
            ins.bindValue(5, r.receivedUs);
            ins.bindValue(6, r.parsed ? 1 : 0);
            // A null QByteArray binds as SQL NULL; an empty body is still a body.
            ins.bindValue(7, r.body.isNull() ? QByteArray("") : r.body);
            ins.bindValue(8, r.timestampHeader);
            ins.bindValue(9, r.remote);
            ins.bindValue(10, r.userAgent);
            ins.bindValue(11, r.secretIndex);
            ins.bindValue(12, nullIfEmpty(r.status));
            ins.bindValue(13, nullIfEmpty(r.errorMessage));
            ins.bindValue(14, nullIfEmpty(r.taskId));
            ins.bindValue(15, nullIfEmpty(r.companyId));
            ins.bindValue(16, nullIfEmpty(r.createdByUserId));
            ins.bindValue(17, optionalInt(r.objectCreatedUs));
            // One statement decides new or duplicate and counts the attempt; a new
            // delivery's first attempt is recorded in its own row.
            if (!ins.exec() || !ins.next())
                return failWith(ins.lastError());
            const qint64 deliveryId = ins.value(0).toLongLong();
            const qint64 seq = ins.value(1).toLongLong();
            const bool isNew = seq == 1;
            ins.finish();
            if (!isNew) {
                QSqlQuery &att = q.insertAttempt;
                att.bindValue(0, deliveryId);
                att.bindValue(1, seq);
                att.bindValue(2, r.receivedUs);
                att.bindValue(3, r.timestampHeader);
                att.bindValue(4, r.remote);
                att.bindValue(5, r.userAgent);
                att.bindValue(6, r.secretIndex);
                if (!att.exec())
                    return failWith(att.lastError());
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
            ins.bindValue(5, r->msgId.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(QString::fromLatin1(r->msgId)));
            ins.bindValue(6, r->timestampHeader);
            ins.bindValue(7, QString::fromUtf8(headersJson(r->headers)));
            ins.bindValue(8, r->bodyHead);
            ins.bindValue(9, r->bodySize);
            if (!ins.exec())
                return failWith(ins.lastError());
            rejected = true;
        } else if (auto *l = std::get_if<ListenEvent>(&job)) {
            QSqlQuery &sql = q.listen;
            if (l->kind == ListenEvent::Started) {
                sql.prepare(QStringLiteral("INSERT INTO listen_intervals(started_us, alive_us, url) VALUES(?, ?, ?)"));
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->atUs);
                sql.addBindValue(l->url);
            } else if (m_listenRowId >= 0) {
                if (l->kind == ListenEvent::Alive) {
                    sql.prepare(QStringLiteral("UPDATE listen_intervals SET alive_us = ? WHERE id = ?"));
                } else {
                    sql.prepare(QStringLiteral("UPDATE listen_intervals SET alive_us = ?, stopped_us = ? WHERE id = ?"));
                    sql.addBindValue(l->atUs);
                }
                sql.addBindValue(l->atUs);
                sql.addBindValue(m_listenRowId);
            } else {
                continue;
            }
            if (!sql.exec())
                return failWith(sql.lastError());
            if (l->kind == ListenEvent::Started)
                m_listenRowId = sql.lastInsertId().toLongLong();
        }
    }
    if (rejected) {
        q.trimRejections.bindValue(0, m_options.rejectionJournalLimit);
        if (!q.trimRejections.exec())
            return failWith(q.trimRejections.lastError());
    }
    if (!db.commit())
        return failWith(db.lastError());
    return true;
}

} // namespace mm
