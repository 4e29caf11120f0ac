// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayer.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <cmath>

namespace mm {

namespace {
bool retryable(int status, RetryOn policy)
{
    if (policy == RetryOn::NonSuccess)
        return status < 200 || status >= 300;
    return status == 0 || status == 429 || status >= 500;
}

QString describe(int status, QNetworkReply *reply)
{
    if (status == 0)
        return reply->errorString();
    return QStringLiteral("HTTP %1 %2")
        .arg(status)
        .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
        .trimmed();
}
} // namespace

QString ReplayOptions::validate() const
{
    if (!target.isValid() || target.isRelative() || target.host().isEmpty())
        return QStringLiteral("The target must be an absolute URL such as http://127.0.0.1:3000/webhooks.");
    const QString scheme = target.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return QStringLiteral("The target must be an http:// or https:// URL, not %1://.").arg(scheme);
    if (concurrency < 1 || concurrency > 64)
        return QStringLiteral("Concurrency must be between 1 and 64.");
    if (ratePerSecond < 0 || ratePerSecond > 10000 || std::isnan(ratePerSecond))
        return QStringLiteral("The rate must be between 0 (no limit) and 10000 requests a second.");
    if (retries < 0 || retries > 20)
        return QStringLiteral("Retries must be between 0 and 20.");
    if (signing.newIds && !signing.secret)
        return QStringLiteral("New message ids need a secret to sign them with.");
    return {};
}

Replayer::Replayer(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_pacer(new QTimer(this))
{
    qRegisterMetaType<mm::ReplayResult>();
    qRegisterMetaType<mm::ReplaySummary>();
    m_pacer->setSingleShot(true);
    connect(m_pacer, &QTimer::timeout, this, &Replayer::pump);
    connect(m_network, &QNetworkAccessManager::finished, this, &Replayer::onFinished);
}

Replayer::~Replayer()
{
    // Replies are children of the manager; abort quietly without reporting.
    m_running = false;
    const auto replies = m_inFlight.keys();
    m_inFlight.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

bool Replayer::start(QList<OutgoingDelivery> deliveries, const ReplayOptions &options, QString *error)
{
    if (m_running) {
        if (error)
            *error = QStringLiteral("A replay is already running.");
        return false;
    }
    if (const QString why = options.validate(); !why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    ++m_generation;
    m_options = options;
    m_deliveries = std::move(deliveries);
    m_sentIds = QList<QByteArray>(m_deliveries.size());
    m_ready.clear();
    for (int i = 0; i < m_deliveries.size(); ++i)
        m_ready.emplace_back(i, 0);
    m_done = 0;
    m_waitingRetries = 0;
    m_summary = {};
    m_rateClock.start();
    m_nextStartNs = 0;
    m_cancelling = false;
    m_running = true;
    // Results and finished() always arrive after start() returned, even for an empty batch.
    QTimer::singleShot(0, this, &Replayer::pump);
    return true;
}

void Replayer::cancel()
{
    if (!m_running)
        return;
    m_pacer->stop();
    m_cancelling = true;
    ++m_generation; // drops scheduled retries
    m_waitingRetries = 0;
    std::deque<std::pair<int, int>> left;
    left.swap(m_ready);
    const auto replies = m_inFlight.keys();
    for (QNetworkReply *reply : replies)
        reply->abort(); // reported through onFinished as cancelled
    for (const auto &[index, tries] : left) {
        ReplayResult r = resultFor(index);
        r.tries = tries;
        r.cancelled = true;
        r.error = QStringLiteral("cancelled");
        complete(std::move(r));
    }
    finishIfDone();
}

ReplayResult Replayer::resultFor(int index) const
{
    const OutgoingDelivery &d = m_deliveries.at(index);
    ReplayResult r;
    r.index = index;
    r.rowId = d.rowId;
    r.originalMsgId = d.msgId;
    r.sentMsgId = m_sentIds.value(index);
    r.type = d.type;
    r.migrationId = d.migrationId;
    return r;
}

void Replayer::pump()
{
    if (!m_running)
        return;
    while (!m_ready.empty() && m_inFlight.size() < m_options.concurrency) {
        if (m_options.ratePerSecond > 0) {
            const qint64 now = m_rateClock.nsecsElapsed();
            if (now < m_nextStartNs) {
                m_pacer->start(int((m_nextStartNs - now) / 1000000) + 1);
                return;
            }
            const auto interval = qint64(1e9 / m_options.ratePerSecond);
            m_nextStartNs = std::max(m_nextStartNs, now - interval) + interval;
        }
        const auto [index, tries] = m_ready.front();
        m_ready.pop_front();
        send(index, tries);
    }
    finishIfDone();
}

void Replayer::send(int index, int tries)
{
    const OutgoingDelivery &d = m_deliveries.at(index);
    // One id per delivery for all its tries; the timestamp and signature are fresh per try.
    QByteArray &sentId = m_sentIds[index];
    if (sentId.isEmpty())
        sentId = outgoingMsgId(d, m_options.signing);
    QString error;
    const auto headers
        = outgoingHeaders(d, m_options.signing, sentId, QDateTime::currentSecsSinceEpoch(), &error);
    if (!headers) {
        ReplayResult r = resultFor(index);
        r.tries = tries;
        r.error = error;
        r.sentUs = QDateTime::currentMSecsSinceEpoch() * 1000;
        complete(std::move(r));
        return;
    }
    QNetworkRequest request(m_options.target);
    for (const auto &[name, value] : *headers)
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(int(m_options.timeout.count()));
    QNetworkReply *reply = m_network->post(request, d.body);
    InFlight f;
    f.index = index;
    f.tries = tries + 1;
    f.clock.start();
    reply->setProperty("mm.sentId", sentId);
    reply->setProperty("mm.sentUs", QDateTime::currentMSecsSinceEpoch() * 1000);
    // Keep the head of the answer only: a huge response must not grow memory.
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        auto it = m_inFlight.find(reply);
        if (it == m_inFlight.end())
            return;
        const qsizetype room = ResponseHeadBytes - it->head.size();
        if (room > 0)
            it->head += reply->read(room);
        reply->skip(reply->bytesAvailable());
    });
    m_inFlight.insert(reply, std::move(f));
}

void Replayer::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto it = m_inFlight.find(reply);
    if (it == m_inFlight.end())
        return;
    InFlight f = std::move(*it);
    m_inFlight.erase(it);
    const qsizetype room = ResponseHeadBytes - f.head.size();
    if (room > 0 && reply->isOpen())
        f.head += reply->read(room);

    ReplayResult r = resultFor(f.index);
    r.tries = f.tries;
    r.latencyUs = f.clock.nsecsElapsed() / 1000;
    r.sentMsgId = reply->property("mm.sentId").toByteArray();
    r.sentUs = reply->property("mm.sentUs").toLongLong();
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.responseHead = f.head;
    const QNetworkReply::NetworkError netError = reply->error();
    if (!r.ok()) {
        r.error = describe(r.status, reply);
        if (m_cancelling) {
            r.cancelled = true;
            r.error = QStringLiteral("cancelled");
        } else if (r.status == 0
                   && (netError == QNetworkReply::OperationCanceledError
                       || netError == QNetworkReply::TimeoutError)) {
            // Not cancel(): the transfer timeout aborted it.
            r.error = QStringLiteral("no answer within %1 s").arg(m_options.timeout.count() / 1000.0);
        }
        if (!r.cancelled && f.tries <= m_options.retries && retryable(r.status, m_options.retryOn)) {
            const auto delay = m_options.retryDelay * (1LL << std::min(f.tries - 1, 10));
            ++m_waitingRetries;
            const quint64 generation = m_generation;
            const int index = f.index;
            const int tries = f.tries;
            QTimer::singleShot(delay, this, [this, generation, index, tries] {
                if (generation != m_generation)
                    return;
                --m_waitingRetries;
                m_ready.emplace_front(index, tries);
                pump();
            });
            return;
        }
    }
    complete(std::move(r));
    pump();
}

void Replayer::complete(ReplayResult result)
{
    if (result.cancelled)
        ++m_summary.cancelled;
    else if (result.ok())
        ++m_summary.succeeded;
    else
        ++m_summary.failed;
    ++m_done;
    Q_EMIT resultReady(result);
    Q_EMIT progress(m_done, int(m_deliveries.size()));
}

void Replayer::finishIfDone()
{
    if (!m_running || m_done < m_deliveries.size() || !m_inFlight.isEmpty())
        return;
    m_running = false;
    m_pacer->stop();
    Q_EMIT finished(m_summary);
}

} // namespace mm
