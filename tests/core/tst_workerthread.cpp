// SPDX-License-Identifier: GPL-3.0-or-later
// WorkerThread: the thread's name, the worker made, used and destroyed on its thread, stop()
// running queued work first and joining, stop() twice or before start, and the function body
// woken by stop().
#include "util/workerthread.h"

#include <QPointer>
#include <QTest>
#include <condition_variable>
#include <mutex>
#ifdef Q_OS_LINUX
#include <pthread.h>
#endif

using namespace mm;

namespace {
const QString Name = QStringLiteral("mm-test");

// The name the OS knows the calling thread by (what top and gdb show).
QString osThreadName()
{
#ifdef Q_OS_LINUX
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return QString::fromLocal8Bit(name);
#else
    return QThread::currentThread()->objectName();
#endif
}

struct Worker final : QObject
{
};
} // namespace

class TestWorkerThread final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void threadIsNamed()
    {
        WorkerThread thread(Name);
        QCOMPARE(thread.name(), Name);
        QString objectName, osName;
        thread.startWorker([&] {
            objectName = QThread::currentThread()->objectName();
            osName = osThreadName();
            return new Worker;
        });
        QCOMPARE(objectName, Name);
        QCOMPARE(osName, Name);
        QCOMPARE(thread.thread()->objectName(), Name);
    }

    void workerLivesAndDiesOnItsThread()
    {
        WorkerThread thread(Name);
        const QThread *madeOn = nullptr;
        Worker *worker = thread.startWorker([&] {
            madeOn = QThread::currentThread();
            return new Worker;
        });
        QVERIFY(worker);
        QVERIFY(thread.isRunning());
        QVERIFY(thread.thread());
        QVERIFY(thread.thread() != QThread::currentThread());
        QCOMPARE(madeOn, thread.thread());
        QCOMPARE(worker->thread(), thread.thread());

        const QThread *workerThread = thread.thread(); // compared, never dereferenced after stop
        const QThread *destroyedOn = nullptr;
        bool destroyedOnCurrent = false;
        connect(
            worker, &QObject::destroyed, worker,
            [&] {
                destroyedOn = QThread::currentThread();
                destroyedOnCurrent = thread.isCurrentThread();
            },
            Qt::DirectConnection);
        thread.stop();
        QCOMPARE(destroyedOn, workerThread);
        QVERIFY(destroyedOnCurrent);
    }

    void isCurrentThreadOnlyThere()
    {
        WorkerThread thread(Name);
        QVERIFY(!thread.isCurrentThread());
        Worker *worker = thread.startWorker([] { return new Worker; });
        QVERIFY(!thread.isCurrentThread());
        bool there = false;
        QMetaObject::invokeMethod(
            worker, [&] { there = thread.isCurrentThread(); }, Qt::BlockingQueuedConnection);
        QVERIFY(there);
    }

    void stopRunsQueuedWorkThenJoins()
    {
        constexpr int Calls = 1000;
        WorkerThread thread(Name);
        Worker *worker = thread.startWorker([] { return new Worker; });
        bool finished = false;
        connect(
            thread.thread(), &QThread::finished, thread.thread(), [&] { finished = true; },
            Qt::DirectConnection);
        // Counted outside the worker: by the time destroyed() is emitted only its QObject part is
        // left, so reading a Worker member there is undefined (UBSan says so). Both the calls and
        // the handler run on the worker's thread, and stop() joins it before the checks below.
        int calls = 0;
        int callsWhenDestroyed = -1;
        connect(
            worker, &QObject::destroyed, worker, [&] { callsWhenDestroyed = calls; }, Qt::DirectConnection);
        for (int i = 0; i < Calls; ++i)
            QMetaObject::invokeMethod(
                worker, [&calls] { ++calls; }, Qt::QueuedConnection);
        thread.stop();
        QVERIFY(finished); // stop() returned after the thread finished
        QCOMPARE(callsWhenDestroyed, Calls); // every queued call ran, then the worker went
        QVERIFY(!thread.isRunning());
        QVERIFY(!thread.thread());
    }

    void stopIsIdempotentAndRestartWorks()
    {
        WorkerThread thread(Name);
        QPointer<Worker> worker = thread.startWorker([] { return new Worker; });
        thread.stop();
        QVERIFY(worker.isNull());
        thread.stop();
        QVERIFY(!thread.isRunning());

        Worker *again = thread.startWorker([] { return new Worker; });
        QVERIFY(again);
        QVERIFY(thread.isRunning());
        QCOMPARE(again->thread(), thread.thread());
        thread.stop();
        thread.stop();
        QVERIFY(!thread.isRunning());
    }

    void stopBeforeStartIsHarmless()
    {
        WorkerThread thread(Name);
        thread.stop();
        QVERIFY(!thread.isRunning());
        QVERIFY(!thread.thread());
        QVERIFY(thread.wait(QDeadlineTimer(QDeadlineTimer::Forever)));
    }

    void nullWorkerEndsTheThread()
    {
        WorkerThread thread(Name);
        bool called = false;
        Worker *worker = thread.startWorker([&]() -> Worker * {
            called = true;
            return nullptr;
        });
        QVERIFY(called);
        QVERIFY(!worker);
        QVERIFY(!thread.isRunning());
        QVERIFY(!thread.thread());
    }

    void workerMayEndItsOwnLoop()
    {
        // As the receiver does: it deletes itself and quits once drained; wait() sees the end.
        WorkerThread thread(Name);
        QPointer<Worker> worker = thread.startWorker([] { return new Worker; });
        QMetaObject::invokeMethod(
            worker.data(),
            [w = worker.data()] {
                delete w;
                QThread::currentThread()->quit();
            },
            Qt::QueuedConnection);
        QVERIFY(thread.wait(QDeadlineTimer(QDeadlineTimer::Forever)));
        QVERIFY(worker.isNull());
        QVERIFY(thread.isRunning()); // until stop() joins and cleans up
        thread.stop();
        QVERIFY(!thread.isRunning());
    }

    void functionBodyIsWokenByStop()
    {
        std::mutex mutex;
        std::condition_variable wakeUp;
        bool stopping = false;
        bool bodyReturned = false;
        int wakes = 0;
        QString bodyThreadName;
        {
            WorkerThread thread(Name);
            thread.startFunction(
                [&] {
                    bodyThreadName = osThreadName();
                    std::unique_lock lock(mutex);
                    wakeUp.wait(lock, [&] { return stopping; });
                    bodyReturned = true;
                },
                [&] {
                    ++wakes;
                    {
                        std::lock_guard lock(mutex);
                        stopping = true;
                    }
                    wakeUp.notify_all();
                });
            QVERIFY(thread.isRunning());
            thread.stop(); // hangs (and the test times out) unless the wake hook runs
            QCOMPARE(wakes, 1);
            QVERIFY(bodyReturned);
            QCOMPARE(bodyThreadName, Name);
            QVERIFY(!thread.isRunning());
            thread.stop();
        } // the destructor stops again: still one wake
        QCOMPARE(wakes, 1);
    }

    void destructorStops()
    {
        QPointer<Worker> worker;
        {
            WorkerThread thread(Name);
            worker = thread.startWorker([] { return new Worker; });
            QVERIFY(worker);
        }
        QVERIFY(worker.isNull());
    }
};

QTEST_GUILESS_MAIN(TestWorkerThread)
#include "tst_workerthread.moc"
