// SPDX-License-Identifier: GPL-3.0-or-later
// The listening socket and the guard in front of QHttpServer: it accepts connections,
// enforces limits Qt 6.4 lacks (body, headers, connection count, slow and idle
// clients, 100-continue, Connection: close) and hands QHttpServer a VirtualSocket per
// connection that only ever carries complete requests.
#pragma once

#include "httpframer.h"

#include <QHostAddress>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>
#include <chrono>
#include <optional>

namespace mm {

class GuardConnection;

struct GuardLimits
{
    FramerLimits framer;
    int maxConnections = 256;
    std::chrono::milliseconds requestTimeout {10000}; // first byte to last byte of a request
    std::chrono::milliseconds idleTimeout {10000}; // keep-alive connections with nothing to do
};

class GuardServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardServer)

public:
    GuardServer(GuardLimits limits, std::optional<QSslConfiguration> tls, QObject *parent = nullptr);
    ~GuardServer() override;

    const GuardLimits &limits() const { return m_limits; }
    bool isTls() const { return m_tls.has_value(); }
    int connectionCount() const { return int(m_connections.size()); }

    // Stops taking new requests: idle connections close now, busy ones after their answer.
    void drain();

Q_SIGNALS:
    // The guard answered a request itself (400, 408, 413, 431, 503 ...).
    void guardRejected(int status, const QHostAddress &peer, const QByteArray &reason);
    // The last connection closed.
    void idle();

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class GuardConnection;
    void connectionClosed(GuardConnection *connection);
    void sweep();

    GuardLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    QSet<GuardConnection *> m_connections;
    QTimer m_sweepTimer;
    bool m_draining = false;
};

} // namespace mm
