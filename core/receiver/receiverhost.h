// SPDX-License-Identifier: GPL-3.0-or-later
// Owns the named receiver thread ("mm-receiver") and the Receiver created inside it.
// Used from the main thread: start() returns once the port is bound or has failed.
#pragma once

#include "receiver.h"
#include "util/workerthread.h"

#include <QObject>
#include <QUrl>

namespace mm {

class ReceiverHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReceiverHost)

public:
    explicit ReceiverHost(QObject *parent = nullptr);
    ~ReceiverHost() override;

    bool start(const ReceiverConfig &config, StoreWriter *store, QString *error);
    // Answers what is in flight (waiting at most the given time), then ends the thread.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

    bool isRunning() const { return m_receiver != nullptr; }
    // What every receiver this host ran has done, for /metrics; readable from any thread.
    const ReceiverCounters &counters() const { return m_counters; }
    QUrl url() const { return m_url; }
    // The endpoint secrets the receiver verifies with (kept while it is stopped too, so whoever
    // signs with them, such as forwarding, has them); secretsChanged() follows each change.
    void setSecrets(const QList<SigningSecret> &secrets);
    const QList<SigningSecret> &secrets() const { return m_secrets; }

Q_SIGNALS:
    void handled(const QList<mm::DeliveryLogEntry> &entries);
    void guardRejected(int status, const QString &remote, const QByteArray &reason);
    void secretsChanged(const QList<mm::SigningSecret> &secrets);

private:
    ReceiverCounters m_counters; // before the thread: the receiver on it writes here
    WorkerThread m_thread {QStringLiteral("mm-receiver")};
    Receiver *m_receiver = nullptr;
    QUrl m_url;
    QList<SigningSecret> m_secrets;
};

} // namespace mm
