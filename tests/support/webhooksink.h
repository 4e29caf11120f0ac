// SPDX-License-Identifier: GPL-3.0-or-later
// A loopback HTTP/1.1 downstream for replay and forwarding tests: records each request
// (method, target, headers, body), answers with a status chosen per request by a callback,
// optionally after a delay or only when the test says so; Content-Length framing and keep-alive.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace mm::test {

struct SinkRequest
{
    QByteArray method;
    QByteArray target; // the request target, e.g. /hook
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, in arrival order
    QByteArray body;
    qint64 arrivedMs = 0; // since the sink was made

    // The first header of that name (case-insensitive), or an empty array.
    QByteArray header(QByteArrayView name) const;
};

struct SinkAnswer
{
    int status = 200;
    QByteArray body = "ok";
    int delayMs = 0; // answer this long after the request arrived
    bool held = false; // answer only at releaseHeld() (then after delayMs)
};

class WebhookSink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookSink)

public:
    using Answer = std::function<SinkAnswer(const SinkRequest &)>;

    explicit WebhookSink(QObject *parent = nullptr);
    ~WebhookSink() override;

    // On 127.0.0.1; port 0 picks a free one.
    bool listen(quint16 port = 0);
    // Stops listening and drops every connection.
    void close();
    quint16 port() const;
    QByteArray url(const QByteArray &path = "/hook") const;

    // Chooses each request's answer (by default 200 "ok" at once).
    void setAnswer(Answer answer) { m_answer = std::move(answer); }

    const QList<SinkRequest> &requests() const { return m_requests; }
    // Answers the requests that were held, now.
    void releaseHeld();
    // The most answers that were pending at once.
    int maxConcurrent() const { return m_maxConcurrent; }

Q_SIGNALS:
    // After each request arrived; count is how many have so far.
    void received(int count);

private:
    void onConnection();
    void onReadable(QTcpSocket *socket);

    QTcpServer *m_server;
    Answer m_answer;
    QElapsedTimer m_clock;
    QList<SinkRequest> m_requests;
    QList<std::function<void()>> m_held;
    int m_concurrent = 0;
    int m_maxConcurrent = 0;
};

// Checks a svix-signature header with the openssl command line (an implementation apart
// from the app's own): true when one of its entries is v1,base64(HMAC-SHA256). why says
// what went wrong otherwise.
bool opensslVerifies(const QString &secretText, const QByteArray &msgId, const QByteArray &timestamp,
                     const QByteArray &body, const QByteArray &signatureHeader, QString *why = nullptr);

} // namespace mm::test
