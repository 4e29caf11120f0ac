// SPDX-License-Identifier: GPL-3.0-or-later
#include "virtualsocket.h"

namespace mm {

VirtualSocket::VirtualSocket(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local,
                             quint16 localPort, Sink sink, QObject *parent)
    : QTcpSocket(parent)
    , m_sink(std::move(sink))
{
    setPeerAddress(peer);
    setPeerPort(peerPort);
    setLocalAddress(local);
    setLocalPort(localPort);
    setSocketState(QAbstractSocket::ConnectedState);
    QIODevice::open(QIODevice::ReadWrite);
}

void VirtualSocket::deliver(QByteArray request)
{
    if (m_readPos >= m_inbound.size()) {
        m_inbound = std::move(request);
        m_readPos = 0;
    } else {
        m_inbound.append(request);
    }
    Q_EMIT readyRead();
}

void VirtualSocket::unpin()
{
    Q_ASSERT(m_pins > 0);
    if (--m_pins == 0)
        Q_EMIT unpinned();
}

void VirtualSocket::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_sink = nullptr;
    disconnectFromHost();
}

qint64 VirtualSocket::bytesAvailable() const
{
    return (m_inbound.size() - m_readPos) + QIODevice::bytesAvailable();
}

qint64 VirtualSocket::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, m_inbound.size() - m_readPos);
    if (n <= 0)
        return 0;
    std::memcpy(data, m_inbound.constData() + m_readPos, size_t(n));
    m_readPos += n;
    if (m_readPos == m_inbound.size()) {
        m_inbound.clear();
        m_readPos = 0;
    }
    return n;
}

qint64 VirtualSocket::writeData(const char *data, qint64 size)
{
    if (m_sink)
        m_sink(data, size);
    // Writes after the peer left are swallowed: QHttpServer's responder must never fail.
    return size;
}

} // namespace mm
