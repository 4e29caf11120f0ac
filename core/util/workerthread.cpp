// SPDX-License-Identifier: GPL-3.0-or-later
#include "workerthread.h"

#include "opensslthread.h"

#include <QPointer>
#include <QSemaphore>

namespace mm {

class WorkerThread::Thread final : public QThread
{
public:
    std::function<QObject *()> make; // the event-loop shape
    std::function<void()> body; // the function shape
    bool releaseOpenSsl = false;
    QSemaphore made; // released once make() returned
    bool madeWorker = false;

protected:
    void run() override
    {
        if (releaseOpenSsl)
            mm::releaseOpenSslStateWhenThreadFinishes();
        if (body) {
            body();
            return;
        }
        QPointer<QObject> worker = make();
        madeWorker = worker;
        made.release();
        if (!madeWorker)
            return;
        exec();
        delete worker.data(); // on this thread; an owner may have deleted it here already
    }
};

WorkerThread::WorkerThread(QString name)
    : m_name(std::move(name))
{
}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::launch(QThread::Priority priority)
{
    m_thread->setObjectName(m_name); // QThread names the OS thread after it
    m_thread->releaseOpenSsl = m_releaseOpenSsl;
    m_thread->start(priority);
}

void WorkerThread::startLoop(std::function<QObject *()> make)
{
    Q_ASSERT(!m_thread);
    m_thread = new Thread;
    m_thread->make = std::move(make);
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    launch(QThread::InheritPriority);
    m_thread->made.acquire();
    m_thread->make = nullptr; // run() is done with it; it refers to the caller's frame
    if (!m_thread->madeWorker)
        stop();
}

void WorkerThread::startFunction(std::function<void()> body, std::function<void()> wake,
                                 QThread::Priority priority)
{
    Q_ASSERT(!m_thread);
    Q_ASSERT(body);
    m_thread = new Thread;
    m_thread->body = std::move(body);
    m_wake = std::move(wake);
    launch(priority);
}

void WorkerThread::stop()
{
    if (!m_thread)
        return;
    Q_ASSERT(!isCurrentThread()); // a thread cannot join itself
    if (m_context) {
        // Posted, so it runs after everything queued to this thread so far; a quit() now
        // could end the loop before them.
        QMetaObject::invokeMethod(
            m_context, [thread = m_thread] { thread->quit(); }, Qt::QueuedConnection);
    } else if (m_wake) {
        m_wake();
    }
    m_thread->wait();
    delete m_context; // its thread has finished, so deleting it here is safe
    delete m_thread;
    m_context = nullptr;
    m_thread = nullptr;
    m_wake = nullptr;
}

bool WorkerThread::wait(QDeadlineTimer deadline)
{
    return !m_thread || m_thread->wait(deadline);
}

bool WorkerThread::isCurrentThread() const
{
    return m_thread && QThread::currentThread() == m_thread;
}

QThread *WorkerThread::thread() const
{
    return m_thread;
}

} // namespace mm
