// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulatorhost.h"

#include "sim/simulator.h"
#include "util/opensslthread.h"

#include <QThread>

namespace mm::sim {

SimulatorHost::SimulatorHost(QObject *parent)
    : QObject(parent)
{
}

SimulatorHost::~SimulatorHost()
{
    stop();
}

bool SimulatorHost::start(const SimOptions &options, QString *error)
{
    Q_ASSERT(!m_thread);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("mm-sim"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
    bool ok = false;
    QString why;
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            releaseOpenSslStateWhenThreadFinishes(); // signing, and QSslSocket for https targets
            auto *simulator = new Simulator(options);
            ok = simulator->start();
            if (!ok) {
                why = simulator->errorString();
                delete simulator;
                return;
            }
            m_simulator = simulator;
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        stop();
        if (error)
            *error = why;
    }
    return ok;
}

void SimulatorHost::stop()
{
    if (!m_thread)
        return;
    if (m_simulator) {
        Simulator *simulator = m_simulator;
        QMetaObject::invokeMethod(
            simulator,
            [simulator] {
                simulator->stop();
                delete simulator;
            },
            Qt::BlockingQueuedConnection);
        m_simulator = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_context = nullptr;
}

} // namespace mm::sim
