// SPDX-License-Identifier: GPL-3.0-or-later
// Power-safe answers without waiting on the disk where deliveries arrive (pipelined group
// commit). The thread that commits hands each committed batch's outcomes to push() and goes on
// with the next batch; a thread of its own (mm-sync) calls the flush (a sync of the store's
// write-ahead log) and releases the outcomes, in the order they were pushed, once a flush that
// began after they were pushed has returned. Batches pushed while a flush runs share the next
// one. A failed flush fails its outcomes and every later one: after a failed fsync nobody can
// say what reached the disk, so nothing more is acknowledged until a restart (PostgreSQL
// stops for the same reason). Pure logic around two callbacks, tested with fakes
// (tst_syncpipeline).
#pragma once

#include "records.h"
#include "util/workerthread.h"

#include <QList>
#include <QString>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace mm {

class SyncPipeline final
{
    Q_DISABLE_COPY_MOVE(SyncPipeline)

public:
    // Makes everything written so far durable: an empty string, or why it could not.
    using Flush = std::function<QString()>;
    // Gets released outcomes, on the sync thread: Stored and Duplicate only after a flush
    // covered them.
    using Release = std::function<void(QList<WriteOutcome>)>;
    // Told once, on the sync thread, when a flush fails.
    using Failed = std::function<void(const QString &why)>;

    SyncPipeline(Flush flush, Release release, Failed failed = {});
    ~SyncPipeline(); // stop()

    void start();
    // Releases what was pushed (flushing it first), then joins the thread.
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }

    // Thread-safe. Outcomes that all failed need no flush but keep their place in the order.
    void push(QList<WriteOutcome> outcomes);
    // Returns once everything pushed before the call is released.
    void drain();

    // Why a flush failed (then every later outcome fails too), or empty.
    QString failure() const;

    struct Stats
    {
        qint64 flushes = 0;
        qint64 flushedOutcomes = 0; // outcomes released Stored or Duplicate
        qint64 flushNs = 0; // time spent in flushes
    };
    Stats stats() const;

private:
    void run();
    static bool needsFlush(const QList<WriteOutcome> &outcomes);

    Flush m_flush;
    Release m_release;
    Failed m_failed;
    WorkerThread m_thread {QStringLiteral("mm-sync")};
    mutable std::mutex m_mutex;
    std::condition_variable m_wake; // the sync thread: work, or stop
    std::condition_variable m_idle; // drain(): a round was released
    std::deque<QList<WriteOutcome>> m_queue;
    quint64 m_pushed = 0; // batches pushed so far
    quint64 m_released = 0; // batches released so far
    bool m_stopping = false;
    QString m_failure;
    Stats m_stats;
};

} // namespace mm
