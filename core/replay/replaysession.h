// SPDX-License-Identifier: GPL-3.0-or-later
// One replay as the window drives it: reads what to send from the store and writes the
// replay history (in batches) on its own thread, sends with a Replayer on this one, and
// reads the history back for the history view.
#pragma once

#include "replayer.h"
#include "replaystore.h"
#include "util/workerthread.h"

#include <QObject>
#include <QTimer>
#include <functional>

namespace mm {

class ReplaySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplaySession)

public:
    // Results are written to the history in one transaction per this many, or after this long.
    static constexpr int RecordBatch = 100;
    static constexpr int RecordIntervalMs = 250;

    // store must outlive the session.
    explicit ReplaySession(const Store &store, QObject *parent = nullptr);
    ~ReplaySession() override; // cancels a running replay and records it as such

    // Replays the stored deliveries that selection picks, oldest first. Returns false with
    // a sentence when the options are wrong or a replay is running; otherwise started()
    // (or failed(), when nothing can be sent) follows.
    bool start(const ReplaySelection &selection, const ReplayOptions &options, QString *error);
    // Sends these deliveries as given (an edited body has rowId 0).
    bool start(QList<OutgoingDelivery> deliveries, const ReplayOptions &options, QString *error);
    // Stops what is in flight; the rest is reported cancelled, then finished().
    void cancel();
    bool isRunning() const { return m_running; }

    // The history, newest run first; runsLoaded() follows.
    void loadRuns(int limit = 200);
    // One run's requests in order; requestsLoaded() follows.
    void loadRequests(qint64 runId);

Q_SIGNALS:
    void started(int total);
    // Nothing was sent: the store could not be read, nothing matched, or cancelled first.
    void failed(const QString &error);
    void progress(int done, int total);
    void resultReady(const mm::ReplayResult &result);
    void finished(const mm::ReplaySummary &summary);
    // The run's number in the replay history, once it is written.
    void runRecorded(qint64 runId);
    // The history could not be written; the replay itself goes on.
    void historyProblem(const QString &error);
    void runsLoaded(const QList<mm::ReplayRunInfo> &runs);
    void requestsLoaded(qint64 runId, const QList<mm::ReplayResult> &requests);

private:
    struct Worker;

    // Runs work on the history thread (with the replay store, or null when it cannot
    // be opened, and why); what it returns then runs here, unless this is gone.
    using HistoryWork
        = std::function<std::function<void()>(Worker *worker, ReplayStore *store, const QString &error)>;
    void onHistoryThread(HistoryWork work);
    void begin(QList<OutgoingDelivery> deliveries);
    void onResult(const ReplayResult &result);
    void onFinished(const ReplaySummary &summary);
    void flushHistory();

    const Store &m_store;
    Replayer m_replayer;
    ReplayOptions m_options;
    WorkerThread m_thread {QStringLiteral("mm-replay")}; // started by the first history work
    Worker *m_worker = nullptr;
    QTimer m_flushTimer;
    QList<ReplayResult> m_unrecorded;
    bool m_running = false;
    bool m_cancelledEarly = false; // cancel() while the selection was still being read
};

// How the app hands the window new sessions (the window never makes one on its own).
using ReplaySessionFactory = std::function<ReplaySession *(QObject *parent)>;

} // namespace mm

Q_DECLARE_METATYPE(mm::ReplayRunInfo)
