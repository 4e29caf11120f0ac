// SPDX-License-Identifier: GPL-3.0-or-later
// The one way to own a worker thread: named (top and gdb show the name), started, stopped and
// joined in one place, optionally freeing its OpenSSL state. Threads owned by hand drifted apart
// (quit before the queued work ran, workers deleted off their thread); the rules live here once.
#pragma once

#include <QDeadlineTimer>
#include <QString>
#include <QThread>
#include <functional>
#include <type_traits>

// Checks a cross-thread entry point runs where it belongs. object is a QObject (its thread) or
// a WorkerThread (the thread it runs). Compiled out with Q_ASSERT in release builds.
#define MM_ASSERT_THREAD(object)                                                                             \
    Q_ASSERT_X(QThread::currentThread() == (object)->thread(), Q_FUNC_INFO, "called on the wrong thread")

namespace mm {

class WorkerThread final
{
    Q_DISABLE_COPY_MOVE(WorkerThread)

public:
    explicit WorkerThread(QString name);
    ~WorkerThread(); // stop()

    // Before a start: the thread frees its OpenSSL state as it finishes (util/opensslthread.h).
    void releaseOpenSslStateWhenThreadFinishes() { m_releaseOpenSsl = true; }

    // Event-loop shape: starts the thread, calls make() on it and returns the worker it made, so
    // the worker is created on (and belongs to) the thread. When make() returns null the thread
    // is joined again and null is returned.
    template<class Factory> auto startWorker(Factory make) -> std::invoke_result_t<Factory &>
    {
        static_assert(std::is_convertible_v<std::invoke_result_t<Factory &>, QObject *>);
        std::invoke_result_t<Factory &> worker = nullptr;
        startLoop([&]() -> QObject * { return worker = make(); });
        return worker;
    }

    // Function shape: runs body on the thread. stop() calls wake on its own thread to make body
    // return (set a flag, notify a condition variable), then joins.
    void startFunction(std::function<void()> body, std::function<void()> wake,
                       QThread::Priority priority = QThread::InheritPriority);

    // Event-loop shape: what was queued to the thread before runs, then the worker (unless it is
    // gone already) is deleted on the thread and the loop ends. Both shapes: then joins.
    // Harmless when not running; called by the destructor.
    void stop();
    // Waits for a thread that ends by itself (say, a worker that quits its loop); true once ended.
    bool wait(QDeadlineTimer deadline);

    bool isRunning() const { return m_thread != nullptr; } // started and not stopped
    bool isCurrentThread() const;
    QThread *thread() const; // null unless running
    QString name() const { return m_name; }

private:
    class Thread;
    void startLoop(std::function<QObject *()> make);
    void launch(QThread::Priority priority);

    QString m_name;
    bool m_releaseOpenSsl = false;
    Thread *m_thread = nullptr;
    QObject *m_context = nullptr; // event-loop shape: lives on the thread, carries stop()'s quit
    std::function<void()> m_wake;
};

} // namespace mm
