// SPDX-License-Identifier: GPL-3.0-or-later
#include "receiverhost.h"

#include <QDeadlineTimer>

namespace mm {

ReceiverHost::ReceiverHost(QObject *parent)
    : QObject(parent)
{
    // QHttpServer sets up Qt's TLS backend, and the verifier OpenSSL, on the receiver thread.
    m_thread.releaseOpenSslStateWhenThreadFinishes();
}

ReceiverHost::~ReceiverHost()
{
    stop();
}

bool ReceiverHost::start(const ReceiverConfig &config, StoreWriter *store, QString *error)
{
    MM_ASSERT_THREAD(this);
    Q_ASSERT(!m_thread.isRunning());
    QString why;
    // The Receiver and its QHttpServer are created inside the thread that runs them.
    Receiver *receiver = m_thread.startWorker([&]() -> Receiver * {
        MM_ASSERT_THREAD(&m_thread);
        auto *made = new Receiver(config, store, &m_counters);
        if (made->listen(&why))
            return made;
        delete made;
        return nullptr;
    });
    if (!receiver) {
        if (error)
            *error = why;
        return false;
    }
    m_receiver = receiver;
    m_secrets = config.secrets;
    Q_EMIT secretsChanged(m_secrets);
    m_url = receiver->url();
    connect(m_receiver, &Receiver::handled, this, &ReceiverHost::handled);
    connect(m_receiver, &Receiver::guardRejected, this, &ReceiverHost::guardRejected);
    return true;
}

void ReceiverHost::setSecrets(const QList<SigningSecret> &secrets)
{
    MM_ASSERT_THREAD(this);
    m_secrets = secrets;
    Q_EMIT secretsChanged(m_secrets);
    if (m_receiver)
        QMetaObject::invokeMethod(m_receiver, [r = m_receiver, secrets] {
            MM_ASSERT_THREAD(r);
            r->setSecrets(secrets);
        });
}

void ReceiverHost::stop(std::chrono::milliseconds grace)
{
    MM_ASSERT_THREAD(this);
    if (!m_thread.isRunning())
        return;
    Receiver *receiver = m_receiver;
    QThread *thread = m_thread.thread();
    QMetaObject::invokeMethod(receiver, [receiver, thread, grace] {
        MM_ASSERT_THREAD(receiver);
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
    m_thread.wait(QDeadlineTimer(grace + std::chrono::milliseconds(2000)));
    m_thread.stop(); // joins; deletes the receiver on its thread if it is still there
    m_receiver = nullptr;
}

} // namespace mm
