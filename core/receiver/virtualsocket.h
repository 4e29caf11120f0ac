// SPDX-License-Identifier: GPL-3.0-or-later
// The socket QHttpServer is given instead of the network connection. The guard feeds
// it one complete, validated request at a time and forwards what QHttpServer writes.
// Because the guard, not the network, decides when it disconnects, a deferred
// response can never outlive its socket (the Qt 6.4 use-after-free).
#pragma once

#include <QByteArray>
#include <QTcpSocket>
#include <functional>

namespace mm {

class VirtualSocket final : public QTcpSocket
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VirtualSocket)

public:
    using Sink = std::function<void(const char *data, qint64 size)>;

    VirtualSocket(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local, quint16 localPort,
                  Sink sink, QObject *parent);

    // Hands one request to QHttpServer; it is handled before this returns, unless the
    // route defers its answer with pin().
    void deliver(QByteArray request);

    // A deferred answer holds the socket open until it is written.
    void pin() { ++m_pins; }
    void unpin();
    bool pinned() const { return m_pins > 0; }

    // Called when the network side is gone; the sink is dropped.
    void detachSink() { m_sink = nullptr; }

    // Ends the virtual connection (emits disconnected, so QHttpServer releases it).
    void finish();

    qint64 bytesAvailable() const override;
    bool isSequential() const override { return true; }

Q_SIGNALS:
    void unpinned();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    QByteArray m_inbound;
    qsizetype m_readPos = 0;
    Sink m_sink;
    int m_pins = 0;
    bool m_finished = false;
};

} // namespace mm
