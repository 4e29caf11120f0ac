// SPDX-License-Identifier: GPL-3.0-or-later
#include "storefollower.h"

#include "companynamestore.h"
#include "store.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

namespace mm {

namespace {
constexpr auto NotifyChannel = "mm_deliveries"; // PgSchema's trigger
constexpr auto NamesChannel = "mm_company_names"; // PgSchema's trigger on company_names
constexpr auto DeletionsChannel = "mm_deletions"; // PgSchema's trigger on deleted_deliveries
constexpr int SqlitePollMs = 200;
constexpr int PostgresPollMs = 1000; // NOTIFY wakes it sooner; this covers a lost connection
constexpr int BatchRows = 1000;

QString idList(const QList<qint64> &ids)
{
    QStringList out;
    out.reserve(ids.size());
    for (qint64 id : ids)
        out.append(QString::number(id)); // integers only: nothing to escape
    return out.join(u',');
}
} // namespace

QList<qint64> FollowCursor::take(const QList<qint64> &rowIds, qint64 nowMs)
{
    QList<qint64> fresh;
    fresh.reserve(rowIds.size());
    for (qint64 id : rowIds) {
        if (id <= m_last) {
            if (m_holes.remove(id))
                fresh.append(id); // a late commit below the highest seen
            continue;
        }
        // Every id skipped over may belong to a transaction that has not committed yet.
        for (qint64 missing = std::max(m_last + 1, id - MaxHoles); missing < id; ++missing)
            m_holes.insert(missing, nowMs);
        m_last = id;
        fresh.append(id);
    }
    while (m_holes.size() > MaxHoles)
        m_holes.erase(m_holes.begin());
    return fresh;
}

void FollowCursor::expire(qint64 nowMs)
{
    for (auto it = m_holes.begin(); it != m_holes.end();)
        it = nowMs - it.value() > HoleTtlMs ? m_holes.erase(it) : std::next(it);
}

QList<qint64> JournalCursor::take(const QList<Entry> &entries, bool *missed)
{
    QList<qint64> deleted;
    deleted.reserve(entries.size());
    for (const Entry &e : entries) {
        if (e.seq <= m_last)
            continue; // read before
        if (e.seq != m_last + 1)
            *missed = true;
        m_last = e.seq;
        if (!e.stored)
            deleted.append(e.deliveryId);
    }
    return deleted;
}

StoreFollower::StoreFollower(const Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_poll.setInterval(store.isPostgres() ? PostgresPollMs : SqlitePollMs);
    connect(&m_poll, &QTimer::timeout, this, &StoreFollower::catchUp);
    m_clock.start();
}

StoreFollower::~StoreFollower()
{
    close();
}

bool StoreFollower::start(QString *error, std::optional<qint64> afterRowId)
{
    if (!open(error))
        return false;
    QSqlQuery q(database());
    if (afterRowId) {
        m_cursor = FollowCursor(*afterRowId);
    } else {
        if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM deliveries")) || !q.next()) {
            if (error)
                *error = q.lastError().text();
            return false;
        }
        m_cursor = FollowCursor(q.value(0).toLongLong());
    }
    // A journal that cannot be read (a role without the right) leaves deletions unnamed, with a
    // warning at the first catch-up; deliveries are still followed.
    const QString journalStart = afterRowId
        ? QStringLiteral("SELECT COALESCE(MIN(seq) - 1, 0) FROM deleted_deliveries")
        : QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM deleted_deliveries");
    m_journal = JournalCursor(q.exec(journalStart) && q.next() ? q.value(0).toLongLong() : 0);
    m_journalFailing = false;
    q.finish();
    // Unknown until the first catch-up, which therefore says "changed" once: a rename between
    // the window's first read of the names and this start is not lost.
    m_namesFingerprint.reset();
    m_poll.start();
    if (afterRowId)
        scheduleCatchUp();
    return true;
}

QSqlDatabase StoreFollower::database() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool StoreFollower::open(QString *error)
{
    auto db = m_store.openConnection(u"follow", error, Store::Open::MustExist);
    if (!db)
        return false;
    m_connection = db->connectionName();
    QSqlDriver *driver = db->driver();
    if (driver->hasFeature(QSqlDriver::EventNotifications)) {
        driver->subscribeToNotification(QLatin1String(NotifyChannel));
        driver->subscribeToNotification(QLatin1String(NamesChannel));
        driver->subscribeToNotification(QLatin1String(DeletionsChannel));
        connect(driver,
                qOverload<const QString &, QSqlDriver::NotificationSource, const QVariant &>(
                    &QSqlDriver::notification),
                this,
                [this](const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload) {
                    notified(name, int(source), payload);
                });
    }
    return true;
}

void StoreFollower::close()
{
    if (m_connection.isEmpty())
        return;
    Store::closeConnection(m_connection);
    m_connection.clear();
}

void StoreFollower::notified(const QString &name, int, const QVariant &payload)
{
    if (name == QLatin1String(NamesChannel) || name == QLatin1String(DeletionsChannel)) {
        scheduleCatchUp(); // the fingerprint, or the journal, says what changed
        return;
    }
    // The payload is the row id (PgSchema's trigger). A named row's id is an update (another
    // attempt); anything else is found by the catch-up query.
    bool ok = false;
    const qint64 id = payload.toLongLong(&ok);
    if (ok && m_cursor.wasNamed(id))
        m_updated.insert(id);
    scheduleCatchUp();
}

void StoreFollower::scheduleCatchUp()
{
    // A burst of notifications (one per row) is read with one query.
    if (m_catchUpQueued)
        return;
    m_catchUpQueued = true;
    QMetaObject::invokeMethod(this, &StoreFollower::catchUp, Qt::QueuedConnection);
}

bool StoreFollower::readIds(const QString &sql, QList<qint64> *ids, QString *error)
{
    QSqlQuery q(database());
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next())
        ids->append(q.value(0).toLongLong());
    return true;
}

void StoreFollower::fail(const QString &error)
{
    // The connection may be gone (a database restart): a fresh one at the next tick, which
    // catches up from the last row named.
    close();
    if (!m_failing) {
        m_failing = true;
        Q_EMIT problem(error);
    }
}

void StoreFollower::catchUp()
{
    m_catchUpQueued = false;
    QString error;
    if (m_connection.isEmpty() && !open(&error)) {
        fail(error);
        return;
    }
    const qint64 now = m_clock.elapsed();
    m_cursor.expire(now);
    if (const QList<qint64> holes = m_cursor.holes(); !holes.isEmpty()) {
        QList<qint64> filled;
        if (!readIds(
                QStringLiteral("SELECT id FROM deliveries WHERE id IN (%1) ORDER BY id").arg(idList(holes)),
                &filled, &error)) {
            fail(error);
            return;
        }
        if (const QList<qint64> fresh = m_cursor.take(filled, now); !fresh.isEmpty())
            Q_EMIT appended(fresh);
    }
    for (;;) {
        QList<qint64> ids;
        if (!readIds(QStringLiteral("SELECT id FROM deliveries WHERE id > %1 ORDER BY id LIMIT %2")
                         .arg(m_cursor.last())
                         .arg(BatchRows),
                     &ids, &error)) {
            fail(error);
            return;
        }
        if (m_failing) {
            m_failing = false;
            Q_EMIT problem(QString());
        }
        if (const QList<qint64> fresh = m_cursor.take(ids, now); !fresh.isEmpty())
            Q_EMIT appended(fresh);
        if (ids.size() < BatchRows)
            break;
    }
    // After the rows: a row named and deleted since the last catch-up is named, then deleted.
    catchUpDeletions();
    checkCompanyNames();
    if (!m_updated.isEmpty()) {
        QList<qint64> rows = m_updated.values();
        m_updated.clear();
        std::sort(rows.begin(), rows.end());
        Q_EMIT updated(rows);
    }
}

void StoreFollower::catchUpDeletions()
{
    // All of them in one signal: the model drops rows in one pass per call.
    QList<qint64> gone;
    bool missed = false;
    for (;;) {
        QSqlQuery q(database());
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT j.seq, j.delivery_id, EXISTS (SELECT 1 FROM deliveries d "
                                   "WHERE d.id = j.delivery_id) FROM deleted_deliveries j "
                                   "WHERE j.seq > %1 ORDER BY j.seq LIMIT %2")
                        .arg(m_journal.last())
                        .arg(BatchRows))) {
            // Left for the next catch-up, from the same entry; a lost connection shows in the rows'
            // query then.
            if (!m_journalFailing) {
                m_journalFailing = true;
                qWarning("store: cannot read the deletion journal, so deliveries other processes "
                         "delete stay shown: %s",
                         qPrintable(q.lastError().text()));
            }
            break;
        }
        m_journalFailing = false;
        QList<JournalCursor::Entry> entries;
        while (q.next())
            entries.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toBool()});
        gone += m_journal.take(entries, &missed);
        if (entries.size() < BatchRows)
            break;
    }
    if (!gone.isEmpty())
        Q_EMIT deleted(gone);
    if (missed)
        Q_EMIT deletionsMissed();
}

void StoreFollower::checkCompanyNames()
{
    // A store whose names cannot be read (a role without the right) just shows ids.
    QSqlDatabase db = database();
    const std::optional<QString> now = CompanyNameStore::fingerprint(db);
    if (!now || now == m_namesFingerprint)
        return;
    m_namesFingerprint = now;
    Q_EMIT companyNamesChanged();
}

} // namespace mm
