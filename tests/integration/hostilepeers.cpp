// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostilepeers.h"

#include <QRegularExpression>

namespace mm::test {

AsyncPeer::AsyncPeer(quint16 port)
{
    QObject::connect(&m_socket, &QTcpSocket::connected, &m_socket, [this] { m_connectedMs = nowMs(); });
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
        if (m_firstByteMs < 0)
            m_firstByteMs = nowMs();
        m_received += m_socket.readAll();
    });
    QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket, [this] {
        if (m_closedMs < 0)
            m_closedMs = nowMs();
    });
    QObject::connect(&m_socket, &QTcpSocket::errorOccurred, &m_socket, [this](QAbstractSocket::SocketError) {
        const QByteArray rest = m_socket.readAll();
        if (!rest.isEmpty() && m_firstByteMs < 0)
            m_firstByteMs = nowMs();
        m_received += rest;
        if (m_closedMs < 0)
            m_closedMs = nowMs();
    });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

int AsyncPeer::status() const
{
    if (!m_received.startsWith("HTTP/1.1 ") || m_received.size() < 12)
        return 0;
    return m_received.mid(9, 3).toInt();
}

bool AsyncPeer::hasCompleteResponse() const
{
    const qsizetype headEnd = m_received.indexOf("\r\n\r\n");
    if (status() == 0 || headEnd < 0)
        return false;
    static const QRegularExpression lengthRe(QStringLiteral("\r\ncontent-length:\\s*(\\d+)"),
                                             QRegularExpression::CaseInsensitiveOption);
    const auto match = lengthRe.match(QString::fromLatin1(m_received.left(headEnd)));
    const qint64 length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    return m_received.size() >= headEnd + 4 + length;
}

void AsyncPeer::send(const QByteArray &bytes)
{
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.write(bytes);
}

qint64 AsyncPeer::nowMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

} // namespace mm::test
