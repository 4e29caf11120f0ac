// SPDX-License-Identifier: GPL-3.0-or-later
// Sends stored deliveries to a URL: a bounded number at once, at most so many a second,
// retrying failed tries when asked (every non-2xx answer, as Svix does, or only transient
// failures), and cancellable. Network only: where the deliveries come from and where results
// go is the caller's business.
#pragma once

#include "outgoing.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QUrl>
#include <chrono>
#include <deque>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace mm {

// Which failed tries are tried again.
enum class RetryOn : quint8 {
    NonSuccess, // no answer, or any answer that is not 2xx (redirects and 4xx too), as Svix does
    Transient, // no answer, 429 or 5xx
};

struct ReplayOptions
{
    QUrl target;
    SigningChoice signing;
    int concurrency = 4; // requests in flight at once, 1-64
    double ratePerSecond = 0; // requests started per second; 0 = no limit
    int retries = 0; // further tries after a failed one (see retryOn)
    RetryOn retryOn = RetryOn::NonSuccess;
    std::chrono::milliseconds timeout {30000}; // per try
    std::chrono::milliseconds retryDelay {1000}; // before the first retry, doubled after each

    // Checks the target (absolute http or https URL) and the numbers; a sentence when wrong.
    QString validate() const;
};

struct ReplayResult
{
    int index = 0; // position in the input
    qint64 rowId = 0;
    QByteArray originalMsgId;
    QByteArray sentMsgId;
    QString type;
    QString migrationId;
    qint64 sentUs = 0; // wall clock of the last try's start
    int status = 0; // HTTP status of the last try; 0 when there was no answer
    qint64 latencyUs = 0; // the last try, request sent to answer read
    int tries = 0;
    QString error; // empty on a 2xx
    QByteArray responseHead; // the first 4 KiB of the last answer's body
    bool cancelled = false;

    bool ok() const { return status >= 200 && status < 300; }
};

struct ReplaySummary
{
    int succeeded = 0;
    int failed = 0;
    int cancelled = 0;
};

class Replayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Replayer)

public:
    static constexpr qsizetype ResponseHeadBytes = 4096;

    explicit Replayer(QObject *parent = nullptr);
    ~Replayer() override;

    // Starts sending, in input order. Results arrive as each finishes; finished() follows
    // the last. A Replayer runs one batch at a time: start() while running is refused.
    bool start(QList<OutgoingDelivery> deliveries, const ReplayOptions &options, QString *error);
    // Aborts what is in flight and reports the rest as cancelled.
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void resultReady(const mm::ReplayResult &result);
    void progress(int done, int total);
    void finished(const mm::ReplaySummary &summary);

private:
    struct InFlight
    {
        int index = 0;
        int tries = 0;
        QElapsedTimer clock;
        QByteArray head;
    };

    void pump();
    void send(int index, int tries);
    void onFinished(QNetworkReply *reply);
    void complete(ReplayResult result);
    ReplayResult resultFor(int index) const;
    void finishIfDone();

    QNetworkAccessManager *m_network;
    QTimer *m_pacer;
    ReplayOptions m_options;
    QList<OutgoingDelivery> m_deliveries;
    QList<QByteArray> m_sentIds; // per delivery, minted at its first try and kept for its retries
    std::deque<std::pair<int, int>> m_ready; // (index, tries so far) waiting to start
    QHash<QNetworkReply *, InFlight> m_inFlight;
    int m_waitingRetries = 0;
    int m_done = 0;
    ReplaySummary m_summary;
    QElapsedTimer m_rateClock;
    qint64 m_nextStartNs = 0;
    bool m_running = false;
    bool m_cancelling = false;
    quint64 m_generation = 0; // retries scheduled for an earlier batch are ignored
};

} // namespace mm

Q_DECLARE_METATYPE(mm::ReplayResult)
Q_DECLARE_METATYPE(mm::ReplaySummary)
