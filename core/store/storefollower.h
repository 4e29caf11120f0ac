// SPDX-License-Identifier: GPL-3.0-or-later
// Follows a store as `tail -f` follows a log: every delivery committed after start(), by any
// receiver, as its JSON Lines export line, in row order. On PostgreSQL a NOTIFY on mm_deliveries
// wakes it at once (a poll every second covers a dropped connection); on SQLite it polls every
// 200 ms. After a failed read it reconnects and catches up from the last row it gave, so nothing
// is missed or given twice.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

namespace mm {

class Store;

class StoreFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreFollower)

public:
    // store must outlive the follower. Lives on the thread that calls start(), which needs an
    // event loop.
    explicit StoreFollower(const Store &store, QObject *parent = nullptr);
    ~StoreFollower() override;

    // Opens the store (it must exist) and starts after its newest delivery. False with a sentence.
    bool start(QString *error);
    qint64 lastRowId() const { return m_lastRowId; }

Q_SIGNALS:
    // Export lines (no newline), oldest first.
    void deliveries(const QList<QByteArray> &lines);
    // The store could not be read (said once until it can again) or can be again (empty).
    void problem(const QString &message);

private:
    bool open(QString *error);
    void close();
    void catchUp();

    const Store &m_store;
    QString m_connection;
    qint64 m_lastRowId = 0;
    QTimer m_poll;
    bool m_failing = false;
};

} // namespace mm
