// SPDX-License-Identifier: GPL-3.0-or-later
// Retention on a PostgreSQL store, which several receivers share and may each run at once. Every
// batch is its own short transaction: it takes the retention lock with a try (a receiver that
// finds another's pass under way ends its own), and locks only rows nobody else has locked, so a
// receiver's commit never waits for retention, nor retention for it. Attempts and finished
// forwards go with their delivery through ON DELETE CASCADE; a delivery whose forward is pending
// (queued, or claimed by a forwarder) is kept. The deleted ids go to the deletion journal in the
// same statement, whose trigger NOTIFYs watching desktops when the batch commits. Nothing is
// vacuumed: autovacuum makes the space reusable, and the files do not shrink, which is why the
// size limit is not applied here.
#include "retention.h"

#include <QSqlError>
#include <QSqlQuery>

namespace mm {

namespace {
bool failed(const QSqlQuery &q, QString *error)
{
    *error = q.lastError().text();
    return false;
}
} // namespace

Retention::Batch Retention::underPgLock(const std::function<bool(QSqlDatabase &, QString *)> &work,
                                        QString *error)
{
    QSqlDatabase d = db();
    if (!d.transaction()) {
        *error = d.lastError().text();
        return Batch::Failed;
    }
    bool held = false;
    {
        QSqlQuery lock(d);
        if (!lock.exec(QStringLiteral("SELECT pg_try_advisory_xact_lock(%1)").arg(PgLockKey))
            || !lock.next()) {
            failed(lock, error);
            d.rollback();
            return Batch::Failed;
        }
        held = lock.value(0).toBool();
    }
    if (!held) {
        d.rollback();
        return Batch::Busy;
    }
    if (!work(d, error)) {
        d.rollback();
        return Batch::Failed;
    }
    if (!d.commit()) {
        *error = d.lastError().text();
        d.rollback();
        return Batch::Failed;
    }
    return Batch::Done;
}

Retention::Batch Retention::deletePgDeliveries(qint64 cutoffUs, qint64 *afterId, bool *more,
                                               QList<qint64> *deleted, QString *error)
{
    qint64 last = *afterId;
    const Batch result = underPgLock(
        [&](QSqlDatabase &d, QString *why) {
            // The next BatchSize deliveries, oldest first. Ids follow arrival; the first young one
            // ends the pass, so a clock that jumped back can only make retention keep more.
            QSqlQuery window(d);
            window.setForwardOnly(true);
            window.prepare(
                QStringLiteral("SELECT id, received_us FROM deliveries WHERE id > ? ORDER BY id LIMIT ?"));
            window.addBindValue(*afterId);
            window.addBindValue(BatchSize);
            if (!window.exec())
                return failed(window, why);
            int seen = 0;
            bool young = false;
            while (window.next()) {
                ++seen;
                if (window.value(1).toLongLong() >= cutoffUs) {
                    young = true;
                    break;
                }
                last = window.value(0).toLongLong();
            }
            window.finish();
            *more = !young && seen == BatchSize;
            deleted->clear();
            if (last == *afterId)
                return true;
            // Those of the window that are old and not waiting to be forwarded; rows a receiver has
            // locked (a retry being counted) are left for the next pass. Each one deleted goes to
            // the journal in the same statement, numbered on from its newest entry: under the
            // retention lock, so gapless and in commit order (the primary key fails a batch that
            // would break that rather than let it pass). The ids returned are the ones journaled.
            const qint64 now = m_clock();
            QSqlQuery doomed(d);
            doomed.prepare(QStringLiteral(
                "WITH gone AS (DELETE FROM deliveries WHERE id IN (SELECT d.id FROM deliveries d "
                "WHERE d.id > ? AND d.id <= ? AND d.received_us < ? AND NOT EXISTS (SELECT 1 FROM "
                "forward_queue f WHERE f.delivery_id = d.id AND f.state = 'pending') "
                "FOR UPDATE SKIP LOCKED) RETURNING id), "
                "journaled AS (INSERT INTO deleted_deliveries(seq, delivery_id, deleted_us) "
                "SELECT (SELECT COALESCE(max(seq), 0) FROM deleted_deliveries) "
                "+ row_number() OVER (ORDER BY id), id, CAST(? AS bigint) FROM gone RETURNING delivery_id) "
                "SELECT delivery_id FROM journaled ORDER BY delivery_id"));
            doomed.addBindValue(*afterId);
            doomed.addBindValue(last);
            doomed.addBindValue(cutoffUs);
            doomed.addBindValue(now);
            if (!doomed.exec())
                return failed(doomed, why);
            while (doomed.next())
                deleted->append(doomed.value(0).toLongLong());
            doomed.finish();
            return deleted->isEmpty() || pruneJournal(d, now, why);
        },
        error);
    if (result == Batch::Done)
        *afterId = last;
    return result;
}

Retention::Batch Retention::deletePgRejections(qint64 cutoffUs, qint64 *deleted, QString *error)
{
    return underPgLock(
        [&](QSqlDatabase &d, QString *why) {
            QSqlQuery q(d);
            q.prepare(QStringLiteral("DELETE FROM rejections WHERE id IN (SELECT id FROM rejections "
                                     "WHERE received_us < ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"));
            q.addBindValue(cutoffUs);
            q.addBindValue(BatchSize);
            if (!q.exec())
                return failed(q, why);
            *deleted = q.numRowsAffected();
            return true;
        },
        error);
}

Retention::Pass Retention::runPostgres(const std::function<bool()> &betweenBatches, const Deleted &deletedIds)
{
    Pass pass;
    auto stopped = [&] { return betweenBatches && !betweenBatches(); };
    // Ends the pass after a batch that did not finish: failed, or another receiver's pass is on.
    auto ended = [&pass](Batch batch, const QString &error) {
        pass.complete = false;
        if (batch == Batch::Busy)
            pass.skipped = true;
        else
            pass.error = error;
        return pass;
    };
    if (m_policy.maxBytes > 0 && !m_sizeWarned) {
        m_sizeWarned = true;
        qWarning("store: the size limit (%lld MiB) is not applied to a PostgreSQL store: deleted rows do "
                 "not shrink the server's files (autovacuum reuses their space), so the size cannot tell "
                 "when to stop. The age limit (--retention-days) is applied.",
                 static_cast<long long>(m_policy.maxBytes / (1024 * 1024)));
    }
    if (!m_policy.hasAgeLimit())
        return pass;
    const qint64 cutoff = m_clock() - m_policy.ageLimitUs();
    QString error;
    for (qint64 after = 0;;) {
        bool more = false;
        QList<qint64> deleted;
        const Batch batch = deletePgDeliveries(cutoff, &after, &more, &deleted, &error);
        if (batch != Batch::Done)
            return ended(batch, error);
        pass.deliveries += deleted.size();
        if (deletedIds && !deleted.isEmpty())
            deletedIds(deleted);
        if (!more)
            break;
        if (stopped()) {
            pass.complete = false;
            return pass;
        }
    }
    for (;;) {
        qint64 deleted = 0;
        const Batch batch = deletePgRejections(cutoff, &deleted, &error);
        if (batch != Batch::Done)
            return ended(batch, error);
        pass.rejections += deleted;
        if (deleted < BatchSize)
            break;
        if (stopped()) {
            pass.complete = false;
            return pass;
        }
    }
    if (pass.deliveries > 0 || pass.rejections > 0)
        qInfo("store: retention deleted %lld deliveries and %lld rejections",
              static_cast<long long>(pass.deliveries), static_cast<long long>(pass.rejections));
    return pass;
}

} // namespace mm
