// SPDX-License-Identifier: GPL-3.0-or-later
#include "receiverhost.h"

#include "util/opensslthread.h"

#include <QDeadlineTimer>
#include <QThread>

namespace mm {

ReceiverHost::ReceiverHost(QObject *parent)
    : QObject(parent)
{
}

ReceiverHost::~ReceiverHost()
{
    stop();
}

bool ReceiverHost::start(const ReceiverConfig &config, StoreWriter *store, QString *error)
{
    Q_ASSERT(!m_thread);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("mm-receiver"));
    m_threadContext = new QObject;
    m_threadContext->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_threadContext, &QObject::deleteLater);
    m_thread->start();

    bool ok = false;
    QString why;
    QUrl url;
    // The Receiver and its QHttpServer are created inside the thread that runs them.
    QMetaObject::invokeMethod(
        m_threadContext,
        [&] {
            // QHttpServer sets up Qt's TLS backend, and the verifier OpenSSL, on this thread.
            releaseOpenSslStateWhenThreadFinishes();
            auto *receiver = new Receiver(config, store);
            ok = receiver->listen(&why);
            if (!ok) {
                delete receiver;
                return;
            }
            url = receiver->url();
            m_receiver = receiver;
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_threadContext = nullptr;
        if (error)
            *error = why;
        return false;
    }
    m_url = url;
    connect(m_receiver, &Receiver::handled, this, &ReceiverHost::handled);
    connect(m_receiver, &Receiver::guardRejected, this, &ReceiverHost::guardRejected);
    return true;
}

void ReceiverHost::setSecrets(const QList<SigningSecret> &secrets)
{
    if (m_receiver)
        QMetaObject::invokeMethod(m_receiver, [r = m_receiver, secrets] { r->setSecrets(secrets); });
}

void ReceiverHost::stop(std::chrono::milliseconds grace)
{
    if (!m_thread)
        return;
    Receiver *receiver = m_receiver;
    QThread *thread = m_thread;
    if (receiver) {
        QMetaObject::invokeMethod(receiver, [receiver, thread, grace] {
            // Ends the thread once everything is answered, or when the grace period is over.
            // The receiver's destructor sends its last log lines; later queued calls of
            // finish are dropped with their context (the receiver).
            auto finish = [receiver, thread] {
                delete receiver;
                thread->quit();
            };
            QObject::connect(receiver, &Receiver::drained, receiver, finish, Qt::QueuedConnection);
            QTimer::singleShot(grace, receiver, finish);
            receiver->drain();
        });
    } else {
        thread->quit();
    }
    thread->wait(QDeadlineTimer(grace + std::chrono::milliseconds(2000)));
    if (thread->isRunning()) {
        thread->quit();
        thread->wait();
    }
    delete thread;
    m_thread = nullptr;
    m_receiver = nullptr;
    m_threadContext = nullptr;
}

} // namespace mm
