// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpconnection.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <chrono>

namespace mm::sim {

HttpConnection::HttpConnection(HttpEndpoint endpoint, int index, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_index(index)
{
}

HttpConnection::~HttpConnection()
{
    dropSocket();
}

qint64 HttpConnection::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void HttpConnection::send(QByteArray request)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    m_timedOut = false;
    m_pending = std::move(request);
    m_startedNs = nowNs();
    m_parser.reset();
    if (m_socket && m_ready && m_socket->state() == QAbstractSocket::ConnectedState)
        writePending();
    else
        connectSocket();
}

void HttpConnection::connectSocket()
{
    dropSocket();
    if (m_endpoint.tls) {
        auto ssl = std::make_unique<QSslSocket>();
        if (m_endpoint.insecure)
            ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(ssl.get(), &QSslSocket::encrypted, this, &HttpConnection::onReady);
        m_socket = std::move(ssl);
    } else {
        m_socket = std::make_unique<QTcpSocket>();
    }
    QTcpSocket *socket = m_socket.get();
    connect(socket, &QTcpSocket::connected, this, [this] {
        // Small requests must not wait for Nagle; this is a latency benchmark tool too.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (!m_endpoint.tls)
            onReady();
    });
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(socket, &QTcpSocket::errorOccurred, this, &HttpConnection::onError);
    if (m_endpoint.tls)
        static_cast<QSslSocket *>(socket)->connectToHostEncrypted(m_endpoint.host, m_endpoint.port);
    else
        socket->connectToHost(m_endpoint.host, m_endpoint.port);
}

void HttpConnection::onReady()
{
    m_ready = true;
    if (m_busy && !m_pending.isEmpty())
        writePending();
}

void HttpConnection::writePending()
{
    // Taken first: a synchronous write error completes the request and may start the next one.
    const QByteArray request = std::move(m_pending);
    m_pending = QByteArray();
    QTcpSocket *socket = m_socket.get();
    m_writtenNs = nowNs();
    socket->write(request);
    // Write now rather than on the next event-loop turn; saves a notifier round per request.
    if (socket == m_socket.get())
        socket->flush();
}

void HttpConnection::onReadyRead()
{
    QTcpSocket *socket = m_socket.get();
    while (socket && socket == m_socket.get()) {
        const qint64 n = socket->read(m_readBuffer.data(), qint64(m_readBuffer.size()));
        if (n <= 0)
            break;
        if (!m_busy) {
            // Bytes nobody asked for: the stream is out of step, so start afresh next time.
            dropSocket();
            return;
        }
        const qsizetype used = m_parser.feed(m_readBuffer.data(), qsizetype(n));
        if (m_parser.hasError()) {
            const QString why = QString::fromLatin1(m_parser.errorText());
            dropSocket();
            complete(0, why);
            return;
        }
        if (m_parser.isDone()) {
            const bool reusable = m_parser.keepAlive() && used == n;
            if (!reusable)
                dropSocket();
            complete(m_parser.status(), QString());
            return;
        }
    }
}

void HttpConnection::onDisconnected()
{
    m_ready = false;
    if (!m_busy || !m_pending.isEmpty())
        return; // idle close, or a connect that never got through (errorOccurred reports it)
    // Bytes that arrived just before the close are still buffered.
    if (m_socket && m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (!m_busy)
        return;
    m_parser.finishOnClose();
    const bool ok = m_parser.isDone();
    const int status = ok ? m_parser.status() : 0;
    dropSocket();
    complete(status, ok ? QString() : QStringLiteral("connection closed before the response was complete"));
}

void HttpConnection::onError()
{
    if (!m_socket)
        return;
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError && m_busy && m_pending.isEmpty()) {
        // The server closed after (part of) a response; onDisconnected decides whether it was complete.
        return;
    }
    const QString why = m_socket->errorString();
    m_ready = false;
    if (!m_busy) {
        dropSocket();
        return;
    }
    dropSocket();
    complete(0, why);
}

void HttpConnection::abortRequest(const QString &why)
{
    if (!m_busy)
        return;
    m_timedOut = true;
    dropSocket();
    complete(0, why);
}

void HttpConnection::shutdown()
{
    m_busy = false;
    m_pending = QByteArray();
    dropSocket();
}

void HttpConnection::complete(int status, const QString &error)
{
    if (!m_busy)
        return;
    m_busy = false;
    m_pending = QByteArray();
    const qint64 latency = status > 0 ? nowNs() - m_writtenNs : 0;
    Q_EMIT finished(this, status, latency, error);
}

void HttpConnection::dropSocket()
{
    m_ready = false;
    if (!m_socket)
        return;
    // Disconnect first so abort() cannot call back into a half-reset connection, then delete
    // later: we may be inside one of this socket's own signal emissions.
    QTcpSocket *socket = m_socket.release();
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

} // namespace mm::sim
