// SPDX-License-Identifier: GPL-3.0-or-later
#include "guardserver.h"

#include "guardconnection.h"
#include "virtualsocket.h"

#include <QDateTime>
#include <QSslSocket>

namespace mm {

GuardServer::GuardServer(GuardLimits limits, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_tls(std::move(tls))
{
    m_sweepTimer.setInterval(250);
    connect(&m_sweepTimer, &QTimer::timeout, this, &GuardServer::sweep);
}

GuardServer::~GuardServer()
{
    // Connections are children; stop them from calling back into a half-destroyed server.
    const auto connections = m_connections;
    m_connections.clear();
    for (GuardConnection *c : connections)
        c->disconnect(this);
}

void GuardServer::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        if (!ssl->setSocketDescriptor(handle)) {
            delete ssl;
            return;
        }
        ssl->setSslConfiguration(*m_tls);
        ssl->startServerEncryption();
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
    }
    if (m_draining || connectionCount() >= m_limits.maxConnections) {
        Q_EMIT guardRejected(503, socket->peerAddress(), QByteArrayLiteral("connection limit reached"));
        if (!m_tls)
            socket->write(GuardConnection::errorResponse(503, "Service Unavailable: too many connections"));
        socket->disconnectFromHost();
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto *connection = new GuardConnection(socket, this);
    m_connections.insert(connection);
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
    addPendingConnection(connection->virtualSocket());
}

void GuardServer::connectionClosed(GuardConnection *connection)
{
    m_connections.remove(connection);
    if (m_connections.isEmpty()) {
        m_sweepTimer.stop();
        Q_EMIT idle();
    }
}

void GuardServer::sweep()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto connections = m_connections; // checkTimeout may close some
    for (GuardConnection *c : connections)
        c->checkTimeout(now);
}

void GuardServer::drain()
{
    m_draining = true;
    close();
    const auto connections = m_connections;
    for (GuardConnection *c : connections)
        c->drain();
}

} // namespace mm
