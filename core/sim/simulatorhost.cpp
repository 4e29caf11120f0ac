// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulatorhost.h"

#include "sim/simulator.h"

namespace mm::sim {

SimulatorHost::SimulatorHost(QObject *parent)
    : QObject(parent)
{
    m_thread.releaseOpenSslStateWhenThreadFinishes(); // signing, and QSslSocket for https targets
}

SimulatorHost::~SimulatorHost()
{
    stop();
}

bool SimulatorHost::start(const SimOptions &options, QString *error)
{
    MM_ASSERT_THREAD(this);
    Q_ASSERT(!m_thread.isRunning());
    QString why;
    m_simulator = m_thread.startWorker([&]() -> Simulator * {
        MM_ASSERT_THREAD(&m_thread);
        auto *simulator = new Simulator(options);
        if (simulator->start())
            return simulator;
        why = simulator->errorString();
        delete simulator;
        return nullptr;
    });
    if (!m_simulator && error)
        *error = why;
    return m_simulator != nullptr;
}

void SimulatorHost::stop()
{
    MM_ASSERT_THREAD(this);
    if (!m_thread.isRunning())
        return;
    // Queued, so it runs before stop() deletes the simulator on its thread.
    QMetaObject::invokeMethod(
        m_simulator,
        [simulator = m_simulator] {
            MM_ASSERT_THREAD(simulator);
            simulator->stop();
        },
        Qt::QueuedConnection);
    m_thread.stop();
    m_simulator = nullptr;
}

} // namespace mm::sim
