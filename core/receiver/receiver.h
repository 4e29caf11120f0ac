// SPDX-License-Identifier: GPL-3.0-or-later
// The webhook endpoint. Lives on the receiver thread: a QHttpServer behind the guard,
// verify -> store -> answer for each delivery, answers deferred until the COMMIT.
#pragma once

#include "guardserver.h"
#include "receivercounters.h"
#include "store/records.h"
#include "verify/verifier.h"

#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <memory>
#include <unordered_map>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace mm {

class StoreWriter;
class VirtualSocket;

struct ReceiverConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8787;
    QString path = QStringLiteral("/webhooks");
    QList<SigningSecret> secrets;
    std::chrono::seconds tolerance = Verifier::DefaultTolerance;
    GuardLimits limits;
    std::optional<QSslConfiguration> tls;
    Verifier::Clock clock; // empty: the system clock
};

// What happened to one request on the webhook path, for logs and views.
struct DeliveryLogEntry
{
    qint64 atUs = 0;
    int status = 0;
    QString verdict; // accepted, duplicate, store_failed, method_not_allowed, or a verification code
    QByteArray msgId;
    QString type;
    QString remote;
    qint64 timestampHeader = 0; // the verified svix-timestamp (s) of an accepted delivery
};

class Receiver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Receiver)

public:
    // counters (kept up to date for /metrics) must outlive the receiver.
    Receiver(ReceiverConfig config, StoreWriter *store, ReceiverCounters *counters,
             QObject *parent = nullptr);
    ~Receiver() override;

    // Binds and starts serving. On failure returns false with a sentence in error.
    bool listen(QString *error);
    QUrl url() const;

    void setSecrets(const QList<SigningSecret> &secrets);

    // Stops accepting, answers what is in flight, closes connections; then drained().
    void drain();
    int pendingAnswers() const { return int(m_pending.size()); }

Q_SIGNALS:
    void handled(const QList<mm::DeliveryLogEntry> &entries);
    void guardRejected(int status, const QString &remote, const QByteArray &reason);
    void drained();

private:
    struct Pending;

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void reject(const QHttpServerRequest &request, QHttpServerResponder &responder, const Verdict &verdict,
                const WebhookHeaders &headers);
    void onStored(const QList<WriteOutcome> &outcomes);
    void log(DeliveryLogEntry entry);
    void flushSubmissions();
    void scheduleFlush();
    void flushLog();
    void checkDrained();
    void countInFlight();

    ReceiverConfig m_config;
    Verifier m_verifier;
    StoreWriter *m_store;
    ReceiverCounters *m_counters;
    std::unique_ptr<QHttpServer> m_http;
    GuardServer *m_guard = nullptr; // owned by m_http once bound
    std::unordered_map<quint64, std::unique_ptr<Pending>> m_pending;
    quint64 m_nextTicket = 1;
    QList<DeliveryLogEntry> m_logBatch;
    QTimer m_logTimer;
    // Deliveries verified in this pass of the event loop, handed to the store together.
    std::vector<std::pair<quint64, DeliveryRecord>> m_submissions;
    QTimer m_heartbeat;
    bool m_draining = false;
    bool m_flushQueued = false;
    quint16 m_boundPort = 0;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::DeliveryLogEntry)
