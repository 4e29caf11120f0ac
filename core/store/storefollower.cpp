// SPDX-License-Identifier: GPL-3.0-or-later
#include "storefollower.h"

#include "jsonlexporter.h"
#include "store.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace mm {

namespace {
constexpr auto NotifyChannel = "mm_deliveries"; // PgSchema's trigger
constexpr int SqlitePollMs = 200;
constexpr int PostgresPollMs = 1000; // NOTIFY wakes it sooner; this covers a lost connection
constexpr int BatchRows = 1000;
} // namespace

StoreFollower::StoreFollower(const Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_poll.setInterval(store.isPostgres() ? PostgresPollMs : SqlitePollMs);
    connect(&m_poll, &QTimer::timeout, this, &StoreFollower::catchUp);
}

StoreFollower::~StoreFollower()
{
    close();
}

bool StoreFollower::start(QString *error)
{
    if (!open(error))
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM deliveries")) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    m_lastRowId = q.value(0).toLongLong();
    m_poll.start();
    return true;
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
        connect(driver,
                qOverload<const QString &, QSqlDriver::NotificationSource, const QVariant &>(
                    &QSqlDriver::notification),
                this, &StoreFollower::catchUp);
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

void StoreFollower::catchUp()
{
    QString error;
    if (m_connection.isEmpty() && !open(&error)) {
        if (!m_failing) {
            m_failing = true;
            Q_EMIT problem(error);
        }
        return;
    }
    for (;;) {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        q.setForwardOnly(true);
        const bool ok = q.exec(QStringLiteral("SELECT id, msg_id, event_id, type, migration_id, created_us, "
                                              "received_us, attempts, parsed, body FROM deliveries "
                                              "WHERE id > %1 ORDER BY id LIMIT %2")
                                   .arg(m_lastRowId)
                                   .arg(BatchRows));
        if (!ok) {
            // The connection may be gone (a database restart): a fresh one at the next tick, which
            // catches up from the last row given.
            error = q.lastError().text();
            q = QSqlQuery();
            close();
            if (!m_failing) {
                m_failing = true;
                Q_EMIT problem(error);
            }
            return;
        }
        QList<QByteArray> lines;
        while (q.next()) {
            m_lastRowId = q.value(0).toLongLong();
            lines.append(JsonlExporter::line(q.value(1).toString(), q.value(2).toString(),
                                             q.value(3).toString(), q.value(4).toString(), q.value(5),
                                             q.value(6).toLongLong(), q.value(7).toLongLong(),
                                             q.value(8).toBool(), q.value(9).toByteArray()));
        }
        if (m_failing) {
            m_failing = false;
            Q_EMIT problem(QString());
        }
        if (!lines.isEmpty())
            Q_EMIT deliveries(lines);
        if (lines.size() < BatchRows)
            return;
    }
}

} // namespace mm
