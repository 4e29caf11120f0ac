// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwarder.h"

#include "forwardworker.h"

#include <QThread>

namespace mm {

Forwarder::Forwarder(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    qRegisterMetaType<mm::ForwardEntry>();
    qRegisterMetaType<QList<mm::ForwardEntry>>();
}

Forwarder::~Forwarder()
{
    stop();
}

void Forwarder::start()
{
    if (m_thread)
        return;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("mm-forward"));
    m_worker = new ForwardWorker(m_options);
    m_worker->moveToThread(m_thread);
    connect(m_worker, &ForwardWorker::entryUpdated, this, &Forwarder::entryUpdated);
    connect(m_worker, &ForwardWorker::recentLoaded, this, &Forwarder::recentLoaded);
    connect(m_worker, &ForwardWorker::problem, this, &Forwarder::problem);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &ForwardWorker::open, Qt::QueuedConnection);
}

void Forwarder::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(m_worker, &ForwardWorker::close, Qt::BlockingQueuedConnection);
    // The worker is deleted on its own thread, before that thread's loop ends.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr;
}

void Forwarder::wake()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &ForwardWorker::scan, Qt::QueuedConnection);
}

void Forwarder::setSecret(std::optional<SigningSecret> secret)
{
    m_options.secret = secret;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, secret] { worker->setSecret(secret); }, Qt::QueuedConnection);
}

void Forwarder::retryNow()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &ForwardWorker::retryNow, Qt::QueuedConnection);
}

void Forwarder::loadRecent(int limit)
{
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, limit] { worker->loadRecent(limit); }, Qt::QueuedConnection);
}

} // namespace mm
