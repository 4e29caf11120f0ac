// SPDX-License-Identifier: GPL-3.0-or-later
// Live forwarding in the window: applies the choice (--forward-to, else Settings → Forwarding)
// to the Services' forwarder and feeds its log and state to the window's Forwarding tab.
#pragma once

#include "model/forwardlogmodel.h"
#include "services.h"

#include <QObject>
#include <QString>

namespace mm {

class ForwardingView;

class GuiForwarding final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiForwarding)

public:
    explicit GuiForwarding(Services *services, QObject *parent = nullptr);

    // The view shows the log and the state; its "Retry now" reaches the forwarder.
    void attach(ForwardingView *view);
    // Starts, re-points or stops forwarding (Services::applyForwarding) and shows it.
    void apply(const ForwardChoice &choice);
    bool isForwarding() const { return m_services->forwarder() != nullptr; }
    ForwardLogModel *log() { return &m_log; }

private:
    void watch(Forwarder *forwarder);
    void showState();

    Services *m_services;
    ForwardLogModel m_log;
    ForwardingView *m_view = nullptr;
};

} // namespace mm
