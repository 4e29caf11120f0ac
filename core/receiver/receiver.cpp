// SPDX-License-Identifier: GPL-3.0-or-later
#include "receiver.h"

#include "event/deliveryrecord.h"
#include "event/envelope.h"
#include "store/storewriter.h"
#include "verify/headermask.h"
#include "virtualsocket.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QThread>

namespace mm {

namespace {
constexpr qsizetype RejectedBodyHead = 4096;

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

// A header value as it may be kept: signature values and credentials masked, long values cut.
QByteArray keptHeaderValue(QByteArrayView name, QByteArrayView value)
{
    return maskedHeaderValue(name, value.first(std::min<qsizetype>(value.size(), 1024)));
}

// The request's headers as "name: value" lines, for an accepted attempt's record.
QByteArray keptHeaderLines(const QHttpServerRequest &request)
{
    QByteArray out;
    for (const auto &[name, value] : request.headers())
        out += name + ": " + keptHeaderValue(name, value) + '\n';
    return out;
}

QByteArray oneLine(const QString &sentence)
{
    return sentence.toUtf8() + '\n';
}
} // namespace

struct Receiver::Pending
{
    QHttpServerResponder responder;
    QPointer<VirtualSocket> socket;
    DeliveryLogEntry entry;
};

Receiver::Receiver(ReceiverConfig config, StoreWriter *store, ReceiverCounters *counters, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_verifier(m_config.secrets, m_config.tolerance, m_config.clock)
    , m_store(store)
    , m_counters(counters)
{
    Q_ASSERT(m_counters);
    qRegisterMetaType<mm::DeliveryLogEntry>();
    qRegisterMetaType<QList<mm::DeliveryLogEntry>>();
    m_logTimer.setSingleShot(true);
    m_logTimer.setInterval(50);
    connect(&m_logTimer, &QTimer::timeout, this, &Receiver::flushLog);
    m_heartbeat.setInterval(10000);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] {
        m_store->listeningAlive();
        scheduleFlush();
    });
}

Receiver::~Receiver()
{
    Q_ASSERT(QThread::currentThread() == thread());
    flushLog();
    if (m_boundPort) {
        m_counters->listening.store(false, std::memory_order_relaxed);
        m_store->setCallerWake({});
        m_store->setCompletionSink({});
        m_store->listeningStopped();
        if (m_store->commitsOnCallerThread())
            m_store->closeOnCallerThread();
    }
    // Answers still pending are dropped with their responders before the server goes.
    m_pending.clear();
    countInFlight();
    m_http.reset();
}

QUrl Receiver::url() const
{
    QUrl url;
    url.setScheme(m_config.tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_config.address.toString());
    url.setPort(m_boundPort ? m_boundPort : m_config.port);
    url.setPath(m_config.path);
    return url;
}

void Receiver::setSecrets(const QList<SigningSecret> &secrets)
{
    m_config.secrets = secrets;
    m_verifier = Verifier(secrets, m_config.tolerance, m_config.clock);
}

bool Receiver::listen(QString *error)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_http = std::make_unique<QHttpServer>();
    m_http->route(m_config.path, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });

    m_guard = new GuardServer(m_config.limits, m_config.tls);
    connect(m_guard, &GuardServer::guardRejected, this,
            [this](int status, const QHostAddress &peer, const QByteArray &reason) {
                m_counters->reject(guardRejectReason(status));
                Q_EMIT guardRejected(status, peer.toString(), reason);
            });
    connect(m_guard, &GuardServer::idle, this, &Receiver::checkDrained);
    if (!m_guard->listen(m_config.address, m_config.port)) {
        const QString why = m_guard->errorString();
        *error = m_guard->serverError() == QAbstractSocket::AddressInUseError
            ? QStringLiteral("Cannot listen on %1:%2: the port is already in use.")
                  .arg(m_config.address.toString())
                  .arg(m_config.port)
            : QStringLiteral("Cannot listen on %1:%2: %3")
                  .arg(m_config.address.toString())
                  .arg(m_config.port)
                  .arg(why);
        delete m_guard;
        m_guard = nullptr;
        m_http.reset();
        return false;
    }
    m_boundPort = m_guard->serverPort();
    m_http->bind(m_guard); // QHttpServer takes ownership

    QPointer<Receiver> self(this);
    m_store->setCompletionSink([self](QList<WriteOutcome> outcomes) {
        if (self && QThread::currentThread() == self->thread()) {
            self->onStored(outcomes);
            return;
        }
        // Runs on the store thread; the answers are written on ours.
        QMetaObject::invokeMethod(
            self.data(),
            [self, outcomes = std::move(outcomes)] {
                if (self)
                    self->onStored(outcomes);
            },
            Qt::QueuedConnection);
    });
    // A health probe from another thread is committed in this thread's next pass (the store
    // clears this before the receiver goes: see the destructor).
    m_store->setCallerWake(
        [this] { QMetaObject::invokeMethod(this, &Receiver::scheduleFlush, Qt::QueuedConnection); });
    m_store->listeningStarted(url().toString());
    scheduleFlush();
    m_heartbeat.start();
    m_counters->listening.store(true, std::memory_order_relaxed);
    return true;
}

void Receiver::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    DeliveryLogEntry entry;
    entry.atUs = nowUs();
    entry.remote = request.remoteAddress().toString();

    if (request.method() != QHttpServerRequest::Method::Post) {
        responder.write(QByteArrayLiteral("Only POST is accepted here.\n"),
                        {{"Content-Type", "text/plain; charset=utf-8"}, {"Allow", "POST"}},
                        QHttpServerResponder::StatusCode::MethodNotAllowed);
        entry.status = 405;
        entry.verdict = QStringLiteral("method_not_allowed");
        m_counters->reject(RejectReason::MethodNotAllowed);
        log(std::move(entry));
        return;
    }

    const QByteArray body = request.body();
    const WebhookHeaders headers = WebhookHeaders::fromLookup(
        [&request](QByteArrayView name) { return request.value(name.toByteArray()); });
    const Verdict verdict = m_verifier.verify(headers, body);
    entry.msgId = headers.id.left(256);
    if (!verdict.accepted()) {
        reject(request, responder, verdict, headers);
        m_counters->reject(rejectReasonOf(verdict.outcome));
        entry.status = 401;
        entry.verdict = outcomeCode(verdict.outcome);
        log(std::move(entry));
        return;
    }

    DeliveryRecord record = deliveryRecordFromBody(body);
    record.msgId = headers.id;
    record.receivedUs = entry.atUs;
    record.timestampHeader = verdict.timestamp;
    entry.timestampHeader = verdict.timestamp;
    record.remote = entry.remote;
    record.userAgent = QString::fromLatin1(request.value(QByteArrayLiteral("user-agent")).left(512));
    record.secretIndex = verdict.secretIndex;
    record.headers = keptHeaderLines(request);
    record.signature = headers.signature.left(4096);
    entry.type = record.type;

    auto *socket = qobject_cast<VirtualSocket *>(responder.socket());
    Q_ASSERT(socket); // every connection comes through the guard
    socket->pin();
    const quint64 ticket = m_nextTicket++;
    m_pending.emplace(ticket,
                      std::make_unique<Pending>(Pending {std::move(responder), socket, std::move(entry)}));
    m_submissions.emplace_back(ticket, std::move(record));
    countInFlight();
    scheduleFlush();
}

void Receiver::reject(const QHttpServerRequest &request, QHttpServerResponder &responder,
                      const Verdict &verdict, const WebhookHeaders &headers)
{
    const QString sentence = Verifier::describe(verdict, m_config.tolerance);
    responder.write(oneLine(sentence), {{"Content-Type", "text/plain; charset=utf-8"}},
                    QHttpServerResponder::StatusCode::Unauthorized);

    RejectionRecord r;
    r.receivedUs = nowUs();
    r.remote = request.remoteAddress().toString();
    r.status = 401;
    r.reasonCode = outcomeCode(verdict.outcome);
    r.reason = sentence;
    r.msgId = headers.id.left(256);
    r.timestampHeader = verdict.timestamp;
    const QByteArray body = request.body();
    r.bodyHead = body.left(RejectedBodyHead);
    r.bodySize = body.size();
    for (const auto &[name, value] : request.headers())
        r.headers.append({name, keptHeaderValue(name, value)});
    m_store->submitRejection(std::move(r));
    scheduleFlush();
}

void Receiver::onStored(const QList<WriteOutcome> &outcomes)
{
    for (const WriteOutcome &o : outcomes) {
        auto it = m_pending.find(o.ticket);
        if (it == m_pending.end())
            continue;
        std::unique_ptr<Pending> p = std::move(it->second);
        m_pending.erase(it);
        DeliveryLogEntry entry = std::move(p->entry);
        switch (o.result) {
        case WriteResult::Stored:
            p->responder.write(QByteArrayLiteral("stored\n"), "text/plain",
                               QHttpServerResponder::StatusCode::Ok);
            entry.status = 200;
            entry.verdict = QStringLiteral("accepted");
            m_counters->accepted.fetch_add(1, std::memory_order_relaxed);
            break;
        case WriteResult::Duplicate:
            p->responder.write(QByteArrayLiteral("duplicate\n"), "text/plain",
                               QHttpServerResponder::StatusCode::Ok);
            entry.status = 200;
            entry.verdict = QStringLiteral("duplicate");
            m_counters->duplicate.fetch_add(1, std::memory_order_relaxed);
            break;
        case WriteResult::Failed:
            // Nothing was stored; a 5xx makes the sender retry later.
            if (o.storageFull) {
                p->responder.write(oneLine(QStringLiteral("The store's disk is full; retry later.")),
                                   {{"Content-Type", "text/plain; charset=utf-8"}, {"Retry-After", "60"}},
                                   QHttpServerResponder::StatusCode::ServiceUnavailable);
                entry.verdict = QStringLiteral("store_full");
                m_counters->reject(RejectReason::StoreFull);
            } else {
                p->responder.write(oneLine(QStringLiteral("The store cannot write right now; retry later.")),
                                   {{"Content-Type", "text/plain; charset=utf-8"}, {"Retry-After", "5"}},
                                   QHttpServerResponder::StatusCode::ServiceUnavailable);
                entry.verdict = QStringLiteral("store_failed");
                m_counters->reject(RejectReason::StoreFailed);
            }
            entry.status = 503;
            break;
        }
        QPointer<VirtualSocket> socket = p->socket;
        p.reset(); // the responder is done with the socket before it is released
        if (socket)
            socket->unpin();
        log(std::move(entry));
    }
    countInFlight();
    checkDrained();
}

void Receiver::countInFlight()
{
    m_counters->inFlight.store(qint64(m_pending.size()), std::memory_order_relaxed);
}

void Receiver::flushSubmissions()
{
    m_flushQueued = false;
    m_store->submit(std::exchange(m_submissions, {}));
    if (m_store->commitsOnCallerThread())
        m_store->commitQueued(); // answers are written from the completion sink, right here
}

void Receiver::scheduleFlush()
{
    // Once per pass of the event loop: everything verified meanwhile shares one COMMIT.
    if (!m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &Receiver::flushSubmissions, Qt::QueuedConnection);
    }
}

void Receiver::log(DeliveryLogEntry entry)
{
    // Log entries travel to the main thread in batches, at most every 50 ms, so logging
    // costs the receiving path no wake-ups of its own.
    if (!m_logTimer.isActive())
        m_logTimer.start();
    m_logBatch.append(std::move(entry));
}

void Receiver::flushLog()
{
    if (!m_logBatch.isEmpty())
        Q_EMIT handled(std::exchange(m_logBatch, {}));
}

void Receiver::drain()
{
    m_draining = true;
    m_counters->listening.store(false, std::memory_order_relaxed); // /healthz: going away
    m_heartbeat.stop();
    if (m_guard)
        m_guard->drain();
    checkDrained();
}

void Receiver::checkDrained()
{
    if (m_draining && m_pending.empty() && (!m_guard || m_guard->connectionCount() == 0)) {
        flushLog();
        Q_EMIT drained();
    }
}

} // namespace mm
