// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncpipeline.h"

#include <QElapsedTimer>
#include <algorithm>

namespace mm {

SyncPipeline::SyncPipeline(Flush flush, Release release, Failed failed)
    : m_flush(std::move(flush))
    , m_release(std::move(release))
    , m_failed(std::move(failed))
{
}

SyncPipeline::~SyncPipeline()
{
    stop();
}

void SyncPipeline::start()
{
    Q_ASSERT(!m_thread.isRunning());
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_thread.startFunction([this] { run(); },
                           [this] {
                               {
                                   std::lock_guard lock(m_mutex);
                                   m_stopping = true;
                               }
                               m_wake.notify_all();
                           });
}

void SyncPipeline::stop()
{
    m_thread.stop(); // run() releases what is queued before it returns
}

bool SyncPipeline::needsFlush(const QList<WriteOutcome> &outcomes)
{
    return std::any_of(outcomes.cbegin(), outcomes.cend(),
                       [](const WriteOutcome &o) { return o.result != WriteResult::Failed; });
}

void SyncPipeline::push(QList<WriteOutcome> outcomes)
{
    Q_ASSERT(m_thread.isRunning());
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_queue.empty();
        m_queue.push_back(std::move(outcomes));
        ++m_pushed;
    }
    // The sync thread only sleeps on an empty queue; later batches join the round it takes next.
    if (wasEmpty)
        m_wake.notify_one();
}

void SyncPipeline::drain()
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_pushed;
    m_idle.wait(lock, [&] { return m_released >= target || !m_thread.isRunning(); });
}

QString SyncPipeline::failure() const
{
    std::lock_guard lock(m_mutex);
    return m_failure;
}

SyncPipeline::Stats SyncPipeline::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void SyncPipeline::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
        if (m_queue.empty())
            break; // stopping, and everything is released
        // Everything pushed so far: one flush covers it all, since each batch was committed
        // before it was pushed.
        std::deque<QList<WriteOutcome>> round;
        round.swap(m_queue);
        QString failure = m_failure;
        const bool flush = failure.isEmpty()
            && std::any_of(round.cbegin(), round.cend(), [](const auto &b) { return needsFlush(b); });
        lock.unlock();

        qint64 flushNs = 0;
        if (flush) {
            QElapsedTimer timer;
            timer.start();
            failure = m_flush();
            flushNs = timer.nsecsElapsed();
        }
        const bool newlyFailed = !failure.isEmpty() && flush;
        qint64 flushed = 0;
        for (QList<WriteOutcome> &batch : round) {
            for (WriteOutcome &o : batch) {
                if (o.result == WriteResult::Failed)
                    continue;
                if (failure.isEmpty()) {
                    ++flushed;
                } else {
                    o.result = WriteResult::Failed;
                    o.error = failure;
                }
            }
            m_release(std::move(batch));
        }
        if (newlyFailed && m_failed)
            m_failed(failure);

        lock.lock();
        if (newlyFailed)
            m_failure = failure;
        if (flush) {
            ++m_stats.flushes;
            m_stats.flushNs += flushNs;
        }
        m_stats.flushedOutcomes += flushed;
        m_released += round.size();
        m_idle.notify_all();
    }
    m_idle.notify_all();
}

} // namespace mm
