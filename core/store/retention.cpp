// SPDX-License-Identifier: GPL-3.0-or-later
#include "retention.h"

#include "database.h"
#include "store.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>
#include <algorithm>
#include <limits>

namespace mm {

namespace {
qint64 pragma(const QSqlDatabase &db, const char *name)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA %1").arg(QLatin1String(name))) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool execOk(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}
} // namespace

Retention::Retention(QString connectionName, Clock clock)
    : m_connection(std::move(connectionName))
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch() * 1000; }))
{
}

QSqlDatabase Retention::db() const
{
    return QSqlDatabase::database(m_connection, false);
}

void Retention::setPolicy(const RetentionPolicy &policy)
{
    if (policy == m_policy)
        return;
    m_policy = policy;
    m_sizeWarned = false;
}

qint64 Retention::usedBytes() const
{
    const QSqlDatabase d = db();
    const qint64 pages = pragma(d, "page_count");
    const qint64 free = pragma(d, "freelist_count");
    const qint64 size = pragma(d, "page_size");
    return pages < 0 || free < 0 || size < 0 ? -1 : (pages - free) * size;
}

Retention::Pass Retention::run(const std::function<bool()> &betweenBatches, const Deleted &deleted)
{
    Pass pass;
    if (m_policy.isUnlimited())
        return pass;
    auto stopped = [&] { return betweenBatches && !betweenBatches(); };
    auto fail = [&pass](const QString &error) {
        pass.complete = false;
        pass.error = error;
        return pass;
    };
    QSqlDatabase d = db();
    if (d.driverName() == QLatin1String("QPSQL"))
        return runPostgres(betweenBatches, deleted);
    QSqlQuery probe(d);
    if (!probe.exec(
            QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'forward_queue'")))
        return fail(probe.lastError().text());
    const bool hasForwardQueue = probe.next();
    probe.finish();
    QString error;

    const qint64 cutoff
        = m_policy.hasAgeLimit() ? m_clock() - m_policy.ageLimitUs() : std::numeric_limits<qint64>::min();
    // Counts a committed batch and tells the caller which deliveries it deleted.
    auto deletedBatch = [&](const QList<qint64> &ids) {
        pass.deliveries += ids.size();
        if (deleted && !ids.isEmpty())
            deleted(ids);
        return qint64(ids.size());
    };
    if (m_policy.hasAgeLimit()) {
        for (;;) {
            const auto ids = deleteBatch(cutoff, BatchSize, hasForwardQueue, &error);
            if (!ids)
                return fail(error);
            const qint64 n = deletedBatch(*ids);
            if (n == 0)
                break;
            if (stopped()) {
                pass.complete = false;
                return pass;
            }
        }
        QSqlQuery rejections(d);
        rejections.prepare(QStringLiteral("DELETE FROM rejections WHERE received_us < ?"));
        rejections.addBindValue(cutoff);
        if (!execOk(rejections, &error))
            return fail(error);
        pass.rejections = rejections.numRowsAffected();
    }

    if (m_policy.maxBytes > 0) {
        for (qint64 used = usedBytes(); used > m_policy.maxBytes; used = usedBytes()) {
            // With an age limit, everything older than it is gone already: what is left is
            // young enough to be kept whatever its size.
            qint64 n = 0;
            if (!m_policy.hasAgeLimit()) {
                // About as many rows as the excess holds, from the average row's size.
                QSqlQuery span(d);
                if (!span.exec(QStringLiteral("SELECT max(id) - min(id) + 1 FROM deliveries"))
                    || !span.next())
                    return fail(span.lastError().text());
                const qint64 rows = std::max<qint64>(1, span.value(0).toLongLong());
                const qint64 perRow = std::max<qint64>(1, used / rows);
                const int wanted
                    = int(std::clamp<qint64>((used - m_policy.maxBytes) / perRow + 1, 1, BatchSize));
                const auto ids
                    = deleteBatch(std::numeric_limits<qint64>::max(), wanted, hasForwardQueue, &error);
                if (!ids)
                    return fail(error);
                n = deletedBatch(*ids);
            }
            if (n == 0) {
                pass.sizeLimitUnmet = true;
                break;
            }
            if (stopped()) {
                pass.complete = false;
                return pass;
            }
        }
        if (pass.sizeLimitUnmet && !m_sizeWarned) {
            m_sizeWarned = true;
            if (m_policy.hasAgeLimit())
                qWarning("store: the size limit (%lld MiB) cannot be met without deleting deliveries "
                         "younger than %d days; they are kept",
                         static_cast<long long>(m_policy.maxBytes / (1024 * 1024)), m_policy.maxAgeDays);
            else
                qWarning("store: the size limit (%lld MiB) cannot be met: what is left is waiting to be "
                         "forwarded",
                         static_cast<long long>(m_policy.maxBytes / (1024 * 1024)));
        } else if (!pass.sizeLimitUnmet) {
            m_sizeWarned = false;
        }
    }

    const qint64 freed = vacuum(betweenBatches, &error);
    if (freed < 0)
        return fail(error);
    pass.pagesFreed = freed;
    if (pass.deliveries > 0 || pass.rejections > 0)
        qInfo("store: retention deleted %lld deliveries and %lld rejections, %lld pages returned",
              static_cast<long long>(pass.deliveries), static_cast<long long>(pass.rejections),
              static_cast<long long>(pass.pagesFreed));
    return pass;
}

std::optional<QList<qint64>> Retention::deleteBatch(qint64 cutoffUs, int limit, bool hasForwardQueue,
                                                    QString *error)
{
    QSqlDatabase d = db();
    QSqlQuery q(d);
    // IMMEDIATE: the forwarding state read below cannot change before this transaction ends.
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    auto rollback = [&](const QString &why) -> std::optional<QList<qint64>> {
        *error = why;
        QSqlQuery(d).exec(QStringLiteral("ROLLBACK"));
        return std::nullopt;
    };
    QList<qint64> doomed;
    qint64 after = std::numeric_limits<qint64>::min();
    // Oldest first. Ids follow arrival; the first young row ends the batch, so a clock that
    // jumped back can only make retention keep more.
    for (bool more = true; more && doomed.size() < limit;) {
        QSqlQuery rows(d);
        rows.prepare(
            QStringLiteral("SELECT id, received_us FROM deliveries WHERE id > ? ORDER BY id LIMIT ?"));
        rows.addBindValue(after);
        rows.addBindValue(limit);
        if (!rows.exec())
            return rollback(rows.lastError().text());
        QList<std::pair<qint64, qint64>> candidates;
        while (rows.next())
            candidates.append({rows.value(0).toLongLong(), rows.value(1).toLongLong()});
        if (candidates.isEmpty())
            break;
        QSet<qint64> pending;
        if (hasForwardQueue) {
            QSqlQuery p(d);
            p.prepare(QStringLiteral("SELECT delivery_id FROM forward_queue WHERE state = 'pending' "
                                     "AND delivery_id BETWEEN ? AND ?"));
            p.addBindValue(candidates.first().first);
            p.addBindValue(candidates.last().first);
            if (!p.exec())
                return rollback(p.lastError().text());
            while (p.next())
                pending.insert(p.value(0).toLongLong());
        }
        for (const auto &[id, receivedUs] : std::as_const(candidates)) {
            if (receivedUs >= cutoffUs) {
                more = false;
                break;
            }
            after = id;
            if (!pending.contains(id))
                doomed.append(id);
            if (doomed.size() >= limit)
                break;
        }
        if (candidates.size() < limit)
            more = false;
    }

    QSqlQuery attempts(d);
    QSqlQuery forwards(d);
    QSqlQuery deliveries(d);
    QSqlQuery journal(d);
    attempts.prepare(QStringLiteral("DELETE FROM attempts WHERE delivery_id = ?"));
    if (hasForwardQueue)
        forwards.prepare(
            QStringLiteral("DELETE FROM forward_queue WHERE delivery_id = ? AND state != 'pending'"));
    deliveries.prepare(QStringLiteral("DELETE FROM deliveries WHERE id = ?"));
    // seq is left to SQLite: the largest plus one, which pruning never removes.
    journal.prepare(QStringLiteral("INSERT INTO deleted_deliveries(delivery_id, deleted_us) VALUES(?, ?)"));
    const qint64 now = m_clock();
    for (const qint64 id : std::as_const(doomed)) {
        attempts.bindValue(0, id);
        deliveries.bindValue(0, id);
        journal.bindValue(0, id);
        journal.bindValue(1, now);
        QString why;
        if (!execOk(attempts, &why) || !execOk(deliveries, &why) || !execOk(journal, &why))
            return rollback(why);
        if (hasForwardQueue) {
            forwards.bindValue(0, id);
            if (!execOk(forwards, &why))
                return rollback(why);
        }
    }
    if (!doomed.isEmpty()) {
        QString why;
        if (!pruneJournal(d, now, &why))
            return rollback(why);
    }
    if (!q.exec(QStringLiteral("COMMIT")))
        return rollback(q.lastError().text());
    return doomed;
}

bool Retention::pruneJournal(QSqlDatabase &db, qint64 nowUs, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT max(seq) FROM deleted_deliveries")) || !q.next()) {
        *error = q.lastError().text();
        return false;
    }
    if (q.value(0).isNull())
        return true; // empty
    const qint64 newest = q.value(0).toLongLong();
    q.finish();
    // The oldest entry young enough to keep, found from the oldest end: the first young one ends
    // the scan, so a clock that jumped back can only make the journal keep more.
    q.prepare(
        QStringLiteral("SELECT seq FROM deleted_deliveries WHERE deleted_us >= ? ORDER BY seq LIMIT 1"));
    q.addBindValue(nowUs - JournalKeepUs);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    const qint64 firstYoung = q.next() ? q.value(0).toLongLong() : newest;
    q.finish();
    const qint64 keepFrom = std::max(std::min(firstYoung, newest), newest - JournalMaxRows + 1);
    QSqlQuery prune(db);
    prune.prepare(QStringLiteral("DELETE FROM deleted_deliveries WHERE seq < ?"));
    prune.addBindValue(keepFrom);
    return execOk(prune, error);
}

qint64 Retention::vacuum(const std::function<bool()> &betweenBatches, QString *error)
{
    QSqlDatabase d = db();
    if (pragma(d, "auto_vacuum") != 2)
        return 0; // not switched (see prepareStore): freed pages are reused, the file keeps its size
    qint64 freed = 0;
    for (qint64 free = pragma(d, "freelist_count"); free > 0; free = pragma(d, "freelist_count")) {
        QSqlQuery q(d);
        // Each step is its own short transaction; the pragma frees a page per row it steps.
        if (!q.exec(QStringLiteral("PRAGMA incremental_vacuum(%1)").arg(VacuumPages))) {
            *error = q.lastError().text();
            return -1;
        }
        while (q.next()) { }
        q.finish();
        const qint64 left = pragma(d, "freelist_count");
        if (left >= free)
            break; // no progress (should not happen): do not spin
        freed += free - left;
        if (betweenBatches && !betweenBatches())
            break;
    }
    if (freed > 0) // the file itself shrinks when the WAL is copied back
        QSqlQuery(d).exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    return freed;
}

bool Retention::enableIncrementalVacuum(QSqlDatabase &db, QString *error)
{
    if (pragma(db, "auto_vacuum") == 2)
        return true;
    if (!Database::exec(db, QStringLiteral("PRAGMA auto_vacuum=INCREMENTAL"), error)
        || !Database::exec(db, QStringLiteral("VACUUM"), error))
        return false;
    if (pragma(db, "auto_vacuum") != 2) {
        if (error)
            *error = QStringLiteral("the store did not switch to incremental vacuum");
        return false;
    }
    return true;
}

bool Retention::prepareStore(const Store &store, QString *error)
{
    if (store.isPostgres())
        return true;
    Store::Connection connection(store, u"retention-prepare", error);
    return connection.isOpen() && enableIncrementalVacuum(connection.db(), error);
}

RetentionWorker::RetentionWorker(const Store &store, RetentionPolicy policy,
                                 std::chrono::milliseconds interval, std::chrono::milliseconds firstPass)
    : m_store(store)
    , m_interval(interval)
    , m_firstPass(firstPass)
    , m_policy(policy)
{
}

RetentionWorker::~RetentionWorker()
{
    stop();
}

void RetentionWorker::start()
{
    Q_ASSERT(!m_thread.isRunning());
    m_stopping = false;
    m_thread.startFunction([this] { run(); },
                           [this] {
                               {
                                   std::lock_guard lock(m_mutex);
                                   m_stopping = true;
                               }
                               m_wake.notify_all();
                           },
                           QThread::LowPriority);
}

void RetentionWorker::stop()
{
    m_thread.stop();
}

void RetentionWorker::setPolicy(const RetentionPolicy &policy)
{
    {
        std::lock_guard lock(m_mutex);
        if (policy == m_policy)
            return;
        m_policy = policy;
        m_policyChanged = true;
    }
    m_wake.notify_all();
}

int RetentionWorker::passes() const
{
    std::lock_guard lock(m_mutex);
    return m_passes;
}

void RetentionWorker::run()
{
    QString connection;
    {
        QString error;
        auto db = m_store.openConnection(u"retention", &error);
        if (!db) {
            qWarning("store: retention disabled: %s", qPrintable(error));
            return;
        }
        connection = db->connectionName();
        db.reset();
        Retention retention(connection, m_clock);
        // Gathered over a pass and handed on in few calls: the model drops rows in one go.
        QList<qint64> gathered;
        auto flush = [this, &gathered] {
            if (!gathered.isEmpty() && m_deletedSink)
                m_deletedSink(std::exchange(gathered, {}));
            gathered.clear();
        };
        Retention::Deleted gather;
        if (m_deletedSink) {
            gather = [&gathered, &flush](const QList<qint64> &ids) {
                gathered.append(ids);
                if (gathered.size() >= MaxReported)
                    flush();
            };
        }
        std::unique_lock lock(m_mutex);
        auto wait = m_firstPass;
        for (;;) {
            m_wake.wait_for(lock, wait, [this] { return m_stopping || m_policyChanged; });
            if (m_stopping)
                break;
            m_policyChanged = false;
            retention.setPolicy(m_policy);
            lock.unlock();
            if (connection.isEmpty()) { // the last pass failed: a new connection for this one
                if (auto again = m_store.openConnection(u"retention", &error)) {
                    connection = again->connectionName();
                    retention.setConnection(connection);
                }
            }
            Retention::Pass pass;
            if (connection.isEmpty()) {
                pass.complete = false;
                pass.error = error;
            } else {
                // Between batches, a short pause lets the receiver's commits in first.
                pass = retention.run(
                    [this] {
                        std::unique_lock pause(m_mutex);
                        return !m_wake.wait_for(pause, std::chrono::milliseconds(20),
                                                [this] { return m_stopping; });
                    },
                    gather);
                flush(); // what was committed, also when the pass failed or stopped early
            }
            if (!pass.error.isEmpty()) {
                qWarning("store: retention pass failed: %s", qPrintable(pass.error));
                Store::closeConnection(connection);
                connection.clear();
            }
            lock.lock();
            ++m_passes;
            wait = m_interval;
        }
    }
    if (!connection.isEmpty())
        Store::closeConnection(connection);
}

} // namespace mm
