// SPDX-License-Identifier: GPL-3.0-or-later
// One keep-alive HTTP/1.1 client connection (plain TCP or TLS) carrying one request at a time.
// It connects lazily, reconnects after a close, and reports each request's outcome once.
#pragma once

#include "httpresponseparser.h"

#include <QObject>
#include <QString>
#include <array>
#include <memory>

class QTcpSocket;

namespace mm::sim {

struct HttpEndpoint
{
    QString host;
    quint16 port = 80;
    bool tls = false;
    bool insecure = false; // accept any certificate (self-signed receivers)
};

class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    explicit HttpConnection(HttpEndpoint endpoint, int index, QObject *parent = nullptr);
    ~HttpConnection() override;

    int index() const { return m_index; }
    bool isBusy() const { return m_busy; }
    // Monotonic nanoseconds when the current request was handed over (connect time included).
    qint64 startedNs() const { return m_startedNs; }
    // About the request finished() just reported (until the next send()): whether abortRequest()
    // ended it, and its answer's Retry-After in seconds from nowSeconds (-1: none).
    bool timedOut() const { return m_timedOut; }
    qint64 retryAfterSeconds(qint64 nowSeconds) const
    {
        return m_parser.isDone() ? m_parser.retryAfterSeconds(nowSeconds) : -1;
    }

    // Sends one complete request (head and body); the connection must not be busy.
    void send(QByteArray request);
    // Gives up on the current request (a timeout): reports status 0 and drops the socket.
    void abortRequest(const QString &why);
    // Drops the socket silently, reporting nothing. Used when the simulator stops.
    void shutdown();

    static qint64 nowNs();

Q_SIGNALS:
    // status is the HTTP status, or 0 when no complete response arrived (error says why).
    // latencyNs runs from writing the request to the end of the response; 0 when status is 0.
    void finished(mm::sim::HttpConnection *connection, int status, qint64 latencyNs, const QString &error);

private:
    void connectSocket();
    void onReady();
    void writePending();
    void onReadyRead();
    void onDisconnected();
    void onError();
    void complete(int status, const QString &error);
    void dropSocket();

    HttpEndpoint m_endpoint;
    int m_index;
    std::unique_ptr<QTcpSocket> m_socket;
    HttpResponseParser m_parser;
    QByteArray m_pending;
    qint64 m_startedNs = 0;
    qint64 m_writtenNs = 0;
    bool m_busy = false;
    bool m_timedOut = false;
    bool m_ready = false; // connected (and encrypted, for TLS)
    std::array<char, 4096> m_readBuffer {}; // answers are small; a long one just takes more reads
};

} // namespace mm::sim
