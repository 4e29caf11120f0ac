// SPDX-License-Identifier: GPL-3.0-or-later
// Delivers generated webhooks the way Svix does: signed per attempt (by two secrets during a
// rotation), svix-* or unbranded webhook-* headers, over N keep-alive connections, retried on
// Svix's schedule (jittered, at least 60 s after a timeout or 429, Retry-After obeyed on 429 and
// 503), with optional reordering, duplicates and bad signatures.
#pragma once

#include "deliverysource.h"
#include "requestbuilder.h"
#include "simoptions.h"
#include "simsummary.h"

#include <QFile>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>
#include <deque>
#include <memory>
#include <queue>
#include <vector>

namespace mm::sim {

class HttpConnection;

class Simulator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Simulator)

public:
    explicit Simulator(SimOptions options, QObject *parent = nullptr);
    ~Simulator() override;

    // Begins sending on the next event-loop turn. Returns false, with errorString(), when the
    // options are invalid or the ack log cannot be opened.
    bool start();
    // Abandons whatever is pending (counted as unfinished) and emits finished().
    void stop();

    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }
    const SimOptions &options() const { return m_options; }
    // Cheap enough to call once a second for progress; percentiles sort a copy of the samples.
    SimSummary summary() const;

Q_SIGNALS:
    void finished();
    // After every attempt; status is 0 when no HTTP answer came (refused, reset, timeout).
    void delivered(const QByteArray &msgId, int status);
    // An attempt got no HTTP answer; why, in words (for logs, not for every request).
    void transportError(const QByteArray &msgId, const QString &error);

private:
    // One svix message. Its original delivery and a duplicate, if any, share it.
    struct Message
    {
        QByteArray msgId;
        QByteArray body;
        int liveJobs = 0;
        Fault fault = Fault::None;
        quint8 wrongKey = 0;
        bool unbranded = false; // webhook-* headers on every attempt
        bool acked = false;
        bool duplicatePending = false;
    };
    // One delivery of a message, through all its attempts.
    struct Job
    {
        int message = -1;
        int attempts = 0;
        int lane = -1;
        bool duplicate = false;
    };
    struct Retry
    {
        qint64 dueNs;
        int job;
        bool operator>(const Retry &other) const { return dueNs > other.dueNs; }
    };

    void pump();
    bool rateAllows(qint64 now);
    int takeReadyJob();
    int addJob(int message, int lane, bool duplicate);
    void dispatch(int job, int connection);
    void onConnectionFinished(HttpConnection *connection, int status, qint64 latencyNs, const QString &error);
    void handleOutcome(int job, const AttemptEnd &end, qint64 latencyNs, const QString &error);
    void scheduleRetry(int job, int nextAttempt, const AttemptEnd &previous);
    void finishJob(int job);
    void armRetryTimer();
    void onRetryTimer();
    void onWatchdog();
    void maybeFinish();
    void finish(qint64 unfinished);
    void logAck(const QByteArray &msgId);

    SimOptions m_options;
    QString m_error;
    std::unique_ptr<DeliverySource> m_source;
    QRandomGenerator m_rng;
    QRandomGenerator m_jitterRng; // its own: retry timing must not change which messages get faults
    std::unique_ptr<RequestBuilder> m_requests;
    std::vector<HttpConnection *> m_connections; // children of this
    std::vector<int> m_connectionJob; // job in flight per connection, or -1
    std::vector<int> m_idle;

    std::vector<Message> m_messages;
    std::vector<int> m_freeMessages;
    std::vector<Job> m_jobs;
    std::vector<int> m_freeJobs;
    qint64 m_liveJobs = 0;
    std::deque<int> m_due; // retries that came due and duplicates, sent before fresh deliveries
    std::priority_queue<Retry, std::vector<Retry>, std::greater<>> m_retries;

    QTimer m_retryTimer;
    QTimer m_paceTimer;
    QTimer m_scheduleTimer; // paced: wakes when the next event falls due
    QTimer m_watchdog;
    QFile m_ackFile;
    QByteArray m_ackLine;

    qint64 m_rateStartNs = 0;
    qint64 m_rateSent = 0;
    qint64 m_startNs = 0;
    qint64 m_endNs = 0;
    bool m_running = false;
    bool m_started = false;
    bool m_pumping = false;
    bool m_pumpAgain = false;

    SimSummary m_counts; // counters only; timing and percentiles are filled in by summary()
    LatencyRecorder m_latency;
};

} // namespace mm::sim
