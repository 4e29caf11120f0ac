// SPDX-License-Identifier: GPL-3.0-or-later
#include "guardconnection.h"

#include "guardserver.h"
#include "virtualsocket.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTcpSocket>
#include <sys/socket.h>

namespace mm {

namespace {
constexpr qint64 LingerMs = 2000;
constexpr qint64 MaxDiscardBytes = 8 * 1024 * 1024;
constexpr qint64 ReadBufferSlack = 64 * 1024;
// A client that pipelines requests but does not read its answers stops being served
// once this much is waiting to be sent; it resumes as the client reads.
constexpr qint64 MaxUnsentAnswers = 64 * 1024;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 417:
        return "Expectation Failed";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}
} // namespace

QByteArray GuardConnection::errorResponse(int status, QByteArrayView reason)
{
    const QByteArray body = reason.toByteArray() + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n";
    if (status == 503)
        out += "Retry-After: 1\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return out;
}

GuardConnection::GuardConnection(QTcpSocket *socket, GuardServer *server)
    : QObject(server)
    , m_server(server)
    , m_socket(socket)
    , m_framer(server->limits().framer)
{
    m_socket->setParent(this);
    // Bound what Qt buffers from the kernel while an answer is pending: TCP back-pressure
    // then slows the client down instead of memory growing.
    m_socket->setReadBufferSize(server->limits().framer.maxBodyBytes + server->limits().framer.maxHeaderBytes
                                + ReadBufferSlack);
    // QHttpServer writes an answer in several pieces; they are gathered and sent with one
    // write and an immediate flush once the answer is complete.
    m_virtual = new VirtualSocket(
        m_socket->peerAddress(), m_socket->peerPort(), m_socket->localAddress(), m_socket->localPort(),
        [this](const char *data, qint64 size) { m_answer.append(data, size); }, this);
    connect(m_virtual, &VirtualSocket::unpinned, this, &GuardConnection::onUnpinned);
    // QHttpServer deletes the virtual socket once it is disconnected; the connection goes with it.
    connect(m_virtual, &QObject::destroyed, this, [this] {
        m_server->connectionClosed(this);
        deleteLater();
    });
    connect(m_socket, &QIODevice::readyRead, this, &GuardConnection::onReadyRead);
    connect(m_socket, &QIODevice::bytesWritten, this, [this] {
        if (m_waitingForWrites && m_socket->bytesToWrite() <= MaxUnsentAnswers / 2) {
            m_waitingForWrites = false;
            pump();
        }
    });
    connect(m_socket, &QAbstractSocket::disconnected, this, &GuardConnection::onNetworkDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            m_socket->abort();
    });
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
        connect(ssl, &QSslSocket::sslErrors, ssl, [ssl](const QList<QSslError> &) { ssl->abort(); });
    }
    m_deadlineMs = nowMs() + server->limits().idleTimeout.count();
}

GuardConnection::~GuardConnection() = default;

void GuardConnection::onReadyRead()
{
    if (m_discarding) {
        // Lingering close: drop the rest of a refused request so the client reads our answer.
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    if (m_closing || (m_virtual && m_virtual->pinned()))
        return; // Picked up again once the pending answer is written.
    pump();
}

void GuardConnection::pump()
{
    m_pumpQueued = false;
    while (!m_closing && m_virtual && !m_virtual->pinned()) {
        if (m_socket->bytesToWrite() > MaxUnsentAnswers) {
            // Back-pressure: resume from bytesWritten. Meanwhile the idle deadline runs, so a
            // client that never reads is dropped.
            m_waitingForWrites = true;
            return;
        }
        const bool wasIdle = !m_framer.inRequest();
        if (m_socket->bytesAvailable() > 0)
            m_framer.append(m_socket->readAll());
        if (wasIdle && m_framer.inRequest())
            m_deadlineMs = nowMs() + m_server->limits().requestTimeout.count();

        switch (m_framer.next()) {
        case HttpFramer::Step::NeedMore:
            if (m_socket->bytesAvailable() > 0)
                continue;
            if (!m_framer.inRequest() && m_networkGone)
                finishIfIdle();
            return;
        case HttpFramer::Step::Continue100:
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            continue;
        case HttpFramer::Step::Error:
            rejectAndClose(m_framer.errorStatus(), m_framer.errorReason());
            return;
        case HttpFramer::Step::Ready: {
            FramedRequest request = m_framer.takeRequest();
            m_keepAlive = request.keepAlive && !m_draining;
            m_virtual->deliver(request.normalized());
            if (m_virtual && m_virtual->pinned())
                return; // deferred answer: onUnpinned() continues
            responseComplete();
            break;
        }
        }
    }
}

void GuardConnection::onUnpinned()
{
    responseComplete();
    // Continue with pipelined requests from a fresh stack, not from inside the responder.
    if (!m_closing && !m_pumpQueued) {
        m_pumpQueued = true;
        QMetaObject::invokeMethod(this, &GuardConnection::pump, Qt::QueuedConnection);
    }
}

void GuardConnection::flushAnswer()
{
    if (m_answer.isEmpty())
        return;
    if (!m_keepAlive) {
        // QHttpServer is always given HTTP/1.1 and never sees Connection; tell the client
        // ourselves that this answer is the connection's last.
        const qsizetype statusEnd = m_answer.indexOf("\r\n");
        if (statusEnd > 0)
            m_answer.insert(statusEnd + 2, "Connection: close\r\n");
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->write(m_answer);
        m_socket->flush();
    }
    m_answer.clear();
}

void GuardConnection::responseComplete()
{
    flushAnswer();
    m_deadlineMs = nowMs() + m_server->limits().idleTimeout.count();
    if (m_networkGone) {
        finishIfIdle();
        return;
    }
    if (!m_keepAlive)
        closeGracefully();
}

void GuardConnection::rejectAndClose(int status, const char *reason)
{
    m_closing = true;
    Q_EMIT m_server->guardRejected(status, m_socket->peerAddress(), QByteArray(reason));
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        finishIfIdle();
        return;
    }
    m_socket->write(errorResponse(status, reason));
    m_socket->flush();
    m_discarding = true;
    m_deadlineMs = nowMs() + LingerMs;
    if (!qobject_cast<QSslSocket *>(m_socket) && m_socket->bytesToWrite() == 0)
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    else
        connect(m_socket, &QIODevice::bytesWritten, this, [this] {
            if (m_socket->bytesToWrite() == 0 && !qobject_cast<QSslSocket *>(m_socket))
                ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        });
    m_socket->skip(m_socket->bytesAvailable());
}

void GuardConnection::closeGracefully()
{
    m_closing = true;
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onNetworkDisconnected();
    else
        m_socket->disconnectFromHost(); // writes what is buffered first
}

void GuardConnection::onNetworkDisconnected()
{
    if (m_networkGone)
        return;
    m_networkGone = true;
    m_closing = true;
    finishIfIdle();
}

void GuardConnection::finishIfIdle()
{
    if (!m_virtual || m_virtual->pinned())
        return; // the deferred answer finishes first; onUnpinned() comes back here
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    m_virtual->detachSink();
    m_virtual->finish();
    m_virtual->deleteLater();
}

void GuardConnection::checkTimeout(qint64 now)
{
    if (!m_virtual || m_virtual->pinned() || now < m_deadlineMs)
        return;
    if (m_discarding) {
        m_socket->abort();
        onNetworkDisconnected();
        return;
    }
    if (m_framer.inRequest() && !m_closing) {
        rejectAndClose(408, "Request Timeout: the request was not completed in time");
        return;
    }
    // Idle keep-alive connection, or one that would not finish closing.
    m_closing = true;
    m_socket->abort();
    onNetworkDisconnected();
}

void GuardConnection::drain()
{
    m_draining = true;
    m_keepAlive = false;
    if (!m_virtual || m_virtual->pinned() || m_framer.inRequest())
        return;
    closeGracefully();
}

} // namespace mm
