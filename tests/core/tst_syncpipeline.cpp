// SPDX-License-Identifier: GPL-3.0-or-later
// SyncPipeline, with a fake flush the test opens and closes: answers wait for a flush that
// began after their batch was pushed, come out in the order pushed, batches pushed during a
// flush share the next one, and a failed flush fails everything after it.
#include "store/syncpipeline.h"

#include <QTest>
#include <condition_variable>
#include <mutex>

using namespace mm;

namespace {

// A flush that blocks until the test lets it finish, and remembers how many batches had been
// pushed when each flush began.
class GatedFlush
{
public:
    QString operator()()
    {
        std::unique_lock lock(m_mutex);
        m_startedAtPushed.append(m_pushed);
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_allowed > m_done; });
        ++m_done;
        return m_failures.isEmpty() ? QString() : m_failures.takeFirst();
    }
    void pushed()
    {
        std::lock_guard lock(m_mutex);
        ++m_pushed;
    }
    // Waits (at most 5 s) until n flushes have begun.
    bool waitStarted(int n)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(5),
                                  [&] { return m_startedAtPushed.size() >= n; });
    }
    void allow(int n = 1, const QString &failure = {})
    {
        std::lock_guard lock(m_mutex);
        m_allowed += n;
        if (!failure.isEmpty())
            m_failures.append(failure);
        m_changed.notify_all();
    }
    QList<int> startedAtPushed() const
    {
        std::lock_guard lock(m_mutex);
        return m_startedAtPushed;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_pushed = 0;
    int m_allowed = 0;
    int m_done = 0;
    QList<int> m_startedAtPushed;
    QStringList m_failures;
};

class Released
{
public:
    void add(QList<WriteOutcome> outcomes)
    {
        std::lock_guard lock(m_mutex);
        m_outcomes += outcomes;
    }
    QList<WriteOutcome> outcomes() const
    {
        std::lock_guard lock(m_mutex);
        return m_outcomes;
    }
    QList<quint64> tickets() const
    {
        QList<quint64> t;
        for (const WriteOutcome &o : outcomes())
            t.append(o.ticket);
        return t;
    }

private:
    mutable std::mutex m_mutex;
    QList<WriteOutcome> m_outcomes;
};

QList<WriteOutcome> batch(std::initializer_list<quint64> tickets, WriteResult result = WriteResult::Stored)
{
    QList<WriteOutcome> b;
    for (quint64 t : tickets)
        b.append(WriteOutcome {t, result, {}});
    return b;
}

} // namespace

class TestSyncPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersWaitForAFlushThatBeganAfterThem()
    {
        GatedFlush flush;
        Released released;
        SyncPipeline pipeline([&] { return flush(); },
                              [&](QList<WriteOutcome> o) { released.add(std::move(o)); });
        pipeline.start();

        flush.pushed();
        pipeline.push(batch({1, 2}));
        QVERIFY(flush.waitStarted(1));
        // Pushed while the first flush runs: not covered by it.
        flush.pushed();
        pipeline.push(batch({3}, WriteResult::Duplicate));
        flush.pushed();
        pipeline.push(batch({4}));
        QVERIFY(released.outcomes().isEmpty());

        flush.allow();
        QTRY_COMPARE(released.tickets(), (QList<quint64> {1, 2}));
        // 3 and 4 share the second flush, which began once both were pushed.
        QVERIFY(flush.waitStarted(2));
        QCOMPARE(released.tickets(), (QList<quint64> {1, 2}));
        flush.allow();
        QTRY_COMPARE(released.tickets(), (QList<quint64> {1, 2, 3, 4}));
        QCOMPARE(flush.startedAtPushed(), (QList<int> {1, 3}));
        QCOMPARE(released.outcomes().at(2).result, WriteResult::Duplicate);

        const SyncPipeline::Stats stats = pipeline.stats();
        QCOMPARE(stats.flushes, 2);
        QCOMPARE(stats.flushedOutcomes, 4);
        QVERIFY(pipeline.failure().isEmpty());
    }

    // A batch whose deliveries all failed needs no flush, but keeps its place in the order.
    void failedBatchesKeepTheirPlace()
    {
        GatedFlush flush;
        Released released;
        SyncPipeline pipeline([&] { return flush(); },
                              [&](QList<WriteOutcome> o) { released.add(std::move(o)); });
        pipeline.start();
        pipeline.push(batch({1}));
        QVERIFY(flush.waitStarted(1));
        pipeline.push(batch({2}, WriteResult::Failed));
        flush.allow();
        QTRY_COMPARE(released.tickets(), (QList<quint64> {1, 2}));
        pipeline.push(batch({3}, WriteResult::Failed));
        pipeline.drain();
        QCOMPARE(released.tickets(), (QList<quint64> {1, 2, 3}));
        QCOMPARE(pipeline.stats().flushes, 1);
    }

    // After a failed flush nobody knows what reached the disk: its batches fail, and so does
    // everything pushed later, without another flush.
    void aFailedFlushFailsEverythingAfterIt()
    {
        GatedFlush flush;
        Released released;
        QStringList told;
        SyncPipeline pipeline([&] { return flush(); },
                              [&](QList<WriteOutcome> o) { released.add(std::move(o)); },
                              [&](const QString &why) { told.append(why); });
        pipeline.start();
        pipeline.push(batch({1, 2}));
        QVERIFY(flush.waitStarted(1));
        flush.allow(1, QStringLiteral("EIO"));
        QTRY_COMPARE(released.tickets().size(), 2);
        pipeline.push(batch({3}));
        pipeline.drain();
        const QList<WriteOutcome> out = released.outcomes();
        QCOMPARE(out.size(), 3);
        for (const WriteOutcome &o : out) {
            QCOMPARE(o.result, WriteResult::Failed);
            QCOMPARE(o.error, QStringLiteral("EIO"));
        }
        QCOMPARE(told, QStringList {QStringLiteral("EIO")});
        QCOMPARE(pipeline.failure(), QStringLiteral("EIO"));
        QCOMPARE(pipeline.stats().flushes, 1);
        QCOMPARE(pipeline.stats().flushedOutcomes, 0);
    }

    // stop() flushes and releases what was pushed before it returns.
    void stopReleasesEverything()
    {
        Released released;
        int flushes = 0;
        {
            SyncPipeline pipeline(
                [&] {
                    ++flushes;
                    return QString();
                },
                [&](QList<WriteOutcome> o) { released.add(std::move(o)); });
            pipeline.start();
            for (quint64 t = 0; t < 100; ++t)
                pipeline.push(batch({t}));
            pipeline.stop();
            QCOMPARE(released.tickets().size(), 100);
        }
        QList<quint64> expected;
        for (quint64 t = 0; t < 100; ++t)
            expected.append(t);
        QCOMPARE(released.tickets(), expected);
        QVERIFY(flushes >= 1 && flushes <= 100);
    }
};

QTEST_GUILESS_MAIN(TestSyncPipeline)
#include "tst_syncpipeline.moc"
