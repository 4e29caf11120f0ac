// SPDX-License-Identifier: GPL-3.0-or-later
#include "webhooksink.h"

#include <QPointer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace mm::test {

QByteArray SinkRequest::header(QByteArrayView name) const
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

WebhookSink::WebhookSink(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    m_answer = [](const SinkRequest &) { return SinkAnswer {}; };
    connect(m_server, &QTcpServer::newConnection, this, &WebhookSink::onConnection);
    m_clock.start();
}

WebhookSink::~WebhookSink() = default;

bool WebhookSink::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

void WebhookSink::close()
{
    m_server->close();
    for (QTcpSocket *s : findChildren<QTcpSocket *>())
        s->abort();
}

quint16 WebhookSink::port() const
{
    return m_server->serverPort();
}

QByteArray WebhookSink::url(const QByteArray &path) const
{
    return "http://127.0.0.1:" + QByteArray::number(port()) + path;
}

void WebhookSink::releaseHeld()
{
    const auto held = std::exchange(m_held, {});
    for (const auto &respond : held)
        respond();
}

void WebhookSink::onConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void WebhookSink::onReadable(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("mm.buffer").toByteArray() + socket->readAll();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            break;
        SinkRequest r;
        const QList<QByteArray> lines = buffer.first(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        r.method = requestLine.value(0);
        r.target = requestLine.value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].first(colon).trimmed().toLower();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            r.headers.append({name, value});
            if (name == "content-length")
                length = value.toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            break;
        r.body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        r.arrivedMs = m_clock.elapsed();
        m_requests.append(r);
        const SinkAnswer answer = m_answer(r);
        m_maxConcurrent = std::max(m_maxConcurrent, ++m_concurrent);
        const QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status)
            + " Test\r\nContent-Length: " + QByteArray::number(answer.body.size())
            + "\r\nContent-Type: text/plain\r\n\r\n" + answer.body;
        auto respond = [this, socket = QPointer<QTcpSocket>(socket), response, delayMs = answer.delayMs] {
            QTimer::singleShot(delayMs, this, [this, socket, response] {
                --m_concurrent;
                if (socket)
                    socket->write(response);
            });
        };
        if (answer.held)
            m_held.append(respond);
        else
            respond();
        Q_EMIT received(int(m_requests.size()));
    }
    socket->setProperty("mm.buffer", buffer);
}

bool opensslVerifies(const QString &secretText, const QByteArray &msgId, const QByteArray &timestamp,
                     const QByteArray &body, const QByteArray &signatureHeader, QString *why)
{
    QString key = secretText;
    if (key.startsWith(QLatin1String("whsec_")))
        key = key.mid(6);
    const QByteArray keyHex = QByteArray::fromBase64(key.toLatin1()).toHex();
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-mac"),
                   QStringLiteral("HMAC"), QStringLiteral("-macopt"),
                   QStringLiteral("hexkey:") + QString::fromLatin1(keyHex), QStringLiteral("-binary")});
    if (!openssl.waitForStarted(5000)) {
        if (why)
            *why = QStringLiteral("cannot run openssl");
        return false;
    }
    openssl.write(msgId + '.' + timestamp + '.' + body);
    openssl.closeWriteChannel();
    if (!openssl.waitForFinished(10000) || openssl.exitCode() != 0) {
        if (why)
            *why = QString::fromLocal8Bit(openssl.readAllStandardError());
        return false;
    }
    const QByteArray expected = "v1," + openssl.readAllStandardOutput().toBase64();
    for (const QByteArray &candidate : signatureHeader.split(' ')) {
        if (candidate == expected)
            return true;
    }
    if (why)
        *why = QStringLiteral("expected %1 in '%2'")
                   .arg(QString::fromLatin1(expected), QString::fromLatin1(signatureHeader));
    return false;
}

} // namespace mm::test
