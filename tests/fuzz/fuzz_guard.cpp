// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes one guarded connection without sockets: a GuardConnection over an in-memory
// network socket, its VirtualSocket served by a real QHttpServer whose route answers at
// once or later (as the receiver does after COMMIT). Answers must come out in order and
// well formed, and the connection must always finish and free itself.
//
// Input: a list of steps, each an op byte and its argument (see Op). The corpus seeds in
// tests/fuzz/corpus/fuzz_guard/ wrap real requests in "send" steps.
#include "fuzzcommon.h"
#include "receiver/guardconnection.h"
#include "receiver/guardserver.h"
#include "receiver/virtualsocket.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpServer>
#include <deque>
#include <memory>

using namespace mm;

namespace {
enum Op : quint8 {
    Send = 0, // n = next byte, then n bytes go to the guard
    ClientReads = 1, // the client reads everything sent so far
    Tick = 2, // the clock moves on by (next byte) * 100 ms and the timeouts are checked
    Answer = 3, // the deferred answer (if any) is written
    ToggleDefer = 4, // the route switches between answering at once and deferring
    PeerCloses = 5, // the client closes its end
    Drain = 6, // the receiver is shutting down
    OpCount = 7,
};

// The network side, in memory: what the client sends is read by the guard; what the guard
// writes is kept, and counts as unsent until the client reads it (for back-pressure).
class MemorySocket final : public QTcpSocket
{
public:
    explicit MemorySocket(QByteArray *out)
        : m_out(out)
    {
        setPeerAddress(QHostAddress(QHostAddress::LocalHost));
        setPeerPort(40000);
        setLocalAddress(QHostAddress(QHostAddress::LocalHost));
        setLocalPort(8787);
        setSocketState(QAbstractSocket::ConnectedState);
        QIODevice::open(QIODevice::ReadWrite);
    }
    void feed(QByteArrayView bytes)
    {
        if (state() != QAbstractSocket::ConnectedState)
            return;
        m_in.append(bytes.data(), bytes.size());
        Q_EMIT readyRead();
    }
    void clientReads()
    {
        const qint64 n = m_unsent;
        m_unsent = 0;
        if (n > 0)
            Q_EMIT bytesWritten(n);
    }
    void peerCloses()
    {
        if (state() == QAbstractSocket::ConnectedState)
            disconnectFromHost(); // no socket engine: emits disconnected() at once
    }
    qint64 bytesAvailable() const override { return m_in.size() - m_readPos + QIODevice::bytesAvailable(); }
    qint64 bytesToWrite() const override { return m_unsent; }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = std::min<qint64>(maxSize, m_in.size() - m_readPos);
        if (n <= 0)
            return 0;
        std::memcpy(data, m_in.constData() + m_readPos, size_t(n));
        m_readPos += n;
        return n;
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        m_out->append(data, size);
        m_unsent += size;
        return size;
    }

private:
    QByteArray m_in;
    qsizetype m_readPos = 0;
    QByteArray *m_out; // outlives the socket, which goes with its connection
    qint64 m_unsent = 0;
};

// Hands QHttpServer the guard's virtual sockets, as GuardServer does after accept().
class HandOver final : public QTcpServer
{
public:
    void offer(QTcpSocket *socket)
    {
        addPendingConnection(socket);
        Q_EMIT newConnection();
    }
};

struct Deferred
{
    QHttpServerResponder responder;
    QPointer<VirtualSocket> socket;
    QByteArray body;
};

struct App
{
    bool defer = false;
    int handled = 0;
    std::deque<std::unique_ptr<Deferred>> pending;
};
App *g_app = nullptr;

// The body names the request's sequence number; its size follows the request's, so answers
// big enough for back-pressure are reachable.
QByteArray answerBody(int seq, qsizetype requestBody)
{
    QByteArray body = "seq=" + QByteArray::number(seq) + '\n';
    body.append(QByteArray(std::min<qsizetype>(requestBody * 64, 48 * 1024), 'a'));
    return body;
}

struct Servers
{
    QHttpServer http;
    HandOver *handOver = new HandOver;

    Servers()
    {
        http.route(QStringLiteral("/webhooks"),
                   [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       const int seq = ++g_app->handled;
                       QByteArray body = answerBody(seq, request.body().size());
                       if (!g_app->defer) {
                           responder.write(body, "text/plain", QHttpServerResponder::StatusCode::Ok);
                           return;
                       }
                       auto *socket = qobject_cast<VirtualSocket *>(responder.socket());
                       MM_FUZZ_CHECK(socket);
                       socket->pin();
                       g_app->pending.push_back(std::make_unique<Deferred>(
                           Deferred {std::move(responder), socket, std::move(body)}));
                   });
        http.bind(handOver); // takes ownership
    }
};

void answerOne()
{
    if (g_app->pending.empty())
        return;
    std::unique_ptr<Deferred> d = std::move(g_app->pending.front());
    g_app->pending.pop_front();
    d->responder.write(d->body, "text/plain", QHttpServerResponder::StatusCode::Ok);
    QPointer<VirtualSocket> socket = d->socket;
    d.reset(); // the responder lets go of the socket before it may be released
    if (socket)
        socket->unpin();
}

void settle()
{
    for (int i = 0; i < 4; ++i) {
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
}

// The answers on the wire: well formed, in request order, nothing after a closing one.
void checkOutput(const QByteArray &out, int handled)
{
    qsizetype pos = 0;
    int lastSeq = 0;
    bool closed = false;
    while (pos < out.size()) {
        MM_FUZZ_CHECK(!closed);
        MM_FUZZ_CHECK(out.sliced(pos).startsWith("HTTP/1.1 "));
        const qsizetype headEnd = out.indexOf("\r\n\r\n", pos);
        MM_FUZZ_CHECK(headEnd > pos);
        const QByteArray head = out.sliced(pos, headEnd - pos).toLower();
        const int status = head.mid(9, 3).toInt();
        MM_FUZZ_CHECK(status >= 100 && status <= 599);
        qsizetype length = 0;
        if (const qsizetype cl = head.indexOf("\r\ncontent-length:"); cl >= 0) {
            const qsizetype end = head.indexOf("\r\n", cl + 2);
            bool ok = false;
            length = head.mid(cl + 17, end < 0 ? -1 : end - cl - 17).trimmed().toLongLong(&ok);
            MM_FUZZ_CHECK(ok && length >= 0);
        } else {
            MM_FUZZ_CHECK(status == 100);
        }
        MM_FUZZ_CHECK(headEnd + 4 + length <= out.size());
        const QByteArray body = out.mid(headEnd + 4, length);
        if (status == 200) {
            MM_FUZZ_CHECK(body.startsWith("seq="));
            const int seq = body.mid(4, body.indexOf('\n') - 4).toInt();
            MM_FUZZ_CHECK(seq == lastSeq + 1); // every answer, in order
            lastSeq = seq;
        }
        closed = head.contains("\r\nconnection: close");
        pos = headEnd + 4 + length;
    }
    MM_FUZZ_CHECK(lastSeq <= handled);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietMessages();
    fuzz::ensureApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Servers *servers = new Servers; // one QHttpServer for the whole run, like the receiver's
    App app;
    g_app = &app;

    GuardLimits limits;
    limits.framer = FramerLimits {2048, 4096};
    GuardServer guard(limits, std::nullopt);
    QByteArray output;
    auto *socket = new MemorySocket(&output);
    QPointer<GuardConnection> connection = new GuardConnection(socket, &guard);
    servers->handOver->offer(connection->virtualSocket());
    const qint64 start = QDateTime::currentMSecsSinceEpoch();
    qint64 clock = start;

    size_t pos = 0;
    while (pos < size && connection) {
        const auto op = Op(data[pos++] % OpCount);
        const size_t arg = pos < size ? data[pos] : 0;
        switch (op) {
        case Send: {
            ++pos;
            const size_t n = std::min(arg, size - std::min(pos, size));
            socket->feed(QByteArrayView(reinterpret_cast<const char *>(data + pos), qsizetype(n)));
            pos += n;
            break;
        }
        case ClientReads:
            socket->clientReads();
            break;
        case Tick:
            ++pos;
            clock += qint64(arg) * 100;
            connection->checkTimeout(clock);
            break;
        case Answer:
            answerOne();
            break;
        case ToggleDefer:
            app.defer = !app.defer;
            break;
        case PeerCloses:
            socket->peerCloses();
            break;
        case Drain:
            connection->drain();
            break;
        case OpCount:
            break;
        }
        settle();
    }
    // Whatever happened, the connection ends: answers in flight are written, the client
    // goes away, and everything is freed.
    while (!app.pending.empty()) {
        answerOne();
        settle();
    }
    if (connection)
        socket->peerCloses();
    settle();
    checkOutput(output, app.handled);
    MM_FUZZ_CHECK(!connection); // a connection that never frees itself is a leak per client
    g_app = nullptr;
    return 0;
}
