// SPDX-License-Identifier: GPL-3.0-or-later
// Test helpers: build signed Svix deliveries and talk raw HTTP/1.1 over a blocking
// QTcpSocket, so tests control every byte on the wire.
#pragma once

#include "verify/signingsecret.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QTcpSocket>
#include <memory>

namespace mm::test {

struct HttpResponse
{
    int status = 0; // 0: no complete response arrived
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(QByteArrayView name) const;
};

// A signed POST of body to path, as Svix would send it.
QByteArray signedRequest(const SigningSecret &secret, const QByteArray &msgId, const QByteArray &body,
                         qint64 timestamp = 0, const QByteArray &path = "/webhooks",
                         const QByteArray &extraHeaders = {});

// A typical Anon envelope.
QByteArray envelope(const QByteArray &eventId, const QByteArray &type, const QByteArray &migrationId,
                    const QByteArray &status = "WORKING");

class RawClient
{
public:
    explicit RawClient(quint16 port, int timeoutMs = 5000);
    bool connected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes);
    // Reads one response (status line, headers, Content-Length body); status 0 on timeout or close.
    HttpResponse read(int timeoutMs = -1);
    HttpResponse roundTrip(const QByteArray &request, int timeoutMs = -1);
    // True once the server closed the connection (waits up to timeoutMs).
    bool waitClosed(int timeoutMs);
    QTcpSocket &socket() { return *m_socket; }

private:
    bool fill(int timeoutMs);
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    int m_timeoutMs;
};

} // namespace mm::test
