// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for tst_hostile: non-blocking clients that many can run at once.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <memory>

namespace mm::test {

// One client connection driven by the event loop; it records what it receives and when
// the receiver closed it.
class AsyncPeer
{
public:
    explicit AsyncPeer(quint16 port);

    QTcpSocket &socket() { return m_socket; }
    bool connected() const { return m_connectedMs >= 0; }
    bool closed() const { return m_closedMs >= 0; }
    qint64 connectedMs() const { return m_connectedMs; } // on the shared clock, -1 before
    qint64 closedMs() const { return m_closedMs; }
    qint64 firstByteMs() const { return m_firstByteMs; } // when the answer began to arrive, -1 before
    const QByteArray &received() const { return m_received; }
    int status() const; // of the first response, 0 if none yet
    bool hasCompleteResponse() const;
    void send(const QByteArray &bytes);

    static qint64 nowMs(); // the shared clock

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    qint64 m_connectedMs = -1;
    qint64 m_closedMs = -1;
    qint64 m_firstByteMs = -1;
};

} // namespace mm::test
