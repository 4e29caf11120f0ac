// SPDX-License-Identifier: GPL-3.0-or-later
#include "simulator.h"

#include "httpconnection.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace mm::sim {

namespace {
qint64 systemSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
} // namespace

Simulator::Simulator(SimOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (!m_options.signingClock)
        m_options.signingClock = systemSeconds;
    const quint32 seedWords[3] = {quint32(m_options.seed), quint32(m_options.seed >> 32), 0x51e7u};
    m_rng = QRandomGenerator(seedWords, 3);
    const quint32 jitterWords[3] = {quint32(m_options.seed), quint32(m_options.seed >> 32), 0x717eu};
    m_jitterRng = QRandomGenerator(jitterWords, 3);

    m_retryTimer.setSingleShot(true);
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_retryTimer, &QTimer::timeout, this, &Simulator::onRetryTimer);
    m_paceTimer.setSingleShot(true);
    m_paceTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_paceTimer, &QTimer::timeout, this, &Simulator::pump);
    m_scheduleTimer.setSingleShot(true);
    m_scheduleTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &Simulator::pump);
    connect(&m_watchdog, &QTimer::timeout, this, &Simulator::onWatchdog);
}

Simulator::~Simulator()
{
    for (HttpConnection *connection : m_connections)
        connection->shutdown();
}

bool Simulator::start()
{
    if (m_started) {
        m_error = QStringLiteral("The simulator was already started.");
        return false;
    }
    m_error = m_options.validate();
    if (!m_error.isEmpty())
        return false;
    if (!m_options.ackLog.isEmpty()) {
        m_ackFile.setFileName(m_options.ackLog);
        // Unbuffered: every acknowledged id reaches the kernel before the next request goes out,
        // so a crash test can trust the file even if this process is killed.
        if (!m_ackFile.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
            m_error = QStringLiteral("Cannot open the ack log %1: %2")
                          .arg(m_options.ackLog, m_ackFile.errorString());
            return false;
        }
    }

    QList<SigningSecret> signers {m_options.secrets.first()};
    if (m_options.rotateSecret)
        signers.append(*m_options.rotateSecret);
    m_requests = std::make_unique<RequestBuilder>(m_options.target, std::move(signers),
                                                  m_options.signingClock, m_rng);

    DeliverySource::Options source;
    source.lifecycle.seed = m_options.seed;
    source.lifecycle.seedQuirk = m_options.seedQuirk;
    if (m_options.epochUs > 0) {
        // A clock that advances a millisecond per reading: deterministic, yet still increasing.
        source.lifecycle.clockUs = [t = m_options.epochUs]() mutable { return t += 1000; };
    }
    source.migrations = m_options.migrations;
    source.events = m_options.events;
    source.pings = m_options.pings;
    source.continuous = m_options.continuous;
    source.outOfOrder = m_options.outOfOrder;
    source.window = m_options.reorderWindow;
    source.lanes = qMax(16, 2 * m_options.concurrency);
    source.seed = m_options.seed;
    source.pacing = m_options.pacing;
    if (m_options.pacing.enabled) {
        // Dates run on the steady clock from a wall-clock start, so a lifecycle's span is real.
        const qint64 originUs = m_options.epochUs > 0
            ? m_options.epochUs
            : std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
        source.clockUs = [originUs, startNs = HttpConnection::nowNs()] {
            return originUs + (HttpConnection::nowNs() - startNs) / 1000;
        };
    }
    m_source = std::make_unique<DeliverySource>(std::move(source));

    const QUrl &url = m_options.target;
    HttpEndpoint endpoint;
    endpoint.tls = url.scheme().compare(u"https", Qt::CaseInsensitive) == 0;
    endpoint.host = url.host();
    endpoint.port = quint16(url.port(endpoint.tls ? 443 : 80));
    endpoint.insecure = m_options.insecure;

    for (int i = 0; i < m_options.concurrency; ++i) {
        auto *connection = new HttpConnection(endpoint, i, this);
        connect(connection, &HttpConnection::finished, this, &Simulator::onConnectionFinished);
        m_connections.push_back(connection);
        m_connectionJob.push_back(-1);
        m_idle.push_back(m_options.concurrency - 1 - i); // pop_back hands out connection 0 first
    }

    m_watchdog.start(qBound(10, m_options.requestTimeoutMs / 4, 250));
    m_started = true;
    m_running = true;
    m_startNs = HttpConnection::nowNs();
    m_rateStartNs = m_startNs;
    // Queued so that a caller can connect finished() to quit() before any of it can fire.
    QMetaObject::invokeMethod(this, &Simulator::pump, Qt::QueuedConnection);
    return true;
}

void Simulator::stop()
{
    if (!m_running)
        return;
    // A continuous run has no end, so stopping it is not an interruption; what it left in
    // flight is still reported as unfinished.
    m_counts.interrupted = !m_options.continuous && (m_liveJobs > 0 || !m_source->exhausted());
    finish(m_liveJobs);
}

void Simulator::pump()
{
    // Sending can complete a request synchronously (a refused connect), which calls back here.
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        while (m_running && !m_idle.empty()) {
            if (m_options.rate > 0 && !rateAllows(HttpConnection::nowNs()))
                break;
            const int job = takeReadyJob();
            if (job < 0)
                break;
            const int connection = m_idle.back();
            m_idle.pop_back();
            dispatch(job, connection);
        }
    } while (m_pumpAgain && m_running);
    m_pumping = false;
    maybeFinish();
}

bool Simulator::rateAllows(qint64 now)
{
    // Send k is due at start + k / rate. Catch-up after a stall is limited to 20 ms worth,
    // so waiting on retries does not turn into a burst later.
    const double intervalNs = 1e9 / m_options.rate;
    const double dueNs = double(m_rateStartNs) + double(m_rateSent) * intervalNs;
    const double maxLagNs = qMax(20e6, intervalNs);
    if (double(now) - dueNs > maxLagNs)
        m_rateStartNs = qint64(double(now) - maxLagNs - double(m_rateSent) * intervalNs);
    else if (double(now) < dueNs) {
        if (!m_paceTimer.isActive())
            m_paceTimer.start(int(std::ceil((dueNs - double(now)) / 1e6)));
        return false;
    }
    return true;
}

int Simulator::addJob(int message, int lane, bool duplicate)
{
    int job;
    if (!m_freeJobs.empty()) {
        job = m_freeJobs.back();
        m_freeJobs.pop_back();
    } else {
        job = int(m_jobs.size());
        m_jobs.emplace_back();
    }
    m_jobs[size_t(job)] = Job {message, 0, lane, duplicate};
    ++m_liveJobs;
    return job;
}

int Simulator::takeReadyJob()
{
    if (!m_due.empty()) {
        const int job = m_due.front();
        m_due.pop_front();
        return job;
    }
    std::optional<SourcedDelivery> fresh = m_source->next();
    if (!fresh) {
        if (const qint64 waitUs = m_source->waitUs(); waitUs >= 0)
            m_scheduleTimer.start(int(qMin<qint64>((waitUs + 999) / 1000, 3'600'000)));
        return -1;
    }

    int message;
    if (!m_freeMessages.empty()) {
        message = m_freeMessages.back();
        m_freeMessages.pop_back();
    } else {
        message = int(m_messages.size());
        m_messages.emplace_back();
    }
    Message &m = m_messages[size_t(message)];
    m.msgId = std::move(fresh->event.msgId);
    m.body = std::move(fresh->event.body);
    m.acked = false;
    m.fault = Fault::None;
    if (m_options.wrongSecret > 0 || m_options.tamper > 0) {
        const double roll = m_rng.generateDouble();
        if (roll < m_options.wrongSecret)
            m.fault = Fault::WrongSecret;
        else if (roll < m_options.wrongSecret + m_options.tamper)
            m.fault = Fault::Tamper;
        m.wrongKey = quint8(m_rng.bounded(RequestBuilder::WrongSecretCount));
    }
    m.duplicatePending = m_options.duplicates > 0 && m_rng.generateDouble() < m_options.duplicates;
    m.unbranded = m_options.unbranded > 0 && m_rng.generateDouble() < m_options.unbranded;
    m.liveJobs = m.duplicatePending ? 2 : 1;
    return addJob(message, fresh->lane, false);
}

void Simulator::dispatch(int job, int connection)
{
    Job &j = m_jobs[size_t(job)];
    ++j.attempts;
    ++m_counts.sent;
    ++m_rateSent;
    if (j.attempts > 1)
        ++m_counts.retried;
    m_connectionJob[size_t(connection)] = job;
    const Message &m = m_messages[size_t(j.message)];
    m_connections[size_t(connection)]->send(
        m_requests->build(m.msgId, m.body, m.fault, m.wrongKey, m.unbranded));
}

void Simulator::onConnectionFinished(HttpConnection *connection, int status, qint64 latencyNs,
                                     const QString &error)
{
    if (!m_running)
        return;
    const int index = connection->index();
    const int job = m_connectionJob[size_t(index)];
    m_connectionJob[size_t(index)] = -1;
    m_idle.push_back(index);
    if (job >= 0) {
        const AttemptEnd end {status, connection->timedOut(), connection->retryAfterSeconds(systemSeconds())};
        handleOutcome(job, end, latencyNs, error);
    }
    pump();
}

void Simulator::handleOutcome(int job, const AttemptEnd &end, qint64 latencyNs, const QString &error)
{
    const int status = end.status;
    // Copies, not references: adding a duplicate below may grow m_jobs.
    const Job j = m_jobs[size_t(job)];
    const QByteArray msgId = m_messages[size_t(j.message)].msgId;

    if (j.attempts == 1 && !j.duplicate) {
        if (j.lane >= 0)
            m_source->release(j.lane);
        Message &m = m_messages[size_t(j.message)];
        if (m.duplicatePending) {
            // At-least-once: Svix resends after the first try, with the same id and body.
            m.duplicatePending = false;
            m_due.push_back(addJob(j.message, -1, true));
            ++m_counts.duplicatesSent;
        }
    }

    Message &m = m_messages[size_t(j.message)];
    if (status >= 200 && status < 300) {
        if (m.fault != Fault::None) {
            ++m_counts.unexpectedlyAccepted;
        } else {
            m_latency.add(latencyNs);
            if (!m.acked) {
                m.acked = true;
                ++m_counts.acknowledged;
                logAck(m.msgId);
            }
        }
        finishJob(job);
    } else if (j.attempts < m_options.maxAttempts) {
        scheduleRetry(job, j.attempts + 1, end);
    } else {
        if (m.fault != Fault::None)
            ++m_counts.rejectedAsIntended;
        else
            ++m_counts.failed;
        finishJob(job);
    }
    if (status == 0)
        Q_EMIT transportError(msgId, error);
    Q_EMIT delivered(msgId, status);
}

void Simulator::scheduleRetry(int job, int nextAttempt, const AttemptEnd &previous)
{
    const double unit = m_options.retryJitter > 0 ? m_jitterRng.generateDouble() : 0.5;
    const double delayNs = double(svixRetryWaitMs(nextAttempt, previous, m_options.retryJitter, unit)) * 1e6
        * m_options.retryScale;
    if (delayNs < 1e6) {
        m_due.push_back(job);
        return;
    }
    m_retries.push(Retry {HttpConnection::nowNs() + qint64(delayNs), job});
    armRetryTimer();
}

void Simulator::armRetryTimer()
{
    if (m_retries.empty()) {
        m_retryTimer.stop();
        return;
    }
    const qint64 waitNs = m_retries.top().dueNs - HttpConnection::nowNs();
    const qint64 waitMs
        = qBound(qint64(0), (waitNs + 999'999) / 1'000'000, qint64(std::numeric_limits<int>::max()));
    m_retryTimer.start(int(waitMs));
}

void Simulator::onRetryTimer()
{
    const qint64 now = HttpConnection::nowNs();
    while (!m_retries.empty() && m_retries.top().dueNs <= now + 500'000) {
        m_due.push_back(m_retries.top().job);
        m_retries.pop();
    }
    armRetryTimer();
    pump();
}

void Simulator::finishJob(int job)
{
    Job &j = m_jobs[size_t(job)];
    Message &m = m_messages[size_t(j.message)];
    if (--m.liveJobs == 0) {
        m.msgId = QByteArray();
        m.body = QByteArray();
        m_freeMessages.push_back(j.message);
    }
    j.message = -1;
    m_freeJobs.push_back(job);
    --m_liveJobs;
}

void Simulator::onWatchdog()
{
    const qint64 now = HttpConnection::nowNs();
    const qint64 limit = qint64(m_options.requestTimeoutMs) * 1'000'000;
    for (HttpConnection *connection : m_connections) {
        if (connection->isBusy() && now - connection->startedNs() > limit)
            connection->abortRequest(
                QStringLiteral("no answer within %1 ms").arg(m_options.requestTimeoutMs));
    }
}

void Simulator::maybeFinish()
{
    if (m_running && !m_options.continuous && m_liveJobs == 0 && m_source->exhausted())
        finish(0);
}

void Simulator::finish(qint64 unfinished)
{
    m_running = false;
    m_endNs = HttpConnection::nowNs();
    m_counts.unfinished = unfinished;
    m_retryTimer.stop();
    m_paceTimer.stop();
    m_scheduleTimer.stop();
    m_watchdog.stop();
    for (HttpConnection *connection : m_connections)
        connection->shutdown();
    if (m_ackFile.isOpen())
        m_ackFile.close();
    Q_EMIT finished();
}

void Simulator::logAck(const QByteArray &msgId)
{
    if (!m_ackFile.isOpen())
        return;
    m_ackLine.resize(0);
    m_ackLine.append(msgId).append('\n');
    m_ackFile.write(m_ackLine);
}

SimSummary Simulator::summary() const
{
    SimSummary s = m_counts;
    if (m_started) {
        const qint64 end = m_running ? HttpConnection::nowNs() : m_endNs;
        s.elapsedSeconds = double(end - m_startNs) / 1e9;
    }
    s.rate = s.elapsedSeconds > 0 ? double(s.acknowledged) / s.elapsedSeconds : 0.0;
    s.p50Ms = m_latency.percentileMs(50);
    s.p99Ms = m_latency.percentileMs(99);
    return s;
}

} // namespace mm::sim
