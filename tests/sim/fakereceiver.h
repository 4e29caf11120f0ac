// SPDX-License-Identifier: GPL-3.0-or-later
// A deliberately small HTTP/1.1 server on 127.0.0.1 for the simulator tests: it records every
// request and answers with a status chosen per request, framed the way the test asks.
#pragma once

#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <chrono>
#include <functional>
#include <memory>

struct ReceivedRequest
{
    QByteArray method;
    QByteArray path;
    QList<QPair<QByteArray, QByteArray>> headerList; // in arrival order, names as sent
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    int connection = 0; // which accepted connection carried it
    qint64 atNs = 0; // steady clock at arrival

    QByteArray header(const char *lowerName) const { return headers.value(QByteArray(lowerName)); }
    // The message id under either name: svix-id, or the unbranded webhook-id.
    QByteArray msgId() const
    {
        const QByteArray branded = header("svix-id");
        return branded.isEmpty() ? header("webhook-id") : branded;
    }
};

class FakeReceiver final
{
public:
    enum class Framing { ContentLength, Chunked, CloseDelimited };

    // Returns the status to answer with; a negative value means never answer.
    std::function<int(const ReceivedRequest &)> respond = [](const ReceivedRequest &) { return 204; };
    Framing framing = Framing::ContentLength;
    bool closeAfterResponse = false; // send "Connection: close" and hang up
    QByteArray failureHeaders; // added to every answer that is not 2xx, e.g. "Retry-After: 30\r\n"

    QList<ReceivedRequest> requests;
    int connectionsAccepted = 0;

    FakeReceiver()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                adopt(socket);
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/webhooks")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path));
    }

    // Requests per message id (svix-id or webhook-id), in arrival order.
    QHash<QByteArray, QList<ReceivedRequest>> byId() const
    {
        QHash<QByteArray, QList<ReceivedRequest>> out;
        for (const ReceivedRequest &r : requests)
            out[r.msgId()].append(r);
        return out;
    }

private:
    void adopt(QTcpSocket *socket)
    {
        const int id = ++connectionsAccepted;
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer, id] {
            buffer->append(socket->readAll());
            while (socket->state() == QAbstractSocket::ConnectedState) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                ReceivedRequest request;
                const QList<QByteArray> lines = buffer->left(end).split('\n');
                const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
                request.method = requestLine.value(0);
                request.path = requestLine.value(1);
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines.at(i).trimmed();
                    const qsizetype colon = line.indexOf(':');
                    if (colon <= 0)
                        continue;
                    const QByteArray name = line.left(colon);
                    const QByteArray value = line.mid(colon + 1).trimmed();
                    request.headerList.append({name, value});
                    request.headers.insert(name.toLower(), value);
                }
                const qsizetype length = request.header("content-length").toLongLong();
                if (buffer->size() < end + 4 + length)
                    return;
                request.body = buffer->mid(end + 4, length);
                buffer->remove(0, end + 4 + length);
                request.connection = id;
                request.atNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count();
                requests.append(request);
                const int status = respond(request);
                if (status >= 0)
                    answer(socket, status);
            }
        });
    }

    void answer(QTcpSocket *socket, int status)
    {
        // 204 and 304 never carry a body (a client must not read one).
        const QByteArray body
            = status == 204 || status == 304 ? QByteArray() : QByteArrayLiteral("{\"ok\":true}");
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + " Whatever\r\n";
        if (status < 200 || status >= 300)
            out += failureHeaders;
        const bool close = closeAfterResponse || framing == Framing::CloseDelimited;
        if (close)
            out += "Connection: close\r\n";
        switch (framing) {
        case Framing::ContentLength:
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
            break;
        case Framing::Chunked:
            out += "Transfer-Encoding: chunked\r\n\r\n";
            if (body.size() > 5)
                out += "5\r\n" + body.left(5) + "\r\n" + QByteArray::number(body.size() - 5, 16)
                    + ";ext=1\r\n" + body.mid(5) + "\r\n";
            out += "0\r\n\r\n";
            break;
        case Framing::CloseDelimited:
            out += "\r\n" + body;
            break;
        }
        socket->write(out);
        if (close)
            socket->disconnectFromHost();
    }

    QTcpServer m_server;
};
