// SPDX-License-Identifier: GPL-3.0-or-later
// One client connection behind the guard: frames requests from the network socket,
// answers protocol errors itself, and feeds valid requests to its VirtualSocket one
// at a time, so answers go out in order even when they are deferred.
#pragma once

#include "httpframer.h"

#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace mm {

class GuardServer;
class VirtualSocket;

class GuardConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardConnection)

public:
    GuardConnection(QTcpSocket *socket, GuardServer *server);
    ~GuardConnection() override;

    VirtualSocket *virtualSocket() const { return m_virtual; }

    void checkTimeout(qint64 nowMs);
    void drain();

    // Answers and closes without involving QHttpServer (used for protocol errors and
    // for the connection cap).
    static QByteArray errorResponse(int status, QByteArrayView reason);

private:
    void onReadyRead();
    void pump();
    void onUnpinned();
    void responseComplete();
    void rejectAndClose(int status, const char *reason);
    void closeGracefully();
    void onNetworkDisconnected();
    void finishIfIdle();
    void flushAnswer();

    GuardServer *m_server;
    QTcpSocket *m_socket;
    QPointer<VirtualSocket> m_virtual;
    QByteArray m_answer; // what QHttpServer wrote for the current request, sent in one go
    HttpFramer m_framer;
    qint64 m_deadlineMs = 0;
    bool m_keepAlive = true;
    bool m_closing = false; // no further requests are taken
    bool m_discarding = false; // answered with an error; input is read and dropped
    bool m_networkGone = false;
    bool m_draining = false;
    bool m_pumpQueued = false;
    bool m_waitingForWrites = false; // answers pile up unread: paused until the client reads
};

} // namespace mm
