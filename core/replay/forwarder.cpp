// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwarder.h"

#include "forwardworker.h"

namespace mm {

Forwarder::Forwarder(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    qRegisterMetaType<mm::ForwardEntry>();
    qRegisterMetaType<QList<mm::ForwardEntry>>();
    m_thread.releaseOpenSslStateWhenThreadFinishes(); // re-signing, and TLS for https targets
}

Forwarder::~Forwarder()
{
    stop();
}

void Forwarder::start()
{
    MM_ASSERT_THREAD(this);
    if (m_thread.isRunning())
        return;
    // The worker's network access manager, timer and store connection are made in open(), on
    // the forwarding thread; the worker itself is made there too.
    m_worker = m_thread.startWorker([this] { return new ForwardWorker(m_options); });
    connect(m_worker, &ForwardWorker::entryUpdated, this, &Forwarder::entryUpdated);
    connect(m_worker, &ForwardWorker::recentLoaded, this, &Forwarder::recentLoaded);
    connect(m_worker, &ForwardWorker::problem, this, &Forwarder::problem);
    connect(m_worker, &ForwardWorker::notice, this, &Forwarder::notice);
    QMetaObject::invokeMethod(m_worker, &ForwardWorker::open, Qt::QueuedConnection);
}

void Forwarder::stop()
{
    MM_ASSERT_THREAD(this);
    if (!m_thread.isRunning())
        return;
    // What was asked before runs, then the worker is closed and deleted on its own thread.
    m_thread.stop();
    m_worker = nullptr;
}

void Forwarder::wake()
{
    // No thread check: called straight from the committing thread too.
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &ForwardWorker::scan, Qt::QueuedConnection);
}

void Forwarder::setSecret(std::optional<SigningSecret> secret)
{
    MM_ASSERT_THREAD(this);
    m_options.secret = secret;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, secret] { worker->setSecret(secret); }, Qt::QueuedConnection);
}

void Forwarder::setEndpointSecrets(const QList<SigningSecret> &secrets)
{
    MM_ASSERT_THREAD(this);
    m_options.endpointSecrets = secrets;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, secrets] { worker->setEndpointSecrets(secrets); },
            Qt::QueuedConnection);
}

void Forwarder::retryNow()
{
    MM_ASSERT_THREAD(this);
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &ForwardWorker::retryNow, Qt::QueuedConnection);
}

void Forwarder::loadRecent(int limit)
{
    MM_ASSERT_THREAD(this);
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, limit] { worker->loadRecent(limit); }, Qt::QueuedConnection);
}

} // namespace mm
