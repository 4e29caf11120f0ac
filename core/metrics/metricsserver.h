// SPDX-License-Identifier: GPL-3.0-or-later
// The --metrics-listen endpoint, on its own thread (MetricsHost) and port, never the public
// webhook one: GET /metrics answers the Prometheus text of a snapshot read from the receiver's
// and the store's counters (lock-free reads); GET /healthz has the store write a heartbeat
// (StoreWriter::probe) and answers 200 once it committed while the webhook port listens, else
// 503 with the reason. Behind the same guard as the receiver (limits, timeouts, deferred answers).
#pragma once

#include "metrics.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <atomic>
#include <memory>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace mm {

class GuardServer;
class StoreWriter;
class VirtualSocket;

struct MetricsConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0;
    // A health answer younger than this is given again without a new probe.
    std::chrono::milliseconds probeReuse {1000};
    // A probe the store has not answered by then counts as a failure.
    std::chrono::milliseconds probeTimeout {5000};
};

// What is measured; each must outlive the server. Read from the server's thread.
struct MetricsSources
{
    const ReceiverCounters *receiver = nullptr;
    StoreWriter *store = nullptr;
    const std::atomic<qint64> *forwardQueueDepth = nullptr; // -1: not forwarding; may be null
};

class MetricsServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsServer)

public:
    MetricsServer(MetricsConfig config, MetricsSources sources, QObject *parent = nullptr);
    ~MetricsServer() override;

    // Binds and serves. On failure returns false with a sentence in error.
    bool listen(QString *error);
    QUrl url() const; // http://HOST:PORT, the port bound

    MetricsSnapshot snapshot() const;

private:
    struct Parked;
    struct Inbox;

    void route(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void askHealth(QHttpServerResponder &&responder);
    void probed(const QString &problem);
    void answerParked(const QString &problem);

    MetricsConfig m_config;
    MetricsSources m_sources;
    std::unique_ptr<QHttpServer> m_http;
    GuardServer *m_guard = nullptr; // owned by m_http once bound
    quint16 m_boundPort = 0;
    std::vector<std::unique_ptr<Parked>> m_parked; // /healthz answers waiting for the probe
    std::shared_ptr<Inbox> m_inbox; // where the store's answer to a probe is posted
    bool m_probing = false;
    QElapsedTimer m_lastProbe; // when the last answer came
    QString m_lastProblem;
    QTimer m_probeTimeout;
};

} // namespace mm
