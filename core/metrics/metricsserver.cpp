// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricsserver.h"

#include "receiver/guardserver.h"
#include "receiver/virtualsocket.h"
#include "store/storewriter.h"
#include "util/workerthread.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <mutex>

namespace mm {

struct MetricsServer::Parked
{
    QHttpServerResponder responder;
    QPointer<VirtualSocket> socket;
};

// The store answers a probe from the thread that commits; this carries the answer to the
// server's thread, or nowhere once the server is gone (the destructor clears it under the lock).
struct MetricsServer::Inbox
{
    std::mutex mutex;
    MetricsServer *server = nullptr;
};

namespace {
// Scrapes and health checks are small GETs from a few monitors.
GuardLimits metricsLimits()
{
    GuardLimits limits;
    limits.framer.maxHeaderBytes = 16 * 1024;
    limits.framer.maxBodyBytes = 1024;
    limits.maxConnections = 32;
    return limits;
}

void writeText(QHttpServerResponder &responder, int status, const QByteArray &body, const char *contentType)
{
    responder.write(body, {{"Content-Type", contentType}, {"Cache-Control", "no-store"}},
                    QHttpServerResponder::StatusCode(status));
}
} // namespace

MetricsServer::MetricsServer(MetricsConfig config, MetricsSources sources, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sources(sources)
    , m_inbox(std::make_shared<Inbox>())
{
    Q_ASSERT(m_sources.receiver && m_sources.store);
    m_inbox->server = this;
    m_probeTimeout.setSingleShot(true);
    connect(&m_probeTimeout, &QTimer::timeout, this, [this] {
        m_probing = false; // the next request asks again; a late answer still counts when it comes
        answerParked(QStringLiteral("the store did not answer within %1 s")
                         .arg(double(m_config.probeTimeout.count()) / 1000.0));
    });
}

MetricsServer::~MetricsServer()
{
    MM_ASSERT_THREAD(this);
    {
        std::lock_guard lock(m_inbox->mutex);
        m_inbox->server = nullptr;
    }
    m_parked.clear(); // responders before the server they write into
    m_http.reset();
}

bool MetricsServer::listen(QString *error)
{
    MM_ASSERT_THREAD(this);
    m_http = std::make_unique<QHttpServer>();
    for (const char *path : {"/metrics", "/healthz"}) {
        m_http->route(QString::fromLatin1(path),
                      [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                          route(request, std::move(responder));
                      });
    }
    m_guard = new GuardServer(metricsLimits(), std::nullopt);
    if (!m_guard->listen(m_config.address, m_config.port)) {
        *error = m_guard->serverError() == QAbstractSocket::AddressInUseError
            ? QStringLiteral("--metrics-listen: cannot listen on %1:%2: the port is already in use.")
                  .arg(m_config.address.toString())
                  .arg(m_config.port)
            : QStringLiteral("--metrics-listen: cannot listen on %1:%2: %3")
                  .arg(m_config.address.toString())
                  .arg(m_config.port)
                  .arg(m_guard->errorString());
        delete m_guard;
        m_guard = nullptr;
        m_http.reset();
        return false;
    }
    m_boundPort = m_guard->serverPort();
    m_http->bind(m_guard); // QHttpServer takes ownership
    return true;
}

QUrl MetricsServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_config.address.toString());
    url.setPort(m_boundPort ? m_boundPort : m_config.port);
    return url;
}

MetricsSnapshot MetricsServer::snapshot() const
{
    MetricsSnapshot s;
    s.receiver = m_sources.receiver->values();
    s.commitSeconds = m_sources.store->commitLatency();
    s.failedCommits = quint64(m_sources.store->stats().failedTransactions);
    s.storeReachable = m_sources.store->isReachable();
    s.storeFull = m_sources.store->isStorageFull();
    if (m_sources.forwardQueueDepth) {
        if (const qint64 depth = m_sources.forwardQueueDepth->load(std::memory_order_relaxed); depth >= 0)
            s.forwardQueueDepth = depth;
    }
    return s;
}

void MetricsServer::route(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    MM_ASSERT_THREAD(this);
    if (request.method() != QHttpServerRequest::Method::Get) {
        responder.write(QByteArrayLiteral("Only GET is served here.\n"),
                        {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", "GET"}},
                        QHttpServerResponder::StatusCode::MethodNotAllowed);
        return;
    }
    if (request.url().path() == QLatin1String("/metrics")) {
        writeText(responder, 200, metricsText(snapshot()), prometheus::ContentType);
        return;
    }
    askHealth(std::move(responder));
}

void MetricsServer::askHealth(QHttpServerResponder &&responder)
{
    if (!m_sources.receiver->listening.load(std::memory_order_relaxed)) {
        const Health h = health(false, {});
        writeText(responder, h.status, h.line, "text/plain; charset=utf-8");
        return;
    }
    // A fresh answer serves every checker that asks within probeReuse; else one probe at a time.
    if (!m_probing && m_lastProbe.isValid() && m_lastProbe.elapsed() < m_config.probeReuse.count()) {
        const Health h = health(true, m_lastProblem);
        writeText(responder, h.status, h.line, "text/plain; charset=utf-8");
        return;
    }
    auto *socket = qobject_cast<VirtualSocket *>(responder.socket());
    Q_ASSERT(socket); // every connection comes through the guard
    socket->pin();
    m_parked.push_back(std::make_unique<Parked>(Parked {std::move(responder), socket}));
    if (m_probing)
        return;
    m_probing = true;
    m_probeTimeout.start(m_config.probeTimeout);
    m_sources.store->probe([inbox = m_inbox](const QString &problem) {
        std::lock_guard lock(inbox->mutex);
        if (MetricsServer *server = inbox->server)
            QMetaObject::invokeMethod(
                server, [server, problem] { server->probed(problem); }, Qt::QueuedConnection);
    });
}

void MetricsServer::probed(const QString &problem)
{
    MM_ASSERT_THREAD(this);
    m_probing = false;
    m_probeTimeout.stop();
    m_lastProblem = problem;
    m_lastProbe.start();
    answerParked(problem);
}

void MetricsServer::answerParked(const QString &problem)
{
    const Health h = health(m_sources.receiver->listening.load(std::memory_order_relaxed), problem);
    for (std::unique_ptr<Parked> &p : std::exchange(m_parked, {})) {
        QPointer<VirtualSocket> socket = p->socket;
        writeText(p->responder, h.status, h.line, "text/plain; charset=utf-8");
        p.reset(); // the responder is done with the socket before it is released
        if (socket)
            socket->unpin();
    }
}

} // namespace mm
