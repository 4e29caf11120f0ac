// SPDX-License-Identifier: GPL-3.0-or-later
// Watches a store that other processes write (a team's PostgreSQL store, or a headless receiver's
// SQLite folder) and reports every delivery any of them commits, as the facts the model ingests,
// and every delivery their retention deletes:
// a StoreFollower (NOTIFY, catch-up after a reconnect) and a StoreReader on a thread of their own,
// so a slow or unreachable database never blocks the window.
#pragma once

#include "records.h"
#include "util/workerthread.h"

#include <QList>
#include <QObject>
#include <QString>
#include <optional>

namespace mm {

class Store;
class StoreWatchWorker;

class StoreWatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreWatch)

public:
    // store must outlive the watch.
    explicit StoreWatch(const Store &store, QObject *parent = nullptr);
    ~StoreWatch() override; // stop()

    // Starts following after afterRowId, else after the store's newest delivery (retrying while
    // the store cannot be reached). Given afterRowId, deleted() first names every deletion the
    // store's journal still holds (StoreFollower::start). Harmless when running.
    void start(std::optional<qint64> afterRowId = std::nullopt);
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }

Q_SIGNALS:
    // The facts of deliveries committed (new ones and new attempts), on this object's thread.
    void committed(const QList<mm::EventFacts> &facts);
    // The store cannot be read (once until it can again), or can be again (empty).
    void problem(const QString &message);
    // Someone set or removed a company name: re-read them.
    void companyNamesChanged();
    // Retention, in this process or another, deleted these deliveries (StoreFollower::deleted).
    void deleted(const QList<qint64> &rowIds);
    // Deletions were pruned from the store's journal before the watch read them: reload.
    void deletionsMissed();

private:
    const Store &m_store;
    WorkerThread m_thread {QStringLiteral("mm-watch")};
    StoreWatchWorker *m_worker = nullptr;
};

} // namespace mm
