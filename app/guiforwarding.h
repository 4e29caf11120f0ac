// SPDX-License-Identifier: GPL-3.0-or-later
// Live forwarding in the window: a Forwarder started, re-pointed and stopped as the choice
// (--forward-to, else Settings → Forwarding) changes, and the forwarding log it feeds to
// the window's Forwarding tab.
#pragma once

#include "model/forwardlogmodel.h"
#include "verify/signingsecret.h"

#include <QObject>
#include <QString>
#include <memory>
#include <optional>

namespace mm {

class Forwarder;
class ForwardingView;
class Store;

// Where new deliveries are forwarded; an empty target means nowhere.
struct ForwardChoice
{
    QString target;
    std::optional<SigningSecret> secret; // nullopt: the original headers
    bool fromCommandLine = false;
};

class GuiForwarding final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiForwarding)

public:
    explicit GuiForwarding(Store *store, QObject *parent = nullptr);
    ~GuiForwarding() override; // stops the forwarding thread; rows in flight stay pending

    // The view shows the log and the state; its "Retry now" reaches the forwarder.
    void attach(ForwardingView *view);
    // Starts, re-points or stops forwarding. Set up before the receiver listens, so every
    // delivery from the first one on is queued.
    void apply(const ForwardChoice &choice);
    bool isForwarding() const { return m_forwarder != nullptr; }
    ForwardLogModel *log() { return &m_log; }

private:
    void showState();

    Store *m_store;
    ForwardLogModel m_log;
    std::unique_ptr<Forwarder> m_forwarder;
    ForwardChoice m_choice;
    ForwardingView *m_view = nullptr;
};

} // namespace mm
