// SPDX-License-Identifier: GPL-3.0-or-later
#include "testhttp.h"

#include <QDateTime>
#include <QDeadlineTimer>

namespace mm::test {

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QByteArray signedRequest(const SigningSecret &secret, const QByteArray &msgId, const QByteArray &body,
                         qint64 timestamp, const QByteArray &path, const QByteArray &extraHeaders)
{
    const QByteArray ts = QByteArray::number(timestamp ? timestamp : QDateTime::currentSecsSinceEpoch());
    QByteArray r = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    r += "content-type: application/json\r\nuser-agent: Svix-Webhooks/1.66.0 (sender-test)\r\n";
    r += "svix-id: " + msgId + "\r\nsvix-timestamp: " + ts
        + "\r\nsvix-signature: " + secret.signature(msgId, ts, body) + "\r\n";
    r += extraHeaders;
    r += "content-length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return r;
}

QByteArray envelope(const QByteArray &eventId, const QByteArray &type, const QByteArray &migrationId,
                    const QByteArray &status)
{
    return R"({"id":")" + eventId + R"(","object":"event","created":"2025-06-18T00:50:40.301173","type":")"
        + type + R"(","data":{"migration_id":")" + migrationId
        + R"(","object":{"company_id":"f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e91","created":"2025-06-18T04:06:42.453452","id":")"
        + migrationId + R"(","created_by_user_id":"usr_1","object":"migration","status":")" + status
        + R"("}}})";
}

RawClient::RawClient(quint16 port, int timeoutMs)
    : m_socket(std::make_unique<QTcpSocket>())
    , m_timeoutMs(timeoutMs)
{
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    m_socket->waitForConnected(timeoutMs);
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    while (m_socket->bytesToWrite() > 0 && m_socket->waitForBytesWritten(m_timeoutMs)) { }
}

bool RawClient::fill(int timeoutMs)
{
    if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(timeoutMs))
        return false;
    m_buffer += m_socket->readAll();
    return true;
}

HttpResponse RawClient::read(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs < 0 ? m_timeoutMs : timeoutMs);
    HttpResponse r;
    for (;;) {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
            const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
            const int status = statusLine.size() >= 2 ? statusLine[1].toInt() : -1;
            QList<QPair<QByteArray, QByteArray>> headers;
            qint64 length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                if (headers.last().first.compare("content-length", Qt::CaseInsensitive) == 0)
                    length = headers.last().second.toLongLong();
            }
            if (status == 100) { // interim response: skip it
                m_buffer.remove(0, headEnd + 4);
                continue;
            }
            if (m_buffer.size() >= headEnd + 4 + length) {
                r.status = status;
                r.headers = headers;
                r.body = m_buffer.mid(headEnd + 4, length);
                m_buffer.remove(0, headEnd + 4 + length);
                return r;
            }
        }
        if (deadline.hasExpired() || !fill(int(deadline.remainingTime())))
            return r;
    }
}

HttpResponse RawClient::roundTrip(const QByteArray &request, int timeoutMs)
{
    send(request);
    return read(timeoutMs);
}

bool RawClient::waitClosed(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket->state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        if (m_socket->waitForReadyRead(int(deadline.remainingTime())))
            m_buffer += m_socket->readAll();
    }
    return m_socket->state() != QAbstractSocket::ConnectedState;
}

} // namespace mm::test
