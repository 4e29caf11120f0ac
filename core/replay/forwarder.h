// SPDX-License-Identifier: GPL-3.0-or-later
// Live forwarding: sends the deliveries StoreWriter queued in forward_queue to their
// target on its own thread, retrying with backoff until a 2xx. The queue is the store's,
// so it survives a restart; the receiver never waits for any of this. Rows are claimed
// (ForwardQueue), so receivers sharing a store send each one once, whichever stored it.
#pragma once

#include "util/workerthread.h"
#include "verify/signingsecret.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <atomic>
#include <chrono>
#include <optional>

namespace mm {

// One forward_queue row, for the forwarding log.
struct ForwardEntry
{
    qint64 id = 0;
    qint64 deliveryId = 0;
    QByteArray msgId;
    QString type;
    QString migrationId;
    QString target;
    QString state; // "pending", "delivered" or "failed" (gave up)
    int tries = 0;
    int lastStatus = 0; // HTTP status of the last try, 0 when none answered
    QString lastError;
    qint64 enqueuedUs = 0;
    qint64 nextUs = 0;
    qint64 doneUs = 0;
};

class ForwardWorker;
class Store;

class Forwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Forwarder)

public:
    struct Options
    {
        const Store *store = nullptr; // must outlive the Forwarder
        // Rows queued to be re-signed use this; without it they wait (with an error shown).
        std::optional<SigningSecret> secret;
        // The receiver's endpoint secrets. Rows queued with their original headers go out with
        // their own id, signed afresh (a fresh timestamp each try) with the secret that verified
        // them: Svix's signature is refused once it is 5 minutes old. A row whose secret is gone
        // is given up at once, saying so; while none is known yet (start-up), rows wait.
        QList<SigningSecret> endpointSecrets;
        int concurrency = 4;
        int maxTries = 30; // then the row is "failed"
        std::chrono::milliseconds retryBase {1000}; // doubled after each failed try
        std::chrono::milliseconds retryCap {std::chrono::minutes(5)};
        std::chrono::milliseconds timeout {std::chrono::seconds(30)}; // a whole request, at most
        // A row is claimed for timeout + leaseMargin. Only a forwarder that died while sending
        // holds a row that long: then another one (or the next run) sends it.
        std::chrono::milliseconds leaseMargin {std::chrono::seconds(15)};
        std::chrono::milliseconds poll {std::chrono::seconds(1)}; // rescans even without wake()
        // When set, kept at the number of pending rows (every poll), for /metrics; must outlive
        // the Forwarder.
        std::atomic<qint64> *queueDepth = nullptr;
    };

    explicit Forwarder(Options options, QObject *parent = nullptr);
    ~Forwarder() override;

    // Starts the thread. Rows left pending by an earlier run become due at once, except those
    // another running forwarder (another receiver on a shared store) holds.
    void start();
    // Finishes nothing in flight (those rows stay pending, and are given back: due at once for
    // any forwarder) and joins the thread.
    void stop();

    // Thread-safe: new rows were queued; look now rather than at the next poll.
    void wake();
    void setSecret(std::optional<SigningSecret> secret);
    // The receiver's secrets changed (or became known); rows waiting for them become due.
    void setEndpointSecrets(const QList<SigningSecret> &secrets);
    // Makes every pending row due now (the forwarding log's "Retry now"), except those a
    // forwarder is sending.
    void retryNow();
    // Asks for the latest rows; they arrive through recentLoaded().
    void loadRecent(int limit = 1000);

Q_SIGNALS:
    // From the forwarding thread (connect with a context object: they are queued).
    void entryUpdated(const mm::ForwardEntry &entry);
    void recentLoaded(const QList<mm::ForwardEntry> &entries);
    void problem(const QString &message); // the store cannot be read or written
    // A row was given up without a try: the endpoint secret that verified it is not configured
    // any more (a sentence naming the message; the row's own error says the same).
    void notice(const QString &message);

private:
    Options m_options;
    WorkerThread m_thread {QStringLiteral("mm-forward")};
    ForwardWorker *m_worker = nullptr;
};

} // namespace mm

Q_DECLARE_METATYPE(mm::ForwardEntry)
