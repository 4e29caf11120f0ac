// SPDX-License-Identifier: GPL-3.0-or-later
// Forwarder's insides, living on the forwarding thread: the queue's reads and writes and
// the requests in flight.
#pragma once

#include "forwarder.h"
#include "outgoing.h"
#include "store/forwardqueue.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace mm {

class ForwardWorker final : public QObject
{
    Q_OBJECT

public:
    explicit ForwardWorker(Forwarder::Options options);
    ~ForwardWorker() override;

    // All run on the forwarding thread.
    void open();
    void close();
    void scan();
    void setSecret(std::optional<mm::SigningSecret> secret);
    void setEndpointSecrets(const QList<mm::SigningSecret> &secrets);
    void retryNow();
    void loadRecent(int limit);

Q_SIGNALS:
    void entryUpdated(const mm::ForwardEntry &entry);
    void recentLoaded(const QList<mm::ForwardEntry> &entries);
    void problem(const QString &message);
    void notice(const QString &message);

private:
    struct Row
    {
        ForwardEntry entry;
        bool resign = false;
        OutgoingDelivery delivery;
    };
    struct InFlight
    {
        Row row;
        QElapsedTimer clock;
    };

    void abortOverdue();
    void send(Row row);
    void onFinished(QNetworkReply *reply);
    // Try: a request was sent (or could not be built): delivered, retried later or, after
    // maxTries, failed. Wait: not tried, due again later without counting a try. GiveUp: failed
    // now, without a try.
    enum class Settle : quint8 { Try, Wait, GiveUp };
    void settle(Row &row, int status, const QString &error, Settle how = Settle::Try);
    void reportProblem(const QString &message);
    void countPending();

    Forwarder::Options m_options;
    QString m_connection;
    bool connectStore();
    void dropStore();

    QString m_claimer; // set by open()
    std::optional<ForwardQueue> m_queue; // while open
    bool m_open = false;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_poll = nullptr;
    QHash<QNetworkReply *, InFlight> m_inFlight;
    QSet<QNetworkReply *> m_overdue; // aborted for taking longer than the timeout
    QString m_lastProblem;
};

} // namespace mm
