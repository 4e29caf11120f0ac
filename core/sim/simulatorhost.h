// SPDX-License-Identifier: GPL-3.0-or-later
// Runs a Simulator on its own thread ("mm-sim"), so the demo's sender never competes
// with the window for the GUI thread.
#pragma once

#include "sim/simoptions.h"
#include "util/workerthread.h"

#include <QObject>

namespace mm::sim {

class Simulator;

class SimulatorHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorHost)

public:
    explicit SimulatorHost(QObject *parent = nullptr);
    ~SimulatorHost() override;

    bool start(const SimOptions &options, QString *error);
    void stop();
    bool isRunning() const { return m_simulator != nullptr; }

private:
    WorkerThread m_thread {QStringLiteral("mm-sim")};
    Simulator *m_simulator = nullptr;
};

} // namespace mm::sim
