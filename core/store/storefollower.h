// SPDX-License-Identifier: GPL-3.0-or-later
// Follows a store as `tail -f` follows a log: names every delivery committed after start(), by
// any receiver, once. On PostgreSQL a NOTIFY on mm_deliveries wakes it at once (a poll every second
// covers a dropped connection); on SQLite it polls every 200 ms. After a failed read it reconnects
// and catches up from the last row it named, so nothing is missed or named twice.
//
// Row ids are not commit order on PostgreSQL: two receivers' transactions take ids from one
// sequence and may commit the other way round, so a row below the highest seen can still appear.
// Every id skipped over is kept as a hole and looked for again until it appears or HoleTtlMs
// passes (a transaction that rolled back, or an ON CONFLICT that took a sequence value, leaves a
// hole that never fills). The hole logic is FollowCursor, pure and tested beside the follower.
//
// It also names the deliveries retention deleted, whichever process ran it: the deletion journal
// (deleted_deliveries, written in the deleting transaction) read from the last entry seen at each
// catch-up, woken at once on PostgreSQL by the journal's NOTIFY on mm_deletions. JournalCursor is
// that logic, pure. And it notices when company names change (CompanyNameStore::fingerprint at
// each catch-up; PostgreSQL's NOTIFY on mm_company_names wakes it at once).
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QTimer>
#include <optional>

namespace mm {

class Store;

// Which row ids are new, given what a follower has named so far.
class FollowCursor final
{
public:
    static constexpr qint64 HoleTtlMs = 30000; // longer than any receiver's transaction
    static constexpr int MaxHoles = 1000; // the oldest go first beyond this

    explicit FollowCursor(qint64 lastRowId = 0)
        : m_last(lastRowId)
    {
    }
    qint64 last() const { return m_last; }
    // Ids still awaited, for the query that looks for them again.
    QList<qint64> holes() const { return m_holes.keys(); }
    // Takes rows read above last() (rising) and holes that appeared, at nowMs; returns those not
    // named before, in the order given.
    QList<qint64> take(const QList<qint64> &rowIds, qint64 nowMs);
    // Drops holes older than HoleTtlMs.
    void expire(qint64 nowMs);
    // Whether rowId was named before (an update of it is news; a hole's is not).
    bool wasNamed(qint64 rowId) const { return rowId <= m_last && !m_holes.contains(rowId); }

private:
    qint64 m_last;
    QMap<qint64, qint64> m_holes; // id -> when it was skipped (ms)
};

// Which deletion journal entries are new, given the last one a follower read. Retention numbers
// the entries without gaps and prunes only the oldest, so entries read after a gap were preceded
// by entries pruned before this follower read them: it missed deletions.
class JournalCursor final
{
public:
    struct Entry
    {
        qint64 seq = 0;
        qint64 deliveryId = 0;
        // A delivery with this id is in the store now: SQLite gave the id to a new delivery after
        // retention emptied the table, so the entry is not about the row a reader holds.
        bool stored = false;
    };

    explicit JournalCursor(qint64 lastSeq = 0)
        : m_last(lastSeq)
    {
    }
    qint64 last() const { return m_last; }
    // Takes entries read above last(), ascending by seq; returns the ids of the deliveries deleted
    // (those not stored again), in journal order. *missed is set when entries before them were
    // pruned unread; the cursor moves past them anyway.
    QList<qint64> take(const QList<Entry> &entries, bool *missed);

private:
    qint64 m_last;
};

class StoreFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreFollower)

public:
    // store must outlive the follower. Lives on the thread that calls start(), which needs an
    // event loop.
    explicit StoreFollower(const Store &store, QObject *parent = nullptr);
    ~StoreFollower() override;

    // Opens the store (it must exist) and starts after its newest delivery and its newest
    // deletion. Given afterRowId (a caller that has read the store up to that row), it starts
    // after that row instead, and names every deletion the journal still holds: the caller's read
    // may have taken rows that were deleted before this start. False with a sentence.
    bool start(QString *error, std::optional<qint64> afterRowId = std::nullopt);
    qint64 lastRowId() const { return m_cursor.last(); }
    qint64 lastJournalSeq() const { return m_journal.last(); }
    // The follower's own connection, for reading the rows it names in a slot (same thread).
    QSqlDatabase database() const;

Q_SIGNALS:
    // Deliveries committed since start(), each named once; mostly rising.
    void appended(const QList<qint64> &rowIds);
    // Deliveries named before that took another attempt (PostgreSQL's NOTIFY only).
    void updated(const QList<qint64> &rowIds);
    // Retention (in any process) deleted these deliveries, each named once, in the order deleted.
    // Ids the caller never held are harmless (MonitorModel::forget ignores them).
    void deleted(const QList<qint64> &rowIds);
    // Journal entries were pruned before this follower read them (it could not read the store for
    // longer than the journal keeps them): rows named before may have been deleted unseen, so the
    // caller reloads what it holds. Following goes on.
    void deletionsMissed();
    // The store could not be read (said once until it can again) or can be again (empty).
    void problem(const QString &message);
    // Someone set or removed a company name since the last signal; also once after start().
    void companyNamesChanged();

private:
    bool open(QString *error);
    void close();
    void notified(const QString &name, int source, const QVariant &payload);
    void scheduleCatchUp();
    void catchUp();
    bool readIds(const QString &sql, QList<qint64> *ids, QString *error);
    void catchUpDeletions();
    void checkCompanyNames();
    void fail(const QString &error);

    const Store &m_store;
    QString m_connection;
    FollowCursor m_cursor;
    JournalCursor m_journal;
    bool m_journalFailing = false; // said once until the journal can be read again
    QSet<qint64> m_updated; // named rows notified since the last catch-up
    std::optional<QString> m_namesFingerprint;
    QTimer m_poll;
    QElapsedTimer m_clock;
    bool m_catchUpQueued = false;
    bool m_failing = false;
};

} // namespace mm
